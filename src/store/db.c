/* The registry database: opening, migrations, field columns, checks, backup, transactions. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tidu/num.h"
#include "tidu/toolkit.h"

/* ---- migrations ----
 * Each entry upgrades version i to i + 1. They only ever get appended: a file at version k
 * runs entries k .. TIDU_STORE_VERSION-1 in one transaction. Field columns are not listed
 * here; ensure_columns() adds one per field of fields.def after the migrations. */
static const char *const migrations[TIDU_STORE_VERSION] = {
    /* 0 -> 1: firms, their years, imports and the value history */
    "CREATE TABLE imports ("
    " id {id},"
    " file TEXT NOT NULL,"
    " sheet TEXT,"
    " started_at TEXT NOT NULL,"
    " finished_at TEXT,"
    " records BIGINT NOT NULL DEFAULT 0,"
    " summary TEXT);"
    "CREATE TABLE firms ("
    " uscc {key} PRIMARY KEY,"
    " name TEXT,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " deleted_at TEXT,"
    " import_id BIGINT REFERENCES imports(id),"
    " src_row BIGINT);"
    "CREATE TABLE firm_years ("
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " year BIGINT NOT NULL,"
    " import_id BIGINT REFERENCES imports(id),"
    " src_row BIGINT,"
    " PRIMARY KEY (uscc, year));"
    "CREATE TABLE value_history ("
    " id {id},"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " year BIGINT,"
    " field TEXT NOT NULL,"
    " old_value TEXT,"
    " new_value TEXT,"
    " import_id BIGINT REFERENCES imports(id),"
    " src_row BIGINT,"
    " changed_at TEXT NOT NULL);"
    "CREATE INDEX firms_name ON firms (name);",
    /* 1 -> 2: audit events (who, when, what, why, source); history linked to them */
    "CREATE TABLE events ("
    " id {id},"
    " at TEXT NOT NULL,"
    " who TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " uscc {key},"
    " what TEXT,"
    " why TEXT,"
    " source TEXT);"
    "ALTER TABLE value_history ADD COLUMN event_id BIGINT REFERENCES events(id);"
    "ALTER TABLE firms ADD COLUMN event_id BIGINT REFERENCES events(id);"
    "ALTER TABLE firm_years ADD COLUMN event_id BIGINT REFERENCES events(id);"
    "CREATE INDEX value_history_firm ON value_history (uscc, id);"
    "CREATE INDEX events_firm ON events (uscc, id);",
    /* 2 -> 3: the cultivation programme (issue 7): pool, key firms, consulting log, listing
     * progress, institutions, financing, activities, targets, recorded ladders */
    "CREATE TABLE pool ("
    " uscc {key} PRIMARY KEY REFERENCES firms(uscc),"
    " state TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " proposed_by TEXT,"
    " note TEXT,"
    " exit_reason TEXT,"
    " officer TEXT,"
    " added_at TEXT NOT NULL,"
    " changed_at TEXT NOT NULL,"
    " event_id BIGINT REFERENCES events(id));"
    "CREATE TABLE key_firms ("
    " year BIGINT NOT NULL,"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " pos BIGINT NOT NULL,"
    " score BIGINT NOT NULL,"
    " reasons TEXT,"
    " event_id BIGINT REFERENCES events(id),"
    " PRIMARY KEY (year, uscc));"
    "CREATE TABLE consult_log ("
    " id {id},"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " on_date TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " who TEXT NOT NULL,"
    " event_id BIGINT REFERENCES events(id));"
    "CREATE TABLE progress ("
    " id {id},"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " stage TEXT NOT NULL,"
    " board TEXT,"
    " on_date TEXT NOT NULL,"
    " forced BIGINT NOT NULL DEFAULT 0,"
    " reason TEXT,"
    " event_id BIGINT REFERENCES events(id));"
    "CREATE TABLE institutions ("
    " id {id},"
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
    " event_id BIGINT REFERENCES events(id));"
    "CREATE TABLE inst_assignments ("
    " id {id},"
    " inst_id BIGINT NOT NULL REFERENCES institutions(id),"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " role TEXT NOT NULL,"
    " since TEXT NOT NULL,"
    " event_id BIGINT REFERENCES events(id));"
    "CREATE TABLE financing ("
    " id {id},"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " amount BIGINT NOT NULL,"
    " round TEXT,"
    " purpose TEXT,"
    " status TEXT NOT NULL,"
    " added_at TEXT NOT NULL,"
    " event_id BIGINT REFERENCES events(id));"
    "CREATE TABLE activities ("
    " id {id},"
    " kind TEXT NOT NULL,"
    " title TEXT NOT NULL,"
    " on_date TEXT NOT NULL,"
    " chain TEXT,"
    " note TEXT,"
    " event_id BIGINT REFERENCES events(id));"
    "CREATE TABLE activity_firms ("
    " activity_id BIGINT NOT NULL REFERENCES activities(id),"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " role TEXT,"
    " interest BIGINT NOT NULL DEFAULT 0,"
    " amount_closed BIGINT NOT NULL DEFAULT 0,"
    " event_id BIGINT REFERENCES events(id),"
    " PRIMARY KEY (activity_id, uscc));"
    "CREATE TABLE targets ("
    " id {id},"
    " label TEXT NOT NULL,"
    " region TEXT NOT NULL,"
    " metric TEXT NOT NULL,"
    " title TEXT NOT NULL DEFAULT '',"
    " target BIGINT NOT NULL,"
    " deadline TEXT NOT NULL,"
    " event_id BIGINT REFERENCES events(id),"
    " UNIQUE (region, metric, title, deadline));"
    "CREATE TABLE ladder ("
    " year BIGINT NOT NULL,"
    " uscc {key} NOT NULL REFERENCES firms(uscc),"
    " rung BIGINT NOT NULL,"
    " PRIMARY KEY (year, uscc));"
    "CREATE INDEX progress_firm ON progress (uscc, on_date);"
    "CREATE INDEX events_action ON events (action, id);",
    /* 3 -> 4: accounts of the server: users, their sessions and API tokens (secrets stored
     * only as digests); an institution user's firms are its institution's inst_assignments */
    "CREATE TABLE users ("
    " id {id},"
    " name TEXT NOT NULL UNIQUE,"
    " pw_hash TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " scope TEXT,"
    " disabled BIGINT NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE sessions ("
    " id_digest TEXT PRIMARY KEY,"
    " user_id BIGINT NOT NULL REFERENCES users(id),"
    " csrf TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " expires_at TEXT NOT NULL);"
    "CREATE TABLE api_tokens ("
    " id {id},"
    " user_id BIGINT NOT NULL REFERENCES users(id),"
    " digest TEXT NOT NULL UNIQUE,"
    " label TEXT,"
    " created_at TEXT NOT NULL);",
    /* 4 -> 5: firms and firm_years stored in USCC order (SQLite: WITHOUT ROWID tables), so a
     * scan of the registry reads their pages in file order; code, see cluster_firms() */
    NULL,
};

