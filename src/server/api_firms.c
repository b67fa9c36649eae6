/* Registry routes: the firm list with filters and paging, counts, one firm's file, history, edits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server_int.h"
#include "tidu/assess.h"
#include "tidu/codes.h"
#include "tidu/firmlist.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/regeval.h"
#include "tidu/toolkit.h"

/* ---- scope: what the signed-in user may see ---- */

/* Fills a store filter from the query, narrowed to the user's region. Returns 0 when nothing
 * can be visible (an official asking outside its region). */
static int scoped_filter(srv_req *rq, tidu_store_filter *flt, char *region, size_t size) {
  memset(flt, 0, sizeof *flt);
  int visible = tidu_access_region(&rq->user, srv_query(rq, "region"), region, size);
  flt->region_prefix = region[0] ? region : NULL;
  flt->industry_prefix = srv_query(rq, "industry");
  flt->chain = srv_query(rq, "chain");
  flt->title = srv_query(rq, "title");
  return visible;
}

static int visible_firm(srv_req *rq, const tidu_firm *f) {
  return tidu_access_firm(rq->store, &rq->user, f->text[TIDU_F_USCC], f->text[TIDU_F_REGION]);
}

static json_t *num_or_null(double v) {
  return isnan(v) ? json_null() : json_real(v);
}

/* ---- the list ---- */

static int list_params(srv_req *rq, srv_resp *rs, long *page, long *per_page) {
  const char *p = srv_query(rq, "page"), *pp = srv_query(rq, "per_page");
  *page = p ? strtol(p, NULL, 10) : 1;
  *per_page = pp ? strtol(pp, NULL, 10) : 50;
  if (*page < 1 || *page > 1000000)
    return srv_error(rs, 400, "bad_request", "page", "页码应为正整数 / page must be >= 1");
  if (*per_page < 1 || *per_page > 500)
    return srv_error(rs, 400, "bad_request", "per_page", "每页 1–500 条 / per_page 1-500");
  static const char *const SORTS[] = {"uscc", "name", "region", "revenue", "gap"};
  const char *s = srv_query(rq, "sort");
  int ok = !s;
  for (size_t i = 0; s && i < 5; i++) ok |= !strcmp(s, SORTS[i]);
  if (!ok)
    return srv_error(rs, 400, "bad_request", "sort",
                     "排序应为 uscc|name|region|revenue|gap / sort must be one of "
                     "uscc|name|region|revenue|gap");
  const char *v = srv_query(rq, "verdict");
  if (v && strcmp(v, "pass") && strcmp(v, "fail") && strcmp(v, "unknown"))
    return srv_error(rs, 400, "bad_request", "verdict",
                     "结论应为 pass|fail|unknown / verdict must be pass|fail|unknown");
  return 0;
}

static int visible_row(srv_req *rq, const srv_snap_row *r) {
  return tidu_access_firm(rq->store, &rq->user, r->uscc, r->has_region ? r->region : NULL);
}

/* The assessed snapshot that the request's as_of and filters select (listcache.c), and
 * whether anything can be visible to the user. 0, or nonzero when an error reply was made. */
static int open_snap(srv_req *rq, srv_resp *rs, srv_snap **sn, int *visible) {
  int64_t as_of = srv_as_of(rq, rs);
  if (as_of < 0) return 1;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_store_filter flt;
  char region[64];
  *visible = scoped_filter(rq, &flt, region, sizeof region);
  if (srv_snap_get(rq, &flt, as_of, sn, &err) != TIDU_OK) {
    srv_lib_error(rs, &err);
    return 1;
  }
  return 0;
}

/* GET /api/firms?region=&industry=&chain=&title=&q=&board=&verdict=&sort=&order=&page=&per_page=
 * The assessed list is kept between requests (listcache.c); filtering by name, verdict and what
 * the user may see, sorting and paging are done per request. */
