/* Streaming XLSX reader: rows of one worksheet through libzip and expat, with size caps. */
#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "io/internal.h"
#include "io/rowsrc.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"

/* ---- limits against zip bombs and hostile files ---- */
#define MAX_SMALL_PART   (16u << 20)     /* workbook.xml, rels, styles.xml: bytes of XML */
#define MAX_SST_XML      (1024ull << 20) /* sharedStrings.xml: bytes of XML read */
#define MAX_SST_TEXT     (256u << 20)    /* shared strings: bytes kept */
#define MAX_SST_COUNT    (8u << 20)      /* shared strings: count */
#define MAX_CELL_BYTES   (32767u * 4u)   /* Excel's cell limit is 32767 characters */
#define MAX_COLUMNS      16384u          /* Excel's last column, XFD */
#define MAX_ROWS         1048576L        /* Excel's last row */
#define MAX_ROW_BYTES    (16u << 20)     /* text of one row, shared strings expanded */
#define MAX_SST_EXPANDED (1ull << 30)    /* shared-string bytes copied into rows, whole sheet */
#define MAX_RATIO        100ull          /* uncompressed / compressed beyond this is a bomb */
#define BOMB_FLOOR       (64ull << 20)   /* ... when the entry is also larger than this */
#define CHUNK            65536

typedef struct sst_state {
  int in_si, in_t, in_rph;
} sst_state;

typedef struct fmt_entry {
  int id;
  int is_date;
} fmt_entry;

typedef struct styles_state {
  int in_xfs;
  fmt_entry custom[256];
  int ncustom;
} styles_state;

/* A named sheet of the workbook and its part's path inside the zip. */
typedef struct sheet_ref {
  char *name;
  char *rid;
  char *path;
} sheet_ref;

typedef struct xlsx {
  zip_t *za;
  char *name;  /* file name for messages */
  char *sheet; /* chosen sheet's name */
  /* shared strings: offsets into one text block */
  tidu_sb sst_text;
  size_t *sst_off;
  size_t nsst, cap_sst;
  /* styles: 1 when cellXfs[i] is a date format */
  unsigned char *xf_date;
  size_t nxf;
  /* the worksheet stream */
  zip_file_t *zf;
  XML_Parser parser;
  char chunk[CHUNK];
  int suspended, finished;
  unsigned long long read_bytes, limit_bytes;
  /* the row being assembled: texts NUL-separated in `cells_text`, offsets per column */
  tidu_sb cells_text;
  size_t *cell_at;         /* offset of each column's text; (size_t)-1 = empty */
  unsigned char *cell_num; /* 1 where the column's cell is a number */
  size_t ncols, cap_cols;
  size_t width; /* cells in the first row */
  const char **cells;
  size_t *lens;
  unsigned char *nums;
  size_t cap_out;
  unsigned long long sst_expanded; /* bytes of shared strings copied into rows so far */
  long row_no, next_row;
  int row_ready;
  /* the cell being read */
  int in_cell, in_v, in_is_t, in_rph;
  char cell_type[16];
  long cell_style;
  size_t cell_col, next_col;
  tidu_sb text;
  int fed_final;
  sst_state sst;
  styles_state styles;
  int failed;
  tidu_error err;
} xlsx;

static const char *local(const char *name) {
  const char *c = strrchr(name, ':');
  return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name) {
  for (int i = 0; atts[i]; i += 2)
    if (!strcmp(local(atts[i]), name)) return atts[i + 1];
  return NULL;
}

