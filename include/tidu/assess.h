/* Assessment: running selected rule sets over a chunk of firms, per-firm results, reports. */
#ifndef TIDU_ASSESS_H
#define TIDU_ASSESS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/rules.h"

/* Verdicts as stored in the columns (one byte per lane). NA: the rule set does not apply to
 * that firm (`scope region`), it is left out of the firm's results. */
typedef enum tidu_verdict {
  TIDU_V_FAIL = 0,
  TIDU_V_PASS = 1,
  TIDU_V_UNKNOWN = 2,
  TIDU_V_NA = 3
} tidu_verdict;

/* "pass", "fail", "unknown", "n/a". */
TIDU_API const char *tidu_verdict_name(tidu_verdict v);

/* ---- columnar evaluation -------------------------------------------------------------- */

/* An evaluation context: the columns of one chunk's results. Reusable across chunks (its
 * buffers grow and are kept); not shared between threads (use one per thread; the rule
 * book and selection may be shared read-only). */
typedef struct tidu_eval tidu_eval;

TIDU_API tidu_eval *tidu_eval_new(void);
TIDU_API void tidu_eval_free(tidu_eval *ev);

/* Runs every rule set of `sel` over every firm of `chunk` at assessment date `as_of_days`
 * (days since 1970-01-01; used by months_since). The context borrows `sel` and `chunk`
 * until the next call: keep both alive while reading results or materialising.
 * Returns TIDU_OK, TIDU_ERR_NOMEM, or TIDU_ERR_USAGE on a NULL argument. */
TIDU_API tidu_code tidu_assess_chunk(const tidu_selection *sel, const tidu_chunk *chunk,
                                     int64_t as_of_days, tidu_eval *ev, tidu_error *err);

/* Index meaning "the rule set as a whole" where a standard index is expected. */
#define TIDU_WHOLE ((size_t)-1)

TIDU_API size_t tidu_eval_lanes(const tidu_eval *ev);
TIDU_API size_t tidu_eval_rulesets(const tidu_eval *ev); /* = tidu_selection_count */

/* Verdict of rule set `rs` (selection index) or of its standard `std` (index into the rule
 * set's meta standards, or TIDU_WHOLE) for firm `lane`. */
TIDU_API tidu_verdict tidu_eval_verdict(const tidu_eval *ev, size_t rs, size_t std, size_t lane);
/* The same as a column of tidu_eval_lanes bytes (tidu_verdict values). Owned by ev. */
TIDU_API const uint8_t *tidu_eval_verdicts(const tidu_eval *ev, size_t rs, size_t std);
/* Distance (sum of relative gaps, §7) of a standard, or of the nearest standard for
 * TIDU_WHOLE; 0 when passing. Column form too. */
TIDU_API double tidu_eval_distance(const tidu_eval *ev, size_t rs, size_t std, size_t lane);
TIDU_API const double *tidu_eval_distances(const tidu_eval *ev, size_t rs, size_t std);
/* The nearest standard (index) of a board for one firm: a passing one, else the smallest
 * distance (ties: the earlier). -1 when the rule set has no standards. */
TIDU_API int tidu_eval_nearest(const tidu_eval *ev, size_t rs, size_t lane);
/* A tier's score range for one firm. Returns 1 when the score is known (lo == hi), else 0;
 * a rule set without items gives 0 with lo = hi = 0. */
TIDU_API int tidu_eval_score(const tidu_eval *ev, size_t rs, size_t lane, double *lo, double *hi);

/* The columns of one condition node. Conditions of a rule set are numbered in source
 * order (leaves and all/any/not nodes alike); tidu_eval_cond_count gives how many. */
typedef struct tidu_cond_columns {
  const uint8_t *verdict;  /* tidu_verdict */
  const double *value;     /* left-hand value (natural units: 元, fraction, count); NaN if none */
  const double *threshold; /* right-hand value; NaN if none */
  const double *gap;       /* §7 gap; 0 when passing; NaN when there is no numeric gap */
  const double *distance;  /* relative distance (0 pass .. 1) */
} tidu_cond_columns;

TIDU_API size_t tidu_eval_cond_count(const tidu_eval *ev, size_t rs);
TIDU_API tidu_cond_columns tidu_eval_cond(const tidu_eval *ev, size_t rs, size_t cond);

/* ---- one firm's result tree ----------------------------------------------------------- */

typedef enum tidu_cond_kind {
  TIDU_COND_CMP = 0, /* a comparison x CMP t */
  TIDU_COND_TEST,    /* in / has / startswith / a bool: no numeric gap */
  TIDU_COND_ALL,
  TIDU_COND_ANY,
  TIDU_COND_NOT
} tidu_cond_kind;

