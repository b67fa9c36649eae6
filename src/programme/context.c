/* The programme context: its rule books and selections, and the scan that assesses registry
 * firms in chunks with the programme's computed fields filled in. */
#include "programme/prog_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tidu/num.h"
#include "tidu/toolkit.h"

static const char *const EXCHANGE[PROG_NEXCHANGE] = {"main", "chinext", "star", "bse"};
static const char *const TIER_IDS[PROG_NTIERS] = {"above_scale", "innovative_sme", "srdi_sme",
                                                  "little_giant", "single_champion"};

/* ---- small helpers ---- */

tidu_code prog_nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

int prog_list_has(const char *list, const char *item) {
  if (!list || !item || !*item) return 0;
  size_t n = strlen(item);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ';' || *p == ',') p++;
    const char *e = p;
    while (*e && *e != ';' && *e != ',') e++;
    size_t len = (size_t)(e - p);
    while (len && p[len - 1] == ' ') len--;
    if (len == n && !strncmp(p, item, n)) return 1;
    p = e;
  }
  return 0;
}

int prog_date_ok(const char *d) {
  int64_t days;
  return d && strlen(d) == 10 && tidu_parse_date(d, 10, 0, &days, NULL) == TIDU_OK;
}

void prog_today(char buf[11]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 11, "%Y-%m-%d", &tm);
}

tidu_code prog_event(tidu_store *s, const tidu_actor *a, const char *action, const char *uscc,
                     const char *what, const char *why, int64_t *id, tidu_error *err) {
  return tidu_store_event_add(s, a && a->who ? a->who : NULL, action, uscc, what, why,
                              a ? a->source : NULL, id, err);
}

tidu_code prog_begin(tidu_store *s, int *own, tidu_error *err) {
  *own = !tidu_store_in_tx(s);
  return *own ? tidu_store_begin(s, err) : TIDU_OK;
}

tidu_code prog_finish(tidu_store *s, int own, tidu_code rc, tidu_error *err) {
  if (!own) return rc;
  if (rc == TIDU_OK) return tidu_store_commit(s, err);
  tidu_store_rollback(s);
  return rc;
}

static int one_row(void *ud, int ncols, const char *const *text, const int64_t *num) {
  (void)ncols, (void)text, (void)num;
  *(int *)ud = 1;
  return 1;
}

tidu_code prog_need_firm(tidu_store *s, const char *uscc, tidu_error *err) {
  int found = 0;
  if (!uscc || !*uscc)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "缺少统一社会信用代码 / USCC missing");
  tidu_code rc = tidu_store_pq(s, PQ_FIRM_EXISTS, &PA_S(uscc), 1, one_row, &found, NULL, err);
  if (rc == TIDU_OK && !found)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "登记库中没有企业 %s / no firm %s in the registry", uscc, uscc);
  return rc;
}

/* ---- opening ---- */

static int find_rs(const tidu_selection *sel, const char *id) {
  for (size_t i = 0; sel && i < tidu_selection_count(sel); i++)
    if (!strcmp(tidu_ruleset_meta(tidu_selection_get(sel, i))->id, id)) return (int)i;
  return -1;
}

/* The first compile error of a programme rule file (file, line and column kept). */
static tidu_code rules_error(const tidu_errlist *errs, tidu_error *err) {
  if (errs->n) {
    if (err) *err = errs->items[0];
    return errs->items[0].code ? errs->items[0].code : TIDU_ERR_RULE;
  }
  return tidu_error_set(err, TIDU_ERR_RULE, NULL, 0, 0, "规则错误 / rule error");
}

