/* The evaluator: runs a flat program over a chunk of firms, one instruction over all lanes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules/eval.h"
#include "tidu/num.h"

typedef __int128 i128;

enum { ST_UNKNOWN = 0, ST_EXACT = 1, ST_APPROX = 2 };
enum { V_FAIL = 0, V_PASS = 1, V_UNKNOWN = 2 };

/* ---- storage --------------------------------------------------------------------------- */

static int realloc_n(void **p, size_t n, size_t size) {
  void *q = realloc(*p, n ? n * size : 1);
  if (!q) return 0;
  *p = q;
  return 1;
}

tidu_code tidu_regs_reserve(tidu_regs *r, size_t nregs, size_t n) {
  if (nregs <= r->nregs && n <= r->cap) return TIDU_OK;
  size_t nr = nregs > r->nregs ? nregs : r->nregs;
  size_t cap = n > r->cap ? n : r->cap;
  size_t tot = nr * cap;
  if (!realloc_n((void **)&r->num, tot, sizeof *r->num) ||
      !realloc_n((void **)&r->den, tot, sizeof *r->den) ||
      !realloc_n((void **)&r->st, tot, sizeof *r->st) ||
      !realloc_n((void **)&r->f, tot, sizeof *r->f))
    return TIDU_ERR_NOMEM;
  r->nregs = nr;
  r->cap = cap;
  return TIDU_OK;
}

void tidu_regs_free(tidu_regs *r) {
  free(r->num);
  free(r->den);
  free(r->st);
  free(r->f);
  memset(r, 0, sizeof *r);
}

tidu_code tidu_cols_reserve(tidu_cols *c, const tidu_prog *p, size_t n) {
  if (n < 1) n = 1;
  if (c->cap >= n && c->ncond == p->nconds && c->nitems == p->nitems && c->ngroups == p->ngroups)
    return TIDU_OK;
  size_t cap = n > c->cap ? n : c->cap;
  size_t nc = p->nconds * cap, ni = p->nitems * cap, ng = p->ngroups * cap;
  if (!realloc_n((void **)&c->verdict, nc, 1) || !realloc_n((void **)&c->value, nc, 8) ||
      !realloc_n((void **)&c->thr, nc, 8) || !realloc_n((void **)&c->gap, nc, 8) ||
      !realloc_n((void **)&c->dist, nc, 8) || !realloc_n((void **)&c->item_lo, ni, 8) ||
      !realloc_n((void **)&c->item_hi, ni, 8) || !realloc_n((void **)&c->item_known, ni, 1) ||
      !realloc_n((void **)&c->grp_lo, ng, 8) || !realloc_n((void **)&c->grp_hi, ng, 8) ||
      !realloc_n((void **)&c->score_lo, cap, 8) || !realloc_n((void **)&c->score_hi, cap, 8))
    return TIDU_ERR_NOMEM;
  c->cap = cap;
  c->ncond = p->nconds;
  c->nitems = p->nitems;
  c->ngroups = p->ngroups;
  return TIDU_OK;
}

void tidu_cols_free(tidu_cols *c) {
  free(c->verdict);
  free(c->value);
  free(c->thr);
  free(c->gap);
  free(c->dist);
  free(c->item_lo);
  free(c->item_hi);
  free(c->item_known);
  free(c->grp_lo);
  free(c->grp_hi);
  free(c->score_lo);
  free(c->score_hi);
  memset(c, 0, sizeof *c);
}

/* ---- exact rationals ------------------------------------------------------------------- */

