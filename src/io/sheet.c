/* Report tables: building them and writing them as CSV, JSON or XLSX, atomically. */
#include "tidu/sheet.h"

#include "io/internal.h"

#include "tidu/outfile.h"
#include "tidu/toolkit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

tidu_sheet *tidu_sheet_new(const char *title, size_t ncols, const char *const *headers,
                           const tidu_cell_kind *kinds) {
  tidu_sheet *sh = tidu_calloc(1, sizeof *sh);
  if (!sh) return NULL;
  sh->title = tidu_strdup(title ? title : "sheet");
  sh->ncols = ncols;
  sh->headers = tidu_calloc(ncols ? ncols : 1, sizeof *sh->headers);
  sh->kinds = tidu_calloc(ncols ? ncols : 1, sizeof *sh->kinds);
  if (!sh->title || !sh->headers || !sh->kinds) {
    tidu_sheet_free(sh);
    return NULL;
  }
  for (size_t c = 0; c < ncols; c++) {
    sh->headers[c] = tidu_strdup(headers[c]);
    sh->kinds[c] = kinds[c];
    if (!sh->headers[c]) {
      tidu_sheet_free(sh);
      return NULL;
    }
  }
  return sh;
}

void tidu_sheet_free(tidu_sheet *sh) {
  if (!sh) return;
  for (size_t i = 0; i < sh->nrows * sh->ncols; i++) free(sh->text[i]);
  for (size_t c = 0; sh->headers && c < sh->ncols; c++) free(sh->headers[c]);
  free(sh->headers);
  free(sh->kinds);
  free(sh->text);
  free(sh->num);
  free(sh->set);
  free(sh->title);
  free(sh);
}

size_t tidu_sheet_add_row(tidu_sheet *sh) {
  if (sh->nrows == sh->cap) {
    size_t cap = sh->cap ? sh->cap * 2 : 64;
    size_t cells = cap * (sh->ncols ? sh->ncols : 1);
    char **text = tidu_realloc(sh->text, cells * sizeof *text);
    if (!text) return (size_t)-1;
    sh->text = text;
    int64_t *num = tidu_realloc(sh->num, cells * sizeof *num);
    if (!num) return (size_t)-1;
    sh->num = num;
    uint8_t *set = tidu_realloc(sh->set, cells);
    if (!set) return (size_t)-1;
    sh->set = set;
    sh->cap = cap;
  }
  size_t r = sh->nrows++;
  for (size_t c = 0; c < sh->ncols; c++) {
    sh->text[r * sh->ncols + c] = NULL;
    sh->num[r * sh->ncols + c] = 0;
    sh->set[r * sh->ncols + c] = 0;
  }
  return r;
}

int tidu_sheet_set_text(tidu_sheet *sh, size_t row, size_t col, const char *s) {
  char **cell = &sh->text[row * sh->ncols + col];
  free(*cell);
  *cell = s ? tidu_strdup(s) : NULL;
  return s && !*cell ? -1 : 0;
}

void tidu_sheet_set_num(tidu_sheet *sh, size_t row, size_t col, int64_t v) {
  sh->num[row * sh->ncols + col] = v;
  sh->set[row * sh->ncols + col] = 1;
}

/* ---- writers ---- */

/* The text of a number cell ("12.50" for 125000 分 in 万元 … no: 分 / 10^6 = 万元). */
static void num_text(tidu_cell_kind k, int64_t v, char *buf, size_t size) {
  if (k == TIDU_CELL_WAN) {
    /* 1 万元 = 1,000,000 分; two decimals, rounded half away from zero */
    int64_t a = v < 0 ? -v : v;
    int64_t h = (a + 5000) / 10000; /* hundredths of 万元 */
    snprintf(buf, size, "%s%lld.%02lld", v < 0 ? "-" : "", (long long)(h / 100),
             (long long)(h % 100));
  } else if (k == TIDU_CELL_REAL) {
    int64_t a = v < 0 ? -v : v;
    snprintf(buf, size, "%s%lld.%02lld", v < 0 ? "-" : "", (long long)(a / 100),
             (long long)(a % 100));
  } else {
    snprintf(buf, size, "%lld", (long long)v);
  }
}

