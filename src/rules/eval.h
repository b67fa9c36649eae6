/* The columnar evaluator's interface: runs one flat program over a chunk into result columns. */
#ifndef TIDU_RULES_EVAL_H
#define TIDU_RULES_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/error.h"
#include "tidu/firm.h"
#include "rules/prog.h"

/* Register file: nregs × cap lanes. Reused between runs; grows as needed. */
typedef struct tidu_regs {
  __int128 *num, *den;
  uint8_t *st; /* 0 unknown, 1 exact (num/den), 2 approximate (f) */
  double *f;
  size_t nregs, cap;
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
