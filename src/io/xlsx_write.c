/* XLSX export with libxlsxwriter: the firm file sheet in 万元 and one sheet per board layer. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "io/export_int.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"

#define MAX_LAYERS 16

/* One worksheet and the rows written to it. */
typedef struct sheet {
  lxw_worksheet *ws;
  lxw_row_t rows; /* rows written, header included */
  lxw_col_t cols;
} sheet;

struct tidu_xlsx_out {
  lxw_workbook *wb;
  char *path;
  const tidu_export_ruleset *rs;
  size_t nrs;
  lxw_format *hdr, *wan, *pct, *num, *date, *dec;
  sheet main;
  sheet layer[MAX_LAYERS + 1]; /* one per board, then "none" */
  size_t board_rs[MAX_LAYERS]; /* rule set index of each layer */
  size_t nlayers;
};

/* ---- the firm file sheet: long layout, re-importable ---- */

static lxw_format *format_of(const tidu_xlsx_out *x, tidu_type t) {
  switch (t) {
  case TIDU_T_MONEY:
    return x->wan;
  case TIDU_T_RATIO:
    return x->pct;
  case TIDU_T_DATE:
    return x->date;
  case TIDU_T_YEARS:
  case TIDU_T_SCORE:
    return x->dec;
  default:
    return NULL;
  }
}

/* The header of a field: money columns carry (万元). */
static void header_text(const tidu_field_info *fi, char *buf, size_t size) {
  if (fi->type == TIDU_T_MONEY)
    snprintf(buf, size, "%s(万元)", fi->zh);
  else
    snprintf(buf, size, "%s", fi->zh);
}

/* Writes one value: numbers as numbers (money in 万元), the rest as text. */
static void put_value(tidu_xlsx_out *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                      const tidu_field_info *fi, int64_t v, const char *text) {
  char buf[1024];
  switch (fi->type) {
  case TIDU_T_MONEY:
    if (v != TIDU_MISSING) worksheet_write_number(ws, r, c, (double)v / 1e6, x->wan);
    return;
  case TIDU_T_RATIO:
    if (v != TIDU_MISSING) worksheet_write_number(ws, r, c, (double)v / 1e8, x->pct);
    return;
  case TIDU_T_COUNT:
    if (v != TIDU_MISSING) worksheet_write_number(ws, r, c, (double)v, x->num);
    return;
  case TIDU_T_YEARS:
  case TIDU_T_SCORE:
    if (v != TIDU_MISSING) worksheet_write_number(ws, r, c, (double)v / 100.0, x->dec);
    return;
  case TIDU_T_DATE:
    /* Excel serial days: 25569 is 1970-01-01 */
    if (v != TIDU_MISSING) worksheet_write_number(ws, r, c, (double)(v + 25569), x->date);
    return;
  default:
    tidu_export_value(fi, v, text, buf, sizeof buf);
    if (buf[0]) worksheet_write_string(ws, r, c, buf, NULL);
  }
}

static void main_header(tidu_xlsx_out *x) {
  lxw_worksheet *ws = x->main.ws;
  char h[256];
  lxw_col_t c = 0;
  for (int i = 0; i < TIDU_NFIRM; i++, c++) {
    header_text(tidu_firm_field_info(i), h, sizeof h);
    worksheet_write_string(ws, 0, c, h, x->hdr);
    worksheet_set_column(ws, c, c, i < 2 ? 22 : 14, format_of(x, tidu_firm_field_info(i)->type));
  }
  worksheet_write_string(ws, 0, c, "年度", x->hdr);
  c++;
  for (int i = 0; i < TIDU_NYEAR; i++, c++) {
    header_text(tidu_year_field_info(i), h, sizeof h);
    worksheet_write_string(ws, 0, c, h, x->hdr);
    worksheet_set_column(ws, c, c, 16, format_of(x, tidu_year_field_info(i)->type));
  }
  x->main.cols = c;
  x->main.rows = 1;
  worksheet_freeze_panes(ws, 1, 0);
}

static void main_firm(tidu_xlsx_out *x, const tidu_firm *f) {
  lxw_worksheet *ws = x->main.ws;
  size_t ny = f->nyears ? f->nyears : 1;
  for (size_t y = 0; y < ny; y++) {
    lxw_row_t r = x->main.rows++;
    lxw_col_t c = 0;
    for (int i = 0; i < TIDU_NFIRM; i++, c++)
      put_value(x, ws, r, c, tidu_firm_field_info(i), f->v[i], f->text[i]);
    if (f->nyears) worksheet_write_number(ws, r, c, f->years[y].year, NULL);
    c++;
    for (int i = 0; i < TIDU_NYEAR && f->nyears; i++, c++)
      put_value(x, ws, r, c, tidu_year_field_info(i), f->years[y].v[i], NULL);
  }
}

