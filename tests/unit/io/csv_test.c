/* Tests of the CSV row source: RFC 4180, line endings, delimiters, Excel quirks, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/rowsrc.h"

/* Reads every row of `text` and renders them as "a|b|c" lines prefixed by the row number:
 * "1:a|b\n3:c|d\n". Returns the rendering (static) or "ERR <line>:<col> <message>". */
static const char *render(const char *text, size_t len) {
  static char out[8192];
  tidu_rowsrc src;
  tidu_error err;
  size_t n = 0;
  assert_int_equal(tidu_csv_rowsrc("t.csv", text, len, &src, &err), 0);
  tidu_row row;
  int rc;
  out[0] = '\0';
  while ((rc = src.next(src.ctx, &row, &err)) == 1) {
    n += (size_t)snprintf(out + n, sizeof out - n, "%ld:", row.row_no);
    for (size_t i = 0; i < row.ncells; i++) {
      assert_int_equal(strlen(row.cells[i]), row.lens[i]);
      n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? "|" : "", row.cells[i]);
    }
    n += (size_t)snprintf(out + n, sizeof out - n, "\n");
  }
  if (rc < 0) snprintf(out, sizeof out, "ERR %ld:%ld %s", err.line, err.col, err.message);
  src.close(src.ctx);
  return out;
}

static const char *render_s(const char *text) {
  return render(text, strlen(text));
}

static void plain_rows_and_line_endings(void **state) {
  (void)state;
  assert_string_equal(render_s("a,b\n1,2\n"), "1:a|b\n2:1|2\n");
  assert_string_equal(render_s("a,b\r\n1,2\r\n"), "1:a|b\n2:1|2\n");
  assert_string_equal(render_s("a,b\r1,2"), "1:a|b\n2:1|2\n");
  assert_string_equal(render_s("a,b\n\n1,2"), "1:a|b\n2:\n3:1|2\n");
  assert_string_equal(render_s("a,,\n"), "1:a||\n");
  assert_string_equal(render_s(""), "");
}

static void quotes(void **state) {
  (void)state;
  assert_string_equal(render_s("\"a,b\",c\n"), "1:a,b|c\n");
  assert_string_equal(render_s("\"say \"\"hi\"\"\",x\n"), "1:say \"hi\"|x\n");
  assert_string_equal(render_s("\"\",x\n"), "1:|x\n");
  /* a newline inside quotes: the next row still knows its line */
  assert_string_equal(render_s("\"line1\r\nline2\",x\nnext,y\n"), "1:line1\nline2|x\n3:next|y\n");
  /* a quote inside an unquoted cell is just a character */
  assert_string_equal(render_s("5\"3,x\n"), "1:5\"3|x\n");
  /* text after a closing quote is kept */
  assert_string_equal(render_s("\"ab\"cd,x\n"), "1:abcd|x\n");
}

static void unterminated_quote_names_its_line(void **state) {
  (void)state;
  const char *r = render_s("a,b\n1,\"open\n\nmore");
  assert_non_null(strstr(r, "ERR 2:2"));
  assert_non_null(strstr(r, "unterminated"));
}

static void delimiters(void **state) {
  (void)state;
  assert_string_equal(render_s("a;b;c\n1,5;2;3\n"), "1:a|b|c\n2:1,5|2|3\n");
  assert_string_equal(render_s("a\tb\n1\t2\n"), "1:a|b\n2:1|2\n");
  /* quoted separators in the header do not count */
  assert_string_equal(render_s("\"x;y;z\",b\n1,2\n"), "1:x;y;z|b\n2:1|2\n");
  /* Excel's sep= line picks the delimiter and is not a row */
  assert_string_equal(render_s("sep=;\na;b\n1;2\n"), "2:a|b\n3:1|2\n");
  assert_string_equal(render_s("SEP=|\r\na|b\r\n"), "2:a|b\n");
}

static void excel_text_cells_and_bom(void **state) {
  (void)state;
  assert_string_equal(render_s("=\"0123\",x\n"), "1:0123|x\n");
  assert_string_equal(render_s("\"=\"\"0123\"\"\",x\n"), "1:0123|x\n");
  assert_string_equal(render_s("\xef\xbb\xbf"
                               "a,b\n"),
                      "1:a|b\n");
}

static void nul_byte_is_an_error(void **state) {
  (void)state;
  const char text[] = "a,b\n1,x\0y\n";
  const char *r = render(text, sizeof text - 1);
  assert_non_null(strstr(r, "ERR 2:2"));
  assert_non_null(strstr(r, "NUL"));
}

static void column_limit(void **state) {
  (void)state;
  size_t n = 4097;
  char *text = malloc(n * 2 + 1);
  assert_non_null(text);
  for (size_t i = 0; i < n; i++) {
    text[2 * i] = 'x';
    text[2 * i + 1] = i + 1 < n ? ',' : '\n';
  }
  text[n * 2] = '\0';
  tidu_rowsrc src;
  tidu_error err;
  tidu_row row;
  assert_int_equal(tidu_csv_rowsrc("t.csv", text, n * 2, &src, &err), 0);
  assert_int_equal(src.next(src.ctx, &row, &err), -1);
  assert_int_equal(err.code, TIDU_ERR_LIMIT);
  assert_int_equal(err.line, 1);
  src.close(src.ctx);
  /* 4096 columns are fine */
  text[4096 * 2 - 1] = '\n';
  assert_int_equal(tidu_csv_rowsrc("t.csv", text, 4096 * 2, &src, &err), 0);
  assert_int_equal(src.next(src.ctx, &row, &err), 1);
  assert_int_equal(row.ncells, 4096);
  src.close(src.ctx);
  free(text);
}

static void row_length_limit(void **state) {
  (void)state;
  size_t big = 1024 * 1024 + 10;
  char *text = malloc(big + 16);
  assert_non_null(text);
  memcpy(text, "a\n\"", 3);
  memset(text + 3, 'x', big);
  memcpy(text + 3 + big, "\"\n", 2);
  tidu_rowsrc src;
  tidu_error err;
  tidu_row row;
  assert_int_equal(tidu_csv_rowsrc("t.csv", text, big + 5, &src, &err), 0);
  assert_int_equal(src.next(src.ctx, &row, &err), 1);
  assert_int_equal(src.next(src.ctx, &row, &err), -1);
  assert_int_equal(err.code, TIDU_ERR_LIMIT);
  assert_int_equal(err.line, 2);
  assert_string_equal(err.file, "t.csv");
  src.close(src.ctx);
  /* the same length unquoted */
  text[2] = 'x';
  assert_int_equal(tidu_csv_rowsrc("t.csv", text, big + 5, &src, &err), 0);
  assert_int_equal(src.next(src.ctx, &row, &err), 1);
  assert_int_equal(src.next(src.ctx, &row, &err), -1);
  assert_int_equal(err.code, TIDU_ERR_LIMIT);
  src.close(src.ctx);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plain_rows_and_line_endings),
      cmocka_unit_test(quotes),
      cmocka_unit_test(unterminated_quote_names_its_line),
      cmocka_unit_test(delimiters),
      cmocka_unit_test(excel_text_cells_and_bom),
      cmocka_unit_test(nul_byte_is_an_error),
      cmocka_unit_test(column_limit),
      cmocka_unit_test(row_length_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
