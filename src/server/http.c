/* The HTTP side of `tidu serve`: libmicrohttpd daemon, request bodies, replies, graceful stop. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "server_int.h"
#include "tidu/toolkit.h"

/* ---- the registry connection pool ---- */

/* The registry, created or upgraded when needed; named "tidu serve" (PostgreSQL: its
 * application_name). */
static tidu_code open_primary(const char *path, tidu_store **out, tidu_error *err) {
  tidu_store_options o = {.flags = TIDU_STORE_CREATE, .label = "tidu serve"};
  return tidu_store_open_with(path, &o, out, err);
}

tidu_store *srv_store_get(srv *s, tidu_error *err) {
  tidu_store *st = NULL;
  pthread_mutex_lock(&s->pool_lock);
  if (s->npool) st = s->pool[--s->npool];
  pthread_mutex_unlock(&s->pool_lock);
  if (st) return st;
  return open_primary(s->opt.db_path, &st, err) == TIDU_OK ? st : NULL;
}

static tidu_code open_read(const char *path, tidu_store **out, tidu_error *err) {
  tidu_store_options o = {.flags = TIDU_STORE_READONLY, .label = "tidu serve"};
  return tidu_store_open_with(path, &o, out, err);
}

static tidu_code srv_read_store_get_checked(srv *s, tidu_store **out, tidu_error *err) {
  return open_read(s->opt.db_read, out, err);
}

tidu_store *srv_read_store_get(srv *s, tidu_error *err) {
  tidu_store *st = NULL;
  pthread_mutex_lock(&s->pool_lock);
  if (s->nrpool) st = s->rpool[--s->nrpool];
  pthread_mutex_unlock(&s->pool_lock);
  if (st) return st;
  return open_read(s->opt.db_read, &st, err) == TIDU_OK ? st : NULL;
}

void srv_read_store_put(srv *s, tidu_store *st) {
  if (!st) return;
  tidu_store_rollback(st);
  pthread_mutex_lock(&s->pool_lock);
  if (s->nrpool < SRV_POOL_MAX) {
    s->rpool[s->nrpool++] = st;
    st = NULL;
  }
  pthread_mutex_unlock(&s->pool_lock);
  tidu_store_close(st);
}

const char *srv_read_path(const srv *s) {
  return s->opt.db_read ? s->opt.db_read : s->opt.db_path;
}

void srv_store_put(srv *s, tidu_store *st) {
  if (!st) return;
  tidu_store_rollback(st);
  pthread_mutex_lock(&s->pool_lock);
  if (s->npool < SRV_POOL_MAX) {
    s->pool[s->npool++] = st;
    st = NULL;
  }
  pthread_mutex_unlock(&s->pool_lock);
  tidu_store_close(st);
}

void srv_log(const srv *s, const char *fmt, ...) {
  if (!s->opt.log) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  s->opt.log(s->opt.log_ud, line);
}

/* ---- one connection's request ---- */

typedef struct conn_ctx {
  srv_req rq;
  size_t cap;
  size_t limit;
  int too_big;
  struct timespec started;
} conn_ctx;

static int is_upload(const char *url) {
  return !strcmp(url, "/api/import");
}

static void client_addr(struct MHD_Connection *c, char *buf, size_t size) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(buf, size, "?");
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
              (socklen_t)size);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
              (socklen_t)size);
}

static double ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Security headers on every reply; the API's replies are never cached. */
static void common_headers(struct MHD_Response *r, const char *url) {
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
                          "data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action "
                          "'self'");
  if (!strncmp(url, "/api/", 5)) MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_reply(conn_ctx *cx, srv_resp *rs) {
  struct MHD_Response *r;
  if (rs->static_body)
    r = MHD_create_response_from_buffer(rs->len, (void *)rs->static_body, MHD_RESPMEM_PERSISTENT);
  else
    r = MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : "",
                                        rs->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  if (!r) {
    free(rs->body);
    return MHD_NO;
  }
  rs->body = NULL;
  MHD_add_response_header(r, "Content-Type", rs->ctype ? rs->ctype : "application/json");
  common_headers(r, cx->rq.path);
  for (int i = 0; i < rs->nheaders; i++) {
    char *colon = strchr(rs->headers[i], ':');
    if (!colon) continue;
    *colon = 0;
    MHD_add_response_header(r, rs->headers[i], colon + 2);
  }
  enum MHD_Result ok = MHD_queue_response(cx->rq.conn, (unsigned)rs->status, r);
  MHD_destroy_response(r);
  srv_log(cx->rq.s, "%s %s %s %d %.1fms", cx->rq.addr, cx->rq.method, cx->rq.path, rs->status,
          ms_since(&cx->started));
  return ok;
}

