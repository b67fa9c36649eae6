/* Programme routes: reserve pool and its reviews, layers, ladder, transitions, key firms,
 * progress, institutions, financing, activities, targets, events (over tidu/programme.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server_int.h"
#include "tidu/num.h"
#include "tidu/programme.h"

/* ---- shared pieces ---- */

static json_t *str(const char *s) {
  return s ? json_string(s) : json_null();
}

/* Programme data is for admins and officials (officials within their region). */
static int programme_user(srv_req *rq, srv_resp *rs) {
  if (rq->user.role == TIDU_ROLE_ADMIN || rq->user.role == TIDU_ROLE_OFFICIAL) return 1;
  srv_error(rs, 403, "forbidden", NULL, "仅限管理员和主管部门 / admins and officials only");
  return 0;
}

static int in_scope(const srv_req *rq, const char *region) {
  if (rq->user.role != TIDU_ROLE_OFFICIAL) return 1;
  return region && !strncmp(region, rq->user.scope, strlen(rq->user.scope));
}

/* ?year=N, default last year. -1 after replying 400. */
static int32_t year_param(srv_req *rq, srv_resp *rs) {
  const char *y = srv_query(rq, "year");
  if (!y) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900 - 1;
  }
  long v = strtol(y, NULL, 10);
  if (v < 1990 || v > 2999) {
    srv_error(rs, 400, "bad_request", "year", "年度应为 1990–2999 / year out of range");
    return -1;
  }
  return (int32_t)v;
}

/* The programme's rules in force at the end of June after `year` (as the CLI does). */
static tidu_programme *open_programme(srv_req *rq, srv_resp *rs, int32_t year) {
  tidu_programme_options o = {0};
  o.as_of = tidu_days_from_civil(year + 1, 6, 30);
  if (rq->user.role == TIDU_ROLE_OFFICIAL) o.scope = rq->user.scope;
  tidu_programme *p = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_programme_open(&o, &p, &err) != TIDU_OK) {
    srv_lib_error(rs, &err);
    return NULL;
  }
  return p;
}

static void actor(srv_req *rq, tidu_actor *a, char *src, size_t size) {
  snprintf(src, size, "api: %s %s", rq->method, rq->path);
  a->who = rq->user.name;
  a->source = src;
}

/* Replies to a write: 200 {ok}, or the error with 422 for refused data. */
static int write_reply(srv_resp *rs, tidu_code rc, const tidu_error *err) {
  if (rc == TIDU_OK) return srv_json(rs, 200, json_pack("{s:b}", "ok", 1));
  return srv_lib_error(rs, err);
}

/* Loads a firm's region and checks the official may act on it (403 otherwise). */
static int firm_in_scope(srv_req *rq, srv_resp *rs, const char *uscc) {
  if (rq->user.role != TIDU_ROLE_OFFICIAL) return 1;
  tidu_firm f;
  tidu_firm_init(&f);
  int ok = tidu_store_get(rq->store, uscc, &f, NULL, NULL) == TIDU_OK &&
           tidu_access_firm(rq->store, &rq->user, f.text[TIDU_F_USCC], f.text[TIDU_F_REGION]);
  tidu_firm_clear(&f);
  if (!ok) srv_error(rs, 403, "forbidden", "uscc", "不在本账户的管辖范围内 / outside your region");
  return ok;
}

/* ---- the pool ---- */

