/* Error values: filling, clearing and formatting tidu_error, with the message kept in both
 * languages. */
#include "tidu/error.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void tidu_utf8_cut_tail(char *s) {
  size_t n = strlen(s);
  if (n == 0 || !((unsigned char)s[n - 1] & 0x80)) return;
  /* find the start of the last sequence and check that it is complete */
  size_t start = n;
  while (start > 0 && n - start < 4 && ((unsigned char)s[start - 1] & 0xc0) == 0x80) start--;
  if (start == 0) return;
  unsigned char lead = (unsigned char)s[start - 1];
  size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (lead >= 0xc0 && n - (start - 1) < want) s[start - 1] = '\0';
}

/* ---- one language of a "中文 / English" format ----------------------------------------- */

/* An output buffer that cuts at its end (on a character boundary, see out_end). */
typedef struct {
  char *p;
  size_t size, n;
  int split; /* a %s argument was a "中文 / English" pair and gave one half */
} out;

static void out_put(out *o, const char *s, size_t len) {
  if (!o->size || o->n + 1 >= o->size) return;
  size_t room = o->size - 1 - o->n;
  if (len > room) len = room;
  memcpy(o->p + o->n, s, len);
  o->n += len;
  o->p[o->n] = '\0';
}

/* 1 when the characters before a conversion in the format open a quotation: a quoted argument
 * is a value the user wrote, never split into languages. */
static int quoted(const char *fmt, const char *at) {
  static const char *const opens[] = {"\"", "'", "“", "‘", "「", "《", "("};
  for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
    size_t k = strlen(opens[i]);
    if ((size_t)(at - fmt) >= k && !memcmp(at - k, opens[i], k)) return 1;
  }
  return 0;
}

/* Copies a quotation mark written just before (after = 0) or just after (after = 1) a
 * conversion, so that a value carried over to the other language keeps its quotes. */
static void put_quote(out *o, const char *fmt, const char *at, int after) {
  static const char *const marks[] = {"'", "\"", "“", "”", "‘", "’"};
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
    size_t k = strlen(marks[i]);
    int here =
        after ? !strncmp(at, marks[i], k) : (size_t)(at - fmt) >= k && !memcmp(at - k, marks[i], k);
    if (here) {
      out_put(o, marks[i], k);
      return;
    }
  }
}

