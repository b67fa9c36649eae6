/* Tabular firm reading over any row source: header mapping, long and wide layouts, cell values. */
#include "io/internal.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"
#include "tidu/uscc.h"
#include "tidu/values.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ==== text helpers ==== */

static int is_space_at(const char *s, size_t n, size_t *w) {
  if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
    *w = 1;
    return 1;
  }
  if (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) { /* U+3000 ideographic space */
    *w = 3;
    return 1;
  }
  if (n >= 2 && memcmp(s, "\xc2\xa0", 2) == 0) {
    *w = 2;
    return 1;
  }
  return 0;
}

/* Trims ASCII, no-break and ideographic spaces from both ends of s[0..*len); returns the start. */
static const char *trim(const char *s, size_t *len) {
  size_t w;
  while (*len > 0 && is_space_at(s, *len, &w)) {
    s += w;
    *len -= w;
  }
  while (*len > 0) {
    if (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r' || s[*len - 1] == '\n')
      (*len)--;
    else if (*len >= 3 && memcmp(s + *len - 3, "\xe3\x80\x80", 3) == 0)
      *len -= 3;
    else if (*len >= 2 && memcmp(s + *len - 2, "\xc2\xa0", 2) == 0)
      *len -= 2;
    else
      break;
  }
  return s;
}

static void lower_ascii(char *s) {
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

static void upper_ascii(char *s) {
  for (; *s; s++)
    if (*s >= 'a' && *s <= 'z') *s = (char)(*s - 'a' + 'A');
}

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* Quotes s for messages: at most 60 bytes, cut at a character boundary. */
static void quoted(const char *s, size_t len, char out[80]) {
  size_t n = len < 60 ? len : 60;
  while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
  snprintf(out, 80, "\"%.*s%s\"", (int)n, s, n < len ? "…" : "");
}

/* ==== converting cells ==== */

/* Finds an enumeration value by English name (any case), Chinese label or a common spelling
 * (tidu_enum_parse, shared with firm edit); -1 if none. */
static int find_enum(tidu_enum_id e, const char *s, size_t len) {
  return tidu_enum_parse(e, s, len);
}

static tidu_code bad_choice(tidu_enum_id e, const char *s, size_t len, tidu_error *err) {
  return tidu_enum_error(e, s, len, err);
}

typedef struct tag_acc {
  tidu_enum_id e;
  int64_t bits;
  const char *bad;
  size_t bad_len;
} tag_acc;

/* Tag entries come from tidu_tags_each(); they are trimmed again here of the wider spaces
 * (no-break, ideographic) that cells may hold, and skipped when nothing is left. */
static int add_tag(void *arg, const char *t, size_t n) {
  tag_acc *a = arg;
  t = trim(t, &n);
  if (n == 0) return 0;
  int v = find_enum(a->e, t, n);
  if (v < 0 || v > 62) {
    a->bad = t;
    a->bad_len = n;
    return 1;
  }
  a->bits |= (int64_t)1 << v;
  return 0;
}

static int is_none_word(const char *s, size_t n) {
  static const char *const words[] = {"无", "否", "none", "None", "NONE"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) return 1;
  return 0;
}

static tidu_code convert_tags(tidu_enum_id e, const char *s, size_t len, tidu_cellval *out,
                              tidu_error *err) {
  out->set = 1;
  out->v = 0;
  if (is_none_word(s, len)) return TIDU_OK;
  tag_acc a = {e, 0, NULL, 0};
  if (tidu_tags_each(s, len, add_tag, &a)) return bad_choice(e, a.bad, a.bad_len, err);
  out->v = a.bits;
  return TIDU_OK;
}

/* Chains: tags of free text, re-joined with ';'. */
typedef struct join_acc {
  char *buf;
  size_t len;
} join_acc;

static int join_tag(void *arg, const char *t, size_t n) {
  join_acc *j = arg;
  t = trim(t, &n);
  if (n == 0) return 0;
  if (j->len) j->buf[j->len++] = ';';
  memcpy(j->buf + j->len, t, n);
  j->len += n;
  j->buf[j->len] = '\0';
  return 0;
}

static int all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

/* Checks the identity text fields; returns TIDU_OK or an error (uscc check failures: warn).
 * Length, region and industry codes are checked as every writer checks them (tidu_field_check). */
static tidu_code check_text(const tidu_field_info *fi, tidu_cellval *out, tidu_error *err) {
  char *t = out->text;
  if (strlen(t) > TIDU_TEXT_MAX) return tidu_field_check(fi, 0, t, err); /* too long */
  if (fi->scope == 'F' && fi->index == TIDU_F_USCC) {
    upper_ascii(t);
    tidu_uscc_status st = tidu_uscc_check(t, err);
    if (st == TIDU_USCC_MALFORMED) return TIDU_ERR_INPUT;
    out->warn = st != TIDU_USCC_VALID;
    return TIDU_OK;
  }
  if (fi->scope == 'F' && fi->index == TIDU_F_INDUSTRY) upper_ascii(t);
  return tidu_field_check(fi, 0, t, err);
}

static tidu_code convert_text(const tidu_field_info *fi, const char *s, size_t len,
                              tidu_cellval *out, tidu_error *err) {
  if (fi->scope == 'F' && fi->index == TIDU_F_CHAINS) {
    join_acc j = {tidu_malloc(len + 1), 0};
    if (!j.buf) return nomem(err);
    j.buf[0] = '\0';
    tidu_tags_each(s, len, join_tag, &j);
    if (j.len == 0) {
      free(j.buf);
      return TIDU_OK;
    }
    out->text = j.buf;
  } else {
    out->text = tidu_strndup(s, len);
    if (!out->text) return nomem(err);
  }
  out->set = 1;
  tidu_code rc = check_text(fi, out, err);
  if (rc != TIDU_OK) {
    free(out->text);
    out->text = NULL;
    out->set = 0;
  }
  return rc;
}

/* Range checks of measured figures: the library's one check for every write. */
static tidu_code check_range(const tidu_field_info *fi, int64_t v, const char *s, size_t len,
                             tidu_error *err) {
  (void)s;
  (void)len;
  return tidu_field_check(fi, v, NULL, err);
}

/* The cell that clears a stored value: "#清除" or "#clear" (any case). */
static int is_clear_marker(const char *s, size_t n) {
  return (n == 7 && memcmp(s, "#清除", 7) == 0) || (n == 6 && strncasecmp(s, "#clear", 6) == 0);
}

tidu_code tidu_io_convert(const tidu_field_info *fi, const char *s, size_t len,
                          const tidu_cellfmt *fmt, tidu_cellval *out, tidu_error *err) {
  static const tidu_cellfmt plain = {1, 0, 0};
  if (!fmt) fmt = &plain;
  memset(out, 0, sizeof *out);
  out->v = TIDU_MISSING;
  s = trim(s ? s : "", &len);
  if (len == 0) return TIDU_OK;
  if (is_clear_marker(s, len)) {
    if (fi->scope == 'F' && fi->index == TIDU_F_USCC)
      return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                            "统一社会信用代码不能清除 / the uscc cannot be cleared");
    out->clear = 1;
    return TIDU_OK;
  }
  switch (fi->type) {
  case TIDU_T_TEXT:
    return convert_text(fi, s, len, out, err);
  case TIDU_T_TAGS:
    return convert_tags(fi->enum_id, s, len, out, err);
  case TIDU_T_ENUM:
    out->v = find_enum(fi->enum_id, s, len);
    if (out->v < 0) return bad_choice(fi->enum_id, s, len, err);
    out->set = 1;
    return TIDU_OK;
  default:
    break;
  }
  tidu_code rc;
  if (fi->type == TIDU_T_DATE)
    rc = tidu_parse_date(s, len, fmt->typed, &out->v, err);
  else
    rc = tidu_parse_value(fi->type, s, len, fmt->unit_scale, fmt->percent, &out->v, err);
  if (rc != TIDU_OK) return rc;
  if (out->v == TIDU_MISSING) return TIDU_OK;
  out->set = 1;
  return check_range(fi, out->v, s, len, err);
}

void tidu_io_locate(tidu_error *err, const char *file, long line, long col,
                    const tidu_field_info *fi, int32_t year, const char *header) {
  if (!err) return;
  /* the message's two languages, each named with the cell's field in its own language */
  char zh_part[sizeof err->message], en_part[sizeof err->message];
  snprintf(zh_part, sizeof zh_part, "%s", tidu_error_text(err, "zh"));
  snprintf(en_part, sizeof en_part, "%s", tidu_error_text(err, "en"));
  char *sep = err->message_zh[0] ? NULL : strstr(zh_part, " / ");
  if (sep) { /* a message written without tidu_error_set: split at its first separator */
    *sep = '\0';
    memmove(en_part, en_part + (sep - zh_part) + 3, strlen(en_part + (sep - zh_part) + 3) + 1);
  }
  char zh_name[160], en_name[160];
  if (fi && year) {
    snprintf(zh_name, sizeof zh_name, "%d年%s", (int)year, fi->zh);
    snprintf(en_name, sizeof en_name, "%s_%d", fi->name, (int)year);
  } else {
    snprintf(zh_name, sizeof zh_name, "%s", fi ? fi->zh : header ? header : "");
    snprintf(en_name, sizeof en_name, "%s", fi ? fi->name : header ? header : "");
  }
  tidu_utf8_cut_tail(zh_name); /* a long header is cut on a character boundary */
  tidu_utf8_cut_tail(en_name);
  int named = zh_name[0] && strncmp(zh_part, zh_name, strlen(zh_name)) != 0;
  char zh[sizeof err->message + 256], en[sizeof err->message + 256];
  if (named) {
    snprintf(zh, sizeof zh, "%s: %s", zh_name, zh_part);
    snprintf(en, sizeof en, "%s: %s", en_name, en_part);
  } else {
    snprintf(zh, sizeof zh, "%s", zh_part);
    snprintf(en, sizeof en, "%s", en_part);
  }
  tidu_utf8_cut_tail(zh);
  tidu_utf8_cut_tail(en);
  if (!strcmp(zh, en) && !named) {
    /* one language only: keep the message as it was */
  } else {
    tidu_error_set_texts(err, zh, en);
  }
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  err->line = line;
  err->col = col;
  if (snprintf(err->column_name, sizeof err->column_name, "%s",
               header ? header
               : fi   ? fi->name
                      : "") >= (int)sizeof err->column_name)
    tidu_utf8_cut_tail(err->column_name);
}

tidu_code tidu_io_store(tidu_firm *f, const tidu_field_info *fi, int32_t year, tidu_cellval *val) {
  if (val->clear) {
    if (fi->scope == 'F') {
      f->clear[fi->index] = 1;
      return TIDU_OK;
    }
    tidu_year *y = tidu_firm_year(f, year);
    if (!y) return TIDU_ERR_NOMEM;
    y->clear[fi->index] = 1;
    return TIDU_OK;
  }
  if (!val->set) {
    free(val->text);
    val->text = NULL;
    return TIDU_OK;
  }
  if (fi->scope == 'F') {
    if (fi->type == TIDU_T_TEXT) {
      free(f->text[fi->index]);
      f->text[fi->index] = val->text;
      val->text = NULL;
    } else {
      f->v[fi->index] = val->v;
    }
    return TIDU_OK;
  }
  tidu_year *y = tidu_firm_year(f, year);
  if (!y) return TIDU_ERR_NOMEM;
  y->v[fi->index] = val->v;
  return TIDU_OK;
}

size_t tidu_io_show(const tidu_field_info *fi, int64_t v, const char *text, char *buf,
                    size_t size) {
  if (!buf || size == 0) return 0;
  buf[0] = '\0';
  size_t used = 0;
  if (fi->type == TIDU_T_TEXT) {
    snprintf(buf, size, "%s", text ? text : "");
  } else if (fi->type == TIDU_T_ENUM) {
    const char *name = tidu_enum_name(fi->enum_id, (int)v);
    snprintf(buf, size, "%s", name ? name : "");
  } else if (fi->type == TIDU_T_TAGS) {
    for (int i = 0; i < tidu_enum_count(fi->enum_id) && i < 63; i++) {
      if (!(v & ((int64_t)1 << i)) || used + 1 >= size) continue;
      int n = snprintf(buf + used, size - used, "%s%s", used ? ";" : "",
                       tidu_enum_name(fi->enum_id, i));
      if (n > 0) used += (size_t)n < size - used ? (size_t)n : size - used - 1;
    }
  } else if (fi->type == TIDU_T_BOOL) {
    snprintf(buf, size, "%s", v == TIDU_MISSING ? "" : v ? "true" : "false");
  } else {
    tidu_format_value(fi->type, v, "zh", buf, size);
  }
  return strlen(buf);
}

/* ==== header mapping ==== */

typedef struct column {
  const tidu_field_info *fi; /* NULL: ignored (unknown or empty header) */
  int32_t year;              /* from the header (wide layout), 0 when none */
  tidu_cellfmt fmt;
  char *header; /* as written, trimmed */
} column;

/* Header units in parentheses and the types they fit. */
static const struct {
  const char *text;
  int64_t scale;
  int percent;
  unsigned types; /* bit set of tidu_type */
} units[] = {
    {"元", 1, 0, 1u << TIDU_T_MONEY},
    {"万元", 10000, 0, 1u << TIDU_T_MONEY},
    {"亿元", 100000000, 0, 1u << TIDU_T_MONEY},
    {"千元", 1000, 0, 1u << TIDU_T_MONEY},
    {"百万元", 1000000, 0, 1u << TIDU_T_MONEY},
    {"万", 10000, 0, 1u << TIDU_T_MONEY | 1u << TIDU_T_COUNT},
    {"亿", 100000000, 0, 1u << TIDU_T_MONEY},
    {"%", 1, 1, 1u << TIDU_T_RATIO},
    {"\xef\xbc\x85", 1, 1, 1u << TIDU_T_RATIO},
    {"人", 1, 0, 1u << TIDU_T_COUNT},
    {"个", 1, 0, 1u << TIDU_T_COUNT},
    {"件", 1, 0, 1u << TIDU_T_COUNT},
    {"项", 1, 0, 1u << TIDU_T_COUNT},
    {"年", 1, 0, 1u << TIDU_T_YEARS},
    {"分", 1, 0, 1u << TIDU_T_SCORE},
};

static int find_unit(const char *s, size_t n) {
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strlen(units[i].text) == n && memcmp(units[i].text, s, n) == 0) return (int)i;
  return -1;
}

