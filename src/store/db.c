/* The registry database: opening, migrations, field columns, checks, backup, transactions. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tidu/num.h"

/* ---- migrations ----
 * Each entry upgrades version i to i + 1. They only ever get appended: a file at version k
 * runs entries k .. TIDU_STORE_VERSION-1 in one transaction. Field columns are not listed
 * here; ensure_columns() adds one per field of fields.def after the migrations. */
static const char *const migrations[TIDU_STORE_VERSION] = {
    /* 0 -> 1: firms, their years, imports and the value history */
    "CREATE TABLE imports ("
    " id INTEGER PRIMARY KEY,"
    " file TEXT NOT NULL,"
    " sheet TEXT,"
    " started_at TEXT NOT NULL,"
    " finished_at TEXT,"
    " records INTEGER NOT NULL DEFAULT 0,"
    " summary TEXT);"
    "CREATE TABLE firms ("
    " uscc TEXT PRIMARY KEY,"
    " name TEXT,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " deleted_at TEXT,"
    " import_id INTEGER REFERENCES imports(id),"
    " src_row INTEGER);"
    "CREATE TABLE firm_years ("
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " year INTEGER NOT NULL,"
    " import_id INTEGER REFERENCES imports(id),"
    " src_row INTEGER,"
    " PRIMARY KEY (uscc, year));"
    "CREATE TABLE value_history ("
    " id INTEGER PRIMARY KEY,"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " year INTEGER,"
    " field TEXT NOT NULL,"
    " old_value TEXT,"
    " new_value TEXT,"
    " import_id INTEGER REFERENCES imports(id),"
    " src_row INTEGER,"
    " changed_at TEXT NOT NULL);"
    "CREATE INDEX firms_name ON firms (name);",
    /* 1 -> 2: audit events (who, when, what, why, source); history linked to them */
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " who TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " uscc TEXT,"
    " what TEXT,"
    " why TEXT,"
    " source TEXT);"
    "ALTER TABLE value_history ADD COLUMN event_id INTEGER REFERENCES events(id);"
    "ALTER TABLE firms ADD COLUMN event_id INTEGER REFERENCES events(id);"
    "ALTER TABLE firm_years ADD COLUMN event_id INTEGER REFERENCES events(id);"
    "CREATE INDEX value_history_firm ON value_history (uscc, id);"
    "CREATE INDEX events_firm ON events (uscc, id);",
    /* 2 -> 3: the cultivation programme (issue 7): pool, key firms, consulting log, listing
     * progress, institutions, financing, activities, targets, recorded ladders */
    "CREATE TABLE pool ("
    " uscc TEXT PRIMARY KEY REFERENCES firms(uscc),"
    " state TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " proposed_by TEXT,"
    " note TEXT,"
    " exit_reason TEXT,"
    " officer TEXT,"
    " added_at TEXT NOT NULL,"
    " changed_at TEXT NOT NULL,"
    " event_id INTEGER REFERENCES events(id));"
    "CREATE TABLE key_firms ("
    " year INTEGER NOT NULL,"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " pos INTEGER NOT NULL,"
    " score BIGINT NOT NULL,"
    " reasons TEXT,"
    " event_id INTEGER REFERENCES events(id),"
    " PRIMARY KEY (year, uscc));"
    "CREATE TABLE consult_log ("
    " id INTEGER PRIMARY KEY,"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " on_date TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " who TEXT NOT NULL,"
    " event_id INTEGER REFERENCES events(id));"
    "CREATE TABLE progress ("
    " id INTEGER PRIMARY KEY,"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " stage TEXT NOT NULL,"
    " board TEXT,"
    " on_date TEXT NOT NULL,"
    " forced INTEGER NOT NULL DEFAULT 0,"
    " reason TEXT,"
    " event_id INTEGER REFERENCES events(id));"
    "CREATE TABLE institutions ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " type TEXT NOT NULL,"
    " region TEXT,"
    " industries TEXT,"
    " boards TEXT,"
    " conditions TEXT,"
    " duties TEXT,"
    " status TEXT NOT NULL,"
    " status_reason TEXT,"
    " added_at TEXT NOT NULL,"
    " event_id INTEGER REFERENCES events(id));"
    "CREATE TABLE inst_assignments ("
    " id INTEGER PRIMARY KEY,"
    " inst_id INTEGER NOT NULL REFERENCES institutions(id),"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " role TEXT NOT NULL,"
    " since TEXT NOT NULL,"
    " event_id INTEGER REFERENCES events(id));"
    "CREATE TABLE financing ("
    " id INTEGER PRIMARY KEY,"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " amount BIGINT NOT NULL,"
    " round TEXT,"
    " purpose TEXT,"
    " status TEXT NOT NULL,"
    " added_at TEXT NOT NULL,"
    " event_id INTEGER REFERENCES events(id));"
    "CREATE TABLE activities ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " title TEXT NOT NULL,"
    " on_date TEXT NOT NULL,"
    " chain TEXT,"
    " note TEXT,"
    " event_id INTEGER REFERENCES events(id));"
    "CREATE TABLE activity_firms ("
    " activity_id INTEGER NOT NULL REFERENCES activities(id),"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " role TEXT,"
    " interest INTEGER NOT NULL DEFAULT 0,"
    " amount_closed BIGINT NOT NULL DEFAULT 0,"
    " event_id INTEGER REFERENCES events(id),"
    " PRIMARY KEY (activity_id, uscc));"
    "CREATE TABLE targets ("
    " id INTEGER PRIMARY KEY,"
    " label TEXT NOT NULL,"
    " region TEXT NOT NULL,"
    " metric TEXT NOT NULL,"
    " title TEXT NOT NULL DEFAULT '',"
    " target BIGINT NOT NULL,"
    " deadline TEXT NOT NULL,"
    " event_id INTEGER REFERENCES events(id),"
    " UNIQUE (region, metric, title, deadline));"
    "CREATE TABLE ladder ("
    " year INTEGER NOT NULL,"
    " uscc TEXT NOT NULL REFERENCES firms(uscc),"
    " rung INTEGER NOT NULL,"
    " PRIMARY KEY (year, uscc));"
    "CREATE INDEX progress_firm ON progress (uscc, on_date);"
    "CREATE INDEX events_action ON events (action, id);",
    /* 3 -> 4: accounts of the server: users, their sessions and API tokens (secrets stored
     * only as digests),; an institution user's firms are its institution's
     * assignments (inst_assignments) */
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " pw_hash TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " scope TEXT,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE sessions ("
    " id_digest TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " csrf TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " expires_at TEXT NOT NULL);"
    "CREATE TABLE api_tokens ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " digest TEXT NOT NULL UNIQUE,"
    " label TEXT,"
    " created_at TEXT NOT NULL);",
};

/* ---- small helpers shared by the store ---- */

tidu_code tidu_store_dberr(tidu_store *s, tidu_error *err, const char *what) {
  const char *msg = s && s->db ? sqlite3_errmsg(s->db) : "no database";
  return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0, "数据库错误 (%s) / database error (%s): %s",
                        what, what, msg);
}

