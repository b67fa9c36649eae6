/* Tests of the shipped code lists: GB/T 2260 divisions and GB/T 4754-2017 industries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tidu/codes.h"

/* Districts of the three provinces resolve with their parents; unknown levels are left out. */
static void test_region_full_names(void **state) {
  (void)state;
  char buf[128];
  assert_true(tidu_region_full_name("320505", buf, sizeof buf) > 0);
  assert_string_equal(buf, "江苏省苏州市虎丘区");
  tidu_region_full_name("310115", buf, sizeof buf);
  assert_string_equal(buf, "上海市浦东新区");
  tidu_region_full_name("610113", buf, sizeof buf);
  assert_string_equal(buf, "陕西省西安市雁塔区");
  tidu_region_full_name("611026", buf, sizeof buf);
  assert_string_equal(buf, "陕西省商洛市柞水县");
  tidu_region_full_name("321300", buf, sizeof buf);
  assert_string_equal(buf, "江苏省宿迁市");
  tidu_region_full_name("330106", buf, sizeof buf); /* Zhejiang: province only */
  assert_string_equal(buf, "浙江省");
  assert_int_equal(tidu_region_full_name("990000", buf, sizeof buf), 0);
  assert_int_equal(tidu_region_full_name("3205", buf, sizeof buf), 0);
  assert_string_equal(tidu_region_name("320583"), "昆山市");
  assert_null(tidu_region_name("320599"));
}

/* Sections and divisions, including the 2017 changes (N79, T97). */
static void test_industries(void **state) {
  (void)state;
  char buf[200];
  assert_true(tidu_industry_describe("C3976", buf, sizeof buf) > 0);
  assert_string_equal(buf, "C 制造业 / 39 计算机、通信和其他电子设备制造业");
  tidu_industry_describe("I6513", buf, sizeof buf);
  assert_string_equal(buf, "I 信息传输、软件和信息技术服务业 / 65 软件和信息技术服务业");
  tidu_industry_describe("n79", buf, sizeof buf);
  assert_string_equal(buf, "N 水利、环境和公共设施管理业 / 79 土地管理业");
  tidu_industry_describe("M", buf, sizeof buf);
  assert_string_equal(buf, "M 科学研究和技术服务业");
  assert_int_equal(tidu_industry_describe("I3976", buf, sizeof buf), 0); /* wrong section */
  assert_int_equal(tidu_industry_describe("Z01", buf, sizeof buf), 0);
  assert_int_equal(tidu_industry_describe("C39x", buf, sizeof buf), 0);
  assert_int_equal(tidu_industry_section_of(84), 'Q');
  assert_int_equal(tidu_industry_section_of(97), 'T');
  assert_int_equal(tidu_industry_section_of(98), 0);
  for (int d = 1; d <= 97; d++) assert_non_null(tidu_industry_division_name(d));
  assert_null(tidu_industry_division_name(0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_region_full_names),
      cmocka_unit_test(test_industries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
