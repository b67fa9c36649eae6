/* The SQL layer's SQLite driver: opening a file (WAL, foreign keys), checks and online backup. */
#include "sql_int.h"
#include "tidu/tmpfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A connection is used by one thread at a time (the server takes one from its pool, the batch
 * engine reads under its input lock), so SQLite's per-call mutex is not needed. */
#define LITE_FLAGS SQLITE_OPEN_NOMUTEX

static tidu_code lite_exec(tidu_sql *db, const char *sql, tidu_error *err) {
  return tidu_sql_exec(db, sql, err);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- who holds the write lock: the holder file NAME-writer ---- */

static int holder_name(const tidu_sql *db, char *buf, size_t size) {
  if (!strcmp(db->name, ":memory:") || !*db->name || (db->flags & TIDU_SQL_PRIVATE)) return 0;
  return (size_t)snprintf(buf, size, "%s-writer", db->name) < size;
}

void tidu_lite_holder_write(tidu_sql *db) {
  char path[4200], now[32], text[512];
  if (db->readonly || !holder_name(db, path, sizeof path)) return;
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
  int n = snprintf(text, sizeof text, "%ld %s\n%s\n", (long)getpid(), now,
                   db->label ? db->label : "tidu");
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return; /* a folder we cannot write: waiters then say "another process" */
  db->holder_written = write(fd, text, (size_t)n) == n;
  close(fd);
  if (!db->holder_written) unlink(path);
}

void tidu_lite_holder_remove(tidu_sql *db) {
  char path[4200];
  if (!db->holder_written || !holder_name(db, path, sizeof path)) return;
  unlink(path);
  db->holder_written = 0;
}

/* "tidu import (pid 123, since 2026-12-02T08:00:00Z)" from the holder file, when the process
 * it names is alive; "" otherwise. */
static void holder_read(const tidu_sql *db, char *buf, size_t size) {
  char path[4200], text[512];
  buf[0] = '\0';
  if (!holder_name(db, path, sizeof path)) return;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return;
  text[n] = '\0';
  long pid = 0;
  char since[32] = "", label[256] = "";
  if (sscanf(text, "%ld %31s\n%255[^\n]", &pid, since, label) != 3 || pid <= 0) return;
  if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) return; /* left by a process that died */
  snprintf(buf, size, "%s (pid %ld, since %s)", label, pid, since);
}

/* Waits for another writer up to db->wait_ms, telling the caller once that it waits. */
static int on_busy(void *ud, int count) {
  tidu_sql *db = ud;
  long long now = now_ms();
  if (count == 0) {
    db->wait_start_ms = now;
    db->waited = 0;
  }
  long long spent = now - db->wait_start_ms;
  if (spent >= db->wait_ms) return 0;
  if (!db->waited && spent >= 100 && db->wait_fn) {
    char holder[512];
    holder_read(db, holder, sizeof holder);
    db->waited = 1;
    db->wait_fn(db->name, holder[0] ? holder : NULL, (db->wait_ms + 999) / 1000, db->wait_ud);
  }
  long long step = count < 10 ? 5 : 50;
  if (step > db->wait_ms - spent) step = db->wait_ms - spent;
  sqlite3_sleep((int)step);
  return 1;
}

/* ---- errors that say what happened and to which file ---- */

tidu_code tidu_lite_fail(tidu_sql *db, tidu_error *err, const char *what) {
  int code = sqlite3_extended_errcode(db->lite), sys = sqlite3_system_errno(db->lite);
  const char *msg = sqlite3_errmsg(db->lite);
  switch (code & 0xff) {
  case SQLITE_READONLY:
    return tidu_lite_readonly(db, err);
  case SQLITE_FULL:
    return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                          "磁盘已满,未写入任何数据 / the disk is full, nothing was written");
  case SQLITE_IOERR:
    if (sys == ENOSPC || sys == EDQUOT)
      return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                            "磁盘已满,登记库无法继续 / the disk is full: the registry cannot go "
                            "on (its -wal and -shm files need room even for reading)");
    if (sys == EROFS)
      return tidu_error_set(
          err, TIDU_ERR_DB, db->name, 0, 0,
          "登记库所在的文件系统是只读的 / the registry's file system is read-only");
    return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                          "读写登记库时出错 (%s) / I/O error on the registry (%s): %s", what, what,
                          sys ? strerror(sys) : msg);
  case SQLITE_NOMEM:
    return tidu_error_set(err, TIDU_ERR_NOMEM, db->name, 0, 0, "内存不足 (%s) / out of memory (%s)",
                          what, what);
  case SQLITE_BUSY:
  case SQLITE_LOCKED: {
    char holder[512];
    holder_read(db, holder, sizeof holder);
    return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                          "登记库正被%s写入,等待 %d 秒后放弃 / %s is writing to the registry; "
                          "gave up after %d s (--wait SECONDS waits longer)",
                          holder[0] ? holder : "另一个进程", (db->wait_ms + 999) / 1000,
                          holder[0] ? holder : "another process", (db->wait_ms + 999) / 1000);
  }
  case SQLITE_CANTOPEN:
    return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                          "无法打开登记库 / cannot open the registry: %s",
                          sys == EROFS ? "只读文件系统 / read-only file system"
                          : sys        ? strerror(sys)
                                       : msg);
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
    return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                          "登记库已损坏或不是登记库文件 / the registry is damaged or not a "
                          "registry file (%s)",
                          msg);
  default:
    return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0, "数据库错误 (%s) / database error (%s): %s",
                          what, what, msg);
  }
}