static int is_year_header(const char *h) {
  static const char *const names[] = {"year", "年度", "年份", "会计年度", "fiscal_year"};
  char buf[32];
  snprintf(buf, sizeof buf, "%s", h);
  lower_ascii(buf);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(buf, names[i]) == 0) return 1;
  return 0;
}

/* Looks up a field name as written, then in lower case. */
static const tidu_field_info *find_field(const char *s, size_t n) {
  char buf[256];
  if (n == 0 || n >= sizeof buf) return NULL;
  memcpy(buf, s, n);
  buf[n] = '\0';
  const tidu_field_info *fi = tidu_field_find(buf);
  if (fi) return fi;
  lower_ascii(buf);
  return tidu_field_find(buf);
}

/* Reads a 4-digit year 1900..2100 at s; returns it or 0. */
static int32_t year_at(const char *s) {
  if (!all_digits(s, 4)) return 0;
  int32_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  return y >= 1900 && y <= 2100 ? y : 0;
}

/* Splits "revenue_2024", "营业收入2024", "2024年营业收入", "2024_revenue" into field and year. */
static const tidu_field_info *find_year_field(const char *s, size_t n, int32_t *year) {
  const tidu_field_info *fi = NULL;
  if (n > 4 && (*year = year_at(s + n - 4))) {
    size_t k = n - 4;
    while (k > 0 && (s[k - 1] == '_' || s[k - 1] == '-' || s[k - 1] == ' ')) k--;
    fi = find_field(s, k);
  }
  if (!fi && n > 4 && (*year = year_at(s))) {
    size_t k = 4;
    if (n > 7 && memcmp(s + 4, "年", 3) == 0)
      k = 7;
    else
      while (k < n && (s[k] == '_' || s[k] == '-' || s[k] == ' ')) k++;
    fi = find_field(s + k, n - k);
  }
  if (fi && fi->scope != 'Y') fi = NULL;
  if (!fi) *year = 0;
  return fi;
}

