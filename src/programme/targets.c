/* Targets (目标): a region scope, a metric and a deadline; progress measured from the registry
 * with the firms behind each figure. */
#include "programme/prog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/num.h"
#include "tidu/toolkit.h"

static const char *const METRICS[][2] = {
    {"pool_size", "入库企业数"},
    {"first_batch", "累计入库企业数"},
    {"neeq_listings", "新三板/专板挂牌企业数"},
    {"ipos", "上市企业数"},
    {"titled", "持有资质企业数"},
    {"above_scale_new", "当年新增规上企业数"},
    {"key_firms", "重点企业数"},
    {NULL, NULL},
};

static int metric_find(const char *m) {
  for (int i = 0; m && METRICS[i][0]; i++)
    if (!strcmp(METRICS[i][0], m)) return i;
  return -1;
}

const char *prog_metric_zh(const char *m) {
  int k = metric_find(m);
  return k >= 0 ? METRICS[k][1] : m;
}

tidu_code tidu_target_add(tidu_store *s, const tidu_target *t, const tidu_actor *a,
                          tidu_error *err) {
  if (!t || metric_find(t->metric) < 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "未知指标 '%s'(pool_size|first_batch|neeq_listings|ipos|titled|"
                          "above_scale_new|key_firms) / unknown metric '%s'",
                          t && t->metric ? t->metric : "", t && t->metric ? t->metric : "");
  if (t->target <= 0)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "目标值须大于 0 / the target must be greater than 0");
  if (!prog_date_ok(t->deadline))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "截止日期无效 '%s'(应为 YYYY-MM-DD) / invalid deadline '%s'", t->deadline,
                          t->deadline);
  if (!strcmp(t->metric, "titled") && (!t->title || tidu_enum_find(TIDU_E_titles, t->title) < 0))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "指标 titled 须给出资质(如 srdi_sme) / metric titled needs a title "
                          "(e.g. srdi_sme): '%s'",
                          t->title ? t->title : "");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  if (rc != TIDU_OK) return rc;
  char what[400];
  snprintf(what, sizeof what, "目标:%s %s %s ≥ %lld,截至 %s / target %s %s >= %lld by %s",
           t->label ? t->label : "", t->region ? t->region : "", prog_metric_zh(t->metric),
           (long long)t->target, t->deadline, t->region ? t->region : "", t->metric,
           (long long)t->target, t->deadline);
  int64_t ev = 0;
  if (rc == TIDU_OK) rc = prog_event(s, a, "target", NULL, what, NULL, &ev, err);
  tidu_parg args[] = {PA_S(t->label ? t->label : t->metric),
                      PA_S(t->region ? t->region : ""),
                      PA_S(t->metric),
                      PA_S(t->title ? t->title : ""),
                      PA_I(t->target),
                      PA_S(t->deadline),
                      PA_I(ev)};
  if (rc == TIDU_OK) rc = tidu_store_pq(s, PQ_TARGET_PUT, args, 7, NULL, NULL, NULL, err);
  return prog_finish(s, own, rc, err);
}

