/* The route table of `tidu serve` and the dispatch: match, authenticate, check CSRF, call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server_int.h"
#include "tidu/toolkit.h"

/* Every API route, once. docs/openapi.json describes the same list (a test keeps them equal). */
/* clang-format off */
const srv_route srv_routes[] = {
    {"GET",    "/api/health",               route_health,         SRV_PUBLIC, 0, "liveness"},
    {"GET",    "/api/openapi.json",         route_openapi,        SRV_PUBLIC, 0, "this API described"},
    {"POST",   "/api/assess",               route_assess,         SRV_PUBLIC, 0, "assess one firm (contract §3 in, §4 out)"},
    {"GET",    "/api/rules",                route_rules_list,     SRV_PUBLIC, 0, "rule sets with versions, dates, sources"},
    {"GET",    "/api/rules/{id}",           route_rules_get,      SRV_PUBLIC, 0, "one rule set: standards, thresholds"},
    {"GET",    "/api/fields",               route_fields,         SRV_PUBLIC, 0, "the fields of a firm record"},
    {"GET",    "/api/session",              route_session_get,    SRV_PUBLIC, 1, "the signed-in user and CSRF token"},
    {"POST",   "/api/session",              route_session_login,  SRV_PUBLIC, 1, "sign in"},
    {"DELETE", "/api/session",              route_session_logout, SRV_USER,   1, "sign out"},
    {"GET",    "/api/users",                route_users_list,     SRV_ADMIN,  1, "users"},
    {"POST",   "/api/users",                route_users_add,      SRV_ADMIN,  1, "add a user"},
    {"PATCH",  "/api/users/{name}",         route_users_edit,     SRV_ADMIN,  1, "disable, enable, set password"},
    {"POST",   "/api/users/{name}/tokens",  route_users_token,    SRV_ADMIN,  1, "issue an API token"},
    {"GET",    "/api/firms",                route_firms_list,     SRV_USER,   1, "firms: filters, sorting, paging"},
    {"GET",    "/api/firms/stats",          route_firms_stats,    SRV_USER,   1, "counts per board verdict and region"},
    {"GET",    "/api/firms/{uscc}",         route_firms_get,      SRV_USER,   1, "one firm's file with its assessment"},
    {"GET",    "/api/firms/{uscc}/history", route_firms_history,  SRV_USER,   1, "changes of a firm's values"},
    {"PATCH",  "/api/firms/{uscc}",         route_firms_edit,     SRV_USER,   1, "correct values of a firm"},
    {"POST",   "/api/import",               route_import,         SRV_USER,   1, "import CSV/XLSX/JSON (row errors)"},
    {"GET",    "/api/export",               route_export,         SRV_USER,   1, "download XLSX/CSV/JSON"},
    {"POST",   "/api/simulate",             route_simulate,       SRV_USER,   1, "what-if of thresholds on the registry"},
    {"GET",    "/api/pool",                 route_pool_list,      SRV_USER,   1, "the reserve pool"},
    {"POST",   "/api/pool",                 route_pool_add,       SRV_USER,   1, "propose a firm for the pool"},
    {"GET",    "/api/pool/review",          route_pool_review,    SRV_USER,   1, "entries and exits the rules propose"},
    {"POST",   "/api/pool/review",          route_pool_review,    SRV_USER,   1, "record the review's proposals"},
    {"GET",    "/api/pool/layers",          route_pool_layers,    SRV_USER,   1, "pool firms by board (layers)"},
    {"POST",   "/api/pool/{uscc}/{action}", route_pool_decide,    SRV_USER,   1, "admit, reject or exit a pool firm"},
    {"GET",    "/api/ladder",               route_ladder,         SRV_USER,   1, "firms per rung of the ladder"},
    {"GET",    "/api/transitions",          route_transitions,    SRV_USER,   1, "moves between rungs, rewards"},
    {"GET",    "/api/shortlist",            route_shortlist,      SRV_USER,   1, "key-firm candidates"},
    {"GET",    "/api/firms/{uscc}/progress", route_progress,      SRV_USER,   1, "a firm's listing progress"},
    {"GET",    "/api/institutions",         route_institutions,   SRV_USER,   1, "service institutions"},
    {"GET",    "/api/financing",            route_financing,      SRV_USER,   1, "financing needs"},
    {"GET",    "/api/activities",           route_activities,     SRV_USER,   1, "roadshows and other activities"},
    {"GET",    "/api/targets",              route_targets,        SRV_USER,   1, "targets with measured figures"},
    {"GET",    "/api/events",               route_events,         SRV_USER,   1, "the audit trail"},
    {NULL, NULL, NULL, 0, 0, NULL},
};
/* clang-format on */

char *tidu_server_routes(void) {
  size_t cap = 4096, len = 0;
  char *out = tidu_malloc(cap);
  if (!out) return NULL;
  out[0] = 0;
  for (const srv_route *r = srv_routes; r->method; r++) {
    static const char *const ACCESS[] = {"public", "user", "admin"};
    int n = snprintf(out + len, cap - len, "%s %s %s\n", r->method, r->pattern, ACCESS[r->access]);
    if (n < 0 || (size_t)n >= cap - len) break;
    len += (size_t)n;
  }
  return out;
}

