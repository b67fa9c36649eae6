/* Reports ready to send upward: the pool, layers, ladder, key firms, targets, institutions and
 * activities as tables with Chinese headers and money in 万元. */
#include "programme/prog_int.h"
#include "tidu/toolkit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KINDS[] = {"pool",    "layers",       "ladder", "key-firms",
                                    "targets", "institutions", "events", NULL};

int tidu_report_kind_find(const char *name) {
  for (int i = 0; name && KINDS[i]; i++)
    if (!strcmp(KINDS[i], name)) return i;
  return -1;
}

#define T TIDU_CELL_TEXT
#define I TIDU_CELL_INT
#define W TIDU_CELL_WAN
#define R TIDU_CELL_REAL

static tidu_code new_sheet(const char *title, size_t n, const char *const *h,
                           const tidu_cell_kind *k, tidu_sheet **out, tidu_error *err) {
  *out = tidu_sheet_new(title, n, h, k);
  return *out ? TIDU_OK : prog_nomem(err);
}

static size_t row(tidu_sheet *sh, tidu_code *rc, tidu_error *err) {
  size_t r = tidu_sheet_add_row(sh);
  if (r == (size_t)-1 && *rc == TIDU_OK) *rc = prog_nomem(err);
  return r;
}

static void put(tidu_sheet *sh, size_t r, size_t c, const char *s, tidu_code *rc, tidu_error *err) {
  if (r != (size_t)-1 && tidu_sheet_set_text(sh, r, c, s) != 0 && *rc == TIDU_OK)
    *rc = prog_nomem(err);
}

static tidu_code report_pool(tidu_store *s, tidu_sheet **out, tidu_error *err) {
  static const char *const h[] = {"统一社会信用代码", "企业名称", "行政区划代码", "行业代码",
                                  "产业链",           "状态",     "来源",         "推荐单位",
                                  "出库原因",         "跟踪人员", "状态变更日期"};
  static const tidu_cell_kind k[] = {T, T, T, T, T, T, T, T, T, T, T};
  tidu_pool_list l;
  tidu_code rc = tidu_pool_list_get(s, NULL, &l, err);
  if (rc == TIDU_OK) rc = new_sheet("上市后备企业库", 11, h, k, out, err);
  for (size_t i = 0; rc == TIDU_OK && i < l.n; i++) {
    const tidu_pool_entry *e = &l.items[i];
    size_t r = row(*out, &rc, err);
    const char *v[] = {e->uscc,
                       e->name,
                       e->region,
                       e->industry,
                       e->chains,
                       tidu_pool_state_zh(e->state),
                       tidu_pool_source_zh(e->source),
                       e->by,
                       e->exit_reason ? tidu_exit_reason_zh(e->exit_reason) : NULL,
                       e->officer,
                       e->changed_at};
    for (size_t c = 0; c < 11; c++) put(*out, r, c, v[c], &rc, err);
  }
  tidu_pool_list_free(&l);
  return rc;
}

static tidu_code report_layers(tidu_programme *p, tidu_store *s, int32_t year, tidu_sheet **out,
                               tidu_error *err) {
  static const char *const h[] = {"板块",   "统一社会信用代码", "企业名称",    "行政区划代码",
                                  "产业链", "已达标",           "相对差距(%)", "理由"};
  static const tidu_cell_kind k[] = {T, T, T, T, T, T, R, T};
  tidu_layers l;
  tidu_code rc = tidu_pool_layers(p, s, year, &l, err);
  if (rc != TIDU_OK) return rc;
  rc = new_sheet("分层", 8, h, k, out, err);
  for (size_t i = 0; rc == TIDU_OK && i < l.n; i++) {
    const tidu_layer_item *it = &l.items[i];
    size_t r = row(*out, &rc, err);
    const char *v[] = {it->board,  it->uscc,   it->name,
                       it->region, it->chains, it->qualifies ? "是" : "否"};
    for (size_t c = 0; c < 6; c++) put(*out, r, c, v[c], &rc, err);
    if (r != (size_t)-1 && isfinite(it->distance))
      tidu_sheet_set_num(*out, r, 6, (int64_t)llround(it->distance * 10000));
    put(*out, r, 7, it->why, &rc, err);
  }
  tidu_layers_free(&l);
  return rc;
}

