/* Reading firms from CSV, XLSX, JSON and NDJSON files (contract §3), one record at a time. */
#ifndef TIDU_IO_H
#define TIDU_IO_H

#include <stddef.h>
#include <stdio.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/source.h"

/* The column `tidu import --skip-bad` adds to the rejects file, saying why each row was
 * rejected. The readers ignore a column with this header without a warning, so a corrected
 * rejects file is imported as it is. */
#define TIDU_REJECT_COLUMN "拒绝原因/reject reason"

typedef enum tidu_format {
  TIDU_FMT_AUTO = 0, /* from the file name's extension, else by sniffing the content */
  TIDU_FMT_CSV,
  TIDU_FMT_JSON,   /* a JSON array of firm objects (NDJSON is accepted too) */
  TIDU_FMT_NDJSON, /* one firm object per line */
  TIDU_FMT_XLSX
} tidu_format;

typedef struct tidu_read_options {
  const char *sheet;    /* XLSX: the sheet to read (NULL = the first) */
  long header_row;      /* CSV/XLSX: the header's row or line; rows above it are skipped
                         * (0 = the first non-blank row) */
  const char *encoding; /* CSV/JSON: "utf-8", "gb18030" (gbk, gb2312) or "utf-16"; NULL or "" =
                         * detected (BOM, valid UTF-8, else GB18030) */
  int threads;          /* CSV: threads parsing a wide table's rows (1 = one, in this thread);
                         * 0 = TIDU_THREADS when set, else the number of online processors */
} tidu_read_options;

typedef struct tidu_reader tidu_reader;

/* Opens `path` ("-" = standard input) for reading firms. Returns TIDU_OK and *out, or an
 * error (file cannot be opened, unknown format, bad header row) with *out = NULL. */
TIDU_API tidu_code tidu_reader_open(const char *path, tidu_format fmt, const tidu_read_options *opt,
                                    tidu_reader **out, tidu_error *err);

/* As tidu_reader_open, for importing in bounded memory: a CSV file (UTF-8, header found
 * without --header-row) of more than `spill_above` bytes (0: TIDU_SPILL_ABOVE) is read once and
 * its rows written by firm (uscc, else name) into temporary files in $TMPDIR (else /tmp), removed
 * from the folder as soon as they are made; the firms are then read back one file at a time.
 * Each firm is complete and its lines are the input's, but firms come grouped by temporary file,
 * not in input order. Other inputs are read as tidu_reader_open reads them. */
#define TIDU_SPILL_ABOVE ((size_t)64 << 20)
TIDU_API tidu_code tidu_reader_open_bounded(const char *path, tidu_format fmt,
                                            const tidu_read_options *opt, size_t spill_above,
                                            tidu_reader **out, tidu_error *err);

/* Same over a memory buffer (borrowed until close); `name` is used in messages. */
TIDU_API tidu_code tidu_reader_open_mem(const char *name, const char *data, size_t len,
                                        tidu_format fmt, const tidu_read_options *opt,
                                        tidu_reader **out, tidu_error *err);

/* Reads the next firm into `firm` (which is cleared first and then owned by the caller).
 * Returns TIDU_OK with *done = 0 for a firm, TIDU_OK with *done = 1 at the end.
 * A bad record returns TIDU_ERR_INPUT or TIDU_ERR_DATA with `err` naming file, line and
 * column (or row and column header); the reader has skipped that record, so the caller may
 * call again to go on. TIDU_ERR_IO, TIDU_ERR_NOMEM and TIDU_ERR_LIMIT are fatal: stop. */
TIDU_API tidu_code tidu_reader_next(tidu_reader *r, tidu_firm *firm, int *done, tidu_error *err);

/* Pops the oldest queued warning (e.g. a USCC check character that does not match) into
 * `warn`; returns 1 when one was popped, 0 when none is queued. */
TIDU_API int tidu_reader_warning(tidu_reader *r, tidu_error *warn);

/* Closes the reader and frees what it holds. Accepts NULL. */
TIDU_API void tidu_reader_close(tidu_reader *r);

/* The reader as a firm source, which then owns it; NULL when memory runs out (the reader is
 * then closed). */
TIDU_API tidu_source *tidu_reader_source(tidu_reader *rd);

/* Opens `path` as a firm source: a pack (read in slices) when it starts with the pack magic,
 * else a table file (`sheet` for XLSX, NULL = the first). Errors as tidu_reader_open and
 * tidu_pack_open; *out = NULL then. Free with tidu_source_close. */
TIDU_API tidu_code tidu_source_open_file(const char *path, const char *sheet, tidu_source **out,
                                         tidu_error *err);
/* Same with every reading option (--sheet, --header-row, --encoding); `ro` may be NULL. */
TIDU_API tidu_code tidu_source_open_file_opt(const char *path, const tidu_read_options *ro,
                                             tidu_source **out, tidu_error *err);

/* Detects the encoding of `data` and returns a newly allocated UTF-8 copy (BOM removed) in
 * *out / *out_len (caller frees). UTF-8 input is checked strictly; otherwise it is converted
 * from GB18030 (with Excel's 0x80 as the euro sign). Returns TIDU_ERR_INPUT naming the byte
 * offset when the input is neither. */
TIDU_API tidu_code tidu_to_utf8(const char *data, size_t len, char **out, size_t *out_len,
                                tidu_error *err);

/* Writes one firm as a contract §3 JSON object (one line, no trailing newline) into a newly
 * allocated string (caller frees); NULL on ENOMEM. */
TIDU_API char *tidu_firm_to_json(const tidu_firm *f);

/* The rejects file of a JSON import: copies the top-level objects of the JSON array or NDJSON
 * text[0..len) that start on lines[0..n) (ascending; one reason each) to `out`, one object per
 * line, exactly as written but for line breaks, with TIDU_REJECT_COLUMN: reasons[i] as the
 * first key (which the JSON reader ignores), so the file can be corrected and imported as it
 * is. Returns the number of objects copied. */
TIDU_API size_t tidu_json_copy_records(const char *text, size_t len, const long *lines,
                                       const char *const *reasons, size_t n, FILE *out);

#endif
