/* Parallel reading of a wide CSV table: parts cut at line feeds, parsed by threads into firms or
 * straight into chunk columns, delivered in order. */
#include "io/internal.h"
#include "io/rowsrc.h"
#include "tidu/toolkit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PART_BYTES   (64u * 1024u)
#define CHUNK_BYTES  (160u * 1024u) /* parts read into chunks: several hundred wide rows */
#define FIRST_LANES  1024u
#define PARTS_AHEAD  8 /* parts in flight per thread */
#define CHUNKS_AHEAD 3 /* the same, reading into chunks (each holds every column) */
#define MAX_THREADS  64
#define NO_ERR_INDEX ((size_t)-1)

size_t tidu_ptable_part_bytes = 0;
size_t tidu_ptable_opens = 0;
size_t tidu_ptable_reparses = 0;
size_t tidu_ptable_chunks = 0;

int tidu_io_threads(int threads) {
  if (threads > 0) return threads > MAX_THREADS ? MAX_THREADS : threads;
  const char *env = getenv("TIDU_THREADS");
  if (env && *env) {
    char *end = NULL;
    long v = strtol(env, &end, 10);
    if (end && *end == '\0' && v >= 1 && v <= MAX_THREADS) return (int)v;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* One non-blank row of a part: a firm, or a record error, with its warnings. */
typedef struct prow {
  tidu_firm firm;
  char *key;      /* its uscc for the duplicate check, or NULL */
  size_t hash;    /* the key's hash */
  long line;      /* line within the part (the part's first line is 1) */
  long lane;      /* reading into chunks: its lane, or -1 (an error) */
  tidu_code code; /* TIDU_OK: `firm`; else errs[err] */
  size_t err;     /* index into the part's errors */
  size_t w0, w1;  /* its warnings: the part's warns.items[w0 .. w1) */
} prow;

/* One part of the text and what parsing it found. */
typedef struct part {
  size_t start, stop; /* rows begun in [start, stop) */
  size_t end;         /* where parsing stopped (the next part must start here) */
  long lines;         /* line breaks from start to end */
  prow *rows;
  size_t n, cap;
  size_t inited;      /* rows[0 .. inited) hold an initialised firm (empty from n on) */
  tidu_cellval *vals; /* scratch for converting a row */
  tidu_error *errs;
  size_t nerr, cap_err;
  tidu_warnq warns;
  int fatal; /* 1: the last row is an error that ends the reading; -1: memory ran out after
              * the last row */
  int ready;
  int busy;          /* taken by a thread, until released by the reader (or the chunk's user) */
  size_t index;      /* the part it holds */
  tidu_chunk *chunk; /* reading into chunks: the rows' lanes, */
  tidu_arena text;   /* and their kept text */
  tidu_chunk *views; /* the chunk cut into pieces of at most max_lanes lanes, */
  size_t nviews, cap_views, next_view; /* how many, room, the next to hand out */
  size_t out;                          /* pieces handed out and not yet done with */
} part;

struct tidu_ptable {
  tidu_table *t;
  const char *text;
  size_t len;
  const char *name;
  char delim;
  size_t first;    /* where the data rows start */
  long first_line; /* and their first line */
  size_t bytes;    /* per part */
  size_t nparts;
  tidu_warnq *warns; /* the reader's queue */
  /* the threads */
  pthread_t th[MAX_THREADS];
  int nth;
  pthread_mutex_t lock;
  pthread_cond_t space, ready;
  size_t next_part; /* the next part a thread takes */
  size_t consumed;  /* parts delivered and released */
  int stop;
  part *ring; /* the parts in flight, in any order (part.index says which) */
  size_t window;
  /* delivery */
  part *cur;
  size_t pos;
  size_t expect; /* where the current part must start: the end of the one before */
  long base;     /* line number of the current part's first line */
  long next_base;
  long data_rows;
  int finished;
  int started;         /* the threads have begun */
  int columns;         /* 1: parts are read into chunks (tidu_ptable_columns) */
  tidu_lane_plan plan; /* and how */
  size_t max_lanes;    /* lanes per chunk handed out */
  part *pending;       /* a part with pieces still to hand out */
};

/* The start of part k: just after the first line feed at or after its nominal offset. */
static size_t cut(const tidu_ptable *p, size_t k) {
  if (k == 0) return p->first;
  if (k >= p->nparts) return p->len;
  size_t at = p->first + k * p->bytes - 1;
  if (at >= p->len) return p->len;
  const char *nl = memchr(p->text + at, '\n', p->len - at);
  return nl ? (size_t)(nl - p->text) + 1 : p->len;
}

static tidu_code nomem(tidu_error *err);

/* Empties a firm but keeps its array of years for the next row (no allocation per row). */
static void firm_empty(tidu_firm *f) {
  tidu_year *years = f->years;
  size_t cap = f->cap_years;
  f->years = NULL;
  tidu_firm_clear(f);
  f->years = years;
  f->cap_years = cap;
}

static void part_reset(part *b) {
  for (size_t i = 0; i < b->n; i++) {
    if (i < b->inited) firm_empty(&b->rows[i].firm);
    free(b->rows[i].key);
  }
  if (b->chunk) tidu_chunk_reset(b->chunk);
  b->text.len = 0;
  b->n = b->nerr = 0;
  b->warns.n = b->warns.head = b->warns.dropped = 0;
  b->fatal = 0;
  b->lines = 0;
}

static void part_free(part *b) {
  part_reset(b);
  for (size_t i = 0; i < b->inited; i++) free(b->rows[i].firm.years);
  free(b->vals);
  tidu_chunk_free(b->chunk);
  free(b->text.data);
  free(b->views);
  free(b->rows);
  free(b->errs);
  free(b->warns.items);
}

/* Keeps an error of the part; its index, or NO_ERR_INDEX on ENOMEM. */
static size_t keep_error(part *b, const tidu_error *e) {
  if (TIDU_PUSH_ROOM(b->errs, b->nerr, b->cap_err) != 0) return NO_ERR_INDEX;
  b->errs[b->nerr] = *e;
  return b->nerr++;
}

/* A fatal row ending the part: a CSV error, or memory running out. */
static void fatal_row(part *b, prow *r, const tidu_error *e) {
  static const tidu_error oom = {.code = TIDU_ERR_NOMEM, .message = "内存不足 / out of memory"};
  size_t i = keep_error(b, e);
  if (i == NO_ERR_INDEX) {
    b->nerr = 0;
    i = keep_error(b, &oom); /* the array has room now */
  }
  r->code = b->errs[i].code;
  r->err = i;
  b->fatal = 1;
}

/* A chunk of `cap` lanes holding empty firms in every field (those a plan does not keep stay
 * so); NULL on ENOMEM. */
static tidu_chunk *empty_chunk(const tidu_lane_plan *plan, size_t cap) {
  tidu_chunk *c = tidu_chunk_new(cap);
  if (!c) return NULL;
  for (size_t l = 0; l < cap; l++) c->base[l] = plan->base;
  for (int k = 0; k < TIDU_NFIRM; k++) {
    if (c->text[k])
      memset(c->text[k], 0, cap * sizeof *c->text[k]);
    else
      for (size_t l = 0; l < cap; l++) c->firm[k][l] = plan->firm_default[k];
  }
  for (int f = 0; f < TIDU_NYEAR; f++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++)
      for (size_t l = 0; l < cap; l++) c->yr[f][k][l] = TIDU_MISSING;
  return c;
}

/* Copies lane `from` of the kept fields to lane `to` (of the same or another chunk). */
static void lane_copy(const tidu_lane_plan *plan, tidu_chunk *dst, size_t to, const tidu_chunk *src,
                      size_t from) {
  dst->base[to] = src->base[from];
  for (int k = 0; k < TIDU_NFIRM; k++) {
    if (!plan->firm[k]) continue;
    if (src->text[k])
      dst->text[k][to] = src->text[k][from];
    else
      dst->firm[k][to] = src->firm[k][from];
  }
  for (int f = 0; f < TIDU_NYEAR; f++)
    if (plan->year[f])
      for (int k = 0; k < TIDU_CHUNK_YEARS; k++) dst->yr[f][k][to] = src->yr[f][k][from];
}

/* Room for one more lane in the part's chunk: 0, or -1 on ENOMEM. */
static int lane_room(const tidu_ptable *p, part *b) {
  if (b->chunk && b->chunk->n < b->chunk->cap) return 0;
  size_t cap = b->chunk ? b->chunk->cap * 2 : FIRST_LANES;
  tidu_chunk *c = empty_chunk(&p->plan, cap);
  if (!c) return -1;
  if (b->chunk) {
    for (size_t l = 0; l < b->chunk->n; l++) lane_copy(&p->plan, c, l, b->chunk, l);
    c->n = b->chunk->n;
    tidu_chunk_free(b->chunk);
  }
  b->chunk = c;
  return 0;
}

/* Turns the kept text of the part's lanes from arena offsets into pointers. */
static void resolve_text(const tidu_ptable *p, part *b) {
  if (!b->chunk) return;
  for (int k = 0; k < TIDU_NFIRM; k++) {
    if (!p->plan.firm[k] || !b->chunk->text[k]) continue;
    const char **col = b->chunk->text[k];
    for (size_t l = 0; l < b->chunk->n; l++) {
      uintptr_t at = (uintptr_t)col[l];
      col[l] = at ? b->text.data + at - 1 : NULL;
    }
  }
}

/* Parses the rows begun in [from, stop) into b. */
static void parse_part(const tidu_ptable *p, part *b, size_t from, size_t stop) {
  part_reset(b);
  b->start = from;
  b->stop = stop;
  b->end = from;
  if (from >= stop) return;
  tidu_rowsrc src;
  tidu_error e;
  if (!b->vals && !(b->vals = tidu_calloc(tidu_table_ncols(p->t), sizeof *b->vals))) {
    b->fatal = -1; /* out of memory before any row */
    return;
  }
  if (tidu_csv_rowsrc_at(p->name, p->text, p->len, from, stop, 1, p->delim, &src, &e) != 0) {
    b->fatal = -1; /* out of memory after the rows read so far (none) */
    return;
  }
  for (;;) {
    tidu_row row;
    int rc = src.next(src.ctx, &row, &e);
    if (rc == 0) break;
    if (rc > 0 && tidu_table_row_blank(&row)) continue;
    if (TIDU_PUSH_ROOM(b->rows, b->n, b->cap) != 0) {
      b->fatal = -1; /* no room even for the error: out of memory after the rows so far */
      break;
    }
    prow *r = &b->rows[b->n++];
    if (!p->columns && b->n > b->inited) {
      tidu_firm_init(&r->firm);
      b->inited = b->n;
    }
    r->key = NULL;
    r->hash = 0;
    r->code = TIDU_OK;
    r->err = 0;
    r->w0 = r->w1 = b->warns.n;
    r->line = rc > 0 ? row.row_no : e.line;
    r->lane = -1;
    if (rc < 0) {
      fatal_row(b, r, &e);
      break;
    }
    r->w0 = b->warns.n;
    if (!p->columns)
      r->code =
          tidu_table_wide_row(p->t, &row, b->vals, &b->warns, &r->firm, &r->key, &r->hash, &e);
    else if (lane_room(p, b) != 0)
      r->code = nomem(&e);
    else if ((r->code = tidu_table_wide_lane(p->t, &row, b->vals, &b->warns, &p->plan, b->chunk,
                                             b->chunk->n, &b->text, &r->key, &r->hash, &e)) ==
             TIDU_OK)
      r->lane = (long)b->chunk->n++;
    r->w1 = b->warns.n;
    if (r->code == TIDU_ERR_NOMEM) {
      fatal_row(b, r, &e);
      break;
    }
    if (r->code != TIDU_OK) {
      r->err = keep_error(b, &e);
      if (r->err == NO_ERR_INDEX) { /* memory ran out: that ends the reading, not the row */
        nomem(&e);
        fatal_row(b, r, &e);
        break;
      }
    }
  }
  char delim;
  tidu_csv_where(src.ctx, &b->end, &b->lines, &delim);
  b->lines -= 1;
  src.close(src.ctx);
  if (p->columns) resolve_text(p, b);
}

/* A place in the ring that no part holds, or NULL (under the lock). */
static part *free_place(const tidu_ptable *p) {
  for (size_t i = 0; i < p->window; i++)
    if (!p->ring[i].busy) return &p->ring[i];
  return NULL;
}

/* The place holding part k once it is parsed, or NULL (under the lock). */
static part *parsed(const tidu_ptable *p, size_t k) {
  for (size_t i = 0; i < p->window; i++)
    if (p->ring[i].busy && p->ring[i].ready && p->ring[i].index == k) return &p->ring[i];
  return NULL;
}

static void *worker(void *arg) {
  tidu_ptable *p = arg;
  pthread_mutex_lock(&p->lock);
  for (;;) {
    /* the next part goes to any place released (parts held by the caller stay put) */
    part *b = NULL;
    while (!p->stop && p->next_part < p->nparts && !(b = free_place(p)))
      pthread_cond_wait(&p->space, &p->lock);
    if (p->stop || p->next_part >= p->nparts) break;
    size_t k = p->next_part++;
    b->busy = 1;
    b->index = k;
    pthread_mutex_unlock(&p->lock);
    parse_part(p, b, cut(p, k), cut(p, k + 1));
    pthread_mutex_lock(&p->lock);
    b->ready = 1;
    pthread_cond_broadcast(&p->ready);
  }
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

static void stop_threads(tidu_ptable *p) {
  if (!p->started) return;
  pthread_mutex_lock(&p->lock);
  p->stop = 1;
  pthread_cond_broadcast(&p->space);
  pthread_mutex_unlock(&p->lock);
  for (int i = 0; i < p->nth; i++) pthread_join(p->th[i], NULL);
  p->nth = 0;
}

void tidu_ptable_close(tidu_ptable *p) {
  if (!p) return;
  stop_threads(p);
  if (p->ring)
    for (size_t i = 0; i < p->window; i++) part_free(&p->ring[i]);
  free(p->ring);
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->space);
  pthread_cond_destroy(&p->ready);
  free(p);
}

tidu_ptable *tidu_ptable_open(tidu_table *t, const char *text, size_t len, int threads,
                              tidu_warnq *warns) {
  if (threads < 2 || !tidu_table_is_wide(t)) return NULL;
  const tidu_rowsrc *src = tidu_table_rowsrc(t);
  if (src->sheet || src->typed) return NULL; /* CSV only */
  size_t first;
  long line;
  char delim;
  tidu_csv_where(src->ctx, &first, &line, &delim);
  size_t bytes = tidu_ptable_part_bytes ? tidu_ptable_part_bytes : PART_BYTES;
  if (first >= len || len - first <= bytes) return NULL;
  tidu_ptable *p = tidu_calloc(1, sizeof *p);
  if (!p) return NULL;
  p->t = t;
  p->text = text;
  p->len = len;
  p->name = src->name;
  p->delim = delim;
  p->first = p->expect = first;
  p->first_line = p->next_base = line;
  p->bytes = bytes;
  p->nparts = (len - first + bytes - 1) / bytes;
  p->warns = warns;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  p->window = (size_t)threads * PARTS_AHEAD;
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->space, NULL);
  pthread_cond_init(&p->ready, NULL);
  p->ring = tidu_calloc(p->window, sizeof *p->ring);
  if (!p->ring) {
    tidu_ptable_close(p);
    return NULL;
  }
  for (size_t i = 0; i < p->window; i++) p->ring[i].warns.unbounded = 1;
  p->nth = threads; /* started on the first read (after tidu_ptable_columns, if called) */
  __atomic_add_fetch(&tidu_ptable_opens, 1, __ATOMIC_RELAXED);
  return p;
}

/* Starts the threads on the first read: TIDU_OK, or TIDU_ERR_NOMEM when none could start. */
static tidu_code start(tidu_ptable *p, tidu_error *err) {
  if (p->started) return TIDU_OK;
  p->started = 1;
  int want = p->nth;
  p->nth = 0;
  for (int i = 0; i < want; i++) {
    if (pthread_create(&p->th[p->nth], NULL, worker, p) != 0) break;
    p->nth++;
  }
  if (p->nth > 0) return TIDU_OK;
  p->finished = 1;
  return nomem(err);
}

int tidu_ptable_columns(tidu_ptable *p, int32_t year, const unsigned char *firm,
                        const unsigned char *yfield, size_t max_lanes) {
  if (p->started || max_lanes == 0) return 0;
  p->max_lanes = max_lanes;
  tidu_firm empty;
  tidu_firm_init(&empty);
  for (int k = 0; k < TIDU_NFIRM; k++) {
    p->plan.firm[k] = !firm || firm[k];
    p->plan.firm_default[k] = empty.v[k];
  }
  for (int f = 0; f < TIDU_NYEAR; f++) p->plan.year[f] = !yfield || yfield[f];
  p->plan.base = year ? year : tidu_table_latest_year(p->t);
  if (!tidu_ptable_part_bytes) { /* larger parts: a chunk's worth of rows each */
    p->bytes = CHUNK_BYTES;
    p->nparts = (p->len - p->first + p->bytes - 1) / p->bytes;
  }
  p->window = (size_t)p->nth * CHUNKS_AHEAD; /* fewer than the ring holds */
  p->columns = 1;
  return 1;
}

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* A line within the current part as a line of the file. */
static long file_line(const tidu_ptable *p, long line) {
  return p->base + line - 1;
}

/* Hands the current part back to the threads, which free what it holds (the firms the caller
 * handed back among them) before they parse into it again. */
static void release(tidu_ptable *p) {
  pthread_mutex_lock(&p->lock);
  p->cur->ready = 0;
  p->cur->busy = 0;
  p->consumed++;
  pthread_cond_broadcast(&p->space);
  pthread_mutex_unlock(&p->lock);
  p->cur = NULL;
}

/* Waits for the next part and checks that it starts where the one before ended; when not (a
 * quoted field ran over the cut) parses it again from there. 0 when there are no more. */
static int advance(tidu_ptable *p) {
  if (p->cur) release(p);
  if (p->consumed >= p->nparts) return 0;
  part *b;
  pthread_mutex_lock(&p->lock);
  while (!(b = parsed(p, p->consumed))) pthread_cond_wait(&p->ready, &p->lock);
  pthread_mutex_unlock(&p->lock);
  if (b->start != p->expect) {
    __atomic_add_fetch(&tidu_ptable_reparses, 1, __ATOMIC_RELAXED);
    parse_part(p, b, p->expect, b->stop);
  }
  p->base = p->next_base;
  p->next_base = p->base + b->lines;
  p->expect = b->end;
  p->cur = b;
  p->pos = 0;
  return 1;
}

/* The error of row r with its line in the file. */
static tidu_code row_err(tidu_ptable *p, const prow *r, tidu_error *err) {
  const tidu_error *e = &p->cur->errs[r->err];
  if (err) {
    *err = *e;
    if (e->code != TIDU_ERR_NOMEM) err->line = file_line(p, e->line);
  }
  return e->code;
}

/* Delivers row r of the current part. */
static tidu_code deliver(tidu_ptable *p, prow *r, tidu_firm *firm, tidu_error *err) {
  part *b = p->cur;
  int last = p->pos == b->n;
  if (last && b->fatal > 0) {
    p->finished = 1;
    tidu_table_end(p->t, 1, NULL);
    return row_err(p, r, err);
  }
  p->data_rows++;
  long line = file_line(p, r->line);
  if (r->key) {
    char *key = r->key;
    r->key = NULL;
    tidu_code rc = tidu_table_seen(p->t, key, r->hash, line, err);
    if (rc == TIDU_ERR_NOMEM) p->finished = 1;
    if (rc != TIDU_OK) return rc;
  }
  for (size_t i = r->w0; i < r->w1; i++) {
    tidu_error w = b->warns.items[i];
    w.line = file_line(p, w.line);
    if (tidu_warnq_push(p->warns, &w) != TIDU_OK) {
      p->finished = 1;
      return nomem(err);
    }
  }
  if (r->code != TIDU_OK) return row_err(p, r, err);
  tidu_firm old = *firm; /* the caller's last firm: freed by a thread with this part */
  *firm = r->firm;
  r->firm = old;
  firm->src_line = line;
  for (size_t y = 0; y < firm->nyears; y++) firm->years[y].src_line = line;
  return TIDU_OK;
}

tidu_code tidu_ptable_next(tidu_ptable *p, tidu_firm *firm, int *done, tidu_error *err) {
  tidu_error local;
  if (!err) err = &local;
  *done = 0;
  if (p->columns)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "按列读取中 / reading columns");
  if (start(p, err) != TIDU_OK) return TIDU_ERR_NOMEM;
  for (;;) {
    if (p->finished) {
      tidu_firm_clear(firm);
      *done = 1;
      return TIDU_OK;
    }
    if (p->cur && p->pos < p->cur->n) {
      prow *r = &p->cur->rows[p->pos++];
      tidu_code rc = deliver(p, r, firm, err);
      if (rc != TIDU_OK) tidu_firm_clear(firm);
      return rc;
    }
    if (p->cur && p->cur->fatal < 0) {
      p->finished = 1;
      tidu_firm_clear(firm);
      return nomem(err);
    }
    if (!advance(p)) {
      p->finished = 1;
      stop_threads(p);
      tidu_firm_clear(firm);
      tidu_code rc = tidu_table_end(p->t, p->data_rows, err);
      if (rc != TIDU_OK) return rc;
      *done = 1;
      return TIDU_OK;
    }
  }
}

