/* The gradient ladder (梯度): each registry firm's rung in a year, counts by region or chain,
 * recorded ladders, and the transitions against the year before with the 小升规 reward. */
#include "programme/prog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/num.h"
#include "tidu/toolkit.h"

/* ---- names ---- */

static const char *const RUNG[TIDU_NRUNGS] = {"small",        "above_scale",  "innovative_sme",
                                              "srdi_sme",     "little_giant", "single_champion",
                                              "shareholding", "neeq",         "listed"};
static const char *const RUNG_ZH[TIDU_NRUNGS] = {"小微/未规上", "规上",        "创新型中小企业",
                                                 "专精特新",    "小巨人",      "单项冠军",
                                                 "股改完成",    "新三板/专板", "上市"};
static const char *const MOVE[TIDU_NMOVES] = {"none",       "up_scale",  "up_strong", "up_shares",
                                              "up_listing", "up_within", "down"};
static const char *const MOVE_ZH[TIDU_NMOVES] = {"",       "小升规", "规转强", "强转股",
                                                 "股上市", "升级",   "下降"};

const char *tidu_rung_name(tidu_rung r) {
  return (unsigned)r < TIDU_NRUNGS ? RUNG[r] : "?";
}
const char *tidu_rung_zh(tidu_rung r) {
  return (unsigned)r < TIDU_NRUNGS ? RUNG_ZH[r] : "?";
}
const char *tidu_move_name(tidu_move m) {
  return (unsigned)m < TIDU_NMOVES ? MOVE[m] : "?";
}
const char *tidu_move_zh(tidu_move m) {
  return (unsigned)m < TIDU_NMOVES ? MOVE_ZH[m] : "?";
}

static tidu_move move_of(int from, int to) {
  if (to < from) return TIDU_MOVE_DOWN;
  if (to == from) return TIDU_MOVE_NONE;
  if (to >= TIDU_RUNG_NEEQ && from < TIDU_RUNG_NEEQ) return TIDU_MOVE_UP_LISTING;
  if (to >= TIDU_RUNG_SHAREHOLDING && from < TIDU_RUNG_SHAREHOLDING) return TIDU_MOVE_UP_SHARES;
  if (to >= TIDU_RUNG_SRDI && from < TIDU_RUNG_SRDI) return TIDU_MOVE_UP_STRONG;
  if (to >= TIDU_RUNG_ABOVE_SCALE && from < TIDU_RUNG_ABOVE_SCALE) return TIDU_MOVE_UP_SCALE;
  return TIDU_MOVE_UP_WITHIN;
}

/* ---- recorded progress up to a date, by USCC ---- */

static int add_progress(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols, (void)num;
  prog_rungs *x = ud;
  const char *stage = t[1] ? t[1] : "";
  uint8_t r = !strcmp(stage, "listed") ? TIDU_RUNG_LISTED
              : !strcmp(stage, "neeq_listed") || !strcmp(stage, "regional_listed")
                  ? TIDU_RUNG_NEEQ
                  : TIDU_RUNG_SHAREHOLDING;
  if (x->n && !strcmp(x->v[x->n - 1].uscc, t[0])) {
    if (r > x->v[x->n - 1].rung) x->v[x->n - 1].rung = r;
    return 0;
  }
  if (TIDU_PUSH_ROOM(x->v, x->n, x->cap) != 0) return x->nomem = 1;
  snprintf(x->v[x->n].uscc, sizeof x->v[0].uscc, "%s", t[0]);
  x->v[x->n++].rung = r;
  return 0;
}

static int cmp_prog(const void *a, const void *b) {
  return strcmp(((const prog_rung *)a)->uscc, ((const prog_rung *)b)->uscc);
}

