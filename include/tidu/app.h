/* The application layer: use cases shared by the faces (CLI, server), returning results and
 * errors without printing. Firm inputs here; registry assessment in regeval.h. */
#ifndef TIDU_APP_H
#define TIDU_APP_H

#include <stddef.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/io.h"
#include "tidu/source.h"

/* ---- inputs ---------------------------------------------------------------------------- */

/* The registry path an input `db:PATH` or --db names: PATH (NULL: $TIDU_DB, else "tidu.db"; an
 * empty PATH or $TIDU_DB stays "", which opening refuses). Borrowed
 * (from `path` or the environment). */
TIDU_API const char *tidu_input_db_path(const char *path);

/* Opens one input now: a table file, a pack or `db:PATH` (the registry must exist; `db:` alone
 * reads $TIDU_DB_READ when set, else tidu_input_db_path("")). Errors as
 * tidu_source_open_file and tidu_store_source_open; *out = NULL then. */
TIDU_API tidu_code tidu_input_open_one(const char *path, const char *sheet, tidu_source **out,
                                       tidu_error *err);

/* Opens the inputs `paths[0..n)` as one firm source read in turn: table files (CSV, XLSX,
 * JSON, NDJSON; `sheet` for XLSX), packs and registries written `db:PATH`. A single pack is
 * read in slices (in parallel by the batch engine). Inputs are opened when reading reaches
 * them; one that cannot be opened is a record error (TIDU_ERR_INPUT naming it, reading goes on
 * with the next). `paths` is borrowed until the source is closed. */
TIDU_API tidu_code tidu_input_open(char *const *paths, size_t n, const char *sheet,
                                   tidu_source **out, tidu_error *err);

/* The two above with every reading option of table files (sheet, header row, encoding; see
 * tidu_read_options); `ro` may be NULL and is copied. */
TIDU_API tidu_code tidu_input_open_one_opt(const char *path, const tidu_read_options *ro,
                                           tidu_source **out, tidu_error *err);
TIDU_API tidu_code tidu_input_open_opt(char *const *paths, size_t n, const tidu_read_options *ro,
                                       tidu_source **out, tidu_error *err);
/* The two above where registry inputs (db:PATH) read only the marked fields: `firm` and `year`
 * are TIDU_NFIRM / TIDU_NYEAR flags as tidu_selection_fields fills them (NULL: every field;
 * borrowed until the source is closed). Unread fields stay as tidu_firm_init leaves them, so
 * mark every field the caller reads. Table files and packs are read whole. */
TIDU_API tidu_code tidu_input_open_one_fields(const char *path, const tidu_read_options *ro,
                                              const unsigned char *firm, const unsigned char *year,
                                              tidu_source **out, tidu_error *err);
TIDU_API tidu_code tidu_input_open_fields(char *const *paths, size_t n, const tidu_read_options *ro,
                                          const unsigned char *firm, const unsigned char *year,
                                          tidu_source **out, tidu_error *err);

#endif
