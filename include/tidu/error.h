/* Error values shared by every libtidu module: a code, a message and a source position. */
#ifndef TIDU_ERROR_H
#define TIDU_ERROR_H

#include <stddef.h>

#include "tidu/api.h"

/* Error codes. The CLI maps them to exit statuses: INPUT/DATA/RULE -> 1, USAGE -> 2. */
typedef enum tidu_code {
  TIDU_OK = 0,
  TIDU_ERR_NOMEM, /* an allocation failed */
  TIDU_ERR_IO,    /* a file could not be read or written */
  TIDU_ERR_INPUT, /* malformed input data (CSV, JSON, XLSX, a value) */
  TIDU_ERR_RULE,  /* a rule file failed to lex, parse or compile */
  TIDU_ERR_DATA,  /* well-formed but invalid data (range, checksum, conflict) */
  TIDU_ERR_USAGE, /* a caller passed arguments that make no sense */
  TIDU_ERR_DB,    /* the registry database reported an error */
  TIDU_ERR_LIMIT  /* a size limit was hit (zip bomb, line too long) */
} tidu_code;

/* A filled error. Every fallible call takes an optional `tidu_error *` (NULL = don't care)
 * and fills it on failure. Strings are copied in; nothing here needs freeing. */
typedef struct tidu_error {
  tidu_code code;
  char message[512];     /* Chinese first, then English after " / " where users see it */
  char file[256];        /* source name ("" when none) */
  long line;             /* 1-based; 0 when unknown */
  long col;              /* 1-based column (characters, not bytes); 0 when unknown */
  long span;             /* length of the offending span in characters; 0 when unknown */
  char column_name[128]; /* for tabular input: the column header ("" when none) */
  int warning;           /* 1 when this is a warning that can be overridden */
} tidu_error;

/* Fills `err` (if non-NULL) with code, position and a printf-style message; returns `code`. */
TIDU_API tidu_code tidu_error_set(tidu_error *err, tidu_code code, const char *file, long line,
                                  long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Drops an incomplete UTF-8 sequence left at the end of `s` by a truncating snprintf, so that
 * a cut string ends on a character boundary. */
TIDU_API void tidu_utf8_cut_tail(char *s);

/* Resets `err` to TIDU_OK with empty fields. */
TIDU_API void tidu_error_clear(tidu_error *err);

/* Formats "FILE:LINE:COL: message" (omitting parts that are unknown) into buf. */
TIDU_API size_t tidu_error_format(const tidu_error *err, char *buf, size_t size);

#endif