/* Finds the last "(...)" or "（...）" group closing the header; returns 1 and its parts. */
static int split_paren(const char *s, size_t n, size_t *base_len, const char **inner,
                       size_t *inner_len) {
  size_t close_w = 0;
  if (n >= 1 && s[n - 1] == ')')
    close_w = 1;
  else if (n >= 3 && memcmp(s + n - 3, "）", 3) == 0)
    close_w = 3;
  if (!close_w) return 0;
  for (size_t i = n - close_w; i-- > 0;) {
    size_t open_w = s[i] == '(' ? 1 : (i + 3 <= n && memcmp(s + i, "（", 3) == 0) ? 3 : 0;
    if (!open_w) continue;
    *base_len = i;
    *inner = s + i + open_w;
    *inner_len = n - close_w - i - open_w;
    return 1;
  }
  return 0;
}

/* "营业收入/万元", "营业收入／万元": a unit after the last slash; returns 1 and its parts. */
static int split_slash(const char *s, size_t n, size_t *base_len, const char **inner,
                       size_t *inner_len) {
  for (size_t i = n; i-- > 0;) {
    size_t w = s[i] == '/' ? 1 : (i + 3 <= n && memcmp(s + i, "／", 3) == 0) ? 3 : 0;
    if (!w) continue;
    size_t ulen = n - i - w;
    const char *u = s + i + w;
    if (find_unit(trim(u, &ulen), ulen) < 0) return 0;
    *base_len = i;
    *inner = s + i + w;
    *inner_len = n - i - w;
    return 1;
  }
  return 0;
}

/* Maps one header: field, year and unit. Returns 0 when mapped, 1 when unknown, -1 when the
 * unit does not fit the field (err set). */
static int map_header(const char *h, column *col, tidu_error *err) {
  size_t n = strlen(h);
  col->fmt.unit_scale = 1;
  col->fi = find_field(h, n);
  if (col->fi) return 0;
  size_t base = n, ilen = 0;
  const char *inner = NULL;
  int unit = -1;
  if (split_paren(h, n, &base, &inner, &ilen) || split_slash(h, n, &base, &inner, &ilen)) {
    const char *u = trim(inner, &ilen);
    size_t skip = ilen > 9 && !memcmp(u, "单位：", 9)  ? 9
                  : ilen > 7 && !memcmp(u, "单位:", 7) ? 7
                                                       : 0;
    u += skip; /* "（单位：万元）" */
    ilen -= skip;
    unit = find_unit(u, ilen);
    if (unit < 0 && ilen >= 4 && (ilen == 4 || (ilen == 7 && memcmp(u + 4, "年", 3) == 0)))
      col->year = year_at(u);
    if (unit < 0 && !col->year)
      base = n; /* not a unit: the parentheses belong to the name */
    else
      trim(h, &base);
  }
  col->fi = find_field(h, base);
  if (!col->fi && !col->year) col->fi = find_year_field(h, base, &col->year);
  if (!col->fi || (col->year && col->fi->scope != 'Y')) {
    col->fi = NULL;
    col->year = 0;
    return 1;
  }
  if (unit < 0) return 0;
  if (!(units[unit].types & (1u << col->fi->type))) {
    tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                   "表头单位不适用于该字段 \"%s\" / the unit does not fit the field \"%s\"", h, h);
    return -1;
  }
  col->fmt.unit_scale = units[unit].scale;
  col->fmt.percent = units[unit].percent;
  return 0;
}

/* ==== the table reader ==== */

/* Lines that set each field of one year of a firm (long layout conflict checks). */
typedef struct year_lines {
  int32_t year;
  long line[TIDU_NYEAR];
} year_lines;

#define MAX_ERRS_PER_FIRM 16

/* One firm of a long-layout table, or (key == NULL) a row error outside any firm. */
typedef struct entry {
  tidu_firm firm;
  char *key;
  long first_line;
  long firm_line[TIDU_NFIRM];
  year_lines *yl;
  size_t nyl;
  tidu_error *errs;
  size_t nerr, errpos;
} entry;

/* A hash slot: entry index + 1 (0 = empty) and the key's full hash. */
typedef struct slot {
  size_t idx;
  size_t hash;
} slot;

struct tidu_table {
  tidu_rowsrc src;
  tidu_warnq *warns;
  column *cols;
  size_t ncols;  /* columns in the header */
  size_t needed; /* cells a row must have: up to the last non-empty header */
  long year_col; /* -1 when wide */
  long uscc_col; /* -1 when absent */
  long name_col; /* -1 when absent */
  long header_line;
  long header_row; /* --header-row: rows above it are skipped (0 = the first non-blank) */
  int no_header;   /* the open failed because no header row was found */
  long data_rows;  /* non-blank rows read below the header */
  int told_empty;  /* the "header only" error was delivered */
  /* wide layout: the row each USCC was first seen on (duplicates are errors) */
  slot *seen;
  size_t nseen, cap_seen;
  char **seen_keys;
  long *seen_rows;
  int finished;
  /* long layout: every firm read up front, delivered in first-appearance order */
  int loaded;
  entry *ents;
  size_t nents, cap_ents, pos;
  slot *slots; /* open-addressing hash of keys */
  size_t nslots;
  size_t last; /* entry index + 1 of the previous row's firm (rows of a firm are often adjacent) */
};

static tidu_code warn_push(tidu_table *t, tidu_error *w) {
  w->warning = 1;
  return tidu_warnq_push(t->warns, w) == TIDU_OK ? TIDU_OK : TIDU_ERR_NOMEM;
}

/* Fills err for a header problem at column i. */
static void header_error(tidu_table *t, size_t i, tidu_error *err) {
  tidu_io_locate(err, t->src.name, t->header_line, (long)i + 1, NULL, 0, t->cols[i].header);
}

/* Rejects two columns that map to the same field and year. */
static tidu_code check_duplicates(tidu_table *t, tidu_error *err) {
  for (size_t i = 0; i < t->ncols; i++) {
    for (size_t j = 0; j < i && t->cols[i].fi; j++) {
      if (t->cols[j].fi != t->cols[i].fi || t->cols[j].year != t->cols[i].year) continue;
      tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "与第 %zu 列重复 / duplicates column %zu",
                     j + 1, j + 1);
      header_error(t, i, err);
      return TIDU_ERR_INPUT;
    }
  }
  return TIDU_OK;
}

/* A wide table needs a year for every year field. */
static tidu_code check_years(tidu_table *t, tidu_error *err) {
  if (t->year_col >= 0) return TIDU_OK;
  for (size_t i = 0; i < t->ncols; i++) {
    const column *c = &t->cols[i];
    if (!c->fi || c->fi->scope != 'Y' || c->year) continue;
    tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                   "年度数据缺少年份：请增加“年度”列，或在表头写明年份（如 2024年营业收入） / "
                   "a yearly figure without a year: add a 'year' column or put the year in the "
                   "header (e.g. revenue_2024)");
    header_error(t, i, err);
    return TIDU_ERR_INPUT;
  }
  return TIDU_OK;
}

