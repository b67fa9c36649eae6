/* Tests of the streaming XLSX reader over files written by libxlsxwriter and broken ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "io/rowsrc.h"
#include "unit/test_util.h"

static char g_path[64];

/* A workbook with a notes sheet first and the firms sheet second. */
static void write_book(const char *path, int constant_memory) {
  lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory, .tmpdir = NULL};
  lxw_workbook *wb = workbook_new_opt(path, &opt);
  lxw_worksheet *notes = workbook_add_worksheet(wb, "说明");
  lxw_worksheet *ws = workbook_add_worksheet(wb, "企业");
  lxw_format *date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format *wan = workbook_add_format(wb);
  format_set_num_format(wan, "#,##0.00");
  worksheet_write_string(notes, 0, 0, "本表为测试", NULL);
  worksheet_write_string(ws, 0, 0, "统一社会信用代码", NULL);
  worksheet_write_string(ws, 0, 1, "企业名称", NULL);
  worksheet_write_string(ws, 0, 2, "营业收入(万元)", NULL);
  worksheet_write_string(ws, 0, 3, "成立日期", NULL);
  worksheet_write_string(ws, 0, 4, "质量奖", NULL);
  worksheet_write_string(ws, 1, 0, "91320500MA1N2K3P99", NULL);
  worksheet_write_string(ws, 1, 1, "苏州测试科技有限公司", NULL);
  worksheet_write_number(ws, 1, 2, 12345.67, wan);
  lxw_datetime d = {2015, 6, 18, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 3, &d, date);
  worksheet_write_boolean(ws, 1, 4, 1, NULL);
  /* row 3 left out; row 4 has a gap in column B and a large number */
  worksheet_write_string(ws, 3, 0, "91310000MA1FL5LL2X", NULL);
  worksheet_write_number(ws, 3, 2, 123456789012.0, NULL);
  worksheet_write_number(ws, 3, 4, 0.000125, NULL);
  assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void check_firms_sheet(tidu_rowsrc *src) {
  tidu_row row;
  tidu_error err;
  assert_int_equal(src->next(src->ctx, &row, &err), 1);
  assert_int_equal(row.row_no, 1);
  assert_int_equal(row.ncells, 5);
  assert_string_equal(row.cells[2], "营业收入(万元)");
  assert_int_equal(src->next(src->ctx, &row, &err), 1);
  assert_int_equal(row.row_no, 2);
  assert_string_equal(row.cells[1], "苏州测试科技有限公司");
  assert_string_equal(row.cells[2], "12345.67");
  assert_string_equal(row.cells[3], "2015-06-18");
  assert_string_equal(row.cells[4], "TRUE");
  assert_int_equal(src->next(src->ctx, &row, &err), 1);
  assert_int_equal(row.row_no, 4);
  assert_string_equal(row.cells[0], "91310000MA1FL5LL2X");
  assert_string_equal(row.cells[1], "");
  assert_int_equal(row.lens[1], 0);
  assert_string_equal(row.cells[2], "123456789012");
  assert_string_equal(row.cells[4], "0.000125");
  assert_int_equal(src->next(src->ctx, &row, &err), 0);
  assert_int_equal(src->next(src->ctx, &row, &err), 0);
}

static int setup_path(void **state) {
  (void)state;
  snprintf(g_path, sizeof g_path, "/tmp/tidu_xlsx_%ld.xlsx", (long)getpid());
  return 0;
}

static int remove_path(void **state) {
  (void)state;
  unlink(g_path);
  return 0;
}

/* A named sheet is read with shared strings, dates, booleans, gaps and skipped rows. */
static void test_reads_named_sheet(void **state) {
  (void)state;
  for (int cm = 0; cm < 2; cm++) {
    write_book(g_path, cm);
    tidu_rowsrc src;
    tidu_error err;
    assert_int_equal(tidu_xlsx_rowsrc(g_path, "企业", &src, &err), 0);
    assert_string_equal(src.sheet, "企业");
    assert_int_equal(src.typed, 1);
    check_firms_sheet(&src);
    src.close(src.ctx);
  }
}

/* Without a name the first sheet is read; an unknown name lists the sheets. */
static void test_first_sheet_and_unknown_sheet(void **state) {
  (void)state;
  write_book(g_path, 0);
  tidu_rowsrc src;
  tidu_error err;
  assert_int_equal(tidu_xlsx_rowsrc(g_path, NULL, &src, &err), 0);
  assert_string_equal(src.sheet, "说明");
  tidu_row row;
  assert_int_equal(src.next(src.ctx, &row, &err), 1);
  assert_string_equal(row.cells[0], "本表为测试");
  src.close(src.ctx);
  assert_int_equal(tidu_xlsx_rowsrc(g_path, "Sheet9", &src, &err), -1);
  assert_int_equal(err.code, TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "企业"));
}

