/* Pool reviews (entries and exits computed by the programme rule sets) and layering: one board
 * per pool firm, with the reason. */
#include "programme/prog_int.h"
#include "tidu/toolkit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the pool's states by USCC, held sorted for look-up ---- */

typedef struct pool_state {
  char uscc[19];
  int state;
} pool_state;

typedef struct pool_index {
  pool_state *v;
  size_t n, cap;
  int nomem;
} pool_index;

static int add_state(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)num;
  pool_index *x = ud;
  if (TIDU_PUSH_ROOM(x->v, x->n, x->cap) != 0) return x->nomem = 1;
  snprintf(x->v[x->n].uscc, sizeof x->v[0].uscc, "%s", t[0]);
  x->v[x->n++].state = tidu_pool_state_find(t[5]);
  return 0;
}

/* Loads every pool row (ordered by USCC: PQ_POOL_LIST sorts). */
static tidu_code load_index(tidu_store *s, pool_index *x, tidu_error *err) {
  memset(x, 0, sizeof *x);
  tidu_code rc = tidu_store_pq(s, PQ_POOL_LIST, NULL, 0, add_state, x, NULL, err);
  if (rc == TIDU_OK && x->nomem) rc = prog_nomem(err);
  return rc;
}

static int cmp_state(const void *a, const void *b) {
  return strcmp(((const pool_state *)a)->uscc, ((const pool_state *)b)->uscc);
}

static int state_of(const pool_index *x, const char *uscc) {
  pool_state key;
  snprintf(key.uscc, sizeof key.uscc, "%s", uscc ? uscc : "");
  const pool_state *f = x->n ? bsearch(&key, x->v, x->n, sizeof *x->v, cmp_state) : NULL;
  return f ? f->state : -1;
}

/* ---- review ---- */

typedef struct review_ctx {
  pool_index idx;
  tidu_review *out;
  size_t cap;
} review_ctx;

static tidu_code push_item(review_ctx *c, const tidu_firm *f, int enter, tidu_exit_reason reason,
                           const char *why, tidu_error *err) {
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return prog_nomem(err);
  tidu_review_item *it = &c->out->items[c->out->n++];
  memset(it, 0, sizeof *it);
  snprintf(it->uscc, sizeof it->uscc, "%s", f->text[TIDU_F_USCC]);
  it->name = tidu_strdup(f->text[TIDU_F_NAME]);
  it->enter = enter;
  it->reason = reason;
  it->why = tidu_strdup(why);
  if (enter)
    c->out->entries++;
  else
    c->out->exits++;
  return TIDU_OK;
}

/* The Chinese title of standard `id` of programme rule set `rs`. */
static const char *std_title(const tidu_programme *p, int rs, const char *id) {
  const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(p->psel, (size_t)rs));
  for (size_t k = 0; k < m->nstandards; k++)
    if (!strcmp(m->standards[k].id, id)) return m->standards[k].name;
  return id;
}

static tidu_code review_chunk(void *ud, tidu_programme *p, const prog_chunk *c, tidu_error *err) {
  review_ctx *x = ud;
  x->out->firms += c->n;
  for (size_t i = 0; i < c->n; i++) {
    const tidu_firm *f = &c->firms[i];
    int state = state_of(&x->idx, f->text[TIDU_F_USCC]);
    tidu_verdict entry = prog_pverdict(p, c, p->rs_entry, i);
    char why[512];
    tidu_code rc = TIDU_OK;
    if (state == TIDU_POOL_ADMITTED) {
      const char *ex = prog_passing_std(p, c, p->rs_exit, i);
      if (ex) {
        const char *dot = strrchr(ex, '.');
        int reason = tidu_exit_reason_find(dot ? dot + 1 : ex);
        snprintf(why, sizeof why, "%s (%s)", std_title(p, p->rs_exit, ex), ex);
        rc = push_item(x, f, 0, reason > 0 ? (tidu_exit_reason)reason : TIDU_EXIT_OTHER, why, err);
      } else if (entry == TIDU_V_FAIL) {
        snprintf(why, sizeof why,
                 "不再符合入库标准 / no longer meets the entry standard "
                 "(pool_entry)");
        rc = push_item(x, f, 0, TIDU_EXIT_STANDARD, why, err);
      }
    } else if (state < 0 && entry == TIDU_V_PASS) {
      const char *st = prog_passing_std(p, c, p->rs_entry, i);
      snprintf(why, sizeof why, "%s (%s)", st ? std_title(p, p->rs_entry, st) : "入库标准",
               st ? st : "pool_entry");
      rc = push_item(x, f, 1, TIDU_EXIT_NONE, why, err);
    }
    if (rc != TIDU_OK) return rc;
  }
  return TIDU_OK;
}

