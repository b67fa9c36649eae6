/* Service institutions (服务机构库), their assignments and suggestions; the equity-financing
 * reserve; activities (roadshows by chain and month, trainings, salons, visits, executive
 * classes) with the firms attending and their outcomes. */
#include "programme/prog_int.h"
#include "tidu/toolkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- institutions ---- */

static const char *const TYPES[][2] = {
    {"broker", "证券公司"},     {"accountant", "会计师事务所"},
    {"law_firm", "律师事务所"}, {"investor", "投资机构"},
    {"bank", "银行"},           {"appraiser", "评估机构"},
    {"other", "其他"},          {NULL, NULL},
};
static const char *const ROLES[][2] = {
    {"sponsor", "保荐/主办券商"}, {"auditor", "审计"}, {"lawyer", "律师"},
    {"lead_investor", "领投"},    {"lender", "贷款"},  {NULL, NULL},
};

const char *tidu_inst_type_zh(const char *type) {
  for (int i = 0; type && TYPES[i][0]; i++)
    if (!strcmp(TYPES[i][0], type) || !strcmp(TYPES[i][1], type)) return TYPES[i][1];
  return NULL;
}

static const char *type_name(const char *type) {
  for (int i = 0; type && TYPES[i][0]; i++)
    if (!strcmp(TYPES[i][0], type) || !strcmp(TYPES[i][1], type)) return TYPES[i][0];
  return NULL;
}

static const char *role_name(const char *role) {
  for (int i = 0; role && ROLES[i][0]; i++)
    if (!strcmp(ROLES[i][0], role) || !strcmp(ROLES[i][1], role)) return ROLES[i][0];
  return NULL;
}

void tidu_inst_clear(tidu_inst *in) {
  if (!in) return;
  free(in->name);
  free(in->type);
  free(in->region);
  free(in->industries);
  free(in->boards);
  free(in->conditions);
  free(in->duties);
  free(in->status);
  free(in->status_reason);
  memset(in, 0, sizeof *in);
}

void tidu_inst_list_free(tidu_inst_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) tidu_inst_clear(&l->items[i]);
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

typedef struct inst_ctx {
  tidu_inst_list *out;
  size_t cap;
  int nomem;
} inst_ctx;

static int add_inst(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  inst_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_inst *in = &c->out->items[c->out->n++];
  in->id = num[0];
  in->name = tidu_strdup(t[1]);
  in->type = tidu_strdup(t[2]);
  in->region = tidu_strdup(t[3]);
  in->industries = tidu_strdup(t[4]);
  in->boards = tidu_strdup(t[5]);
  in->conditions = tidu_strdup(t[6]);
  in->duties = tidu_strdup(t[7]);
  in->status = tidu_strdup(t[8]);
  in->status_reason = tidu_strdup(t[9]);
  in->assignments = (size_t)num[10];
  return 0;
}

tidu_code tidu_inst_list_get(tidu_store *s, tidu_inst_list *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  inst_ctx c = {out, 0, 0};
  tidu_code rc = tidu_store_pq(s, PQ_INST_LIST, NULL, 0, add_inst, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_inst_list_free(out);
  return rc;
}

tidu_code tidu_inst_get(tidu_store *s, const char *key, tidu_inst *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  tidu_inst_list l = {0};
  inst_ctx c = {&l, 0, 0};
  char *end = NULL;
  long long id = key ? strtoll(key, &end, 10) : 0;
  tidu_code rc;
  if (key && *key && end && !*end)
    rc = tidu_store_pq(s, PQ_INST_BY_ID, &PA_I(id), 1, add_inst, &c, NULL, err);
  else
    rc = tidu_store_pq(s, PQ_INST_BY_NAME, &PA_S(key), 1, add_inst, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc == TIDU_OK && !l.n)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "未知服务机构 '%s' / unknown institution '%s'", key ? key : "",
                        key ? key : "");
  if (rc == TIDU_OK) {
    *out = l.items[0];
    l.n = 0;
  }
  tidu_inst_list_free(&l);
  return rc;
}

