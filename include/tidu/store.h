/* The registry: every firm's record (一企一档), its history and imports, in one SQLite file or
 * one PostgreSQL database — chosen by the name given to tidu_store_open, invisible to callers. */
#ifndef TIDU_STORE_H
#define TIDU_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/source.h"

/* Ownership: a tidu_store owns its database connection; everything returned through an out
 * parameter is owned by the caller and freed with the function named beside it. Strings
 * passed in are borrowed for the duration of the call. */

/* The schema version this build writes (SQLite: PRAGMA user_version; PostgreSQL: table
 * tidu_schema). Older databases are upgraded in place by tidu_store_open; newer ones refused. */
#define TIDU_STORE_VERSION 5

typedef struct tidu_store tidu_store;

/* Opens (creating if needed) the registry at `path`: a SQLite file (":memory:" for a private
 * in-memory one; WAL journal, synchronous = FULL, foreign keys on, a busy timeout) or, when
 * `path` is a postgresql://… URL, a PostgreSQL database (which must exist; its tables are
 * created). Migrations are applied and one column per field of fields.def ensured. Returns
 * TIDU_OK and *out, or TIDU_ERR_DB / TIDU_ERR_IO with *out NULL. Same as tidu_store_open_with
 * with TIDU_STORE_CREATE. */
TIDU_API tidu_code tidu_store_open(const char *path, tidu_store **out, tidu_error *err);

/* `name` (a path or a postgresql:// URL) as it may be shown to users and written to logs: a
 * password in the URL (user:PASSWORD@ or password=… among the parameters) reads "***". The
 * result is cut to `size` bytes; returns `buf`. */
TIDU_API const char *tidu_store_display_name(const char *name, char *buf, size_t size);

/* Opens an existing registry without creating or migrating it (for `db info` on old files). */
TIDU_API tidu_code tidu_store_open_existing(const char *path, tidu_store **out, tidu_error *err);

/* How tidu_store_open_with opens a registry. A zeroed struct opens an existing registry for
 * reading and writing, waiting up to 10 s for another writer. */
enum {
  TIDU_STORE_CREATE = 1,   /* create the SQLite file when it is missing (else an error naming it) */
  TIDU_STORE_READONLY = 2, /* open for reading only (also chosen when the file, its folder or
                              its file system cannot be written: writes then fail saying so) */
  TIDU_STORE_DRY = 4,      /* a dry run: writes go to a private copy (SQLite) or to transactions
                              that take no write lock and are rolled back (PostgreSQL) */
};
/* Called once when a write has to wait for another writer: the registry, who holds it
 * ("tidu import (pid 123, since …)", or NULL when unknown) and the seconds it will wait. */
typedef void (*tidu_store_wait_fn)(const char *path, const char *holder, int seconds, void *ud);
typedef struct tidu_store_options {
  int flags;
  int wait_seconds;  /* how long a writer waits for another; 0 = 10 s, < 0 = not at all */
  const char *label; /* names us to writers that wait for us ("tidu import"); NULL: "tidu" */
  tidu_store_wait_fn waiting; /* may be NULL */
  void *ud;
} tidu_store_options;

/* Opens the registry at `path` as `opt` says (NULL: as a zeroed struct), then migrates it as
 * tidu_store_open does (a read-only registry must already be current). The write lock is taken
 * before the schema version is read, so processes opening a new or old registry at once migrate
 * it once. Errors name the path and say what happened: no such registry, read-only, full disk,
 * locked by whom, damaged, out of memory. */
TIDU_API tidu_code tidu_store_open_with(const char *path, const tidu_store_options *opt,
                                        tidu_store **out, tidu_error *err);

/* 1 when the registry was opened (or had to be opened) for reading only. */
TIDU_API int tidu_store_readonly(const tidu_store *s);

/* Closes the registry (rolling back an open transaction). Accepts NULL. */
TIDU_API void tidu_store_close(tidu_store *s);

/* Counts shown by `tidu db info`. */
typedef struct tidu_store_info {
  int schema_version;
  char journal_mode[16];   /* SQLite's journal mode ("wal"); "mvcc" on PostgreSQL */
  char backend[64];        /* "sqlite 3.40.1", "postgresql 15.8" */
  long long firms;         /* live firms */
  long long firms_deleted; /* soft-deleted firms */
  long long firm_years;
  long long imports;
  long long history; /* rows of value_history */
  long long events;
} tidu_store_info;

TIDU_API tidu_code tidu_store_info_get(tidu_store *s, tidu_store_info *info, tidu_error *err);

/* SQLite: PRAGMA integrity_check and foreign_key_check; PostgreSQL: constraints not validated
 * and invalid indexes (foreign keys and types are enforced on every write). Returns TIDU_OK when
 * both are clean; TIDU_ERR_DB otherwise with the first problem in `err`. *report (caller frees, may
 * be NULL on ENOMEM) lists every line the checks printed ("ok" when clean). */
