/* The JSON and NDJSON firm reader (contract §3): streams one firm object at a time via jansson.
 *
 * JSON numbers: integers are exact (int64). Other numbers arrive as doubles; each is turned
 * back into the shortest decimal text that reads as the same double (at most 17 significant
 * digits) and then parsed exactly like a cell, so 1234.56 is exactly 123456 分 and 0.15 exactly
 * 15%. Money is therefore exact to the 分 for |amount| < 10^13 元. */
#include "io/internal.h"
#include "tidu/io.h"
#include "tidu/toolkit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MODE_ARRAY, MODE_LINES, MODE_STREAM };

#define FIELD_CACHE 256

struct tidu_jsonr {
  const char *name;
  const char *text;
  size_t len;
  size_t pos; /* next unread byte */
  int mode;
  int first;    /* array: no element read yet */
  int finished; /* end reached or a fatal error reported */
  tidu_warnq *warns;
  /* position bookkeeping: line and column of byte `scan`, moving forward only */
  size_t scan;
  long scan_line;
  long scan_col;
  /* unknown keys already warned about */
  char **unknown;
  size_t nunknown;
  /* field look-ups by key, cached: the same keys repeat in every object */
  struct {
    char *key;
    const tidu_field_info *fi;
  } cache[FIELD_CACHE];
};

/* ==== positions ==== */

/* Line and column (in characters, 1-based) of byte offset `off` (never behind earlier calls). */
static void position(tidu_jsonr *j, size_t off, long *line, long *col) {
  if (off > j->len) off = j->len;
  for (; j->scan < off; j->scan++) {
    unsigned char c = (unsigned char)j->text[j->scan];
    if (c == '\n') {
      j->scan_line++;
      j->scan_col = 1;
    } else if ((c & 0xc0) != 0x80) {
      j->scan_col++;
    }
  }
  *line = j->scan_line;
  *col = j->scan_col;
}

static size_t skip_ws(const tidu_jsonr *j, size_t p) {
  while (p < j->len &&
         (j->text[p] == ' ' || j->text[p] == '\t' || j->text[p] == '\n' || j->text[p] == '\r'))
    p++;
  return p;
}

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* Reports a jansson syntax error for text parsed from byte offset `base`. */
static tidu_code syntax_error(tidu_jsonr *j, size_t base, const json_error_t *je, tidu_error *err) {
  long line, col;
  position(j, base, &line, &col);
  if (je->line > 1) {
    line += je->line - 1;
    col = je->column;
  } else if (je->column > 0) {
    col += je->column - 1;
  }
  return tidu_error_set(err, TIDU_ERR_INPUT, j->name, line, col,
                        "JSON 语法错误：%s / JSON syntax error: %s", je->text, je->text);
}

/* ==== field look-up ==== */

/* tidu_field_find through a direct-mapped cache of recent keys (misses are cached too). */
static const tidu_field_info *find_field(tidu_jsonr *j, const char *key) {
  size_t h = 5381;
  for (const char *p = key; *p; p++) h = h * 33 + (unsigned char)*p;
  h &= FIELD_CACHE - 1;
  if (j->cache[h].key && strcmp(j->cache[h].key, key) == 0) return j->cache[h].fi;
  const tidu_field_info *fi = tidu_field_find(key);
  char *copy = tidu_strdup(key);
  if (copy) {
    free(j->cache[h].key);
    j->cache[h].key = copy;
    j->cache[h].fi = fi;
  }
  return fi;
}

/* ==== values ==== */

/* The shortest decimal text that reads back as `d`. */
static void real_text(double d, char *buf, size_t size) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, size, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) return;
  }
}

/* Joins an array of strings with ';' (tag lists). Returns a new string or NULL. */
static char *join_array(json_t *arr, int *bad) {
  size_t total = 1, i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    if (!json_is_string(v)) {
      *bad = 1;
      return NULL;
    }
    total += json_string_length(v) + 1;
  }
  char *s = tidu_malloc(total);
  if (!s) return NULL;
  size_t n = 0;
  json_array_foreach(arr, i, v) {
    if (n) s[n++] = ';';
    memcpy(s + n, json_string_value(v), json_string_length(v));
    n += json_string_length(v);
  }
  s[n] = '\0';
  return s;
}

