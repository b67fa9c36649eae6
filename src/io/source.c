/* Firm sources over the io readers: table files (CSV, XLSX, JSON, NDJSON) and packs. */
#include "io/internal.h"
#include "tidu/io.h"
#include "tidu/pack.h"
#include "tidu/source.h"
#include "tidu/toolkit.h"

/* ---- a table file ---- */

static tidu_code reader_next(void *self, tidu_firm *firm, int *done, tidu_error *err) {
  return tidu_reader_next(self, firm, done, err);
}

static int reader_warning(void *self, tidu_error *warn) {
  return tidu_reader_warning(self, warn);
}

static void reader_close(void *self) {
  tidu_reader_close(self);
}

static int reader_columns(void *self, int32_t year, const unsigned char *firm,
                          const unsigned char *yfield, size_t max_lanes) {
  return tidu_reader_columns(self, year, firm, yfield, max_lanes);
}

static tidu_code reader_chunk_next(void *self, const tidu_source_rows *rows, const tidu_chunk **out,
                                   void **hold, int *done, tidu_error *err) {
  return tidu_reader_chunk(self, rows, out, hold, done, err);
}

static void reader_chunk_done(void *self, void *hold) {
  tidu_reader_chunk_done(self, hold);
}

static const tidu_source_ops reader_ops = {.next = reader_next,
                                           .warning = reader_warning,
                                           .columns = reader_columns,
                                           .chunk_next = reader_chunk_next,
                                           .chunk_done = reader_chunk_done,
                                           .close = reader_close};

tidu_source *tidu_reader_source(tidu_reader *rd) {
  return tidu_source_new(&reader_ops, rd);
}

/* ---- a pack ---- */

typedef struct pack_src {
  tidu_pack *pack;
  size_t row; /* the next firm for one-at-a-time reading */
} pack_src;

static tidu_code pack_next(void *self, tidu_firm *firm, int *done, tidu_error *err) {
  pack_src *p = self;
  *done = p->row >= tidu_pack_count(p->pack);
  return *done ? TIDU_OK : tidu_pack_firm(p->pack, p->row++, firm, err);
}

static size_t pack_count(void *self) {
  return tidu_pack_count(((pack_src *)self)->pack);
}

static size_t pack_block_rows(void *self) {
  return tidu_pack_block_rows(((pack_src *)self)->pack);
}

static size_t pack_slices(void *self, size_t cap) {
  return tidu_pack_slices(((pack_src *)self)->pack, cap);
}

static void *pack_cursor_new(void *self, size_t cap) {
  return tidu_pack_cursor_new(((pack_src *)self)->pack, cap);
}

static tidu_code pack_cursor_read(void *cursor, size_t index, int32_t year, const tidu_chunk **out,
                                  size_t *first, tidu_error *err) {
  return tidu_pack_read(cursor, index, year, out, first, err);
}

static void pack_cursor_free(void *cursor) {
  tidu_pack_cursor_free(cursor);
}

static void pack_close(void *self) {
  pack_src *p = self;
  tidu_pack_close(p->pack);
  tidu_free(p);
}

static const tidu_source_ops pack_ops = {.next = pack_next,
                                         .count = pack_count,
                                         .block_rows = pack_block_rows,
                                         .slices = pack_slices,
                                         .cursor_new = pack_cursor_new,
                                         .cursor_read = pack_cursor_read,
                                         .cursor_free = pack_cursor_free,
                                         .close = pack_close};

tidu_source *tidu_pack_source(tidu_pack *pack) {
  pack_src *p = tidu_calloc(1, sizeof *p);
  if (!p) {
    tidu_pack_close(pack);
    return NULL;
  }
  p->pack = pack;
  return tidu_source_new(&pack_ops, p);
}

/* ---- a file of either kind ---- */

tidu_code tidu_source_open_file(const char *path, const char *sheet, tidu_source **out,
                                tidu_error *err) {
  tidu_read_options ro = {.sheet = sheet};
  return tidu_source_open_file_opt(path, &ro, out, err);
}

tidu_code tidu_source_open_file_opt(const char *path, const tidu_read_options *ro,
                                    tidu_source **out, tidu_error *err) {
  *out = NULL;
  tidu_code rc;
  if (tidu_pack_sniff(path)) {
    tidu_pack *pack = NULL;
    rc = tidu_pack_open(path, &pack, err);
    if (rc == TIDU_OK) *out = tidu_pack_source(pack);
  } else {
    tidu_reader *rd = NULL;
    rc = tidu_reader_open(path, TIDU_FMT_AUTO, ro, &rd, err);
    if (rc == TIDU_OK) *out = tidu_reader_source(rd);
  }
  if (rc == TIDU_OK && !*out)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  return rc;
}