tidu_code tidu_inst_add(tidu_store *s, const tidu_inst *in, const tidu_actor *a, int64_t *id,
                        tidu_error *err) {
  const char *type = in ? type_name(in->type) : NULL;
  if (!in || !in->name || !*in->name)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "机构名称为空 / empty name");
  if (!type)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知机构类型 '%s'(broker|accountant|law_firm|investor|bank|appraiser|"
                          "other) / unknown institution type '%s'",
                          in->type ? in->type : "", in->type ? in->type : "");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  tidu_inst old;
  if (tidu_inst_get(s, in->name, &old, NULL) == TIDU_OK) {
    tidu_inst_clear(&old);
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "机构「%s」已在库中 / institution %s "
                        "already exists",
                        in->name, in->name);
  }
  char what[300];
  snprintf(what, sizeof what, "服务机构入库:%s(%s) / institution admitted: %s (%s)", in->name,
           tidu_inst_type_zh(type), in->name, type);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "inst.add", NULL, what, in->conditions, &ev, err);
  char now[11];
  prog_today(now);
  tidu_parg args[] = {PA_S(in->name),       PA_S(type),       PA_S(in->region),
                      PA_S(in->industries), PA_S(in->boards), PA_S(in->conditions),
                      PA_S(in->duties),     PA_S(now),        PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_INST_ADD, args, 9, NULL, NULL, NULL, err);
  if (rc == TIDU_OK && id) {
    tidu_inst got;
    rc = tidu_inst_get(s, in->name, &got, err);
    if (rc == TIDU_OK) *id = got.id;
    tidu_inst_clear(&got);
  }
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_inst_set_status(tidu_store *s, const char *key, const char *status,
                               const char *reason, const tidu_actor *a, tidu_error *err) {
  if (!status ||
      (strcmp(status, "admitted") && strcmp(status, "suspended") && strcmp(status, "exited")))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知状态 '%s'(admitted|suspended|exited) / unknown status '%s'",
                          status ? status : "", status ? status : "");
  if (strcmp(status, "admitted") && (!reason || !*reason))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "暂停或退出须说明理由 / suspending or exiting needs a reason");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  tidu_inst in;
  rc = tidu_inst_get(s, key, &in, err);
  if (rc == TIDU_OK && !strcmp(in.status, "exited"))
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "机构「%s」已退出 / institution %s has exited", in.name, in.name);
  char what[300];
  snprintf(what, sizeof what, "服务机构 %s:%s → %s / institution %s: %s -> %s",
           rc == TIDU_OK ? in.name : "", rc == TIDU_OK ? in.status : "", status,
           rc == TIDU_OK ? in.name : "", rc == TIDU_OK ? in.status : "", status);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "inst.status", NULL, what, reason, &ev, err);
  tidu_parg args[] = {PA_I(in.id), PA_S(status), PA_S(reason), PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_INST_STATUS, args, 4, NULL, NULL, NULL, err);
  tidu_inst_clear(&in);
  return prog_finish(s, own, rc, err);
}

static int any_row(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)t, (void)num;
  *(int *)ud = 1;
  return 1;
}

tidu_code tidu_inst_assign(tidu_store *s, const char *key, const char *uscc, const char *role,
                           const tidu_actor *a, tidu_error *err) {
  const char *r = role_name(role);
  if (!r)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知角色 '%s'(sponsor|auditor|lawyer|lead_investor|lender) / unknown "
                          "role '%s'",
                          role ? role : "", role ? role : "");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  tidu_inst in;
  rc = tidu_inst_get(s, key, &in, err);
  if (rc == TIDU_OK) rc = prog_need_firm(s, uscc, err);
  if (rc == TIDU_OK && strcmp(in.status, "admitted"))
    rc =
        tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                       "机构「%s」当前为 %s,不能承接 / institution %s is %s and cannot be assigned",
                       in.name, in.status, in.name, in.status);
  int dup = 0;
  tidu_parg q[] = {PA_I(in.id), PA_S(uscc), PA_S(r)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_INST_ASSIGNED, q, 3, any_row, &dup, NULL, err);
  if (rc == TIDU_OK && dup)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "已指派 / already assigned: %s %s %s",
                        in.name, uscc, r);
  char what[300];
  snprintf(what, sizeof what, "服务机构 %s 任 %s / institution %s as %s",
           rc == TIDU_OK ? in.name : "", r, rc == TIDU_OK ? in.name : "", r);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "inst.assign", uscc, what, NULL, &ev, err);
  char now[11];
  prog_today(now);
  tidu_parg args[] = {PA_I(in.id), PA_S(uscc), PA_S(r), PA_S(now), PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_INST_ASSIGN, args, 5, NULL, NULL, NULL, err);
  tidu_inst_clear(&in);
  return prog_finish(s, own, rc, err);
}

