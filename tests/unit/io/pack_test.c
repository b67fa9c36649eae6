/* Tests for the pack file: what comes back equals what went in, column by column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidu/gen.h"
#include "tidu/pack.h"

/* More than two blocks, so block boundaries and the short last block are crossed. */
#define NFIRMS (2 * TIDU_PACK_BLOCK_ROWS + 777)

static char path[64];

/* Firm i of the test population: some lack a region, some lag a year behind the others,
 * so that slices mix base years. */
static void gen_firm(uint64_t i, tidu_firm *f) {
  tidu_gen_options opt = {7, 0, 2024};
  assert_int_equal(tidu_gen_firm(&opt, i, f, NULL), TIDU_OK);
  if (i % 1000 == 3) tidu_firm_set_text(f, TIDU_F_REGION, NULL);
  if (i % 7 == 1 && f->nyears > 1) {
    memmove(&f->years[0], &f->years[1], (f->nyears - 1) * sizeof f->years[0]);
    f->nyears--;
  }
}

static int setup(void **state) {
  (void)state;
  snprintf(path, sizeof path, "/tmp/tidu_pack_test_%d.pack", (int)getpid());
  tidu_pack_writer *w = NULL;
  assert_int_equal(tidu_pack_writer_open(path, &w, NULL), TIDU_OK);
  tidu_firm f;
  tidu_firm_init(&f);
  for (uint64_t i = 0; i < NFIRMS; i++) {
    gen_firm(i, &f);
    assert_int_equal(tidu_pack_writer_add(w, &f, NULL), TIDU_OK);
  }
  tidu_firm_clear(&f);
  assert_int_equal(tidu_pack_writer_count(w), NFIRMS);
  assert_int_equal(tidu_pack_writer_close(w, NULL), TIDU_OK);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  remove(path);
  return 0;
}

static void assert_text_equal(const char *a, const char *b) {
  if (!a || !b)
    assert_ptr_equal(a, b);
  else
    assert_string_equal(a, b);
}

/* Compares lane `l` of a pack chunk with lane 0 of a chunk built by tidu_chunk_add. */
static void assert_lane_equal(const tidu_chunk *p, size_t l, const tidu_chunk *c) {
  assert_int_equal(p->base[l], c->base[0]);
  for (int f = 0; f < TIDU_NFIRM; f++) {
    if (c->text[f])
      assert_text_equal(p->text[f][l], c->text[f][0]);
    else
      assert_true(p->firm[f][l] == c->firm[f][0]);
  }
  for (int y = 0; y < TIDU_NYEAR; y++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) assert_true(p->yr[y][k][l] == c->yr[y][k][0]);
}

/* Reads every slice at `year` and checks each firm against tidu_chunk_add(firm, year). */
static void check_all(int32_t year, size_t cap) {
  tidu_pack *p = NULL;
  assert_int_equal(tidu_pack_open(path, &p, NULL), TIDU_OK);
  assert_int_equal(tidu_pack_count(p), NFIRMS);
  tidu_pack_cursor *cur = tidu_pack_cursor_new(p, cap);
  assert_non_null(cur);
  tidu_chunk *one = tidu_chunk_new(1);
  tidu_firm f;
  tidu_firm_init(&f);
  size_t seen = 0;
  size_t slices = tidu_pack_slices(p, cap);
  for (size_t s = 0; s < slices; s++) {
    const tidu_chunk *ch = NULL;
    size_t first = 0;
    assert_int_equal(tidu_pack_read(cur, s, year, &ch, &first, NULL), TIDU_OK);
    assert_int_equal(first, seen);
    for (size_t l = 0; l < ch->n; l++) {
      gen_firm(first + l, &f);
      tidu_chunk_reset(one);
      assert_int_equal(tidu_chunk_add(one, &f, year), TIDU_OK);
      assert_lane_equal(ch, l, one);
    }
    seen += ch->n;
  }
  assert_int_equal(seen, NFIRMS);
  tidu_firm_clear(&f);
  tidu_chunk_free(one);
  tidu_pack_cursor_free(cur);
  tidu_pack_close(p);
}

static void slices_equal_the_firms_added(void **state) {
  (void)state;
  check_all(0, 1024);
}

static void a_given_year_shifts_the_columns(void **state) {
  (void)state;
  check_all(2023, 4096);
  check_all(2026, 16384);
}