static enum MHD_Result too_large(conn_ctx *cx) {
  srv_resp rs = {0};
  srv_error(&rs, 413, "too_large", "body",
            "请求体超过上限 %zu 字节 / request body over the limit of %zu bytes", cx->limit,
            cx->limit);
  srv_add_header(&rs, "Connection: close");
  return send_reply(cx, &rs);
}

/* Appends upload data, or marks the request too big (the rest is read and dropped). */
static void take_body(conn_ctx *cx, const char *data, size_t n) {
  if (cx->too_big) return;
  if (cx->rq.len + n > cx->limit) {
    cx->too_big = 1;
    free(cx->rq.body);
    cx->rq.body = NULL;
    cx->rq.len = 0;
    return;
  }
  if (TIDU_RESERVE(cx->rq.body, cx->cap, cx->rq.len + n + 1) != 0) {
    cx->too_big = 1;
    return;
  }
  memcpy(cx->rq.body + cx->rq.len, data, n);
  cx->rq.len += n;
  cx->rq.body[cx->rq.len] = 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls) {
  (void)version;
  srv *s = cls;
  conn_ctx *cx = *con_cls;
  if (!cx) { /* first call: headers only. Answering now would lose keep-alive. */
    cx = tidu_calloc(1, sizeof *cx);
    if (!cx) return MHD_NO;
    *con_cls = cx;
    clock_gettime(CLOCK_MONOTONIC, &cx->started);
    cx->rq.s = s;
    cx->rq.conn = c;
    cx->rq.method = method;
    cx->rq.path = url;
    client_addr(c, cx->rq.addr, sizeof cx->rq.addr);
    cx->limit = is_upload(url) ? s->opt.max_upload : s->opt.max_body;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > cx->limit) {
      cx->too_big = 1;
      return too_large(cx);
    }
    return MHD_YES;
  }
  if (*upload_size) {
    take_body(cx, upload_data, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (cx->too_big) return too_large(cx);
  srv_resp rs = {0};
  srv_dispatch(&cx->rq, &rs);
  /* after a write has committed, kept lists are stale (reads and assessments write nothing) */
  if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(url, "/api/assess") &&
      strcmp(url, "/api/simulate"))
    srv_snapcache_bump(s->snaps);
  return send_reply(cx, &rs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  conn_ctx *cx = *con_cls;
  if (!cx) return;
  free(cx->rq.body);
  free(cx);
  *con_cls = NULL;
}

/* ---- the daemon ---- */

static tidu_code parse_listen(const char *listen, struct sockaddr_in *sa, tidu_error *err) {
  char host[64];
  const char *colon = strrchr(listen, ':');
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  char *end = NULL;
  long port = colon ? strtol(colon + 1, &end, 10) : -1;
  size_t hlen = colon ? (size_t)(colon - listen) : 0;
  if (!colon || !end || *end || port < 0 || port > 65535 || hlen == 0 || hlen >= sizeof host)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "监听地址应为 主机:端口 / --listen wants HOST:PORT, got '%s'", listen);
  memcpy(host, listen, hlen);
  host[hlen] = 0;
  if (!strcmp(host, "localhost")) snprintf(host, sizeof host, "127.0.0.1");
  if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "监听地址须为 IPv4 地址 / --listen wants an IPv4 address, got '%s'",
                          host);
  sa->sin_port = htons((uint16_t)port);
  return TIDU_OK;
}

