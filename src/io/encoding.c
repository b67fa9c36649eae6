/* Text encodings of input files: BOM sniffing, strict UTF-8 checking, GB18030 and UTF-16 to UTF-8.
 */
#include "io/internal.h"
#include "tidu/io.h"
#include "tidu/toolkit.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t tidu_utf8_check(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    uint64_t w;
    if (i + 8 <= len && (memcpy(&w, p + i, 8), (w & 0x8080808080808080ULL) == 0)) {
      i += 8; /* eight ASCII bytes */
      continue;
    }
    unsigned c = p[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    unsigned lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf)
      n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else
      return i;
    if (i + n > len) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < n; k++)
      if (p[i + k] < 0x80 || p[i + k] > 0xbf) return i;
    i += n;
  }
  return len;
}

/* A growing output buffer for iconv. */
typedef struct outbuf {
  char *data;
  size_t len, cap;
} outbuf;

static int reserve(outbuf *o, size_t extra) {
  return tidu_io_reserve(&o->data, &o->cap, o->len + extra, 256);
}

/* Converts from `from` to UTF-8. Excel's lone 0x80 becomes the euro sign when `euro`.
 * Returns 0, -1 on ENOMEM, or -2 with *bad = the offset that could not be converted. */
static int convert(const char *from, int euro, const char *data, size_t len, outbuf *o,
                   size_t *bad) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == (iconv_t)-1) {
    *bad = 0;
    return -2;
  }
  char *in = (char *)data;
  size_t left = len;
  int rc = 0;
  while (left > 0) {
    if (reserve(o, left + left / 2 + 16) < 0) {
      rc = -1;
      break;
    }
    char *outp = o->data + o->len;
    size_t room = o->cap - o->len - 1;
    size_t r = iconv(cd, &in, &left, &outp, &room);
    o->len = (size_t)(outp - o->data);
    if (r != (size_t)-1) continue;
    if (errno == E2BIG) continue;
    if (errno == EILSEQ && euro && (unsigned char)*in == 0x80) {
      if (reserve(o, 4) < 0) {
        rc = -1;
        break;
      }
      memcpy(o->data + o->len, "\xe2\x82\xac", 3);
      o->len += 3;
      in++;
      left--;
      continue;
    }
    *bad = (size_t)(in - data);
    rc = -2;
    break;
  }
  iconv_close(cd);
  if (rc == 0 && reserve(o, 1) < 0) rc = -1;
  if (rc == 0) o->data[o->len] = '\0';
  return rc;
}

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* Converts UTF-16 text (after its BOM) to UTF-8 into a new buffer. */
static tidu_code from_utf16(const char *data, size_t len, int be, char **owned, size_t *out_len,
                            tidu_error *err) {
  outbuf o = {0};
  size_t bad = 0;
  int rc = convert(be ? "UTF-16BE" : "UTF-16LE", 0, data + 2, len - 2, &o, &bad);
  if (rc == -1) {
    free(o.data);
    return nomem(err);
  }
  if (rc == -2) {
    free(o.data);
    return tidu_error_set(
        err, TIDU_ERR_INPUT, NULL, 0, 0,
        "UTF-16 文本在偏移 %zu 字节处无效 / invalid UTF-16 text at byte offset %zu", bad + 2,
        bad + 2);
  }
  if (!o.data) o.data = tidu_calloc(1, 1);
  if (!o.data) return nomem(err);
  *owned = o.data;
  *out_len = o.len;
  return TIDU_OK;
}

/* Line and column (characters, 1-based) of byte offset `off` of UTF-8 text. */
static void line_col(const char *data, size_t off, long *line, long *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++) {
    unsigned char c = (unsigned char)data[i];
    if (c == '\n') {
      (*line)++;
      *col = 1;
    } else if ((c & 0xc0) != 0x80) {
      (*col)++;
    }
  }
}

/* Counts the valid multi-byte UTF-8 characters of data[0..len) and the bytes where no valid
 * character starts (after each such byte the count resumes at the next one). */
