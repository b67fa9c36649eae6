/* Population scale: multi-threaded assessment over chunks, aggregates, what-if and projection. */
#ifndef TIDU_BATCH_H
#define TIDU_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "tidu/api.h"
#include "tidu/assess.h"
#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/rules.h"
#include "tidu/source.h"

/* ---- inputs --------------------------------------------------------------------------- */

/* Where a batch reads firms from: a firm source (source.h; one read in slices, such as a pack,
 * is read in parallel without a copy), or a callback. Borrowed. */
typedef struct tidu_batch_input {
  tidu_source *source; /* when non-NULL, read from this source */
  /* else from this callback: fills `firm` (cleared first) and sets *done = 1 at the end;
   * the same contract as tidu_source_next. */
  tidu_code (*next)(void *ctx, tidu_firm *firm, int *done, tidu_error *err);
  void *next_ctx;
  /* Optional, with `next`: the source behind it, asked first for chunks straight from its
   * text (tidu_source_columns: a wide CSV read in parallel) when the batch uses the default
   * chunk size; when it gives them, `next` is not called. */
  tidu_source *chunks;
} tidu_batch_input;

/* ---- running ------------------------------------------------------------------------ */

#define TIDU_BATCH_MAX_SELECTIONS 2

/* What a worker sees of one evaluated chunk. Valid only during the callback. */
typedef struct tidu_batch_chunk {
  const tidu_chunk *chunk;
  const tidu_eval *ev[TIDU_BATCH_MAX_SELECTIONS]; /* one per selection */
  size_t first;                                   /* input position (0-based) of lane 0 */
  int worker;                                     /* 0 .. threads-1, for per-worker state */
} tidu_batch_chunk;

typedef struct tidu_batch_options {
  const tidu_selection *sel[TIDU_BATCH_MAX_SELECTIONS]; /* sel[1] may be NULL */
  int64_t as_of_days;                                   /* assessment date */
  int32_t year;      /* fiscal year [0]; 0 = each firm's latest year */
  int threads;       /* workers; 0 = the number of online processors */
  size_t chunk_size; /* firms per chunk; 0 = 1024 (must divide 16384 for pack input) */
  /* Called in parallel by the workers for each evaluated chunk (may be NULL). It may write
   * the chunk's output into *out (a malloc'd buffer of *out_len bytes the batch frees); the
   * batch then writes the buffers to `out` in input order. Non-OK stops the batch. */
  tidu_code (*render)(void *render_ctx, const tidu_batch_chunk *bc, char **out, size_t *out_len,
                      tidu_error *err);
  void *render_ctx;
  void *ctx; /* passed to on_input_error and progress */
  FILE *out; /* where rendered buffers go (NULL: they are dropped) */
  /* Input errors on records (bad rows) are passed here and the batch goes on; NULL = stop at
   * the first. */
  void (*on_input_error)(void *ctx, const tidu_error *e);
  /* Warnings about records read as chunks (tidu_batch_input.chunks), in input order (may be
   * NULL); a `next` callback reports its own. */
  void (*on_warning)(void *ctx, const tidu_error *w);
  /* Progress, called from one thread at a time, about every 64k firms; total is 0 when
   * unknown. */
  void (*progress)(void *ctx, size_t done, size_t total);
  int aggregate;     /* 1: keep the population aggregates of sel[0] */
  int region_digits; /* region prefix length for the "by region" aggregates; 0 = 2 */
} tidu_batch_options;

/* Population aggregates over sel[0]: counts of pass / fail / unknown per rule set and per
 * standard, for the whole population and by region prefix, industry section and chain. */
typedef struct tidu_batch_stats tidu_batch_stats;

/* Runs the batch. On success *stats (when non-NULL and opt->aggregate) receives the
 * aggregates, owned by the caller (tidu_batch_stats_free). *nfirms (when non-NULL) receives
 * the firms assessed. Returns the first fatal error; record errors passed to
 * on_input_error are not fatal, and *nbad counts them when non-NULL. */
TIDU_API tidu_code tidu_batch_run(const tidu_batch_input *in, const tidu_batch_options *opt,
                                  tidu_batch_stats **stats, size_t *nfirms, size_t *nbad,
                                  tidu_error *err);

TIDU_API void tidu_batch_stats_free(tidu_batch_stats *s);

/* A ready `render`: each firm of the chunk as its contract §4 JSON object (tidu_report_json
 * of sel[0]), one line each, in lane order. `render_ctx` is unused. */
TIDU_API tidu_code tidu_batch_render_json(void *render_ctx, const tidu_batch_chunk *bc, char **out,
                                          size_t *out_len, tidu_error *err);

/* The aggregates as JSON (a new reference):
 *   {"firms": N, "standards": {"star.1": {"pass": a, "fail": b, "unknown": c}, ...},
 *    "boards": {"star": {...}}, "positioning": {...}, "tiers": {...},
 *    "by": {"region": {"32": {"firms": n, "boards": {...}, "positioning": {...},
 *                             "tiers": {...}}}, "industry": {"C": ...}, "chain": {...}}}
 * A variant scoped to regions is counted under "id@prefix[,prefix]" (its standards too), so
 * that no firm is counted twice under one key; firms it does not apply to are its "na".
 * Unknown is always counted apart from fail. NULL on ENOMEM. */
