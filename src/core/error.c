/* Error values: filling, clearing and formatting tidu_error. */
#include "tidu/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

tidu_code tidu_error_set(tidu_error *err, tidu_code code, const char *file, long line, long col,
                         const char *fmt, ...) {
  if (!err) return code;
  memset(err, 0, sizeof *err);
  err->code = code;
  if (file) snprintf(err->file, sizeof err->file, "%s", file);
  err->line = line;
  err->col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
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
