/* Internals shared by the files of src/server: requests, replies, the route table, helpers. */
#ifndef TIDU_SERVER_INT_H
#define TIDU_SERVER_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "tidu/accounts.h"
#include "tidu/rules.h"
#include "tidu/server.h"
#include "tidu/store.h"

struct MHD_Connection;

/* ---- the server ---- */

#define SRV_POOL_MAX 32

typedef struct srv_limiter srv_limiter;
typedef struct srv_snapcache srv_snapcache;

typedef struct srv {
  tidu_server_options opt;
  tidu_rulebook *book; /* built-in rules, compiled once, shared read-only */
  pthread_mutex_t pool_lock;
  tidu_store *pool[SRV_POOL_MAX]; /* idle registry connections */
  size_t npool;
  tidu_store *rpool[SRV_POOL_MAX]; /* idle connections to opt.db_read (when given) */
  size_t nrpool;
  srv_limiter *assess_limit;
  srv_limiter *login_limit;
  srv_snapcache *snaps; /* assessed firm lists (listcache.c) */
} srv;

/* Borrows a registry connection (opening one when none is idle); NULL on error. */
tidu_store *srv_store_get(srv *s, tidu_error *err);
void srv_store_put(srv *s, tidu_store *st);
/* The same for read-only work: a read-only connection to opt.db_read (the replica). Only when
 * opt.db_read is set. */
tidu_store *srv_read_store_get(srv *s, tidu_error *err);
void srv_read_store_put(srv *s, tidu_store *st);
/* The database read-only work reads: opt.db_read, else opt.db_path. */
const char *srv_read_path(const srv *s);

/* Fixed-window counters per client address. srv_limit_hit counts one event and returns 1 when
 * the address is over `per_window` in the current window (the event is refused). */
srv_limiter *srv_limiter_new(int per_window, int window_seconds);
void srv_limiter_free(srv_limiter *l);
int srv_limit_hit(srv_limiter *l, const char *addr);
/* Counts without refusing (failed logins) and tells whether the address is blocked. */
void srv_limit_count(srv_limiter *l, const char *addr);
int srv_limit_blocked(srv_limiter *l, const char *addr);

