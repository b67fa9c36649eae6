/* Error values: filling, clearing and formatting tidu_error. */
#include "tidu/error.h"

#include <stdarg.h>
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
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  /* a message cut short ends on a character boundary, never inside a character */
  if (n >= (int)sizeof err->message) tidu_utf8_cut_tail(err->message);
  return code;
}

void tidu_error_clear(tidu_error *err) {
  if (err) memset(err, 0, sizeof *err);
}

size_t tidu_error_format(const tidu_error *err, char *buf, size_t size) {
  if (!err || !buf || size == 0) return 0;
  int n;
  if (err->file[0] && err->line > 0 && err->col > 0)
    n = snprintf(buf, size, "%s:%ld:%ld: %s", err->file, err->line, err->col, err->message);
  else if (err->file[0] && err->line > 0)
    n = snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->message);
  else if (err->file[0])
    n = snprintf(buf, size, "%s: %s", err->file, err->message);
  else
    n = snprintf(buf, size, "%s", err->message);
  if (n < 0) return 0;
  return (size_t)n < size ? (size_t)n : size - 1;
}
