/* The rule language: compiling rule files into a rule book, metadata, selection and dumps. */
#ifndef TIDU_RULES_H
#define TIDU_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"

/* ---- error lists ---------------------------------------------------------------------- */

/* A growable list of errors, filled by the calls that compile rule files so that
 * `tidu rules check` can list every error, not just the first. Owned by the caller. */
typedef struct tidu_errlist {
  tidu_error *items;
  size_t n;
  size_t cap;
} tidu_errlist;

TIDU_API void tidu_errlist_init(tidu_errlist *l);
/* Frees the items and re-initialises the list. Accepts NULL. */
TIDU_API void tidu_errlist_free(tidu_errlist *l);
/* Appends a copy of `e`; returns TIDU_ERR_NOMEM when it cannot. */
TIDU_API tidu_code tidu_errlist_push(tidu_errlist *l, const tidu_error *e);

/* ---- rule books ----------------------------------------------------------------------- */

typedef enum tidu_rule_kind {
  TIDU_KIND_BOARD = 0,
  TIDU_KIND_POSITIONING,
  TIDU_KIND_TIER,
  TIDU_KIND_PROGRAMME /* the cultivation programme's own rules (pool entry, exits, rewards) */
} tidu_rule_kind;

/* "board", "positioning", "tier", "programme". */
TIDU_API const char *tidu_rule_kind_name(tidu_rule_kind k);

/* A set of compiled rule sets, possibly several versions per id, plus the prelude. */
typedef struct tidu_rulebook tidu_rulebook;
/* One compiled rule set (one file). Owned by its rule book. */
typedef struct tidu_ruleset tidu_ruleset;

/* An empty rule book. Until a prelude is added (a file named `prelude.tidu`), the built-in
 * prelude is used. NULL on ENOMEM. */
TIDU_API tidu_rulebook *tidu_rulebook_new(void);
/* Frees the book and every rule set in it. Accepts NULL. */
TIDU_API void tidu_rulebook_free(tidu_rulebook *rb);

/* Compiles one rule file held in memory (`name` is its path, used in messages; a name
 * ending in "prelude.tidu" is taken as the prelude: `let` lines only). The text is copied.
 * Every error found is appended to `errs` (may be NULL); a rule set with errors is left
 * out of the book. Returns TIDU_OK, or the code of the first error (TIDU_ERR_RULE, or
 * TIDU_ERR_NOMEM). */
TIDU_API tidu_code tidu_rulebook_add_text(tidu_rulebook *rb, const char *name, const char *text,
                                          size_t len, tidu_errlist *errs);
/* Reads and compiles one file. TIDU_ERR_IO when it cannot be read. */
TIDU_API tidu_code tidu_rulebook_add_file(tidu_rulebook *rb, const char *path, tidu_errlist *errs);
/* Compiles every `*.tidu` below `dir` (recursively, sorted by path; prelude.tidu first).
 * Goes on after errors and collects all of them. Returns the first error's code. */
TIDU_API tidu_code tidu_rulebook_add_dir(tidu_rulebook *rb, const char *dir, tidu_errlist *errs);
/* Compiles the rule files built into the binary (rules/prelude.tidu and rules/<kind>/...),
 * except the programme's (rules/programme/), which assessments do not run. */
TIDU_API tidu_code tidu_rulebook_add_builtin(tidu_rulebook *rb, tidu_errlist *errs);
/* Compiles the built-in programme rule sets (the .tidu files of rules/programme). */
TIDU_API tidu_code tidu_rulebook_add_builtin_programme(tidu_rulebook *rb, tidu_errlist *errs);

/* Number of rule sets in the book and the i-th one (in the order they were added). */
TIDU_API size_t tidu_rulebook_count(const tidu_rulebook *rb);
TIDU_API const tidu_ruleset *tidu_rulebook_get(const tidu_rulebook *rb, size_t i);

/* Renders an error like a compiler, into `buf` (always NUL-terminated when size > 0):
 *   rules/boards/star.tidu:14:9: unknown metric 'revnue' (did you mean 'revenue'?)
 *      14 |   all { revnue[0] >= 1亿 }
 *         |         ^~~~~~
 * The source line is looked up in the book by `err->file` (any file that was added, even a
 * failed one). Without a source line only the first line is written. Returns the length the
 * full text needs (like snprintf). */
TIDU_API size_t tidu_rules_error_render(const tidu_rulebook *rb, const tidu_error *err, char *buf,
                                        size_t size);
/* Same, with the source text given directly. */
TIDU_API size_t tidu_rules_error_render_text(const char *text, size_t len, const tidu_error *err,
                                             char *buf, size_t size);