tidu_code tidu_pool_review(tidu_programme *p, tidu_store *s, int32_t year, int apply,
                           const tidu_actor *a, tidu_review *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  if (p->rs_entry < 0)
    return tidu_error_set(err, TIDU_ERR_RULE, NULL, 0, 0,
                          "缺少规则集 pool_entry / the rule set pool_entry is missing");
  review_ctx x = {{0}, out, 0};
  tidu_code rc = load_index(s, &x.idx, err);
  if (rc == TIDU_OK) rc = prog_scan(p, s, year, NULL, 0, review_chunk, &x, err);
  free(x.idx.v);
  if (rc == TIDU_OK && apply) {
    char src[160];
    snprintf(src, sizeof src, "%s (review %d)", a && a->source ? a->source : "review", year);
    tidu_actor ra = {a ? a->who : NULL, src};
    int own = 0;
    rc = prog_begin(s, &own, err);
    for (size_t i = 0; rc == TIDU_OK && i < out->n; i++) {
      const tidu_review_item *it = &out->items[i];
      if (it->enter)
        rc = tidu_pool_add(s, it->uscc, TIDU_SRC_REVIEW, "规则筛选", it->why, &ra, err);
      else
        rc = tidu_pool_exit(s, it->uscc, it->reason, it->why, &ra, err);
      if (rc == TIDU_OK) out->applied++;
    }
    rc = prog_finish(s, own, rc, err);
  }
  if (rc != TIDU_OK) tidu_review_free(out);
  return rc;
}

void tidu_review_free(tidu_review *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n; i++) {
    free(r->items[i].name);
    free(r->items[i].why);
  }
  free(r->items);
  memset(r, 0, sizeof *r);
}

/* ---- layering ---- */

typedef struct layer_ctx {
  tidu_layers *out;
  size_t cap;
} layer_ctx;

