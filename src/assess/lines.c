/* Per-firm output straight from the result columns: standings and JSON lines by detail level. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "tidu/toolkit.h"
#include "tidu/values.h"

enum { V_FAIL = TIDU_V_FAIL, V_PASS = TIDU_V_PASS, V_UNK = TIDU_V_UNKNOWN, V_NA = TIDU_V_NA };

/* One rule set of one firm, as columns. */
typedef struct view {
  const tidu_eval *ev;
  const tidu_ruleset *rs;
  const tidu_prog *p;
  const tidu_cols *C;
  size_t r, lane;
} view;

static view view_of(const tidu_eval *ev, size_t r, size_t lane) {
  const tidu_ruleset *rs = tidu_selection_get(ev->sel, r);
  view v = {ev, rs, &rs->prog, &ev->rs[r].cols, r, lane};
  return v;
}

static size_t at(const view *v, int c) {
  return (size_t)c * v->C->cap + v->lane;
}
static int verdict_of(const view *v, int c) {
  return v->C->verdict[at(v, c)];
}
static double dist_of(const view *v, int c) {
  return v->C->dist[at(v, c)];
}

/* ---- missing figures ------------------------------------------------------------------ */

/* A missing figure: a firm field ('F') or a year field at an offset ('Y'). */
typedef struct fig {
  char scope;
  int16_t field, k;
} fig;

typedef struct figs {
  fig v[128];
  size_t n;
} figs;

static void figs_add(figs *l, fig f) {
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].scope == f.scope && l->v[i].field == f.field && l->v[i].k == f.k) return;
  if (l->n < sizeof l->v / sizeof l->v[0]) l->v[l->n++] = f;
}

static void inputs_missing(const view *v, const tidu_input *in, size_t n, figs *out) {
  const tidu_chunk *ch = v->ev->chunk;
  size_t l = v->lane;
  for (size_t i = 0; i < n; i++) {
    if (in[i].scope == 'Y') {
      if (ch->yr[in[i].field][in[i].k][l] != TIDU_MISSING) continue;
    } else if (tidu_firm_field_info(in[i].field)->type == TIDU_T_TEXT) {
      const char *s = ch->text[in[i].field] ? ch->text[in[i].field][l] : NULL;
      if (s && *s) continue;
    } else if (ch->firm[in[i].field][l] != TIDU_MISSING) {
      continue;
    }
    figs_add(out, (fig){in[i].scope, in[i].field, in[i].scope == 'Y' ? in[i].k : 0});
  }
}

/* Missing figures below condition c, walking only where the verdict is unknown (as the
 * result tree names them). */
static void cond_missing(const view *v, int c, figs *out) {
  const tidu_pcond *pc = &v->p->conds[c];
  if (verdict_of(v, c) != V_UNK) return;
  if (pc->kind == PC_CMP || pc->kind == PC_TEST) inputs_missing(v, pc->inputs, pc->ninputs, out);
  for (size_t k = 0; k < pc->nkids; k++) cond_missing(v, pc->kids[k], out);
}

static void fig_name(const view *v, fig f, char *buf, size_t size) {
  if (f.scope == 'Y')
    snprintf(buf, size, "%s[%d]", tidu_year_field_info(f.field)->name,
             (int)(v->ev->chunk->base[v->lane] - f.k));
  else
    snprintf(buf, size, "%s", tidu_firm_field_info(f.field)->name);
}

/* ---- standing -------------------------------------------------------------------------- */

/* The standard a cell describes (see tidu_report_standing). */
static int shown_standard(const view *v) {
  int nearest = v->ev->rs[v->r].nearest[v->lane];
  const tidu_prog *p = v->p;
  if (nearest < 0 || (size_t)nearest >= p->nstandards) return -1;
  if (v->ev->rs[v->r].verdict[v->lane] != V_UNK ||
      verdict_of(v, p->standards[nearest].root) == V_UNK)
    return nearest;
  int best = nearest;
  for (size_t i = 0; i < p->nstandards; i++) {
    int root = p->standards[i].root;
    if (verdict_of(v, root) != V_UNK) continue;
    int broot = p->standards[best].root;
    if (verdict_of(v, broot) != V_UNK || dist_of(v, root) < dist_of(v, broot)) best = (int)i;
  }
  return best;
}

