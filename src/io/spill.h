/* Reading a large CSV file for import in bounded memory (spill.c): rows spilled by firm into
 * temporary files, each read back through the table reader. */
#ifndef TIDU_IO_SPILL_H
#define TIDU_IO_SPILL_H

#include "io/internal.h"

typedef struct tidu_spill tidu_spill;

/* Reads the CSV file open on `fd` (named `path`) once, writing its rows into temporary files by
 * firm (the uscc, else the name, as the table reader groups rows) as UTF-8. The file is read as
 * GB18030 when `gb18030` or when it is not UTF-8 and a whole-file read would take it for
 * GB18030 (tidu_utf8_view); it is converted as it is read. Returns TIDU_OK and *out;
 * TIDU_ERR_USAGE when the file is not one to spill (not a regular file, in neither encoding, no
 * header with a uscc or name column, a row the CSV reader refuses): the caller then reads it as
 * usual from the start; other codes are fatal (I/O, memory). */
tidu_code tidu_spill_open(const char *path, int fd, int gb18030, tidu_spill **out, tidu_error *err);

/* The next firm, as tidu_table_next gives it, temporary file after temporary file: every firm
 * complete, its rows' lines as in the input; warnings go to `warns`. */
tidu_code tidu_spill_next(tidu_spill *s, tidu_warnq *warns, tidu_firm *firm, int *done,
                          tidu_error *err);

void tidu_spill_close(tidu_spill *s);

#endif