/* ---- small helpers shared by the store ---- */

tidu_code tidu_store_dberr(tidu_store *s, tidu_error *err, const char *what) {
  if (!s || !s->db)
    return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0, "数据库错误 / database error: no database");
  return tidu_sql_fail(s->db, err, what);
}

tidu_code tidu_store_exec(tidu_store *s, const char *sql, tidu_error *err) {
  return tidu_sql_exec(s->db, sql, err);
}

void tidu_store_now(char buf[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static long long query_int(tidu_store *s, const char *sql) {
  int64_t v = -1;
  if (tidu_sql_query_int64(s->db, sql, &v, NULL) != TIDU_OK) return -1;
  return v;
}

void tidu_store_bind_opt(tidu_sql_stmt *st, int idx, const char *text) {
  tidu_sql_bind_text(st, idx, text);
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
    return "BIGINT";
  }
}

static tidu_code add_column(tidu_store *s, const char *table, const tidu_field_info *fi,
                            tidu_error *err) {
  if (tidu_sql_has_column(s->db, table, fi->name)) return TIDU_OK;
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
    if (i != TIDU_F_USCC && !tidu_sql_has_column(s->db, "firms", tidu_firm_field_info(i)->name))
      return 0;
  for (int i = 0; i < TIDU_NYEAR; i++)
    if (!tidu_sql_has_column(s->db, "firm_years", tidu_year_field_info(i)->name)) return 0;
  return 1;
}

static tidu_code too_new(int version, tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                        "数据库版本 %d 高于本程序支持的 %d / database schema version %d is "
                        "newer than this build supports (%d)",
                        version, TIDU_STORE_VERSION, version, TIDU_STORE_VERSION);
}

