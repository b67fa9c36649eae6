/* The public firm reader (tidu/io.h): format detection, opening files and buffers, reading
 * firms and warnings, and writing one firm back as a contract §3 JSON object. */
#include "io/internal.h"
#include "io/spill.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ==== warning queue ==== */

tidu_code tidu_warnq_push(tidu_warnq *q, const tidu_error *w) {
  if (!q->unbounded && q->n - q->head >= TIDU_WARNQ_MAX) {
    q->dropped++;
    return TIDU_OK;
  }
  if (q->n == q->cap) {
    if (q->head > 0) {
      memmove(q->items, q->items + q->head, (q->n - q->head) * sizeof *q->items);
      q->n -= q->head;
      q->head = 0;
    } else {
      if (TIDU_PUSH_ROOM(q->items, q->n, q->cap) != 0) return TIDU_ERR_NOMEM;
    }
  }
  q->items[q->n] = *w;
  q->items[q->n].warning = 1;
  q->n++;
  return TIDU_OK;
}

int tidu_warnq_pop(tidu_warnq *q, tidu_error *out) {
  if (q->head < q->n) {
    if (out) *out = q->items[q->head];
    if (++q->head == q->n) q->head = q->n = 0;
    return 1;
  }
  if (!q->dropped) return 0;
  tidu_error_set(out, TIDU_ERR_DATA, NULL, 0, 0,
                 "另有 %zu 条警告未列出 / %zu more warning%s not shown", q->dropped, q->dropped,
                 q->dropped == 1 ? "" : "s");
  if (out) out->warning = 1;
  q->dropped = 0;
  return 1;
}

void tidu_warnq_free(tidu_warnq *q) {
  free(q->items);
  memset(q, 0, sizeof *q);
}

/* ==== growing byte buffers ==== */

int tidu_io_reserve(char **data, size_t *cap, size_t need, size_t first) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : first;
  while (n < need) n *= 2;
  char *p = tidu_realloc(*data, n);
  if (!p) return -1;
  *data = p;
  *cap = n;
  return 0;
}

/* ==== the reader ==== */

struct tidu_reader {
  char *name;
  char *data; /* file contents read into memory, or NULL */
  char *utf8; /* converted text, or NULL */
  tidu_table *table;
  tidu_ptable *ptable; /* the table's data rows read in parallel, or NULL */
  tidu_jsonr *json;
  tidu_spill *spill; /* a large CSV file read back from temporary files (import), or NULL */
  tidu_warnq warns;
  int finished;
};

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* Format by file name extension; AUTO when unknown. */
static tidu_format format_from_name(const char *path) {
  static const struct {
    const char *ext;
    tidu_format fmt;
  } exts[] = {{".csv", TIDU_FMT_CSV},   {".tsv", TIDU_FMT_CSV},       {".txt", TIDU_FMT_CSV},
              {".json", TIDU_FMT_JSON}, {".ndjson", TIDU_FMT_NDJSON}, {".jsonl", TIDU_FMT_NDJSON},
              {".xlsx", TIDU_FMT_XLSX}, {".xlsm", TIDU_FMT_XLSX}};
  const char *dot = path ? strrchr(path, '.') : NULL;
  if (!dot) return TIDU_FMT_AUTO;
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (strcasecmp(dot, exts[i].ext) == 0) return exts[i].fmt;
  return TIDU_FMT_AUTO;
}

/* Format by content: a zip is XLSX, '[' or '{' first is JSON, anything else CSV. */
static tidu_format sniff(const char *data, size_t len) {
  if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) return TIDU_FMT_XLSX;
  size_t i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
  while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) i++;
  return i < len && (data[i] == '[' || data[i] == '{') ? TIDU_FMT_JSON : TIDU_FMT_CSV;
}

static tidu_reader *reader_new(const char *name) {
  tidu_reader *r = tidu_calloc(1, sizeof *r);
  if (!r) return NULL;
  r->name = tidu_strdup(name ? name : "");
  if (!r->name) {
    free(r);
    return NULL;
  }
  return r;
}

static tidu_code empty_file(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                        "文件是空的（没有表头，也没有企业数据） / the file is empty (no header, no "
                        "firms)");
}