tidu_code tidu_store_exec(tidu_store *s, const char *sql, tidu_error *err) {
  char *msg = NULL;
  if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK) return TIDU_OK;
  tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0, "数据库错误 / database error: %s", msg ? msg : "?");
  sqlite3_free(msg);
  return TIDU_ERR_DB;
}

void tidu_store_now(char buf[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static long long query_int(tidu_store *s, const char *sql) {
  sqlite3_stmt *st = NULL;
  long long v = -1;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* ---- field columns ---- */

const char *tidu_store_coltype(const tidu_field_info *fi) {
  switch (fi->type) {
  case TIDU_T_ENUM:
  case TIDU_T_TAGS:
  case TIDU_T_DATE:
  case TIDU_T_TEXT:
    return "TEXT";
  default:
    return "INTEGER";
  }
}

static int has_column(tidu_store *s, const char *table, const char *col) {
  char sql[128];
  snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
  sqlite3_stmt *st = NULL;
  int found = 0;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return 0;
  while (!found && sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 1);
    found = name && strcmp(name, col) == 0;
  }
  sqlite3_finalize(st);
  return found;
}

static tidu_code add_column(tidu_store *s, const char *table, const tidu_field_info *fi,
                            tidu_error *err) {
  if (has_column(s, table, fi->name)) return TIDU_OK;
  char sql[256];
  snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN \"%s\" %s", table, fi->name,
           tidu_store_coltype(fi));
  return tidu_store_exec(s, sql, err);
}

/* One column per field of fields.def, so a new field needs no hand-written migration. */
static tidu_code ensure_columns(tidu_store *s, tidu_error *err) {
  tidu_code rc = TIDU_OK;
  for (int i = 0; i < TIDU_NFIRM && rc == TIDU_OK; i++)
    if (i != TIDU_F_USCC) rc = add_column(s, "firms", tidu_firm_field_info(i), err);
  for (int i = 0; i < TIDU_NYEAR && rc == TIDU_OK; i++)
    rc = add_column(s, "firm_years", tidu_year_field_info(i), err);
  return rc;
}

/* 1 when every field of fields.def has its column (nothing to write on open). */
static int columns_complete(tidu_store *s) {
  for (int i = 0; i < TIDU_NFIRM; i++)
    if (i != TIDU_F_USCC && !has_column(s, "firms", tidu_firm_field_info(i)->name)) return 0;
  for (int i = 0; i < TIDU_NYEAR; i++)
    if (!has_column(s, "firm_years", tidu_year_field_info(i)->name)) return 0;
  return 1;
}

/* Upgrades the file in place. A file that is current is left alone without taking the write
 * lock, so opening never waits for an import running in another process. */
static tidu_code migrate(tidu_store *s, tidu_error *err) {
  long long version = query_int(s, "PRAGMA user_version");
  if (version < 0) return tidu_store_dberr(s, err, "user_version");
  if (version == TIDU_STORE_VERSION && columns_complete(s)) return TIDU_OK;
  if (version > TIDU_STORE_VERSION)
    return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                          "数据库版本 %lld 高于本程序支持的 %d / database schema version %lld is "
                          "newer than this build supports (%d)",
                          version, TIDU_STORE_VERSION, version, TIDU_STORE_VERSION);
  tidu_code rc = tidu_store_exec(s, "BEGIN IMMEDIATE", err);
  for (long long v = version; rc == TIDU_OK && v < TIDU_STORE_VERSION; v++)
    rc = tidu_store_exec(s, migrations[v], err);
  if (rc == TIDU_OK) rc = ensure_columns(s, err);
  if (rc == TIDU_OK) {
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", TIDU_STORE_VERSION);
    rc = tidu_store_exec(s, sql, err);
  }
  if (rc == TIDU_OK) return tidu_store_exec(s, "COMMIT", err);
  sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/* ---- opening and closing ---- */

static tidu_code open_db(const char *path, int flags, tidu_store **out, tidu_error *err) {
  *out = NULL;
  tidu_store *s = calloc(1, sizeof *s);
  if (!s) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
    tidu_error_set(err, TIDU_ERR_DB, path, 0, 0, "无法打开数据库 / cannot open database: %s",
                   s->db ? sqlite3_errmsg(s->db) : "out of memory");
    tidu_store_close(s);
    return TIDU_ERR_DB;
  }
  sqlite3_busy_timeout(s->db, 10000);
  tidu_code rc = tidu_store_exec(s, "PRAGMA foreign_keys = ON", err);
  if (rc == TIDU_OK && strcmp(path, ":memory:") != 0 && (flags & SQLITE_OPEN_READWRITE))
    rc = tidu_store_exec(s, "PRAGMA journal_mode = WAL", err);
  if (rc == TIDU_OK) rc = tidu_store_exec(s, "PRAGMA synchronous = NORMAL", err);
  if (rc != TIDU_OK) {
    tidu_store_close(s);
    return rc;
  }
  *out = s;
  return TIDU_OK;
}

