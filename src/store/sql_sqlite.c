/* The SQL layer's SQLite driver: opening a file (WAL, foreign keys), checks and online backup. */
#include "sql_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tidu_code lite_exec(tidu_sql *db, const char *sql, tidu_error *err) {
  return tidu_sql_exec(db, sql, err);
}

tidu_code tidu_lite_open(tidu_sql *db, int flags, tidu_error *err) {
  int oflags = (flags & TIDU_SQL_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if ((flags & TIDU_SQL_CREATE) && !(flags & TIDU_SQL_READONLY)) oflags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(db->name, &db->lite, oflags, NULL) != SQLITE_OK)
    return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                          "无法打开数据库 / cannot open database: %s",
                          db->lite ? sqlite3_errmsg(db->lite) : "out of memory");
  sqlite3_busy_timeout(db->lite, 10000);
  tidu_code rc = lite_exec(db, "PRAGMA foreign_keys = ON", err);
  if (rc == TIDU_OK && strcmp(db->name, ":memory:") != 0 && !(flags & TIDU_SQL_READONLY))
    rc = lite_exec(db, "PRAGMA journal_mode = WAL", err);
  if (rc == TIDU_OK) rc = lite_exec(db, "PRAGMA synchronous = NORMAL", err);
  return rc;
}

int tidu_lite_has_column(tidu_sql *db, const char *table, const char *col) {
  char sql[128];
  snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
  sqlite3_stmt *st = NULL;
  int found = 0;
  if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) != SQLITE_OK) return 0;
  while (!found && sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 1);
    found = name && strcmp(name, col) == 0;
  }
  sqlite3_finalize(st);
  return found;
}

/* Passes every row of `sql` as one line; counts rows other than "ok". */
static long collect(tidu_sql *db, const char *sql, tidu_sql_line_cb line, void *ud,
                    tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) != SQLITE_OK) {
    tidu_sql_fail(db, err, "check");
    return -1;
  }
  long bad = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char text[512] = "";
    int n = sqlite3_column_count(st);
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof text - 1; i++) {
      const char *t = (const char *)sqlite3_column_text(st, i);
      used +=
          (size_t)snprintf(text + used, sizeof text - used, "%s%s", i ? " " : "", t ? t : "NULL");
    }
    if (strcmp(text, "ok") != 0) bad++;
    line(text, ud);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    tidu_sql_fail(db, err, "check");
    return -1;
  }
  return bad;
}

long tidu_lite_check(tidu_sql *db, tidu_sql_line_cb line, void *ud, tidu_error *err) {
  long a = collect(db, "PRAGMA integrity_check", line, ud, err);
  if (a < 0) return -1;
  long b = collect(db, "PRAGMA foreign_key_check", line, ud, err);
  return b < 0 ? -1 : a + b;
}

tidu_code tidu_lite_backup(tidu_sql *db, const char *dest, tidu_error *err) {
  sqlite3 *to = NULL;
  if (sqlite3_open(dest, &to) != SQLITE_OK) {
    tidu_error_set(err, TIDU_ERR_IO, dest, 0, 0, "无法创建备份文件 / cannot create backup: %s",
                   to ? sqlite3_errmsg(to) : "out of memory");
    sqlite3_close(to);
    return TIDU_ERR_IO;
  }
  sqlite3_backup *b = sqlite3_backup_init(to, "main", db->lite, "main");
  int rc = SQLITE_ERROR;
  if (b) {
    do {
      rc = sqlite3_backup_step(b, 256);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
  }
  tidu_code out = TIDU_OK;
  if (rc != SQLITE_DONE)
    out = tidu_error_set(err, TIDU_ERR_DB, dest, 0, 0, "备份失败 / backup failed: %s",
                         sqlite3_errmsg(to));
  sqlite3_close(to);
  return out;
}
