/* Tests of exact value parsing, dates and formatting (src/core/num.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tidu/num.h"

/* Parses `s` as `type` with the given header unit and returns the stored integer. */
static int64_t parse_ok(tidu_type type, const char *s, int64_t unit, int percent) {
  int64_t v = 0;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_parse_value(type, s, strlen(s), unit, percent, &v, &err);
  if (rc != TIDU_OK) fail_msg("parsing \"%s\" failed: %s", s, err.message);
  return v;
}

static tidu_code parse_err(tidu_type type, const char *s, tidu_error *err) {
  int64_t v = 0;
  return tidu_parse_value(type, s, strlen(s), 1, 0, &v, err);
}

/* Plain decimals take a short path; the same text with a trailing space takes the general one
 * (which trims it). Both must give the same value, or the same error, for every type, header
 * unit and percent flag: rounding half away from zero, whole counts, sizes at the limit. */
static void plain_path_same_as_general(void **state) {
  (void)state;
  static const char *const texts[] = {"true",
                                      "FALSE",
                                      "Yes",
                                      "no",
                                      "y",
                                      "N",
                                      "T",
                                      "f",
                                      "maybe",
                                      "tru",
                                      "N/A",
                                      "1234567",
                                      "0",
                                      "-0",
                                      "+0",
                                      "0.00",
                                      "-0.00",
                                      "007",
                                      ".5",
                                      "5.",
                                      "-.5",
                                      "0.005",
                                      "0.004999",
                                      "0.015",
                                      "-0.015",
                                      "1.005",
                                      "-2.5",
                                      "2.5",
                                      "38035486.00",
                                      "-544067.90",
                                      "1.23456789",
                                      "123456789012",
                                      "92233720368547758",
                                      "922337203685477580",
                                      "999999999999999999",
                                      "12345678.901234567",
                                      "1.5",
                                      "-3",
                                      "100",
                                      "12.345678912",
                                      "0.000000001",
                                      "1.",
                                      "-",
                                      ".",
                                      "+",
                                      "1.2.3",
                                      "1-2",
                                      "--1",
                                      "1e5",
                                      "12,345",
                                      "1234567890123456789"};
  static const tidu_type types[] = {TIDU_T_MONEY, TIDU_T_RATIO, TIDU_T_COUNT,
                                    TIDU_T_YEARS, TIDU_T_SCORE, TIDU_T_BOOL};
  static const int64_t units[] = {1, 1000, 10000, 100000000};
  char padded[64];
  for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
      for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        for (int pc = 0; pc < 2; pc++) {
          snprintf(padded, sizeof padded, "%s ", texts[t]);
          int64_t a = 1, b = 2;
          tidu_error ea, eb;
          tidu_error_clear(&ea);
          tidu_error_clear(&eb);
          tidu_code ra =
              tidu_parse_value(types[k], texts[t], strlen(texts[t]), units[u], pc, &a, &ea);
          tidu_code rb = tidu_parse_value(types[k], padded, strlen(padded), units[u], pc, &b, &eb);
          /* an error quotes the text as given: compare what comes before the quote */
          size_t qa = strcspn(ea.message, "\""), qb = strcspn(eb.message, "\"");
          if (ra != rb || a != b || qa != qb || strncmp(ea.message, eb.message, qa) != 0)
            fail_msg("\"%s\" type %d unit %lld percent %d: %d %lld \"%s\" against %d %lld \"%s\"",
                     texts[t], (int)types[k], (long long)units[u], pc, (int)ra, (long long)a,
                     ea.message, (int)rb, (long long)b, eb.message);
        }
}

static void money_plain_and_units(void **state) {
  (void)state;
  assert_int_equal(parse_ok(TIDU_T_MONEY, "0.01", 1, 0), 1);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "12,345.67", 1, 0), 1234567);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "1.5亿", 1, 0), 15000000000LL);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "5000万", 1, 0), 5000000000LL);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "2000万元", 1, 0), 2000000000LL);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "3亿元", 1, 0), 30000000000LL);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "3200元", 1, 0), 320000);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "+7", 1, 0), 700);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "-7.5", 1, 0), -750);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "1.5E+08", 1, 0), 15000000000LL);
}