tidu_code tidu_store_open(const char *path, tidu_store **out, tidu_error *err) {
  tidu_code rc = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, out, err);
  if (rc != TIDU_OK) return rc;
  rc = migrate(*out, err);
  if (rc != TIDU_OK) {
    tidu_store_close(*out);
    *out = NULL;
  }
  return rc;
}

tidu_code tidu_store_open_existing(const char *path, tidu_store **out, tidu_error *err) {
  return open_db(path, SQLITE_OPEN_READWRITE, out, err);
}

void tidu_store_close(tidu_store *s) {
  if (!s) return;
  tidu_store_finalize_firms(s);
  tidu_store_finalize_prog(s);
  if (s->in_tx) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(s->db);
  free(s);
}

/* ---- info, check, backup ---- */

tidu_code tidu_store_info_get(tidu_store *s, tidu_store_info *info, tidu_error *err) {
  memset(info, 0, sizeof *info);
  info->schema_version = (int)query_int(s, "PRAGMA user_version");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    snprintf(info->journal_mode, sizeof info->journal_mode, "%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (info->schema_version < 1) return TIDU_OK;
  info->firms = query_int(s, "SELECT count(*) FROM firms WHERE deleted_at IS NULL");
  info->firms_deleted = query_int(s, "SELECT count(*) FROM firms WHERE deleted_at IS NOT NULL");
  info->firm_years = query_int(s, "SELECT count(*) FROM firm_years");
  info->imports = query_int(s, "SELECT count(*) FROM imports");
  info->history = query_int(s, "SELECT count(*) FROM value_history");
  info->events = info->schema_version >= 2 ? query_int(s, "SELECT count(*) FROM events") : 0;
  if (info->firms < 0 || info->firm_years < 0) return tidu_store_dberr(s, err, "info");
  return TIDU_OK;
}

/* Appends every text row of `sql` to *buf; counts rows other than "ok". */
static tidu_code collect(tidu_store *s, const char *sql, char **buf, size_t *len, long *bad,
                         tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return tidu_store_dberr(s, err, "check");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char line[512] = "";
    int n = sqlite3_column_count(st);
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof line - 1; i++) {
      const char *t = (const char *)sqlite3_column_text(st, i);
      used +=
          (size_t)snprintf(line + used, sizeof line - used, "%s%s", i ? " " : "", t ? t : "NULL");
    }
    if (strcmp(line, "ok") != 0) {
      (*bad)++;
      if (*bad == 1)
        tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0, "数据库检查失败 / database check failed: %s",
                       line);
    }
    size_t add = strlen(line) + 1;
    char *nb = realloc(*buf, *len + add + 1);
    if (!nb) break;
    *buf = nb;
    memcpy(*buf + *len, line, add - 1);
    (*buf)[*len + add - 1] = '\n';
    *len += add;
    (*buf)[*len] = '\0';
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? TIDU_OK : tidu_store_dberr(s, err, "check");
}

