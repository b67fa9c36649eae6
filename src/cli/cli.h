/* The tidu command's shared face: the command table, option tables, and terminal helpers. */
#ifndef TIDU_CLI_H
#define TIDU_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "tidu/error.h"

/* Exit statuses (design.md): 0 ok, 1 input or data errors, 2 usage errors. */
enum { CLI_OK = 0, CLI_INPUT = 1, CLI_USAGE = 2 };

/* ---- options: each command describes its options once; --help and the man page are
 * generated from that description ---- */

/* One option. `name` is the long name without dashes ("as-of"); `arg` names the value
 * ("DATE") or is NULL for a flag. The list of a command ends with an entry whose name is
 * NULL. */
typedef struct cli_option {
  const char *name;
  char short_name; /* 'o' for -o, or 0 */
  const char *arg;
  const char *zh;
  const char *en;
} cli_option;

/* Options many commands share, declared once; the commands' tables list them by these names.
 * (Their values are read by one function each: cli_opt_as_of, cli_set_wait, cli_rules_load,
 * cli_open_store*.) */
#define CLI_OPT_DB                                                                                 \
  {                                                                                                \
    "db", 0, "PATH|URL", "登记库文件或 postgresql:// 地址(默认 $TIDU_DB 或 ./tidu.db)",            \
        "registry file or postgresql:// URL (default $TIDU_DB or ./tidu.db)"                       \
  }
#define CLI_OPT_WAIT                                                                               \
  {                                                                                                \
    "wait", 0, "SECONDS", "另一进程正在写入时最多等待的秒数(默认 300,或 $TIDU_WAIT)",              \
        "how long to wait while another process writes (default 300, or $TIDU_WAIT)"               \
  }
#define CLI_OPT_AS_OF                                                                              \
  { "as-of", 0, "DATE", "评估日期(默认今天)", "assessment date (default today)" }
#define CLI_OPT_RULES                                                                              \
  {                                                                                                \
    "rules", 0, "DIR", "用 DIR 下的规则文件代替内置规则",                                          \
        "use the rule files under DIR instead of the built-in ones"                                \
  }
#define CLI_OPT_SHEET                                                                              \
  {                                                                                                \
    "sheet", 0, "NAME", "XLSX 文件读取的工作表(默认第一个)",                                       \
        "XLSX sheet to read (default: the first)"                                                  \
  }
#define CLI_OPT_THREADS                                                                            \
  { "threads", 0, "N", "工作线程数(默认 CPU 数)", "worker threads (default: the number of CPUs)" }
#define CLI_OPT_END                                                                                \
  { NULL, 0, NULL, NULL, NULL }

struct cli_spec;
struct cli_args;
struct tidu_store;
/* A subcommand's handler, given its parsed options and the registry opened for it. */
typedef int (*cli_store_run)(const struct cli_spec *spec, const struct cli_args *a,
                             struct tidu_store *s);
/* cli_spec.flags: the subcommand only reads the registry; it may create the registry */
enum { CLI_READS = 1, CLI_CREATES = 2 };

/* One command (or subcommand, "rules list"): usage line, summary, options. */
typedef struct cli_spec {
  const char *name;  /* "assess", "rules list" */
  const char *usage; /* after the name: "[options] FILE..." */
  const char *zh;
  const char *en;
  const cli_option *opts; /* NULL or ended by {NULL} */
  const char *more;       /* extra help text (examples), or NULL */
  cli_store_run run;      /* for registry subcommands run by cli_run_store_sub, else NULL */
  int flags;              /* CLI_READS, CLI_CREATES */
} cli_spec;

#define CLI_MAX_OPTS 32

/* Parsed arguments. `val[i]` is the value of option i, "" for a flag that was given, NULL
 * when absent (the last occurrence wins). `pos` holds the positional arguments in order
 * (borrowed from argv); free with cli_args_free. */
typedef struct cli_args {
  const char *val[CLI_MAX_OPTS];
  char **pos;
  int npos;
} cli_args;