/* Opens the text readers (CSV, JSON) over data[0..len). */
static tidu_code open_text(tidu_reader *r, const char *data, size_t len, tidu_format fmt,
                           const tidu_read_options *opt, tidu_error *err) {
  const char *view;
  size_t vlen;
  tidu_code rc =
      tidu_utf8_view_as(data, len, opt ? opt->encoding : NULL, &view, &vlen, &r->utf8, err);
  if (rc != TIDU_OK) return rc;
  if (fmt == TIDU_FMT_JSON || fmt == TIDU_FMT_NDJSON) {
    size_t i = 0;
    while (i < vlen && (view[i] == ' ' || view[i] == '\t' || view[i] == '\r' || view[i] == '\n'))
      i++;
    if (i == vlen) return empty_file(err);
    return tidu_jsonr_open(r->name, view, vlen, fmt == TIDU_FMT_NDJSON, &r->warns, &r->json, err);
  }
  tidu_rowsrc src;
  if (tidu_csv_rowsrc(r->name, view, vlen, &src, err) != 0) return err->code;
  rc = tidu_table_open_at(&src, &r->warns, opt ? opt->header_row : 0, NULL, &r->table, err);
  int threads = tidu_io_threads(opt ? opt->threads : 0);
  if (rc == TIDU_OK && threads > 1)
    r->ptable = tidu_ptable_open(r->table, view, vlen, threads, &r->warns);
  return rc;
}

/* The first sheet of a workbook holds no header row (instructions, a cover, nothing): looks
 * for a later sheet that has one and rewrites the error to name it and the --sheet that reads
 * it. Leaves `err` as it is when no sheet has a header. */
static void suggest_sheet(tidu_reader *r, const char *data, size_t len, tidu_error *err) {
  char **names = NULL;
  size_t n = 0;
  tidu_error e;
  if (tidu_xlsx_sheet_names(r->name, data, len, &names, &n, &e) != 0) return;
  const char *hit = NULL;
  long row = 0;
  for (size_t i = 1; i < n && !hit; i++) {
    tidu_rowsrc src;
    if (tidu_xlsx_rowsrc_mem(r->name, data, len, names[i], &src, &e) != 0) continue;
    if (tidu_table_probe(&src, &row)) hit = names[i];
    src.close(src.ctx);
  }
  if (hit && n > 0) {
    char extra_zh[64] = "", extra_en[64] = "";
    if (row > 1) {
      snprintf(extra_zh, sizeof extra_zh, " --header-row %ld", row);
      snprintf(extra_en, sizeof extra_en, " --header-row %ld", row);
    }
    tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                   "第一个工作表“%.60s”中没有表头（须有统一社会信用代码或企业名称列）；企业数据"
                   "在工作表“%.60s”：请加 --sheet %.60s%s / the first sheet \"%.60s\" has no "
                   "header row (a uscc or name column); the firms are on sheet \"%.60s\": add "
                   "--sheet %.60s%s",
                   names[0], hit, hit, extra_zh, names[0], hit, hit, extra_en);
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* Opens the right reader over data that stays valid until close. */
static tidu_code open_data(tidu_reader *r, const char *data, size_t len, tidu_format fmt,
                           const tidu_read_options *opt, tidu_error *err) {
  if (len == 0) return empty_file(err);
  if (fmt == TIDU_FMT_AUTO) fmt = sniff(data, len);
  if (fmt != TIDU_FMT_XLSX) return open_text(r, data, len, fmt, opt, err);
  tidu_rowsrc src;
  if (tidu_xlsx_rowsrc_mem(r->name, data, len, opt ? opt->sheet : NULL, &src, err) != 0)
    return err->code;
  int no_header = 0;
  tidu_code rc =
      tidu_table_open_at(&src, &r->warns, opt ? opt->header_row : 0, &no_header, &r->table, err);
  if (rc != TIDU_OK && no_header && !(opt && (opt->sheet || opt->header_row)))
    suggest_sheet(r, data, len, err);
  return rc;
}

/* Reads all of standard input or a non-regular file. */
static tidu_code slurp(tidu_reader *r, int fd, size_t *len, tidu_error *err) {
  size_t cap = 65536, n = 0;
  char *buf = tidu_malloc(cap);
  if (!buf) return nomem(err);
  for (;;) {
    if (n == cap) {
      char *b = tidu_realloc(buf, cap * 2);
      if (!b) {
        free(buf);
        return nomem(err);
      }
      buf = b;
      cap *= 2;
    }
    ssize_t k = read(fd, buf + n, cap - n);
    if (k == 0) break;
    if (k < 0) {
      if (errno == EINTR) continue;
      free(buf);
      return tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0, "读取失败 / read failed: %s",
                            strerror(errno));
    }
    n += (size_t)k;
  }
  r->data = buf;
  *len = n;
  return TIDU_OK;
}