tidu_code tidu_store_check(tidu_store *s, char **report, tidu_error *err) {
  char *buf = NULL;
  size_t len = 0;
  long bad = 0;
  tidu_error first;
  tidu_error_clear(&first);
  tidu_code rc = collect(s, "PRAGMA integrity_check", &buf, &len, &bad, &first);
  if (rc == TIDU_OK) rc = collect(s, "PRAGMA foreign_key_check", &buf, &len, &bad, &first);
  if (report)
    *report = buf;
  else
    free(buf);
  if (rc == TIDU_OK && bad > 0) rc = TIDU_ERR_DB;
  if (rc != TIDU_OK && err) *err = first;
  return rc;
}

tidu_code tidu_store_backup(tidu_store *s, const char *dest, tidu_error *err) {
  sqlite3 *to = NULL;
  if (sqlite3_open(dest, &to) != SQLITE_OK) {
    tidu_error_set(err, TIDU_ERR_IO, dest, 0, 0, "无法创建备份文件 / cannot create backup: %s",
                   to ? sqlite3_errmsg(to) : "out of memory");
    sqlite3_close(to);
    return TIDU_ERR_IO;
  }
  sqlite3_backup *b = sqlite3_backup_init(to, "main", s->db, "main");
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

/* ---- transactions, imports, events ---- */

tidu_code tidu_store_begin(tidu_store *s, tidu_error *err) {
  if (s->in_tx)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "事务已开始 / a transaction is already open");
  tidu_code rc = tidu_store_exec(s, "BEGIN IMMEDIATE", err);
  if (rc == TIDU_OK) s->in_tx = 1;
  return rc;
}

