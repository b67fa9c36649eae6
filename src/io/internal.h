/* Shared internals of the firm readers: warning queue, encoding view, cell conversion, the
 * tabular reader (over any row source) and the JSON reader. Not part of the public API. */
#ifndef TIDU_IO_INTERNAL_H
#define TIDU_IO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io/rowsrc.h"
#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/io.h"
#include "tidu/source.h"

/* ---- warning queue (reader.c) ---- */

/* A FIFO of warnings. At most TIDU_WARNQ_MAX are kept; the rest are counted in `dropped` and
 * summarised by one last warning when the queue drains. */
#define TIDU_WARNQ_MAX 4096
typedef struct tidu_warnq {
  tidu_error *items;
  size_t head, n, cap;
  size_t dropped;
  int unbounded; /* 1: keep every warning (a part of a file read in parallel) */
} tidu_warnq;

/* Copies `w` into the queue (marking it a warning). Returns TIDU_OK or TIDU_ERR_NOMEM. */
tidu_code tidu_warnq_push(tidu_warnq *q, const tidu_error *w);
/* Pops the oldest warning into *out; returns 1 when one was popped, 0 when empty. */
int tidu_warnq_pop(tidu_warnq *q, tidu_error *out);
/* Frees the queue's storage. */
void tidu_warnq_free(tidu_warnq *q);

/* ---- growing byte buffers (reader.c) ---- */

/* Makes room for `need` bytes in the buffer *data of capacity *cap: the capacity starts at
 * `first` and doubles until it holds `need`. Returns 0, or -1 when out of memory (then *data
 * and *cap are unchanged and the caller still owns *data). */
int tidu_io_reserve(char **data, size_t *cap, size_t need, size_t first);

/* Writes one CSV cell, quoted (with doubled quotes) when it holds a comma, quote or line break
 * (export.c; used by the sheet writer too). */
void tidu_io_csv_cell(FILE *fp, const char *s);

/* Reads all of `fd` into a new NUL-terminated buffer (*out, caller frees). A regular file is
 * read (never mapped) and must keep its size and modification time while it is read: if not,
 * TIDU_ERR_IO "the file changed while it was read". Other files are read to their end. */
tidu_code tidu_io_read_fd(int fd, char **out, size_t *out_len, tidu_error *err);

/* Test hook called after each chunk tidu_io_read_fd reads from a regular file (NULL = none). */
extern void (*tidu_io_read_hook)(int fd, size_t done);

/* ---- encoding (encoding.c) ---- */

/* Like tidu_to_utf8, but avoids the copy for input that is already UTF-8: *view points into
 * `data` (after any BOM) and *owned is NULL; otherwise *view == *owned, a new buffer the caller
 * frees. */
tidu_code tidu_utf8_view(const char *data, size_t len, const char **view, size_t *view_len,
                         char **owned, tidu_error *err);

/* Same with an encoding named by the user ("utf-8", "gb18030"/"gbk"/"gb2312", "utf-16"; NULL or
 * "" = detect). Detection trusts strong evidence only: a BOM, or UTF-8 that is valid (or, but
 * for a few damaged bytes, overwhelmingly valid: then the first bad byte is an error at its
 * line and column); other text is read as GB18030. TIDU_ERR_USAGE for an unknown name. */
tidu_code tidu_utf8_view_as(const char *data, size_t len, const char *encoding, const char **view,
                            size_t *view_len, char **owned, tidu_error *err);

/* Returns the byte offset of the first invalid UTF-8 sequence in s, or len when all is valid. */
size_t tidu_utf8_check(const char *s, size_t len);

/* Counts over a file read in blocks, for the encoding tidu_utf8_view would read it in. */
typedef struct tidu_utf8_census {
  int started, bom, utf16;
  size_t multi, nbad, prefix_multi;
} tidu_utf8_census;
/* Counts the block data[0..len) (`last`: the file ends with it); returns how many of its last
 * bytes were left uncounted, to come again at the start of the next block. */
