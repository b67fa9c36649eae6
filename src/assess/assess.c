/* Assessment: runs selected rule sets over a chunk of firms; builds per-firm result trees. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "tidu/toolkit.h"

enum { V_FAIL = TIDU_V_FAIL, V_PASS = TIDU_V_PASS, V_UNK = TIDU_V_UNKNOWN, V_NA = TIDU_V_NA };

typedef tidu_rs_out rs_out;

const char *tidu_verdict_name(tidu_verdict v) {
  switch (v) {
  case TIDU_V_PASS:
    return "pass";
  case TIDU_V_FAIL:
    return "fail";
  case TIDU_V_UNKNOWN:
    return "unknown";
  default:
    return "n/a";
  }
}

tidu_eval *tidu_eval_new(void) {
  return tidu_calloc(1, sizeof(tidu_eval));
}

void tidu_eval_free(tidu_eval *ev) {
  if (!ev) return;
  for (size_t i = 0; i < ev->caprs; i++) {
    tidu_cols_free(&ev->rs[i].cols);
    free(ev->rs[i].verdict);
    free(ev->rs[i].dist);
    free(ev->rs[i].nearest);
  }
  free(ev->rs);
  tidu_regs_free(&ev->regs);
  tidu_json_frags_free(&ev->json);
  free(ev);
}

/* ---- the run --------------------------------------------------------------------------- */

static int and3(int a, int b) {
  if (a == V_FAIL || b == V_FAIL) return V_FAIL;
  if (a == V_UNK || b == V_UNK) return V_UNK;
  return V_PASS;
}

static tidu_code reserve_out(rs_out *o, size_t n) {
  if (o->cap >= n) return TIDU_OK;
  uint8_t *v = tidu_realloc(o->verdict, n);
  if (!v) return TIDU_ERR_NOMEM;
  o->verdict = v;
  double *d = tidu_realloc(o->dist, n * sizeof *d);
  if (!d) return TIDU_ERR_NOMEM;
  o->dist = d;
  int16_t *ne = tidu_realloc(o->nearest, n * sizeof *ne);
  if (!ne) return TIDU_ERR_NOMEM;
  o->nearest = ne;
  o->cap = n;
  return TIDU_OK;
}

/* The floor of each point group with a minimum, folded into a rule set verdict. */
static int group_floors(const tidu_prog *p, const tidu_cols *C, size_t i, int v, double *dist) {
  for (size_t g = 0; g < p->ngroups; g++) {
    if (!p->groups[g].has_min) continue;
    int64_t lo = C->grp_lo[g * C->cap + i], hi = C->grp_hi[g * C->cap + i];
    int fv = lo >= p->groups[g].min ? V_PASS : hi < p->groups[g].min ? V_FAIL : V_UNK;
    v = and3(v, fv);
    if (fv != V_PASS) *dist += 1;
  }
  return v;
}

/* Verdicts as ranks, so that "all" is the lowest and "any" the highest: fail 0, unknown 1,
 * pass 2; and back. */
static inline uint8_t rank_of(uint8_t v) {
  return (uint8_t)((v == V_PASS) * 2 + (v == V_UNK));
}

static inline uint8_t verdict_of_rank(uint8_t r) {
  return (uint8_t)((r == 2) * V_PASS + (r == 1) * V_UNK);
}

#define FINISH_BLOCK 256

/* Folds condition column `col` into the ranks of m lanes: the lowest (all) or highest (any).
 * Inlined with a constant lane count where it can be, so that the loops become vector code. */
static inline __attribute__((always_inline)) void
fold_lanes(uint8_t *restrict rank, const uint8_t *restrict col, size_t m, int any) {
  if (any)
    for (size_t i = 0; i < m; i++) {
      uint8_t r = rank_of(col[i]);
      rank[i] = r > rank[i] ? r : rank[i];
    }
  else
    for (size_t i = 0; i < m; i++) {
      uint8_t r = rank_of(col[i]);
      rank[i] = r < rank[i] ? r : rank[i];
    }
}

static void fold_ranks(uint8_t *restrict rank, const uint8_t *restrict col, size_t m, int any) {
  if (m == FINISH_BLOCK && any)
    fold_lanes(rank, col, FINISH_BLOCK, 1);
  else if (m == FINISH_BLOCK)
    fold_lanes(rank, col, FINISH_BLOCK, 0);
  else
    fold_lanes(rank, col, m, any);
}