tidu_code tidu_targets_load_file(tidu_store *s, const char *path, const tidu_actor *a, size_t *n,
                                 tidu_error *err) {
  *n = 0;
  FILE *fp = fopen(path, "r");
  if (!fp) return tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法读取 / cannot read");
  int own = 0;
  tidu_code rc = prog_begin(s, &own, err);
  char line[2048];
  long lineno = 0;
  while (rc == TIDU_OK && fgets(line, sizeof line, fp)) {
    lineno++;
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0] || line[0] == '#') continue;
    char *f[6] = {0};
    int nf = 0;
    for (char *p = line; nf < 6;) {
      f[nf++] = p;
      char *tab = strchr(p, '\t');
      if (!tab) break;
      *tab = 0;
      p = tab + 1;
    }
    if (nf < 5) {
      rc = tidu_error_set(err, TIDU_ERR_INPUT, path, lineno, 1,
                          "应有 5 或 6 个以制表符分隔的字段(地区、指标、目标值、截止日期、名称"
                          "[、资质]) / expected 5 or 6 tab-separated fields (region, metric, "
                          "target, deadline, label[, title])");
      break;
    }
    long long v;
    char *end = NULL;
    v = strtoll(f[2], &end, 10);
    if (!*f[2] || *end) {
      rc = tidu_error_set(err, TIDU_ERR_INPUT, path, lineno, (long)(f[2] - line) + 1,
                          "目标值应为整数 '%s' / the target must be a whole number '%s'", f[2],
                          f[2]);
      break;
    }
    tidu_target t = {0};
    t.region = f[0];
    t.metric = f[1];
    t.target = v;
    snprintf(t.deadline, sizeof t.deadline, "%s", f[3]);
    t.label = f[4];
    t.title = nf > 5 ? f[5] : NULL;
    if (strlen(f[3]) != 10) snprintf(t.deadline, sizeof t.deadline, "bad");
    rc = tidu_target_add(s, &t, a, err);
    if (rc != TIDU_OK) {
      err->line = lineno;
      snprintf(err->file, sizeof err->file, "%s", path);
    } else {
      (*n)++;
    }
  }
  fclose(fp);
  return prog_finish(s, own, rc, err);
}

/* ---- measuring ---- */

typedef struct tgt_ctx {
  tidu_target_list *out;
  size_t cap;
  int nomem;
} tgt_ctx;

static int add_target(void *ud, int ncols, const char *const *t, const int64_t *num) {
  (void)ncols;
  tgt_ctx *c = ud;
  if (TIDU_PUSH_ROOM(c->out->items, c->out->n, c->cap) != 0) return c->nomem = 1;
  tidu_target *x = &c->out->items[c->out->n++];
  memset(x, 0, sizeof *x);
  x->id = num[0];
  x->label = tidu_strdup(t[1]);
  x->region = tidu_strdup(t[2]);
  x->metric = tidu_strdup(t[3]);
  x->title = t[4] && *t[4] ? tidu_strdup(t[4]) : NULL;
  x->target = num[5];
  snprintf(x->deadline, sizeof x->deadline, "%s", t[6] ? t[6] : "");
  return 0;
}

typedef struct firm_fact {
  char uscc[19];
  char region[8];
  int64_t titles;
  uint8_t rung;
  uint8_t newly;
} firm_fact;

typedef struct fact_ctx {
  prog_rungs pr;
  int64_t year_end;
  firm_fact *v;
  size_t n, cap;
} fact_ctx;

static tidu_code fact_chunk(void *ud, tidu_programme *p, const prog_chunk *c, tidu_error *err) {
  fact_ctx *x = ud;
  for (size_t i = 0; i < c->n; i++) {
    if (TIDU_PUSH_ROOM(x->v, x->n, x->cap) != 0) return prog_nomem(err);
    firm_fact *f = &x->v[x->n++];
    const tidu_firm *fm = &c->firms[i];
    snprintf(f->uscc, sizeof f->uscc, "%s", fm->text[TIDU_F_USCC]);
    snprintf(f->region, sizeof f->region, "%s",
             fm->text[TIDU_F_REGION] ? fm->text[TIDU_F_REGION] : "");
    f->titles = fm->v[TIDU_F_TITLES];
    f->rung = (uint8_t)prog_rung_of(p, c, i, x->year_end, &x->pr);
    f->newly = c->chunk->firm[TIDU_F_NEWLY_ABOVE_SCALE][i] == 1;
  }
  return TIDU_OK;
}

static tidu_code push_firm(tidu_target *t, size_t *cap, const char *uscc, tidu_error *err) {
  if (TIDU_PUSH_ROOM(t->firms, t->nfirms, *cap) != 0) return prog_nomem(err);
  t->firms[t->nfirms] = tidu_strdup(uscc);
  if (!t->firms[t->nfirms]) return prog_nomem(err);
  t->nfirms++;
  t->actual++;
  return TIDU_OK;
}

