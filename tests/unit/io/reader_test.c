/* Tests of the public reader over files: format detection, encodings, fixtures in tests/data/io. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "io/internal.h"
#include "tidu/io.h"
#include "tidu/uscc.h"
#include "unit/test_util.h"

/* Reads every firm of `path` as JSON lines joined by '\n' into a new string; errors as "E ...". */
static char *read_all(const char *path, tidu_format fmt) {
  tidu_reader *r;
  tidu_error err;
  if (tidu_reader_open(path, fmt, NULL, &r, &err) != TIDU_OK)
    fail_msg("open %s: %s", path, err.message);
  size_t cap = 8192, n = 0;
  char *out = calloc(1, cap);
  assert_non_null(out);
  tidu_firm f;
  tidu_firm_init(&f);
  for (;;) {
    int done = 0;
    tidu_code rc = tidu_reader_next(r, &f, &done, &err);
    if (rc == TIDU_OK && done) break;
    char line[1200];
    if (rc == TIDU_OK) {
      char *js = tidu_firm_to_json(&f);
      snprintf(line, sizeof line, "%s\n", js);
      free(js);
    } else {
      char e[1024];
      tidu_error_format(&err, e, sizeof e);
      snprintf(line, sizeof line, "E %s\n", e);
    }
    assert_true(n + strlen(line) < cap);
    memcpy(out + n, line, strlen(line) + 1);
    n += strlen(line);
  }
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  return out;
}

static void gb18030_csv_file(void **state) {
  (void)state;
  char *s = read_all("tests/data/io/gb18030.csv", TIDU_FMT_AUTO);
  assert_string_equal(s, "{\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"苏州示例科技有限公司\","
                         "\"years\":{\"2024\":{\"revenue\":50000000,\"rd_expense\":7505000},"
                         "\"2023\":{\"revenue\":40000000,\"rd_expense\":6000000}}}\n");
  free(s);
}

static void utf8_bom_crlf_file(void **state) {
  (void)state;
  char *s = read_all("tests/data/io/bom.csv", TIDU_FMT_AUTO);
  assert_string_equal(s,
                      "{\"uscc\":\"91610131MA6W8B2Q6N\",\"name\":\"西安示例\",\"years\":{\"2024\":"
                      "{\"revenue\":150000000},\"2023\":{\"revenue\":12345.67}}}\n");
  free(s);
}

static void json_and_ndjson_files(void **state) {
  (void)state;
  char *s = read_all("tests/data/io/firms.ndjson", TIDU_FMT_AUTO);
  assert_string_equal(
      s, "{\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"苏州示例科技有限公司\",\"titles\":"
         "\"high_tech;srdi_sme\",\"years\":{\"2024\":{\"revenue\":50000000,\"rd_expense\":"
         "7505000.5},\"2023\":{\"revenue\":40000000}}}\n"
         "{\"uscc\":\"91610131MA6W8B2Q6N\",\"name\":\"西安示例\",\"market_share\":0.125,"
         "\"years\":{\"2024\":{\"revenue\":150000000}}}\n");
  free(s);
  s = read_all("tests/data/io/firms.json", TIDU_FMT_AUTO);
  assert_string_equal(
      s, "{\"uscc\":\"92110108L23456783K\",\"name\":\"北京示例\",\"founded\":\"2015-06-01\","
         "\"listing_status\":\"neeq_innovative\",\"years\":{\"2024\":{\"revenue\":1234.56,"
         "\"roe_weighted\":0.15,\"employees\":120},\"2023\":{\"net_profit\":-1000}}}\n"
         "{\"uscc\":\"91320500MA1N202030\",\"name\":\"苏州边界\",\"red_flags\":"
         "\"dishonest;major_incident\"}\n");
  free(s);
}