static tidu_code report_ladder(tidu_programme *p, tidu_store *s, int32_t year, tidu_sheet **out,
                               tidu_error *err) {
  const char *h[TIDU_NRUNGS + 2];
  tidu_cell_kind k[TIDU_NRUNGS + 2];
  h[0] = "地区(地市代码)";
  k[0] = T;
  for (int r = 0; r < TIDU_NRUNGS; r++) {
    h[r + 1] = tidu_rung_zh((tidu_rung)r);
    k[r + 1] = I;
  }
  h[TIDU_NRUNGS + 1] = "合计";
  k[TIDU_NRUNGS + 1] = I;
  tidu_ladder l;
  tidu_code rc = tidu_ladder_compute(p, s, year, TIDU_BY_REGION, 0, NULL, &l, err);
  if (rc != TIDU_OK) return rc;
  char title[32];
  snprintf(title, sizeof title, "%d年度梯度", (int)year);
  rc = new_sheet(title, TIDU_NRUNGS + 2, h, k, out, err);
  for (size_t g = 0; rc == TIDU_OK && g <= l.ngroups; g++) {
    const size_t *counts = g < l.ngroups ? l.groups[g].counts : l.counts;
    size_t r = row(*out, &rc, err);
    put(*out, r, 0, g < l.ngroups ? l.groups[g].key : "合计", &rc, err);
    size_t total = 0;
    for (int x = 0; r != (size_t)-1 && x < TIDU_NRUNGS; x++) {
      tidu_sheet_set_num(*out, r, (size_t)x + 1, (int64_t)counts[x]);
      total += counts[x];
    }
    if (r != (size_t)-1) tidu_sheet_set_num(*out, r, TIDU_NRUNGS + 1, (int64_t)total);
  }
  tidu_ladder_free(&l);
  return rc;
}

static tidu_code report_key(tidu_store *s, int32_t year, tidu_sheet **out, tidu_error *err) {
  static const char *const h[] = {"名次",   "统一社会信用代码", "企业名称", "行政区划代码",
                                  "产业链", "上市成熟度得分",   "理由",     "跟踪人员"};
  static const tidu_cell_kind k[] = {I, T, T, T, T, R, T, T};
  tidu_shortlist l;
  tidu_code rc = tidu_key_firms_get(s, year, &l, err);
  if (rc != TIDU_OK) return rc;
  char title[32];
  snprintf(title, sizeof title, "%d年度重点企业", (int)year);
  rc = new_sheet(title, 8, h, k, out, err);
  for (size_t i = 0; rc == TIDU_OK && i < l.n; i++) {
    const tidu_key_firm *x = &l.items[i];
    size_t r = row(*out, &rc, err);
    if (r == (size_t)-1) break;
    tidu_sheet_set_num(*out, r, 0, x->rank);
    const char *v[] = {x->uscc, x->name, x->region, x->chains};
    for (size_t c = 0; c < 4; c++) put(*out, r, c + 1, v[c], &rc, err);
    tidu_sheet_set_num(*out, r, 5, (int64_t)llround(x->score * 100));
    put(*out, r, 6, x->reasons, &rc, err);
    put(*out, r, 7, x->officer, &rc, err);
  }
  tidu_shortlist_free(&l);
  return rc;
}

static tidu_code report_targets(tidu_programme *p, tidu_store *s, int32_t year, tidu_sheet **out,
                                tidu_error *err) {
  static const char *const h[] = {"目标",     "地区",   "指标",      "目标值",
                                  "截止日期", "实际值", "完成率(%)", "企业名单"};
  static const tidu_cell_kind k[] = {T, T, T, I, T, I, R, T};
  tidu_target_list l;
  tidu_code rc = tidu_targets_measure(p, s, year, &l, err);
  if (rc != TIDU_OK) return rc;
  rc = new_sheet("目标进度", 8, h, k, out, err);
  for (size_t i = 0; rc == TIDU_OK && i < l.n; i++) {
    const tidu_target *t = &l.items[i];
    size_t r = row(*out, &rc, err);
    if (r == (size_t)-1) break;
    put(*out, r, 0, t->label, &rc, err);
    put(*out, r, 1, t->region && *t->region ? t->region : "全国", &rc, err);
    char metric[96];
    snprintf(metric, sizeof metric, "%s%s%s", prog_metric_zh(t->metric), t->title ? ":" : "",
             t->title ? t->title : "");
    put(*out, r, 2, metric, &rc, err);
    tidu_sheet_set_num(*out, r, 3, t->target);
    put(*out, r, 4, t->deadline, &rc, err);
    tidu_sheet_set_num(*out, r, 5, t->actual);
    tidu_sheet_set_num(*out, r, 6,
                       t->target ? (int64_t)llround(t->actual * 10000.0 / t->target) : 0);
    size_t len = 1;
    for (size_t f = 0; f < t->nfirms; f++) len += strlen(t->firms[f]) + 1;
    char *list = tidu_malloc(len);
    if (!list) {
      rc = prog_nomem(err);
      break;
    }
    list[0] = 0;
    size_t used = 0;
    for (size_t f = 0; f < t->nfirms; f++)
      used += (size_t)sprintf(list + used, "%s%s", f ? ";" : "", t->firms[f]);
    put(*out, r, 7, list, &rc, err);
    free(list);
  }
  tidu_target_list_free(&l);
  return rc;
}

