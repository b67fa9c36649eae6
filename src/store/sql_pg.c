/* The SQL layer's PostgreSQL driver (libpq): statements, cursors for large reads, checks and
 * pg_dump backups. Parameters and results travel as text; 64-bit integers stay exact. */
#include "sql_int.h"
#include "tidu/toolkit.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define FETCH_ROWS 2000
#define INT8OID    20
#define TEXTOID    25

static void set_err(tidu_sql *db, const char *msg) {
  free(db->pg_err);
  db->pg_err = tidu_strdup(msg && *msg ? msg : "?");
  if (!db->pg_err) return;
  size_t n = strlen(db->pg_err);
  while (n > 0 && (db->pg_err[n - 1] == '\n' || db->pg_err[n - 1] == ' ')) db->pg_err[--n] = '\0';
}

/* Keeps the result's error (or the connection's) as the last message. */
static tidu_code res_fail(tidu_sql *db, PGresult *res, tidu_error *err, const char *what) {
  const char *m = res ? PQresultErrorMessage(res) : NULL;
  set_err(db, m && *m ? m : PQerrorMessage(db->pg));
  return tidu_sql_fail(db, err, what);
}

static void quiet(void *ud, const char *msg) {
  (void)ud;
  (void)msg;
}

tidu_code tidu_pg_open(tidu_sql *db, int flags, tidu_error *err) {
  db->pg = PQconnectdb(db->name);
  if (!db->pg || PQstatus(db->pg) != CONNECTION_OK) {
    set_err(db, db->pg ? PQerrorMessage(db->pg) : "out of memory");
    return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                          "无法连接数据库 / cannot connect to the database: %s",
                          tidu_sql_errmsg(db));
  }
  PQsetNoticeProcessor(db->pg, quiet, NULL);
  if (PQsetClientEncoding(db->pg, "UTF8") != 0) {
    set_err(db, PQerrorMessage(db->pg));
    return tidu_sql_fail(db, err, "encoding");
  }
  if (flags & TIDU_SQL_READONLY)
    return tidu_pg_exec(db, "SET default_transaction_read_only = on", err);
  return TIDU_OK;
}

/* ---- the writers' lock, and who holds it ---- */

/* Every writer of a PostgreSQL registry takes this transaction-scoped advisory lock first. */
#define PG_LOCK_KEY "7596431779212034048"

/* Names the session holding the writers' lock: "tidu import (backend pid 123, since …)", from
 * its application_name (each tidu command sets its own); "" when none holds it. */
static void pg_holder(tidu_sql *db, char *buf, size_t size) {
  buf[0] = '\0';
  PGresult *res =
      PQexec(db->pg, "SELECT coalesce(nullif(a.application_name, ''), '?'), a.pid, "
                     "coalesce(to_char(a.xact_start AT TIME ZONE 'UTC', "
                     "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '?') "
                     "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                     "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                     "AND ((l.classid::bigint << 32) | l.objid::bigint) = " PG_LOCK_KEY " LIMIT 1");
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
    const char *app = PQgetvalue(res, 0, 0);
    snprintf(buf, size, "%s (backend pid %s, since %s)",
             strcmp(app, "?") ? app : "PostgreSQL session", PQgetvalue(res, 0, 1),
             PQgetvalue(res, 0, 2));
  }
  PQclear(res);
}

/* 1 when the result failed because lock_timeout ran out (SQLSTATE 55P03). */
static int lock_timed_out(const PGresult *res) {
  const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  return state && !strcmp(state, "55P03");
}

tidu_code tidu_pg_write_lock(tidu_sql *db, tidu_error *err) {
  PGresult *res = PQexec(db->pg, "SELECT pg_try_advisory_xact_lock(" PG_LOCK_KEY ")");
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    tidu_code rc = res_fail(db, res, err, "lock");
    PQclear(res);
    return rc;
  }
  int got = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
  PQclear(res);
  if (got) return TIDU_OK;
  char holder[512];
  pg_holder(db, holder, sizeof holder);
  int secs = (db->wait_ms + 999) / 1000;
  if (db->wait_ms > 0) {
    if (db->wait_fn) db->wait_fn(db->name, holder[0] ? holder : NULL, secs, db->wait_ud);
    /* waits up to lock_timeout (the wait, set by tidu_sql_set_wait) */
    res = PQexec(db->pg, "SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")");
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
      PQclear(res);
      return TIDU_OK;
    }
    if (!lock_timed_out(res)) {
      tidu_code rc = res_fail(db, res, err, "lock");
      PQclear(res);
      return rc;
    }
    PQclear(res);
    char now[512];
    pg_holder(db, now, sizeof now);
    if (now[0]) memcpy(holder, now, sizeof holder);
  }
  set_err(db, "lock timeout");
  return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                        "登记库正被%s写入,等待 %d 秒后放弃 / %s is writing to the registry; "
                        "gave up after %d s (--wait SECONDS waits longer)",
                        holder[0] ? holder : "另一个会话", secs,
                        holder[0] ? holder : "another session", secs);
}