static tidu_code changed(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0,
                        "文件在读取时被修改（被截断或被另一个程序改写），请在它写完后重试 / the "
                        "file changed while it was read (truncated or rewritten by another "
                        "program); try again once it is complete");
}

/* Test hook: called after each chunk of a regular file is read (tests shrink the file here). */
void (*tidu_io_read_hook)(int fd, size_t done) = NULL;

tidu_code tidu_io_read_fd(int fd, char **out, size_t *out_len, tidu_error *err) {
  struct stat st;
  *out = NULL;
  *out_len = 0;
  if (fstat(fd, &st) != 0)
    return tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0, "无法读取文件 / cannot read the file: %s",
                          strerror(errno));
  if (!S_ISREG(st.st_mode)) {
    tidu_reader tmp = {0};
    tidu_code rc = slurp(&tmp, fd, out_len, err);
    *out = tmp.data;
    return rc;
  }
  /* A regular file is read (never mapped: a file cut short under a mapping kills the process
   * with SIGBUS) in full, and must still have the size and time it had when reading began. */
  size_t size = (size_t)st.st_size, n = 0;
  char *buf = malloc(size + 1);
  if (!buf) return nomem(err);
  for (;;) {
    size_t want = size + 1 - n > (1u << 20) ? (1u << 20) : size + 1 - n;
    ssize_t k = want ? read(fd, buf + n, want) : 0;
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      int e = errno;
      free(buf);
      return tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0, "读取失败 / read failed: %s",
                            strerror(e));
    }
    n += (size_t)k;
    if (tidu_io_read_hook && k > 0) tidu_io_read_hook(fd, n);
    if (k == 0 || n > size) break;
  }
  struct stat after;
  if (n != size || fstat(fd, &after) != 0 || after.st_size != st.st_size ||
      after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec) {
    free(buf);
    return changed(err);
  }
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return TIDU_OK;
}

/* Reads the file at path (or stdin for "-") into memory. Sets *data / *len. */
static tidu_code load(tidu_reader *r, const char *path, const char **data, size_t *len,
                      tidu_error *err) {
  int is_stdin = strcmp(path, "-") == 0;
  int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0, "无法打开文件 / cannot open the file: %s",
                          strerror(errno));
  tidu_code rc = tidu_io_read_fd(fd, &r->data, len, err);
  *data = r->data;
  if (!is_stdin) close(fd);
  return rc;
}

/* Names the file in an error that has no file yet. */
static tidu_code finish_open(tidu_reader *r, tidu_code rc, tidu_reader **out, tidu_error *err,
                             tidu_error *user) {
  if (rc == TIDU_OK) {
    *out = r;
    return TIDU_OK;
  }
  if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", r->name);
  if (user) *user = *err;
  tidu_reader_close(r);
  return rc;
}

tidu_code tidu_reader_open(const char *path, tidu_format fmt, const tidu_read_options *opt,
                           tidu_reader **out, tidu_error *user) {
  tidu_error e;
  tidu_error_clear(&e);
  *out = NULL;
  if (!path)
    return tidu_error_set(user, TIDU_ERR_USAGE, NULL, 0, 0, "缺少文件名 / no file name given");
  tidu_reader *r = reader_new(path);
  if (!r) return nomem(user);
  if (fmt == TIDU_FMT_AUTO) fmt = format_from_name(path);
  const char *data = NULL;
  size_t len = 0;
  tidu_code rc = load(r, path, &data, &len, &e);
  if (rc == TIDU_OK) rc = open_data(r, data ? data : "", len, fmt, opt, &e);
  return finish_open(r, rc, out, &e, user);
}

