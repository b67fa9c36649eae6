/* Snapshots of assessed firm lists for GET /api/firms and /api/firms/stats, kept until the registry
 * changes (a write through the server, or the registry file changing under it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server_int.h"
#include "tidu/codes.h"
#include "tidu/regeval.h"
#include "tidu/toolkit.h"

#define SNAP_MAX       16
#define SNAP_MAX_BYTES ((size_t)256 << 20)

struct srv_snapcache {
  pthread_mutex_t lock;
  unsigned long generation; /* bumped after every write through the server */
  unsigned long clock;      /* for least-recently-used eviction */
  srv_snap *slot[SNAP_MAX];
  size_t bytes;
};

/* The registry file's state: size and modification time of the file and its write-ahead log.
 * A commit by any process changes one of them; all zero when the registry is not a file. */
typedef struct stamp {
  long long v[6];
} stamp;

static void file_stamp(const char *path, long long *v) {
  struct stat st;
  if (stat(path, &st)) return;
  v[0] = (long long)st.st_size;
  v[1] = (long long)st.st_mtim.tv_sec;
  v[2] = (long long)st.st_mtim.tv_nsec;
}

static int take_stamp(const char *db, stamp *out) {
  memset(out, 0, sizeof *out);
  struct stat st;
  if (!db || stat(db, &st) || !S_ISREG(st.st_mode)) return 0;
  char wal[4096];
  file_stamp(db, out->v);
  snprintf(wal, sizeof wal, "%s-wal", db);
  file_stamp(wal, out->v + 3);
  return 1;
}

srv_snapcache *srv_snapcache_new(void) {
  srv_snapcache *c = tidu_calloc(1, sizeof *c);
  if (c) pthread_mutex_init(&c->lock, NULL);
  return c;
}

static void snap_free(srv_snap *sn) {
  if (!sn) return;
  for (size_t i = 0; i < sn->n; i++) {
    free(sn->rows[i].json);
    free(sn->rows[i].name);
  }
  for (size_t k = 0; k < sn->nrs; k++) {
    free(sn->rs[k].id);
    free(sn->rs[k].name);
  }
  free(sn->rs);
  free(sn->rows);
  free(sn->verdict);
  free(sn->distance);
  free(sn);
}

