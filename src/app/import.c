/* Importing files into the registry: the transaction over every input, problems through
 * callbacks, the rejects file and the summary (tidu/import.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/rowsrc.h"
#include "tidu/import.h"
#include "tidu/outfile.h"
#include "tidu/toolkit.h"

/* One rejected record. */
typedef struct reject {
  int file;
  long row;
  char column[128];
  char reason[512];
} reject;

typedef struct run {
  tidu_store *store;
  const tidu_import_options *opt;
  const tidu_import_hooks *h;
  tidu_import_result *res;
  reject *rejects;
  size_t nrejects, cap;
} run;

static int is_xlsx(const char *path, tidu_format fmt) {
  if (fmt == TIDU_FMT_XLSX) return 1;
  size_t n = strlen(path);
  return fmt == TIDU_FMT_AUTO && n > 5 && !strcasecmp(path + n - 5, ".xlsx");
}

/* Where problems of one input are reported: the input and, for XLSX, the sheet's name (looked
 * up on the first problem when no sheet was given). */
typedef struct where {
  const char *path;
  int xlsx;
  const char *sheet; /* the sheet asked for, or NULL */
  char found[128];
  int looked;
  int mem; /* the input is in memory: no file to look the sheet up in */
} where;

static const char *sheet_of(where *w) {
  if (!w->xlsx) return NULL;
  if (w->sheet) return w->sheet;
  if (!w->looked && !w->mem) {
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

static void problem(run *r, where *w, const tidu_error *e, int opening) {
  if (r->h->problem) r->h->problem(r->h->ud, w->path, sheet_of(w), e, opening);
}

static void fatal_error(run *r, const tidu_error *e) {
  if (r->h->error) r->h->error(r->h->ud, e);
}

static void add_reject(run *r, int file, const tidu_error *e) {
  if (!r->opt->rejects) return;
  if (TIDU_PUSH_ROOM(r->rejects, r->nrejects, r->cap) != 0) return;
  reject *j = &r->rejects[r->nrejects++];
  j->file = file;
  j->row = e->line;
  snprintf(j->column, sizeof j->column, "%s", e->column_name);
  snprintf(j->reason, sizeof j->reason, "%s", e->message);
}

static void drain_warnings(run *r, tidu_reader *rd, where *at) {
  tidu_error w;
  while (tidu_reader_warning(rd, &w)) {
    w.warning = 1;
    problem(r, at, &w, 0);
    r->res->sum.warnings++;
  }
}

static tidu_code open_input(run *r, const char *path, tidu_reader **rd, tidu_error *err) {
  if (r->opt->data)
    return tidu_reader_open_mem(path, r->opt->data, r->opt->len, r->opt->fmt, &r->opt->read, rd,
                                err);
  return tidu_reader_open_bounded(path, r->opt->fmt, &r->opt->read, r->opt->spill_above, rd, err);
}

/* The counts of `now` minus those of `before`. */
static tidu_import_summary minus(tidu_import_summary now, const tidu_import_summary *before) {
  now.records -= before->records;
  now.firms_new -= before->firms_new;
  now.firms_updated -= before->firms_updated;
  now.firms_unchanged -= before->firms_unchanged;
  now.years_added -= before->years_added;
  now.years_changed -= before->years_changed;
  now.years_unchanged -= before->years_unchanged;
  now.values_changed -= before->values_changed;
  now.warnings -= before->warnings;
  now.rejected -= before->rejected;
  now.edits_overwritten -= before->edits_overwritten;
  return now;
}

/* Reads every record of one input into the open transaction. Returns TIDU_OK, or a fatal code
 * (I/O, memory, limits, database) after reporting it. */
static tidu_code import_file(run *r, int idx, const char *path) {
  tidu_import_summary *sum = &r->res->sum;
  where at = {path, is_xlsx(path, r->opt->fmt), r->opt->read.sheet, "", 0, r->opt->data != NULL};
  tidu_reader *rd = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = open_input(r, path, &rd, &err);
  if (rc != TIDU_OK) {
    problem(r, &at, &err, 1);
    r->res->problems++;
    r->res->opened_all = 0;
    return rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA ? TIDU_OK : rc;
  }
  int64_t import_id = 0;
  rc = tidu_store_import_start(r->store, path, r->opt->read.sheet, &import_id, &err);
  if (rc != TIDU_OK) fatal_error(r, &err);
  tidu_import_summary before = *sum;
  if (r->h->file_start) r->h->file_start(r->h->ud, path, at.xlsx);
  tidu_firm f;
  tidu_firm_init(&f);
  int done = 0;
  while (rc == TIDU_OK && !done) {
    tidu_error_clear(&err);
    tidu_code step = tidu_reader_next(rd, &f, &done, &err);
    drain_warnings(r, rd, &at);
    if (step == TIDU_OK && !done) {
      sum->records++;
      if (r->h->may_write && !r->h->may_write(r->h->ud, &f, &err))
        step = TIDU_ERR_DATA;
      else
        step = tidu_store_put_firm(r->store, import_id, &f, sum, &err);
      if ((step == TIDU_ERR_INPUT || step == TIDU_ERR_DATA) && !err.line) err.line = f.src_line;
      if (r->h->progress) r->h->progress(r->h->ud, f.src_line > 0 ? f.src_line : 0);
    }
    if (step == TIDU_ERR_INPUT || step == TIDU_ERR_DATA) {
      problem(r, &at, &err, 0);
      add_reject(r, idx, &err);
      r->res->problems++;
      sum->rejected++;
    } else if (step != TIDU_OK) {
      problem(r, &at, &err, 0);
      rc = step;
    }
  }
  if (r->h->file_end) r->h->file_end(r->h->ud);
  tidu_firm_clear(&f);
  tidu_reader_close(rd);
  if (rc == TIDU_OK) {
    tidu_import_summary delta = minus(*sum, &before);
    tidu_import_summary staged = delta;
    rc = tidu_store_import_finish(r->store, import_id, &delta, &err);
    if (rc != TIDU_OK) fatal_error(r, &err);
    /* counts a bulk merge (PostgreSQL) made at the end of the import */
    sum->firms_new += delta.firms_new - staged.firms_new;
    sum->firms_updated += delta.firms_updated - staged.firms_updated;
    sum->firms_unchanged += delta.firms_unchanged - staged.firms_unchanged;
    sum->years_added += delta.years_added - staged.years_added;
    sum->years_changed += delta.years_changed - staged.years_changed;
    sum->years_unchanged += delta.years_unchanged - staged.years_unchanged;
    sum->values_changed += delta.values_changed - staged.values_changed;
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
static const reject *find_reject(const run *r, int file, long row) {
  if (!r->nrejects) return NULL;
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
  if (TIDU_PUSH_ROOM(s->v, s->n, s->cap) != 0) return;
  char *c = tidu_strndup(p, len);
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
static long copy_rejects(const run *r, FILE *out, int idx, const char *path, int header) {
  tidu_rowsrc src;
  char *text = NULL;
  if (reopen_rows(path, r->opt->read.sheet, &src, &text) != 0) {
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
  if (firms.n > 1) qsort(firms.v, firms.n, sizeof *firms.v, cmp_str);
  /* second pass: copy */
  if (reopen_rows(path, r->opt->read.sheet, &src, &text) != 0) {
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
static void list_rejects(const run *r, FILE *out, int idx, const char *path) {
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

static int is_json(const run *r, const char *path) {
  tidu_format fmt = r->opt->fmt;
  if (fmt == TIDU_FMT_JSON || fmt == TIDU_FMT_NDJSON) return 1;
  size_t n = strlen(path);
  return fmt == TIDU_FMT_AUTO && ((n > 5 && !strcasecmp(path + n - 5, ".json")) ||
                                  (n > 7 && !strcasecmp(path + n - 7, ".ndjson")) ||
                                  (n > 6 && !strcasecmp(path + n - 6, ".jsonl")));
}

/* Writes the rejects file whole or not at all (tidu_outfile): a kill leaves the previous one. */
static tidu_code write_rejects(run *r, size_t nfiles, char *const *files, tidu_error *err) {
  tidu_outfile *o = NULL;
  tidu_code rc = tidu_outfile_open(r->opt->rejects, &o, err);
  if (rc != TIDU_OK) return rc;
  FILE *out = tidu_outfile_fp(o);
  if (r->nrejects > 1) qsort(r->rejects, r->nrejects, sizeof *r->rejects, cmp_reject);
  fputs("\xef\xbb\xbf", out); /* UTF-8 with a BOM, as Excel wants it */
  int header = 1, listed = 0;
  for (size_t i = 0; i < nfiles; i++) {
    int any = 0;
    for (size_t k = 0; k < r->nrejects && !any; k++) any = r->rejects[k].file == (int)i;
    if (!any) continue;
    if (!is_json(r, files[i]) && copy_rejects(r, out, (int)i, files[i], header) >= 0) {
      header = 0; /* files after the first add their rows under the first file's header */
      continue;
    }
    if (!listed) fputs("file,row,column,reason\n", out);
    listed = 1;
    list_rejects(r, out, (int)i, files[i]);
  }
  return tidu_outfile_commit(o, err);
}

tidu_code tidu_import_run(tidu_store *store, char *const *paths, size_t n,
                          const tidu_import_options *opt, const tidu_import_hooks *hooks,
                          tidu_import_result *res, tidu_error *err) {
  static const tidu_import_hooks none = {0};
  memset(res, 0, sizeof *res);
  res->opened_all = 1;
  run r = {store, opt, hooks ? hooks : &none, res, NULL, 0, 0};
  tidu_code rc = tidu_store_begin(store, err);
  if (rc != TIDU_OK) return rc;
  tidu_code step = TIDU_OK;
  for (size_t i = 0; i < n && step == TIDU_OK; i++) step = import_file(&r, (int)i, paths[i]);
  res->fatal = step;
  int fatal = step != TIDU_OK;
  int refuse = fatal || (res->problems > 0 && !opt->skip_bad);
  if (!refuse && !opt->dry_run && r.h->before_commit) {
    rc = r.h->before_commit(r.h->ud, &res->sum, err);
    if (rc != TIDU_OK) {
      tidu_store_rollback(store);
      free(r.rejects);
      return rc;
    }
  }
  if (refuse || opt->dry_run) {
    tidu_store_rollback(store);
  } else if ((rc = tidu_store_commit(store, err)) != TIDU_OK) {
    tidu_store_rollback(store);
    free(r.rejects);
    return rc;
  }
  res->written = !refuse && !opt->dry_run;
  if (r.h->done) r.h->done(r.h->ud, res);
  if (opt->skip_bad && opt->rejects && !fatal) rc = write_rejects(&r, n, paths, err);
  free(r.rejects);
  return rc;
}
