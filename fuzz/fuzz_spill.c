/* libFuzzer entry point for the bounded-memory import reader (io/spill.c): a CSV file spilled by
 * firm into temporary files, read as UTF-8 or converted from GB18030 as it is read, gives the
 * firms, errors and warnings (each with its file:line:col) that reading the file whole gives,
 * in an order grouped by temporary file; never a crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/internal.h"
#include "io_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
  return h;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The digests of everything reading gives, one per firm, error or warning, sorted; their
 * number in *n (at most `cap`). Spilled (`path`, every file spills) or read whole. */
static uint64_t *read_items(const char *path, const uint8_t *data, size_t size, int spill,
                            size_t cap, size_t *n) {
  uint64_t *v = calloc(cap, sizeof *v);
  *n = 0;
  if (!v) return NULL;
  tidu_reader *r = NULL;
  tidu_error err;
  char line[1400];
  tidu_code rc =
      spill ? tidu_reader_open_bounded(path, TIDU_FMT_CSV, NULL, 1, &r, &err)
            : tidu_reader_open_mem(path, (const char *)data, size, TIDU_FMT_CSV, NULL, &r, &err);
  if (rc != TIDU_OK) {
    tidu_error_format(&err, line, sizeof line);
    v[(*n)++] = fnv(1469598103934665603ULL, line, strlen(line));
    return v;
  }
  tidu_firm f;
  tidu_firm_init(&f);
  while (*n + 1 < cap) {
    int done = 0;
    uint64_t h = 1469598103934665603ULL;
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
    v[(*n)++] = h;
    tidu_error w;
    while (*n < cap && tidu_reader_warning(r, &w)) {
      tidu_error_format(&w, line, sizeof line);
      v[(*n)++] = fnv(fnv(1469598103934665603ULL, "W", 1), line, strlen(line));
    }
    if (rc != TIDU_OK && rc != TIDU_ERR_INPUT && rc != TIDU_ERR_DATA) break;
  }
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  qsort(v, *n, sizeof *v, cmp_u64);
  return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/tidu-fuzz-spill-XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0) return 0;
  int wrote = write(fd, data, size) == (ssize_t)size;
  close(fd);
  if (wrote) {
    enum { CAP = 4096 };
    size_t na = 0, nb = 0;
    uint64_t *a = read_items(path, data, size, 1, CAP, &na);
    uint64_t *b = read_items(path, data, size, 0, CAP, &nb);
    int same = a && b && na == nb && memcmp(a, b, na * sizeof *a) == 0;
    free(a);
    free(b);
    unlink(path);
    if (!same) __builtin_trap();
  } else {
    unlink(path);
  }
  return 0;
}
