/* Projection: the first year each firm would meet each board and tier at its recent growth. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidu/batch.h"
#include "tidu/toolkit.h"

/* ---- growing figures ---- */

static double clampd(double x, double lo, double hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

/* The yearly growth rate of one figure from its last three years, capped; NaN = hold. */
static double trend(int64_t x0, int64_t x1, int64_t x2, double cap) {
  if (x0 == TIDU_MISSING || x0 < 0) return NAN;
  if (x2 != TIDU_MISSING && x2 > 0) return clampd(sqrt((double)x0 / (double)x2) - 1.0, -cap, cap);
  if (x1 != TIDU_MISSING && x1 > 0) return clampd((double)x0 / (double)x1 - 1.0, -cap, cap);
  return NAN;
}

static int grows(tidu_type t) {
  return t == TIDU_T_MONEY || t == TIDU_T_COUNT;
}

static int64_t grown(int64_t x0, double g, int years) {
  if (x0 == TIDU_MISSING || isnan(g)) return x0;
  return llround((double)x0 * pow(1.0 + g, years));
}

/* One year field of the projected chunk: k < t are new years, k >= t are shifted old ones. */
static void project_field(const tidu_chunk *src, int f, int t, double cap, tidu_chunk *dst) {
  int growable = grows(tidu_year_field_info((tidu_year_field)f)->type);
  int64_t *const *s = src->yr[f];
  for (int k = 0; k < TIDU_CHUNK_YEARS; k++) {
    int64_t *d = dst->yr[f][k];
    if (k >= t) {
      memcpy(d, s[k - t], src->n * sizeof *d);
      continue;
    }
    for (size_t i = 0; i < src->n; i++) {
      double g = growable ? trend(s[0][i], s[1][i], s[2][i], cap) : NAN;
      d[i] = growable ? grown(s[0][i], g, t - k) : s[0][i];
    }
  }
}

tidu_code tidu_project_chunk(const tidu_chunk *src, int t, double cap, tidu_chunk *dst,
                             tidu_error *err) {
  if (dst->cap < src->n || t < 0 || t > TIDU_PROJECT_MAX_HORIZON)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "预测年数须在 0..%d / projection years must be 0..%d",
                          TIDU_PROJECT_MAX_HORIZON, TIDU_PROJECT_MAX_HORIZON);
  dst->n = src->n;
  for (size_t i = 0; i < src->n; i++) dst->base[i] = src->base[i] ? src->base[i] + t : 0;
  for (int f = 0; f < TIDU_NFIRM; f++) {
    if (src->text[f] && dst->text[f])
      memcpy(dst->text[f], src->text[f], src->n * sizeof *src->text[f]);
    else if (src->firm[f] && dst->firm[f])
      memcpy(dst->firm[f], src->firm[f], src->n * sizeof *src->firm[f]);
  }
  for (int f = 0; f < TIDU_NYEAR; f++) project_field(src, f, t, cap, dst);
  return TIDU_OK;
}

/* ---- per worker ---- */

typedef struct proj_worker {
  tidu_chunk *dst;
  tidu_eval *ev;
  int32_t *first; /* lanes × rule sets: first passing offset t, -1 = none yet */
  size_t first_cap;
} proj_worker;

typedef struct proj_ctx {
  const tidu_batch_options *opt;
  int horizon;
  double cap;
  size_t nrs;
  proj_worker *w;
  int nworkers;
} proj_ctx;

static tidu_code worker_ready(proj_ctx *p, proj_worker *w, size_t lanes) {
  if (!w->dst) w->dst = tidu_chunk_new(p->opt->chunk_size ? p->opt->chunk_size : 1024);
  if (!w->ev) w->ev = tidu_eval_new();
  if (w->first_cap < lanes * p->nrs) {
    free(w->first);
    w->first = tidu_malloc(lanes * p->nrs * sizeof *w->first);
    w->first_cap = w->first ? lanes * p->nrs : 0;
  }
  return w->dst && w->ev && w->first && w->dst->cap >= lanes ? TIDU_OK : TIDU_ERR_NOMEM;
}

static void note_passes(proj_ctx *p, proj_worker *w, const tidu_eval *ev, size_t n, int t) {
  for (size_t r = 0; r < p->nrs; r++) {
    const uint8_t *v = tidu_eval_verdicts(ev, r, TIDU_WHOLE);
    for (size_t l = 0; l < n; l++)
      if (v[l] == TIDU_V_PASS && w->first[l * p->nrs + r] < 0) w->first[l * p->nrs + r] = t;
  }
}

