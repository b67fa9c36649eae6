/* Tests for the synthetic population: determinism, valid codes, realistic shares, writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/gen.h"
#include "tidu/io.h"
#include "tidu/uscc.h"

static char *ndjson_of(const tidu_gen_options *opt, uint64_t i) {
  tidu_firm f;
  tidu_firm_init(&f);
  tidu_gen_buf b = {0};
  assert_int_equal(tidu_gen_firm(opt, i, &f, NULL), TIDU_OK);
  assert_int_equal(tidu_gen_write_ndjson(&f, &b), TIDU_OK);
  tidu_firm_clear(&f);
  return b.data;
}

static void same_seed_same_firm(void **state) {
  (void)state;
  tidu_gen_options a = {11, 0, 0}, b = {12, 0, 0};
  char *x = ndjson_of(&a, 17), *y = ndjson_of(&a, 17), *z = ndjson_of(&b, 17);
  assert_string_equal(x, y);
  assert_string_not_equal(x, z);
  free(x);
  free(y);
  free(z);
}

static void codes_are_valid_and_unique(void **state) {
  (void)state;
  enum { N = 3000 };
  tidu_gen_options opt = {5, 0, 0};
  static char codes[N][19];
  tidu_firm f;
  tidu_firm_init(&f);
  for (int i = 0; i < N; i++) {
    assert_int_equal(tidu_gen_firm(&opt, (uint64_t)i, &f, NULL), TIDU_OK);
    const char *u = f.text[TIDU_F_USCC];
    assert_non_null(u);
    assert_int_equal(tidu_uscc_check(u, NULL), TIDU_USCC_VALID);
    const char *r = f.text[TIDU_F_REGION];
    assert_true(!strncmp(r, "32", 2) || !strncmp(r, "31", 2) || !strncmp(r, "61", 2));
    assert_memory_equal(u + 2, r, 4); /* registered in the firm's prefecture */
    memcpy(codes[i], u, 19);
  }
  tidu_firm_clear(&f);
  qsort(codes, N, sizeof codes[0], (int (*)(const void *, const void *))strcmp);
  for (int i = 1; i < N; i++) assert_string_not_equal(codes[i - 1], codes[i]);
}

/* Shares over a population: losses, revenue range, missing figures, R&D by industry. */
static void shares_are_realistic(void **state) {
  (void)state;
  enum { N = 20000 };
  tidu_gen_options opt = {3, 0, 0};
  tidu_firm f;
  tidu_firm_init(&f);
  long firm_years = 0, losses = 0, missing = 0, in_range = 0, over_1bn = 0, deducted_above = 0;
  double rd_heavy = 0, rd_trade = 0;
  long n_heavy = 0, n_trade = 0;
  for (int i = 0; i < N; i++) {
    assert_int_equal(tidu_gen_firm(&opt, (uint64_t)i, &f, NULL), TIDU_OK);
    assert_true(f.nyears >= 3 && f.nyears <= 5);
    assert_int_equal(f.years[0].year, 2024);
    const int64_t *v = f.years[0].v;
    int64_t rev = v[TIDU_Y_REVENUE];
    if (rev != TIDU_MISSING) {
      in_range += rev >= 500LL * 10000 * 100 && rev <= 5LL * 100000000 * 100;
      over_1bn += rev > 10LL * 100000000 * 100;
    }
    const char *ind = f.text[TIDU_F_INDUSTRY];
    if (rev != TIDU_MISSING && v[TIDU_Y_RD_EXPENSE] != TIDU_MISSING) {
      double r = (double)v[TIDU_Y_RD_EXPENSE] / (double)rev;
      if (!strncmp(ind, "C39", 3) || !strncmp(ind, "I65", 3)) {
        rd_heavy += r;
        n_heavy++;
      }
      if (ind[0] == 'F') {
        rd_trade += r;
        n_trade++;
      }
    }
    for (size_t k = 0; k < f.nyears; k++) {
      const int64_t *y = f.years[k].v;
      firm_years++;
      missing += y[TIDU_Y_REVENUE] == TIDU_MISSING;
      if (y[TIDU_Y_NET_PROFIT] != TIDU_MISSING) losses += y[TIDU_Y_NET_PROFIT] < 0;
      if (y[TIDU_Y_NET_PROFIT] != TIDU_MISSING && y[TIDU_Y_NET_PROFIT_DEDUCTED] != TIDU_MISSING)
        deducted_above += y[TIDU_Y_NET_PROFIT_DEDUCTED] > y[TIDU_Y_NET_PROFIT];
    }
  }
  tidu_firm_clear(&f);
  double loss_share = (double)losses / (double)firm_years;
  double missing_share = (double)missing / (double)firm_years;
  assert_true(loss_share > 0.12 && loss_share < 0.30);
  assert_true(missing_share > 0.01 && missing_share < 0.03);
  assert_true(in_range > N * 85 / 100);
  assert_true(over_1bn > 0 && over_1bn < N * 3 / 100);
  assert_int_equal(deducted_above, 0);
  assert_true(n_heavy > 0 && n_trade > 0);
  assert_true(rd_heavy / (double)n_heavy > 3 * rd_trade / (double)n_trade);
}

