/* Tests of error values (src/core/error.c): messages cut short end on a character boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "io/internal.h"
#include "tidu/error.h"

/* Issue 13.12: a message longer than the buffer (a long quoted value) was cut in the middle of
 * a character; it now ends on a boundary, for 1-, 2-, 3- and 4-byte characters at the cut. */
static void long_messages_end_on_a_character(void **state) {
  (void)state;
  static const char *const chars[] = {"a", "\xc2\xa9", "名", "\xf0\x9f\x98\x80"};
  for (size_t k = 0; k < 4; k++) {
    for (size_t shift = 0; shift < 4; shift++) {
      char value[2048] = "";
      for (size_t i = 0; i < shift; i++) strcat(value, "x");
      while (strlen(value) + 4 < sizeof value) strcat(value, chars[k]);
      tidu_error err;
      tidu_error_set(&err, TIDU_ERR_INPUT, value, 1, 1, "不是数字 \"%s\" / not a number \"%s\"",
                     value, value);
      size_t n = strlen(err.message);
      assert_true(n < sizeof err.message);
      assert_true(n + 4 > sizeof err.message - 1);
      assert_int_equal(tidu_utf8_check(err.message, n), n);
      assert_int_equal(tidu_utf8_check(err.file, strlen(err.file)), strlen(err.file));
    }
  }
}

static void short_strings_are_kept(void **state) {
  (void)state;
  char s[16];
  strcpy(s, "营业");
  tidu_utf8_cut_tail(s);
  assert_string_equal(s, "营业");
  s[5] = '\0'; /* "营" and two bytes of "业" */
  tidu_utf8_cut_tail(s);
  assert_string_equal(s, "营");
  strcpy(s, "ab\xe8");
  tidu_utf8_cut_tail(s);
  assert_string_equal(s, "ab");
  strcpy(s, "");
  tidu_utf8_cut_tail(s);
  assert_string_equal(s, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(long_messages_end_on_a_character),
      cmocka_unit_test(short_strings_are_kept),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
