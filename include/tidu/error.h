/* Error values shared by every libtidu module: a code, a message and a source position. */
#ifndef TIDU_ERROR_H
#define TIDU_ERROR_H

#include <stdarg.h>
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
  /* The message in each language, kept apart so that a face can show one of them: the Chinese
   * and the English text of `message`. Both hold the whole message when it has one language. */
  char message_zh[512];
  char message_en[512];
} tidu_error;

/* Fills `err` (if non-NULL) with code, position and a printf-style message; returns `code`.
 * A format written "中文 / English" is also rendered into `message_zh` and `message_en`, each
 * from its own side of the first " / " of the format; a plain %s argument that is itself such a
 * pair ("磁盘已满 / the disk is full") gives each side its own half, so nested messages split too.
 * `message` stays the whole "中文 / English" text. */
TIDU_API tidu_code tidu_error_set(tidu_error *err, tidu_code code, const char *file, long line,
                                  long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Sets only the message of `err` from a printf-style format, as tidu_error_set does, leaving
 * code and position as they are. */
TIDU_API void tidu_error_vmessage(tidu_error *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Sets the message of `err` from its two language forms: message = "zh / en" (or one of them
 * when the other is empty or both are equal). */
TIDU_API void tidu_error_set_texts(tidu_error *err, const char *zh, const char *en);

/* The message in one language: `lang` starting with "en" gives the English form, starting with
 * "zh" the Chinese form, anything else (NULL, "both") the whole message. Never NULL. */
TIDU_API const char *tidu_error_text(const tidu_error *err, const char *lang);

/* Drops an incomplete UTF-8 sequence left at the end of `s` by a truncating snprintf, so that
 * a cut string ends on a character boundary. */
TIDU_API void tidu_utf8_cut_tail(char *s);

/* Resets `err` to TIDU_OK with empty fields. */
TIDU_API void tidu_error_clear(tidu_error *err);

/* Formats "FILE:LINE:COL: message" (omitting parts that are unknown) into buf. */
TIDU_API size_t tidu_error_format(const tidu_error *err, char *buf, size_t size);
/* The same with the message in one language (as tidu_error_text). */
TIDU_API size_t tidu_error_format_lang(const tidu_error *err, const char *lang, char *buf,
                                       size_t size);

#endif
