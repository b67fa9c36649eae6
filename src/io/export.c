/* Exports of the registry: exact plain values, the CSV and NDJSON writers, and dispatch. */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/export_int.h"
#include "io/internal.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/outfile.h"
#include "tidu/toolkit.h"

struct tidu_exporter {
  tidu_export_format fmt;
  FILE *fp;   /* where the writers write: the file, or `mem` when re-encoding */
  FILE *file; /* the output file */
  tidu_export_encoding enc;
  int header_done;
  char *mem; /* GB18030: one firm's rows in UTF-8 before conversion */
  size_t memlen;
  iconv_t cd;
  const tidu_export_ruleset *rs;
  size_t nrs;
  tidu_xlsx_out *xlsx;
  tidu_outfile *out; /* the temporary file renamed over `path` by a successful close */
  char *path;
};

/* ---- values ---- */

/* Writes v / scale as an exact decimal with trailing zeros trimmed (min_dec kept). */
static size_t scaled(int64_t v, int64_t scale, int digits, int min_dec, char *buf, size_t size) {
  int neg = v < 0;
  uint64_t a = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  uint64_t whole = a / (uint64_t)scale, frac = a % (uint64_t)scale;
  char fr[32];
  snprintf(fr, sizeof fr, "%0*llu", digits, (unsigned long long)frac);
  int n = digits;
  while (n > min_dec && fr[n - 1] == '0') n--;
  fr[n] = '\0';
  int w = snprintf(buf, size, "%s%llu%s%s", neg ? "-" : "", (unsigned long long)whole, n ? "." : "",
                   fr);
  return w < 0 ? 0 : (size_t)w < size ? (size_t)w : size - 1;
}

size_t tidu_export_value(const tidu_field_info *fi, int64_t v, const char *text, char *buf,
                         size_t size) {
  if (size == 0) return 0;
  buf[0] = '\0';
  switch (fi->type) {
  case TIDU_T_TEXT:
    return (size_t)snprintf(buf, size, "%s", text ? text : "");
  case TIDU_T_MONEY:
    return v == TIDU_MISSING ? 0 : scaled(v, TIDU_SCALE_MONEY, 2, 2, buf, size);
  case TIDU_T_RATIO:
    return v == TIDU_MISSING ? 0 : scaled(v, TIDU_SCALE_RATIO, 8, 0, buf, size);
  case TIDU_T_YEARS:
  case TIDU_T_SCORE:
    return v == TIDU_MISSING ? 0 : scaled(v, 100, 2, 0, buf, size);
  case TIDU_T_COUNT:
    return v == TIDU_MISSING ? 0 : (size_t)snprintf(buf, size, "%lld", (long long)v);
  case TIDU_T_BOOL:
    if (fi->judge) /* a judgement declared no is written as false; undeclared stays blank */
      return v == TIDU_MISSING ? 0 : (size_t)snprintf(buf, size, "%s", v ? "true" : "false");
    return v ? (size_t)snprintf(buf, size, "true") : 0;
  case TIDU_T_DATE:
    if (v == TIDU_MISSING || size < 11) return 0;
    tidu_format_date(v, buf);
    return strlen(buf);
  case TIDU_T_ENUM: {
    const char *name =
        v == TIDU_MISSING || (v == 0 && !fi->judge) ? NULL : tidu_enum_name(fi->enum_id, (int)v);
    return (size_t)snprintf(buf, size, "%s", name ? name : "");
  }
  case TIDU_T_TAGS: {
    size_t used = 0;
    for (int i = 0; i < tidu_enum_count(fi->enum_id) && i < 63; i++) {
      if (!(v & ((int64_t)1 << i))) continue;
      int n = snprintf(buf + used, size - used, "%s%s", used ? ";" : "",
                       tidu_enum_name(fi->enum_id, i));
      if (n < 0 || (size_t)n >= size - used) break;
      used += (size_t)n;
    }
    return used;
  }
  }
  return 0;
}