static void money_header_unit(void **state) {
  (void)state;
  /* a "(万元)" header multiplies the column */
  assert_int_equal(parse_ok(TIDU_T_MONEY, "0.01", 10000, 0), 10000);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "5000", 10000, 0), 5000000000LL);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "1.5", 100000000, 0), 15000000000LL);
  /* a cell with its own unit overrides the header */
  assert_int_equal(parse_ok(TIDU_T_MONEY, "3200元", 10000, 0), 320000);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "1亿", 10000, 0), 10000000000LL);
}

static void money_rounds_half_away_from_zero(void **state) {
  (void)state;
  assert_int_equal(parse_ok(TIDU_T_MONEY, "0.005", 1, 0), 1);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "0.0049999", 1, 0), 0);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "-0.005", 1, 0), -1);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "2.675", 1, 0), 268); /* a double would give 267 */
  assert_int_equal(parse_ok(TIDU_T_MONEY, "0.123456789", 10000, 0), 123457);
}

static void money_accounting_and_full_width(void **state) {
  (void)state;
  assert_int_equal(parse_ok(TIDU_T_MONEY, "(1,234.00)", 1, 0), -123400);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "（1,234.00）", 1, 0), -123400);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "１２，３４５．６７", 1, 0), 1234567);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "－５", 1, 0), -500);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "＋５万", 1, 0), 5000000);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "  ¥1,000  ", 1, 0), 100000);
  assert_int_equal(parse_ok(TIDU_T_MONEY,
                            "\xe3\x80\x80"
                            "42"
                            "\xe3\x80\x80",
                            1, 0),
                   4200);
}

static void ratios(void **state) {
  (void)state;
  assert_int_equal(parse_ok(TIDU_T_RATIO, "15%", 1, 0), 15000000);
  assert_int_equal(parse_ok(TIDU_T_RATIO, "15％", 1, 0), 15000000);
  assert_int_equal(parse_ok(TIDU_T_RATIO, "0.15", 1, 0), 15000000);
  assert_int_equal(parse_ok(TIDU_T_RATIO, "15", 1, 1), 15000000);  /* header "(%)" */
  assert_int_equal(parse_ok(TIDU_T_RATIO, "15%", 1, 1), 15000000); /* not twice */
  assert_int_equal(parse_ok(TIDU_T_RATIO, "-3.5%", 1, 0), -3500000);
  assert_int_equal(parse_ok(TIDU_T_RATIO, "0.123456785", 1, 0), 12345679);
}

static void counts_years_scores(void **state) {
  (void)state;
  assert_int_equal(parse_ok(TIDU_T_COUNT, "1,200", 1, 0), 1200);
  assert_int_equal(parse_ok(TIDU_T_COUNT, "1.2万", 1, 0), 12000);
  assert_int_equal(parse_ok(TIDU_T_COUNT, "12.0", 1, 0), 12);
  assert_int_equal(parse_ok(TIDU_T_YEARS, "3.5", 1, 0), 350);
  assert_int_equal(parse_ok(TIDU_T_SCORE, "87.25", 1, 0), 8725);
  tidu_error err;
  assert_int_equal(parse_err(TIDU_T_COUNT, "1.5", &err), TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "not a whole number"));
}

static void missing_markers(void **state) {
  (void)state;
  const char *marks[] = {"", "  ", "-", "—", "--", "/", "N/A", "n/a", "－"};
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    assert_int_equal(parse_ok(TIDU_T_MONEY, marks[i], 1, 0), TIDU_MISSING);
  assert_int_equal(parse_ok(TIDU_T_RATIO, "-", 1, 0), TIDU_MISSING);
}

