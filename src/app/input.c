/* Resolving the inputs a user names (files, packs, db:PATH) into one firm source. */
#include "tidu/app.h"

#include <stdlib.h>
#include <string.h>

#include "tidu/io.h"
#include "tidu/pack.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"

const char *tidu_input_db_path(const char *path) {
  if (path) return path; /* "" stays "": opening it fails, naming the mistake */
  const char *env = getenv("TIDU_DB");
  return env ? env : "tidu.db";
}

tidu_code tidu_input_open_one(const char *path, const char *sheet, tidu_source **out,
                              tidu_error *err) {
  tidu_read_options ro = {.sheet = sheet};
  return tidu_input_open_one_opt(path, &ro, out, err);
}

tidu_code tidu_input_open_one_opt(const char *path, const tidu_read_options *ro, tidu_source **out,
                                  tidu_error *err) {
  return tidu_input_open_one_fields(path, ro, NULL, NULL, out, err);
}

tidu_code tidu_input_open_one_fields(const char *path, const tidu_read_options *ro,
                                     const unsigned char *firm, const unsigned char *year,
                                     tidu_source **out, tidu_error *err) {
  if (!strncmp(path, "db:", 3)) {
    /* "db:" alone: the database read-only work reads, $TIDU_DB_READ (the CLI's --db-read, e.g.
     * a streaming replica) when set */
    const char *rd = getenv("TIDU_DB_READ");
    return tidu_store_source_open_fields(
        !path[3] && rd && *rd ? rd : tidu_input_db_path(path[3] ? path + 3 : NULL), firm, year, out,
        err);
  }
  return tidu_source_open_file_opt(path, ro, out, err);
}

typedef struct chain {
  char *const *paths;
  size_t n, next;
  tidu_read_options ro;
  const unsigned char *firm, *year; /* fields registry inputs read (NULL: all) */
  tidu_source *cur;                 /* the input being read */
} chain;

static tidu_code chain_next(void *self, tidu_firm *f, int *done, tidu_error *err) {
  chain *c = self;
  *done = 0;
  for (;;) {
    if (!c->cur) {
      if (c->next == c->n) {
        *done = 1;
        return TIDU_OK;
      }
      tidu_code rc =
          tidu_input_open_one_fields(c->paths[c->next++], &c->ro, c->firm, c->year, &c->cur, err);
      if (rc == TIDU_ERR_IO || rc == TIDU_ERR_INPUT)
        return TIDU_ERR_INPUT; /* go on with the rest */
      if (rc != TIDU_OK) return rc;
    }
    int end = 0;
    tidu_code rc = tidu_source_next(c->cur, f, &end, err);
    if (rc != TIDU_OK) {
      if (rc != TIDU_ERR_INPUT && rc != TIDU_ERR_DATA) {
        tidu_source_close(c->cur);
        c->cur = NULL;
      }
      return rc;
    }
    if (!end) return TIDU_OK;
    tidu_source_close(c->cur);
    c->cur = NULL;
  }
}

static int chain_warning(void *self, tidu_error *warn) {
  chain *c = self;
  return c->cur ? tidu_source_warning(c->cur, warn) : 0;
}

static void chain_close(void *self) {
  chain *c = self;
  tidu_source_close(c->cur);
  tidu_free(c);
}

/* One input that can give chunks straight from its text (a wide CSV read in parallel): opened
 * now and asked. An input that cannot open is left for chain_next to open and report. */
static int chain_columns(void *self, int32_t year, const unsigned char *firm,
                         const unsigned char *yfield, size_t max_lanes) {
  chain *c = self;
  if (c->n != 1 || c->cur || c->next != 0) return 0;
  tidu_error e;
  if (tidu_input_open_one_fields(c->paths[0], &c->ro, c->firm, c->year, &c->cur, &e) != TIDU_OK) {
    c->cur = NULL;
    return 0;
  }
  c->next = 1;
  return tidu_source_columns(c->cur, year, firm ? firm : c->firm, yfield ? yfield : c->year,
                             max_lanes);
}

static tidu_code chain_chunk_next(void *self, const tidu_source_rows *rows, const tidu_chunk **out,
                                  void **hold, int *done, tidu_error *err) {
  return tidu_source_chunk_next(((chain *)self)->cur, rows, out, hold, done, err);
}

static void chain_chunk_done(void *self, void *hold) {
  tidu_source_chunk_done(((chain *)self)->cur, hold);
}

static const tidu_source_ops chain_ops = {.next = chain_next,
                                          .warning = chain_warning,
                                          .columns = chain_columns,
                                          .chunk_next = chain_chunk_next,
                                          .chunk_done = chain_chunk_done,
                                          .close = chain_close};

tidu_code tidu_input_open(char *const *paths, size_t n, const char *sheet, tidu_source **out,
                          tidu_error *err) {
  tidu_read_options ro = {.sheet = sheet};
  return tidu_input_open_opt(paths, n, &ro, out, err);
}

tidu_code tidu_input_open_opt(char *const *paths, size_t n, const tidu_read_options *ro,
                              tidu_source **out, tidu_error *err) {
  return tidu_input_open_fields(paths, n, ro, NULL, NULL, out, err);
}

tidu_code tidu_input_open_fields(char *const *paths, size_t n, const tidu_read_options *ro,
                                 const unsigned char *firm, const unsigned char *year,
                                 tidu_source **out, tidu_error *err) {
  *out = NULL;
  if (n == 1 && strncmp(paths[0], "db:", 3) && tidu_pack_sniff(paths[0])) {
    tidu_pack *pack = NULL;
    tidu_code rc = tidu_pack_open(paths[0], &pack, err);
    if (rc != TIDU_OK) return rc;
    *out = tidu_pack_source(pack);
  } else {
    chain *c = tidu_calloc(1, sizeof *c);
    if (c) {
      c->paths = paths;
      c->n = n;
      if (ro) c->ro = *ro;
      c->firm = firm;
      c->year = year;
      *out = tidu_source_new(&chain_ops, c);
    }
  }
  return *out ? TIDU_OK
              : tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}