/* The condition that binds a block that is not met: among the failing leaves of an `all`, the
 * one with the largest relative gap; of an `any`, the binding condition of its nearest
 * alternative; a failing `not` binds as a whole. Passing nodes never bind. */
static const tidu_cond_result *binding_of(const tidu_cond_result *c) {
  if (c->verdict == TIDU_V_PASS) return NULL;
  switch (c->kind) {
  case TIDU_COND_CMP:
  case TIDU_COND_TEST:
  case TIDU_COND_NOT:
    return c;
  case TIDU_COND_ANY: {
    const tidu_cond_result *near = NULL;
    for (size_t i = 0; i < c->nchildren; i++)
      if (!near || c->children[i].distance < near->distance) near = &c->children[i];
    return near ? binding_of(near) : c;
  }
  case TIDU_COND_ALL:
  default:
    break;
  }
  const tidu_cond_result *best = NULL;
  for (size_t i = 0; i < c->nchildren; i++) {
    const tidu_cond_result *b = binding_of(&c->children[i]);
    if (b && (!best || b->distance > best->distance)) best = b;
  }
  return best ? best : c;
}

/* The binding condition of a list of conditions read as `all`; `best` is the one to beat. */
static const tidu_cond_result *binding(const tidu_cond_result *c, size_t n,
                                       const tidu_cond_result *best) {
  for (size_t i = 0; i < n; i++) {
    const tidu_cond_result *b = binding_of(&c[i]);
    if (b && (!best || b->distance > best->distance)) best = b;
  }
  return best;
}

static json_t *not_reached(const tidu_ruleset_result *rr, int horizon) {
  json_t *o = json_pack("{s:n,s:i}", "first_year", "within", horizon);
  if (!o || rr->nearest < 0) return o;
  const tidu_block_result *b = &rr->standards[rr->nearest];
  json_object_set_new(o, "standard", json_string(b->id));
  const tidu_cond_result *c = NULL;
  for (size_t i = 0; i < rr->nrequires; i++) /* a gate binds first on a tie */
    c = binding(rr->requires[i].conds, rr->requires[i].nconds, c);
  c = binding(b->conds, b->nconds, c);
  if (!c) return o;
  json_t *bj = json_pack("{s:s,s:s}", "text", c->text, "verdict", tidu_verdict_name(c->verdict));
  if (bj && c->has_value) {
    json_object_set_new(bj, "value", json_real(c->value));
    json_object_set_new(bj, "threshold", json_real(c->threshold));
    json_object_set_new(bj, "gap", json_real(c->gap));
  }
  if (bj) json_object_set_new(o, "binding", bj);
  return o;
}

static const tidu_ruleset_result *result_of(const tidu_result *r, const tidu_ruleset_info *m) {
  for (size_t i = 0; r && i < r->nrulesets; i++)
    if (r->rulesets[i].meta == m) return &r->rulesets[i];
  return NULL;
}

/* One firm's line. `now` is the chunk evaluated at t = 0, `late` at t = horizon. */
static json_t *firm_json(proj_ctx *p, proj_worker *w, const tidu_batch_chunk *bc, size_t l,
                         const tidu_result *late) {
  const tidu_chunk *c = bc->chunk;
  int32_t y = c->base[l];
  json_t *res = json_array();
  json_t *o = json_pack("{s:I,s:s?,s:s?,s:i,s:i,s:o}", "row", (json_int_t)(bc->first + l), "uscc",
                        c->text[TIDU_F_USCC] ? c->text[TIDU_F_USCC][l] : NULL, "name",
                        c->text[TIDU_F_NAME] ? c->text[TIDU_F_NAME][l] : NULL, "year", y, "horizon",
                        p->horizon, "results", res);
  for (size_t r = 0; o && r < p->nrs; r++) {
    const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(p->opt->sel[0], r));
    tidu_verdict now = tidu_eval_verdict(bc->ev[0], r, TIDU_WHOLE, l);
    if (now == TIDU_V_NA) continue;
    int32_t t = w->first[l * p->nrs + r];
    json_t *e = NULL;
    if (t >= 0) {
      e = json_pack("{s:i}", "first_year", y + t);
      int nearest = tidu_eval_nearest(bc->ev[0], r, l);
      if (e && t == 0 && nearest >= 0)
        json_object_set_new(e, "standard", json_string(m->standards[nearest].id));
    } else {
      const tidu_ruleset_result *rr = result_of(late, m);
      e = rr ? not_reached(rr, p->horizon)
             : json_pack("{s:n,s:i}", "first_year", "within", p->horizon);
    }
    json_t *head = json_pack("{s:s,s:s,s:s}", "id", m->id, "kind", tidu_rule_kind_name(m->kind),
                             "now", tidu_verdict_name(now));
    if (head && e) json_object_update(head, e);
    json_decref(e);
    if (head) json_array_append_new(res, head);
  }
  return o;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s) {
  size_t n = strlen(s);
  if (TIDU_RESERVE(*buf, *cap, *len + n + 2) != 0) return -1;
  memcpy(*buf + *len, s, n);
  (*buf)[*len + n] = '\n';
  *len += n + 1;
  return 0;
}