/* Rule set verdicts alone (the columns of a verdicts-only run): the verdicts of finish();
 * distance 1 and no nearest standard. Block by block of lanes, column by column. */
static void finish_verdicts(const tidu_ruleset *rs, const tidu_chunk *ch, rs_out *o) {
  const tidu_prog *p = &rs->prog;
  const tidu_cols *C = &o->cols;
  const char **region = ch->text[TIDU_F_REGION];
  int floors = 0;
  for (size_t g = 0; g < p->ngroups; g++) floors |= p->groups[g].has_min;
  for (size_t lo = 0; lo < ch->n; lo += FINISH_BLOCK) {
    size_t m = ch->n - lo < FINISH_BLOCK ? ch->n - lo : FINISH_BLOCK;
    uint8_t rank[FINISH_BLOCK], any[FINISH_BLOCK];
    for (size_t i = 0; i < m; i++) rank[i] = 2;
    for (size_t r = 0; r < p->nrequires; r++)
      fold_ranks(rank, C->verdict + (size_t)p->requires[r].root * C->cap + lo, m, 0);
    if (p->nstandards) {
      for (size_t i = 0; i < m; i++) any[i] = 0;
      for (size_t s = 0; s < p->nstandards; s++)
        fold_ranks(any, C->verdict + (size_t)p->standards[s].root * C->cap + lo, m, 1);
      for (size_t i = 0; i < m; i++) rank[i] = any[i] < rank[i] ? any[i] : rank[i];
    }
    if (p->pass_root >= 0) fold_ranks(rank, C->verdict + (size_t)p->pass_root * C->cap + lo, m, 0);
    for (size_t i = 0; i < m; i++) {
      size_t at = lo + i;
      o->dist[at] = 1;
      o->nearest[at] = -1;
      int v = verdict_of_rank(rank[i]);
      if (floors) {
        double unused = 0;
        v = group_floors(p, C, at, v, &unused);
      }
      o->verdict[at] = (uint8_t)v;
    }
    if (rs->meta.nregions)
      for (size_t i = 0; i < m; i++)
        if (!tidu_ruleset_applies(rs, region ? region[lo + i] : NULL)) o->verdict[lo + i] = V_NA;
  }
}

/* Rule set verdicts, nearest standard and distance from the condition columns. */
static void finish(const tidu_ruleset *rs, const tidu_chunk *ch, rs_out *o) {
  const tidu_prog *p = &rs->prog;
  const tidu_cols *C = &o->cols;
  const char **region = ch->text[TIDU_F_REGION];
  for (size_t i = 0; i < ch->n; i++) {
    if (rs->meta.nregions && !tidu_ruleset_applies(rs, region ? region[i] : NULL)) {
      o->verdict[i] = V_NA;
      o->dist[i] = 1;
      o->nearest[i] = -1;
      continue;
    }
    int v = V_PASS;
    double dist = 0;
    for (size_t r = 0; r < p->nrequires; r++) {
      size_t at = (size_t)p->requires[r].root * C->cap + i;
      v = and3(v, C->verdict[at]);
      dist += C->dist[at];
    }
    int nearest = -1;
    if (p->nstandards) {
      int any = V_FAIL;
      double best = INFINITY;
      for (size_t s = 0; s < p->nstandards; s++) {
        size_t at = (size_t)p->standards[s].root * C->cap + i;
        int sv = C->verdict[at];
        if (sv == V_PASS) {
          if (any != V_PASS) nearest = (int)s;
          any = V_PASS;
          best = 0;
        } else {
          if (sv == V_UNK && any == V_FAIL) any = V_UNK;
          if (any != V_PASS && C->dist[at] < best) {
            best = C->dist[at];
            nearest = (int)s;
          }
        }
      }
      v = and3(v, any);
      dist += best;
    }
    if (p->pass_root >= 0) {
      size_t at = (size_t)p->pass_root * C->cap + i;
      v = and3(v, C->verdict[at]);
      dist += C->dist[at];
    }
    v = group_floors(p, C, i, v, &dist);
    o->verdict[i] = (uint8_t)v;
    o->dist[i] = v == V_PASS ? 0 : dist;
    o->nearest[i] = (int16_t)nearest;
  }
}