static void rejects_text_and_misplaced_units(void **state) {
  (void)state;
  tidu_error err;
  assert_int_equal(parse_err(TIDU_T_MONEY, "abc", &err), TIDU_ERR_INPUT);
  assert_string_equal(err.message, "不是数字: \"abc\" / not a number: \"abc\"");
  const char *bad[] = {"12a", "1,2", "12,34", "1.2.3", "(5",   "--5", "5万%", "1e",
                       "万",  ".",   "+-1",   "1 2",   "0x10", "inf", "nan"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (parse_err(TIDU_T_MONEY, bad[i], &err) != TIDU_ERR_INPUT)
      fail_msg("accepted \"%s\"", bad[i]);
  assert_int_equal(parse_err(TIDU_T_MONEY, "15%", &err), TIDU_ERR_INPUT);
  assert_int_equal(parse_err(TIDU_T_RATIO, "1万", &err), TIDU_ERR_INPUT);
  assert_int_equal(parse_err(TIDU_T_COUNT, "5元", &err), TIDU_ERR_INPUT);
  assert_int_equal(parse_err(TIDU_T_MONEY, "999999999999999999999", &err), TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "too large"));
}

static void int64_limits(void **state) {
  (void)state;
  /* the largest amount that fits: INT64_MAX 分 */
  assert_int_equal(parse_ok(TIDU_T_MONEY, "92233720368547758.07", 1, 0), INT64_MAX);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "-92233720368547758.07", 1, 0), -INT64_MAX);
  tidu_error err;
  assert_int_equal(parse_err(TIDU_T_MONEY, "92233720368547758.08", &err), TIDU_ERR_INPUT);
  assert_int_equal(parse_ok(TIDU_T_MONEY, "0.000000000000000000000000000000000000000001", 1, 0), 0);
}

