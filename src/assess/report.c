/* Reports of one firm's result: contract §4 JSON and human explanation lines (zh / en). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "tidu/assess.h"
#include "tidu/num.h"
#include "tidu/values.h"

/* ---- JSON ------------------------------------------------------------------------------ */

/* A number for JSON: integers stay integers, money keeps its cents, ratios their fraction. */
static json_t *jnum(double v, tidu_type t) {
  if (isnan(v) || isinf(v)) return json_null();
  if (t == TIDU_T_MONEY) v = round(v * 100) / 100;
  if (fabs(v) < 9e15 && v == floor(v)) return json_integer((json_int_t)v);
  return json_real(v);
}

static json_t *jstrs(const char **v, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_string(v[i]));
  return a;
}

static void set(json_t *o, const char *k, json_t *v) {
  if (o && v) json_object_set_new(o, k, v);
}

static void set_str(json_t *o, const char *k, const char *s) {
  set(o, k, s ? json_string(s) : json_null());
}

static const char *kind_name(tidu_cond_kind k) {
  static const char *const names[] = {"cmp", "test", "all", "any", "not"};
  return names[k];
}

/* Appends the conditions of a tree in source order: every node, leaves and all/any/not, each
 * with its path and depth so the structure can be rebuilt. */
static void add_conds(json_t *arr, const tidu_cond_result *c, size_t n, const char *block) {
  for (size_t i = 0; i < n; i++) {
    const tidu_cond_result *x = &c[i];
    json_t *o = json_object();
    set_str(o, "text", x->text);
    int numeric = x->kind == TIDU_COND_CMP;
    set(o, "value", numeric && x->has_value ? jnum(x->value, x->type) : json_null());
    set(o, "threshold", numeric ? jnum(x->threshold, x->type) : json_null());
    set_str(o, "verdict", tidu_verdict_name(x->verdict));
    set(o, "gap", numeric ? jnum(x->gap, x->type) : json_null());
    set(o, "missing", jstrs(x->missing, x->nmissing));
    set_str(o, "path", x->path);
    set_str(o, "kind", kind_name(x->kind));
    set(o, "depth", json_integer(x->depth));
    set(o, "leaf", json_boolean(x->nchildren == 0));
    set_str(o, "text_en", x->text_en);
    if (x->op) set_str(o, "op", x->op);
    set(o, "distance", json_real(x->distance));
    set_str(o, "source", x->source);
    set_str(o, "block", block);
    json_array_append_new(arr, o);
    add_conds(arr, x->children, x->nchildren, block);
  }
}

static json_t *block_json(const tidu_block_result *b, const char *block) {
  json_t *o = json_object();
  if (b->id) set_str(o, "id", b->id);
  set_str(o, "verdict", tidu_verdict_name(b->verdict));
  json_t *conds = json_array();
  add_conds(conds, b->conds, b->nconds, block);
  set(o, "conditions", conds);
  if (b->name) set_str(o, "name", b->name);
  set(o, "distance", json_real(b->distance));
  set_str(o, "source", b->source);
  return o;
}

