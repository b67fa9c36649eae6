/* Tests of the toolkit: allocation hook, growable array, string builder, edit distance
 * (src/core/toolkit.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tidu/toolkit.h"

static void fail_at_fails_that_one_only(void **state) {
  (void)state;
  tidu_alloc_fail_at(2);
  void *a = tidu_malloc(8);
  void *b = tidu_malloc(8);
  void *c = tidu_calloc(2, 8);
  tidu_alloc_fail_at(0);
  assert_non_null(a);
  assert_null(b);
  assert_non_null(c);
  free(a);
  tidu_free(c);
}

static void count_counts_every_kind(void **state) {
  (void)state;
  tidu_alloc_fail_at(0);
  char *s = tidu_strdup("营业收入");
  char *t = tidu_strndup("revenue", 3);
  s = tidu_realloc(s, 64);
  assert_int_equal(tidu_alloc_count(), 3);
  assert_string_equal(s, "营业收入");
  assert_string_equal(t, "rev");
  assert_null(tidu_strdup(NULL));
  free(s);
  free(t);
}

static void array_grows_and_keeps_on_failure(void **state) {
  (void)state;
  int *a = NULL;
  size_t n = 0, cap = 0;
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(TIDU_PUSH_ROOM(a, n, cap), 0);
    a[n++] = i;
  }
  assert_true(cap >= 1000);
  size_t old = cap;
  tidu_alloc_fail_at(1);
  assert_int_equal(TIDU_RESERVE(a, cap, old + 1), -1);
  tidu_alloc_fail_at(0);
  assert_int_equal(cap, old);
  for (int i = 0; i < 1000; i++) assert_int_equal(a[i], i);
  assert_int_equal(TIDU_RESERVE(a, cap, 10), 0); /* already room: no allocation */
  free(a);
}

static void builder_appends_and_takes(void **state) {
  (void)state;
  tidu_sb b = {0};
  char *empty = tidu_sb_take(&b);
  assert_string_equal(empty, "");
  free(empty);
  tidu_sb_puts(&b, "净利润");
  tidu_sb_putc(&b, ' ');
  tidu_sb_printf(&b, "%d万", 5000);
  for (int i = 0; i < 200; i++) tidu_sb_printf(&b, "%s", "0123456789");
  assert_int_equal(b.len, strlen("净利润 5000万") + 2000);
  char *s = tidu_sb_take(&b);
  assert_memory_equal(s, "净利润 5000万0123", strlen("净利润 5000万0123"));
  assert_null(b.s);
  free(s);
}

static void builder_stays_failed(void **state) {
  (void)state;
  tidu_sb b = {0};
  tidu_sb_puts(&b, "a");
  tidu_alloc_fail_at(1);
  assert_int_equal(tidu_sb_printf(&b, "%0100d", 1), -1);
  tidu_alloc_fail_at(0);
  assert_int_equal(tidu_sb_puts(&b, "b"), -1);
  assert_null(tidu_sb_take(&b));
  assert_int_equal(tidu_sb_puts(&b, "c"), 0); /* take empties the builder */
  tidu_sb_free(&b);
}

static void builder_reads_a_stream(void **state) {
  (void)state;
  FILE *f = tmpfile();
  assert_non_null(f);
  for (int i = 0; i < 10000; i++) fputs("0123456789", f);
  rewind(f);
  tidu_sb b = {0};
  assert_int_equal(tidu_sb_read(&b, f, 0), 0);
  assert_int_equal(b.len, 100000);
  tidu_sb_free(&b);
  rewind(f);
  assert_int_equal(tidu_sb_read(&b, f, 12345), 0);
  assert_int_equal(b.len, 12345);
  tidu_sb_free(&b);
  fclose(f);
}

static void edit_distance_counts_characters(void **state) {
  (void)state;
  assert_int_equal(tidu_edit_distance("revnue", "revenue"), 1);
  assert_int_equal(tidu_edit_distance("营业收人", "营业收入"), 1);
  assert_int_equal(tidu_edit_distance("Revenue", "revenue"), 0);
  assert_int_equal(tidu_edit_distance("", "abc"), 3);
  assert_int_equal(tidu_edit_distance("kitten", "sitting"), 3);
  char longer[80];
  memset(longer, 'a', 65);
  longer[65] = '\0';
  assert_int_equal(tidu_edit_distance(longer, "a"), TIDU_FAR);
  longer[64] = '\0';
  assert_int_equal(tidu_edit_distance(longer, ""), 64);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fail_at_fails_that_one_only),
      cmocka_unit_test(count_counts_every_kind),
      cmocka_unit_test(array_grows_and_keeps_on_failure),
      cmocka_unit_test(builder_appends_and_takes),
      cmocka_unit_test(builder_stays_failed),
      cmocka_unit_test(builder_reads_a_stream),
      cmocka_unit_test(edit_distance_counts_characters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