void tidu_pg_set_wait(tidu_sql *db) {
  char sql[96];
  /* 0 would mean "no limit"; with --wait 0 the writers' lock is only tried (tidu_pg_write_lock) */
  snprintf(sql, sizeof sql, "SET lock_timeout = %d", db->wait_ms > 0 ? db->wait_ms : 1);
  tidu_pg_exec(db, sql, NULL);
  char *name = PQescapeLiteral(db->pg, db->label ? db->label : "tidu",
                               strlen(db->label ? db->label : "tidu"));
  if (!name) return;
  char *set = tidu_malloc(strlen(name) + 32);
  if (set) {
    snprintf(set, strlen(name) + 32, "SET application_name = %s", name);
    tidu_pg_exec(db, set, NULL);
    free(set);
  }
  PQfreemem(name);
}

static void forget_columns(tidu_sql *db) {
  free(db->pg_cols_of);
  free(db->pg_cols);
  db->pg_cols_of = db->pg_cols = NULL;
}

void tidu_pg_close(tidu_sql *db) {
  if (db->pg) PQfinish(db->pg);
  db->pg = NULL;
  forget_columns(db);
}

tidu_code tidu_pg_exec(tidu_sql *db, const char *sql, tidu_error *err) {
  forget_columns(db);
  if (db->pg_copying) {
    tidu_code rc = tidu_pg_copy_end(db, err);
    if (rc != TIDU_OK) return rc;
  }
  PGresult *res = PQexec(db->pg, sql);
  ExecStatusType s = PQresultStatus(res);
  tidu_code rc = TIDU_OK;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) rc = res_fail(db, res, err, "exec");
  PQclear(res);
  return rc;
}

static int tx_healthy(tidu_sql *db) {
  PGTransactionStatusType t = PQtransactionStatus(db->pg);
  return t == PQTRANS_IDLE || t == PQTRANS_INTRANS;
}

static Oid *param_types(tidu_sql_stmt *st, Oid *small, size_t nsmall) {
  Oid *t = (size_t)st->nparams <= nsmall ? small : tidu_malloc((size_t)st->nparams * sizeof *t);
  if (!t) return NULL;
  for (int i = 0; i < st->nparams; i++) t[i] = !st->used[i] ? TEXTOID : st->is_int[i] ? INT8OID : 0;
  return t;
}

static tidu_code fetch(tidu_sql_stmt *st, tidu_error *err) {
  char sql[64];
  snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM %s", FETCH_ROWS, st->cursor);
  PQclear(st->res);
  st->res = PQexec(st->db->pg, sql);
  if (PQresultStatus(st->res) != PGRES_TUPLES_OK) return res_fail(st->db, st->res, err, "fetch");
  st->nrows = PQntuples(st->res);
  st->row = -1;
  return TIDU_OK;
}

static tidu_code execute(tidu_sql_stmt *st, tidu_error *err) {
  tidu_sql *db = st->db;
  if (db->pg_copying) {
    tidu_code rc = tidu_pg_copy_end(db, err);
    if (rc != TIDU_OK) return rc;
  }
  Oid small[64];
  Oid *types = param_types(st, small, 64);
  if (!types && st->nparams > 0)
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  const char *const *vals = (const char *const *)st->values;
  tidu_code rc = TIDU_OK;
  PQclear(st->res);
  st->res = NULL;
  if (st->stream) {
    if (!db->in_tx) {
      rc = tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "游标需要事务 / a streamed query needs an open transaction");
    } else {
      snprintf(st->cursor, sizeof st->cursor, "tidu_c%u", ++db->next_name);
      size_t n = strlen(st->sql) + 64;
      char *sql = tidu_malloc(n);
      if (!sql) {
        rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
      } else {
        snprintf(sql, n, "DECLARE %s NO SCROLL CURSOR FOR %s", st->cursor, st->sql);
        PGresult *res = PQexecParams(db->pg, sql, st->nparams, types, vals, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
          rc = res_fail(db, res, err, "cursor");
        else
          st->cursor_open = 1;
        PQclear(res);
        free(sql);
      }
      if (rc == TIDU_OK) rc = fetch(st, err);
    }
  } else {
    /* The first run goes as one round trip; a statement run again is prepared once. */
    if (st->runs >= 1 && !st->name[0]) {
      snprintf(st->name, sizeof st->name, "tidu_s%u", ++db->next_name);
      PGresult *res = PQprepare(db->pg, st->name, st->sql, st->nparams, types);
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = res_fail(db, res, err, "prepare");
        st->name[0] = '\0';
      }
      PQclear(res);
    }
    if (rc == TIDU_OK) {
      st->res = st->name[0]
                    ? PQexecPrepared(db->pg, st->name, st->nparams, vals, NULL, NULL, 0)
                    : PQexecParams(db->pg, st->sql, st->nparams, types, vals, NULL, NULL, 0);
      ExecStatusType s = PQresultStatus(st->res);
      if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
        rc = res_fail(db, st->res, err, "step");
      else
        st->nrows = PQntuples(st->res);
      st->row = -1;
      st->runs++;
    }
  }
  if (types != small) free(types);
  return rc;
}

