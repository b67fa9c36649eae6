/* `tidu import`: load CSV, XLSX and JSON files into the registry in one transaction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_batch.h"
#include "io/rowsrc.h"
#include "tidu/io.h"
#include "tidu/outfile.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"

static const cli_option import_opts[] = {
    {"db", 0, "PATH", "登记库文件(默认 $TIDU_DB 或 ./tidu.db)",
     "registry file (default $TIDU_DB or ./tidu.db)"},
    {"sheet", 0, "NAME", "XLSX 中要读取的工作表(默认第一个)",
     "XLSX sheet to read (default: the first)"},
    CLI_READ_OPTS,
    {"dry-run", 'n', NULL, "只检查并汇总，不写入", "check and summarise, write nothing"},
    {"skip-bad", 0, "REJECTS", "写入正确的记录，错误记录(附原因)写入此文件(JSON 输入为 NDJSON)",
     "write the good records; rejected rows with a reason go to this file (NDJSON for JSON input)"},
    {"format", 'f', "FMT", "输入格式 csv|xlsx|json|ndjson(默认按扩展名)",
     "input format csv|xlsx|json|ndjson (default: by extension)"},
    {"wait", 0, "SECONDS", "另一进程正在写入时最多等待的秒数(默认 300,或 $TIDU_WAIT)",
     "how long to wait while another process writes (default 300, or $TIDU_WAIT)"},
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

/* One rejected record. */
typedef struct reject {
  int file;
  long row;
  char column[128];
  char reason[512];
} reject;

typedef struct import_run {
  tidu_store *store;
  const char *sheet;
  tidu_read_options ro;
  tidu_format fmt;
  int dry_run;
  const char *rejects_path;
  tidu_import_summary sum;
  long problems;
  reject *rejects;
  size_t nrejects, cap;
  cli_progress progress;
} import_run;

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

static int is_xlsx(const char *path, tidu_format fmt) {
  if (fmt == TIDU_FMT_XLSX) return 1;
  size_t n = strlen(path);
  return fmt == TIDU_FMT_AUTO && n > 5 && !strcasecmp(path + n - 5, ".xlsx");
}

/* Where problems of one file are reported: the file and, for XLSX, the sheet's name (looked
 * up on the first problem when --sheet was not given). */
typedef struct where {
  const char *path;
  int xlsx;
  const char *sheet; /* --sheet or NULL */
  char found[128];
  int looked;
} where;

static const char *sheet_of(where *w) {
  if (!w->xlsx) return NULL;
  if (w->sheet) return w->sheet;
  if (!w->looked) {
    tidu_rowsrc src;
    tidu_error err;
    w->looked = 1;
    if (tidu_xlsx_rowsrc(w->path, NULL, &src, &err) == 0) {
      snprintf(w->found, sizeof w->found, "%s", src.sheet ? src.sheet : "");
      src.close(src.ctx);
    }
  }
  return w->found[0] ? w->found : NULL;
}

/* Prints one problem as FILE:SHEET:ROW:COLUMN: message (sheet only for XLSX). */
static void print_problem(where *w, const tidu_error *e) {
  const char *sheet = sheet_of(w);
  fprintf(stderr, "%s", e->file[0] ? e->file : w->path);
  if (sheet) fprintf(stderr, ":%s", sheet);
  if (e->line > 0) fprintf(stderr, ":%ld", e->line);
  if (e->column_name[0])
    fprintf(stderr, ":%s", e->column_name);
  else if (e->col > 0)
    fprintf(stderr, ":%ld", e->col);
  fprintf(stderr, ": %s%s\n", e->warning ? "警告/warning: " : "", e->message);
}

static void add_reject(import_run *r, int file, const tidu_error *e) {
  if (!r->rejects_path) return;
  if (TIDU_PUSH_ROOM(r->rejects, r->nrejects, r->cap) != 0) return;
  reject *j = &r->rejects[r->nrejects++];
  j->file = file;
  j->row = e->line;
  snprintf(j->column, sizeof j->column, "%s", e->column_name);
  snprintf(j->reason, sizeof j->reason, "%s", e->message);
}