tidu_code tidu_assess_chunk(const tidu_selection *sel, const tidu_chunk *chunk, int64_t as_of_days,
                            tidu_eval *ev, tidu_error *err) {
  if (!sel || !chunk || !ev)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "参数为空 / NULL argument");
  size_t nrs = tidu_selection_count(sel);
  if (nrs > ev->caprs) {
    rs_out *o = tidu_realloc(ev->rs, nrs * sizeof *o);
    if (!o) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
    memset(o + ev->caprs, 0, (nrs - ev->caprs) * sizeof *o);
    ev->rs = o;
    ev->caprs = nrs;
  }
  ev->sel = sel;
  ev->chunk = chunk;
  ev->as_of = as_of_days;
  ev->n = chunk->n;
  ev->nrs = nrs;
  size_t lanes = chunk->n ? chunk->n : 1;
  for (size_t r = 0; r < nrs; r++) {
    const tidu_ruleset *rs = tidu_selection_get(sel, r);
    rs_out *o = &ev->rs[r];
    if (tidu_regs_reserve(&ev->regs, rs->prog.nregs, lanes) != TIDU_OK ||
        tidu_cols_reserve(&o->cols, &rs->prog, lanes) != TIDU_OK ||
        reserve_out(o, lanes) != TIDU_OK)
      return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
    if (!chunk->n) continue;
    o->cols.verdicts_only = ev->verdicts_only;
    tidu_eval_prog(&rs->prog, chunk, as_of_days, &ev->regs, &o->cols);
    if (ev->verdicts_only)
      finish_verdicts(rs, chunk, o);
    else
      finish(rs, chunk, o);
  }
  return TIDU_OK;
}

/* ---- column access --------------------------------------------------------------------- */

size_t tidu_eval_lanes(const tidu_eval *ev) {
  return ev->n;
}

size_t tidu_eval_rulesets(const tidu_eval *ev) {
  return ev->nrs;
}

static const tidu_prog *prog_of(const tidu_eval *ev, size_t rs) {
  return &tidu_selection_get(ev->sel, rs)->prog;
}

const uint8_t *tidu_eval_verdicts(const tidu_eval *ev, size_t rs, size_t std) {
  if (rs >= ev->nrs) return NULL;
  if (std == TIDU_WHOLE) return ev->rs[rs].verdict;
  const tidu_prog *p = prog_of(ev, rs);
  if (std >= p->nstandards) return NULL;
  return ev->rs[rs].cols.verdict + (size_t)p->standards[std].root * ev->rs[rs].cols.cap;
}

tidu_verdict tidu_eval_verdict(const tidu_eval *ev, size_t rs, size_t std, size_t lane) {
  const uint8_t *v = tidu_eval_verdicts(ev, rs, std);
  if (!v || lane >= ev->n) return TIDU_V_UNKNOWN;
  if (std != TIDU_WHOLE && ev->rs[rs].verdict[lane] == V_NA) return TIDU_V_NA;
  return (tidu_verdict)v[lane];
}

const double *tidu_eval_distances(const tidu_eval *ev, size_t rs, size_t std) {
  if (rs >= ev->nrs) return NULL;
  if (std == TIDU_WHOLE) return ev->rs[rs].dist;
  const tidu_prog *p = prog_of(ev, rs);
  if (std >= p->nstandards) return NULL;
  return ev->rs[rs].cols.dist + (size_t)p->standards[std].root * ev->rs[rs].cols.cap;
}

double tidu_eval_distance(const tidu_eval *ev, size_t rs, size_t std, size_t lane) {
  const double *d = tidu_eval_distances(ev, rs, std);
  return d && lane < ev->n ? d[lane] : 1;
}

int tidu_eval_nearest(const tidu_eval *ev, size_t rs, size_t lane) {
  if (rs >= ev->nrs || lane >= ev->n) return -1;
  return ev->rs[rs].nearest[lane];
}

int tidu_eval_score(const tidu_eval *ev, size_t rs, size_t lane, double *lo, double *hi) {
  *lo = *hi = 0;
  if (rs >= ev->nrs || lane >= ev->n) return 0;
  const tidu_prog *p = prog_of(ev, rs);
  if (!p->nitems) return 0;
  const tidu_cols *C = &ev->rs[rs].cols;
  *lo = (double)C->score_lo[lane] / 1e6;
  *hi = (double)C->score_hi[lane] / 1e6;
  for (size_t k = 0; k < p->nitems; k++)
    if (!C->item_known[k * C->cap + lane]) return 0;
  return 1;
}

