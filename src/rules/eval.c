/* The evaluator: runs a flat program over a chunk of firms, one instruction over all lanes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules/eval.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"

typedef __int128 i128;

enum { ST_UNKNOWN = 0, ST_EXACT = 1, ST_APPROX = 2 };
enum { V_FAIL = 0, V_PASS = 1, V_UNKNOWN = 2 };

/* ---- storage --------------------------------------------------------------------------- */

static int realloc_n(void **p, size_t n, size_t size) {
  void *q = tidu_realloc(*p, n ? n * size : 1);
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
      !realloc_n((void **)&r->f, tot, sizeof *r->f) ||
      !realloc_n((void **)&r->pool, (nr + 1) * TIDU_EVAL_TILE, sizeof *r->pool) ||
      !realloc_n((void **)&r->buf, nr, sizeof *r->buf) ||
      !realloc_n((void **)&r->vp, nr, sizeof *r->vp) ||
      !realloc_n((void **)&r->fden, nr, sizeof *r->fden) ||
      !realloc_n((void **)&r->fast, nr, sizeof *r->fast) ||
      !realloc_n((void **)&r->dpool, (nr + 1) * TIDU_EVAL_TILE, sizeof *r->dpool) ||
      !realloc_n((void **)&r->dbuf, nr, sizeof *r->dbuf))
    return TIDU_ERR_NOMEM;
  for (size_t k = 0; k < nr; k++) {
    r->dbuf[k] = r->dpool + k * TIDU_EVAL_TILE;
    r->buf[k] = r->pool + k * TIDU_EVAL_TILE;
    r->vp[k] = r->buf[k];
    r->fden[k] = 1;
    r->fast[k] = 0;
  }
  r->spare = r->pool + nr * TIDU_EVAL_TILE;
  r->dspare = r->dpool + nr * TIDU_EVAL_TILE;
  r->nregs = nr;
  r->cap = cap;
  return TIDU_OK;
}

