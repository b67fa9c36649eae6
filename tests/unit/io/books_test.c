/* Tests of the firm reader over the real workbooks of tests/data/io/xlsx/ (written by
 * tests/data/io/make_books.py) and the hostile ones of fuzz/corpus/xlsx/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/rowsrc.h"
#include "tidu/io.h"

#define BOOKS  "tests/data/io/xlsx/"
#define CORPUS "fuzz/corpus/xlsx/"

/* Reads every firm of the workbook at `path` and logs "F <json>" per firm and "E <error>
 * [column]" per error, then "W <warning>" per warning; "OPEN <error>" when it cannot be
 * opened. Returns a static buffer. */
static const char *book_log(const char *path, const tidu_read_options *opt) {
  static char log_buf[16384];
  char line[1024];
  size_t n = 0;
  tidu_reader *r;
  tidu_error err;
  log_buf[0] = '\0';
  if (tidu_reader_open(path, TIDU_FMT_AUTO, opt, &r, &err) != TIDU_OK) {
    tidu_error_format(&err, line, sizeof line);
    snprintf(log_buf, sizeof log_buf, "OPEN %s", line);
    return log_buf;
  }
  tidu_firm f;
  tidu_firm_init(&f);
  for (int guard = 0; guard < 100; guard++) {
    int done = 0;
    tidu_code rc = tidu_reader_next(r, &f, &done, &err);
    if (rc == TIDU_OK && done) break;
    if (rc == TIDU_OK) {
      char *js = tidu_firm_to_json(&f);
      assert_non_null(js);
      n += (size_t)snprintf(log_buf + n, sizeof log_buf - n, "F %s\n", js);
      free(js);
      continue;
    }
    tidu_error_format(&err, line, sizeof line);
    n += (size_t)snprintf(log_buf + n, sizeof log_buf - n, "E %s [%s]\n", line, err.column_name);
    if (rc == TIDU_ERR_NOMEM || rc == TIDU_ERR_LIMIT || rc == TIDU_ERR_IO) break;
  }
  tidu_error w;
  while (tidu_reader_warning(r, &w)) {
    tidu_error_format(&w, line, sizeof line);
    n += (size_t)snprintf(log_buf + n, sizeof log_buf - n, "W %s\n", line);
  }
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  return log_buf;
}

static void contains(const char *hay, const char *needle) {
  if (!strstr(hay, needle)) fail_msg("expected to find\n  %s\nin\n%s", needle, hay);
}

static void lacks(const char *hay, const char *needle) {
  if (strstr(hay, needle)) fail_msg("did not expect\n  %s\nin\n%s", needle, hay);
}

/* Issue 11.1: a styled blank, a t="s" cell without a value, an empty formula result and an
 * empty inline string are blank; none takes the value of the cell before it. */
static void blank_cells_stay_blank(void **state) {
  (void)state;
  tidu_rowsrc src;
  tidu_error err;
  assert_int_equal(tidu_xlsx_rowsrc(BOOKS "blanks.xlsx", NULL, &src, &err), 0);
  tidu_row row;
  assert_int_equal(src.next(src.ctx, &row, &err), 1);
  assert_int_equal(src.next(src.ctx, &row, &err), 1);
  assert_int_equal(row.row_no, 2);
  assert_string_equal(row.cells[2], "5000");
  for (int c = 3; c <= 6; c++) {
    assert_string_equal(row.cells[c], "");
    assert_int_equal(row.lens[c], 0);
    assert_int_equal(row.numeric[c], 0);
  }
  assert_int_equal(row.numeric[2], 1);
  src.close(src.ctx);
  const char *log = book_log(BOOKS "blanks.xlsx", NULL);
  contains(log, "F {\"uscc\":\"91320505MA1N2K3P9H\",\"name\":\"苏州空白测试有限公司\",\"years\":{"
                "\"2024\":{\"revenue\":50000000}}}\n");
  contains(log, "\"revenue\":70000000,\"net_profit\":3000000,\"rd_expense\":1200000,"
                "\"total_assets\":90000000,\"employees\":85");
  lacks(log, "E ");
}

/* Issue 13.5: bad shared-string indexes, a missing shared string table: an error naming the
 * index, never a crash. */
static void bad_shared_string_indexes(void **state) {
  (void)state;
  contains(book_log(CORPUS "sst_index_past_end.xlsx", NULL), "bad shared string index \"7\"");
  contains(book_log(CORPUS "sst_index_negative.xlsx", NULL), "bad shared string index \"-1\"");
  contains(book_log(CORPUS "sst_index_text.xlsx", NULL), "bad shared string index \"abc%s%s%n\"");
  contains(book_log(CORPUS "sst_index_exponent.xlsx", NULL), "bad shared string index \"1e3\"");
  contains(book_log(CORPUS "sst_missing.xlsx", NULL), "no shared string table");
}

/* Issue 13.12: a column past XFD and a huge row number are errors, not shifted or wrapped. */
static void grid_limits(void **state) {
  (void)state;
  const char *log = book_log(CORPUS "column_past_xfd.xlsx", NULL);
  contains(log, "bad cell reference \"XFE2\"");
  lacks(log, "F ");
  contains(book_log(CORPUS "row_huge.xlsx", NULL), "bad row number \"9999999999999999…\"");
}

/* Issue 13.12: exponents are read whole: 1E+4294967297 and 1e308 are too large, not 10 元. */
static void number_exponents(void **state) {
  (void)state;
  const char *log = book_log(CORPUS "exponent_wrap.xlsx", NULL);
  contains(log, "number too large: \"1E+4294967297\"");
  lacks(log, "F ");
  contains(book_log(CORPUS "exponent_huge.xlsx", NULL), "number too large: \"1e308\"");
}

/* Issue 13.8: one long shared string referenced by 16,000 cells of a row stops at the row cap
 * with a clear error instead of expanding to half a gigabyte. */
static void shared_string_amplification(void **state) {
  (void)state;
  const char *log = book_log(CORPUS "sst_amplify.xlsx", NULL);
  contains(log, "a row holds more than 16777216 bytes of text");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(blank_cells_stay_blank),
      cmocka_unit_test(bad_shared_string_indexes),
      cmocka_unit_test(grid_limits),
      cmocka_unit_test(number_exponents),
      cmocka_unit_test(shared_string_amplification),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