static int progress_rung(const prog_rungs *x, const char *uscc) {
  prog_rung key;
  snprintf(key.uscc, sizeof key.uscc, "%s", uscc ? uscc : "");
  const prog_rung *f = x->n ? bsearch(&key, x->v, x->n, sizeof *x->v, cmp_prog) : NULL;
  return f ? f->rung : -1;
}

/* ---- one firm's rung ---- */

int prog_rung_of(const tidu_programme *p, const prog_chunk *c, size_t i, int64_t year_end,
                 const prog_rungs *pr) {
  const tidu_firm *f = &c->firms[i];
  const char *status = tidu_enum_name(TIDU_E_listing_status, (int)f->v[TIDU_F_LISTING_STATUS]);
  int r = TIDU_RUNG_SMALL;
  int prog = progress_rung(pr, f->text[TIDU_F_USCC]);
  int64_t neeq_on = f->v[TIDU_F_NEEQ_LISTED_ON];
  if (!strcmp(status, "bse") || !strcmp(status, "star") || !strcmp(status, "chinext") ||
      !strcmp(status, "main") || prog == TIDU_RUNG_LISTED)
    return TIDU_RUNG_LISTED;
  if (((!strcmp(status, "neeq_basic") || !strcmp(status, "neeq_innovative") ||
        !strcmp(status, "regional")) &&
       (neeq_on == TIDU_MISSING || neeq_on <= year_end)) ||
      prog == TIDU_RUNG_NEEQ)
    return TIDU_RUNG_NEEQ;
  const char *stage = tidu_enum_name(TIDU_E_listing_stage, (int)f->v[TIDU_F_LISTING_STAGE]);
  if (prog == TIDU_RUNG_SHAREHOLDING || !strcmp(stage, "shareholding") ||
      !strcmp(stage, "counselling") || !strcmp(stage, "filed") || !strcmp(stage, "registered"))
    return TIDU_RUNG_SHAREHOLDING;
  int64_t titles = f->v[TIDU_F_TITLES];
  if (titles & (1 << 5)) return TIDU_RUNG_CHAMPION;
  if (titles & (1 << 4)) return TIDU_RUNG_LITTLE_GIANT;
  if (titles & (1 << 3)) return TIDU_RUNG_SRDI;
  if (titles & (1 << 2)) return TIDU_RUNG_INNOVATIVE;
  if (p->tiers[T_ABOVE_SCALE] >= 0 &&
      tidu_eval_verdict(c->ev, (size_t)p->tiers[T_ABOVE_SCALE], TIDU_WHOLE, i) == TIDU_V_PASS)
    r = TIDU_RUNG_ABOVE_SCALE;
  return r;
}

/* ---- the ladder ---- */

typedef struct firm_rec {
  tidu_ladder_firm f;
  char *chains;
  char *name;
  uint8_t *verdicts; /* one per rule set of p->sel, for transitions */
  int reward;
  char *reward_why;
} firm_rec;

typedef struct scan_ctx {
  prog_rungs pr;
  int64_t year_end;
  firm_rec *v;
  size_t n, cap;
  int keep_verdicts; /* transitions */
  size_t nrs;
} scan_ctx;

static void free_recs(scan_ctx *x) {
  for (size_t i = 0; i < x->n; i++) {
    free(x->v[i].chains);
    free(x->v[i].name);
    free(x->v[i].verdicts);
    free(x->v[i].reward_why);
  }
  free(x->v);
  free(x->pr.v);
  x->v = NULL;
  x->pr.v = NULL;
  x->n = 0;
}