/* Converts one JSON value for field `fi` into `out`. */
static tidu_code convert_value(const tidu_field_info *fi, json_t *v, tidu_cellval *out,
                               tidu_error *err) {
  char num[64];
  memset(out, 0, sizeof *out);
  out->v = TIDU_MISSING;
  switch (json_typeof(v)) {
  case JSON_NULL:
    return TIDU_OK;
  case JSON_STRING:
    return tidu_io_convert(fi, json_string_value(v), json_string_length(v), NULL, out, err);
  case JSON_INTEGER:
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    return tidu_io_convert(fi, num, strlen(num), NULL, out, err);
  case JSON_REAL:
    real_text(json_real_value(v), num, sizeof num);
    return tidu_io_convert(fi, num, strlen(num), NULL, out, err);
  case JSON_TRUE:
  case JSON_FALSE:
    snprintf(num, sizeof num, "%s", json_is_true(v) ? "true" : "false");
    return tidu_io_convert(fi, num, strlen(num), NULL, out, err);
  case JSON_ARRAY: {
    int bad = 0;
    char *s = fi->type == TIDU_T_TAGS || fi->type == TIDU_T_TEXT ? join_array(v, &bad) : NULL;
    if (!s && !bad && (fi->type == TIDU_T_TAGS || fi->type == TIDU_T_TEXT)) return nomem(err);
    if (!s) break;
    tidu_code rc = tidu_io_convert(fi, s, strlen(s), NULL, out, err);
    free(s);
    return rc;
  }
  default:
    break;
  }
  return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                        "不支持的 JSON 值类型 / unsupported JSON value type");
}

/* Warns once per reader about a key that names no field. */
static tidu_code unknown_key(tidu_jsonr *j, const char *key, long line, long col) {
  if (!strcmp(key, TIDU_REJECT_COLUMN)) return TIDU_OK; /* a rejects file's reason */
  for (size_t i = 0; i < j->nunknown; i++)
    if (strcmp(j->unknown[i], key) == 0) return TIDU_OK;
  char **u = tidu_realloc(j->unknown, (j->nunknown + 1) * sizeof *u);
  if (!u) return TIDU_ERR_NOMEM;
  j->unknown = u;
  if (!(u[j->nunknown] = tidu_strdup(key))) return TIDU_ERR_NOMEM;
  j->nunknown++;
  tidu_error w;
  tidu_error_set(&w, TIDU_ERR_INPUT, NULL, 0, 0, "未知的字段，已忽略 / unknown field, ignored");
  tidu_io_locate(&w, j->name, line, col, NULL, 0, key);
  return tidu_warnq_push(j->warns, &w);
}

/* Where the object being read starts, for messages. */
typedef struct objpos {
  long line, col;
} objpos;

/* Converts and stores one field value; `path` names it in messages. */
/* The key path of a value for messages: "revenue" or "years.2024.revenue". */
static void key_path(char *buf, size_t size, const char *ykey, const char *key) {
  if (ykey)
    snprintf(buf, size, "years.%.40s.%.120s", ykey, key);
  else
    snprintf(buf, size, "%.160s", key);
}

/* Converts and stores one field value found under `key` (and year key `ykey`, or NULL). */
static tidu_code put_field(tidu_jsonr *j, tidu_firm *f, const tidu_field_info *fi, int32_t year,
                           json_t *v, const char *ykey, const char *key, const objpos *at,
                           tidu_error *err) {
  char path[200];
  tidu_cellval val;
  tidu_code rc = convert_value(fi, v, &val, err);
  if (rc == TIDU_ERR_NOMEM) return rc;
  if (rc != TIDU_OK) {
    key_path(path, sizeof path, ykey, key);
    tidu_io_locate(err, j->name, at->line, at->col, fi, year, path);
    return rc;
  }
  if (val.warn) {
    key_path(path, sizeof path, ykey, key);
    tidu_io_locate(err, j->name, at->line, at->col, fi, year, path);
    if (tidu_warnq_push(j->warns, err) != TIDU_OK) rc = TIDU_ERR_NOMEM;
  }
  if (rc == TIDU_OK && tidu_io_store(f, fi, year, &val) != TIDU_OK) rc = TIDU_ERR_NOMEM;
  free(val.text);
  return rc == TIDU_ERR_NOMEM ? nomem(err) : rc;
}

static tidu_code bad_shape(tidu_jsonr *j, const objpos *at, const char *path, const char *msg,
                           tidu_error *err) {
  tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "%s", msg);
  tidu_io_locate(err, j->name, at->line, at->col, NULL, 0, path);
  return TIDU_ERR_INPUT;
}

/* Parses a year key "2024" (1900..2100); 0 when it is not one. */
static int32_t year_key(const char *k) {
  if (strlen(k) != 4) return 0;
  int32_t y = 0;
  for (int i = 0; i < 4; i++) {
    if (k[i] < '0' || k[i] > '9') return 0;
    y = y * 10 + (k[i] - '0');
  }
  return y >= 1900 && y <= 2100 ? y : 0;
}