static int open_require(const view *v) {
  for (size_t i = 0; i < v->p->nrequires; i++)
    if (verdict_of(v, v->p->requires[i].root) == V_FAIL) return v->p->requires[i].root;
  for (size_t i = 0; i < v->p->nrequires; i++)
    if (verdict_of(v, v->p->requires[i].root) == V_UNK) return v->p->requires[i].root;
  return -1;
}

static size_t visible_kids(const view *v, const tidu_pcond *pc) {
  size_t n = 0;
  for (size_t k = 0; k < pc->nkids; k++) n += !v->p->conds[pc->kids[k]].hidden;
  return n;
}

/* The failing leaves of a failed list, following only the nearest alternative of an `any`.
 * `top`: the list is a block's own (hidden nodes included, as in the result tree). */
static void failing_leaves(const view *v, const int *conds, size_t n, int top, int *out,
                           size_t *nout, size_t cap) {
  for (size_t i = 0; i < n; i++) {
    int c = conds[i];
    const tidu_pcond *pc = &v->p->conds[c];
    if (!top && pc->hidden) continue;
    if (verdict_of(v, c) != V_FAIL) continue;
    if (pc->kind == PC_ALL) {
      failing_leaves(v, pc->kids, pc->nkids, 0, out, nout, cap);
    } else if (pc->kind == PC_ANY && visible_kids(v, pc)) {
      int best = -1;
      for (size_t k = 0; k < pc->nkids; k++) {
        int kid = pc->kids[k];
        if (v->p->conds[kid].hidden) continue;
        if (best < 0 || dist_of(v, kid) < dist_of(v, best)) best = kid;
      }
      failing_leaves(v, &best, 1, 1, out, nout, cap);
    } else if (*nout < cap) {
      out[(*nout)++] = c;
    }
  }
}

static void format_gap(const view *v, int c, const char *lang, char *buf, size_t size) {
  buf[0] = 0;
  const tidu_pcond *pc = &v->p->conds[c];
  double value = v->C->value[at(v, c)], gap = v->C->gap[at(v, c)];
  if (pc->kind != PC_CMP || isnan(value) || isnan(gap) || gap <= 0) return;
  char num[32];
  switch (pc->type) {
  case TIDU_T_MONEY:
    tidu_short_yuan(gap, lang, num, sizeof num);
    break;
  case TIDU_T_RATIO:
    snprintf(num, sizeof num, "%.1f%%", gap * 100.0);
    break;
  default:
    snprintf(num, sizeof num, "%g", gap);
    break;
  }
  snprintf(buf, size, "%s%s", strcmp(lang, "en") ? "差" : "-", num);
}

static void block_gap(const view *v, int root, const char *lang, char *gap, size_t size) {
  gap[0] = 0;
  const tidu_pcond *pc = &v->p->conds[root];
  int bv = verdict_of(v, root);
  if (bv == V_UNK) {
    figs f = {.n = 0};
    for (size_t k = 0; k < pc->nkids; k++) cond_missing(v, pc->kids[k], &f);
    size_t nm = f.n > 64 ? 64 : f.n;
    if (!nm) nm = 1;
    if (strcmp(lang, "en"))
      snprintf(gap, size, " 缺%zu项", nm);
    else
      snprintf(gap, size, " %zu missing", nm);
    return;
  }
  if (bv != V_FAIL) return;
  int leaves[32];
  size_t n = 0;
  failing_leaves(v, pc->kids, pc->nkids, 1, leaves, &n, 32);
  size_t worst = 0;
  for (size_t i = 1; i < n; i++)
    if (dist_of(v, leaves[i]) > dist_of(v, leaves[worst])) worst = i;
  char one[64] = "";
  if (n) format_gap(v, leaves[worst], lang, one, sizeof one);
  if (one[0] && n > 1)
    snprintf(gap, size, " %s+%zu", one, n - 1);
  else if (one[0])
    snprintf(gap, size, " %s", one);
}