/* ---- metadata ------------------------------------------------------------------------- */

typedef struct tidu_std_info {
  const char *id;     /* "star.1" */
  const char *name;   /* Chinese title */
  const char *source; /* citation or NULL */
} tidu_std_info;

typedef struct tidu_item_info {
  const char *id;
  const char *name;
  double max;
  const char *group;  /* group id or NULL */
  const char *source; /* or NULL */
} tidu_item_info;

typedef struct tidu_group_info {
  const char *id;
  const char *name;
  double max; /* the group's points are capped at max */
  double min; /* sub-floor; meaningful when has_min */
  int has_min;
} tidu_group_info;

typedef struct tidu_info_line {
  const char *text;
  const char *source; /* or NULL */
} tidu_info_line;

/* Everything a rule set declares about itself. All strings are owned by the rule book. */
typedef struct tidu_ruleset_info {
  const char *id;      /* "star" */
  const char *name;    /* "科创板" */
  const char *name_en; /* "STAR Market", or NULL */
  tidu_rule_kind kind;
  const char *version; /* "2024-04" or NULL */
  int64_t effective;   /* days since 1970-01-01 */
  int64_t until;       /* exclusive end; INT64_MAX when open-ended */
  int until_explicit;  /* 1 when the file said `until`, 0 when derived from the next version */
  const char *source;  /* citation or NULL */
  const char *file;    /* the file it came from */
  const char **notes;
  size_t nnotes;
  const tidu_info_line *infos;
  size_t ninfos;
  const char **regions; /* region code prefixes (`scope region`); none = everywhere */
  size_t nregions;
  const tidu_std_info *standards;
  size_t nstandards;
  const tidu_item_info *items;
  size_t nitems;
  const tidu_group_info *groups;
  size_t ngroups;
  int has_pass;       /* a `pass` block is present */
  int has_pass_score; /* the pass block has a `score >= N` line; N in pass_score */
  double pass_score;
} tidu_ruleset_info;

TIDU_API const tidu_ruleset_info *tidu_ruleset_meta(const tidu_ruleset *rs);

/* 1 when the rule set applies to a firm in `region` (NULL or "" applies only to rule sets
 * without a scope). */
TIDU_API int tidu_ruleset_applies(const tidu_ruleset *rs, const char *region);

/* ---- selection ------------------------------------------------------------------------ */

/* The rule sets in force on a date, one version per id, in the canonical order: boards
 * main, chinext, star, bse, neeq, regional (others after, by id); positioning star_tech,
 * chinext_growth (others after); then tiers in the order they were added.
 * Several variants of one id with different `scope region` may all be in force: all are
 * selected, each applying to its own firms. */
typedef struct tidu_selection tidu_selection;

/* Selects the rule sets in force on `as_of_days`. `only_ids` is NULL or a comma-separated
 * list of ids ("star,bse"); an id not in the book is TIDU_ERR_USAGE with a suggestion.
 * The selection borrows the book: keep the book alive. Returns NULL on error. */
TIDU_API tidu_selection *tidu_rulebook_select(const tidu_rulebook *rb, int64_t as_of_days,
                                              const char *only_ids, tidu_error *err);
/* TIDU_OK when every id of `only_ids` (when NULL or empty: at least one rule set) has a version
 * in the selection made on `as_of_days`; otherwise TIDU_ERR_INPUT saying that no version of that
 * rule set was in force on that date and which dates the book covers. */
TIDU_API tidu_code tidu_selection_check(const tidu_rulebook *rb, const tidu_selection *sel,
                                        int64_t as_of_days, const char *only_ids, tidu_error *err);
TIDU_API void tidu_selection_free(tidu_selection *sel);
TIDU_API size_t tidu_selection_count(const tidu_selection *sel);
TIDU_API const tidu_ruleset *tidu_selection_get(const tidu_selection *sel, size_t i);
/* Marks (sets to 1, never clears) the firm fields (firm[TIDU_NFIRM]) and year fields
 * (year[TIDU_NYEAR]) that evaluating `sel` reads, and the region and USCC, which every
 * assessment reads. A scan that loads only the marked fields gives the same verdicts, gaps and
 * distances as one that loads every field. `sel` may be NULL (then only the two). */
TIDU_API void tidu_selection_fields(const tidu_selection *sel, unsigned char firm[TIDU_NFIRM],
                                    unsigned char year[TIDU_NYEAR]);

/* ---- dumps ---------------------------------------------------------------------------- */