size_t tidu_utf8_census_add(tidu_utf8_census *c, const char *data, size_t len, int last);
/* 1 when tidu_utf8_view would read the counted file as GB18030. */
int tidu_utf8_census_gb18030(const tidu_utf8_census *c);

/* ---- converting one cell or JSON string for a field (table.c) ---- */

/* How a value is written: header unit and whether the source gives raw typed numbers. */
typedef struct tidu_cellfmt {
  int64_t unit_scale; /* 1, 10^4 for (万元) ... */
  int percent;        /* header says (%) */
  int typed;          /* XLSX: dates may be serial day numbers */
} tidu_cellfmt;

/* One converted value. `set` is 0 when the cell is empty or a missing marker. TEXT fields
 * return a new string in `text` (caller frees); others return the stored integer in `v`. */
typedef struct tidu_cellval {
  int set;
  int64_t v;
  char *text;
  int warn;  /* 1 when `err` holds a warning about a value that was kept (USCC check) */
  int clear; /* the cell is the clear marker "#清除" / "#clear": remove the stored value */
} tidu_cellval;

/* Converts s[0..len) for field `fi`. On failure returns TIDU_ERR_INPUT / TIDU_ERR_DATA (range)
 * / TIDU_ERR_NOMEM with a bilingual message in `err` (no position: callers add it). */
tidu_code tidu_io_convert(const struct tidu_field_info *fi, const char *s, size_t len,
                          const tidu_cellfmt *fmt, tidu_cellval *out, tidu_error *err);

/* Rewrites err's message as "<zh name>: <zh> / <en name>: <en>" and sets its position and
 * column_name. `year` (0 = none) is shown with year fields. */
void tidu_io_locate(tidu_error *err, const char *file, long line, long col,
                    const struct tidu_field_info *fi, int32_t year, const char *header);

/* Stores a converted value into a firm (firm fields) or a year record (year fields). */
tidu_code tidu_io_store(tidu_firm *f, const struct tidu_field_info *fi, int32_t year,
                        tidu_cellval *val);

/* Appends the text form of a TAGS / ENUM / BOOL value (names, ';'-joined for tags). */
size_t tidu_io_show(const struct tidu_field_info *fi, int64_t v, const char *text, char *buf,
                    size_t size);

/* ---- tabular reader (table.c) ---- */

typedef struct tidu_table tidu_table;

/* Reads the header row of `src` (taken over: closed by tidu_table_close, or here on failure)
 * and prepares to read firms. Warnings go to `warns` (borrowed). */
tidu_code tidu_table_open(tidu_rowsrc *src, tidu_warnq *warns, tidu_table **out, tidu_error *err);
/* Same, with the header on row `header_row` (rows above it skipped; 0 = the first non-blank
 * row). A first row without a uscc or name column, an empty source or nothing at or below
 * `header_row` fail the open with *no_header = 1 (may be NULL); the error says what was found
 * and, when a header row lies below, which --header-row reads it. */
tidu_code tidu_table_open_at(tidu_rowsrc *src, tidu_warnq *warns, long header_row, int *no_header,
                             tidu_table **out, tidu_error *err);
/* 1 when one of the first rows of `src` is a header row (*row_no = its number); src is read
 * from, not closed. */
int tidu_table_probe(tidu_rowsrc *src, long *row_no);
/* Same contract as tidu_reader_next. */
tidu_code tidu_table_next(tidu_table *t, tidu_firm *firm, int *done, tidu_error *err);
void tidu_table_close(tidu_table *t);
/* Where the table's warnings go from now on (a table opened in one thread, read in another). */
void tidu_table_set_warnq(tidu_table *t, tidu_warnq *warns);

/* For the parallel CSV reader (ptable.c). 1 when `t` reads the wide layout (one row, one
 * firm) and has delivered nothing past its header. */
