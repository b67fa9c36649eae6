/* The accounts tables: users, sessions, API tokens and institution assignments (rows only). */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#include "tidu/accounts.h"

static void copy_text(char *dst, size_t size, const unsigned char *src) {
  snprintf(dst, size, "%s", src ? (const char *)src : "");
}

/* Reads the user columns id, name, role, scope, disabled, created_at starting at `col`. */
static void read_user(sqlite3_stmt *st, int col, tidu_user *u) {
  memset(u, 0, sizeof *u);
  u->id = sqlite3_column_int64(st, col);
  copy_text(u->name, sizeof u->name, sqlite3_column_text(st, col + 1));
  int role = tidu_role_parse((const char *)sqlite3_column_text(st, col + 2));
  u->role = role < 0 ? TIDU_ROLE_ENTERPRISE : (tidu_role)role;
  copy_text(u->scope, sizeof u->scope, sqlite3_column_text(st, col + 3));
  u->disabled = sqlite3_column_int(st, col + 4);
  copy_text(u->created_at, sizeof u->created_at, sqlite3_column_text(st, col + 5));
}

#define USER_COLS "u.id, u.name, u.role, u.scope, u.disabled, u.created_at"

static tidu_code prepare(tidu_store *s, const char *sql, sqlite3_stmt **st, tidu_error *err) {
  if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK) return TIDU_OK;
  return tidu_store_dberr(s, err, "accounts");
}

/* Steps a statement that returns no rows and finalizes it. */
static tidu_code finish(tidu_store *s, sqlite3_stmt *st, tidu_error *err) {
  int rc = sqlite3_step(st);
  tidu_code out = rc == SQLITE_DONE ? TIDU_OK : tidu_store_dberr(s, err, "accounts");
  sqlite3_finalize(st);
  return out;
}

/* ---- users ---- */

tidu_code tidu_store_user_add(tidu_store *s, const char *name, const char *pw_hash, tidu_role role,
                              const char *scope, int64_t *id, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  if (prepare(s,
              "INSERT INTO users (name, pw_hash, role, scope, created_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5)",
              &st, err) != TIDU_OK)
    return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, tidu_role_name(role), -1, SQLITE_STATIC);
  if (scope && *scope)
    sqlite3_bind_text(st, 4, scope, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 4);
  sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc == SQLITE_CONSTRAINT)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "用户名已存在 / user '%s' already exists",
                          name);
  if (rc != SQLITE_DONE) return tidu_store_dberr(s, err, "user add");
  if (id) *id = sqlite3_last_insert_rowid(s->db);
  return TIDU_OK;
}

tidu_code tidu_store_user_get(tidu_store *s, const char *name, tidu_user *u, char *pw_hash,
                              size_t pw_size, int *found, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  *found = 0;
  if (prepare(s, "SELECT " USER_COLS ", u.pw_hash FROM users u WHERE u.name = ?1", &st, err))
    return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    read_user(st, 0, u);
    if (pw_hash) copy_text(pw_hash, pw_size, sqlite3_column_text(st, 6));
    *found = 1;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return tidu_store_dberr(s, err, "user");
  return TIDU_OK;
}

tidu_code tidu_store_user_list(tidu_store *s, int (*cb)(const tidu_user *u, void *ud), void *ud,
                               tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (prepare(s, "SELECT " USER_COLS " FROM users u ORDER BY u.name", &st, err)) return TIDU_ERR_DB;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    tidu_user u;
    read_user(st, 0, &u);
    if (cb(&u, ud)) {
      rc = SQLITE_DONE;
      break;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? TIDU_OK : tidu_store_dberr(s, err, "user list");
}

tidu_code tidu_store_user_count(tidu_store *s, long long *n, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (prepare(s, "SELECT count(*) FROM users", &st, err)) return TIDU_ERR_DB;
  int rc = sqlite3_step(st);
  *n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? TIDU_OK : tidu_store_dberr(s, err, "user count");
}

/* Runs an UPDATE of one user by name (?1) and reports a missing user. */
static tidu_code update_user(tidu_store *s, sqlite3_stmt *st, const char *name, tidu_error *err) {
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  tidu_code rc = finish(s, st, err);
  if (rc == TIDU_OK && sqlite3_changes(s->db) == 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "没有此用户 / no user '%s'", name);
  return rc;
}

tidu_code tidu_store_user_set_password(tidu_store *s, const char *name, const char *pw_hash,
                                       tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (prepare(s, "UPDATE users SET pw_hash = ?2 WHERE name = ?1", &st, err)) return TIDU_ERR_DB;
  sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_TRANSIENT);
  return update_user(s, st, name, err);
}

