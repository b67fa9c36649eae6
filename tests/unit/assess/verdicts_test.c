/* Tests for verdicts-only runs: every condition's and rule set's verdict equals a full run's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "assess/assess_int.h"
#include "tidu/gen.h"
#include "tidu/num.h"

#define NFIRMS 3000 /* three chunks of 1,000: several tiles of 128 lanes and a short one */
#define CHUNK  1000

static tidu_rulebook *book;
/* the chunk's text columns borrow each firm's strings: one firm record per lane */
static tidu_firm fs[CHUNK];

/* Firm i of a generated population, with missing figures and extreme values mixed in so that
 * the unknown, bound-settled, fraction and 128-bit paths of the evaluator are all taken. */
static void make_firm(uint64_t i, tidu_firm *f) {
  tidu_gen_options opt = {5, 0, 2024};
  assert_int_equal(tidu_gen_firm(&opt, i, f, NULL), TIDU_OK);
  for (size_t y = 0; y < f->nyears; y++)
    for (int fld = 0; fld < TIDU_NYEAR; fld++) {
      int64_t *v = &f->years[y].v[fld];
      if (*v == TIDU_MISSING) continue;
      if ((i + y + (uint64_t)fld) % 11 == 0)
        *v = TIDU_MISSING; /* unknown */
      else if (i % 7 == 0)
        *v *= 3 + (int64_t)(i % 50); /* boards crossed */
      else if (i % 19 == 0 && fld % 3 == 0)
        *v = -*v; /* losses, signs */
      else if (i % 101 == 0)
        *v = INT64_MAX / 4 - (int64_t)(y + 1); /* beyond 64-bit products */
    }
  if (i % 13 == 0) f->v[TIDU_F_MARKET_CAP] = TIDU_MISSING;
}

static int setup(void **state) {
  (void)state;
  book = tidu_rulebook_new();
  return book && tidu_rulebook_add_builtin(book, NULL) == TIDU_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  tidu_rulebook_free(book);
  return 0;
}

/* Runs `sel` over the population in chunks, full and verdicts-only, and compares. */
static void compare_at(int y, int m, int d) {
  int64_t as_of = tidu_days_from_civil(y, m, d);
  tidu_error err;
  tidu_selection *sel = tidu_rulebook_select(book, as_of, NULL, &err);
  assert_non_null(sel);
  tidu_eval *full = tidu_eval_new(), *lean = tidu_eval_new();
  assert_non_null(full);
  assert_non_null(lean);
  lean->verdicts_only = 1;
  tidu_chunk *ch = tidu_chunk_new(CHUNK);
  for (size_t i = 0; i < CHUNK; i++) tidu_firm_init(&fs[i]);
  size_t conds = 0, unknown = 0;
  for (uint64_t first = 0; first < NFIRMS; first += CHUNK) {
    tidu_chunk_reset(ch);
    /* the last chunk is short: a tile of fewer than 128 lanes */
    uint64_t n = first + CHUNK <= NFIRMS - 37 ? CHUNK : NFIRMS - 37 - first;
    for (uint64_t i = 0; i < n; i++) {
      make_firm(first + i, &fs[i]);
      assert_int_equal(tidu_chunk_add(ch, &fs[i], 0), TIDU_OK);
    }
    assert_int_equal(tidu_assess_chunk(sel, ch, as_of, full, NULL), TIDU_OK);
    assert_int_equal(tidu_assess_chunk(sel, ch, as_of, lean, NULL), TIDU_OK);
    for (size_t r = 0; r < tidu_selection_count(sel); r++) {
      const tidu_ruleset_info *meta = tidu_ruleset_meta(tidu_selection_get(sel, r));
      assert_memory_equal(tidu_eval_verdicts(full, r, TIDU_WHOLE),
                          tidu_eval_verdicts(lean, r, TIDU_WHOLE), ch->n);
      for (size_t s = 0; s < meta->nstandards; s++)
        assert_memory_equal(tidu_eval_verdicts(full, r, s), tidu_eval_verdicts(lean, r, s), ch->n);
      for (size_t c = 0; c < tidu_eval_cond_count(full, r); c++) {
        tidu_cond_columns a = tidu_eval_cond(full, r, c), b = tidu_eval_cond(lean, r, c);
        if (memcmp(a.verdict, b.verdict, ch->n) != 0)
          fail_msg("%s condition %zu differs at %d-%02d-%02d", meta->id, c, y, m, d);
        for (size_t l = 0; l < ch->n; l++) unknown += a.verdict[l] == TIDU_V_UNKNOWN;
        conds++;
      }
    }
  }
  /* the comparison covered conditions of every rule set, unknown lanes among them */
  assert_true(conds > 1000);
  assert_true(unknown > 0);
  for (size_t i = 0; i < CHUNK; i++) tidu_firm_clear(&fs[i]);
  tidu_chunk_free(ch);
  tidu_eval_free(full);
  tidu_eval_free(lean);
  tidu_selection_free(sel);
}

static void verdicts_only_equals_full_run_today(void **state) {
  (void)state;
  compare_at(2025, 11, 8);
}

static void verdicts_only_equals_full_run_under_older_rules(void **state) {
  (void)state;
  compare_at(2023, 2, 17);
}

/* A full run after a verdicts-only run on the same context writes every column again. */
static void full_run_after_verdicts_only_has_gaps(void **state) {
  (void)state;
  int64_t as_of = tidu_days_from_civil(2025, 11, 8);
  tidu_error err;
  tidu_selection *sel = tidu_rulebook_select(book, as_of, "star", &err);
  assert_non_null(sel);
  tidu_eval *ev = tidu_eval_new(), *ref = tidu_eval_new();
  tidu_chunk *ch = tidu_chunk_new(300);
  for (size_t i = 0; i < CHUNK; i++) tidu_firm_init(&fs[i]);
  for (uint64_t i = 0; i < 300; i++) {
    make_firm(i, &fs[i]);
    assert_int_equal(tidu_chunk_add(ch, &fs[i], 0), TIDU_OK);
  }
  ev->verdicts_only = 1;
  assert_int_equal(tidu_assess_chunk(sel, ch, as_of, ev, NULL), TIDU_OK);
  ev->verdicts_only = 0;
  assert_int_equal(tidu_assess_chunk(sel, ch, as_of, ev, NULL), TIDU_OK);
  assert_int_equal(tidu_assess_chunk(sel, ch, as_of, ref, NULL), TIDU_OK);
  for (size_t c = 0; c < tidu_eval_cond_count(ref, 0); c++) {
    tidu_cond_columns a = tidu_eval_cond(ev, 0, c), b = tidu_eval_cond(ref, 0, c);
    assert_memory_equal(a.verdict, b.verdict, ch->n);
    /* NaN compares unequal: compare the bytes */
    assert_memory_equal(a.value, b.value, ch->n * sizeof(double));
    assert_memory_equal(a.gap, b.gap, ch->n * sizeof(double));
    assert_memory_equal(a.distance, b.distance, ch->n * sizeof(double));
  }
  for (size_t l = 0; l < ch->n; l++)
    assert_int_equal(tidu_eval_nearest(ev, 0, l), tidu_eval_nearest(ref, 0, l));
  for (size_t i = 0; i < CHUNK; i++) tidu_firm_clear(&fs[i]);
  tidu_chunk_free(ch);
  tidu_eval_free(ev);
  tidu_eval_free(ref);
  tidu_selection_free(sel);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(verdicts_only_equals_full_run_today),
      cmocka_unit_test(verdicts_only_equals_full_run_under_older_rules),
      cmocka_unit_test(full_run_after_verdicts_only_has_gaps),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
