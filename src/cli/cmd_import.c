/* `tidu import`: options, progress and messages around the application layer's import. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_batch.h"
#include "tidu/import.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"

static const cli_option import_opts[] = {
    CLI_OPT_DB,
    {"sheet", 0, "NAME", "XLSX 中要读取的工作表(默认第一个)",
     "XLSX sheet to read (default: the first)"},
    CLI_READ_OPTS,
    {"dry-run", 'n', NULL, "只检查并汇总，不写入", "check and summarise, write nothing"},
    {"skip-bad", 0, "REJECTS", "写入正确的记录，错误记录(附原因)写入此文件(JSON 输入为 NDJSON)",
     "write the good records; rejected rows with a reason go to this file (NDJSON for JSON input)"},
    {"format", 'f', "FMT", "输入格式 csv|xlsx|json|ndjson(默认按扩展名)",
     "input format csv|xlsx|json|ndjson (default: by extension)"},
    CLI_OPT_WAIT,
    {NULL, 0, NULL, NULL, NULL},
};

const cli_spec cli_import_specs[] = {
    {"import", "[options] FILE...", "把 CSV/XLSX/JSON 文件导入登记库(一次导入一个事务)",
     "import CSV/XLSX/JSON files into the registry (one transaction per import)", import_opts,
     "没有 --skip-bad 时，任何错误都不写入，并列出全部问题 (FILE:SHEET:ROW:COLUMN: message)。\n"
     "Without --skip-bad any error writes nothing and every problem is listed.",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

static tidu_format parse_format(const char *s, int *ok) {
  *ok = 1;
  if (!s) return TIDU_FMT_AUTO;
  if (!strcmp(s, "csv")) return TIDU_FMT_CSV;
  if (!strcmp(s, "xlsx")) return TIDU_FMT_XLSX;
  if (!strcmp(s, "json")) return TIDU_FMT_JSON;
  if (!strcmp(s, "ndjson")) return TIDU_FMT_NDJSON;
  *ok = 0;
  return TIDU_FMT_AUTO;
}

typedef struct cli_import {
  int dry_run;
  int skip_bad;
  cli_progress progress;
} cli_import;

/* Prints one problem as FILE:SHEET:ROW:COLUMN: message (sheet only for XLSX). */
static void print_problem(void *ud, const char *path, const char *sheet, const tidu_error *e,
                          int opening) {
  (void)ud;
  (void)opening;
  fprintf(stderr, "%s", e->file[0] ? e->file : path);
  if (sheet) fprintf(stderr, ":%s", sheet);
  if (e->line > 0) fprintf(stderr, ":%ld", e->line);
  if (e->column_name[0])
    fprintf(stderr, ":%s", e->column_name);
  else if (e->col > 0)
    fprintf(stderr, ":%ld", e->col);
  fprintf(stderr, ": %s%s\n", e->warning ? "警告/warning: " : "", e->message);
}

static void print_error(void *ud, const tidu_error *e) {
  (void)ud;
  cli_print_error(e);
}

/* Counts newlines, to size the progress bar of a text file. */
static uint64_t count_lines(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char buf[65536];
  size_t n;
  uint64_t lines = 0;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++) lines++;
  fclose(f);
  return lines;
}

static void file_start(void *ud, const char *path, int xlsx) {
  cli_import *ci = ud;
  if (isatty(STDERR_FILENO) && !xlsx) cli_progress_start(&ci->progress, path, count_lines(path));
}

static void progress(void *ud, long line) {
  cli_import *ci = ud;
  cli_progress_update(&ci->progress, (uint64_t)(line > 0 ? line : 0));
}

static void file_end(void *ud) {
  cli_import *ci = ud;
  cli_progress_end(&ci->progress);
}