const char *tidu_export_verdict_zh(const char *verdict) {
  if (!verdict) return "";
  if (!strcmp(verdict, "pass")) return "符合";
  if (!strcmp(verdict, "fail")) return "不符合";
  if (!strcmp(verdict, "unknown")) return "待定";
  return verdict;
}

/* ---- CSV ---- */

void tidu_io_csv_cell(FILE *fp, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, fp);
    return;
  }
  fputc('"', fp);
  for (; *s; s++) {
    if (*s == '"') fputc('"', fp);
    fputc(*s, fp);
  }
  fputc('"', fp);
}

/* The CSV header of a field: its Chinese name with the unit its values are written in, so
 * that Excel users read the figures right and tidu import reads the file back as it is. */
static void csv_field_header(tidu_exporter *ex, const tidu_field_info *fi) {
  char h[256];
  const char *unit = strstr(fi->zh, "美元")     ? "" /* valuation_usd: in US dollars */
                     : fi->type == TIDU_T_MONEY ? "(元)"
                     : fi->type == TIDU_T_RATIO ? "(%)"
                     : fi->type == TIDU_T_YEARS ? "(年)"
                                                : "";
  snprintf(h, sizeof h, "%s%s", fi->zh, unit);
  tidu_io_csv_cell(ex->fp, h);
}

static void csv_header(tidu_exporter *ex) {
  if (ex->enc == TIDU_ENC_UTF8) fputs("\xef\xbb\xbf", ex->fp); /* BOM: Excel then reads UTF-8 */
  for (int i = 0; i < TIDU_NFIRM; i++) {
    if (i) fputc(',', ex->fp);
    csv_field_header(ex, tidu_firm_field_info(i));
  }
  fputs(",年度", ex->fp);
  for (int i = 0; i < TIDU_NYEAR; i++) {
    fputc(',', ex->fp);
    csv_field_header(ex, tidu_year_field_info(i));
  }
  for (size_t k = 0; k < ex->nrs; k++) {
    char h[512];
    snprintf(h, sizeof h, ",%s结论,%s最近标准,%s差距,%s相对距离", ex->rs[k].name, ex->rs[k].name,
             ex->rs[k].name, ex->rs[k].name);
    fputs(h, ex->fp);
  }
  fputc('\n', ex->fp);
}

static void csv_verdicts(tidu_exporter *ex, const tidu_export_assessment *a) {
  for (size_t k = 0; k < ex->nrs; k++) {
    const char *v = a ? a->verdict[k] : NULL;
    fputc(',', ex->fp);
    fputs(tidu_export_verdict_zh(v), ex->fp);
    fputc(',', ex->fp);
    if (v && a->nearest[k]) tidu_io_csv_cell(ex->fp, a->nearest[k]);
    fputc(',', ex->fp);
    if (v && a->gap && a->gap[k]) tidu_io_csv_cell(ex->fp, a->gap[k]);
    fputc(',', ex->fp);
    if (v && !isnan(a->distance[k])) fprintf(ex->fp, "%.4f", a->distance[k]);
  }
}

/* A value as the CSV writes it: ratios in percent (the header says "(%)"), the rest as
 * tidu_export_value. */
static void csv_value(const tidu_field_info *fi, int64_t v, const char *text, char *buf,
                      size_t size) {
  if (fi->type == TIDU_T_RATIO && v != TIDU_MISSING) {
    scaled(v, TIDU_SCALE_RATIO / 100, 6, 0, buf, size); /* fraction × 10^8 = percent × 10^6 */
    return;
  }
  tidu_export_value(fi, v, text, buf, size);
}

/* Appends s as one CSV cell to buf (which has room for `cap` bytes in all). */
static void csv_append(char *buf, size_t *used, size_t cap, const char *s) {
  int quote = strpbrk(s, ",\"\r\n") != NULL;
  size_t u = *used;
  if (quote && u + 1 < cap) buf[u++] = '"';
  for (; *s && u + 2 < cap; s++) {
    if (quote && *s == '"') buf[u++] = '"';
    buf[u++] = *s;
  }
  if (quote && u + 1 < cap) buf[u++] = '"';
  buf[u] = '\0';
  *used = u;
}