int tidu_table_row_blank(const tidu_row *row) {
  for (size_t i = 0; i < row->ncells; i++) {
    size_t n = row->lens[i];
    trim(row->cells[i], &n);
    if (n) return 0;
  }
  return 1;
}

/* Reads the next non-blank row: 1, 0 at the end, -1 on a row source error. */
static int next_row(tidu_table *t, tidu_row *row, tidu_error *err) {
  for (;;) {
    int rc = t->src.next(t->src.ctx, row, err);
    if (rc <= 0) return rc;
    if (!t->cols && row->row_no < t->header_row) continue; /* above --header-row */
    if (tidu_table_row_blank(row)) continue;
    if (t->cols) t->data_rows++;
    return 1;
  }
}

/* Row-number columns officials add (序号): skipped without a warning. */
static int is_ignored_header(const char *h) {
  static const char *const names[] = {"序号", "编号", "No.", "#"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(h, names[i])) return 1;
  return 0;
}

/* The name part of an unknown header, for "did you mean": without a unit in parentheses or
 * after a slash, a leading "2024年" or a trailing "_2024" / "2024" ("2022年营业收人(万元)" ->
 * "营业收人"). */
static const char *header_base(const char *h, char *buf, size_t size) {
  snprintf(buf, size, "%s", h);
  tidu_utf8_cut_tail(buf);
  static const char *const cuts[] = {"(", "（", "/", "／"};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    char *p = strstr(buf, cuts[i]);
    if (p && p > buf) *p = '\0';
  }
  size_t n = strlen(buf);
  if (n > 7 && isdigit((unsigned char)buf[0]) && isdigit((unsigned char)buf[3]) &&
      !memcmp(buf + 4, "年", 3))
    memmove(buf, buf + 7, (n -= 7) + 1);
  size_t d = 0;
  while (d < n && isdigit((unsigned char)buf[n - 1 - d])) d++;
  if (d == 4 && n > 4) {
    n -= 4;
    if (n > 1 && (buf[n - 1] == '_' || buf[n - 1] == '-')) n--;
    buf[n] = '\0';
  }
  return buf;
}

static tidu_code read_header(tidu_table *t, const tidu_row *row, tidu_error *err) {
  t->cols = tidu_calloc(row->ncells ? row->ncells : 1, sizeof *t->cols);
  if (!t->cols) return nomem(err);
  t->ncols = row->ncells;
  t->header_line = row->row_no;
  for (size_t i = 0; i < row->ncells; i++) {
    column *c = &t->cols[i];
    size_t n = row->lens[i];
    const char *h = trim(row->cells[i], &n);
    c->header = tidu_strndup(h, n);
    if (!c->header) return nomem(err);
    c->fmt.unit_scale = 1;
    c->fmt.typed = t->src.typed;
    if (n == 0) continue;
    t->needed = i + 1;
    if (is_year_header(c->header)) {
      if (t->year_col < 0) {
        t->year_col = (long)i;
        continue;
      }
      tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "重复的年度列 / a second year column");
      header_error(t, i, err);
      return TIDU_ERR_INPUT;
    }
    int rc = map_header(c->header, c, err);
    if (rc < 0) {
      header_error(t, i, err);
      return TIDU_ERR_INPUT;
    }
    if (rc == 0 && c->fi->scope == 'F' && c->fi->index == TIDU_F_USCC) t->uscc_col = (long)i;
    if (rc == 0 && c->fi->scope == 'F' && c->fi->index == TIDU_F_NAME) t->name_col = (long)i;
    if (rc > 0 && !strcmp(c->header, TIDU_REJECT_COLUMN)) continue; /* a rejects file's reason */
    if (rc > 0 && is_ignored_header(c->header)) continue;           /* 序号: no figure to read */
    if (rc > 0) {
      tidu_error w;
      char base[256];
      const tidu_field_info *near = tidu_field_suggest(header_base(c->header, base, sizeof base));
      if (near)
        tidu_error_set(
            &w, TIDU_ERR_INPUT, NULL, 0, 0,
            "未知的列，已忽略（是否为 %s？） / unknown column, ignored (did you mean %s?)",
            near->zh, near->name);
      else
        tidu_error_set(&w, TIDU_ERR_INPUT, NULL, 0, 0,
                       "未知的列，已忽略 / unknown column, ignored");
      header_error(t, i, &w);
      if (warn_push(t, &w) != TIDU_OK) return nomem(err);
    }
  }
  tidu_code rc = check_duplicates(t, err);
  return rc == TIDU_OK ? check_years(t, err) : rc;
}

/* 1 when the row maps a column to the uscc or the name: a header row firms can be read under. */
static int row_is_header(const tidu_row *row) {
  for (size_t i = 0; i < row->ncells; i++) {
    size_t n = row->lens[i];
    const char *h = trim(row->cells[i], &n);
    char buf[256];
    if (n == 0 || n >= sizeof buf) continue;
    memcpy(buf, h, n);
    buf[n] = '\0';
    column c;
    memset(&c, 0, sizeof c);
    tidu_error e;
    if (map_header(buf, &c, &e) == 0 && c.fi && c.fi->scope == 'F' &&
        (c.fi->index == TIDU_F_USCC || c.fi->index == TIDU_F_NAME))
      return 1;
  }
  return 0;
}

/* The first non-empty cell of a row, quoted for messages. */
static void first_cell(const tidu_row *row, char q[80]) {
  for (size_t i = 0; i < row->ncells; i++) {
    size_t n = row->lens[i];
    const char *s = trim(row->cells[i], &n);
    if (n == 0) continue;
    quoted(s, n, q);
    return;
  }
  snprintf(q, 80, "\"\"");
}

/* How far below a row that is not a header the header is looked for, to suggest --header-row. */
#define HEADER_SEARCH_ROWS 50

/* Explains why the first row read is not a header: what it holds and, when a header row is
 * found below it, the --header-row that reads it. */
static tidu_code not_a_header(tidu_table *t, const tidu_row *first, tidu_error *err) {
  char q[80];
  first_cell(first, q);
  long at = first->row_no, found = 0;
  tidu_row row;
  tidu_error e;
  for (int k = 0; k < HEADER_SEARCH_ROWS && !found; k++) {
    if (t->src.next(t->src.ctx, &row, &e) <= 0) break;
    if (!tidu_table_row_blank(&row) && row_is_header(&row)) found = row.row_no;
  }
  t->no_header = 1;
  if (found)
    return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, at, 0,
                          "第 %ld 行不是表头（没有统一社会信用代码或企业名称列，内容为 %s）；"
                          "表头在第 %ld 行：请加 --header-row %ld / row %ld is not a header row "
                          "(no uscc or name column; it holds %s); the header is on row %ld: add "
                          "--header-row %ld",
                          at, q, found, found, at, q, found, found);
  return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, at, 0,
                        "第 %ld 行不是表头：表头须有统一社会信用代码或企业名称列（此行内容为 %s） "
                        "/ row %ld is not a header row: a header needs a uscc or name column (it "
                        "holds %s)",
                        at, q, at, q);
}

static tidu_code nothing_to_read(tidu_table *t, tidu_error *err) {
  t->no_header = 1;
  if (t->src.sheet)
    return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, 0, 0,
                          "工作表“%s”是空的 / sheet \"%s\" is empty", t->src.sheet, t->src.sheet);
  if (t->header_row > 1)
    return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, 0, 0,
                          "第 %ld 行及以下没有内容 / nothing at or below row %ld", t->header_row,
                          t->header_row);
  return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, 0, 0,
                        "文件是空的（没有表头，也没有企业数据） / the file is empty (no header, no "
                        "firms)");
}