static json_t *ruleset_json(const tidu_ruleset_result *r) {
  const tidu_ruleset_info *m = r->meta;
  json_t *o = json_object();
  set_str(o, "id", m->id);
  set_str(o, "kind", tidu_rule_kind_name(m->kind));
  set_str(o, "name", m->name);
  set_str(o, "version", m->version);
  set_str(o, "verdict", tidu_verdict_name(r->verdict));
  if (r->nstandards || m->kind != TIDU_KIND_TIER) {
    json_t *st = json_array();
    for (size_t s = 0; s < r->nstandards; s++)
      json_array_append_new(st, block_json(&r->standards[s], "standard"));
    set(o, "standards", st);
    set(o, "nearest", r->nearest >= 0 ? json_string(r->standards[r->nearest].id) : json_null());
  }
  if (r->nitems || m->kind == TIDU_KIND_TIER) {
    set(o, "score", r->score_known && r->nitems ? jnum(r->score, TIDU_T_COUNT) : json_null());
    set(o, "pass_score", m->has_pass_score ? jnum(m->pass_score, TIDU_T_COUNT) : json_null());
    json_t *items = json_array();
    for (size_t i = 0; i < r->nitems; i++) {
      const tidu_item_result *it = &r->items[i];
      json_t *x = json_object();
      set_str(x, "id", it->id);
      set(x, "points", it->known ? jnum(it->lo, TIDU_T_COUNT) : json_null());
      set(x, "max", jnum(it->max, TIDU_T_COUNT));
      set_str(x, "name", it->name);
      if (it->group) set_str(x, "group", it->group);
      json_t *range = json_array();
      json_array_append_new(range, jnum(it->lo, TIDU_T_COUNT));
      json_array_append_new(range, jnum(it->hi, TIDU_T_COUNT));
      set(x, "range", range);
      set(x, "missing", jstrs(it->missing, it->nmissing));
      json_array_append_new(items, x);
    }
    set(o, "items", items);
    json_t *range = json_array();
    json_array_append_new(range, jnum(r->score_lo, TIDU_T_COUNT));
    json_array_append_new(range, jnum(r->score_hi, TIDU_T_COUNT));
    set(o, "score_range", range);
    json_t *groups = json_array();
    for (size_t g = 0; g < r->ngroups; g++) {
      const tidu_group_result *gr = &r->groups[g];
      json_t *x = json_object();
      set_str(x, "id", gr->id);
      set_str(x, "name", gr->name);
      set(x, "max", jnum(gr->max, TIDU_T_COUNT));
      if (gr->has_min) set(x, "min", jnum(gr->min, TIDU_T_COUNT));
      json_t *gr_range = json_array();
      json_array_append_new(gr_range, jnum(gr->lo, TIDU_T_COUNT));
      json_array_append_new(gr_range, jnum(gr->hi, TIDU_T_COUNT));
      set(x, "range", gr_range);
      set_str(x, "verdict", tidu_verdict_name(gr->floor_verdict));
      json_array_append_new(groups, x);
    }
    set(o, "groups", groups);
  }
  if (r->nrequires) {
    json_t *req = json_array();
    for (size_t i = 0; i < r->nrequires; i++)
      json_array_append_new(req, block_json(&r->requires[i], "require"));
    set(o, "requires", req);
  }
  if (r->has_pass) set(o, "pass", block_json(&r->pass, "pass"));
  set(o, "missing", jstrs(r->missing, r->nmissing));
  if (m->name_en) set_str(o, "name_en", m->name_en);
  set_str(o, "source", m->source);
  return o;
}

json_t *tidu_report_json(const tidu_result *r) {
  json_t *o = json_object();
  if (!o) return NULL;
  set_str(o, "uscc", r->uscc);
  set_str(o, "name", r->name);
  set(o, "year", json_integer(r->year));
  json_t *res = json_array();
  for (size_t i = 0; i < r->nrulesets; i++)
    json_array_append_new(res, ruleset_json(&r->rulesets[i]));
  set(o, "results", res);
  return o;
}

char *tidu_report_json_text(const tidu_result *r) {
  json_t *j = tidu_report_json(r);
  if (!j) return NULL;
  char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
  json_decref(j);
  return s;
}

/* ---- explanations ---------------------------------------------------------------------- */

static const char *mark(tidu_verdict v) {
  return v == TIDU_V_PASS ? "✓" : v == TIDU_V_FAIL ? "✗" : "?";
}

static int64_t stored(double v, tidu_type t) {
  switch (t) {
  case TIDU_T_MONEY:
    return llround(v * TIDU_SCALE_MONEY);
  case TIDU_T_RATIO:
    return llround(v * TIDU_SCALE_RATIO);
  case TIDU_T_YEARS:
    return llround(v * TIDU_SCALE_YEARS);
  case TIDU_T_SCORE:
    return llround(v * TIDU_SCALE_SCORE);
  default:
    return llround(v);
  }
}

/* What a compared number is measured in, beyond its type: whole years or months since a date
 * (years_since, months_since), or US dollars (valuation_usd). Read from the English text, which
 * is always generated from the expression (a field shows there under its English name). */
typedef enum unit { U_PLAIN, U_YEARS, U_MONTHS, U_USD } unit;

