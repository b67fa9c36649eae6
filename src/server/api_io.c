/* Registry routes that move data: import upload with row errors, export download, what-if. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_int.h"
#include "tidu/export.h"
#include "tidu/import.h"
#include "tidu/io.h"
#include "tidu/regeval.h"
#include "tidu/toolkit.h"

/* ---- import ---- */

static json_t *problem_json(const tidu_error *e) {
  json_t *o = srv_message_json(e);
  json_object_set_new(o, "row", e->line ? json_integer(e->line) : json_null());
  json_object_set_new(o, "column", e->column_name[0] ? json_string(e->column_name) : json_null());
  if (e->col) json_object_set_new(o, "col", json_integer(e->col));
  return o;
}

/* A record the user may not write: an official's record outside its region, anyone else's
 * firm for an enterprise. */
static int may_import(srv_req *rq, const tidu_firm *f, tidu_error *err) {
  const tidu_user *u = &rq->user;
  if (u->role == TIDU_ROLE_ADMIN) return 1;
  if (tidu_access_write_firm(rq->store, u, f->text[TIDU_F_USCC], f->text[TIDU_F_REGION])) return 1;
  tidu_error_set(err, TIDU_ERR_DATA, NULL, f->src_line, 0,
                 "不在本账户的管辖范围内 / outside this account's scope (%s)", u->scope);
  snprintf(err->column_name, sizeof err->column_name, "%s",
           u->role == TIDU_ROLE_OFFICIAL ? "region" : "uscc");
  return 0;
}

typedef struct import_run {
  srv_req *rq;
  const char *name;
  json_t *problems;
  json_t *warnings;
  tidu_error open_err; /* the body could not be read as a table */
  int open_failed;
} import_run;

static void on_problem(void *ud, const char *path, const char *sheet, const tidu_error *e,
                       int opening) {
  import_run *ir = ud;
  (void)path;
  (void)sheet;
  if (opening) {
    ir->open_err = *e;
    ir->open_failed = 1;
  } else {
    json_array_append_new(e->warning ? ir->warnings : ir->problems, problem_json(e));
  }
}

static int on_may_write(void *ud, const tidu_firm *f, tidu_error *err) {
  import_run *ir = ud;
  return may_import(ir->rq, f, err);
}

/* The audit event goes into the import's transaction. */
static tidu_code on_commit(void *ud, const tidu_import_summary *sum, tidu_error *err) {
  import_run *ir = ud;
  (void)err;
  if (ir->open_failed) return TIDU_OK;
  char what[160];
  snprintf(what, sizeof what, "%s: %lld records, %lld rejected", ir->name, sum->records,
           sum->rejected);
  srv_audit(ir->rq, "import", NULL, what);
  return TIDU_OK;
}

static json_t *summary_json(const tidu_import_summary *s) {
  return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "records", (json_int_t)s->records,
                   "firms_new", (json_int_t)s->firms_new, "firms_updated",
                   (json_int_t)s->firms_updated, "firms_unchanged", (json_int_t)s->firms_unchanged,
                   "years_added", (json_int_t)s->years_added, "years_changed",
                   (json_int_t)s->years_changed, "values_changed", (json_int_t)s->values_changed,
                   "warnings", (json_int_t)s->warnings, "rejected", (json_int_t)s->rejected);
}

/* POST /api/import?name=FILE&sheet=&skip_bad=1, the file as the body. All or nothing, unless
 * skip_bad=1 keeps the good records; every problem is reported with its row and column. */
