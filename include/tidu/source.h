/* One interface for where firms come from: table files (CSV, XLSX, JSON, NDJSON), packs, the
 * registry and chains of them. The batch engine, assess and the faces read firms through it. */
#ifndef TIDU_SOURCE_H
#define TIDU_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"

/* Where a source reading chunks (tidu_source_ops.chunk_next) passes what its rows say, in
 * input order: a record error (code TIDU_ERR_INPUT or TIDU_ERR_DATA; return TIDU_OK to go on,
 * anything else stops the reading) and warnings (may be NULL). */
typedef struct tidu_source_rows {
  void *ctx;
  tidu_code (*error)(void *ctx, tidu_code rc, const tidu_error *e);
  void (*warning)(void *ctx, const tidu_error *w);
} tidu_source_rows;

/* What a kind of source does. `next` is required; the slice functions are given by sources
 * that can be read in parallel without a copy (packs) and are NULL otherwise. */
typedef struct tidu_source_ops {
  /* The next firm into `firm` (cleared first); *done = 1 at the end. A bad record returns
   * TIDU_ERR_INPUT or TIDU_ERR_DATA with its position in `err`, and the source goes on. */
  tidu_code (*next)(void *self, tidu_firm *firm, int *done, tidu_error *err);
  /* The oldest pending warning (1) or none (0); NULL when the source has none. */
  int (*warning)(void *self, tidu_error *warn);
  /* Firms in all, 0 when not known in advance; NULL = not known. */
  size_t (*count)(void *self);
  /* Slices (parallel reading): rows per stored block; how many slices of `cap` rows; a
   * cursor per thread; slice `index` as a chunk of year `year` (borrowed until the next read
   * on the cursor) with the input position of its first firm. */
  size_t (*block_rows)(void *self);
  size_t (*slices)(void *self, size_t cap);
  void *(*cursor_new)(void *self, size_t cap);
  tidu_code (*cursor_read)(void *cursor, size_t index, int32_t year, const tidu_chunk **out,
                           size_t *first, tidu_error *err);
  void (*cursor_free)(void *cursor);
  /* Chunks straight from the text (a wide CSV read in parallel; NULL otherwise). `columns`,
   * before the first read, asks for them at fiscal year [0] `year` (0 = each firm's latest),
   * filled in the marked firm and year fields (NULL: all; the others hold an empty firm's
   * values), in chunks of at most `max_lanes` firms: 1 when the source will deliver chunks, 0
   * when it reads firm by firm. Then `chunk_next`
   * gives the chunks in input order (record errors and warnings to `rows` first; *done = 1 at
   * the end), each borrowed until `chunk_done(self, *hold)`, which any thread may call. */
  int (*columns)(void *self, int32_t year, const unsigned char *firm, const unsigned char *yfield,
                 size_t max_lanes);
  tidu_code (*chunk_next)(void *self, const tidu_source_rows *rows, const tidu_chunk **out,
                          void **hold, int *done, tidu_error *err);
  void (*chunk_done)(void *self, void *hold);
  /* Releases `self` (NULL when the source borrows what it reads). */
  void (*close)(void *self);
} tidu_source_ops;

/* A source: its kind and its state. */
typedef struct tidu_source {
  const tidu_source_ops *ops;
  void *self;
} tidu_source;

/* A new source of `ops` over `self` (which it owns when ops->close is set), or NULL when
 * memory runs out (then ops->close(self) has been called). Free with tidu_source_close. */
TIDU_API tidu_source *tidu_source_new(const tidu_source_ops *ops, void *self);

/* Closes the source and what it owns. NULL is fine. */
TIDU_API void tidu_source_close(tidu_source *src);

/* tidu_source_ops.next: the next firm, record errors and the end. */
TIDU_API tidu_code tidu_source_next(tidu_source *src, tidu_firm *firm, int *done, tidu_error *err);

/* The oldest pending warning of the source (1), or 0. */
TIDU_API int tidu_source_warning(tidu_source *src, tidu_error *warn);

/* Firms in all, or 0 when not known in advance. */
TIDU_API size_t tidu_source_count(const tidu_source *src);

/* Asks a source for chunks straight from its text (tidu_source_ops.columns): 1 when it will
 * deliver them through tidu_source_chunk_next, 0 when it reads firm by firm. */
TIDU_API int tidu_source_columns(tidu_source *src, int32_t year, const unsigned char *firm,
                                 const unsigned char *yfield, size_t max_lanes);
TIDU_API tidu_code tidu_source_chunk_next(tidu_source *src, const tidu_source_rows *rows,
                                          const tidu_chunk **out, void **hold, int *done,
                                          tidu_error *err);
TIDU_API void tidu_source_chunk_done(tidu_source *src, void *hold);

/* 1 when the source reads in slices (tidu_source_ops.slices and friends are set). */
TIDU_API int tidu_source_sliced(const tidu_source *src);

#endif