size_t tidu_eval_cond_count(const tidu_eval *ev, size_t rs) {
  return rs < ev->nrs ? prog_of(ev, rs)->nconds : 0;
}

tidu_cond_columns tidu_eval_cond(const tidu_eval *ev, size_t rs, size_t cond) {
  tidu_cond_columns c = {0};
  if (rs >= ev->nrs || cond >= prog_of(ev, rs)->nconds) return c;
  const tidu_cols *C = &ev->rs[rs].cols;
  size_t o = cond * C->cap;
  c.verdict = C->verdict + o;
  c.value = C->value + o;
  c.threshold = C->thr + o;
  c.gap = C->gap + o;
  c.distance = C->dist + o;
  return c;
}

/* ---- materialising one firm ------------------------------------------------------------ */

/* Everything of a tidu_result lives in one arena of blocks. */
typedef struct block {
  struct block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
} block;

typedef struct arena {
  block *head;
  int nomem;
} arena;

static void *aalloc(arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (!a->head || a->head->used + n > a->head->cap) {
    size_t cap = n > 16384 ? n : 16384;
    block *b = tidu_malloc(sizeof *b + cap);
    if (!b) {
      a->nomem = 1;
      return NULL;
    }
    b->next = a->head;
    b->used = 0;
    b->cap = cap;
    a->head = b;
  }
  void *p = a->head->data + a->head->used;
  a->head->used += n;
  memset(p, 0, n);
  return p;
}

static const char *astr(arena *a, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *p = aalloc(a, n);
  if (p) memcpy(p, s, n);
  return p;
}

static void arena_free(arena *a) {
  block *b = a->head;
  while (b) {
    block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
}

/* A growing list of missing figure names (deduplicated). */
typedef struct names {
  const char **v;
  size_t n, cap;
} names;

static void names_add(arena *a, names *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i], s) == 0) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    const char **v = aalloc(a, cap * sizeof *v);
    if (!v) return;
    if (l->n) memcpy(v, l->v, l->n * sizeof *v);
    l->v = v;
    l->cap = cap;
  }
  const char *c = astr(a, s);
  if (c) l->v[l->n++] = c;
}

static int by_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

typedef struct mctx {
  arena *a;
  const tidu_eval *ev;
  const tidu_chunk *ch;
  size_t lane;
  const tidu_prog *p;
  const tidu_cols *C;
} mctx;

static void inputs_missing(mctx *m, const tidu_input *in, size_t n, names *out) {
  for (size_t i = 0; i < n; i++) {
    char buf[128];
    if (in[i].scope == 'Y') {
      if (m->ch->yr[in[i].field][in[i].k][m->lane] != TIDU_MISSING) continue;
      snprintf(buf, sizeof buf, "%s[%d]", tidu_year_field_info(in[i].field)->name,
               (int)(m->ch->base[m->lane] - in[i].k));
    } else {
      const tidu_field_info *fi = tidu_firm_field_info(in[i].field);
      if (fi->type == TIDU_T_TEXT) {
        const char *s = m->ch->text[in[i].field] ? m->ch->text[in[i].field][m->lane] : NULL;
        if (s && *s) continue;
      } else if (m->ch->firm[in[i].field][m->lane] != TIDU_MISSING) {
        continue;
      }
      snprintf(buf, sizeof buf, "%s", fi->name);
    }
    names_add(m->a, out, buf);
  }
}

/* Missing figures below cond c (only where unknown). */
static void cond_missing(mctx *m, int c, names *out) {
  const tidu_pcond *pc = &m->p->conds[c];
  if (m->C->verdict[(size_t)c * m->C->cap + m->lane] != V_UNK) return;
  if (pc->kind == PC_CMP || pc->kind == PC_TEST) inputs_missing(m, pc->inputs, pc->ninputs, out);
  for (size_t k = 0; k < pc->nkids; k++) cond_missing(m, pc->kids[k], out);
}

static const char *const cmp_syms[] = {"≥", ">", "≤", "<", "=", "≠"};

