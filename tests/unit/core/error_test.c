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

/* Issue 11.17: each message keeps its Chinese and English forms apart; `message` stays whole. */
static void messages_keep_both_languages(void **state) {
  (void)state;
  tidu_error e;
  tidu_error_set(&e, TIDU_ERR_INPUT, "a.csv", 2, 3, "不是数字 \"%s\" / not a number \"%s\" (%d)",
                 "x / y", "x / y", 7);
  assert_string_equal(e.message, "不是数字 \"x / y\" / not a number \"x / y\" (7)");
  /* the 7 only the English side prints is carried to the Chinese form */
  assert_string_equal(tidu_error_text(&e, "zh"), "不是数字 \"x / y\"：7");
  assert_string_equal(tidu_error_text(&e, "en"), "not a number \"x / y\" (7)");
  assert_string_equal(tidu_error_text(&e, NULL), e.message);
  assert_string_equal(tidu_error_text(&e, "zh-CN"), "不是数字 \"x / y\"：7");
  char buf[256];
  tidu_error_format_lang(&e, "en", buf, sizeof buf);
  assert_string_equal(buf, "a.csv:2:3: not a number \"x / y\" (7)");
  tidu_error_format(&e, buf, sizeof buf);
  assert_string_equal(buf, "a.csv:2:3: 不是数字 \"x / y\" / not a number \"x / y\" (7)");

  /* a bilingual argument (a nested message) gives each side its own half */
  tidu_error_set(&e, TIDU_ERR_IO, NULL, 0, 0, "无法打开登记库 / cannot open the registry: %s",
                 "只读文件系统 / read-only file system");
  assert_string_equal(tidu_error_text(&e, "zh"), "无法打开登记库：只读文件系统");
  assert_string_equal(tidu_error_text(&e, "en"), "cannot open the registry: read-only file system");
  /* printed whole, a pair inside a pair is the two forms joined, not "… / … / … / …" */
  assert_string_equal(
      e.message, "无法打开登记库：只读文件系统 / cannot open the registry: read-only file system");
  tidu_error_set(&e, TIDU_ERR_IO, "d/", 0, 0, "无法读取%s / cannot read %s", "目录 / directory",
                 "目录 / directory");
  assert_string_equal(e.message, "无法读取目录 / cannot read directory");
  tidu_error inner;
  tidu_error_set(&inner, TIDU_ERR_DATA, NULL, 0, 0, "已存在 %s / %s exists", "u1", "u1");
  tidu_error_set(&e, TIDU_ERR_DATA, NULL, 0, 0, "%s", inner.message);
  assert_string_equal(tidu_error_text(&e, "zh"), "已存在 u1");
  assert_string_equal(tidu_error_text(&e, "en"), "u1 exists");
  tidu_error_set(&e, TIDU_ERR_INPUT, NULL, 0, 0, "%s: %s", "'abc'", "不是数字 / not a number");
  assert_string_equal(tidu_error_text(&e, "zh"), "'abc': 不是数字");
  assert_string_equal(tidu_error_text(&e, "en"), "'abc': not a number");

  /* every conversion the library uses renders as printf does */
  tidu_error_set(&e, TIDU_ERR_DATA, NULL, 0, 0,
                 "%ld 行 %zu 项 %lld %u %c %.2f %5s|%-4d|%.*s%% / %ld rows %zu items %lld %u %c "
                 "%.2f %5s|%-4d|%.*s%%",
                 3L, (size_t)4, 5LL, 6u, 'c', 1.5, "ab", 9, 2, "xyz", 3L, (size_t)4, 5LL, 6u, 'c',
                 1.5, "ab", 9, 2, "xyz");
  assert_string_equal(tidu_error_text(&e, "zh"), "3 行 4 项 5 6 c 1.50    ab|9   |xy%");
  assert_string_equal(tidu_error_text(&e, "en"), "3 rows 4 items 5 6 c 1.50    ab|9   |xy%");

  /* a value only one side prints is added to the other form, with its quotes */
  tidu_error_set(&e, TIDU_ERR_USAGE, NULL, 0, 0, "未知格式 / unknown format '%s' (ndjson, csv)",
                 "xml");
  assert_string_equal(tidu_error_text(&e, "zh"), "未知格式：'xml'");
  assert_string_equal(tidu_error_text(&e, "en"), "unknown format 'xml' (ndjson, csv)");
  tidu_error_set(&e, TIDU_ERR_DATA, NULL, 0, 0, "不能为负数 \"%s\" / must not be negative", "-5元");
  assert_string_equal(tidu_error_text(&e, "zh"), "不能为负数 \"-5元\"");
  assert_string_equal(tidu_error_text(&e, "en"), "must not be negative: \"-5元\"");
  tidu_error_set(&e, TIDU_ERR_DB, NULL, 0, 0, "数据库错误 (%s) / database error (%s): %s", "step",
                 "step", "磁盘已满 / the disk is full");
  assert_string_equal(tidu_error_text(&e, "zh"), "数据库错误 (step)：磁盘已满");
  assert_string_equal(tidu_error_text(&e, "en"), "database error (step): the disk is full");

  /* one language only: both forms are that text */
  tidu_error_set(&e, TIDU_ERR_DB, NULL, 0, 0, "unknown query %d", 4);
  assert_string_equal(tidu_error_text(&e, "zh"), "unknown query 4");
  assert_string_equal(tidu_error_text(&e, "en"), "unknown query 4");

  tidu_error_set_texts(&e, "缺少年度", "no year");
  assert_string_equal(e.message, "缺少年度 / no year");
  assert_string_equal(tidu_error_text(&e, "en"), "no year");
}

/* A long bilingual message cut short keeps whole characters in each form. */
static void long_forms_end_on_a_character(void **state) {
  (void)state;
  char value[1200] = "";
  while (strlen(value) + 3 < sizeof value) strcat(value, "名");
  tidu_error e;
  tidu_error_set(&e, TIDU_ERR_INPUT, NULL, 0, 0, "值 %s / value %s", value, value);
  size_t n = strlen(e.message_zh);
  assert_int_equal(tidu_utf8_check(e.message_zh, n), n);
  n = strlen(e.message_en);
  assert_int_equal(tidu_utf8_check(e.message_en, n), n);
  assert_memory_equal(tidu_error_text(&e, "en"), "value 名", strlen("value 名"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(long_messages_end_on_a_character),
      cmocka_unit_test(short_strings_are_kept),
      cmocka_unit_test(messages_keep_both_languages),
      cmocka_unit_test(long_forms_end_on_a_character),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