/* The number of conversions (not counting %%) between f and end. */
static size_t count_convs(const char *f, const char *end) {
  size_t n = 0;
  for (; f < end; f++) {
    if (*f != '%') continue;
    if (f + 1 < end && f[1] == '%') {
      f++;
      continue;
    }
    n++;
  }
  return n;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* Renders the format between `f` and `end` into `o`, taking arguments from `ap`; a plain %s
 * argument holding "中文 / English" contributes only its half `half` (0 Chinese, 1 English).
 * With `extra`, writes only the values of the conversions after the first `skip` there, each
 * with its quotation marks, separated by spaces. */
static void render(out *o, const char *fmt, const char *f, const char *end, va_list *ap, int half,
                   out *extra, size_t skip) {
  out none = {NULL, 0, 0, 0};
  out *text = extra ? &none : o; /* collecting: the literal text is not wanted */
  size_t conv_no = 0;
  while (f < end) {
    const char *pct = memchr(f, '%', (size_t)(end - f));
    if (!pct) {
      out_put(text, f, (size_t)(end - f));
      return;
    }
    out_put(text, f, (size_t)(pct - f));
    const char *q = pct + 1;
    if (q < end && *q == '%') {
      out_put(text, "%", 1);
      f = q + 1;
      continue;
    }
    /* collecting the conversions after the first `skip`: each with the quotes around it */
    out *dst = o;
    if (extra) {
      dst = conv_no++ >= skip ? extra : &none;
      if (dst == extra && extra->n) out_put(extra, " ", 1);
      if (dst == extra) put_quote(extra, fmt, pct, 0);
    }
    /* the conversion: flags, width, precision, length, type; '*' are taken as arguments */
    char spec[48];
    size_t sn = 0;
    spec[sn++] = '%';
    while (q < end && strchr("-+ #0", *q) && sn < 8) spec[sn++] = *q++;
    for (int part = 0; part < 2; part++) {
      if (part == 1) {
        if (q >= end || *q != '.') break;
        spec[sn++] = *q++;
      }
      if (q < end && *q == '*') {
        sn += (size_t)snprintf(spec + sn, sizeof spec - sn, "%d", va_arg(*ap, int));
        q++;
      } else {
        while (q < end && *q >= '0' && *q <= '9' && sn < 30) spec[sn++] = *q++;
      }
    }
    char len[3] = "";
    size_t ln = 0;
    while (q < end && strchr("hlzjtL", *q) && ln < 2) len[ln++] = *q++;
    len[ln] = '\0';
    if (q >= end) return; /* a cut format: nothing sensible to print */
    char conv = *q++;
    memcpy(spec + sn, len, ln);
    sn += ln;
    spec[sn++] = conv;
    spec[sn] = '\0';
    char buf[512];
    int n = 0;
    switch (conv) {
    case 'd':
    case 'i':
      if (!strcmp(len, "l"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, long));
      else if (!strcmp(len, "ll"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, long long));
      else if (!strcmp(len, "z") || !strcmp(len, "t"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, ptrdiff_t));
      else if (!strcmp(len, "j"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, intmax_t));
      else
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, int));
      break;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
      if (!strcmp(len, "l"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned long));
      else if (!strcmp(len, "ll"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned long long));
      else if (!strcmp(len, "z") || !strcmp(len, "t"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, size_t));
      else if (!strcmp(len, "j"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, uintmax_t));
      else
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned));
      break;
    case 'c':
      n = snprintf(buf, sizeof buf, spec, va_arg(*ap, int));
      break;
    case 'p':
      n = snprintf(buf, sizeof buf, spec, va_arg(*ap, void *));
      break;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
      if (!strcmp(len, "L"))
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, long double));
      else
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, double));
      break;
    case 's': {
      const char *s = va_arg(*ap, const char *);
      if (!s) s = "(null)";
      const char *sep = sn == 2 && !quoted(fmt, pct) ? strstr(s, " / ") : NULL;
      if (sep) {
        if (half == 0)
          out_put(dst, s, (size_t)(sep - s));
        else
          out_put(dst, sep + 3, strlen(sep + 3));
        dst->split = 1;
        n = 0;
      } else {
        n = snprintf(buf, sizeof buf, spec, s);
      }
      break;
    }
    default: /* %n and unknown conversions print nothing and take nothing */
      n = 0;
      break;
    }
    if (n > 0) out_put(dst, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    if (extra && dst == extra) put_quote(extra, fmt, q, 1);
    f = q;
  }
}
#pragma GCC diagnostic pop

/* Fills message_zh and message_en from the format: each side of its first " / ", or the whole
 * format twice when it has no separator. A value only one side prints ("未知格式 / unknown
 * format '%s'") is added to the other side after a colon ("未知格式：'xml'"), so that each form
 * is whole on its own. */
static void split_message(tidu_error *err, const char *fmt, va_list ap) {
  out zh = {err->message_zh, sizeof err->message_zh, 0, 0};
  out en = {err->message_en, sizeof err->message_en, 0, 0};
  err->message_zh[0] = err->message_en[0] = '\0';
  const char *end = fmt + strlen(fmt);
  const char *sep = strstr(fmt, " / ");
  va_list a;
  va_copy(a, ap);
  if (sep) {
    size_t cz = count_convs(fmt, sep), ce = count_convs(sep + 3, end);
    char more[512];
    out extra = {more, sizeof more, 0, 0};
    more[0] = '\0';
    if (cz > ce) { /* values only the Chinese side prints, for the English form */
      va_list z;
      va_copy(z, ap);
      render(&en, fmt, fmt, sep, &z, 1, &extra, ce);
      va_end(z);
    }
    render(&zh, fmt, fmt, sep, &a, 0, NULL, 0);
    if (ce > cz) { /* values only the English side prints, for the Chinese form */
      va_list e;
      va_copy(e, a);
      render(&zh, fmt, sep + 3, end, &e, 0, &extra, cz);
      va_end(e);
      if (extra.n) {
        out_put(&zh, "：", strlen("："));
        out_put(&zh, more, extra.n);
      }
      extra.n = 0;
    }
    render(&en, fmt, sep + 3, end, &a, 1, NULL, 0);
    if (extra.n) {
      out_put(&en, ": ", 2);
      out_put(&en, more, extra.n);
    }
  } else {
    va_list b;
    va_copy(b, ap);
    render(&zh, fmt, fmt, end, &a, 0, NULL, 0);
    render(&en, fmt, fmt, end, &b, 1, NULL, 0);
    va_end(b);
  }
  va_end(a);
  tidu_utf8_cut_tail(err->message_zh);
  tidu_utf8_cut_tail(err->message_en);
  /* a pair inside a pair ("无法读取%s / cannot read %s" with "目录 / directory") reads as
   * "无法读取目录 / directory / cannot read 目录 / directory" when printed whole: the whole
   * message is then the two forms joined */
  if (sep && (zh.split || en.split) &&
      snprintf(err->message, sizeof err->message, "%s / %s", err->message_zh, err->message_en) >=
          (int)sizeof err->message)
    tidu_utf8_cut_tail(err->message);
}