void tidu_regs_free(tidu_regs *r) {
  free(r->num);
  free(r->den);
  free(r->st);
  free(r->f);
  free(r->pool);
  free(r->buf);
  free(r->vp);
  free(r->fden);
  free(r->fast);
  free(r->dpool);
  free(r->dbuf);
  free(r->dates);
  free(r->memo);
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
  c->nan_cap = 0;
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
  free(c->nan_cond);
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

static void reduce(i128 *n, i128 *d) {
  i128 g = gcd128(*n, *d);
  if (g > 1) {
    *n /= g;
    *d /= g;
  }
}

/* Reduces n/d by their gcd when they grow large (at or beyond 2^100). */
static inline void tidy(i128 *n, i128 *d) {
  /* n + BIG < 2 BIG (unsigned) tests -BIG < n < BIG in one comparison */
  unsigned __int128 u = (unsigned __int128)*n + (unsigned __int128)BIG;
  if (*d < BIG && u - 1 < (unsigned __int128)(2 * BIG) - 1) return;
  reduce(n, d);
}

static inline int fits64(i128 v) {
  return v == (i128)(int64_t)v;
}

/* a / b as a double, for 64-bit a and b. */
static inline double q64(int64_t a, int64_t b) {
  if (b == 1) return (double)a;
  /* exact to the last bit when both are below 2^53; else split the integer part */
  if (a < (1LL << 53) && a > -(1LL << 53) && b < (1LL << 53)) return (double)a / (double)b;
  return (double)(a / b) + (double)(a % b) / (double)b;
}

static inline double to_double(i128 n, i128 d) {
  if (fits64(n) && fits64(d)) return q64((int64_t)n, (int64_t)d);
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

/* min / max; known_only: of the known operands (unknown only when both are), for bounds */
static void op_minmax(slot *r, const slot *a, const slot *b, size_t n, int want_max,
                      int known_only) {
  for (size_t i = 0; i < n; i++) {
    const slot *w;
    if (!a->st[i] || !b->st[i]) {
      if (!known_only || (!a->st[i] && !b->st[i])) {
        r->st[i] = ST_UNKNOWN;
        continue;
      }
      w = a->st[i] ? a : b;
    } else {
      int c = cmp_at(a, i, b, i);
      w = (want_max ? c >= 0 : c <= 0) ? a : b;
    }
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

/* The unknown lanes of a comparison that its bounds decide: x >= t fails when even the upper
 * bound of x is under the lower bound of t, and passes when the lower bound of x reaches the
 * upper bound of t (mirrored for <= and <). The value shown is the deciding bound. A NULL bound
 * is none. */
static void op_settle(tidu_cols *C, size_t o, const slot *lu, const slot *ll, const slot *ru,
                      const slot *rl, int op, size_t n) {
  if (op == CMP_EQ || op == CMP_NE) return;
  int ge = op == CMP_GE || op == CMP_GT;
  const slot *fx = ge ? lu : ll, *ft = ge ? rl : ru; /* can it still pass? */
  const slot *px = ge ? ll : lu, *pt = ge ? ru : rl; /* must it pass? */
  for (size_t i = 0; i < n; i++) {
    if (C->verdict[o + i] != V_UNKNOWN) continue;
    if (fx && ft && fx->st[i] && ft->st[i]) {
      int c = cmp_at(fx, i, ft, i);
      if (!verdict_of(c, op)) {
        record_cmp(C, o, i, c, op, fx, ft, i, val(fx, i));
        continue;
      }
    }
    if (px && pt && px->st[i] && pt->st[i]) {
      int c = cmp_at(px, i, pt, i);
      if (verdict_of(c, op)) record_cmp(C, o, i, c, op, px, pt, i, val(px, i));
    }
  }
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
  uint8_t pass_tab[3];
  for (int k = -1; k <= 1; k++) pass_tab[k + 1] = (uint8_t)verdict_of(k, op);
  if (C->verdicts_only) {
    /* the verdicts alone: the same comparisons, no value, threshold, gap or distance */
    i128 tnum = tn, tden = td;
    uint8_t tst = ST_EXACT;
    double tf = tv;
    slot t1 = {&tnum, &tden, &tst, &tf};
    for (size_t i = 0; i < n; i++) {
      uint8_t st = x->st[i];
      int c;
      if (!st) {
        C->verdict[o + i] = V_UNKNOWN;
        continue;
      }
      i128 xn = x->num[i], xd = x->den[i];
      if (st == ST_EXACT && small_t && fits64(xn) && fits64(xd)) {
        i128 a = (i128)(int64_t)xn * (int64_t)td, b = (i128)(int64_t)tn * (int64_t)xd;
        c = a < b ? -1 : a > b;
      } else {
        c = cmp_at(x, i, &t1, 0);
      }
      C->verdict[o + i] = pass_tab[c + 1] ? V_PASS : V_FAIL;
    }
    return;
  }
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
      int pass = pass_tab[c + 1];
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
        /* both below 2^63 in magnitude: the product fits in 128 bits */
        i128 dd = (i128)xd64 * (int64_t)td;
        double g = to_double(diffn, dd);
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
    /* the rate itself (approximate) is shown, and decides only where the exact test cannot */
    double cg = 0;
    if (!done || !C->verdicts_only) {
      double q = val(x0, i) / val(xl, i);
      cg = pow(q, 1.0 / (double)(years - 1)) - 1;
    }
    if (!done) {
      double tv = val(t, i);
      c = cg < tv ? -1 : cg > tv;
    }
    int pass = verdict_of(c, op);
    if (C->verdicts_only) {
      C->verdict[o + i] = pass ? V_PASS : V_FAIL;
      continue;
    }
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

/* Lanes per block of the simple loops below: a fixed count the compiler turns into vector code. */
#define BLOCK 16

static inline void nan_lanes(double *restrict a, size_t m) {
  for (size_t i = 0; i < m; i++) a[i] = NAN;
}

/* Fills n lanes of a column with NaN. */
static void fill_nan(double *a, size_t n) {
  size_t whole = n - n % BLOCK;
  for (size_t i = 0; i < whole; i += BLOCK) nan_lanes(a + i, BLOCK);
  nan_lanes(a + whole, n - whole);
}

static inline void test_dist_lanes(double *restrict dist, const uint8_t *restrict v, size_t m) {
  for (size_t i = 0; i < m; i++) dist[i] = (double)(v[i] != V_PASS);
}

/* Value, threshold and gap NaN, distance 0 where the verdict passes and 1 elsewhere: the
 * columns of a test or an all/any node once its verdicts are written. */
static void fill_test_cols(tidu_cols *C, size_t o, size_t n) {
  if (C->verdicts_only) return;
  const uint8_t *v = C->verdict + o;
  double *dist = C->dist + o;
  size_t whole = n - n % BLOCK;
  for (size_t i = 0; i < whole; i += BLOCK) test_dist_lanes(dist + i, v + i, BLOCK);
  test_dist_lanes(dist + whole, v + whole, n - whole);
  if (C->nan_cap) return;
  fill_nan(C->value + o, n);
  fill_nan(C->thr + o, n);
  fill_nan(C->gap + o, n);
}

/* Order of verdicts for all (the lowest wins) and any (the highest wins): fail 0, unknown 1,
 * pass (and anything else) 2; without branches, since verdicts vary lane by lane. */
static inline uint8_t rank_of(uint8_t v) {
  uint8_t known = v != V_FAIL;
  return (uint8_t)(known + (known & (v != V_UNKNOWN)));
}

/* d, or 0 where `zero` is set, without a branch. */
static inline double zero_if(double d, int zero) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  bits &= (uint64_t)zero - 1;
  memcpy(&d, &bits, sizeof d);
  return d;
}

/* Folds one child into an any node's rank and distance (the highest rank, the least distance)
 * over m lanes. */
static inline void fold_any(uint8_t *restrict rank, double *restrict dist,
                            const uint8_t *restrict kv, const double *restrict kd, size_t m) {
  for (size_t i = 0; i < m; i++) {
    uint8_t r = rank_of(kv[i]);
    rank[i] = r > rank[i] ? r : rank[i];
    double d = kd[i];
    dist[i] = d < dist[i] ? d : dist[i];
  }
}

/* Folds one child into an all node's rank and distance (the lowest rank, the distances summed). */
static inline void fold_all(uint8_t *restrict rank, double *restrict dist,
                            const uint8_t *restrict kv, const double *restrict kd, size_t m) {
  for (size_t i = 0; i < m; i++) {
    uint8_t r = rank_of(kv[i]);
    rank[i] = r < rank[i] ? r : rank[i];
    dist[i] += kd[i];
  }
}

/* Verdicts from ranks (0 fail, 1 unknown, 2 pass); a passing node's distance is 0. */
static inline void settle_lanes(uint8_t *restrict out, double *restrict dist,
                                const uint8_t *restrict rank, size_t m) {
  for (size_t i = 0; i < m; i++) {
    uint8_t r = rank[i];
    out[i] = r == 2 ? V_PASS : r == 1 ? V_UNKNOWN : V_FAIL;
    dist[i] = zero_if(dist[i], r == 2);
  }
}

/* The lanes of ranks_only; inlined with a constant lane count where it can be, so that the
 * loops become vector code. */
static inline __attribute__((always_inline)) void
rank_lanes(uint8_t *restrict out, uint8_t *restrict rank, const uint8_t *verdict, size_t cap,
           const tidu_pcond *pc, size_t n, int any) {
  uint8_t start = any ? 0 : 2;
  for (size_t i = 0; i < n; i++) rank[i] = start;
  for (size_t k = 0; k < pc->nkids; k++) {
    const uint8_t *restrict kv = verdict + (size_t)pc->kids[k] * cap;
    if (any)
      for (size_t i = 0; i < n; i++) {
        uint8_t r = rank_of(kv[i]);
        rank[i] = r > rank[i] ? r : rank[i];
      }
    else
      for (size_t i = 0; i < n; i++) {
        uint8_t r = rank_of(kv[i]);
        rank[i] = r < rank[i] ? r : rank[i];
      }
  }
  /* rank 0, 1, 2 is the verdict fail, unknown, pass */
  for (size_t i = 0; i < n; i++) {
    uint8_t r = rank[i];
    out[i] = (uint8_t)((r == 2) * V_PASS + (r == 1) * V_UNKNOWN);
  }
}

/* all / any over the children by rank alone (no distances): the verdicts of op_all_any. */
static void ranks_only(uint8_t *restrict out, uint8_t *restrict rank, const uint8_t *verdict,
                       size_t cap, const tidu_pcond *pc, size_t n, int any) {
  if (n == TIDU_EVAL_TILE) {
    if (any)
      rank_lanes(out, rank, verdict, cap, pc, TIDU_EVAL_TILE, 1);
    else
      rank_lanes(out, rank, verdict, cap, pc, TIDU_EVAL_TILE, 0);
  } else {
    rank_lanes(out, rank, verdict, cap, pc, n, any);
  }
}

/* all / any over the children, child by child so each pass is a plain loop over lanes. */
static void op_all_any(tidu_cols *C, const tidu_pcond *pc, size_t o, size_t n, int any) {
  uint8_t *restrict out = C->verdict + o;
  double *restrict dist = C->dist + o;
  if (!pc->nkids) {
    for (size_t i = 0; i < n; i++) out[i] = any ? V_FAIL : V_PASS;
    fill_test_cols(C, o, n);
    return;
  }
  uint8_t rank[TIDU_EVAL_TILE];
  size_t whole = n - n % BLOCK;
  if (C->verdicts_only) {
    ranks_only(out, rank, C->verdict, C->cap, pc, n, any);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    rank[i] = any ? 0 : 2;
    dist[i] = any ? 1e300 : 0;
  }
  for (size_t k = 0; k < pc->nkids; k++) {
    size_t ko = (size_t)pc->kids[k] * C->cap;
    const uint8_t *kv = C->verdict + ko;
    const double *kd = C->dist + ko;
    if (any) {
      for (size_t i = 0; i < whole; i += BLOCK) fold_any(rank + i, dist + i, kv + i, kd + i, BLOCK);
      fold_any(rank + whole, dist + whole, kv + whole, kd + whole, n - whole);
    } else {
      for (size_t i = 0; i < whole; i += BLOCK) fold_all(rank + i, dist + i, kv + i, kd + i, BLOCK);
      fold_all(rank + whole, dist + whole, kv + whole, kd + whole, n - whole);
    }
  }
  for (size_t i = 0; i < whole; i += BLOCK) settle_lanes(out + i, dist + i, rank + i, BLOCK);
  settle_lanes(out + whole, dist + whole, rank + whole, n - whole);
  if (C->nan_cap) return;
  fill_nan(C->value + o, n);
  fill_nan(C->thr + o, n);
  fill_nan(C->gap + o, n);
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

/* op_item at one lane, for a table of more bands than op_item ranks in bytes. */
static void item_one(tidu_cols *C, const tidu_pitem *it, size_t idx, size_t i) {
  size_t o = idx * C->cap;
  int64_t l = INT64_MAX, h = INT64_MIN;
  int unknown = 0, decided = 0;
  for (size_t b = 0; b < it->nbands && !decided; b++) {
    int64_t p = it->bands[b].points;
    int cond = it->bands[b].cond;
    uint8_t v = cond < 0 ? (uint8_t)V_PASS : C->verdict[(size_t)cond * C->cap + i];
    if (v == V_FAIL) continue;
    l = p < l ? p : l;
    h = p > h ? p : h;
    decided = v == V_PASS;
    unknown |= v != V_PASS;
  }
  if (!decided) {
    if (0 < l) l = 0;
    if (0 > h) h = 0;
  }
  if (h > it->max) h = it->max;
  if (l > it->max) l = it->max;
  C->item_lo[o + i] = l;
  C->item_hi[o + i] = h;
  C->item_known[o + i] = !unknown;
}

/* The lanes of op_item; inlined with a constant lane count where it can be, so that the loops
 * become vector code. Points are followed as ranks (`rank[b]`, 1 .. the number of distinct
 * points, in the order of the points; `val[rank]` the points) so that every pass over the
 * lanes works on bytes: the lowest rank 255 and the highest 0 stand for none. */
static inline __attribute__((always_inline)) void item_lanes(tidu_cols *C, const tidu_pitem *it,
                                                             size_t idx, const uint8_t *rank,
                                                             const int64_t *val, size_t n) {
  size_t o = idx * C->cap;
  uint8_t lo[TIDU_EVAL_TILE], hi[TIDU_EVAL_TILE], unknown[TIDU_EVAL_TILE], decided[TIDU_EVAL_TILE];
  for (size_t i = 0; i < n; i++) {
    lo[i] = 255;
    hi[i] = 0;
    unknown[i] = 0;
    decided[i] = 0;
  }
  for (size_t b = 0; b < it->nbands; b++) {
    uint8_t r = rank[b];
    int cond = it->bands[b].cond;
    /* masks of 0x00 / 0xff per lane, so that every step is a byte operation */
    if (cond < 0) { /* else: passes */
      for (size_t i = 0; i < n; i++) {
        uint8_t act = (uint8_t)~decided[i];
        uint8_t l = lo[i], h = hi[i];
        uint8_t mn = r < l ? r : l, mx = r > h ? r : h;
        lo[i] = (uint8_t)((mn & act) | (l & ~act));
        hi[i] = (uint8_t)((mx & act) | (h & ~act));
        decided[i] = 0xff;
      }
      continue;
    }
    const uint8_t *restrict kv = C->verdict + (size_t)cond * C->cap;
    for (size_t i = 0; i < n; i++) {
      uint8_t v = kv[i];
      uint8_t known = (uint8_t) - (uint8_t)(v != V_FAIL), pass = (uint8_t) - (uint8_t)(v == V_PASS);
      uint8_t act = (uint8_t)(~decided[i] & known);
      uint8_t l = lo[i], h = hi[i];
      uint8_t mn = r < l ? r : l, mx = r > h ? r : h;
      lo[i] = (uint8_t)((mn & act) | (l & ~act));
      hi[i] = (uint8_t)((mx & act) | (h & ~act));
      decided[i] |= (uint8_t)(act & pass);
      unknown[i] |= (uint8_t)(act & ~pass);
    }
  }
  for (size_t i = 0; i < n; i++) {
    int64_t l = lo[i] == 255 ? INT64_MAX : val[lo[i]], h = hi[i] == 0 ? INT64_MIN : val[hi[i]];
    if (!decided[i]) {
      if (0 < l) l = 0;
      if (0 > h) h = 0;
    }
    if (h > it->max) h = it->max;
    if (l > it->max) l = it->max;
    C->item_lo[o + i] = l;
    C->item_hi[o + i] = h;
    C->item_known[o + i] = !unknown[i];
  }
}

/* Points of a banded item: the first band that passes decides; bands that are unknown before
 * it widen the range. Band by band, each pass a plain loop over lanes. */
static void op_item(tidu_cols *C, const tidu_pitem *it, size_t idx, size_t n) {
  uint8_t rank[253];
  int64_t val[255];
  size_t nval = 0;
  if (it->nbands > 253) { /* more bands than byte ranks: one lane at a time, in full */
    for (size_t i = 0; i < n; i++) item_one(C, it, idx, i);
    return;
  }
  /* the distinct points in increasing order, val[1 .. nval] */
  for (size_t b = 0; b < it->nbands; b++) {
    int64_t p = it->bands[b].points;
    size_t k = 1;
    while (k <= nval && val[k] < p) k++;
    if (k <= nval && val[k] == p) continue;
    memmove(val + k + 1, val + k, (nval + 1 - k) * sizeof *val);
    val[k] = p;
    nval++;
  }
  for (size_t b = 0; b < it->nbands; b++) {
    uint8_t k = 1;
    while (val[k] != it->bands[b].points) k++;
    rank[b] = k;
  }
  if (n == TIDU_EVAL_TILE)
    item_lanes(C, it, idx, rank, val, TIDU_EVAL_TILE);
  else
    item_lanes(C, it, idx, rank, val, n);
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

/* Group and total points, column by column: each group sums its items (capped at its
 * maximum), the total sums the groups and the items outside any group. */
static void op_total(tidu_cols *C, const tidu_prog *p, size_t n) {
  int64_t *restrict lo = C->score_lo, *restrict hi = C->score_hi;
  for (size_t i = 0; i < n; i++) lo[i] = hi[i] = 0;
  for (size_t g = 0; g < p->ngroups; g++) {
    int64_t *restrict glo = C->grp_lo + g * C->cap, *restrict ghi = C->grp_hi + g * C->cap;
    int64_t max = p->groups[g].max;
    for (size_t i = 0; i < n; i++) glo[i] = ghi[i] = 0;
    for (size_t k = 0; k < p->nitems; k++) {
      if (p->items[k].group != (int)g) continue;
      const int64_t *restrict ilo = C->item_lo + k * C->cap, *restrict ihi =
                                                                 C->item_hi + k * C->cap;
      for (size_t i = 0; i < n; i++) {
        glo[i] += ilo[i];
        ghi[i] += ihi[i];
      }
    }
    for (size_t i = 0; i < n; i++) {
      glo[i] = glo[i] > max ? max : glo[i];
      ghi[i] = ghi[i] > max ? max : ghi[i];
      lo[i] += glo[i];
      hi[i] += ghi[i];
    }
  }
  for (size_t k = 0; k < p->nitems; k++) {
    if (p->items[k].group >= 0) continue;
    const int64_t *restrict ilo = C->item_lo + k * C->cap, *restrict ihi = C->item_hi + k * C->cap;
    for (size_t i = 0; i < n; i++) {
      lo[i] += ilo[i];
      hi[i] += ihi[i];
    }
  }
}

/* ---- the integer form -----------------------------------------------------------------
 * Most registers of a tile are integers over one denominator per register (money in 分,
 * ratios ×10^8, counts, points ×10^6). They run as int64 with overflow checks; an instruction
 * whose operands are not all in that form, or whose result overflows, brings its operands to
 * the general form and runs the exact rational path instead. Each integer instruction gives
 * the same numerator and denominator the general path gives, so every result is the same. */

#define NA64 INT64_MIN /* unknown in the integer and fraction forms */

enum { F_GENERAL = 0, F_INT = 1, F_FRAC = 2 }; /* tidu_regs.fast */

/* Brings register r to the general form for this tile. */
static void to_general(tidu_regs *R, int r, size_t n) {
  if (R->fast[r] == F_GENERAL) return;
  slot s = reg(R, r);
  const int64_t *v = R->vp[r];
  if (R->fast[r] == F_FRAC) {
    const int64_t *d = R->dbuf[r];
    for (size_t i = 0; i < n; i++) {
      s.num[i] = v[i];
      s.den[i] = d[i];
      s.st[i] = v[i] != NA64;
    }
  } else {
    i128 d = R->fden[r];
    for (size_t i = 0; i < n; i++) {
      s.num[i] = v[i];
      s.den[i] = d;
      s.st[i] = v[i] != NA64;
    }
  }
  R->fast[r] = F_GENERAL;
}

/* Register r in the general form, as a slot: what a condition reads on the slow path. */
static slot general_slot(tidu_regs *R, int r, size_t n) {
  to_general(R, r, n);
  return reg(R, r);
}

/* The prologue of every general-form instruction r[a] = f(r[b], r[c]): its operands brought
 * to the general form (c < 0: none), their slots, and r[a] marked general (written below). */
static void general_operands(tidu_regs *R, int a, int b, int c, size_t n, slot *ra, slot *rb,
                             slot *rc) {
  to_general(R, b, n);
  if (c >= 0) to_general(R, c, n);
  *ra = reg(R, a);
  *rb = reg(R, b);
  if (rc) *rc = reg(R, c >= 0 ? c : b);
  R->fast[a] = F_GENERAL;
}

/* Takes the spare buffer, just written, as register r's integers over `den`. */
static void take_spare(tidu_regs *R, int r, int64_t den) {
  int64_t *t = R->buf[r];
  R->buf[r] = R->spare;
  R->spare = t;
  R->vp[r] = R->buf[r];
  R->fden[r] = den;
  R->fast[r] = F_INT;
}

/* Takes the spare numerators and denominators, just written, as register r's fraction form. */
static void take_spare_frac(tidu_regs *R, int r) {
  int64_t *t = R->buf[r];
  R->buf[r] = R->spare;
  R->spare = t;
  t = R->dbuf[r];
  R->dbuf[r] = R->dspare;
  R->dspare = t;
  R->vp[r] = R->buf[r];
  R->fast[r] = F_FRAC;
}

static int both_fast(const tidu_regs *R, int a, int b) {
  return R->fast[a] == F_INT && R->fast[b] == F_INT;
}

/* r = a + b or a - b over one denominator; 0 (nothing written) when it does not apply. */
static int fast_add(tidu_regs *R, int r, int a, int b, size_t n, int sub) {
  if (!both_fast(R, a, b) || R->fden[a] != R->fden[b]) return 0;
  const int64_t *restrict x = R->vp[a], *restrict y = R->vp[b];
  int64_t *restrict out = R->spare;
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    int64_t u = x[i], w = y[i], s;
    int o = sub ? __builtin_sub_overflow(u, w, &s) : __builtin_add_overflow(u, w, &s);
    int na = (u == NA64) | (w == NA64);
    bad |= (!na) & (o | (s == NA64));
    out[i] = na ? NA64 : s;
  }
  if (bad) return 0;
  take_spare(R, r, R->fden[a]);
  return 1;
}

static int fast_mul(tidu_regs *R, int r, int a, int b, size_t n) {
  int64_t den;
  if (!both_fast(R, a, b) || __builtin_mul_overflow(R->fden[a], R->fden[b], &den)) return 0;
  const int64_t *restrict x = R->vp[a], *restrict y = R->vp[b];
  int64_t *restrict out = R->spare;
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    int64_t u = x[i], w = y[i], s;
    int o = __builtin_mul_overflow(u, w, &s);
    int na = (u == NA64) | (w == NA64);
    bad |= (!na) & (o | (s == NA64));
    out[i] = na ? NA64 : s;
  }
  if (bad) return 0;
  take_spare(R, r, den);
  return 1;
}

/* min / max over one denominator; known_only: of the known operands (unknown only when both
 * are), as op_minmax. */
static int fast_minmax(tidu_regs *R, int r, int a, int b, size_t n, int want_max, int known_only) {
  if (!both_fast(R, a, b) || R->fden[a] != R->fden[b]) return 0;
  const int64_t *restrict x = R->vp[a], *restrict y = R->vp[b];
  int64_t *restrict out = R->spare;
  if (known_only)
    for (size_t i = 0; i < n; i++) {
      int64_t u = x[i], w = y[i];
      int64_t m = want_max ? (u >= w ? u : w) : (u <= w ? u : w);
      out[i] = u == NA64 ? w : w == NA64 ? u : m;
    }
  else
    for (size_t i = 0; i < n; i++) {
      int64_t u = x[i], w = y[i];
      int64_t m = want_max ? (u >= w ? u : w) : (u <= w ? u : w);
      out[i] = (u == NA64) | (w == NA64) ? NA64 : m;
    }
  take_spare(R, r, R->fden[a]);
  return 1;
}

/* r = a where known, else b: op FIRST's numbers. Two integer registers over one denominator
 * give the integer form; any other pair of integer or fraction registers the fraction form
 * (each lane keeps its operand's numerator and denominator, as the general form does). */
static int fast_first(tidu_regs *R, int r, int a, int b, size_t n) {
  uint8_t fa = R->fast[a], fb = R->fast[b];
  if (fa == F_GENERAL || fb == F_GENERAL) return 0;
  const int64_t *restrict x = R->vp[a], *restrict y = R->vp[b];
  int64_t *restrict out = R->spare;
  if (fa == F_INT && fb == F_INT && R->fden[a] == R->fden[b]) {
    for (size_t i = 0; i < n; i++) out[i] = x[i] != NA64 ? x[i] : y[i];
    take_spare(R, r, R->fden[a]);
    return 1;
  }
  int64_t *restrict od = R->dspare;
  const int64_t *xd = fa == F_FRAC ? R->dbuf[a] : NULL, *yd = fb == F_FRAC ? R->dbuf[b] : NULL;
  int64_t xd1 = R->fden[a], yd1 = R->fden[b];
  for (size_t i = 0; i < n; i++) {
    int known = x[i] != NA64;
    out[i] = known ? x[i] : y[i];
    od[i] = known ? (xd ? xd[i] : xd1) : (yd ? yd[i] : yd1);
  }
  take_spare_frac(R, r);
  return 1;
}

static int fast_neg(tidu_regs *R, int r, int a, size_t n) {
  if (R->fast[a] != F_INT) return 0;
  const int64_t *restrict x = R->vp[a];
  int64_t *restrict out = R->spare;
  for (size_t i = 0; i < n; i++) out[i] = x[i] == NA64 ? NA64 : -x[i];
  take_spare(R, r, R->fden[a]);
  return 1;
}

static int fast_floor(tidu_regs *R, int r, int a, size_t n) {
  if (R->fast[a] != F_INT) return 0;
  const int64_t *restrict x = R->vp[a];
  int64_t *restrict out = R->spare;
  int64_t d = R->fden[a];
  for (size_t i = 0; i < n; i++) {
    int64_t u = x[i], q = u / d;
    if (u % d != 0 && u < 0) q--;
    out[i] = u == NA64 ? NA64 : q;
  }
  take_spare(R, r, 1);
  return 1;
}

/* Lane i of an integer or fraction register: numerator and denominator; 0 when unknown. */
static inline int frac_at(const tidu_regs *R, int r, size_t i, i128 *num, i128 *den) {
  int64_t v = R->vp[r][i];
  if (v == NA64) return 0;
  *num = v;
  *den = R->fast[r] == F_FRAC ? R->dbuf[r][i] : R->fden[r];
  return 1;
}

/* r = a + b, a - b, a * b, a / b or a / b - 1 (op) for integer or fraction operands, when
 * every result's numerator and denominator fit 64 bits: the fraction form, computed lane by
 * lane exactly as the general path computes it (op_add, op_mul, op_div, with 64-bit operands
 * none of their products overflows). 0 (nothing taken) when some result does not fit. */
static int frac_arith(tidu_regs *R, int r, int a, int b, size_t n, tidu_opcode op) {
  if (R->fast[a] == F_GENERAL || R->fast[b] == F_GENERAL) return 0;
  int64_t *restrict on = R->spare, *restrict od = R->dspare;
  for (size_t i = 0; i < n; i++) {
    i128 an, ad, bn, bd, nn, dd;
    if (!frac_at(R, a, i, &an, &ad) || !frac_at(R, b, i, &bn, &bd)) {
      on[i] = NA64;
      od[i] = 1;
      continue;
    }
    switch (op) {
    case OP_ADD:
    case OP_SUB:
      if (op == OP_SUB) bn = -bn;
      if (ad == bd) {
        nn = an + bn;
        dd = ad;
      } else {
        nn = an * bd + bn * ad;
        dd = ad * bd;
        tidy(&nn, &dd);
      }
      break;
    case OP_MUL:
      nn = an * bn;
      dd = ad * bd;
      tidy(&nn, &dd);
      break;
    default: /* OP_DIV, OP_GROWTH */
      if (bn == 0 || (op == OP_GROWTH && bn < 0)) {
        on[i] = NA64;
        od[i] = 1;
        continue;
      }
      nn = an * bd;
      dd = ad * bn;
      if (dd < 0) {
        nn = -nn;
        dd = -dd;
      }
      if (op == OP_GROWTH) nn -= dd;
      tidy(&nn, &dd);
      break;
    }
    if (!fits64(nn) || !fits64(dd) || nn == NA64) return 0;
    on[i] = (int64_t)nn;
    od[i] = (int64_t)dd;
  }
  take_spare_frac(R, r);
  return 1;
}

/* r = a / b (or a / b - 1 for growth) from two integer registers: 64-bit operands cannot
 * overflow the 128-bit products. When every quotient's numerator and denominator fit in 64
 * bits the result is in the fraction form (the same numbers: the general path reduces only
 * beyond 2^100), else in the general form. */
static int fast_div(tidu_regs *R, int r, int a, int b, size_t n, int growth) {
  if (!both_fast(R, a, b)) return 0;
  const int64_t *x = R->vp[a], *y = R->vp[b];
  i128 da = R->fden[a], db = R->fden[b];
  int64_t *restrict on = R->spare, *restrict od = R->dspare;
  int64_t da64 = R->fden[a], db64 = R->fden[b];
  int fit = 1;
  /* in 64 bits with overflow checks: a lane whose steps overflow (even where the 128-bit
   * result would fit) sends the tile to the general form below, which holds the same numbers */
  for (size_t i = 0; i < n; i++) {
    int64_t u = x[i], w = y[i];
    if (u == NA64 || w == NA64 || w == 0 || (growth && w < 0)) {
      on[i] = NA64;
      od[i] = 1;
      continue;
    }
    int64_t nn, dd;
    int o = __builtin_mul_overflow(u, db64, &nn) | __builtin_mul_overflow(da64, w, &dd);
    if (dd < 0)
      o |=
          __builtin_sub_overflow((int64_t)0, nn, &nn) | __builtin_sub_overflow((int64_t)0, dd, &dd);
    if (growth) o |= __builtin_sub_overflow(nn, dd, &nn);
    fit &= !o & (nn != NA64);
    on[i] = nn;
    od[i] = dd;
  }
  if (fit) {
    take_spare_frac(R, r);
    return 1;
  }
  /* with both denominators below 2^36 the results stay below 2^100: tidy has nothing to do */
  int small = da < ((i128)1 << 36) && db < ((i128)1 << 36);
  slot s = reg(R, r);
  for (size_t i = 0; i < n; i++) {
    int64_t u = x[i], w = y[i];
    if (u == NA64 || w == NA64 || w == 0 || (growth && w < 0)) {
      s.st[i] = ST_UNKNOWN;
      continue;
    }
    i128 nn = (i128)u * db, dd = da * (i128)w;
    if (dd < 0) {
      nn = -nn;
      dd = -dd;
    }
    if (growth) nn -= dd;
    if (!small) tidy(&nn, &dd);
    s.num[i] = nn;
    s.den[i] = dd;
    s.st[i] = ST_EXACT;
  }
  R->fast[r] = 0;
  return 1;
}

/* verdict_of as a table: [op][cmp + 1] */
static const uint8_t PASS_TAB[6][3] = {{0, 1, 1}, {0, 0, 1}, {1, 1, 0},
                                       {1, 0, 0}, {0, 1, 0}, {1, 0, 1}};

static inline int pass_of(int c, int op) {
  return op >= 0 && op < 6 ? PASS_TAB[op][c + 1] : verdict_of(c, op);
}

/* The lanes of fast_cmpk. `unit`: the constant's denominator is 1 and tn * D fits in 64 bits,
 * so the comparison is one of two int64 (the same sign as the 128-bit cross product). */
static inline __attribute__((always_inline)) void cmpk_lanes(tidu_cols *C, size_t o,
                                                             const int64_t *restrict v, int64_t D,
                                                             int64_t td64, i128 K, double tv,
                                                             int op, size_t n, int unit) {
  double inv_t = tv == 0 ? 0 : 1 / fabs(tv);
  double dD = (double)D;
  i128 dd = (i128)D * td64;
  int64_t K64 = (int64_t)K;
  int up = op == CMP_GE || op == CMP_GT, eq = op == CMP_EQ || op == CMP_NE;
  uint8_t pass_tab[3];
  for (int c = -1; c <= 1; c++) pass_tab[c + 1] = (uint8_t)pass_of(c, op);
  uint8_t *restrict verdict = C->verdict + o;
  double *restrict value = C->value + o, *restrict thr = C->thr + o, *restrict gap = C->gap + o,
                   *restrict dist = C->dist + o;
  for (size_t i = 0; i < n; i++) {
    int64_t u = v[i];
    thr[i] = tv;
    if (u == NA64) {
      verdict[i] = V_UNKNOWN;
      value[i] = NAN;
      gap[i] = NAN;
      dist[i] = 1;
      continue;
    }
    i128 A = unit ? (i128)u : (i128)u * td64;
    int c = unit ? (u > K64) - (u < K64) : (A > K) - (A < K);
    int pass = pass_tab[c + 1];
    verdict[i] = pass ? V_PASS : V_FAIL;
    value[i] = u < (1LL << 53) && u > -(1LL << 53) ? (double)u / dD : q64(u, D);
    if (eq) {
      gap[i] = NAN;
      dist[i] = pass ? 0 : 1;
    } else if (pass) {
      gap[i] = 0;
      dist[i] = 0;
    } else {
      /* to_double(diff, dd), with the 64-bit case of the unit path taken directly */
      int64_t d64;
      double g = unit && !__builtin_sub_overflow(up ? K64 : u, up ? u : K64, &d64)
                     ? q64(d64, D)
                     : to_double(up ? K - A : A - K, dd);
      gap[i] = g;
      double d = tv == 0 ? 1 : g * inv_t;
      dist[i] = d > 1 ? 1 : d;
    }
  }
}

/* u CMP(op) K as 0 / 1, for a constant op. */
static inline __attribute__((always_inline)) int cmp_pass64(int64_t u, int64_t K, int op) {
  switch (op) {
  case CMP_GE:
    return u >= K;
  case CMP_GT:
    return u > K;
  case CMP_LE:
    return u <= K;
  case CMP_LT:
    return u < K;
  case CMP_EQ:
    return u == K;
  default:
    return u != K;
  }
}

/* The unit lanes of cmpk_verdicts for one operator and a lane count known where it can be. */
static inline __attribute__((always_inline)) void
unit_verdicts(uint8_t *restrict verdict, const int64_t *restrict v, int64_t K, int op, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t u = v[i];
    uint8_t pass = (uint8_t)cmp_pass64(u, K, op);
    verdict[i] = u == NA64 ? (uint8_t)V_UNKNOWN : pass;
  }
}

#define UNIT_VERDICTS(OP)                                                                          \
  case OP:                                                                                         \
    if (n == TIDU_EVAL_TILE)                                                                       \
      unit_verdicts(verdict, v, K64, OP, TIDU_EVAL_TILE);                                          \
    else                                                                                           \
      unit_verdicts(verdict, v, K64, OP, n);                                                       \
    return;

/* The verdicts alone of cmpk_lanes: u * td CMP K, unknown where u is (V_PASS is 1, V_FAIL 0). */
static void cmpk_verdicts(uint8_t *restrict verdict, const int64_t *restrict v, int64_t td64,
                          i128 K, int op, size_t n, int unit) {
  if (unit) {
    int64_t K64 = (int64_t)K;
    switch (op) {
      UNIT_VERDICTS(CMP_GE)
      UNIT_VERDICTS(CMP_GT)
      UNIT_VERDICTS(CMP_LE)
      UNIT_VERDICTS(CMP_LT)
      UNIT_VERDICTS(CMP_EQ)
      UNIT_VERDICTS(CMP_NE)
    default:
      break;
    }
  }
  uint8_t tab[3];
  for (int c = -1; c <= 1; c++) tab[c + 1] = pass_of(c, op) ? V_PASS : V_FAIL;
  for (size_t i = 0; i < n; i++) {
    int64_t u = v[i];
    i128 A = (i128)u * td64;
    uint8_t r = tab[(A > K) - (A < K) + 1];
    verdict[i] = u == NA64 ? (uint8_t)V_UNKNOWN : r;
  }
}

#undef UNIT_VERDICTS

/* Comparison of an integer register with a constant tn/td: the same numbers as op_cmpk's
 * 64-bit path, with the constant's side computed once. */
static int fast_cmpk(tidu_cols *C, size_t o, const tidu_regs *R, int x, i128 tn, i128 td, int op,
                     size_t n) {
  if (R->fast[x] != F_INT || !fits64(tn) || !fits64(td)) return 0;
  int64_t D = R->fden[x], td64 = (int64_t)td;
  i128 K = (i128)(int64_t)tn * D;
  if (C->verdicts_only) {
    cmpk_verdicts(C->verdict + o, R->vp[x], td64, K, op, n, td64 == 1 && fits64(K));
    return 1;
  }
  double tv = to_double(tn, td);
  if (td64 == 1 && fits64(K))
    cmpk_lanes(C, o, R->vp[x], D, td64, K, tv, op, n, 1);
  else
    cmpk_lanes(C, o, R->vp[x], D, td64, K, tv, op, n, 0);
  return 1;
}

/* a CMP(op) b as 0 / 1, for a constant op. */
static inline __attribute__((always_inline)) int cmp_pass128(i128 a, i128 b, int op) {
  switch (op) {
  case CMP_GE:
    return a >= b;
  case CMP_GT:
    return a > b;
  case CMP_LE:
    return a <= b;
  case CMP_LT:
    return a < b;
  case CMP_EQ:
    return a == b;
  default:
    return a != b;
  }
}

/* The verdicts of frac_cmpk for one operator: xn/xd CMP tn/td by the cross products. */
static inline __attribute__((always_inline)) void
frac_verdict_lanes(uint8_t *restrict verdict, const int64_t *restrict xn,
                   const int64_t *restrict xd, int64_t tn, int64_t td, int op, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t u = xn[i];
    uint8_t pass = (uint8_t)cmp_pass128((i128)u * td, (i128)tn * xd[i], op);
    verdict[i] = u == NA64 ? (uint8_t)V_UNKNOWN : pass;
  }
}

#define FRAC_VERDICTS(OP)                                                                          \
  case OP:                                                                                         \
    frac_verdict_lanes(verdict, xn, xd, tn, td, OP, n);                                            \
    return;

static void frac_verdicts(uint8_t *restrict verdict, const int64_t *restrict xn,
                          const int64_t *restrict xd, int64_t tn, int64_t td, int op, size_t n) {
  switch (op) {
    FRAC_VERDICTS(CMP_GE)
    FRAC_VERDICTS(CMP_GT)
    FRAC_VERDICTS(CMP_LE)
    FRAC_VERDICTS(CMP_LT)
    FRAC_VERDICTS(CMP_EQ)
  default:
    frac_verdict_lanes(verdict, xn, xd, tn, td, CMP_NE, n);
    return;
  }
}

#undef FRAC_VERDICTS

/* Comparison of a register in the fraction form with a constant tn/td: the numbers of
 * op_cmpk's 64-bit path (every known lane of the fraction form is exact and fits 64 bits). */
static int frac_cmpk(tidu_cols *C, size_t o, const tidu_regs *R, int x, i128 tn, i128 td, int op,
                     size_t n) {
  if (R->fast[x] != F_FRAC || !fits64(tn) || !fits64(td)) return 0;
  const int64_t *restrict xn = R->vp[x], *restrict xd = R->dbuf[x];
  int64_t tn64 = (int64_t)tn, td64 = (int64_t)td;
  double tv = to_double(tn, td);
  double inv_t = tv == 0 ? 0 : 1 / fabs(tv);
  uint8_t pass_tab[3];
  for (int k = -1; k <= 1; k++) pass_tab[k + 1] = (uint8_t)verdict_of(k, op);
  int up = op == CMP_GE || op == CMP_GT, eq = op == CMP_EQ || op == CMP_NE;
  uint8_t *restrict verdict = C->verdict + o;
  if (C->verdicts_only) {
    frac_verdicts(verdict, xn, xd, tn64, td64, op, n);
    return 1;
  }
  double *restrict value = C->value + o, *restrict thr = C->thr + o, *restrict gap = C->gap + o,
                   *restrict dist = C->dist + o;
  for (size_t i = 0; i < n; i++) {
    int64_t u = xn[i], d64 = xd[i];
    thr[i] = tv;
    if (u == NA64) {
      verdict[i] = V_UNKNOWN;
      value[i] = NAN;
      gap[i] = NAN;
      dist[i] = 1;
      continue;
    }
    i128 a = (i128)u * td64, b = (i128)tn64 * d64;
    int c = a < b ? -1 : a > b;
    int pass = pass_tab[c + 1];
    verdict[i] = pass ? V_PASS : V_FAIL;
    value[i] = u < (1LL << 53) && u > -(1LL << 53) ? (double)u / (double)d64 : to_double(u, d64);
    if (eq) {
      gap[i] = NAN;
      dist[i] = pass ? 0 : 1;
    } else if (pass) {
      gap[i] = 0;
      dist[i] = 0;
    } else {
      double g = to_double(up ? b - a : a - b, (i128)d64 * td64);
      gap[i] = g;
      double dd = tv == 0 ? 1 : g * inv_t;
      dist[i] = dd > 1 ? 1 : dd;
    }
  }
  return 1;
}

/* Comparison of two integer registers over one denominator: the same numbers as op_cmp. */
static int fast_cmp(tidu_cols *C, size_t o, const tidu_regs *R, int x, int t, int op, size_t n) {
  if (!both_fast(R, x, t) || R->fden[x] != R->fden[t]) return 0;
  const int64_t *restrict xv = R->vp[x], *restrict tv = R->vp[t];
  int64_t D = R->fden[x];
  int x_minus_t = op == CMP_LE || op == CMP_LT, eq = op == CMP_EQ || op == CMP_NE;
  if (C->verdicts_only) {
    uint8_t tab[3];
    for (int c = -1; c <= 1; c++) tab[c + 1] = pass_of(c, op) ? V_PASS : V_FAIL;
    uint8_t *restrict verdict = C->verdict + o;
    for (size_t i = 0; i < n; i++) {
      int64_t u = xv[i], w = tv[i];
      uint8_t r = tab[(u > w) - (u < w) + 1];
      verdict[i] = u == NA64 || w == NA64 ? (uint8_t)V_UNKNOWN : r;
    }
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    int64_t u = xv[i], w = tv[i];
    if (u == NA64 || w == NA64) {
      mark_unknown(C, o, i);
      C->thr[o + i] = w != NA64 ? q64(w, D) : NAN;
      continue;
    }
    int c = u < w ? -1 : u > w;
    int pass = pass_of(c, op);
    double tw = q64(w, D);
    C->verdict[o + i] = pass ? V_PASS : V_FAIL;
    C->value[o + i] = q64(u, D);
    C->thr[o + i] = tw;
    if (eq) {
      C->gap[o + i] = NAN;
      C->dist[o + i] = pass ? 0 : 1;
    } else if (pass) {
      C->gap[o + i] = 0;
      C->dist[o + i] = 0;
    } else {
      i128 diffn = x_minus_t ? (i128)u - w : (i128)w - u;
      double g = to_double(diffn, D);
      C->gap[o + i] = g;
      double d = tw == 0 ? 1 : g / fabs(tw);
      C->dist[o + i] = d > 1 ? 1 : d;
    }
  }
  return 1;
}

static int fast_truth(tidu_cols *C, size_t o, const tidu_regs *R, int a, size_t n) {
  if (R->fast[a] != F_INT) return 0;
  const int64_t *restrict x = R->vp[a];
  uint8_t *restrict verdict = C->verdict + o;
  for (size_t i = 0; i < n; i++)
    verdict[i] = x[i] == NA64 ? V_UNKNOWN : x[i] != 0 ? V_PASS : V_FAIL;
  fill_test_cols(C, o, n);
  return 1;
}

static int fast_itemf(tidu_cols *C, const tidu_pitem *it, size_t idx, const tidu_regs *R, int a,
                      size_t n) {
  if (R->fast[a] != F_INT) return 0;
  const int64_t *restrict x = R->vp[a];
  i128 d = R->fden[a];
  size_t o = idx * C->cap;
  for (size_t i = 0; i < n; i++) {
    if (x[i] == NA64) {
      C->item_lo[o + i] = 0;
      C->item_hi[o + i] = it->max;
      C->item_known[o + i] = 0;
      continue;
    }
    i128 q = floordiv((i128)x[i] * 1000000, d);
    int64_t p = q < 0 ? 0 : q > it->max ? it->max : (int64_t)q;
    C->item_lo[o + i] = p;
    C->item_hi[o + i] = p;
    C->item_known[o + i] = 1;
  }
  return 1;
}

/* A constant into register r: the integer form when it is one. */
static void load_const(tidu_regs *R, int r, i128 cn, i128 cd, size_t n) {
  if (fits64(cn) && (int64_t)cn != NA64 && fits64(cd) && cd > 0) {
    int64_t *restrict out = R->spare;
    for (size_t i = 0; i < n; i++) out[i] = (int64_t)cn;
    take_spare(R, r, (int64_t)cd);
    return;
  }
  slot s = reg(R, r);
  for (size_t i = 0; i < n; i++) {
    s.num[i] = cn;
    s.den[i] = cd;
    s.st[i] = ST_EXACT;
  }
  R->fast[r] = 0;
}

/* Points (×10^6) into register r. */
static void load_points(tidu_regs *R, int r, const int64_t *src, size_t n) {
  int64_t *restrict out = R->spare;
  int na = 0;
  for (size_t i = 0; i < n; i++) {
    out[i] = src[i];
    na |= src[i] == NA64;
  }
  if (!na) {
    take_spare(R, r, 1000000);
    return;
  }
  slot s = reg(R, r);
  for (size_t i = 0; i < n; i++) {
    s.num[i] = src[i];
    s.den[i] = 1000000;
    s.st[i] = ST_EXACT;
  }
  R->fast[r] = 0;
}

/* Calendar dates of a tile's date column, remembered with the day numbers they came from:
 * each rule set of a chunk reads the same founding dates, and converting day numbers to
 * dates is the costly part of years and months since a date. An entry is used only when its
 * day numbers equal the column's, so a reused buffer holding other firms is never mistaken. */
#define DATE_MEMO 32

typedef struct date_entry {
  const int64_t *col;
  size_t n;
  int64_t days[TIDU_EVAL_TILE];
  int32_t y[TIDU_EVAL_TILE];
  uint8_t m[TIDU_EVAL_TILE], d[TIDU_EVAL_TILE];
} date_entry;

struct tidu_date_memo {
  date_entry e[DATE_MEMO];
  size_t next;
};

/* Year, month and day of each lane of col (0 where missing): from the memo when it holds
 * these day numbers, else converted and remembered. NULL when there is no memory for it. */
static const date_entry *tile_dates(tidu_regs *R, const int64_t *col, size_t n) {
  if (n > TIDU_EVAL_TILE) return NULL;
  if (!R->dates && !(R->dates = tidu_calloc(1, sizeof *R->dates))) return NULL;
  struct tidu_date_memo *M = R->dates;
  for (size_t k = 0; k < DATE_MEMO; k++) {
    date_entry *e = &M->e[k];
    if (e->col == col && e->n == n && memcmp(e->days, col, n * sizeof *col) == 0) return e;
  }
  date_entry *e = &M->e[M->next];
  M->next = (M->next + 1) % DATE_MEMO;
  e->col = col;
  e->n = n;
  memcpy(e->days, col, n * sizeof *col);
  for (size_t i = 0; i < n; i++) {
    int y = 0, m = 0, d = 0;
    if (col[i] != TIDU_MISSING) tidu_civil_from_days(col[i], &y, &m, &d);
    e->y[i] = y;
    e->m[i] = (uint8_t)m;
    e->d[i] = (uint8_t)d;
  }
  return e;
}

/* Whole years or months since a date field into register r (integers, unknown when missing). */
static void load_dates(tidu_regs *R, int r, const tidu_chunk *ch, int field, int months, int fiscal,
                       int64_t as_of, size_t n) {
  const int64_t *col = ch->firm[field];
  int64_t *restrict out = R->spare;
  int ay, am, ad;
  tidu_civil_from_days(as_of, &ay, &am, &ad);
  const date_entry *memo = tile_dates(R, col, n);
  for (size_t i = 0; i < n; i++) {
    if (col[i] == TIDU_MISSING) {
      out[i] = NA64;
      continue;
    }
    int y, m, d;
    if (memo) {
      y = memo->y[i];
      m = memo->m[i];
      d = memo->d[i];
    } else {
      tidu_civil_from_days(col[i], &y, &m, &d);
    }
    long v;
    if (months) {
      v = (long)(ay - y) * 12 + (am - m) - (ad < d ? 1 : 0);
    } else {
      /* whole years from the date to Dec 31 of year [0] */
      int ey = ch->base[i];
      v = ey - y;
      /* complete fiscal years through year [0]: a firm founded on 1 January has that year too */
      if (fiscal && m == 1 && d == 1) v++;
    }
    out[i] = v;
  }
  take_spare(R, r, 1);
}

/* Verdicts of "text field starts with one of the strings": pass on a match, unknown when the
 * text is missing or too coarse to decide ("F" against "F51": it may or may not be F51…),
 * fail otherwise. A text whose first byte starts none of the strings fails at once. */
static void op_starts(uint8_t *verdict, const char **col, const tidu_strset *ss, size_t n) {
  size_t lens[64];
  size_t np = ss->n < 64 ? ss->n : 64;
  uint64_t first[4] = {0, 0, 0, 0};
  int empty = 0;
  for (size_t k = 0; k < ss->n; k++) {
    if (k < np) lens[k] = strlen(ss->s[k]);
    unsigned char c = (unsigned char)ss->s[k][0];
    empty |= c == 0;
    first[c >> 6] |= (uint64_t)1 << (c & 63);
  }
  for (size_t i = 0; i < n; i++) {
    const char *s = col ? col[i] : NULL;
    if (!s || !*s) {
      verdict[i] = V_UNKNOWN;
      continue;
    }
    unsigned char c0 = (unsigned char)s[0];
    if (!empty && !((first[c0 >> 6] >> (c0 & 63)) & 1)) {
      verdict[i] = V_FAIL;
      continue;
    }
    int hit = 0;
    for (size_t k = 0; k < ss->n && !hit; k++)
      hit = k < np ? lens[k] == 0 || (s[0] == ss->s[k][0] && strncmp(s, ss->s[k], lens[k]) == 0)
                   : strncmp(s, ss->s[k], strlen(ss->s[k])) == 0;
    int coarse = 0;
    if (!hit) {
      size_t sl = strlen(s);
      for (size_t k = 0; k < ss->n && !coarse; k++)
        coarse = sl < (k < np ? lens[k] : strlen(ss->s[k])) && strncmp(s, ss->s[k], sl) == 0;
    }
    verdict[i] = hit ? V_PASS : coarse ? V_UNKNOWN : V_FAIL;
  }
}

/* The verdicts of op_cmpcagr from three integer registers (verdicts-only runs): the same
 * exact test lane by lane, the power of the rate computed once for a run of equal rates, and
 * the approximate rate where the exact test cannot decide, as op_cmpcagr. 0 when the operands
 * are not all in the integer form. */
static int fast_cmpcagr(tidu_cols *C, size_t o, const tidu_regs *R, int rx0, int rxl, int rt,
                        int op, long years, size_t n) {
  if (!C->verdicts_only || R->fast[rx0] != F_INT || R->fast[rxl] != F_INT || R->fast[rt] != F_INT)
    return 0;
  const int64_t *x0 = R->vp[rx0], *xl = R->vp[rxl], *t = R->vp[rt];
  int64_t d0 = R->fden[rx0], dl = R->fden[rxl], dt = R->fden[rt];
  uint8_t *restrict verdict = C->verdict + o;
  int64_t last_t = NA64;
  int have_pow = 0;
  i128 pn = 0, pd = 1;
  for (size_t i = 0; i < n; i++) {
    int64_t u0 = x0[i], ul = xl[i], tu = t[i];
    if (u0 == NA64 || ul == NA64 || tu == NA64 || ul <= 0 || u0 < 0) {
      verdict[i] = V_UNKNOWN;
      continue;
    }
    int c = 0, done = 0;
    if ((i128)tu + dt >= 0) {
      if (tu != last_t) {
        have_pow = rat_pow1(tu, dt, years - 1, &pn, &pd);
        last_t = tu;
      }
      i128 a, b;
      if (have_pow && !__builtin_mul_overflow((i128)u0 * dl, pd, &a) &&
          !__builtin_mul_overflow((i128)ul * d0, pn, &b)) {
        c = a < b ? -1 : a > b;
        done = 1;
      }
    }
    if (!done) {
      double q = q64(u0, d0) / q64(ul, dl);
      double cg = pow(q, 1.0 / (double)(years - 1)) - 1, tv = q64(tu, dt);
      c = cg < tv ? -1 : cg > tv;
    }
    verdict[i] = verdict_of(c, op) ? V_PASS : V_FAIL;
  }
  return 1;
}

/* x CMP y for two integer registers at lane i, both known: exact (64-bit operands cannot
 * overflow the 128-bit cross products); the result of cmp_at on their general forms. */
static inline int int_cmp_at(const tidu_regs *R, int x, int y, size_t i) {
  int64_t u = R->vp[x][i], w = R->vp[y][i], du = R->fden[x], dw = R->fden[y];
  if (du == dw) return u < w ? -1 : u > w;
  i128 a = (i128)u * dw, b = (i128)w * du;
  return a < b ? -1 : a > b;
}

/* The verdicts of op_settle (verdicts-only runs) when every bound is in the integer form:
 * an unknown lane fails when even its most favourable bounds fail, and passes when its least
 * favourable bounds pass. 0 when it does not apply. */
static int fast_settle(tidu_cols *C, size_t o, const tidu_regs *R, int lu, int ll, int ru, int rl,
                       int op, size_t n) {
  if (!C->verdicts_only) return 0;
  const int rr[4] = {lu, ll, ru, rl};
  for (int k = 0; k < 4; k++)
    if (rr[k] >= 0 && R->fast[rr[k]] != F_INT) return 0;
  if (op == CMP_EQ || op == CMP_NE) return 1;
  int ge = op == CMP_GE || op == CMP_GT;
  int fx = ge ? lu : ll, ft = ge ? rl : ru; /* can it still pass? */
  int px = ge ? ll : lu, pt = ge ? ru : rl; /* must it pass? */
  uint8_t *restrict verdict = C->verdict + o;
  for (size_t i = 0; i < n; i++) {
    if (verdict[i] != V_UNKNOWN) continue;
    if (fx >= 0 && ft >= 0 && R->vp[fx][i] != NA64 && R->vp[ft][i] != NA64 &&
        !verdict_of(int_cmp_at(R, fx, ft, i), op)) {
      verdict[i] = V_FAIL;
      continue;
    }
    if (px >= 0 && pt >= 0 && R->vp[px][i] != NA64 && R->vp[pt][i] != NA64 &&
        verdict_of(int_cmp_at(R, px, pt, i), op))
      verdict[i] = V_PASS;
  }
  return 1;
}

/* ---- results computed once per tile ---------------------------------------------------
 * Rule sets repeat formulas: the deducted-profit fallback of every standard, the average growth
 * of each band of a point table, years since founding. tidu_prog_plan_memo numbers the values
 * of the registers along the program (an instruction's value is its opcode with its operands'
 * values, a load's is its field, offset and unit, a constant's its number) and marks the
 * instructions whose value an earlier instruction already computed. At run time the first of
 * them to run in a tile keeps its result in a slot and the later ones take it from there: the
 * same result in the same form, since the same instructions produced it. A slot is valid only
 * for the tile that filled it (an instruction skipped by SKIP fills nothing). */

/* The key of a register value: opcode and up to four operands. */
typedef struct vkey {
  int32_t op, k[4];
} vkey;

static int memo_worth(uint8_t op) {
  switch (op) {
  case OP_ADD:
  case OP_SUB:
  case OP_MUL:
  case OP_DIV:
  case OP_NEG:
  case OP_MIN:
  case OP_MAX:
  case OP_FIRST:
  case OP_FLOOR:
  case OP_GROWTH:
  case OP_CAGR:
  case OP_YSINCE:
  case OP_MSINCE:
    return 1;
  default:
    return 0;
  }
}

/* 1 for the tests and comparisons whose condition columns a later equal one may take. */
static int memo_cond_op(uint8_t op) {
  return op == OP_CMPK || op == OP_CMP || op == OP_IN || op == OP_HAS || op == OP_BOOLF ||
         op == OP_STARTS;
}

/* 1 for the instructions that write register a. */
static int writes_reg(uint8_t op) {
  return op <= OP_GROUPV; /* LOADY .. GROUPV, in the order of TIDU_OPCODES */
}

void tidu_prog_plan_memo(tidu_prog *p) {
  free(p->memo);
  p->memo = NULL;
  p->nmemo = 0;
  size_t n = p->ncode;
  if (!n) return;
  vkey *keys = tidu_calloc(n, sizeof *keys);           /* value number v: keys[v] */
  int32_t *val = tidu_calloc(n, sizeof *val);          /* each instruction's result value */
  int32_t *rv = tidu_calloc(p->nregs + 1, sizeof *rv); /* the value in each register, -1: none */
  size_t *until = tidu_calloc(p->nregs + 1, sizeof *until); /* see SKIP below */
  int32_t *cid = tidu_calloc(p->nconsts + 1, sizeof *cid);
  int32_t *mid = tidu_calloc(p->nmasks + 1, sizeof *mid);
  int32_t *memo = tidu_malloc(n * sizeof *memo);
  size_t open[64], nopen = 0; /* the last instructions of the SKIP ranges open at pc */
  size_t nv = 0;
  if (!keys || !val || !rv || !until || !cid || !mid || !memo) goto out;
  /* constants are named by their number */
  for (size_t i = 0; i < p->nconsts; i++) {
    cid[i] = (int32_t)i;
    for (size_t j = 0; j < i; j++)
      if (p->consts[j].num == p->consts[i].num && p->consts[j].den == p->consts[i].den) {
        cid[i] = (int32_t)j;
        break;
      }
  }
  for (size_t i = 0; i < p->nmasks; i++) {
    mid[i] = (int32_t)i;
    for (size_t j = 0; j < i; j++)
      if (p->masks[j] == p->masks[i]) {
        mid[i] = (int32_t)j;
        break;
      }
  }
  for (size_t r = 0; r <= p->nregs; r++) rv[r] = -1;
  for (size_t pc = 0; pc < n; pc++) {
    const tidu_instr *in = &p->code[pc];
    val[pc] = -1;
    memo[pc] = -1;
    if (in->op == OP_SKIP && in->b > 0) {
      if (nopen == sizeof open / sizeof *open) goto out;
      open[nopen++] = pc + (size_t)in->b;
    }
    if (writes_reg(in->op) && in->a >= 0 && (size_t)in->a < p->nregs) {
      vkey k = {in->op, {0, 0, 0, 0}};
      int known = 1;
      int32_t vb = in->b >= 0 && (size_t)in->b < p->nregs ? rv[in->b] : -1;
      int32_t vc = in->c >= 0 && (size_t)in->c < p->nregs ? rv[in->c] : -1;
      switch (in->op) {
      case OP_LOADY:
        k.k[0] = in->b, k.k[1] = in->c, k.k[2] = in->d;
        break;
      case OP_LOADF:
      case OP_YSINCE:
      case OP_MSINCE:
        k.k[0] = in->b, k.k[1] = in->c;
        break;
      case OP_LOADC:
        k.k[0] = in->b >= 0 && (size_t)in->b < p->nconsts ? cid[in->b] : -1;
        known = k.k[0] >= 0;
        break;
      case OP_NEG:
      case OP_FLOOR:
        k.k[0] = vb;
        known = vb >= 0;
        break;
      case OP_SCORE:
      case OP_GROUPV:
        known = 0; /* read from this run's point columns */
        break;
      default: /* two register operands and d */
        k.k[0] = vb, k.k[1] = vc, k.k[2] = in->d;
        known = vb >= 0 && vc >= 0;
        break;
      }
      int32_t v = -1;
      if (known) {
        for (size_t j = 0; j < nv && v < 0; j++)
          if (!memcmp(&keys[j], &k, sizeof k)) v = (int32_t)j;
        if (v < 0) {
          keys[nv] = k;
          v = (int32_t)nv++;
        }
      }
      rv[in->a] = v;
      val[pc] = memo_worth(in->op) ? v : -1;
    } else if (memo_cond_op(in->op) && in->a >= 0 && (size_t)in->a < p->nconds) {
      /* a test or comparison: its value is what it compares, with what and how */
      vkey k = {in->op, {0, 0, 0, 0}};
      int32_t vb = in->b >= 0 && (size_t)in->b < p->nregs ? rv[in->b] : -1;
      int32_t vc = in->c >= 0 && (size_t)in->c < p->nregs ? rv[in->c] : -1;
      int known = 1;
      switch (in->op) {
      case OP_CMPK:
        k.k[0] = vb, k.k[1] = in->c >= 0 && (size_t)in->c < p->nconsts ? cid[in->c] : -1;
        k.k[2] = in->d;
        known = vb >= 0 && k.k[1] >= 0;
        break;
      case OP_CMP:
        k.k[0] = vb, k.k[1] = vc, k.k[2] = in->d;
        known = vb >= 0 && vc >= 0;
        break;
      case OP_IN:
      case OP_HAS:
        k.k[0] = in->b, k.k[1] = in->c >= 0 && (size_t)in->c < p->nmasks ? mid[in->c] : -1;
        k.k[2] = in->d;
        known = k.k[1] >= 0;
        break;
      default: /* BOOLF, STARTS: a firm field and operands c, d */
        k.k[0] = in->b, k.k[1] = in->c, k.k[2] = in->d;
        break;
      }
      int32_t v = -1;
      if (known) {
        for (size_t j = 0; j < nv && v < 0; j++)
          if (!memcmp(&keys[j], &k, sizeof k)) v = (int32_t)j;
        if (v < 0) {
          keys[nv] = k;
          v = (int32_t)nv++;
        }
      }
      val[pc] = v;
    }
    if (writes_reg(in->op) && in->a >= 0 && (size_t)in->a < p->nregs) {
      /* written inside SKIP ranges: unknown after the first of them closes (it may not run) */
      until[in->a] = 0;
      for (size_t j = 0; j < nopen; j++)
        if (!until[in->a] || open[j] < until[in->a]) until[in->a] = open[j];
    }
    for (size_t r = 0; r < p->nregs; r++)
      if (until[r] == pc && until[r]) rv[r] = -1, until[r] = 0;
    for (size_t j = 0; j < nopen;)
      if (open[j] == pc)
        open[j] = open[--nopen];
      else
        j++;
  }
  /* every value computed by two instructions or more gets a slot */
  size_t nslots = 0;
  for (size_t pc = 0; pc < n; pc++) {
    if (val[pc] < 0 || memo[pc] >= 0) continue;
    size_t last = pc;
    for (size_t j = pc + 1; j < n; j++)
      if (val[j] == val[pc]) last = j;
    if (last == pc) continue;
    int32_t s = (int32_t)nslots++;
    for (size_t j = pc; j <= last; j++)
      if (val[j] == val[pc])
        memo[j] = s * 4 + (j > pc ? TIDU_MEMO_TAKE : 0) + (j < last ? TIDU_MEMO_SAVE : 0);
  }
  if (nslots) {
    p->memo = memo;
    p->nmemo = nslots;
    memo = NULL;
  }
out:
  free(keys);
  free(val);
  free(rv);
  free(until);
  free(cid);
  free(mid);
  free(memo);
}

/* One slot: a register's result in whichever form it had. */
typedef struct memo_slot {
  uint8_t form;
  int64_t fden;
  int64_t ints[TIDU_EVAL_TILE], dens[TIDU_EVAL_TILE];
  i128 num[TIDU_EVAL_TILE], den[TIDU_EVAL_TILE];
  uint8_t st[TIDU_EVAL_TILE];
  double f[TIDU_EVAL_TILE];
  /* a condition's columns: verdicts, and value, threshold, gap and distance unless the run
   * is verdicts-only */
  uint8_t verdict[TIDU_EVAL_TILE];
  double cols[4][TIDU_EVAL_TILE];
} memo_slot;

static double *cond_col(tidu_cols *C, int k, size_t cond) {
  double *c = k == 0 ? C->value : k == 1 ? C->thr : k == 2 ? C->gap : C->dist;
  return c + cond * C->cap;
}

static void memo_save_cond(tidu_cols *C, memo_slot *m, int cond, size_t n) {
  memcpy(m->verdict, C->verdict + (size_t)cond * C->cap, n);
  if (C->verdicts_only) return;
  for (int k = 0; k < 4; k++) memcpy(m->cols[k], cond_col(C, k, (size_t)cond), n * sizeof(double));
}

static void memo_take_cond(tidu_cols *C, const memo_slot *m, int cond, size_t n) {
  memcpy(C->verdict + (size_t)cond * C->cap, m->verdict, n);
  if (C->verdicts_only) return;
  for (int k = 0; k < 4; k++) memcpy(cond_col(C, k, (size_t)cond), m->cols[k], n * sizeof(double));
}

struct tidu_memo {
  size_t nslots;
  uint8_t *valid; /* per slot: filled in this tile */
  memo_slot slots[];
};

/* The memo of R with room for the slots of p, cleared for a new tile; NULL when p has none or
 * there is no memory (then every result is computed). */
static struct tidu_memo *memo_for(tidu_regs *R, const tidu_prog *p) {
  if (!p->memo || !p->nmemo) return NULL;
  struct tidu_memo *M = R->memo;
  if (!M || M->nslots < p->nmemo) {
    free(M);
    size_t bytes = sizeof *M + p->nmemo * sizeof(memo_slot) + p->nmemo;
    M = R->memo = tidu_malloc(bytes);
    if (!M) return NULL;
    M->nslots = p->nmemo;
    M->valid = (uint8_t *)(M->slots + p->nmemo);
  }
  memset(M->valid, 0, p->nmemo);
  return M;
}

static void memo_save(const tidu_regs *R, memo_slot *m, int r, size_t n) {
  m->form = R->fast[r];
  m->fden = R->fden[r];
  if (m->form != F_GENERAL) {
    memcpy(m->ints, R->vp[r], n * sizeof *m->ints);
    if (m->form == F_FRAC) memcpy(m->dens, R->dbuf[r], n * sizeof *m->dens);
    return;
  }
  size_t o = (size_t)r * R->cap;
  memcpy(m->num, R->num + o, n * sizeof *m->num);
  memcpy(m->den, R->den + o, n * sizeof *m->den);
  memcpy(m->st, R->st + o, n * sizeof *m->st);
  memcpy(m->f, R->f + o, n * sizeof *m->f);
}

static void memo_take(tidu_regs *R, const memo_slot *m, int r, size_t n) {
  if (m->form == F_INT) { /* read in place, as a load reads a chunk's column */
    R->vp[r] = m->ints;
    R->fden[r] = m->fden;
    R->fast[r] = F_INT;
    return;
  }
  if (m->form == F_FRAC) {
    memcpy(R->spare, m->ints, n * sizeof *m->ints);
    memcpy(R->dspare, m->dens, n * sizeof *m->dens);
    take_spare_frac(R, r);
    R->fden[r] = m->fden;
    return;
  }
  size_t o = (size_t)r * R->cap;
  memcpy(R->num + o, m->num, n * sizeof *m->num);
  memcpy(R->den + o, m->den, n * sizeof *m->den);
  memcpy(R->st + o, m->st, n * sizeof *m->st);
  memcpy(R->f + o, m->f, n * sizeof *m->f);
  R->fden[r] = m->fden;
  R->fast[r] = F_GENERAL;
}

/* ---- the loop -------------------------------------------------------------------------- */

/* Runs the program over one tile of lanes: `ch` and `C` are views starting at the tile. */
static void run_tile(const tidu_prog *p, const tidu_chunk *ch, int64_t as_of, tidu_regs *R,
                     tidu_cols *C) {
  size_t n = ch->n;
  struct tidu_memo *M = memo_for(R, p);
  for (size_t pc = 0; pc < p->ncode; pc++) {
    const tidu_instr *in = &p->code[pc];
    int32_t mk = M ? p->memo[pc] : -1;
    if (mk >= 0 && (mk & TIDU_MEMO_TAKE) && M->valid[mk / 4]) {
      if (writes_reg(in->op))
        memo_take(R, &M->slots[mk / 4], in->a, n);
      else
        memo_take_cond(C, &M->slots[mk / 4], in->a, n);
      continue;
    }
    switch ((tidu_opcode)in->op) {
    case OP_LOADY:
      R->vp[in->a] = ch->yr[in->b][in->c];
      R->fden[in->a] = in->d;
      R->fast[in->a] = 1;
      break;
    case OP_LOADF:
      R->vp[in->a] = ch->firm[in->b];
      R->fden[in->a] = in->c;
      R->fast[in->a] = 1;
      break;
    case OP_LOADC:
      load_const(R, in->a, p->consts[in->b].num, p->consts[in->b].den, n);
      break;
    case OP_ADD:
    case OP_SUB: {
      if (fast_add(R, in->a, in->b, in->c, n, in->op == OP_SUB) ||
          frac_arith(R, in->a, in->b, in->c, n, (tidu_opcode)in->op))
        break;
      slot r, a, b;
      general_operands(R, in->a, in->b, in->c, n, &r, &a, &b);
      op_add(&r, &a, &b, n, in->op == OP_ADD ? 1 : -1);
      break;
    }
    case OP_MUL: {
      if (fast_mul(R, in->a, in->b, in->c, n) || frac_arith(R, in->a, in->b, in->c, n, OP_MUL))
        break;
      slot r, a, b;
      general_operands(R, in->a, in->b, in->c, n, &r, &a, &b);
      op_mul(&r, &a, &b, n);
      break;
    }
    case OP_DIV:
    case OP_GROWTH: {
      if (fast_div(R, in->a, in->b, in->c, n, in->op == OP_GROWTH) ||
          frac_arith(R, in->a, in->b, in->c, n, (tidu_opcode)in->op))
        break;
      slot r, a, b;
      general_operands(R, in->a, in->b, in->c, n, &r, &a, &b);
      op_div(&r, &a, &b, n, in->op == OP_GROWTH);
      break;
    }
    case OP_NEG: {
      if (fast_neg(R, in->a, in->b, n)) break;
      slot r, a;
      general_operands(R, in->a, in->b, -1, n, &r, &a, NULL);
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
      if (fast_minmax(R, in->a, in->b, in->c, n, in->op == OP_MAX, in->d)) break;
      slot r, a, b;
      general_operands(R, in->a, in->b, in->c, n, &r, &a, &b);
      op_minmax(&r, &a, &b, n, in->op == OP_MAX, in->d);
      break;
    }
    case OP_FIRST: {
      if (fast_first(R, in->a, in->b, in->c, n)) break;
      slot r, a, b;
      general_operands(R, in->a, in->b, in->c, n, &r, &a, &b);
      for (size_t i = 0; i < n; i++) {
        const slot *w = a.st[i] ? &a : &b;
        r.num[i] = w->num[i];
        r.den[i] = w->den[i];
        r.f[i] = w->f[i];
        r.st[i] = w->st[i];
      }
      break;
    }
    case OP_FLOOR: {
      if (fast_floor(R, in->a, in->b, n)) break;
      slot r, a;
      general_operands(R, in->a, in->b, -1, n, &r, &a, NULL);
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
      slot r, a, b;
      general_operands(R, in->a, in->b, in->c, n, &r, &a, &b);
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
    case OP_MSINCE:
      load_dates(R, in->a, ch, in->b, in->op == OP_MSINCE, in->op == OP_YSINCE && in->c, as_of, n);
      break;
    case OP_SCORE:
    case OP_GROUPV: {
      const int64_t *src = in->op == OP_SCORE
                               ? (in->b ? C->score_hi : C->score_lo)
                               : (in->b ? C->grp_hi : C->grp_lo) + (size_t)in->c * C->cap;
      load_points(R, in->a, src, n);
      break;
    }
    case OP_CMP: {
      size_t o = (size_t)in->a * C->cap;
      if (fast_cmp(C, o, R, in->b, in->c, in->d, n)) break;
      slot a = general_slot(R, in->b, n), b = general_slot(R, in->c, n);
      op_cmp(C, o, &a, &b, in->d, n);
      break;
    }
    case OP_CMPK: {
      size_t o = (size_t)in->a * C->cap;
      const tidu_const *k = &p->consts[in->c];
      if (fast_cmpk(C, o, R, in->b, k->num, k->den, in->d, n) ||
          frac_cmpk(C, o, R, in->b, k->num, k->den, in->d, n))
        break;
      slot a = general_slot(R, in->b, n);
      op_cmpk(C, o, &a, k->num, k->den, in->d, n);
      break;
    }
    case OP_SKIP: {
      const uint8_t *v = C->verdict + (size_t)in->a * C->cap;
      size_t i = 0;
      while (i < n && v[i] != V_UNKNOWN) i++;
      if (i == n) pc += (size_t)in->b;
      break;
    }
    case OP_SETTLE: {
      if (fast_settle(C, (size_t)in->a * C->cap, R, in->b, in->c, in->e, in->f, in->d, n)) break;
      slot s[4];
      const slot *ps[4];
      const int32_t rr[4] = {in->b, in->c, in->e, in->f};
      for (int k = 0; k < 4; k++) {
        ps[k] = NULL;
        if (rr[k] < 0) continue;
        s[k] = general_slot(R, rr[k], n);
        ps[k] = &s[k];
      }
      op_settle(C, (size_t)in->a * C->cap, ps[0], ps[1], ps[2], ps[3], in->d, n);
      break;
    }
    case OP_CMPCAGR: {
      if (fast_cmpcagr(C, (size_t)in->a * C->cap, R, in->b, in->c, in->f, in->d, in->e, n)) break;
      slot a = general_slot(R, in->b, n), b = general_slot(R, in->c, n),
           t = general_slot(R, in->f, n);
      op_cmpcagr(C, (size_t)in->a * C->cap, &a, &b, &t, in->d, in->e, n);
      break;
    }
    case OP_IN:
    case OP_HAS: {
      size_t o = (size_t)in->a * C->cap;
      const int64_t *restrict col = ch->firm[in->b];
      uint8_t *restrict verdict = C->verdict + o;
      uint64_t mask = p->masks[in->c];
      int undeclared_unknown = in->d;
      if (in->op == OP_IN)
        for (size_t i = 0; i < n; i++) {
          /* an undeclared judgement (d = 1) is unknown; other declarations read as value 0 */
          if (col[i] == TIDU_MISSING && undeclared_unknown) {
            verdict[i] = V_UNKNOWN;
            continue;
          }
          int64_t v = col[i] == TIDU_MISSING ? 0 : col[i];
          verdict[i] = v >= 0 && v < 64 && ((mask >> (v & 63)) & 1) ? V_PASS : V_FAIL;
        }
      else
        for (size_t i = 0; i < n; i++) {
          int64_t v = col[i] == TIDU_MISSING ? 0 : col[i];
          verdict[i] = ((uint64_t)v & mask) != 0 ? V_PASS : V_FAIL;
        }
      fill_test_cols(C, o, n);
      break;
    }
    case OP_STARTS: {
      size_t o = (size_t)in->a * C->cap;
      op_starts(C->verdict + o, ch->text[in->b], &p->strsets[in->c], n);
      fill_test_cols(C, o, n);
      break;
    }
    case OP_BOOLF: {
      size_t o = (size_t)in->a * C->cap;
      const int64_t *restrict col = ch->firm[in->b];
      uint8_t *restrict verdict = C->verdict + o;
      int neg = in->c == 1, undeclared_unknown = in->d;
      for (size_t i = 0; i < n; i++) {
        if (col[i] == TIDU_MISSING && undeclared_unknown) { /* an undeclared judgement */
          verdict[i] = V_UNKNOWN;
          continue;
        }
        int t = col[i] != 0 && col[i] != TIDU_MISSING;
        verdict[i] = (t ^ neg) ? V_PASS : V_FAIL;
      }
      fill_test_cols(C, o, n);
      break;
    }
    case OP_TRUTH: {
      size_t o = (size_t)in->a * C->cap;
      if (fast_truth(C, o, R, in->b, n)) break;
      slot a = general_slot(R, in->b, n);
      for (size_t i = 0; i < n; i++)
        C->verdict[o + i] = !a.st[i] ? V_UNKNOWN : sign_of(&a, i) != 0 ? V_PASS : V_FAIL;
      fill_test_cols(C, o, n);
      break;
    }
    case OP_ALL:
    case OP_ANY:
      op_all_any(C, &p->conds[in->a], (size_t)in->a * C->cap, n, in->op == OP_ANY);
      break;
    case OP_NOT: {
      size_t o = (size_t)in->a * C->cap, k = (size_t)in->b * C->cap;
      const uint8_t *restrict kv = C->verdict + k;
      uint8_t *restrict verdict = C->verdict + o;
      for (size_t i = 0; i < n; i++) {
        uint8_t v = kv[i];
        verdict[i] = v == V_PASS ? V_FAIL : v == V_FAIL ? V_PASS : V_UNKNOWN;
      }
      fill_test_cols(C, o, n);
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
      if (fast_itemf(C, &p->items[in->a], (size_t)in->a, R, in->b, n)) break;
      slot s = general_slot(R, in->b, n);
      op_itemf(C, &p->items[in->a], (size_t)in->a, &s, n);
      break;
    }
    case OP_TOTAL:
      op_total(C, p, n);
      break;
    case OP_COUNT:
      break;
    }
    if (mk >= 0 && (mk & TIDU_MEMO_SAVE)) {
      if (writes_reg(in->op))
        memo_save(R, &M->slots[mk / 4], in->a, n);
      else
        memo_save_cond(C, &M->slots[mk / 4], in->a, n);
      M->valid[mk / 4] = 1;
    }
  }
}

/* Lanes per tile: small enough that the registers of a tile stay in the first-level cache. */
#define TILE TIDU_EVAL_TILE

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

/* 1 for the instructions that write a condition whose value, threshold and gap are NaN. */
static int writes_nan_cond(uint8_t op) {
  return op == OP_ALL || op == OP_ANY || op == OP_NOT || op == OP_IN || op == OP_HAS ||
         op == OP_STARTS || op == OP_BOOLF || op == OP_TRUTH;
}

static int writes_cond(uint8_t op) {
  return writes_nan_cond(op) || op == OP_CMP || op == OP_CMPK || op == OP_CMPCAGR;
}

/* Makes C->nan_cond describe `p` and fills those conditions' three columns with NaN over all
 * lanes, unless that was already done for a program with the same conditions. On failure to
 * allocate, nan_cap stays 0 and every run writes the NaN columns itself. */
static void prepare_nan_conds(const tidu_prog *p, tidu_cols *C) {
  int same = C->nan_cap == C->cap && C->nan_ncond == p->nconds && C->nan_cond;
  for (size_t pc = 0; pc < p->ncode && same; pc++) {
    const tidu_instr *in = &p->code[pc];
    if (writes_cond(in->op) && C->nan_cond[in->a] != writes_nan_cond(in->op)) same = 0;
  }
  if (same) return;
  C->nan_cap = 0;
  uint8_t *m = tidu_realloc(C->nan_cond, p->nconds ? p->nconds : 1);
  if (!m) return;
  C->nan_cond = m;
  memset(m, 0, p->nconds);
  for (size_t pc = 0; pc < p->ncode; pc++)
    if (writes_nan_cond(p->code[pc].op)) m[p->code[pc].a] = 1;
  for (size_t k = 0; k < p->nconds; k++) {
    if (!m[k]) continue;
    size_t o = k * C->cap;
    for (size_t i = 0; i < C->cap; i++) {
      C->value[o + i] = NAN;
      C->thr[o + i] = NAN;
      C->gap[o + i] = NAN;
    }
  }
  C->nan_ncond = p->nconds;
  C->nan_cap = C->cap;
}

void tidu_eval_prog(const tidu_prog *p, const tidu_chunk *ch, int64_t as_of, tidu_regs *R,
                    tidu_cols *C) {
  prepare_nan_conds(p, C);
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