int route_firms_list(srv_req *rq, srv_resp *rs) {
  long page, per_page;
  if (list_params(rq, rs, &page, &per_page)) return rs->status;
  srv_snap *sn = NULL;
  int visible = 0;
  if (open_snap(rq, rs, &sn, &visible)) return rs->status;
  const char *board = srv_query(rq, "board");
  int k = -1;
  if (board && *board && (k = srv_snap_find(sn, board)) < 0) {
    srv_snap_put(rq->s, sn);
    return srv_error(rs, 400, "bad_request", "board", "没有此板块或层级 / no rule set '%.64s'",
                     board);
  }
  /* the filter and order of `tidu firm list` (firmlist.h), with the API's own defaults */
  tidu_list_query lq;
  memset(&lq, 0, sizeof lq);
  lq.board = k >= 0 ? board : NULL;
  lq.verdict = srv_query(rq, "verdict");
  lq.text = srv_query(rq, "q");
  const char *order = srv_query(rq, "order");
  lq.desc = order && !strcmp(order, "desc");
  tidu_list_sort_parse(srv_query(rq, "sort") ? srv_query(rq, "sort") : "uscc", &lq.sort);
  static const char *const verdict_text[] = {NULL, "pass", "fail", "unknown"};
  tidu_list_key *rows = tidu_malloc((sn->n ? sn->n : 1) * sizeof *rows);
  if (!rows) {
    srv_snap_put(rq->s, sn);
    return srv_error(rs, 500, "internal", NULL, "内存不足 / out of memory");
  }
  size_t n = 0;
  for (size_t i = 0; visible && i < sn->n; i++) {
    const srv_snap_row *r = &sn->rows[i];
    unsigned char v = k >= 0 ? sn->verdict[i * sn->nrs + (size_t)k] : SRV_V_NONE;
    tidu_list_key key = {r,
                         r->uscc,
                         r->name,
                         r->region,
                         r->revenue,
                         v <= SRV_V_UNKNOWN ? verdict_text[v] : NULL,
                         k >= 0 ? sn->distance[i * sn->nrs + (size_t)k] : NAN};
    if (!tidu_list_keep(&lq, &key) || !visible_row(rq, r)) continue;
    rows[n++] = key;
  }
  tidu_list_sort_keys(&lq, rows, n);
  tidu_sb out = {0};
  tidu_sb_printf(&out, "{\"total\":%zu,\"page\":%ld,\"per_page\":%ld,\"items\":[", n, page,
                 per_page);
  size_t from = (size_t)(page - 1) * (size_t)per_page;
  for (size_t i = from; i < n && i < from + (size_t)per_page; i++) {
    if (i != from) tidu_sb_putc(&out, ',');
    const srv_snap_row *r = rows[i].item;
    tidu_sb_putn(&out, r->json, r->json_len);
  }
  tidu_sb_puts(&out, "]}");
  free(rows);
  srv_snap_put(rq->s, sn);
  size_t len = out.len;
  char *body = tidu_sb_take(&out);
  if (!body) return srv_error(rs, 500, "internal", NULL, "内存不足 / out of memory");
  return srv_bytes(rs, 200, "application/json; charset=utf-8", body, len);
}

/* ---- counts for the charts ---- */