int tidu_table_is_wide(const tidu_table *t);
/* The row source `t` reads (to find where its data rows start). */
const tidu_rowsrc *tidu_table_rowsrc(const tidu_table *t);
/* 1 when every cell of the row is blank (such rows are skipped). */
int tidu_table_row_blank(const tidu_row *row);
/* The columns (0-based) of the uscc and the name, by which long-layout rows are grouped into
 * firms; -1 when absent. */
void tidu_table_key_columns(const tidu_table *t, long *uscc, long *name);
/* One non-blank data row of a wide table into `firm` (empty, as tidu_firm_init leaves it; it
 * is left empty on errors), with `vals` as scratch (tidu_table_ncols entries), reading only the
 * header map of `t` (safe from several threads): the row's warnings are pushed to `wq`, *key
 * receives its uscc in upper case (a new string, NULL when none) and *hash its hash, for
 * tidu_table_seen. Returns TIDU_OK, a record error (INPUT, DATA) located in `err`, or
 * TIDU_ERR_NOMEM. */
tidu_code tidu_table_wide_row(const tidu_table *t, const tidu_row *row, tidu_cellval *vals,
                              tidu_warnq *wq, tidu_firm *firm, char **key, size_t *hash,
                              tidu_error *err);
/* The room tidu_table_wide_row needs in `vals`: one value per column of the header. */
size_t tidu_table_ncols(const tidu_table *t);
/* The duplicate check, in input order, of the row at `line` with uscc `key` (taken over) of
 * hash `hash`: TIDU_OK, or TIDU_ERR_DATA naming both rows (the row is then not delivered). */
tidu_code tidu_table_seen(tidu_table *t, char *key, size_t hash, long line, tidu_error *err);
/* The end of a wide table read in parallel after `data_rows` non-blank rows: the "only a
 * header" error once when there were none, else TIDU_OK. */
tidu_code tidu_table_end(tidu_table *t, long data_rows, tidu_error *err);

/* Text kept for a chunk: strings one after another, each with its NUL. */
typedef struct tidu_arena {
  char *data;
  size_t len, cap;
} tidu_arena;

/* How rows go into chunk lanes: the fields kept (1) and, for firm fields, the value a firm
 * without the cell holds (as tidu_firm_init leaves it); fiscal year [0] of every lane. */
typedef struct tidu_lane_plan {
  unsigned char firm[TIDU_NFIRM], year[TIDU_NYEAR];
  int64_t firm_default[TIDU_NFIRM];
  int32_t base;
} tidu_lane_plan;

/* The latest year of the table's year columns (a wide row's firm has a year for each): the
 * fiscal year [0] tidu_chunk_add gives such a firm when asked for its latest; 0 when none. */
int32_t tidu_table_latest_year(const tidu_table *t);
/* As tidu_table_wide_row (every cell is checked: the same errors and warnings), but the row
 * goes straight into lane `lane` of `c` (which has room) as tidu_chunk_add would put its firm
 * at fiscal year plan->base, writing only the fields the plan keeps. Kept text is copied into
 * `text`, and its lane entry holds the offset + 1 there (NULL: none) for the caller to turn
 * into a pointer once the arena stops growing. On errors the lane is to be ignored. */
tidu_code tidu_table_wide_lane(const tidu_table *t, const tidu_row *row, tidu_cellval *vals,
                               tidu_warnq *wq, const tidu_lane_plan *plan, tidu_chunk *c,
                               size_t lane, tidu_arena *text, char **key, size_t *hash,
                               tidu_error *err);

/* ---- parallel reading of a wide CSV table (ptable.c) ---- */

typedef struct tidu_ptable tidu_ptable;

/* Reads the data rows of the wide CSV table `t` (borrowed; its row source is at the first
 * data row of text[0..len)) with `threads` threads: the rest of the text is cut into parts
 * after line feeds, each part is parsed on its own, and a part whose start turns out not to be
 * where the part before it ended (a quoted field spanning the cut) is parsed again from there.
 * Firms, record errors, warnings (to `warns`) and line numbers come out in input order exactly
 * as from tidu_table_next. NULL when there is too little text to share, or on ENOMEM: the
 * caller then reads with tidu_table_next. */