int route_import(srv_req *rq, srv_resp *rs) {
  if (rq->user.role != TIDU_ROLE_ADMIN && rq->user.role != TIDU_ROLE_OFFICIAL)
    return srv_error(rs, 403, "forbidden", NULL, "无权导入 / not allowed to import");
  const char *name = srv_query(rq, "name");
  if (!name || !*name || strchr(name, '/') || strlen(name) > 200)
    return srv_error(rs, 400, "bad_request", "name",
                     "需要文件名 name(如 firms.xlsx)/ name=FILE (e.g. firms.xlsx) is required");
  if (!rq->len) return srv_error(rs, 400, "bad_request", "body", "文件为空 / empty file");
  const char *skip = srv_query(rq, "skip_bad");
  int skip_bad = skip && !strcmp(skip, "1");
  tidu_import_options opt;
  memset(&opt, 0, sizeof opt);
  opt.read.sheet = srv_query(rq, "sheet");
  opt.skip_bad = skip_bad;
  opt.data = rq->body;
  opt.len = rq->len;
  import_run ir = {rq, name, json_array(), json_array(), {0}, 0};
  tidu_import_hooks h = {0};
  h.ud = &ir;
  h.problem = on_problem;
  h.error = NULL;
  h.may_write = on_may_write;
  h.before_commit = on_commit;
  tidu_import_result res;
  tidu_error err;
  tidu_error_clear(&err);
  char *paths[1] = {(char *)name};
  tidu_code rc = tidu_import_run(rq->store, paths, 1, &opt, &h, &res, &err);
  if (ir.open_failed) {
    json_decref(ir.problems);
    json_decref(ir.warnings);
    srv_lib_error(rs, &ir.open_err);
    if (ir.open_err.code == TIDU_ERR_INPUT || ir.open_err.code == TIDU_ERR_DATA) rs->status = 422;
    return rs->status;
  }
  int refuse = rc != TIDU_OK || !res.written;
  json_t *out = json_pack("{s:b,s:o,s:o,s:o}", "written", !refuse, "summary",
                          summary_json(&res.sum), "problems", ir.problems, "warnings", ir.warnings);
  return srv_json(rs, refuse ? 422 : 200, out);
}

/* ---- export ---- */

typedef struct export_run {
  srv_req *rq;
  tidu_exporter *ex;
  tidu_error *err;
  long long n;
  tidu_code rc;
} export_run;

static int export_one(void *ctx, const tidu_firm *f, const tidu_export_assessment *a) {
  export_run *x = ctx;
  if (!tidu_access_firm(x->rq->store, &x->rq->user, f->text[TIDU_F_USCC], f->text[TIDU_F_REGION]))
    return 0;
  x->rc = tidu_export_add(x->ex, f, a, x->err);
  x->n++;
  return x->rc != TIDU_OK;
}

static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  char *buf = NULL;
  if (fseek(fp, 0, SEEK_END) == 0) {
    long n = ftell(fp);
    buf = n >= 0 ? tidu_malloc((size_t)n + 1) : NULL;
    if (buf && (fseek(fp, 0, SEEK_SET) != 0 || fread(buf, 1, (size_t)n, fp) != (size_t)n)) {
      free(buf);
      buf = NULL;
    }
    *len = n >= 0 ? (size_t)n : 0;
  }
  fclose(fp);
  return buf;
}

/* GET /api/export?format=xlsx|csv|json&region=...: the firms the user may see, with verdicts. */
int route_export(srv_req *rq, srv_resp *rs) {
  static const struct {
    const char *name, *ctype, *ext;
    tidu_export_format fmt;
  } FORMATS[] = {
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
       TIDU_EXPORT_XLSX},
      {"csv", "text/csv; charset=utf-8", "csv", TIDU_EXPORT_CSV},
      {"json", "application/x-ndjson; charset=utf-8", "ndjson", TIDU_EXPORT_JSON},
  };
  const char *want = srv_query(rq, "format");
  size_t k = 0;
  while (want && k < 3 && strcmp(FORMATS[k].name, want)) k++;
  if (k == 3)
    return srv_error(rs, 400, "bad_request", "format",
                     "格式应为 xlsx|csv|json / format must be "
                     "xlsx|csv|json");
  int64_t as_of = srv_as_of(rq, rs);
  if (as_of < 0) return rs->status;
  tidu_store_filter flt;
  memset(&flt, 0, sizeof flt);
  char region[64];
  int visible = tidu_access_region(&rq->user, srv_query(rq, "region"), region, sizeof region);
  flt.region_prefix = visible ? region : "-"; /* "-" matches no region code */
  if (!region[0]) flt.region_prefix = NULL;
  flt.industry_prefix = srv_query(rq, "industry");
  char dir[] = "/tmp/tidu-export-XXXXXX", path[64];
  if (!mkdtemp(dir)) return srv_error(rs, 500, "internal", NULL, "无法创建临时文件 / no temp dir");
  snprintf(path, sizeof path, "%s/export.%s", dir, FORMATS[k].ext);
  tidu_error err;
  tidu_error_clear(&err);
  tidu_regeval *e = NULL;
  export_run x = {rq, NULL, &err, 0, TIDU_OK};
  tidu_code rc = tidu_regeval_open(rq->s->book, as_of, &e, &err);
  if (rc == TIDU_OK)
    rc = tidu_export_open(path, FORMATS[k].fmt, tidu_regeval_rulesets(e), tidu_regeval_count(e),
                          &x.ex, &err);
  if (rc == TIDU_OK) rc = tidu_regeval_each(rq->store, &flt, e, export_one, &x, NULL, &err);
  if (rc == TIDU_OK) rc = x.rc;
  if (x.ex) {
    tidu_code rc2 = tidu_export_close(x.ex, rc == TIDU_OK ? &err : NULL);
    if (rc == TIDU_OK) rc = rc2;
  }
  tidu_regeval_close(e);
  size_t len = 0;
  char *data = rc == TIDU_OK ? slurp(path, &len) : NULL;
  unlink(path);
  rmdir(dir);
  if (rc != TIDU_OK) return srv_lib_error(rs, &err);
  if (!data) return srv_error(rs, 500, "internal", NULL, "无法读取导出文件 / export unreadable");
  char what[64];
  snprintf(what, sizeof what, "%s, %lld firms", FORMATS[k].name, x.n);
  srv_audit(rq, "export", NULL, what);
  srv_add_header(rs, "Content-Disposition: attachment; filename=\"tidu-export.%s\"",
                 FORMATS[k].ext);
  srv_add_header(rs, "X-Tidu-Firms: %lld", x.n);
  return srv_bytes(rs, 200, FORMATS[k].ctype, data, len);
}

