/* The accounts tables: users, sessions and API tokens (rows only; decisions live in src/app). */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#include "tidu/accounts.h"

static void copy_text(char *dst, size_t size, const char *src) {
  snprintf(dst, size, "%s", src ? src : "");
}

/* Reads the user columns id, name, role, scope, disabled, created_at starting at `col`. */
static void read_user(tidu_sql_stmt *st, int col, tidu_user *u) {
  memset(u, 0, sizeof *u);
  u->id = tidu_sql_column_int64(st, col);
  copy_text(u->name, sizeof u->name, tidu_sql_column_text(st, col + 1));
  int role = tidu_role_parse(tidu_sql_column_text(st, col + 2));
  u->role = role < 0 ? TIDU_ROLE_ENTERPRISE : (tidu_role)role;
  copy_text(u->scope, sizeof u->scope, tidu_sql_column_text(st, col + 3));
  u->disabled = tidu_sql_column_int64(st, col + 4) != 0;
  copy_text(u->created_at, sizeof u->created_at, tidu_sql_column_text(st, col + 5));
}

#define USER_COLS "u.id, u.name, u.role, u.scope, u.disabled, u.created_at"

/* Runs a prepared statement without results and finalizes it. */
static tidu_code run_once(tidu_sql_stmt *st, int64_t *changes, tidu_error *err) {
  int row = 0;
  tidu_code rc = tidu_sql_step(st, &row, err);
  if (changes) *changes = rc == TIDU_OK ? tidu_sql_changes(st) : 0;
  tidu_sql_finalize(st);
  return rc;
}

/* Steps a query for at most one row; *found tells whether there was one. The statement stays
 * open for reading the row: the caller finalizes it. */
static tidu_code first_row(tidu_sql_stmt *st, int *found, tidu_error *err) {
  *found = 0;
  return tidu_sql_step(st, found, err);
}

/* ---- users ---- */

tidu_code tidu_store_user_add(tidu_store *s, const char *name, const char *pw_hash, tidu_role role,
                              const char *scope, int64_t *id, tidu_error *err) {
  int found = 0;
  tidu_user old;
  tidu_code rc = tidu_store_user_get(s, name, &old, NULL, 0, &found, err);
  if (rc != TIDU_OK) return rc;
  if (found)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "用户名已存在 / user '%s' already exists",
                          name);
  tidu_sql_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  rc = tidu_sql_prepare(s->db,
                        "INSERT INTO users (name, pw_hash, role, scope, created_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                        &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, name);
  tidu_sql_bind_text(st, 2, pw_hash);
  tidu_sql_bind_text(st, 3, tidu_role_name(role));
  tidu_sql_bind_text(st, 4, scope && *scope ? scope : NULL);
  tidu_sql_bind_text(st, 5, now);
  int row = 0;
  rc = tidu_sql_step(st, &row, err);
  if (rc == TIDU_OK && row && id) *id = tidu_sql_column_int64(st, 0);
  tidu_sql_finalize(st);
  return rc;
}

tidu_code tidu_store_user_get(tidu_store *s, const char *name, tidu_user *u, char *pw_hash,
                              size_t pw_size, int *found, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  *found = 0;
  tidu_code rc = tidu_sql_prepare(
      s->db, "SELECT " USER_COLS ", u.pw_hash FROM users u WHERE u.name = ?1", &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, name);
  rc = first_row(st, found, err);
  if (rc == TIDU_OK && *found) {
    read_user(st, 0, u);
    if (pw_hash) copy_text(pw_hash, pw_size, tidu_sql_column_text(st, 6));
  }
  tidu_sql_finalize(st);
  return rc;
}

tidu_code tidu_store_user_list(tidu_store *s, int (*cb)(const tidu_user *u, void *ud), void *ud,
                               tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  tidu_code rc =
      tidu_sql_prepare(s->db, "SELECT " USER_COLS " FROM users u ORDER BY u.name", &st, err);
  int row = 1;
  while (rc == TIDU_OK && row) {
    rc = tidu_sql_step(st, &row, err);
    if (rc == TIDU_OK && row) {
      tidu_user u;
      read_user(st, 0, &u);
      if (cb(&u, ud)) break;
    }
  }
  tidu_sql_finalize(st);
  return rc;
}

tidu_code tidu_store_user_count(tidu_store *s, long long *n, tidu_error *err) {
  int64_t v = 0;
  tidu_code rc = tidu_sql_query_int64(s->db, "SELECT count(*) FROM users", &v, err);
  *n = v;
  return rc;
}

/* Runs an UPDATE of one user by name (?1) and reports a missing user. */
static tidu_code update_user(tidu_sql_stmt *st, const char *name, tidu_error *err) {
  int64_t changed = 0;
  tidu_sql_bind_text(st, 1, name);
  tidu_code rc = run_once(st, &changed, err);
  if (rc == TIDU_OK && changed == 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "没有此用户 / no user '%s'", name);
  return rc;
}

