/* A source of table rows (CSV, XLSX): the shared interface under the tabular firm reader. */
#ifndef TIDU_IO_ROWSRC_H
#define TIDU_IO_ROWSRC_H

#include <stddef.h>

#include "tidu/error.h"

/* One row of cells. Cell texts are UTF-8, NUL-terminated, and valid until the next call. */
typedef struct tidu_row {
  const char **cells;
  const size_t *lens;
  const unsigned char *numeric; /* XLSX: 1 where a cell is a number, not text; NULL for CSV */
  size_t ncells;
  long row_no; /* 1-based line (CSV) or row (XLSX) number of the row's start */
} tidu_row;

typedef struct tidu_rowsrc {
  void *ctx;
  /* Reads the next row into *row. Returns 1 for a row, 0 at the end, -1 on error (err set,
   * with file, line and column). */
  int (*next)(void *ctx, tidu_row *row, tidu_error *err);
  /* Frees ctx. */
  void (*close)(void *ctx);
  const char *name;  /* file name for messages */
  const char *sheet; /* XLSX sheet name, NULL for CSV */
  int typed;         /* 1 when numeric cells are raw numbers and dates may be serial days */
} tidu_rowsrc;

/* Opens a CSV row source over UTF-8 text (borrowed until close). src/io/csv.c */
int tidu_csv_rowsrc(const char *name, const char *text, size_t len, tidu_rowsrc *out,
                    tidu_error *err);

/* Where the next unread row of a CSV row source (ctx of tidu_csv_rowsrc) starts: its byte
 * offset into the text, its line number, and the delimiter in use. */
void tidu_csv_where(void *ctx, size_t *off, long *line, char *delim);

/* A CSV row source over part of `text` (borrowed): rows are read from byte `start` (a row
 * start), numbered from `line`, with delimiter `delim` (no BOM, "sep=" line or detection), and
 * no row is begun at or after byte `stop` (a row begun before it is read to its end). */
int tidu_csv_rowsrc_at(const char *name, const char *text, size_t len, size_t start, size_t stop,
                       long line, char delim, tidu_rowsrc *out, tidu_error *err);

/* Opens an XLSX row source for `sheet` (NULL = first) of the file at `path`. src/io/xlsx.c */
int tidu_xlsx_rowsrc(const char *path, const char *sheet, tidu_rowsrc *out, tidu_error *err);

/* Same over an in-memory XLSX file (borrowed until close). */
int tidu_xlsx_rowsrc_mem(const char *name, const void *data, size_t len, const char *sheet,
                         tidu_rowsrc *out, tidu_error *err);

/* The names of the sheets of an in-memory XLSX file, in workbook order: *names is a new array
 * of new strings (free each and the array). Returns 0, or -1 with err set. */
int tidu_xlsx_sheet_names(const char *name, const void *data, size_t len, char ***names, size_t *n,
                          tidu_error *err);

#endif