static void drain_warnings(import_run *r, tidu_reader *rd, where *at) {
  tidu_error w;
  while (tidu_reader_warning(rd, &w)) {
    w.warning = 1;
    print_problem(at, &w);
    r->sum.warnings++;
  }
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

/* Reads every record of one file into the open transaction. Returns TIDU_OK, or a fatal code
 * (I/O, memory, limits, database) after printing it. */
static tidu_code import_file(import_run *r, int idx, const char *path) {
  where at = {path, is_xlsx(path, r->fmt), r->sheet, "", 0};
  tidu_reader *rd = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_reader_open(path, r->fmt, &r->ro, &rd, &err);
  if (rc != TIDU_OK) {
    print_problem(&at, &err);
    r->problems++;
    return rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA ? TIDU_OK : rc;
  }
  int64_t import_id = 0;
  rc = tidu_store_import_start(r->store, path, r->sheet, &import_id, &err);
  if (rc != TIDU_OK) cli_print_error(&err);
  tidu_import_summary before = r->sum;
  if (isatty(STDERR_FILENO) && !at.xlsx) cli_progress_start(&r->progress, path, count_lines(path));
  tidu_firm f;
  tidu_firm_init(&f);
  int done = 0;
  while (rc == TIDU_OK && !done) {
    tidu_error_clear(&err);
    tidu_code step = tidu_reader_next(rd, &f, &done, &err);
    drain_warnings(r, rd, &at);
    if (step == TIDU_OK && !done) {
      r->sum.records++;
      step = tidu_store_put_firm(r->store, import_id, &f, &r->sum, &err);
      cli_progress_update(&r->progress, (uint64_t)(f.src_line > 0 ? f.src_line : 0));
    }
    if (step == TIDU_ERR_INPUT || step == TIDU_ERR_DATA) {
      print_problem(&at, &err);
      add_reject(r, idx, &err);
      r->problems++;
      r->sum.rejected++;
    } else if (step != TIDU_OK) {
      print_problem(&at, &err);
      rc = step;
    }
  }
  cli_progress_end(&r->progress);
  tidu_firm_clear(&f);
  tidu_reader_close(rd);
  if (rc == TIDU_OK) {
    tidu_import_summary delta = r->sum;
    delta.records -= before.records;
    delta.firms_new -= before.firms_new;
    delta.firms_updated -= before.firms_updated;
    delta.firms_unchanged -= before.firms_unchanged;
    delta.years_added -= before.years_added;
    delta.years_changed -= before.years_changed;
    delta.years_unchanged -= before.years_unchanged;
    delta.values_changed -= before.values_changed;
    delta.warnings -= before.warnings;
    delta.rejected -= before.rejected;
    delta.edits_overwritten -= before.edits_overwritten;
    tidu_import_summary staged = delta;
    rc = tidu_store_import_finish(r->store, import_id, &delta, &err);
    if (rc != TIDU_OK) cli_print_error(&err);
    /* counts a bulk merge (PostgreSQL) made at the end of the import */
    r->sum.firms_new += delta.firms_new - staged.firms_new;
    r->sum.firms_updated += delta.firms_updated - staged.firms_updated;
    r->sum.firms_unchanged += delta.firms_unchanged - staged.firms_unchanged;
    r->sum.years_added += delta.years_added - staged.years_added;
    r->sum.years_changed += delta.years_changed - staged.years_changed;
    r->sum.years_unchanged += delta.years_unchanged - staged.years_unchanged;
    r->sum.values_changed += delta.values_changed - staged.values_changed;
  }
  return rc;
}

/* ---- the rejects file ---- */

static void csv_cell(FILE *out, const char *s, size_t len) {
  int quote = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = 1;
  if (!quote) {
    fwrite(s, 1, len, out);
    return;
  }
  fputc('"', out);
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"') fputc('"', out);
    fputc(s[i], out);
  }
  fputc('"', out);
}

static void csv_text(FILE *out, const char *s) {
  csv_cell(out, s, strlen(s));
}

/* Opens a row source over the file again, to copy the rejected rows. */
static int reopen_rows(const char *path, const char *sheet, tidu_rowsrc *src, char **text) {
  tidu_error err;
  *text = NULL;
  if (is_xlsx(path, TIDU_FMT_AUTO)) return tidu_xlsx_rowsrc(path, sheet, src, &err) == 0 ? 0 : -1;
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  tidu_sb b = {0};
  tidu_sb_read(&b, f, 0);
  fclose(f);
  size_t len = b.len;
  char *raw = tidu_sb_take(&b);
  size_t ulen = 0;
  int rc = raw && tidu_to_utf8(raw, len, text, &ulen, &err) == TIDU_OK ? 0 : -1;
  free(raw);
  if (rc == 0) rc = tidu_csv_rowsrc(path, *text, ulen, src, &err) == 0 ? 0 : -1;
  return rc;
}

