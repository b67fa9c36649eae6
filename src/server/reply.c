/* Small shared pieces of the server: query and header access, JSON replies, errors, limits. */
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server_int.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"

const char *srv_query(const srv_req *rq, const char *name) {
  return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *srv_header(const srv_req *rq, const char *name) {
  return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* ---- replies ---- */

int srv_json(srv_resp *rs, int status, json_t *v) {
  rs->status = status;
  rs->ctype = "application/json; charset=utf-8";
  rs->body = v ? json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
  rs->len = rs->body ? strlen(rs->body) : 0;
  json_decref(v);
  if (!rs->body) {
    rs->status = 500;
    rs->body = tidu_strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
    rs->len = rs->body ? strlen(rs->body) : 0;
  }
  return rs->status;
}

/* The language error messages are answered in: "zh", "en", or NULL for both ("中文 / English")
 * when the request named none. Set per request by srv_dispatch; the server answers one request
 * at a time in its one thread. */
static const char *reply_lang;

void srv_reply_lang(const char *lang) {
  reply_lang = lang;
}

/* {"error": {"code", "message", "message_zh", "message_en", "field"}}: `message` in the
 * request's language, both forms beside it. */
static json_t *error_object(const char *code, const char *field, const tidu_error *err) {
  json_t *e =
      json_pack("{s:s,s:s,s:s,s:s}", "code", code, "message", tidu_error_text(err, reply_lang),
                "message_zh", tidu_error_text(err, "zh"), "message_en", tidu_error_text(err, "en"));
  json_object_set_new(e, "field", field ? json_string(field) : json_null());
  return json_pack("{s:o}", "error", e);
}

json_t *srv_message_json(const tidu_error *err) {
  return json_pack("{s:s,s:s,s:s}", "message", tidu_error_text(err, reply_lang), "message_zh",
                   tidu_error_text(err, "zh"), "message_en", tidu_error_text(err, "en"));
}

int srv_error(srv_resp *rs, int status, const char *code, const char *field, const char *fmt, ...) {
  tidu_error err;
  tidu_error_clear(&err);
  va_list ap;
  va_start(ap, fmt);
  tidu_error_vmessage(&err, fmt, ap);
  va_end(ap);
  return srv_json(rs, status, error_object(code, field, &err));
}

int srv_lib_error(srv_resp *rs, const tidu_error *err) {
  int status = 500;
  const char *code = "internal";
  switch (err->code) {
  case TIDU_ERR_INPUT:
  case TIDU_ERR_USAGE:
  case TIDU_ERR_RULE:
    status = 400;
    code = "bad_request";
    break;
  case TIDU_ERR_DATA:
    status = 422;
    code = "invalid";
    break;
  case TIDU_ERR_LIMIT:
    status = 413;
    code = "too_large";
    break;
  default:
    break;
  }
  json_t *v = error_object(code, err->column_name[0] ? err->column_name : NULL, err);
  json_t *e = json_object_get(v, "error");
  if (err->line) json_object_set_new(e, "line", json_integer(err->line));
  if (err->col) json_object_set_new(e, "column", json_integer(err->col));
  return srv_json(rs, status, v);
}

int srv_bytes(srv_resp *rs, int status, const char *ctype, char *data, size_t len) {
  rs->status = status;
  rs->ctype = ctype;
  rs->body = data;
  rs->len = len;
  return status;
}

void srv_add_header(srv_resp *rs, const char *fmt, ...) {
  if (rs->nheaders >= 4) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rs->headers[rs->nheaders], sizeof rs->headers[0], fmt, ap);
  va_end(ap);
  rs->nheaders++;
}

json_t *srv_body_json(const srv_req *rq, srv_resp *rs) {
  json_error_t je;
  if (!rq->body || !rq->len) {
    srv_error(rs, 400, "bad_json", "body",
              "请求体为空,需要 JSON 对象 / empty body, a JSON object "
              "is expected");
    return NULL;
  }
  json_t *v = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
  if (!v) {
    tidu_error msg;
    tidu_error_set(&msg, TIDU_ERR_INPUT, NULL, 0, 0,
                   "JSON 格式错误:第 %d 行第 %d 列(第 %d 字节) / malformed JSON at line %d, column "
                   "%d (byte %d): %s",
                   je.line, je.column, je.position, je.line, je.column, je.position, je.text);
    json_t *reply = error_object("bad_json", "body", &msg);
    json_t *e = json_object_get(reply, "error");
    json_object_set_new(e, "line", json_integer(je.line));
    json_object_set_new(e, "column", json_integer(je.column));
    json_object_set_new(e, "position", json_integer(je.position));
    srv_json(rs, 400, reply);
    return NULL;
  }
  if (!json_is_object(v)) {
    json_decref(v);
    srv_error(rs, 400, "bad_json", "body", "需要 JSON 对象 / a JSON object is expected");
    return NULL;
  }
  return v;
}

int64_t srv_as_of(const srv_req *rq, srv_resp *rs) {
  const char *s = srv_query(rq, "as_of");
  if (!s || !*s) return (int64_t)(time(NULL) / 86400);
  int64_t days = 0;
  if (strlen(s) != 10 || tidu_parse_date(s, 10, 0, &days, NULL) != TIDU_OK) {
    srv_error(rs, 400, "bad_request", "as_of",
              "日期应为 YYYY-MM-DD / as_of wants a date YYYY-MM-DD, got '%.32s'", s);
    return -1;
  }
  return days;
}

/* ---- limits per client address ---- */

#define LIMIT_SLOTS 4096

typedef struct slot {
  char addr[64];
  time_t window;
  int count;
} slot;

struct srv_limiter {
  pthread_mutex_t lock;
  int per_window;
  int seconds;
  slot slots[LIMIT_SLOTS];
};

srv_limiter *srv_limiter_new(int per_window, int window_seconds) {
  srv_limiter *l = tidu_calloc(1, sizeof *l);
  if (!l) return NULL;
  pthread_mutex_init(&l->lock, NULL);
  l->per_window = per_window;
  l->seconds = window_seconds;
  return l;
}

void srv_limiter_free(srv_limiter *l) {
  if (!l) return;
  pthread_mutex_destroy(&l->lock);
  free(l);
}

/* The slot of an address for the current window (a colliding address takes the slot over,
 * which can only forgive, never wrongly refuse, a third party). Called with the lock held. */
static slot *find_slot(srv_limiter *l, const char *addr) {
  unsigned h = 2166136261u;
  for (const char *p = addr; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  slot *sl = &l->slots[h % LIMIT_SLOTS];
  time_t window = time(NULL) / l->seconds;
  if (strcmp(sl->addr, addr) || sl->window != window) {
    snprintf(sl->addr, sizeof sl->addr, "%s", addr);
    sl->window = window;
    sl->count = 0;
  }
  return sl;
}

int srv_limit_hit(srv_limiter *l, const char *addr) {
  if (!l || l->per_window <= 0) return 0;
  pthread_mutex_lock(&l->lock);
  slot *sl = find_slot(l, addr);
  int over = sl->count >= l->per_window;
  if (!over) sl->count++;
  pthread_mutex_unlock(&l->lock);
  return over;
}

void srv_limit_count(srv_limiter *l, const char *addr) {
  if (!l || l->per_window <= 0) return;
  pthread_mutex_lock(&l->lock);
  find_slot(l, addr)->count++;
  pthread_mutex_unlock(&l->lock);
}

int srv_limit_blocked(srv_limiter *l, const char *addr) {
  if (!l || l->per_window <= 0) return 0;
  pthread_mutex_lock(&l->lock);
  int blocked = find_slot(l, addr)->count >= l->per_window;
  pthread_mutex_unlock(&l->lock);
  return blocked;
}
