/* The reserve pool's lifecycle (proposed -> admitted | rejected; admitted -> exited), its
 * lists, the audit events, tracking officers and the consulting log. */
#include "programme/prog_int.h"
#include "tidu/toolkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

static const char *const STATE[] = {"proposed", "admitted", "rejected", "exited"};
static const char *const STATE_ZH[] = {"拟入库", "已入库", "未通过", "已出库"};
static const char *const SOURCE[] = {"local", "institution", "self", "review"};
static const char *const SOURCE_ZH[] = {"地方发动", "机构推荐", "自愿申报", "规则筛选"};
static const char *const EXIT[] = {"none",     "listed", "standard", "withdrawn",
                                   "red_flag", "moved",  "other"};
static const char *const EXIT_ZH[] = {
    "", "已上市", "不再符合入库标准", "放弃上市意向", "出现负面情形", "迁出本地区", "其他"};

#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

static int find_name(const char *const *names, int n, const char *s) {
  for (int i = 0; s && i < n; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}

const char *tidu_pool_state_name(tidu_pool_state s) {
  return (unsigned)s < 4 ? STATE[s] : "?";
}
const char *tidu_pool_state_zh(tidu_pool_state s) {
  return (unsigned)s < 4 ? STATE_ZH[s] : "?";
}
int tidu_pool_state_find(const char *name) {
  return find_name(STATE, COUNT(STATE), name);
}
const char *tidu_pool_source_name(tidu_pool_source s) {
  return (unsigned)s < 4 ? SOURCE[s] : "?";
}
const char *tidu_pool_source_zh(tidu_pool_source s) {
  return (unsigned)s < 4 ? SOURCE_ZH[s] : "?";
}
int tidu_pool_source_find(const char *name) {
  return find_name(SOURCE, COUNT(SOURCE), name);
}
const char *tidu_exit_reason_name(tidu_exit_reason r) {
  return (unsigned)r < 7 ? EXIT[r] : "?";
}
const char *tidu_exit_reason_zh(tidu_exit_reason r) {
  return (unsigned)r < 7 ? EXIT_ZH[r] : "?";
}
int tidu_exit_reason_find(const char *name) {
  int k = find_name(EXIT, COUNT(EXIT), name);
  return k == 0 ? -1 : k;
}

/* ---- one pool row ---- */

typedef struct pool_row {
  int found;
  int state, source, exit_reason;
  char by[256], note[512], officer[128];
} pool_row;

static int read_row(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)num;
  pool_row *r = ud;
  r->found = 1;
  r->state = tidu_pool_state_find(t[0]);
  r->source = tidu_pool_source_find(t[1]);
  snprintf(r->by, sizeof r->by, "%s", t[2] ? t[2] : "");
  snprintf(r->note, sizeof r->note, "%s", t[3] ? t[3] : "");
  r->exit_reason = t[4] ? find_name(EXIT, COUNT(EXIT), t[4]) : 0;
  snprintf(r->officer, sizeof r->officer, "%s", t[5] ? t[5] : "");
  return 1;
}

static tidu_code get_row(tidu_store *s, const char *uscc, pool_row *r, tidu_error *err) {
  memset(r, 0, sizeof *r);
  return tidu_store_pq(s, PQ_POOL_GET, &PA_S(uscc), 1, read_row, r, NULL, err);
}

static tidu_code write_row(tidu_store *s, const char *uscc, const pool_row *old, int state,
                           int source, const char *by, const char *note, int exit_reason,
                           int64_t event, tidu_error *err) {
  char now[32];
  prog_today(now);
  if (!old->found) {
    tidu_parg a[] = {PA_S(uscc), PA_S(STATE[state]), PA_S(SOURCE[source]), PA_S(by),
                     PA_S(note), PA_S(now),          PA_I(event)};
    return tidu_store_pq(s, PQ_POOL_INSERT, a, 7, NULL, NULL, NULL, err);
  }
  tidu_parg a[] = {PA_S(uscc), PA_S(STATE[state]), PA_S(SOURCE[source]),
                   PA_S(by),   PA_S(note),         PA_S(exit_reason ? EXIT[exit_reason] : NULL),
                   PA_S(now),  PA_I(event)};
  return tidu_store_pq(s, PQ_POOL_UPDATE, a, 8, NULL, NULL, NULL, err);
}