/* One condition of one firm. Strings are owned by the tidu_result. */
typedef struct tidu_cond_result {
  tidu_cond_kind kind;
  const char *text; /* Chinese: the label if given, else generated ("最近一年营业收入 ≥ 3亿元") */
  const char *text_en; /* English, generated */
  const char *path;    /* position in the tree: "any[1]/all[0]" ("" for a top-level one) */
  tidu_type type;      /* type of the compared value, for formatting */
  int has_value;       /* value / threshold / gap meaningful (comparisons with known value) */
  double value, threshold, gap; /* natural units (元, fraction, count...) */
  double distance;              /* relative gap, 0..1 */
  tidu_verdict verdict;
  const char **missing; /* "revenue[2022]", "market_cap" */
  size_t nmissing;
  const char *source; /* the nearest citation: condition, else standard, else rule set */
  int depth;          /* nesting level, 0 = directly in the block */
  struct tidu_cond_result *children;
  size_t nchildren;
  const char *op; /* comparison symbol "≥", ">", "≤", "<", "=", "≠"; NULL when not a comparison */
} tidu_cond_result;

/* A block: a standard, a require block or the pass block. */
typedef struct tidu_block_result {
  const char *id;   /* standard id, or NULL */
  const char *name; /* title or NULL */
  const char *source;
  tidu_verdict verdict;
  double distance;
  tidu_cond_result *conds; /* top-level conditions, in source order */
  size_t nconds;
} tidu_block_result;

typedef struct tidu_item_result {
  const char *id;
  const char *name;
  const char *group; /* or NULL */
  double max;
  double lo, hi; /* points, or the range when unknown */
  int known;     /* lo == hi and decided */
  const char **missing;
  size_t nmissing;
} tidu_item_result;

typedef struct tidu_group_result {
  const char *id;
  const char *name;
  double max, min;
  int has_min;
  double lo, hi;              /* capped at max */
  tidu_verdict floor_verdict; /* the sub-floor; PASS when no min */
} tidu_group_result;

typedef struct tidu_ruleset_result {
  const tidu_ruleset_info *meta; /* borrowed from the rule book */
  tidu_verdict verdict;
  tidu_block_result *requires;
  size_t nrequires;
  tidu_block_result *standards;
  size_t nstandards;
  int nearest; /* standard index or -1 */
  tidu_item_result *items;
  size_t nitems;
  tidu_group_result *groups;
  size_t ngroups;
  int has_pass;
  tidu_block_result pass;
  int score_known;
  double score, score_lo, score_hi;
  const char **missing; /* every missing figure of the rule set, deduplicated, sorted */
  size_t nmissing;
} tidu_ruleset_result;

/* One firm's results: the rule sets that apply to it, in selection order. */
typedef struct tidu_result {
  const char *uscc; /* or NULL */
  const char *name; /* or NULL */
  int32_t year;     /* fiscal year [0] */
  tidu_ruleset_result *rulesets;
  size_t nrulesets;
  void *arena_; /* private: owns the strings */
} tidu_result;

/* Builds the result tree of firm `lane` from the last tidu_assess_chunk on `ev` (whose
 * selection and chunk must still be alive). *out is owned by the caller:
 * tidu_result_free. Returns TIDU_OK or TIDU_ERR_NOMEM / TIDU_ERR_USAGE (lane out of range). */
TIDU_API tidu_code tidu_eval_materialise(const tidu_eval *ev, size_t lane, tidu_result **out,
                                         tidu_error *err);
TIDU_API void tidu_result_free(tidu_result *r);

/* ---- reports -------------------------------------------------------------------------- */

/* One firm's result as contract §4 JSON (a new reference the caller decrefs). Extra fields
 * beyond the contract: per condition "path", "kind", "text_en", "depth", "distance",
 * "source", "block" ("require"/"standard"/"pass"); per standard "name", "distance",
 * "source"; per result "name_en", "source", "requires", "groups", "score_range",
 * "pass". NULL on ENOMEM. */
TIDU_API json_t *tidu_report_json(const tidu_result *r);

/* The same JSON as one compact line (NDJSON), numbers written with 15 significant digits so
 * that money keeps its cents as written (24999999.99, not 24999999.989999998). Returns a
 * malloc'd string the caller frees, NULL on ENOMEM. */
TIDU_API char *tidu_report_json_text(const tidu_result *r);