static void bump(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

/* GET /api/firms/stats?region=...: verdict counts per rule set and firms per city. */
int route_firms_stats(srv_req *rq, srv_resp *rs) {
  srv_snap *sn = NULL;
  int visible = 0;
  if (open_snap(rq, rs, &sn, &visible)) return rs->status;
  static const char *const VERDICT[] = {NULL, "pass", "fail", "unknown"};
  json_t *boards = json_object(), *cities = json_object();
  long long total = 0;
  int latest_year = 0;
  for (size_t i = 0; visible && i < sn->n; i++) {
    const srv_snap_row *r = &sn->rows[i];
    if (!visible_row(rq, r)) continue;
    total++;
    if (r->year > latest_year) latest_year = r->year;
    for (size_t k = 0; k < sn->nrs; k++) {
      unsigned char v = sn->verdict[i * sn->nrs + k];
      if (v == SRV_V_NONE) continue;
      json_t *b = json_object_get(boards, sn->rs[k].id);
      if (!b) {
        b = json_pack("{s:s,s:s,s:i,s:i,s:i}", "name", sn->rs[k].name, "kind",
                      sn->rs[k].is_board ? "board" : "other", "pass", 0, "fail", 0, "unknown", 0);
        json_object_set_new(boards, sn->rs[k].id, b);
      }
      bump(b, VERDICT[v]);
    }
    char city[5] = "?";
    if (strlen(r->region) >= 4) {
      memcpy(city, r->region, 4);
      city[4] = 0;
    }
    bump(cities, city);
  }
  srv_snap_put(rq->s, sn);
  json_t *regions = json_array();
  const char *key;
  json_t *v;
  json_object_foreach(cities, key, v) {
    char code[7];
    snprintf(code, sizeof code, "%s00", key);
    const char *name = tidu_region_name(code);
    json_array_append_new(regions, json_pack("{s:s,s:o,s:O}", "code", key, "name",
                                             name ? json_string(name) : json_null(), "firms", v));
  }
  json_decref(cities);
  return srv_json(rs, 200,
                  json_pack("{s:I,s:i,s:o,s:o}", "total", (json_int_t)total, "latest_year",
                            latest_year, "rulesets", boards, "regions", regions));
}

/* ---- one firm ---- */

/* Loads the firm of the path and checks the user may read it. Replies and returns non-zero
 * otherwise: 404 when there is no such firm, 403 when it is someone else's. */
static int load_firm(srv_req *rq, srv_resp *rs, tidu_firm *f, int *deleted) {
  tidu_error err;
  tidu_error_clear(&err);
  tidu_firm_init(f);
  const char *uscc = rq->params[0];
  if (strlen(uscc) != 18) {
    srv_error(rs, 404, "not_found", "uscc", "没有此企业 / no such firm");
    return 1;
  }
  tidu_code rc = tidu_store_get(rq->store, uscc, f, deleted, &err);
  if (rc == TIDU_ERR_DATA || (rc == TIDU_OK && strcmp(f->text[TIDU_F_USCC], uscc))) {
    srv_error(rs, 404, "not_found", "uscc", "没有此企业 / no such firm");
    return 1;
  }
  if (rc != TIDU_OK) {
    srv_lib_error(rs, &err);
    return 1;
  }
  if (!visible_firm(rq, f)) {
    srv_error(rs, 403, "forbidden", "uscc", "无权查看此企业 / not allowed to see this firm");
    return 1;
  }
  return 0;
}

/* Each year on file assessed as year [0]: per rule set the verdict and the distance of the
 * nearest standard, oldest year first, for the trend charts. */
static json_t *years_assessed(srv_req *rq, const tidu_firm *f, int64_t as_of) {
  json_t *out = json_array();
  size_t n = f->nyears;
  tidu_selection *sel = tidu_rulebook_select(rq->s->book, as_of, NULL, NULL);
  tidu_chunk *chunk = n ? tidu_chunk_new(n) : NULL;
  tidu_eval *ev = tidu_eval_new();
  int ok = sel && chunk && ev;
  for (size_t i = 0; ok && i < n; i++)
    ok = tidu_chunk_add(chunk, f, f->years[n - 1 - i].year) == TIDU_OK;
  if (ok) ok = tidu_assess_chunk(sel, chunk, as_of, ev, NULL) == TIDU_OK;
  for (size_t lane = 0; ok && lane < n; lane++) {
    json_t *sets = json_object();
    for (size_t k = 0; k < tidu_selection_count(sel); k++) {
      tidu_verdict v = tidu_eval_verdict(ev, k, TIDU_WHOLE, lane);
      if (v == TIDU_V_NA) continue;
      const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, k));
      double d = m->nstandards ? tidu_eval_distance(ev, k, TIDU_WHOLE, lane) : NAN;
      json_object_set_new(
          sets, m->id,
          json_pack("{s:s,s:o}", "verdict", tidu_verdict_name(v), "distance", num_or_null(d)));
    }
    json_array_append_new(
        out, json_pack("{s:i,s:o}", "year", (int)f->years[n - 1 - lane].year, "rulesets", sets));
  }
  tidu_eval_free(ev);
  tidu_chunk_free(chunk);
  tidu_selection_free(sel);
  return out;
}