/* GET /api/pool?state=&source=&region=&chain= */
int route_pool_list(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  tidu_pool_filter f;
  tidu_pool_filter_init(&f);
  const char *st = srv_query(rq, "state"), *src = srv_query(rq, "source");
  if (st && (f.state = tidu_pool_state_find(st)) < 0)
    return srv_error(rs, 400, "bad_request", "state",
                     "状态应为 proposed|admitted|rejected|exited / unknown state");
  if (src && (f.source = tidu_pool_source_find(src)) < 0)
    return srv_error(rs, 400, "bad_request", "source", "未知来源 / unknown source");
  char region[64];
  if (!tidu_access_region(&rq->user, srv_query(rq, "region"), region, sizeof region))
    return srv_json(rs, 200, json_pack("{s:[]}", "items"));
  f.region_prefix = region[0] ? region : NULL;
  f.chain = srv_query(rq, "chain");
  tidu_pool_list l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_pool_list_get(rq->store, &f, &l, &err) != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *arr = json_array();
  for (size_t i = 0; i < l.n; i++) {
    const tidu_pool_entry *e = &l.items[i];
    if (!in_scope(rq, e->region)) continue;
    json_array_append_new(
        arr,
        json_pack("{s:s,s:o,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:s}", "uscc", e->uscc, "name",
                  str(e->name), "region", str(e->region), "chains", str(e->chains), "state",
                  tidu_pool_state_name(e->state), "state_zh", tidu_pool_state_zh(e->state),
                  "source", tidu_pool_source_name(e->source), "by", str(e->by), "note",
                  str(e->note), "exit_reason", tidu_exit_reason_name(e->exit_reason), "officer",
                  str(e->officer), "added_at", e->added_at, "changed_at", e->changed_at));
  }
  tidu_pool_list_free(&l);
  return srv_json(rs, 200, json_pack("{s:o}", "items", arr));
}

/* POST /api/pool {"uscc","source","by","note"}: proposes a firm. */
int route_pool_add(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  json_t *body = srv_body_json(rq, rs);
  if (!body) return rs->status;
  const char *uscc = json_string_value(json_object_get(body, "uscc"));
  const char *src_s = json_string_value(json_object_get(body, "source"));
  int src = tidu_pool_source_find(src_s ? src_s : "local");
  int status;
  if (!uscc || src < 0) {
    status = srv_error(rs, 400, "bad_request", uscc ? "source" : "uscc",
                       "需要 uscc 与来源 local|institution|self / uscc and source required");
  } else if (!firm_in_scope(rq, rs, uscc)) {
    status = rs->status;
  } else {
    tidu_actor a;
    char buf[160];
    actor(rq, &a, buf, sizeof buf);
    tidu_error err;
    tidu_error_clear(&err);
    tidu_code rc = tidu_pool_add(rq->store, uscc, (tidu_pool_source)src,
                                 json_string_value(json_object_get(body, "by")),
                                 json_string_value(json_object_get(body, "note")), &a, &err);
    status = write_reply(rs, rc, &err);
  }
  json_decref(body);
  return status;
}

/* POST /api/pool/{uscc}/{action} {"why","reason"}: admit, reject or exit. */
int route_pool_decide(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  const char *uscc = rq->params[0], *action = rq->params[1];
  if (!firm_in_scope(rq, rs, uscc)) return rs->status;
  json_t *body = rq->len ? srv_body_json(rq, rs) : json_object();
  if (!body) return rs->status;
  const char *why = json_string_value(json_object_get(body, "why"));
  const char *reason = json_string_value(json_object_get(body, "reason"));
  tidu_actor a;
  char buf[160];
  actor(rq, &a, buf, sizeof buf);
  tidu_error err;
  tidu_error_clear(&err);
  int status;
  if (!strcmp(action, "admit")) {
    status = write_reply(rs, tidu_pool_admit(rq->store, uscc, why, &a, &err), &err);
  } else if (!strcmp(action, "reject")) {
    status = write_reply(rs, tidu_pool_reject(rq->store, uscc, why, &a, &err), &err);
  } else if (!strcmp(action, "exit")) {
    int r = tidu_exit_reason_find(reason ? reason : "");
    status =
        r <= 0 ? srv_error(rs, 400, "bad_request", "reason", "未知出库原因 / unknown reason")
               : write_reply(
                     rs, tidu_pool_exit(rq->store, uscc, (tidu_exit_reason)r, why, &a, &err), &err);
  } else {
    status = srv_error(rs, 404, "not_found", "action",
                       "操作应为 admit|reject|exit / action must be admit, reject or exit");
  }
  json_decref(body);
  return status;
}