tidu_code tidu_table_open_at(tidu_rowsrc *src, tidu_warnq *warns, long header_row, int *no_header,
                             tidu_table **out, tidu_error *err) {
  tidu_error local;
  if (!err) err = &local;
  *out = NULL;
  if (no_header) *no_header = 0;
  tidu_table *t = tidu_calloc(1, sizeof *t);
  if (!t) {
    if (src->close) src->close(src->ctx);
    return nomem(err);
  }
  t->src = *src;
  t->warns = warns;
  t->header_row = header_row > 0 ? header_row : 0;
  t->year_col = t->uscc_col = t->name_col = -1;
  tidu_row row;
  int rc = next_row(t, &row, err);
  tidu_code code = TIDU_OK;
  if (rc < 0)
    code = err->code;
  else if (rc == 0)
    code = nothing_to_read(t, err);
  else if (!row_is_header(&row))
    code = not_a_header(t, &row, err);
  else
    code = read_header(t, &row, err);
  if (code != TIDU_OK) {
    if (no_header) *no_header = t->no_header;
    tidu_table_close(t);
    return code;
  }
  *out = t;
  return TIDU_OK;
}

void tidu_table_set_warnq(tidu_table *t, tidu_warnq *warns) {
  t->warns = warns;
}

tidu_code tidu_table_open(tidu_rowsrc *src, tidu_warnq *warns, tidu_table **out, tidu_error *err) {
  return tidu_table_open_at(src, warns, 0, NULL, out, err);
}

/* 1 when the first HEADER_SEARCH_ROWS rows of `src` hold a header row (*row_no = its row). */
int tidu_table_probe(tidu_rowsrc *src, long *row_no) {
  tidu_row row;
  tidu_error e;
  *row_no = 0;
  for (int k = 0; k < HEADER_SEARCH_ROWS; k++) {
    if (src->next(src->ctx, &row, &e) <= 0) return 0;
    if (!tidu_table_row_blank(&row) && row_is_header(&row)) {
      *row_no = row.row_no;
      return 1;
    }
  }
  return 0;
}

/* ---- one row ---- */

/* A row's converted values, one per column. */
typedef struct rowvals {
  tidu_cellval *v;
  int32_t year; /* the year column's value (0 = none) */
  long line;
} rowvals;

static void rowvals_free_text(rowvals *rv, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(rv->v[i].text);
    rv->v[i].text = NULL;
  }
}

static tidu_code line_error(const tidu_table *t, long line, size_t col, tidu_code code,
                            tidu_error *err) {
  const column *c = col < t->ncols ? &t->cols[col] : NULL;
  tidu_io_locate(err, t->src.name, line, (long)col + 1, c ? c->fi : NULL,
                 c && c->fi && c->fi->scope == 'Y' ? c->year : 0, c ? c->header : NULL);
  return code;
}

static tidu_code row_error(const tidu_table *t, const tidu_row *row, size_t col, tidu_code code,
                           tidu_error *err) {
  return line_error(t, row->row_no, col, code, err);
}

static tidu_code read_year_cell(const tidu_table *t, const tidu_row *row, rowvals *rv,
                                tidu_error *err) {
  size_t n = row->lens[t->year_col];
  const char *s = trim(row->cells[t->year_col], &n);
  if (n == 0) return TIDU_OK;
  size_t k = n;
  if (k > 3 && memcmp(s + k - 3, "年", 3) == 0) k -= 3;
  if (k == 6 && memcmp(s + 4, ".0", 2) == 0) k = 4; /* typed sources: 2024.0 */
  rv->year = k == 4 ? year_at(s) : 0;
  if (rv->year) return TIDU_OK;
  char q[80];
  quoted(s, n, q);
  tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "不是年份 %s / not a year %s", q, q);
  return row_error(t, row, (size_t)t->year_col, TIDU_ERR_INPUT, err);
}

/* Checks the row's shape and converts every mapped cell. Warnings are queued. */
/* Spreadsheet column letters of 0-based column i ("A", "AB", ...). */
static void col_letters(size_t i, char out[8]) {
  char tmp[8];
  size_t n = 0;
  for (i++; i > 0 && n < sizeof tmp; i = (i - 1) / 26) tmp[n++] = (char)('A' + (i - 1) % 26);
  for (size_t k = 0; k < n; k++) out[k] = tmp[n - 1 - k];
  out[n] = '\0';
}

/* A number typed into a text column of a spreadsheet (an all-digit USCC that Excel keeps as
 * 9.13204111347102E+17 has lost its last digits): an error naming the cell. */
static tidu_code number_in_text(const tidu_table *t, const tidu_row *row, size_t i,
                                tidu_error *err) {
  const tidu_field_info *fi = t->cols[i].fi;
  char cell[40], q[80];
  col_letters(i, cell);
  char where[200];
  snprintf(where, sizeof where, "%s!%s%ld", t->src.sheet ? t->src.sheet : "", cell, row->row_no);
  size_t n = row->lens[i];
  const char *s = trim(row->cells[i], &n);
  quoted(s, n, q);
  int uscc = fi->index == TIDU_F_USCC;
  tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                 "单元格 %s 是数字 %s，应为文本%s：请把该列设为“文本”格式后重新录入 / cell %s "
                 "holds the number %s where text is needed%s: format the column as Text and "
                 "type it again",
                 where, q, uscc ? "（Excel 只保留数字的 15 位，代码的末几位已丢失）" : "", where, q,
                 uscc ? " (Excel keeps 15 digits of a number: the code's last digits are lost)"
                      : "");
  return row_error(t, row, i, TIDU_ERR_INPUT, err);
}

static tidu_code convert_row(const tidu_table *t, const tidu_row *row, rowvals *rv, tidu_warnq *wq,
                             tidu_error *err) {
  /* spreadsheets leave trailing empty cells out: only a CSV row can be short */
  if (!t->src.typed && row->ncells < t->needed)
    return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, row->row_no, (long)row->ncells + 1,
                          "列数不足：表头有 %zu 列，此行只有 %zu 列 / short row: the header has "
                          "%zu columns, this row %zu",
                          t->needed, row->ncells, t->needed, row->ncells);
  for (size_t i = t->needed; i < row->ncells; i++) {
    size_t n = row->lens[i];
    trim(row->cells[i], &n);
    if (n == 0) continue;
    if (t->src.typed)
      return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, row->row_no, (long)i + 1,
                            "此行在表头最后一列之外还有内容 / a cell beyond the header's last "
                            "column");
    return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, row->row_no, (long)i + 1,
                          "此行多出表头以外的单元格（数字中的逗号未加引号？） / a cell beyond "
                          "the header (an unquoted comma in a number?)");
  }
  if (t->year_col >= 0 && read_year_cell(t, row, rv, err) != TIDU_OK) return err->code;
  for (size_t i = 0; i < t->ncols; i++) {
    const column *c = &t->cols[i];
    if (!c->fi || i >= row->ncells) continue;
    if (row->numeric && row->numeric[i] && c->fi->type == TIDU_T_TEXT && c->fi->scope == 'F' &&
        c->fi->index != TIDU_F_REGION)
      return number_in_text(t, row, i, err);
    tidu_error e;
    tidu_code rc = tidu_io_convert(c->fi, row->cells[i], row->lens[i], &c->fmt, &rv->v[i], &e);
    if (rc == TIDU_ERR_NOMEM) return nomem(err);
    if (rc != TIDU_OK) {
      *err = e;
      return row_error(t, row, i, rc, err);
    }
    if (rv->v[i].warn) {
      row_error(t, row, i, TIDU_OK, &e);
      e.warning = 1;
      if (tidu_warnq_push(wq, &e) != TIDU_OK) return nomem(err);
    }
    if (c->fi->scope == 'Y' && !c->year && !rv->year && (rv->v[i].set || rv->v[i].clear)) {
      tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "年度为空 / the year is empty");
      return row_error(t, row, (size_t)t->year_col, TIDU_ERR_INPUT, err);
    }
  }
  return TIDU_OK;
}

