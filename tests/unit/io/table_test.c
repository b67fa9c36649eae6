/* Tests of the tabular firm reader over CSV: headers, units, long and wide layouts, errors. */
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

/* Reads all of `csv` as "firms.csv" and logs "F <json>", "E <error> [column]" and, at the end,
 * "W <warning> [column]" lines. Returns the log, or "OPEN <error>" when opening fails. */
static const char *run(const char *csv) {
  return read_log("firms.csv", csv, TIDU_FMT_CSV, LOG_WARN_COLUMNS | LOG_STOP_FATAL);
}

static int count_lines(const char *log, char kind) {
  int n = 0;
  for (const char *p = log; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
    n += *p == kind;
  return n;
}

static void long_layout_with_chinese_headers(void **state) {
  (void)state;
  const char *log =
      run("统一社会信用代码,企业名称,年度,营业收入(万元),研发费用（万元）,职工总数,有效资质\n"
          "91320500MA1N2K3P99,苏州示例,2024,5000,750,120,高新技术企业；srdi_sme\n"
          "91610131MA6W8B2Q6N,西安示例,2024年,0.01,,30,\n"
          "\n"
          "91320500MA1N2K3P99,,2023,4000,600,110,\n");
  assert_string_equal(
      log,
      "F {\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"苏州示例\",\"titles\":\"high_tech;srdi_sme\","
      "\"years\":{\"2024\":{\"revenue\":50000000,\"rd_expense\":7500000,\"employees\":120},"
      "\"2023\":{\"revenue\":40000000,\"rd_expense\":6000000,\"employees\":110}}}\n"
      "F {\"uscc\":\"91610131MA6W8B2Q6N\",\"name\":\"西安示例\",\"years\":{\"2024\":{\"revenue\":"
      "100,\"employees\":30}}}\n");
}

static void money_unit_header_keeps_cents(void **state) {
  (void)state;
  tidu_reader *r;
  const char *csv = "uscc,year,revenue (万元),净利润(亿元),roe_weighted(%)\n"
                    "91320500MA1N2K3P99,2024,0.01,1.5,12.5\n";
  assert_int_equal(tidu_reader_open_mem("x.csv", csv, strlen(csv), TIDU_FMT_AUTO, NULL, &r, NULL),
                   TIDU_OK);
  tidu_firm f;
  tidu_firm_init(&f);
  int done = 0;
  assert_int_equal(tidu_reader_next(r, &f, &done, NULL), TIDU_OK);
  assert_int_equal(done, 0);
  const tidu_year *y = tidu_firm_find_year(&f, 2024);
  assert_non_null(y);
  assert_int_equal(y->v[TIDU_Y_REVENUE], 10000); /* 0.01万元 = 100元 = 10000分 */
  assert_int_equal(y->v[TIDU_Y_NET_PROFIT], 15000000000LL);
  assert_int_equal(y->v[TIDU_Y_ROE_WEIGHTED], 12500000);
  assert_int_equal(y->v[TIDU_Y_EMPLOYEES], TIDU_MISSING);
  assert_int_equal(y->src_line, 2);
  assert_string_equal(f.src_name, "x.csv");
  assert_int_equal(tidu_reader_next(r, &f, &done, NULL), TIDU_OK);
  assert_int_equal(done, 1);
  tidu_firm_clear(&f);
  tidu_reader_close(r);
}

static void wide_layout(void **state) {
  (void)state;
  const char *log = run("uscc,name,2024年营业收入(万元),revenue_2023,净利润（2022）,"
                        "employees_2024\n"
                        "91320500MA1N2K3P99,A,1.5,\"1,000\",(5.00),-\n"
                        "91610131MA6W8B2Q6N,B,,,,\n");
  assert_string_equal(
      log,
      "F {\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"A\",\"years\":{\"2024\":{\"revenue\":15000},"
      "\"2023\":{\"revenue\":1000},\"2022\":{\"net_profit\":-5}}}\n"
      "F {\"uscc\":\"91610131MA6W8B2Q6N\",\"name\":\"B\",\"years\":{\"2024\":{},\"2023\":{},"
      "\"2022\":{}}}\n");
}

static void text_in_a_number_column(void **state) {
  (void)state;
  const char *log = run("uscc,name,year,营业收入\n"
                        "91320500MA1N2K3P99,A,2024,100\n"
                        "91610131MA6W8B2Q6N,B,2024,12a\n"
                        "92110108L23456783K,C,2024,5\n");
  assert_contains(log, "E firms.csv:3:4: 营业收入: 不是数字: \"12a\" / revenue: not a number: "
                       "\"12a\" [营业收入]\n");
  assert_int_equal(count_lines(log, 'F'), 2);
  /* the good firms keep their order around the bad one */
  assert_true(strstr(log, "\"A\"") < strstr(log, "E firms.csv:3"));
  assert_true(strstr(log, "E firms.csv:3") < strstr(log, "\"C\""));
}

static void short_row_and_extra_cell(void **state) {
  (void)state;
  const char *log = run("uscc,name,revenue_2024\n"
                        "91320500MA1N2K3P99,A\n"
                        "91610131MA6W8B2Q6N,B,1,234\n"
                        "92110108L23456783K,C,5,,\n");
  assert_contains(log, "E firms.csv:2:3: 列数不足：表头有 3 列，此行只有 2 列 / short row");
  assert_contains(log, "E firms.csv:3:4: ");
  assert_contains(log, "beyond the header");
  assert_contains(log, "F {\"uscc\":\"92110108L23456783K\"");
  assert_int_equal(count_lines(log, 'F'), 1);
  /* a value under the trailing empty headers Excel leaves is not silently dropped */
  log = run("uscc,name,,\n91320500MA1N2K3P99,A,,\n91610131MA6W8B2Q6N,B,,7\n");
  assert_contains(log, "E firms.csv:3:4: ");
  assert_int_equal(count_lines(log, 'F'), 1);
}

static void uscc_malformed_is_an_error_bad_check_a_warning(void **state) {
  (void)state;
  const char *log = run("uscc,name\n"
                        "9132050OMA1N2K3P99,A\n"
                        "91320500ma1n2k3p98,B\n");
  assert_contains(log, "E firms.csv:2:1: 统一社会信用代码格式错误 ");
  assert_contains(log, "malformed USCC");
  /* kept, upper-cased, with a warning naming the row */
  assert_contains(log, "F {\"uscc\":\"91320500MA1N2K3P98\",\"name\":\"B\"}");
  assert_contains(log, "W firms.csv:3:1: 统一社会信用代码校验码不符 ");
  assert_contains(log, "expected 9");
}

static void conflicting_firm_field_names_both_rows(void **state) {
  (void)state;
  const char *log = run("uscc,name,year,revenue\n"
                        "91320500MA1N2K3P99,甲,2024,1\n"
                        "91610131MA6W8B2Q6N,乙,2024,1\n"
                        "91320500MA1N2K3P99,甲,2023,2\n"
                        "91320500MA1N2K3P99,丙,2022,2\n");
  assert_contains(log, "E firms.csv:5:2: 企业名称: 同一企业的值冲突：第 2 行为 \"甲\"，第 5 行为 "
                       "\"丙\" / name: conflicting values for one firm: \"甲\" on line 2, \"丙\" "
                       "on line 5 [name]\n");
  /* the inconsistent firm is not delivered; the other one is */
  assert_int_equal(count_lines(log, 'F'), 1);
  assert_contains(log, "乙");
}

static void conflicting_year_figure(void **state) {
  (void)state;
  const char *log = run("uscc,year,revenue,employees\n"
                        "91320500MA1N2K3P99,2024,100,\n"
                        "91320500MA1N2K3P99,2024,100,5\n"
                        "91320500MA1N2K3P99,2024,101,5\n");
  assert_contains(log, "E firms.csv:4:3: 营业收入: ");
  assert_contains(log, "\"100.00元\" on line 2, \"101\" on line 4");
  assert_int_equal(count_lines(log, 'F'), 0);
  /* repeated equal values and figures given once merge without complaint */
  log = run("uscc,year,revenue,employees\n"
            "91320500MA1N2K3P99,2024,100,\n"
            "91320500MA1N2K3P99,2024,100,5\n");
  assert_contains(log, "\"2024\":{\"revenue\":100,\"employees\":5}");
}

static void declarations_enums_tags_dates(void **state) {
  (void)state;
  const char *log = run("uscc,上市状态,自主品牌,iso9001,成立日期,负面情形,细分市场占有率(%),"
                        "rd_institution,产业链,niche_years\n"
                        "91320500MA1N2K3P99,新三板创新层,是,N,2015/6/1,无,12.5,Provincial,"
                        "集成电路、生物医药,3.5\n"
                        "91610131MA6W8B2Q6N,bse,否,1,2020年1月2日,\"dishonest,major_incident\",,"
                        ",,\n");
  assert_contains(log, "F {\"uscc\":\"91320500MA1N2K3P99\",\"chains\":\"集成电路;生物医药\","
                       "\"founded\":\"2015-06-01\",\"listing_status\":\"neeq_innovative\","
                       "\"niche_years\":3.5,\"own_brand\":true,\"rd_institution\":\"provincial\","
                       "\"market_share\":0.125}");
  assert_contains(log, "F {\"uscc\":\"91610131MA6W8B2Q6N\",\"founded\":\"2020-01-02\","
                       "\"listing_status\":\"bse\",\"iso9001\":true,"
                       "\"red_flags\":\"dishonest;major_incident\"}");
  log = run("uscc,listing_status,titles\n91320500MA1N2K3P99,nasdaq,\n"
            "91610131MA6W8B2Q6N,,high_tech;unicorn\n");
  assert_contains(log, "E firms.csv:2:2: 上市状态: 不是可选值 \"nasdaq\"");
  assert_contains(log, "E firms.csv:3:3: 有效资质: ");
  assert_contains(log, "\"unicorn\"");
}

static void ranges_are_checked(void **state) {
  (void)state;
  const char *log = run("uscc,year,employees,market_share,roe_weighted\n"
                        "91320500MA1N2K3P99,2024,-1,,\n"
                        "91610131MA6W8B2Q6N,2024,,1500%,\n"
                        "92110108L23456783K,2024,,,-0.5\n"
                        "91320500MA1N202030,2024,1.5,,\n");
  assert_contains(log, "E firms.csv:2:3: 职工总数: 不能为负数");
  assert_contains(log, "E firms.csv:3:4: 细分市场占有率: ");
  assert_contains(log, "-10..10");
  assert_contains(log, "E firms.csv:5:3: ");
  assert_contains(log, "not a whole number");
  assert_contains(log, "\"roe_weighted\":-0.5");
  assert_int_equal(count_lines(log, 'F'), 1);
}

static void unknown_columns_warn_once(void **state) {
  (void)state;
  const char *log = run("uscc,备注,name,,\n"
                        "91320500MA1N2K3P99,x,A,,\n"
                        "91610131MA6W8B2Q6N,y,B,,\n");
  assert_int_equal(count_lines(log, 'F'), 2);
  assert_int_equal(count_lines(log, 'W'), 1);
  assert_contains(log,
                  "W firms.csv:1:2: 备注: 未知的列，已忽略 / 备注: unknown column, ignored [备注]");
}

/* An official's headers: a row-number column is skipped quietly, and a mistyped header with a
 * year and a unit still gets "did you mean" (营业收人 -> 营业收入). */
static void official_headers(void **state) {
  (void)state;
  const char *log = run("序号,uscc,2022年营业收人(万元),研发费用_2024\n"
                        "1,91320500MA1N2K3P99,5,6\n");
  assert_int_equal(count_lines(log, 'W'), 1);
  assert_contains(log,
                  "W firms.csv:1:3: 2022年营业收人(万元): 未知的列，已忽略（是否为 营业收入？） / "
                  "2022年营业收人(万元): unknown column, ignored (did you mean revenue?)");
  assert_contains(log, "\"rd_expense\":6}");
}

static void parentheses_that_are_part_of_a_name(void **state) {
  (void)state;
  const char *log = run("uscc,科技奖励(近三年),2024年新增股权融资(合格机构投资者实缴)(万元),"
                        "企业名称(2024),新增股权融资(合格机构投资者实缴)_2023\n"
                        "91320500MA1N2K3P99,国家级,1.5,x,7\n");
  assert_contains(log,
                  "F {\"uscc\":\"91320500MA1N2K3P99\",\"st_award\":\"national\",\"years\":"
                  "{\"2024\":{\"equity_financing\":15000},\"2023\":{\"equity_financing\":7}}}");
  assert_contains(log, "W firms.csv:1:4: 企业名称(2024): ");
}

static void header_problems_fail_the_open(void **state) {
  (void)state;
  assert_contains(run("uscc,营业收入(%)\n"), "OPEN firms.csv:1:2: ");
  assert_contains(run("uscc,营业收入(%)\n"), "unit does not fit");
  assert_contains(run("uscc,name,营业收入\n1,2,3\n"), "OPEN firms.csv:1:3: ");
  assert_contains(run("uscc,name,营业收入\n"), "'year' column");
  assert_contains(run("uscc,revenue_2024,营业收入2024\n"), "duplicates column 2");
  assert_contains(run("年度,uscc,year\n"), "OPEN firms.csv:1:3");
}

static void rows_without_identity_or_year(void **state) {
  (void)state;
  const char *log = run("uscc,name,year,revenue\n"
                        ",,2024,5\n"
                        "91320500MA1N2K3P99,A,,5\n"
                        "91320500MA1N2K3P99,A,24,5\n"
                        ",B,2024,6\n");
  assert_contains(log, "E firms.csv:2: ");
  assert_contains(log, "neither uscc nor name");
  assert_contains(log, "E firms.csv:3:3: ");
  assert_contains(log, "the year is empty");
  assert_contains(log, "E firms.csv:4:3: ");
  assert_contains(log, "not a year");
  /* a firm known by name only */
  assert_contains(log, "F {\"name\":\"B\",\"years\":{\"2024\":{\"revenue\":6}}}");
}

static void bad_row_of_a_firm_drops_the_whole_firm(void **state) {
  (void)state;
  /* a firm with an unreadable year must not be assessed on its earlier years */
  const char *log = run("uscc,year,revenue\n"
                        "91320500MA1N2K3P99,2023,5\n"
                        "91320500MA1N2K3P99,2024,x\n");
  assert_int_equal(count_lines(log, 'F'), 0);
  assert_int_equal(count_lines(log, 'E'), 1);
}

static void empty_inputs(void **state) {
  (void)state;
  /* issue 11.13: never a silent end with nothing read */
  assert_contains(run(""), "OPEN firms.csv: 文件是空的");
  assert_contains(run("\n\n"), "the file is empty");
  assert_string_equal(run("uscc,name\n"),
                      "E firms.csv:1: 只有表头（第 1 行），下面没有企业数据 / only a header row "
                      "(row 1), no firms below it []\n");
  assert_contains(run("uscc,year,revenue\n\n"), "E firms.csv:1: ");
  assert_contains(run("uscc,year,revenue\n\n"), "no firms below it");
  assert_contains(run("uscc,name\n\"91320500MA1N2K3P99,A\n"), "unterminated");
}

/* Reads the first firm of `text` (format `fmt`) into *f; fails the test on any error. */
static void first_firm(const char *text, tidu_format fmt, tidu_firm *f) {
  tidu_reader *r;
  tidu_error err;
  if (tidu_reader_open_mem("c", text, strlen(text), fmt, NULL, &r, &err) != TIDU_OK)
    fail_msg("open: %s", err.message);
  int done = 0;
  if (tidu_reader_next(r, f, &done, &err) != TIDU_OK || done) fail_msg("next: %s", err.message);
  tidu_reader_close(r);
}

/* Issue 11.1: "#清除" / "#clear" marks a value to clear (the value itself is missing); a blank
 * marks nothing. Wide and long CSV layouts and JSON alike. */
static void clear_markers(void **state) {
  (void)state;
  tidu_firm f;
  tidu_firm_init(&f);
  first_firm("uscc,name,revenue_2024,net_profit_2024,rd_expense_2024,industry\n"
             "91320500MA1N2K3P99,A,5,#清除,,#CLEAR\n",
             TIDU_FMT_CSV, &f);
  const tidu_year *y = tidu_firm_find_year(&f, 2024);
  assert_non_null(y);
  assert_int_equal(y->clear[TIDU_Y_NET_PROFIT], 1);
  assert_true(y->v[TIDU_Y_NET_PROFIT] == TIDU_MISSING);
  assert_int_equal(y->clear[TIDU_Y_RD_EXPENSE], 0);
  assert_int_equal(y->clear[TIDU_Y_REVENUE], 0);
  assert_int_equal(f.clear[TIDU_F_INDUSTRY], 1);
  assert_null(f.text[TIDU_F_INDUSTRY]);
  tidu_firm_clear(&f);
  first_firm("uscc,year,revenue\n91320500MA1N2K3P99,2023,#clear\n91320500MA1N2K3P99,2024,7\n",
             TIDU_FMT_CSV, &f);
  assert_int_equal(tidu_firm_find_year(&f, 2023)->clear[TIDU_Y_REVENUE], 1);
  assert_int_equal(tidu_firm_find_year(&f, 2024)->clear[TIDU_Y_REVENUE], 0);
  tidu_firm_clear(&f);
  first_firm("{\"uscc\":\"91320500MA1N2K3P99\",\"years\":{\"2024\":{\"revenue\":\"#清除\"}}}",
             TIDU_FMT_JSON, &f);
  assert_int_equal(tidu_firm_find_year(&f, 2024)->clear[TIDU_Y_REVENUE], 1);
  tidu_firm_clear(&f);
  assert_contains(run("uscc,name\n#清除,A\n"), "the uscc cannot be cleared");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(long_layout_with_chinese_headers),
      cmocka_unit_test(money_unit_header_keeps_cents),
      cmocka_unit_test(wide_layout),
      cmocka_unit_test(text_in_a_number_column),
      cmocka_unit_test(short_row_and_extra_cell),
      cmocka_unit_test(uscc_malformed_is_an_error_bad_check_a_warning),
      cmocka_unit_test(conflicting_firm_field_names_both_rows),
      cmocka_unit_test(conflicting_year_figure),
      cmocka_unit_test(declarations_enums_tags_dates),
      cmocka_unit_test(ranges_are_checked),
      cmocka_unit_test(unknown_columns_warn_once),
      cmocka_unit_test(official_headers),
      cmocka_unit_test(parentheses_that_are_part_of_a_name),
      cmocka_unit_test(header_problems_fail_the_open),
      cmocka_unit_test(rows_without_identity_or_year),
      cmocka_unit_test(bad_row_of_a_firm_drops_the_whole_firm),
      cmocka_unit_test(empty_inputs),
      cmocka_unit_test(clear_markers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