static i128 gcd128(i128 a, i128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) {
    i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

#define BIG ((i128)1 << 100)

/* Reduces n/d by their gcd when they grow large. */
static void tidy(i128 *n, i128 *d) {
  if ((*d < BIG && *n<BIG && * n> - BIG)) return;
  i128 g = gcd128(*n, *d);
  if (g > 1) {
    *n /= g;
    *d /= g;
  }
}

static inline int fits64(i128 v) {
  return v == (i128)(int64_t)v;
}

static inline double to_double(i128 n, i128 d) {
  if (fits64(n) && fits64(d)) {
    int64_t a = (int64_t)n, b = (int64_t)d;
    if (b == 1) return (double)a;
    /* exact to the last bit when both are below 2^53; else split the integer part */
    if (a < (1LL << 53) && a > -(1LL << 53) && b < (1LL << 53)) return (double)a / (double)b;
    return (double)(a / b) + (double)(a % b) / (double)b;
  }
  i128 q = n / d, r = n % d;
  return (double)q + (double)r / (double)d;
}

/* A register slot seen as a value. */
typedef struct slot {
  i128 *num, *den;
  uint8_t *st;
  double *f;
} slot;

static slot reg(tidu_regs *R, int r) {
  size_t o = (size_t)r * R->cap;
  slot s = {R->num + o, R->den + o, R->st + o, R->f + o};
  return s;
}

static inline double val(const slot *s, size_t i) {
  return s->st[i] == ST_EXACT ? to_double(s->num[i], s->den[i]) : s->f[i];
}

static void set_approx(slot *s, size_t i, double v) {
  if (isnan(v) || isinf(v)) {
    s->st[i] = ST_UNKNOWN;
    return;
  }
  s->st[i] = ST_APPROX;
  s->f[i] = v;
}

/* r = a + sign*b */
static void op_add(slot *r, const slot *a, const slot *b, size_t n, int sign) {
  for (size_t i = 0; i < n; i++) {
    uint8_t sa = a->st[i], sb = b->st[i];
    if (!sa || !sb) {
      r->st[i] = ST_UNKNOWN;
      continue;
    }
    if (sa == ST_EXACT && sb == ST_EXACT) {
      i128 an = a->num[i], ad = a->den[i], bn = sign > 0 ? b->num[i] : -b->num[i], bd = b->den[i];
      i128 nn, dd;
      if (ad == bd) {
        if (!__builtin_add_overflow(an, bn, &nn)) {
          r->num[i] = nn;
          r->den[i] = ad;
          r->st[i] = ST_EXACT;
          continue;
        }
      } else {
        i128 x, y;
        if (!__builtin_mul_overflow(an, bd, &x) && !__builtin_mul_overflow(bn, ad, &y) &&
            !__builtin_add_overflow(x, y, &nn) && !__builtin_mul_overflow(ad, bd, &dd)) {
          tidy(&nn, &dd);
          r->num[i] = nn;
          r->den[i] = dd;
          r->st[i] = ST_EXACT;
          continue;
        }
      }
    }
    set_approx(r, i, val(a, i) + sign * val(b, i));
  }
}

static void op_mul(slot *r, const slot *a, const slot *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t sa = a->st[i], sb = b->st[i];
    if (!sa || !sb) {
      r->st[i] = ST_UNKNOWN;
      continue;
    }
    if (sa == ST_EXACT && sb == ST_EXACT) {
      i128 nn, dd;
      if (!__builtin_mul_overflow(a->num[i], b->num[i], &nn) &&
          !__builtin_mul_overflow(a->den[i], b->den[i], &dd)) {
        tidy(&nn, &dd);
        r->num[i] = nn;
        r->den[i] = dd;
        r->st[i] = ST_EXACT;
        continue;
      }
    }
    set_approx(r, i, val(a, i) * val(b, i));
  }
}

static int sign_of(const slot *s, size_t i) {
  if (s->st[i] == ST_EXACT) return s->num[i] > 0 ? 1 : s->num[i] < 0 ? -1 : 0;
  return s->f[i] > 0 ? 1 : s->f[i] < 0 ? -1 : 0;
}

/* r = a / b; unknown when b == 0. `minus1`: r = a / b - 1 and unknown when b <= 0 (growth). */
static void op_div(slot *r, const slot *a, const slot *b, size_t n, int growth) {
  for (size_t i = 0; i < n; i++) {
    uint8_t sa = a->st[i], sb = b->st[i];
    if (!sa || !sb) {
      r->st[i] = ST_UNKNOWN;
      continue;
    }
    int sg = sign_of(b, i);
    if (sg == 0 || (growth && sg < 0)) {
      r->st[i] = ST_UNKNOWN;
      continue;
    }
    if (sa == ST_EXACT && sb == ST_EXACT) {
      i128 nn, dd;
      if (!__builtin_mul_overflow(a->num[i], b->den[i], &nn) &&
          !__builtin_mul_overflow(a->den[i], b->num[i], &dd)) {
        if (dd < 0) {
          nn = -nn;
          dd = -dd;
        }
        if (growth) {
          i128 m;
          if (__builtin_sub_overflow(nn, dd, &m)) goto approx;
          nn = m;
        }
        tidy(&nn, &dd);
        r->num[i] = nn;
        r->den[i] = dd;
        r->st[i] = ST_EXACT;
        continue;
      }
    }
  approx:
    set_approx(r, i, val(a, i) / val(b, i) - (growth ? 1 : 0));
  }
}