/* ---- reading into chunks ---- */

/* A record error `e` of code `rc` for the caller's callback: TIDU_OK to go on, else the code
 * to stop with (and the error in `err`). */
static tidu_code bad_row(const tidu_source_rows *cb, tidu_code rc, const tidu_error *e,
                         tidu_error *err) {
  if ((rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA) && cb && cb->error &&
      cb->error(cb->ctx, rc, e) == TIDU_OK)
    return TIDU_OK;
  if (err) *err = *e;
  return rc;
}

/* Hands the rows of the current part over in order, as tidu_ptable_next would deliver them:
 * record errors and warnings to the callbacks, duplicates dropped from the chunk. */
static tidu_code take_rows(tidu_ptable *p, part *b, const tidu_source_rows *cb, tidu_error *err) {
  size_t kept = 0;
  int dropped = 0;
  for (size_t i = 0; i < b->n; i++) {
    prow *r = &b->rows[i];
    tidu_error e;
    if (i + 1 == b->n && b->fatal > 0) { /* an error that ends the reading */
      p->finished = 1;
      tidu_table_end(p->t, 1, NULL);
      tidu_code rc = bad_row(cb, row_err(p, r, &e), &e, err);
      if (b->chunk) b->chunk->n = kept; /* the lanes before it are delivered */
      return rc;
    }
    p->data_rows++;
    long line = file_line(p, r->line);
    int keep = r->code == TIDU_OK;
    if (r->key) {
      char *key = r->key;
      r->key = NULL;
      tidu_code rc = tidu_table_seen(p->t, key, r->hash, line, &e);
      if (rc == TIDU_ERR_NOMEM) {
        p->finished = 1;
        if (err) *err = e;
        return rc;
      }
      if (rc != TIDU_OK) {
        if (r->lane >= 0) dropped = 1;
        r->lane = -1;
        if ((rc = bad_row(cb, rc, &e, err)) != TIDU_OK) return rc;
        continue;
      }
    }
    for (size_t w = r->w0; w < r->w1; w++) {
      tidu_error wn = b->warns.items[w];
      wn.line = file_line(p, wn.line);
      if (cb && cb->warning) cb->warning(cb->ctx, &wn);
    }
    if (!keep) {
      tidu_code rc = bad_row(cb, row_err(p, r, &e), &e, err);
      if (rc != TIDU_OK) return rc;
      continue;
    }
    if (dropped && (size_t)r->lane != kept)
      lane_copy(&p->plan, b->chunk, kept, b->chunk, (size_t)r->lane);
    kept++;
  }
  if (b->chunk) b->chunk->n = kept;
  if (b->fatal < 0) {
    p->finished = 1;
    return nomem(err);
  }
  return TIDU_OK;
}