static tidu_code set_order(tidu_programme *p, const char *order, tidu_error *err) {
  const char *o = order && *order ? order : "main,chinext,star,bse,neeq,regional";
  p->norder = 0;
  for (const char *q = o; *q;) {
    while (*q == ',' || *q == ' ') q++;
    const char *e = q;
    while (*e && *e != ',') e++;
    size_t len = (size_t)(e - q);
    if (len) {
      if (p->norder == PROG_MAXBOARDS || len >= sizeof p->order[0])
        return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                              "分层顺序过长 / board order too long: %s", o);
      memcpy(p->order[p->norder], q, len);
      p->order[p->norder][len] = 0;
      int k = find_rs(p->sel, p->order[p->norder]);
      if (k < 0 ||
          tidu_ruleset_meta(tidu_selection_get(p->sel, (size_t)k))->kind != TIDU_KIND_BOARD)
        return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                              "未知上市板块 '%s' / unknown board '%s'", p->order[p->norder],
                              p->order[p->norder]);
      p->rs_order[p->norder++] = k;
    }
    q = e;
  }
  return TIDU_OK;
}

tidu_code tidu_programme_open(const tidu_programme_options *opt, tidu_programme **out,
                              tidu_error *err) {
  *out = NULL;
  tidu_programme *p = tidu_calloc(1, sizeof *p);
  if (!p) return prog_nomem(err);
  p->as_of = opt ? opt->as_of : 0;
  p->reward_cap_fen = opt && opt->reward_cap_fen > 0 ? opt->reward_cap_fen : 50000000LL;
  p->threads = opt ? opt->threads : 0;
  snprintf(p->scope, sizeof p->scope, "%s", opt && opt->scope ? opt->scope : "");
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_code rc = TIDU_OK;
  p->book = tidu_rulebook_new();
  p->pbook = tidu_rulebook_new();
  if (!p->book || !p->pbook) rc = prog_nomem(err);
  if (rc == TIDU_OK && tidu_rulebook_add_builtin(p->book, &errs) != TIDU_OK)
    rc = rules_error(&errs, err);
  if (rc == TIDU_OK) {
    tidu_code r2 = opt && opt->rules_dir ? tidu_rulebook_add_dir(p->pbook, opt->rules_dir, &errs)
                                         : tidu_rulebook_add_builtin_programme(p->pbook, &errs);
    if (r2 != TIDU_OK)
      rc = r2 == TIDU_ERR_IO ? tidu_error_set(err, TIDU_ERR_IO, opt->rules_dir, 0, 0,
                                              "无法读取规则目录 / cannot "
                                              "read the rules directory")
                             : rules_error(&errs, err);
  }
  if (rc == TIDU_OK) p->sel_full = tidu_rulebook_select(p->book, p->as_of, NULL, err);
  if (rc == TIDU_OK && !p->sel_full) rc = err ? err->code : TIDU_ERR_RULE;
  p->sel = p->sel_full;
  if (rc == TIDU_OK) p->sel_scale = tidu_rulebook_select(p->book, p->as_of, "above_scale", err);
  if (rc == TIDU_OK && !p->sel_scale) rc = err ? err->code : TIDU_ERR_RULE;
  if (rc == TIDU_OK) p->psel = tidu_rulebook_select(p->pbook, p->as_of, NULL, err);
  if (rc == TIDU_OK && !p->psel) rc = err ? err->code : TIDU_ERR_RULE;
  if (rc == TIDU_OK) rc = set_order(p, opt ? opt->board_order : NULL, err);
  if (rc == TIDU_OK) {
    char ids[256] = "above_scale";
    for (size_t b = 0; b < p->norder; b++) {
      size_t used = strlen(ids);
      snprintf(ids + used, sizeof ids - used, ",%s", p->order[b]);
    }
    for (int i = 0; i < PROG_NEXCHANGE; i++) {
      size_t used = strlen(ids);
      if (find_rs(p->sel_full, EXCHANGE[i]) >= 0)
        snprintf(ids + used, sizeof ids - used, ",%s", EXCHANGE[i]);
    }
    p->sel_core = find_rs(p->sel_full, "above_scale") >= 0
                      ? tidu_rulebook_select(p->book, p->as_of, ids, err)
                      : NULL;
    if (find_rs(p->sel_full, "above_scale") >= 0 && !p->sel_core)
      rc = err ? err->code : TIDU_ERR_RULE;
  }
  if (rc == TIDU_OK) {
    prog_use_full(p, 0);
    p->rs_entry = find_rs(p->psel, "pool_entry");
    p->rs_exit = find_rs(p->psel, "pool_exit");
    p->rs_reward = find_rs(p->psel, "reward");
    for (int k = 0; k < 2 && rc == TIDU_OK; k++) {
      struct prog_slot *sl = &p->slot[k];
      sl->ev = tidu_eval_new();
      sl->ev_prev = tidu_eval_new();
      sl->pev = tidu_eval_new();
      sl->chunk = tidu_chunk_new(PROG_CHUNK);
      sl->chunk_prev = tidu_chunk_new(PROG_CHUNK);
      sl->firms = tidu_calloc(PROG_CHUNK, sizeof *sl->firms);
      if (!sl->ev || !sl->ev_prev || !sl->pev || !sl->chunk || !sl->chunk_prev || !sl->firms)
        rc = prog_nomem(err);
      for (size_t i = 0; sl->firms && i < PROG_CHUNK; i++) tidu_firm_init(&sl->firms[i]);
    }
  }
  tidu_errlist_free(&errs);
  if (rc != TIDU_OK) {
    tidu_programme_close(p);
    return rc;
  }
  *out = p;
  return TIDU_OK;
}