static tidu_code layer_chunk(void *ud, tidu_programme *p, const prog_chunk *c, tidu_error *err) {
  layer_ctx *x = ud;
  for (size_t i = 0; i < c->n; i++) {
    const tidu_firm *f = &c->firms[i];
    int pick = -1, qualifies = 0;
    double best = INFINITY;
    for (size_t b = 0; b < p->norder && pick < 0; b++) {
      tidu_verdict v = tidu_eval_verdict(c->ev, (size_t)p->rs_order[b], TIDU_WHOLE, i);
      if (v == TIDU_V_PASS) pick = (int)b, qualifies = 1;
    }
    for (size_t b = 0; b < p->norder && pick < 0; b++) {
      tidu_verdict v = tidu_eval_verdict(c->ev, (size_t)p->rs_order[b], TIDU_WHOLE, i);
      if (v == TIDU_V_NA) continue;
      double d = tidu_eval_distance(c->ev, (size_t)p->rs_order[b], TIDU_WHOLE, i);
      if (d < best) best = d;
    }
    if (pick < 0 && isfinite(best))
      for (size_t b = 0; b < p->norder && pick < 0; b++) {
        tidu_verdict v = tidu_eval_verdict(c->ev, (size_t)p->rs_order[b], TIDU_WHOLE, i);
        if (v != TIDU_V_NA &&
            tidu_eval_distance(c->ev, (size_t)p->rs_order[b], TIDU_WHOLE, i) == best)
          pick = (int)b;
      }
    if (TIDU_PUSH_ROOM(x->out->items, x->out->n, x->cap) != 0) return prog_nomem(err);
    tidu_layer_item *it = &x->out->items[x->out->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->uscc, sizeof it->uscc, "%s", f->text[TIDU_F_USCC]);
    it->name = tidu_strdup(f->text[TIDU_F_NAME]);
    it->region = tidu_strdup(f->text[TIDU_F_REGION]);
    it->chains = tidu_strdup(f->text[TIDU_F_CHAINS]);
    it->qualifies = qualifies;
    char why[256];
    if (pick < 0) {
      snprintf(it->board, sizeof it->board, "none");
      it->distance = NAN;
      snprintf(why, sizeof why, "各板块均缺数据 / every board undetermined");
    } else {
      int rs = p->rs_order[pick];
      const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(p->sel, (size_t)rs));
      const char *std = prog_std_id(p->sel, rs, tidu_eval_nearest(c->ev, (size_t)rs, i));
      snprintf(it->board, sizeof it->board, "%s", p->order[pick]);
      it->distance = qualifies ? 0 : best;
      if (qualifies)
        snprintf(why, sizeof why, "已达 %s %s / meets %s", m->name, std ? std : "", std ? std : "");
      else
        snprintf(why, sizeof why, "最接近 %s %s,相对差距 %.0f%% / nearest %s, gap %.0f%%", m->name,
                 std ? std : "", best * 100, std ? std : "", best * 100);
    }
    it->why = tidu_strdup(why);
  }
  return TIDU_OK;
}

static int cmp_layer(const void *a, const void *b, void *order) {
  (void)order;
  const tidu_layer_item *x = a, *y = b;
  return strcmp(x->uscc, y->uscc);
}

tidu_code tidu_pool_layers(tidu_programme *p, tidu_store *s, int32_t year, tidu_layers *out,
                           tidu_error *err) {
  memset(out, 0, sizeof *out);
  tidu_pool_filter f;
  tidu_pool_filter_init(&f);
  f.state = TIDU_POOL_ADMITTED;
  tidu_pool_list pool;
  tidu_code rc = tidu_pool_list_get(s, &f, &pool, err);
  if (rc != TIDU_OK) return rc;
  char **ids = tidu_calloc(pool.n ? pool.n : 1, sizeof *ids);
  if (!ids) rc = prog_nomem(err);
  for (size_t i = 0; rc == TIDU_OK && i < pool.n; i++) ids[i] = pool.items[i].uscc;
  layer_ctx x = {out, 0};
  if (rc == TIDU_OK && pool.n) rc = prog_scan(p, s, year, ids, pool.n, layer_chunk, &x, err);
  free(ids);
  tidu_pool_list_free(&pool);
  if (rc != TIDU_OK) {
    tidu_layers_free(out);
    return rc;
  }
  out->nboards = p->norder;
  for (size_t b = 0; b < p->norder; b++) snprintf(out->boards[b], 16, "%s", p->order[b]);
  /* order by layer (in the board order, none last), then USCC */
  tidu_layer_item *sorted = tidu_malloc((out->n ? out->n : 1) * sizeof *sorted);
  if (!sorted) {
    tidu_layers_free(out);
    return prog_nomem(err);
  }
  size_t k = 0;
  for (size_t b = 0; b <= p->norder; b++) {
    size_t first = k;
    for (size_t i = 0; i < out->n; i++) {
      const char *want = b < p->norder ? p->order[b] : "none";
      if (!strcmp(out->items[i].board, want)) sorted[k++] = out->items[i];
    }
    out->counts[b] = k - first;
    qsort_r(sorted + first, k - first, sizeof *sorted, cmp_layer, NULL);
  }
  free(out->items);
  out->items = sorted;
  return TIDU_OK;
}

void tidu_layers_free(tidu_layers *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].name);
    free(l->items[i].region);
    free(l->items[i].chains);
    free(l->items[i].why);
  }
  free(l->items);
  memset(l, 0, sizeof *l);
}