static tidu_code no_firm_in_pool(const char *uscc, tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "企业 %s 不在上市后备企业库中 / firm %s is not in the pool", uscc, uscc);
}

/* ---- lifecycle ---- */

tidu_code tidu_pool_add(tidu_store *s, const char *uscc, tidu_pool_source src, const char *by,
                        const char *note, const tidu_actor *a, tidu_error *err) {
  if ((unsigned)src > TIDU_SRC_REVIEW)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "未知来源 / unknown source");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  rc = prog_need_firm(s, uscc, err);
  pool_row r;
  if (rc == TIDU_OK) rc = get_row(s, uscc, &r, err);
  if (rc == TIDU_OK && r.found && (r.state == TIDU_POOL_PROPOSED || r.state == TIDU_POOL_ADMITTED))
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "企业 %s 已在库中(%s) / firm %s is already in the pool (%s)", uscc,
                        STATE_ZH[r.state], uscc, STATE[r.state]);
  int64_t ev = 0;
  char what[256];
  snprintf(what, sizeof what, "拟入库,来源 %s%s%s / proposed, source %s", SOURCE_ZH[src],
           by ? " " : "", by ? by : "", SOURCE[src]);
  if (rc == TIDU_OK) rc = prog_event(s, a, "pool.add", uscc, what, note, &ev, err);
  if (rc == TIDU_OK)
    rc = write_row(s, uscc, &r, TIDU_POOL_PROPOSED, (int)src, by, note, 0, ev, err);
  return prog_finish(s, own, rc, err);
}

/* Moves a firm from state `from` to `to`. */
static tidu_code move(tidu_store *s, const char *uscc, int from, int to, int exit_reason,
                      const char *action, const char *why, const tidu_actor *a, tidu_error *err) {
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  rc = prog_need_firm(s, uscc, err);
  pool_row r;
  if (rc == TIDU_OK) rc = get_row(s, uscc, &r, err);
  if (rc == TIDU_OK && !r.found) rc = no_firm_in_pool(uscc, err);
  if (rc == TIDU_OK && r.state != from)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "企业 %s 当前为「%s」,不能%s / firm %s is %s, cannot be %s", uscc,
                        STATE_ZH[r.state], STATE_ZH[to], uscc, STATE[r.state], STATE[to]);
  char what[256];
  if (exit_reason)
    snprintf(what, sizeof what, "%s → %s:%s / %s -> %s: %s", STATE_ZH[from], STATE_ZH[to],
             EXIT_ZH[exit_reason], STATE[from], STATE[to], EXIT[exit_reason]);
  else
    snprintf(what, sizeof what, "%s → %s / %s -> %s", STATE_ZH[from], STATE_ZH[to], STATE[from],
             STATE[to]);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, action, uscc, what, why, &ev, err);
  if (rc == TIDU_OK)
    rc = write_row(s, uscc, &r, to, r.source, r.by[0] ? r.by : NULL, r.note[0] ? r.note : NULL,
                   exit_reason, ev, err);
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_pool_admit(tidu_store *s, const char *uscc, const char *why, const tidu_actor *a,
                          tidu_error *err) {
  return move(s, uscc, TIDU_POOL_PROPOSED, TIDU_POOL_ADMITTED, 0, "pool.admit", why, a, err);
}

tidu_code tidu_pool_reject(tidu_store *s, const char *uscc, const char *why, const tidu_actor *a,
                           tidu_error *err) {
  if (!why || !*why)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未通过须说明理由 / a rejection needs a reason");
  return move(s, uscc, TIDU_POOL_PROPOSED, TIDU_POOL_REJECTED, 0, "pool.reject", why, a, err);
}

