/* A plain table for reports (Chinese headers, money in 万元) and its CSV, JSON and XLSX writers. */
#ifndef TIDU_SHEET_H
#define TIDU_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"

typedef enum tidu_cell_kind {
  TIDU_CELL_TEXT = 0,
  TIDU_CELL_INT, /* a whole number */
  TIDU_CELL_WAN, /* money held in 分, shown in 万元 with two decimals */
  TIDU_CELL_REAL /* a number shown with two decimals (scores) */
} tidu_cell_kind;

/* One sheet: `ncols` columns, rows of cells. Text cells own their strings; number cells hold
 * int64 (REAL as value × 100). Free with tidu_sheet_free. */
typedef struct tidu_sheet {
  char *title;
  size_t ncols;
  char **headers;
  tidu_cell_kind *kinds;
  size_t nrows, cap;
  char **text;  /* nrows × ncols; NULL = empty */
  int64_t *num; /* nrows × ncols */
  uint8_t *set; /* nrows × ncols: 1 when a number cell holds a value */
} tidu_sheet;

/* A new empty sheet; `headers` and `kinds` have `ncols` entries (copied). NULL on ENOMEM. */
TIDU_API tidu_sheet *tidu_sheet_new(const char *title, size_t ncols, const char *const *headers,
                                    const tidu_cell_kind *kinds);
TIDU_API void tidu_sheet_free(tidu_sheet *sh);
/* Appends an empty row; returns its index, or (size_t)-1 on ENOMEM. */
TIDU_API size_t tidu_sheet_add_row(tidu_sheet *sh);
/* Sets a text cell (copied; NULL leaves it empty) or a number cell. Return 0, -1 on ENOMEM. */
TIDU_API int tidu_sheet_set_text(tidu_sheet *sh, size_t row, size_t col, const char *s);
TIDU_API void tidu_sheet_set_num(tidu_sheet *sh, size_t row, size_t col, int64_t v);

/* Writes the sheet to `path` as "csv" (UTF-8 with BOM), "json" (an array of objects keyed by
 * the headers; 万元 as numbers with two decimals) or "xlsx" (libxlsxwriter, the title as the
 * sheet name). The file is written under a temporary name and renamed: on error nothing is
 * left at `path`. TIDU_ERR_USAGE on an unknown format, TIDU_ERR_IO when it cannot be written. */
TIDU_API tidu_code tidu_sheet_write(const tidu_sheet *sh, const char *format, const char *path,
                                    tidu_error *err);

#endif
