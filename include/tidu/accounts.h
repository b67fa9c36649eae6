/* Accounts of the server: users with roles and scopes, sessions, API tokens, access decisions. */
#ifndef TIDU_ACCOUNTS_H
#define TIDU_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/store.h"

/* Roles. An official sees the firms whose region code starts with its scope ("3205" = Suzhou);
 * an institution user sees the firms assigned to its institution (programme institutions); an
 * enterprise sees only the firm whose USCC is its scope; an admin sees everything and manages
 * users. */
typedef enum tidu_role {
  TIDU_ROLE_ADMIN = 0,
  TIDU_ROLE_OFFICIAL,
  TIDU_ROLE_INSTITUTION,
  TIDU_ROLE_ENTERPRISE
} tidu_role;

/* "admin", "official", "institution", "enterprise"; parse returns -1 for anything else. */
TIDU_API const char *tidu_role_name(tidu_role r);
TIDU_API int tidu_role_parse(const char *s);

typedef struct tidu_user {
  int64_t id;
  char name[64];
  tidu_role role;
  char scope[64]; /* region prefix (official), institution name (institution), USCC (enterprise) */
  int disabled;
  char created_at[32];
} tidu_user;

/* Secrets (session ids, CSRF tokens, API tokens, generated passwords) are 64 hex characters
 * from libsodium's CSPRNG; the database keeps only their BLAKE2b digests. */
#define TIDU_SECRET_LEN 64

/* ---- the store's part: rows only, no decisions ----------------------------------------- */

/* Adds a user; TIDU_ERR_DATA when the name is taken. */
TIDU_API tidu_code tidu_store_user_add(tidu_store *s, const char *name, const char *pw_hash,
                                       tidu_role role, const char *scope, int64_t *id,
                                       tidu_error *err);
/* Loads a user by name; *found = 0 when there is none. pw_hash (may be NULL) receives the
 * stored hash (at least 128 bytes). */
TIDU_API tidu_code tidu_store_user_get(tidu_store *s, const char *name, tidu_user *u, char *pw_hash,
                                       size_t pw_size, int *found, tidu_error *err);
/* Calls cb for every user by name; stops when cb returns non-zero. */
TIDU_API tidu_code tidu_store_user_list(tidu_store *s, int (*cb)(const tidu_user *u, void *ud),
                                        void *ud, tidu_error *err);
TIDU_API tidu_code tidu_store_user_count(tidu_store *s, long long *n, tidu_error *err);
/* Changes a user's password hash or disabled flag; TIDU_ERR_DATA when there is no such user.
 * Disabling a user also ends its sessions. */
TIDU_API tidu_code tidu_store_user_set_password(tidu_store *s, const char *name,
                                                const char *pw_hash, tidu_error *err);
TIDU_API tidu_code tidu_store_user_set_disabled(tidu_store *s, const char *name, int disabled,
                                                tidu_error *err);
/* *assigned = 1 when firm `uscc` is assigned to the institution named `institution` (or with
 * that id) in the programme's inst_assignments. */
TIDU_API tidu_code tidu_store_inst_assigned(tidu_store *s, const char *institution,
                                            const char *uscc, int *assigned, tidu_error *err);

/* Sessions keyed by the digest of their id; `expires_at` ISO 8601 UTC. */
TIDU_API tidu_code tidu_store_session_add(tidu_store *s, const char *id_digest, int64_t user_id,
                                          const char *csrf, const char *expires_at,
                                          tidu_error *err);
/* Loads the live session's user (not expired, user not disabled); *found = 0 otherwise.
 * csrf receives the session's CSRF token (TIDU_SECRET_LEN + 1 bytes). */
TIDU_API tidu_code tidu_store_session_get(tidu_store *s, const char *id_digest, tidu_user *u,
                                          char *csrf, int *found, tidu_error *err);
TIDU_API tidu_code tidu_store_session_delete(tidu_store *s, const char *id_digest, tidu_error *err);

TIDU_API tidu_code tidu_store_token_add(tidu_store *s, int64_t user_id, const char *digest,
                                        const char *label, tidu_error *err);
