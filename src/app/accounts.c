/* Accounts use cases: password hashing, sessions, API tokens and who may see which firm. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tidu/accounts.h"
#include "tidu/uscc.h"

static const char *const ROLE_NAMES[] = {"admin", "official", "institution", "enterprise"};

const char *tidu_role_name(tidu_role r) {
  return (unsigned)r < 4 ? ROLE_NAMES[r] : "enterprise";
}

int tidu_role_parse(const char *s) {
  for (int i = 0; s && i < 4; i++)
    if (!strcmp(s, ROLE_NAMES[i])) return i;
  return -1;
}

/* ---- secrets ---- */

static void init_sodium(void) {
  /* sodium_init is idempotent and thread-safe; it fails only without a random source, and
   * then randombytes itself aborts, so there is nothing to handle here. */
  if (sodium_init() < 0) return;
}

void tidu_secret_new(char out[TIDU_SECRET_LEN + 1]) {
  unsigned char raw[TIDU_SECRET_LEN / 2];
  init_sodium();
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, TIDU_SECRET_LEN + 1, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
}

void tidu_secret_digest(const char *secret, char out[TIDU_SECRET_LEN + 1]) {
  unsigned char d[TIDU_SECRET_LEN / 2];
  init_sodium();
  crypto_generichash(d, sizeof d, (const unsigned char *)secret, strlen(secret), NULL, 0);
  sodium_bin2hex(out, TIDU_SECRET_LEN + 1, d, sizeof d);
}

int tidu_secret_equal(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb) return 0;
  return sodium_memcmp(a, b, la) == 0;
}

static tidu_code hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
                               tidu_error *err) {
  init_sodium();
  if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0,
                          "内存不足,无法计算口令散列 / out of memory hashing the password");
  return TIDU_OK;
}

/* ---- users ---- */

static tidu_code check_scope(tidu_role role, const char *scope, tidu_error *err) {
  if (role == TIDU_ROLE_OFFICIAL) {
    size_t n = scope ? strlen(scope) : 0;
    int digits = n > 0 && n <= 6;
    for (size_t i = 0; digits && i < n; i++) digits = scope[i] >= '0' && scope[i] <= '9';
    if (!digits)
      return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                            "官员账户需要行政区划代码前缀(1–6 位数字,如 3205) / an official "
                            "needs a region code prefix of 1-6 digits (e.g. 3205)");
  } else if (role == TIDU_ROLE_INSTITUTION) {
    if (!scope || !*scope)
      return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                            "机构账户需要机构名称或编号 / an institution user needs its "
                            "institution's name or id");
  } else if (role == TIDU_ROLE_ENTERPRISE) {
    if (!scope || tidu_uscc_check(scope, NULL) == TIDU_USCC_MALFORMED)
      return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                            "企业账户需要本企业的统一社会信用代码 / an enterprise user needs its "
                            "firm's USCC");
  }
  return TIDU_OK;
}

tidu_code tidu_account_add(tidu_store *s, const char *name, const char *password, tidu_role role,
                           const char *scope, char *generated, tidu_error *err) {
  if (!name || !*name || strlen(name) >= sizeof((tidu_user *)0)->name)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "用户名须为 1–63 字节 / a user name needs 1-63 bytes");
  if ((unsigned)role > TIDU_ROLE_ENTERPRISE)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "未知角色 / unknown role");
  tidu_code rc = check_scope(role, scope, err);
  if (rc != TIDU_OK) return rc;
  char made[TIDU_SECRET_LEN + 1];
  if (!password) {
    tidu_secret_new(made);
    made[16] = 0;
    password = made;
    if (generated) memcpy(generated, made, 17);
  }
  if (!*password)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "口令不能为空 / empty password");
  char hash[crypto_pwhash_STRBYTES];
  rc = hash_password(password, hash, err);
  sodium_memzero(made, sizeof made);
  if (rc != TIDU_OK) return rc;
  return tidu_store_user_add(s, name, hash, role, role == TIDU_ROLE_ADMIN ? NULL : scope, NULL,
                             err);
}

tidu_code tidu_account_passwd(tidu_store *s, const char *name, const char *password,
                              tidu_error *err) {
  if (!password || !*password)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "口令不能为空 / empty password");
  char hash[crypto_pwhash_STRBYTES];
  tidu_code rc = hash_password(password, hash, err);
  return rc == TIDU_OK ? tidu_store_user_set_password(s, name, hash, err) : rc;
}

tidu_code tidu_account_ensure_admin(tidu_store *s, char *password, int *created, tidu_error *err) {
  long long n = 0;
  *created = 0;
  tidu_code rc = tidu_store_user_count(s, &n, err);
  if (rc != TIDU_OK || n > 0) return rc;
  rc = tidu_account_add(s, "admin", NULL, TIDU_ROLE_ADMIN, NULL, password, err);
  if (rc == TIDU_OK) *created = 1;
  return rc;
}

