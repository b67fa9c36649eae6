/* Tests of the exporters: exact re-importable values, CSV layout and NDJSON lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidu/export.h"

/* Values are written exactly, in the units the importer reads back. */
static void test_values_exact(void **state) {
  (void)state;
  char buf[128];
  const tidu_field_info *rev = tidu_field_find("revenue");
  tidu_export_value(rev, 12345678912LL, NULL, buf, sizeof buf);
  assert_string_equal(buf, "123456789.12");
  tidu_export_value(rev, -5, NULL, buf, sizeof buf);
  assert_string_equal(buf, "-0.05");
  assert_int_equal(tidu_export_value(rev, TIDU_MISSING, NULL, buf, sizeof buf), 0);
  tidu_export_value(tidu_field_find("roe_weighted"), 15000000, NULL, buf, sizeof buf);
  assert_string_equal(buf, "0.15");
  tidu_export_value(tidu_field_find("roe_weighted"), 123456789, NULL, buf, sizeof buf);
  assert_string_equal(buf, "1.23456789");
  tidu_export_value(tidu_field_find("niche_years"), 350, NULL, buf, sizeof buf);
  assert_string_equal(buf, "3.5");
  tidu_export_value(tidu_field_find("titles"), (1 << 0) | (1 << 3), NULL, buf, sizeof buf);
  assert_string_equal(buf, "high_tech;srdi_sme");
  tidu_export_value(tidu_field_find("founded"), 16604, NULL, buf, sizeof buf);
  assert_string_equal(buf, "2015-06-18");
  tidu_export_value(tidu_field_find("own_brand"), 1, NULL, buf, sizeof buf);
  assert_string_equal(buf, "true");
  assert_int_equal(tidu_export_value(tidu_field_find("own_brand"), 0, NULL, buf, sizeof buf), 0);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[65536];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* A firm with two years gives two CSV rows; verdicts only on the first; quotes where needed. */
static void test_csv_layout(void **state) {
  (void)state;
  char path[64];
  snprintf(path, sizeof path, "/tmp/tidu_export_%ld.csv", (long)getpid());
  tidu_firm f;
  tidu_firm_init(&f);
  tidu_firm_set_text(&f, TIDU_F_USCC, "91320505MA1N2K3P9H");
  tidu_firm_set_text(&f, TIDU_F_NAME, "苏州\"测试\",有限公司");
  tidu_firm_year(&f, 2024)->v[TIDU_Y_REVENUE] = 100;
  tidu_firm_year(&f, 2023)->v[TIDU_Y_REVENUE] = 250;
  tidu_export_ruleset rs[1] = {{"star", "科创板", 1}};
  const char *verdict[1] = {"pass"}, *nearest[1] = {"star.1"};
  double dist[1] = {0};
  const char *gap[1] = {"star.1"};
  tidu_export_assessment a = {verdict, nearest, dist, gap};
  tidu_exporter *ex = NULL;
  tidu_error err;
  assert_int_equal(tidu_export_open(path, TIDU_EXPORT_CSV, rs, 1, &ex, &err), TIDU_OK);
  assert_int_equal(tidu_export_add(ex, &f, &a, &err), TIDU_OK);
  assert_int_equal(tidu_export_close(ex, &err), TIDU_OK);
  char *text = slurp(path);
  /* a BOM for Excel; units in the headers match the values (元, ratios in %) */
  static const char head[] = "\xef\xbb\xbf统一社会信用代码,企业名称,";
  assert_memory_equal(text, head, sizeof head - 1);
  assert_non_null(strstr(text, ",年度,营业收入(元),"));
  assert_non_null(strstr(text, ",加权平均净资产收益率(%),"));
  assert_non_null(strstr(text, "科创板结论,科创板最近标准,科创板差距,科创板相对距离\n"));
  assert_non_null(strstr(text, "\"苏州\"\"测试\"\",有限公司\""));
  assert_non_null(strstr(text, ",2024,1.00,"));
  assert_non_null(strstr(text, ",2023,2.50,"));
  assert_non_null(strstr(text, ",符合,star.1,star.1,0.0000\n"));
  assert_non_null(strstr(text, ",,,,\n")); /* second row: no verdicts */
  int lines = 0;
  for (char *p = text; *p; p++) lines += *p == '\n';
  assert_int_equal(lines, 3);
  unlink(path);
  tidu_firm_clear(&f);
}

/* A file that cannot be created is an I/O error. */
static void test_unwritable(void **state) {
  (void)state;
  tidu_exporter *ex = NULL;
  tidu_error err;
  assert_int_equal(tidu_export_open("/nonexistent/dir/x.csv", TIDU_EXPORT_CSV, NULL, 0, &ex, &err),
                   TIDU_ERR_IO);
  assert_null(ex);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_exact),
      cmocka_unit_test(test_csv_layout),
      cmocka_unit_test(test_unwritable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
