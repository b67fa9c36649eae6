/* Tests of encoding detection and conversion to UTF-8 (src/io/encoding.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "io/internal.h"
#include "tidu/io.h"

/* Converts and compares with the expected UTF-8 text. */
static void expect_utf8(const char *data, size_t len, const char *want) {
  char *out = NULL;
  size_t out_len = 0;
  tidu_error err;
  tidu_code rc = tidu_to_utf8(data, len, &out, &out_len, &err);
  if (rc != TIDU_OK) fail_msg("conversion failed: %s", err.message);
  assert_int_equal(out_len, strlen(want));
  assert_string_equal(out, want);
  free(out);
}

/* Encodes UTF-8 text as GB18030 with iconv. */
static size_t to_gb18030(const char *utf8, char *out, size_t size) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  assert_true(cd != (iconv_t)-1);
  char *in = (char *)utf8, *o = out;
  size_t left = strlen(utf8), room = size;
  assert_true(iconv(cd, &in, &left, &o, &room) != (size_t)-1);
  iconv_close(cd);
  return size - room;
}

static void utf8_passes_and_bom_is_removed(void **state) {
  (void)state;
  expect_utf8("营业收入,5000万", strlen("营业收入,5000万"), "营业收入,5000万");
  expect_utf8("\xef\xbb\xbf"
              "a,b",
              6, "a,b");
  expect_utf8("", 0, "");
  const char *view;
  size_t vlen;
  char *owned;
  const char text[] = "\xef\xbb\xbfuscc";
  assert_int_equal(tidu_utf8_view(text, sizeof text - 1, &view, &vlen, &owned, NULL), TIDU_OK);
  assert_null(owned); /* no copy for UTF-8 */
  assert_ptr_equal(view, text + 3);
  assert_int_equal(vlen, 4);
}

static void utf16_with_bom(void **state) {
  (void)state;
  const char le[] = "\xff\xfe"
                    "a\0,\0\x25\x84"; /* "a,营" little-endian */
  expect_utf8(le, sizeof le - 1, "a,营");
  const char be[] = "\xfe\xff"
                    "\0a\0,\x84\x25";
  expect_utf8(be, sizeof be - 1, "a,营");
  char *out;
  size_t n;
  tidu_error err;
  const char odd[] = "\xff\xfe"
                     "a\0b";
  assert_int_equal(tidu_to_utf8(odd, sizeof odd - 1, &out, &n, &err), TIDU_ERR_INPUT);
  assert_null(out);
  assert_non_null(strstr(err.message, "UTF-16"));
}

static void gb18030_is_converted(void **state) {
  (void)state;
  char gb[256];
  const char *text = "统一社会信用代码,企业名称\n91320500MA1N2K3P99,苏州示例科技有限公司\n";
  size_t n = to_gb18030(text, gb, sizeof gb);
  assert_true(n < strlen(text)); /* two bytes per character, not three */
  expect_utf8(gb, n, text);
}

static void excel_0x80_is_the_euro_sign(void **state) {
  (void)state;
  expect_utf8("price \x80 5", 9, "price € 5");
}

static void neither_encoding_names_the_offset(void **state) {
  (void)state;
  char *out = (char *)1;
  size_t n;
  tidu_error err;
  assert_int_equal(tidu_to_utf8("abc\xff", 4, &out, &n, &err), TIDU_ERR_INPUT);
  assert_null(out);
  assert_non_null(strstr(err.message, "byte offset 3"));
  /* a BOM promises UTF-8: no fallback */
  assert_int_equal(tidu_to_utf8("\xef\xbb\xbf"
                                "ab\xc3",
                                6, &out, &n, &err),
                   TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "byte offset 5"));
}

static void strict_utf8_check(void **state) {
  (void)state;
  assert_int_equal(tidu_utf8_check("ok 营", 6), 6);
  assert_int_equal(tidu_utf8_check("a\xc0\x80", 3), 1);        /* overlong NUL */
  assert_int_equal(tidu_utf8_check("ab\xed\xa0\x80", 5), 2);   /* surrogate */
  assert_int_equal(tidu_utf8_check("\xf4\x90\x80\x80", 4), 0); /* above U+10FFFF */
  assert_int_equal(tidu_utf8_check("\xe8\x90", 2), 0);         /* truncated */
  assert_int_equal(tidu_utf8_check("\xf0\x9f\x98\x80", 4), 4); /* an emoji is fine */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(utf8_passes_and_bom_is_removed),
      cmocka_unit_test(utf16_with_bom),
      cmocka_unit_test(gb18030_is_converted),
      cmocka_unit_test(excel_0x80_is_the_euro_sign),
      cmocka_unit_test(neither_encoding_names_the_offset),
      cmocka_unit_test(strict_utf8_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