static tidu_code scan_chunk(void *ud, tidu_programme *p, const prog_chunk *c, tidu_error *err) {
  scan_ctx *x = ud;
  for (size_t i = 0; i < c->n; i++) {
    const tidu_firm *f = &c->firms[i];
    if (TIDU_PUSH_ROOM(x->v, x->n, x->cap) != 0) return prog_nomem(err);
    firm_rec *r = &x->v[x->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->f.uscc, sizeof r->f.uscc, "%s", f->text[TIDU_F_USCC]);
    snprintf(r->f.region, sizeof r->f.region, "%s",
             f->text[TIDU_F_REGION] ? f->text[TIDU_F_REGION] : "");
    r->f.rung = (uint8_t)prog_rung_of(p, c, i, x->year_end, &x->pr);
    r->chains = tidu_strdup(f->text[TIDU_F_CHAINS]);
    if (f->text[TIDU_F_CHAINS] && !r->chains) return prog_nomem(err);
    if (x->keep_verdicts) {
      r->name = tidu_strdup(f->text[TIDU_F_NAME]);
      r->verdicts = tidu_malloc(x->nrs ? x->nrs : 1);
      if (!r->verdicts) return prog_nomem(err);
      for (size_t k = 0; k < x->nrs; k++)
        r->verdicts[k] = (uint8_t)tidu_eval_verdict(c->ev, k, TIDU_WHOLE, i);
      if (prog_pverdict(p, c, p->rs_reward, i) == TIDU_V_PASS) {
        const char *st = prog_passing_std(p, c, p->rs_reward, i);
        char why[200];
        snprintf(why, sizeof why, "首次规上 %d 年;%s / newly above scale in %d; %s", c->year,
                 st ? st : "reward", c->year, st ? st : "reward");
        r->reward = 1;
        r->reward_why = tidu_strdup(why);
      }
    }
  }
  return TIDU_OK;
}

tidu_code prog_load_progress(tidu_store *s, int32_t year, prog_rungs *pr, tidu_error *err) {
  memset(pr, 0, sizeof *pr);
  char until[11];
  snprintf(until, sizeof until, "%04d-12-31", (int)year);
  tidu_code rc = tidu_store_pq(s, PQ_PROGRESS_ALL, &PA_S(until), 1, add_progress, pr, NULL, err);
  if (rc == TIDU_OK && pr->nomem) rc = prog_nomem(err);
  if (rc != TIDU_OK) {
    free(pr->v);
    memset(pr, 0, sizeof *pr);
  }
  return rc;
}

static tidu_code scan_year(tidu_programme *p, tidu_store *s, int32_t year, int keep, scan_ctx *x,
                           tidu_error *err) {
  memset(x, 0, sizeof *x);
  x->keep_verdicts = keep;
  x->nrs = tidu_selection_count(p->sel);
  x->year_end = tidu_days_from_civil(year, 12, 31);
  tidu_code rc = prog_load_progress(s, year, &x->pr, err);
  if (rc == TIDU_OK) rc = prog_scan(p, s, year, NULL, 0, scan_chunk, x, err);
  if (rc != TIDU_OK) free_recs(x);
  return rc;
}

/* Adds the counts of `rung` under `key` to the groups. */
static tidu_code count_group(tidu_ladder *l, size_t *cap, const char *key, size_t len, int rung,
                             tidu_error *err) {
  for (size_t g = l->ngroups; g-- > 0;)
    if (strlen(l->groups[g].key) == len && !strncmp(l->groups[g].key, key, len)) {
      l->groups[g].counts[rung]++;
      return TIDU_OK;
    }
  if (TIDU_PUSH_ROOM(l->groups, l->ngroups, *cap) != 0) return prog_nomem(err);
  tidu_ladder_group *g = &l->groups[l->ngroups];
  memset(g, 0, sizeof *g);
  g->key = tidu_strndup(key, len);
  if (!g->key) return prog_nomem(err);
  l->ngroups++;
  g->counts[rung]++;
  return TIDU_OK;
}

static int cmp_group(const void *a, const void *b) {
  return strcmp(((const tidu_ladder_group *)a)->key, ((const tidu_ladder_group *)b)->key);
}

