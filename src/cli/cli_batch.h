/* Shared by the population commands (assess --summary, pack, simulate, project). */
#ifndef TIDU_CLI_BATCH_H
#define TIDU_CLI_BATCH_H

#include "cli.h"
#include "tidu/batch.h"
#include "tidu/io.h"
#include "tidu/rules.h"

/* Where firms come from: one pack file (read in parallel), or a chain of files read in turn
 * (CSV, XLSX, JSON, NDJSON, pack) and registries written `db:PATH` (`db:` = the default
 * registry, see cli_db_path). */
typedef struct cli_source cli_source;

/* Opens the inputs; prints the problem and returns an exit status on failure. */
int cli_source_open(char **paths, int n, const char *sheet, const char *label, cli_source **out);
/* Same with every reading option (--header-row, --encoding as well as --sheet). */
/* The same where registry inputs read only the marked fields (tidu_input_open_fields). */
int cli_source_open_fields(char **paths, int n, const tidu_read_options *ro,
                           const unsigned char *firm, const unsigned char *year, const char *label,
                           cli_source **out);
int cli_source_open_ro(char **paths, int n, const tidu_read_options *ro, const char *label,
                       cli_source **out);
void cli_source_close(cli_source *s);
const tidu_batch_input *cli_source_input(cli_source *s);
/* 1 when a record error was reported (exit status 1). */
int cli_source_had_errors(const cli_source *s);
/* Fills the callbacks of `opt` that report input errors and progress through `s`. */
void cli_source_hook(cli_source *s, tidu_batch_options *opt);
/* Ends the progress line. */
void cli_source_done(cli_source *s);

/* Loads the rules (DIR, or the built-in ones when NULL) and prints every error. */
int cli_load_rules(const char *dir, tidu_rulebook **out);
/* The one place the command reads rule books: the built-in rules (path NULL), the rule files
 * under directory `path`, or (with CLI_RULES_FILE) a single rule file or a directory. Rule
 * errors are shown on stderr unless CLI_RULES_QUIET; `who` ("tidu", "tidu rules") starts the
 * other messages. Returns CLI_OK or CLI_INPUT; *out is set on success, and with CLI_RULES_KEEP
 * also when some rule sets failed (NULL only when memory ran out). *nerrs (when not NULL)
 * counts the rule errors. */
enum { CLI_RULES_QUIET = 1, CLI_RULES_FILE = 2, CLI_RULES_KEEP = 4 };
int cli_rules_load(const char *who, const char *path, int flags, tidu_rulebook **out,
                   size_t *nerrs);
/* Selects `ids` (NULL = all) in force on `as_of`; prints the error. */
int cli_select(const tidu_rulebook *rb, int64_t as_of, const char *ids, tidu_selection **out);

/* Runs `tidu assess --summary`: aggregates of `sel` over the inputs, as JSON (`json` = 1)
 * or as a table. Returns an exit status. */
int cli_assess_summary(const tidu_selection *sel, int64_t as_of, int32_t year, char **paths, int n,
                       const tidu_read_options *ro, int json);

/* The reading options --sheet, --header-row N and --encoding NAME of a command (the ones it
 * does not declare stay unset). Returns CLI_OK, or the usage status after printing it. */
int cli_read_options(const cli_spec *spec, const cli_args *a, tidu_read_options *ro);

/* Option lines of --header-row and --encoding, for commands that read CSV/XLSX files. */
#define CLI_READ_OPTS                                                                              \
  {"header-row", 0, "N", "表头所在的行号(其上的标题行跳过;默认第一个非空行)",                      \
   "row number of the header (title rows above it are skipped; default: the first non-blank "      \
   "row)"},                                                                                        \
  {                                                                                                \
    "encoding", 0, "NAME", "CSV/JSON 的编码 utf-8|gb18030|utf-16(默认自动识别)",                   \
        "encoding of CSV/JSON input: utf-8|gb18030|utf-16 (default: detected)"                     \
  }

#endif
