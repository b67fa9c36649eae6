/* Tests of the JSON / NDJSON firm reader and of tidu_firm_to_json round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io_helpers.h"
#include "tidu/io.h"

/* Reads `text` as `name` and logs "F <json>" / "E <error> [column]" / "W <warning>" lines. */
static const char *run_fmt(const char *name, const char *text, tidu_format fmt) {
  return read_log(name, text, fmt, 0);
}

static const char *run(const char *text) {
  return run_fmt("firms.json", text, TIDU_FMT_JSON);
}

static void array_of_firms(void **state) {
  (void)state;
  const char *log =
      run("[{\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"苏州\",\"market_cap\":\"10亿\","
          "\"titles\":[\"high_tech\",\"专精特新中小企业\"],\"own_brand\":true,"
          "\"years\":{\"2023\":{\"revenue\":1234.56},\"2024\":{\"revenue\":\"5000万\","
          "\"roe_weighted\":0.15,\"employees\":120,\"net_profit\":null}}},\n"
          " {\"name\":\"B\",\"region\":320500}]");
  assert_string_equal(
      log, "F {\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"苏州\",\"market_cap\":1000000000,"
           "\"own_brand\":true,\"titles\":\"high_tech;srdi_sme\",\"years\":{\"2024\":{\"revenue\":"
           "50000000,\"roe_weighted\":0.15,\"employees\":120},\"2023\":{\"revenue\":1234.56}}}\n"
           "F {\"name\":\"B\",\"region\":\"320500\"}\n");
}

static void reals_are_read_exactly(void **state) {
  (void)state;
  tidu_reader *r;
  const char *text = "{\"name\":\"x\",\"years\":{\"2024\":{\"revenue\":0.29,\"rd_expense\":"
                     "9999999999999.99,\"roe_weighted\":0.07,\"total_assets\":1e3}}}";
  assert_int_equal(
      tidu_reader_open_mem("x.json", text, strlen(text), TIDU_FMT_AUTO, NULL, &r, NULL), TIDU_OK);
  tidu_firm f;
  tidu_firm_init(&f);
  int done;
  assert_int_equal(tidu_reader_next(r, &f, &done, NULL), TIDU_OK);
  const tidu_year *y = tidu_firm_find_year(&f, 2024);
  assert_non_null(y);
  assert_int_equal(y->v[TIDU_Y_REVENUE], 29); /* 0.29 * 100 is 28.999... as a double */
  assert_int_equal(y->v[TIDU_Y_RD_EXPENSE], 999999999999999LL);
  assert_int_equal(y->v[TIDU_Y_ROE_WEIGHTED], 7000000);
  assert_int_equal(y->v[TIDU_Y_TOTAL_ASSETS], 100000);
  assert_int_equal(y->src_line, 1);
  tidu_firm_clear(&f);
  tidu_reader_close(r);
}

static void ndjson_bad_line_is_skipped(void **state) {
  (void)state;
  const char *log = run_fmt("firms.ndjson",
                            "{\"name\":\"A\"}\n"
                            "{\"name\":\"B\",,}\n"
                            "\n"
                            "{\"name\":\"C\",\"years\":{\"2024\":{\"revenue\":\"12a\"}}}\n"
                            "{\"name\":\"D\"}",
                            TIDU_FMT_AUTO);
  assert_contains(log, "F {\"name\":\"A\"}\n");
  assert_contains(log, "E firms.ndjson:2:13: JSON 语法错误");
  assert_contains(log,
                  "E firms.ndjson:4:1: 2024年营业收入: 不是数字: \"12a\" / revenue_2024: not a "
                  "number: \"12a\" [years.2024.revenue]");
  assert_contains(log, "F {\"name\":\"D\"}");
}

static void array_syntax_error_is_fatal_after_earlier_firms(void **state) {
  (void)state;
  const char *log = run("[\n {\"name\":\"A\"},\n {\"name\": \"B\" \"x\"},\n {\"name\":\"C\"}\n]");
  assert_contains(log, "F {\"name\":\"A\"}\n");
  assert_contains(log, "E firms.json:3:");
  assert_true(strstr(log, "\"C\"") == NULL);
  log = run("[{\"name\":\"A\"} {\"name\":\"B\"}]");
  assert_contains(log, "E firms.json:1:15: ");
  assert_contains(log, "expected ',' or ']'");
  log = run("[{\"name\":\"A\"},");
  assert_contains(log, "F {\"name\":\"A\"}");
  assert_contains(log, "E firms.json:1:");
}

static void pretty_printed_objects(void **state) {
  (void)state;
  const char *log = run("{\n  \"name\": \"A\",\n  \"years\": {\"2024\": {\"employees\": 3}}\n}\n"
                        "{\n  \"name\": \"B\"\n}\n");
  assert_string_equal(log, "F {\"name\":\"A\",\"years\":{\"2024\":{\"employees\":3}}}\n"
                           "F {\"name\":\"B\"}\n");
}

