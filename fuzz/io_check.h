/* Shared by the CSV/JSON fuzz targets and the corpus replay test: reads every record of an input
 * and checks that each firm survives tidu_firm_to_json and back unchanged. */
#ifndef TIDU_FUZZ_IO_CHECK_H
#define TIDU_FUZZ_IO_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/io.h"
#include "tidu/num.h"

/* Reads one firm back from its JSON text; returns 0 when its JSON is the same text again. */
static inline int io_check_round_trip(const char *js) {
  tidu_reader *r = NULL;
  if (tidu_reader_open_mem("rt.json", js, strlen(js), TIDU_FMT_JSON, NULL, &r, NULL) != TIDU_OK)
    return -1;
  tidu_firm back;
  tidu_firm_init(&back);
  int done = 1, ok = -1;
  if (tidu_reader_next(r, &back, &done, NULL) == TIDU_OK && !done) {
    char *again = tidu_firm_to_json(&back);
    ok = again && strcmp(again, js) == 0 ? 0 : -1;
    free(again);
  }
  tidu_firm_clear(&back);
  tidu_reader_close(r);
  return ok;
}

/* Exercises the value parsers on the raw bytes (bounded length). */
static inline void io_check_values(const uint8_t *data, size_t size) {
  static const tidu_type types[] = {TIDU_T_MONEY, TIDU_T_RATIO, TIDU_T_COUNT, TIDU_T_YEARS,
                                    TIDU_T_SCORE, TIDU_T_BOOL,  TIDU_T_DATE};
  size_t n = size < 300 ? size : 300;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    int64_t v;
    char buf[64];
    if (tidu_parse_value(types[i], (const char *)data, n, 10000, 0, &v, NULL) == TIDU_OK)
      tidu_format_value(types[i], v, i % 2 ? "en" : "zh", buf, sizeof buf);
  }
  int64_t d;
  if (tidu_parse_date((const char *)data, n, 1, &d, NULL) == TIDU_OK && d != TIDU_MISSING) {
    char buf[11];
    tidu_format_date(d, buf);
  }
}

/* Reads all records of data as `fmt`. Returns 0, or -1 when an invariant is broken. */
static inline int io_check_input(const uint8_t *data, size_t size, tidu_format fmt) {
  tidu_reader *r = NULL;
  tidu_error err;
  if (tidu_reader_open_mem("fuzz", (const char *)data, size, fmt, NULL, &r, &err) != TIDU_OK)
    return err.message[0] ? 0 : -1;
  tidu_firm f;
  tidu_firm_init(&f);
  int bad = 0;
  for (int i = 0; i < 10000 && !bad; i++) {
    int done = 0;
    tidu_code rc = tidu_reader_next(r, &f, &done, &err);
    if (rc == TIDU_OK && done) break;
    if (rc != TIDU_OK) {
      bad = err.message[0] == '\0';
      if (rc == TIDU_ERR_NOMEM || rc == TIDU_ERR_LIMIT || rc == TIDU_ERR_IO) break;
      continue;
    }
    char *js = tidu_firm_to_json(&f);
    bad = !js || io_check_round_trip(js) != 0;
    free(js);
  }
  tidu_error w;
  while (tidu_reader_warning(r, &w)) bad |= w.message[0] == '\0';
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  return bad ? -1 : 0;
}

#endif