size_t tidu_eval_standing(const tidu_eval *ev, size_t r, size_t lane, const char *lang, char *buf,
                          size_t size) {
  buf[0] = 0;
  if (!ev || r >= ev->nrs || lane >= ev->n || ev->rs[r].verdict[lane] == V_NA) return 0;
  view v = view_of(ev, r, lane);
  int rv = ev->rs[r].verdict[lane];
  int shown = shown_standard(&v);
  int req = open_require(&v);
  const tidu_std_info *si = shown >= 0 ? &v.rs->meta.standards[shown] : NULL;
  int sv = shown >= 0 ? verdict_of(&v, v.p->standards[shown].root) : V_FAIL;
  if (rv != V_PASS && req >= 0 && (shown < 0 || sv == V_PASS || verdict_of(&v, req) == V_FAIL)) {
    char gap[96];
    block_gap(&v, req, lang, gap, sizeof gap);
    snprintf(buf, size, " %s%s", strcmp(lang, "en") ? "共同条件" : "common", gap);
    return strlen(buf);
  }
  if (shown < 0) return 0;
  const char *id = si->id ? si->id : "";
  if (rv == V_PASS) {
    snprintf(buf, size, " %s", id);
    return strlen(buf);
  }
  char gap[96];
  block_gap(&v, v.p->standards[shown].root, lang, gap, sizeof gap);
  snprintf(buf, size, " %s%s", id, gap);
  return strlen(buf);
}

/* What the standing describes, as figures (see tidu_eval_shortfall). */
int tidu_eval_shortfall(const tidu_eval *ev, size_t r, size_t lane, tidu_shortfall *out) {
  memset(out, 0, sizeof *out);
  out->standard = -1;
  out->cond = -1;
  out->value = out->threshold = out->gap = NAN;
  if (!ev || r >= ev->nrs || lane >= ev->n || ev->rs[r].verdict[lane] == V_NA) return 0;
  view v = view_of(ev, r, lane);
  int rv = ev->rs[r].verdict[lane];
  int shown = shown_standard(&v);
  int req = open_require(&v);
  int sv = shown >= 0 ? verdict_of(&v, v.p->standards[shown].root) : V_FAIL;
  int root = -1;
  out->verdict = (tidu_verdict)rv;
  if (rv != V_PASS && req >= 0 && (shown < 0 || sv == V_PASS || verdict_of(&v, req) == V_FAIL)) {
    root = req;
    out->common = 1;
    for (size_t i = 0; i < v.p->nrequires; i++)
      if (v.p->requires[i].root == req) out->block_name = v.p->requires[i].name;
  } else if (shown >= 0) {
    root = v.p->standards[shown].root;
    out->standard = shown;
    out->standard_id = v.rs->meta.standards[shown].id;
  } else {
    return 1;
  }
  int bv = verdict_of(&v, root);
  out->block_verdict = (tidu_verdict)bv;
  if (rv == V_PASS && !out->common) {
    out->gap = 0;
    return 1;
  }
  if (bv == V_UNK) {
    figs f = {.n = 0};
    const tidu_pcond *pc = &v.p->conds[root];
    for (size_t k = 0; k < pc->nkids; k++) cond_missing(&v, pc->kids[k], &f);
    out->nmissing = f.n ? f.n : 1;
    return 1;
  }
  if (bv != V_FAIL) return 1;
  int leaves[32];
  size_t n = 0;
  const tidu_pcond *pc = &v.p->conds[root];
  failing_leaves(&v, pc->kids, pc->nkids, 1, leaves, &n, 32);
  if (!n) return 1;
  size_t worst = 0;
  for (size_t i = 1; i < n; i++)
    if (dist_of(&v, leaves[i]) > dist_of(&v, leaves[worst])) worst = i;
  int c = leaves[worst];
  const tidu_pcond *wc = &v.p->conds[c];
  out->cond = c;
  out->more = n - 1;
  out->text = wc->text;
  out->text_en = wc->text_en;
  out->type = wc->type;
  if (wc->kind == PC_CMP) {
    out->value = v.C->value[at(&v, c)];
    out->threshold = v.C->thr[at(&v, c)];
    out->gap = v.C->gap[at(&v, c)];
  }
  return 1;
}

