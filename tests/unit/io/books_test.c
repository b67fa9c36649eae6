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

/* Issue 11.2: an all-digit USCC typed as a number (9.13204111347102E+17) and a number in the
 * name column are errors naming sheet!cell; the firm is not read under a wrong code. */
static void number_in_a_text_column(void **state) {
  (void)state;
  const char *log = book_log(BOOKS "uscc_number.xlsx", NULL);
  contains(log, "单元格 企业!A2 是数字 \"913204111347102000\"，应为文本");
  contains(log, "cell 企业!A2 holds the number \"913204111347102000\" where text is needed");
  contains(log, "the code's last digits are lost");
  contains(log, "cell 企业!B3 holds the number \"12345\"");
  contains(log, "[统一社会信用代码]");
  lacks(log, "F ");
}

/* Issue 11.13: a title row above the header says where the header is; --header-row reads it. */
static void title_row_above_the_header(void **state) {
  (void)state;
  const char *log = book_log(BOOKS "title_row.xlsx", NULL);
  contains(log, "OPEN " BOOKS "title_row.xlsx:1: 第 1 行不是表头");
  contains(log, "\"2025年苏州市专精特新企业申报汇总表\"");
  contains(log, "the header is on row 3: add --header-row 3");
  lacks(log, "unquoted comma");
  tidu_read_options opt = {.header_row = 3};
  log = book_log(BOOKS "title_row.xlsx", &opt);
  contains(log, "F {\"uscc\":\"91320505MA1N2K3P9H\",\"name\":\"苏州标题测试有限公司\",\"years\":{"
                "\"2024\":{\"revenue\":43210000}}}\n");
  lacks(log, "E ");
  lacks(log, "W ");
}

/* Issue 11.13: a first sheet of instructions names the sheet that holds the firms. */
static void instructions_on_the_first_sheet(void **state) {
  (void)state;
  const char *log = book_log(BOOKS "instructions_first.xlsx", NULL);
  contains(log, "OPEN " BOOKS "instructions_first.xlsx: 第一个工作表“填表说明”中没有表头");
  contains(log, "the firms are on sheet \"企业信息\": add --sheet 企业信息");
  tidu_read_options opt = {.sheet = "企业信息"};
  log = book_log(BOOKS "instructions_first.xlsx", &opt);
  contains(log, "F {\"uscc\":\"91320505MA1N2K3P9H\",\"name\":\"苏州说明测试有限公司\"");
  lacks(log, "E ");
}

/* Issue 11.13: an empty sheet and a header without rows are errors, never a silent end. */
static void empty_and_header_only_books(void **state) {
  (void)state;
  contains(book_log(BOOKS "empty.xlsx", NULL), "OPEN " BOOKS "empty.xlsx: 工作表“Sheet1”是空的 / "
                                               "sheet \"Sheet1\" is empty");
  const char *log = book_log(BOOKS "header_only.xlsx", NULL);
  contains(log, "E " BOOKS "header_only.xlsx:1: 只有表头（第 1 行），下面没有企业数据");
  lacks(log, "F ");
}

/* Issue 11.14: the same USCC (in any letter case) on two rows of a wide sheet is an error naming
 * both rows; the last row does not silently replace the first. */
static void same_uscc_twice(void **state) {
  (void)state;
  const char *log = book_log(BOOKS "dup_uscc.xlsx", NULL);
  contains(log, "E " BOOKS "dup_uscc.xlsx:4:1: 统一社会信用代码: 同一统一社会信用代码 "
                "\"91320505MA1N2K3P9H\" 在本文件中出现两次：第 2 行和第 4 行");
  contains(log, "appears twice in this file: rows 2 and 4");
  contains(log, "F {\"uscc\":\"91320505MA1N2K3P9H\",\"name\":\"重复测试有限公司\",\"years\":{"
                "\"2024\":{\"revenue\":1000000}}}");
  contains(log, "\"revenue\":2000000");
  lacks(log, "\"revenue\":3000000");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(blank_cells_stay_blank),
      cmocka_unit_test(bad_shared_string_indexes),
      cmocka_unit_test(grid_limits),
      cmocka_unit_test(number_exponents),
      cmocka_unit_test(shared_string_amplification),
      cmocka_unit_test(number_in_a_text_column),
      cmocka_unit_test(title_row_above_the_header),
      cmocka_unit_test(instructions_on_the_first_sheet),
      cmocka_unit_test(empty_and_header_only_books),
      cmocka_unit_test(same_uscc_twice),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