tidu_code tidu_store_commit(tidu_store *s, tidu_error *err) {
  tidu_code rc = tidu_store_exec(s, "COMMIT", err);
  if (rc == TIDU_OK) s->in_tx = 0;
  return rc;
}

void tidu_store_rollback(tidu_store *s) {
  if (!s || !s->in_tx) return;
  sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  s->in_tx = 0;
}

tidu_code tidu_store_import_start(tidu_store *s, const char *file, const char *sheet,
                                  int64_t *import_id, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  if (sqlite3_prepare_v2(s->db, "INSERT INTO imports (file, sheet, started_at) VALUES (?1, ?2, ?3)",
                         -1, &st, NULL) != SQLITE_OK)
    return tidu_store_dberr(s, err, "import");
  sqlite3_bind_text(st, 1, file, -1, SQLITE_TRANSIENT);
  if (sheet) sqlite3_bind_text(st, 2, sheet, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tidu_store_dberr(s, err, "import");
  *import_id = sqlite3_last_insert_rowid(s->db);
  return TIDU_OK;
}

tidu_code tidu_store_import_finish(tidu_store *s, int64_t import_id, const tidu_import_summary *sum,
                                   tidu_error *err) {
  char now[32], text[512];
  tidu_store_now(now);
  snprintf(text, sizeof text,
           "{\"records\":%lld,\"firms_new\":%lld,\"firms_updated\":%lld,\"firms_unchanged\":%lld,"
           "\"years_added\":%lld,\"years_changed\":%lld,\"years_unchanged\":%lld,"
           "\"values_changed\":%lld,\"warnings\":%lld,\"rejected\":%lld}",
           sum->records, sum->firms_new, sum->firms_updated, sum->firms_unchanged, sum->years_added,
           sum->years_changed, sum->years_unchanged, sum->values_changed, sum->warnings,
           sum->rejected);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "UPDATE imports SET finished_at = ?1, records = ?2, summary = ?3 "
                         "WHERE id = ?4",
                         -1, &st, NULL) != SQLITE_OK)
    return tidu_store_dberr(s, err, "import");
  sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, sum->records);
  sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, import_id);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? TIDU_OK : tidu_store_dberr(s, err, "import");
}

static void bind_opt(sqlite3_stmt *st, int idx, const char *s) {
  if (s)
    sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, idx);
}

tidu_code tidu_store_event(tidu_store *s, const char *who, const char *action, const char *uscc,
                           const char *what, const char *why, const char *source, int64_t *id,
                           tidu_error *err) {
  sqlite3_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO events (at, who, action, uscc, what, why, source) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         -1, &st, NULL) != SQLITE_OK)
    return tidu_store_dberr(s, err, "event");
  sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, who && *who ? who : "unknown", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, action, -1, SQLITE_TRANSIENT);
  bind_opt(st, 4, uscc);
  bind_opt(st, 5, what);
  bind_opt(st, 6, why);
  bind_opt(st, 7, source);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return tidu_store_dberr(s, err, "event");
  if (id) *id = sqlite3_last_insert_rowid(s->db);
  return TIDU_OK;
}

/* ---- values in columns ---- */

static size_t tags_text(tidu_enum_id e, int64_t v, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < tidu_enum_count(e) && i < 63; i++) {
    if (!(v & ((int64_t)1 << i))) continue;
    int n = snprintf(buf + used, size - used, "%s%s", used ? ";" : "", tidu_enum_name(e, i));
    if (n < 0 || (size_t)n >= size - used) break;
    used += (size_t)n;
  }
  return used;
}