tidu_code tidu_pool_exit(tidu_store *s, const char *uscc, tidu_exit_reason reason, const char *why,
                         const tidu_actor *a, tidu_error *err) {
  if (reason <= TIDU_EXIT_NONE || reason > TIDU_EXIT_OTHER)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "出库须给出原因(listed|standard|withdrawn|red_flag|moved|other) / an "
                          "exit needs a reason (listed|standard|withdrawn|red_flag|moved|other)");
  if (reason == TIDU_EXIT_OTHER && (!why || !*why))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "原因为「其他」时须说明 / reason 'other' needs an explanation");
  return move(s, uscc, TIDU_POOL_ADMITTED, TIDU_POOL_EXITED, (int)reason, "pool.exit", why, a, err);
}

/* ---- lists ---- */

void tidu_pool_filter_init(tidu_pool_filter *f) {
  memset(f, 0, sizeof *f);
  f->state = -1;
  f->source = -1;
}

typedef struct list_ctx {
  const tidu_pool_filter *f;
  tidu_pool_list *out;
  size_t cap;
  int nomem;
} list_ctx;

static int starts(const char *s, const char *prefix) {
  return !prefix || !*prefix || (s && !strncmp(s, prefix, strlen(prefix)));
}

static int add_entry(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)num;
  list_ctx *c = ud;
  const tidu_pool_filter *f = c->f;
  int state = tidu_pool_state_find(t[5]), source = tidu_pool_source_find(t[6]);
  if (f && f->state >= 0 && state != f->state) return 0;
  if (f && f->source >= 0 && source != f->source) return 0;
  if (f && !starts(t[2], f->region_prefix)) return 0;
  if (f && !starts(t[3], f->industry_prefix)) return 0;
  if (f && f->chain && *f->chain && !prog_list_has(t[4], f->chain)) return 0;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_pool_entry *e = &c->out->items[c->out->n++];
  memset(e, 0, sizeof *e);
  snprintf(e->uscc, sizeof e->uscc, "%s", t[0]);
  e->name = tidu_strdup(t[1]);
  e->region = tidu_strdup(t[2]);
  e->industry = tidu_strdup(t[3]);
  e->chains = tidu_strdup(t[4]);
  e->state = state < 0 ? TIDU_POOL_PROPOSED : (tidu_pool_state)state;
  e->source = source < 0 ? TIDU_SRC_LOCAL : (tidu_pool_source)source;
  e->by = tidu_strdup(t[7]);
  e->note = tidu_strdup(t[8]);
  e->exit_reason = t[9] ? (tidu_exit_reason)find_name(EXIT, COUNT(EXIT), t[9]) : TIDU_EXIT_NONE;
  if ((int)e->exit_reason < 0) e->exit_reason = TIDU_EXIT_OTHER;
  e->officer = tidu_strdup(t[10]);
  snprintf(e->added_at, sizeof e->added_at, "%s", t[11] ? t[11] : "");
  snprintf(e->changed_at, sizeof e->changed_at, "%s", t[12] ? t[12] : "");
  return 0;
}

