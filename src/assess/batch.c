/* Batch assessment: worker threads over chunks, ordered output, population aggregates. */
#include "tidu/batch.h"
#include "assess/assess_int.h"
#include "tidu/toolkit.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CHUNK 1024
#define PROGRESS_STEP 65536

/* ================================================================== aggregates */

/* A group of firms (a region prefix, an industry section, a chain): counts per rule set. */
typedef struct group {
  char *key;
  uint64_t firms;
  uint64_t *cnt; /* nrs × 4 */
} group;

typedef struct group_map {
  group *items;
  size_t n, cap;
  int32_t *slots; /* index + 1, 0 = empty */
  size_t nslots;
} group_map;

enum { DIM_REGION = 0, DIM_INDUSTRY, DIM_CHAIN, NDIMS };
static const char *const dim_names[NDIMS] = {"region", "industry", "chain"};

/* What is counted: rule set ids (slots 0 .. nrs-1) then standard ids. */
typedef struct slot {
  char *id;
  tidu_rule_kind kind;
  int is_std;
} slot;

struct tidu_batch_stats {
  uint64_t firms;
  slot *slots;
  size_t nslots, nrs;
  uint64_t *cnt; /* nslots × 4 */
  group_map dims[NDIMS];
  int region_digits;
  /* selection index -> slot; standard (i, j) -> slot */
  size_t nsel;
  size_t *rs_slot;
  size_t **std_slot;
};