static int cmp_reject(const void *a, const void *b) {
  const reject *x = a, *y = b;
  if (x->file != y->file) return x->file < y->file ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* The reject of row `row` of file `file` (r->rejects sorted by cmp_reject), or NULL. */
static const reject *find_reject(const import_run *r, int file, long row) {
  reject key = {.file = file, .row = row};
  return bsearch(&key, r->rejects, r->nrejects, sizeof *r->rejects, cmp_reject);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The USCCs of the rejected rows of one file (sorted), so that every row of a rejected firm goes
 * to the rejects file, not only the row the problem was found on. */
typedef struct uscc_set {
  char **v;
  size_t n, cap;
} uscc_set;

static void set_add(uscc_set *s, const char *p, size_t len) {
  if (len == 0 || len > 64) return;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 32;
    char **nv = realloc(s->v, cap * sizeof *nv);
    if (!nv) return;
    s->v = nv;
    s->cap = cap;
  }
  char *c = strndup(p, len);
  if (c) s->v[s->n++] = c;
}

static int set_has(const uscc_set *s, const char *p, size_t len) {
  if (len == 0 || len > 64 || s->n == 0) return 0;
  char key[72];
  memcpy(key, p, len);
  key[len] = '\0';
  const char *k = key;
  return bsearch(&k, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

static void set_free(uscc_set *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
}

/* The column of the USCC in a header row, -1 when there is none. */
static long uscc_column(const tidu_row *h) {
  for (size_t i = 0; i < h->ncells; i++) {
    char name[128];
    size_t n = h->lens[i] < sizeof name - 1 ? h->lens[i] : sizeof name - 1;
    memcpy(name, h->cells[i], n);
    name[n] = '\0';
    char *t = name;
    while (*t == ' ') t++;
    for (char *e = t + strlen(t); e > t && e[-1] == ' ';) *--e = '\0';
    const tidu_field_info *fi = tidu_field_find(t);
    if (fi && fi->scope == 'F' && fi->index == TIDU_F_USCC) return (long)i;
  }
  return -1;
}

static void write_cells(FILE *out, const tidu_row *cells, size_t width) {
  for (size_t i = 0; i < width; i++) {
    if (i) fputc(',', out);
    if (i < cells->ncells) csv_cell(out, cells->cells[i], cells->lens[i]);
  }
}

/* Copies every row of every rejected firm of one CSV or XLSX file (and, when `header`, the
 * header first) with the input's own columns plus the reason column that import ignores
 * (TIDU_REJECT_COLUMN): the file can be corrected and imported as it is. Returns the rows
 * copied, -1 when the file could not be read again. */
static long copy_rejects(const import_run *r, FILE *out, int idx, const char *path, int header) {
  tidu_rowsrc src;
  char *text = NULL;
  if (reopen_rows(path, r->sheet, &src, &text) != 0) {
    free(text);
    return -1;
  }
  /* first pass: the header, and the firms (USCCs) of the rejected rows */
  tidu_row row;
  tidu_error err;
  uscc_set firms = {0};
  long ucol = -1, copied = 0;
  size_t width = 0;
  int first = 1;
  while (src.next(src.ctx, &row, &err) == 1) {
    if (first) {
      ucol = uscc_column(&row);
      width = row.ncells;
      first = 0;
    } else if (ucol >= 0 && (size_t)ucol < row.ncells && find_reject(r, idx, row.row_no)) {
      set_add(&firms, row.cells[ucol], row.lens[ucol]);
    }
  }
  src.close(src.ctx);
  free(text);
  text = NULL;
  if (firms.n) qsort(firms.v, firms.n, sizeof *firms.v, cmp_str);
  /* second pass: copy */
  if (reopen_rows(path, r->sheet, &src, &text) != 0) {
    set_free(&firms);
    free(text);
    return -1;
  }
  first = 1;
  while (src.next(src.ctx, &row, &err) == 1) {
    const reject *j = first ? NULL : find_reject(r, idx, row.row_no);
    int same_firm = !first && !j && ucol >= 0 && (size_t)ucol < row.ncells &&
                    set_has(&firms, row.cells[ucol], row.lens[ucol]);
    if ((first && !header) || (!first && !j && !same_firm)) {
      first = 0;
      continue;
    }
    write_cells(out, &row, width > row.ncells ? width : row.ncells);
    fputc(',', out);
    if (first) {
      csv_text(out, TIDU_REJECT_COLUMN);
    } else {
      char why[1024];
      if (j)
        snprintf(why, sizeof why, "%s:%ld%s%s: %s", path, j->row, j->column[0] ? ":" : "",
                 j->column, j->reason);
      else
        snprintf(why, sizeof why,
                 "%s:%ld: 同一企业的其他行有错误,整家企业未导入 / another row of this firm was "
                 "rejected, so the whole firm was not imported",
                 path, row.row_no);
      csv_text(out, why);
      copied++;
    }
    fputc('\n', out);
    first = 0;
  }
  src.close(src.ctx);
  free(text);
  set_free(&firms);
  return copied;
}

/* JSON input: the rejected records listed with file, row, column and reason. */
static void list_rejects(const import_run *r, FILE *out, int idx, const char *path) {
  for (size_t i = 0; i < r->nrejects; i++) {
    if (r->rejects[i].file != idx) continue;
    csv_text(out, path);
    fprintf(out, ",%ld,", r->rejects[i].row);
    csv_text(out, r->rejects[i].column);
    fputc(',', out);
    csv_text(out, r->rejects[i].reason);
    fputc('\n', out);
  }
}

/* JSON input: the rejected records themselves, one per line as written, each with its reasons
 * under TIDU_REJECT_COLUMN (which import ignores), so that the rejects file is corrected and
 * imported as it is. Returns the records copied, or -1 when the input cannot be read again. */
static long copy_json_rejects(const import_run *r, FILE *out, int idx, const char *path) {
  FILE *in = fopen(path, "rb");
  if (!in) return -1;
  tidu_sb text = {0};
  int bad = tidu_sb_read(&text, in, 0) != 0 || ferror(in);
  fclose(in);
  long *lines = tidu_calloc(r->nrejects ? r->nrejects : 1, sizeof *lines);
  char **why = tidu_calloc(r->nrejects ? r->nrejects : 1, sizeof *why);
  size_t n = 0;
  for (size_t i = 0; i < r->nrejects && !bad && lines && why; i++) {
    const reject *j = &r->rejects[i]; /* sorted by file and row: one entry per record */
    if (j->file != idx) continue;
    tidu_sb b = {0};
    if (n && lines[n - 1] == j->row) { /* a second problem of the same record */
      tidu_sb_puts(&b, why[n - 1]);
      tidu_sb_puts(&b, "; ");
      free(why[--n]);
    }
    tidu_sb_puts(&b, j->reason);
    lines[n] = j->row;
    if (!(why[n++] = tidu_sb_take(&b))) bad = 1;
  }
  long copied = -1;
  if (!bad && lines && why)
    copied = (long)tidu_json_copy_records(text.s ? text.s : "", text.len, lines,
                                          (const char *const *)why, n, out);
  for (size_t i = 0; why && i < n; i++) free(why[i]);
  free(why);
  free(lines);
  tidu_sb_free(&text);
  return copied;
}

static int is_json(const import_run *r, const char *path) {
  if (r->fmt == TIDU_FMT_JSON || r->fmt == TIDU_FMT_NDJSON) return 1;
  size_t n = strlen(path);
  return r->fmt == TIDU_FMT_AUTO && ((n > 5 && !strcasecmp(path + n - 5, ".json")) ||
                                     (n > 7 && !strcasecmp(path + n - 7, ".ndjson")) ||
                                     (n > 6 && !strcasecmp(path + n - 6, ".jsonl")));
}

/* Writes the rejects file whole or not at all (tidu_outfile): a kill leaves the previous one. */
static int write_rejects(import_run *r, int nfiles, char **files) {
  tidu_outfile *o = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_outfile_open(r->rejects_path, &o, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  FILE *out = tidu_outfile_fp(o);
  qsort(r->rejects, r->nrejects, sizeof *r->rejects, cmp_reject);
  /* rejects from JSON inputs only: the records themselves, as NDJSON */
  int all_json = 1;
  for (size_t k = 0; k < r->nrejects; k++) all_json &= is_json(r, files[r->rejects[k].file]);
  for (int i = 0; i < nfiles && all_json; i++) {
    if (!is_json(r, files[i]) || copy_json_rejects(r, out, i, files[i]) >= 0) continue;
    tidu_outfile_abort(o); /* the input could not be read again */
    tidu_outfile_error(&err, files[i], errno);
    cli_print_error(&err);
    return CLI_INPUT;
  }
  if (!all_json) fputs("\xef\xbb\xbf", out); /* UTF-8 with a BOM, as Excel wants it */
  int header = 1, listed = 0;
  for (int i = 0; i < nfiles && !all_json; i++) {
    int any = 0;
    for (size_t k = 0; k < r->nrejects && !any; k++) any = r->rejects[k].file == i;
    if (!any) continue;
    if (!is_json(r, files[i]) && copy_rejects(r, out, i, files[i], header) >= 0) {
      header = 0; /* files after the first add their rows under the first file's header */
      continue;
    }
    if (!listed) fputs("file,row,column,reason\n", out);
    listed = 1;
    list_rejects(r, out, i, files[i]);
  }
  if (tidu_outfile_commit(o, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  return CLI_OK;
}

static void print_summary(const tidu_import_summary *s, int written) {
  printf("记录/records %lld; 企业/firms: 新增/new %lld, 更新/updated %lld, 未变/unchanged %lld; "
         "年度/years: 新增/added %lld, 变更/changed %lld, 未变/unchanged %lld; "
         "警告/warnings %lld; 拒绝/rejected %lld%s\n",
         s->records, s->firms_new, s->firms_updated, s->firms_unchanged, s->years_added,
         s->years_changed, s->years_unchanged, s->warnings, s->rejected,
         written ? "" : " (未写入 / nothing written)");
  if (s->edits_overwritten > 0)
    printf("覆盖手工修改/overwrote manual edits %lld: 这些数值此前由 firm edit "
           "修改,现被文件中的值替换,"
           "原修改仍在 firm history 中 / these values had been set by firm edit and are now "
           "replaced by the file's; the edits remain in firm history\n",
           s->edits_overwritten);
}

static int run_import(import_run *r, int nfiles, char **files) {
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_store_begin(r->store, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  tidu_code rc = TIDU_OK;
  for (int i = 0; i < nfiles && rc == TIDU_OK; i++) rc = import_file(r, i, files[i]);
  int fatal = rc != TIDU_OK;
  int refuse = fatal || (r->problems > 0 && !r->rejects_path);
  if (refuse || r->dry_run) {
    tidu_store_rollback(r->store);
  } else if (tidu_store_commit(r->store, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  if (refuse && !fatal)
    fprintf(stderr, "%ld 个问题，未写入任何数据 / %ld problem%s, nothing written\n", r->problems,
            r->problems, r->problems == 1 ? "" : "s");
  print_summary(&r->sum, !refuse && !r->dry_run);
  if (r->rejects_path && !fatal && write_rejects(r, nfiles, files) != CLI_OK) return CLI_INPUT;
  if (fatal) return cli_exit_code(rc);
  return refuse || r->sum.rejected > 0 || r->problems > 0 ? CLI_INPUT : CLI_OK;
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
  import_run r;
  memset(&r, 0, sizeof r);
  int ok;
  r.fmt = parse_format(cli_get(spec, &a, "format"), &ok);
  int ro_rc = cli_read_options(spec, &a, &r.ro);
  if (ro_rc) {
    cli_args_free(&a);
    return ro_rc;
  }
  r.sheet = r.ro.sheet;
  r.dry_run = cli_get(spec, &a, "dry-run") != NULL;
  r.rejects_path = cli_get(spec, &a, "skip-bad");
  if (!ok) {
    cli_args_free(&a);
    return cli_usage(spec, "未知格式 / unknown format '%s'", cli_get(spec, &a, "format"));
  }
  if (r.rejects_path)
    rc = cli_guard_output(r.rejects_path, cli_db_path(cli_get(spec, &a, "db")), a.pos, a.npos);
  if (rc == CLI_OK) rc = cli_set_wait(spec, cli_get(spec, &a, "wait"));
  if (rc == CLI_OK) rc = open_registry(cli_db_path(cli_get(spec, &a, "db")), r.dry_run, &r.store);
  if (rc == CLI_OK) rc = run_import(&r, a.npos, a.pos);
  tidu_store_close(r.store);
  free(r.rejects);
  cli_args_free(&a);
  return rc;
}