/* Compares a and b at lane i: -1, 0, 1. */
static int cmp_at(const slot *a, size_t ia, const slot *b, size_t ib) {
  if (a->st[ia] == ST_EXACT && b->st[ib] == ST_EXACT) {
    i128 an = a->num[ia], ad = a->den[ia], bn = b->num[ib], bd = b->den[ib];
    if (ad == bd) return an < bn ? -1 : an > bn;
    i128 x, y;
    if (!__builtin_mul_overflow(an, bd, &x) && !__builtin_mul_overflow(bn, ad, &y))
      return x < y ? -1 : x > y;
    i128 g1 = gcd128(an, ad), g2 = gcd128(bn, bd);
    if (g1 > 1) an /= g1, ad /= g1;
    if (g2 > 1) bn /= g2, bd /= g2;
    if (!__builtin_mul_overflow(an, bd, &x) && !__builtin_mul_overflow(bn, ad, &y))
      return x < y ? -1 : x > y;
    long double la = (long double)an / (long double)ad, lb = (long double)bn / (long double)bd;
    return la < lb ? -1 : la > lb;
  }
  double va = val(a, ia), vb = val(b, ib);
  return va < vb ? -1 : va > vb;
}

static void op_minmax(slot *r, const slot *a, const slot *b, size_t n, int want_max) {
  for (size_t i = 0; i < n; i++) {
    if (!a->st[i] || !b->st[i]) {
      r->st[i] = ST_UNKNOWN;
      continue;
    }
    int c = cmp_at(a, i, b, i);
    const slot *w = (want_max ? c >= 0 : c <= 0) ? a : b;
    r->num[i] = w->num[i];
    r->den[i] = w->den[i];
    r->f[i] = w->f[i];
    r->st[i] = w->st[i];
  }
}

static i128 floordiv(i128 n, i128 d) {
  i128 q = n / d;
  if ((n % d != 0) && ((n < 0) != (d < 0))) q--;
  return q;
}

static int verdict_of(int c, int op) {
  switch (op) {
  case CMP_GE:
    return c >= 0;
  case CMP_GT:
    return c > 0;
  case CMP_LE:
    return c <= 0;
  case CMP_LT:
    return c < 0;
  case CMP_EQ:
    return c == 0;
  default:
    return c != 0;
  }
}

/* thr - x (for >=, >) or x - thr (for <=, <) at lane i, as a double, exact when possible. */
static double diff(const slot *x, size_t ix, const slot *t, size_t it, int x_minus_t) {
  const slot *p = x_minus_t ? x : t, *q = x_minus_t ? t : x;
  size_t i = x_minus_t ? ix : it, j = x_minus_t ? it : ix;
  if (p->st[i] == ST_EXACT && q->st[j] == ST_EXACT) {
    i128 a, b, nn, dd;
    if (p->den[i] == q->den[j] && !__builtin_sub_overflow(p->num[i], q->num[j], &nn))
      return to_double(nn, p->den[i]);
    if (!__builtin_mul_overflow(p->num[i], q->den[j], &a) &&
        !__builtin_mul_overflow(q->num[j], p->den[i], &b) && !__builtin_sub_overflow(a, b, &nn) &&
        !__builtin_mul_overflow(p->den[i], q->den[j], &dd))
      return to_double(nn, dd);
  }
  return val(p, i) - val(q, j);
}

/* Writes a comparison's verdict, value, threshold, gap and distance at lane i. */
static void record_cmp(tidu_cols *C, size_t o, size_t i, int cmp, int op, const slot *x,
                       const slot *t, size_t it, double xv) {
  int pass = verdict_of(cmp, op);
  C->verdict[o + i] = pass ? V_PASS : V_FAIL;
  C->value[o + i] = xv;
  double tv = val(t, it);
  C->thr[o + i] = tv;
  if (op == CMP_EQ || op == CMP_NE) {
    C->gap[o + i] = NAN;
    C->dist[o + i] = pass ? 0 : 1;
    return;
  }
  if (pass) {
    C->gap[o + i] = 0;
    C->dist[o + i] = 0;
    return;
  }
  double g = diff(x, i, t, it, op == CMP_LE || op == CMP_LT);
  C->gap[o + i] = g;
  double d = tv == 0 ? 1 : g / fabs(tv);
  C->dist[o + i] = d > 1 ? 1 : d;
}

static void mark_unknown(tidu_cols *C, size_t o, size_t i) {
  C->verdict[o + i] = V_UNKNOWN;
  C->value[o + i] = NAN;
  C->thr[o + i] = NAN;
  C->gap[o + i] = NAN;
  C->dist[o + i] = 1;
}

