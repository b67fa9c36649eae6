/* Shared helpers for the firm reader tests: read a text through tidu_reader and log the result.
 * Include after <cmocka.h>. */
#ifndef TIDU_TEST_IO_HELPERS_H
#define TIDU_TEST_IO_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/io.h"

/* read_log flags */
enum {
  LOG_WARN_COLUMNS = 1, /* end each warning line with " [column]" */
  LOG_STOP_FATAL = 2,   /* stop reading after an out-of-memory, limit or I/O error */
};

/* Reads all of `text` as file `name` in format `fmt` and logs one "F <json>" line per firm,
 * "E <error> [column]" per error and, at the end, "W <warning>" per warning. Returns the log (a
 * static buffer, overwritten by the next call), or "OPEN <error>" when opening fails. */
static inline const char *read_log(const char *name, const char *text, tidu_format fmt, int flags) {
  static char log_buf[16384];
  tidu_reader *r;
  tidu_error err;
  size_t n = 0;
  char line[1024];
  log_buf[0] = '\0';
  if (tidu_reader_open_mem(name, text, strlen(text), fmt, NULL, &r, &err) != TIDU_OK) {
    tidu_error_format(&err, line, sizeof line);
    snprintf(log_buf, sizeof log_buf, "OPEN %s", line);
    return log_buf;
  }
  tidu_firm f;
  tidu_firm_init(&f);
  for (int guard = 0; guard < 100; guard++) {
    int done = 0;
    tidu_code rc = tidu_reader_next(r, &f, &done, &err);
    if (rc == TIDU_OK && done) break;
    if (rc == TIDU_OK) {
      char *js = tidu_firm_to_json(&f);
      assert_non_null(js);
      n += (size_t)snprintf(log_buf + n, sizeof log_buf - n, "F %s\n", js);
      free(js);
      continue;
    }
    tidu_error_format(&err, line, sizeof line);
    n += (size_t)snprintf(log_buf + n, sizeof log_buf - n, "E %s [%s]\n", line, err.column_name);
    if ((flags & LOG_STOP_FATAL) &&
        (rc == TIDU_ERR_NOMEM || rc == TIDU_ERR_LIMIT || rc == TIDU_ERR_IO))
      break;
  }
  tidu_error w;
  while (tidu_reader_warning(r, &w)) {
    tidu_error_format(&w, line, sizeof line);
    if (flags & LOG_WARN_COLUMNS)
      n += (size_t)snprintf(log_buf + n, sizeof log_buf - n, "W %s [%s]\n", line, w.column_name);
    else
      n += (size_t)snprintf(log_buf + n, sizeof log_buf - n, "W %s\n", line);
  }
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  return log_buf;
}

static inline void assert_contains(const char *hay, const char *needle) {
  if (!strstr(hay, needle)) fail_msg("expected to find\n  %s\nin\n%s", needle, hay);
}

#endif