/* ---- JSON ------------------------------------------------------------------------------ */

/* The caller's growing buffer. */
typedef struct jbuf {
  char **s;
  size_t *n, *cap;
  int nomem;
} jbuf;

static int jgrow(jbuf *b, size_t more) {
  if (b->nomem) return 0;
  size_t need = *b->n + more + 1;
  if (need <= *b->cap) return 1;
  size_t cap = *b->cap ? *b->cap : 4096;
  while (cap < need) cap *= 2;
  char *p = tidu_realloc(*b->s, cap);
  if (!p) {
    b->nomem = 1;
    return 0;
  }
  *b->s = p;
  *b->cap = cap;
  return 1;
}

static inline void jput(jbuf *b, const char *s, size_t n) {
  if (*b->n + n + 1 > *b->cap && !jgrow(b, n)) return;
  if (b->nomem) return;
  memcpy(*b->s + *b->n, s, n);
  *b->n += n;
  (*b->s)[*b->n] = 0;
}

#define JLIT(b, lit) jput((b), (lit), sizeof(lit) - 1)

static void jstr(jbuf *b, const char *s) {
  if (!s) {
    JLIT(b, "null");
    return;
  }
  JLIT(b, "\"");
  const char *run = s;
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    jput(b, run, (size_t)(s - run));
    run = s + 1;
    char esc[8];
    switch (ch) {
    case '"':
      JLIT(b, "\\\"");
      break;
    case '\\':
      JLIT(b, "\\\\");
      break;
    case '\b':
      JLIT(b, "\\b");
      break;
    case '\f':
      JLIT(b, "\\f");
      break;
    case '\n':
      JLIT(b, "\\n");
      break;
    case '\r':
      JLIT(b, "\\r");
      break;
    case '\t':
      JLIT(b, "\\t");
      break;
    default:
      snprintf(esc, sizeof esc, "\\u%04X", ch);
      jput(b, esc, 6);
      break;
    }
  }
  jput(b, run, (size_t)(s - run));
  JLIT(b, "\"");
}

/* A number as the §4 JSON writes it (tidu_report_json, 15 significant digits for reals). */
static void jnum(jbuf *b, double v, tidu_type t) {
  if (isnan(v) || isinf(v)) {
    JLIT(b, "null");
    return;
  }
  if (t == TIDU_T_MONEY) v = round(v * 100) / 100;
  char buf[48];
  if (fabs(v) < 9e15 && v == floor(v)) {
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    jput(b, buf, (size_t)n);
    return;
  }
  int n = snprintf(buf, sizeof buf - 2, "%.15g", v);
  if (!strchr(buf, '.') && !strchr(buf, 'e')) {
    buf[n++] = '.';
    buf[n++] = '0';
    buf[n] = 0;
  }
  char *e = strchr(buf, 'e');
  if (e) { /* "1e+20" -> "1e20", "1e-05" -> "1e-5" */
    char *start = e + 1, *end = e + 1;
    if (*end == '+') end++;
    if (*start == '-') start++, end++;
    while (*end == '0' && end[1]) end++;
    memmove(start, end, strlen(end) + 1);
  }
  jput(b, buf, strlen(buf));
}

static void jverdict(jbuf *b, int v) {
  switch (v) {
  case V_PASS:
    JLIT(b, "\"pass\"");
    break;
  case V_FAIL:
    JLIT(b, "\"fail\"");
    break;
  case V_UNK:
    JLIT(b, "\"unknown\"");
    break;
  default:
    JLIT(b, "\"n/a\"");
    break;
  }
}

/* ---- fragments of a selection that are the same for every firm (cached per context) ---- */

static char *frag_take(char *s, size_t n, size_t *len) {
  *len = n;
  return s;
}

static void frag_free(tidu_json_frags *f) {
  for (size_t r = 0; r < f->nrs; r++) {
    free(f->rs[r].head);
    for (size_t k = 0; k < f->rs[r].nstd; k++) {
      free(f->rs[r].std[k].head);
      free(f->rs[r].std[k].nearest);
    }
    free(f->rs[r].std);
  }
  free(f->rs);
  memset(f, 0, sizeof *f);
}