/* One row per year (newest first); a firm without years gets one row with an empty year.
 * Verdicts go on the firm's first row. */
static void csv_firm(tidu_exporter *ex, const tidu_firm *f, const tidu_export_assessment *a) {
  char firm_part[16384], buf[1024];
  size_t used = 0;
  firm_part[0] = '\0';
  for (int i = 0; i < TIDU_NFIRM; i++) {
    csv_value(tidu_firm_field_info(i), f->v[i], f->text[i], buf, sizeof buf);
    if (i && used + 2 < sizeof firm_part) firm_part[used++] = ',';
    csv_append(firm_part, &used, sizeof firm_part, buf);
  }
  size_t ny = f->nyears ? f->nyears : 1;
  for (size_t y = 0; y < ny; y++) {
    fputs(firm_part, ex->fp);
    fputc(',', ex->fp);
    if (f->nyears) fprintf(ex->fp, "%d", f->years[y].year);
    for (int i = 0; i < TIDU_NYEAR; i++) {
      fputc(',', ex->fp);
      if (!f->nyears) continue;
      csv_value(tidu_year_field_info(i), f->years[y].v[i], NULL, buf, sizeof buf);
      tidu_io_csv_cell(ex->fp, buf);
    }
    csv_verdicts(ex, y == 0 ? a : NULL);
    fputc('\n', ex->fp);
  }
}

/* ---- encodings ---- */

static tidu_code io_error(const char *path, tidu_error *err);

/* Converts what the writers put in `mem` to GB18030 and appends it to the file. */
static tidu_code flush_mem(tidu_exporter *ex, tidu_error *err) {
  if (ex->fp == ex->file) return TIDU_OK;
  if (fflush(ex->fp) != 0)
    return tidu_error_set(err, TIDU_ERR_NOMEM, ex->path, 0, 0, "内存不足 / out of memory");
  off_t used = ftello(ex->fp);
  char *in = ex->mem, out[4096];
  size_t left = used > 0 ? (size_t)used : 0;
  while (left > 0) {
    char *o = out;
    size_t room = sizeof out;
    size_t r = iconv(ex->cd, &in, &left, &o, &room);
    fwrite(out, 1, (size_t)(o - out), ex->file);
    if (r == (size_t)-1 && errno != E2BIG)
      return tidu_error_set(err, TIDU_ERR_INPUT, ex->path, 0, 0,
                            "无法转换为 GB18030(文字不是有效的 UTF-8) / cannot convert to "
                            "GB18030 (the text is not valid UTF-8)");
  }
  rewind(ex->fp);
  return ferror(ex->file) ? io_error(ex->path, err) : TIDU_OK;
}

tidu_code tidu_export_set_encoding(tidu_exporter *ex, tidu_export_encoding enc, tidu_error *err) {
  if (enc == ex->enc) return TIDU_OK;
  if (ex->fmt != TIDU_EXPORT_CSV || ex->header_done || enc != TIDU_ENC_GB18030)
    return tidu_error_set(err, TIDU_ERR_USAGE, ex->path, 0, 0,
                          "只有 CSV 可选编码(utf-8 或 gb18030) / only CSV takes an encoding "
                          "(utf-8 or gb18030)");
  ex->cd = iconv_open("GB18030", "UTF-8");
  if (ex->cd == (iconv_t)-1)
    return tidu_error_set(err, TIDU_ERR_IO, ex->path, 0, 0,
                          "本系统不支持 GB18030 转换 / GB18030 is not available on this system");
  ex->fp = open_memstream(&ex->mem, &ex->memlen);
  if (!ex->fp) {
    ex->fp = ex->file;
    iconv_close(ex->cd);
    return tidu_error_set(err, TIDU_ERR_NOMEM, ex->path, 0, 0, "内存不足 / out of memory");
  }
  ex->enc = enc;
  return TIDU_OK;
}

