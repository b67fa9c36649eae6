/* The columnar evaluator's interface: runs one flat program over a chunk into result columns. */
#ifndef TIDU_RULES_EVAL_H
#define TIDU_RULES_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/error.h"
#include "tidu/firm.h"
#include "rules/prog.h"

/* Lanes the evaluator runs at a time (one tile). */
#define TIDU_EVAL_TILE 128

/* Register file: nregs × cap lanes. Reused between runs; grows as needed. Zero it before the
 * first reserve; tidu_regs_free releases everything.
 * A register is held in one of three forms for the tile being run (`fast[r]`):
 *  0  the general form: num, den, st, f per lane;
 *  1  the integer form: every lane is the integer vp[r][lane] over the one denominator
 *     fden[r] > 0, INT64_MIN meaning unknown. vp[r] points either into the chunk's column (a
 *     load) or at the register's own buffer buf[r];
 *  2  the fraction form (a quotient of two integer registers): lane i is exactly
 *     buf[r][i] / dbuf[r][i] with a positive 64-bit denominator, INT64_MIN meaning unknown;
 *     the same numerator and denominator the general form would hold. */
typedef struct tidu_regs {
  __int128 *num, *den;
  uint8_t *st; /* 0 unknown, 1 exact (num/den), 2 approximate (f) */
  double *f;
  size_t nregs, cap;
  int64_t *pool;      /* (nregs + 1) × TIDU_EVAL_TILE integers behind buf and spare */
  int64_t **buf;      /* each register's own integer buffer */
  int64_t *spare;     /* the buffer an integer instruction writes before taking it */
  const int64_t **vp; /* where each register's integers are */
  int64_t *fden;      /* each register's denominator in the integer form */
  uint8_t *fast;      /* the register's form: 0 general, 1 integer, 2 fraction */
  int64_t *dpool;     /* (nregs + 1) × TIDU_EVAL_TILE denominators behind dbuf and dspare */
  int64_t **dbuf;     /* each register's own denominators (the fraction form) */
  int64_t *dspare;
  struct tidu_date_memo *dates; /* calendar dates of recent tiles' date columns (eval.c) */
  struct tidu_memo *memo;       /* results kept for later instructions of a tile (eval.c) */
} tidu_regs;

/* The result columns of one program over one chunk (cap lanes per column). */
typedef struct tidu_cols {
  size_t cap, ncond, nitems, ngroups;
  uint8_t *verdict; /* [cond * cap + lane] */
  double *value, *thr, *gap, *dist;
  int64_t *item_lo, *item_hi; /* points ×10^6, [item * cap + lane] */
  uint8_t *item_known;
  int64_t *grp_lo, *grp_hi; /* [group * cap + lane], capped at the group's max */
  int64_t *score_lo, *score_hi;
  /* Conditions whose value, threshold and gap are NaN for every firm (tests, all, any, not):
   * nan_cond[k] is 1 for those of the program last run, whose three columns then hold NaN on
   * all nan_cap lanes, so that a run of the same program need not write them again. */
  uint8_t *nan_cond;
  size_t nan_ncond, nan_cap;
  /* 1: the caller reads only the verdict, point and score columns of this run (population
   * counts); value, threshold, gap and distance are then left unwritten where that saves
   * work and must not be read. Verdicts are the same either way. */
  int verdicts_only;
} tidu_cols;

/* Makes room for `prog` over `n` lanes. TIDU_ERR_NOMEM on failure. */
tidu_code tidu_cols_reserve(tidu_cols *c, const tidu_prog *prog, size_t n);
void tidu_cols_free(tidu_cols *c);
tidu_code tidu_regs_reserve(tidu_regs *r, size_t nregs, size_t n);
void tidu_regs_free(tidu_regs *r);

/* Runs `prog` over the first chunk->n lanes. `as_of_days` is the assessment date. */
void tidu_eval_prog(const tidu_prog *prog, const tidu_chunk *chunk, int64_t as_of_days,
                    tidu_regs *regs, tidu_cols *cols);

#endif