/* ---- suggestions ---- */

typedef struct brief {
  char *region, *industry, *chains, *target;
  int found;
} brief;

static int read_brief(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)num;
  brief *b = ud;
  b->found = 1;
  b->region = tidu_strdup(t[1]);
  b->industry = tidu_strdup(t[2]);
  b->chains = tidu_strdup(t[3]);
  b->target = tidu_strdup(t[4]);
  return 1;
}

/* 1 when one entry of the ';'-joined list is a prefix of `code` or one of the chains. */
static int knows(const char *list, const char *industry, const char *chains) {
  for (const char *p = list; p && *p;) {
    size_t len = strcspn(p, ";,");
    if (len && industry && !strncmp(industry, p, len)) return 1;
    if (len && chains) {
      char one[128];
      snprintf(one, sizeof one, "%.*s", (int)len, p);
      if (prog_list_has(chains, one)) return 1;
    }
    p += len;
    if (*p) p++;
  }
  return 0;
}

typedef struct scored {
  int score;
  tidu_inst in;
} scored;

static int cmp_scored(const void *a, const void *b) {
  const scored *x = a, *y = b;
  if (x->score != y->score) return y->score - x->score;
  return x->in.id < y->in.id ? -1 : x->in.id > y->in.id;
}

tidu_code tidu_inst_suggest(tidu_store *s, const char *uscc, const char *board, tidu_inst_list *out,
                            tidu_error *err) {
  memset(out, 0, sizeof *out);
  brief b = {0};
  tidu_code rc = prog_need_firm(s, uscc, err);
  if (rc == TIDU_OK)
    rc = tidu_store_pq(s, PQ_FIRM_BRIEF, &PA_S(uscc), 1, read_brief, &b, NULL, err);
  tidu_inst_list all = {0};
  if (rc == TIDU_OK) rc = tidu_inst_list_get(s, &all, err);
  scored *v = rc == TIDU_OK ? tidu_calloc(all.n ? all.n : 1, sizeof *v) : NULL;
  if (rc == TIDU_OK && !v) rc = prog_nomem(err);
  const char *want = board && *board ? board : b.target;
  size_t n = 0;
  for (size_t i = 0; rc == TIDU_OK && i < all.n; i++) {
    tidu_inst *in = &all.items[i];
    if (strcmp(in->status, "admitted")) continue;
    int sc = 0;
    if (in->region && b.region && !strncmp(in->region, b.region, 2)) sc += 3;
    char section[2] = {b.industry ? b.industry[0] : 0, 0};
    if (knows(in->industries, b.industry, b.chains) ||
        (section[0] && prog_list_has(in->industries, section)))
      sc += 3;
    if (want && prog_list_has(in->boards, want)) sc += 2;
    sc -= (int)(in->assignments / 10);
    v[n].score = sc;
    v[n++].in = *in;
    memset(in, 0, sizeof *in);
  }
  if (rc == TIDU_OK) {
    if (n > 1) qsort(v, n, sizeof *v, cmp_scored);
    out->items = tidu_calloc(n ? n : 1, sizeof *out->items);
    if (!out->items) rc = prog_nomem(err);
  }
  for (size_t i = 0; i < n; i++) {
    if (rc == TIDU_OK)
      out->items[out->n++] = v[i].in;
    else
      tidu_inst_clear(&v[i].in);
  }
  free(v);
  tidu_inst_list_free(&all);
  free(b.region);
  free(b.industry);
  free(b.chains);
  free(b.target);
  return rc;
}

