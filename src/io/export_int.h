/* Internals of the exporters: the XLSX writer behind tidu_export_* (src/io/xlsx_write.c). */
#ifndef TIDU_IO_EXPORT_INT_H
#define TIDU_IO_EXPORT_INT_H

#include "tidu/export.h"

typedef struct tidu_xlsx_out tidu_xlsx_out;

/* Creates the workbook in the file `file`; `path` is the name errors give (the final name of
 * an atomic write). Rulesets are borrowed until close. */
tidu_code tidu_xlsx_out_open(const char *file, const char *path, const tidu_export_ruleset *rs,
                             size_t nrs, tidu_xlsx_out **out, tidu_error *err);
tidu_code tidu_xlsx_out_add(tidu_xlsx_out *x, const tidu_firm *f, const tidu_export_assessment *a,
                            tidu_error *err);
/* Writes the file and frees `x` (also on error). */
tidu_code tidu_xlsx_out_close(tidu_xlsx_out *x, tidu_error *err);

/* Chinese word for a verdict name ("pass" -> "符合"); "" for NULL. */
const char *tidu_export_verdict_zh(const char *verdict);

#endif
