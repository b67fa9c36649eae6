/* The columnar population file ("pack"): written once from any firm reader, read back in chunks. */
#ifndef TIDU_PACK_H
#define TIDU_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/source.h"

/* File layout (version 1, little-endian, every column 64-byte aligned):
 *   header   64 bytes: magic "TIDUPACK", version, endian mark, rows per block, firm count,
 *            block count, column count, offsets of the schema and of the block directory.
 *   blocks   for each block of up to `block_rows` firms, one array per column that is not
 *            constant over the block: int64 values (firm fields, year fields per year offset,
 *            the firm's base year), or uint32 offsets into the block's string area (text
 *            fields; UINT32_MAX = missing), then the block's string area (NUL-terminated,
 *            each distinct string stored once per block).
 *   schema   per column: kind (base year, firm value, year value, text), year offset, and the
 *            field's name. Readers match columns by name, so a file written by an older build
 *            still reads: fields it lacks read as missing (measured) or absent (declarations).
 *   directory per block: firm count, string area, and per column its array offset or its
 *            constant value.
 * Year columns are relative to the firm's base year (its latest year on file): column k holds
 * year base - k, for k = 0 .. TIDU_CHUNK_YEARS - 1. */

#define TIDU_PACK_VERSION    1
#define TIDU_PACK_BLOCK_ROWS 16384

/* ---- writing ---- */

typedef struct tidu_pack_writer tidu_pack_writer;

/* Creates `path` (truncating it) for writing. Returns TIDU_ERR_IO when it cannot be created. */
TIDU_API tidu_code tidu_pack_writer_open(const char *path, tidu_pack_writer **out, tidu_error *err);

/* Appends one firm (borrowed; copied into the writer's block buffer). */
TIDU_API tidu_code tidu_pack_writer_add(tidu_pack_writer *w, const tidu_firm *f, tidu_error *err);

/* Firms added so far. */
TIDU_API size_t tidu_pack_writer_count(const tidu_pack_writer *w);

/* Writes what is buffered, the schema and the directory, closes the file and frees the writer
 * (also on failure). On failure the file is removed. Accepts NULL. */
TIDU_API tidu_code tidu_pack_writer_close(tidu_pack_writer *w, tidu_error *err);

/* Frees the writer and removes the unfinished file. Accepts NULL. */
TIDU_API void tidu_pack_writer_abort(tidu_pack_writer *w);

/* ---- reading ---- */

typedef struct tidu_pack tidu_pack;

/* Maps `path` read-only. Returns TIDU_ERR_IO when it cannot be read, TIDU_ERR_INPUT when it is
 * not a pack file or is damaged (every offset is checked against the file size). */
TIDU_API tidu_code tidu_pack_open(const char *path, tidu_pack **out, tidu_error *err);

/* 1 when the file at `path` starts with the pack magic. */
TIDU_API int tidu_pack_sniff(const char *path);

/* Unmaps and frees. Accepts NULL. */
TIDU_API void tidu_pack_close(tidu_pack *p);

TIDU_API size_t tidu_pack_count(const tidu_pack *p);
TIDU_API size_t tidu_pack_block_rows(const tidu_pack *p);

/* A cursor reads slices of the file as tidu_chunk views. Cursors are independent: each
 * thread uses its own cursor over one shared tidu_pack. The chunk a cursor returns points
 * into the mapped file where it can (no copy) and stays valid until the cursor's next read
 * or its free; it must not be modified or passed to tidu_chunk_free. */
typedef struct tidu_pack_cursor tidu_pack_cursor;

/* `cap` is the slice size; it must divide the file's block rows (powers of two up to 16384
 * do). Returns NULL on ENOMEM or a bad `cap`. */
TIDU_API tidu_pack_cursor *tidu_pack_cursor_new(const tidu_pack *p, size_t cap);
TIDU_API void tidu_pack_cursor_free(tidu_pack_cursor *c);

/* Number of slices of `cap` firms (the last of each block may be shorter). */
TIDU_API size_t tidu_pack_slices(const tidu_pack *p, size_t cap);

/* Reads slice `index` as a chunk assessed at fiscal year `year` (0 = each firm's latest year
 * on file, as tidu_chunk_add does). *first receives the row number of the slice's first firm. */
TIDU_API tidu_code tidu_pack_read(tidu_pack_cursor *c, size_t index, int32_t year,
                                  const tidu_chunk **out, size_t *first, tidu_error *err);

/* Rebuilds firm `row` as a record (years base .. base-5 that hold any figure). `f` is cleared
 * first and owned by the caller. */
TIDU_API tidu_code tidu_pack_firm(const tidu_pack *p, size_t row, tidu_firm *f, tidu_error *err);

/* The pack as a firm source read in slices (or firm by firm), which then owns it; NULL when
 * memory runs out (the pack is then closed). */
TIDU_API tidu_source *tidu_pack_source(tidu_pack *pack);

#endif
