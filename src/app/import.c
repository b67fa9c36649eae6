/* Importing files into the registry: the transaction over every input, problems through
 * callbacks, the rejects file and the summary (tidu/import.h). */
#include <errno.h>
#include <pthread.h>
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

/* ---- reading in one thread, writing in another ----
 * A reader thread turns the input into a stream of items (warnings, records, record errors) in
 * the order reading produced them; this thread writes the records and reports every item in that
 * order, so messages, counts and the registry are those of reading and writing in turn. */

enum { IT_WARNING, IT_FIRM, IT_ERROR, IT_END };
#define BATCH  128
#define QUEUED 4

typedef struct item {
  int kind;
  tidu_code code; /* IT_ERROR: what reading returned */
  tidu_error err;
  tidu_firm firm;
} item;

typedef struct batch {
  struct batch *next;
  size_t n;
  item items[BATCH];
} batch;

typedef struct pipe {
  tidu_reader *rd;
  pthread_mutex_t lock;
  pthread_cond_t more, room;
  batch *head, *tail; /* full batches waiting to be written */
  size_t queued;
  int stop;   /* 1: the writer gave up, the reader stops; 2: the reader has finished */
  int failed; /* the reader ran out of memory before the end */
  batch *cur;
} pipe_t;

static void batch_free(batch *b) {
  while (b) {
    batch *next = b->next;
    for (size_t i = 0; i < b->n; i++) tidu_firm_clear(&b->items[i].firm);
    free(b);
    b = next;
  }
}

/* Hands the batch being filled to the writer; 0 when the writer stopped. */
static int hand_over(pipe_t *p) {
  pthread_mutex_lock(&p->lock);
  while (p->queued >= QUEUED && !p->stop) pthread_cond_wait(&p->room, &p->lock);
  int go = !p->stop;
  if (go) {
    if (p->tail)
      p->tail->next = p->cur;
    else
      p->head = p->cur;
    p->tail = p->cur;
    p->queued++;
    pthread_cond_signal(&p->more);
  }
  pthread_mutex_unlock(&p->lock);
  if (!go) batch_free(p->cur);
  p->cur = NULL;
  return go;
}

/* The next free item of the batch being filled; NULL when memory ran out or the writer
 * stopped. */
static item *next_item(pipe_t *p) {
  if (p->cur && p->cur->n == BATCH && !hand_over(p)) return NULL;
  if (!p->cur) {
    p->cur = tidu_malloc(sizeof *p->cur);
    if (!p->cur) return NULL;
    p->cur->next = NULL;
    p->cur->n = 0;
  }
  item *it = &p->cur->items[p->cur->n++];
  it->kind = IT_END;
  it->code = TIDU_OK;
  tidu_firm_init(&it->firm);
  return it;
}