static json_t *review_json(const srv_req *rq, const tidu_review *r) {
  json_t *items = json_array();
  for (size_t i = 0; i < r->n; i++) {
    const tidu_review_item *it = &r->items[i];
    json_array_append_new(items, json_pack("{s:s,s:o,s:s,s:s,s:o}", "uscc", it->uscc, "name",
                                           str(it->name), "proposal", it->enter ? "enter" : "exit",
                                           "reason", tidu_exit_reason_name(it->reason), "why",
                                           str(it->why)));
  }
  (void)rq;
  return json_pack("{s:o,s:I,s:I,s:I,s:I}", "items", items, "entries", (json_int_t)r->entries,
                   "exits", (json_int_t)r->exits, "applied", (json_int_t)r->applied, "firms",
                   (json_int_t)r->firms);
}

/* GET /api/pool/review?year= (proposals only) and POST /api/pool/review?year= (recorded:
 * entries become proposals to admit or reject, exits are recorded). */
int route_pool_review(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  int32_t year = year_param(rq, rs);
  if (year < 0) return rs->status;
  tidu_programme *p = open_programme(rq, rs, year);
  if (!p) return rs->status;
  int apply = !strcmp(rq->method, "POST");
  tidu_actor a;
  char buf[160];
  actor(rq, &a, buf, sizeof buf);
  tidu_review r = {0};
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_pool_review(p, rq->store, year, apply, &a, &r, &err);
  tidu_programme_close(p);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *out = review_json(rq, &r);
  tidu_review_free(&r);
  return srv_json(rs, 200, out);
}

/* GET /api/pool/layers?year=: admitted pool firms by board (the pyramid). */
int route_pool_layers(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  int32_t year = year_param(rq, rs);
  if (year < 0) return rs->status;
  tidu_programme *p = open_programme(rq, rs, year);
  if (!p) return rs->status;
  tidu_layers l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_pool_layers(p, rq->store, year, &l, &err);
  tidu_programme_close(p);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *items = json_array(), *counts = json_object();
  for (size_t i = 0; i < l.n; i++) {
    const tidu_layer_item *it = &l.items[i];
    if (!in_scope(rq, it->region)) continue;
    json_t *c = json_object_get(counts, it->board);
    json_object_set_new(counts, it->board, json_integer(c ? json_integer_value(c) + 1 : 1));
    json_array_append_new(items,
                          json_pack("{s:s,s:o,s:o,s:o,s:s,s:b,s:f,s:o}", "uscc", it->uscc, "name",
                                    str(it->name), "region", str(it->region), "chains",
                                    str(it->chains), "board", it->board, "qualifies", it->qualifies,
                                    "distance", it->distance, "why", str(it->why)));
  }
  json_t *order = json_array();
  for (size_t i = 0; i < l.nboards; i++) json_array_append_new(order, json_string(l.boards[i]));
  tidu_layers_free(&l);
  return srv_json(rs, 200,
                  json_pack("{s:i,s:o,s:o,s:o}", "year", (int)year, "boards", order, "counts",
                            counts, "items", items));
}

/* ---- the ladder ---- */

