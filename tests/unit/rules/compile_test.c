/* Tests for the compiler: name resolution, type checks, errors with positions and suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules_helpers.h"

#define HEAD "ruleset x \"x\" kind board\n  effective 2020-01-01\n"

/* The error of one bad condition inside a standard on line 3. */
static const char *cond_error(const char *cond) {
  static char text[1024];
  snprintf(text, sizeof text, HEAD "standard x.1 \"a\" {\n  %s\n}\n", cond);
  size_t n;
  return first_error(text, &n);
}

static void test_unknown_metric_with_caret(void **state) {
  (void)state;
  const char *text = "ruleset star \"科创板\" kind board\n  effective 2019-03-01\n"
                     "standard star.1 \"x\" {\n  any {\n    all { revnue[0] >= 1亿 }\n  }\n}\n";
  size_t n;
  const char *e = first_error(text, &n);
  assert_int_equal(n, 1);
  assert_string_equal(e, "bad.tidu:5:11: 未知指标 'revnue'(是否为 'revenue'?) / unknown metric "
                         "'revnue' (did you mean 'revenue'?)\n"
                         "    5 |     all { revnue[0] >= 1亿 }\n"
                         "      |           ^~~~~~\n");
}

static void test_type_errors(void **state) {
  (void)state;
  assert_non_null(strstr(cond_error("listing_status >= 3"),
                         "cannot compare enumeration 'listing_status' with a number"));
  assert_non_null(strstr(cond_error("listing_status == 3"),
                         "cannot compare enumeration 'listing_status' with a number"));
  assert_non_null(strstr(cond_error("revenue >= 1亿"), "year field 'revenue' needs a year index"));
  assert_non_null(strstr(cond_error("revenue[6] >= 1"), "year index [6] out of range (0..5)"));
  assert_non_null(strstr(cond_error("market_cap[0] >= 1"), "firm field 'market_cap' takes no"));
  assert_non_null(strstr(cond_error("profit >= 1"), "series 'profit' needs a year index"));
  assert_non_null(strstr(cond_error("industry >= 1"), "'industry' cannot be used in arithmetic"));
  assert_non_null(strstr(cond_error("own_brand == 1"), "compare with true or false"));
  assert_non_null(strstr(cond_error("titles has hightech"), "did you mean 'high_tech'"));
  assert_non_null(strstr(cond_error("revenue[0] startswith \"C\""), "text field expected"));
  assert_non_null(strstr(cond_error("sun(revenue, 3) >= 1"), "did you mean 'sum'"));
  assert_non_null(strstr(cond_error("sum(revenue, x) >= 1"), "must be an integer"));
  assert_non_null(strstr(cond_error("years_since(revenue) >= 1"), "needs a date field"));
}

static void test_positions(void **state) {
  (void)state;
  const char *e = cond_error("revenue[0] >= 1  market_capp >= 2");
  assert_non_null(strstr(e, "bad.tidu:4:20: "));
  assert_non_null(strstr(e, "did you mean 'market_cap'"));
}

static void test_all_errors_listed(void **state) {
  (void)state;
  const char *text = HEAD "standard x.1 \"a\" { revnue[0] >= 1  netprofit[0] > 0 }\n"
                          "standard x.1 \"b\" { market_cap >= 1 }\n";
  size_t n;
  first_error(text, &n);
  assert_int_equal(n, 3); /* two unknown metrics and a duplicate standard id */
}

static void test_bindings(void **state) {
  (void)state;
  /* a series binding, a scalar one using it, a condition binding, shadowing the prelude */
  const char *good = HEAD "let margin = net_profit / revenue\n"
                          "let two = sum(margin, 2) / 2\n"
                          "let ok = all { margin[0] > 10%  two >= 5% } \"利润率达标\"\n"
                          "standard x.1 \"a\" { ok }\n";
  tidu_rulebook *rb = book_of(good);
  char *dump;
  assert_int_equal(tidu_ruleset_dump(tidu_rulebook_get(rb, 0), TIDU_DUMP_PROGRAM, &dump, NULL),
                   TIDU_OK);
  /* the series binding expands per year: net_profit[1] is read for margin's year [1] */
  assert_non_null(strstr(dump, "net_profit[1]"));
  assert_non_null(strstr(dump, "\"利润率达标\""));
  free(dump);
  tidu_rulebook_free(rb);
  assert_non_null(strstr(cond_error("margin2 > 0"), "unknown metric 'margin2'"));
  const char *loop = HEAD "let a = a + 1\nstandard x.1 \"a\" { a > 0 }\n";
  assert_non_null(strstr(first_error(loop, NULL), "refers to itself"));
}

static void test_metrics_and_functions(void **state) {
  (void)state;
  tidu_rulebook *rb = tidu_rulebook_new();
  size_t n = tidu_rulebook_metrics(rb, NULL, 0);
  tidu_metric_info *m = calloc(n, sizeof *m);
  assert_int_equal(tidu_rulebook_metrics(rb, m, n), n);
  int saw_profit = 0, saw_revenue = 0;
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(m[i].name, "profit")) {
      saw_profit = m[i].scope == 'D';
      assert_string_equal(m[i].formula,
                          "first(min(net_profit, net_profit_deducted), net_profit_lower)");
    }
    if (!strcmp(m[i].name, "revenue")) saw_revenue = m[i].scope == 'Y';
  }
  assert_true(saw_profit && saw_revenue);
  free(m);
  tidu_rulebook_free(rb);
  const char *const *fns = tidu_rules_functions();
  assert_string_equal(fns[0], "sum");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unknown_metric_with_caret),
      cmocka_unit_test(test_type_errors),
      cmocka_unit_test(test_positions),
      cmocka_unit_test(test_all_errors_listed),
      cmocka_unit_test(test_bindings),
      cmocka_unit_test(test_metrics_and_functions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