void srv_log(const srv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- one request and its reply ---- */

#define SRV_MAX_PARAMS 2

typedef struct srv_req {
  srv *s;
  struct MHD_Connection *conn;
  const char *method;
  const char *path;
  const char *params[SRV_MAX_PARAMS]; /* {name} segments of the matched route, in order */
  char *body;
  size_t len;
  char addr[64];
  const char *lang;    /* "zh" or "en" (Accept-Language / ?lang=) */
  tidu_store *store;   /* borrowed for the request, or NULL when the route needs none; for a
                          read-only route with --db-read, the replica */
  tidu_store *primary; /* with --db-read on a read-only route: the primary (sessions, audit) */
  int authed;          /* a user is known */
  int by_token;        /* authenticated by an API token (no CSRF check) */
  tidu_user user;
  char session_id[TIDU_SECRET_LEN + 1];
  char csrf[TIDU_SECRET_LEN + 1];
} srv_req;

typedef struct srv_resp {
  int status;
  char *body; /* malloc'd */
  size_t len;
  const char *ctype;
  const char *static_body; /* instead of body (embedded assets) */
  char headers[4][512];    /* "Name: value" extra headers */
  int nheaders;
} srv_resp;

/* Query argument `name` (NULL when absent). */
const char *srv_query(const srv_req *rq, const char *name);
/* Request header (NULL when absent). */
const char *srv_header(const srv_req *rq, const char *name);

/* Replies: JSON (consumes the reference), an error, raw bytes. Each returns the status. */
int srv_json(srv_resp *rs, int status, json_t *v);
int srv_error(srv_resp *rs, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* An error from the library: its code picks the status (DATA 422, INPUT 400, USAGE 400, ...);
 * positions and column names go into the JSON. */
int srv_lib_error(srv_resp *rs, const tidu_error *err);
/* The language error messages are answered in ("zh", "en"; NULL: both, "中文 / English"). */
void srv_reply_lang(const char *lang);
/* {"message", "message_zh", "message_en"} of a library message, `message` in the reply's
 * language. */
json_t *srv_message_json(const tidu_error *err);
int srv_bytes(srv_resp *rs, int status, const char *ctype, char *data, size_t len);
void srv_add_header(srv_resp *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses the body as a JSON object; on failure replies 400 naming line, column and position
 * and returns NULL. */
json_t *srv_body_json(const srv_req *rq, srv_resp *rs);

/* Today's date in days since 1970-01-01, or ?as_of=YYYY-MM-DD; -1 after replying 400. */
int64_t srv_as_of(const srv_req *rq, srv_resp *rs);

/* ---- snapshots of assessed firm lists (listcache.c) ---- */

enum { SRV_V_NONE = 0, SRV_V_PASS, SRV_V_FAIL, SRV_V_UNKNOWN };

typedef struct srv_snap_row {
  char *json; /* the row as the list shows it (one JSON object) */
  size_t json_len;
  char *name;
  char uscc[32];
  char region[32];
  int has_region;
  int year; /* latest fiscal year on file */
  double revenue;
} srv_snap_row;

typedef struct srv_snap_ruleset {
  char *id, *name;
  int is_board;
} srv_snap_ruleset;

/* The firms a filter selects, assessed on one date, in USCC order: for row i and rule set k,
 * verdict[i * nrs + k] (SRV_V_*) and distance[i * nrs + k]. Read-only once built. */
typedef struct srv_snap {
  char key[768];
  long long stamp[6];
  unsigned long generation, used;
  int refs;
  size_t nrs;
  srv_snap_ruleset *rs;
  size_t n;
  srv_snap_row *rows;
  unsigned char *verdict;
  double *distance;
  size_t bytes;
} srv_snap;

srv_snapcache *srv_snapcache_new(void);
void srv_snapcache_free(srv_snapcache *c);
/* Marks every snapshot stale (called after each write through the server). */
void srv_snapcache_bump(srv_snapcache *c);
/* The assessed firms `flt` selects on `as_of` (the request's store reads them when no current
 * snapshot is kept); give it back with srv_snap_put. */
tidu_code srv_snap_get(srv_req *rq, const tidu_store_filter *flt, int64_t as_of, srv_snap **out,
                       tidu_error *err);
void srv_snap_put(srv *s, srv_snap *sn);
/* Index of rule set `id`, -1 when absent. */
int srv_snap_find(const srv_snap *sn, const char *id);

/* ---- routes ---- */

enum {
  SRV_PUBLIC = 0, /* anyone */
  SRV_USER = 1,   /* a signed-in user or an API token */
  SRV_ADMIN = 2   /* an admin */
};

typedef int (*srv_handler)(srv_req *rq, srv_resp *rs);

typedef struct srv_route {
  const char *method;
  const char *pattern; /* "/api/firms/{uscc}" */
  srv_handler handler;
  int access;
  int needs_store;
  const char *summary;
} srv_route;

extern const srv_route srv_routes[];

/* Dispatches a complete request: static files, then the route table. */
int srv_dispatch(srv_req *rq, srv_resp *rs);

/* ---- handlers (api_*.c, auth.c, static.c) ---- */

int route_static(srv_req *rq, srv_resp *rs);
int route_openapi(srv_req *rq, srv_resp *rs);
int route_health(srv_req *rq, srv_resp *rs);
int route_assess(srv_req *rq, srv_resp *rs);
int route_rules_list(srv_req *rq, srv_resp *rs);
int route_rules_get(srv_req *rq, srv_resp *rs);
int route_simulate(srv_req *rq, srv_resp *rs);
int route_session_get(srv_req *rq, srv_resp *rs);
int route_session_login(srv_req *rq, srv_resp *rs);
int route_session_logout(srv_req *rq, srv_resp *rs);
int route_users_list(srv_req *rq, srv_resp *rs);
int route_users_add(srv_req *rq, srv_resp *rs);
int route_users_edit(srv_req *rq, srv_resp *rs);
int route_users_token(srv_req *rq, srv_resp *rs);
int route_firms_list(srv_req *rq, srv_resp *rs);
int route_firms_stats(srv_req *rq, srv_resp *rs);
int route_firms_get(srv_req *rq, srv_resp *rs);
int route_firms_history(srv_req *rq, srv_resp *rs);
int route_firms_edit(srv_req *rq, srv_resp *rs);
int route_import(srv_req *rq, srv_resp *rs);
int route_export(srv_req *rq, srv_resp *rs);
int route_fields(srv_req *rq, srv_resp *rs);
int route_pool_list(srv_req *rq, srv_resp *rs);
int route_pool_add(srv_req *rq, srv_resp *rs);
int route_pool_review(srv_req *rq, srv_resp *rs);
int route_pool_layers(srv_req *rq, srv_resp *rs);
int route_pool_decide(srv_req *rq, srv_resp *rs);
int route_ladder(srv_req *rq, srv_resp *rs);
int route_transitions(srv_req *rq, srv_resp *rs);
int route_shortlist(srv_req *rq, srv_resp *rs);
int route_progress(srv_req *rq, srv_resp *rs);
int route_institutions(srv_req *rq, srv_resp *rs);
int route_financing(srv_req *rq, srv_resp *rs);
int route_activities(srv_req *rq, srv_resp *rs);
int route_targets(srv_req *rq, srv_resp *rs);
int route_events(srv_req *rq, srv_resp *rs);

/* Resolves the session cookie or bearer token into rq->user. */
void srv_authenticate(srv_req *rq);
/* Records a write as an audit event with the user's name. */
void srv_audit(srv_req *rq, const char *action, const char *uscc, const char *what);

#endif