void tidu_json_frags_free(tidu_json_frags *f) {
  frag_free(f);
}

/* One fragment written by `fill` into a fresh buffer. */
#define FRAG(dst, dstlen, ...)                                                                     \
  do {                                                                                             \
    char *s_ = NULL;                                                                               \
    size_t n_ = 0, cap_ = 0;                                                                       \
    jbuf fb_ = {&s_, &n_, &cap_, 0};                                                               \
    jbuf *fb = &fb_;                                                                               \
    __VA_ARGS__;                                                                                   \
    if (fb_.nomem || !s_) {                                                                        \
      free(s_);                                                                                    \
      return -1;                                                                                   \
    }                                                                                              \
    (dst) = frag_take(s_, n_, &(dstlen));                                                          \
  } while (0)

static int frags_build(tidu_json_frags *f, const tidu_selection *sel) {
  frag_free(f);
  size_t nrs = tidu_selection_count(sel);
  f->rs = tidu_calloc(nrs ? nrs : 1, sizeof *f->rs);
  if (!f->rs) return -1;
  f->nrs = nrs;
  f->sel = sel;
  for (size_t r = 0; r < nrs; r++) {
    const tidu_ruleset *rs = tidu_selection_get(sel, r);
    const tidu_ruleset_info *m = &rs->meta;
    f->rs[r].ruleset = rs;
    FRAG(f->rs[r].head, f->rs[r].head_len, {
      JLIT(fb, "{\"id\":");
      jstr(fb, m->id);
      JLIT(fb, ",\"kind\":");
      jstr(fb, tidu_rule_kind_name(m->kind));
      JLIT(fb, ",\"name\":");
      jstr(fb, m->name);
      JLIT(fb, ",\"version\":");
      jstr(fb, m->version);
      JLIT(fb, ",\"verdict\":");
    });
    size_t nstd = rs->prog.nstandards;
    f->rs[r].std = tidu_calloc(nstd ? nstd : 1, sizeof *f->rs[r].std);
    if (!f->rs[r].std) return -1;
    f->rs[r].nstd = nstd;
    for (size_t k = 0; k < nstd; k++) {
      FRAG(f->rs[r].std[k].head, f->rs[r].std[k].head_len, {
        JLIT(fb, "{\"id\":");
        jstr(fb, m->standards[k].id);
        JLIT(fb, ",\"verdict\":");
      });
      FRAG(f->rs[r].std[k].nearest, f->rs[r].std[k].nearest_len, {
        JLIT(fb, ",\"nearest\":");
        jstr(fb, m->standards[k].id);
      });
    }
  }
  return 0;
}

/* The fragments of ev's selection, built on first use. The cache is private state of the
 * context, which is not shared between threads. */
static const tidu_json_frags *frags_of(const tidu_eval *ev) {
  tidu_json_frags *f = (tidu_json_frags *)&ev->json;
  int same = f->sel == ev->sel && f->nrs == ev->nrs;
  for (size_t r = 0; r < f->nrs && same; r++)
    same = f->rs[r].ruleset == tidu_selection_get(ev->sel, r);
  if (!same && frags_build(f, ev->sel) != 0) {
    frag_free(f);
    return NULL;
  }
  return f;
}

/* ---- per-firm parts ---- */

