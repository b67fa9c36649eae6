/* Internals of the SQL layer shared by its dispatch (sql.c) and the two drivers. */
#ifndef TIDU_STORE_SQL_INT_H
#define TIDU_STORE_SQL_INT_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "sql.h"

struct tidu_sql {
  tidu_sql_backend kind;
  int in_tx;
  char *name; /* file path or URL as given */
  sqlite3 *lite;
  PGconn *pg;
  char *pg_err;       /* last PostgreSQL error message (malloc'd) */
  unsigned next_name; /* numbering of prepared statements and cursors */
  int flags;          /* TIDU_SQL_* given to tidu_sql_open */
  int readonly;       /* opened for reading only (asked for, or the file cannot be written) */
  /* waiting for another writer (SQLite): budget, notice, who we are for the holder file */
  int wait_ms;
  tidu_sql_wait_fn wait_fn;
  void *wait_ud;
  int waited; /* the notice was given for the current wait */
  long long wait_start_ms;
  char *label;        /* "tidu import": written to the holder file while we write */
  int holder_written; /* we wrote NAME-writer and must remove it */
  char *pg_cols_of;   /* PostgreSQL: the table whose columns pg_cols lists (cache of has_column) */
  char *pg_cols;      /* "\ncol\ncol\n"; dropped by every tidu_pg_exec (which runs the DDL) */
  int pg_copying;     /* a COPY FROM STDIN is in progress */
};

struct tidu_sql_stmt {
  tidu_sql *db;
  sqlite3_stmt *lite;
  int lite_state; /* SQLite: 0 before the first step, else the last sqlite3_step result */
  /* PostgreSQL */
  char *sql; /* with $N parameters */
  int nparams;
  char **values; /* bound values as text (NULL = SQL NULL) */
  int *is_int;
  unsigned char *used; /* parameters the SQL refers to (others are typed text) */
  int runs;            /* executions so far; the second one prepares a named statement */
  char name[24];       /* named prepared statement, "" until prepared */
  int stream;          /* fetched in batches through a cursor */
  int cursor_open;     /* the cursor of this execution is declared */
  char cursor[24];
  PGresult *res; /* current result (or batch) */
  int row, nrows;
  int executed; /* executed since the last reset */
  int finished; /* no more rows */
};

/* Expands the portable dialect's tokens for the backend; caller frees. */
char *tidu_sql_expand(tidu_sql_backend kind, const char *sql);

/* Drivers. */
tidu_code tidu_lite_open(tidu_sql *db, int flags, tidu_error *err);
/* SQLite's failure of the last call, said as what happened and to which file (read-only,
 * disk full, locked by whom, out of memory, damaged …). */
tidu_code tidu_lite_fail(tidu_sql *db, tidu_error *err, const char *what);
/* The holder file NAME-writer: written once the write lock is ours, removed before it is
 * released; read by a writer that has to wait. */
void tidu_lite_holder_write(tidu_sql *db);
/* "PATH: the registry is read-only, nothing was written (cause)". */
tidu_code tidu_lite_readonly(tidu_sql *db, tidu_error *err);
void tidu_lite_holder_remove(tidu_sql *db);
tidu_code tidu_lite_cluster(tidu_sql *db, const char *table, tidu_error *err);
tidu_code tidu_pg_open(tidu_sql *db, int flags, tidu_error *err);
void tidu_pg_close(tidu_sql *db);
tidu_code tidu_pg_exec(tidu_sql *db, const char *sql, tidu_error *err);
/* Takes the writers' advisory lock inside the open transaction: at once when free; else tells
 * db->wait_fn who holds it (application_name, backend pid, since) and waits up to db->wait_ms;
 * then fails naming the holder. */
tidu_code tidu_pg_write_lock(tidu_sql *db, tidu_error *err);
/* Applies db->wait_ms (lock_timeout) and db->label (application_name) to the session. */
void tidu_pg_set_wait(tidu_sql *db);
tidu_code tidu_pg_step(tidu_sql_stmt *st, int *row, tidu_error *err);
void tidu_pg_reset(tidu_sql_stmt *st);
void tidu_pg_finalize(tidu_sql_stmt *st);
int tidu_pg_has_column(tidu_sql *db, const char *table, const char *col);
void tidu_pg_describe(tidu_sql *db, char *buf, size_t size);
long tidu_pg_check(tidu_sql *db, tidu_sql_line_cb line, void *ud, tidu_error *err);
tidu_code tidu_pg_backup(tidu_sql *db, const char *dest, tidu_error *err);
tidu_code tidu_pg_copy_begin(tidu_sql *db, const char *sql, tidu_error *err);
tidu_code tidu_pg_copy_put(tidu_sql *db, const char *data, size_t len, tidu_error *err);
tidu_code tidu_pg_copy_end(tidu_sql *db, tidu_error *err);
void tidu_pg_copy_abort(tidu_sql *db); /* ends a COPY sending none of its rows */
long tidu_lite_check(tidu_sql *db, tidu_sql_line_cb line, void *ud, tidu_error *err);
tidu_code tidu_lite_backup(tidu_sql *db, const char *dest, tidu_error *err);
int tidu_lite_has_column(tidu_sql *db, const char *table, const char *col);

#endif