/* GET /api/ladder?year=&by=region|chain: firms per rung, and per group. */
int route_ladder(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  int32_t year = year_param(rq, rs);
  if (year < 0) return rs->status;
  const char *by_s = srv_query(rq, "by");
  tidu_ladder_by by = !by_s                     ? TIDU_BY_NONE
                      : !strcmp(by_s, "region") ? TIDU_BY_REGION
                      : !strcmp(by_s, "chain")  ? TIDU_BY_CHAIN
                                                : (tidu_ladder_by)-1;
  if ((int)by < 0) return srv_error(rs, 400, "bad_request", "by", "by 应为 region|chain");
  tidu_programme *p = open_programme(rq, rs, year);
  if (!p) return rs->status;
  tidu_ladder l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_ladder_compute(p, rq->store, year, by, 0, NULL, &l, &err);
  tidu_programme_close(p);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  size_t counts[TIDU_NRUNGS] = {0};
  for (size_t i = 0; i < l.n; i++)
    if (in_scope(rq, l.firms[i].region) && l.firms[i].rung < TIDU_NRUNGS) counts[l.firms[i].rung]++;
  json_t *rungs = json_array(), *groups = json_array();
  for (int r = 0; r < TIDU_NRUNGS; r++)
    json_array_append_new(rungs, json_pack("{s:s,s:s,s:I}", "rung", tidu_rung_name(r), "zh",
                                           tidu_rung_zh(r), "firms", (json_int_t)counts[r]));
  for (size_t g = 0; g < l.ngroups; g++) {
    if (by == TIDU_BY_REGION && !in_scope(rq, l.groups[g].key)) continue;
    json_t *c = json_array();
    for (int r = 0; r < TIDU_NRUNGS; r++)
      json_array_append_new(c, json_integer((json_int_t)l.groups[g].counts[r]));
    json_array_append_new(groups, json_pack("{s:s,s:o}", "key", l.groups[g].key, "counts", c));
  }
  tidu_ladder_free(&l);
  return srv_json(rs, 200,
                  json_pack("{s:i,s:o,s:o}", "year", (int)year, "rungs", rungs, "groups", groups));
}

/* GET /api/transitions?year=: moves between rungs against the year before, rewards. */
int route_transitions(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  int32_t year = year_param(rq, rs);
  if (year < 0) return rs->status;
  tidu_programme *p = open_programme(rq, rs, year);
  if (!p) return rs->status;
  tidu_transitions t = {0};
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_transitions_compute(p, rq->store, year, &t, &err);
  tidu_programme_close(p);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *items = json_array(), *moves = json_object();
  for (int m = 0; m < TIDU_NMOVES; m++)
    json_object_set_new(moves, tidu_move_name(m), json_integer((json_int_t)t.moves[m]));
  for (size_t i = 0; i < t.n && json_array_size(items) < 500; i++) {
    const tidu_transition *x = &t.items[i];
    if (rq->user.role == TIDU_ROLE_OFFICIAL && !firm_in_scope(rq, rs, x->uscc)) {
      free(rs->body);
      memset(rs, 0, sizeof *rs);
      continue;
    }
    json_array_append_new(
        items, json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:f}", "uscc", x->uscc, "name",
                         str(x->name), "from", tidu_rung_name(x->from), "to", tidu_rung_name(x->to),
                         "move", tidu_move_name(x->move), "move_zh", tidu_move_zh(x->move),
                         "gained", str(x->gained), "lost", str(x->lost), "reward", x->reward,
                         "reward_yuan", (double)x->reward_fen / 100.0));
  }
  json_t *rungs = json_array();
  for (int r = 0; r < TIDU_NRUNGS; r++)
    json_array_append_new(rungs,
                          json_pack("{s:s,s:s}", "rung", tidu_rung_name(r), "zh", tidu_rung_zh(r)));
  json_t *out = json_pack("{s:i,s:o,s:o,s:I,s:f,s:o}", "year", (int)year, "moves", moves, "items",
                          items, "rewards", (json_int_t)t.rewards, "reward_total_yuan",
                          (double)t.reward_total_fen / 100.0, "rungs", rungs);
  tidu_transitions_free(&t);
  return srv_json(rs, 200, out);
}