void tidu_ptable_chunk_done(tidu_ptable *p, void *hold) {
  part *b = hold;
  if (!b) return;
  pthread_mutex_lock(&p->lock);
  if (b->out > 0) b->out--;
  if (b->out == 0) { /* every piece is done with: the place is free */
    b->ready = 0;
    b->busy = 0;
    pthread_cond_broadcast(&p->space);
  }
  pthread_mutex_unlock(&p->lock);
}

/* Cuts the part's chunk into views of at most max_lanes lanes: 0, or -1 on ENOMEM. */
static int cut_views(const tidu_ptable *p, part *b) {
  const tidu_chunk *c = b->chunk;
  size_t n = (c->n + p->max_lanes - 1) / p->max_lanes;
  if (n > b->cap_views) {
    tidu_chunk *v = tidu_realloc(b->views, n * sizeof *v);
    if (!v) return -1;
    b->views = v;
    b->cap_views = n;
  }
  for (size_t i = 0; i < n; i++) {
    tidu_chunk *v = &b->views[i];
    size_t off = i * p->max_lanes;
    memset(v, 0, sizeof *v);
    v->n = v->cap = c->n - off < p->max_lanes ? c->n - off : p->max_lanes;
    v->base = c->base + off;
    for (int k = 0; k < TIDU_NFIRM; k++) {
      if (c->firm[k]) v->firm[k] = c->firm[k] + off;
      if (c->text[k]) v->text[k] = c->text[k] + off;
    }
    for (int f = 0; f < TIDU_NYEAR; f++)
      for (int k = 0; k < TIDU_CHUNK_YEARS; k++) v->yr[f][k] = c->yr[f][k] + off;
  }
  b->nviews = n;
  b->next_view = 0;
  return 0;
}