static void op_cmp(tidu_cols *C, size_t o, const slot *x, const slot *t, int op, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!x->st[i] || !t->st[i]) {
      mark_unknown(C, o, i);
      C->thr[o + i] = t->st[i] ? val(t, i) : NAN;
      continue;
    }
    /* fast path: equal denominators, a plain comparison */
    int c;
    if (x->st[i] == ST_EXACT && t->st[i] == ST_EXACT && x->den[i] == t->den[i])
      c = x->num[i] < t->num[i] ? -1 : x->num[i] > t->num[i];
    else
      c = cmp_at(x, i, t, i);
    record_cmp(C, o, i, c, op, x, t, i, val(x, i));
  }
}

/* Comparison with a constant tn/td (td > 0): cross-multiplied, 64-bit operands multiply
 * into 128 bits without overflow. */
static void op_cmpk(tidu_cols *C, size_t o, const slot *x, i128 tn, i128 td, int op, size_t n) {
  double tv = to_double(tn, td);
  double inv_t = tv == 0 ? 0 : 1 / fabs(tv);
  int small_t = fits64(tn) && fits64(td);
  for (size_t i = 0; i < n; i++) {
    uint8_t st = x->st[i];
    if (!st) {
      mark_unknown(C, o, i);
      C->thr[o + i] = tv;
      continue;
    }
    int c;
    double xv;
    i128 xn = x->num[i], xd = x->den[i];
    if (st == ST_EXACT && small_t && fits64(xn) && fits64(xd)) {
      int64_t xn64 = (int64_t)xn, xd64 = (int64_t)xd;
      i128 a = (i128)xn64 * (int64_t)td, b = (i128)(int64_t)tn * xd64;
      c = a < b ? -1 : a > b;
      xv = xn64 < (1LL << 53) && xn64 > -(1LL << 53) ? (double)xn64 / (double)xd64
                                                     : to_double(xn, xd);
      int pass = verdict_of(c, op);
      C->verdict[o + i] = pass ? V_PASS : V_FAIL;
      C->value[o + i] = xv;
      C->thr[o + i] = tv;
      if (op == CMP_EQ || op == CMP_NE) {
        C->gap[o + i] = NAN;
        C->dist[o + i] = pass ? 0 : 1;
      } else if (pass) {
        C->gap[o + i] = 0;
        C->dist[o + i] = 0;
      } else {
        i128 diffn = (op == CMP_GE || op == CMP_GT) ? b - a : a - b;
        i128 dd;
        double g = __builtin_mul_overflow(xd, td, &dd) ? fabs(tv - xv) : to_double(diffn, dd);
        C->gap[o + i] = g;
        double d = tv == 0 ? 1 : g * inv_t;
        C->dist[o + i] = d > 1 ? 1 : d;
      }
      continue;
    }
    i128 tnum = tn, tden = td;
    uint8_t tst = ST_EXACT;
    double tf = tv;
    slot t1 = {&tnum, &tden, &tst, &tf};
    c = cmp_at(x, i, &t1, 0);
    record_cmp(C, o, i, c, op, x, &t1, 0, val(x, i));
  }
}

/* (1+t)^k as an exact rational; 0 when it overflows. */
static int rat_pow1(i128 tn, i128 td, long k, i128 *pn, i128 *pd) {
  i128 bn = tn + td, bd = td, n = 1, d = 1;
  for (long j = 0; j < k; j++)
    if (__builtin_mul_overflow(n, bn, &n) || __builtin_mul_overflow(d, bd, &d)) return 0;
  *pn = n;
  *pd = d;
  return 1;
}

static void op_cmpcagr(tidu_cols *C, size_t o, const slot *x0, const slot *xl, const slot *t,
                       int op, long years, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!x0->st[i] || !xl->st[i] || !t->st[i] || sign_of(xl, i) <= 0 || sign_of(x0, i) < 0) {
      mark_unknown(C, o, i);
      C->thr[o + i] = t->st[i] ? val(t, i) : NAN;
      continue;
    }
    double q = val(x0, i) / val(xl, i);
    double cg = pow(q, 1.0 / (double)(years - 1)) - 1;
    int c = 0, done = 0;
    if (x0->st[i] == ST_EXACT && xl->st[i] == ST_EXACT && t->st[i] == ST_EXACT &&
        t->num[i] + t->den[i] >= 0) {
      i128 pn, pd, a, b;
      /* x0/xl CMP pn/pd  <=>  x0n*xld*pd CMP xln*x0d*pn */
      if (rat_pow1(t->num[i], t->den[i], years - 1, &pn, &pd) &&
          !__builtin_mul_overflow(x0->num[i], xl->den[i], &a) &&
          !__builtin_mul_overflow(a, pd, &a) &&
          !__builtin_mul_overflow(xl->num[i], x0->den[i], &b) &&
          !__builtin_mul_overflow(b, pn, &b)) {
        c = a < b ? -1 : a > b;
        done = 1;
      }
    }
    if (!done) {
      double tv = val(t, i);
      c = cg < tv ? -1 : cg > tv;
    }
    int pass = verdict_of(c, op);
    double tv = val(t, i);
    C->verdict[o + i] = pass ? V_PASS : V_FAIL;
    C->value[o + i] = cg;
    C->thr[o + i] = tv;
    if (op == CMP_EQ || op == CMP_NE) {
      C->gap[o + i] = NAN;
      C->dist[o + i] = pass ? 0 : 1;
    } else if (pass) {
      C->gap[o + i] = 0;
      C->dist[o + i] = 0;
    } else {
      double g = (op == CMP_GE || op == CMP_GT) ? tv - cg : cg - tv;
      if (g < 0) g = 0;
      C->gap[o + i] = g;
      double d = tv == 0 ? 1 : g / fabs(tv);
      C->dist[o + i] = d > 1 ? 1 : d;
    }
  }
}