static unit unit_of(const tidu_cond_result *c) {
  const char *t = c->text_en ? c->text_en : "";
  if (strstr(t, tidu_metric_name_en("valuation_usd"))) return U_USD; /* "valuation (USD)" */
  if (!strncmp(t, "years since", 11)) return U_YEARS;
  if (!strncmp(t, "months since", 12)) return U_MONTHS;
  return U_PLAIN;
}

/* US dollars: "10亿美元", "8.5亿美元", "USD 1000 mn". */
static void fmt_usd(tidu_sb *b, double v, int en) {
  if (en)
    tidu_sb_printf(b, "USD %.2f mn", v / 1e6);
  else if (fabs(v) >= 1e8)
    tidu_sb_printf(b, "%.2f亿美元", v / 1e8);
  else if (fabs(v) >= 1e4)
    tidu_sb_printf(b, "%.2f万美元", v / 1e4);
  else
    tidu_sb_printf(b, "%.2f美元", v);
}

/* A ratio as a percentage with two decimals, or `digits` when two would hide a difference. */
static void fmt_ratio(tidu_sb *b, double v, int digits) {
  tidu_sb_printf(b, "%.*f%%", digits, v * 100.0);
}

static void fmt_u(tidu_sb *b, double v, tidu_type t, unit u, const char *lang) {
  char buf[64];
  int en = !strcmp(lang, "en");
  if (u == U_USD) {
    fmt_usd(b, v, en);
    return;
  }
  if (t == TIDU_T_MONEY)
    tidu_format_yuan(v, lang, buf, sizeof buf);
  else if (t == TIDU_T_RATIO) {
    fmt_ratio(b, v, 2);
    return;
  } else if (t == TIDU_T_COUNT && v != floor(v))
    snprintf(buf, sizeof buf, "%.4g", v);
  else
    tidu_format_value(t, stored(v, t), lang, buf, sizeof buf);
  tidu_sb_puts(b, buf);
  if (u == U_YEARS) tidu_sb_puts(b, en ? " years" : "年");
  if (u == U_MONTHS) tidu_sb_puts(b, en ? " months" : "个月");
}

/* Money in plain 元 with thousands separators and cents ("49,999,999.99元"). */
static void fmt_exact_yuan(tidu_sb *b, double v, int en) {
  long long fen = llround(v * 100);
  int neg = fen < 0;
  unsigned long long a = (unsigned long long)(neg ? -fen : fen);
  char digits[32], out[48];
  int n = snprintf(digits, sizeof digits, "%llu", a / 100);
  size_t o = 0;
  if (neg) out[o++] = '-';
  for (int i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) out[o++] = ',';
    out[o++] = digits[i];
  }
  snprintf(out + o, sizeof out - o, ".%02llu", a % 100);
  tidu_sb_printf(b, en ? "CNY %s" : "%s元", out);
}

/* Writes value and threshold; when the usual format would show them equal although they
 * differ (a few 分 from the line, a ratio a hair under it), both get more digits. */
static void fmt_pair(tidu_sb *b, const tidu_cond_result *c, const char *lang, int en) {
  char v1[64], v2[64];
  unit u = unit_of(c);
  if (u == U_PLAIN && c->type == TIDU_T_MONEY && !isnan(c->threshold) && c->value != c->threshold) {
    tidu_format_yuan(c->value, lang, v1, sizeof v1);
    tidu_format_yuan(c->threshold, lang, v2, sizeof v2);
    if (!strcmp(v1, v2)) {
      fmt_exact_yuan(b, c->value, en);
      tidu_sb_printf(b, en ? ", needs %s " : ",需 %s ", c->op ? c->op : "");
      fmt_exact_yuan(b, c->threshold, en);
      return;
    }
  }
  if (c->type == TIDU_T_RATIO && !isnan(c->threshold) && c->value != c->threshold) {
    int digits = 2;
    while (digits < 8) {
      snprintf(v1, sizeof v1, "%.*f", digits, c->value * 100.0);
      snprintf(v2, sizeof v2, "%.*f", digits, c->threshold * 100.0);
      if (strcmp(v1, v2)) break;
      digits++;
    }
    fmt_ratio(b, c->value, digits);
    if (c->op) {
      tidu_sb_printf(b, en ? ", needs %s " : ",需 %s ", c->op);
      fmt_ratio(b, c->threshold, digits);
    }
    return;
  }
  fmt_u(b, c->value, c->type, u, lang);
  if (c->op && !isnan(c->threshold)) {
    tidu_sb_printf(b, en ? ", needs %s " : ",需 %s ", c->op);
    fmt_u(b, c->threshold, c->type, u, lang);
  }
}