static int write_csv(const tidu_sheet *sh, FILE *fp) {
  fputs("\xEF\xBB\xBF", fp);
  for (size_t c = 0; c < sh->ncols; c++) {
    if (c) fputc(',', fp);
    tidu_io_csv_cell(fp, sh->headers[c]);
  }
  fputc('\n', fp);
  char buf[64];
  for (size_t r = 0; r < sh->nrows; r++) {
    for (size_t c = 0; c < sh->ncols; c++) {
      size_t i = r * sh->ncols + c;
      if (c) fputc(',', fp);
      if (sh->kinds[c] == TIDU_CELL_TEXT) {
        if (sh->text[i]) tidu_io_csv_cell(fp, sh->text[i]);
      } else if (sh->set[i]) {
        num_text(sh->kinds[c], sh->num[i], buf, sizeof buf);
        fputs(buf, fp);
      }
    }
    fputc('\n', fp);
  }
  return ferror(fp) ? -1 : 0;
}

static int write_json(const tidu_sheet *sh, FILE *fp) {
  json_t *arr = json_array();
  if (!arr) return -1;
  char buf[64];
  for (size_t r = 0; r < sh->nrows; r++) {
    json_t *o = json_object();
    if (!o || json_array_append_new(arr, o)) {
      json_decref(arr);
      return -1;
    }
    for (size_t c = 0; c < sh->ncols; c++) {
      size_t i = r * sh->ncols + c;
      json_t *v;
      if (sh->kinds[c] == TIDU_CELL_TEXT) {
        v = sh->text[i] ? json_string(sh->text[i]) : json_null();
      } else if (!sh->set[i]) {
        v = json_null();
      } else if (sh->kinds[c] == TIDU_CELL_INT) {
        v = json_integer(sh->num[i]);
      } else {
        num_text(sh->kinds[c], sh->num[i], buf, sizeof buf);
        v = json_real(strtod(buf, NULL));
      }
      json_object_set_new(o, sh->headers[c], v);
    }
  }
  int rc = json_dumpf(arr, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  fputc('\n', fp);
  json_decref(arr);
  return rc || ferror(fp) ? -1 : 0;
}

static int write_xlsx(const tidu_sheet *sh, const char *path) {
  lxw_workbook *wb = workbook_new(path);
  if (!wb) return -1;
  lxw_worksheet *ws = NULL;
  if (sh->title && lxw_utf8_strlen(sh->title) <= 31) ws = workbook_add_worksheet(wb, sh->title);
  if (!ws) ws = workbook_add_worksheet(wb, NULL);
  if (!ws) {
    workbook_close(wb);
    return -1;
  }
  lxw_format *hdr = workbook_add_format(wb);
  format_set_bold(hdr);
  lxw_format *dec = workbook_add_format(wb);
  format_set_num_format(dec, "#,##0.00");
  for (size_t c = 0; c < sh->ncols; c++) {
    worksheet_write_string(ws, 0, (lxw_col_t)c, sh->headers[c], hdr);
    worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c == 1 ? 30 : 16, NULL);
  }
  char buf[64];
  for (size_t r = 0; r < sh->nrows; r++)
    for (size_t c = 0; c < sh->ncols; c++) {
      size_t i = r * sh->ncols + c;
      lxw_row_t row = (lxw_row_t)(r + 1);
      if (sh->kinds[c] == TIDU_CELL_TEXT) {
        if (sh->text[i]) worksheet_write_string(ws, row, (lxw_col_t)c, sh->text[i], NULL);
      } else if (sh->set[i]) {
        if (sh->kinds[c] == TIDU_CELL_INT) {
          worksheet_write_number(ws, row, (lxw_col_t)c, (double)sh->num[i], NULL);
        } else {
          num_text(sh->kinds[c], sh->num[i], buf, sizeof buf);
          worksheet_write_number(ws, row, (lxw_col_t)c, strtod(buf, NULL), dec);
        }
      }
    }
  return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

tidu_code tidu_sheet_write(const tidu_sheet *sh, const char *format, const char *path,
                           tidu_error *err) {
  int kind = !format                   ? -1
             : !strcmp(format, "csv")  ? 0
             : !strcmp(format, "json") ? 1
             : !strcmp(format, "xlsx") ? 2
                                       : -1;
  if (kind < 0)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "未知格式 '%s'(csv|json|xlsx) / unknown format '%s'",
                          format ? format : "", format ? format : "");
  tidu_outfile *o = NULL;
  tidu_code orc = tidu_outfile_open(path, &o, err);
  if (orc != TIDU_OK) return orc;
  int rc;
  if (kind == 2) {
    rc = write_xlsx(sh, tidu_outfile_tmpname(o));
  } else {
    FILE *fp = tidu_outfile_fp(o);
    rc = kind == 0 ? write_csv(sh, fp) : write_json(sh, fp);
  }
  if (rc != 0) {
    tidu_outfile_abort(o);
    return tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法写入 / cannot write");
  }
  return tidu_outfile_commit(o, err);
}