void tidu_programme_close(tidu_programme *p) {
  if (!p) return;
  for (int k = 0; k < 2; k++) {
    struct prog_slot *sl = &p->slot[k];
    tidu_eval_free(sl->ev);
    tidu_eval_free(sl->ev_prev);
    tidu_eval_free(sl->pev);
    tidu_chunk_free(sl->chunk);
    tidu_chunk_free(sl->chunk_prev);
    for (size_t i = 0; sl->firms && i < PROG_CHUNK; i++) tidu_firm_clear(&sl->firms[i]);
    free(sl->firms);
  }
  tidu_selection_free(p->sel_full);
  tidu_selection_free(p->sel_core);
  tidu_selection_free(p->sel_scale);
  tidu_selection_free(p->psel);
  tidu_rulebook_free(p->book);
  tidu_rulebook_free(p->pbook);
  free(p);
}

void prog_use_full(tidu_programme *p, int full) {
  p->sel = full || !p->sel_core ? p->sel_full : p->sel_core;
  for (size_t b = 0; b < p->norder; b++) p->rs_order[b] = find_rs(p->sel, p->order[b]);
  for (int i = 0; i < PROG_NEXCHANGE; i++) p->rs_exchange[i] = find_rs(p->sel, EXCHANGE[i]);
  for (int i = 0; i < PROG_NTIERS; i++) p->tiers[i] = find_rs(p->sel, TIER_IDS[i]);
}

/* ---- the scan ---- */

tidu_verdict prog_pverdict(const tidu_programme *p, const prog_chunk *c, int rs, size_t lane) {
  (void)p;
  if (rs < 0) return TIDU_V_NA;
  return tidu_eval_verdict(c->pev, (size_t)rs, TIDU_WHOLE, lane);
}

const char *prog_std_id(const tidu_selection *sel, int rs, int std) {
  if (rs < 0 || std < 0) return NULL;
  const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, (size_t)rs));
  return (size_t)std < m->nstandards ? m->standards[std].id : NULL;
}

const char *prog_passing_std(const tidu_programme *p, const prog_chunk *c, int rs, size_t lane) {
  if (rs < 0) return NULL;
  const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(p->psel, (size_t)rs));
  for (size_t k = 0; k < m->nstandards; k++)
    if (tidu_eval_verdict(c->pev, (size_t)rs, k, lane) == TIDU_V_PASS) return m->standards[k].id;
  return NULL;
}

