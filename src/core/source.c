/* The firm-source interface: the calls every source answers (include/tidu/source.h). */
#include "tidu/source.h"

#include <assert.h>

#include "tidu/toolkit.h"

tidu_source *tidu_source_new(const tidu_source_ops *ops, void *self) {
  assert(ops && ops->next); /* every source reads firm by firm */
  tidu_source *src = tidu_malloc(sizeof *src);
  if (!src) {
    if (ops->close) ops->close(self);
    return NULL;
  }
  src->ops = ops;
  src->self = self;
  return src;
}

void tidu_source_close(tidu_source *src) {
  if (!src) return;
  if (src->ops->close) src->ops->close(src->self);
  tidu_free(src);
}

tidu_code tidu_source_next(tidu_source *src, tidu_firm *firm, int *done, tidu_error *err) {
  assert(src && src->ops->next && firm && done);
  return src->ops->next(src->self, firm, done, err);
}

int tidu_source_warning(tidu_source *src, tidu_error *warn) {
  return src->ops->warning ? src->ops->warning(src->self, warn) : 0;
}

size_t tidu_source_count(const tidu_source *src) {
  return src->ops->count ? src->ops->count(src->self) : 0;
}

int tidu_source_sliced(const tidu_source *src) {
  const tidu_source_ops *o = src->ops;
  return o->block_rows && o->slices && o->cursor_new && o->cursor_read && o->cursor_free;
}

int tidu_source_columns(tidu_source *src, int32_t year, const unsigned char *firm,
                        const unsigned char *yfield, size_t max_lanes) {
  const tidu_source_ops *o = src->ops;
  return o->columns && o->chunk_next && o->chunk_done &&
         o->columns(src->self, year, firm, yfield, max_lanes);
}

tidu_code tidu_source_chunk_next(tidu_source *src, const tidu_source_rows *rows,
                                 const tidu_chunk **out, void **hold, int *done, tidu_error *err) {
  return src->ops->chunk_next(src->self, rows, out, hold, done, err);
}

void tidu_source_chunk_done(tidu_source *src, void *hold) {
  src->ops->chunk_done(src->self, hold);
}