static uint32_t hash_key(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static void map_free(group_map *m) {
  for (size_t i = 0; i < m->n; i++) {
    free(m->items[i].key);
    free(m->items[i].cnt);
  }
  free(m->items);
  free(m->slots);
  memset(m, 0, sizeof *m);
}

static int map_rehash(group_map *m, size_t nslots) {
  int32_t *s = tidu_calloc(nslots, sizeof *s);
  if (!s) return -1;
  for (size_t i = 0; i < m->n; i++) {
    size_t h = hash_key(m->items[i].key, strlen(m->items[i].key)) & (nslots - 1);
    while (s[h]) h = (h + 1) & (nslots - 1);
    s[h] = (int32_t)i + 1;
  }
  free(m->slots);
  m->slots = s;
  m->nslots = nslots;
  return 0;
}

/* The group for key[0..len), created when new; NULL on ENOMEM. */
static group *map_get(group_map *m, const char *key, size_t len, size_t nrs) {
  if (m->nslots) {
    size_t h = hash_key(key, len) & (m->nslots - 1);
    while (m->slots[h]) {
      group *g = &m->items[m->slots[h] - 1];
      if (strncmp(g->key, key, len) == 0 && g->key[len] == 0) return g;
      h = (h + 1) & (m->nslots - 1);
    }
  }
  if ((m->n + 1) * 2 > m->nslots && map_rehash(m, m->nslots ? m->nslots * 2 : 64) != 0) return NULL;
  if (TIDU_PUSH_ROOM(m->items, m->n, m->cap) != 0) return NULL;
  group *g = &m->items[m->n];
  g->key = tidu_strndup(key, len);
  g->cnt = tidu_calloc(nrs * 4 + 1, sizeof *g->cnt);
  g->firms = 0;
  if (!g->key || !g->cnt) {
    free(g->key);
    free(g->cnt);
    return NULL;
  }
  m->n++;
  size_t h = hash_key(key, len) & (m->nslots - 1);
  while (m->slots[h]) h = (h + 1) & (m->nslots - 1);
  m->slots[h] = (int32_t)m->n;
  return g;
}

static size_t find_slot(const tidu_batch_stats *s, const char *id, int is_std) {
  for (size_t i = 0; i < s->nslots; i++)
    if (s->slots[i].is_std == is_std && strcmp(s->slots[i].id, id) == 0) return i;
  return (size_t)-1;
}

static int add_slot(tidu_batch_stats *s, const char *id, tidu_rule_kind kind, int is_std,
                    size_t *cap) {
  if (TIDU_PUSH_ROOM(s->slots, s->nslots, *cap) != 0) return -1;
  s->slots[s->nslots].id = tidu_strdup(id);
  if (!s->slots[s->nslots].id) return -1;
  s->slots[s->nslots].kind = kind;
  s->slots[s->nslots].is_std = is_std;
  s->nslots++;
  return 0;
}

/* The key a rule set or standard is counted under: its id, or "id@prefix,prefix" for a
 * variant scoped to regions (so a firm is never counted twice under one key). */
static void slot_key(const tidu_ruleset_info *m, const char *id, char *buf, size_t size) {
  size_t len = (size_t)snprintf(buf, size, "%s", id);
  for (size_t r = 0; r < m->nregions && len < size; r++)
    len += (size_t)snprintf(buf + len, size - len, "%c%s", r ? ',' : '@', m->regions[r]);
}

/* Lays out the slots of a selection: rule set keys first, then standard keys. */
static int stats_layout(tidu_batch_stats *s, const tidu_selection *sel) {
  size_t cap = 0;
  char key[256];
  s->nsel = tidu_selection_count(sel);
  s->rs_slot = tidu_calloc(s->nsel ? s->nsel : 1, sizeof *s->rs_slot);
  s->std_slot = tidu_calloc(s->nsel ? s->nsel : 1, sizeof *s->std_slot);
  if (!s->rs_slot || !s->std_slot) return -1;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < s->nsel; i++) {
      const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, i));
      if (pass == 0) {
        slot_key(m, m->id, key, sizeof key);
        size_t k = find_slot(s, key, 0);
        if (k == (size_t)-1) {
          if (add_slot(s, key, m->kind, 0, &cap) != 0) return -1;
          k = s->nslots - 1;
        }
        s->rs_slot[i] = k;
        continue;
      }
      s->std_slot[i] = tidu_calloc(m->nstandards ? m->nstandards : 1, sizeof **s->std_slot);
      if (!s->std_slot[i]) return -1;
      for (size_t j = 0; j < m->nstandards; j++) {
        slot_key(m, m->standards[j].id, key, sizeof key);
        size_t k = find_slot(s, key, 1);
        if (k == (size_t)-1) {
          if (add_slot(s, key, m->kind, 1, &cap) != 0) return -1;
          k = s->nslots - 1;
        }
        s->std_slot[i][j] = k;
      }
    }
    if (pass == 0) s->nrs = s->nslots;
  }
  s->cnt = tidu_calloc(s->nslots * 4 + 1, sizeof *s->cnt);
  return s->cnt ? 0 : -1;
}

void tidu_batch_stats_free(tidu_batch_stats *s) {
  if (!s) return;
  for (size_t i = 0; i < s->nslots; i++) free(s->slots[i].id);
  free(s->slots);
  free(s->cnt);
  for (int d = 0; d < NDIMS; d++) map_free(&s->dims[d]);
  for (size_t i = 0; s->std_slot && i < s->nsel; i++) free(s->std_slot[i]);
  free(s->std_slot);
  free(s->rs_slot);
  free(s);
}

static tidu_batch_stats *stats_new(const tidu_selection *sel, int region_digits) {
  tidu_batch_stats *s = tidu_calloc(1, sizeof *s);
  if (!s) return NULL;
  s->region_digits = region_digits > 0 ? region_digits : 2;
  if (stats_layout(s, sel) != 0) {
    tidu_batch_stats_free(s);
    return NULL;
  }
  return s;
}

/* Counts verdicts 1, 2 and 3 among m lanes (m <= 255) into c[1..3]; inlined with a constant
 * m where it can be, so that the sums become vector code. */
