/* libFuzzer entry point for the CSV firm reader: never a crash or leak, every firm read
 * survives tidu_firm_to_json and back unchanged, and the parallel reader gives what the
 * sequential one gives (firms, errors, warnings, line numbers). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io/internal.h"
#include "io_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
  return h;
}

/* A digest of everything reading the input gives: with `threads` threads and parts of `part`
 * bytes (the parallel reader is used when the data rows span more than one part). */
static uint64_t read_digest(const uint8_t *data, size_t size, int threads, size_t part) {
  uint64_t h = 1469598103934665603ULL;
  tidu_read_options ro = {.threads = threads};
  tidu_reader *r = NULL;
  tidu_error err;
  char line[1400];
  tidu_ptable_part_bytes = part;
  tidu_code rc =
      tidu_reader_open_mem("f.csv", (const char *)data, size, TIDU_FMT_CSV, &ro, &r, &err);
  if (rc != TIDU_OK) {
    tidu_ptable_part_bytes = 0;
    tidu_error_format(&err, line, sizeof line);
    return fnv(h, line, strlen(line));
  }
  tidu_firm f;
  tidu_firm_init(&f);
  for (int guard = 0; guard < 100000; guard++) {
    int done = 0;
    rc = tidu_reader_next(r, &f, &done, &err);
    h = fnv(h, &rc, sizeof rc);
    if (rc == TIDU_OK && done) break;
    if (rc == TIDU_OK) {
      char *js = tidu_firm_to_json(&f);
      if (js) h = fnv(h, js, strlen(js));
      free(js);
      h = fnv(h, &f.src_line, sizeof f.src_line);
      for (size_t y = 0; y < f.nyears; y++)
        h = fnv(h, &f.years[y].src_line, sizeof f.years[y].src_line);
    } else {
      tidu_error_format(&err, line, sizeof line);
      h = fnv(fnv(h, line, strlen(line)), err.column_name, strlen(err.column_name));
    }
    tidu_error w;
    while (tidu_reader_warning(r, &w)) {
      tidu_error_format(&w, line, sizeof line);
      h = fnv(fnv(h, "W", 1), line, strlen(line));
    }
    if (rc == TIDU_ERR_NOMEM || rc == TIDU_ERR_LIMIT || rc == TIDU_ERR_IO) break;
  }
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  tidu_ptable_part_bytes = 0;
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  io_check_values(data, size);
  if (io_check_input(data, size, TIDU_FMT_CSV) != 0) __builtin_trap();
  size_t part = size ? 1 + data[size - 1] % 61 : 1; /* cuts anywhere: inside quotes, characters */
  if (read_digest(data, size, 1, 0) != read_digest(data, size, 2, part)) __builtin_trap();
  return 0;
}