/* Migration 4 -> 5: the firm tables kept in the order of their keys (USCC, then year). */
static tidu_code cluster_firms(tidu_store *s, tidu_error *err) {
  tidu_code rc = tidu_sql_cluster(s->db, "firms", err);
  return rc == TIDU_OK ? tidu_sql_cluster(s->db, "firm_years", err) : rc;
}

/* Upgrades the database in place. One that is current is left alone without taking the write
 * lock, so opening never waits for an import running in another process. The version is read
 * again under the lock: two processes upgrading at once run each migration once. */
static tidu_code migrate(tidu_store *s, tidu_error *err) {
  int version = 0;
  tidu_code rc = tidu_sql_version(s->db, &version, err);
  if (rc != TIDU_OK) return rc;
  if (version == TIDU_STORE_VERSION && columns_complete(s)) return TIDU_OK;
  if (version > TIDU_STORE_VERSION) return too_new(version, err);
  if (tidu_sql_readonly(s->db))
    return tidu_error_set(err, TIDU_ERR_DB, NULL, 0, 0,
                          "登记库是只读的,而它的版本 %d 需要升级到 %d / the registry is read-only "
                          "and its schema version %d needs an upgrade to %d",
                          version, TIDU_STORE_VERSION, version, TIDU_STORE_VERSION);
  /* rebuilding a table that others refer to needs the foreign keys off (SQLite: only
   * outside a transaction); the rows are copied as they are */
  int fk_off = version < 5;
  if (fk_off) {
    rc = tidu_sql_foreign_keys(s->db, 0, err);
    if (rc != TIDU_OK) return rc;
  }
  rc = tidu_sql_begin(s->db, err);
  if (rc == TIDU_OK) {
    rc = tidu_sql_version(s->db, &version, err);
    if (rc == TIDU_OK && version > TIDU_STORE_VERSION) rc = too_new(version, err);
    for (int v = version; rc == TIDU_OK && v < TIDU_STORE_VERSION; v++)
      rc = migrations[v] ? tidu_store_exec(s, migrations[v], err) : cluster_firms(s, err);
    if (rc == TIDU_OK) rc = ensure_columns(s, err);
    if (rc == TIDU_OK && version != TIDU_STORE_VERSION)
      rc = tidu_sql_set_version(s->db, TIDU_STORE_VERSION, err);
    if (rc == TIDU_OK)
      rc = tidu_sql_commit(s->db, err);
    else
      tidu_sql_rollback(s->db);
  }
  if (fk_off) {
    tidu_code on = tidu_sql_foreign_keys(s->db, 1, rc == TIDU_OK ? err : NULL);
    if (rc == TIDU_OK) rc = on;
  }
  return rc;
}

/* ---- opening and closing ---- */

static tidu_code open_db(const char *path, int flags, const tidu_store_options *opt,
                         tidu_store **out, tidu_error *err) {
  *out = NULL;
  tidu_store *s = tidu_calloc(1, sizeof *s);
  if (!s) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  int wait_ms = !opt                        ? 10000
                : opt->wait_seconds < 0     ? 0
                : opt->wait_seconds == 0    ? 10000
                : opt->wait_seconds > 86400 ? 86400000
                                            : opt->wait_seconds * 1000;
  tidu_code rc = tidu_sql_open_waiting(path, flags, wait_ms, opt ? opt->waiting : NULL,
                                       opt ? opt->ud : NULL, opt ? opt->label : NULL, &s->db, err);
  if (rc != TIDU_OK) {
    free(s);
    return rc;
  }
  *out = s;
  return TIDU_OK;
}