static json_t *assessment_json(srv_req *rq, const tidu_firm *f, int64_t as_of) {
  tidu_regeval *e = NULL;
  tidu_result *r = NULL;
  json_t *out = json_null();
  if (tidu_regeval_open(rq->s->book, as_of, &e, NULL) == TIDU_OK &&
      tidu_regeval_run(e, f, 1, NULL) == TIDU_OK &&
      tidu_eval_materialise(tidu_regeval_eval(e), 0, &r, NULL) == TIDU_OK)
    out = tidu_report_json(r);
  tidu_result_free(r);
  tidu_regeval_close(e);
  return out ? out : json_null();
}

/* GET /api/firms/{uscc}: the firm (contract §3), names of its codes, its assessment (§4) and
 * each year assessed for the trend. */
int route_firms_get(srv_req *rq, srv_resp *rs) {
  int64_t as_of = srv_as_of(rq, rs);
  if (as_of < 0) return rs->status;
  tidu_firm f;
  int deleted = 0;
  if (load_firm(rq, rs, &f, &deleted)) {
    tidu_firm_clear(&f);
    return rs->status;
  }
  char *text = tidu_firm_to_json(&f);
  json_t *firm = text ? json_loads(text, 0, NULL) : NULL;
  free(text);
  char buf[256];
  json_t *o = json_pack("{s:o,s:b}", "firm", firm ? firm : json_null(), "deleted", deleted);
  if (f.text[TIDU_F_REGION] && tidu_region_full_name(f.text[TIDU_F_REGION], buf, sizeof buf))
    json_object_set_new(o, "region_name", json_string(buf));
  if (f.text[TIDU_F_INDUSTRY] && tidu_industry_describe(f.text[TIDU_F_INDUSTRY], buf, sizeof buf))
    json_object_set_new(o, "industry_name", json_string(buf));
  json_object_set_new(o, "assessment", assessment_json(rq, &f, as_of));
  json_object_set_new(o, "years_assessed", years_assessed(rq, &f, as_of));
  tidu_firm_clear(&f);
  return srv_json(rs, 200, o);
}

static int on_history(const tidu_history_entry *h, void *ud) {
  json_t *o = json_pack(
      "{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "changed_at", h->changed_at, "field", h->field,
      "old_value", h->old_value ? json_string(h->old_value) : json_null(), "new_value",
      h->new_value ? json_string(h->new_value) : json_null(), "source",
      h->new_source ? json_string(h->new_source) : json_null(), "who",
      h->who ? json_string(h->who) : json_null(), "why", h->why ? json_string(h->why) : json_null(),
      "year", h->year ? json_integer(h->year) : json_null());
  json_array_append_new(ud, o);
  return 0;
}

/* GET /api/firms/{uscc}/history: every recorded change, oldest first. */
int route_firms_history(srv_req *rq, srv_resp *rs) {
  tidu_firm f;
  if (load_firm(rq, rs, &f, NULL)) {
    tidu_firm_clear(&f);
    return rs->status;
  }
  tidu_firm_clear(&f);
  json_t *arr = json_array();
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_store_history(rq->store, rq->params[0], on_history, arr, &err) != TIDU_OK) {
    json_decref(arr);
    return srv_lib_error(rs, &err);
  }
  return srv_json(rs, 200, json_pack("{s:s,s:o}", "uscc", rq->params[0], "history", arr));
}

/* ---- edits ---- */