static void booleans(void **state) {
  (void)state;
  const char *yes[] = {"是", "true", "TRUE", "1", "Y", "y", "有", "yes"};
  const char *no[] = {"否", "false", "0", "N", "无", "no"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    assert_int_equal(parse_ok(TIDU_T_BOOL, yes[i], 1, 0), 1);
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    assert_int_equal(parse_ok(TIDU_T_BOOL, no[i], 1, 0), 0);
  tidu_error err;
  assert_int_equal(parse_err(TIDU_T_BOOL, "maybe", &err), TIDU_ERR_INPUT);
}

static int64_t date_ok(const char *s, int serial) {
  int64_t d = 0;
  tidu_error err;
  if (tidu_parse_date(s, strlen(s), serial, &d, &err) != TIDU_OK)
    fail_msg("date \"%s\" failed: %s", s, err.message);
  return d;
}

static void dates(void **state) {
  (void)state;
  int64_t d = tidu_days_from_civil(2024, 4, 30);
  assert_int_equal(date_ok("2024-04-30", 0), d);
  assert_int_equal(date_ok("2024/4/30", 0), d);
  assert_int_equal(date_ok("2024年4月30日", 0), d);
  assert_int_equal(date_ok("20240430", 0), d);
  assert_int_equal(date_ok("2024-04-30 00:00:00", 0), d);
  assert_int_equal(date_ok("２０２４－０４－３０", 0), d);
  assert_int_equal(date_ok("45412", 1), d); /* Excel serial */
  assert_int_equal(date_ok("1", 1), tidu_days_from_civil(1900, 1, 1));
  assert_int_equal(date_ok("61", 1), tidu_days_from_civil(1900, 3, 1));
  assert_int_equal(date_ok("1970-01-01", 0), 0);
  assert_int_equal(date_ok("2024-02-29", 0), tidu_days_from_civil(2024, 2, 29));
  assert_int_equal(date_ok("-", 0), TIDU_MISSING);
  int64_t v;
  tidu_error err;
  const char *bad[] = {"2023-02-29", "2024-13-01", "2024-04-31",  "1900-02-29", "45412",
                       "2024-4",     "20241301",   "2024-04-30x", "2024年4月30"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (tidu_parse_date(bad[i], strlen(bad[i]), 0, &v, &err) != TIDU_ERR_INPUT)
      fail_msg("accepted date \"%s\"", bad[i]);
  assert_int_equal(tidu_parse_date("60", 2, 1, &v, &err), TIDU_ERR_INPUT); /* 1900-02-29 */
  char buf[11];
  tidu_format_date(d, buf);
  assert_string_equal(buf, "2024-04-30");
  int y, m, dd;
  tidu_civil_from_days(tidu_days_from_civil(1600, 2, 29), &y, &m, &dd);
  assert_true(y == 1600 && m == 2 && dd == 29);
}

static void fmt(tidu_type t, int64_t v, const char *lang, const char *want) {
  char buf[64];
  size_t n = tidu_format_value(t, v, lang, buf, sizeof buf);
  assert_string_equal(buf, want);
  assert_int_equal(n, strlen(want));
}

static void formatting(void **state) {
  (void)state;
  fmt(TIDU_T_MONEY, 21000000000LL, "zh", "2.10亿元");
  fmt(TIDU_T_MONEY, 850000000LL, "zh", "850.00万元");
  fmt(TIDU_T_MONEY, 320000, "zh", "3,200.00元");
  fmt(TIDU_T_MONEY, -320000, "zh", "-3,200.00元");
  fmt(TIDU_T_MONEY, 9999999999LL, "zh", "1.00亿元"); /* 9999.9999万 rounds up to 1亿 */
  fmt(TIDU_T_MONEY, 1000000, "zh", "1.00万元");
  fmt(TIDU_T_MONEY, 999999, "zh", "9,999.99元");
  fmt(TIDU_T_MONEY, 21000000000LL, "en", "CNY 210.00 mn");
  fmt(TIDU_T_MONEY, 320000, "en", "CNY 3,200.00");
  fmt(TIDU_T_MONEY, TIDU_MISSING, "zh", "—");
  fmt(TIDU_T_RATIO, 15000000, "zh", "15.00%");
  fmt(TIDU_T_RATIO, 15123400, "zh", "15.1234%");
  fmt(TIDU_T_RATIO, 15120000, "zh", "15.12%");
  fmt(TIDU_T_RATIO, 15100000, "zh", "15.10%");
  fmt(TIDU_T_RATIO, 15123450, "zh", "15.1235%");
  fmt(TIDU_T_RATIO, -2500000, "zh", "-2.50%");
  fmt(TIDU_T_COUNT, 1200, "zh", "1200");
  fmt(TIDU_T_YEARS, 350, "zh", "3.5");
  fmt(TIDU_T_DATE, tidu_days_from_civil(2024, 4, 30), "zh", "2024-04-30");
  char buf[64];
  tidu_format_yuan(50000000.0, "zh", buf, sizeof buf);
  assert_string_equal(buf, "5000.00万元");
  tidu_format_yuan(-0.5, "zh", buf, sizeof buf);
  assert_string_equal(buf, "-0.50元");
  char small[6];
  tidu_format_value(TIDU_T_MONEY, 320000, "zh", small, sizeof small);
  assert_int_equal(strlen(small), 5); /* truncated, still terminated */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(money_plain_and_units),
      cmocka_unit_test(money_header_unit),
      cmocka_unit_test(money_rounds_half_away_from_zero),
      cmocka_unit_test(money_accounting_and_full_width),
      cmocka_unit_test(ratios),
      cmocka_unit_test(counts_years_scores),
      cmocka_unit_test(missing_markers),
      cmocka_unit_test(rejects_text_and_misplaced_units),
      cmocka_unit_test(int64_limits),
      cmocka_unit_test(plain_path_same_as_general),
      cmocka_unit_test(booleans),
      cmocka_unit_test(dates),
      cmocka_unit_test(formatting),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