tidu_code tidu_ptable_chunk(tidu_ptable *p, const tidu_source_rows *cb, const tidu_chunk **out,
                            void **hold, int *done, tidu_error *err) {
  *done = 0;
  *out = NULL;
  *hold = NULL;
  if (!p->columns)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "未按列读取 / not reading columns");
  if (start(p, err) != TIDU_OK) return TIDU_ERR_NOMEM;
  for (;;) {
    part *b = p->pending;
    if (b) { /* the next piece of a part with more lanes than a chunk may have */
      *out = &b->views[b->next_view++];
      *hold = b;
      if (b->next_view == b->nviews) p->pending = NULL;
      __atomic_add_fetch(&tidu_ptable_chunks, 1, __ATOMIC_RELAXED);
      return TIDU_OK;
    }
    if (p->finished) {
      *done = 1;
      return TIDU_OK;
    }
    if (!advance(p)) {
      p->finished = 1;
      stop_threads(p);
      tidu_error e;
      tidu_code rc = tidu_table_end(p->t, p->data_rows, &e);
      if (rc != TIDU_OK && (rc = bad_row(cb, rc, &e, err)) != TIDU_OK) return rc;
      *done = 1;
      return TIDU_OK;
    }
    b = p->cur;
    tidu_code rc = take_rows(p, b, cb, err);
    pthread_mutex_lock(&p->lock);
    p->cur = NULL; /* held by the caller until tidu_ptable_chunk_done */
    p->consumed++;
    pthread_mutex_unlock(&p->lock);
    b->out = 1;
    if (rc == TIDU_OK && b->chunk && b->chunk->n > p->max_lanes) {
      if (cut_views(p, b) != 0) rc = nomem(err);
      if (rc == TIDU_OK) { /* handed out piece by piece: done with when all are */
        b->out = b->nviews;
        p->pending = b;
        continue;
      }
    }
    if (rc != TIDU_OK || !b->chunk || b->chunk->n == 0) {
      tidu_ptable_chunk_done(p, b);
      if (rc != TIDU_OK) {
        p->finished = 1;
        return rc;
      }
      continue;
    }
    *out = b->chunk;
    *hold = b;
    __atomic_add_fetch(&tidu_ptable_chunks, 1, __ATOMIC_RELAXED);
    return TIDU_OK;
  }
}