static inline __attribute__((always_inline)) void count_lanes(const uint8_t *restrict v, size_t m,
                                                              uint64_t *c) {
  uint8_t c1 = 0, c2 = 0, c3 = 0;
  for (size_t l = 0; l < m; l++) {
    uint8_t x = v[l] & 3;
    c1 += x == 1;
    c2 += x == 2;
    c3 += x == 3;
  }
  c[1] += c1;
  c[2] += c2;
  c[3] += c3;
}

/* Adds one verdict column to counts[4], 128 lanes at a time (no counter is incremented
 * through an index, which would wait on the previous increment of the same counter). */
static void count_column(const uint8_t *restrict v, size_t n, uint64_t *cnt) {
  uint64_t c[4] = {0, 0, 0, 0};
  size_t whole = n - n % 128;
  for (size_t l = 0; l < whole; l += 128) count_lanes(v + l, 128, c);
  count_lanes(v + whole, n - whole, c);
  cnt[0] += n - c[1] - c[2] - c[3];
  cnt[1] += c[1];
  cnt[2] += c[2];
  cnt[3] += c[3];
}

/* Counts lane `l` in the group `key` of map `m`. */
static int bump(tidu_batch_stats *s, group_map *m, const char *key, size_t len,
                const uint8_t *const *cols, size_t ncols, size_t l) {
  group *g = map_get(m, key, len, s->nrs);
  if (!g) return -1;
  g->firms++;
  for (size_t i = 0; i < ncols; i++) g->cnt[s->rs_slot[i] * 4 + (cols[i][l] & 3)]++;
  return 0;
}

/* Counts one firm in its region prefix, industry section and chain tags. */
static int count_groups(tidu_batch_stats *s, const tidu_chunk *c, size_t l,
                        const uint8_t *const *cols, size_t ncols) {
  const char *region = c->text[TIDU_F_REGION] ? c->text[TIDU_F_REGION][l] : NULL;
  size_t rl = region ? strnlen(region, (size_t)s->region_digits) : 0;
  int bad = bump(s, &s->dims[DIM_REGION], rl ? region : "-", rl ? rl : 1, cols, ncols, l);
  const char *ind = c->text[TIDU_F_INDUSTRY] ? c->text[TIDU_F_INDUSTRY][l] : NULL;
  int sect = ind && ind[0] >= 'A' && ind[0] <= 'Z';
  bad |= bump(s, &s->dims[DIM_INDUSTRY], sect ? ind : "-", 1, cols, ncols, l);
  const char *ch = c->text[TIDU_F_CHAINS] ? c->text[TIDU_F_CHAINS][l] : NULL;
  while (ch && *ch && !bad) {
    while (*ch == ' ' || *ch == ';') ch++;
    const char *end = strchr(ch, ';');
    size_t len = end ? (size_t)(end - ch) : strlen(ch);
    while (len && ch[len - 1] == ' ') len--;
    if (len) bad |= bump(s, &s->dims[DIM_CHAIN], ch, len, cols, ncols, l);
    ch = end ? end + 1 : NULL;
  }
  return bad ? -1 : 0;
}

/* Adds one evaluated chunk to the aggregates. */
static tidu_code stats_add(tidu_batch_stats *s, const tidu_chunk *c, const tidu_eval *ev) {
  size_t n = c->n;
  s->firms += n;
  const uint8_t *cols[256];
  size_t ncols = s->nsel < 256 ? s->nsel : 256;
  for (size_t i = 0; i < s->nsel; i++) {
    const uint8_t *v = tidu_eval_verdicts(ev, i, TIDU_WHOLE);
    if (i < ncols) cols[i] = v;
    count_column(v, n, &s->cnt[s->rs_slot[i] * 4]);
  }
  for (size_t l = 0; l < n; l++)
    if (count_groups(s, c, l, cols, ncols) != 0) return TIDU_ERR_NOMEM;
  return TIDU_OK;
}

