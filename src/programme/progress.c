/* Listing progress (上市进程): stages with dates, checked for order on each track unless forced. */
#include "programme/prog_int.h"
#include "tidu/toolkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ORDER: tracks run in this order; `pos` is the place on the track. Shareholding opens every
 * track. */
typedef struct stage_def {
  const char *name;
  const char *zh;
  char track; /* 'x' exchange, 'n' NEEQ, 'r' regional, '*' every track */
  int pos;
} stage_def;

static const stage_def STAGES[] = {
    {"shareholding", "股改", '*', 0},
    {"counselling", "辅导备案", 'x', 1},
    {"filed", "申报", 'x', 2},
    {"accepted", "受理", 'x', 3},
    {"inquiry", "问询", 'x', 4},
    {"committee", "上市委审议", 'x', 5},
    {"registered", "注册", 'x', 6},
    {"listed", "发行上市", 'x', 7},
    {"neeq_applied", "申请挂牌", 'n', 1},
    {"neeq_listed", "挂牌", 'n', 2},
    {"regional_listed", "入板", 'r', 1},
};
#define NSTAGES ((int)(sizeof STAGES / sizeof STAGES[0]))

static const char *const EXCHANGE_BOARDS[] = {"main", "chinext", "star", "bse", NULL};

int tidu_stage_count(void) {
  return NSTAGES;
}

int tidu_stage_find(const char *name) {
  for (int i = 0; name && i < NSTAGES; i++)
    if (!strcmp(STAGES[i].name, name) || !strcmp(STAGES[i].zh, name)) return i;
  return -1;
}

const char *tidu_stage_name(int stage) {
  return stage >= 0 && stage < NSTAGES ? STAGES[stage].name : "?";
}

const char *tidu_stage_zh(int stage) {
  return stage >= 0 && stage < NSTAGES ? STAGES[stage].zh : "?";
}

/* ---- the recorded stages ---- */

typedef struct list_ctx {
  tidu_progress_list *out;
  size_t cap;
  int nomem;
} list_ctx;

static int add_stage(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  list_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_progress_entry *e = &c->out->items[c->out->n++];
  memset(e, 0, sizeof *e);
  e->stage = tidu_stage_find(t[0]);
  snprintf(e->board, sizeof e->board, "%s", t[1] ? t[1] : "");
  snprintf(e->date, sizeof e->date, "%s", t[2] ? t[2] : "");
  e->forced = (int)num[3];
  e->reason = tidu_strdup(t[4]);
  return 0;
}

tidu_code tidu_progress_list_get(tidu_store *s, const char *uscc, tidu_progress_list *out,
                                 tidu_error *err) {
  memset(out, 0, sizeof *out);
  list_ctx c = {out, 0, 0};
  tidu_code rc = prog_need_firm(s, uscc, err);
  if (rc == TIDU_OK)
    rc = tidu_store_pq(s, PQ_PROGRESS_LIST, &PA_S(uscc), 1, add_stage, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) tidu_progress_list_free(out);
  return rc;
}

void tidu_progress_list_free(tidu_progress_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) free(l->items[i].reason);
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

/* ---- recording ---- */

/* Why the new stage is out of order, or "" when it is in order: on its track (shareholding
 * belongs to every track) no stage at the same or a later place may be recorded, no recorded
 * stage may be dated after it, and an exchange track keeps one board. */
static void check_order(const tidu_progress_list *l, int k, const char *board, const char *date,
                        char *why, size_t size) {
  const stage_def *d = &STAGES[k];
  why[0] = 0;
  for (size_t i = 0; i < l->n && !why[0]; i++) {
    const tidu_progress_entry *e = &l->items[i];
    if (e->stage < 0) continue;
    const stage_def *o = &STAGES[e->stage];
    if (d->track != '*' && o->track != '*' && o->track != d->track) continue;
    if (o->pos >= d->pos)
      snprintf(why, size,
               "已记录「%s」(%s),「%s」不能在其后 / %s (%s) is recorded; %s cannot come after it",
               o->zh, e->date, d->zh, o->name, e->date, d->name);
    else if (strcmp(date, e->date) < 0)
      snprintf(why, size, "日期 %s 早于已记录的「%s」(%s) / date %s is before %s recorded on %s",
               date, o->zh, e->date, date, o->name, e->date);
    else if (d->track == 'x' && o->track == 'x' && e->board[0] && strcmp(board, e->board))
      snprintf(why, size, "板块 %s 与已记录的 %s 不同 / board %s differs from the recorded %s",
               board, e->board, board, e->board);
  }
}

tidu_code tidu_progress_record(tidu_store *s, const char *uscc, const char *stage,
                               const char *board, const char *date, int force, const char *reason,
                               const tidu_actor *a, tidu_error *err) {
  int k = tidu_stage_find(stage);
  if (k < 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知上市进程阶段 '%s' / unknown stage '%s' (shareholding, counselling, "
                          "filed, accepted, inquiry, committee, registered, listed, "
                          "neeq_applied, neeq_listed, regional_listed)",
                          stage ? stage : "", stage ? stage : "");
  if (!prog_date_ok(date))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "日期无效 '%s'(应为 YYYY-MM-DD) / invalid date '%s' (YYYY-MM-DD)",
                          date ? date : "", date ? date : "");
  if (STAGES[k].track == 'x') {
    int ok = 0;
    for (int i = 0; board && EXCHANGE_BOARDS[i]; i++) ok |= !strcmp(board, EXCHANGE_BOARDS[i]);
    if (!ok)
      return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                            "阶段「%s」须指明板块 main|chinext|star|bse / stage %s needs a board "
                            "(main|chinext|star|bse)",
                            STAGES[k].zh, STAGES[k].name);
  } else if (STAGES[k].track == 'n') {
    board = "neeq";
  } else if (STAGES[k].track == 'r') {
    board = "regional";
  }
  if (force && (!reason || !*reason))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "--force 须说明理由 / --force needs a reason");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  tidu_progress_list l = {0};
  rc = tidu_progress_list_get(s, uscc, &l, err);
  char why[400] = "";
  if (rc == TIDU_OK) check_order(&l, k, board, date, why, sizeof why);
  if (rc == TIDU_OK && why[0] && !force)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "%s(如确需记录,用 --force 并说明理由 / "
                        "use --force with a reason to record it)",
                        why);
  char what[256];
  snprintf(what, sizeof what, "上市进程:%s%s%s %s%s / stage %s %s", STAGES[k].zh, board ? " " : "",
           board ? board : "", date, force && why[0] ? "(强制)" : "", STAGES[k].name, date);
  int64_t ev = 0;
  if (rc == TIDU_OK)
    rc = prog_event(s, a, "progress", uscc, what, force && why[0] ? reason : NULL, &ev, err);
  tidu_parg args[] = {PA_S(uscc), PA_S(STAGES[k].name),  PA_S(board),
                      PA_S(date), PA_I(force && why[0]), PA_S(force && why[0] ? reason : NULL),
                      PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_PROGRESS_ADD, args, 7, NULL, NULL, NULL, err);
  tidu_progress_list_free(&l);
  return prog_finish(s, own, rc, err);
}