/* ---- what-if ---- */

typedef struct sim_firm {
  char uscc[19];
  char *name;
  char *verdicts; /* one char per rule set: 'p', 'f', 'u', '-' */
} sim_firm;

typedef struct sim_run {
  srv_req *rq;
  const tidu_regeval *e;
  sim_firm *firms;
  size_t n, cap, at;
  int second;
  json_t *flips; /* id -> {fail_to_pass, pass_to_fail, ...} */
  json_t *list;
} sim_run;

static char vchar(const char *v) {
  return !v ? '-' : v[0] == 'p' ? 'p' : v[0] == 'f' ? 'f' : 'u';
}

static int sim_first(sim_run *sr, const tidu_firm *f, const tidu_export_assessment *a) {
  if (TIDU_PUSH_ROOM(sr->firms, sr->n, sr->cap) != 0) return 1;
  size_t nrs = tidu_regeval_count(sr->e);
  sim_firm *sf = &sr->firms[sr->n];
  snprintf(sf->uscc, sizeof sf->uscc, "%s", f->text[TIDU_F_USCC]);
  sf->name = tidu_strdup(f->text[TIDU_F_NAME] ? f->text[TIDU_F_NAME] : "");
  sf->verdicts = tidu_malloc(nrs + 1);
  if (!sf->name || !sf->verdicts) {
    free(sf->name);
    free(sf->verdicts);
    return 1;
  }
  for (size_t k = 0; k < nrs; k++) sf->verdicts[k] = vchar(a->verdict[k]);
  sr->n++;
  return 0;
}

static void sim_compare(sim_run *sr, const sim_firm *sf, const tidu_export_assessment *a) {
  const tidu_export_ruleset *rs = tidu_regeval_rulesets(sr->e);
  for (size_t k = 0; k < tidu_regeval_count(sr->e); k++) {
    char before = sf->verdicts[k], after = vchar(a->verdict[k]);
    if (before == after) continue;
    char key[16];
    snprintf(key, sizeof key, "%c>%c", before, after);
    json_t *o = json_object_get(sr->flips, rs[k].id);
    if (!o) {
      o = json_object();
      json_object_set_new(sr->flips, rs[k].id, o);
    }
    json_t *c = json_object_get(o, key);
    json_object_set_new(o, key, json_integer(c ? json_integer_value(c) + 1 : 1));
    if (json_array_size(sr->list) < 200)
      json_array_append_new(sr->list, json_pack("{s:s,s:s,s:s,s:s,s:s}", "uscc", sf->uscc, "name",
                                                sf->name, "ruleset", rs[k].id, "before",
                                                before == 'p'   ? "pass"
                                                : before == 'f' ? "fail"
                                                                : "unknown",
                                                "after", a->verdict[k] ? a->verdict[k] : "n/a"));
  }
}