tidu_code tidu_pg_step(tidu_sql_stmt *st, int *row, tidu_error *err) {
  *row = 0;
  if (st->finished) return TIDU_OK;
  if (!st->executed) {
    st->executed = 1;
    tidu_code rc = execute(st, err);
    if (rc != TIDU_OK) {
      st->finished = 1;
      return rc;
    }
  }
  st->row++;
  if (st->row >= st->nrows && st->cursor_open && st->nrows == FETCH_ROWS) {
    tidu_code rc = fetch(st, err);
    if (rc != TIDU_OK) {
      st->finished = 1;
      return rc;
    }
    st->row = 0;
  }
  if (st->row < st->nrows) {
    *row = 1;
    return TIDU_OK;
  }
  st->finished = 1;
  return TIDU_OK;
}

void tidu_pg_reset(tidu_sql_stmt *st) {
  PQclear(st->res);
  st->res = NULL;
  if (st->cursor_open && tx_healthy(st->db)) {
    char sql[48];
    snprintf(sql, sizeof sql, "CLOSE %s", st->cursor);
    PQclear(PQexec(st->db->pg, sql));
  }
  st->cursor_open = 0;
  st->executed = 0;
  st->finished = 0;
  st->row = -1;
  st->nrows = 0;
}

void tidu_pg_finalize(tidu_sql_stmt *st) {
  if (st->name[0] && st->db->pg && tx_healthy(st->db)) {
    char sql[48];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
    PQclear(PQexec(st->db->pg, sql));
  }
}

/* Opening a registry asks for every field's column: the table's columns are read in one query
 * and kept until the next DDL. */
int tidu_pg_has_column(tidu_sql *db, const char *table, const char *col) {
  if (!db->pg_cols_of || strcmp(db->pg_cols_of, table) != 0) {
    forget_columns(db);
    const char *vals[1] = {table};
    PGresult *res = PQexecParams(db->pg,
                                 "SELECT E'\\n' || string_agg(a.attname::text, E'\\n') || E'\\n'"
                                 " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                                 " WHERE c.relnamespace = current_schema()::regnamespace"
                                 " AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped",
                                 1, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
      db->pg_cols_of = tidu_strdup(table);
      db->pg_cols = tidu_strdup(PQgetisnull(res, 0, 0) ? "\n" : PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    if (!db->pg_cols_of || !db->pg_cols) {
      forget_columns(db);
      return 0;
    }
  }
  size_t n = strlen(col);
  for (const char *p = strstr(db->pg_cols, col); p; p = strstr(p + 1, col))
    if (p[-1] == '\n' && p[n] == '\n') return 1;
  return 0;
}

void tidu_pg_describe(tidu_sql *db, char *buf, size_t size) {
  const char *v = PQparameterStatus(db->pg, "server_version");
  snprintf(buf, size, "postgresql %s%s", v ? v : "?",
           PQparameterStatus(db->pg, "in_hot_standby") &&
                   strcmp(PQparameterStatus(db->pg, "in_hot_standby"), "on") == 0
               ? " (standby)"
               : "");
}

/* Problems PostgreSQL itself can have left behind: constraints not validated, indexes left
 * invalid by an interrupted build. Foreign keys and types are enforced on every write. */
long tidu_pg_check(tidu_sql *db, tidu_sql_line_cb line, void *ud, tidu_error *err) {
  static const char *const sql[] = {
      "SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ' not validated'"
      " FROM pg_constraint WHERE NOT convalidated AND connamespace = "
      "current_schema()::regnamespace",
      "SELECT 'index ' || indexrelid::regclass::text || ' invalid' FROM pg_index i"
      " JOIN pg_class c ON c.oid = i.indexrelid"
      " WHERE NOT i.indisvalid AND c.relnamespace = current_schema()::regnamespace",
  };
  long bad = 0;
  for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
    PGresult *res = PQexec(db->pg, sql[i]);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
      res_fail(db, res, err, "check");
      PQclear(res);
      return -1;
    }
    for (int r = 0; r < PQntuples(res); r++, bad++) line(PQgetvalue(res, r, 0), ud);
    PQclear(res);
  }
  if (bad == 0) line("ok", ud);
  return bad;
}

