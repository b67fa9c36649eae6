/* `tidu db init|info|check|backup`: create, describe, verify and copy the registry file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tidu/app.h"
#include "tidu/outfile.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"

static const cli_option db_opts[] = {
    CLI_OPT_DB,
    CLI_OPT_WAIT,
    {NULL, 0, NULL, NULL, NULL},
};

static int run_init(const cli_spec *spec, const cli_args *a, tidu_store *s);
static int run_info(const cli_spec *spec, const cli_args *a, tidu_store *s);
static int run_check(const cli_spec *spec, const cli_args *a, tidu_store *s);
static int run_backup(const cli_spec *spec, const cli_args *a, tidu_store *s);

const cli_spec cli_db_specs[] = {
    {"db init", "[--db PATH]", "创建或升级登记库", "create or upgrade the registry", db_opts, NULL,
     run_init, CLI_CREATES},
    {"db info", "[--db PATH]", "显示登记库的版本与统计", "show the registry's version and counts",
     db_opts, NULL, run_info, 0},
    {"db check", "[--db PATH]", "检查登记库的完整性与外键", "check integrity and foreign keys",
     db_opts, NULL, run_check, 0},
    {"db backup", "[--db PATH] FILE", "在线备份登记库到 FILE", "copy the registry to FILE online",
     db_opts,
     "SQLite: 备份是一个登记库文件。PostgreSQL: 用与服务器同版本的 pg_dump 写出自定义格式，"
     "用 pg_restore 恢复。\nSQLite: the copy is a registry file. PostgreSQL: pg_dump of the "
     "server's version in custom format; restore with pg_restore.",
     run_backup, 0},
    {"db migrate", "[--db PATH]", "把登记库升级到本程序的版本",
     "upgrade the registry to this build's schema", db_opts, NULL, run_init, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* An empty --db or TIDU_DB is kept as "" so that opening it fails, naming the mistake. */
const char *cli_db_path(const char *opt) {
  return tidu_input_db_path(opt);
}

/* ---- how commands open the registry: waiting for writers, naming ourselves ---- */

static int wait_seconds = -2; /* -2: not decided yet (TIDU_WAIT or the default) */
static char label[64] = "tidu";

void cli_set_command(const char *name) {
  snprintf(label, sizeof label, "tidu %s", name);
}

int cli_set_wait(const cli_spec *spec, const char *opt) {
  long long v = 0;
  if (!opt) return CLI_OK;
  if (cli_parse_int(opt, 0, 86400, &v) != 0)
    return cli_usage(spec,
                     "--wait 需要 0 到 86400 之间的秒数 / --wait needs seconds from 0 to "
                     "86400, not '%s'",
                     opt);
  wait_seconds = (int)v;
  return CLI_OK;
}

static int wait_for_writers(void) {
  if (wait_seconds >= -1) return wait_seconds;
  long long v = 0;
  const char *env = getenv("TIDU_WAIT");
  if (env && *env && cli_parse_int(env, 0, 86400, &v) == 0) return (int)v;
  return CLI_WAIT_DEFAULT;
}

static void on_wait(const char *name, const char *holder, int seconds, void *ud) {
  (void)ud;
  char path[4096];
  tidu_store_display_name(name, path, sizeof path);
  fprintf(stderr,
          "%s: 登记库正被%s写入,等待中(最多 %d 秒)… / %s is writing to the registry; waiting (up "
          "to %d s, --wait SECONDS)…\n",
          path, holder ? holder : "另一个进程", seconds, holder ? holder : "another process",
          seconds);
}

int cli_open_store_with(const char *opt, int flags, tidu_store **out) {
  tidu_error err;
  tidu_error_clear(&err);
  const char *path = cli_db_path(opt);
  int w = wait_for_writers();
  tidu_store_options o = {flags, w == 0 ? -1 : w, label, on_wait, NULL};
  tidu_code rc = tidu_store_open_with(path, &o, out, &err);
  if (rc != TIDU_OK) {
    if (!err.file[0] && !strstr(err.message, path)) /* every registry error names the path */
      tidu_store_display_name(path, err.file, sizeof err.file);
    cli_print_error(&err);
  }
  return cli_exit_code(rc);
}

int cli_open_store(const char *opt, tidu_store **out) {
  return cli_open_store_with(opt, 0, out);
}

const char *cli_db_read_path(const char *opt) {
  const char *env = getenv("TIDU_DB_READ");
  return env && *env ? env : cli_db_path(opt);
}

int cli_open_store_read(const char *opt, tidu_store **out) {
  const char *env = getenv("TIDU_DB_READ");
  if (!env || !*env) return cli_open_store(opt, out);
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_store_open_existing(env, out, &err);
  if (rc != TIDU_OK) cli_print_error(&err);
  return cli_exit_code(rc);
}