static void content_sniffing_and_forced_formats(void **state) {
  (void)state;
  char path[] = "/tmp/tidu_reader_testXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *text = "  [{\"name\":\"A\"}]";
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  char *s = read_all(path, TIDU_FMT_AUTO); /* no extension: sniffed as JSON */
  assert_string_equal(s, "{\"name\":\"A\"}\n");
  free(s);
  /* forced to CSV: the one row is no header */
  tidu_reader *r = NULL;
  tidu_error err;
  assert_int_equal(tidu_reader_open(path, TIDU_FMT_CSV, NULL, &r, &err), TIDU_ERR_INPUT);
  assert_non_null(strstr(err.message, "row 1 is not a header row"));
  unlink(path);
}

static void errors_name_the_file(void **state) {
  (void)state;
  tidu_reader *r = (tidu_reader *)1;
  tidu_error err;
  assert_int_equal(tidu_reader_open("tests/data/io/no-such.csv", TIDU_FMT_AUTO, NULL, &r, &err),
                   TIDU_ERR_IO);
  assert_null(r);
  assert_string_equal(err.file, "tests/data/io/no-such.csv");
  const char bad[] = "uscc\n\xff\xfe\xff";
  assert_int_equal(
      tidu_reader_open_mem("bad.csv", bad, sizeof bad - 1, TIDU_FMT_AUTO, NULL, &r, &err),
      TIDU_ERR_INPUT);
  assert_string_equal(err.file, "bad.csv");
  assert_non_null(strstr(err.message, "byte offset 5"));
  /* a NULL error pointer is fine everywhere */
  assert_int_equal(
      tidu_reader_open_mem("bad.csv", bad, sizeof bad - 1, TIDU_FMT_AUTO, NULL, &r, NULL),
      TIDU_ERR_INPUT);
  tidu_reader_close(NULL);
  assert_int_equal(tidu_reader_warning(NULL, &err), 0);
}

static void many_warnings_are_capped_and_summarised(void **state) {
  (void)state;
  /* 5000 firms whose USCC check character is wrong: each a warning */
  size_t cap = 5000 * 24 + 16, n = 0;
  char *csv = malloc(cap);
  assert_non_null(csv);
  n += (size_t)snprintf(csv, cap, "uscc\n");
  for (int i = 0; i < 5000; i++) {
    char code[32];
    snprintf(code, sizeof code, "91320500MA1N%05d", i % 100000);
    char ok = tidu_uscc_check_char(code);
    code[17] = ok == '0' ? '1' : '0'; /* a wrong check character */
    code[18] = '\0';
    n += (size_t)snprintf(csv + n, cap - n, "%s\n", code);
  }
  tidu_reader *r;
  assert_int_equal(tidu_reader_open_mem("w.csv", csv, n, TIDU_FMT_CSV, NULL, &r, NULL), TIDU_OK);
  tidu_firm f;
  tidu_firm_init(&f);
  int done = 0, firms = 0;
  while (tidu_reader_next(r, &f, &done, NULL) == TIDU_OK && !done) firms++;
  assert_int_equal(firms, 5000);
  tidu_error w;
  int warns = 0;
  while (tidu_reader_warning(r, &w)) {
    warns++;
    assert_int_equal(w.warning, 1);
  }
  assert_int_equal(warns, 4096 + 1);
  assert_non_null(strstr(w.message, "904 more warnings"));
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  free(csv);
}

static void xlsx_file_through_the_table_reader(void **state) {
  (void)state;
  char path[] = "/tmp/tidu_reader_xlsxXXXXXX";
  test_temp_file(path);
  lxw_workbook *wb = workbook_new(path);
  lxw_worksheet *ws = workbook_add_worksheet(wb, "企业");
  lxw_format *date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  worksheet_write_string(ws, 0, 0, "统一社会信用代码", NULL);
  worksheet_write_string(ws, 0, 1, "企业名称", NULL);
  worksheet_write_string(ws, 0, 2, "成立日期", NULL);
  worksheet_write_string(ws, 0, 3, "2024年营业收入(万元)", NULL);
  worksheet_write_string(ws, 0, 4, "roe_weighted_2024", NULL);
  worksheet_write_string(ws, 1, 0, "91320500MA1N2K3P99", NULL);
  worksheet_write_string(ws, 1, 1, "苏州示例", NULL);
  lxw_datetime dt = {2015, 6, 1, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 2, &dt, date);
  worksheet_write_number(ws, 1, 3, 1234.5678, NULL);
  worksheet_write_number(ws, 1, 4, 0.15, NULL);
  assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
  char *s = read_all(path, TIDU_FMT_AUTO); /* the .xlsx-less temp name is sniffed as a zip */
  assert_string_equal(s, "{\"uscc\":\"91320500MA1N2K3P99\",\"name\":\"苏州示例\",\"founded\":"
                         "\"2015-06-01\",\"years\":{\"2024\":{\"revenue\":12345678,"
                         "\"roe_weighted\":0.15}}}\n");
  free(s);
  unlink(path);
}

/* ---- issue 13.6: a file that changes while it is read ---- */

static const char *g_shrink_path;
static int g_shrink_mode; /* 1: cut the file short, 2: rewrite it in place (same size) */

static void shrink_hook(int fd, size_t done) {
  (void)fd;
  if (done != 1u << 20 || !g_shrink_path) return; /* after the first chunk only */
  if (g_shrink_mode == 1) {
    assert_int_equal(truncate(g_shrink_path, 100), 0);
  } else {
    FILE *f = fopen(g_shrink_path, "r+b");
    assert_non_null(f);
    fputs("uscc", f);
    fclose(f);
  }
}

/* Reading used to map the file: a file cut short under the mapping killed the process with
 * SIGBUS. Now it is read, and a file cut or rewritten meanwhile is reported as such. */
static void file_changed_while_read(void **state) {
  (void)state;
  char path[] = "/tmp/tidu_reader_shrinkXXXXXX";
  size_t n = 3u << 20;
  char *big = malloc(n);
  assert_non_null(big);
  const char *head = "uscc,name\n";
  memcpy(big, head, strlen(head));
  for (size_t i = strlen(head); i < n; i++) big[i] = (i % 40 == 39) ? '\n' : 'a';
  for (int mode = 1; mode <= 2; mode++) {
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, big, n), (ssize_t)n);
    close(fd);
    struct timeval old[2] = {{946684800, 0}, {946684800, 0}}; /* 2000-01-01: a rewrite shows */
    assert_int_equal(utimes(path, old), 0);
    g_shrink_path = path;
    g_shrink_mode = mode;
    tidu_io_read_hook = shrink_hook;
    tidu_reader *r = (tidu_reader *)1;
    tidu_error err;
    tidu_code rc = tidu_reader_open(path, TIDU_FMT_CSV, NULL, &r, &err);
    tidu_io_read_hook = NULL;
    assert_int_equal(rc, TIDU_ERR_IO);
    assert_null(r);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.message, "文件在读取时被修改"));
    assert_non_null(strstr(err.message, "the file changed while it was read"));
    unlink(path);
    strcpy(path, "/tmp/tidu_reader_shrinkXXXXXX");
  }
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(gb18030_csv_file),
      cmocka_unit_test(utf8_bom_crlf_file),
      cmocka_unit_test(json_and_ndjson_files),
      cmocka_unit_test(content_sniffing_and_forced_formats),
      cmocka_unit_test(errors_name_the_file),
      cmocka_unit_test(many_warnings_are_capped_and_summarised),
      cmocka_unit_test(xlsx_file_through_the_table_reader),
      cmocka_unit_test(file_changed_while_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