static int by_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* "missing": the names of `f`, sorted when asked (as the rule set's list is). */
static void jmissing(jbuf *b, const view *v, const figs *f, int sorted) {
  if (!f->n) {
    JLIT(b, "[]");
    return;
  }
  char names[128][96];
  const char *ptr[128];
  for (size_t i = 0; i < f->n; i++) {
    fig_name(v, f->v[i], names[i], sizeof names[i]);
    ptr[i] = names[i];
  }
  if (sorted && f->n > 1) qsort(ptr, f->n, sizeof *ptr, by_str);
  JLIT(b, "[");
  for (size_t i = 0; i < f->n; i++) {
    if (i) JLIT(b, ",");
    jstr(b, ptr[i]);
  }
  JLIT(b, "]");
}

/* One failing or undetermined condition: reference, text, verdict, numbers, missing. */
static void jcond(jbuf *b, const view *v, int c, int *first) {
  const tidu_pcond *pc = &v->p->conds[c];
  size_t a = at(v, c);
  int numeric = pc->kind == PC_CMP;
  double value = v->C->value[a];
  if (*first)
    JLIT(b, "{\"ref\":\"");
  else
    JLIT(b, ",{\"ref\":\"");
  *first = 0;
  char ref[32];
  jput(b, v->rs->meta.id, strlen(v->rs->meta.id));
  int n = snprintf(ref, sizeof ref, "#%d\",\"text\":", c);
  jput(b, ref, (size_t)n);
  jstr(b, pc->text);
  JLIT(b, ",\"verdict\":");
  jverdict(b, v->C->verdict[a]);
  JLIT(b, ",\"value\":");
  if (numeric && !isnan(value))
    jnum(b, value, pc->type);
  else
    JLIT(b, "null");
  JLIT(b, ",\"threshold\":");
  if (numeric)
    jnum(b, v->C->thr[a], pc->type);
  else
    JLIT(b, "null");
  JLIT(b, ",\"gap\":");
  if (numeric)
    jnum(b, v->C->gap[a], pc->type);
  else
    JLIT(b, "null");
  JLIT(b, ",\"missing\":");
  figs f = {.n = 0};
  cond_missing(v, c, &f);
  jmissing(b, v, &f, 0);
  JLIT(b, "}");
}

/* Every failing or undetermined condition of a subtree, in source order. */
static void jconds_under(jbuf *b, const view *v, int c, int top, int *first) {
  const tidu_pcond *pc = &v->p->conds[c];
  if (!top && pc->hidden) return;
  int cv = verdict_of(v, c);
  if (cv != V_FAIL && cv != V_UNK) return;
  jcond(b, v, c, first);
  for (size_t k = 0; k < pc->nkids; k++) jconds_under(b, v, pc->kids[k], 0, first);
}

/* The failing or undetermined conditions of a block (none when it passes). */
static void jblock_conds(jbuf *b, const view *v, int root, int bv) {
  JLIT(b, ",\"conditions\":[");
  int first = 1;
  const tidu_pcond *pc = &v->p->conds[root];
  if (bv != V_PASS)
    for (size_t k = 0; k < pc->nkids; k++) jconds_under(b, v, pc->kids[k], 1, &first);
  JLIT(b, "]");
}

/* A require or pass block: its verdict and its failing or undetermined conditions. */
static void jblock(jbuf *b, const view *v, int root) {
  JLIT(b, "{\"verdict\":");
  int bv = verdict_of(v, root);
  jverdict(b, bv);
  jblock_conds(b, v, root, bv);
  JLIT(b, "}");
}

static void item_missing(const view *v, size_t k, figs *f) {
  const tidu_pitem *it = &v->p->items[k];
  for (size_t c = 0; c < it->nconds; c++)
    if (it->conds[c] >= 0) cond_missing(v, it->conds[c], f);
  inputs_missing(v, it->inputs, it->ninputs, f);
}

static void jruleset(jbuf *b, const view *v, const tidu_json_frags *fr, int detail) {
  const tidu_ruleset_info *m = &v->rs->meta;
  const tidu_prog *p = v->p;
  const tidu_cols *C = v->C;
  const struct tidu_json_rs *fx = &fr->rs[v->r];
  size_t l = v->lane;
  jput(b, fx->head, fx->head_len);
  jverdict(b, v->ev->rs[v->r].verdict[l]);
  if (p->nstandards || m->kind != TIDU_KIND_TIER) {
    JLIT(b, ",\"standards\":[");
    for (size_t s = 0; s < p->nstandards; s++) {
      if (s) JLIT(b, ",");
      jput(b, fx->std[s].head, fx->std[s].head_len);
      int root = p->standards[s].root, bv = verdict_of(v, root);
      jverdict(b, bv);
      if (detail >= TIDU_DETAIL_FAILING) jblock_conds(b, v, root, bv);
      JLIT(b, "}");
    }
    JLIT(b, "]");
    int ne = v->ev->rs[v->r].nearest[l];
    if (ne >= 0 && (size_t)ne < p->nstandards)
      jput(b, fx->std[ne].nearest, fx->std[ne].nearest_len);
    else
      JLIT(b, ",\"nearest\":null");
  }
  int known = 1;
  for (size_t k = 0; k < p->nitems; k++) known &= C->item_known[k * C->cap + l];
  if (p->nitems || m->kind == TIDU_KIND_TIER) {
    JLIT(b, ",\"score\":");
    if (known && p->nitems)
      jnum(b, (double)C->score_lo[l] / 1e6, TIDU_T_COUNT);
    else
      JLIT(b, "null");
    JLIT(b, ",\"pass_score\":");
    if (m->has_pass_score)
      jnum(b, m->pass_score, TIDU_T_COUNT);
    else
      JLIT(b, "null");
    if (detail >= TIDU_DETAIL_FAILING) {
      JLIT(b, ",\"items\":[");
      for (size_t k = 0; k < p->nitems; k++) {
        size_t a = k * C->cap + l;
        if (k) JLIT(b, ",");
        JLIT(b, "{\"id\":");
        jstr(b, m->items[k].id);
        JLIT(b, ",\"points\":");
        if (C->item_known[a])
          jnum(b, (double)C->item_lo[a] / 1e6, TIDU_T_COUNT);
        else
          JLIT(b, "null");
        JLIT(b, ",\"max\":");
        jnum(b, m->items[k].max, TIDU_T_COUNT);
        JLIT(b, "}");
      }
      JLIT(b, "]");
    }
  }
  if (detail >= TIDU_DETAIL_FAILING && p->nrequires) {
    JLIT(b, ",\"requires\":[");
    for (size_t i = 0; i < p->nrequires; i++) {
      if (i) JLIT(b, ",");
      jblock(b, v, p->requires[i].root);
    }
    JLIT(b, "]");
  }
  if (detail >= TIDU_DETAIL_FAILING && p->pass_root >= 0) {
    JLIT(b, ",\"pass\":");
    jblock(b, v, p->pass_root);
  }
  /* every missing figure of the rule set, deduplicated and sorted */
  figs f = {.n = 0};
  for (size_t i = 0; i < p->nrequires; i++) cond_missing(v, p->requires[i].root, &f);
  for (size_t s = 0; s < p->nstandards; s++) cond_missing(v, p->standards[s].root, &f);
  for (size_t k = 0; k < p->nitems; k++)
    if (!C->item_known[k * C->cap + l]) item_missing(v, k, &f);
  if (p->pass_root >= 0) cond_missing(v, p->pass_root, &f);
  JLIT(b, ",\"missing\":");
  jmissing(b, v, &f, 1);
  JLIT(b, "}");
}

tidu_code tidu_eval_json_append(const tidu_eval *ev, size_t lane, tidu_detail detail, char **buf,
                                size_t *len, size_t *cap) {
  if (!ev || !ev->sel || lane >= ev->n) return TIDU_ERR_USAGE;
  jbuf b = {buf, len, cap, 0};
  if (detail == TIDU_DETAIL_ALL) {
    tidu_result *r = NULL;
    tidu_error err;
    tidu_code rc = tidu_eval_materialise(ev, lane, &r, &err);
    if (rc != TIDU_OK) return rc;
    char *s = tidu_report_json_text(r);
    tidu_result_free(r);
    if (!s) return TIDU_ERR_NOMEM;
    jput(&b, s, strlen(s));
    JLIT(&b, "\n");
    free(s);
    return b.nomem ? TIDU_ERR_NOMEM : TIDU_OK;
  }
  const tidu_json_frags *fr = frags_of(ev);
  if (!fr) return TIDU_ERR_NOMEM;
  const tidu_chunk *ch = ev->chunk;
  JLIT(&b, "{\"uscc\":");
  jstr(&b, ch->text[TIDU_F_USCC] ? ch->text[TIDU_F_USCC][lane] : NULL);
  JLIT(&b, ",\"name\":");
  jstr(&b, ch->text[TIDU_F_NAME] ? ch->text[TIDU_F_NAME][lane] : NULL);
  char year[48];
  int n = snprintf(year, sizeof year, ",\"year\":%d,\"results\":[", (int)ch->base[lane]);
  jput(&b, year, (size_t)n);
  int first = 1;
  for (size_t r = 0; r < ev->nrs; r++) {
    if (ev->rs[r].verdict[lane] == V_NA) continue;
    if (!first) JLIT(&b, ",");
    first = 0;
    view v = view_of(ev, r, lane);
    jruleset(&b, &v, fr, (int)detail);
  }
  JLIT(&b, "]}\n");
  return b.nomem ? TIDU_ERR_NOMEM : TIDU_OK;
}

char *tidu_eval_json_text(const tidu_eval *ev, size_t lane, tidu_detail detail) {
  char *s = NULL;
  size_t n = 0, cap = 0;
  if (tidu_eval_json_append(ev, lane, detail, &s, &n, &cap) != TIDU_OK) {
    free(s);
    return NULL;
  }
  if (n && s[n - 1] == '\n') s[--n] = 0;
  return s;
}

/* ---- the conditions a reference points to ---------------------------------------------- */

static const char *const KINDS[] = {"cmp", "test", "all", "any", "not"};
static const char *const CMP_SYMS[] = {"≥", ">", "≤", "<", "=", "≠"};

static int add_block_conds(json_t *arr, const tidu_ruleset *rs, int c, const char *block,
                           const char *standard) {
  const tidu_pcond *pc = &rs->prog.conds[c];
  if (pc->hidden) return 0; /* the high end of a score range: not shown */
  {
    char ref[160];
    snprintf(ref, sizeof ref, "%s#%d", rs->meta.id, c);
    json_t *o =
        json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:i,s:s?,s:s?}", "ref", ref, "text", pc->text,
                  "text_en", pc->text_en, "source", pc->source, "path", pc->path, "kind",
                  KINDS[pc->kind], "depth", pc->depth, "block", block, "standard", standard);
    if (!o || json_array_append_new(arr, o) != 0) return -1;
    if (pc->cmp >= 0 && pc->cmp < 6) json_object_set_new(o, "op", json_string(CMP_SYMS[pc->cmp]));
  }
  for (size_t k = 0; k < pc->nkids; k++)
    if (add_block_conds(arr, rs, pc->kids[k], block, standard) != 0) return -1;
  return 0;
}