tidu_code tidu_store_open(const char *path, tidu_store **out, tidu_error *err) {
  tidu_store_options opt = {.flags = TIDU_STORE_CREATE};
  return tidu_store_open_with(path, &opt, out, err);
}

tidu_code tidu_store_open_with(const char *path, const tidu_store_options *opt, tidu_store **out,
                               tidu_error *err) {
  tidu_store_options none = {0};
  if (!opt) opt = &none;
  int flags = ((opt->flags & TIDU_STORE_CREATE) ? TIDU_SQL_CREATE : 0) |
              ((opt->flags & TIDU_STORE_READONLY) ? TIDU_SQL_READONLY : 0) |
              ((opt->flags & TIDU_STORE_DRY) ? TIDU_SQL_PRIVATE : 0);
  /* PostgreSQL: a dry run still creates or upgrades the schema (under the writers' lock) */
  int pg_dry = (flags & TIDU_SQL_PRIVATE) && tidu_sql_is_url(path);
  if (pg_dry) flags &= ~TIDU_SQL_PRIVATE;
  tidu_code rc = open_db(path, flags, opt, out, err);
  if (rc != TIDU_OK) return rc;
  rc = migrate(*out, err);
  if (rc != TIDU_OK) {
    tidu_store_close(*out);
    *out = NULL;
  } else if (pg_dry) {
    tidu_sql_mark_private((*out)->db);
  }
  return rc;
}

int tidu_store_readonly(const tidu_store *s) {
  return tidu_sql_readonly(s->db);
}

const char *tidu_store_display_name(const char *name, char *buf, size_t size) {
  if (!size) return buf;
  tidu_sb b = {0};
  const char *p = name ? name : "";
  const char *rest = strstr(p, "://");
  if (rest && (!strncmp(p, "postgresql://", 13) || !strncmp(p, "postgres://", 11))) {
    rest += 3;
    size_t auth = strcspn(rest, "/?#"); /* user:password@host:port */
    const char *at = memchr(rest, '@', auth);
    const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
    if (colon) {
      tidu_sb_printf(&b, "%.*s:***%.*s", (int)(colon - p), p, (int)(rest + auth - at), at);
      p = rest + auth;
    }
    /* parameters: the value of password= */
    const char *q = strchr(p, '?');
    if (q) {
      tidu_sb_printf(&b, "%.*s", (int)(q + 1 - p), p);
      p = q + 1;
      while (*p) {
        size_t n = strcspn(p, "&");
        if (!strncmp(p, "password=", 9))
          tidu_sb_puts(&b, "password=***");
        else
          tidu_sb_printf(&b, "%.*s", (int)n, p);
        p += n;
        if (*p == '&') {
          tidu_sb_puts(&b, "&");
          p++;
        }
      }
    }
  }
  tidu_sb_puts(&b, p);
  char *text = tidu_sb_take(&b);
  snprintf(buf, size, "%s", text ? text : "");
  tidu_utf8_cut_tail(buf);
  free(text);
  return buf;
}

tidu_code tidu_store_open_existing(const char *path, tidu_store **out, tidu_error *err) {
  return open_db(path, 0, NULL, out, err);
}

void tidu_store_close(tidu_store *s) {
  if (!s) return;
  tidu_store_finalize_firms(s);
  tidu_store_finalize_prog(s);
  tidu_sql_close(s->db);
  free(s);
}

/* ---- info, check, backup ---- */