/* Human lines for `tidu assess --explain`, `lang` "zh" or "en":
 *   ✗ 最近一年营业收入 2.10亿元,需 ≥ 3亿元,差 0.90亿元 〔科创板股票上市规则 2.1.2〕
 * indented by nesting. Returns a malloc'd string the caller frees, NULL on ENOMEM. */
TIDU_API char *tidu_report_explain(const tidu_result *r, const char *lang);

/* Where a rule set stands, in a few characters, after its verdict mark: " star.1" (the
 * standard that passes), " star.4 差2亿+1" (the nearest standard, its largest shortfall in the
 * condition's own unit, and how many more of its conditions fail), " star.2 缺3项" (the
 * undetermined standard nearest to passing and how many figures it lacks), " 共同条件"
 * (a failing common condition); English with lang "en". Returns the length written. */
TIDU_API size_t tidu_report_standing(const tidu_ruleset_result *rr, const char *lang, char *buf,
                                     size_t size);

/* ---- per-firm output straight from the columns ---------------------------------------- */

/* How much of each firm `tidu assess --format json` writes. */
typedef enum tidu_detail {
  TIDU_DETAIL_SUMMARY = 0, /* verdicts of rule sets and standards, nearest, score, missing */
  TIDU_DETAIL_FAILING,     /* and every failing or unknown condition (value, threshold, gap,
                              missing), named by its ref (tidu_report_ruleset_json); items */
  TIDU_DETAIL_ALL          /* the full contract §4 object (tidu_report_json) */
} tidu_detail;

/* Where rule set `rs` (selection index) stands for firm `lane` of the last tidu_assess_chunk:
 * the same text tidu_report_standing gives for the materialised result, without building it.
 * "" for a rule set that does not apply. Returns the length written. */
TIDU_API size_t tidu_eval_standing(const tidu_eval *ev, size_t rs, size_t lane, const char *lang,
                                   char *buf, size_t size);

/* The figures behind tidu_eval_standing: the standard it describes (or the common
 * conditions), and when that block fails, its binding condition (the failing one with the
 * largest relative gap, following the nearest alternative of an `any`). */
typedef struct tidu_shortfall {
  tidu_verdict verdict;         /* of the rule set */
  tidu_verdict block_verdict;   /* of the block described */
  int common;                   /* 1: the common conditions (require) block */
  const char *block_name;       /* that require block's title ("基本条件"), or NULL */
  int standard;                 /* index of the standard described, -1 when none */
  const char *standard_id;      /* its id, or NULL */
  int cond;                     /* the binding condition (tidu_eval_cond index), -1 when none */
  const char *text, *text_en;   /* its texts (owned by the rule set), or NULL */
  tidu_type type;               /* the type of its compared value */
  double value, threshold, gap; /* natural units; gap 0 when the rule set passes; NaN when
                                   there is no numeric gap (unknown, or a test condition) */
  size_t more;                  /* how many more conditions of the block fail */
  size_t nmissing;              /* figures missing when the block is unknown */
} tidu_shortfall;

/* Fills *out for rule set `rs` and firm `lane` of the last tidu_assess_chunk; returns 0 (and
 * an empty *out) when the rule set does not apply to the firm, else 1. */
TIDU_API int tidu_eval_shortfall(const tidu_eval *ev, size_t rs, size_t lane, tidu_shortfall *out);

/* Firm `lane` as one line of JSON (no newline) at `detail`; malloc'd, NULL on ENOMEM. The
 * summary and failing levels keep contract §4's fields (uscc, name, year, results with id,
 * kind, name, version, verdict, standards, nearest, score, pass_score, missing); conditions are
 * {"ref": "star#12", "text", "verdict", "value", "threshold", "gap", "missing"}. */
TIDU_API char *tidu_eval_json_text(const tidu_eval *ev, size_t lane, tidu_detail detail);
/* The same line with its newline appended to a growing buffer (*buf of *len bytes in *cap,
 * malloc'd; NUL-terminated). TIDU_OK, TIDU_ERR_NOMEM or TIDU_ERR_USAGE. */
TIDU_API tidu_code tidu_eval_json_append(const tidu_eval *ev, size_t lane, tidu_detail detail,
                                         char **buf, size_t *len, size_t *cap);

/* A rule set's conditions as `tidu rules show --format json` lists them: {"id", "kind", "name",
 * "name_en", "version", "source", "conditions": [{"ref", "text", "text_en", "source", "path",
 * "kind", "depth", "block", "standard", "op"}]} in source order (a new reference; NULL on
 * ENOMEM). "ref" is what per-firm JSON refers to. */
TIDU_API json_t *tidu_report_ruleset_json(const tidu_ruleset *rs);

#endif