/* The year a column's values belong to in this row. */
static int32_t col_year(const column *c, const rowvals *rv) {
  return c->year ? c->year : rv->year;
}

/* The trimmed text of cell `col` of the row ("" when absent). */
static const char *raw_cell(const tidu_row *row, long col, size_t *len) {
  *len = 0;
  if (col < 0 || (size_t)col >= row->ncells) return "";
  *len = row->lens[col];
  return trim(row->cells[col], len);
}

/* Finds the firm's identity in the row's raw cells (so that a row with a bad value still
 * joins its firm): the uscc in upper case, else "name:" + name. NULL when neither (or ENOMEM:
 * *nomem is set). */
static char *row_key(const tidu_table *t, const tidu_row *row, int *oom) {
  size_t n;
  const char *s = raw_cell(row, t->uscc_col, &n);
  const char *prefix = "";
  if (n == 0) {
    s = raw_cell(row, t->name_col, &n);
    prefix = "name:";
  }
  if (n == 0) return NULL;
  size_t p = strlen(prefix);
  char *k = tidu_malloc(p + n + 1);
  if (!k) {
    *oom = 1;
    return NULL;
  }
  memcpy(k, prefix, p);
  memcpy(k + p, s, n);
  k[p + n] = '\0';
  if (!p) upper_ascii(k);
  return k;
}

void tidu_table_key_columns(const tidu_table *t, long *uscc, long *name) {
  *uscc = t->uscc_col;
  *name = t->name_col;
}

static tidu_code no_identity(const tidu_table *t, const tidu_row *row, tidu_error *err) {
  tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, row->row_no, 0,
                 "缺少统一社会信用代码和企业名称 / neither uscc nor name is given");
  return TIDU_ERR_INPUT;
}

/* ---- wide layout: one row, one firm ---- */

static size_t hash_key(const char *s);

/* Remembers the row a USCC (`key`, whose hash_key is `hash`) was first seen on; returns that
 * earlier row when the key was seen already (`key` stays the caller's), 0 when it is new (the
 * key is kept), -1 on ENOMEM (the key is freed). */
static long seen_before(tidu_table *t, char *key, size_t hash, long row_no) {
  if ((t->nseen + 1) * 2 > t->cap_seen) {
    size_t n = t->cap_seen ? t->cap_seen * 2 : 64;
    slot *sl = calloc(n, sizeof *sl);
    char **keys = realloc(t->seen_keys, n / 2 * sizeof *keys);
    if (keys) t->seen_keys = keys;
    long *rows = realloc(t->seen_rows, n / 2 * sizeof *rows);
    if (rows) t->seen_rows = rows;
    if (!sl || !keys || !rows) {
      free(sl);
      free(key);
      return -1;
    }
    for (size_t i = 0; i < t->cap_seen; i++) {
      if (!t->seen[i].idx) continue;
      size_t h = t->seen[i].hash & (n - 1);
      while (sl[h].idx) h = (h + 1) & (n - 1);
      sl[h] = t->seen[i];
    }
    free(t->seen);
    t->seen = sl;
    t->cap_seen = n;
  }
  size_t h = hash & (t->cap_seen - 1);
  for (; t->seen[h].idx; h = (h + 1) & (t->cap_seen - 1)) {
    size_t k = t->seen[h].idx - 1;
    if (t->seen[h].hash == hash && strcmp(t->seen_keys[k], key) == 0)
      return t->seen_rows[k]; /* the caller frees key */
  }
  t->seen_keys[t->nseen] = key;
  t->seen_rows[t->nseen] = row_no;
  t->seen[h].idx = ++t->nseen;
  t->seen[h].hash = hash;
  return 0;
}

/* The same USCC on two rows of a wide table: the second row is an error naming both rows
 * (the first row's firm was read; neither silently replaces the other). */
/* The row's uscc in upper case as a new string (*key), NULL when it has none. -1 on ENOMEM. */
static int dup_key(const tidu_table *t, const tidu_row *row, char **key) {
  *key = NULL;
  if (t->uscc_col < 0) return 0;
  size_t n;
  const char *s = raw_cell(row, t->uscc_col, &n);
  if (n == 0) return 0;
  *key = tidu_strndup(s, n);
  if (!*key) return -1;
  upper_ascii(*key);
  return 0;
}

static tidu_code seen_check(tidu_table *t, char *key, size_t hash, long row_no, tidu_error *err);

static tidu_code duplicate_check(tidu_table *t, const tidu_row *row, tidu_error *err) {
  char *key;
  if (dup_key(t, row, &key) < 0) return nomem(err);
  return key ? seen_check(t, key, hash_key(key), row->row_no, err) : TIDU_OK;
}

/* The duplicate check of uscc `key` (taken over) first seen at line `row_no`. */
static tidu_code seen_check(tidu_table *t, char *key, size_t hash, long row_no, tidu_error *err) {
  long prev = seen_before(t, key, hash, row_no);
  if (prev < 0) return nomem(err);
  if (prev == 0) return TIDU_OK;
  char q[80];
  quoted(key, strlen(key), q);
  free(key);
  tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                 "同一统一社会信用代码 %s 在本文件中出现两次：第 %ld 行和第 %ld 行（每家企业只能"
                 "占一行；请删去或合并其中一行） / the uscc %s appears twice in this file: rows "
                 "%ld and %ld (one row per firm: delete or merge one of them)",
                 q, prev, row_no, q, prev, row_no);
  return line_error(t, row_no, (size_t)t->uscc_col, TIDU_ERR_DATA, err);
}

/* Once, when the table had a header but not one row below it. */
static tidu_code header_only(tidu_table *t, tidu_error *err) {
  t->told_empty = 1;
  return tidu_error_set(err, TIDU_ERR_INPUT, t->src.name, t->header_line, 0,
                        "只有表头（第 %ld 行），下面没有企业数据 / only a header row (row %ld), "
                        "no firms below it",
                        t->header_line, t->header_line);
}

static tidu_code wide_firm(const tidu_table *t, const tidu_row *row, rowvals *rv, tidu_firm *firm,
                           tidu_error *err) {
  firm->src_name = t->src.name;
  firm->src_line = row->row_no;
  for (size_t i = 0; i < t->ncols; i++) {
    const column *c = &t->cols[i];
    if (!c->fi) continue;
    if (c->fi->scope == 'Y') {
      tidu_year *y = tidu_firm_year(firm, c->year);
      if (!y) return nomem(err);
      if (!y->src_line) y->src_line = row->row_no;
    }
    if (tidu_io_store(firm, c->fi, col_year(c, rv), &rv->v[i]) != TIDU_OK) return nomem(err);
  }
  if (!firm->text[TIDU_F_USCC] && !firm->text[TIDU_F_NAME]) return no_identity(t, row, err);
  return TIDU_OK;
}

/* ---- long layout: entries keyed by firm ---- */

