/* libFuzzer entry point for the CSV firm reader: never a crash or leak, every firm read
 * survives tidu_firm_to_json and back unchanged, and the parallel reader gives what the
 * sequential one gives (firms, errors, warnings, line numbers), firm by firm and straight into
 * chunk columns. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* Lanes, and apart the errors and warnings, as reading into chunks gives them. */
typedef struct digests {
  uint64_t lanes, notes;
} digests;

static uint64_t lane_digest(uint64_t h, const tidu_chunk *c, size_t l) {
  h = fnv(h, &c->base[l], sizeof c->base[l]);
  for (int k = 0; k < TIDU_NFIRM; k++) {
    if (c->text[k])
      h = c->text[k][l] ? fnv(h, c->text[k][l], strlen(c->text[k][l]) + 1) : fnv(h, "-", 1);
    else
      h = fnv(h, &c->firm[k][l], sizeof c->firm[k][l]);
  }
  for (int f = 0; f < TIDU_NYEAR; f++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) h = fnv(h, &c->yr[f][k][l], sizeof(int64_t));
  return h;
}

static uint64_t note_digest(uint64_t h, const char *kind, const tidu_error *e) {
  char line[1400];
  tidu_error_format(e, line, sizeof line);
  return fnv(fnv(fnv(h, kind, 1), line, strlen(line)), e->column_name, strlen(e->column_name));
}

static tidu_code on_error(void *ctx, tidu_code rc, const tidu_error *e) {
  (void)rc;
  digests *d = ctx;
  d->notes = note_digest(d->notes, "E", e);
  return TIDU_OK;
}

static void on_warning(void *ctx, const tidu_error *w) {
  digests *d = ctx;
  d->notes = note_digest(d->notes, "W", w);
}

/* Reading as the batch engine does: 1 thread, firm by firm laid out by tidu_chunk_add; more,
 * straight into chunks of at most 7 lanes. */
static digests cols_digest(const uint8_t *data, size_t size, int threads, size_t part) {
  digests d = {1469598103934665603ULL, 1469598103934665603ULL};
  tidu_read_options ro = {.threads = threads};
  tidu_reader *r = NULL;
  tidu_error err, w;
  tidu_ptable_part_bytes = part;
  if (tidu_reader_open_mem("f.csv", (const char *)data, size, TIDU_FMT_CSV, &ro, &r, &err) !=
      TIDU_OK) {
    tidu_ptable_part_bytes = 0;
    d.notes = note_digest(d.notes, "O", &err);
    return d;
  }
  while (tidu_reader_warning(r, &w)) on_warning(&d, &w);
  if (threads > 1 && tidu_reader_columns(r, 0, NULL, NULL, 7)) {
    tidu_source_rows cb = {&d, on_error, on_warning};
    for (;;) {
      const tidu_chunk *c;
      void *hold;
      int done = 0;
      tidu_code rc = tidu_reader_chunk(r, &cb, &c, &hold, &done, &err);
      if (rc != TIDU_OK) {
        d.notes = note_digest(d.notes, "F", &err);
        break;
      }
      if (done) break;
      if (c->n == 0 || c->n > 7) __builtin_trap();
      for (size_t l = 0; l < c->n; l++) d.lanes = lane_digest(d.lanes, c, l);
      tidu_reader_chunk_done(r, hold);
    }
  } else {
    tidu_chunk *c = tidu_chunk_new(1);
    tidu_firm f;
    tidu_firm_init(&f);
    for (int guard = 0; c && guard < 100000; guard++) {
      int done = 0;
      tidu_code rc = tidu_reader_next(r, &f, &done, &err);
      while (tidu_reader_warning(r, &w)) on_warning(&d, &w);
      if (rc == TIDU_OK && done) break;
      if (rc == TIDU_OK) {
        tidu_chunk_reset(c);
        tidu_chunk_add(c, &f, 0);
        d.lanes = lane_digest(d.lanes, c, 0);
      } else if (rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA) {
        on_error(&d, rc, &err);
      } else {
        d.notes = note_digest(d.notes, "F", &err);
        break;
      }
    }
    tidu_firm_clear(&f);
    tidu_chunk_free(c);
  }
  tidu_reader_close(r);
  tidu_ptable_part_bytes = 0;
  return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  io_check_values(data, size);
  if (io_check_input(data, size, TIDU_FMT_CSV) != 0) __builtin_trap();
  size_t part = size ? 1 + data[size - 1] % 61 : 1; /* cuts anywhere: inside quotes, characters */
  if (read_digest(data, size, 1, 0) != read_digest(data, size, 2, part)) __builtin_trap();
  digests one = cols_digest(data, size, 1, 0), two = cols_digest(data, size, 2, part);
  if (one.lanes != two.lanes || one.notes != two.notes) __builtin_trap();
  return 0;
}