/* Adds standard counts (kept apart: the standard count per rule set is in the meta). */
static void stats_add_standards(tidu_batch_stats *s, const tidu_eval *ev, size_t n,
                                const size_t *nstd) {
  for (size_t i = 0; i < s->nsel; i++)
    for (size_t j = 0; j < nstd[i]; j++)
      count_column(tidu_eval_verdicts(ev, i, j), n, &s->cnt[s->std_slot[i][j] * 4]);
}

static int map_merge(group_map *dst, const group_map *src, size_t nrs) {
  for (size_t i = 0; i < src->n; i++) {
    const group *g = &src->items[i];
    group *d = map_get(dst, g->key, strlen(g->key), nrs);
    if (!d) return -1;
    d->firms += g->firms;
    for (size_t k = 0; k < nrs * 4; k++) d->cnt[k] += g->cnt[k];
  }
  return 0;
}

static int stats_merge(tidu_batch_stats *dst, const tidu_batch_stats *src) {
  dst->firms += src->firms;
  for (size_t k = 0; k < dst->nslots * 4; k++) dst->cnt[k] += src->cnt[k];
  for (int d = 0; d < NDIMS; d++)
    if (map_merge(&dst->dims[d], &src->dims[d], dst->nrs) != 0) return -1;
  return 0;
}

uint64_t tidu_batch_stats_firms(const tidu_batch_stats *s) {
  return s ? s->firms : 0;
}

uint64_t tidu_batch_stats_count(const tidu_batch_stats *s, const char *id, tidu_verdict verdict) {
  if (!s || (unsigned)verdict > 3) return 0;
  size_t k = find_slot(s, id, 0);
  if (k == (size_t)-1) k = find_slot(s, id, 1);
  return k == (size_t)-1 ? 0 : s->cnt[k * 4 + verdict];
}

/* ---- JSON ---- */

static json_t *counts_json(const uint64_t *c) {
  json_t *o = json_pack("{s:I,s:I,s:I}", "pass", (json_int_t)c[TIDU_V_PASS], "fail",
                        (json_int_t)c[TIDU_V_FAIL], "unknown", (json_int_t)c[TIDU_V_UNKNOWN]);
  if (o && c[TIDU_V_NA]) json_object_set_new(o, "na", json_integer((json_int_t)c[TIDU_V_NA]));
  return o;
}

static const char *kind_key(tidu_rule_kind k) {
  return k == TIDU_KIND_BOARD ? "boards" : k == TIDU_KIND_TIER ? "tiers" : "positioning";
}

/* {"boards": {...}, "positioning": {...}, "tiers": {...}} from per-rule-set counts. */
static int rulesets_json(const tidu_batch_stats *s, const uint64_t *cnt, json_t *into) {
  const tidu_rule_kind kinds[3] = {TIDU_KIND_BOARD, TIDU_KIND_POSITIONING, TIDU_KIND_TIER};
  for (int k = 0; k < 3; k++) {
    json_t *o = json_object();
    if (!o || json_object_set_new(into, kind_key(kinds[k]), o) != 0) return -1;
    for (size_t i = 0; i < s->nrs; i++)
      if (s->slots[i].kind == kinds[k] &&
          json_object_set_new(o, s->slots[i].id, counts_json(&cnt[i * 4])) != 0)
        return -1;
  }
  return 0;
}

static int cmp_group(const void *a, const void *b) {
  return strcmp(((const group *)a)->key, ((const group *)b)->key);
}

static json_t *dim_json(const tidu_batch_stats *s, const group_map *m) {
  json_t *o = json_object();
  group *sorted = tidu_malloc((m->n ? m->n : 1) * sizeof *sorted);
  if (!o || !sorted) goto fail;
  if (m->n) memcpy(sorted, m->items, m->n * sizeof *sorted);
  if (m->n > 1) qsort(sorted, m->n, sizeof *sorted, cmp_group);
  for (size_t i = 0; i < m->n; i++) {
    json_t *g = json_pack("{s:I}", "firms", (json_int_t)sorted[i].firms);
    if (!g || json_object_set_new(o, sorted[i].key, g) != 0 ||
        rulesets_json(s, sorted[i].cnt, g) != 0)
      goto fail;
  }
  free(sorted);
  return o;
fail:
  free(sorted);
  json_decref(o);
  return NULL;
}

