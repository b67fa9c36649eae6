/* What-if: one population under two rule versions, every verdict that changes and why. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidu/batch.h"
#include "tidu/toolkit.h"

/* A rule set of the base selection and its counterpart in the edited one. */
typedef struct pair {
  size_t base, with;
  const tidu_ruleset_info *mb, *mw;
  int *std_with; /* base standard j -> with standard index, -1 when absent */
} pair;

typedef struct flip_list {
  tidu_flip *items;
  size_t n, cap;
} flip_list;

struct tidu_simulation {
  uint64_t firms;
  flip_list flips;
  int region_digits;
};

typedef struct sim_ctx {
  pair *pairs;
  size_t npairs;
  flip_list *per_worker;
  int nworkers;
} sim_ctx;

static void flip_clear(tidu_flip *f) {
  free(f->uscc);
  free(f->name);
  free(f->id);
  free(f->cause);
  free(f->region);
  free(f->chains);
}

static void list_free(flip_list *l) {
  for (size_t i = 0; i < l->n; i++) flip_clear(&l->items[i]);
  free(l->items);
  memset(l, 0, sizeof *l);
}

static tidu_flip *list_push(flip_list *l) {
  if (TIDU_PUSH_ROOM(l->items, l->n, l->cap) != 0) return NULL;
  tidu_flip *f = &l->items[l->n++];
  memset(f, 0, sizeof *f);
  return f;
}

/* ---- matching the two selections ---- */

static int same_scope(const tidu_ruleset_info *a, const tidu_ruleset_info *b) {
  if (a->nregions != b->nregions) return 0;
  for (size_t i = 0; i < a->nregions; i++)
    if (strcmp(a->regions[i], b->regions[i]) != 0) return 0;
  return 1;
}

static long find_with(const tidu_selection *with, const tidu_ruleset_info *mb) {
  long any = -1;
  for (size_t j = 0; j < tidu_selection_count(with); j++) {
    const tidu_ruleset_info *mw = tidu_ruleset_meta(tidu_selection_get(with, j));
    if (strcmp(mw->id, mb->id) != 0) continue;
    if (same_scope(mb, mw)) return (long)j;
    if (any < 0) any = (long)j;
  }
  return any;
}

static void pairs_free(pair *p, size_t n) {
  for (size_t i = 0; p && i < n; i++) free(p[i].std_with);
  free(p);
}