/* ---- sessions and tokens ---- */

static void expiry(long ttl_seconds, char out[32]) {
  time_t t = time(NULL) + ttl_seconds;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

tidu_code tidu_account_login(tidu_store *s, const char *name, const char *password,
                             long ttl_seconds, tidu_user *u, char *session_id, char *csrf,
                             tidu_error *err) {
  char hash[256];
  int found = 0;
  tidu_code rc = tidu_store_user_get(s, name ? name : "", u, hash, sizeof hash, &found, err);
  if (rc != TIDU_OK) return rc;
  init_sodium();
  int ok = found && !u->disabled && password &&
           crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
  sodium_memzero(hash, sizeof hash);
  if (!ok)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "用户名或口令错误 / wrong user name or password");
  char digest[TIDU_SECRET_LEN + 1], until[32];
  tidu_secret_new(session_id);
  tidu_secret_new(csrf);
  tidu_secret_digest(session_id, digest);
  expiry(ttl_seconds, until);
  return tidu_store_session_add(s, digest, u->id, csrf, until, err);
}

tidu_code tidu_account_session(tidu_store *s, const char *session_id, tidu_user *u, char *csrf,
                               int *found, tidu_error *err) {
  char digest[TIDU_SECRET_LEN + 1];
  *found = 0;
  if (!session_id || strlen(session_id) != TIDU_SECRET_LEN) return TIDU_OK;
  tidu_secret_digest(session_id, digest);
  return tidu_store_session_get(s, digest, u, csrf, found, err);
}

tidu_code tidu_account_logout(tidu_store *s, const char *session_id, tidu_error *err) {
  char digest[TIDU_SECRET_LEN + 1];
  if (!session_id) return TIDU_OK;
  tidu_secret_digest(session_id, digest);
  return tidu_store_session_delete(s, digest, err);
}

tidu_code tidu_account_token_new(tidu_store *s, const char *name, const char *label, char *token,
                                 tidu_error *err) {
  tidu_user u;
  int found = 0;
  tidu_code rc = tidu_store_user_get(s, name, &u, NULL, 0, &found, err);
  if (rc != TIDU_OK) return rc;
  if (!found)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "没有此用户 / no user '%s'", name);
  char digest[TIDU_SECRET_LEN + 1];
  tidu_secret_new(token);
  tidu_secret_digest(token, digest);
  return tidu_store_token_add(s, u.id, digest, label, err);
}

tidu_code tidu_account_token(tidu_store *s, const char *token, tidu_user *u, int *found,
                             tidu_error *err) {
  char digest[TIDU_SECRET_LEN + 1];
  *found = 0;
  if (!token || strlen(token) != TIDU_SECRET_LEN) return TIDU_OK;
  tidu_secret_digest(token, digest);
  return tidu_store_token_get(s, digest, u, found, err);
}

/* ---- access ---- */

static int has_prefix(const char *s, const char *prefix) {
  return s && !strncmp(s, prefix, strlen(prefix));
}

int tidu_access_firm(tidu_store *s, const tidu_user *u, const char *uscc, const char *region) {
  if (!u || u->disabled || !uscc) return 0;
  switch (u->role) {
  case TIDU_ROLE_ADMIN:
    return 1;
  case TIDU_ROLE_OFFICIAL:
    return u->scope[0] && has_prefix(region, u->scope);
  case TIDU_ROLE_ENTERPRISE:
    return u->scope[0] && !strcmp(uscc, u->scope);
  case TIDU_ROLE_INSTITUTION: {
    int assigned = 0;
    return u->scope[0] && tidu_store_inst_assigned(s, u->scope, uscc, &assigned, NULL) == TIDU_OK &&
           assigned;
  }
  }
  return 0;
}

int tidu_access_write_firm(tidu_store *s, const tidu_user *u, const char *uscc,
                           const char *region) {
  if (u && u->role == TIDU_ROLE_INSTITUTION) return 0;
  return tidu_access_firm(s, u, uscc, region);
}

int tidu_access_region(const tidu_user *u, const char *requested, char *region, size_t size) {
  const char *want = requested ? requested : "";
  if (!u || u->role != TIDU_ROLE_OFFICIAL) {
    snprintf(region, size, "%s", want);
    return u != NULL;
  }
  if (has_prefix(want, u->scope)) { /* narrower than (or equal to) the scope */
    snprintf(region, size, "%s", want);
    return 1;
  }
  if (has_prefix(u->scope, want)) { /* wider: narrowed to the scope */
    snprintf(region, size, "%s", u->scope);
    return 1;
  }
  snprintf(region, size, "%s", u->scope);
  return 0;
}