/* Missing-figure keys as people read them: "加权平均净资产收益率(2024)" in Chinese. */
static void missing_list(tidu_sb *b, const char **missing, size_t n, int en) {
  for (size_t i = 0; i < n; i++) {
    char label[256];
    tidu_field_label(missing[i], en, label, sizeof label);
    tidu_sb_printf(b, "%s%s", i ? (en ? ", " : "、") : "", label);
  }
}

static void indent(tidu_sb *b, int n) {
  for (int i = 0; i < n; i++) tidu_sb_puts(b, "  ");
}

static void explain_cond(tidu_sb *b, const tidu_cond_result *c, int depth, int en,
                         const char *lang);

/* A text that already states a negation ("不属于软件行业", "无…", "未…", "非…"). */
static int negative_text(const char *t) {
  return t && (!strncmp(t, "不", 3) || !strncmp(t, "无", 3) || !strncmp(t, "未", 3) ||
               !strncmp(t, "非", 3));
}

/* `not X`: one line instead of "✓ 不满足:X" over "✗ X". When X's Chinese text already states
 * the negation (the author labelled the whole `not`), it is shown with the not's verdict;
 * otherwise X is shown with its answer: "✓ 被列入严重失信主体名单:否". X's own parts follow. */
static void explain_not(tidu_sb *b, const tidu_cond_result *c, int depth, int en,
                        const char *lang) {
  const tidu_cond_result *x = &c->children[0];
  const char *text = en ? x->text_en : x->text;
  indent(b, depth);
  tidu_sb_printf(b, "%s %s", mark(c->verdict), text ? text : "");
  if (en || !negative_text(text)) {
    const char *answer = x->verdict == TIDU_V_PASS   ? (en ? "yes" : "是")
                         : x->verdict == TIDU_V_FAIL ? (en ? "no" : "否")
                                                     : (en ? "unknown" : "未知");
    tidu_sb_printf(b, en ? ": %s" : ":%s", answer);
    if (x->kind == TIDU_COND_CMP && x->has_value) {
      tidu_sb_puts(b, en ? " (" : "(");
      fmt_pair(b, x, lang, en);
      tidu_sb_puts(b, en ? ")" : ")");
    }
  }
  if (c->verdict == TIDU_V_UNKNOWN && x->nmissing && !x->nchildren) {
    tidu_sb_puts(b, en ? " — missing: " : " — 缺少: ");
    missing_list(b, x->missing, x->nmissing, en);
  }
  const char *source = c->source ? c->source : x->source;
  if (source) tidu_sb_printf(b, " 〔%s〕", source);
  tidu_sb_puts(b, "\n");
  for (size_t i = 0; i < x->nchildren; i++) explain_cond(b, &x->children[i], depth + 1, en, lang);
}

/* An alternative that does not apply: an "all of" whose first condition is a test that is not
 * met, such as "行业代码 以 A 开头" (or the negation of one) — a precondition, not a shortfall. */
static int not_applicable(const tidu_cond_result *c) {
  if (c->kind != TIDU_COND_ALL || c->verdict != TIDU_V_FAIL || !c->nchildren) return 0;
  const tidu_cond_result *g = &c->children[0];
  if (g->verdict != TIDU_V_FAIL) return 0;
  if (g->kind == TIDU_COND_NOT && g->nchildren == 1) g = &g->children[0];
  return g->kind == TIDU_COND_TEST;
}

