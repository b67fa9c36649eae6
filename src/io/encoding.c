/* Text encodings of input files: BOM sniffing, strict UTF-8 checking, GB18030 and UTF-16 to UTF-8.
 */
#include "io/internal.h"
#include "tidu/io.h"
#include "tidu/toolkit.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

size_t tidu_utf8_check(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
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

tidu_code tidu_utf8_view(const char *data, size_t len, const char **view, size_t *view_len,
                         char **owned, tidu_error *err) {
  *view = NULL;
  *view_len = 0;
  *owned = NULL;
  const unsigned char *u = (const unsigned char *)data;
  if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
    tidu_code rc = from_utf16(data, len, u[0] == 0xfe, owned, view_len, err);
    if (rc == TIDU_OK) *view = *owned;
    return rc;
  }
  size_t skip = len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf ? 3 : 0;
  size_t bad = tidu_utf8_check(data + skip, len - skip);
  if (bad == len - skip) {
    *view = data + skip;
    *view_len = len - skip;
    return TIDU_OK;
  }
  if (skip)
    return tidu_error_set(
        err, TIDU_ERR_INPUT, NULL, 0, 0,
        "文件以 UTF-8 BOM 开头，但在偏移 %zu 字节处不是合法的 UTF-8 / file starts "
        "with a UTF-8 BOM but is not valid UTF-8 at byte offset %zu",
        bad + skip, bad + skip);
  outbuf o = {0};
  size_t gbad = 0;
  int rc = convert("GB18030", 1, data, len, &o, &gbad);
  if (rc == -1) {
    free(o.data);
    return nomem(err);
  }
  if (rc == -2) {
    free(o.data);
    return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                          "无法识别的文本编码：偏移 %zu 字节处不是 UTF-8，偏移 %zu 字节处也不是 "
                          "GB18030 / unrecognised text encoding: not UTF-8 at byte offset %zu, "
                          "not GB18030 at byte offset %zu",
                          bad, gbad, bad, gbad);
  }
  *owned = o.data;
  *view = o.data;
  *view_len = o.len;
  return TIDU_OK;
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