tidu_code tidu_store_user_set_disabled(tidu_store *s, const char *name, int disabled,
                                       tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (prepare(s, "UPDATE users SET disabled = ?2 WHERE name = ?1", &st, err)) return TIDU_ERR_DB;
  sqlite3_bind_int(st, 2, disabled != 0);
  tidu_code rc = update_user(s, st, name, err);
  if (rc != TIDU_OK || !disabled) return rc;
  if (prepare(s, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)", &st,
              err))
    return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  return finish(s, st, err);
}

tidu_code tidu_store_inst_assigned(tidu_store *s, const char *institution, const char *uscc,
                                   int *assigned, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  *assigned = 0;
  if (prepare(s,
              "SELECT 1 FROM inst_assignments a JOIN institutions i ON i.id = a.inst_id "
              "WHERE (i.name = ?1 OR CAST(i.id AS TEXT) = ?1) AND a.uscc = ?2",
              &st, err))
    return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, institution, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, uscc, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  *assigned = rc == SQLITE_ROW;
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TIDU_OK : tidu_store_dberr(s, err, "assigned");
}

/* ---- sessions and tokens ---- */

tidu_code tidu_store_session_add(tidu_store *s, const char *id_digest, int64_t user_id,
                                 const char *csrf, const char *expires_at, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  if (prepare(s,
              "INSERT INTO sessions (id_digest, user_id, csrf, created_at, expires_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5)",
              &st, err))
    return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, id_digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 5, expires_at, -1, SQLITE_TRANSIENT);
  return finish(s, st, err);
}

tidu_code tidu_store_session_get(tidu_store *s, const char *id_digest, tidu_user *u, char *csrf,
                                 int *found, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  *found = 0;
  if (prepare(s,
              "SELECT " USER_COLS ", x.csrf FROM sessions x JOIN users u ON u.id = x.user_id "
              "WHERE x.id_digest = ?1 AND x.expires_at > ?2 AND u.disabled = 0",
              &st, err))
    return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, id_digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    read_user(st, 0, u);
    copy_text(csrf, TIDU_SECRET_LEN + 1, sqlite3_column_text(st, 6));
    *found = 1;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TIDU_OK : tidu_store_dberr(s, err, "session");
}

tidu_code tidu_store_session_delete(tidu_store *s, const char *id_digest, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  if (prepare(s, "DELETE FROM sessions WHERE id_digest = ?1", &st, err)) return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, id_digest, -1, SQLITE_TRANSIENT);
  return finish(s, st, err);
}

tidu_code tidu_store_token_add(tidu_store *s, int64_t user_id, const char *digest,
                               const char *label, tidu_error *err) {
  sqlite3_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  if (prepare(s,
              "INSERT INTO api_tokens (user_id, digest, label, created_at) VALUES (?1, ?2, ?3, ?4)",
              &st, err))
    return TIDU_ERR_DB;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_text(st, 2, digest, -1, SQLITE_TRANSIENT);
  if (label)
    sqlite3_bind_text(st, 3, label, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 3);
  sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
  return finish(s, st, err);
}

tidu_code tidu_store_token_get(tidu_store *s, const char *digest, tidu_user *u, int *found,
                               tidu_error *err) {
  sqlite3_stmt *st = NULL;
  *found = 0;
  if (prepare(s,
              "SELECT " USER_COLS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
              "WHERE t.digest = ?1 AND u.disabled = 0",
              &st, err))
    return TIDU_ERR_DB;
  sqlite3_bind_text(st, 1, digest, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    read_user(st, 0, u);
    *found = 1;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TIDU_OK : tidu_store_dberr(s, err, "token");
}

tidu_code tidu_store_audit(tidu_store *s, const char *who, const char *action, const char *uscc,
                           const char *what, tidu_error *err) {
  return tidu_store_event(s, who, action, uscc, what, NULL, "server", NULL, err);
}