tidu_code tidu_store_user_set_password(tidu_store *s, const char *name, const char *pw_hash,
                                       tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  tidu_code rc = tidu_sql_prepare(s->db, "UPDATE users SET pw_hash = ?2 WHERE name = ?1", &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 2, pw_hash);
  return update_user(st, name, err);
}

tidu_code tidu_store_user_set_disabled(tidu_store *s, const char *name, int disabled,
                                       tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  tidu_code rc =
      tidu_sql_prepare(s->db, "UPDATE users SET disabled = ?2 WHERE name = ?1", &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_int64(st, 2, disabled != 0);
  rc = update_user(st, name, err);
  if (rc != TIDU_OK || !disabled) return rc;
  rc = tidu_sql_prepare(
      s->db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)", &st,
      err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, name);
  return run_once(st, NULL, err);
}

tidu_code tidu_store_inst_assigned(tidu_store *s, const char *institution, const char *uscc,
                                   int *assigned, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  *assigned = 0;
  tidu_code rc = tidu_sql_prepare(s->db,
                                  "SELECT 1 FROM inst_assignments a JOIN institutions i ON "
                                  "i.id = a.inst_id WHERE (i.name = ?1 OR CAST(i.id AS TEXT) = ?1) "
                                  "AND a.uscc = ?2",
                                  &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, institution);
  tidu_sql_bind_text(st, 2, uscc);
  rc = first_row(st, assigned, err);
  tidu_sql_finalize(st);
  return rc;
}

/* ---- sessions and tokens ---- */

tidu_code tidu_store_session_add(tidu_store *s, const char *id_digest, int64_t user_id,
                                 const char *csrf, const char *expires_at, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  tidu_code rc = tidu_sql_prepare(s->db,
                                  "INSERT INTO sessions (id_digest, user_id, csrf, created_at, "
                                  "expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                  &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, id_digest);
  tidu_sql_bind_int64(st, 2, user_id);
  tidu_sql_bind_text(st, 3, csrf);
  tidu_sql_bind_text(st, 4, now);
  tidu_sql_bind_text(st, 5, expires_at);
  return run_once(st, NULL, err);
}

tidu_code tidu_store_session_get(tidu_store *s, const char *id_digest, tidu_user *u, char *csrf,
                                 int *found, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  *found = 0;
  tidu_code rc = tidu_sql_prepare(s->db,
                                  "SELECT " USER_COLS ", x.csrf FROM sessions x JOIN users u ON "
                                  "u.id = x.user_id WHERE x.id_digest = ?1 AND x.expires_at > ?2 "
                                  "AND u.disabled = 0",
                                  &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, id_digest);
  tidu_sql_bind_text(st, 2, now);
  rc = first_row(st, found, err);
  if (rc == TIDU_OK && *found) {
    read_user(st, 0, u);
    copy_text(csrf, TIDU_SECRET_LEN + 1, tidu_sql_column_text(st, 6));
  }
  tidu_sql_finalize(st);
  return rc;
}

tidu_code tidu_store_session_delete(tidu_store *s, const char *id_digest, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  tidu_code rc = tidu_sql_prepare(s->db, "DELETE FROM sessions WHERE id_digest = ?1", &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, id_digest);
  return run_once(st, NULL, err);
}

tidu_code tidu_store_token_add(tidu_store *s, int64_t user_id, const char *digest,
                               const char *label, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  char now[32];
  tidu_store_now(now);
  tidu_code rc = tidu_sql_prepare(
      s->db, "INSERT INTO api_tokens (user_id, digest, label, created_at) VALUES (?1, ?2, ?3, ?4)",
      &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_int64(st, 1, user_id);
  tidu_sql_bind_text(st, 2, digest);
  tidu_sql_bind_text(st, 3, label);
  tidu_sql_bind_text(st, 4, now);
  return run_once(st, NULL, err);
}

tidu_code tidu_store_token_get(tidu_store *s, const char *digest, tidu_user *u, int *found,
                               tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  *found = 0;
  tidu_code rc = tidu_sql_prepare(s->db,
                                  "SELECT " USER_COLS " FROM api_tokens t JOIN users u ON "
                                  "u.id = t.user_id WHERE t.digest = ?1 AND u.disabled = 0",
                                  &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, digest);
  rc = first_row(st, found, err);
  if (rc == TIDU_OK && *found) read_user(st, 0, u);
  tidu_sql_finalize(st);
  return rc;
}

tidu_code tidu_store_audit(tidu_store *s, const char *who, const char *action, const char *uscc,
                           const char *what, tidu_error *err) {
  return tidu_store_event(s, who, action, uscc, what, NULL, "server", NULL, err);
}