static void defaults(tidu_server_options *o) {
  if (o->threads <= 0) o->threads = 4;
  if (!o->max_body) o->max_body = 1u << 20;
  if (!o->max_upload) o->max_upload = 64u << 20;
  if (!o->assess_per_minute) o->assess_per_minute = 60;
  if (!o->login_per_minute) o->login_per_minute = 10;
  if (o->timeout_seconds <= 0) o->timeout_seconds = 15;
}

static void srv_free(srv *s) {
  for (size_t i = 0; i < s->npool; i++) tidu_store_close(s->pool[i]);
  s->npool = 0;
  for (size_t i = 0; i < s->nrpool; i++) tidu_store_close(s->rpool[i]);
  s->nrpool = 0;
  tidu_rulebook_free(s->book);
  srv_limiter_free(s->assess_limit);
  srv_limiter_free(s->login_limit);
  srv_snapcache_free(s->snaps);
  pthread_mutex_destroy(&s->pool_lock);
}

/* Opens the registry once up front (creating and migrating it) and compiles the rules. */
static tidu_code srv_init(srv *s, tidu_error *err) {
  pthread_mutex_init(&s->pool_lock, NULL);
  tidu_store *st = NULL;
  tidu_code rc = open_primary(s->opt.db_path, &st, err);
  if (rc != TIDU_OK) return rc;
  if (s->opt.db_read) { /* the replica must answer from the start, not at the first list */
    tidu_store *r = NULL;
    rc = srv_read_store_get_checked(s, &r, err);
    if (rc != TIDU_OK) {
      tidu_store_close(st);
      return rc;
    }
    srv_read_store_put(s, r);
  }
  char pw[17];
  int created = 0;
  rc = tidu_account_ensure_admin(st, pw, &created, err);
  if (rc == TIDU_OK && created && s->opt.admin_created) s->opt.admin_created(s->opt.log_ud, pw);
  srv_store_put(s, st);
  if (rc != TIDU_OK) return rc;
  s->book = tidu_rulebook_new();
  if (!s->book) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  rc = tidu_rulebook_add_builtin(s->book, &errs);
  if (rc != TIDU_OK && errs.n) *err = errs.items[0];
  tidu_errlist_free(&errs);
  if (rc != TIDU_OK) return rc;
  int per = s->opt.assess_per_minute;
  s->assess_limit = srv_limiter_new(per < 0 ? 0 : per, 60);
  s->login_limit = srv_limiter_new(s->opt.login_per_minute, 60);
  s->snaps = srv_snapcache_new();
  if (!s->assess_limit || !s->login_limit || !s->snaps)
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  return TIDU_OK;
}

tidu_code tidu_server_run(const tidu_server_options *opt, volatile sig_atomic_t *stop,
                          tidu_error *err) {
  srv s;
  memset(&s, 0, sizeof s);
  s.opt = *opt;
  defaults(&s.opt);
  struct sockaddr_in sa;
  tidu_code rc = parse_listen(s.opt.listen ? s.opt.listen : "127.0.0.1:8080", &sa, err);
  if (rc == TIDU_OK) rc = srv_init(&s, err);
  if (rc != TIDU_OK) {
    srv_free(&s);
    return rc;
  }
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request,
      &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
      (unsigned)s.opt.threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s.opt.timeout_seconds,
      MHD_OPTION_CONNECTION_LIMIT, 2000u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
      MHD_OPTION_END);
  if (!d) {
    srv_free(&s);
    return tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0,
                          "无法监听 %s / cannot listen on %s (address in use?)", s.opt.listen,
                          s.opt.listen);
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  int port = di ? (int)di->port : ntohs(sa.sin_port);
  if (s.opt.ready) s.opt.ready(s.opt.log_ud, port);
  struct timespec tick = {0, 50 * 1000 * 1000};
  while (!*stop) nanosleep(&tick, NULL);
  srv_log(&s, "正在停止 / stopping");
  MHD_quiesce_daemon(d);
  MHD_stop_daemon(d); /* joins the workers: requests in flight finish first */
  srv_free(&s);
  return TIDU_OK;
}
