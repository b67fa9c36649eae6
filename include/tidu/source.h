/* One interface for where firms come from: table files (CSV, XLSX, JSON, NDJSON), packs, the
 * registry and chains of them. The batch engine, assess and the faces read firms through it. */
#ifndef TIDU_SOURCE_H
#define TIDU_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"

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

/* 1 when the source reads in slices (tidu_source_ops.slices and friends are set). */
TIDU_API int tidu_source_sliced(const tidu_source *src);

#endif