tidu_ptable *tidu_ptable_open(tidu_table *t, const char *text, size_t len, int threads,
                              tidu_warnq *warns);
/* Same contract as tidu_table_next. */
tidu_code tidu_ptable_next(tidu_ptable *p, tidu_firm *firm, int *done, tidu_error *err);
/* Stops the threads and frees what is left. NULL is fine. */
void tidu_ptable_close(tidu_ptable *p);
/* Before the first read: read the rows straight into chunks of at most `max_lanes` lanes (a
 * part with more is handed out in pieces) instead of firms, at
 * fiscal year [0] `year` (0: the latest year of the table's columns, as tidu_chunk_add gives
 * such a firm), writing only the marked fields (NULL: all; the rest of a lane holds an empty
 * firm). Every cell is still checked: errors and warnings are those of tidu_ptable_next.
 * 1 when set; 0 when reading has begun. */
int tidu_ptable_columns(tidu_ptable *p, int32_t year, const unsigned char *firm,
                        const unsigned char *yfield, size_t max_lanes);
/* Reading into chunks: the next chunk of firms in input order (borrowed until
 * tidu_ptable_chunk_done(p, *hold), which any thread may call; several may be held at once),
 * with the record errors and warnings of its rows passed to `cb` in input order first.
 * *done = 1 at the end. A non-OK return stops the reading. */
tidu_code tidu_ptable_chunk(tidu_ptable *p, const tidu_source_rows *cb, const tidu_chunk **out,
                            void **hold, int *done, tidu_error *err);
void tidu_ptable_chunk_done(tidu_ptable *p, void *hold);

/* Bytes per part (0 = the default, 64 KiB); tests set it small so that cuts fall inside
 * quoted fields and characters. Parts are only used when the data rows span more than one. */
extern size_t tidu_ptable_part_bytes;
/* How many times a parallel read has begun (tests check that it was used). */
extern size_t tidu_ptable_opens;
/* How many parts were parsed again because their cut fell inside a row (a quoted line break). */
extern size_t tidu_ptable_reparses;
/* How many chunks reading into chunks has handed out (tests check that it was used). */
extern size_t tidu_ptable_chunks;

/* The thread count for reading: `threads` when > 0, else TIDU_THREADS when it is 1..64, else
 * the number of online processors (at most 64). */
int tidu_io_threads(int threads);

/* ---- a reader's rows straight into chunks (reader.c, over ptable.c) ---- */

/* tidu_ptable_columns for a reader reading a wide CSV in parallel; 0 for any other reader. */
int tidu_reader_columns(tidu_reader *r, int32_t year, const unsigned char *firm,
                        const unsigned char *yfield, size_t max_lanes);
/* tidu_ptable_chunk and tidu_ptable_chunk_done, once tidu_reader_columns said 1. */
tidu_code tidu_reader_chunk(tidu_reader *r, const tidu_source_rows *cb, const tidu_chunk **out,
                            void **hold, int *done, tidu_error *err);
void tidu_reader_chunk_done(tidu_reader *r, void *hold);

/* ---- JSON / NDJSON reader (json.c) ---- */

typedef struct tidu_jsonr tidu_jsonr;

/* Reads firms from UTF-8 JSON text (borrowed until close). `ndjson` forces one object per
 * line; otherwise an array, a single object or NDJSON is detected. */
tidu_code tidu_jsonr_open(const char *name, const char *text, size_t len, int ndjson,
                          tidu_warnq *warns, tidu_jsonr **out, tidu_error *err);
tidu_code tidu_jsonr_next(tidu_jsonr *j, tidu_firm *firm, int *done, tidu_error *err);
void tidu_jsonr_close(tidu_jsonr *j);

#endif