tidu_code tidu_lite_readonly(tidu_sql *db, tidu_error *err) {
  int sys = db->lite ? sqlite3_system_errno(db->lite) : 0;
  const char *why = "以只读方式打开 / opened read-only";
  if (sys == EROFS)
    why = "只读文件系统 / read-only file system";
  else if (access(db->name, W_OK) != 0)
    why = errno == EROFS ? "只读文件系统 / read-only file system"
                         : "没有写权限 / no permission to write it";
  else if (!db->readonly)
    why = "目录或 -wal/-shm 文件不可写 / its folder or -wal/-shm files cannot be written";
  return tidu_error_set(err, TIDU_ERR_DB, db->name, 0, 0,
                        "登记库是只读的,未写入任何数据 / the registry is read-only, nothing was "
                        "written (%s)",
                        why);
}

/* ---- opening ---- */

/* "file:" URI of a path, for mode=ro / immutable=1. */
static char *file_uri(const char *path, const char *query) {
  char *out = malloc(strlen(path) * 3 + strlen(query) + 16);
  if (!out) return NULL;
  char *o = out + sprintf(out, "file:");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
      o += sprintf(o, "%%%02X", *p);
    else
      *o++ = (char)*p;
  }
  sprintf(o, "?%s", query);
  return out;
}