TIDU_API tidu_code tidu_store_check(tidu_store *s, char **report, tidu_error *err);

/* Copies the whole database to the file `dest`, readers and writers going on meanwhile:
 * SQLite with its online backup API (the copy is a registry file); PostgreSQL with pg_dump
 * --format=custom of the server's version (restore with pg_restore). */
TIDU_API tidu_code tidu_store_backup(tidu_store *s, const char *dest, tidu_error *err);

/* ---- transactions and imports ---- */

/* What an import did. */
typedef struct tidu_import_summary {
  long long records; /* firm records read */
  long long firms_new;
  long long firms_updated;
  long long firms_unchanged;
  long long years_added;
  long long years_changed;
  long long years_unchanged;
  long long values_changed; /* individual figures that replaced an earlier one */
  long long warnings;
  long long rejected;          /* records refused (with --skip-bad) */
  long long edits_overwritten; /* replaced values whose last change was a manual edit */
} tidu_import_summary;

/* One write transaction. Everything between begin and commit is atomic: a crash or a kill
 * leaves the database as it was before begin. Write transactions are serialised (SQLite's
 * write lock; on PostgreSQL an advisory lock taken by begin), so a transaction sees every
 * write committed before it began and none commits under it; readers never wait and never see
 * an uncommitted write. */
TIDU_API tidu_code tidu_store_begin(tidu_store *s, tidu_error *err);
TIDU_API tidu_code tidu_store_commit(tidu_store *s, tidu_error *err);
TIDU_API void tidu_store_rollback(tidu_store *s);

/* Records the start of an import of `file` (sheet may be NULL) and returns its id. */
TIDU_API tidu_code tidu_store_import_start(tidu_store *s, const char *file, const char *sheet,
                                           int64_t *import_id, tidu_error *err);
/* Records the end of an import with its summary. On PostgreSQL the records given to
 * tidu_store_put_firm were staged by COPY and are merged here, set-based, with the same rows,
 * history and counts as on SQLite; the counts of the merge are added to *sum (on SQLite
 * tidu_store_put_firm counted them already). */
TIDU_API tidu_code tidu_store_import_finish(tidu_store *s, int64_t import_id,
                                            tidu_import_summary *sum, tidu_error *err);

/* Merges one firm record into the registry on behalf of import `import_id` (on PostgreSQL:
 * checks it and stages it; the merge happens in tidu_store_import_finish, so the record is not
 * readable before that and its counts are added to the summary there).
 * Figures present in `f` replace those on file; absent ones (missing figures, NULL texts, and
 * declarations at their default: false, `none`, empty) keep what is on file. Every replaced
 * value is kept in the history with the import and row that brought the old and the new one.
 * Adds to `sum`. The firm's USCC must be set. */
TIDU_API tidu_code tidu_store_put_firm(tidu_store *s, int64_t import_id, const tidu_firm *f,
                                       tidu_import_summary *sum, tidu_error *err);

/* ---- reading ---- */

/* Loads one firm by USCC, or by name (exact, else a unique partial match) into `out`
 * (initialised by the call; the caller clears it). *deleted (may be NULL) tells whether it is
 * soft-deleted. TIDU_ERR_DATA when no firm or several firms match. */
TIDU_API tidu_code tidu_store_get(tidu_store *s, const char *key, tidu_firm *out, int *deleted,
                                  tidu_error *err);

/* Filters applied in SQL. NULL / 0 members do not filter. */
typedef struct tidu_store_filter {
  const char *region_prefix;   /* region code starts with */
  const char *industry_prefix; /* industry code starts with */
  const char *chain;           /* `chains` holds this tag */
  const char *title;           /* `titles` holds this title (English name) */
  int include_deleted;
} tidu_store_filter;

typedef struct tidu_store_iter tidu_store_iter;

/* Iterates firms (with all their years) ordered by USCC. */
TIDU_API tidu_code tidu_store_iter_open(tidu_store *s, const tidu_store_filter *flt,
                                        tidu_store_iter **out, tidu_error *err);
/* Reads the next firm into `f` (cleared first; owned by the caller). *done = 1 at the end. */
TIDU_API tidu_code tidu_store_iter_next(tidu_store_iter *it, tidu_firm *f, int *done,
                                        tidu_error *err);
TIDU_API void tidu_store_iter_close(tidu_store_iter *it);

/* The firms of the registry that pass `flt` (may be NULL) as a firm source, in USCC order. The
 * source owns `store` when `own` is 1 (closed with it, or at once when this call fails). */
TIDU_API tidu_code tidu_store_source(tidu_store *store, const tidu_store_filter *flt, int own,
                                     tidu_source **out, tidu_error *err);