static void explain_cond(tidu_sb *b, const tidu_cond_result *c, int depth, int en,
                         const char *lang) {
  if (c->kind == TIDU_COND_NOT && c->nchildren == 1) {
    explain_not(b, c, depth, en, lang);
    return;
  }
  indent(b, depth);
  tidu_sb_printf(b, "%s %s", mark(c->verdict), en ? c->text_en : c->text);
  if (c->kind == TIDU_COND_CMP && c->has_value) {
    tidu_sb_puts(b, en ? ": " : " ");
    fmt_pair(b, c, lang, en);
    if (c->verdict == TIDU_V_FAIL && !isnan(c->gap)) {
      int over = c->op && (!strcmp(c->op, "≤") || !strcmp(c->op, "<"));
      tidu_sb_puts(b, over ? (en ? ", over by " : ",超出 ") : (en ? ", short by " : ",差 "));
      fmt_u(b, c->gap, c->type, unit_of(c), lang);
    }
  }
  if (c->verdict == TIDU_V_UNKNOWN && c->nmissing && !c->nchildren) {
    tidu_sb_puts(b, en ? " — missing: " : " — 缺少: ");
    missing_list(b, c->missing, c->nmissing, en);
  }
  if (c->source && (depth <= 2 || !c->nchildren)) tidu_sb_printf(b, " 〔%s〕", c->source);
  tidu_sb_puts(b, "\n");
  /* an "any of" leaves out the alternatives that do not apply (the SME size table's rows for
   * other industries) and says how many */
  size_t omitted = 0;
  for (size_t i = 0; i < c->nchildren; i++) {
    if (c->kind == TIDU_COND_ANY && not_applicable(&c->children[i])) {
      omitted++;
      continue;
    }
    explain_cond(b, &c->children[i], depth + 1, en, lang);
  }
  if (omitted) {
    indent(b, depth + 1);
    tidu_sb_printf(b,
                   en ? "… %zu other alternative%s that do%s not apply, not shown\n"
                      : "… 另有 %zu 项前提不符、不适用的选项，从略\n",
                   omitted, omitted == 1 ? "" : "s", omitted == 1 ? "es" : "");
  }
}

static void explain_block(tidu_sb *b, const tidu_block_result *blk, const char *title, int en,
                          const char *lang) {
  indent(b, 1);
  tidu_sb_printf(b, "%s %s", mark(blk->verdict), title);
  if (blk->id) tidu_sb_printf(b, " %s", blk->id);
  if (blk->name && strcmp(blk->name, title) != 0) tidu_sb_printf(b, " %s", blk->name);
  tidu_sb_puts(b, "\n");
  for (size_t i = 0; i < blk->nconds; i++) explain_cond(b, &blk->conds[i], 2, en, lang);
}

static const char *verdict_word(tidu_verdict v, int en) {
  if (en) return v == TIDU_V_PASS ? "eligible" : v == TIDU_V_FAIL ? "not eligible" : "undetermined";
  return v == TIDU_V_PASS ? "符合" : v == TIDU_V_FAIL ? "不符合" : "待定(数据不全)";
}

static void explain_ruleset(tidu_sb *b, const tidu_ruleset_result *r, int en, const char *lang) {
  const tidu_ruleset_info *m = r->meta;
  tidu_sb_printf(b, "%s %s (%s)", mark(r->verdict), en && m->name_en ? m->name_en : m->name, m->id);
  if (m->version) tidu_sb_printf(b, " %s", m->version);
  tidu_sb_printf(b, ": %s", verdict_word(r->verdict, en));
  if (r->nearest >= 0 && r->nstandards)
    tidu_sb_printf(b, en ? "; nearest standard %s" : ";最接近的标准 %s",
                   r->standards[r->nearest].id);
  if (m->source) tidu_sb_printf(b, " 〔%s〕", m->source);
  tidu_sb_puts(b, "\n");
  for (size_t i = 0; i < r->nrequires; i++)
    explain_block(b, &r->requires[i],
                  r -> requires[i].name ? r->requires[i].name : (en ? "requirements" : "基本条件"),
                  en, lang);
  for (size_t i = 0; i < r->nstandards; i++)
    explain_block(b, &r->standards[i], en ? "standard" : "标准", en, lang);
  for (size_t i = 0; i < r->nitems; i++) {
    const tidu_item_result *it = &r->items[i];
    indent(b, 1);
    if (it->known)
      tidu_sb_printf(b, "• %s: %g / %g", it->name, it->lo, it->max);
    else
      tidu_sb_printf(b, "? %s: %g–%g / %g", it->name, it->lo, it->hi, it->max);
    if (it->nmissing) {
      tidu_sb_puts(b, en ? " — missing: " : " — 缺少: ");
      missing_list(b, it->missing, it->nmissing, en);
    }
    tidu_sb_puts(b, "\n");
  }
  for (size_t g = 0; g < r->ngroups; g++) {
    const tidu_group_result *gr = &r->groups[g];
    indent(b, 1);
    tidu_sb_printf(b, "%s %s: %g", mark(gr->floor_verdict), gr->name, gr->lo);
    if (gr->hi != gr->lo) tidu_sb_printf(b, "–%g", gr->hi);
    tidu_sb_printf(b, " / %g", gr->max);
    if (gr->has_min) tidu_sb_printf(b, en ? " (at least %g)" : "(不低于%g)", gr->min);
    tidu_sb_puts(b, "\n");
  }
  if (r->nitems) {
    indent(b, 1);
    if (r->score_known)
      tidu_sb_printf(b, en ? "score %g" : "总分 %g", r->score);
    else
      tidu_sb_printf(b, en ? "score %g–%g (incomplete)" : "总分 %g–%g(数据不全)", r->score_lo,
                     r->score_hi);
    if (m->has_pass_score) tidu_sb_printf(b, en ? ", pass line %g" : ",及格线 %g", m->pass_score);
    tidu_sb_puts(b, "\n");
  }
  if (r->has_pass) explain_block(b, &r->pass, en ? "pass" : "通过条件", en, lang);
  if (r->nmissing) {
    indent(b, 1);
    tidu_sb_puts(b, en ? "missing: " : "缺少: ");
    missing_list(b, r->missing, r->nmissing, en);
    tidu_sb_puts(b, "\n");
  }
}