tidu_code tidu_store_info_get(tidu_store *s, tidu_store_info *info, tidu_error *err) {
  memset(info, 0, sizeof *info);
  tidu_code rc = tidu_sql_version(s->db, &info->schema_version, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_journal_mode(s->db, info->journal_mode, sizeof info->journal_mode);
  tidu_sql_describe(s->db, info->backend, sizeof info->backend);
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

typedef struct check_run {
  char *buf;
  size_t len;
  long lines;
  tidu_error *first;
  int oom;
} check_run;

static void check_line(const char *line, void *ud) {
  check_run *c = ud;
  if (strcmp(line, "ok") != 0 && c->first->code == TIDU_OK)
    tidu_error_set(c->first, TIDU_ERR_DB, NULL, 0, 0, "数据库检查失败 / database check failed: %s",
                   line);
  size_t add = strlen(line) + 1;
  char *nb = tidu_realloc(c->buf, c->len + add + 1);
  if (!nb) {
    c->oom = 1;
    return;
  }
  c->buf = nb;
  memcpy(c->buf + c->len, line, add - 1);
  c->buf[c->len + add - 1] = '\n';
  c->len += add;
  c->buf[c->len] = '\0';
}

tidu_code tidu_store_check(tidu_store *s, char **report, tidu_error *err) {
  tidu_error first;
  tidu_error_clear(&first);
  check_run c = {NULL, 0, 0, &first, 0};
  long bad = tidu_sql_check(s->db, check_line, &c, &first);
  if (report)
    *report = c.buf;
  else
    free(c.buf);
  tidu_code rc = bad < 0 ? first.code : bad > 0 ? TIDU_ERR_DB : TIDU_OK;
  if (rc != TIDU_OK && err) *err = first;
  return rc;
}

tidu_code tidu_store_backup(tidu_store *s, const char *dest, tidu_error *err) {
  return tidu_sql_backup(s->db, dest, err);
}

/* ---- transactions, imports, events ---- */

tidu_code tidu_store_begin(tidu_store *s, tidu_error *err) {
  tidu_code rc = tidu_sql_begin(s->db, err);
  if (rc == TIDU_OK) s->in_tx = 1;
  return rc;
}

tidu_code tidu_store_commit(tidu_store *s, tidu_error *err) {
  tidu_code rc = tidu_sql_commit(s->db, err);
  if (rc == TIDU_OK) s->in_tx = 0;
  return rc;
}

void tidu_store_rollback(tidu_store *s) {
  if (!s || !s->in_tx) return;
  tidu_sql_rollback(s->db);
  s->in_tx = 0;
}

/* Runs an INSERT … RETURNING id. */
static tidu_code insert_returning(tidu_store *s, tidu_sql_stmt *st, int64_t *id, tidu_error *err,
                                  const char *what) {
  int row = 0;
  tidu_code rc = tidu_sql_step(st, &row, err);
  if (rc == TIDU_OK && !row) rc = tidu_store_dberr(s, err, what);
  if (rc == TIDU_OK && id) *id = tidu_sql_column_int64(st, 0);
  tidu_sql_finalize(st);
  return rc;
}

#define TIDU_IMPORT_CACHE_MB 96L

tidu_code tidu_store_import_start(tidu_store *s, const char *file, const char *sheet,
                                  int64_t *import_id, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  tidu_code rc = TIDU_OK;
  /* An import writes many pages: a page cache of TIDU_IMPORT_CACHE_MB (SQLite's default is
   * 2 MB) keeps it from writing pages out and reading them back while the transaction runs. */
  if (tidu_sql_kind(s->db) == TIDU_SQL_SQLITE) {
    const char *mb = getenv("TIDU_IMPORT_CACHE_MB");
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%ld",
             (mb && *mb ? strtol(mb, NULL, 10) : TIDU_IMPORT_CACHE_MB) * 1024);
    rc = tidu_sql_exec(s->db, sql, err);
    if (rc != TIDU_OK) return rc;
  }
  rc = tidu_sql_prepare(
      s->db, "INSERT INTO imports (file, sheet, started_at) VALUES (?1, ?2, ?3) RETURNING id", &st,
      err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, file);
  tidu_sql_bind_text(st, 2, sheet);
  tidu_sql_bind_text(st, 3, now);
  return insert_returning(s, st, import_id, err, "import");
}

tidu_code tidu_store_import_finish(tidu_store *s, int64_t import_id, tidu_import_summary *sum,
                                   tidu_error *err) {
  tidu_code merged = tidu_store_bulk_merge(s, import_id, sum, err);
  if (merged != TIDU_OK) return merged;
  char now[32], text[512];
  tidu_store_now(now);
  snprintf(text, sizeof text,
           "{\"records\":%lld,\"firms_new\":%lld,\"firms_updated\":%lld,\"firms_unchanged\":%lld,"
           "\"years_added\":%lld,\"years_changed\":%lld,\"years_unchanged\":%lld,"
           "\"values_changed\":%lld,\"warnings\":%lld,\"rejected\":%lld,"
           "\"edits_overwritten\":%lld}",
           sum->records, sum->firms_new, sum->firms_updated, sum->firms_unchanged, sum->years_added,
           sum->years_changed, sum->years_unchanged, sum->values_changed, sum->warnings,
           sum->rejected, sum->edits_overwritten);
  tidu_sql_stmt *st = NULL;
  tidu_code rc = tidu_sql_prepare(s->db,
                                  "UPDATE imports SET finished_at = ?1, records = ?2, summary = ?3 "
                                  "WHERE id = ?4",
                                  &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, now);
  tidu_sql_bind_int64(st, 2, sum->records);
  tidu_sql_bind_text(st, 3, text);
  tidu_sql_bind_int64(st, 4, import_id);
  rc = tidu_sql_run(st, err);
  tidu_sql_finalize(st);
  return rc;
}

tidu_code tidu_store_event(tidu_store *s, const char *who, const char *action, const char *uscc,
                           const char *what, const char *why, const char *source, int64_t *id,
                           tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  tidu_code rc = tidu_sql_prepare(s->db,
                                  "INSERT INTO events (at, who, action, uscc, what, why, source) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                  &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, now);
  tidu_sql_bind_text(st, 2, who && *who ? who : "unknown");
  tidu_sql_bind_text(st, 3, action);
  tidu_sql_bind_text(st, 4, uscc);
  tidu_sql_bind_text(st, 5, what);
  tidu_sql_bind_text(st, 6, why);
  tidu_sql_bind_text(st, 7, source);
  return insert_returning(s, st, id, err, "event");
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

void tidu_store_bind_value(tidu_sql_stmt *st, int idx, const tidu_field_info *fi, int64_t v,
                           const char *text) {
  if (tidu_field_absent(fi, v, text)) {
    tidu_sql_bind_null(st, idx);
  } else if (fi->type == TIDU_T_TEXT) {
    tidu_sql_bind_text(st, idx, text);
  } else if (fi->type != TIDU_T_ENUM && fi->type != TIDU_T_TAGS && fi->type != TIDU_T_DATE) {
    /* a BIGINT column (tidu_store_coltype) */
    tidu_sql_bind_int64(st, idx, v);
  } else {
    char buf[512];
    tidu_store_value_text(fi, v, NULL, buf, sizeof buf);
    tidu_sql_bind_text(st, idx, buf);
  }
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

tidu_code tidu_store_column_value(tidu_sql_stmt *st, int col, const tidu_field_info *fi, int64_t *v,
                                  char **text, tidu_error *err) {
  int absent = tidu_sql_column_null(st, col);
  int declared =
      !fi->judge && (fi->type == TIDU_T_BOOL || fi->type == TIDU_T_ENUM || fi->type == TIDU_T_TAGS);
  *v = declared ? 0 : TIDU_MISSING; /* an undeclared judgement stays missing */
  if (text) *text = NULL;
  if (absent) return TIDU_OK;
  if (fi->type != TIDU_T_TEXT && fi->type != TIDU_T_ENUM && fi->type != TIDU_T_TAGS &&
      fi->type != TIDU_T_DATE) {
    *v = tidu_sql_column_int64(st, col); /* integer columns are read as integers */
    return TIDU_OK;
  }
  const char *t = tidu_sql_column_text(st, col);
  switch (fi->type) {
  case TIDU_T_TEXT:
    if (text) *text = tidu_strdup(t ? t : "");
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
    *v = tidu_sql_column_int64(st, col);
    return TIDU_OK;
  }
}