typedef enum tidu_dump_mode {
  TIDU_DUMP_TOKENS = 0, /* one token a line: line:col kind text */
  TIDU_DUMP_TREE,       /* the syntax tree, indented, with spans */
  TIDU_DUMP_PROGRAM     /* the flat program (disassembly) */
} tidu_dump_mode;

/* Dumps a compiled rule set. *out is a malloc'd NUL-terminated string the caller frees. */
TIDU_API tidu_code tidu_ruleset_dump(const tidu_ruleset *rs, tidu_dump_mode mode, char **out,
                                     tidu_error *err);
/* Dumps source text directly (tokens and tree need no compilation; the program needs the
 * built-in prelude). On a lex/parse/compile error returns TIDU_ERR_RULE, *out = NULL and
 * every error in `errs`. */
TIDU_API tidu_code tidu_rules_dump_text(const char *name, const char *text, size_t len,
                                        tidu_dump_mode mode, char **out, tidu_errlist *errs);

/* ---- threshold edits (what-if on one number) ------------------------------------------ */

/* The numeric comparisons of a block are numbered from 1 in source order: every `x OP y`
 * and `each(x, n) OP y` written inside a standard (or, together, inside all the `require`
 * blocks of a rule set), at any depth of all/any/not. Comparisons inside `let` bindings are
 * not counted. A threshold is addressed as "STANDARD_ID.N" ("main.1.3") or
 * "RULESET.require.N" ("innovative_sme.require.1"). */
typedef struct tidu_threshold {
  char *block; /* "main.1" or "main.require" */
  int n;       /* 1-based position */
  char *text; /* the comparison in words, without its label ("最近一年净利润 ≥ 1亿元") */
  char *literal; /* the right-hand constant as written ("1亿"), or NULL when not a constant */
  int line, col; /* position of the comparison in the rule file */
} tidu_threshold;

/* Lists every numbered comparison of `rs` (standards first, then the require blocks).
 * *out is a malloc'd array the caller frees with tidu_thresholds_free. */
TIDU_API tidu_code tidu_ruleset_thresholds(const tidu_ruleset *rs, tidu_threshold **out, size_t *n,
                                           tidu_error *err);
TIDU_API void tidu_thresholds_free(tidu_threshold *t, size_t n);

/* Builds the rule sets of `base` with thresholds replaced. Each of `specs` is
 * "ADDRESS=VALUE", VALUE a number literal of the rule language ("1.2亿", "12%", "5000万").
 * The source text of the addressed rule set is edited (the literal replaced; the label of the
 * edited comparison, which states the old number, is dropped so the text is generated) and
 * compiled again under the same file name, so the normal compiler checks it. Every rule set
 * of `base` goes into a new book (`prelude_from` supplies the prelude; may be NULL for the
 * built-in one), selected on `as_of_days`.
 * On success *book and *sel are new (free the selection, then the book) and *changes (when
 * non-NULL) is a malloc'd array of nspecs malloc'd strings describing each change,
 * "main.1 #3 最近一年净利润 ≥ 1亿元 → ≥ 1.2亿元" (free with tidu_thresholds_changes_free).
 * Errors: TIDU_ERR_USAGE for a bad spec, an unknown block (with a suggestion), N out of range,
 * a right side that is not a constant, or a bad VALUE; TIDU_ERR_RULE when the edited text does
 * not compile (every error in `errs`, renderable against *book, which is then still set). */
TIDU_API tidu_code tidu_rules_set_thresholds(const tidu_selection *base,
                                             const tidu_rulebook *prelude_from,
                                             const char *const *specs, size_t nspecs,
                                             int64_t as_of_days, tidu_rulebook **book,
                                             tidu_selection **sel, char ***changes,
                                             tidu_errlist *errs, tidu_error *err);
TIDU_API void tidu_thresholds_changes_free(char **changes, size_t n);

/* ---- the names the language knows ----------------------------------------------------- */

typedef struct tidu_metric_info {
  const char *name;    /* "revenue", "profit" */
  const char *zh;      /* Chinese name */
  char scope;          /* 'F' firm field, 'Y' year field, 'D' derived series (prelude) */
  tidu_type type;      /* for derived: the type of the result */
  const char *formula; /* for derived: its definition as written; NULL for fields */
} tidu_metric_info;

/* Fills up to `cap` entries (fields first, in registry order, then the prelude's bindings)
 * and returns how many there are in total. Strings are owned by the book / static. */
TIDU_API size_t tidu_rulebook_metrics(const tidu_rulebook *rb, tidu_metric_info *out, size_t cap);

/* The function names of the language (NULL-terminated static list). */
TIDU_API const char *const *tidu_rules_functions(void);

#endif