/* GET /api/shortlist?year=&count=&per_chain=&per_region=: key-firm candidates (not recorded). */
int route_shortlist(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  int32_t year = year_param(rq, rs);
  if (year < 0) return rs->status;
  const char *c = srv_query(rq, "count");
  tidu_shortlist_options o = {.year = year, .count = c ? atoi(c) : 20};
  if (o.count < 1 || o.count > 1000)
    return srv_error(rs, 400, "bad_request", "count", "count 应为 1–1000");
  if (srv_query(rq, "per_chain")) o.per_chain = atoi(srv_query(rq, "per_chain"));
  if (srv_query(rq, "per_region")) o.per_region = atoi(srv_query(rq, "per_region"));
  tidu_programme *p = open_programme(rq, rs, year);
  if (!p) return rs->status;
  tidu_shortlist l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_pool_shortlist(p, rq->store, &o, NULL, &l, &err);
  tidu_programme_close(p);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *items = json_array();
  for (size_t i = 0; i < l.n; i++) {
    const tidu_key_firm *k = &l.items[i];
    if (!in_scope(rq, k->region)) continue;
    json_array_append_new(items,
                          json_pack("{s:i,s:s,s:o,s:o,s:o,s:f,s:o,s:o}", "rank", k->rank, "uscc",
                                    k->uscc, "name", str(k->name), "region", str(k->region),
                                    "chains", str(k->chains), "score", k->score, "reasons",
                                    str(k->reasons), "officer", str(k->officer)));
  }
  tidu_shortlist_free(&l);
  return srv_json(rs, 200, json_pack("{s:i,s:o}", "year", (int)year, "items", items));
}

/* GET /api/firms/{uscc}/progress: the firm's listing stages. */
int route_progress(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs) || !firm_in_scope(rq, rs, rq->params[0])) return rs->status;
  tidu_progress_list l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_progress_list_get(rq->store, rq->params[0], &l, &err) != TIDU_OK)
    return srv_lib_error(rs, &err);
  json_t *items = json_array();
  for (size_t i = 0; i < l.n; i++)
    json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:b,s:o}", "stage",
                                           tidu_stage_name(l.items[i].stage), "zh",
                                           tidu_stage_zh(l.items[i].stage), "board",
                                           l.items[i].board, "date", l.items[i].date, "forced",
                                           l.items[i].forced, "reason", str(l.items[i].reason)));
  tidu_progress_list_free(&l);
  return srv_json(rs, 200, json_pack("{s:s,s:o}", "uscc", rq->params[0], "items", items));
}

/* ---- institutions, financing, activities, targets, events ---- */

/* GET /api/institutions */
int route_institutions(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  tidu_inst_list l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_inst_list_get(rq->store, &l, &err) != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *items = json_array();
  for (size_t i = 0; i < l.n; i++) {
    const tidu_inst *in = &l.items[i];
    json_array_append_new(
        items,
        json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "id", (json_int_t)in->id, "name",
                  str(in->name), "type", str(in->type), "type_zh",
                  str(tidu_inst_type_zh(in->type ? in->type : "")), "region", str(in->region),
                  "industries", str(in->industries), "boards", str(in->boards), "status",
                  str(in->status), "assignments", (json_int_t)in->assignments));
  }
  tidu_inst_list_free(&l);
  return srv_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/financing?uscc=: financing needs and their status. */