static void shape_errors_and_unknown_keys(void **state) {
  (void)state;
  const char *log = run("[{\"name\":\"A\",\"revenue\":5},\n"
                        "{\"name\":\"B\",\"years\":{\"24\":{}}},\n"
                        "{\"name\":\"C\",\"years\":{\"2024\":{\"name\":\"x\"}}},\n"
                        "{\"name\":\"D\",\"comment\":\"hi\",\"x\":{\"comment\":1}},\n"
                        "{\"name\":\"E\",\"comment\":2},\n"
                        "{\"name\":\"F\",\"uscc\":\"9132050OMA1N2K3P99\"},\n"
                        "{\"name\":\"G\",\"own_brand\":{}},\n"
                        "3,\n"
                        "{\"name\":\"H\",\"name\":\"I\"}]");
  assert_contains(log, "E firms.json:1:2: revenue: ");
  assert_contains(log, "under \"years\"");
  assert_contains(log, "E firms.json:2:1: years.24: ");
  assert_contains(log, "E firms.json:3:1: years.2024.name: ");
  assert_contains(log, "F {\"name\":\"D\"}");
  assert_contains(log, "F {\"name\":\"E\"}");
  assert_contains(log, "malformed USCC");
  assert_contains(log, "unsupported JSON value");
  assert_contains(log, "E firms.json:8:1: ");
  assert_contains(log, "expected a firm object");
  assert_contains(log, "duplicate object key");
  assert_contains(log, "W firms.json:4:1: comment: 未知的字段，已忽略");
  assert_contains(log, "W firms.json:4:1: x: ");
  assert_true(strstr(strstr(log, "W firms.json:4:1: comment"), "W firms.json:5") == NULL);
}

static void not_json_at_all(void **state) {
  (void)state;
  assert_contains(run("  hello"), "OPEN firms.json:1:3: ");
  assert_contains(run(""), "OPEN firms.json: 文件是空的");
  assert_contains(run(" \n "), "the file is empty");
  assert_string_equal(run("[]"), "");
  assert_string_equal(run("[ ]  "), "");
}

/* Reads one firm from JSON text. */
static void read_one(const char *text, tidu_firm *f) {
  tidu_reader *r;
  tidu_error err;
  if (tidu_reader_open_mem("rt.json", text, strlen(text), TIDU_FMT_JSON, NULL, &r, &err) != TIDU_OK)
    fail_msg("open: %s", err.message);
  int done = 0;
  if (tidu_reader_next(r, f, &done, &err) != TIDU_OK) fail_msg("next: %s", err.message);
  assert_int_equal(done, 0);
  tidu_reader_close(r);
}

static void firm_to_json_round_trips(void **state) {
  (void)state;
  tidu_firm f;
  tidu_firm_init(&f);
  assert_int_equal(tidu_firm_set_text(&f, TIDU_F_USCC, "91320500MA1N2K3P99"), TIDU_OK);
  assert_int_equal(tidu_firm_set_text(&f, TIDU_F_NAME, "引号\"与\\反斜杠\n换行"), TIDU_OK);
  f.v[TIDU_F_FOUNDED] = 16587; /* 2015-06-01 */
  f.v[TIDU_F_MARKET_CAP] = 99999999999999LL;
  f.v[TIDU_F_MARKET_SHARE] = -123456789;
  f.v[TIDU_F_NICHE_YEARS] = 1;
  f.v[TIDU_F_TITLES] = (1 << 0) | (1 << 5);
  f.v[TIDU_F_LISTING_STATUS] = 7;
  f.v[TIDU_F_OWN_BRAND] = 1;
  tidu_year *y = tidu_firm_year(&f, 2024);
  y->v[TIDU_Y_NET_PROFIT] = -1; /* negative amounts keep their cents */
  y->v[TIDU_Y_EMPLOYEES] = 0;
  y->v[TIDU_Y_ROE_WEIGHTED] = 1;
  tidu_firm_year(&f, 2021); /* a year on file with no figures */
  char *js = tidu_firm_to_json(&f);
  assert_non_null(js);
  assert_string_equal(
      js, "{\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"引号\\\"与\\\\反斜杠\\u000a换行\","
          "\"founded\":\"2015-06-01\",\"market_cap\":999999999999.99,\"listing_status\":\"main\","
          "\"niche_years\":0.01,\"own_brand\":true,\"titles\":\"high_tech;single_champion\","
          "\"market_share\":-1.23456789,\"years\":{\"2024\":{\"net_profit\":-0.01,\"roe_weighted\":"
          "0.00000001,\"employees\":0},\"2021\":{}}}");
  tidu_firm back;
  tidu_firm_init(&back);
  read_one(js, &back);
  assert_memory_equal(back.v, f.v, sizeof f.v);
  assert_string_equal(back.text[TIDU_F_NAME], f.text[TIDU_F_NAME]);
  assert_int_equal(back.nyears, 2);
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(back.years[i].year, f.years[i].year);
    assert_memory_equal(back.years[i].v, f.years[i].v, sizeof f.years[i].v);
  }
  free(js);
  tidu_firm_clear(&back);
  tidu_firm_clear(&f);
}

/* Issue 13.12: text fields are capped (a 200 MB name was accepted): a name over 500 bytes is an
 * error saying how long it is, its quoted start cut on a character boundary. */
static void text_is_capped(void **state) {
  (void)state;
  static char doc[4096];
  char name[1600] = "";
  while (strlen(name) + 3 <= 500) strcat(name, "名");
  snprintf(doc, sizeof doc, "{\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"%s\"}", name);
  const char *log = run(doc);
  assert_contains(log, "F {\"uscc\"");
  while (strlen(name) + 3 < sizeof name) strcat(name, "名");
  snprintf(doc, sizeof doc, "{\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"%s\"}", name);
  log = run(doc);
  assert_contains(log, "E firms.json:1:1: 企业名称: 过长：1599 字节，上限 500 字节 \"名名");
  assert_contains(log, "too long: 1599 bytes, at most 500");
  assert_true(strstr(log, "F ") == NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(array_of_firms),
      cmocka_unit_test(reals_are_read_exactly),
      cmocka_unit_test(ndjson_bad_line_is_skipped),
      cmocka_unit_test(array_syntax_error_is_fatal_after_earlier_firms),
      cmocka_unit_test(pretty_printed_objects),
      cmocka_unit_test(shape_errors_and_unknown_keys),
      cmocka_unit_test(not_json_at_all),
      cmocka_unit_test(text_is_capped),
      cmocka_unit_test(firm_to_json_round_trips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