static size_t hash_key(const char *s) {
  size_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static int rehash(tidu_table *t) {
  size_t n = t->nslots ? t->nslots * 2 : 64;
  slot *s = tidu_calloc(n, sizeof *s);
  if (!s) return -1;
  for (size_t i = 0; i < t->nslots; i++) {
    if (!t->slots[i].idx) continue;
    size_t h = t->slots[i].hash & (n - 1);
    while (s[h].idx) h = (h + 1) & (n - 1);
    s[h] = t->slots[i];
  }
  free(t->slots);
  t->slots = s;
  t->nslots = n;
  return 0;
}

/* Appends an entry (taking `key`); NULL on ENOMEM. */
static entry *add_entry(tidu_table *t, char *key, long line) {
  if (TIDU_PUSH_ROOM(t->ents, t->nents, t->cap_ents) != 0) return NULL;
  entry *e = &t->ents[t->nents++];
  memset(e, 0, sizeof *e);
  tidu_firm_init(&e->firm);
  e->firm.src_name = t->src.name;
  e->firm.src_line = line;
  e->first_line = line;
  e->key = key;
  return e;
}

/* Finds or creates the entry for `key` (taken over). NULL on ENOMEM. */
static entry *entry_for(tidu_table *t, char *key, long line) {
  if (t->last && strcmp(t->ents[t->last - 1].key, key) == 0) {
    free(key);
    return &t->ents[t->last - 1];
  }
  if ((t->nents + 1) * 2 > t->nslots && rehash(t) < 0) {
    free(key);
    return NULL;
  }
  size_t hash = hash_key(key);
  size_t h = hash & (t->nslots - 1);
  for (; t->slots[h].idx; h = (h + 1) & (t->nslots - 1)) {
    entry *e = &t->ents[t->slots[h].idx - 1];
    if (t->slots[h].hash == hash && strcmp(e->key, key) == 0) {
      free(key);
      t->last = t->slots[h].idx;
      return e;
    }
  }
  entry *e = add_entry(t, key, line);
  if (!e) {
    free(key);
    return NULL;
  }
  t->slots[h].idx = t->last = t->nents;
  t->slots[h].hash = hash;
  return e;
}

static tidu_code entry_error(entry *e, const tidu_error *err) {
  if (e->nerr >= MAX_ERRS_PER_FIRM) return TIDU_OK;
  tidu_error *es = tidu_realloc(e->errs, (e->nerr + 1) * sizeof *es);
  if (!es) return TIDU_ERR_NOMEM;
  e->errs = es;
  e->errs[e->nerr++] = *err;
  return TIDU_OK;
}

static year_lines *lines_for(entry *e, int32_t year) {
  for (size_t i = 0; i < e->nyl; i++)
    if (e->yl[i].year == year) return &e->yl[i];
  year_lines *yl = tidu_realloc(e->yl, (e->nyl + 1) * sizeof *yl);
  if (!yl) return NULL;
  e->yl = yl;
  memset(&yl[e->nyl], 0, sizeof *yl);
  yl[e->nyl].year = year;
  return &yl[e->nyl++];
}

/* The value a field already holds in the entry, as text for messages. */
static void show_held(const entry *e, const column *c, int32_t year, char *buf, size_t size) {
  const tidu_field_info *fi = c->fi;
  if (fi->scope == 'F') {
    tidu_io_show(fi, e->firm.v[fi->index], e->firm.text[fi->index], buf, size);
    return;
  }
  const tidu_year *y = tidu_firm_find_year(&e->firm, year);
  tidu_io_show(fi, y ? y->v[fi->index] : TIDU_MISSING, NULL, buf, size);
}

static int same_value(const entry *e, const column *c, int32_t year, const tidu_cellval *v) {
  const tidu_field_info *fi = c->fi;
  if (fi->scope == 'F') {
    if (fi->type == TIDU_T_TEXT) return strcmp(e->firm.text[fi->index], v->text) == 0;
    return e->firm.v[fi->index] == v->v;
  }
  const tidu_year *y = tidu_firm_find_year(&e->firm, year);
  return y && y->v[fi->index] == v->v;
}

static tidu_code conflict(tidu_table *t, const tidu_row *row, size_t i, long prev_line,
                          const entry *e, int32_t year, tidu_error *err) {
  const column *c = &t->cols[i];
  char held[96], q[80];
  show_held(e, c, year, held, sizeof held);
  size_t n = row->lens[i];
  const char *s = trim(row->cells[i], &n);
  quoted(s, n, q);
  tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                 "同一企业的值冲突：第 %ld 行为 \"%s\"，第 %ld 行为 %s / conflicting values for "
                 "one firm: \"%s\" on line %ld, %s on line %ld",
                 prev_line, held, row->row_no, q, held, prev_line, q, row->row_no);
  return row_error(t, row, i, TIDU_ERR_DATA, err);
}

/* Checks the row against what the entry holds; returns TIDU_OK or the first conflict. */
static tidu_code check_conflicts(tidu_table *t, const tidu_row *row, const rowvals *rv, entry *e,
                                 tidu_error *err) {
  for (size_t i = 0; i < t->ncols; i++) {
    const column *c = &t->cols[i];
    if (!c->fi || !rv->v[i].set) continue;
    int32_t year = col_year(c, rv);
    long prev;
    if (c->fi->scope == 'F') {
      prev = e->firm_line[c->fi->index];
    } else {
      year_lines *yl = lines_for(e, year);
      if (!yl) return nomem(err);
      prev = yl->line[c->fi->index];
    }
    if (prev && !same_value(e, c, year, &rv->v[i])) return conflict(t, row, i, prev, e, year, err);
  }
  return TIDU_OK;
}

/* Merges a checked row into its entry. */
static tidu_code merge_row(tidu_table *t, const tidu_row *row, rowvals *rv, entry *e,
                           tidu_error *err) {
  if (rv->year) {
    tidu_year *y = tidu_firm_year(&e->firm, rv->year);
    if (!y) return nomem(err);
    if (!y->src_line) y->src_line = row->row_no;
  }
  for (size_t i = 0; i < t->ncols; i++) {
    const column *c = &t->cols[i];
    if (!c->fi) continue;
    int32_t year = col_year(c, rv);
    if (rv->v[i].clear && tidu_io_store(&e->firm, c->fi, year, &rv->v[i]) != TIDU_OK)
      return nomem(err);
    if (!rv->v[i].set) continue;
    if (c->fi->scope == 'F') {
      if (!e->firm_line[c->fi->index]) e->firm_line[c->fi->index] = row->row_no;
    } else {
      year_lines *yl = lines_for(e, year);
      if (!yl) return nomem(err);
      if (!yl->line[c->fi->index]) yl->line[c->fi->index] = row->row_no;
    }
    if (tidu_io_store(&e->firm, c->fi, year, &rv->v[i]) != TIDU_OK) return nomem(err);
  }
  return TIDU_OK;
}

/* Reads one long-layout row into the entries. Only fatal codes are returned. */
static tidu_code long_row(tidu_table *t, const tidu_row *row, rowvals *rv, tidu_error *err) {
  tidu_error e;
  tidu_code rc = convert_row(t, row, rv, t->warns, &e);
  if (rc == TIDU_ERR_NOMEM) return nomem(err);
  int oom = 0;
  char *key = row_key(t, row, &oom);
  if (oom) return nomem(err);
  if (rc == TIDU_OK && !key) rc = no_identity(t, row, &e);
  entry *ent = key ? entry_for(t, key, row->row_no) : add_entry(t, NULL, row->row_no);
  if (!ent) return nomem(err);
  if (rc == TIDU_OK) rc = check_conflicts(t, row, rv, ent, &e);
  if (rc == TIDU_ERR_NOMEM) return nomem(err);
  if (rc == TIDU_OK) rc = merge_row(t, row, rv, ent, &e);
  if (rc == TIDU_ERR_NOMEM) return nomem(err);
  if (rc != TIDU_OK && entry_error(ent, &e) != TIDU_OK) return nomem(err);
  return TIDU_OK;
}

static tidu_code load_long(tidu_table *t, rowvals *rv, tidu_error *err) {
  t->loaded = 1;
  tidu_row row;
  for (;;) {
    int rc = next_row(t, &row, err);
    if (rc < 0) return err->code;
    if (rc == 0) return TIDU_OK;
    memset(rv->v, 0, t->ncols * sizeof *rv->v);
    rv->year = 0;
    tidu_code code = long_row(t, &row, rv, err);
    rowvals_free_text(rv, t->ncols);
    if (code != TIDU_OK) return code;
  }
}

static void entry_free(entry *e) {
  tidu_firm_clear(&e->firm);
  free(e->key);
  free(e->yl);
  free(e->errs);
}