/* 1 when this process can write the file and what SQLite keeps beside it. */
static int can_write(const char *path) {
  if (access(path, W_OK) != 0) return 0;
  char dir[4096];
  const char *slash = strrchr(path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
           slash ? path : ".");
  if (access(dir, W_OK) == 0) return 1;
  char wal[4200], shm[4200];
  snprintf(wal, sizeof wal, "%s-wal", path);
  snprintf(shm, sizeof shm, "%s-shm", path);
  return access(wal, W_OK) == 0 && access(shm, W_OK) == 0;
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Opens the file read-only; a WAL registry whose -shm cannot be created (read-only folder or
 * mount) is opened immutable when its -wal holds nothing, which is then exact. */
static tidu_code open_readonly(tidu_sql *db, tidu_error *err) {
  char *uri = file_uri(db->name, "mode=ro");
  if (!uri) return tidu_error_set(err, TIDU_ERR_NOMEM, db->name, 0, 0, "内存不足 / out of memory");
  int rc =
      sqlite3_open_v2(uri, &db->lite, LITE_FLAGS | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  free(uri);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db->lite, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  if (rc == SQLITE_OK) return TIDU_OK;
  char wal[4200];
  snprintf(wal, sizeof wal, "%s-wal", db->name);
  if (file_size(wal) > 0) {
    tidu_code out =
        db->lite ? tidu_lite_fail(db, err, "open")
                 : tidu_error_set(err, TIDU_ERR_NOMEM, db->name, 0, 0, "内存不足 / out of memory");
    return out;
  }
  sqlite3_close(db->lite);
  db->lite = NULL;
  uri = file_uri(db->name, "mode=ro&immutable=1");
  if (!uri) return tidu_error_set(err, TIDU_ERR_NOMEM, db->name, 0, 0, "内存不足 / out of memory");
  rc = sqlite3_open_v2(uri, &db->lite, LITE_FLAGS | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  free(uri);
  if (rc != SQLITE_OK)
    return db->lite
               ? tidu_lite_fail(db, err, "open")
               : tidu_error_set(err, TIDU_ERR_NOMEM, db->name, 0, 0, "内存不足 / out of memory");
  return TIDU_OK;
}

/* A private copy for a dry run: SQLite's temporary database (memory, spilling to a temporary
 * file), filled from the registry under one read transaction. No write ever reaches the file and
 * no write lock is taken on it. A registry that does not exist yet gives an empty copy. */
static tidu_code open_private(tidu_sql *db, int exists, tidu_error *err) {
  sqlite3 *tmp = NULL;
  if (sqlite3_open_v2("", &tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    sqlite3_close(tmp);
    return tidu_error_set(err, TIDU_ERR_NOMEM, db->name, 0, 0, "内存不足 / out of memory");
  }
  if (exists) {
    tidu_code rc = open_readonly(db, err);
    if (rc != TIDU_OK) {
      sqlite3_close(tmp);
      return rc;
    }
    sqlite3_busy_handler(db->lite, on_busy, db);
    sqlite3_backup *b = sqlite3_backup_init(tmp, "main", db->lite, "main");
    int brc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    if (b) sqlite3_backup_finish(b);
    if (brc != SQLITE_DONE) {
      rc = tidu_lite_fail(db, err, "copy");
      sqlite3_close(tmp);
      return rc;
    }
    sqlite3_close(db->lite);
  }
  db->lite = tmp;
  return TIDU_OK;
}

tidu_code tidu_lite_open(tidu_sql *db, int flags, tidu_error *err) {
  if (!*db->name)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "登记库路径为空 (--db 或 TIDU_DB) / the registry path is empty (--db or "
                          "TIDU_DB)");
  int mem = !strcmp(db->name, ":memory:");
  struct stat st;
  int exists = mem || stat(db->name, &st) == 0;
  if (!mem && !exists && (errno != ENOENT || !(flags & (TIDU_SQL_CREATE | TIDU_SQL_PRIVATE))))
    return tidu_error_set(err, TIDU_ERR_IO, db->name, 0, 0,
                          errno == ENOENT
                              ? "登记库不存在(用 tidu db init 创建)/ no registry here (create one "
                                "with tidu db init): %s"
                              : "无法打开登记库 / cannot open the registry: %s",
                          strerror(errno));
  if (!mem && exists && S_ISDIR(st.st_mode))
    return tidu_error_set(err, TIDU_ERR_IO, db->name, 0, 0,
                          "这是一个目录,不是登记库文件 / this is a folder, not a registry file");
  tidu_code rc;
  if (flags & TIDU_SQL_PRIVATE) {
    rc = open_private(db, exists && !mem, err);
  } else if (!mem && exists && ((flags & TIDU_SQL_READONLY) || !can_write(db->name))) {
    db->readonly = 1;
    rc = open_readonly(db, err);
  } else {
    int oflags =
        LITE_FLAGS | SQLITE_OPEN_READWRITE | ((flags & TIDU_SQL_CREATE) ? SQLITE_OPEN_CREATE : 0);
    rc = sqlite3_open_v2(db->name, &db->lite, oflags, NULL) == SQLITE_OK
             ? TIDU_OK
             : (db->lite ? tidu_lite_fail(db, err, "open")
                         : tidu_error_set(err, TIDU_ERR_NOMEM, db->name, 0, 0,
                                          "内存不足 / out of memory"));
  }
  if (rc != TIDU_OK) return rc;
  sqlite3_busy_handler(db->lite, on_busy, db);
  rc = lite_exec(db, "PRAGMA foreign_keys = ON", err);
  if (rc == TIDU_OK && !mem && !db->readonly && !(flags & TIDU_SQL_PRIVATE))
    rc = lite_exec(db, "PRAGMA journal_mode = WAL", err);
  if (rc == TIDU_OK && !db->readonly)
    rc = lite_exec(db, "PRAGMA synchronous = FULL", err); /* docs/registry.md §2 */
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

/* ---- clustering a table by its primary key ---- */

static tidu_code lite_nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* Appends `sep` and the text of column 0 of each row of `sql` (parameter ?1 = table). */
static tidu_code lite_texts(tidu_sql *db, const char *sql, const char *table, const char *sep,
                            sqlite3_str *out, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) != SQLITE_OK)
    return tidu_lite_fail(db, err, "cluster");
  sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
  int rc, n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    if (!t) continue;
    if (n++ || *sep == ';') sqlite3_str_appendall(out, sep);
    sqlite3_str_appendall(out, t);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tidu_lite_fail(db, err, "cluster");
  return TIDU_OK;
}

tidu_code tidu_lite_cluster(tidu_sql *db, const char *table, tidu_error *err) {
  sqlite3_str *def = sqlite3_str_new(db->lite), *pk = sqlite3_str_new(db->lite),
              *idx = sqlite3_str_new(db->lite);
  tidu_code rc = lite_texts(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
                            table, "", def, err);
  /* the primary key's columns, in key order */
  if (rc == TIDU_OK)
    rc = lite_texts(db,
                    "SELECT '\"' || name || '\"' FROM pragma_table_info(?1) WHERE pk > 0 "
                    "ORDER BY pk",
                    table, ", ", pk, err);
  /* its indexes and triggers (automatic indexes have no SQL): dropped with it, made again */
  if (rc == TIDU_OK)
    rc = lite_texts(db,
                    "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND "
                    "tbl_name = ?1 AND sql IS NOT NULL ORDER BY type, name",
                    table, ";", idx, err);
  if (rc == TIDU_OK &&
      (sqlite3_str_errcode(def) || sqlite3_str_errcode(pk) || sqlite3_str_errcode(idx)))
    rc = lite_nomem(err);
  /* (an empty text finishes as NULL) */
  char *d = sqlite3_str_finish(def), *k = sqlite3_str_finish(pk), *x = sqlite3_str_finish(idx);
  const char *open = d ? strchr(d, '(') : NULL;
  size_t len = d ? strlen(d) : 0;
  if (rc == TIDU_OK && (!open || !k))
    rc = tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                        "表 %s 没有主键,无法按主键存放 / table %s has no primary key to be "
                        "stored in the order of",
                        table, table);
  /* already clustered: the definition ends in WITHOUT ROWID */
  if (rc == TIDU_OK && !(len >= 13 && !sqlite3_strnicmp(d + len - 13, "WITHOUT ROWID", 13))) {
    char *sql = sqlite3_mprintf("CREATE TABLE tidu_cluster %s WITHOUT ROWID;"
                                "INSERT INTO tidu_cluster SELECT * FROM \"%w\" ORDER BY %s;"
                                "DROP TABLE \"%w\";"
                                "ALTER TABLE tidu_cluster RENAME TO \"%w\"%s",
                                open, table, k, table, table, x ? x : "");
    rc = sql ? lite_exec(db, sql, err) : lite_nomem(err);
    sqlite3_free(sql);
  }
  sqlite3_free(d);
  sqlite3_free(k);
  sqlite3_free(x);
  return rc;
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
static tidu_code lite_backup_to(tidu_sql *db, const char *dest, const char *tmp, tidu_error *err);

tidu_code tidu_lite_backup(tidu_sql *db, const char *dest, tidu_error *err) {
  char tmp[4096];
  tidu_tmpfile_sweep(dest); /* temporaries of a backup that was killed */
  int e = backup_tmp(dest, tmp, sizeof tmp);
  if (e) return backup_fail(dest, NULL, e, NULL, err);
  int slot = tidu_tmpfile_pending_add(tmp, 1);
  tidu_code rc = lite_backup_to(db, dest, tmp, err);
  tidu_tmpfile_pending_drop(slot);
  return rc;
}

static tidu_code lite_backup_to(tidu_sql *db, const char *dest, const char *tmp, tidu_error *err) {
  sqlite3 *to = NULL;
  if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    char msg[256];
    snprintf(msg, sizeof msg, "%s", to ? sqlite3_errmsg(to) : "out of memory");
    sqlite3_close(to);
    return backup_fail(dest, tmp, 0, msg, err);
  }
  sqlite3_backup *b = sqlite3_backup_init(to, "main", db->lite, "main");
  int rc = SQLITE_ERROR, stalled = 0;
  if (b) {
    for (;;) {
      int before = sqlite3_backup_remaining(b), total = sqlite3_backup_pagecount(b);
      /* a lock held by another process is waited for in on_busy (--wait, with the notice);
       * BUSY here means that wait is over: retrying would wait the whole time again */
      rc = sqlite3_backup_step(b, -1);
      if (rc != SQLITE_OK) break;
      /* OK from a step asked to copy everything: progress only if the counts moved */
      if (sqlite3_backup_remaining(b) == before && sqlite3_backup_pagecount(b) == total &&
          ++stalled >= 5)
        break;
      sqlite3_sleep(10);
    }
    sqlite3_backup_finish(b);
  }
  char msg[1280];
  if (rc == SQLITE_OK)
    snprintf(msg, sizeof msg,
             "复制没有进展(登记库可能只读,无法使用其共享内存文件 %s-shm)/ the copy made no "
             "progress (the registry may be read-only, so its shared-memory file %s-shm cannot "
             "be used)",
             db->name, db->name);
  else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    char holder[512];
    holder_read(db, holder, sizeof holder);
    snprintf(msg, sizeof msg,
             "登记库被%s锁住,等待 %d 秒后放弃 / the registry is locked by %s; gave up after %d s "
             "(--wait SECONDS waits longer)",
             holder[0] ? holder : "另一个进程", (db->wait_ms + 999) / 1000,
             holder[0] ? holder : "another process", (db->wait_ms + 999) / 1000);
  } else
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