/* A scan of registry firms in USCC order that reads only some fields and fiscal years: for
 * reading a million firms in seconds when a few dozen figures are needed. Unread fields are as
 * tidu_firm_init leaves them. On PostgreSQL the rows stream through cursors (in the caller's
 * transaction, or a read-only one the scan holds until closed); memory stays bounded. */
typedef struct tidu_store_scan_spec {
  const unsigned char *firm;    /* TIDU_NFIRM flags: firm fields to read (NULL: all); the USCC
                                   is always read */
  const unsigned char *year;    /* TIDU_NYEAR flags: year fields to read (NULL: all); the
                                   years themselves are always read */
  int32_t year_min, year_max;   /* fiscal years to read; 0 = no bound */
  const tidu_store_filter *flt; /* NULL: every live firm */
} tidu_store_scan_spec;

typedef struct tidu_store_scan tidu_store_scan;

TIDU_API tidu_code tidu_store_scan_open(tidu_store *s, const tidu_store_scan_spec *spec,
                                        tidu_store_scan **out, tidu_error *err);
/* The next firm into `f` (cleared first; owned by the caller; pass the same firm again to
 * reuse its room for years). *done = 1 at the end. */
TIDU_API tidu_code tidu_store_scan_next(tidu_store_scan *sc, tidu_firm *f, int *done,
                                        tidu_error *err);
TIDU_API void tidu_store_scan_close(tidu_store_scan *sc);

/* The firms a scan `spec` reads (NULL: every field of every live firm) as a firm source, in
 * USCC order. The source owns `store` when `own` is 1 (closed with it, or at once when this
 * call fails). */
TIDU_API tidu_code tidu_store_source_scan(tidu_store *store, const tidu_store_scan_spec *spec,
                                          int own, tidu_source **out, tidu_error *err);

/* Opens the registry at `path` (which must exist) as a firm source that owns it. */
TIDU_API tidu_code tidu_store_source_open(const char *path, tidu_source **out, tidu_error *err);
/* The same reading only the marked fields (tidu_store_scan_spec; NULL: all). */
TIDU_API tidu_code tidu_store_source_open_fields(const char *path, const unsigned char *firm,
                                                 const unsigned char *year, tidu_source **out,
                                                 tidu_error *err);

/* ---- history, corrections, deletion ---- */

/* One change of one value. Values are in the stored form (see tidu_store_value_text);
 * NULL old_value means the value was absent before. Strings live until the callback returns. */
typedef struct tidu_history_entry {
  const char *changed_at; /* ISO 8601 UTC */
  int32_t year;           /* 0 for a firm field */
  const char *field;
  const char *old_value;
  const char *new_value;
  const char *old_source; /* "FILE row N (import #k, TIME)" or "edit #k" or NULL */
  const char *new_source;
  const char *who; /* for edits: who and why; NULL for imports */
  const char *why;
} tidu_history_entry;

typedef int (*tidu_history_cb)(const tidu_history_entry *e, void *ud);

/* Calls `cb` for every recorded change of the firm, oldest first; stops early when cb returns
 * non-zero. A firm that exists but never changed gives no calls. */
TIDU_API tidu_code tidu_store_history(tidu_store *s, const char *uscc, tidu_history_cb cb, void *ud,
                                      tidu_error *err);

/* Sets one value of a firm (year = 0) or of one of its years (creating the year), recorded in
 * the history and the audit events with `who` and `why` (why may be NULL). `v` / `text` as in
 * tidu_firm (text only for TEXT fields; NULL or TIDU_MISSING clears). */
TIDU_API tidu_code tidu_store_set_value(tidu_store *s, const char *uscc, const tidu_field_info *fi,
                                        int32_t year, int64_t v, const char *text, const char *who,
                                        const char *why, tidu_error *err);

/* Removes one fiscal year of a firm (a year typed by mistake): every value it held is recorded
 * in the history as removed, with an audit event (who, why). TIDU_ERR_DATA when the firm has
 * no such year. */
TIDU_API tidu_code tidu_store_delete_year(tidu_store *s, const char *uscc, int32_t year,
                                          const char *who, const char *why, tidu_error *err);

/* Soft delete and undo; both recorded as audit events. */
TIDU_API tidu_code tidu_store_delete(tidu_store *s, const char *uscc, const char *who,
                                     const char *why, tidu_error *err);
TIDU_API tidu_code tidu_store_undelete(tidu_store *s, const char *uscc, const char *who,
                                       const char *why, tidu_error *err);

/* The stored text of a value (as in the history): money in 分, ratios ×10^8, counts, 0/1,
 * enumeration names, ';'-joined tags, YYYY-MM-DD dates, text. Writes "" for absent.
 * Returns the length written. */
TIDU_API size_t tidu_store_value_text(const tidu_field_info *fi, int64_t v, const char *text,
                                      char *buf, size_t size);

#endif