static void utf8_census(const char *data, size_t len, size_t *multi, size_t *bad) {
  *multi = *bad = 0;
  size_t i = 0;
  while (i < len) {
    size_t ok = tidu_utf8_check(data + i, len - i);
    for (size_t k = i; k < i + ok; k++) *multi += ((unsigned char)data[k] & 0xc0) == 0xc0;
    i += ok;
    if (i < len) {
      (*bad)++;
      i++;
    }
  }
}

/* Invalid UTF-8 in a file that is UTF-8: the place, and the way to read it otherwise. */
enum { WHY_BOM, WHY_REST, WHY_FORCED };

static tidu_code bad_utf8(const char *data, size_t skip, size_t bad, int why, tidu_error *err) {
  static const char *const zh[] = {"文件以 UTF-8 BOM 开头", "文件其余部分是 UTF-8",
                                   "指定了 --encoding utf-8"};
  static const char *const en[] = {"the file starts with a UTF-8 BOM", "the rest is UTF-8",
                                   "--encoding utf-8 was given"};
  long line, col;
  line_col(data + skip, bad, &line, &col);
  unsigned byte = (unsigned char)data[skip + bad];
  return tidu_error_set(err, TIDU_ERR_INPUT, NULL, line, col,
                        "第 %ld 行第 %ld 列不是合法的 UTF-8（字节 0x%02X；%s）：文件可能已损坏；"
                        "如果整个文件是 GB18030/GBK 编码，请加 --encoding gb18030 / invalid UTF-8 "
                        "at line %ld, column %ld (byte 0x%02X; %s): the file may be damaged; if "
                        "the whole file is GB18030/GBK, add --encoding gb18030",
                        line, col, byte, zh[why], line, col, byte, en[why]);
}

/* GB18030 (with Excel's 0x80 euro) into a new buffer. */
static tidu_code from_gb18030(const char *data, size_t len, const char **view, size_t *view_len,
                              char **owned, size_t utf8_bad, int forced, tidu_error *err) {
  outbuf o = {0};
  size_t gbad = 0;
  int rc = convert("GB18030", 1, data, len, &o, &gbad);
  if (rc == -1) {
    free(o.data);
    return nomem(err);
  }
  if (rc == -2) {
    free(o.data);
    if (forced)
      return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                            "偏移 %zu 字节处不是合法的 GB18030 / not valid GB18030 at byte offset "
                            "%zu",
                            gbad, gbad);
    return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                          "无法识别的文本编码：偏移 %zu 字节处不是 UTF-8，偏移 %zu 字节处也不是 "
                          "GB18030 / unrecognised text encoding: not UTF-8 at byte offset %zu, "
                          "not GB18030 at byte offset %zu",
                          utf8_bad, gbad, utf8_bad, gbad);
  }
  if (!o.data) o.data = calloc(1, 1);
  if (!o.data) return nomem(err);
  *owned = o.data;
  *view = o.data;
  *view_len = o.len;
  return TIDU_OK;
}

/* Multi-byte characters in a clean prefix that make UTF-8 certain. */
#define UTF8_PREFIX_EVIDENCE 3

