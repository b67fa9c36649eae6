/* Internal to the assess module: the evaluation context's columns, shared by its files. */
#ifndef TIDU_ASSESS_INT_H
#define TIDU_ASSESS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rules/eval.h"
#include "rules/rules_int.h"
#include "tidu/assess.h"

/* The result columns of one rule set over the chunk. */
typedef struct tidu_rs_out {
  tidu_cols cols;
  uint8_t *verdict; /* per lane */
  double *dist;
  int16_t *nearest;
  size_t cap;
} tidu_rs_out;

/* Parts of the per-firm JSON that are the same for every firm of a selection (lines.c). */
typedef struct tidu_json_std {
  char *head, *nearest; /* {"id":"star.1","verdict":   and   ,"nearest":"star.1" */
  size_t head_len, nearest_len;
} tidu_json_std;

struct tidu_json_rs {
  const tidu_ruleset *ruleset;
  char *head; /* {"id":…,"kind":…,"name":…,"version":…,"verdict": */
  size_t head_len;
  tidu_json_std *std;
  size_t nstd;
};

typedef struct tidu_json_frags {
  const tidu_selection *sel;
  struct tidu_json_rs *rs;
  size_t nrs;
} tidu_json_frags;

void tidu_json_frags_free(tidu_json_frags *f);

struct tidu_eval {
  const tidu_selection *sel;
  const tidu_chunk *chunk;
  int64_t as_of;
  size_t n;
  tidu_regs regs;
  tidu_rs_out *rs;
  size_t nrs, caprs;
  tidu_json_frags json; /* cache of lines.c, built on first use */
  /* 1: runs compute verdicts only (tidu_cols.verdicts_only); condition values, thresholds,
   * gaps, distances and nearest standards are then not available. Set by the batch engine
   * when nothing but its population counts reads the chunk. */
  int verdicts_only;
};

#endif
