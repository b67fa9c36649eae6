/* Tests for the lexer: token kinds, exact numbers with units, dates, strings and positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rules/rules_int.h"
#include "tidu/num.h"

static tidu_toklist lex_ok(const char *text) {
  tidu_toklist t = {0};
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  assert_int_equal(tidu_lex("t.tidu", text, strlen(text), &t, &errs), 0);
  assert_int_equal(errs.n, 0);
  tidu_errlist_free(&errs);
  return t;
}

static void test_numbers_with_units(void **state) {
  (void)state;
  tidu_toklist t = lex_ok("5000万 1.5亿 15% 2000万元 0.5 3元");
  assert_int_equal(t.n, 7);
  assert_true(t.t[0].kind == TK_NUM && t.t[0].num == 50000000 && t.t[0].den == 1);
  assert_true(t.t[1].num == 1500000000 && t.t[1].den == 10); /* 150000000 exactly */
  assert_true(t.t[2].num == 15 && t.t[2].den == 100 && t.t[2].unit == '%');
  assert_true(t.t[3].num == 20000000 && t.t[3].unit == 'M');
  assert_true(t.t[4].num == 5 && t.t[4].den == 10 && !t.t[4].is_int);
  assert_true(t.t[5].num == 3 && t.t[5].unit == 'M');
  assert_int_equal(t.t[6].kind, TK_EOF);
  tidu_toklist_free(&t);
}

static void test_positions_are_characters(void **state) {
  (void)state;
  /* columns count characters, not bytes: 亿 is three bytes, one column */
  tidu_toklist t = lex_ok("# 注释 comment\n  x >= 1亿 \"科创\" y\n  star.1 ≥ 2");
  tidu_toklist_free(&t);
  t = lex_ok("x >= 1亿 \"科创\" y\n  star.1 ≥ 2");
  assert_int_equal(t.t[0].sp.col, 1);
  assert_int_equal(t.t[1].kind, TK_GE);
  assert_int_equal(t.t[1].sp.col, 3);
  assert_int_equal(t.t[2].sp.col, 6);
  assert_int_equal(t.t[2].sp.chars, 2);
  assert_int_equal(t.t[3].kind, TK_STR);
  assert_string_equal(t.t[3].str, "科创");
  assert_int_equal(t.t[3].sp.chars, 4);
  assert_int_equal(t.t[4].sp.col, 14);
  assert_int_equal(t.t[5].kind, TK_ID);
  assert_string_equal(t.t[5].str, "star.1");
  assert_int_equal(t.t[5].sp.line, 2);
  assert_int_equal(t.t[5].sp.col, 3);
  assert_int_equal(t.t[6].kind, TK_GE); /* the full-width sign is accepted */
  tidu_toklist_free(&t);
}

static void test_keywords_dates_strings(void **state) {
  (void)state;
  tidu_toklist t = lex_ok("ruleset effective 2024-04-30 \"a\\\"b\\\\c\" -> == != <= < any");
  assert_int_equal(t.t[0].kind, TK_KW_RULESET);
  assert_int_equal(t.t[1].kind, TK_KW_EFFECTIVE);
  assert_int_equal(t.t[2].kind, TK_DATE);
  assert_int_equal(t.t[2].date, tidu_days_from_civil(2024, 4, 30));
  assert_string_equal(t.t[3].str, "a\"b\\c");
  assert_int_equal(t.t[4].kind, TK_ARROW);
  assert_int_equal(t.t[5].kind, TK_EQ);
  assert_int_equal(t.t[6].kind, TK_NE);
  assert_int_equal(t.t[7].kind, TK_LE);
  assert_int_equal(t.t[8].kind, TK_LT);
  assert_int_equal(t.t[9].kind, TK_KW_ANY);
  tidu_toklist_free(&t);
}

static void test_errors_keep_going(void **state) {
  (void)state;
  const char *text = "a @ b\n\"open\nc 2023-02-30";
  tidu_toklist t = {0};
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  assert_int_equal(tidu_lex("t.tidu", text, strlen(text), &t, &errs), 3);
  assert_int_equal(errs.items[0].line, 1);
  assert_int_equal(errs.items[0].col, 3);
  assert_non_null(strstr(errs.items[0].message, "unexpected character"));
  assert_int_equal(errs.items[1].line, 2);
  assert_non_null(strstr(errs.items[1].message, "unterminated string"));
  assert_int_equal(errs.items[2].line, 3);
  assert_int_equal(errs.items[2].col, 3);
  assert_non_null(strstr(errs.items[2].message, "invalid date"));
  /* tokens after the errors are still there */
  assert_int_equal(t.t[t.n - 2].kind, TK_DATE);
  tidu_toklist_free(&t);
  tidu_errlist_free(&errs);
}

static void test_number_too_large(void **state) {
  (void)state;
  const char *text = "x >= 123456789012345678901234567890123456789012345.5亿";
  tidu_toklist t = {0};
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  assert_int_equal(tidu_lex("t.tidu", text, strlen(text), &t, &errs), 1);
  assert_non_null(strstr(errs.items[0].message, "number too large"));
  assert_int_equal(errs.items[0].col, 6);
  tidu_toklist_free(&t);
  tidu_errlist_free(&errs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_numbers_with_units),
      cmocka_unit_test(test_positions_are_characters),
      cmocka_unit_test(test_keywords_dates_strings),
      cmocka_unit_test(test_errors_keep_going),
      cmocka_unit_test(test_number_too_large),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