/* Evaluates years 1 .. horizon, then renders every firm's line. */
static tidu_code proj_chunk(void *ctx, const tidu_batch_chunk *bc, char **out, size_t *out_len,
                            tidu_error *err) {
  proj_ctx *p = ctx;
  proj_worker *w = &p->w[bc->worker];
  size_t n = bc->chunk->n;
  if (worker_ready(p, w, n) != TIDU_OK)
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  for (size_t i = 0; i < n * p->nrs; i++) w->first[i] = -1;
  note_passes(p, w, bc->ev[0], n, 0);
  for (int t = 1; t <= p->horizon; t++) {
    tidu_code rc = tidu_project_chunk(bc->chunk, t, p->cap, w->dst, err);
    if (rc == TIDU_OK)
      rc = tidu_assess_chunk(p->opt->sel[0], w->dst, p->opt->as_of_days, w->ev, err);
    if (rc != TIDU_OK) return rc;
    note_passes(p, w, w->ev, n, t);
  }
  char *buf = NULL;
  size_t len = 0, cap = 0;
  tidu_code rc = TIDU_OK;
  for (size_t l = 0; rc == TIDU_OK && l < n; l++) {
    tidu_result *late = NULL;
    rc = tidu_eval_materialise(w->ev, l, &late, err);
    json_t *j = rc == TIDU_OK ? firm_json(p, w, bc, l, late) : NULL;
    char *s =
        j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) : NULL;
    if (rc == TIDU_OK && (!s || append(&buf, &len, &cap, s) != 0))
      rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
    free(s);
    json_decref(j);
    tidu_result_free(late);
  }
  if (rc != TIDU_OK) {
    free(buf);
    return rc;
  }
  *out = buf;
  *out_len = len;
  return TIDU_OK;
}

tidu_code tidu_project(const tidu_batch_input *in, const tidu_batch_options *opt, int horizon,
                       double cap, FILE *out, size_t *nfirms, tidu_error *err) {
  if (!opt || !opt->sel[0] || horizon < 1 || horizon > TIDU_PROJECT_MAX_HORIZON)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "预测年数须在 1..%d / the horizon must be 1..%d",
                          TIDU_PROJECT_MAX_HORIZON, TIDU_PROJECT_MAX_HORIZON);
  tidu_batch_options o = *opt;
  if (o.threads <= 0) {
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = np < 1 ? 1 : np > 64 ? 64 : (int)np;
  }
  proj_ctx p = {.opt = &o,
                .horizon = horizon,
                .cap = cap > 0 ? cap : TIDU_PROJECT_CAP,
                .nrs = tidu_selection_count(opt->sel[0]),
                .nworkers = o.threads};
  p.w = tidu_calloc((size_t)o.threads, sizeof *p.w);
  if (!p.w) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  o.sel[1] = NULL;
  o.render = proj_chunk;
  o.render_ctx = &p;
  o.out = out;
  o.aggregate = 0;
  tidu_code rc = tidu_batch_run(in, &o, NULL, nfirms, NULL, err);
  for (int i = 0; i < p.nworkers; i++) {
    tidu_chunk_free(p.w[i].dst);
    tidu_eval_free(p.w[i].ev);
    free(p.w[i].first);
  }
  free(p.w);
  return rc;
}