tidu_code tidu_reader_open_bounded(const char *path, tidu_format fmt, const tidu_read_options *opt,
                                   size_t spill_above, tidu_reader **out, tidu_error *user) {
  *out = NULL;
  const char *enc = opt ? opt->encoding : NULL;
  int csv = fmt == TIDU_FMT_CSV ||
            (fmt == TIDU_FMT_AUTO && path && format_from_name(path) == TIDU_FMT_CSV);
  char name[32];
  size_t n = 0;
  for (const char *p = enc ? enc : ""; *p && n < sizeof name - 1; p++)
    if (*p != '-' && *p != '_') name[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
  name[n] = '\0';
  int gb = !strcmp(name, "gb18030") || !strcmp(name, "gbk") || !strcmp(name, "gb2312") ||
           !strcmp(name, "cp936"); /* as tidu_utf8_view_as names them */
  int known = !*name || !strcmp(name, "utf8") || gb;
  if (!path || !strcmp(path, "-") || !csv || !known || (opt && opt->header_row > 0))
    return tidu_reader_open(path, fmt, opt, out, user);
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (size_t)st.st_size <= (spill_above ? spill_above : TIDU_SPILL_ABOVE)) {
    if (fd >= 0) close(fd);
    return tidu_reader_open(path, fmt, opt, out, user);
  }
  tidu_error e;
  tidu_error_clear(&e);
  tidu_reader *r = reader_new(path);
  if (!r) {
    close(fd);
    return nomem(user);
  }
  tidu_code rc = tidu_spill_open(path, fd, gb, &r->spill, &e);
  close(fd);
  if (rc == TIDU_ERR_USAGE) {
    tidu_reader_close(r);
    return tidu_reader_open(path, fmt, opt, out, user);
  }
  return finish_open(r, rc, out, &e, user);
}

tidu_code tidu_reader_open_mem(const char *name, const char *data, size_t len, tidu_format fmt,
                               const tidu_read_options *opt, tidu_reader **out, tidu_error *user) {
  tidu_error e;
  tidu_error_clear(&e);
  *out = NULL;
  tidu_reader *r = reader_new(name ? name : "-");
  if (!r) return nomem(user);
  if (fmt == TIDU_FMT_AUTO) fmt = format_from_name(name);
  tidu_code rc = open_data(r, data ? data : "", data ? len : 0, fmt, opt, &e);
  return finish_open(r, rc, out, &e, user);
}

tidu_code tidu_reader_next(tidu_reader *r, tidu_firm *firm, int *done, tidu_error *user) {
  tidu_error e;
  tidu_error_clear(&e);
  *done = 0;
  if (r->finished || (!r->table && !r->json && !r->spill)) {
    tidu_firm_clear(firm);
    *done = 1;
    return TIDU_OK;
  }
  tidu_code rc = r->spill    ? tidu_spill_next(r->spill, &r->warns, firm, done, &e)
                 : r->ptable ? tidu_ptable_next(r->ptable, firm, done, &e)
                 : r->table  ? tidu_table_next(r->table, firm, done, &e)
                             : tidu_jsonr_next(r->json, firm, done, &e);
  if (rc == TIDU_OK) return TIDU_OK;
  if (rc == TIDU_ERR_IO || rc == TIDU_ERR_NOMEM || rc == TIDU_ERR_LIMIT) r->finished = 1;
  if (!e.file[0]) snprintf(e.file, sizeof e.file, "%s", r->name);
  if (user) *user = e;
  return rc;
}

int tidu_reader_columns(tidu_reader *r, int32_t year, const unsigned char *firm,
                        const unsigned char *yfield, size_t max_lanes) {
  return r->ptable && !r->finished && tidu_ptable_columns(r->ptable, year, firm, yfield, max_lanes);
}

/* The caller's callbacks, with the file named in errors that do not name it. */
typedef struct named_rows {
  const tidu_source_rows *cb;
  const char *name;
} named_rows;

static tidu_code named_error(void *ctx, tidu_code rc, const tidu_error *e) {
  const named_rows *n = ctx;
  tidu_error x = *e;
  if (!x.file[0]) snprintf(x.file, sizeof x.file, "%s", n->name);
  return n->cb && n->cb->error ? n->cb->error(n->cb->ctx, rc, &x) : rc;
}

static void named_warning(void *ctx, const tidu_error *w) {
  const named_rows *n = ctx;
  if (n->cb && n->cb->warning) n->cb->warning(n->cb->ctx, w);
}

tidu_code tidu_reader_chunk(tidu_reader *r, const tidu_source_rows *cb, const tidu_chunk **out,
                            void **hold, int *done, tidu_error *user) {
  named_rows n = {cb, r->name};
  tidu_source_rows mine = {&n, named_error, named_warning};
  tidu_error e;
  tidu_error_clear(&e);
  tidu_code rc = tidu_ptable_chunk(r->ptable, &mine, out, hold, done, &e);
  if (rc == TIDU_OK) return TIDU_OK;
  r->finished = 1;
  if (!e.file[0]) snprintf(e.file, sizeof e.file, "%s", r->name);
  if (user) *user = e;
  return rc;
}

void tidu_reader_chunk_done(tidu_reader *r, void *hold) {
  tidu_ptable_chunk_done(r->ptable, hold);
}

int tidu_reader_warning(tidu_reader *r, tidu_error *warn) {
  return r ? tidu_warnq_pop(&r->warns, warn) : 0;
}