/* Frees the buffer of a GB18030 export. */
static void free_mem(tidu_exporter *ex) {
  if (!ex->fp || ex->fp == ex->file) return;
  fclose(ex->fp);
  free(ex->mem);
  iconv_close(ex->cd);
  ex->fp = ex->file;
}

/* The CSV header, before the first firm (or at the end of an empty export). */
static void csv_start(tidu_exporter *ex) {
  if (ex->header_done) return;
  csv_header(ex);
  ex->header_done = 1;
}

/* ---- dispatch ---- */

/* A failed write, with its cause (the disk is full, …) when the system gave one. */
static tidu_code io_error(const char *path, tidu_error *err) {
  if (errno) return tidu_outfile_error(err, path, errno);
  return tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法写入文件 / cannot write the file");
}

tidu_code tidu_export_open(const char *path, tidu_export_format fmt,
                           const tidu_export_ruleset *rulesets, size_t nrulesets,
                           tidu_exporter **out, tidu_error *err) {
  *out = NULL;
  tidu_exporter *ex = tidu_calloc(1, sizeof *ex);
  if (!ex || !(ex->path = tidu_strdup(path))) {
    free(ex);
    return tidu_error_set(err, TIDU_ERR_NOMEM, path, 0, 0, "内存不足 / out of memory");
  }
  ex->fmt = fmt;
  ex->rs = rulesets;
  ex->nrs = nrulesets;
  tidu_code rc = tidu_outfile_open(path, &ex->out, err);
  if (rc == TIDU_OK && fmt == TIDU_EXPORT_XLSX) {
    rc = tidu_xlsx_out_open(tidu_outfile_tmpname(ex->out), path, rulesets, nrulesets, &ex->xlsx,
                            err);
  } else if (rc == TIDU_OK) {
    ex->fp = ex->file = tidu_outfile_fp(ex->out); /* the CSV header comes with the first firm */
  }
  if (rc != TIDU_OK) {
    tidu_outfile_abort(ex->out);
    free(ex->path);
    free(ex);
    return rc;
  }
  *out = ex;
  return TIDU_OK;
}

tidu_code tidu_export_add(tidu_exporter *ex, const tidu_firm *f, const tidu_export_assessment *a,
                          tidu_error *err) {
  if (ex->fmt == TIDU_EXPORT_XLSX) return tidu_xlsx_out_add(ex->xlsx, f, a, err);
  if (ex->fmt == TIDU_EXPORT_CSV) {
    csv_start(ex);
    csv_firm(ex, f, a);
    tidu_code rc = flush_mem(ex, err);
    if (rc != TIDU_OK) return rc;
  } else {
    char *json = tidu_firm_to_json(f);
    if (!json)
      return tidu_error_set(err, TIDU_ERR_NOMEM, ex->path, 0, 0, "内存不足 / out of memory");
    fputs(json, ex->fp);
    fputc('\n', ex->fp);
    free(json);
  }
  return ferror(ex->fp) || ferror(ex->file) ? io_error(ex->path, err) : TIDU_OK;
}

tidu_code tidu_export_close(tidu_exporter *ex, tidu_error *err) {
  if (!ex) return TIDU_OK;
  tidu_code rc = TIDU_OK;
  if (ex->xlsx) rc = tidu_xlsx_out_close(ex->xlsx, err);
  if (rc == TIDU_OK && ex->fmt == TIDU_EXPORT_CSV && ex->file) {
    csv_start(ex);
    rc = flush_mem(ex, err);
  }
  free_mem(ex);
  if (rc == TIDU_OK && ex->file && ferror(ex->file)) rc = io_error(ex->path, err);
  if (rc == TIDU_OK)
    rc = tidu_outfile_commit(ex->out, err);
  else
    tidu_outfile_abort(ex->out);
  free(ex->path);
  free(ex);
  return rc;
}

void tidu_export_abort(tidu_exporter *ex) {
  if (!ex) return;
  if (ex->xlsx) tidu_xlsx_out_close(ex->xlsx, NULL);
  free_mem(ex);
  tidu_outfile_abort(ex->out);
  free(ex->path);
  free(ex);
}