static tidu_code read_year(tidu_jsonr *j, tidu_firm *f, const char *ykey, json_t *obj,
                           const objpos *at, tidu_error *err) {
  char path[200];
  snprintf(path, sizeof path, "years.%.40s", ykey);
  int32_t year = year_key(ykey);
  tidu_code rc = TIDU_OK;
  if (!year) return bad_shape(j, at, path, "不是年份 / not a year", err);
  if (json_is_null(obj)) return TIDU_OK;
  if (!json_is_object(obj)) return bad_shape(j, at, path, "应为对象 / must be an object", err);
  tidu_year *y = tidu_firm_year(f, year);
  if (!y) return nomem(err);
  y->src_line = at->line;
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    const tidu_field_info *fi = find_field(j, key);
    if (fi && fi->scope == 'Y') {
      rc = put_field(j, f, fi, year, v, ykey, key, at, err);
      if (rc != TIDU_OK) return rc;
      continue;
    }
    key_path(path, sizeof path, ykey, key);
    if (fi) return bad_shape(j, at, path, "不是年度字段 / not a yearly field", err);
    if (unknown_key(j, path, at->line, at->col) != TIDU_OK) return nomem(err);
  }
  return rc;
}

static tidu_code read_years(tidu_jsonr *j, tidu_firm *f, json_t *years, const objpos *at,
                            tidu_error *err) {
  if (json_is_null(years)) return TIDU_OK;
  if (!json_is_object(years))
    return bad_shape(j, at, "years", "应为以年份为键的对象 / must be an object keyed by year", err);
  const char *key;
  json_t *v;
  json_object_foreach(years, key, v) {
    tidu_code rc = read_year(j, f, key, v, at, err);
    if (rc != TIDU_OK) return rc;
  }
  return TIDU_OK;
}

/* Converts one firm object. */
static tidu_code read_firm(tidu_jsonr *j, json_t *obj, const objpos *at, tidu_firm *f,
                           tidu_error *err) {
  if (!json_is_object(obj))
    return bad_shape(j, at, NULL, "应为企业对象 / expected a firm object", err);
  f->src_name = j->name;
  f->src_line = at->line;
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    tidu_code rc = TIDU_OK;
    const tidu_field_info *fi = strcmp(key, "years") == 0 ? NULL : find_field(j, key);
    if (strcmp(key, "years") == 0)
      rc = read_years(j, f, v, at, err);
    else if (!fi)
      rc = unknown_key(j, key, at->line, at->col) == TIDU_OK ? TIDU_OK : nomem(err);
    else if (fi->scope == 'Y')
      rc = bad_shape(j, at, key,
                     "年度字段应放在 \"years\" 中 / a yearly field belongs under \"years\"", err);
    else
      rc = put_field(j, f, fi, 0, v, NULL, key, at, err);
    if (rc != TIDU_OK) return rc;
  }
  if (!f->text[TIDU_F_USCC] && !f->text[TIDU_F_NAME])
    return tidu_error_set(err, TIDU_ERR_INPUT, j->name, at->line, at->col,
                          "缺少统一社会信用代码和企业名称 / neither uscc nor name is given");
  return TIDU_OK;
}

/* ==== reading modes ==== */

/* Converts a parsed value that started at byte `start`, consuming it. */
static tidu_code deliver(tidu_jsonr *j, json_t *obj, size_t start, tidu_firm *firm,
                         tidu_error *err) {
  objpos at;
  position(j, start, &at.line, &at.col);
  tidu_code rc = read_firm(j, obj, &at, firm, err);
  json_decref(obj);
  if (rc != TIDU_OK) tidu_firm_clear(firm);
  if (rc == TIDU_ERR_NOMEM) j->finished = 1;
  return rc;
}

static const size_t JSON_FLAGS = JSON_REJECT_DUPLICATES;

static tidu_code next_array(tidu_jsonr *j, tidu_firm *firm, int *done, tidu_error *err) {
  size_t p = skip_ws(j, j->pos);
  if (p < j->len && j->text[p] == ']') {
    j->finished = 1;
    *done = 1;
    return TIDU_OK;
  }
  if (!j->first) {
    if (p >= j->len || j->text[p] != ',') {
      long line, col;
      position(j, p, &line, &col);
      j->finished = 1;
      return tidu_error_set(err, TIDU_ERR_INPUT, j->name, line, col,
                            "JSON 数组中应为 ',' 或 ']' / expected ',' or ']' in the JSON array");
    }
    p = skip_ws(j, p + 1);
  }
  j->first = 0;
  json_error_t je;
  json_t *obj = json_loadb(j->text + p, j->len - p,
                           JSON_FLAGS | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je);
  if (!obj) {
    j->finished = 1;
    return syntax_error(j, p, &je, err);
  }
  j->pos = p + (size_t)je.position;
  return deliver(j, obj, p, firm, err);
}

