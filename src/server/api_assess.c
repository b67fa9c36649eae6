/* Routes over the rules alone: the free self-assessment, rule sets and fields, health. */
#include <stdlib.h>
#include <string.h>

#include "server_int.h"
#include "tidu/assess.h"
#include "tidu/io.h"
#include "tidu/num.h"

/* GET /api/health */
int route_health(srv_req *rq, srv_resp *rs) {
  (void)rq;
  return srv_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

/* Reads the one firm of a JSON body (contract §3). Replies and returns non-zero on error. */
static int read_firm(srv_req *rq, srv_resp *rs, tidu_firm *f) {
  json_t *probe = srv_body_json(rq, rs); /* positions of syntax errors */
  if (!probe) return 1;
  json_decref(probe);
  tidu_reader *rd = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  int done = 0;
  tidu_code rc = tidu_reader_open_mem("request", rq->body, rq->len, TIDU_FMT_JSON, NULL, &rd, &err);
  if (rc == TIDU_OK) rc = tidu_reader_next(rd, f, &done, &err);
  tidu_reader_close(rd);
  if (rc == TIDU_OK && done)
    rc = tidu_error_set(&err, TIDU_ERR_INPUT, "request", 0, 0, "没有企业数据 / no firm given");
  if (rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA) {
    srv_lib_error(rs, &err);
    rs->status = 422;
    return 1;
  }
  if (rc != TIDU_OK) {
    srv_lib_error(rs, &err);
    return 1;
  }
  return 0;
}

/* POST /api/assess?as_of=DATE&only=IDS&year=N&detail=LEVEL: one firm in, its contract §4
 * result out at detail summary, failing (the default) or all (every condition inline). */
int route_assess(srv_req *rq, srv_resp *rs) {
  if (srv_limit_hit(rq->s->assess_limit, rq->addr))
    return srv_error(rs, 429, "rate_limited", NULL,
                     "请求过于频繁,请稍后再试 / too many assessments from this address, try "
                     "again in a minute");
  int64_t as_of = srv_as_of(rq, rs);
  if (as_of < 0) return rs->status;
  const char *year_s = srv_query(rq, "year");
  long year = year_s ? strtol(year_s, NULL, 10) : 0;
  if (year_s && (year < 1900 || year > 2999))
    return srv_error(rs, 400, "bad_request", "year", "年度应为 1900–2999 / year out of range");
  const char *detail_s = srv_query(rq, "detail");
  tidu_detail detail = TIDU_DETAIL_FAILING;
  if (detail_s && !strcmp(detail_s, "summary"))
    detail = TIDU_DETAIL_SUMMARY;
  else if (detail_s && !strcmp(detail_s, "all"))
    detail = TIDU_DETAIL_ALL;
  else if (detail_s && strcmp(detail_s, "failing"))
    return srv_error(
        rs, 400, "bad_request", "detail",
        "detail 应为 summary、failing 或 all / detail must be summary, failing or all");
  tidu_firm f;
  tidu_firm_init(&f);
  if (read_firm(rq, rs, &f)) {
    tidu_firm_clear(&f);
    return rs->status;
  }
  tidu_error err;
  tidu_error_clear(&err);
  tidu_selection *sel = tidu_rulebook_select(rq->s->book, as_of, srv_query(rq, "only"), &err);
  tidu_chunk *chunk = tidu_chunk_new(1);
  tidu_eval *ev = tidu_eval_new();
  tidu_code rc = sel ? TIDU_OK : err.code;
  if (rc == TIDU_OK && (!chunk || !ev))
    rc = tidu_error_set(&err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  if (rc == TIDU_OK) rc = tidu_chunk_add(chunk, &f, (int32_t)year);
  if (rc == TIDU_OK) rc = tidu_assess_chunk(sel, chunk, as_of, ev, &err);
  char *text = rc == TIDU_OK ? tidu_eval_json_text(ev, 0, detail) : NULL;
  if (text)
    srv_bytes(rs, 200, "application/json; charset=utf-8", text, strlen(text));
  else if (rc == TIDU_OK)
    srv_error(rs, 500, "internal", NULL, "内存不足 / out of memory");
  else
    srv_lib_error(rs, &err);
  tidu_eval_free(ev);
  tidu_chunk_free(chunk);
  tidu_selection_free(sel);
  tidu_firm_clear(&f);
  return rs->status;
}

/* ---- rules ---- */

static json_t *date_json(int64_t days) {
  if (days == INT64_MAX || days == INT64_MIN) return json_null();
  char buf[11];
  tidu_format_date(days, buf);
  return json_string(buf);
}

static json_t *opt_string(const char *s) {
  return s ? json_string(s) : json_null();
}

static json_t *ruleset_json(const tidu_ruleset *rs, int64_t today, int detail) {
  const tidu_ruleset_info *m = tidu_ruleset_meta(rs);
  json_t *o = json_pack("{s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:s,s:b}", "id", m->id, "name", m->name,
                        "name_en", opt_string(m->name_en), "kind", tidu_rule_kind_name(m->kind),
                        "version", opt_string(m->version), "effective", date_json(m->effective),
                        "until", date_json(m->until), "source", opt_string(m->source), "file",
                        m->file, "in_force", today >= m->effective && today < m->until);
  json_t *std = json_array(), *regions = json_array();
  for (size_t i = 0; i < m->nstandards; i++)
    json_array_append_new(std, json_pack("{s:s,s:o,s:o}", "id", m->standards[i].id, "name",
                                         opt_string(m->standards[i].name), "source",
                                         opt_string(m->standards[i].source)));
  for (size_t i = 0; i < m->nregions; i++)
    json_array_append_new(regions, json_string(m->regions[i]));
  json_object_set_new(o, "standards", std);
  json_object_set_new(o, "regions", regions);
  if (!detail) return o;
  json_t *items = json_array(), *notes = json_array(), *th = json_array();
  for (size_t i = 0; i < m->nitems; i++)
    json_array_append_new(items, json_pack("{s:s,s:o,s:f,s:o}", "id", m->items[i].id, "name",
                                           opt_string(m->items[i].name), "max", m->items[i].max,
                                           "source", opt_string(m->items[i].source)));
  for (size_t i = 0; i < m->nnotes; i++) json_array_append_new(notes, json_string(m->notes[i]));
  tidu_threshold *t = NULL;
  size_t nt = 0;
  if (tidu_ruleset_thresholds(rs, &t, &nt, NULL) == TIDU_OK) {
    for (size_t i = 0; i < nt; i++) {
      char addr[160];
      snprintf(addr, sizeof addr, "%s.%d", t[i].block, t[i].n);
      json_array_append_new(th, json_pack("{s:s,s:s,s:o}", "address", addr, "text", t[i].text,
                                          "literal", opt_string(t[i].literal)));
    }
    tidu_thresholds_free(t, nt);
  }
  json_object_set_new(o, "items", items);
  json_object_set_new(o, "notes", notes);
  json_object_set_new(o, "thresholds", th);
  /* the conditions per-firm results refer to by "ref" (as `tidu rules show --format json`) */
  json_t *rj = tidu_report_ruleset_json(rs);
  json_t *conds = rj ? json_object_get(rj, "conditions") : NULL;
  if (conds)
    json_object_set(o, "conditions", conds);
  else
    json_object_set_new(o, "conditions", json_array());
  json_decref(rj);
  if (m->has_pass_score) json_object_set_new(o, "pass_score", json_real(m->pass_score));
  return o;
}

/* GET /api/rules: every rule set of every version, with dates and sources. */
int route_rules_list(srv_req *rq, srv_resp *rs) {
  int64_t today = srv_as_of(rq, rs);
  if (today < 0) return rs->status;
  json_t *arr = json_array();
  for (size_t i = 0; i < tidu_rulebook_count(rq->s->book); i++)
    json_array_append_new(arr, ruleset_json(tidu_rulebook_get(rq->s->book, i), today, 0));
  return srv_json(rs, 200, json_pack("{s:o}", "rulesets", arr));
}

/* GET /api/rules/{id}: the versions of one rule set with standards, items and thresholds. */
int route_rules_get(srv_req *rq, srv_resp *rs) {
  int64_t today = srv_as_of(rq, rs);
  if (today < 0) return rs->status;
  json_t *arr = json_array();
  for (size_t i = 0; i < tidu_rulebook_count(rq->s->book); i++) {
    const tidu_ruleset *r = tidu_rulebook_get(rq->s->book, i);
    if (!strcmp(tidu_ruleset_meta(r)->id, rq->params[0]))
      json_array_append_new(arr, ruleset_json(r, today, 1));
  }
  if (!json_array_size(arr)) {
    json_decref(arr);
    return srv_error(rs, 404, "not_found", "id", "没有此规则集 / no rule set '%.64s'",
                     rq->params[0]);
  }
  return srv_json(rs, 200, json_pack("{s:s,s:o}", "id", rq->params[0], "versions", arr));
}

/* GET /api/fields: the fields of a firm record (the self-assessment form is built from it). */
int route_fields(srv_req *rq, srv_resp *rs) {
  (void)rq;
  static const char *const TYPES[] = {"money", "ratio", "count", "years", "score",
                                      "bool",  "enum",  "tags",  "date",  "text"};
  json_t *arr = json_array();
  for (int scope = 0; scope < 2; scope++) {
    int n = scope ? TIDU_NYEAR : TIDU_NFIRM;
    for (int i = 0; i < n; i++) {
      const tidu_field_info *fi = scope ? tidu_year_field_info(i) : tidu_firm_field_info(i);
      json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "name", fi->name, "zh", fi->zh, "type",
                            TYPES[fi->type], "scope", scope ? "year" : "firm");
      if (fi->type == TIDU_T_ENUM || fi->type == TIDU_T_TAGS) {
        json_t *vals = json_array();
        for (int k = 0; k < tidu_enum_count(fi->enum_id); k++)
          json_array_append_new(vals,
                                json_pack("{s:s,s:s}", "value", tidu_enum_name(fi->enum_id, k),
                                          "zh", tidu_enum_label_zh(fi->enum_id, k)));
        json_object_set_new(o, "values", vals);
      }
      json_array_append_new(arr, o);
    }
  }
  return srv_json(rs, 200, json_pack("{s:o}", "fields", arr));
}