/* Parses argv[1..argc-1] (argv[0] is the command's name) against `spec`. "--" ends the
 * options; "--name=value", "--name value" and "-x value" are accepted; --help / -h prints
 * the help. Returns CLI_OK, -1 when the help was printed (exit 0), or CLI_USAGE after
 * printing the problem on stderr. */
int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out);
void cli_args_free(cli_args *a);
/* The value of the option called `name` (NULL when not given). */
const char *cli_get(const cli_spec *spec, const cli_args *a, const char *name);

/* Prints a command's help (usage, summary, options) on `out`. */
void cli_print_help(FILE *out, const cli_spec *spec);
/* Reports a usage problem: "tidu CMD: message" plus a hint to --help, on stderr. Returns
 * CLI_USAGE so callers can `return cli_usage(...)`. */
int cli_usage(const cli_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For a command with subcommands, whose `specs` (ended by a NULL name) are named "<cmd> <sub>":
 * returns the spec of subcommand argv[1]. Otherwise returns NULL and sets *status: with no
 * argument, `usage` is printed to stderr and *status is CLI_USAGE; with --help or -h, to stdout
 * and CLI_OK; an unknown subcommand is reported, the usage printed to stderr, CLI_USAGE. */
const cli_spec *cli_find_sub(const char *cmd, const cli_spec *specs, void (*usage)(FILE *out),
                             int argc, char **argv, int *status);

/* Runs subcommand argv[1] of a registry command `cmd` whose `specs` carry their handlers:
 * finds it (cli_find_sub), parses its options, takes --wait, opens the registry named by --db
 * (for reading only when the spec has CLI_READS) and calls spec->run. Returns the exit status. */
int cli_run_store_sub(const char *cmd, const cli_spec *specs, void (*usage)(FILE *out), int argc,
                      char **argv);

/* The value of --as-of (YYYY-MM-DD) in days since 1970-01-01, today when absent. CLI_OK or
 * CLI_USAGE (reported). */
int cli_opt_as_of(const cli_spec *spec, const struct cli_args *a, int64_t *days);

/* ---- the command table (main.c) ---- */

typedef int (*cli_handler)(int argc, char **argv);

/* One entry of the command table. `specs` lists the command's option tables for the man
 * page (ended by an entry with a NULL name), or is NULL. */
typedef struct cli_command {
  const char *name;
  cli_handler run;
  const char *zh;
  const char *en;
  const cli_spec *specs;
} cli_command;

/* The table, ended by an entry with a NULL name. */
extern const cli_command cli_commands[];

/* Handlers: argv[0] is the command's name. Each returns an exit status. */
int cmd_help(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_gen(int argc, char **argv);

/* Option tables of the commands above, for the man page. */
extern const cli_spec cli_assess_specs[];
extern const cli_spec cli_rules_specs[];
extern const cli_spec cli_gen_specs[];

/* Population commands (cmd_pack.c, cmd_simulate.c, cmd_project.c). */
int cmd_pack(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_project(int argc, char **argv);
extern const cli_spec cli_pack_specs[];
extern const cli_spec cli_simulate_specs[];
extern const cli_spec cli_project_specs[];

/* Registry commands (cmd_db.c, cmd_import.c, cmd_firm.c, cmd_export.c). */
int cmd_db(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_firm(int argc, char **argv);
int cmd_export(int argc, char **argv);
extern const cli_spec cli_db_specs[];
extern const cli_spec cli_import_specs[];
extern const cli_spec cli_firm_specs[];
extern const cli_spec cli_export_specs[];
/* The cultivation programme (cmd_pool.c, cmd_keyfirms.c, cmd_prog.c). */
int cmd_pool(int argc, char **argv);
int cmd_events(int argc, char **argv);
extern const cli_spec cli_pool_specs[];
extern const cli_spec cli_events_specs[];
int cmd_ladder(int argc, char **argv);
int cmd_transitions(int argc, char **argv);
int cmd_progress(int argc, char **argv);
int cmd_inst(int argc, char **argv);
int cmd_finance(int argc, char **argv);
int cmd_event(int argc, char **argv);
int cmd_targets(int argc, char **argv);
int cmd_report(int argc, char **argv);
extern const cli_spec cli_ladder_specs[];
extern const cli_spec cli_transitions_specs[];
extern const cli_spec cli_progress_specs[];
extern const cli_spec cli_inst_specs[];
extern const cli_spec cli_finance_specs[];
extern const cli_spec cli_event_specs[];
extern const cli_spec cli_targets_specs[];
extern const cli_spec cli_report_specs[];
/* The registry's path: `opt` (--db) when given, else $TIDU_DB, else "tidu.db". */
const char *cli_db_path(const char *opt);
/* Opens the registry at cli_db_path(opt), printing any error; returns an exit status. */
struct tidu_store;
int cli_open_store(const char *opt, struct tidu_store **out);
/* The same with TIDU_STORE_* flags: only `db init` and `import` pass TIDU_STORE_CREATE; every
 * other command on a missing registry is an error naming the path. A writer that has to wait
 * for another says so on stderr, naming who holds the registry, and waits up to --wait seconds
 * (cli_set_wait), else $TIDU_WAIT, else CLI_WAIT_DEFAULT. */
#define CLI_WAIT_DEFAULT 300
int cli_open_store_with(const char *opt, int flags, struct tidu_store **out);
/* Takes the value of a --wait option (NULL: not given); CLI_OK or CLI_USAGE (reported). */
int cli_set_wait(const cli_spec *spec, const char *opt);
/* Names the running command in the registry's holder file ("tidu import"); main.c calls it. */
void cli_set_command(const char *name);
/* The database read-only work reads: $TIDU_DB_READ (set by the global --db-read, e.g. a
 * streaming replica) when given, else cli_db_path(opt). */
const char *cli_db_read_path(const char *opt);
/* Opens cli_db_read_path(opt) for reading only (lists, exports, population assessment): a
 * replica is opened as it is, never migrated; the primary as cli_open_store does. */
int cli_open_store_read(const char *opt, struct tidu_store **out);
/* Refuses an output path that is the registry `db` (may be NULL) or one of `inputs` ("db:PATH"
 * names a registry), hard links and the registry's -wal/-shm/-journal files included
 * (tidu_outfile_guard). Prints the problem; returns CLI_OK or CLI_USAGE. */
int cli_guard_output(const char *out, const char *db, char *const *inputs, int ninputs);

/* Checks the registry filters a user typed: a region that is not a code prefix ("苏州") is a
 * usage error naming the codes meant ("3205 江苏省苏州市"), an unknown prefix a warning; an
 * industry that is not a code prefix likewise; a title in Chinese is turned into its id.
 * Returns CLI_OK or CLI_USAGE (reported). */
struct tidu_store_filter;
int cli_check_filter(const cli_spec *spec, struct tidu_store_filter *flt);

/* Assessing registry firms in chunks with the built-in rules (cmd_firm.c; used by export). */
#define CLI_REGEVAL_CHUNK 256 /* = TIDU_REGEVAL_CHUNK */
typedef struct cli_regeval cli_regeval;
struct tidu_firm;
struct tidu_export_ruleset;
struct tidu_export_assessment;
/* Loads the rules in force on `as_of`; prints problems and returns an exit status. */
int cli_regeval_open(int64_t as_of, cli_regeval **out);
/* Asks each run to also say where every rule set stands in the condition's own unit
 * (tidu_report_standing, in `lang`): the `gap` texts of tidu_export_assessment. */
#define CLI_STANDING 96 /* = TIDU_REGEVAL_STANDING */
int cli_regeval_want_standing(cli_regeval *e, const char *lang);
void cli_regeval_close(cli_regeval *e);
size_t cli_regeval_count(const cli_regeval *e);
const struct tidu_export_ruleset *cli_regeval_rulesets(const cli_regeval *e);
/* Index of rule set `id` in the selection, -1 when absent. */
int cli_regeval_find(const cli_regeval *e, const char *id);
/* Assesses firms[0..n), n <= CLI_REGEVAL_CHUNK (the firms must outlive the results). */
int cli_regeval_run(cli_regeval *e, const struct tidu_firm *firms, size_t n);
/* The verdicts of firm `lane` of the last run (pointers into e). */
void cli_regeval_get(const cli_regeval *e, size_t lane, struct tidu_export_assessment *a);
/* Reads the firms `flt` selects from `s` in chunks of CLI_REGEVAL_CHUNK, assesses each chunk
 * with `e` when it is not NULL, and calls `each` for every firm with its verdicts (NULL without
 * `e`). Stops at the first exit status other than CLI_OK, from `each` or from reading (printed,
 * CLI_INPUT), and returns it. */
struct tidu_store_filter;
typedef int (*cli_firm_fn)(void *ctx, const struct tidu_firm *f,
                           const struct tidu_export_assessment *a);
int cli_regeval_each(struct tidu_store *s, const struct tidu_store_filter *flt, cli_regeval *e,
                     cli_firm_fn each, void *ctx);

/* The server and its accounts (cmd_serve.c). */
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
extern const cli_spec cli_serve_specs[];

/* ---- terminal ---- */

/* Colour: 1 when `f` is a terminal, NO_COLOR is unset and TERM is not "dumb"; the global
 * options --color / --no-color override (cli_set_color: 1 on, 0 off, -1 automatic). */
int cli_color(FILE *f);
void cli_set_color(int mode);
/* ANSI sequences, or "" when colour is off for stdout. */
const char *cli_green(void);
const char *cli_red(void);
const char *cli_yellow(void);
const char *cli_bold(void);
const char *cli_dim(void);
const char *cli_reset(void);

/* Columns of the terminal on stdout (COLUMNS, else the tty's size, else 100). */
int cli_term_width(void);

/* Display width of UTF-8 text: CJK and full-width characters count 2, combining marks 0. */
int cli_display_width(const char *s);
/* Copies `s` into buf, cut to at most `width` display columns with "…" at the cut. */
void cli_truncate(const char *s, int width, char *buf, size_t size);
/* Prints `s` and pads with spaces to `width` display columns. */
void cli_pad(FILE *out, const char *s, int width);

/* A progress bar on stderr, drawn only when stderr is a terminal; with a total of 0 it shows
 * a running count instead. Nothing is drawn until the first step is reached. */
typedef struct cli_progress {
  const char *label;
  uint64_t total;
  uint64_t shown;
  int active;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *label, uint64_t total);
void cli_progress_update(cli_progress *p, uint64_t done);
void cli_progress_end(cli_progress *p);

/* ---- errors and values ---- */

/* Prints an error on stderr as "FILE:LINE:COL: message" (parts that are unknown are left
 * out); warnings get "警告/warning: " before the message. The message is "中文 / English"
 * unless --lang chose one language (cli_set_message_lang). */
void cli_print_error(const tidu_error *err);
/* Chooses the language of messages: "zh", "en", or anything else for both (the default).
 * cli_parse calls it for a command's --lang. */
void cli_set_message_lang(const char *lang);
/* Prints " (是否为 / did you mean 'revenue' 营业收入?)" for a mistyped field name, or nothing. */
void cli_suggest_field(FILE *out, const char *name);
/* Maps a library code to an exit status: USAGE -> 2, OK -> 0, anything else -> 1. */
int cli_exit_code(tidu_code code);

/* Parses a YYYY-MM-DD date into days since 1970-01-01; 0 on success, -1 when invalid. */
int cli_parse_date(const char *s, int64_t *days);
/* A stored UTC time "2026-01-05T02:03:04Z" shown in the local time zone
 * ("2026-01-05 10:03:04 +0800"); other text is copied as it is. */
void cli_local_time(const char *utc, char *buf, size_t size);
/* Today's date (UTC) in days since 1970-01-01. */
int64_t cli_today(void);
/* Parses a whole number in [lo, hi]; 0 on success, -1 when invalid. */
int cli_parse_int(const char *s, long long lo, long long hi, long long *out);

/* Short amounts for tables: "2.1亿", "850万", "3200元" (zh) or "CNY 210mn", "CNY 8.5mn",
 * "CNY 3.2k" (en). */
void cli_short_yuan(double yuan, const char *lang, char *buf, size_t size);

#endif