static void years_option_fixes_the_count(void **state) {
  (void)state;
  tidu_gen_options opt = {1, 2, 2022};
  tidu_firm f;
  tidu_firm_init(&f);
  assert_int_equal(tidu_gen_firm(&opt, 3, &f, NULL), TIDU_OK);
  assert_int_equal(f.nyears, 2);
  assert_int_equal(f.years[0].year, 2022);
  assert_int_equal(f.years[1].year, 2021);
  opt.years = TIDU_GEN_MAX_YEARS + 1;
  tidu_error err;
  assert_int_equal(tidu_gen_firm(&opt, 3, &f, &err), TIDU_ERR_USAGE);
  tidu_firm_clear(&f);
}

/* The writers' output, read back by the io readers, is the same firm. */
static void assert_same_firm(const tidu_firm *a, const tidu_firm *b) {
  for (int i = 0; i < TIDU_NFIRM; i++) {
    if (a->text[i] || b->text[i]) {
      assert_non_null(a->text[i]);
      assert_non_null(b->text[i]);
      assert_string_equal(a->text[i], b->text[i]);
    } else {
      assert_int_equal(a->v[i], b->v[i]);
    }
  }
  assert_int_equal(a->nyears, b->nyears);
  for (size_t k = 0; k < a->nyears; k++) {
    assert_int_equal(a->years[k].year, b->years[k].year);
    for (int i = 0; i < TIDU_NYEAR; i++) assert_int_equal(a->years[k].v[i], b->years[k].v[i]);
  }
}

static void round_trip(tidu_format fmt) {
  enum { N = 40 };
  tidu_gen_options opt = {9, 0, 0};
  tidu_gen_buf b = {0};
  tidu_firm f, back;
  tidu_firm_init(&f);
  tidu_firm_init(&back);
  if (fmt == TIDU_FMT_CSV) assert_int_equal(tidu_gen_write_csv_header(&b), TIDU_OK);
  for (int i = 0; i < N; i++) {
    assert_int_equal(tidu_gen_firm(&opt, (uint64_t)i, &f, NULL), TIDU_OK);
    assert_int_equal(
        fmt == TIDU_FMT_CSV ? tidu_gen_write_csv(&f, &b) : tidu_gen_write_ndjson(&f, &b), TIDU_OK);
  }
  tidu_reader *rd = NULL;
  tidu_error err;
  assert_int_equal(tidu_reader_open_mem("gen", b.data, b.len, fmt, NULL, &rd, &err), TIDU_OK);
  for (int i = 0; i < N; i++) {
    int done = 1;
    assert_int_equal(tidu_gen_firm(&opt, (uint64_t)i, &f, NULL), TIDU_OK);
    assert_int_equal(tidu_reader_next(rd, &back, &done, &err), TIDU_OK);
    assert_int_equal(done, 0);
    assert_same_firm(&f, &back);
  }
  int done = 0;
  assert_int_equal(tidu_reader_next(rd, &back, &done, &err), TIDU_OK);
  assert_int_equal(done, 1);
  tidu_reader_close(rd);
  tidu_firm_clear(&f);
  tidu_firm_clear(&back);
  tidu_gen_buf_free(&b);
}

static void ndjson_reads_back(void **state) {
  (void)state;
  round_trip(TIDU_FMT_NDJSON);
}

static void csv_reads_back(void **state) {
  (void)state;
  round_trip(TIDU_FMT_CSV);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_seed_same_firm),  cmocka_unit_test(codes_are_valid_and_unique),
      cmocka_unit_test(shares_are_realistic), cmocka_unit_test(years_option_fixes_the_count),
      cmocka_unit_test(ndjson_reads_back),    cmocka_unit_test(csv_reads_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