static void fail(xlsx *x, tidu_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first error of the stream (later ones are dropped: the first is the cause). */
static void fail(xlsx *x, tidu_code code, const char *fmt, ...) {
  if (x->failed) return;
  x->failed = 1;
  char msg[sizeof x->err.message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  tidu_error_set(&x->err, code, x->name, x->row_no, x->in_cell ? (long)x->cell_col + 1 : 0, "%s",
                 msg);
}

/* ---- reading one small part whole, with a cap ---- */

static tidu_code zip_err(xlsx *x, tidu_error *err, const char *what) {
  return tidu_error_set(err, TIDU_ERR_INPUT, x->name, 0, 0,
                        "XLSX 文件损坏 (%s) / damaged XLSX file (%s): %s", what, what,
                        zip_strerror(x->za));
}

/* Opens an entry after checking its sizes against the caps; NULL when absent (*rc OK) or bad. */
static zip_file_t *open_entry(xlsx *x, const char *path, unsigned long long cap, tidu_code *rc,
                              tidu_error *err) {
  zip_stat_t st;
  *rc = TIDU_OK;
  if (zip_stat(x->za, path, 0, &st) != 0) return NULL;
  if ((st.valid & ZIP_STAT_SIZE) && st.size > cap) {
    *rc = tidu_error_set(err, TIDU_ERR_LIMIT, x->name, 0, 0,
                         "XLSX 部件 %s 过大 (%llu 字节) / XLSX part %s is too large (%llu bytes)",
                         path, (unsigned long long)st.size, path, (unsigned long long)st.size);
    return NULL;
  }
  if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > BOMB_FLOOR &&
      st.size / (st.comp_size + 1) > MAX_RATIO) {
    *rc =
        tidu_error_set(err, TIDU_ERR_LIMIT, x->name, 0, 0,
                       "XLSX 部件 %s 压缩比异常，疑似压缩炸弹 / XLSX part %s expands suspiciously "
                       "(zip bomb?)",
                       path, path);
    return NULL;
  }
  zip_file_t *zf = zip_fopen(x->za, path, 0);
  if (!zf) *rc = zip_err(x, err, path);
  return zf;
}

typedef void (*setup_fn)(XML_Parser p, xlsx *x);

/* Parses a whole entry with expat; handlers are installed by `setup`. Absent entries are OK
 * unless `required`. */
static tidu_code parse_entry(xlsx *x, const char *path, int required, unsigned long long cap,
                             setup_fn setup, tidu_error *err) {
  tidu_code rc;
  zip_file_t *zf = open_entry(x, path, cap, &rc, err);
  if (!zf) {
    if (rc == TIDU_OK && required)
      rc = tidu_error_set(err, TIDU_ERR_INPUT, x->name, 0, 0,
                          "不是 XLSX 文件：缺少 %s / not an XLSX file: %s is missing", path, path);
    return rc;
  }
  XML_Parser p = XML_ParserCreate(NULL);
  if (!p) {
    zip_fclose(zf);
    return tidu_error_set(err, TIDU_ERR_NOMEM, x->name, 0, 0, "内存不足 / out of memory");
  }
  XML_SetUserData(p, x);
  setup(p, x);
  unsigned long long total = 0;
  rc = TIDU_OK;
  for (;;) {
    zip_int64_t n = zip_fread(zf, x->chunk, sizeof x->chunk);
    if (n < 0) {
      rc = zip_err(x, err, path);
      break;
    }
    total += (unsigned long long)n;
    if (total > cap) {
      rc =
          tidu_error_set(err, TIDU_ERR_LIMIT, x->name, 0, 0,
                         "XLSX 部件 %s 超过 %llu 字节上限 / XLSX part %s exceeds the %llu-byte cap",
                         path, cap, path, cap);
      break;
    }
    if (XML_Parse(p, x->chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
      if (x->failed) {
        rc = x->err.code;
        if (err) *err = x->err;
      } else {
        rc = tidu_error_set(err, TIDU_ERR_INPUT, x->name, (long)XML_GetCurrentLineNumber(p), 0,
                            "XLSX 部件 %s 的 XML 有误 / bad XML in %s: %s", path, path,
                            XML_ErrorString(XML_GetErrorCode(p)));
      }
      break;
    }
    if (n == 0) break;
  }
  if (rc == TIDU_OK && x->failed) {
    rc = x->err.code;
    if (err) *err = x->err;
  }
  XML_ParserFree(p);
  x->parser = NULL;
  zip_fclose(zf);
  return rc;
}

/* ---- workbook.xml and its relationships: which part holds which sheet ---- */

typedef struct book {
  sheet_ref *sheets;
  size_t n, cap;
} book;

/* The sheet list is collected through a pointer kept beside the parser. */
typedef struct book_ctx {
  xlsx *x;
  book *b;
  int oom;
} book_ctx;

static void XMLCALL on_workbook(void *ud, const char *el, const char **atts) {
  book_ctx *c = ud;
  if (strcmp(local(el), "sheet") != 0) return;
  const char *name = attr(atts, "name"), *rid = attr(atts, "id");
  if (!name || !rid) return;
  if (TIDU_PUSH_ROOM(c->b->sheets, c->b->n, c->b->cap) != 0) {
    c->oom = 1;
    return;
  }
  sheet_ref *s = &c->b->sheets[c->b->n++];
  s->name = tidu_strdup(name);
  s->rid = tidu_strdup(rid);
  s->path = NULL;
  if (!s->name || !s->rid) c->oom = 1;
}

static void XMLCALL on_rel(void *ud, const char *el, const char **atts) {
  book_ctx *c = ud;
  if (strcmp(local(el), "Relationship") != 0) return;
  const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
  if (!id || !target) return;
  for (size_t i = 0; i < c->b->n; i++) {
    sheet_ref *s = &c->b->sheets[i];
    if (strcmp(s->rid, id) != 0 || s->path) continue;
    size_t n = strlen(target) + 4;
    s->path = tidu_malloc(n);
    if (!s->path) {
      c->oom = 1;
      return;
    }
    if (target[0] == '/')
      snprintf(s->path, n, "%s", target + 1);
    else
      snprintf(s->path, n, "xl/%s", target);
  }
}

static void setup_workbook(XML_Parser p, xlsx *x) {
  (void)x;
  XML_SetStartElementHandler(p, on_workbook);
}

static void setup_rels(XML_Parser p, xlsx *x) {
  (void)x;
  XML_SetStartElementHandler(p, on_rel);
}

static void book_free(book *b) {
  for (size_t i = 0; i < b->n; i++) {
    free(b->sheets[i].name);
    free(b->sheets[i].rid);
    free(b->sheets[i].path);
  }
  free(b->sheets);
}

/* parse_entry passes the xlsx as user data; the book parsers need their own context, so they
 * run through this variant. */
static tidu_code parse_book_entry(xlsx *x, const char *path, book_ctx *c, setup_fn setup,
                                  tidu_error *err) {
  tidu_code rc;
  zip_file_t *zf = open_entry(x, path, MAX_SMALL_PART, &rc, err);
  if (!zf)
    return rc != TIDU_OK ? rc
                         : tidu_error_set(err, TIDU_ERR_INPUT, x->name, 0, 0,
                                          "不是 XLSX 文件：缺少 %s / not an XLSX file: %s is "
                                          "missing",
                                          path, path);
  XML_Parser p = XML_ParserCreate(NULL);
  if (!p) {
    zip_fclose(zf);
    return tidu_error_set(err, TIDU_ERR_NOMEM, x->name, 0, 0, "内存不足 / out of memory");
  }
  setup(p, x);
  XML_SetUserData(p, c);
  unsigned long long total = 0;
  for (;;) {
    zip_int64_t n = zip_fread(zf, x->chunk, sizeof x->chunk);
    if (n < 0) {
      rc = zip_err(x, err, path);
      break;
    }
    total += (unsigned long long)n;
    if (total > MAX_SMALL_PART) {
      rc = tidu_error_set(err, TIDU_ERR_LIMIT, x->name, 0, 0,
                          "XLSX 部件 %s 过大 / XLSX part %s is too large", path, path);
      break;
    }
    if (XML_Parse(p, x->chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
      rc = tidu_error_set(err, TIDU_ERR_INPUT, x->name, 0, 0,
                          "XLSX 部件 %s 的 XML 有误 / bad XML in %s: %s", path, path,
                          XML_ErrorString(XML_GetErrorCode(p)));
      break;
    }
    if (n == 0) break;
  }
  XML_ParserFree(p);
  zip_fclose(zf);
  if (rc == TIDU_OK && c->oom)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, x->name, 0, 0, "内存不足 / out of memory");
  return rc;
}

/* Finds the part of the sheet called `want` (NULL = the first). */
static tidu_code find_sheet(xlsx *x, const char *want, char **path, tidu_error *err) {
  book b = {0};
  book_ctx c = {x, &b, 0};
  *path = NULL;
  tidu_code rc = parse_book_entry(x, "xl/workbook.xml", &c, setup_workbook, err);
  if (rc == TIDU_OK) rc = parse_book_entry(x, "xl/_rels/workbook.xml.rels", &c, setup_rels, err);
  const sheet_ref *hit = NULL;
  for (size_t i = 0; rc == TIDU_OK && i < b.n && !hit; i++)
    if (b.sheets[i].path && (!want || !strcmp(b.sheets[i].name, want))) hit = &b.sheets[i];
  if (rc == TIDU_OK && !hit) {
    char names[300] = "";
    for (size_t i = 0; i < b.n; i++) {
      size_t used = strlen(names);
      snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", b.sheets[i].name);
    }
    rc = tidu_error_set(err, TIDU_ERR_INPUT, x->name, 0, 0,
                        "没有工作表 '%s' (现有: %s) / no sheet '%s' (the workbook has: %s)",
                        want ? want : "", names, want ? want : "", names);
  }
  if (rc == TIDU_OK) {
    *path = tidu_strdup(hit->path);
    x->sheet = tidu_strdup(hit->name);
    if (!*path || !x->sheet)
      rc = tidu_error_set(err, TIDU_ERR_NOMEM, x->name, 0, 0, "内存不足 / out of memory");
  }
  book_free(&b);
  return rc;
}

/* ---- sharedStrings.xml ---- */

static void XMLCALL sst_start(void *ud, const char *el, const char **atts) {
  xlsx *x = ud;
  (void)atts;
  const char *n = local(el);
  if (!strcmp(n, "si")) {
    x->sst.in_si = 1;
    x->text.len = 0;
    if (x->text.s) x->text.s[0] = '\0';
  } else if (!strcmp(n, "rPh")) {
    x->sst.in_rph = 1;
  } else if (!strcmp(n, "t") && x->sst.in_si && !x->sst.in_rph) {
    x->sst.in_t = 1;
  }
}

static void XMLCALL sst_chars(void *ud, const char *s, int len) {
  xlsx *x = ud;
  if (!x->sst.in_t || x->failed) return;
  if (x->text.len + (size_t)len > MAX_CELL_BYTES) {
    fail(x, TIDU_ERR_LIMIT,
         "共享字符串超过单元格长度上限 (32767 字符) / a shared string exceeds the cell limit "
         "(32767 characters)");
    XML_StopParser(x->parser, XML_FALSE);
    return;
  }
  if (tidu_sb_putn(&x->text, s, (size_t)len) != 0)
    fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
}

static void XMLCALL sst_end(void *ud, const char *el) {
  xlsx *x = ud;
  const char *n = local(el);
  if (!strcmp(n, "t")) {
    x->sst.in_t = 0;
  } else if (!strcmp(n, "rPh")) {
    x->sst.in_rph = 0;
  } else if (!strcmp(n, "si") && !x->failed) {
    x->sst.in_si = 0;
    if (x->nsst >= MAX_SST_COUNT || x->sst_text.len + x->text.len + 1 > MAX_SST_TEXT) {
      fail(x, TIDU_ERR_LIMIT,
           "共享字符串过多或过大，疑似压缩炸弹 / too many or too large shared strings (zip "
           "bomb?)");
      XML_StopParser(x->parser, XML_FALSE);
      return;
    }
    if (TIDU_PUSH_ROOM(x->sst_off, x->nsst, x->cap_sst) != 0) {
      fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
      return;
    }
    x->sst_off[x->nsst++] = x->sst_text.len;
    if (tidu_sb_putn(&x->sst_text, x->text.s ? x->text.s : "", x->text.len + 1) != 0)
      fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
  }
}

static void setup_sst(XML_Parser p, xlsx *x) {
  x->parser = p;
  memset(&x->sst, 0, sizeof x->sst);
  XML_SetElementHandler(p, sst_start, sst_end);
  XML_SetCharacterDataHandler(p, sst_chars);
}

/* ---- styles.xml: which cell formats are dates ---- */

static int builtin_date(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

/* A custom format is a date when it has y, m, d (or h, s) outside quotes and brackets. */
static int code_is_date(const char *code) {
  int in_quote = 0, in_bracket = 0;
  for (const char *p = code; *p; p++) {
    if (*p == '"') in_quote = !in_quote;
    if (in_quote) continue;
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    if (*p == '[') in_bracket = 1;
    if (*p == ']') in_bracket = 0;
    if (in_bracket) continue;
    if (strchr("yYmMdD", *p)) return 1;
  }
  return 0;
}

static int format_is_date(const xlsx *x, int id) {
  for (int i = 0; i < x->styles.ncustom; i++)
    if (x->styles.custom[i].id == id) return x->styles.custom[i].is_date;
  return builtin_date(id);
}

static void XMLCALL styles_start(void *ud, const char *el, const char **atts) {
  xlsx *x = ud;
  const char *n = local(el);
  if (!strcmp(n, "numFmt") && x->styles.ncustom < 256) {
    const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
    if (id && code) {
      x->styles.custom[x->styles.ncustom].id = atoi(id);
      x->styles.custom[x->styles.ncustom].is_date = code_is_date(code);
      x->styles.ncustom++;
    }
  } else if (!strcmp(n, "cellXfs")) {
    x->styles.in_xfs = 1;
  } else if (!strcmp(n, "xf") && x->styles.in_xfs && x->nxf < 65536) {
    unsigned char *p = tidu_realloc(x->xf_date, x->nxf + 1);
    if (!p) {
      fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
      return;
    }
    x->xf_date = p;
    const char *id = attr(atts, "numFmtId");
    x->xf_date[x->nxf++] = (unsigned char)(id ? format_is_date(x, atoi(id)) : 0);
  }
}

static void XMLCALL styles_end(void *ud, const char *el) {
  xlsx *x = ud;
  if (!strcmp(local(el), "cellXfs")) x->styles.in_xfs = 0;
}

static void setup_styles(XML_Parser p, xlsx *x) {
  x->parser = p;
  memset(&x->styles, 0, sizeof x->styles);
  XML_SetElementHandler(p, styles_start, styles_end);
}

/* ---- the worksheet, one row at a time ---- */

/* Parses a cell reference "BC12" into its 0-based column and its row. Returns 0, or -1 when it
 * is malformed or lies outside Excel's grid (past column XFD or row 1048576). */
static int parse_ref(const char *ref, size_t *col, long *row) {
  unsigned long c = 0;
  int n = 0;
  for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
    if (++n > 3) return -1;
    c = c * 26 + (unsigned long)(*ref - 'A' + 1);
  }
  if (n == 0 || c > MAX_COLUMNS) return -1;
  long r = 0;
  int digits = 0;
  for (; *ref >= '0' && *ref <= '9'; ref++) {
    if (++digits > 7) return -1;
    r = r * 10 + (*ref - '0');
  }
  if (*ref != '\0' || digits == 0 || r < 1 || r > MAX_ROWS) return -1;
  *col = (size_t)(c - 1);
  *row = r;
  return 0;
}

/* Parses a decimal attribute of at most 9 digits; -1 when it is not one. */
static long small_number(const char *s) {
  long v = 0;
  int n = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    if (++n > 9) return -1;
    v = v * 10 + (*s - '0');
  }
  return n && *s == '\0' ? v : -1;
}

/* Copies at most 16 bytes of an attribute for a message, cut at a character boundary. */
static void short_text(const char *s, char out[24]) {
  size_t n = strlen(s);
  size_t k = n < 16 ? n : 16;
  while (k > 0 && k < n && ((unsigned char)s[k] & 0xc0) == 0x80) k--;
  snprintf(out, 24, "%.*s%s", (int)k, s, k < n ? "…" : "");
}

static void reset_row(xlsx *x) {
  x->cells_text.len = 0;
  for (size_t i = 0; i < x->ncols; i++) x->cell_at[i] = (size_t)-1;
  x->ncols = 0;
  x->next_col = 0;
}

static void XMLCALL sheet_start(void *ud, const char *el, const char **atts) {
  xlsx *x = ud;
  if (x->failed) return;
  const char *n = local(el);
  if (!strcmp(n, "row")) {
    const char *r = attr(atts, "r");
    long no = r ? small_number(r) : x->next_row;
    if (no < 1 || no > MAX_ROWS) {
      char q[24];
      short_text(r, q);
      fail(x, TIDU_ERR_INPUT, "行号 \"%s\" 无效 / bad row number \"%s\"", q, q);
      XML_StopParser(x->parser, XML_FALSE);
      return;
    }
    x->row_no = no;
    x->next_row = no + 1;
    reset_row(x);
  } else if (!strcmp(n, "c")) {
    const char *t = attr(atts, "t"), *s = attr(atts, "s"), *ref = attr(atts, "r");
    size_t col = x->next_col;
    long ref_row = x->row_no;
    if (ref && parse_ref(ref, &col, &ref_row) != 0) {
      char q[24];
      short_text(ref, q);
      fail(x, TIDU_ERR_INPUT,
           "单元格位置 \"%s\" 无效（列须在 A..XFD、行须在 1..1048576 之内） / bad cell "
           "reference \"%s\" (columns A..XFD, rows 1..1048576)",
           q, q);
      XML_StopParser(x->parser, XML_FALSE);
      return;
    }
    if (col >= MAX_COLUMNS) {
      fail(x, TIDU_ERR_LIMIT, "列数超过 XLSX 上限 XFD / more columns than XLSX allows (XFD)");
      XML_StopParser(x->parser, XML_FALSE);
      return;
    }
    x->cell_col = col;
    x->next_col = col + 1;
    snprintf(x->cell_type, sizeof x->cell_type, "%s", t ? t : "n");
    x->cell_style = s ? small_number(s) : 0;
    x->in_cell = 1;
    x->in_v = x->in_is_t = x->in_rph = 0;
    /* every cell starts empty: a cell without <v> (a styled blank) has no text */
    x->text.len = 0;
    if (x->text.s) x->text.s[0] = '\0';
  } else if (x->in_cell && !strcmp(n, "v")) {
    x->in_v = 1;
  } else if (x->in_cell && !strcmp(n, "rPh")) {
    x->in_rph = 1;
  } else if (x->in_cell && !strcmp(n, "t") && !x->in_rph) {
    x->in_is_t = 1;
  }
}

static void XMLCALL sheet_chars(void *ud, const char *s, int len) {
  xlsx *x = ud;
  if (!(x->in_v || x->in_is_t) || x->failed) return;
  if (x->text.len + (size_t)len > MAX_CELL_BYTES) {
    fail(x, TIDU_ERR_LIMIT, "单元格超过 32767 字符上限 / a cell exceeds the 32767-character limit");
    XML_StopParser(x->parser, XML_FALSE);
    return;
  }
  if (tidu_sb_putn(&x->text, s, (size_t)len) != 0)
    fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
}

/* Writes a number without exponent ("1.5E+7" -> "15000000"), keeping all its digits. A number
 * whose plain form would not fit `size` (or whose exponent is out of any sensible range) is
 * passed through as written; the value parser then reports it as too large. */
static void plain_number(const char *s, char *out, size_t size) {
  const char *e = strpbrk(s, "eE");
  if (!e || strlen(s) >= 64) {
    snprintf(out, size, "%s", s);
    return;
  }
  const char *q = e + 1;
  int eneg = *q == '-';
  if (*q == '+' || *q == '-') q++;
  int exp = 0, ndig = 0;
  for (; *q >= '0' && *q <= '9'; q++)
    if (++ndig <= 4) exp = exp * 10 + (*q - '0');
  if (*q != '\0' || ndig == 0 || ndig > 4 || exp > 40) {
    snprintf(out, size, "%s", s);
    return;
  }
  if (eneg) exp = -exp;
  char digits[64];
  size_t nd = 0;
  int neg = s[0] == '-', point = -1;
  for (const char *p = s + neg; p < e && nd < sizeof digits - 1; p++) {
    if (*p == '.')
      point = (int)nd;
    else
      digits[nd++] = *p;
  }
  if (point < 0) point = (int)nd;
  point += exp;
  size_t o = 0;
  if (neg && o < size - 1) out[o++] = '-';
  if (point <= 0) {
    o += (size_t)snprintf(out + o, size - o, "0.");
    for (int i = 0; i < -point && o < size - 1; i++) out[o++] = '0';
    for (size_t i = 0; i < nd && o < size - 1; i++) out[o++] = digits[i];
  } else {
    for (int i = 0; i < point && o < size - 1; i++) out[o++] = (size_t)i < nd ? digits[i] : '0';
    if ((size_t)point < nd && o < size - 1) out[o++] = '.';
    for (size_t i = (size_t)point; i < nd && o < size - 1; i++) out[o++] = digits[i];
  }
  out[o < size ? o : size - 1] = '\0';
}

/* The text of the finished cell, converted by its type and style; *numeric is set for a
 * number cell (t="n", the default) that is not a date. An empty cell of any type is "". */
static const char *cell_value(xlsx *x, char *tmp, size_t size, int *numeric) {
  const char *v = x->text.s ? x->text.s : "";
  const char *t = x->cell_type;
  *numeric = 0;
  if (!*v) return "";
  if (!strcmp(t, "s")) {
    long i = small_number(v);
    if (i < 0 || (size_t)i >= x->nsst) {
      char q[24];
      short_text(v, q);
      if (x->nsst == 0)
        fail(x, TIDU_ERR_INPUT,
             "单元格引用共享字符串 \"%s\"，但工作簿没有共享字符串表 (xl/sharedStrings.xml) / a "
             "cell refers to shared string \"%s\" but the workbook has no shared string table",
             q, q);
      else
        fail(x, TIDU_ERR_INPUT,
             "共享字符串编号 \"%s\" 无效（共有 %zu 个） / bad shared string index \"%s\" (the "
             "workbook has %zu)",
             q, x->nsst, q, x->nsst);
      return "";
    }
    const char *text = x->sst_text.s + x->sst_off[i];
    x->sst_expanded += strlen(text);
    if (x->sst_expanded > MAX_SST_EXPANDED) {
      fail(x, TIDU_ERR_LIMIT,
           "共享字符串展开后超过 %llu 字节上限，疑似恶意文件 / shared strings expand beyond "
           "the %llu-byte cap (a hostile file?)",
           (unsigned long long)MAX_SST_EXPANDED, (unsigned long long)MAX_SST_EXPANDED);
      return "";
    }
    return text;
  }
  if (!strcmp(t, "b")) return v[0] == '1' ? "TRUE" : "FALSE";
  if (!strcmp(t, "d")) {
    snprintf(tmp, size, "%.10s", v);
    return tmp;
  }
  if (strcmp(t, "n") != 0) return v;
  if (x->cell_style >= 0 && (size_t)x->cell_style < x->nxf && x->xf_date[x->cell_style]) {
    char *end;
    double serial = strtod(v, &end);
    if (end != v && serial >= 1 && serial < 2958466) {
      /* Excel's day 0 is 1899-12-30 (counting its phantom 1900-02-29) */
      int64_t days = (int64_t)serial - 25569;
      tidu_format_date(days, tmp);
      return tmp;
    }
  }
  *numeric = 1;
  plain_number(v, tmp, size);
  return tmp;
}

/* Grows the per-column arrays to hold column `col`. */
static int reserve_cols(xlsx *x, size_t col) {
  if (col < x->cap_cols) return 0;
  size_t cap = x->cap_cols ? x->cap_cols : 32;
  while (cap <= col) cap *= 2;
  size_t *p = tidu_realloc(x->cell_at, cap * sizeof *p);
  if (!p) return -1;
  x->cell_at = p;
  unsigned char *q = tidu_realloc(x->cell_num, cap);
  if (!q) return -1;
  x->cell_num = q;
  for (size_t i = x->cap_cols; i < cap; i++) {
    p[i] = (size_t)-1;
    q[i] = 0;
  }
  x->cap_cols = cap;
  return 0;
}

static void store_cell(xlsx *x) {
  char tmp[128];
  int numeric = 0;
  const char *v = cell_value(x, tmp, sizeof tmp, &numeric);
  if (x->failed) return;
  size_t col = x->cell_col, n = strlen(v);
  if (reserve_cols(x, col) != 0) {
    fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
    return;
  }
  if (x->cells_text.len + n + 1 > MAX_ROW_BYTES) {
    fail(x, TIDU_ERR_LIMIT, "一行的内容超过 %u 字节上限 / a row holds more than %u bytes of text",
         MAX_ROW_BYTES, MAX_ROW_BYTES);
    XML_StopParser(x->parser, XML_FALSE);
    return;
  }
  x->cell_at[col] = x->cells_text.len;
  x->cell_num[col] = (unsigned char)numeric;
  if (tidu_sb_putn(&x->cells_text, v, n + 1) != 0) {
    fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
    return;
  }
  if (col + 1 > x->ncols) x->ncols = col + 1;
}

static void XMLCALL sheet_end(void *ud, const char *el) {
  xlsx *x = ud;
  if (x->failed) return;
  const char *n = local(el);
  if (!strcmp(n, "v")) {
    x->in_v = 0;
  } else if (!strcmp(n, "rPh")) {
    x->in_rph = 0;
  } else if (!strcmp(n, "t")) {
    x->in_is_t = 0;
  } else if (!strcmp(n, "c") && x->in_cell) {
    store_cell(x);
    x->in_cell = 0;
  } else if (!strcmp(n, "row")) {
    x->row_ready = 1;
    XML_StopParser(x->parser, XML_TRUE);
  }
}

/* Builds the row's arrays from the assembled texts. Rows are padded with empty cells to the
 * width of the first row (the header), since XLSX leaves trailing empty cells out. */
static int emit_row(xlsx *x, tidu_row *row) {
  if (x->width == 0) x->width = x->ncols;
  if (x->ncols < x->width) {
    if (x->width > 0 && reserve_cols(x, x->width - 1) != 0) return -1;
    x->ncols = x->width;
  }
  if (x->ncols > x->cap_out) {
    const char **c = tidu_realloc(x->cells, x->ncols * sizeof *c);
    if (c) x->cells = c;
    size_t *l = tidu_realloc(x->lens, x->ncols * sizeof *l);
    if (l) x->lens = l;
    unsigned char *m = tidu_realloc(x->nums, x->ncols);
    if (m) x->nums = m;
    if (!c || !l || !m) return -1;
    x->cap_out = x->ncols;
  }
  for (size_t i = 0; i < x->ncols; i++) {
    size_t at = x->cell_at[i];
    x->cells[i] = at == (size_t)-1 ? "" : x->cells_text.s + at;
    x->lens[i] = strlen(x->cells[i]);
    x->nums[i] = at == (size_t)-1 ? 0 : x->cell_num[i];
  }
  row->cells = x->cells;
  row->lens = x->lens;
  row->numeric = x->nums;
  row->ncells = x->ncols;
  row->row_no = x->row_no;
  return 0;
}

static int stream_error(xlsx *x, tidu_error *err) {
  if (!x->failed) {
    x->failed = 1;
    tidu_error_set(&x->err, TIDU_ERR_INPUT, x->name, x->row_no, 0,
                   "工作表 XML 有误 / bad worksheet XML (line %lu): %s",
                   (unsigned long)XML_GetCurrentLineNumber(x->parser),
                   XML_ErrorString(XML_GetErrorCode(x->parser)));
  }
  if (err) *err = x->err;
  x->finished = 1;
  return -1;
}

/* Feeds the parser until a row is complete or the sheet ends. */
static int xlsx_next(void *ctx, tidu_row *row, tidu_error *err) {
  xlsx *x = ctx;
  if (x->failed) {
    if (err) *err = x->err;
    return -1;
  }
  x->row_ready = 0;
  while (!x->finished) {
    enum XML_Status st;
    if (x->suspended) {
      st = XML_ResumeParser(x->parser);
    } else if (x->fed_final) {
      x->finished = 1;
      break;
    } else {
      zip_int64_t n = zip_fread(x->zf, x->chunk, sizeof x->chunk);
      if (n < 0) {
        fail(x, TIDU_ERR_INPUT, "XLSX 文件损坏 / damaged XLSX file: %s", zip_file_strerror(x->zf));
        return stream_error(x, err);
      }
      x->read_bytes += (unsigned long long)n;
      if (x->read_bytes > x->limit_bytes) {
        fail(x, TIDU_ERR_LIMIT,
             "工作表解压后超过声明大小 / the sheet expands beyond its declared size");
        return stream_error(x, err);
      }
      x->fed_final = n == 0;
      st = XML_Parse(x->parser, x->chunk, (int)n, n == 0);
    }
    if (st == XML_STATUS_ERROR || x->failed) return stream_error(x, err);
    x->suspended = st == XML_STATUS_SUSPENDED;
    if (x->row_ready) {
      if (emit_row(x, row) != 0) {
        fail(x, TIDU_ERR_NOMEM, "内存不足 / out of memory");
        return stream_error(x, err);
      }
      return 1;
    }
  }
  return 0;
}

static void xlsx_close(void *ctx) {
  xlsx *x = ctx;
  if (!x) return;
  if (x->parser) XML_ParserFree(x->parser);
  if (x->zf) zip_fclose(x->zf);
  if (x->za) zip_discard(x->za);
  free(x->name);
  free(x->sheet);
  free(x->sst_text.s);
  free(x->sst_off);
  free(x->xf_date);
  free(x->cells_text.s);
  free(x->cell_at);
  free(x->cell_num);
  free(x->cells);
  free(x->lens);
  free(x->nums);
  free(x->text.s);
  free(x);
}

/* Opens the worksheet stream after the shared parts are read. */
static tidu_code open_sheet(xlsx *x, const char *want, tidu_error *err) {
  char *path = NULL;
  tidu_code rc = find_sheet(x, want, &path, err);
  if (rc == TIDU_OK) rc = parse_entry(x, "xl/sharedStrings.xml", 0, MAX_SST_XML, setup_sst, err);
  if (rc == TIDU_OK) rc = parse_entry(x, "xl/styles.xml", 0, MAX_SMALL_PART, setup_styles, err);
  if (rc == TIDU_OK) {
    zip_stat_t st;
    x->limit_bytes = ~0ull;
    if (zip_stat(x->za, path, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) x->limit_bytes = st.size;
    x->zf = open_entry(x, path, ~0ull, &rc, err);
    if (!x->zf && rc == TIDU_OK)
      rc = tidu_error_set(err, TIDU_ERR_INPUT, x->name, 0, 0,
                          "工作表部件缺失 / the sheet's part %s is missing", path);
  }
  free(path);
  if (rc != TIDU_OK) return rc;
  x->parser = XML_ParserCreate(NULL);
  if (!x->parser)
    return tidu_error_set(err, TIDU_ERR_NOMEM, x->name, 0, 0, "内存不足 / out of memory");
  XML_SetUserData(x->parser, x);
  XML_SetElementHandler(x->parser, sheet_start, sheet_end);
  XML_SetCharacterDataHandler(x->parser, sheet_chars);
  x->next_row = 1;
  return TIDU_OK;
}

static int finish_open(xlsx *x, const char *sheet, tidu_rowsrc *out, tidu_error *err) {
  tidu_code rc = open_sheet(x, sheet, err);
  if (rc != TIDU_OK) {
    xlsx_close(x);
    return -1;
  }
  out->ctx = x;
  out->next = xlsx_next;
  out->close = xlsx_close;
  out->name = x->name;
  out->sheet = x->sheet;
  out->typed = 1;
  return 0;
}

static xlsx *new_xlsx(const char *name, tidu_error *err) {
  xlsx *x = tidu_calloc(1, sizeof *x);
  if (x) x->name = tidu_strdup(name ? name : "");
  if (!x || !x->name) {
    free(x);
    tidu_error_set(err, TIDU_ERR_NOMEM, name, 0, 0, "内存不足 / out of memory");
    return NULL;
  }
  return x;
}

static void open_error(const char *name, int zerr, tidu_error *err) {
  zip_error_t ze;
  zip_error_init_with_code(&ze, zerr);
  if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ || zerr == ZIP_ER_NOENT)
    tidu_error_set(err, TIDU_ERR_IO, name, 0, 0, "无法读取文件 / cannot read the file: %s",
                   zip_error_strerror(&ze));
  else
    tidu_error_set(err, TIDU_ERR_INPUT, name, 0, 0,
                   "不是有效的 XLSX(zip) 文件 / not a valid XLSX (zip) file: %s",
                   zip_error_strerror(&ze));
  zip_error_fini(&ze);
}

/* Opens the zip over a buffer; `owned` buffers are freed with the archive. */
static int open_zip(xlsx *x, const void *data, size_t len, int owned, tidu_error *err) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(data, len, owned, &ze);
  if (src) x->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
  if (!x->za) {
    open_error(x->name, zip_error_code_zip(&ze), err);
    if (src)
      zip_source_free(src);
    else if (owned)
      free((void *)data);
    zip_error_fini(&ze);
    return -1;
  }
  zip_error_fini(&ze);
  return 0;
}