/* ---- one rule set in a few characters ------------------------------------------------- */

/* Collects the failing leaves of a failed condition list, following only the nearest
 * alternative of an `any`. */
static void failing_leaves(const tidu_cond_result *conds, size_t n, const tidu_cond_result **out,
                           size_t *nout, size_t cap) {
  for (size_t i = 0; i < n; i++) {
    const tidu_cond_result *cr = &conds[i];
    if (cr->verdict != TIDU_V_FAIL) continue;
    if (cr->kind == TIDU_COND_ALL) {
      failing_leaves(cr->children, cr->nchildren, out, nout, cap);
    } else if (cr->kind == TIDU_COND_ANY && cr->nchildren) {
      size_t best = 0;
      for (size_t k = 1; k < cr->nchildren; k++)
        if (cr->children[k].distance < cr->children[best].distance) best = k;
      failing_leaves(&cr->children[best], 1, out, nout, cap);
    } else if (*nout < cap) {
      out[(*nout)++] = cr;
    }
  }
}

/* Collects the distinct missing figures of the unknown conditions (up to `cap`). */
static void collect_missing(const tidu_cond_result *conds, size_t n, const char **seen,
                            size_t *nseen, size_t cap) {
  for (size_t i = 0; i < n; i++) {
    const tidu_cond_result *cr = &conds[i];
    if (cr->verdict != TIDU_V_UNKNOWN) continue;
    collect_missing(cr->children, cr->nchildren, seen, nseen, cap);
    for (size_t m = 0; m < cr->nmissing; m++) {
      size_t k = 0;
      while (k < *nseen && strcmp(seen[k], cr->missing[m])) k++;
      if (k == *nseen && *nseen < cap) seen[(*nseen)++] = cr->missing[m];
    }
  }
}

static size_t count_missing(const tidu_cond_result *conds, size_t n) {
  const char *seen[64];
  size_t nseen = 0;
  collect_missing(conds, n, seen, &nseen, 64);
  return nseen ? nseen : 1;
}

/* "差2.1亿", "差3.5%", "差4" for one failing comparison; "" without a numeric gap. */
static void format_gap(const tidu_cond_result *cr, const char *lang, char *buf, size_t size) {
  buf[0] = 0;
  if (!cr->has_value || isnan(cr->gap) || cr->gap <= 0) return;
  char num[32];
  switch (cr->type) {
  case TIDU_T_MONEY:
    tidu_short_yuan(cr->gap, lang, num, sizeof num);
    break;
  case TIDU_T_RATIO:
    snprintf(num, sizeof num, "%.1f%%", cr->gap * 100.0);
    break;
  default:
    snprintf(num, sizeof num, "%g", cr->gap);
    break;
  }
  snprintf(buf, size, "%s%s", strcmp(lang, "en") ? "差" : "-", num);
}

