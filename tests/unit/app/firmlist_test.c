/* The firm list's filter and order (firmlist.h), as `tidu firm list` and GET /api/firms apply
 * them: the verdict and gap filters at their boundaries, the text filter, and where missing
 * figures sort in each direction. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tidu/firmlist.h"

static tidu_list_key key(const char *uscc, const char *name, double revenue, const char *verdict,
                         double distance) {
  return (tidu_list_key){NULL, uscc, name, "320505", revenue, verdict, distance};
}

static void gap_filter_is_strictly_below(void **state) {
  (void)state;
  tidu_list_query q = {0};
  q.board = "star";
  q.has_gap = 1;
  q.gap_below = 0.5;
  tidu_list_key below = key("A", "甲", 1, "fail", 0.4999);
  tidu_list_key at = key("B", "乙", 1, "fail", 0.5);
  tidu_list_key missing = key("C", "丙", 1, "unknown", NAN);
  assert_true(tidu_list_keep(&q, &below));
  assert_false(tidu_list_keep(&q, &at));
  assert_false(tidu_list_keep(&q, &missing));
  /* without a board the verdict and gap filters do not apply */
  q.board = NULL;
  assert_true(tidu_list_keep(&q, &at));
}

static void verdict_filter_needs_the_same_verdict(void **state) {
  (void)state;
  tidu_list_query q = {0};
  q.board = "star";
  q.verdict = "unknown";
  tidu_list_key unknown = key("A", "甲", 1, "unknown", NAN);
  tidu_list_key pass = key("B", "乙", 1, "pass", 0);
  tidu_list_key not_applicable = key("C", "丙", 1, NULL, NAN);
  assert_true(tidu_list_keep(&q, &unknown));
  assert_false(tidu_list_keep(&q, &pass));
  assert_false(tidu_list_keep(&q, &not_applicable));
}

static void text_matches_name_or_uscc(void **state) {
  (void)state;
  tidu_list_query q = {0};
  q.text = "科技";
  tidu_list_key a = key("91320505MA1N2K3P9H", "苏州科技有限公司", 1, NULL, NAN);
  tidu_list_key b = key("91320505MA1N2K3P9J", "苏州制造有限公司", 1, NULL, NAN);
  assert_true(tidu_list_keep(&q, &a));
  assert_false(tidu_list_keep(&q, &b));
  q.text = "3P9J";
  assert_true(tidu_list_keep(&q, &b));
  q.text = "";
  assert_true(tidu_list_keep(&q, &b));
}

static void order(tidu_list_query *q, tidu_list_key *k, size_t n, const char *want) {
  tidu_list_sort_keys(q, k, n);
  char got[32] = "";
  for (size_t i = 0; i < n; i++) strcat(got, k[i].uscc);
  assert_string_equal(got, want);
}

static void missing_figures_sort_last_unless_reversed(void **state) {
  (void)state;
  tidu_list_key k[4];
  tidu_list_query q = {0};
  assert_int_equal(tidu_list_sort_parse("revenue", &q.sort), 0);
  k[0] = key("D", "", NAN, NULL, NAN);
  k[1] = key("C", "", 5, NULL, NAN);
  k[2] = key("B", "", 7, NULL, NAN);
  k[3] = key("A", "", 5, NULL, NAN);
  order(&q, k, 4, "ACBD"); /* ascending, ties by USCC, missing last */
  q.desc = 1;
  order(&q, k, 4, "DBAC"); /* the API's descending order reverses missing too */
  q.missing_last = 1;
  order(&q, k, 4, "BACD"); /* the CLI's: largest first, missing still last */
}

static void sort_keys_parse(void **state) {
  (void)state;
  tidu_list_sort s;
  assert_int_equal(tidu_list_sort_parse("gap", &s), 0);
  assert_int_equal(s, TIDU_LIST_BY_GAP);
  assert_int_equal(tidu_list_sort_parse("Gap", &s), -1);
  assert_int_equal(tidu_list_sort_parse(NULL, &s), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(gap_filter_is_strictly_below),
      cmocka_unit_test(verdict_filter_needs_the_same_verdict),
      cmocka_unit_test(text_matches_name_or_uscc),
      cmocka_unit_test(missing_figures_sort_last_unless_reversed),
      cmocka_unit_test(sort_keys_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