void tidu_reader_close(tidu_reader *r) {
  if (!r) return;
  tidu_spill_close(r->spill);
  tidu_ptable_close(r->ptable);
  tidu_table_close(r->table);
  tidu_jsonr_close(r->json);
  tidu_warnq_free(&r->warns);
  free(r->data);
  free(r->utf8);
  free(r->name);
  free(r);
}

/* ==== writing a firm as JSON ==== */

typedef struct sbuf {
  char *s;
  size_t len, cap;
  int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (tidu_io_reserve(&b->s, &b->cap, b->len + n + 1, 256) < 0) {
    b->oom = 1;
    return;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) {
  sb_add(b, s, strlen(s));
}

/* A JSON string literal. */
static void sb_quoted(sbuf *b, const char *s) {
  sb_add(b, "\"", 1);
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      sb_add(b, esc, 2);
    } else if (c < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      sb_add(b, esc, 6);
    } else {
      sb_add(b, p, 1);
    }
  }
  sb_add(b, "\"", 1);
}

/* v / 10^digits as an exact decimal with trailing zeros trimmed ("1234.5", "0.15", "12").
 * Values with more than 15 significant digits cannot pass through a double exactly, so they are
 * written as strings ("92233720368547758.07"), which the reader parses exactly. */
static void sb_scaled(sbuf *b, int64_t v, int digits) {
  uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
  uint64_t p = 1;
  for (int i = 0; i < digits; i++) p *= 10;
  char frac[24], out[64];
  snprintf(frac, sizeof frac, "%0*llu", digits, (unsigned long long)(mag % p));
  int n = digits;
  while (n > 0 && frac[n - 1] == '0') n--;
  frac[n] = '\0';
  const char *q = digits > 0 && mag >= 1000000000000000ULL ? "\"" : "";
  snprintf(out, sizeof out, "%s%s%llu%s%s%s", q, v < 0 ? "-" : "", (unsigned long long)(mag / p),
           n ? "." : "", frac, q);
  sb_str(b, out);
}

/* Writes `"name":value` for a stored value; nothing for missing figures and absent declarations. */
static void sb_field(sbuf *b, const tidu_field_info *fi, int64_t v, const char *text, int *first) {
  char tmp[512];
  if (tidu_field_absent(fi, v, text)) return;
  if (!*first) sb_add(b, ",", 1);
  *first = 0;
  sb_quoted(b, fi->name);
  sb_add(b, ":", 1);
  switch (fi->type) {
  case TIDU_T_MONEY:
  case TIDU_T_YEARS:
  case TIDU_T_SCORE:
    sb_scaled(b, v, 2);
    break;
  case TIDU_T_RATIO:
    sb_scaled(b, v, 8);
    break;
  case TIDU_T_COUNT:
    sb_scaled(b, v, 0);
    break;
  case TIDU_T_BOOL:
    sb_str(b, v ? "true" : "false"); /* false only for a judgement declared no */
    break;
  case TIDU_T_DATE:
    tidu_format_date(v, tmp);
    sb_quoted(b, tmp);
    break;
  case TIDU_T_TEXT:
    sb_quoted(b, text);
    break;
  default:
    tidu_io_show(fi, v, NULL, tmp, sizeof tmp);
    sb_quoted(b, tmp);
    break;
  }
}

char *tidu_firm_to_json(const tidu_firm *f) {
  sbuf b = {0};
  int first = 1;
  sb_add(&b, "{", 1);
  for (int i = 0; i < TIDU_NFIRM; i++) {
    const tidu_field_info *fi = tidu_firm_field_info((tidu_firm_field)i);
    sb_field(&b, fi, f->v[i], f->text[i], &first);
  }
  if (f->nyears) {
    sb_str(&b, first ? "\"years\":{" : ",\"years\":{");
    for (size_t y = 0; y < f->nyears; y++) {
      char key[24];
      snprintf(key, sizeof key, "%s\"%d\":{", y ? "," : "", (int)f->years[y].year);
      sb_str(&b, key);
      int yfirst = 1;
      for (int k = 0; k < TIDU_NYEAR; k++)
        sb_field(&b, tidu_year_field_info((tidu_year_field)k), f->years[y].v[k], NULL, &yfirst);
      sb_add(&b, "}", 1);
    }
    sb_add(&b, "}", 1);
  }
  sb_add(&b, "}", 1);
  if (b.oom) {
    free(b.s);
    return NULL;
  }
  return b.s;
}