static int in_region(const char *region, const char *prefix) {
  return !prefix || !*prefix || (region && !strncmp(region, prefix, strlen(prefix)));
}

static tidu_code measure_one(tidu_store *s, const fact_ctx *fx, int32_t year, tidu_target *t,
                             tidu_error *err) {
  size_t cap = 0;
  tidu_code rc = TIDU_OK;
  const char *m = t->metric;
  if (!strcmp(m, "pool_size") || !strcmp(m, "first_batch")) {
    tidu_pool_filter f;
    tidu_pool_filter_init(&f);
    f.region_prefix = t->region;
    tidu_pool_list l;
    rc = tidu_pool_list_get(s, &f, &l, err);
    for (size_t i = 0; rc == TIDU_OK && i < l.n; i++) {
      int st = l.items[i].state;
      int hit = !strcmp(m, "pool_size") ? st == TIDU_POOL_ADMITTED
                                        : (st == TIDU_POOL_ADMITTED || st == TIDU_POOL_EXITED);
      if (hit) rc = push_firm(t, &cap, l.items[i].uscc, err);
    }
    if (rc == TIDU_OK) tidu_pool_list_free(&l);
    return rc;
  }
  if (!strcmp(m, "key_firms")) {
    tidu_shortlist l;
    rc = tidu_key_firms_get(s, year, &l, err);
    for (size_t i = 0; rc == TIDU_OK && i < l.n; i++)
      if (in_region(l.items[i].region, t->region)) rc = push_firm(t, &cap, l.items[i].uscc, err);
    if (rc == TIDU_OK) tidu_shortlist_free(&l);
    return rc;
  }
  int title = t->title ? tidu_enum_find(TIDU_E_titles, t->title) : -1;
  for (size_t i = 0; rc == TIDU_OK && i < fx->n; i++) {
    const firm_fact *f = &fx->v[i];
    if (!in_region(f->region, t->region)) continue;
    int hit = !strcmp(m, "neeq_listings")     ? f->rung == TIDU_RUNG_NEEQ
              : !strcmp(m, "ipos")            ? f->rung == TIDU_RUNG_LISTED
              : !strcmp(m, "titled")          ? title >= 0 && ((f->titles >> title) & 1)
              : !strcmp(m, "above_scale_new") ? f->newly
                                              : 0;
    if (hit) rc = push_firm(t, &cap, f->uscc, err);
  }
  return rc;
}

tidu_code tidu_targets_measure(tidu_programme *p, tidu_store *s, int32_t year,
                               tidu_target_list *out, tidu_error *err) {
  memset(out, 0, sizeof *out);
  tgt_ctx c = {out, 0, 0};
  tidu_code rc = tidu_store_pq(s, PQ_TARGET_LIST, NULL, 0, add_target, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem) rc = prog_nomem(err);
  int need_scan = 0;
  for (size_t i = 0; rc == TIDU_OK && i < out->n; i++) {
    const char *m = out->items[i].metric;
    need_scan |= strcmp(m, "pool_size") && strcmp(m, "first_batch") && strcmp(m, "key_firms");
  }
  fact_ctx fx = {0};
  fx.year_end = tidu_days_from_civil(year, 12, 31);
  if (rc == TIDU_OK && need_scan) rc = prog_load_progress(s, year, &fx.pr, err);
  if (rc == TIDU_OK && need_scan) rc = prog_scan(p, s, year, NULL, 0, fact_chunk, &fx, err);
  for (size_t i = 0; rc == TIDU_OK && i < out->n; i++)
    rc = measure_one(s, &fx, year, &out->items[i], err);
  free(fx.v);
  free(fx.pr.v);
  if (rc != TIDU_OK) tidu_target_list_free(out);
  return rc;
}

void tidu_target_list_free(tidu_target_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) {
    tidu_target *t = &l->items[i];
    free(t->label);
    free(t->region);
    free(t->metric);
    free(t->title);
    tidu_strings_free(t->firms, t->nfirms);
  }
  free(l->items);
  l->items = NULL;
  l->n = 0;
}