static void set_test(tidu_cols *C, size_t o, size_t i, int v) {
  C->verdict[o + i] = (uint8_t)v;
  C->value[o + i] = NAN;
  C->thr[o + i] = NAN;
  C->gap[o + i] = NAN;
  C->dist[o + i] = v == V_PASS ? 0 : 1;
}

/* all / any over the children, child by child so each pass is a plain loop over lanes.
 * Verdict bits: 1 fail seen, 2 unknown seen, 4 pass seen (kept in the verdict column). */
static void op_all_any(tidu_cols *C, const tidu_pcond *pc, size_t o, size_t n, int any) {
  uint8_t *restrict seen = C->verdict + o;
  double *restrict dist = C->dist + o;
  for (size_t i = 0; i < n; i++) {
    seen[i] = 0;
    dist[i] = any ? 1e300 : 0;
  }
  for (size_t k = 0; k < pc->nkids; k++) {
    size_t ko = (size_t)pc->kids[k] * C->cap;
    const uint8_t *restrict kv = C->verdict + ko;
    const double *restrict kd = C->dist + ko;
    for (size_t i = 0; i < n; i++) {
      seen[i] |= (uint8_t)(1u << (kv[i] == V_FAIL ? 0 : kv[i] == V_UNKNOWN ? 1 : 2));
      double d = kd[i];
      if (any)
        dist[i] = d < dist[i] ? d : dist[i];
      else
        dist[i] += d;
    }
  }
  for (size_t i = 0; i < n; i++) {
    int v;
    if (!pc->nkids)
      v = any ? V_FAIL : V_PASS;
    else if (any)
      v = seen[i] & 4 ? V_PASS : seen[i] & 2 ? V_UNKNOWN : V_FAIL;
    else
      v = seen[i] & 1 ? V_FAIL : seen[i] & 2 ? V_UNKNOWN : V_PASS;
    seen[i] = (uint8_t)v;
    if (v == V_PASS || !pc->nkids) dist[i] = v == V_PASS ? 0 : 1;
    C->value[o + i] = NAN;
    C->thr[o + i] = NAN;
    C->gap[o + i] = NAN;
  }
}

static int64_t clamp_micro(const slot *s, size_t i, int64_t max) {
  double v;
  if (s->st[i] == ST_EXACT) {
    i128 m;
    if (!__builtin_mul_overflow(s->num[i], (i128)1000000, &m)) {
      i128 q = floordiv(m, s->den[i]);
      if (q < 0) return 0;
      if (q > max) return max;
      return (int64_t)q;
    }
  }
  v = val(s, i) * 1e6;
  if (v < 0) return 0;
  if (v > (double)max) return max;
  return (int64_t)v;
}

static void op_item(tidu_cols *C, const tidu_pitem *it, size_t idx, size_t n) {
  size_t o = idx * C->cap;
  for (size_t i = 0; i < n; i++) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    int unknown = 0, decided = 0;
    for (size_t b = 0; b < it->nbands && !decided; b++) {
      int v = it->bands[b].cond < 0 ? V_PASS : C->verdict[(size_t)it->bands[b].cond * C->cap + i];
      if (v == V_FAIL) continue;
      int64_t p = it->bands[b].points;
      if (p < lo) lo = p;
      if (p > hi) hi = p;
      if (v == V_PASS)
        decided = 1;
      else
        unknown = 1;
    }
    if (!decided) {
      if (0 < lo) lo = 0;
      if (0 > hi) hi = 0;
    }
    if (hi > it->max) hi = it->max;
    if (lo > it->max) lo = it->max;
    C->item_lo[o + i] = lo;
    C->item_hi[o + i] = hi;
    C->item_known[o + i] = !unknown;
  }
}