json_t *tidu_batch_stats_json(const tidu_batch_stats *s) {
  json_t *root = json_pack("{s:I}", "firms", (json_int_t)s->firms);
  json_t *std = json_object();
  json_t *by = json_object();
  if (!root || !std || !by) goto fail;
  json_object_set_new(root, "standards", std);
  for (size_t i = s->nrs; i < s->nslots; i++)
    if (json_object_set_new(std, s->slots[i].id, counts_json(&s->cnt[i * 4])) != 0) goto fail;
  if (rulesets_json(s, s->cnt, root) != 0) goto fail;
  json_object_set_new(root, "by", by);
  for (int d = 0; d < NDIMS; d++) {
    json_t *o = dim_json(s, &s->dims[d]);
    if (!o || json_object_set_new(by, dim_names[d], o) != 0) goto fail;
  }
  return root;
fail:
  if (!json_object_get(root, "standards")) json_decref(std);
  if (!json_object_get(root, "by")) json_decref(by);
  json_decref(root);
  return NULL;
}

/* ================================================================== the runner */

typedef struct worker worker;

typedef struct batch {
  const tidu_batch_input *in;
  const tidu_batch_options *opt;
  size_t chunk_size;
  int nsel;
  size_t nslices; /* sliced input (a pack) */
  int sliced;     /* 1 when the source is read in slices */
  pthread_mutex_t in_lock;
  size_t next_seq;
  size_t read_pos; /* firms handed out so far (reader input) */
  int eof;
  pthread_mutex_t out_lock;
  pthread_cond_t turn;
  size_t next_write;
  size_t done;
  size_t last_progress;
  size_t nbad;
  int stop;
  tidu_code rc;
  tidu_error err;
  size_t *nstd; /* standards per rule set of sel[0] */
} batch;

struct worker {
  batch *b;
  int index;
  pthread_t th;
  tidu_chunk *chunk;
  tidu_firm *firms; /* the firms of the chunk (reader input): the chunk borrows their text */
  size_t nfirms;
  void *cur; /* the source's slice cursor */
  tidu_eval *ev[TIDU_BATCH_MAX_SELECTIONS];
  tidu_batch_stats *stats;
};

static void fail(batch *b, tidu_code rc, const tidu_error *e) {
  pthread_mutex_lock(&b->out_lock);
  if (b->rc == TIDU_OK) {
    b->rc = rc;
    if (e) b->err = *e;
    if (b->err.code == TIDU_OK) b->err.code = rc;
  }
  b->stop = 1;
  pthread_cond_broadcast(&b->turn);
  pthread_mutex_unlock(&b->out_lock);
}

static tidu_code read_firm(batch *b, tidu_firm *f, int *done, tidu_error *e) {
  if (b->in->source) return tidu_source_next(b->in->source, f, done, e);
  return b->in->next(b->in->next_ctx, f, done, e);
}

/* Fills the worker's chunk from the reader (under the input lock). */
static tidu_code fill_chunk(worker *w, size_t *first, tidu_error *e) {
  batch *b = w->b;
  w->nfirms = 0;
  *first = b->read_pos;
  while (!b->eof && w->nfirms < b->chunk_size) {
    tidu_firm *f = &w->firms[w->nfirms];
    int done = 0;
    tidu_code rc = read_firm(b, f, &done, e);
    if (rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA) {
      b->nbad++;
      if (!b->opt->on_input_error) return rc;
      b->opt->on_input_error(b->opt->ctx, e);
      continue;
    }
    if (rc != TIDU_OK) return rc;
    if (done) {
      b->eof = 1;
      break;
    }
    w->nfirms++;
  }
  b->read_pos += w->nfirms;
  return TIDU_OK;
}