TIDU_API tidu_code tidu_store_token_get(tidu_store *s, const char *digest, tidu_user *u, int *found,
                                        tidu_error *err);

/* Records an audit event: who did `action` (on firm `uscc`, may be NULL) and what. */
TIDU_API tidu_code tidu_store_audit(tidu_store *s, const char *who, const char *action,
                                    const char *uscc, const char *what, tidu_error *err);

/* ---- the accounts use cases ------------------------------------------------------------ */

/* A new random secret, TIDU_SECRET_LEN hex characters and a NUL. */
TIDU_API void tidu_secret_new(char out[TIDU_SECRET_LEN + 1]);
/* The digest kept in the database for a secret (hex, TIDU_SECRET_LEN characters and a NUL). */
TIDU_API void tidu_secret_digest(const char *secret, char out[TIDU_SECRET_LEN + 1]);
/* Compares two strings in time independent of where they differ (lengths may leak). */
TIDU_API int tidu_secret_equal(const char *a, const char *b);

/* Adds a user with an argon2id hash of `password`. A NULL password generates one, written to
 * `generated` (TIDU_SECRET_LEN/4 + 1 bytes, may be NULL otherwise). Checks role and scope:
 * official needs a region prefix of digits, enterprise a USCC. TIDU_ERR_DATA on a taken name,
 * TIDU_ERR_USAGE on a bad role, scope or empty password. */
TIDU_API tidu_code tidu_account_add(tidu_store *s, const char *name, const char *password,
                                    tidu_role role, const char *scope, char *generated,
                                    tidu_error *err);
/* Sets a new password (argon2id). */
TIDU_API tidu_code tidu_account_passwd(tidu_store *s, const char *name, const char *password,
                                       tidu_error *err);
/* On a registry without users, creates "admin" with a random password written to `password`
 * (17 bytes) and sets *created = 1; otherwise *created = 0. */
TIDU_API tidu_code tidu_account_ensure_admin(tidu_store *s, char *password, int *created,
                                             tidu_error *err);

/* Checks a name and password and opens a session lasting `ttl_seconds`: session_id and csrf
 * receive new secrets. A wrong name or password (or a disabled user) is TIDU_ERR_DATA with one
 * message for all three, so that names cannot be probed. */
TIDU_API tidu_code tidu_account_login(tidu_store *s, const char *name, const char *password,
                                      long ttl_seconds, tidu_user *u, char *session_id, char *csrf,
                                      tidu_error *err);
/* Looks a session id up; *found = 0 when unknown, expired or its user disabled. */
TIDU_API tidu_code tidu_account_session(tidu_store *s, const char *session_id, tidu_user *u,
                                        char *csrf, int *found, tidu_error *err);
TIDU_API tidu_code tidu_account_logout(tidu_store *s, const char *session_id, tidu_error *err);
/* Issues an API token for user `name` (written to `token`, shown once). */
TIDU_API tidu_code tidu_account_token_new(tidu_store *s, const char *name, const char *label,
                                          char *token, tidu_error *err);
TIDU_API tidu_code tidu_account_token(tidu_store *s, const char *token, tidu_user *u, int *found,
                                      tidu_error *err);

/* ---- access ---------------------------------------------------------------------------- */

/* 1 when user `u` may read firm (uscc, region). For institutions the assignment is looked up
 * in `s`. A NULL user (anonymous) may read no firm. */
TIDU_API int tidu_access_firm(tidu_store *s, const tidu_user *u, const char *uscc,
                              const char *region);
/* 1 when user `u` may change firm data (admin, official in scope, enterprise on its own). */
TIDU_API int tidu_access_write_firm(tidu_store *s, const tidu_user *u, const char *uscc,
                                    const char *region);
/* Narrows a firm filter to what `u` may see: an official's region prefix replaces a wider
 * requested one; a requested prefix outside its scope returns 0 (nothing visible). Writes the
 * effective region prefix to `region` (size >= 64). Returns 1 when something may be visible. */
TIDU_API int tidu_access_region(const tidu_user *u, const char *requested, char *region,
                                size_t size);

#endif