/* ---- financing ---- */

static int fin_status_ok(const char *st) {
  return st && (!strcmp(st, "seeking") || !strcmp(st, "in_talks") || !strcmp(st, "closed") ||
                !strcmp(st, "dropped"));
}

tidu_code tidu_finance_add(tidu_store *s, const tidu_finance *in, const tidu_actor *a, int64_t *id,
                           tidu_error *err) {
  const char *st = in && in->status ? in->status : "seeking";
  if (!in || in->amount_fen <= 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "融资金额须大于 0 / the amount must be greater than 0");
  if (!fin_status_ok(st))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知状态 '%s'(seeking|in_talks|closed|dropped) / unknown status '%s'",
                          st, st);
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  rc = prog_need_firm(s, in->uscc, err);
  char what[256];
  snprintf(what, sizeof what, "融资需求 %.2f万元 %s / financing need %.2f 万元 %s",
           (double)in->amount_fen / 1e6, in->round ? in->round : "", (double)in->amount_fen / 1e6,
           in->round ? in->round : "");
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "finance.add", in->uscc, what, in->purpose, &ev, err);
  char now[11];
  prog_today(now);
  tidu_parg args[] = {
      PA_S(in->uscc), PA_I(in->amount_fen), PA_S(in->round), PA_S(in->purpose), PA_S(st), PA_S(now),
      PA_I(ev)};
  int64_t changes = 0;
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_FIN_ADD, args, 7, NULL, NULL, &changes, err);
  if (rc == TIDU_OK && id) {
    tidu_finance_list l;
    rc = tidu_finance_list_get(s, in->uscc, &l, err);
    if (rc == TIDU_OK && l.n) *id = l.items[l.n - 1].id;
    if (rc == TIDU_OK) tidu_finance_list_free(&l);
  }
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_finance_set_status(tidu_store *s, int64_t id, const char *status,
                                  const tidu_actor *a, tidu_error *err) {
  if (!fin_status_ok(status))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知状态 '%s'(seeking|in_talks|closed|dropped) / unknown status '%s'",
                          status ? status : "", status ? status : "");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  char what[128];
  snprintf(what, sizeof what, "融资需求 #%lld → %s / financing #%lld -> %s", (long long)id, status,
           (long long)id, status);
  int64_t ev = 0, changes = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "finance.status", NULL, what, NULL, &ev, err);
  tidu_parg args[] = {PA_I(id), PA_S(status), PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_FIN_STATUS, args, 3, NULL, NULL, &changes, err);
  if (rc == TIDU_OK && changes == 0)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "没有融资需求 #%lld / no financing need #%lld", (long long)id,
                        (long long)id);
  return prog_finish(s, own, rc, err);
}

typedef struct fin_ctx {
  tidu_finance_list *out;
  size_t cap;
  int nomem;
} fin_ctx;

static int add_fin(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  fin_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_finance *f = &c->out->items[c->out->n++];
  memset(f, 0, sizeof *f);
  f->id = num[0];
  snprintf(f->uscc, sizeof f->uscc, "%s", t[1]);
  f->name = tidu_strdup(t[2]);
  f->amount_fen = num[3];
  f->round = tidu_strdup(t[4]);
  f->purpose = tidu_strdup(t[5]);
  f->status = tidu_strdup(t[6]);
  return 0;
}

tidu_code tidu_finance_list_get(tidu_store *s, const char *uscc, tidu_finance_list *out,
                                tidu_error *err) {
  memset(out, 0, sizeof *out);
  fin_ctx c = {out, 0, 0};
  tidu_code rc = tidu_store_pq(s, PQ_FIN_LIST, &PA_S(uscc), 1, add_fin, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_finance_list_free(out);
  return rc;
}

void tidu_finance_list_free(tidu_finance_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].name);
    free(l->items[i].round);
    free(l->items[i].purpose);
    free(l->items[i].status);
  }
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