/* Lays the firms just read out as columns (outside the input lock). */
static void columns_of_firms(worker *w) {
  tidu_chunk_reset(w->chunk);
  for (size_t i = 0; i < w->nfirms; i++) tidu_chunk_add(w->chunk, &w->firms[i], w->b->opt->year);
}

/* Takes the next chunk: its sequence number, first row and data. 0 = no more. */
static int next_chunk(worker *w, size_t *seq, size_t *first, const tidu_chunk **c) {
  batch *b = w->b;
  tidu_error e = {0};
  tidu_code rc = TIDU_OK;
  pthread_mutex_lock(&b->in_lock);
  int more = !b->stop && !b->eof;
  if (more) {
    *seq = b->next_seq++;
    if (b->sliced) {
      more = *seq < b->nslices;
      if (!more) b->eof = 1;
    } else {
      rc = fill_chunk(w, first, &e);
      more = rc == TIDU_OK && w->nfirms > 0;
      *c = w->chunk;
      if (rc == TIDU_OK && w->nfirms == 0) b->eof = 1;
    }
  }
  pthread_mutex_unlock(&b->in_lock);
  if (more && !b->sliced) columns_of_firms(w);
  if (more && b->sliced) {
    assert(w->cur); /* a sliced source gave each worker a cursor */
    rc = b->in->source->ops->cursor_read(w->cur, *seq, b->opt->year, c, first, &e);
    more = rc == TIDU_OK;
  }
  if (rc != TIDU_OK) fail(b, rc, &e);
  return more;
}

static void report_progress(batch *b, size_t n) {
  b->done += n;
  if (b->opt->progress && b->done - b->last_progress >= PROGRESS_STEP) {
    b->last_progress = b->done;
    b->opt->progress(b->opt->ctx, b->done, b->in->source ? tidu_source_count(b->in->source) : 0);
  }
}

/* Writes the chunk's buffer when its turn comes (input order). */
static void ordered_write(batch *b, size_t seq, const char *buf, size_t len, size_t n) {
  pthread_mutex_lock(&b->out_lock);
  while (b->opt->render && b->next_write != seq && !b->stop)
    pthread_cond_wait(&b->turn, &b->out_lock);
  if (!b->stop) {
    assert(!b->opt->render || b->next_write == seq); /* chunks are written in input order */
    if (len && b->opt->out && fwrite(buf, 1, len, b->opt->out) != len) {
      b->stop = 1;
      b->rc = TIDU_ERR_IO;
      tidu_error_set(&b->err, TIDU_ERR_IO, NULL, 0, 0, "写入输出失败 / cannot write output");
    }
    b->next_write++;
    report_progress(b, n);
  }
  pthread_cond_broadcast(&b->turn);
  pthread_mutex_unlock(&b->out_lock);
}