tidu_code tidu_pool_list_get(tidu_store *s, const tidu_pool_filter *f, tidu_pool_list *out,
                             tidu_error *err) {
  memset(out, 0, sizeof *out);
  list_ctx c = {f, out, 0, 0};
  tidu_code rc = tidu_store_pq(s, PQ_POOL_LIST, NULL, 0, add_entry, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_pool_list_free(out);
  return rc;
}

void tidu_pool_list_free(tidu_pool_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) {
    tidu_pool_entry *e = &l->items[i];
    free(e->name);
    free(e->region);
    free(e->industry);
    free(e->chains);
    free(e->by);
    free(e->note);
    free(e->officer);
  }
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

/* ---- events ---- */

typedef struct ev_ctx {
  tidu_event_list *out;
  size_t cap;
  int nomem;
} ev_ctx;

static int add_event(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  ev_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_event *e = &c->out->items[c->out->n++];
  e->id = num[0];
  e->at = tidu_strdup(t[1]);
  e->who = tidu_strdup(t[2]);
  e->action = tidu_strdup(t[3]);
  e->uscc = tidu_strdup(t[4]);
  e->what = tidu_strdup(t[5]);
  e->why = tidu_strdup(t[6]);
  e->source = tidu_strdup(t[7]);
  return 0;
}

tidu_code tidu_events_list(tidu_store *s, const tidu_event_filter *f, tidu_event_list *out,
                           tidu_error *err) {
  memset(out, 0, sizeof *out);
  ev_ctx c = {out, 0, 0};
  tidu_parg a[] = {PA_S(f ? f->uscc : NULL), PA_S(f ? f->action : NULL), PA_S(f ? f->since : NULL),
                   PA_I(f && f->limit ? (int64_t)f->limit : INT64_MAX)};
  tidu_code rc = tidu_store_pq(s, PQ_EVENTS, a, 4, add_event, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_event_list_free(out);
  return rc;
}

void tidu_event_list_free(tidu_event_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) {
    tidu_event *e = &l->items[i];
    free(e->at);
    free(e->who);
    free(e->action);
    free(e->uscc);
    free(e->what);
    free(e->why);
    free(e->source);
  }
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

/* ---- officers and the consulting log ---- */

tidu_code tidu_pool_assign(tidu_store *s, const char *uscc, const char *officer,
                           const tidu_actor *a, tidu_error *err) {
  if (!officer || !*officer)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "缺少跟踪人员姓名 / the officer's name is missing");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  rc = prog_need_firm(s, uscc, err);
  pool_row r;
  if (rc == TIDU_OK) rc = get_row(s, uscc, &r, err);
  if (rc == TIDU_OK &&
      (!r.found || (r.state != TIDU_POOL_PROPOSED && r.state != TIDU_POOL_ADMITTED)))
    rc = no_firm_in_pool(uscc, err);
  char what[256];
  snprintf(what, sizeof what, "专人跟踪 %s%s%s / officer %s", officer, r.officer[0] ? ",原为 " : "",
           r.officer, officer);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "pool.assign", uscc, what, NULL, &ev, err);
  tidu_parg args[] = {PA_S(uscc), PA_S(officer), PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_POOL_OFFICER, args, 3, NULL, NULL, NULL, err);
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_pool_log_add(tidu_store *s, const char *uscc, const char *date, const char *text,
                            const tidu_actor *a, tidu_error *err) {
  char today[11];
  prog_today(today);
  if (!date) date = today;
  if (!prog_date_ok(date))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "日期无效 '%s'(应为 YYYY-MM-DD) / invalid date '%s' (YYYY-MM-DD)", date,
                          date);
  if (!text || !*text)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "记录内容为空 / empty note");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  rc = prog_need_firm(s, uscc, err);
  pool_row r;
  if (rc == TIDU_OK) rc = get_row(s, uscc, &r, err);
  if (rc == TIDU_OK && !r.found) rc = no_firm_in_pool(uscc, err);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "pool.log", uscc, text, date, &ev, err);
  tidu_parg args[] = {PA_S(uscc), PA_S(date), PA_S(text), PA_S(a && a->who ? a->who : "unknown"),
                      PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_LOG_ADD, args, 5, NULL, NULL, NULL, err);
  return prog_finish(s, own, rc, err);
}

typedef struct log_ctx {
  tidu_log_list *out;
  size_t cap;
  int nomem;
} log_ctx;

static int add_log(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  log_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_log_entry *e = &c->out->items[c->out->n++];
  e->id = num[0];
  snprintf(e->date, sizeof e->date, "%s", t[1] ? t[1] : "");
  e->text = tidu_strdup(t[2]);
  e->who = tidu_strdup(t[3]);
  return 0;
}

tidu_code tidu_pool_log_list(tidu_store *s, const char *uscc, tidu_log_list *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  log_ctx c = {out, 0, 0};
  tidu_code rc = prog_need_firm(s, uscc, err);
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_LOG_LIST, &PA_S(uscc), 1, add_log, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_log_list_free(out);
  return rc;
}

void tidu_log_list_free(tidu_log_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].text);
    free(l->items[i].who);
  }
  free(l->items);
  l->items = NULL;
  l->n = 0;
}