static void fill_cond(mctx *m, int c, const char *inherited, tidu_cond_result *r) {
  const tidu_pcond *pc = &m->p->conds[c];
  size_t at = (size_t)c * m->C->cap + m->lane;
  static const tidu_cond_kind kinds[] = {TIDU_COND_CMP, TIDU_COND_TEST, TIDU_COND_ALL,
                                         TIDU_COND_ANY, TIDU_COND_NOT};
  r->kind = kinds[pc->kind];
  r->text = pc->text;
  r->text_en = pc->text_en;
  r->path = pc->path;
  r->type = pc->type;
  r->verdict = (tidu_verdict)m->C->verdict[at];
  r->value = m->C->value[at];
  r->threshold = m->C->thr[at];
  r->gap = m->C->gap[at];
  r->distance = m->C->dist[at];
  r->has_value = pc->kind == PC_CMP && !isnan(r->value);
  r->source = pc->source ? pc->source : inherited;
  r->depth = pc->depth;
  r->op = pc->cmp >= 0 && pc->cmp < 6 ? cmp_syms[pc->cmp] : NULL;
  names miss = {0};
  cond_missing(m, c, &miss);
  r->missing = miss.v;
  r->nmissing = miss.n;
  size_t nk = 0;
  for (size_t k = 0; k < pc->nkids; k++) nk += !m->p->conds[pc->kids[k]].hidden;
  if (!nk) return;
  r->children = aalloc(m->a, nk * sizeof *r->children);
  if (!r->children) return;
  for (size_t k = 0; k < pc->nkids; k++) {
    if (m->p->conds[pc->kids[k]].hidden) continue;
    fill_cond(m, pc->kids[k], r->source, &r->children[r->nchildren++]);
  }
}

static void fill_block(mctx *m, int root, const char *id, const char *name, const char *source,
                       tidu_block_result *b) {
  const tidu_pcond *pc = &m->p->conds[root];
  size_t at = (size_t)root * m->C->cap + m->lane;
  b->id = id;
  b->name = name;
  b->source = source;
  b->verdict = (tidu_verdict)m->C->verdict[at];
  b->distance = m->C->dist[at];
  b->conds = pc->nkids ? aalloc(m->a, pc->nkids * sizeof *b->conds) : NULL;
  if (pc->nkids && !b->conds) return;
  for (size_t k = 0; k < pc->nkids; k++) fill_cond(m, pc->kids[k], source, &b->conds[b->nconds++]);
}

static void fill_items(mctx *m, const tidu_ruleset *rs, tidu_ruleset_result *out, names *all) {
  const tidu_prog *p = m->p;
  const tidu_cols *C = m->C;
  out->nitems = p->nitems;
  out->items = p->nitems ? aalloc(m->a, p->nitems * sizeof *out->items) : NULL;
  int known = 1;
  for (size_t k = 0; k < p->nitems && out->items; k++) {
    tidu_item_result *it = &out->items[k];
    size_t at = k * C->cap + m->lane;
    it->id = rs->meta.items[k].id;
    it->name = rs->meta.items[k].name;
    it->group = rs->meta.items[k].group;
    it->max = rs->meta.items[k].max;
    it->lo = (double)C->item_lo[at] / 1e6;
    it->hi = (double)C->item_hi[at] / 1e6;
    it->known = C->item_known[at];
    known &= it->known;
    names miss = {0};
    if (!it->known) {
      for (size_t c = 0; c < p->items[k].nconds; c++)
        if (p->items[k].conds[c] >= 0) cond_missing(m, p->items[k].conds[c], &miss);
      inputs_missing(m, p->items[k].inputs, p->items[k].ninputs, &miss);
    }
    it->missing = miss.v;
    it->nmissing = miss.n;
    for (size_t i = 0; i < miss.n; i++) names_add(m->a, all, miss.v[i]);
  }
  out->ngroups = p->ngroups;
  out->groups = p->ngroups ? aalloc(m->a, p->ngroups * sizeof *out->groups) : NULL;
  for (size_t g = 0; g < p->ngroups && out->groups; g++) {
    tidu_group_result *gr = &out->groups[g];
    gr->id = rs->meta.groups[g].id;
    gr->name = rs->meta.groups[g].name;
    gr->max = rs->meta.groups[g].max;
    gr->min = rs->meta.groups[g].min;
    gr->has_min = rs->meta.groups[g].has_min;
    int64_t lo = C->grp_lo[g * C->cap + m->lane], hi = C->grp_hi[g * C->cap + m->lane];
    gr->lo = (double)lo / 1e6;
    gr->hi = (double)hi / 1e6;
    gr->floor_verdict = !p->groups[g].has_min    ? TIDU_V_PASS
                        : lo >= p->groups[g].min ? TIDU_V_PASS
                        : hi < p->groups[g].min  ? TIDU_V_FAIL
                                                 : TIDU_V_UNKNOWN;
  }
  if (p->nitems) {
    out->score_lo = (double)C->score_lo[m->lane] / 1e6;
    out->score_hi = (double)C->score_hi[m->lane] / 1e6;
    out->score_known = known;
    out->score = known ? out->score_lo : 0;
  }
}