/* Fills the computed fields of each lane from the board and above_scale verdicts. */
static void fill_computed(const tidu_programme *p, struct prog_slot *sl) {
  tidu_chunk *c = sl->chunk;
  for (size_t i = 0; i < sl->n; i++) {
    int elig = 0;
    double gap = INFINITY;
    for (int b = 0; b < PROG_NEXCHANGE; b++) {
      int rs = p->rs_exchange[b];
      if (rs < 0) continue;
      tidu_verdict v = tidu_eval_verdict(sl->ev, (size_t)rs, TIDU_WHOLE, i);
      if (v == TIDU_V_NA) continue;
      if (v == TIDU_V_PASS) elig = 1;
      double d = v == TIDU_V_PASS ? 0 : tidu_eval_distance(sl->ev, (size_t)rs, TIDU_WHOLE, i);
      if (d < gap) gap = d;
    }
    c->firm[TIDU_F_BOARD_ELIGIBLE][i] = elig;
    c->firm[TIDU_F_BOARD_GAP][i] =
        isfinite(gap) ? (int64_t)llround(gap * (double)TIDU_SCALE_RATIO) : TIDU_MISSING;
    int newly = 0;
    if (p->tiers[T_ABOVE_SCALE] >= 0) {
      tidu_verdict now = tidu_eval_verdict(sl->ev, (size_t)p->tiers[T_ABOVE_SCALE], TIDU_WHOLE, i);
      tidu_verdict before = tidu_eval_verdict(sl->ev_prev, 0, TIDU_WHOLE, i);
      newly = now == TIDU_V_PASS && before == TIDU_V_FAIL;
    }
    c->firm[TIDU_F_NEWLY_ABOVE_SCALE][i] = newly;
    const char *region = c->text[TIDU_F_REGION][i];
    c->firm[TIDU_F_IN_SCOPE][i] =
        !p->scope[0] || (region && !strncmp(region, p->scope, strlen(p->scope)));
  }
}

/* Assesses the firms of a slot (this year's rule sets, last year's above_scale, then the
 * programme's, which read the computed fields). Touches only the slot and reads p: it runs
 * on a worker thread while the next chunk is read. */
static tidu_code assess_slot(const tidu_programme *p, struct prog_slot *sl, int32_t year,
                             tidu_error *err) {
  tidu_chunk_reset(sl->chunk);
  tidu_chunk_reset(sl->chunk_prev);
  for (size_t i = 0; i < sl->n; i++) {
    if (tidu_chunk_add(sl->chunk, &sl->firms[i], year) != TIDU_OK ||
        tidu_chunk_add(sl->chunk_prev, &sl->firms[i], year - 1) != TIDU_OK)
      return prog_nomem(err);
  }
  tidu_code rc = tidu_assess_chunk(p->sel, sl->chunk, p->as_of, sl->ev, err);
  if (rc == TIDU_OK)
    rc = tidu_assess_chunk(p->sel_scale, sl->chunk_prev, p->as_of, sl->ev_prev, err);
  if (rc != TIDU_OK) return rc;
  fill_computed(p, sl);
  return tidu_assess_chunk(p->psel, sl->chunk, p->as_of, sl->pev, err);
}

typedef struct assess_job {
  const tidu_programme *p;
  struct prog_slot *sl;
  int32_t year;
  tidu_code rc;
  tidu_error err;
  pthread_t th;
  int running; /* on a worker thread, to be joined */
} assess_job;

static void *assess_main(void *arg) {
  assess_job *j = arg;
  j->rc = assess_slot(j->p, j->sl, j->year, &j->err);
  return NULL;
}

/* Starts assessing a slot: on a worker thread when there is more than one processor and a
 * thread can be had, else at once. */
static void assess_start(assess_job *j, const tidu_programme *p, struct prog_slot *sl, int32_t year,
                         int threads) {
  j->p = p;
  j->sl = sl;
  j->year = year;
  j->rc = TIDU_OK;
  tidu_error_clear(&j->err);
  j->running = threads && pthread_create(&j->th, NULL, assess_main, j) == 0;
  if (!j->running) assess_main(j);
}

/* Waits for the slot's assessment; its result. */
static tidu_code assess_wait(assess_job *j, tidu_error *err) {
  if (j->running) pthread_join(j->th, NULL);
  j->running = 0;
  if (j->rc != TIDU_OK && err) *err = j->err;
  return j->rc;
}

/* What a scan of the whole registry reads: the fields of the rule sets in use (this year's,
 * the year before's above_scale, the programme's) and those the scans' callbacks read
 * (ORDER: keep in step with review.c, ladder.c, keyfirms.c and targets.c); the fiscal years
 * the two chunks hold. */