/* Matches `path` against a pattern; {name} matches one non-empty segment without '/'. */
static int match(const char *pattern, const char *path, const char **params, char *buf,
                 size_t size) {
  size_t used = 0;
  int np = 0;
  while (*pattern && *path) {
    if (*pattern == '{') {
      const char *end = strchr(path, '/');
      size_t n = end ? (size_t)(end - path) : strlen(path);
      if (n == 0 || used + n + 1 > size || np >= SRV_MAX_PARAMS) return 0;
      memcpy(buf + used, path, n);
      buf[used + n] = 0;
      params[np++] = buf + used;
      used += n + 1;
      path += n;
      pattern = strchr(pattern, '}') + 1;
      continue;
    }
    if (*pattern != *path) return 0;
    pattern++;
    path++;
  }
  return !*pattern && !*path;
}

static int is_safe_method(const char *m) {
  return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

/* Read-only routes over the population: with --db-read they read the replica. (Sessions,
 * one firm's file and history, and everything that writes stay on the primary, so a user reads
 * their own writes.) */
static int reads_replica(const srv_route *r) {
  static const srv_handler H[] = {route_firms_list, route_firms_stats, route_export,
                                  route_simulate,   route_ladder,      route_transitions,
                                  route_pool_layers};
  for (size_t i = 0; i < sizeof H / sizeof H[0]; i++)
    if (r->handler == H[i] && (is_safe_method(r->method) || r->handler == route_simulate)) return 1;
  return 0;
}

static int call_route(const srv_route *r, srv_req *rq, srv_resp *rs) {
  tidu_error err;
  tidu_error_clear(&err);
  if (r->needs_store || r->access != SRV_PUBLIC) {
    rq->store = srv_store_get(rq->s, &err);
    if (!rq->store) return srv_lib_error(rs, &err);
    srv_authenticate(rq);
  }
  int status;
  if (r->access != SRV_PUBLIC && !rq->authed)
    status = srv_error(rs, 401, "unauthenticated", NULL, "请先登录 / please sign in");
  else if (r->access == SRV_ADMIN && rq->user.role != TIDU_ROLE_ADMIN)
    status = srv_error(rs, 403, "forbidden", NULL, "需要管理员权限 / admins only");
  else if (!is_safe_method(rq->method) && rq->authed && !rq->by_token &&
           (!srv_header(rq, "X-CSRF-Token") ||
            !tidu_secret_equal(srv_header(rq, "X-CSRF-Token"), rq->csrf)))
    status = srv_error(rs, 403, "csrf", "X-CSRF-Token",
                       "缺少或错误的 CSRF 令牌 / missing or wrong CSRF token");
  else if (rq->s->opt.db_read && reads_replica(r)) {
    rq->primary = rq->store;
    rq->store = srv_read_store_get(rq->s, &err);
    status = rq->store ? r->handler(rq, rs) : srv_lib_error(rs, &err);
    srv_read_store_put(rq->s, rq->store);
    rq->store = rq->primary;
    rq->primary = NULL;
  } else {
    status = r->handler(rq, rs);
  }
  srv_store_put(rq->s, rq->store);
  rq->store = NULL;
  return status;
}

/* The first of "zh" and "en" an Accept-Language header names ("fr, en;q=0.8" -> "en"), or NULL.
 * Weights are not compared: browsers list languages in the order of preference. */
static const char *accepted_lang(const char *al) {
  for (const char *p = al; *p;) {
    while (*p == ' ' || *p == ',') p++;
    if (!strncasecmp(p, "zh", 2)) return "zh";
    if (!strncasecmp(p, "en", 2)) return "en";
    p += strcspn(p, ",");
  }
  return NULL;
}

int srv_dispatch(srv_req *rq, srv_resp *rs) {
  const char *lang = srv_query(rq, "lang");
  const char *al = srv_header(rq, "Accept-Language");
  const char *asked = lang && (!strcmp(lang, "en") || !strcmp(lang, "zh")) ? lang : NULL;
  if (!asked && !lang && al) asked = accepted_lang(al);
  rq->lang = asked ? asked : "zh";
  srv_reply_lang(asked); /* errors in the language asked for; both when none was */
  if (strncmp(rq->path, "/api/", 5)) return route_static(rq, rs);
  char buf[512];
  int path_matched = 0;
  for (const srv_route *r = srv_routes; r->method; r++) {
    const char *params[SRV_MAX_PARAMS] = {NULL, NULL};
    if (!match(r->pattern, rq->path, params, buf, sizeof buf)) continue;
    path_matched = 1;
    if (strcmp(r->method, rq->method) &&
        !(strcmp(rq->method, "HEAD") == 0 && strcmp(r->method, "GET") == 0))
      continue;
    memcpy(rq->params, params, sizeof params);
    return call_route(r, rq, rs);
  }
  if (path_matched)
    return srv_error(rs, 405, "method_not_allowed", NULL, "不支持的方法 / method not allowed");
  return srv_error(rs, 404, "not_found", NULL, "没有这个接口 / no such API route");
}