/* The conditions of a block (its root, an `all`, is the block itself and not listed). */
static int add_block(json_t *arr, const tidu_ruleset *rs, int root, const char *block,
                     const char *standard) {
  const tidu_pcond *pc = &rs->prog.conds[root];
  for (size_t k = 0; k < pc->nkids; k++)
    if (add_block_conds(arr, rs, pc->kids[k], block, standard) != 0) return -1;
  return 0;
}

json_t *tidu_report_ruleset_json(const tidu_ruleset *rs) {
  const tidu_ruleset_info *m = tidu_ruleset_meta(rs);
  const tidu_prog *p = &rs->prog;
  json_t *o =
      json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?}", "id", m->id, "kind", tidu_rule_kind_name(m->kind),
                "name", m->name, "name_en", m->name_en, "version", m->version, "source", m->source);
  json_t *conds = json_array();
  if (!o || !conds || json_object_set_new(o, "conditions", conds) != 0) {
    json_decref(o);
    return NULL;
  }
  int bad = 0;
  for (size_t i = 0; i < p->nrequires && !bad; i++)
    bad = add_block(conds, rs, p->requires[i].root, "require", NULL);
  for (size_t s = 0; s < p->nstandards && !bad; s++)
    bad = add_block(conds, rs, p->standards[s].root, "standard", m->standards[s].id);
  if (p->pass_root >= 0 && !bad) bad = add_block(conds, rs, p->pass_root, "pass", NULL);
  for (size_t k = 0; k < p->nitems && !bad; k++)
    for (size_t c = 0; c < p->items[k].nconds && !bad; c++)
      if (p->items[k].conds[c] >= 0)
        bad = add_block_conds(conds, rs, p->items[k].conds[c], "item", NULL);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}
