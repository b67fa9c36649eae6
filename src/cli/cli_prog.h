/* Helpers shared by the programme's commands (cmd_pool.c, cmd_keyfirms.c, cmd_prog.c). */
#ifndef TIDU_CLI_PROG_H
#define TIDU_CLI_PROG_H

#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "tidu/programme.h"

/* The actor: --who (else $USER, else "cli") and "cli: tidu <command>" as the source (kept in
 * `src`). */
void cli_prog_actor(const cli_spec *spec, const cli_args *a, tidu_actor *act, char *src,
                    size_t size);
/* Prints the error; returns its exit status. */
int cli_prog_fail(const tidu_error *err);
/* --format: *fmt 0 table, 1 json, 2 csv (when `allowed` names csv). */
int cli_prog_format(const cli_spec *spec, const cli_args *a, const char *allowed, int *fmt);
/* --year (required). */
int cli_prog_year(const cli_spec *spec, const cli_args *a, int32_t *year);
/* Opens the programme context from --rules, --scope, --board-order, --as-of. */
int cli_prog_open(const cli_spec *spec, const cli_args *a, int32_t year, tidu_programme **p);
/* Prints a JSON value (indented) and releases it. */
void cli_json_print(json_t *v);
/* A JSON string, or null for NULL. */
json_t *cli_jstr(const char *s);
/* One CSV cell (quoted when needed; NULL is empty). */
void cli_csv_cell(FILE *out, const char *s);
/* 1 when the ';'-joined `list` holds `item`. */
int cli_prog_has(const char *list, const char *item);
/* Days since 1970-01-01 of a civil date. */
int64_t cli_days_from_civil(int y, int m, int d);
/* Prints layer counts grouped by city (4-digit region) or by chain. */
void cli_prog_group_layers(const tidu_layers *l, int by_region);
/* `pool shortlist`, `pool assign` and `pool log` (cmd_keyfirms.c), run from the pool's table. */
int cli_pool_shortlist(const cli_spec *spec, const cli_args *a, struct tidu_store *s);
int cli_pool_assign(const cli_spec *spec, const cli_args *a, struct tidu_store *s);
int cli_pool_log(const cli_spec *spec, const cli_args *a, struct tidu_store *s);

#endif