static void collect_block_missing(mctx *m, int root, names *all) {
  names miss = {0};
  cond_missing(m, root, &miss);
  for (size_t i = 0; i < miss.n; i++) names_add(m->a, all, miss.v[i]);
}

static void fill_ruleset(mctx *m, size_t r, tidu_ruleset_result *out) {
  const tidu_ruleset *rs = tidu_selection_get(m->ev->sel, r);
  const tidu_prog *p = &rs->prog;
  m->p = p;
  m->C = &m->ev->rs[r].cols;
  out->meta = &rs->meta;
  out->verdict = (tidu_verdict)m->ev->rs[r].verdict[m->lane];
  out->nearest = m->ev->rs[r].nearest[m->lane];
  names all = {0};
  out->requires = p->nrequires ? aalloc(m->a, p->nrequires * sizeof *out->requires) : NULL;
  for (size_t ri = 0; ri < p->nrequires && out->requires; ri++) {
    const tidu_pblock *b = &p->requires[ri];
    fill_block(m, b->root, NULL, b->name, b->source, &out->requires[ri]);
    collect_block_missing(m, b->root, &all);
  }
  out->nrequires = out->requires ? p->nrequires : 0;
  out->standards = p->nstandards ? aalloc(m->a, p->nstandards * sizeof *out->standards) : NULL;
  for (size_t s = 0; s < p->nstandards && out->standards; s++) {
    const tidu_std_info *si = &rs->meta.standards[s];
    fill_block(m, p->standards[s].root, si->id, si->name, si->source ? si->source : rs->meta.source,
               &out->standards[s]);
    collect_block_missing(m, p->standards[s].root, &all);
  }
  out->nstandards = out->standards ? p->nstandards : 0;
  fill_items(m, rs, out, &all);
  if (p->pass_root >= 0) {
    out->has_pass = 1;
    fill_block(m, p->pass_root, NULL, NULL, rs->meta.source, &out->pass);
    collect_block_missing(m, p->pass_root, &all);
  }
  if (all.n) qsort(all.v, all.n, sizeof *all.v, by_str);
  out->missing = all.v;
  out->nmissing = all.n;
}

tidu_code tidu_eval_materialise(const tidu_eval *ev, size_t lane, tidu_result **out,
                                tidu_error *err) {
  *out = NULL;
  if (!ev || !ev->sel || lane >= ev->n)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "没有该企业 / lane out of range");
  arena a = {0};
  tidu_result *r = aalloc(&a, sizeof *r);
  if (!r) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  const tidu_chunk *ch = ev->chunk;
  const char **uscc = ch->text[TIDU_F_USCC], **name = ch->text[TIDU_F_NAME];
  r->uscc = astr(&a, uscc ? uscc[lane] : NULL);
  r->name = astr(&a, name ? name[lane] : NULL);
  r->year = ch->base[lane];
  size_t napp = 0;
  for (size_t i = 0; i < ev->nrs; i++) napp += ev->rs[i].verdict[lane] != V_NA;
  r->rulesets = napp ? aalloc(&a, napp * sizeof *r->rulesets) : NULL;
  mctx m = {&a, ev, ch, lane, NULL, NULL};
  for (size_t i = 0; i < ev->nrs && r->rulesets; i++)
    if (ev->rs[i].verdict[lane] != V_NA) fill_ruleset(&m, i, &r->rulesets[r->nrulesets++]);
  if (a.nomem) {
    arena_free(&a);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  /* the arena's head is kept in the result itself */
  arena *keep = aalloc(&a, sizeof *keep);
  if (!keep) {
    arena_free(&a);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  *keep = a;
  r->arena_ = keep;
  *out = r;
  return TIDU_OK;
}

void tidu_result_free(tidu_result *r) {
  if (!r) return;
  arena a = *(arena *)r->arena_;
  arena_free(&a);
}