static void op_itemf(tidu_cols *C, const tidu_pitem *it, size_t idx, const slot *s, size_t n) {
  size_t o = idx * C->cap;
  for (size_t i = 0; i < n; i++) {
    if (!s->st[i]) {
      C->item_lo[o + i] = 0;
      C->item_hi[o + i] = it->max;
      C->item_known[o + i] = 0;
      continue;
    }
    int64_t p = clamp_micro(s, i, it->max);
    C->item_lo[o + i] = p;
    C->item_hi[o + i] = p;
    C->item_known[o + i] = 1;
  }
}

static void op_total(tidu_cols *C, const tidu_prog *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t lo = 0, hi = 0;
    for (size_t g = 0; g < p->ngroups; g++) {
      int64_t glo = 0, ghi = 0;
      for (size_t k = 0; k < p->nitems; k++)
        if (p->items[k].group == (int)g) {
          glo += C->item_lo[k * C->cap + i];
          ghi += C->item_hi[k * C->cap + i];
        }
      if (glo > p->groups[g].max) glo = p->groups[g].max;
      if (ghi > p->groups[g].max) ghi = p->groups[g].max;
      C->grp_lo[g * C->cap + i] = glo;
      C->grp_hi[g * C->cap + i] = ghi;
      lo += glo;
      hi += ghi;
    }
    for (size_t k = 0; k < p->nitems; k++)
      if (p->items[k].group < 0) {
        lo += C->item_lo[k * C->cap + i];
        hi += C->item_hi[k * C->cap + i];
      }
    C->score_lo[i] = lo;
    C->score_hi[i] = hi;
  }
}

/* ---- loads ----------------------------------------------------------------------------- */

static void load_col(slot *r, const int64_t *col, i128 den, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t v = col[i];
    r->num[i] = v;
    r->den[i] = den;
    r->st[i] = v != TIDU_MISSING;
  }
}

static void load_dates(slot *r, const tidu_chunk *ch, int field, int months, int64_t as_of,
                       size_t n) {
  const int64_t *col = ch->firm[field];
  int ay, am, ad;
  tidu_civil_from_days(as_of, &ay, &am, &ad);
  for (size_t i = 0; i < n; i++) {
    if (col[i] == TIDU_MISSING) {
      r->st[i] = ST_UNKNOWN;
      continue;
    }
    int y, m, d;
    tidu_civil_from_days(col[i], &y, &m, &d);
    long v;
    if (months) {
      v = (long)(ay - y) * 12 + (am - m) - (ad < d ? 1 : 0);
    } else {
      /* whole years from the date to Dec 31 of year [0] */
      int ey = ch->base[i];
      v = ey - y;
    }
    r->num[i] = v;
    r->den[i] = 1;
    r->st[i] = ST_EXACT;
  }
}

/* ---- the loop -------------------------------------------------------------------------- */