static void *read_thread(void *arg) {
  pipe_t *p = arg;
  int done = 0, fatal = 0;
  while (!done && !fatal) {
    item *it = next_item(p);
    if (!it) break;
    tidu_error_clear(&it->err);
    tidu_code step = tidu_reader_next(p->rd, &it->firm, &done, &it->err);
    tidu_error w;
    tidu_firm firm = it->firm; /* the record goes after the warnings its reading gave */
    tidu_error err = it->err;
    tidu_firm_init(&it->firm);
    it->kind = IT_END;
    item *at = it;
    int first = 1;
    while (tidu_reader_warning(p->rd, &w)) {
      if (!first && !(at = next_item(p))) break;
      first = 0;
      at->kind = IT_WARNING;
      at->err = w;
    }
    if (!first && !(at = next_item(p))) {
      tidu_firm_clear(&firm);
      break;
    }
    at->firm = firm;
    at->err = err;
    at->code = step;
    at->kind = step == TIDU_OK ? (done ? IT_END : IT_FIRM) : IT_ERROR;
    fatal = step != TIDU_OK && step != TIDU_ERR_INPUT && step != TIDU_ERR_DATA;
  }
  if (p->cur) hand_over(p);
  pthread_mutex_lock(&p->lock);
  if (!p->stop) {
    p->failed = !done && !fatal; /* memory ran out */
    /* an empty batch marks the end */
    batch *end = tidu_calloc(1, sizeof *end);
    if (end) {
      if (p->tail)
        p->tail->next = end;
      else
        p->head = end;
      p->tail = end;
      p->queued++;
    }
    p->stop = 2;
    pthread_cond_signal(&p->more);
  }
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

/* The next batch from the reader; NULL at the end. */
static batch *take(pipe_t *p) {
  pthread_mutex_lock(&p->lock);
  while (!p->head && p->stop != 2) pthread_cond_wait(&p->more, &p->lock);
  batch *b = p->head;
  if (b) {
    p->head = b->next;
    if (!p->head) p->tail = NULL;
    p->queued--;
    b->next = NULL;
    pthread_cond_signal(&p->room);
  }
  pthread_mutex_unlock(&p->lock);
  return b;
}

/* Writes one item; returns TIDU_OK or the fatal code that stops the import. */
static tidu_code write_item(run *r, int idx, where *at, int64_t import_id, item *it) {
  tidu_import_summary *sum = &r->res->sum;
  if (it->kind == IT_WARNING) {
    it->err.warning = 1;
    problem(r, at, &it->err, 0);
    sum->warnings++;
    return TIDU_OK;
  }
  if (it->kind == IT_END) return TIDU_OK;
  tidu_code step = it->code;
  tidu_error *err = &it->err;
  if (it->kind == IT_FIRM) {
    tidu_firm *f = &it->firm;
    sum->records++;
    if (r->h->may_write && !r->h->may_write(r->h->ud, f, err))
      step = TIDU_ERR_DATA;
    else
      step = tidu_store_put_firm(r->store, import_id, f, sum, err);
    if ((step == TIDU_ERR_INPUT || step == TIDU_ERR_DATA) && !err->line) err->line = f->src_line;
    if (r->h->progress) r->h->progress(r->h->ud, f->src_line > 0 ? f->src_line : 0);
  }
  if (step == TIDU_ERR_INPUT || step == TIDU_ERR_DATA) {
    problem(r, at, err, 0);
    add_reject(r, idx, err);
    r->res->problems++;
    sum->rejected++;
  } else if (step != TIDU_OK) {
    problem(r, at, err, 0);
    return step;
  }
  return TIDU_OK;
}

/* Reads and writes every record of `rd` in this thread, one after the other. */
static tidu_code read_in_turn(run *r, int idx, tidu_reader *rd, where *at, int64_t import_id) {
  item it;
  tidu_firm_init(&it.firm);
  int done = 0;
  tidu_code rc = TIDU_OK;
  while (rc == TIDU_OK && !done) {
    tidu_error_clear(&it.err);
    tidu_code step = tidu_reader_next(rd, &it.firm, &done, &it.err);
    item w;
    w.kind = IT_WARNING;
    tidu_firm_init(&w.firm);
    while (tidu_reader_warning(rd, &w.err)) write_item(r, idx, at, import_id, &w);
    it.code = step;
    it.kind = step == TIDU_OK ? (done ? IT_END : IT_FIRM) : IT_ERROR;
    rc = write_item(r, idx, at, import_id, &it);
  }
  tidu_firm_clear(&it.firm);
  return rc;
}

/* Reads and writes every record of `rd`. */
static tidu_code read_all(run *r, int idx, tidu_reader *rd, where *at, int64_t import_id) {
  pipe_t p;
  memset(&p, 0, sizeof p);
  p.rd = rd;
  pthread_mutex_init(&p.lock, NULL);
  pthread_cond_init(&p.more, NULL);
  pthread_cond_init(&p.room, NULL);
  pthread_t th;
  tidu_code rc = TIDU_OK;
  pthread_attr_t attr;
  int started = pthread_attr_init(&attr) == 0;
  if (started) {
    pthread_attr_setstacksize(&attr, (size_t)2 << 20);
    started = pthread_create(&th, &attr, read_thread, &p) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!started) {
    rc = read_in_turn(r, idx, rd, at, import_id); /* no thread to be had: read and write in turn */
  } else {
    batch *b;
    while (rc == TIDU_OK && (b = take(&p)) != NULL) {
      int end = b->n == 0;
      for (size_t i = 0; i < b->n && rc == TIDU_OK; i++)
        rc = write_item(r, idx, at, import_id, &b->items[i]);
      batch_free(b);
      if (end) break;
    }
    pthread_mutex_lock(&p.lock);
    if (rc == TIDU_OK && p.failed) {
      tidu_error e;
      tidu_error_set(&e, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
      problem(r, at, &e, 0);
      rc = TIDU_ERR_NOMEM;
    }
    if (p.stop != 2) p.stop = 1;
    pthread_cond_broadcast(&p.room);
    pthread_mutex_unlock(&p.lock);
    pthread_join(th, NULL);
    batch_free(p.head);
  }
  pthread_cond_destroy(&p.more);
  pthread_cond_destroy(&p.room);
  pthread_mutex_destroy(&p.lock);
  return rc;
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
  if (rc == TIDU_OK) rc = read_all(r, idx, rd, &at, import_id);
  if (r->h->file_end) r->h->file_end(r->h->ud);
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

/* JSON input: the rejected records themselves, one per line as written, each with its reasons
 * under TIDU_REJECT_COLUMN (which import ignores), so that the rejects file is corrected and
 * imported as it is. Returns the records copied, or -1 when the input cannot be read again. */
static long copy_json_rejects(const run *r, FILE *out, int idx, const char *path) {
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
  /* rejects from JSON inputs only: the records themselves, as NDJSON */
  int all_json = 1;
  for (size_t k = 0; k < r->nrejects; k++) all_json &= is_json(r, files[r->rejects[k].file]);
  for (size_t i = 0; i < nfiles && all_json; i++) {
    if (!is_json(r, files[i]) || copy_json_rejects(r, out, (int)i, files[i]) >= 0) continue;
    tidu_outfile_abort(o); /* the input could not be read again */
    return tidu_outfile_error(err, files[i], errno);
  }
  if (!all_json) fputs("\xef\xbb\xbf", out); /* UTF-8 with a BOM, as Excel wants it */
  int header = 1, listed = 0;
  for (size_t i = 0; i < nfiles && !all_json; i++) {
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
