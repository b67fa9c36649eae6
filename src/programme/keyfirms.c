/* Key firms (重点企业): the readiness score, the year's shortlist within per-chain and
 * per-region limits, and the recorded lists. */
#include "programme/prog_int.h"
#include "tidu/toolkit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the readiness score (docs/programme.md §3) ----
 *   closeness  50 × (1 − min(1, board_gap))   board_gap: nearest exchange standard, 0 = meets
 *   growth     20 × min(1, max(0, g) / 30%)   g: revenue growth of the year over the one before
 *   intention  15 yes, 5 undecided, 0 otherwise
 *   stage      15 × step / 5                   step: 0 none, 1 cultivating, 2 restructuring,
 *                                              3 shareholding, 4 counselling, 5 filed or later
 *                                              (declared listing_stage, or listing progress
 *                                              recorded up to the end of the year if further) */

static int stage_step_declared(int64_t v) {
  return v <= 0 ? 0 : v >= 5 ? 5 : (int)v;
}

static int stage_step_progress(const char *stage) {
  int k = tidu_stage_find(stage);
  const char *n = k >= 0 ? tidu_stage_name(k) : "";
  if (!strcmp(n, "shareholding")) return 3;
  if (!strcmp(n, "counselling") || !strcmp(n, "neeq_applied")) return 4;
  if (k >= 0) return 5;
  return 0;
}

typedef struct cand {
  tidu_key_firm k;
  char chain[128];
  char city[8];
} cand;

typedef struct sl_ctx {
  tidu_store *s;
  cand *v;
  size_t n, cap;
  char year_end[11];
} sl_ctx;

typedef struct step_ctx {
  const char *until;
  int step;
} step_ctx;

static int max_step(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)num;
  step_ctx *c = ud;
  if (t[2] && strcmp(t[2], c->until) <= 0) {
    int st = stage_step_progress(t[0]);
    if (st > c->step) c->step = st;
  }
  return 0;
}

static double growth_of(const tidu_firm *f, int32_t year) {
  const tidu_year *a = tidu_firm_find_year(f, year), *b = tidu_firm_find_year(f, year - 1);
  if (!a || !b) return NAN;
  int64_t x = a->v[TIDU_Y_REVENUE], y = b->v[TIDU_Y_REVENUE];
  if (x == TIDU_MISSING || y == TIDU_MISSING || y <= 0) return NAN;
  return (double)x / (double)y - 1.0;
}

static tidu_code score_chunk(void *ud, tidu_programme *p, const prog_chunk *c, tidu_error *err) {
  (void)p;
  sl_ctx *x = ud;
  for (size_t i = 0; i < c->n; i++) {
    const tidu_firm *f = &c->firms[i];
    int64_t gapv = c->chunk->firm[TIDU_F_BOARD_GAP][i];
    double gap = gapv == TIDU_MISSING ? 1.0 : (double)gapv / (double)TIDU_SCALE_RATIO;
    double close = 50.0 * (1.0 - (gap > 1 ? 1 : gap));
    double g = growth_of(f, c->year);
    double grow = isnan(g) ? 0 : 20.0 * fmin(1.0, fmax(0.0, g) / 0.30);
    int64_t intent = f->v[TIDU_F_LISTING_INTENTION];
    const char *iname = tidu_enum_name(TIDU_E_listing_intention, (int)intent);
    double inten = !strcmp(iname, "yes") ? 15 : !strcmp(iname, "undecided") ? 5 : 0;
    step_ctx sc = {x->year_end, stage_step_declared(f->v[TIDU_F_LISTING_STAGE])};
    tidu_code rc = tidu_store_pq(x->s, PQ_PROGRESS_LIST, &PA_S(f->text[TIDU_F_USCC]), 1, max_step,
                                 &sc, NULL, err);
    if (rc != TIDU_OK) return rc;
    double stage = 15.0 * sc.step / 5.0;
    if (TIDU_PUSH_ROOM(x->v, x->n, x->cap) != 0) return prog_nomem(err);
    cand *k = &x->v[x->n++];
    memset(k, 0, sizeof *k);
    snprintf(k->k.uscc, sizeof k->k.uscc, "%s", f->text[TIDU_F_USCC]);
    k->k.name = tidu_strdup(f->text[TIDU_F_NAME]);
    k->k.region = tidu_strdup(f->text[TIDU_F_REGION]);
    k->k.chains = tidu_strdup(f->text[TIDU_F_CHAINS]);
    k->k.score = round((close + grow + inten + stage) * 100) / 100;
    char why[512];
    char gtxt[32];
    if (isnan(g))
      snprintf(gtxt, sizeof gtxt, "缺数据");
    else
      snprintf(gtxt, sizeof gtxt, "%.1f%%", g * 100);
    snprintf(why, sizeof why,
             "接近上市标准 %.1f(差距 %.0f%%) + 营收增长 %.1f(%s) + 上市意向 %.0f + 上市进程 "
             "%.1f / closeness %.1f, growth %.1f, intention %.0f, stage %.1f",
             close, gap * 100, grow, gtxt, inten, stage, close, grow, inten, stage);
    k->k.reasons = tidu_strdup(why);
    const char *ch = f->text[TIDU_F_CHAINS];
    size_t cl = ch ? strcspn(ch, ";,") : 0;
    snprintf(k->chain, sizeof k->chain, "%.*s", (int)cl, ch ? ch : "");
    const char *rg = f->text[TIDU_F_REGION];
    snprintf(k->city, sizeof k->city, "%.4s", rg ? rg : "");
  }
  return TIDU_OK;
}

static int cmp_cand(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->k.score != y->k.score) return x->k.score > y->k.score ? -1 : 1;
  return strcmp(x->k.uscc, y->k.uscc);
}