/* Runs the program over one tile of lanes: `ch` and `C` are views starting at the tile. */
static void run_tile(const tidu_prog *p, const tidu_chunk *ch, int64_t as_of, tidu_regs *R,
                     tidu_cols *C) {
  size_t n = ch->n;
  for (size_t pc = 0; pc < p->ncode; pc++) {
    const tidu_instr *in = &p->code[pc];
    switch ((tidu_opcode)in->op) {
    case OP_LOADY: {
      slot r = reg(R, in->a);
      load_col(&r, ch->yr[in->b][in->c], in->d, n);
      break;
    }
    case OP_LOADF: {
      slot r = reg(R, in->a);
      load_col(&r, ch->firm[in->b], in->c, n);
      break;
    }
    case OP_LOADC: {
      slot r = reg(R, in->a);
      i128 cn = p->consts[in->b].num, cd = p->consts[in->b].den;
      for (size_t i = 0; i < n; i++) {
        r.num[i] = cn;
        r.den[i] = cd;
        r.st[i] = ST_EXACT;
      }
      break;
    }
    case OP_ADD:
    case OP_SUB: {
      slot r = reg(R, in->a), a = reg(R, in->b), b = reg(R, in->c);
      op_add(&r, &a, &b, n, in->op == OP_ADD ? 1 : -1);
      break;
    }
    case OP_MUL: {
      slot r = reg(R, in->a), a = reg(R, in->b), b = reg(R, in->c);
      op_mul(&r, &a, &b, n);
      break;
    }
    case OP_DIV:
    case OP_GROWTH: {
      slot r = reg(R, in->a), a = reg(R, in->b), b = reg(R, in->c);
      op_div(&r, &a, &b, n, in->op == OP_GROWTH);
      break;
    }
    case OP_NEG: {
      slot r = reg(R, in->a), a = reg(R, in->b);
      const i128 lowest = (i128)((unsigned __int128)1 << 127);
      for (size_t i = 0; i < n; i++) {
        r.st[i] = a.st[i];
        if (a.st[i] == ST_EXACT && a.num[i] == lowest) {
          set_approx(&r, i, -val(&a, i));
          continue;
        }
        r.num[i] = -a.num[i];
        r.den[i] = a.den[i];
        r.f[i] = -a.f[i];
      }
      break;
    }
    case OP_MIN:
    case OP_MAX: {
      slot r = reg(R, in->a), a = reg(R, in->b), b = reg(R, in->c);
      op_minmax(&r, &a, &b, n, in->op == OP_MAX);
      break;
    }
    case OP_FLOOR: {
      slot r = reg(R, in->a), a = reg(R, in->b);
      for (size_t i = 0; i < n; i++) {
        if (a.st[i] == ST_EXACT) {
          r.num[i] = floordiv(a.num[i], a.den[i]);
          r.den[i] = 1;
          r.st[i] = ST_EXACT;
        } else if (a.st[i] == ST_APPROX) {
          set_approx(&r, i, floor(a.f[i]));
        } else {
          r.st[i] = ST_UNKNOWN;
        }
      }
      break;
    }
    case OP_CAGR: {
      slot r = reg(R, in->a), a = reg(R, in->b), b = reg(R, in->c);
      for (size_t i = 0; i < n; i++) {
        if (!a.st[i] || !b.st[i] || sign_of(&b, i) <= 0 || sign_of(&a, i) < 0) {
          r.st[i] = ST_UNKNOWN;
          continue;
        }
        set_approx(&r, i, pow(val(&a, i) / val(&b, i), 1.0 / (double)(in->d - 1)) - 1);
      }
      break;
    }
    case OP_YSINCE:
    case OP_MSINCE: {
      slot r = reg(R, in->a);
      load_dates(&r, ch, in->b, in->op == OP_MSINCE, as_of, n);
      break;
    }
    case OP_SCORE:
    case OP_GROUPV: {
      slot r = reg(R, in->a);
      const int64_t *src = in->op == OP_SCORE
                               ? (in->b ? C->score_hi : C->score_lo)
                               : (in->b ? C->grp_hi : C->grp_lo) + (size_t)in->c * C->cap;
      for (size_t i = 0; i < n; i++) {
        r.num[i] = src[i];
        r.den[i] = 1000000;
        r.st[i] = ST_EXACT;
      }
      break;
    }
    case OP_CMP: {
      slot a = reg(R, in->b), b = reg(R, in->c);
      op_cmp(C, (size_t)in->a * C->cap, &a, &b, in->d, n);
      break;
    }
    case OP_CMPK: {
      slot a = reg(R, in->b);
      op_cmpk(C, (size_t)in->a * C->cap, &a, p->consts[in->c].num, p->consts[in->c].den, in->d, n);
      break;
    }
    case OP_CMPCAGR: {
      slot a = reg(R, in->b), b = reg(R, in->c), t = reg(R, in->f);
      op_cmpcagr(C, (size_t)in->a * C->cap, &a, &b, &t, in->d, in->e, n);
      break;
    }
    case OP_IN:
    case OP_HAS: {
      size_t o = (size_t)in->a * C->cap;
      const int64_t *col = ch->firm[in->b];
      uint64_t mask = p->masks[in->c];
      for (size_t i = 0; i < n; i++) {
        int64_t v = col[i] == TIDU_MISSING ? 0 : col[i];
        int hit =
            in->op == OP_IN ? (v >= 0 && v < 64 && ((mask >> v) & 1)) : ((uint64_t)v & mask) != 0;
        set_test(C, o, i, hit ? V_PASS : V_FAIL);
      }
      break;
    }
    case OP_STARTS: {
      size_t o = (size_t)in->a * C->cap;
      const char **col = ch->text[in->b];
      const tidu_strset *ss = &p->strsets[in->c];
      size_t lens[64];
      size_t np = ss->n < 64 ? ss->n : 64;
      for (size_t k = 0; k < np; k++) lens[k] = strlen(ss->s[k]);
      for (size_t i = 0; i < n; i++) {
        const char *s = col ? col[i] : NULL;
        if (!s || !*s) {
          set_test(C, o, i, V_UNKNOWN);
          continue;
        }
        int hit = 0;
        for (size_t k = 0; k < ss->n && !hit; k++)
          hit = k < np ? lens[k] == 0 || (s[0] == ss->s[k][0] && strncmp(s, ss->s[k], lens[k]) == 0)
                       : strncmp(s, ss->s[k], strlen(ss->s[k])) == 0;
        set_test(C, o, i, hit ? V_PASS : V_FAIL);
      }
      break;
    }
    case OP_BOOLF: {
      size_t o = (size_t)in->a * C->cap;
      const int64_t *col = ch->firm[in->b];
      for (size_t i = 0; i < n; i++) {
        int t = col[i] != 0 && col[i] != TIDU_MISSING;
        set_test(C, o, i, (t ^ (in->c == 1)) ? V_PASS : V_FAIL);
      }
      break;
    }
    case OP_TRUTH: {
      size_t o = (size_t)in->a * C->cap;
      slot a = reg(R, in->b);
      for (size_t i = 0; i < n; i++)
        set_test(C, o, i, !a.st[i] ? V_UNKNOWN : sign_of(&a, i) != 0 ? V_PASS : V_FAIL);
      break;
    }
    case OP_ALL:
    case OP_ANY:
      op_all_any(C, &p->conds[in->a], (size_t)in->a * C->cap, n, in->op == OP_ANY);
      break;
    case OP_NOT: {
      size_t o = (size_t)in->a * C->cap, k = (size_t)in->b * C->cap;
      for (size_t i = 0; i < n; i++) {
        int v = C->verdict[k + i];
        set_test(C, o, i, v == V_PASS ? V_FAIL : v == V_FAIL ? V_PASS : V_UNKNOWN);
      }
      break;
    }
    case OP_MERGE: {
      size_t o = (size_t)in->a * C->cap, k = (size_t)in->b * C->cap;
      for (size_t i = 0; i < n; i++)
        if (C->verdict[o + i] != C->verdict[k + i]) {
          C->verdict[o + i] = V_UNKNOWN;
          C->value[o + i] = NAN;
          C->gap[o + i] = NAN;
          C->dist[o + i] = 1;
        }
      break;
    }
    case OP_ITEM:
      op_item(C, &p->items[in->a], (size_t)in->a, n);
      break;
    case OP_ITEMF: {
      slot s = reg(R, in->b);
      op_itemf(C, &p->items[in->a], (size_t)in->a, &s, n);
      break;
    }
    case OP_TOTAL:
      op_total(C, p, n);
      break;
    case OP_COUNT:
      break;
    }
  }
}