static tidu_code report_inst(tidu_store *s, tidu_sheet **out, tidu_error *err) {
  static const char *const h[] = {"编号",     "机构名称", "类型", "地区",      "熟悉行业/产业链",
                                  "板块经验", "状态",     "说明", "服务企业数"};
  static const tidu_cell_kind k[] = {I, T, T, T, T, T, T, T, I};
  tidu_inst_list l;
  tidu_code rc = tidu_inst_list_get(s, &l, err);
  if (rc != TIDU_OK) return rc;
  rc = new_sheet("服务机构库", 9, h, k, out, err);
  for (size_t i = 0; rc == TIDU_OK && i < l.n; i++) {
    const tidu_inst *x = &l.items[i];
    size_t r = row(*out, &rc, err);
    if (r == (size_t)-1) break;
    tidu_sheet_set_num(*out, r, 0, x->id);
    const char *st = !strcmp(x->status, "admitted")    ? "在库"
                     : !strcmp(x->status, "suspended") ? "暂停"
                                                       : "已退出";
    const char *v[] = {
        x->name,         tidu_inst_type_zh(x->type), x->region, x->industries, x->boards, st,
        x->status_reason};
    for (size_t c = 0; c < 7; c++) put(*out, r, c + 1, v[c], &rc, err);
    tidu_sheet_set_num(*out, r, 8, (int64_t)x->assignments);
  }
  tidu_inst_list_free(&l);
  return rc;
}

static tidu_code report_events(tidu_store *s, int32_t year, tidu_sheet **out, tidu_error *err) {
  static const char *const h[] = {"日期",       "类型",           "活动名称",      "产业链",
                                  "参加企业数", "投资意向(家次)", "成交金额(万元)"};
  static const tidu_cell_kind k[] = {T, T, T, T, I, I, W};
  static const char *const zh[][2] = {{"roadshow", "路演"},
                                      {"training", "培训"},
                                      {"salon", "沙龙"},
                                      {"visit", "走访交易所"},
                                      {"exec_class", "高管研修班"}};
  char y[8];
  snprintf(y, sizeof y, "%04d", (int)year);
  tidu_activity_list l;
  tidu_code rc = tidu_activity_list_get(s, NULL, y, &l, err);
  if (rc != TIDU_OK) return rc;
  rc = new_sheet("活动与路演", 7, h, k, out, err);
  for (size_t i = 0; rc == TIDU_OK && i < l.n; i++) {
    const tidu_activity *x = &l.items[i];
    size_t r = row(*out, &rc, err);
    if (r == (size_t)-1) break;
    const char *kz = x->kind;
    for (size_t j = 0; j < 5; j++)
      if (!strcmp(zh[j][0], x->kind)) kz = zh[j][1];
    const char *v[] = {x->date, kz, x->title, x->chain};
    for (size_t c = 0; c < 4; c++) put(*out, r, c, v[c], &rc, err);
    tidu_sheet_set_num(*out, r, 4, (int64_t)x->firms);
    tidu_sheet_set_num(*out, r, 5, (int64_t)x->interested);
    tidu_sheet_set_num(*out, r, 6, x->closed_fen);
  }
  tidu_activity_list_free(&l);
  return rc;
}

tidu_code tidu_prog_report(tidu_programme *p, tidu_store *s, tidu_report_kind kind, int32_t year,
                           tidu_sheet **out, tidu_error *err) {
  *out = NULL;
  tidu_code rc;
  switch (kind) {
  case TIDU_REPORT_POOL:
    rc = report_pool(s, out, err);
    break;
  case TIDU_REPORT_LAYERS:
    rc = report_layers(p, s, year, out, err);
    break;
  case TIDU_REPORT_LADDER:
    rc = report_ladder(p, s, year, out, err);
    break;
  case TIDU_REPORT_KEY_FIRMS:
    rc = report_key(s, year, out, err);
    break;
  case TIDU_REPORT_TARGETS:
    rc = report_targets(p, s, year, out, err);
    break;
  case TIDU_REPORT_INSTITUTIONS:
    rc = report_inst(s, out, err);
    break;
  case TIDU_REPORT_EVENTS:
    rc = report_events(s, year, out, err);
    break;
  default:
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "未知报表 / unknown report");
  }
  if (rc != TIDU_OK) {
    tidu_sheet_free(*out);
    *out = NULL;
  }
  return rc;
}