static void free_key(tidu_key_firm *k) {
  free(k->name);
  free(k->region);
  free(k->chains);
  free(k->reasons);
  free(k->officer);
}

/* Counts the picked firms sharing `key` at offset `off` of a cand. */
static size_t count_same(const cand *v, const int *picked, size_t n, const char *key, int chain) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    if (picked[i] && !strcmp(chain ? v[i].chain : v[i].city, key)) c++;
  return c;
}

static tidu_code record(tidu_store *s, int32_t year, const tidu_shortlist *l, const tidu_actor *a,
                        tidu_error *err) {
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  char what[160];
  snprintf(what, sizeof what, "%d 年度重点企业 %zu 家 / %zu key firms for %d", year, l->n, l->n,
           year);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "pool.shortlist", NULL, what, NULL, &ev, err);
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_KEY_DELETE, &PA_I(year), 1, NULL, NULL, NULL, err);
  for (size_t i = 0; rc == TIDU_OK && i < l->n; i++) {
    const tidu_key_firm *k = &l->items[i];
    tidu_parg args[] = {PA_I(year),       PA_S(k->uscc),
                        PA_I(k->rank),    PA_I((int64_t)llround(k->score * 10000)),
                        PA_S(k->reasons), PA_I(ev)};
    rc = tidu_store_pq(s, PQ_KEY_INSERT, args, 6, NULL, NULL, NULL, err);
    char w[96];
    snprintf(w, sizeof w, "%d 年度重点企业第 %d 位 / key firm #%d of %d", year, k->rank, k->rank,
             year);
    if (rc == TIDU_OK) rc = prog_event(s, a, "pool.key", k->uscc, w, k->reasons, NULL, err);
  }
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_pool_shortlist(tidu_programme *p, tidu_store *s, const tidu_shortlist_options *o,
                              const tidu_actor *a, tidu_shortlist *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  if (!o || o->count <= 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "重点企业家数须大于 0 / the count must be greater than 0");
  if (o->per_chain < 0 || o->per_region < 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "每链/每地市上限不能为负 / per-chain and per-region limits must not be "
                          "negative");
  out->year = o->year;
  tidu_pool_filter f;
  tidu_pool_filter_init(&f);
  f.state = TIDU_POOL_ADMITTED;
  tidu_pool_list pool;
  tidu_code rc = tidu_pool_list_get(s, &f, &pool, err);
  if (rc != TIDU_OK) return rc;
  sl_ctx x = {s, NULL, 0, 0, ""};
  snprintf(x.year_end, sizeof x.year_end, "%04d-12-31", (int)o->year);
  char **ids = tidu_calloc(pool.n ? pool.n : 1, sizeof *ids);
  if (!ids) rc = prog_nomem(err);
  for (size_t i = 0; rc == TIDU_OK && i < pool.n; i++) ids[i] = pool.items[i].uscc;
  if (rc == TIDU_OK && pool.n) rc = prog_scan(p, s, o->year, ids, pool.n, score_chunk, &x, err);
  free(ids);
  tidu_pool_list_free(&pool);
  int *picked = rc == TIDU_OK ? tidu_calloc(x.n ? x.n : 1, sizeof *picked) : NULL;
  if (rc == TIDU_OK && !picked) rc = prog_nomem(err);
  if (rc == TIDU_OK) {
    if (x.n) qsort(x.v, x.n, sizeof *x.v, cmp_cand);
    out->items = tidu_calloc((size_t)o->count, sizeof *out->items);
    if (!out->items) rc = prog_nomem(err);
  }
  for (size_t i = 0; rc == TIDU_OK && i < x.n && out->n < (size_t)o->count; i++) {
    if (o->per_chain && x.v[i].chain[0] &&
        count_same(x.v, picked, x.n, x.v[i].chain, 1) >= (size_t)o->per_chain)
      continue;
    if (o->per_region && count_same(x.v, picked, x.n, x.v[i].city, 0) >= (size_t)o->per_region)
      continue;
    picked[i] = 1;
    out->items[out->n] = x.v[i].k;
    memset(&x.v[i].k, 0, sizeof x.v[i].k);
    out->items[out->n].rank = (int)out->n + 1;
    out->n++;
  }
  for (size_t i = 0; i < x.n; i++) free_key(&x.v[i].k);
  free(x.v);
  free(picked);
  if (rc == TIDU_OK && o->apply) {
    rc = record(s, o->year, out, a, err);
    out->recorded = rc == TIDU_OK;
  }
  if (rc != TIDU_OK) tidu_shortlist_free(out);
  return rc;
}

typedef struct get_ctx {
  tidu_shortlist *out;
  size_t cap;
  int nomem;
} get_ctx;

static int add_key(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  get_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_key_firm *k = &c->out->items[c->out->n++];
  memset(k, 0, sizeof *k);
  snprintf(k->uscc, sizeof k->uscc, "%s", t[0]);
  k->name = tidu_strdup(t[1]);
  k->region = tidu_strdup(t[2]);
  k->chains = tidu_strdup(t[3]);
  k->score = (double)num[4] / 10000.0;
  k->reasons = tidu_strdup(t[5]);
  k->officer = tidu_strdup(t[6]);
  k->rank = (int)num[7];
  return 0;
}

tidu_code tidu_key_firms_get(tidu_store *s, int32_t year, tidu_shortlist *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  out->year = year;
  out->recorded = 1;
  get_ctx c = {out, 0, 0};
  tidu_code rc = tidu_store_pq(s, PQ_KEY_GET, &PA_I(year), 1, add_key, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_shortlist_free(out);
  return rc;
}

void tidu_shortlist_free(tidu_shortlist *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) free_key(&l->items[i]);
  free(l->items);
  l->items = NULL;
  l->n = 0;
}