/* ---- board layers: each firm in the first board it fits (canonical order) ---- */

static const char *const layer_fixed[] = {"统一社会信用代码", "企业名称", "行政区划代码",
                                          "行业代码",         "年度",     "营业收入(万元)",
                                          "净利润(万元)"};
#define NFIXED (sizeof layer_fixed / sizeof layer_fixed[0])

static void layer_header(tidu_xlsx_out *x, sheet *s) {
  lxw_col_t c = 0;
  for (size_t i = 0; i < NFIXED; i++, c++) {
    worksheet_write_string(s->ws, 0, c, layer_fixed[i], x->hdr);
    worksheet_set_column(s->ws, c, c, i < 2 ? 22 : 14, NULL);
  }
  for (size_t k = 0; k < x->nrs; k++) {
    char h[256];
    snprintf(h, sizeof h, "%s结论", x->rs[k].name);
    worksheet_write_string(s->ws, 0, c++, h, x->hdr);
    snprintf(h, sizeof h, "%s最近标准", x->rs[k].name);
    worksheet_write_string(s->ws, 0, c++, h, x->hdr);
    snprintf(h, sizeof h, "%s差距", x->rs[k].name);
    worksheet_write_string(s->ws, 0, c++, h, x->hdr);
    snprintf(h, sizeof h, "%s相对距离", x->rs[k].name);
    worksheet_write_string(s->ws, 0, c++, h, x->hdr);
  }
  s->cols = c;
  s->rows = 1;
  worksheet_freeze_panes(s->ws, 1, 0);
}

static void layer_firm(tidu_xlsx_out *x, sheet *s, const tidu_firm *f,
                       const tidu_export_assessment *a) {
  lxw_worksheet *ws = s->ws;
  lxw_row_t r = s->rows++;
  const int fields[] = {TIDU_F_USCC, TIDU_F_NAME, TIDU_F_REGION, TIDU_F_INDUSTRY};
  for (lxw_col_t c = 0; c < 4; c++)
    if (f->text[fields[c]]) worksheet_write_string(ws, r, c, f->text[fields[c]], NULL);
  if (f->nyears) {
    const tidu_year *y = &f->years[0];
    worksheet_write_number(ws, r, 4, y->year, NULL);
    put_value(x, ws, r, 5, tidu_year_field_info(TIDU_Y_REVENUE), y->v[TIDU_Y_REVENUE], NULL);
    put_value(x, ws, r, 6, tidu_year_field_info(TIDU_Y_NET_PROFIT), y->v[TIDU_Y_NET_PROFIT], NULL);
  }
  lxw_col_t c = NFIXED;
  for (size_t k = 0; k < x->nrs; k++, c += 4) {
    const char *v = a ? a->verdict[k] : NULL;
    if (!v) continue;
    worksheet_write_string(ws, r, c, tidu_export_verdict_zh(v), NULL);
    if (a->nearest[k]) worksheet_write_string(ws, r, c + 1, a->nearest[k], NULL);
    if (a->gap && a->gap[k] && a->gap[k][0]) worksheet_write_string(ws, r, c + 2, a->gap[k], NULL);
    if (!isnan(a->distance[k])) worksheet_write_number(ws, r, c + 3, a->distance[k], x->dec);
  }
}

/* The layer of a firm: the first board (in selection order) it passes, else the last sheet. */
static size_t layer_of(const tidu_xlsx_out *x, const tidu_export_assessment *a) {
  for (size_t l = 0; a && l < x->nlayers; l++) {
    const char *v = a->verdict[x->board_rs[l]];
    if (v && !strcmp(v, "pass")) return l;
  }
  return x->nlayers;
}

/* ---- workbook ---- */