/* Lanes per tile: small enough that the registers of a tile stay in the first-level cache. */
#define TILE 128

static void shift_cols(tidu_cols *v, const tidu_cols *c, size_t lo) {
  *v = *c;
  v->verdict = c->verdict + lo;
  v->value = c->value + lo;
  v->thr = c->thr + lo;
  v->gap = c->gap + lo;
  v->dist = c->dist + lo;
  v->item_lo = c->item_lo + lo;
  v->item_hi = c->item_hi + lo;
  v->item_known = c->item_known + lo;
  v->grp_lo = c->grp_lo + lo;
  v->grp_hi = c->grp_hi + lo;
  v->score_lo = c->score_lo + lo;
  v->score_hi = c->score_hi + lo;
}

static void shift_chunk(tidu_chunk *v, const tidu_chunk *c, size_t lo, size_t n) {
  v->n = n;
  v->cap = n;
  v->base = c->base + lo;
  for (int f = 0; f < TIDU_NFIRM; f++) {
    v->firm[f] = c->firm[f] ? c->firm[f] + lo : NULL;
    v->text[f] = c->text[f] ? c->text[f] + lo : NULL;
  }
  for (int f = 0; f < TIDU_NYEAR; f++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) v->yr[f][k] = c->yr[f][k] ? c->yr[f][k] + lo : NULL;
}

void tidu_eval_prog(const tidu_prog *p, const tidu_chunk *ch, int64_t as_of, tidu_regs *R,
                    tidu_cols *C) {
  if (ch->n <= TILE) {
    run_tile(p, ch, as_of, R, C);
    return;
  }
  tidu_chunk view;
  tidu_cols cv;
  for (size_t lo = 0; lo < ch->n; lo += TILE) {
    size_t n = ch->n - lo < TILE ? ch->n - lo : TILE;
    shift_chunk(&view, ch, lo, n);
    shift_cols(&cv, C, lo);
    run_tile(p, &view, as_of, R, &cv);
  }
}