int tidu_xlsx_rowsrc(const char *path, const char *sheet, tidu_rowsrc *out, tidu_error *err) {
  xlsx *x = new_xlsx(path, err);
  if (!x) return -1;
  /* the whole file is read first (it is compressed): a file changed under the reader is
   * reported as such instead of as a damaged zip */
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  char *data = NULL;
  size_t len = 0;
  if (fd < 0) {
    tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法打开文件 / cannot open the file: %s",
                   strerror(errno));
    xlsx_close(x);
    return -1;
  }
  tidu_code rc = tidu_io_read_fd(fd, &data, &len, err);
  close(fd);
  if (rc != TIDU_OK) {
    if (err && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", path);
    xlsx_close(x);
    return -1;
  }
  if (open_zip(x, data, len, 1, err) != 0) {
    xlsx_close(x);
    return -1;
  }
  return finish_open(x, sheet, out, err);
}

int tidu_xlsx_rowsrc_mem(const char *name, const void *data, size_t len, const char *sheet,
                         tidu_rowsrc *out, tidu_error *err) {
  xlsx *x = new_xlsx(name, err);
  if (!x) return -1;
  if (open_zip(x, data, len, 0, err) != 0) {
    xlsx_close(x);
    return -1;
  }
  return finish_open(x, sheet, out, err);
}

int tidu_xlsx_sheet_names(const char *name, const void *data, size_t len, char ***names, size_t *n,
                          tidu_error *err) {
  *names = NULL;
  *n = 0;
  xlsx *x = new_xlsx(name, err);
  if (!x) return -1;
  if (open_zip(x, data, len, 0, err) != 0) {
    xlsx_close(x);
    return -1;
  }
  book b = {0};
  book_ctx c = {x, &b, 0};
  tidu_code rc = parse_book_entry(x, "xl/workbook.xml", &c, setup_workbook, err);
  if (rc == TIDU_OK && b.n) {
    *names = calloc(b.n, sizeof **names);
    if (!*names) rc = tidu_error_set(err, TIDU_ERR_NOMEM, name, 0, 0, "内存不足 / out of memory");
    for (size_t i = 0; rc == TIDU_OK && i < b.n; i++) {
      (*names)[i] = b.sheets[i].name;
      b.sheets[i].name = NULL;
    }
    if (rc == TIDU_OK) *n = b.n;
  }
  book_free(&b);
  xlsx_close(x);
  return rc == TIDU_OK ? 0 : -1;
}
