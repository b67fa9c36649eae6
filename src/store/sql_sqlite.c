/* The SQL layer's SQLite driver: opening a file (WAL, foreign keys), checks and online backup. */
#include "sql_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A fresh file ".NAME.tidu-backup-PID-N" beside `dest` (same folder, so the final rename stays on
 * one file system); returns 0 and the name in tmp, or an errno. */
static int backup_tmp(const char *dest, char *tmp, size_t size) {
  const char *slash = strrchr(dest, '/');
  const char *base = slash ? slash + 1 : dest;
  int dlen = slash ? (int)(slash - dest) + 1 : 0;
  static unsigned counter;
  for (int attempt = 0; attempt < 100; attempt++) {
    if ((size_t)snprintf(tmp, size, "%.*s.%s.tidu-backup-%ld-%u", dlen, dest, base, (long)getpid(),
                         counter++) >= size)
      return ENAMETOOLONG;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      close(fd);
      return 0;
    }
    if (errno != EEXIST) return errno;
  }
  return EEXIST;
}

static void fsync_path(const char *path, int dir) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

static tidu_code backup_fail(const char *dest, const char *tmp, int errnum, const char *msg,
                             tidu_error *err) {
  if (tmp && *tmp) {
    char j[4200];
    snprintf(j, sizeof j, "%s-journal", tmp);
    unlink(j);
    unlink(tmp);
  }
  if (errnum)
    return tidu_error_set(err, TIDU_ERR_IO, dest, 0, 0, "备份失败 / backup failed: %s",
                          errnum == ENOSPC   ? "磁盘已满 / the disk is full"
                          : errnum == EROFS  ? "只读文件系统 / read-only file system"
                          : errnum == EACCES ? "没有写权限 / permission denied"
                          : errnum == ENOENT ? "目录不存在 / no such folder"
                                             : strerror(errnum));
  return tidu_error_set(err, TIDU_ERR_DB, dest, 0, 0, "备份失败 / backup failed: %s", msg);
}

/* Copies with the online backup API into a temporary file beside `dest`, then fsyncs it and
 * renames it over `dest`: a failed or killed backup leaves no file (and no hot journal) under
 * `dest`. The copy is made in one step under one read transaction, so writers going on meanwhile
 * neither block it nor restart it. A step that reports neither progress nor an error (SQLite
 * does so when it cannot use a read-only registry's shared memory) fails after a few tries
 * instead of spinning. */
tidu_code tidu_lite_backup(tidu_sql *db, const char *dest, tidu_error *err) {
  char tmp[4096];
  int e = backup_tmp(dest, tmp, sizeof tmp);
  if (e) return backup_fail(dest, NULL, e, NULL, err);
  sqlite3 *to = NULL;
  if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    char msg[256];
    snprintf(msg, sizeof msg, "%s", to ? sqlite3_errmsg(to) : "out of memory");
    sqlite3_close(to);
    return backup_fail(dest, tmp, 0, msg, err);
  }
  sqlite3_backup *b = sqlite3_backup_init(to, "main", db->lite, "main");
  int rc = SQLITE_ERROR, busy = 0, stalled = 0;
  if (b) {
    for (;;) {
      int before = sqlite3_backup_remaining(b), total = sqlite3_backup_pagecount(b);
      rc = sqlite3_backup_step(b, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (++busy > 3000) break; /* about a minute */
        sqlite3_sleep(20);
        continue;
      }
      if (rc != SQLITE_OK) break;
      /* OK from a step asked to copy everything: progress only if the counts moved */
      if (sqlite3_backup_remaining(b) == before && sqlite3_backup_pagecount(b) == total &&
          ++stalled >= 5)
        break;
      sqlite3_sleep(10);
    }
    sqlite3_backup_finish(b);
  }
  char msg[512];
  if (rc == SQLITE_OK)
    snprintf(msg, sizeof msg,
             "复制没有进展(登记库可能只读,无法使用其共享内存文件 %s-shm)/ the copy made no "
             "progress (the registry may be read-only, so its shared-memory file %s-shm cannot "
             "be used)",
             db->name, db->name);
  else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    snprintf(msg, sizeof msg, "登记库一直被锁定 / the registry stayed locked");
  else
    snprintf(msg, sizeof msg, "%s", b ? sqlite3_errmsg(to) : sqlite3_errmsg(to));
  int sys = rc == SQLITE_DONE ? 0 : sqlite3_system_errno(to);
  if (sqlite3_close(to) != SQLITE_OK && rc == SQLITE_DONE) rc = SQLITE_ERROR;
  if (rc != SQLITE_DONE) return backup_fail(dest, tmp, sys == ENOSPC ? ENOSPC : 0, msg, err);
  fsync_path(tmp, 0);
  if (rename(tmp, dest) != 0) return backup_fail(dest, tmp, errno, NULL, err);
  char dir[4096];
  const char *slash = strrchr(dest, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - dest) + (slash == dest) : 1,
           slash ? dest : ".");
  fsync_path(dir, 1);
  return TIDU_OK;
}