void srv_snapcache_free(srv_snapcache *c) {
  if (!c) return;
  for (size_t i = 0; i < SNAP_MAX; i++) snap_free(c->slot[i]);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

void srv_snapcache_bump(srv_snapcache *c) {
  if (!c) return;
  pthread_mutex_lock(&c->lock);
  c->generation++;
  pthread_mutex_unlock(&c->lock);
}

void srv_snap_put(srv *s, srv_snap *sn) {
  if (!sn) return;
  srv_snapcache *c = s->snaps;
  pthread_mutex_lock(&c->lock);
  int last = --sn->refs == 0;
  pthread_mutex_unlock(&c->lock);
  if (last) snap_free(sn);
}

/* ---- building a snapshot ---- */

typedef struct build {
  srv_snap *sn;
  const tidu_regeval *e;
  size_t cap;
  int failed;
} build;

static json_t *num_or_null(double v) {
  return isnan(v) ? json_null() : json_real(v);
}

static double year_value(const tidu_firm *f, tidu_year_field k) {
  if (!f->nyears || f->years[0].v[k] == TIDU_MISSING) return NAN;
  return (double)f->years[0].v[k] / (double)TIDU_SCALE_MONEY;
}

/* One row of the list as the API shows it: the firm and its verdicts per rule set. */
static json_t *row_json(const tidu_regeval *e, const tidu_firm *f,
                        const tidu_export_assessment *a) {
  const char *region = f->text[TIDU_F_REGION];
  const char *rname = region ? tidu_region_name(region) : NULL;
  json_t *o = json_pack(
      "{s:s,s:o,s:o,s:o,s:o,s:i,s:o,s:o}", "uscc", f->text[TIDU_F_USCC], "name",
      json_string(f->text[TIDU_F_NAME] ? f->text[TIDU_F_NAME] : ""), "region",
      region ? json_string(region) : json_null(), "region_name",
      rname ? json_string(rname) : json_null(), "industry",
      f->text[TIDU_F_INDUSTRY] ? json_string(f->text[TIDU_F_INDUSTRY]) : json_null(), "year",
      (int)tidu_firm_latest_year(f), "revenue", num_or_null(year_value(f, TIDU_Y_REVENUE)),
      "net_profit", num_or_null(year_value(f, TIDU_Y_NET_PROFIT)));
  json_t *boards = json_object(), *tiers = json_array();
  const tidu_export_ruleset *rs = tidu_regeval_rulesets(e);
  for (size_t k = 0; k < tidu_regeval_count(e); k++) {
    if (!a->verdict[k]) continue;
    if (rs[k].is_board)
      json_object_set_new(boards, rs[k].id,
                          json_pack("{s:s,s:o,s:o}", "verdict", a->verdict[k], "nearest",
                                    a->nearest[k] ? json_string(a->nearest[k]) : json_null(),
                                    "distance", num_or_null(a->distance[k])));
    else if (!strcmp(a->verdict[k], "pass"))
      json_array_append_new(tiers, json_string(rs[k].id));
  }
  json_object_set_new(o, "boards", boards);
  json_object_set_new(o, "passed", tiers);
  return o;
}

static unsigned char verdict_code(const char *v) {
  if (!v) return SRV_V_NONE;
  if (!strcmp(v, "pass")) return SRV_V_PASS;
  if (!strcmp(v, "fail")) return SRV_V_FAIL;
  return SRV_V_UNKNOWN;
}

static int add_row(void *ctx, const tidu_firm *f, const tidu_export_assessment *a) {
  build *b = ctx;
  srv_snap *sn = b->sn;
  if (sn->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    srv_snap_row *rows = tidu_realloc(sn->rows, cap * sizeof *rows);
    unsigned char *verdict = rows ? tidu_realloc(sn->verdict, cap * sn->nrs) : NULL;
    if (rows) sn->rows = rows;
    if (verdict) sn->verdict = verdict;
    double *distance =
        verdict ? tidu_realloc(sn->distance, cap * sn->nrs * sizeof *distance) : NULL;
    if (distance) sn->distance = distance;
    if (!distance) {
      b->failed = 1;
      return 1;
    }
    b->cap = cap;
  }
  json_t *o = row_json(b->e, f, a);
  char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
  json_decref(o);
  if (!text) {
    b->failed = 1;
    return 1;
  }
  const char *nm = f->text[TIDU_F_NAME] ? f->text[TIDU_F_NAME] : "";
  srv_snap_row *r = &sn->rows[sn->n];
  memset(r, 0, sizeof *r);
  r->json = text;
  r->json_len = strlen(text);
  r->name = tidu_strdup(nm);
  if (!r->name) {
    free(text);
    b->failed = 1;
    return 1;
  }
  snprintf(r->uscc, sizeof r->uscc, "%s", f->text[TIDU_F_USCC] ? f->text[TIDU_F_USCC] : "");
  snprintf(r->region, sizeof r->region, "%s", f->text[TIDU_F_REGION] ? f->text[TIDU_F_REGION] : "");
  r->has_region = f->text[TIDU_F_REGION] != NULL;
  r->revenue = year_value(f, TIDU_Y_REVENUE);
  r->year = (int)tidu_firm_latest_year(f);
  for (size_t k = 0; k < sn->nrs; k++) {
    sn->verdict[sn->n * sn->nrs + k] = verdict_code(a->verdict[k]);
    sn->distance[sn->n * sn->nrs + k] = a->distance[k];
  }
  sn->bytes += r->json_len + strlen(nm) + 1 + sizeof *r + sn->nrs * (1 + sizeof(double));
  sn->n++;
  return 0;
}

static tidu_code build_snap(srv_req *rq, const tidu_store_filter *flt, int64_t as_of,
                            srv_snap **out, tidu_error *err) {
  *out = NULL;
  tidu_regeval *e = NULL;
  tidu_code rc = tidu_regeval_open(rq->s->book, as_of, &e, err);
  if (rc != TIDU_OK) return rc;
  srv_snap *sn = tidu_calloc(1, sizeof *sn);
  size_t nrs = tidu_regeval_count(e);
  if (sn) sn->rs = tidu_calloc(nrs ? nrs : 1, sizeof *sn->rs);
  if (!sn || !sn->rs) {
    free(sn);
    tidu_regeval_close(e);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  sn->nrs = nrs;
  sn->refs = 1;
  const tidu_export_ruleset *rs = tidu_regeval_rulesets(e);
  int failed = 0;
  for (size_t k = 0; k < nrs; k++) {
    sn->rs[k].id = tidu_strdup(rs[k].id);
    sn->rs[k].name = tidu_strdup(rs[k].name ? rs[k].name : rs[k].id);
    sn->rs[k].is_board = rs[k].is_board;
    failed |= !sn->rs[k].id || !sn->rs[k].name;
  }
  build b = {sn, e, 0, failed};
  if (!failed) rc = tidu_regeval_each(rq->store, flt, e, add_row, &b, NULL, err);
  tidu_regeval_close(e);
  if (rc == TIDU_OK && b.failed)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  if (rc != TIDU_OK) {
    snap_free(sn);
    return rc;
  }
  *out = sn;
  return TIDU_OK;
}

/* ---- the cache ---- */

/* Drops slot i (the snapshot lives on while a request holds it). Called with the lock held. */
static void evict(srv_snapcache *c, size_t i) {
  srv_snap *old = c->slot[i];
  c->slot[i] = NULL;
  c->bytes -= old->bytes;
  if (--old->refs == 0) snap_free(old);
}

/* The least recently used snapshot, SNAP_MAX when there is none. */
static size_t oldest(const srv_snapcache *c) {
  size_t at = SNAP_MAX;
  for (size_t i = 0; i < SNAP_MAX; i++)
    if (c->slot[i] && (at == SNAP_MAX || c->slot[i]->used < c->slot[at]->used)) at = i;
  return at;
}

/* An empty slot, made by dropping the least recently used snapshot when all are taken. */
static size_t free_slot(srv_snapcache *c) {
  for (size_t i = 0; i < SNAP_MAX; i++)
    if (!c->slot[i]) return i;
  size_t at = oldest(c);
  evict(c, at);
  return at;
}

/* The key of a filter and date; 0 when it does not fit (such a list is not kept). Each part is
 * prefixed by its length, so that no two filters share a key. */
static int make_key(char *key, size_t size, const tidu_store_filter *flt, int64_t as_of) {
  const char *part[4] = {flt->region_prefix, flt->industry_prefix, flt->chain, flt->title};
  int n = snprintf(key, size, "%lld/%d", (long long)as_of, flt->include_deleted);
  for (size_t i = 0; i < 4 && n >= 0 && (size_t)n < size; i++) {
    int m = part[i] ? snprintf(key + n, size - (size_t)n, "|%zu:%s", strlen(part[i]), part[i])
                    : snprintf(key + n, size - (size_t)n, "|-");
    n = m < 0 ? -1 : n + m;
  }
  return n >= 0 && (size_t)n < size;
}

tidu_code srv_snap_get(srv_req *rq, const tidu_store_filter *flt, int64_t as_of, srv_snap **out,
                       tidu_error *err) {
  srv_snapcache *c = rq->s->snaps;
  char key[sizeof((srv_snap *)0)->key];
  stamp now;
  int cacheable = make_key(key, sizeof key, flt, as_of) && take_stamp(srv_read_path(rq->s), &now);
  pthread_mutex_lock(&c->lock);
  unsigned long gen = c->generation;
  for (size_t i = 0; cacheable && i < SNAP_MAX; i++) {
    srv_snap *sn = c->slot[i];
    if (!sn || strcmp(sn->key, key)) continue;
    if (sn->generation == gen && !memcmp(sn->stamp, now.v, sizeof now.v)) {
      sn->refs++;
      sn->used = ++c->clock;
      pthread_mutex_unlock(&c->lock);
      *out = sn;
      return TIDU_OK;
    }
  }
  pthread_mutex_unlock(&c->lock);

  /* Built outside the lock; the stamp and generation were taken before reading, so a write
   * that lands during the build makes the snapshot stale at once. */
  srv_snap *sn = NULL;
  *out = NULL;
  tidu_code rc = build_snap(rq, flt, as_of, &sn, err);
  if (rc != TIDU_OK || !sn) return rc;
  snprintf(sn->key, sizeof sn->key, "%s", key);
  memcpy(sn->stamp, now.v, sizeof now.v);
  sn->generation = gen;
  *out = sn;
  if (!cacheable || sn->bytes > SNAP_MAX_BYTES / 2) return TIDU_OK;

  pthread_mutex_lock(&c->lock);
  /* drop older snapshots of this key, then the least recently used until the new one fits */
  for (size_t i = 0; i < SNAP_MAX; i++)
    if (c->slot[i] && !strcmp(c->slot[i]->key, key)) evict(c, i);
  while (c->bytes + sn->bytes > SNAP_MAX_BYTES && oldest(c) != SNAP_MAX) evict(c, oldest(c));
  size_t at = free_slot(c);
  c->slot[at] = sn;
  c->bytes += sn->bytes;
  sn->refs++;
  sn->used = ++c->clock;
  pthread_mutex_unlock(&c->lock);
  return TIDU_OK;
}

int srv_snap_find(const srv_snap *sn, const char *id) {
  for (size_t k = 0; k < sn->nrs; k++)
    if (!strcmp(sn->rs[k].id, id)) return (int)k;
  return -1;
}
