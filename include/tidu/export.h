/* Writing the registry out: CSV and XLSX firm lists with verdicts, and contract §3 NDJSON. */
#ifndef TIDU_EXPORT_H
#define TIDU_EXPORT_H

#include <stddef.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"

typedef enum tidu_export_format {
  TIDU_EXPORT_CSV = 0, /* long layout, Chinese headers, amounts in 元, UTF-8 */
  TIDU_EXPORT_JSON,    /* contract §3, one firm per line: re-importable and assessable */
  TIDU_EXPORT_XLSX     /* sheet 企业档案 (long layout, 万元) + one sheet per board layer */
} tidu_export_format;

/* A rule set whose verdicts are exported, in the order of the per-firm arrays. */
typedef struct tidu_export_ruleset {
  const char *id;   /* "star" */
  const char *name; /* "科创板" */
  int is_board;     /* boards define the XLSX layers */
} tidu_export_ruleset;

/* One firm's assessment, one entry per exported rule set (borrowed for the call). */
typedef struct tidu_export_assessment {
  const char *const *verdict; /* "pass", "fail", "unknown", or NULL when it does not apply */
  const char *const *nearest; /* nearest standard id, or NULL */
  const double *distance;     /* relative distance to the nearest standard (0 = passes); NaN */
  const char *const *gap;     /* where it stands in the condition's own unit ("star.4 差2亿+1",
                                 tidu_report_standing), or NULL (the whole array may be NULL) */
} tidu_export_assessment;

typedef struct tidu_exporter tidu_exporter;

/* Starts writing `path`: the firms go to a temporary file beside it, which tidu_export_close
 * renames over `path` once complete (tidu_outfile_open), so a failed or killed export leaves
 * the previous file as it was. `rulesets` (borrowed until close) lists the verdict columns;
 * nrulesets may be 0. JSON ignores verdicts. Returns TIDU_ERR_IO when the file cannot be
 * created. */
TIDU_API tidu_code tidu_export_open(const char *path, tidu_export_format fmt,
                                    const tidu_export_ruleset *rulesets, size_t nrulesets,
                                    tidu_exporter **out, tidu_error *err);

/* The text encoding of a CSV export: UTF-8 with a BOM (the default; Excel reads it) or
 * GB18030 without a BOM (for tools that read the system code page of Chinese Windows). */
typedef enum tidu_export_encoding { TIDU_ENC_UTF8 = 0, TIDU_ENC_GB18030 } tidu_export_encoding;

/* Sets the encoding of a CSV export; call it before the first tidu_export_add. Other formats,
 * or a call after the first firm, give TIDU_ERR_USAGE. */
TIDU_API tidu_code tidu_export_set_encoding(tidu_exporter *ex, tidu_export_encoding enc,
                                            tidu_error *err);

/* Writes one firm (all its years). `a` may be NULL (no verdicts). */
TIDU_API tidu_code tidu_export_add(tidu_exporter *ex, const tidu_firm *f,
                                   const tidu_export_assessment *a, tidu_error *err);

/* Finishes the file, puts it in place under its name, and frees the exporter (also on
 * error: then the previous file stays and nothing new appears). */
TIDU_API tidu_code tidu_export_close(tidu_exporter *ex, tidu_error *err);

/* Drops the export: the temporary file is removed, the previous file stays. Accepts NULL. */
TIDU_API void tidu_export_abort(tidu_exporter *ex);

/* Plain, exact text of a stored value for re-import: money in 元 ("1234.50"), ratios as
 * fractions ("0.15"), YEARS/SCORE as decimals, counts, "true" for a declared bool, enum
 * names, ';'-joined tags, YYYY-MM-DD; "" when absent. Returns the length. */
TIDU_API size_t tidu_export_value(const tidu_field_info *fi, int64_t v, const char *text, char *buf,
                                  size_t size);

#endif