/* ---- activities ---- */

static const char *const KINDS[][2] = {
    {"roadshow", "路演"},    {"training", "培训"},         {"salon", "沙龙"},
    {"visit", "走访交易所"}, {"exec_class", "高管研修班"}, {NULL, NULL},
};

static const char *kind_name(const char *k) {
  for (int i = 0; k && KINDS[i][0]; i++)
    if (!strcmp(KINDS[i][0], k) || !strcmp(KINDS[i][1], k)) return KINDS[i][0];
  return NULL;
}

tidu_code tidu_activity_add(tidu_store *s, const tidu_activity *in, const tidu_actor *a,
                            int64_t *id, tidu_error *err) {
  const char *k = in ? kind_name(in->kind) : NULL;
  if (!k)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知活动类型 '%s'(roadshow|training|salon|visit|exec_class) / unknown "
                          "activity kind '%s'",
                          in && in->kind ? in->kind : "", in && in->kind ? in->kind : "");
  if (!prog_date_ok(in->date))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "日期无效 '%s'(应为 YYYY-MM-DD) / invalid date '%s'", in->date, in->date);
  if (!strcmp(k, "roadshow") && (!in->chain || !*in->chain))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "路演须指明产业链(一月一链) / a roadshow needs its chain");
  if (!in->title || !*in->title)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "活动名称为空 / empty title");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  char what[300];
  snprintf(what, sizeof what, "活动:%s %s %s%s%s / activity %s on %s", in->title, in->date,
           in->chain ? "产业链 " : "", in->chain ? in->chain : "", "", k, in->date);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "activity.add", NULL, what, NULL, &ev, err);
  tidu_parg args[] = {PA_S(k),         PA_S(in->title), PA_S(in->date),
                      PA_S(in->chain), PA_S(NULL),      PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_ACT_ADD, args, 6, NULL, NULL, NULL, err);
  if (rc == TIDU_OK && id) {
    tidu_activity_list l;
    rc = tidu_activity_list_get(s, NULL, NULL, &l, err);
    int64_t best = 0;
    for (size_t i = 0; rc == TIDU_OK && i < l.n; i++)
      if (l.items[i].id > best) best = l.items[i].id;
    if (rc == TIDU_OK) tidu_activity_list_free(&l);
    *id = best;
  }
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_activity_attend(tidu_store *s, int64_t activity, const char *uscc, const char *role,
                               int interest, int64_t closed_fen, const tidu_actor *a,
                               tidu_error *err) {
  if (interest < 0 || closed_fen < 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "意向数与成交金额不能为负 / interest and amount must not be negative");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  int found = 0;
  rc = tidu_store_pq(s, PQ_ACT_EXISTS, &PA_I(activity), 1, any_row, &found, NULL, err);
  if (rc == TIDU_OK && !found)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "没有活动 #%lld / no activity #%lld",
                        (long long)activity, (long long)activity);
  if (rc == TIDU_OK) rc = prog_need_firm(s, uscc, err);
  char what[256];
  snprintf(what, sizeof what,
           "参加活动 #%lld(%s),投资意向 %d 家,成交 %.2f万元 / attended #%lld as %s, interest "
           "%d, closed %.2f 万元",
           (long long)activity, role ? role : "attendee", interest, (double)closed_fen / 1e6,
           (long long)activity, role ? role : "attendee", interest, (double)closed_fen / 1e6);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "activity.attend", uscc, what, NULL, &ev, err);
  tidu_parg args[] = {PA_I(activity), PA_S(uscc),       PA_S(role ? role : "attendee"),
                      PA_I(interest), PA_I(closed_fen), PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_ACT_ATTEND, args, 6, NULL, NULL, NULL, err);
  return prog_finish(s, own, rc, err);
}

typedef struct act_ctx {
  tidu_activity_list *out;
  size_t cap;
  int nomem;
} act_ctx;

