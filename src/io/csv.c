/* The CSV row source: RFC 4180 with Excel's quirks, streaming row by row over a UTF-8 buffer. */
#include "io/internal.h"
#include "io/rowsrc.h"
#include "tidu/toolkit.h"

#include <stdlib.h>
#include <string.h>

#define CSV_MAX_ROW_BYTES (1024 * 1024)
#define CSV_MAX_COLS      4096

typedef struct csv {
  const char *name;
  const char *text;    /* the whole text (offsets are from here) */
  const char *p, *end; /* the unread rest of the text */
  const char *stop;    /* no row starts at or after this (end, or a split point) */
  long line;           /* line number at p */
  char delim;
  unsigned char stops[256]; /* 1 for the bytes that end an unquoted run: delim, CR, LF, NUL */
  char *buf;                /* this row's cell texts, each NUL-terminated */
  size_t blen, bcap;
  size_t *offs; /* cell start offsets into buf */
  size_t *lens;
  const char **cells;
  size_t ncap;
} csv;

/* ---- buffers ---- */

static int buf_reserve(csv *c, size_t extra) {
  if (c->blen + extra <= c->bcap) return 0;
  return tidu_io_reserve(&c->buf, &c->bcap, c->blen + extra, 1024);
}

static int buf_append(csv *c, const char *s, size_t n) {
  if (buf_reserve(c, n + 1) < 0) return -1;
  if (n == 1)
    c->buf[c->blen] = *s;
  else
    memcpy(c->buf + c->blen, s, n);
  c->blen += n;
  return 0;
}

static int cells_reserve(csv *c, size_t n) {
  if (n <= c->ncap) return 0;
  size_t cap = c->ncap ? c->ncap * 2 : 32;
  while (cap < n) cap *= 2;
  size_t *o = tidu_realloc(c->offs, cap * sizeof *o);
  if (!o) return -1;
  c->offs = o;
  size_t *l = tidu_realloc(c->lens, cap * sizeof *l);
  if (!l) return -1;
  c->lens = l;
  const char **s = tidu_realloc(c->cells, cap * sizeof *s);
  if (!s) return -1;
  c->cells = s;
  c->ncap = cap;
  return 0;
}

/* ---- errors ---- */

static int fail_nomem(tidu_error *err) {
  tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  return -1;
}

static int fail_at(csv *c, tidu_error *err, tidu_code code, long line, long col, const char *msg) {
  tidu_error_set(err, code, c->name, line, col, "%s", msg);
  return -1;
}

/* ---- one cell ---- */

static int is_eol(char ch) {
  return ch == '\n' || ch == '\r';
}

/* Consumes one line break at p, counting it. */
static void eat_eol(csv *c) {
  if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n') c->p++;
  c->p++;
  c->line++;
}

/* Appends the unquoted run up to the next delimiter, line break or end. */
static int read_plain(csv *c, tidu_error *err, long col) {
  const char *s = c->p, *p = c->p, *end = c->end;
  while (p < end && !c->stops[(unsigned char)*p]) p++;
  c->p = p;
  if (c->p < c->end && *c->p == '\0')
    return fail_at(c, err, TIDU_ERR_INPUT, c->line, col, "包含 NUL 字节 / contains a NUL byte");
  return buf_append(c, s, (size_t)(c->p - s)) < 0 ? fail_nomem(err) : 0;
}

/* Reads a quoted cell starting at the opening quote; text after the closing quote is kept. */
static int read_quoted(csv *c, tidu_error *err, long col, const char *row_start) {
  long open_line = c->line;
  c->p++;
  for (;;) {
    const char *s = c->p;
    while (c->p < c->end && *c->p != '"' && !is_eol(*c->p) && *c->p != '\0') c->p++;
    if (buf_append(c, s, (size_t)(c->p - s)) < 0) return fail_nomem(err);
    if (c->p - row_start > CSV_MAX_ROW_BYTES)
      return fail_at(c, err, TIDU_ERR_LIMIT, open_line, col,
                     "行过长（超过 1 MiB） / row longer than 1 MiB");
    if (c->p >= c->end)
      return fail_at(c, err, TIDU_ERR_INPUT, open_line, col,
                     "引号未闭合 / unterminated quoted field");
    if (*c->p == '\0')
      return fail_at(c, err, TIDU_ERR_INPUT, c->line, col, "包含 NUL 字节 / contains a NUL byte");
    if (is_eol(*c->p)) {
      if (buf_append(c, "\n", 1) < 0) return fail_nomem(err);
      eat_eol(c);
      continue;
    }
    if (c->p + 1 < c->end && c->p[1] == '"') {
      if (buf_append(c, "\"", 1) < 0) return fail_nomem(err);
      c->p += 2;
      continue;
    }
    c->p++;
    return read_plain(c, err, col);
  }
}

