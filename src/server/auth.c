/* Sign-in, sessions, API tokens and user management routes of `tidu serve`. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "server_int.h"

#define SESSION_COOKIE "tidu_session"
#define SESSION_TTL    (12L * 3600)

void srv_authenticate(srv_req *rq) {
  tidu_error err;
  int found = 0;
  const char *auth = srv_header(rq, "Authorization");
  if (auth && !strncmp(auth, "Bearer ", 7)) {
    if (tidu_account_token(rq->store, auth + 7, &rq->user, &found, &err) == TIDU_OK && found) {
      rq->authed = 1;
      rq->by_token = 1;
    }
    return;
  }
  const char *sid = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
  if (!sid) return;
  if (tidu_account_session(rq->store, sid, &rq->user, rq->csrf, &found, &err) == TIDU_OK && found) {
    rq->authed = 1;
    snprintf(rq->session_id, sizeof rq->session_id, "%s", sid);
  }
}

void srv_audit(srv_req *rq, const char *action, const char *uscc, const char *what) {
  tidu_error err;
  if (tidu_store_audit(rq->primary ? rq->primary : rq->store,
                       rq->authed ? rq->user.name : "anonymous", action, uscc, what,
                       &err) != TIDU_OK)
    srv_log(rq->s, "audit: %s", err.message);
}

static json_t *user_json(const tidu_user *u) {
  return json_pack("{s:s,s:s,s:s,s:b,s:s}", "name", u->name, "role", tidu_role_name(u->role),
                   "scope", u->scope, "disabled", u->disabled, "created_at", u->created_at);
}

static const char *secure_flag(const srv_req *rq) {
  const char *proto = srv_header(rq, "X-Forwarded-Proto");
  return rq->s->opt.secure_cookies || (proto && !strcmp(proto, "https")) ? "; Secure" : "";
}

/* GET /api/session: who is signed in (null when nobody) and the CSRF token the UI sends back. */
int route_session_get(srv_req *rq, srv_resp *rs) {
  if (!rq->authed) return srv_json(rs, 200, json_pack("{s:n,s:n}", "user", "csrf"));
  return srv_json(rs, 200, json_pack("{s:o,s:s}", "user", user_json(&rq->user), "csrf", rq->csrf));
}

/* POST /api/session {"name","password"}: signs in, sets the session cookie. */
int route_session_login(srv_req *rq, srv_resp *rs) {
  if (srv_limit_blocked(rq->s->login_limit, rq->addr))
    return srv_error(rs, 429, "rate_limited", NULL,
                     "登录失败次数过多,请一分钟后再试 / too many failed sign-ins, try again in "
                     "a minute");
  json_t *body = srv_body_json(rq, rs);
  if (!body) return rs->status;
  const char *name = json_string_value(json_object_get(body, "name"));
  const char *password = json_string_value(json_object_get(body, "password"));
  if (!name || !password) {
    json_decref(body);
    return srv_error(rs, 400, "bad_request", name ? "password" : "name",
                     "需要用户名和口令 / name and password are required");
  }
  tidu_user u;
  char sid[TIDU_SECRET_LEN + 1], csrf[TIDU_SECRET_LEN + 1];
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_account_login(rq->store, name, password, SESSION_TTL, &u, sid, csrf, &err);
  json_decref(body);
  if (rc == TIDU_ERR_DATA) {
    srv_limit_count(rq->s->login_limit, rq->addr);
    return srv_error(rs, 401, "bad_credentials", NULL, "%s", err.message);
  }
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  rq->authed = 1;
  rq->user = u;
  srv_audit(rq, "login", NULL, NULL);
  srv_add_header(rs, "Set-Cookie: " SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s", sid,
                 secure_flag(rq));
  return srv_json(rs, 200, json_pack("{s:o,s:s}", "user", user_json(&u), "csrf", csrf));
}