static int sim_each(void *ctx, const tidu_firm *f, const tidu_export_assessment *a) {
  sim_run *sr = ctx;
  if (!tidu_access_firm(sr->rq->store, &sr->rq->user, f->text[TIDU_F_USCC], f->text[TIDU_F_REGION]))
    return 0;
  if (!sr->second) return sim_first(sr, f, a);
  while (sr->at < sr->n && strcmp(sr->firms[sr->at].uscc, f->text[TIDU_F_USCC]) < 0) sr->at++;
  if (sr->at < sr->n && !strcmp(sr->firms[sr->at].uscc, f->text[TIDU_F_USCC]))
    sim_compare(sr, &sr->firms[sr->at], a);
  return 0;
}

/* POST /api/simulate {"set": ["main.1.3=1.2亿", ...]}: which registry firms a threshold change
 * would flip, per rule set. */
int route_simulate(srv_req *rq, srv_resp *rs) {
  int64_t as_of = srv_as_of(rq, rs);
  if (as_of < 0) return rs->status;
  json_t *body = srv_body_json(rq, rs);
  if (!body) return rs->status;
  json_t *set = json_object_get(body, "set");
  size_t nspecs = json_array_size(set);
  const char *specs[32];
  for (size_t i = 0; i < nspecs && i < 32; i++)
    specs[i] = json_string_value(json_array_get(set, i));
  int bad = !nspecs || nspecs > 32;
  for (size_t i = 0; !bad && i < nspecs; i++) bad = !specs[i];
  if (bad) {
    json_decref(body);
    return srv_error(rs, 400, "bad_request", "set",
                     "set 应为 1–32 个 \"标准.序号=数值\" / set wants 1-32 \"STANDARD.N=VALUE\" "
                     "strings");
  }
  tidu_error err;
  tidu_error_clear(&err);
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_regeval *base = NULL, *with = NULL;
  tidu_rulebook *book2 = NULL;
  tidu_selection *sel2 = NULL;
  char **changes = NULL;
  sim_run sr = {.rq = rq, .flips = json_object(), .list = json_array()};
  tidu_code rc = tidu_regeval_open(rq->s->book, as_of, &base, &err);
  if (rc == TIDU_OK)
    rc = tidu_rules_set_thresholds(tidu_regeval_selection(base), rq->s->book, specs, nspecs, as_of,
                                   &book2, &sel2, &changes, &errs, &err);
  if (rc == TIDU_ERR_RULE && errs.n) err = errs.items[0];
  if (rc == TIDU_OK) rc = tidu_regeval_open(book2, as_of, &with, &err);
  tidu_store_filter flt = {0};
  char region[64];
  if (tidu_access_region(&rq->user, NULL, region, sizeof region) && region[0])
    flt.region_prefix = region;
  sr.e = base;
  if (rc == TIDU_OK) rc = tidu_regeval_each(rq->store, &flt, base, sim_each, &sr, NULL, &err);
  sr.second = 1;
  sr.e = with;
  if (rc == TIDU_OK) rc = tidu_regeval_each(rq->store, &flt, with, sim_each, &sr, NULL, &err);
  json_t *ch = json_array();
  for (size_t i = 0; changes && i < nspecs; i++) json_array_append_new(ch, json_string(changes[i]));
  if (rc == TIDU_OK)
    srv_json(rs, 200,
             json_pack("{s:o,s:I,s:o,s:o}", "changes", ch, "firms", (json_int_t)sr.n, "flips",
                       sr.flips, "list", sr.list));
  else {
    json_decref(ch);
    json_decref(sr.flips);
    json_decref(sr.list);
    srv_lib_error(rs, &err);
  }
  for (size_t i = 0; i < sr.n; i++) {
    free(sr.firms[i].name);
    free(sr.firms[i].verdicts);
  }
  free(sr.firms);
  if (changes) tidu_thresholds_changes_free(changes, nspecs);
  tidu_regeval_close(with);
  tidu_regeval_close(base);
  tidu_selection_free(sel2);
  tidu_rulebook_free(book2);
  tidu_errlist_free(&errs);
  json_decref(body);
  return rs->status;
}
