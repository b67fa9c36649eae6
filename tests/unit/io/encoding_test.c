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
  assert_non_null(strstr(err.message, "invalid UTF-8 at line 1, column 3"));
  assert_int_equal(err.line, 1);
  assert_int_equal(err.col, 3);
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

/* Issue 13.4: GB18030 files without a BOM are still read as GB18030, also when their first
 * characters happen to form valid UTF-8 (录 is C2 BC in GBK, "¼" in UTF-8). */
static void gb18030_without_bom_is_detected(void **state) {
  (void)state;
  static const char *const texts[] = {
      "录入日期,企业名称\n2024-01-02,苏州录音设备有限公司\n",
      "统一社会信用代码,企业名称,营业收入(万元)\n91320500MA1N2K3P99,无锡华光环保能源集团,5000\n",
      "企业名称,所属行业\n南京熊猫电子股份有限公司,计算机、通信和其他电子设备制造业\n",
      "uscc,name\n91320500MA1N2K3P99,常州天合光能有限公司\n",
      "名称\n徐州工程机械集团\n连云港恒瑞医药\n淮安卷烟厂\n盐城悦达起亚\n扬州亚星客车\n",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    char gb[512];
    size_t n = to_gb18030(texts[i], gb, sizeof gb);
    expect_utf8(gb, n, texts[i]);
  }
}

/* Issue 13.4: a UTF-8 file with one damaged byte is an error at that byte's line and column,
 * never re-read as GB18030 (which garbled every name). Every byte of every non-ASCII
 * character of a one-firm file is damaged in turn. */
static void damaged_utf8_is_an_error_at_its_place(void **state) {
  (void)state;
  const char *text = "统一社会信用代码,企业名称,营业收入_2024(万元)\n"
                     "91320500MA1N2K3P99,苏州示例科技有限公司,5000\n";
  size_t len = strlen(text);
  static const unsigned char subst[] = {0x20, 0x41, 0x80, 0xa1, 0xc8, 0xe8, 0xff};
  int errors = 0, gb = 0;
  for (size_t off = 0; off < len; off++) {
    if (!((unsigned char)text[off] & 0x80)) continue;
    for (size_t k = 0; k < sizeof subst; k++) {
      char buf[256];
      memcpy(buf, text, len);
      buf[off] = (char)subst[k];
      if (buf[off] == text[off]) continue;
      if (tidu_utf8_check(buf, len) == len) continue; /* still valid UTF-8: one other char */
      char *out = NULL;
      size_t n = 0;
      tidu_error err;
      tidu_code rc = tidu_to_utf8(buf, len, &out, &n, &err);
      if (rc == TIDU_OK) {
        gb++;
        free(out);
        continue;
      }
      errors++;
      if (!strstr(err.message, "invalid UTF-8 at line"))
        fail_msg("offset %zu: %s", off, err.message);
      assert_int_equal(err.line,
                       off < strlen("统一社会信用代码,企业名称,营业收入_2024(万元)\n") ? 1 : 2);
      assert_true(err.col >= 1);
    }
  }
  assert_int_equal(gb, 0);
  assert_true(errors > 100);
  /* the place: line 2, the 4th character of the name (column 19 + 1 + 3) */
  char buf[256];
  memcpy(buf, text, len + 1);
  char *p = strstr(buf, "示例");
  p[1] = 'x';
  char *out = NULL;
  size_t n = 0;
  tidu_error err;
  assert_int_equal(tidu_to_utf8(buf, len, &out, &n, &err), TIDU_ERR_INPUT);
  assert_int_equal(err.line, 2);
  assert_int_equal(err.col, 22);
  assert_non_null(strstr(err.message, "第 2 行第 22 列不是合法的 UTF-8"));
  assert_non_null(strstr(err.message, "--encoding gb18030"));
}

/* --encoding: named encodings are used as given; an unknown name is a usage error. */
static void named_encodings(void **state) {
  (void)state;
  char gb[128];
  const char *text = "企业名称\n苏州示例\n";
  size_t n = to_gb18030(text, gb, sizeof gb);
  const char *view;
  size_t vlen;
  char *owned = NULL;
  tidu_error err;
  assert_int_equal(tidu_utf8_view_as(gb, n, "GBK", &view, &vlen, &owned, &err), TIDU_OK);
  assert_int_equal(vlen, strlen(text));
  assert_memory_equal(view, text, vlen);
  free(owned);
  assert_int_equal(tidu_utf8_view_as(gb, n, "utf-8", &view, &vlen, &owned, &err), TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "invalid UTF-8 at line 1, column 1"));
  assert_non_null(strstr(err.message, "--encoding utf-8 was given"));
  assert_int_equal(tidu_utf8_view_as(text, strlen(text), "gb18030", &view, &vlen, &owned, &err),
                   TIDU_OK); /* UTF-8 bytes read as GB18030 when asked: the user's choice */
  free(owned);
  assert_int_equal(tidu_utf8_view_as(text, strlen(text), "latin1", &view, &vlen, &owned, &err),
                   TIDU_ERR_USAGE);
  assert_non_null(strstr(err.message, "unknown encoding"));
  assert_int_equal(tidu_utf8_view_as(text, strlen(text), "UTF_8", &view, &vlen, &owned, &err),
                   TIDU_OK);
  assert_null(owned);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(utf8_passes_and_bom_is_removed),
      cmocka_unit_test(utf16_with_bom),
      cmocka_unit_test(gb18030_is_converted),
      cmocka_unit_test(excel_0x80_is_the_euro_sign),
      cmocka_unit_test(neither_encoding_names_the_offset),
      cmocka_unit_test(strict_utf8_check),
      cmocka_unit_test(gb18030_without_bom_is_detected),
      cmocka_unit_test(damaged_utf8_is_an_error_at_its_place),
      cmocka_unit_test(named_encodings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