static void make_formats(tidu_xlsx_out *x) {
  x->hdr = workbook_add_format(x->wb);
  format_set_bold(x->hdr);
  format_set_bg_color(x->hdr, 0xDDEBF7);
  x->wan = workbook_add_format(x->wb);
  format_set_num_format(x->wan, "#,##0.00");
  x->pct = workbook_add_format(x->wb);
  format_set_num_format(x->pct, "0.00%");
  x->num = workbook_add_format(x->wb);
  format_set_num_format(x->num, "0");
  x->date = workbook_add_format(x->wb);
  format_set_num_format(x->date, "yyyy-mm-dd");
  x->dec = workbook_add_format(x->wb);
  format_set_num_format(x->dec, "0.0###");
}

static lxw_worksheet *add_sheet(tidu_xlsx_out *x, const char *name, const char *fallback) {
  char clean[128];
  size_t n = 0;
  for (const char *p = name; *p && n < sizeof clean - 1; p++)
    clean[n++] = strchr("[]:*?/\\", *p) ? '_' : *p;
  clean[n] = '\0';
  lxw_worksheet *ws = NULL;
  if (workbook_validate_sheet_name(x->wb, clean) == LXW_NO_ERROR)
    ws = workbook_add_worksheet(x->wb, clean);
  return ws ? ws : workbook_add_worksheet(x->wb, fallback);
}

tidu_code tidu_xlsx_out_open(const char *file, const char *path, const tidu_export_ruleset *rs,
                             size_t nrs, tidu_xlsx_out **out, tidu_error *err) {
  *out = NULL;
  tidu_xlsx_out *x = tidu_calloc(1, sizeof *x);
  if (!x || !(x->path = tidu_strdup(path))) {
    free(x);
    return tidu_error_set(err, TIDU_ERR_NOMEM, path, 0, 0, "内存不足 / out of memory");
  }
  lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
  x->wb = workbook_new_opt(file, &opt);
  if (!x->wb) {
    free(x->path);
    free(x);
    return tidu_error_set(err, TIDU_ERR_IO, path, 0, 0,
                          "无法创建 XLSX 文件 / cannot create the XLSX file");
  }
  x->rs = rs;
  x->nrs = nrs;
  make_formats(x);
  x->main.ws = add_sheet(x, "企业档案", "firms");
  main_header(x);
  for (size_t k = 0; k < nrs && x->nlayers < MAX_LAYERS; k++) {
    if (!rs[k].is_board) continue;
    char fallback[32];
    snprintf(fallback, sizeof fallback, "board%zu", x->nlayers + 1);
    x->board_rs[x->nlayers] = k;
    x->layer[x->nlayers].ws = add_sheet(x, rs[k].name, fallback);
    layer_header(x, &x->layer[x->nlayers]);
    x->nlayers++;
  }
  if (nrs > 0) {
    x->layer[x->nlayers].ws = add_sheet(x, "未达上市标准", "none");
    layer_header(x, &x->layer[x->nlayers]);
  }
  *out = x;
  return TIDU_OK;
}

tidu_code tidu_xlsx_out_add(tidu_xlsx_out *x, const tidu_firm *f, const tidu_export_assessment *a,
                            tidu_error *err) {
  if (x->main.rows + f->nyears + 1 > LXW_ROW_MAX)
    return tidu_error_set(err, TIDU_ERR_LIMIT, x->path, 0, 0,
                          "超过 XLSX 的行数上限 (1048576) / more rows than XLSX allows (1048576)");
  main_firm(x, f);
  if (x->nrs > 0) layer_firm(x, &x->layer[layer_of(x, a)], f, a);
  return TIDU_OK;
}

static void finish_sheet(sheet *s) {
  if (!s->ws || s->cols == 0) return;
  worksheet_autofilter(s->ws, 0, 0, s->rows > 1 ? s->rows - 1 : 0, s->cols - 1);
}

tidu_code tidu_xlsx_out_close(tidu_xlsx_out *x, tidu_error *err) {
  if (!x) return TIDU_OK;
  finish_sheet(&x->main);
  for (size_t l = 0; l <= x->nlayers && x->nrs > 0; l++) finish_sheet(&x->layer[l]);
  errno = 0;
  lxw_error e = workbook_close(x->wb);
  tidu_code rc = TIDU_OK;
  if (e != LXW_NO_ERROR)
    rc = tidu_error_set(err, TIDU_ERR_IO, x->path, 0, 0,
                        "写入 XLSX 失败 / writing the XLSX failed: %s",
                        errno == ENOSPC || errno == EDQUOT ? "磁盘已满 / the disk is full"
                        : errno == EROFS ? "只读文件系统 / read-only file system"
                                         : lxw_strerror(e));
  free(x->path);
  free(x);
  return rc;
}