int cli_guard_output(const char *out, const char *db, char *const *inputs, int ninputs) {
  const char **g = tidu_calloc((size_t)ninputs + 1, sizeof *g);
  if (!g) {
    fputs("tidu: 内存不足 / out of memory\n", stderr);
    return CLI_INPUT;
  }
  size_t n = 0;
  if (db) g[n++] = db;
  for (int i = 0; i < ninputs; i++)
    g[n++] = !strncmp(inputs[i], "db:", 3) ? cli_db_path(inputs[i][3] ? inputs[i] + 3 : NULL)
                                           : inputs[i];
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_outfile_guard(out, g, n, &err);
  free(g);
  if (rc == TIDU_OK) return CLI_OK;
  cli_print_error(&err);
  return CLI_USAGE;
}

static int db_init(tidu_store *s, const char *path) {
  tidu_store_info info;
  tidu_error err;
  if (tidu_store_info_get(s, &info, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  printf("登记库 / registry %s: 版本/schema v%d, %lld 家企业/firms\n", path, info.schema_version,
         info.firms);
  return CLI_OK;
}

static int db_info(tidu_store *s, const char *path) {
  tidu_store_info info;
  tidu_error err;
  if (tidu_store_info_get(s, &info, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  printf("文件/file           %s\n", path);
  printf("后端/backend        %s\n", info.backend);
  printf("版本/schema         %d (本程序/this build %d)\n", info.schema_version,
         TIDU_STORE_VERSION);
  printf("日志模式/journal    %s\n", info.journal_mode);
  printf("企业/firms          %lld (已删除/deleted %lld)\n", info.firms, info.firms_deleted);
  printf("年度数据/firm-years %lld\n", info.firm_years);
  printf("导入/imports        %lld\n", info.imports);
  printf("历史/history        %lld\n", info.history);
  printf("事件/events         %lld\n", info.events);
  return CLI_OK;
}

static int db_check(tidu_store *s) {
  char *report = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_store_check(s, &report, &err);
  if (report) fputs(report, stdout);
  free(report);
  if (rc != TIDU_OK) cli_print_error(&err);
  return cli_exit_code(rc);
}

static int db_backup(tidu_store *s, const char *path, const char *dest) {
  int grc = cli_guard_output(dest, path, NULL, 0);
  if (grc != CLI_OK) return grc;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_store_backup(s, dest, &err);
  if (rc != TIDU_OK) {
    cli_print_error(&err);
    return cli_exit_code(rc);
  }
  printf("已备份到 / backed up to %s\n", dest);
  return CLI_OK;
}

static void print_usage(FILE *out) {
  fputs("用法 / Usage: tidu db init|info|check|backup|migrate [--db PATH] [FILE]\n", out);
  for (const cli_spec *sp = cli_db_specs; sp->name; sp++)
    fprintf(out, "  tidu %-10s %s / %s\n", sp->name, sp->zh, sp->en);
}

/* The registry as `db init` and `db info` show it: a URL's password reads "***". */
static char shown[4096];

static int run_init(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  return db_init(s,
                 tidu_store_display_name(cli_db_path(cli_get(spec, a, "db")), shown, sizeof shown));
}

static int run_info(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  return db_info(s,
                 tidu_store_display_name(cli_db_path(cli_get(spec, a, "db")), shown, sizeof shown));
}

static int run_check(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  (void)spec;
  (void)a;
  return db_check(s);
}

static int run_backup(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  return db_backup(s, cli_db_path(cli_get(spec, a, "db")), a->pos[0]);
}

int cmd_db(int argc, char **argv) {
  int rc;
  const cli_spec *spec = cli_find_sub("db", cli_db_specs, print_usage, argc, argv, &rc);
  if (!spec) return rc;
  cli_args a;
  rc = cli_parse(spec, argc - 1, argv + 1, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  int takes_file = spec->run == run_backup;
  if (a.npos != (takes_file ? 1 : 0)) {
    cli_args_free(&a);
    return cli_usage(spec, takes_file ? "需要一个目标文件 / needs one FILE"
                                      : "不接受位置参数 / takes no arguments");
  }
  const char *path = cli_db_path(cli_get(spec, &a, "db"));
  tidu_store *s = NULL;
  rc = cli_set_wait(spec, cli_get(spec, &a, "wait"));
  if (rc != CLI_OK) {
    cli_args_free(&a);
    return rc;
  }
  rc = cli_open_store_with(path, (spec->flags & CLI_CREATES) ? TIDU_STORE_CREATE : 0, &s);
  if (rc == CLI_OK) rc = spec->run(spec, &a, s);
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}