/* Delivers the next entry: its errors one by one, or its firm. */
static tidu_code next_entry(tidu_table *t, tidu_firm *firm, int *done, tidu_error *err) {
  while (t->pos < t->nents) {
    entry *e = &t->ents[t->pos];
    if (e->errpos < e->nerr) {
      if (err) *err = e->errs[e->errpos];
      return e->errs[e->errpos++].code;
    }
    t->pos++;
    if (e->nerr == 0) {
      *firm = e->firm;
      tidu_firm_init(&e->firm);
      entry_free(e);
      return TIDU_OK;
    }
    entry_free(e);
  }
  *done = 1;
  t->finished = 1;
  return TIDU_OK;
}

tidu_code tidu_table_next(tidu_table *t, tidu_firm *firm, int *done, tidu_error *err) {
  tidu_error local;
  if (!err) err = &local;
  *done = 0;
  tidu_firm_clear(firm);
  if (t->finished) {
    *done = 1;
    return TIDU_OK;
  }
  rowvals rv = {tidu_calloc(t->ncols ? t->ncols : 1, sizeof *rv.v), 0, 0};
  if (!rv.v) return nomem(err);
  tidu_code code = TIDU_OK;
  if (t->year_col >= 0) {
    if (!t->loaded) code = load_long(t, &rv, err);
    free(rv.v);
    if (code != TIDU_OK) {
      t->finished = 1;
      return code;
    }
    if (t->data_rows == 0 && !t->told_empty) {
      t->finished = 1;
      return header_only(t, err);
    }
    return next_entry(t, firm, done, err);
  }
  tidu_row row;
  int rc = next_row(t, &row, err);
  if (rc <= 0) {
    t->finished = 1;
    free(rv.v);
    if (rc == 0 && t->data_rows == 0 && !t->told_empty) return header_only(t, err);
    *done = rc == 0;
    return rc == 0 ? TIDU_OK : err->code;
  }
  code = duplicate_check(t, &row, err);
  if (code == TIDU_OK) code = convert_row(t, &row, &rv, t->warns, err);
  if (code == TIDU_OK) code = wide_firm(t, &row, &rv, firm, err);
  if (code != TIDU_OK) tidu_firm_clear(firm);
  if (code == TIDU_ERR_NOMEM) t->finished = 1;
  rowvals_free_text(&rv, t->ncols);
  free(rv.v);
  return code;
}

void tidu_table_close(tidu_table *t) {
  if (!t) return;
  if (t->src.close) t->src.close(t->src.ctx);
  for (size_t i = 0; i < t->ncols; i++) free(t->cols[i].header);
  free(t->cols);
  for (size_t i = t->pos; i < t->nents; i++) entry_free(&t->ents[i]);
  free(t->ents);
  free(t->slots);
  for (size_t i = 0; i < t->nseen; i++) free(t->seen_keys[i]);
  free(t->seen_keys);
  free(t->seen_rows);
  free(t->seen);
  free(t);
}

/* ---- for the parallel reader (ptable.c) ---- */

int tidu_table_is_wide(const tidu_table *t) {
  return t->year_col < 0 && !t->finished;
}

const tidu_rowsrc *tidu_table_rowsrc(const tidu_table *t) {
  return &t->src;
}

size_t tidu_table_ncols(const tidu_table *t) {
  return t->ncols ? t->ncols : 1;
}

tidu_code tidu_table_wide_row(const tidu_table *t, const tidu_row *row, tidu_cellval *vals,
                              tidu_warnq *wq, tidu_firm *firm, char **key, size_t *hash,
                              tidu_error *err) {
  if (dup_key(t, row, key) < 0) return nomem(err);
  *hash = *key ? hash_key(*key) : 0;
  memset(vals, 0, tidu_table_ncols(t) * sizeof *vals);
  rowvals rv = {vals, 0, 0};
  tidu_code code = convert_row(t, row, &rv, wq, err);
  if (code == TIDU_OK) code = wide_firm(t, row, &rv, firm, err);
  if (code != TIDU_OK) tidu_firm_clear(firm);
  rowvals_free_text(&rv, t->ncols);
  return code;
}

tidu_code tidu_table_seen(tidu_table *t, char *key, size_t hash, long row_no, tidu_error *err) {
  return seen_check(t, key, hash, row_no, err);
}

tidu_code tidu_table_end(tidu_table *t, long data_rows, tidu_error *err) {
  t->finished = 1;
  if (data_rows == 0 && !t->told_empty) return header_only(t, err);
  return TIDU_OK;
}

int32_t tidu_table_latest_year(const tidu_table *t) {
  int32_t y = 0;
  for (size_t i = 0; i < t->ncols; i++)
    if (t->cols[i].fi && t->cols[i].fi->scope == 'Y' && t->cols[i].year > y) y = t->cols[i].year;
  return y;
}

/* Appends s[0..len) and its NUL to the arena; its offset + 1 (0 on ENOMEM). */
static size_t arena_put(tidu_arena *a, const char *s, size_t len) {
  if (tidu_io_reserve(&a->data, &a->cap, a->len + len + 1, 4096) != 0) return 0;
  size_t at = a->len;
  memcpy(a->data + at, s, len);
  a->data[at + len] = '\0';
  a->len += len + 1;
  return at + 1;
}

tidu_code tidu_table_wide_lane(const tidu_table *t, const tidu_row *row, tidu_cellval *vals,
                               tidu_warnq *wq, const tidu_lane_plan *plan, tidu_chunk *c,
                               size_t lane, tidu_arena *text, char **key, size_t *hash,
                               tidu_error *err) {
  if (dup_key(t, row, key) < 0) return nomem(err);
  *hash = *key ? hash_key(*key) : 0;
  memset(vals, 0, tidu_table_ncols(t) * sizeof *vals);
  rowvals rv = {vals, 0, 0};
  tidu_code code = convert_row(t, row, &rv, wq, err);
  int named = 0;
  for (size_t i = 0; code == TIDU_OK && i < t->ncols; i++) {
    const tidu_field_info *fi = t->cols[i].fi;
    if (fi && fi->scope == 'F' && (fi->index == TIDU_F_USCC || fi->index == TIDU_F_NAME) &&
        vals[i].set && vals[i].text)
      named = 1;
  }
  if (code == TIDU_OK && !named) code = no_identity(t, row, err);
  if (code == TIDU_OK) {
    /* the lane starts as an empty firm in the kept fields; then the row's values */
    for (int k = 0; k < TIDU_NFIRM; k++) {
      if (!plan->firm[k]) continue;
      if (c->text[k])
        c->text[k][lane] = NULL;
      else
        c->firm[k][lane] = plan->firm_default[k];
    }
    for (int f = 0; f < TIDU_NYEAR; f++)
      if (plan->year[f])
        for (int k = 0; k < TIDU_CHUNK_YEARS; k++) c->yr[f][k][lane] = TIDU_MISSING;
    c->base[lane] = plan->base;
    for (size_t i = 0; i < t->ncols && code == TIDU_OK; i++) {
      const tidu_field_info *fi = t->cols[i].fi;
      const tidu_cellval *v = &vals[i];
      if (!fi || !v->set) continue;
      if (fi->scope == 'Y') {
        int32_t k = plan->base - t->cols[i].year;
        if (plan->year[fi->index] && k >= 0 && k < TIDU_CHUNK_YEARS)
          c->yr[fi->index][k][lane] = v->v;
      } else if (plan->firm[fi->index]) {
        if (c->text[fi->index]) {
          size_t at = v->text ? arena_put(text, v->text, strlen(v->text)) : 0;
          if (v->text && !at) code = nomem(err);
          c->text[fi->index][lane] = (const char *)(uintptr_t)at; /* resolved by the caller */
        } else {
          c->firm[fi->index][lane] = v->v;
        }
      }
    }
  }
  rowvals_free_text(&rv, t->ncols);
  return code;
}