/* One object per line; blank lines are skipped, a bad line is reported and skipped. */
static tidu_code next_line(tidu_jsonr *j, tidu_firm *firm, int *done, tidu_error *err) {
  size_t p = skip_ws(j, j->pos);
  if (p >= j->len) {
    j->finished = 1;
    *done = 1;
    return TIDU_OK;
  }
  const char *nl = memchr(j->text + p, '\n', j->len - p);
  size_t end = nl ? (size_t)(nl - j->text) : j->len;
  j->pos = end;
  json_error_t je;
  json_t *obj = json_loadb(j->text + p, end - p, JSON_FLAGS, &je);
  if (!obj) return syntax_error(j, p, &je, err);
  return deliver(j, obj, p, firm, err);
}

/* Objects one after another (pretty-printed or concatenated); resyncs at the next line. */
static tidu_code next_stream(tidu_jsonr *j, tidu_firm *firm, int *done, tidu_error *err) {
  size_t p = skip_ws(j, j->pos);
  if (p >= j->len) {
    j->finished = 1;
    *done = 1;
    return TIDU_OK;
  }
  json_error_t je;
  json_t *obj = json_loadb(j->text + p, j->len - p, JSON_FLAGS | JSON_DISABLE_EOF_CHECK, &je);
  if (!obj) {
    size_t at = p + (je.position > 0 ? (size_t)je.position - 1 : 0);
    const char *nl = at < j->len ? memchr(j->text + at, '\n', j->len - at) : NULL;
    j->pos = nl ? (size_t)(nl - j->text) + 1 : j->len;
    return syntax_error(j, p, &je, err);
  }
  j->pos = p + (size_t)je.position;
  return deliver(j, obj, p, firm, err);
}

tidu_code tidu_jsonr_next(tidu_jsonr *j, tidu_firm *firm, int *done, tidu_error *err) {
  tidu_error local;
  if (!err) err = &local;
  *done = 0;
  tidu_firm_clear(firm);
  if (j->finished) {
    *done = 1;
    return TIDU_OK;
  }
  switch (j->mode) {
  case MODE_ARRAY:
    return next_array(j, firm, done, err);
  case MODE_LINES:
    return next_line(j, firm, done, err);
  default:
    return next_stream(j, firm, done, err);
  }
}

/* True when the first line of the text from p holds one complete JSON object. */
static int first_line_complete(const tidu_jsonr *j, size_t p) {
  const char *nl = memchr(j->text + p, '\n', j->len - p);
  size_t end = nl ? (size_t)(nl - j->text) : j->len;
  json_error_t je;
  json_t *obj = json_loadb(j->text + p, end - p, JSON_FLAGS, &je);
  json_decref(obj);
  return obj != NULL;
}

tidu_code tidu_jsonr_open(const char *name, const char *text, size_t len, int ndjson,
                          tidu_warnq *warns, tidu_jsonr **out, tidu_error *err) {
  *out = NULL;
  tidu_jsonr *j = tidu_calloc(1, sizeof *j);
  if (!j) return nomem(err);
  j->name = name ? name : "";
  j->text = text ? text : "";
  j->len = text ? len : 0;
  j->warns = warns;
  j->scan_line = 1;
  j->scan_col = 1;
  j->first = 1;
  size_t p = skip_ws(j, 0);
  if (p >= j->len) {
    j->finished = 1;
  } else if (j->text[p] == '[') {
    j->mode = MODE_ARRAY;
    p++;
  } else if (j->text[p] == '{') {
    j->mode = ndjson || first_line_complete(j, p) ? MODE_LINES : MODE_STREAM;
  } else {
    long line, col;
    position(j, p, &line, &col);
    free(j);
    return tidu_error_set(err, TIDU_ERR_INPUT, name, line, col,
                          "应为 JSON 数组或对象 / expected a JSON array or object");
  }
  j->pos = p;
  *out = j;
  return TIDU_OK;
}

void tidu_jsonr_close(tidu_jsonr *j) {
  if (!j) return;
  for (size_t i = 0; i < j->nunknown; i++) free(j->unknown[i]);
  free(j->unknown);
  for (size_t i = 0; i < FIELD_CACHE; i++) free(j->cache[i].key);
  free(j);
}