tidu_code tidu_utf8_view_as(const char *data, size_t len, const char *encoding, const char **view,
                            size_t *view_len, char **owned, tidu_error *err) {
  *view = NULL;
  *view_len = 0;
  *owned = NULL;
  const unsigned char *u = (const unsigned char *)data;
  int utf16 = len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff));
  size_t skip = len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf ? 3 : 0;
  if (encoding && *encoding) {
    char e[32];
    size_t n = 0;
    for (const char *p = encoding; *p && n < sizeof e - 1; p++)
      if (*p != '-' && *p != '_') e[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    e[n] = '\0';
    if (!strcmp(e, "gb18030") || !strcmp(e, "gbk") || !strcmp(e, "gb2312") || !strcmp(e, "cp936"))
      return from_gb18030(data, len, view, view_len, owned, 0, 1, err);
    if (!strcmp(e, "utf16") || !strcmp(e, "utf16le") || !strcmp(e, "utf16be")) {
      if (!utf16)
        return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                              "文件没有 UTF-16 字节顺序标记 (BOM) / the file has no UTF-16 byte "
                              "order mark (BOM)");
    } else if (strcmp(e, "utf8") != 0) {
      return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                            "未知的编码 \"%s\"（可用 utf-8、gb18030、utf-16） / unknown encoding "
                            "\"%s\" (use utf-8, gb18030 or utf-16)",
                            e, e);
    } else {
      utf16 = 0;
      size_t bad = tidu_utf8_check(data + skip, len - skip);
      if (bad < len - skip) return bad_utf8(data, skip, bad, WHY_FORCED, err);
      *view = data + skip;
      *view_len = len - skip;
      return TIDU_OK;
    }
  }
  if (utf16) {
    tidu_code rc = from_utf16(data, len, u[0] == 0xfe, owned, view_len, err);
    if (rc == TIDU_OK) *view = *owned;
    return rc;
  }
  size_t bad = tidu_utf8_check(data + skip, len - skip);
  if (bad == len - skip) {
    *view = data + skip;
    *view_len = len - skip;
    return TIDU_OK;
  }
  /* Not valid UTF-8 throughout. Only strong evidence makes it UTF-8 with a damaged byte (an
   * error at its place): a BOM, a clean prefix with several multi-byte characters, or a file
   * whose other non-ASCII text is overwhelmingly valid UTF-8. Otherwise it is read as
   * GB18030, the usual encoding of Chinese files without a BOM. */
  if (skip) return bad_utf8(data, skip, bad, WHY_BOM, err);
  size_t prefix_multi, prefix_bad, multi, nbad;
  utf8_census(data, bad, &prefix_multi, &prefix_bad);
  utf8_census(data, len, &multi, &nbad);
  if (prefix_multi >= UTF8_PREFIX_EVIDENCE || (multi >= 2 && multi >= 4 * nbad))
    return bad_utf8(data, 0, bad, WHY_REST, err);
  return from_gb18030(data, len, view, view_len, owned, bad, 0, err);
}

size_t tidu_utf8_census_add(tidu_utf8_census *c, const char *data, size_t len, int last) {
  size_t i = 0;
  if (!c->started && len > 0) {
    if (len < 3 && !last) return len;
    const unsigned char *u = (const unsigned char *)data;
    c->bom = len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf;
    c->utf16 = len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff));
    c->started = 1;
  }
  while (i < len) {
    size_t ok = tidu_utf8_check(data + i, len - i);
    for (size_t k = i; k < i + ok; k++) c->multi += ((unsigned char)data[k] & 0xc0) == 0xc0;
    i += ok;
    if (i < len) {
      if (!last && len - i < 4) return len - i; /* perhaps a character cut by the block */
      if (!c->nbad) c->prefix_multi = c->multi;
      c->nbad++;
      i++;
    }
  }
  return 0;
}

int tidu_utf8_census_gb18030(const tidu_utf8_census *c) {
  /* as tidu_utf8_view_as decides for a file that is not valid UTF-8 throughout */
  if (!c->nbad || c->bom || c->utf16) return 0;
  return !(c->prefix_multi >= UTF8_PREFIX_EVIDENCE || (c->multi >= 2 && c->multi >= 4 * c->nbad));
}

tidu_code tidu_utf8_view(const char *data, size_t len, const char **view, size_t *view_len,
                         char **owned, tidu_error *err) {
  return tidu_utf8_view_as(data, len, NULL, view, view_len, owned, err);
}

tidu_code tidu_to_utf8(const char *data, size_t len, char **out, size_t *out_len, tidu_error *err) {
  const char *view;
  size_t vlen;
  char *owned;
  *out = NULL;
  *out_len = 0;
  tidu_code rc = tidu_utf8_view(data, len, &view, &vlen, &owned, err);
  if (rc != TIDU_OK) return rc;
  if (!owned) {
    owned = tidu_malloc(vlen + 1);
    if (!owned) return nomem(err);
    memcpy(owned, view, vlen);
    owned[vlen] = '\0';
  }
  *out = owned;
  *out_len = vlen;
  return TIDU_OK;
}