void tidu_error_vmessage(tidu_error *err, const char *fmt, va_list ap) {
  if (!err) return;
  va_list a;
  va_copy(a, ap);
  int n = vsnprintf(err->message, sizeof err->message, fmt, a);
  va_end(a);
  if (n < 0) err->message[0] = '\0';
  /* a message cut short ends on a character boundary, never inside a character */
  if (n >= (int)sizeof err->message) tidu_utf8_cut_tail(err->message);
  split_message(err, fmt, ap);
}

tidu_code tidu_error_set(tidu_error *err, tidu_code code, const char *file, long line, long col,
                         const char *fmt, ...) {
  if (!err) return code;
  memset(err, 0, sizeof *err);
  err->code = code;
  if (file && snprintf(err->file, sizeof err->file, "%s", file) >= (int)sizeof err->file)
    tidu_utf8_cut_tail(err->file);
  err->line = line;
  err->col = col;
  va_list ap;
  va_start(ap, fmt);
  tidu_error_vmessage(err, fmt, ap);
  va_end(ap);
  return code;
}

void tidu_error_set_texts(tidu_error *err, const char *zh, const char *en) {
  if (!err) return;
  zh = zh ? zh : "";
  en = en ? en : "";
  int n;
  if (!zh[0] || !en[0] || !strcmp(zh, en))
    n = snprintf(err->message, sizeof err->message, "%s", zh[0] ? zh : en);
  else
    n = snprintf(err->message, sizeof err->message, "%s / %s", zh, en);
  if (n < 0) err->message[0] = '\0';
  if (n >= (int)sizeof err->message) tidu_utf8_cut_tail(err->message);
  if (snprintf(err->message_zh, sizeof err->message_zh, "%s", zh[0] ? zh : en) >=
      (int)sizeof err->message_zh)
    tidu_utf8_cut_tail(err->message_zh);
  if (snprintf(err->message_en, sizeof err->message_en, "%s", en[0] ? en : zh) >=
      (int)sizeof err->message_en)
    tidu_utf8_cut_tail(err->message_en);
}

const char *tidu_error_text(const tidu_error *err, const char *lang) {
  if (!err) return "";
  if (lang && !strncmp(lang, "en", 2) && err->message_en[0]) return err->message_en;
  if (lang && !strncmp(lang, "zh", 2) && err->message_zh[0]) return err->message_zh;
  return err->message;
}

void tidu_error_clear(tidu_error *err) {
  if (err) memset(err, 0, sizeof *err);
}

size_t tidu_error_format_lang(const tidu_error *err, const char *lang, char *buf, size_t size) {
  if (!err || !buf || size == 0) return 0;
  const char *msg = tidu_error_text(err, lang);
  int n;
  if (err->file[0] && err->line > 0 && err->col > 0)
    n = snprintf(buf, size, "%s:%ld:%ld: %s", err->file, err->line, err->col, msg);
  else if (err->file[0] && err->line > 0)
    n = snprintf(buf, size, "%s:%ld: %s", err->file, err->line, msg);
  else if (err->file[0])
    n = snprintf(buf, size, "%s: %s", err->file, msg);
  else
    n = snprintf(buf, size, "%s", msg);
  if (n < 0) return 0;
  return (size_t)n < size ? (size_t)n : size - 1;
}

size_t tidu_error_format(const tidu_error *err, char *buf, size_t size) {
  return tidu_error_format_lang(err, NULL, buf, size);
}