static tidu_code process(worker *w, size_t seq, size_t first, const tidu_chunk *c, tidu_error *e) {
  batch *b = w->b;
  tidu_batch_chunk bc = {.chunk = c, .first = first, .worker = w->index};
  for (int s = 0; s < b->nsel; s++) {
    tidu_code rc = tidu_assess_chunk(b->opt->sel[s], c, b->opt->as_of_days, w->ev[s], e);
    if (rc != TIDU_OK) return rc;
    bc.ev[s] = w->ev[s];
  }
  if (w->stats) {
    if (stats_add(w->stats, c, w->ev[0]) != TIDU_OK)
      return tidu_error_set(e, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
    stats_add_standards(w->stats, w->ev[0], c->n, b->nstd);
  }
  char *buf = NULL;
  size_t len = 0;
  if (b->opt->render) {
    tidu_code rc = b->opt->render(b->opt->render_ctx, &bc, &buf, &len, e);
    if (rc != TIDU_OK) {
      free(buf);
      return rc;
    }
  }
  ordered_write(b, seq, buf, len, c->n);
  free(buf);
  return TIDU_OK;
}

static void *worker_main(void *arg) {
  worker *w = arg;
  size_t seq = 0, first = 0;
  const tidu_chunk *c = NULL;
  while (next_chunk(w, &seq, &first, &c)) {
    tidu_error e = {0};
    tidu_code rc = process(w, seq, first, c, &e);
    if (rc != TIDU_OK) {
      fail(w->b, rc, &e);
      break;
    }
  }
  return NULL;
}

static void worker_free(worker *w) {
  if (w->firms)
    for (size_t i = 0; i < w->b->chunk_size; i++) tidu_firm_clear(&w->firms[i]);
  free(w->firms);
  tidu_chunk_free(w->chunk);
  if (w->cur) w->b->in->source->ops->cursor_free(w->cur);
  for (int s = 0; s < TIDU_BATCH_MAX_SELECTIONS; s++) tidu_eval_free(w->ev[s]);
  tidu_batch_stats_free(w->stats);
}

static int worker_init(worker *w, batch *b, int index) {
  memset(w, 0, sizeof *w);
  w->b = b;
  w->index = index;
  if (b->sliced) {
    w->cur = b->in->source->ops->cursor_new(b->in->source->self, b->chunk_size);
    if (!w->cur) return -1;
  } else {
    w->chunk = tidu_chunk_new(b->chunk_size);
    w->firms = tidu_calloc(b->chunk_size, sizeof *w->firms);
    if (!w->chunk || !w->firms) return -1;
    for (size_t i = 0; i < b->chunk_size; i++) tidu_firm_init(&w->firms[i]);
  }
  for (int s = 0; s < b->nsel; s++) {
    if (!(w->ev[s] = tidu_eval_new())) return -1;
    /* with no render nothing but the counts reads a chunk's columns: verdicts suffice */
    w->ev[s]->verdicts_only = !b->opt->render;
  }
  if (b->opt->aggregate && !(w->stats = stats_new(b->opt->sel[0], b->opt->region_digits)))
    return -1;
  return 0;
}

static int thread_count(const tidu_batch_options *opt) {
  if (opt->threads > 0) return opt->threads > 64 ? 64 : opt->threads;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static tidu_code check_args(const tidu_batch_input *in, const tidu_batch_options *opt,
                            size_t chunk_size, tidu_error *err) {
  if (!in || !opt || !opt->sel[0] || (!in->source && !in->next))
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "缺少输入或规则 / missing input or rules");
  if (!in->source || !tidu_source_sliced(in->source)) return TIDU_OK;
  size_t rows = in->source->ops->block_rows(in->source->self);
  if (chunk_size == 0 || rows % chunk_size != 0)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "分块大小须整除 %zu / chunk size must divide %zu", rows, rows);
  return TIDU_OK;
}

static tidu_code batch_prepare(batch *b, tidu_error *err) {
  const tidu_selection *sel = b->opt->sel[0];
  size_t n = tidu_selection_count(sel);
  b->nstd = tidu_calloc(n ? n : 1, sizeof *b->nstd);
  if (!b->nstd) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  for (size_t i = 0; i < n; i++)
    b->nstd[i] = tidu_ruleset_meta(tidu_selection_get(sel, i))->nstandards;
  b->sliced = b->in->source && tidu_source_sliced(b->in->source);
  if (b->sliced) b->nslices = b->in->source->ops->slices(b->in->source->self, b->chunk_size);
  pthread_mutex_init(&b->in_lock, NULL);
  pthread_mutex_init(&b->out_lock, NULL);
  pthread_cond_init(&b->turn, NULL);
  return TIDU_OK;
}

static void batch_destroy(batch *b) {
  pthread_mutex_destroy(&b->in_lock);
  pthread_mutex_destroy(&b->out_lock);
  pthread_cond_destroy(&b->turn);
  free(b->nstd);
}