static int add_act(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  act_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_activity *x = &c->out->items[c->out->n++];
  memset(x, 0, sizeof *x);
  x->id = num[0];
  x->kind = tidu_strdup(t[1]);
  x->title = tidu_strdup(t[2]);
  snprintf(x->date, sizeof x->date, "%s", t[3] ? t[3] : "");
  x->chain = tidu_strdup(t[4]);
  x->firms = (size_t)num[5];
  x->interested = (size_t)num[6];
  x->closed_fen = num[7];
  return 0;
}

tidu_code tidu_activity_list_get(tidu_store *s, const char *kind, const char *month,
                                 tidu_activity_list *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  const char *k = kind ? kind_name(kind) : NULL;
  if (kind && !k)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "未知活动类型 '%s' / unknown kind '%s'",
                          kind, kind);
  act_ctx c = {out, 0, 0};
  tidu_parg args[] = {PA_S(k), PA_S(month)};
  tidu_code rc = tidu_store_pq(s, PQ_ACT_LIST, args, 2, add_act, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_activity_list_free(out);
  return rc;
}

void tidu_activity_list_free(tidu_activity_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].kind);
    free(l->items[i].title);
    free(l->items[i].chain);
  }
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

/* ---- "which chains had no roadshow this month" ---- */

typedef struct strs {
  char **v;
  size_t n, cap;
  int nomem;
} strs;

static int push_str(strs *x, const char *s, size_t len) {
  for (size_t i = 0; i < x->n; i++)
    if (strlen(x->v[i]) == len && !strncmp(x->v[i], s, len)) return 0;
  if (TIDU_PUSH_ROOM(x->v, x->n, x->cap) != 0) return x->nomem = 1;
  x->v[x->n] = tidu_strndup(s, len);
  if (!x->v[x->n]) return x->nomem = 1;
  x->n++;
  return 0;
}

static int add_chains(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)num;
  strs *x = ud;
  for (const char *p = t[0]; p && *p;) {
    size_t len = strcspn(p, ";,");
    if (len && push_str(x, p, len)) return 1;
    p += len;
    if (*p) p++;
  }
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void tidu_strings_free(char **v, size_t n) {
  for (size_t i = 0; v && i < n; i++) free(v[i]);
  free(v);
}

tidu_code tidu_activity_missing_roadshows(tidu_store *s, const char *month, const char *chains,
                                          char ***out, size_t *n, tidu_error *err) {
  *out = NULL;
  *n = 0;
  if (!month || strlen(month) != 7 || month[4] != '-')
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "月份无效 '%s'(应为 YYYY-MM) / invalid month '%s' (YYYY-MM)",
                          month ? month : "", month ? month : "");
  strs want = {0}, held = {0};
  tidu_code rc = TIDU_OK;
  if (chains) {
    const char *row[1] = {chains};
    int64_t num[1] = {0};
    add_chains(&want, 1, row, num);
  } else {
    rc = tidu_store_pq(s, PQ_POOL_CHAINS, NULL, 0, add_chains, &want, NULL, err);
  }
  if (rc == TIDU_OK)
    rc = tidu_store_pq(s, PQ_ACT_CHAINS, &PA_S(month), 1, add_chains, &held, NULL, err);
  if (rc == TIDU_OK && (want.nomem || held.nomem)) rc = prog_nomem(err);
  strs miss = {0};
  for (size_t i = 0; rc == TIDU_OK && i < want.n; i++) {
    int had = 0;
    for (size_t j = 0; j < held.n && !had; j++) had = !strcmp(want.v[i], held.v[j]);
    if (!had && push_str(&miss, want.v[i], strlen(want.v[i]))) rc = prog_nomem(err);
  }
  tidu_strings_free(want.v, want.n);
  tidu_strings_free(held.v, held.n);
  if (rc != TIDU_OK) {
    tidu_strings_free(miss.v, miss.n);
    return rc;
  }
  if (miss.n) qsort(miss.v, miss.n, sizeof *miss.v, cmp_str);
  *out = miss.v;
  *n = miss.n;
  return TIDU_OK;
}
