/* Assessing registry firms in chunks: the verdicts, nearest standards and distances per firm. */
#ifndef TIDU_REGEVAL_H
#define TIDU_REGEVAL_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/assess.h"
#include "tidu/error.h"
#include "tidu/export.h"
#include "tidu/firm.h"
#include "tidu/rules.h"
#include "tidu/source.h"
#include "tidu/store.h"

/* Firms are assessed this many at a time. */
#define TIDU_REGEVAL_CHUNK 256

/* Runs the rule sets in force on a date over registry firms. Borrows its rule book (keep it
 * alive); owns its selection and buffers. Not shared between threads. */
typedef struct tidu_regeval tidu_regeval;

/* Selects the rule sets of `book` in force on `as_of` (days since 1970-01-01). */
TIDU_API tidu_code tidu_regeval_open(const tidu_rulebook *book, int64_t as_of, tidu_regeval **out,
                                     tidu_error *err);
TIDU_API void tidu_regeval_close(tidu_regeval *e);
/* The selected rule sets, in selection order (owned by e). */
TIDU_API size_t tidu_regeval_count(const tidu_regeval *e);
TIDU_API const tidu_export_ruleset *tidu_regeval_rulesets(const tidu_regeval *e);
TIDU_API const tidu_selection *tidu_regeval_selection(const tidu_regeval *e);
/* Index of rule set `id`, -1 when absent. */
TIDU_API int tidu_regeval_find(const tidu_regeval *e, const char *id);
/* Assesses firms[0..n), n <= TIDU_REGEVAL_CHUNK, at each firm's latest year. The firms must
 * outlive the results. */
TIDU_API tidu_code tidu_regeval_run(tidu_regeval *e, const tidu_firm *firms, size_t n,
                                    tidu_error *err);
/* Asks every later run to also say where each rule set stands, in the condition's own unit
 * (tidu_report_standing in lang "zh" or "en"): the `gap` texts of tidu_export_assessment. This
 * builds each firm's result tree, so it costs more than verdicts alone. */
#define TIDU_REGEVAL_STANDING 96
TIDU_API tidu_code tidu_regeval_want_standing(tidu_regeval *e, const char *lang, tidu_error *err);
/* The verdicts of firm `lane` of the last run (pointers into e, valid until the next run). */
TIDU_API void tidu_regeval_get(const tidu_regeval *e, size_t lane, tidu_export_assessment *a);
/* The evaluation context of the last run, for tidu_eval_materialise. */
TIDU_API const tidu_eval *tidu_regeval_eval(const tidu_regeval *e);

/* Reads the firms of `src` (any firm source, source.h), assesses each chunk (when e is not
 * NULL) and calls `each` for every firm with its verdicts (NULL without e). `each` returns 0 to
 * go on, non-zero to stop (that value is kept in *stopped when stopped is not NULL). A record
 * error of the source ends the walk with that error. */
typedef int (*tidu_regeval_fn)(void *ctx, const tidu_firm *f, const tidu_export_assessment *a);
TIDU_API tidu_code tidu_regeval_each_source(tidu_source *src, tidu_regeval *e, tidu_regeval_fn each,
                                            void *ctx, int *stopped, tidu_error *err);
/* The same over the registry firms `flt` selects, read through the registry's firm source
 * (tidu_store_source). */
TIDU_API tidu_code tidu_regeval_each(tidu_store *s, const tidu_store_filter *flt, tidu_regeval *e,
                                     tidu_regeval_fn each, void *ctx, int *stopped,
                                     tidu_error *err);

#endif