static tidu_code make_pairs(const tidu_selection *base, const tidu_selection *with, pair **out,
                            size_t *n, tidu_error *err) {
  size_t nb = tidu_selection_count(base);
  pair *p = tidu_calloc(nb ? nb : 1, sizeof *p);
  size_t k = 0;
  if (!p) goto nomem;
  for (size_t i = 0; i < nb; i++) {
    const tidu_ruleset_info *mb = tidu_ruleset_meta(tidu_selection_get(base, i));
    long j = find_with(with, mb);
    if (j < 0) continue;
    pair *q = &p[k++];
    q->base = i;
    q->with = (size_t)j;
    q->mb = mb;
    q->mw = tidu_ruleset_meta(tidu_selection_get(with, (size_t)j));
    q->std_with = tidu_malloc((mb->nstandards ? mb->nstandards : 1) * sizeof *q->std_with);
    if (!q->std_with) goto nomem;
    for (size_t s = 0; s < mb->nstandards; s++) {
      q->std_with[s] = -1;
      for (size_t t = 0; t < q->mw->nstandards; t++)
        if (strcmp(mb->standards[s].id, q->mw->standards[t].id) == 0) q->std_with[s] = (int)t;
    }
  }
  *out = p;
  *n = k;
  return TIDU_OK;
nomem:
  pairs_free(p, k);
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* ---- the condition that made the difference ---- */

static int is_leaf(const tidu_cond_result *c) {
  return c->kind == TIDU_COND_CMP || c->kind == TIDU_COND_TEST;
}

/* First leaf whose verdict differs between two condition lists of the same shape. */
static const tidu_cond_result *diff_leaf(const tidu_cond_result *a, size_t na,
                                         const tidu_cond_result *b, size_t nb) {
  for (size_t i = 0; i < na && i < nb; i++) {
    if (a[i].verdict == b[i].verdict) continue;
    if (is_leaf(&b[i])) return &b[i];
    const tidu_cond_result *d =
        diff_leaf(a[i].children, a[i].nchildren, b[i].children, b[i].nchildren);
    if (d) return d;
  }
  return NULL;
}

/* First leaf of the list with verdict `v`. */
static const tidu_cond_result *leaf_with(const tidu_cond_result *c, size_t n, tidu_verdict v) {
  for (size_t i = 0; i < n; i++) {
    if (is_leaf(&c[i]) && c[i].verdict == v) return &c[i];
    const tidu_cond_result *d = leaf_with(c[i].children, c[i].nchildren, v);
    if (d) return d;
  }
  return NULL;
}

static const tidu_block_result *find_block(const tidu_ruleset_result *r, const char *std_id) {
  for (size_t i = 0; r && i < r->nstandards; i++)
    if (strcmp(r->standards[i].id, std_id) == 0) return &r->standards[i];
  return NULL;
}

static const tidu_ruleset_result *find_rs(const tidu_result *r, const char *id) {
  for (size_t i = 0; r && i < r->nrulesets; i++)
    if (strcmp(r->rulesets[i].meta->id, id) == 0) return &r->rulesets[i];
  return NULL;
}

static const tidu_cond_result *block_cause(const tidu_block_result *a, const tidu_block_result *b,
                                           tidu_verdict to) {
  if (!b) return NULL;
  const tidu_cond_result *d = a ? diff_leaf(a->conds, a->nconds, b->conds, b->nconds) : NULL;
  return d ? d : leaf_with(b->conds, b->nconds, to);
}

/* The cause of a flip of standard `std_id` (NULL: of the whole rule set `rs_id`). */
static const char *cause_text(const tidu_result *ra, const tidu_result *rb, const char *rs_id,
                              const char *std_id, tidu_verdict to) {
  const tidu_ruleset_result *a = find_rs(ra, rs_id), *b = find_rs(rb, rs_id);
  if (!b) return NULL;
  const tidu_cond_result *c = NULL;
  if (std_id) {
    c = block_cause(find_block(a, std_id), find_block(b, std_id), to);
  } else {
    for (size_t i = 0; !c && i < b->nstandards; i++) {
      const tidu_block_result *sa = find_block(a, b->standards[i].id);
      if (sa && sa->verdict != b->standards[i].verdict)
        c = block_cause(sa, &b->standards[i], b->standards[i].verdict);
    }
    for (size_t i = 0; !c && i < b->nrequires; i++)
      c = block_cause(a && i < a->nrequires ? &a->requires[i] : NULL, &b->requires[i], to);
  }
  return c ? c->text : NULL;
}

/* ---- per chunk ---- */

static const char *text_at(const tidu_chunk *c, tidu_firm_field f, size_t l) {
  return c->text[f] ? c->text[f][l] : NULL;
}

static tidu_code add_flip(flip_list *l, const tidu_batch_chunk *bc, size_t lane, const char *id,
                          uint8_t from, uint8_t to, unsigned ord, tidu_flip **out) {
  tidu_flip *f = list_push(l);
  if (!f) return TIDU_ERR_NOMEM;
  f->row = bc->first + lane;
  f->from = from;
  f->to = to;
  f->ord = ord;
  f->id = tidu_strdup(id);
  f->uscc = tidu_strdup(text_at(bc->chunk, TIDU_F_USCC, lane));
  f->name = tidu_strdup(text_at(bc->chunk, TIDU_F_NAME, lane));
  f->region = tidu_strdup(text_at(bc->chunk, TIDU_F_REGION, lane));
  f->chains = tidu_strdup(text_at(bc->chunk, TIDU_F_CHAINS, lane));
  *out = f;
  return f->id ? TIDU_OK : TIDU_ERR_NOMEM;
}

/* Records the flips of one firm; materialises its two results only when something flipped. */
static tidu_code firm_flips(sim_ctx *s, const tidu_batch_chunk *bc, size_t lane, flip_list *l) {
  tidu_result *ra = NULL, *rb = NULL;
  unsigned ord = 0;
  tidu_code rc = TIDU_OK;
  for (size_t p = 0; rc == TIDU_OK && p < s->npairs; p++) {
    const pair *q = &s->pairs[p];
    for (long j = -1; rc == TIDU_OK && j < (long)q->mb->nstandards; j++) {
      size_t sb = j < 0 ? TIDU_WHOLE : (size_t)j;
      if (j >= 0 && q->std_with[j] < 0) continue;
      size_t sw = j < 0 ? TIDU_WHOLE : (size_t)q->std_with[j];
      tidu_verdict vb = tidu_eval_verdict(bc->ev[0], q->base, sb, lane);
      tidu_verdict vw = tidu_eval_verdict(bc->ev[1], q->with, sw, lane);
      if (vb == vw) continue;
      if (!ra && (tidu_eval_materialise(bc->ev[0], lane, &ra, NULL) != TIDU_OK ||
                  tidu_eval_materialise(bc->ev[1], lane, &rb, NULL) != TIDU_OK)) {
        rc = TIDU_ERR_NOMEM;
        break;
      }
      const char *id = j < 0 ? q->mb->id : q->mb->standards[j].id;
      tidu_flip *f = NULL;
      rc = add_flip(l, bc, lane, id, (uint8_t)vb, (uint8_t)vw, ord++, &f);
      if (rc == TIDU_OK) {
        const char *c = cause_text(ra, rb, q->mb->id, j < 0 ? NULL : id, vw);
        f->cause = tidu_strdup(c);
      }
    }
  }
  tidu_result_free(ra);
  tidu_result_free(rb);
  return rc;
}

/* Compares the two selections' verdict columns and records the flips. */
/* Marks in `diff` the lanes whose verdict differs for any matched rule set or standard. */
static void mark_differences(const sim_ctx *s, const tidu_batch_chunk *bc, uint8_t *diff,
                             size_t n) {
  memset(diff, 0, n);
  for (size_t p = 0; p < s->npairs; p++) {
    const pair *q = &s->pairs[p];
    for (long j = -1; j < (long)q->mb->nstandards; j++) {
      if (j >= 0 && q->std_with[j] < 0) continue;
      const uint8_t *a = tidu_eval_verdicts(bc->ev[0], q->base, j < 0 ? TIDU_WHOLE : (size_t)j);
      const uint8_t *b =
          tidu_eval_verdicts(bc->ev[1], q->with, j < 0 ? TIDU_WHOLE : (size_t)q->std_with[j]);
      for (size_t l = 0; l < n; l++) diff[l] |= a[l] != b[l];
    }
  }
}

/* Compares the two selections' verdict columns and records the flips. */
static tidu_code sim_chunk(void *ctx, const tidu_batch_chunk *bc, char **out, size_t *out_len,
                           tidu_error *err) {
  sim_ctx *s = ctx;
  *out = NULL;
  *out_len = 0;
  flip_list *l = &s->per_worker[bc->worker];
  size_t n = bc->chunk->n;
  uint8_t *diff = tidu_malloc(n ? n : 1);
  tidu_code rc = diff ? TIDU_OK : TIDU_ERR_NOMEM;
  if (diff) mark_differences(s, bc, diff, n);
  for (size_t lane = 0; rc == TIDU_OK && lane < n; lane++)
    if (diff[lane]) rc = firm_flips(s, bc, lane, l);
  free(diff);
  if (rc != TIDU_OK)
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  return TIDU_OK;
}

static int cmp_flip(const void *a, const void *b) {
  const tidu_flip *x = a, *y = b;
  if (x->row != y->row) return x->row < y->row ? -1 : 1;
  return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* Moves every worker's flips into one list ordered by input position. */
static tidu_code gather(sim_ctx *s, tidu_simulation *sim) {
  size_t total = 0;
  for (int w = 0; w < s->nworkers; w++) total += s->per_worker[w].n;
  sim->flips.items = tidu_malloc((total ? total : 1) * sizeof *sim->flips.items);
  if (!sim->flips.items) return TIDU_ERR_NOMEM;
  sim->flips.cap = total ? total : 1;
  for (int w = 0; w < s->nworkers; w++) {
    flip_list *l = &s->per_worker[w];
    if (l->n) memcpy(sim->flips.items + sim->flips.n, l->items, l->n * sizeof *l->items);
    sim->flips.n += l->n;
    free(l->items);
    memset(l, 0, sizeof *l);
  }
  if (sim->flips.n > 1) qsort(sim->flips.items, sim->flips.n, sizeof *sim->flips.items, cmp_flip);
  return TIDU_OK;
}

tidu_code tidu_simulate(const tidu_batch_input *in, const tidu_batch_options *opt,
                        tidu_simulation **out, tidu_error *err) {
  *out = NULL;
  if (!opt || !opt->sel[0] || !opt->sel[1])
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "需要两套规则 / two rule selections are needed");
  sim_ctx s = {0};
  tidu_simulation *sim = tidu_calloc(1, sizeof *sim);
  tidu_batch_options o = *opt;
  o.render = sim_chunk;
  o.render_ctx = &s;
  o.out = NULL;
  o.aggregate = 0;
  if (o.threads <= 0) {
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = np < 1 ? 1 : (int)np;
  }
  s.nworkers = o.threads > 64 ? 64 : o.threads;
  s.per_worker = tidu_calloc((size_t)s.nworkers, sizeof *s.per_worker);
  tidu_code rc = TIDU_OK;
  if (!sim || !s.per_worker)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  if (rc == TIDU_OK) rc = make_pairs(opt->sel[0], opt->sel[1], &s.pairs, &s.npairs, err);
  size_t nfirms = 0;
  if (rc == TIDU_OK) rc = tidu_batch_run(in, &o, NULL, &nfirms, NULL, err);
  if (rc == TIDU_OK && gather(&s, sim) != TIDU_OK)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  for (int w = 0; s.per_worker && w < s.nworkers; w++) list_free(&s.per_worker[w]);
  free(s.per_worker);
  pairs_free(s.pairs, s.npairs);
  if (rc != TIDU_OK) {
    tidu_simulation_free(sim);
    return rc;
  }
  sim->firms = nfirms;
  sim->region_digits = opt->region_digits > 0 ? opt->region_digits : 2;
  *out = sim;
  return TIDU_OK;
}

void tidu_simulation_free(tidu_simulation *s) {
  if (!s) return;
  list_free(&s->flips);
  free(s);
}

const tidu_flip *tidu_simulation_flips(const tidu_simulation *s, size_t *n) {
  *n = s->flips.n;
  return s->flips.items;
}

uint64_t tidu_simulation_firms(const tidu_simulation *s) {
  return s->firms;
}

/* ---- JSON ---- */

/* Adds 1 to obj[key][direction]. */
static int bump(json_t *obj, const char *key, const char *dir) {
  json_t *o = json_object_get(obj, key);
  if (!o) {
    o = json_object();
    if (!o || json_object_set_new(obj, key, o) != 0) return -1;
  }
  json_t *c = json_object_get(o, dir);
  if (c) return json_integer_set(c, json_integer_value(c) + 1);
  return json_object_set_new(o, dir, json_integer(1));
}

static json_t *child(json_t *obj, const char *key) {
  json_t *o = json_object_get(obj, key);
  if (!o && (o = json_object()) && json_object_set_new(obj, key, o) != 0) return NULL;
  return o;
}

static int count_by_chain(json_t *chains, const tidu_flip *f, const char *dir) {
  const char *p = f->chains;
  while (p && *p) {
    while (*p == ' ' || *p == ';') p++;
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    while (len && p[len - 1] == ' ') len--;
    if (len) {
      char key[256];
      snprintf(key, sizeof key, "%.*s", (int)(len < 255 ? len : 255), p);
      json_t *g = child(chains, key);
      if (!g || bump(g, f->id, dir) != 0) return -1;
    }
    p = end ? end + 1 : NULL;
  }
  return 0;
}

static int count_flip(json_t *changes, json_t *regions, json_t *chains, const tidu_flip *f,
                      int digits) {
  char dir[32];
  snprintf(dir, sizeof dir, "%s->%s", tidu_verdict_name((tidu_verdict)f->from),
           tidu_verdict_name((tidu_verdict)f->to));
  char rk[16] = "-";
  if (f->region && *f->region) snprintf(rk, sizeof rk, "%.*s", digits, f->region);
  json_t *g = child(regions, rk);
  if (bump(changes, f->id, dir) != 0 || !g || bump(g, f->id, dir) != 0) return -1;
  return count_by_chain(chains, f, dir);
}

static json_t *flip_json(const tidu_flip *f) {
  return json_pack("{s:I,s:s?,s:s?,s:s,s:s,s:s,s:s?}", "row", (json_int_t)f->row, "uscc", f->uscc,
                   "name", f->name, "id", f->id, "from", tidu_verdict_name((tidu_verdict)f->from),
                   "to", tidu_verdict_name((tidu_verdict)f->to), "cause", f->cause);
}

json_t *tidu_simulation_json(const tidu_simulation *s, int with_list) {
  json_t *root = json_pack("{s:I,s:{},s:{s:{},s:{}}}", "firms", (json_int_t)s->firms, "changes",
                           "by", "region", "chain");
  if (!root) return NULL;
  json_t *changes = json_object_get(root, "changes");
  json_t *by = json_object_get(root, "by");
  json_t *list = with_list ? json_array() : NULL;
  for (size_t i = 0; i < s->flips.n; i++) {
    const tidu_flip *f = &s->flips.items[i];
    if (count_flip(changes, json_object_get(by, "region"), json_object_get(by, "chain"), f,
                   s->region_digits) != 0 ||
        (list && json_array_append_new(list, flip_json(f)) != 0)) {
      json_decref(list);
      json_decref(root);
      return NULL;
    }
  }
  if (list) json_object_set_new(root, "flips", list);
  return root;
}
