/* Internals shared by the files of src/store: the connection, statements and small helpers.
 * Everything here talks to the database through the backend-neutral layer of sql.h. */
#ifndef TIDU_STORE_INT_H
#define TIDU_STORE_INT_H

#include "sql.h"
#include "store/prog_store.h"
#include "tidu/store.h"

struct tidu_store {
  tidu_sql *db;
  int in_tx;
  /* prepared on first use by firms.c; finalized by tidu_store_close */
  tidu_sql_stmt *sel_firm;
  tidu_sql_stmt *ins_firm;
  tidu_sql_stmt *upd_firm;
  tidu_sql_stmt *sel_years;
  tidu_sql_stmt *ins_year;
  tidu_sql_stmt *upd_year;
  tidu_sql_stmt *ins_hist;
  tidu_sql_stmt *sel_last_edit;
  /* PostgreSQL: the import whose records are being staged by COPY (bulk.c), 0 when none */
  int64_t bulk_import;
  long long bulk_seq; /* records staged */
  /* the programme's named queries, prepared on first use (programme.c) */
  tidu_sql_stmt *pq[PQ_COUNT];
};

/* Fills err with the connection's last message; returns TIDU_ERR_DB. */
tidu_code tidu_store_dberr(tidu_store *s, tidu_error *err, const char *what);

/* Runs SQL without results. */
tidu_code tidu_store_exec(tidu_store *s, const char *sql, tidu_error *err);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void tidu_store_now(char buf[32]);

/* Records an audit event; `id` (may be NULL) receives its id. */
tidu_code tidu_store_event(tidu_store *s, const char *who, const char *action, const char *uscc,
                           const char *what, const char *why, const char *source, int64_t *id,
                           tidu_error *err);

/* SQL column type of a field: "BIGINT" or "TEXT". */
const char *tidu_store_coltype(const tidu_field_info *fi);

/* Binds a field value (NULL when absent) to parameter `idx`. */
void tidu_store_bind_value(tidu_sql_stmt *st, int idx, const tidu_field_info *fi, int64_t v,
                           const char *text);

/* Reads column `col` of `st` into a value: *v for non-text fields, *text (malloc'd, caller
 * frees) for TEXT. Returns TIDU_OK or an error on an unreadable stored value. */
tidu_code tidu_store_column_value(tidu_sql_stmt *st, int col, const tidu_field_info *fi, int64_t *v,
                                  char **text, tidu_error *err);

/* Binds text or NULL. */
void tidu_store_bind_opt(tidu_sql_stmt *st, int idx, const char *text);

/* PostgreSQL's bulk import (bulk.c): put stages one checked record by COPY; merge (called by
 * tidu_store_import_finish) merges the staged records of the import set-based, with the history
 * and the counts of the one-by-one merge, and adds the counts to *sum. */
tidu_code tidu_store_bulk_put(tidu_store *s, int64_t import_id, const tidu_firm *f,
                              tidu_error *err);
tidu_code tidu_store_bulk_merge(tidu_store *s, int64_t import_id, tidu_import_summary *sum,
                                tidu_error *err);

/* Frees the cached statements. */
void tidu_store_finalize_firms(tidu_store *s);

#endif
