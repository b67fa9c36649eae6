/* Tests of copying rejected JSON records as written (src/io/jsoncopy.c), the rejects file of a
 * JSON import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tidu/io.h"

/* Runs tidu_json_copy_records over `text` into a memory buffer (freed by the next call). */
static const char *copy(const char *text, const long *lines, const char *const *reasons, size_t n,
                        size_t *copied) {
  static char *buf;
  static size_t size;
  free(buf);
  buf = NULL;
  FILE *out = open_memstream(&buf, &size);
  assert_non_null(out);
  *copied = tidu_json_copy_records(text, strlen(text), lines, reasons, n, out);
  fclose(out);
  return buf;
}

#define R "\"拒绝原因/reject reason\":"

static void ndjson_lines_as_written(void **state) {
  (void)state;
  const char *text =
      "{\"uscc\":\"A\",\"years\":{\"2024\":{\"revenue\":1}}}\n"
      "{\"uscc\":\"B\", \"name\":\"x{y}\\\"z\", \"years\":{\"2024\":{\"revenue\":-5}}}\n"
      "{\"uscc\":\"C\"}\n";
  long lines[] = {2};
  const char *why[] = {"不能为负数 / must not be negative"};
  size_t n;
  const char *got = copy(text, lines, why, 1, &n);
  assert_int_equal(n, 1);
  assert_string_equal(got, "{" R "\"不能为负数 / must not be negative\",\"uscc\":\"B\", "
                           "\"name\":\"x{y}\\\"z\", \"years\":{\"2024\":{\"revenue\":-5}}}\n");
}

static void array_records_on_one_line_each(void **state) {
  (void)state;
  const char *text = "\xef\xbb\xbf[\n"
                     "  {\"uscc\":\"A\",\n"
                     "   \"years\":{\"2024\":{\"revenue\":\"abc\"}}},\n"
                     "  {\"uscc\":\"B\"},\n"
                     "  { }\n"
                     "]\n";
  long lines[] = {2, 5};
  const char *why[] = {"a \"quoted\"\treason", "empty"};
  size_t n;
  const char *got = copy(text, lines, why, 2, &n);
  assert_int_equal(n, 2);
  assert_string_equal(got, "{" R "\"a \\\"quoted\\\"\\treason\",\"uscc\":\"A\",    "
                           "\"years\":{\"2024\":{\"revenue\":\"abc\"}}}\n"
                           "{" R "\"empty\" }\n");
}

static void nothing_asked_nothing_copied(void **state) {
  (void)state;
  size_t n;
  const char *got = copy("[{\"uscc\":\"A\"}]", NULL, NULL, 0, &n);
  assert_int_equal(n, 0);
  assert_string_equal(got, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ndjson_lines_as_written),
      cmocka_unit_test(array_records_on_one_line_each),
      cmocka_unit_test(nothing_asked_nothing_copied),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
