/* The registry as a firm source: its firms in USCC order, through a registry scan. */
#include "tidu/source.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"

typedef struct store_src {
  tidu_store *store; /* owned when `own` */
  tidu_store_scan *scan;
  int own;
} store_src;

static tidu_code store_next(void *self, tidu_firm *firm, int *done, tidu_error *err) {
  return tidu_store_scan_next(((store_src *)self)->scan, firm, done, err);
}

static void store_src_close(void *self) {
  store_src *s = self;
  tidu_store_scan_close(s->scan);
  if (s->own) tidu_store_close(s->store);
  tidu_free(s);
}

static const tidu_source_ops store_ops = {.next = store_next, .close = store_src_close};

tidu_code tidu_store_source_scan(tidu_store *store, const tidu_store_scan_spec *spec, int own,
                                 tidu_source **out, tidu_error *err) {
  *out = NULL;
  store_src *s = tidu_calloc(1, sizeof *s);
  if (!s) {
    if (own) tidu_store_close(store);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  s->store = store;
  s->own = own;
  tidu_code rc = tidu_store_scan_open(store, spec, &s->scan, err);
  if (rc != TIDU_OK) {
    store_src_close(s);
    return rc;
  }
  *out = tidu_source_new(&store_ops, s);
  return *out ? TIDU_OK
              : tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

tidu_code tidu_store_source(tidu_store *store, const tidu_store_filter *flt, int own,
                            tidu_source **out, tidu_error *err) {
  tidu_store_scan_spec spec = {.flt = flt};
  return tidu_store_source_scan(store, &spec, own, out, err);
}

tidu_code tidu_store_source_open_fields(const char *path, const unsigned char *firm,
                                        const unsigned char *year, tidu_source **out,
                                        tidu_error *err) {
  *out = NULL;
  tidu_store *store = NULL;
  tidu_code rc = tidu_store_open_existing(path, &store, err);
  tidu_store_scan_spec spec = {.firm = firm, .year = year};
  return rc == TIDU_OK ? tidu_store_source_scan(store, &spec, 1, out, err) : rc;
}

tidu_code tidu_store_source_open(const char *path, tidu_source **out, tidu_error *err) {
  return tidu_store_source_open_fields(path, NULL, NULL, out, err);
}