size_t tidu_store_value_text(const tidu_field_info *fi, int64_t v, const char *text, char *buf,
                             size_t size) {
  if (size == 0) return 0;
  buf[0] = '\0';
  if (tidu_field_absent(fi, v, text)) return 0;
  int n = 0;
  switch (fi->type) {
  case TIDU_T_TEXT:
    n = snprintf(buf, size, "%s", text);
    break;
  case TIDU_T_ENUM: {
    const char *name = tidu_enum_name(fi->enum_id, (int)v);
    n = snprintf(buf, size, "%s", name ? name : "");
    break;
  }
  case TIDU_T_TAGS:
    return tags_text(fi->enum_id, v, buf, size);
  case TIDU_T_DATE:
    if (size < 11) return 0;
    tidu_format_date(v, buf);
    return strlen(buf);
  default:
    n = snprintf(buf, size, "%lld", (long long)v);
  }
  return n < 0 ? 0 : ((size_t)n < size ? (size_t)n : size - 1);
}

int tidu_store_bind_value(sqlite3_stmt *st, int idx, const tidu_field_info *fi, int64_t v,
                          const char *text) {
  if (tidu_field_absent(fi, v, text)) return sqlite3_bind_null(st, idx);
  if (fi->type == TIDU_T_TEXT) return sqlite3_bind_text(st, idx, text, -1, SQLITE_TRANSIENT);
  if (strcmp(tidu_store_coltype(fi), "INTEGER") == 0) return sqlite3_bind_int64(st, idx, v);
  char buf[512];
  tidu_store_value_text(fi, v, NULL, buf, sizeof buf);
  return sqlite3_bind_text(st, idx, buf, -1, SQLITE_TRANSIENT);
}

static tidu_code parse_tags(const tidu_field_info *fi, const char *t, int64_t *v, tidu_error *err) {
  *v = 0;
  while (*t) {
    const char *semi = strchr(t, ';');
    size_t n = semi ? (size_t)(semi - t) : strlen(t);
    char name[64];
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, t, n);
    name[n] = '\0';
    int i = tidu_enum_find(fi->enum_id, name);
    if (i < 0 || i > 62)
      return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                            "库中字段 %s 的值 '%s' 无效 / stored value '%s' of %s is unknown",
                            fi->name, name, name, fi->name);
    *v |= (int64_t)1 << i;
    t = semi ? semi + 1 : t + n;
  }
  return TIDU_OK;
}

tidu_code tidu_store_column_value(sqlite3_stmt *st, int col, const tidu_field_info *fi, int64_t *v,
                                  char **text, tidu_error *err) {
  int absent = sqlite3_column_type(st, col) == SQLITE_NULL;
  int declared = fi->type == TIDU_T_BOOL || fi->type == TIDU_T_ENUM || fi->type == TIDU_T_TAGS;
  *v = declared ? 0 : TIDU_MISSING;
  if (text) *text = NULL;
  if (absent) return TIDU_OK;
  const char *t = (const char *)sqlite3_column_text(st, col);
  switch (fi->type) {
  case TIDU_T_TEXT:
    if (text) *text = strdup(t ? t : "");
    return (!text || *text)
               ? TIDU_OK
               : tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  case TIDU_T_ENUM: {
    int i = tidu_enum_find(fi->enum_id, t ? t : "");
    if (i < 0)
      return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                            "库中字段 %s 的值 '%s' 无效 / stored value '%s' of %s is unknown",
                            fi->name, t, t, fi->name);
    *v = i;
    return TIDU_OK;
  }
  case TIDU_T_TAGS:
    return parse_tags(fi, t ? t : "", v, err);
  case TIDU_T_DATE:
    return tidu_parse_date(t ? t : "", t ? strlen(t) : 0, 0, v, err);
  default:
    *v = sqlite3_column_int64(st, col);
    return TIDU_OK;
  }
}