static void a_firm_comes_back_whole(void **state) {
  (void)state;
  tidu_pack *p = NULL;
  assert_int_equal(tidu_pack_open(path, &p, NULL), TIDU_OK);
  tidu_firm a, b;
  tidu_firm_init(&a);
  tidu_firm_init(&b);
  size_t rows[] = {0, 1, TIDU_PACK_BLOCK_ROWS, NFIRMS - 1};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    gen_firm(rows[i], &a);
    assert_int_equal(tidu_pack_firm(p, rows[i], &b, NULL), TIDU_OK);
    tidu_gen_buf ja = {0}, jb = {0};
    assert_int_equal(tidu_gen_write_ndjson(&a, &ja), TIDU_OK);
    assert_int_equal(tidu_gen_write_ndjson(&b, &jb), TIDU_OK);
    assert_int_equal(ja.len, jb.len);
    assert_memory_equal(ja.data, jb.data, ja.len);
    tidu_gen_buf_free(&ja);
    tidu_gen_buf_free(&jb);
  }
  assert_int_equal(tidu_pack_firm(p, NFIRMS, &b, NULL), TIDU_ERR_USAGE);
  tidu_firm_clear(&a);
  tidu_firm_clear(&b);
  tidu_pack_close(p);
}

/* Copies the first `len` bytes of the test file (all when 0) with byte `at` set to `v`. */
static void damaged_copy(const char *dst, long len, long at, int v) {
  FILE *in = fopen(path, "rb");
  FILE *out = fopen(dst, "wb");
  assert_non_null(in);
  assert_non_null(out);
  int ch;
  long i = 0;
  while ((ch = fgetc(in)) != EOF && (len == 0 || i < len)) {
    fputc(i == at ? v : ch, out);
    i++;
  }
  fclose(in);
  fclose(out);
}

static void damaged_files_are_refused(void **state) {
  (void)state;
  char bad[80];
  snprintf(bad, sizeof bad, "%s.bad", path);
  tidu_pack *p = NULL;
  tidu_error err;
  damaged_copy(bad, 0, 0, 'X'); /* magic */
  assert_int_equal(tidu_pack_open(bad, &p, &err), TIDU_ERR_INPUT);
  assert_null(p);
  assert_non_null(strstr(err.message, "pack"));
  damaged_copy(bad, 4096, -1, 0); /* truncated */
  assert_int_equal(tidu_pack_open(bad, &p, NULL), TIDU_ERR_INPUT);
  damaged_copy(bad, 0, 8, 99); /* a version from the future */
  assert_int_equal(tidu_pack_open(bad, &p, &err), TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "newer"));
  assert_int_equal(tidu_pack_open("/nonexistent/x.pack", &p, NULL), TIDU_ERR_IO);
  assert_true(tidu_pack_sniff(path));
  remove(bad);
}

static void cursor_size_must_divide_the_block(void **state) {
  (void)state;
  tidu_pack *p = NULL;
  assert_int_equal(tidu_pack_open(path, &p, NULL), TIDU_OK);
  assert_null(tidu_pack_cursor_new(p, 1000));
  tidu_pack_cursor *c = tidu_pack_cursor_new(p, 2048);
  const tidu_chunk *ch;
  assert_int_equal(tidu_pack_read(c, tidu_pack_slices(p, 2048), 0, &ch, NULL, NULL),
                   TIDU_ERR_USAGE);
  tidu_pack_cursor_free(c);
  tidu_pack_close(p);
}

static void an_empty_population_reads_as_empty(void **state) {
  (void)state;
  char empty[80];
  snprintf(empty, sizeof empty, "%s.empty", path);
  tidu_pack_writer *w = NULL;
  assert_int_equal(tidu_pack_writer_open(empty, &w, NULL), TIDU_OK);
  assert_int_equal(tidu_pack_writer_close(w, NULL), TIDU_OK);
  tidu_pack *p = NULL;
  assert_int_equal(tidu_pack_open(empty, &p, NULL), TIDU_OK);
  assert_int_equal(tidu_pack_count(p), 0);
  assert_int_equal(tidu_pack_slices(p, 1024), 0);
  tidu_pack_close(p);
  remove(empty);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(slices_equal_the_firms_added),
      cmocka_unit_test(a_given_year_shifts_the_columns),
      cmocka_unit_test(a_firm_comes_back_whole),
      cmocka_unit_test(damaged_files_are_refused),
      cmocka_unit_test(cursor_size_must_divide_the_block),
      cmocka_unit_test(an_empty_population_reads_as_empty),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