/* Parses one value for field `fi` from JSON (a string like "1.2亿" or a number). */
static tidu_code parse_value(const tidu_field_info *fi, json_t *jv, int64_t *v, const char **text,
                             tidu_error *err) {
  char num[64];
  const char *s = json_string_value(jv);
  *text = NULL;
  *v = TIDU_MISSING;
  if (json_is_null(jv)) return TIDU_OK;
  if (json_is_number(jv)) {
    snprintf(num, sizeof num, "%.15g", json_number_value(jv));
    s = num;
  }
  if (json_is_boolean(jv)) s = json_is_true(jv) ? "true" : "false";
  if (!s) return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "值应为字符串或数字 / bad value");
  switch (fi->type) {
  case TIDU_T_TEXT:
    *text = s;
    return TIDU_OK;
  case TIDU_T_BOOL:
    if (fi->judge && !*s) return TIDU_OK; /* an undeclared judgement stays undeclared */
    *v = !strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "是");
    return TIDU_OK;
  case TIDU_T_ENUM: {
    int k = tidu_enum_find(fi->enum_id, s);
    if (k < 0)
      return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "未知取值 / unknown value '%.64s'", s);
    *v = k;
    return TIDU_OK;
  }
  case TIDU_T_DATE:
    return tidu_parse_date(s, strlen(s), 0, v, err);
  case TIDU_T_TAGS:
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "标签字段请用导入更正 / tag fields are corrected by import");
  default:
    return tidu_parse_value(fi->type, s, strlen(s), 1, 0, v, err);
  }
}

static tidu_code apply_change(srv_req *rq, json_t *ch, const char *why, tidu_error *err) {
  const char *name = json_string_value(json_object_get(ch, "field"));
  const tidu_field_info *fi = name ? tidu_field_find(name) : NULL;
  if (!fi || (fi->scope == 'F' && fi->index == TIDU_F_USCC)) {
    tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "未知字段 / unknown field '%.64s'",
                   name ? name : "");
    snprintf(err->column_name, sizeof err->column_name, "field");
    return TIDU_ERR_INPUT;
  }
  json_int_t year = json_integer_value(json_object_get(ch, "year"));
  if (fi->scope == 'Y' && (year < 1900 || year > 2999)) {
    tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                   "年度字段需要 year / a year field needs a year");
    snprintf(err->column_name, sizeof err->column_name, "year");
    return TIDU_ERR_INPUT;
  }
  int64_t v;
  const char *text;
  tidu_code rc = parse_value(fi, json_object_get(ch, "value"), &v, &text, err);
  if (rc != TIDU_OK) {
    snprintf(err->column_name, sizeof err->column_name, "%s", fi->name);
    return rc;
  }
  return tidu_store_set_value(rq->store, rq->params[0], fi, fi->scope == 'Y' ? (int32_t)year : 0, v,
                              text, rq->user.name, why, err);
}

/* PATCH /api/firms/{uscc} {"changes":[{"field","year"?,"value"}], "why"}: all or nothing. */
int route_firms_edit(srv_req *rq, srv_resp *rs) {
  tidu_firm f;
  if (load_firm(rq, rs, &f, NULL)) {
    tidu_firm_clear(&f);
    return rs->status;
  }
  int may =
      tidu_access_write_firm(rq->store, &rq->user, f.text[TIDU_F_USCC], f.text[TIDU_F_REGION]);
  tidu_firm_clear(&f);
  if (!may) return srv_error(rs, 403, "forbidden", "uscc", "无权修改此企业 / not allowed to edit");
  json_t *body = srv_body_json(rq, rs);
  if (!body) return rs->status;
  json_t *changes = json_object_get(body, "changes");
  const char *why = json_string_value(json_object_get(body, "why"));
  if (!json_is_array(changes) || !json_array_size(changes)) {
    json_decref(body);
    return srv_error(rs, 400, "bad_request", "changes",
                     "需要 changes 数组 / changes[] is required");
  }
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_store_begin(rq->store, &err);
  size_t i;
  json_t *ch;
  json_array_foreach(changes, i, ch) {
    if (rc == TIDU_OK) rc = apply_change(rq, ch, why, &err);
  }
  if (rc == TIDU_OK) rc = tidu_store_commit(rq->store, &err);
  json_decref(body);
  if (rc != TIDU_OK) {
    tidu_store_rollback(rq->store);
    srv_lib_error(rs, &err);
    if (rs->status == 400) rs->status = 422;
    return rs->status;
  }
  return srv_json(rs, 200, json_pack("{s:b,s:I}", "ok", 1, "changed", (json_int_t)i));
}