/* Excel writes text that looks like a number as ="0123": keep the text inside. */
static void strip_excel_formula(csv *c, size_t i) {
  char *s = c->buf + c->offs[i];
  size_t n = c->lens[i];
  if (n >= 3 && s[0] == '=' && s[1] == '"' && s[n - 1] == '"') {
    memmove(s, s + 2, n - 3);
    s[n - 3] = '\0';
    c->lens[i] = n - 3;
  }
}

/* ---- rows ---- */

static int csv_next(void *ctx, tidu_row *row, tidu_error *err) {
  csv *c = ctx;
  if (c->p >= c->end || c->p >= c->stop) return 0;
  const char *row_start = c->p;
  long row_line = c->line;
  size_t n = 0;
  c->blen = 0;
  for (;;) {
    if (n >= CSV_MAX_COLS)
      return fail_at(c, err, TIDU_ERR_LIMIT, row_line, (long)n + 1,
                     "列数超过 4096 / more than 4096 columns");
    if (cells_reserve(c, n + 1) < 0) return fail_nomem(err);
    c->offs[n] = c->blen;
    int rc = c->p < c->end && *c->p == '"' ? read_quoted(c, err, (long)n + 1, row_start)
                                           : read_plain(c, err, (long)n + 1);
    if (rc < 0) return -1;
    if (c->p - row_start > CSV_MAX_ROW_BYTES)
      return fail_at(c, err, TIDU_ERR_LIMIT, row_line, (long)n + 1,
                     "行过长（超过 1 MiB） / row longer than 1 MiB");
    c->lens[n] = c->blen - c->offs[n];
    if (buf_reserve(c, 1) < 0) return fail_nomem(err);
    c->buf[c->blen++] = '\0';
    n++;
    if (c->p < c->end && *c->p == c->delim) {
      c->p++;
      continue;
    }
    if (c->p < c->end) eat_eol(c);
    break;
  }
  for (size_t i = 0; i < n; i++) {
    strip_excel_formula(c, i);
    c->cells[i] = c->buf + c->offs[i];
  }
  row->cells = c->cells;
  row->numeric = NULL;
  row->lens = c->lens;
  row->ncells = n;
  row->row_no = row_line;
  return 1;
}

static void set_stops(csv *c) {
  memset(c->stops, 0, sizeof c->stops);
  c->stops[(unsigned char)c->delim] = 1;
  c->stops['\n'] = c->stops['\r'] = c->stops[0] = 1;
}

static void csv_close(void *ctx) {
  csv *c = ctx;
  if (!c) return;
  free(c->buf);
  free(c->offs);
  free(c->lens);
  free(c->cells);
  free(c);
}

/* ---- opening: Excel's "sep=" line and delimiter detection ---- */

static void skip_sep_line(csv *c) {
  const char *p = c->p;
  if (c->end - p >= 5 && strncasecmp(p, "sep=", 4) == 0 && !is_eol(p[4]) &&
      (c->end - p == 5 || is_eol(p[5]))) {
    c->delim = p[4];
    c->p += 5;
    if (c->p < c->end) eat_eol(c);
  }
}

/* Picks ',', ';' or tab: whichever occurs most often outside quotes in the first line. */
static char detect_delim(const char *p, const char *end) {
  size_t comma = 0, semi = 0, tab = 0;
  int quoted = 0;
  for (; p < end; p++) {
    if (*p == '"') quoted = !quoted;
    if (quoted) continue;
    if (is_eol(*p)) break;
    comma += *p == ',';
    semi += *p == ';';
    tab += *p == '\t';
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

int tidu_csv_rowsrc(const char *name, const char *text, size_t len, tidu_rowsrc *out,
                    tidu_error *err) {
  memset(out, 0, sizeof *out);
  csv *c = tidu_calloc(1, sizeof *c);
  if (!c) return fail_nomem(err);
  c->name = name ? name : "";
  c->p = c->text = text ? text : "";
  c->end = c->stop = c->p + (text ? len : 0);
  c->line = 1;
  if (c->end - c->p >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0) c->p += 3;
  skip_sep_line(c);
  if (!c->delim) c->delim = detect_delim(c->p, c->end);
  set_stops(c);
  out->ctx = c;
  out->next = csv_next;
  out->close = csv_close;
  out->name = c->name;
  out->sheet = NULL;
  out->typed = 0;
  return 0;
}

void tidu_csv_where(void *ctx, size_t *off, long *line, char *delim) {
  const csv *c = ctx;
  *off = (size_t)(c->p - c->text);
  *line = c->line;
  *delim = c->delim;
}

int tidu_csv_rowsrc_at(const char *name, const char *text, size_t len, size_t start, size_t stop,
                       long line, char delim, tidu_rowsrc *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  csv *c = tidu_calloc(1, sizeof *c);
  if (!c) return fail_nomem(err);
  c->name = name ? name : "";
  c->text = text;
  c->end = text + len;
  c->p = text + (start < len ? start : len);
  c->stop = text + (stop < len ? stop : len);
  c->line = line;
  c->delim = delim;
  set_stops(c);
  out->ctx = c;
  out->next = csv_next;
  out->close = csv_close;
  out->name = c->name;
  return 0;
}