/* DELETE /api/session: signs out. */
int route_session_logout(srv_req *rq, srv_resp *rs) {
  tidu_error err;
  if (!rq->by_token && tidu_account_logout(rq->store, rq->session_id, &err) != TIDU_OK)
    return srv_lib_error(rs, &err);
  srv_add_header(rs,
                 "Set-Cookie: " SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
                 secure_flag(rq));
  return srv_json(rs, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- users (admin) ---- */

static int add_user_json(const tidu_user *u, void *ud) {
  json_array_append_new(ud, user_json(u));
  return 0;
}

/* GET /api/users */
int route_users_list(srv_req *rq, srv_resp *rs) {
  json_t *arr = json_array();
  tidu_error err;
  if (tidu_store_user_list(rq->store, add_user_json, arr, &err) != TIDU_OK) {
    json_decref(arr);
    return srv_lib_error(rs, &err);
  }
  return srv_json(rs, 200, json_pack("{s:o}", "users", arr));
}

/* POST /api/users {"name","role","scope","password"?}: a missing password is generated. */
int route_users_add(srv_req *rq, srv_resp *rs) {
  json_t *body = srv_body_json(rq, rs);
  if (!body) return rs->status;
  const char *name = json_string_value(json_object_get(body, "name"));
  const char *role_s = json_string_value(json_object_get(body, "role"));
  const char *scope = json_string_value(json_object_get(body, "scope"));
  const char *password = json_string_value(json_object_get(body, "password"));
  int role = tidu_role_parse(role_s);
  int status;
  if (role < 0) {
    status = srv_error(rs, 400, "bad_request", "role",
                       "角色应为 admin、official、institution 或 enterprise / role must be admin, "
                       "official, institution or enterprise");
  } else {
    char made[17] = "";
    tidu_error err;
    tidu_error_clear(&err);
    tidu_code rc = tidu_account_add(rq->store, name, password && *password ? password : NULL,
                                    (tidu_role)role, scope, made, &err);
    if (rc == TIDU_ERR_DATA) {
      status = srv_error(rs, 409, "conflict", "name", "%s", err.message);
    } else if (rc != TIDU_OK) {
      status = srv_lib_error(rs, &err);
    } else {
      srv_audit(rq, "user add", NULL, name);
      json_t *out = json_pack("{s:s,s:s}", "name", name, "role", tidu_role_name((tidu_role)role));
      if (made[0]) json_object_set_new(out, "password", json_string(made));
      status = srv_json(rs, 201, out);
    }
  }
  json_decref(body);
  return status;
}

/* PATCH /api/users/{name} {"disabled": bool, "password": "..."} */
int route_users_edit(srv_req *rq, srv_resp *rs) {
  json_t *body = srv_body_json(rq, rs);
  if (!body) return rs->status;
  const char *name = rq->params[0];
  json_t *dis = json_object_get(body, "disabled");
  const char *password = json_string_value(json_object_get(body, "password"));
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = TIDU_OK;
  if (json_is_boolean(dis))
    rc = tidu_store_user_set_disabled(rq->store, name, json_is_true(dis), &err);
  if (rc == TIDU_OK && password) rc = tidu_account_passwd(rq->store, name, password, &err);
  json_decref(body);
  if (rc == TIDU_ERR_DATA) return srv_error(rs, 404, "not_found", "name", "%s", err.message);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  srv_audit(rq, "user edit", NULL, name);
  return srv_json(rs, 200, json_pack("{s:b}", "ok", 1));
}

/* POST /api/users/{name}/tokens {"label"?}: the token is shown once. */
int route_users_token(srv_req *rq, srv_resp *rs) {
  char token[TIDU_SECRET_LEN + 1];
  tidu_error err;
  tidu_error_clear(&err);
  const char *label = srv_query(rq, "label");
  tidu_code rc = tidu_account_token_new(rq->store, rq->params[0], label, token, &err);
  if (rc == TIDU_ERR_DATA) return srv_error(rs, 404, "not_found", "name", "%s", err.message);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  srv_audit(rq, "token", NULL, rq->params[0]);
  return srv_json(rs, 201, json_pack("{s:s}", "token", token));
}