int route_financing(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  const char *uscc = srv_query(rq, "uscc");
  if (uscc && !firm_in_scope(rq, rs, uscc)) return rs->status;
  tidu_finance_list l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_finance_list_get(rq->store, uscc, &l, &err) != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *items = json_array();
  for (size_t i = 0; i < l.n; i++) {
    const tidu_finance *f = &l.items[i];
    if (rq->user.role == TIDU_ROLE_OFFICIAL && !firm_in_scope(rq, rs, f->uscc)) {
      free(rs->body);
      memset(rs, 0, sizeof *rs);
      continue;
    }
    json_array_append_new(items, json_pack("{s:I,s:s,s:o,s:f,s:o,s:o,s:o}", "id", (json_int_t)f->id,
                                           "uscc", f->uscc, "name", str(f->name), "amount_yuan",
                                           (double)f->amount_fen / 100.0, "round", str(f->round),
                                           "purpose", str(f->purpose), "status", str(f->status)));
  }
  tidu_finance_list_free(&l);
  return srv_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/activities?kind=&month=YYYY-MM: roadshows, trainings, ... with outcomes. */
int route_activities(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  tidu_activity_list l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_activity_list_get(rq->store, srv_query(rq, "kind"), srv_query(rq, "month"), &l, &err) !=
      TIDU_OK)
    return srv_lib_error(rs, &err);
  json_t *items = json_array();
  for (size_t i = 0; i < l.n; i++) {
    const tidu_activity *a = &l.items[i];
    json_array_append_new(
        items, json_pack("{s:I,s:o,s:o,s:s,s:o,s:I,s:I,s:f}", "id", (json_int_t)a->id, "kind",
                         str(a->kind), "title", str(a->title), "date", a->date, "chain",
                         str(a->chain), "firms", (json_int_t)a->firms, "interested",
                         (json_int_t)a->interested, "closed_yuan", (double)a->closed_fen / 100.0));
  }
  tidu_activity_list_free(&l);
  return srv_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/targets?year=: each target with its measured figure. */
int route_targets(srv_req *rq, srv_resp *rs) {
  if (!programme_user(rq, rs)) return rs->status;
  int32_t year = year_param(rq, rs);
  if (year < 0) return rs->status;
  tidu_programme *p = open_programme(rq, rs, year);
  if (!p) return rs->status;
  tidu_target_list l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_targets_measure(p, rq->store, year, &l, &err);
  tidu_programme_close(p);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *items = json_array();
  for (size_t i = 0; i < l.n; i++) {
    const tidu_target *t = &l.items[i];
    if (!in_scope(rq, t->region) &&
        !(t->region && !strncmp(rq->user.scope, t->region, strlen(t->region))))
      continue;
    json_array_append_new(
        items, json_pack("{s:I,s:o,s:o,s:o,s:o,s:I,s:s,s:I}", "id", (json_int_t)t->id, "label",
                         str(t->label), "region", str(t->region), "metric", str(t->metric), "title",
                         str(t->title), "target", (json_int_t)t->target, "deadline", t->deadline,
                         "actual", (json_int_t)t->actual));
  }
  tidu_target_list_free(&l);
  return srv_json(rs, 200, json_pack("{s:i,s:o}", "year", (int)year, "items", items));
}

/* GET /api/events?uscc=&action=&limit=: the audit trail (admins; officials for a firm in their
 * region). */
int route_events(srv_req *rq, srv_resp *rs) {
  const char *uscc = srv_query(rq, "uscc");
  if (rq->user.role != TIDU_ROLE_ADMIN && !(uscc && rq->user.role == TIDU_ROLE_OFFICIAL))
    return srv_error(rs, 403, "forbidden", NULL,
                     "仅限管理员;主管部门可查看本地区企业的事件 / admins only; officials may read "
                     "the events of a firm in their region");
  if (uscc && !firm_in_scope(rq, rs, uscc)) return rs->status;
  const char *lim = srv_query(rq, "limit");
  tidu_event_filter f = {uscc, srv_query(rq, "action"), srv_query(rq, "since"),
                         lim ? (size_t)strtoul(lim, NULL, 10) : 0};
  tidu_event_list l = {0};
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_events_list(rq->store, &f, &l, &err) != TIDU_OK) return srv_lib_error(rs, &err);
  json_t *items = json_array();
  size_t from = f.limit && l.n > f.limit ? l.n - f.limit : 0;
  for (size_t i = from; i < l.n; i++) {
    const tidu_event *e = &l.items[i];
    json_array_append_new(items,
                          json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)e->id,
                                    "at", str(e->at), "who", str(e->who), "action", str(e->action),
                                    "uscc", str(e->uscc), "what", str(e->what), "why", str(e->why),
                                    "source", str(e->source)));
  }
  tidu_event_list_free(&l);
  return srv_json(rs, 200, json_pack("{s:o}", "items", items));
}
