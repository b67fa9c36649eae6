/* Tests of USCC validation against every vector of cultivation-rules.md §8 (src/core/uscc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tidu/uscc.h"

static tidu_uscc_status check(const char *code) {
  tidu_error err;
  tidu_error_clear(&err);
  return tidu_uscc_check(code, &err);
}

static void worked_example_a(void **state) {
  (void)state;
  assert_int_equal(tidu_uscc_org_check_char("MA1N2K3P"), '9');
  assert_int_equal(tidu_uscc_check_char("91320500MA1N2K3P9"), '9');
  assert_int_equal(check("91320500MA1N2K3P99"), TIDU_USCC_VALID);
}

static void valid_vectors(void **state) {
  (void)state;
  const char *codes[] = {"91610131MA6W8B2Q6N", "92110108L23456783K", "91320500MA1N202030",
                         "91320500MA1N2006XB", "914403001922038216", "91440300708461136T",
                         "91330100716105852F", "91350100M000100Y43"};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (check(codes[i]) != TIDU_USCC_VALID) fail_msg("%s should be valid", codes[i]);
}

static void edge_cases_of_both_checks(void **state) {
  (void)state;
  /* S ≡ 0 (mod 31) gives 31, written as 0 */
  assert_int_equal(tidu_uscc_check_char("91320500MA1N20203"), '0');
  /* the GB 11714 check may be X */
  assert_int_equal(tidu_uscc_org_check_char("MA1N2006"), 'X');
  /* lower case is accepted */
  assert_int_equal(check("91320500ma1n2k3p99"), TIDU_USCC_VALID);
}

static void fujian_pilot_codes_fail_the_check_as_a_warning(void **state) {
  (void)state;
  const struct {
    const char *code;
    char expect;
  } v[] = {{"91350100M0001TGQXM", '1'}, {"91350211M0000XUF46", 'R'}, {"91350203M0001FUE2P", 'J'}};
  for (size_t i = 0; i < 3; i++) {
    tidu_error err;
    assert_int_equal(tidu_uscc_check(v[i].code, &err), TIDU_USCC_BAD_CHECK);
    assert_int_equal(err.code, TIDU_ERR_DATA);
    assert_int_equal(err.warning, 1);
    assert_int_equal(tidu_uscc_check_char(v[i].code), v[i].expect);
  }
}

static void wrong_check_and_malformed(void **state) {
  (void)state;
  tidu_error err;
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3P98", &err), TIDU_USCC_BAD_CHECK);
  assert_non_null(strstr(err.message, "expected 9"));
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3PI9", &err), TIDU_USCC_MALFORMED);
  assert_int_equal(err.code, TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "character 17"));
  assert_int_equal(tidu_uscc_check("9132050OMA1N2K3P99", &err), TIDU_USCC_MALFORMED);
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3P9", &err), TIDU_USCC_MALFORMED);
  assert_non_null(strstr(err.message, "18 characters"));
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3P999", &err), TIDU_USCC_MALFORMED);
  assert_int_equal(tidu_uscc_check("", &err), TIDU_USCC_MALFORMED);
  assert_int_equal(tidu_uscc_check("9132A500MA1N2K3P99", &err), TIDU_USCC_MALFORMED);
  assert_non_null(strstr(err.message, "region digit"));
  /* S, V, Z are never used */
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3S99", &err), TIDU_USCC_MALFORMED);
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3V99", &err), TIDU_USCC_MALFORMED);
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3Z99", &err), TIDU_USCC_MALFORMED);
  /* position 17 wrong: the GB 11714 check fails first */
  assert_int_equal(tidu_uscc_check("91320500MA1N2K3P89", &err), TIDU_USCC_BAD_ORG_CHECK);
  assert_int_equal(err.warning, 1);
  assert_int_equal(tidu_uscc_check_char("91320500MA1N2K3"), 0); /* too short */
  assert_int_equal(tidu_uscc_org_check_char("MA1N2K3"), 0);
  assert_int_equal(check(NULL), TIDU_USCC_MALFORMED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(worked_example_a),
      cmocka_unit_test(valid_vectors),
      cmocka_unit_test(edge_cases_of_both_checks),
      cmocka_unit_test(fujian_pilot_codes_fail_the_check_as_a_warning),
      cmocka_unit_test(wrong_check_and_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