TIDU_API json_t *tidu_batch_stats_json(const tidu_batch_stats *s);

/* Counts of one rule set or standard (by its key, as in the JSON) in the whole population;
 * 0 when absent.
 * `verdict` is a tidu_verdict. */
TIDU_API uint64_t tidu_batch_stats_count(const tidu_batch_stats *s, const char *id,
                                         tidu_verdict verdict);
TIDU_API uint64_t tidu_batch_stats_firms(const tidu_batch_stats *s);

/* ---- what-if: two rule versions over one population ------------------------------------ */

/* One firm whose verdict differs between the base and the edited rules. */
typedef struct tidu_flip {
  size_t row;       /* input position */
  char *uscc;       /* or NULL */
  char *name;       /* or NULL */
  char *id;         /* rule set or standard id that flipped */
  uint8_t from, to; /* tidu_verdict */
  char *cause;      /* the condition that decides it under the new rules (its text), or NULL */
  char *region;     /* the firm's region code, or NULL */
  char *chains;     /* the firm's chains, or NULL */
  unsigned ord;     /* order of the id within the firm's flips */
} tidu_flip;

typedef struct tidu_simulation tidu_simulation;

/* Assesses the population with opt->sel[0] (base) and opt->sel[1] (with) and collects every
 * verdict change per rule set and standard, with counts by direction, region prefix and
 * chain. Rule sets are matched by id, standards by id. `opt->render` is ignored. Caller
 * frees *out with tidu_simulation_free. */
TIDU_API tidu_code tidu_simulate(const tidu_batch_input *in, const tidu_batch_options *opt,
                                 tidu_simulation **out, tidu_error *err);
TIDU_API void tidu_simulation_free(tidu_simulation *s);

/* The flips, ordered by input position then id. Owned by the simulation. */
TIDU_API const tidu_flip *tidu_simulation_flips(const tidu_simulation *s, size_t *n);
TIDU_API uint64_t tidu_simulation_firms(const tidu_simulation *s);

/* Counts and the list as JSON (new reference):
 *   {"firms": N, "changes": {"main": {"pass->fail": a, "fail->pass": b, ...}, "main.1": ...},
 *    "by": {"region": {"32": {"main": {"pass->fail": ...}}}, "chain": {...}},
 *    "flips": [{"row": r, "uscc": ..., "id": "main.1", "from": "pass", "to": "fail",
 *               "cause": "..."}]}
 * `with_list` 0 leaves "flips" out. NULL on ENOMEM. */
TIDU_API json_t *tidu_simulation_json(const tidu_simulation *s, int with_list);

/* ---- projection ------------------------------------------------------------------------ */

/* Grows a firm's year figures from its trend: for every money and count year field, the
 * compound annual growth of the last three years, (x[0]/x[2])^(1/2) - 1, capped to
 * [-cap, +cap]; when that is undefined (x[2] <= 0, x[0] < 0 or missing) the one-year growth
 * x[0]/x[1] - 1 (capped) when x[1] > 0; otherwise the figure stays at x[0]. Ratios and firm
 * fields stay as they are. Writes into `dst` (a chunk of the same size, allocated with
 * tidu_chunk_new) the firms of `src` as they would be `t` years after their year [0]. */
TIDU_API tidu_code tidu_project_chunk(const tidu_chunk *src, int t, double cap, tidu_chunk *dst,
                                      tidu_error *err);

#define TIDU_PROJECT_CAP         0.30
#define TIDU_PROJECT_MAX_HORIZON 30

/* Writes for each firm, one NDJSON line in input order:
 *   {"row": r, "uscc": ..., "name": ..., "year": Y, "horizon": N,
 *    "results": [{"id": "star", "kind": "board", "now": "fail", "first_year": 2027},
 *                {"id": "bse", "kind": "board", "now": "pass", "first_year": Y,
 *                 "standard": "bse.1"},
 *                {"id": "main", "kind": "board", "now": "fail", "first_year": null,
 *                 "within": N, "standard": "main.3",
 *                 "binding": {"text": "...", "verdict": "fail", "value": v, "threshold": t,
 *                             "gap": g}}]}
 * "first_year" is the first fiscal year (Y when it passes now, else Y+1 .. Y+N) in which the
 * rule set passes ("standard" names the passing one when it passes now); null when not
 * within N years, with the nearest standard in year Y+N and its binding condition: the
 * failing or unknown condition with the largest relative gap (value, threshold and gap when
 * the figures are known). Rule sets that do not apply to the firm are left out.
 * Uses opt->sel[0]; opt->render and opt->aggregate are ignored. `horizon` is
 * 1 .. TIDU_PROJECT_MAX_HORIZON; `cap` <= 0 means TIDU_PROJECT_CAP. */
TIDU_API tidu_code tidu_project(const tidu_batch_input *in, const tidu_batch_options *opt,
                                int horizon, double cap, FILE *out, size_t *nfirms,
                                tidu_error *err);

#endif