static void scan_spec(const tidu_programme *p, int32_t year, unsigned char *firm,
                      unsigned char *yfield, tidu_store_scan_spec *spec) {
  static const int callbacks[] = {
      TIDU_F_USCC,           TIDU_F_NAME,           TIDU_F_REGION,
      TIDU_F_CHAINS,         TIDU_F_LISTING_STATUS, TIDU_F_LISTING_STAGE,
      TIDU_F_NEEQ_LISTED_ON, TIDU_F_TITLES,         TIDU_F_LISTING_INTENTION};
  tidu_selection_fields(p->sel, firm, yfield);
  tidu_selection_fields(p->sel_scale, firm, yfield);
  tidu_selection_fields(p->psel, firm, yfield);
  for (size_t i = 0; i < sizeof callbacks / sizeof callbacks[0]; i++) firm[callbacks[i]] = 1;
  yfield[TIDU_Y_REVENUE] = 1;
  memset(spec, 0, sizeof *spec);
  spec->firm = firm;
  spec->year = yfield;
  /* offsets [0 .. TIDU_CHUNK_YEARS - 1] of `year` and of the year before */
  spec->year_min = year - TIDU_CHUNK_YEARS;
  spec->year_max = year;
}

/* Reads the next chunk of firms into a slot: from the scan, or the listed firms. */
static tidu_code read_slot(tidu_store *s, tidu_store_scan *it, char *const *uscc, size_t n,
                           size_t *next, struct prog_slot *sl, int *done, tidu_error *err) {
  tidu_code rc = TIDU_OK;
  sl->n = 0;
  while (rc == TIDU_OK && sl->n < PROG_CHUNK && !*done) {
    tidu_firm *f = &sl->firms[sl->n];
    if (it) {
      rc = tidu_store_scan_next(it, f, done, err);
      if (rc == TIDU_OK && !*done) sl->n++;
    } else if (*next < n) {
      int deleted = 0;
      tidu_firm_clear(f);
      rc = tidu_store_get(s, uscc[(*next)++], f, &deleted, err);
      if (rc == TIDU_OK) sl->n++;
    } else {
      *done = 1;
    }
  }
  return rc;
}

tidu_code prog_scan(tidu_programme *p, tidu_store *s, int32_t year, char *const *uscc, size_t n,
                    prog_fn fn, void *ud, tidu_error *err) {
  tidu_store_scan *it = NULL;
  tidu_code rc = TIDU_OK;
  if (!uscc) {
    unsigned char firm[TIDU_NFIRM] = {0}, yfield[TIDU_NYEAR] = {0};
    tidu_store_scan_spec spec;
    scan_spec(p, year, firm, yfield, &spec);
    rc = tidu_store_scan_open(s, &spec, &it, err);
  }
  /* the store is used by this thread only (reading, and the callbacks, in order); a worker
   * assesses chunk k while chunk k + 1 is read */
  int threads = p->threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1;
  assess_job job = {0};
  int pending = -1; /* the slot being assessed */
  size_t next = 0;
  int done = 0, cur = 0;
  while (rc == TIDU_OK && (!done || pending >= 0)) {
    struct prog_slot *sl = &p->slot[cur];
    sl->n = 0;
    if (!done) rc = read_slot(s, it, uscc, n, &next, sl, &done, err);
    if (pending >= 0) {
      tidu_code arc = assess_wait(&job, rc == TIDU_OK ? err : NULL);
      if (rc == TIDU_OK) rc = arc;
      const struct prog_slot *ps = &p->slot[pending];
      prog_chunk c = {ps->firms, ps->n, year, ps->ev, ps->ev_prev, ps->pev, ps->chunk};
      if (rc == TIDU_OK) rc = fn(ud, p, &c, err);
      pending = -1;
    }
    if (rc == TIDU_OK && sl->n) {
      assess_start(&job, p, sl, year, threads);
      pending = cur;
      cur ^= 1;
    }
  }
  if (pending >= 0) assess_wait(&job, NULL);
  tidu_store_scan_close(it);
  return rc;
}