static void print_summary(void *ud, const tidu_import_result *res) {
  cli_import *ci = ud;
  const tidu_import_summary *s = &res->sum;
  int fatal = res->fatal != TIDU_OK;
  int refuse = fatal || (res->problems > 0 && !ci->skip_bad);
  if (refuse && !fatal)
    fprintf(stderr, "%ld 个问题，未写入任何数据 / %ld problem%s, nothing written\n", res->problems,
            res->problems, res->problems == 1 ? "" : "s");
  printf("记录/records %lld; 企业/firms: 新增/new %lld, 更新/updated %lld, 未变/unchanged %lld; "
         "年度/years: 新增/added %lld, 变更/changed %lld, 未变/unchanged %lld; "
         "警告/warnings %lld; 拒绝/rejected %lld%s\n",
         s->records, s->firms_new, s->firms_updated, s->firms_unchanged, s->years_added,
         s->years_changed, s->years_unchanged, s->warnings, s->rejected,
         res->written ? "" : " (未写入 / nothing written)");
  if (s->edits_overwritten > 0)
    printf("覆盖手工修改/overwrote manual edits %lld: 这些数值此前由 firm edit "
           "修改,现被文件中的值替换,"
           "原修改仍在 firm history 中 / these values had been set by firm edit and are now "
           "replaced by the file's; the edits remain in firm history\n",
           s->edits_overwritten);
}

static int run_import(cli_import *ci, tidu_store *store, const tidu_import_options *opt, int nfiles,
                      char **files) {
  tidu_import_hooks h = {0};
  h.ud = ci;
  h.problem = print_problem;
  h.error = print_error;
  h.file_start = file_start;
  h.progress = progress;
  h.file_end = file_end;
  h.done = print_summary;
  tidu_import_result res;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_import_run(store, files, (size_t)nfiles, opt, &h, &res, &err);
  if (rc != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  if (res.fatal != TIDU_OK) return cli_exit_code(res.fatal);
  return res.sum.rejected > 0 || res.problems > 0 ? CLI_INPUT : CLI_OK;
}

/* Import may create the registry, and says so; a dry run works on a private copy and takes no
 * write lock (an absent registry is compared as an empty one and not created). */
static int open_registry(const char *path, int dry_run, tidu_store **out) {
  struct stat st;
  int missing = !strstr(path, "://") && *path && strcmp(path, ":memory:") != 0 &&
                stat(path, &st) != 0 && errno == ENOENT;
  int rc = cli_open_store_with(path, dry_run ? TIDU_STORE_DRY : TIDU_STORE_CREATE, out);
  if (rc == CLI_OK && missing)
    fprintf(stderr,
            dry_run
                ? "%s: 登记库不存在,试运行按空登记库计算,不创建 / no registry here: the dry run "
                  "compares with an empty one and creates nothing\n"
                : "%s: 登记库不存在,已新建 / no registry here: created a new one\n",
            path);
  return rc;
}

int cmd_import(int argc, char **argv) {
  const cli_spec *spec = &cli_import_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  if (a.npos == 0) {
    cli_args_free(&a);
    return cli_usage(spec, "需要至少一个文件 / needs at least one FILE");
  }
  tidu_import_options opt;
  memset(&opt, 0, sizeof opt);
  cli_import ci;
  memset(&ci, 0, sizeof ci);
  int ok;
  opt.fmt = parse_format(cli_get(spec, &a, "format"), &ok);
  int ro_rc = cli_read_options(spec, &a, &opt.read);
  if (ro_rc) {
    cli_args_free(&a);
    return ro_rc;
  }
  opt.dry_run = ci.dry_run = cli_get(spec, &a, "dry-run") != NULL;
  opt.rejects = cli_get(spec, &a, "skip-bad");
  opt.skip_bad = ci.skip_bad = opt.rejects != NULL;
  const char *spill = getenv("TIDU_SPILL_ABOVE"); /* bytes; tests make small files spill */
  if (spill && *spill) opt.spill_above = (size_t)strtoull(spill, NULL, 10);
  if (!ok) {
    cli_args_free(&a);
    return cli_usage(spec, "未知格式 / unknown format '%s'", cli_get(spec, &a, "format"));
  }
  tidu_store *store = NULL;
  if (opt.rejects)
    rc = cli_guard_output(opt.rejects, cli_db_path(cli_get(spec, &a, "db")), a.pos, a.npos);
  if (rc == CLI_OK) rc = cli_set_wait(spec, cli_get(spec, &a, "wait"));
  if (rc == CLI_OK) rc = open_registry(cli_db_path(cli_get(spec, &a, "db")), opt.dry_run, &store);
  if (rc == CLI_OK) rc = run_import(&ci, store, &opt, a.npos, a.pos);
  tidu_store_close(store);
  cli_args_free(&a);
  return rc;
}