static tidu_code record_ladder(tidu_store *s, const tidu_ladder *l, const tidu_actor *a,
                               tidu_error *err) {
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  char what[200];
  snprintf(what, sizeof what, "记录 %d 年度梯度 %zu 家 / ladder of %d recorded for %zu firms",
           l->year, l->n, l->year, l->n);
  if (rc == TIDU_OK) rc = prog_event(s, a, "ladder.record", NULL, what, NULL, NULL, err);
  if (rc == TIDU_OK)
    rc = tidu_store_pq(s, PQ_LADDER_DELETE, &PA_I(l->year), 1, NULL, NULL, NULL, err);
  for (size_t i = 0; rc == TIDU_OK && i < l->n; i++) {
    tidu_parg args[] = {PA_I(l->year), PA_S(l->firms[i].uscc), PA_I(l->firms[i].rung)};
    rc = tidu_store_pq(s, PQ_LADDER_PUT, args, 3, NULL, NULL, NULL, err);
  }
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_ladder_compute(tidu_programme *p, tidu_store *s, int32_t year, tidu_ladder_by by,
                              int record, const tidu_actor *a, tidu_ladder *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  out->year = year;
  scan_ctx x;
  tidu_code rc = scan_year(p, s, year, 0, &x, err);
  if (rc != TIDU_OK) return rc;
  out->firms = tidu_malloc((x.n ? x.n : 1) * sizeof *out->firms);
  if (!out->firms) rc = prog_nomem(err);
  size_t gcap = 0;
  for (size_t i = 0; rc == TIDU_OK && i < x.n; i++) {
    const firm_rec *r = &x.v[i];
    out->firms[out->n++] = r->f;
    out->counts[r->f.rung]++;
    if (by == TIDU_BY_REGION) {
      rc = count_group(out, &gcap, r->f.region, strnlen(r->f.region, 4), r->f.rung, err);
    } else if (by == TIDU_BY_CHAIN) {
      const char *ch = r->chains ? r->chains : "";
      if (!*ch) rc = count_group(out, &gcap, "-", 1, r->f.rung, err);
      for (const char *q = ch; rc == TIDU_OK && *q;) {
        size_t len = strcspn(q, ";,");
        if (len) rc = count_group(out, &gcap, q, len, r->f.rung, err);
        q += len;
        if (*q) q++;
      }
    }
  }
  free_recs(&x);
  if (rc == TIDU_OK && out->ngroups)
    qsort(out->groups, out->ngroups, sizeof *out->groups, cmp_group);
  if (rc == TIDU_OK && record) rc = record_ladder(s, out, a, err);
  if (rc != TIDU_OK) tidu_ladder_free(out);
  return rc;
}

void tidu_ladder_free(tidu_ladder *l) {
  if (!l) return;
  for (size_t g = 0; g < l->ngroups; g++) free(l->groups[g].key);
  free(l->groups);
  free(l->firms);
  memset(l, 0, sizeof *l);
}

/* ---- transitions ---- */

typedef struct recorded {
  prog_rung *v;
  size_t n, cap;
  int nomem;
} recorded;

static int add_recorded(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  recorded *x = ud;
  if (TIDU_PUSH_ROOM(x->v, x->n, x->cap) != 0) return x->nomem = 1;
  snprintf(x->v[x->n].uscc, sizeof x->v[0].uscc, "%s", t[0]);
  x->v[x->n++].rung = (uint8_t)num[1];
  return 0;
}

/* Appends the ids of rule sets whose verdict went from `a` to `b` (per the test) to a list. */
static char *changed_ids(const tidu_programme *p, const uint8_t *before, const uint8_t *now,
                         size_t nrs, int gained) {
  char buf[1024];
  size_t used = 0;
  buf[0] = 0;
  for (size_t k = 0; k < nrs; k++) {
    if (before[k] == TIDU_V_NA || now[k] == TIDU_V_NA) continue;
    int hit = gained ? (now[k] == TIDU_V_PASS && before[k] != TIDU_V_PASS)
                     : (before[k] == TIDU_V_PASS && now[k] == TIDU_V_FAIL);
    if (!hit) continue;
    const char *id = tidu_ruleset_meta(tidu_selection_get(p->sel, k))->id;
    int w = snprintf(buf + used, sizeof buf - used, "%s%s", used ? "," : "", id);
    if (w > 0 && (size_t)w < sizeof buf - used) used += (size_t)w;
  }
  return used ? tidu_strdup(buf) : NULL;
}

tidu_code tidu_transitions_compute(tidu_programme *p, tidu_store *s, int32_t year,
                                   tidu_transitions *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  out->year = year;
  scan_ctx now, before;
  prog_use_full(p, 1); /* eligibility changes are reported for every board and tier */
  tidu_code rc = scan_year(p, s, year, 1, &now, err);
  if (rc != TIDU_OK) {
    prog_use_full(p, 0);
    return rc;
  }
  rc = scan_year(p, s, year - 1, 1, &before, err);
  if (rc != TIDU_OK) {
    free_recs(&now);
    prog_use_full(p, 0);
    return rc;
  }
  recorded rec = {0};
  rc = tidu_store_pq(s, PQ_LADDER_GET, &PA_I(year - 1), 1, add_recorded, &rec, NULL, err);
  if (rc == TIDU_OK && rec.nomem) rc = prog_nomem(err);
  size_t cap = 0, j = 0, k = 0;
  /* both scans are ordered by USCC (the registry iterator), as is the recorded ladder */
  for (size_t i = 0; rc == TIDU_OK && i < now.n; i++) {
    firm_rec *r = &now.v[i];
    while (j < before.n && strcmp(before.v[j].f.uscc, r->f.uscc) < 0) j++;
    while (k < rec.n && strcmp(rec.v[k].uscc, r->f.uscc) < 0) k++;
    const firm_rec *b =
        j < before.n && !strcmp(before.v[j].f.uscc, r->f.uscc) ? &before.v[j] : NULL;
    int from = k < rec.n && !strcmp(rec.v[k].uscc, r->f.uscc) ? rec.v[k].rung
               : b                                            ? b->f.rung
                                                              : r->f.rung;
    tidu_move m = move_of(from, r->f.rung);
    char *gained = b ? changed_ids(p, b->verdicts, r->verdicts, now.nrs, 1) : NULL;
    char *lost = b ? changed_ids(p, b->verdicts, r->verdicts, now.nrs, 0) : NULL;
    if (m == TIDU_MOVE_NONE && !gained && !lost && !r->reward) continue;
    if (out->n == cap) {
      cap = cap ? cap * 2 : 256;
      tidu_transition *v = tidu_realloc(out->items, cap * sizeof *v);
      if (!v) {
        free(gained);
        free(lost);
        rc = prog_nomem(err);
        break;
      }
      out->items = v;
    }
    tidu_transition *t = &out->items[out->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->uscc, sizeof t->uscc, "%s", r->f.uscc);
    t->name = r->name;
    r->name = NULL;
    t->from = (uint8_t)from;
    t->to = r->f.rung;
    t->move = m;
    t->gained = gained;
    t->lost = lost;
    out->moves[m]++;
    if (r->reward) {
      t->reward = 1;
      t->reward_fen = p->reward_cap_fen;
      t->reward_why = r->reward_why;
      r->reward_why = NULL;
      out->rewards++;
      out->reward_total_fen += p->reward_cap_fen;
    }
  }
  free(rec.v);
  free_recs(&now);
  free_recs(&before);
  prog_use_full(p, 0);
  if (rc != TIDU_OK) tidu_transitions_free(out);
  return rc;
}

void tidu_transitions_free(tidu_transitions *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n; i++) {
    free(t->items[i].name);
    free(t->items[i].gained);
    free(t->items[i].lost);
    free(t->items[i].reward_why);
  }
  free(t->items);
  memset(t, 0, sizeof *t);
}