/* pg_dump of the server's major version when installed beside it, else the one on PATH. */
static void find_pg_dump(tidu_sql *db, char *buf, size_t size) {
  snprintf(buf, size, "/usr/lib/postgresql/%d/bin/pg_dump", PQserverVersion(db->pg) / 10000);
  if (access(buf, X_OK) != 0) snprintf(buf, size, "pg_dump");
}

tidu_code tidu_pg_backup(tidu_sql *db, const char *dest, tidu_error *err) {
  char prog[128], tmp[4096];
  find_pg_dump(db, prog, sizeof prog);
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", dest, (long)getpid());
  int fds[2];
  if (pipe(fds) != 0)
    return tidu_error_set(err, TIDU_ERR_IO, dest, 0, 0, "备份失败 / backup failed: %s",
                          strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  char *argv[] = {prog, "--format=custom", "--no-owner", "--file", tmp, "--dbname", db->name, NULL};
  pid_t pid = 0;
  int src = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  char msg[1024] = "";
  size_t used = 0;
  ssize_t n;
  while ((n = read(fds[0], msg + used, sizeof msg - 1 - used)) > 0) used += (size_t)n;
  msg[used] = '\0';
  close(fds[0]);
  int status = 0;
  if (src == 0) waitpid(pid, &status, 0);
  if (src != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    unlink(tmp);
    while (used > 0 && msg[used - 1] == '\n') msg[--used] = '\0';
    return tidu_error_set(err, TIDU_ERR_DB, dest, 0, 0, "备份失败 (pg_dump) / backup failed: %s",
                          src != 0 ? strerror(src) : msg);
  }
  if (rename(tmp, dest) != 0) {
    unlink(tmp);
    return tidu_error_set(err, TIDU_ERR_IO, dest, 0, 0, "备份失败 / backup failed: %s",
                          strerror(errno));
  }
  return TIDU_OK;
}

/* ---- COPY FROM STDIN ---- */

tidu_code tidu_pg_copy_begin(tidu_sql *db, const char *sql, tidu_error *err) {
  if (db->pg_copying) {
    tidu_code rc = tidu_pg_copy_end(db, err);
    if (rc != TIDU_OK) return rc;
  }
  PGresult *res = PQexec(db->pg, sql);
  tidu_code rc = TIDU_OK;
  if (PQresultStatus(res) != PGRES_COPY_IN)
    rc = res_fail(db, res, err, "copy");
  else
    db->pg_copying = 1;
  PQclear(res);
  return rc;
}

tidu_code tidu_pg_copy_put(tidu_sql *db, const char *data, size_t len, tidu_error *err) {
  if (!db->pg_copying)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "没有进行中的 COPY / no COPY in progress");
  while (len > 0) {
    int n = len > (1u << 30) ? 1 << 30 : (int)len;
    if (PQputCopyData(db->pg, data, n) != 1) {
      set_err(db, PQerrorMessage(db->pg));
      return tidu_sql_fail(db, err, "copy");
    }
    data += n;
    len -= (size_t)n;
  }
  return TIDU_OK;
}

tidu_code tidu_pg_copy_end(tidu_sql *db, tidu_error *err) {
  if (!db->pg_copying) return TIDU_OK;
  db->pg_copying = 0;
  tidu_code rc = TIDU_OK;
  if (PQputCopyEnd(db->pg, NULL) != 1) {
    set_err(db, PQerrorMessage(db->pg));
    rc = tidu_sql_fail(db, err, "copy");
  }
  PGresult *res;
  while ((res = PQgetResult(db->pg)) != NULL) {
    if (rc == TIDU_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
      rc = res_fail(db, res, err, "copy");
    PQclear(res);
  }
  return rc;
}

void tidu_pg_copy_abort(tidu_sql *db) {
  if (!db->pg_copying) return;
  db->pg_copying = 0;
  PQputCopyEnd(db->pg, "rolled back");
  PGresult *res;
  while ((res = PQgetResult(db->pg)) != NULL) PQclear(res);
}