/* The standard a cell describes: the nearest one, except that an undetermined board shows
 * its nearest undetermined standard (the one that missing figures could still decide). */
static int shown_standard(const tidu_ruleset_result *rr) {
  if (rr->nearest < 0 || (size_t)rr->nearest >= rr->nstandards) return -1;
  if (rr->verdict != TIDU_V_UNKNOWN || rr->standards[rr->nearest].verdict == TIDU_V_UNKNOWN)
    return rr->nearest;
  int best = rr->nearest;
  for (size_t i = 0; i < rr->nstandards; i++) {
    const tidu_block_result *b = &rr->standards[i];
    if (b->verdict != TIDU_V_UNKNOWN) continue;
    if (rr->standards[best].verdict != TIDU_V_UNKNOWN || b->distance < rr->standards[best].distance)
      best = (int)i;
  }
  return best;
}

/* A failing or undetermined common-conditions block, or NULL. */
static const tidu_block_result *open_require(const tidu_ruleset_result *rr) {
  for (size_t i = 0; i < rr->nrequires; i++)
    if (rr->requires[i].verdict == TIDU_V_FAIL) return &rr->requires[i];
  for (size_t i = 0; i < rr->nrequires; i++)
    if (rr->requires[i].verdict == TIDU_V_UNKNOWN) return &rr->requires[i];
  return NULL;
}

static void block_gap(const tidu_block_result *b, const char *lang, char *gap, size_t size);

size_t tidu_report_standing(const tidu_ruleset_result *rr, const char *lang, char *buf,
                            size_t size) {
  buf[0] = 0;
  int shown = shown_standard(rr);
  const tidu_block_result *req = open_require(rr);
  if (rr->verdict != TIDU_V_PASS && req &&
      (shown < 0 || rr->standards[shown].verdict == TIDU_V_PASS || req->verdict == TIDU_V_FAIL)) {
    char gap[96];
    block_gap(req, lang, gap, sizeof gap);
    snprintf(buf, size, " %s%s", strcmp(lang, "en") ? "共同条件" : "common", gap);
    return strlen(buf);
  }
  if (shown < 0) return 0;
  const tidu_block_result *b = &rr->standards[shown];
  if (rr->verdict == TIDU_V_PASS) {
    snprintf(buf, size, " %s", b->id ? b->id : "");
    return strlen(buf);
  }
  char gap[96];
  block_gap(b, lang, gap, sizeof gap);
  snprintf(buf, size, " %s%s", b->id ? b->id : "", gap);
  return strlen(buf);
}

/* " 差2亿+1" for a failing block, " 缺3项" for an undetermined one, "" otherwise. */
static void block_gap(const tidu_block_result *b, const char *lang, char *gap, size_t size) {
  gap[0] = 0;
  if (b->verdict == TIDU_V_UNKNOWN) {
    size_t nm = count_missing(b->conds, b->nconds);
    if (strcmp(lang, "en"))
      snprintf(gap, size, " 缺%zu项", nm);
    else
      snprintf(gap, size, " %zu missing", nm);
    return;
  }
  if (b->verdict != TIDU_V_FAIL) return;
  const tidu_cond_result *leaves[32];
  size_t n = 0;
  failing_leaves(b->conds, b->nconds, leaves, &n, 32);
  size_t worst = 0;
  for (size_t i = 1; i < n; i++)
    if (leaves[i]->distance > leaves[worst]->distance) worst = i;
  char one[64] = "";
  if (n) format_gap(leaves[worst], lang, one, sizeof one);
  if (one[0] && n > 1)
    snprintf(gap, size, " %s+%zu", one, n - 1);
  else if (one[0])
    snprintf(gap, size, " %s", one);
}

char *tidu_report_explain(const tidu_result *r, const char *lang) {
  int en = lang && strcmp(lang, "en") == 0;
  const char *l = en ? "en" : "zh";
  tidu_sb b = {0};
  tidu_sb_printf(&b, "%s %s (%d)\n", r->uscc ? r->uscc : "—", r->name ? r->name : "", r->year);
  for (size_t i = 0; i < r->nrulesets; i++) explain_ruleset(&b, &r->rulesets[i], en, l);
  return tidu_sb_take(&b);
}