/* The bytes of the workbook write_book makes (caller frees), and their count in *len. */
static char *book_bytes(size_t *len) {
  write_book(g_path, 0);
  char *data = test_read_file(g_path, len);
  assert_non_null(data);
  return data;
}

/* The in-memory variant reads the same rows. */
static void test_reads_from_memory(void **state) {
  (void)state;
  size_t len;
  char *data = book_bytes(&len);
  tidu_rowsrc src;
  tidu_error err;
  assert_int_equal(tidu_xlsx_rowsrc_mem("mem.xlsx", data, len, "企业", &src, &err), 0);
  check_firms_sheet(&src);
  src.close(src.ctx);
  free(data);
}

/* Truncated files and garbage give an input error, never a crash. */
static void test_truncated_and_garbage(void **state) {
  (void)state;
  size_t len;
  char *data = book_bytes(&len);
  tidu_rowsrc src;
  tidu_error err;
  for (size_t cut = 0; cut < len; cut += len / 16 + 1) {
    tidu_error_clear(&err);
    if (tidu_xlsx_rowsrc_mem("cut.xlsx", data, cut, NULL, &src, &err) == 0) {
      tidu_row row;
      while (src.next(src.ctx, &row, &err) == 1) {
      }
      src.close(src.ctx);
    } else {
      assert_true(err.code == TIDU_ERR_INPUT || err.code == TIDU_ERR_IO);
      assert_true(err.message[0] != '\0');
    }
  }
  char garbage[4096];
  for (size_t i = 0; i < sizeof garbage; i++) garbage[i] = (char)(i * 7919 % 251);
  assert_int_equal(tidu_xlsx_rowsrc_mem("junk.xlsx", garbage, sizeof garbage, NULL, &src, &err),
                   -1);
  assert_int_equal(err.code, TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "XLSX"));
  free(data);
}

/* Builds a minimal workbook whose sharedStrings.xml is `sst` (len bytes). */
static void write_raw_book(const char *path, const char *sst, size_t len) {
  static const char *workbook =
      "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
      "</sheets></workbook>";
  static const char *rels = "<Relationships><Relationship Id=\"rId1\" "
                            "Target=\"worksheets/sheet1.xml\"/></Relationships>";
  static const char *sheet = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v>"
                             "</c></row></sheetData></worksheet>";
  int zerr;
  unlink(path);
  zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  assert_non_null(z);
  const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                         "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"};
  const char *bodies[] = {workbook, rels, sheet, sst};
  size_t lens[] = {strlen(workbook), strlen(rels), strlen(sheet), len};
  for (int i = 0; i < 4; i++) {
    zip_source_t *s = zip_source_buffer(z, bodies[i], lens[i], 0);
    assert_true(zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE) >= 0);
  }
  assert_int_equal(zip_close(z), 0);
}

/* A shared string larger than any cell, and a sharedStrings part that expands a thousandfold,
 * are refused with a limit error. */
static void test_shared_string_bombs(void **state) {
  (void)state;
  size_t n = 300000;
  char *sst = malloc(n + 64);
  int k = snprintf(sst, 64, "<sst><si><t>");
  memset(sst + k, 'A', n);
  strcpy(sst + k + n, "</t></si></sst>");
  write_raw_book(g_path, sst, strlen(sst));
  tidu_rowsrc src;
  tidu_error err;
  assert_int_equal(tidu_xlsx_rowsrc(g_path, NULL, &src, &err), -1);
  assert_int_equal(err.code, TIDU_ERR_LIMIT);
  free(sst);

  size_t big = 80u << 20;
  sst = malloc(big + 64);
  k = snprintf(sst, 64, "<sst>");
  memset(sst + k, ' ', big);
  strcpy(sst + k + big, "</sst>");
  write_raw_book(g_path, sst, strlen(sst));
  assert_int_equal(tidu_xlsx_rowsrc(g_path, NULL, &src, &err), -1);
  assert_int_equal(err.code, TIDU_ERR_LIMIT);
  assert_non_null(strstr(err.message, "zip bomb"));
  free(sst);

  const char *ok = "<sst><si><t>你好</t></si></sst>";
  write_raw_book(g_path, ok, strlen(ok));
  assert_int_equal(tidu_xlsx_rowsrc(g_path, NULL, &src, &err), 0);
  tidu_row row;
  assert_int_equal(src.next(src.ctx, &row, &err), 1);
  assert_string_equal(row.cells[0], "你好");
  src.close(src.ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_reads_named_sheet, setup_path, remove_path),
      cmocka_unit_test_setup_teardown(test_first_sheet_and_unknown_sheet, setup_path, remove_path),
      cmocka_unit_test_setup_teardown(test_reads_from_memory, setup_path, remove_path),
      cmocka_unit_test_setup_teardown(test_truncated_and_garbage, setup_path, remove_path),
      cmocka_unit_test_setup_teardown(test_shared_string_bombs, setup_path, remove_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