/* Starts the workers, waits for them, merges their aggregates into workers[0]. */
static tidu_code run_workers(batch *b, worker *ws, int nt, tidu_error *err) {
  int started = 0;
  tidu_code rc = TIDU_OK;
  for (int t = 0; t < nt; t++) {
    if (worker_init(&ws[t], b, t) != 0) {
      rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
      nt = t + 1;
      break;
    }
  }
  for (int t = 0; rc == TIDU_OK && t < nt; t++) {
    if (pthread_create(&ws[t].th, NULL, worker_main, &ws[t]) != 0) {
      fail(b, TIDU_ERR_NOMEM, NULL);
      break;
    }
    started++;
  }
  for (int t = 0; t < started; t++) pthread_join(ws[t].th, NULL);
  if (rc == TIDU_OK && b->rc != TIDU_OK) {
    rc = b->rc;
    if (err) *err = b->err;
  }
  for (int t = 1; rc == TIDU_OK && t < nt && ws[0].stats; t++)
    if (stats_merge(ws[0].stats, ws[t].stats) != 0)
      rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  return rc;
}

tidu_code tidu_batch_run(const tidu_batch_input *in, const tidu_batch_options *opt,
                         tidu_batch_stats **stats, size_t *nfirms, size_t *nbad, tidu_error *err) {
  if (stats) *stats = NULL;
  size_t chunk_size = opt && opt->chunk_size ? opt->chunk_size : DEFAULT_CHUNK;
  tidu_code rc = check_args(in, opt, chunk_size, err);
  if (rc != TIDU_OK) return rc;
  batch b = {.in = in, .opt = opt, .chunk_size = chunk_size, .nsel = opt->sel[1] ? 2 : 1};
  rc = batch_prepare(&b, err);
  if (rc != TIDU_OK) return rc;
  int nt = thread_count(opt);
  worker *ws = tidu_calloc((size_t)nt, sizeof *ws);
  if (!ws) {
    batch_destroy(&b);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  rc = run_workers(&b, ws, nt, err);
  if (rc == TIDU_OK && opt->progress) opt->progress(opt->ctx, b.done, b.done);
  if (rc == TIDU_OK && stats && ws[0].stats) {
    *stats = ws[0].stats;
    ws[0].stats = NULL;
  }
  if (nfirms) *nfirms = b.done;
  if (nbad) *nbad = b.nbad;
  for (int t = 0; t < nt; t++)
    if (ws[t].b) worker_free(&ws[t]);
  free(ws);
  batch_destroy(&b);
  return rc;
}

/* ================================================================== per-firm JSON */

typedef struct outbuf {
  char *data;
  size_t len, cap;
} outbuf;

static int outbuf_put(outbuf *o, const char *s, size_t len) {
  if (TIDU_RESERVE(o->data, o->cap, o->len + len + 1) != 0) return -1;
  memcpy(o->data + o->len, s, len);
  o->len += len;
  return 0;
}

tidu_code tidu_batch_render_json(void *render_ctx, const tidu_batch_chunk *bc, char **out,
                                 size_t *out_len, tidu_error *err) {
  (void)render_ctx;
  outbuf o = {0};
  tidu_code rc = TIDU_OK;
  for (size_t l = 0; rc == TIDU_OK && l < bc->chunk->n; l++) {
    tidu_result *r = NULL;
    rc = tidu_eval_materialise(bc->ev[0], l, &r, err);
    json_t *j = rc == TIDU_OK ? tidu_report_json(r) : NULL;
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    if (rc == TIDU_OK && (!s || outbuf_put(&o, s, strlen(s)) != 0 || outbuf_put(&o, "\n", 1) != 0))
      rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
    free(s);
    json_decref(j);
    tidu_result_free(r);
  }
  if (rc != TIDU_OK) {
    free(o.data);
    return rc;
  }
  *out = o.data;
  *out_len = o.len;
  return TIDU_OK;
}
