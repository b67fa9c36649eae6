/* Tests for the evaluator: exact boundaries, unknowns, three-valued logic, scores, versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "rules_helpers.h"

static const char *const boundary_rules =
    "ruleset t \"测试\" kind board\n"
    "  effective 2020-01-01\n"
    "standard t.1 \"利润\" { sum(profit, 2) >= 5000万 }\n"
    "standard t.2 \"研发\" { ratio(rd_expense, revenue, 3) >= 15% }\n"
    "standard t.3 \"增长\" { growth(revenue) >= 30% }\n"
    "standard t.4 \"复合\" { cagr(revenue, 3) >= 25% }\n"
    "standard t.5 \"平均\" { avg_growth(revenue, 2) >= 25% }\n";

static void profits(tidu_firm *f, int64_t p0, int64_t p1) {
  set_year(f, 2024, TIDU_Y_NET_PROFIT, p0);
  set_year(f, 2024, TIDU_Y_NET_PROFIT_DEDUCTED, p0);
  set_year(f, 2023, TIDU_Y_NET_PROFIT, p1);
  set_year(f, 2023, TIDU_Y_NET_PROFIT_DEDUCTED, p1 + 500); /* profit takes the lower */
}

static void test_money_exact(void **state) {
  (void)state;
  tidu_firm f[3];
  for (int i = 0; i < 3; i++) firm_blank(&f[i]);
  profits(&f[0], YUAN(24999999) + 99, YUAN(25000000) + 1); /* 24,999,999.99 + 25,000,000.01 */
  profits(&f[1], YUAN(24999999) + 99, YUAN(25000000));     /* one 分 under */
  profits(&f[2], YUAN(50000000), 0);                       /* exactly, with a zero year */
  run r = run_firms(boundary_rules, f, 3);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 1), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 2), TIDU_V_PASS);
  /* the gap of the failing firm is one 分, the relative distance tiny but positive */
  tidu_result *res;
  assert_int_equal(tidu_eval_materialise(r.ev, 1, &res, NULL), TIDU_OK);
  const tidu_cond_result *c = &res->rulesets[0].standards[0].conds[0];
  assert_int_equal(c->verdict, TIDU_V_FAIL);
  assert_true(fabs(c->gap - 0.01) < 1e-9);
  assert_true(fabs(c->threshold - 50000000.0) < 1e-6);
  assert_true(c->distance > 0 && c->distance < 1e-8);
  tidu_result_free(res);
  run_free(&r);
  for (int i = 0; i < 3; i++) tidu_firm_clear(&f[i]);
}

static void test_ratio_growth_cagr_exact(void **state) {
  (void)state;
  tidu_firm f[4];
  for (int i = 0; i < 4; i++) firm_blank(&f[i]);
  /* ratio exactly 15%: 15 of 100 over three years, and one 分 under */
  for (int i = 0; i < 2; i++) {
    set_year(&f[i], 2024, TIDU_Y_REVENUE, YUAN(40000000));
    set_year(&f[i], 2023, TIDU_Y_REVENUE, YUAN(32000000));
    set_year(&f[i], 2022, TIDU_Y_REVENUE, YUAN(25600000));
    set_year(&f[i], 2024, TIDU_Y_RD_EXPENSE, YUAN(6000000));
    set_year(&f[i], 2023, TIDU_Y_RD_EXPENSE, YUAN(4800000));
    set_year(&f[i], 2022, TIDU_Y_RD_EXPENSE, YUAN(3840000) - (i == 1));
  }
  /* f2: cagr exactly 25%: 15625k / 10000k = 1.25^2 */
  set_year(&f[2], 2024, TIDU_Y_REVENUE, YUAN(15625) * 1000);
  set_year(&f[2], 2023, TIDU_Y_REVENUE, YUAN(12500) * 1000);
  set_year(&f[2], 2022, TIDU_Y_REVENUE, YUAN(10000) * 1000);
  /* f3: cagr one 分 under 25% */
  set_year(&f[3], 2024, TIDU_Y_REVENUE, YUAN(15625) * 1000 - 1);
  set_year(&f[3], 2023, TIDU_Y_REVENUE, YUAN(12500) * 1000);
  set_year(&f[3], 2022, TIDU_Y_REVENUE, YUAN(10000) * 1000);
  run r = run_firms(boundary_rules, f, 4);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 1, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 1, 1), TIDU_V_FAIL);
  /* f0, f1 grow exactly 25%: growth >= 30% fails, cagr >= 25% and avg_growth pass */
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 2, 0), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 3, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 4, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 3, 2), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 3, 3), TIDU_V_FAIL);
  run_free(&r);
  for (int i = 0; i < 4; i++) tidu_firm_clear(&f[i]);
}

/* Sums beyond 64 bits fall back to exact arithmetic, lane by lane within one tile: the firms
 * whose revenue sum overflows int64 分 are still decided exactly at the line, and their
 * neighbours in the same tile keep their own verdicts. */
static void test_overflow_falls_back_exactly(void **state) {
  (void)state;
  static const char *const big_rules =
      "ruleset o \"溢出\" kind board\n"
      "  effective 2020-01-01\n"
      "standard o.1 \"合计\" { sum(revenue, 2) >= 1200000000亿 }\n";
  const int64_t half = 6000000000000000000LL; /* 6e18 分 = 6e16 元; two of them overflow int64 */
  tidu_firm f[4];
  for (int i = 0; i < 4; i++) firm_blank(&f[i]);
  set_year(&f[0], 2024, TIDU_Y_REVENUE, half); /* exactly at the line: passes */
  set_year(&f[0], 2023, TIDU_Y_REVENUE, half);
  set_year(&f[1], 2024, TIDU_Y_REVENUE, YUAN(100)); /* small neighbour: fails */
  set_year(&f[1], 2023, TIDU_Y_REVENUE, YUAN(100));
  set_year(&f[2], 2024, TIDU_Y_REVENUE, half); /* one 分 under: fails */
  set_year(&f[2], 2023, TIDU_Y_REVENUE, half - 1);
  set_year(&f[3], 2024, TIDU_Y_REVENUE, half); /* a year missing: unknown */
  run r = run_firms(big_rules, f, 4);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 1), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 2), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 3), TIDU_V_UNKNOWN);
  run_free(&r);
  for (int i = 0; i < 4; i++) tidu_firm_clear(&f[i]);
}

static void test_growth_exact_and_unknown(void **state) {
  (void)state;
  tidu_firm f[4];
  for (int i = 0; i < 4; i++) firm_blank(&f[i]);
  set_year(&f[0], 2024, TIDU_Y_REVENUE, YUAN(130));
  set_year(&f[0], 2023, TIDU_Y_REVENUE, YUAN(100));
  set_year(&f[1], 2024, TIDU_Y_REVENUE, YUAN(130) - 1);
  set_year(&f[1], 2023, TIDU_Y_REVENUE, YUAN(100));
  set_year(&f[2], 2024, TIDU_Y_REVENUE, YUAN(130));
  set_year(&f[2], 2023, TIDU_Y_REVENUE, 0);         /* growth from zero: unknown, not infinite */
  set_year(&f[3], 2024, TIDU_Y_REVENUE, YUAN(130)); /* 2023 missing */
  run r = run_firms(boundary_rules, f, 4);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 2, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 2, 1), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 2, 2), TIDU_V_UNKNOWN);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 2, 3), TIDU_V_UNKNOWN);
  tidu_result *res;
  assert_int_equal(tidu_eval_materialise(r.ev, 3, &res, NULL), TIDU_OK);
  const tidu_cond_result *c = &res->rulesets[0].standards[2].conds[0];
  assert_int_equal(c->nmissing, 1);
  assert_string_equal(c->missing[0], "revenue[2023]");
  tidu_result_free(res);
  /* no missing figure is named for a growth from zero */
  assert_int_equal(tidu_eval_materialise(r.ev, 2, &res, NULL), TIDU_OK);
  assert_int_equal(res->rulesets[0].standards[2].conds[0].nmissing, 0);
  tidu_result_free(res);
  run_free(&r);
  for (int i = 0; i < 4; i++) tidu_firm_clear(&f[i]);
}

static const char *const logic_rules =
    "ruleset b \"板\" kind board\n"
    "  effective 2020-01-01\n"
    "  source \"规则 1\"\n"
    "standard b.1 \"任一\" { any { market_cap >= 10亿  revenue[0] >= 1亿 } }\n"
    "standard b.2 \"全部\" source \"规则 2\" { market_cap >= 20亿  revenue[0] >= 3亿 source \"规则 "
    "3\" }\n"
    "standard b.3 \"否定\" { not own_brand }\n";

static void test_three_valued(void **state) {
  (void)state;
  tidu_firm f[4];
  for (int i = 0; i < 4; i++) firm_blank(&f[i]);
  /* market_cap missing everywhere */
  set_year(&f[0], 2024, TIDU_Y_REVENUE, YUAN(100000000)); /* any: pass; all: fails on revenue */
  set_year(&f[1], 2024, TIDU_Y_REVENUE, YUAN(50000000));  /* any: unknown; all: fail */
  set_year(&f[2], 2024, TIDU_Y_REVENUE, YUAN(300000000)); /* all: unknown */
  f[2].v[TIDU_F_OWN_BRAND] = 1;                           /* not: fail */
  f[3].v[TIDU_F_OWN_BRAND] = 1;
  set_year(&f[3], 2024, TIDU_Y_REVENUE, YUAN(50000000));
  run r = run_firms(logic_rules, f, 4);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 0, 1), TIDU_V_UNKNOWN);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 1, 0), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 1, 1), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 1, 2), TIDU_V_UNKNOWN);
  /* an absent declaration is false, never unknown */
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 2, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, 2, 2), TIDU_V_FAIL);
  /* the board: pass when one standard passes; unknown when none passes and one is unknown */
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 1), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 3), TIDU_V_UNKNOWN);
  /* citations: condition, else standard, else rule set */
  tidu_result *res;
  assert_int_equal(tidu_eval_materialise(r.ev, 2, &res, NULL), TIDU_OK);
  assert_string_equal(res->rulesets[0].standards[0].conds[0].source, "规则 1");
  assert_string_equal(res->rulesets[0].standards[1].conds[0].source, "规则 2");
  assert_string_equal(res->rulesets[0].standards[1].conds[1].source, "规则 3");
  assert_string_equal(res->rulesets[0].missing[0], "market_cap");
  tidu_result_free(res);
  run_free(&r);
  for (int i = 0; i < 4; i++) tidu_firm_clear(&f[i]);
}

static void test_nearest_standard(void **state) {
  (void)state;
  const char *rules = "ruleset n \"近\" kind board\n  effective 2020-01-01\n"
                      "standard n.1 \"甲\" { market_cap >= 10亿  revenue[0] >= 1亿 }\n"
                      "standard n.2 \"乙\" { market_cap >= 5亿 }\n"
                      "standard n.3 \"丙\" { revenue[0] >= 2亿 }\n";
  tidu_firm f[2];
  for (int i = 0; i < 2; i++) firm_blank(&f[i]);
  f[0].v[TIDU_F_MARKET_CAP] = YUAN(450000000); /* n.2 is 10% away, n.3 half away */
  set_year(&f[0], 2024, TIDU_Y_REVENUE, YUAN(100000000));
  f[1].v[TIDU_F_MARKET_CAP] = YUAN(100000000);
  set_year(&f[1], 2024, TIDU_Y_REVENUE, YUAN(190000000)); /* n.3 is 5% away */
  run r = run_firms(rules, f, 2);
  assert_int_equal(tidu_eval_nearest(r.ev, 0, 0), 1);
  assert_int_equal(tidu_eval_nearest(r.ev, 0, 1), 2);
  assert_true(fabs(tidu_eval_distance(r.ev, 0, 1, 0) - 0.1) < 1e-12);
  assert_true(fabs(tidu_eval_distance(r.ev, 0, 2, 1) - 0.05) < 1e-12);
  run_free(&r);
  for (int i = 0; i < 2; i++) tidu_firm_clear(&f[i]);
}

static const char *const tier_rules =
    "ruleset s \"分\" kind tier\n  effective 2020-01-01\n"
    "group g1 \"甲组\" max 40 min 20\n"
    "score a \"收入\" max 30 group g1 {\n"
    "  when revenue[0] >= 1亿 -> 30\n  when revenue[0] >= 5000万 -> 20\n  else -> 5\n}\n"
    "score b \"研发\" max 20 group g1 { when rd_ratio[0] >= 5% -> 20 else -> 0 }\n"
    "score c \"年限\" max 5 = min(5, floor(niche_years / 2))\n"
    "pass { score >= 44 }\n";

static void test_score_ranges(void **state) {
  (void)state;
  tidu_firm f[3];
  for (int i = 0; i < 3; i++) firm_blank(&f[i]);
  /* f0: everything known: a 30, b 20 -> group capped at 40, c = 3 -> 43: fail */
  set_year(&f[0], 2024, TIDU_Y_REVENUE, YUAN(100000000));
  set_year(&f[0], 2024, TIDU_Y_RD_EXPENSE, YUAN(5000000));
  f[0].v[TIDU_F_NICHE_YEARS] = 750; /* 7.5 years -> 3 points */
  /* f1: revenue missing: a in 5..30, b unknown 0..20, c unknown 0..5 -> 5..45 */
  /* f2: revenue 6000万, rd 6%, niche 20 years -> 20 + 20 + 5 = 45 */
  set_year(&f[2], 2024, TIDU_Y_REVENUE, YUAN(60000000));
  set_year(&f[2], 2024, TIDU_Y_RD_EXPENSE, YUAN(3600000));
  f[2].v[TIDU_F_NICHE_YEARS] = 2000;
  run r = run_firms(tier_rules, f, 3);
  double lo, hi;
  assert_int_equal(tidu_eval_score(r.ev, 0, 0, &lo, &hi), 1);
  assert_true(lo == 43 && hi == 43);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 0), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_score(r.ev, 0, 1, &lo, &hi), 0);
  assert_true(lo == 5 && hi == 45);
  /* the sub-floor (g1 >= 20) is undecided and the pass line too: unknown */
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 1), TIDU_V_UNKNOWN);
  assert_int_equal(tidu_eval_score(r.ev, 0, 2, &lo, &hi), 1);
  assert_true(lo == 45);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 2), TIDU_V_PASS);
  tidu_result *res;
  assert_int_equal(tidu_eval_materialise(r.ev, 1, &res, NULL), TIDU_OK);
  const tidu_ruleset_result *rr = &res->rulesets[0];
  assert_int_equal(rr->score_known, 0);
  assert_int_equal(rr->items[0].known, 0);
  assert_true(rr->items[0].lo == 5 && rr->items[0].hi == 30);
  assert_string_equal(rr->items[0].missing[0], "revenue[2024]");
  assert_true(rr->meta->has_pass_score && rr->meta->pass_score == 44);
  assert_int_equal(rr->pass.conds[0].verdict, TIDU_V_UNKNOWN);
  tidu_result_free(res);
  run_free(&r);
  for (int i = 0; i < 3; i++) tidu_firm_clear(&f[i]);
}

static void test_pass_on_range(void **state) {
  (void)state;
  const char *rules = "ruleset p \"分\" kind tier\n  effective 2020-01-01\n"
                      "score a \"甲\" max 60 { when revenue[0] >= 1亿 -> 60 else -> 40 }\n"
                      "score b \"乙\" max 40 { when market_cap >= 1亿 -> 40 else -> 30 }\n"
                      "pass { score >= 70 }\n";
  tidu_firm f[2];
  for (int i = 0; i < 2; i++) firm_blank(&f[i]);
  /* f0: a unknown (40..60), b = 30 -> 70..90: passes at the least */
  f[0].v[TIDU_F_MARKET_CAP] = YUAN(1000);
  /* f1: a = 40, b unknown (30..40) -> 70..80 */
  set_year(&f[1], 2024, TIDU_Y_REVENUE, YUAN(1000));
  run r = run_firms(rules, f, 2);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 1), TIDU_V_PASS);
  run_free(&r);
  for (int i = 0; i < 2; i++) tidu_firm_clear(&f[i]);
}

static void test_scope_versions_dates(void **state) {
  (void)state;
  const char *v1 = "ruleset v \"旧\" kind tier\n  effective 2020-01-01\n"
                   "require { market_cap >= 1 }\n";
  const char *v2 = "ruleset v \"新\" kind tier\n  effective 2025-01-01\n"
                   "require { years_since(founded) >= 3  months_since(founded) >= 30 }\n";
  const char *sc = "ruleset w \"地方\" kind tier\n  effective 2020-01-01\n  scope region \"31\"\n"
                   "require { market_cap >= 1 }\n";
  tidu_rulebook *rb = tidu_rulebook_new();
  assert_int_equal(tidu_rulebook_add_text(rb, "v1.tidu", v1, strlen(v1), NULL), TIDU_OK);
  assert_int_equal(tidu_rulebook_add_text(rb, "v2.tidu", v2, strlen(v2), NULL), TIDU_OK);
  assert_int_equal(tidu_rulebook_add_text(rb, "w.tidu", sc, strlen(sc), NULL), TIDU_OK);
  tidu_selection *old = tidu_rulebook_select(rb, tidu_days_from_civil(2024, 12, 31), "v", NULL);
  assert_int_equal(tidu_selection_count(old), 1);
  assert_string_equal(tidu_ruleset_meta(tidu_selection_get(old, 0))->name, "旧");
  tidu_selection_free(old);
  tidu_error err;
  assert_null(tidu_rulebook_select(rb, as_of_default(), "vv", &err));
  assert_int_equal(err.code, TIDU_ERR_USAGE);
  assert_non_null(strstr(err.message, "did you mean 'v'"));
  tidu_selection *sel = tidu_rulebook_select(rb, as_of_default(), NULL, NULL);
  assert_int_equal(tidu_selection_count(sel), 2);
  tidu_firm f;
  firm_blank(&f);
  tidu_firm_set_text(&f, TIDU_F_REGION, "320500");
  f.v[TIDU_F_FOUNDED] = tidu_days_from_civil(2022, 12, 31); /* 2 years to 2024-12-31, 29 months */
  tidu_chunk *ch = tidu_chunk_new(1);
  tidu_chunk_add(ch, &f, 0);
  tidu_eval *ev = tidu_eval_new();
  assert_int_equal(tidu_assess_chunk(sel, ch, as_of_default(), ev, NULL), TIDU_OK);
  assert_int_equal(tidu_eval_verdict(ev, 0, TIDU_WHOLE, 0), TIDU_V_FAIL);
  assert_int_equal(tidu_eval_verdict(ev, 1, TIDU_WHOLE, 0), TIDU_V_NA);
  tidu_cond_columns c = tidu_eval_cond(ev, 0, 1);
  assert_true(c.value[0] == 2);
  c = tidu_eval_cond(ev, 0, 2);
  assert_true(c.value[0] == 29);
  tidu_result *res;
  assert_int_equal(tidu_eval_materialise(ev, 0, &res, NULL), TIDU_OK);
  assert_int_equal(res->nrulesets, 1); /* the scoped rule set is left out */
  tidu_result_free(res);
  f.v[TIDU_F_FOUNDED] = tidu_days_from_civil(2021, 12, 30);
  tidu_chunk_reset(ch);
  tidu_chunk_add(ch, &f, 0);
  assert_int_equal(tidu_assess_chunk(sel, ch, as_of_default(), ev, NULL), TIDU_OK);
  assert_int_equal(tidu_eval_verdict(ev, 0, TIDU_WHOLE, 0), TIDU_V_PASS);
  tidu_eval_free(ev);
  tidu_chunk_free(ch);
  tidu_firm_clear(&f);
  tidu_selection_free(sel);
  tidu_rulebook_free(rb);
}

static void test_enums_tags_text(void **state) {
  (void)state;
  const char *rules =
      "ruleset e \"枚举\" kind tier\n  effective 2020-01-01\n"
      "let bad = any { red_flags has dishonest  red_flags has major_incident }\n"
      "require {\n  listing_status in { none, regional }\n"
      "  listing_status != main\n  not bad\n  industry startswith \"C39\", \"I65\"\n}\n";
  tidu_firm f[3];
  for (int i = 0; i < 3; i++) firm_blank(&f[i]);
  tidu_firm_set_text(&f[0], TIDU_F_INDUSTRY, "C3976");
  tidu_firm_set_text(&f[1], TIDU_F_INDUSTRY, "C3976");
  f[1].v[TIDU_F_RED_FLAGS] = 1 << 2; /* major_incident */
  f[2].v[TIDU_F_LISTING_STATUS] = tidu_enum_find(TIDU_E_listing_status, "regional");
  run r = run_firms(rules, f, 3);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 0), TIDU_V_PASS);
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 1), TIDU_V_FAIL);
  /* a missing text is unknown and named */
  assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, 2), TIDU_V_UNKNOWN);
  tidu_result *res;
  assert_int_equal(tidu_eval_materialise(r.ev, 2, &res, NULL), TIDU_OK);
  assert_string_equal(res->rulesets[0].missing[0], "industry");
  tidu_result_free(res);
  run_free(&r);
  for (int i = 0; i < 3; i++) tidu_firm_clear(&f[i]);
}

/* A chunk larger than one evaluation tile: every lane keeps its own verdict and value. */
static void test_many_lanes(void **state) {
  (void)state;
  enum { N = 300 };
  const char *rules = "ruleset m \"多\" kind board\n  effective 2020-01-01\n"
                      "standard m.1 \"市值\" { market_cap >= 1000元 }\n";
  tidu_firm *f = calloc(N, sizeof *f);
  for (int i = 0; i < N; i++) {
    firm_blank(&f[i]);
    f[i].v[TIDU_F_MARKET_CAP] = i % 7 == 0 ? TIDU_MISSING : YUAN(1000) - 150 + i;
  }
  run r = run_firms(rules, f, N);
  for (int i = 0; i < N; i++) {
    tidu_verdict want = i % 7 == 0 ? TIDU_V_UNKNOWN : i >= 150 ? TIDU_V_PASS : TIDU_V_FAIL;
    assert_int_equal(tidu_eval_verdict(r.ev, 0, TIDU_WHOLE, (size_t)i), want);
    tidu_cond_columns c = tidu_eval_cond(r.ev, 0, 1);
    if (i % 7) assert_true(fabs(c.value[i] - (1000 - 1.5 + i / 100.0)) < 1e-9);
  }
  run_free(&r);
  for (int i = 0; i < N; i++) tidu_firm_clear(&f[i]);
  free(f);
}

/* A formula or condition repeated within a rule set (the same average growth in several
 * standards, the deducted-profit fallback in each, the same test twice) gives every standard the
 * verdicts, values and gaps it has when evaluated alone, over several tiles of firms: small
 * figures, figures whose quotients overflow 64 bits, missing years and deducted profits missing
 * (bounds). */
static const char *const repeated_body[4] = {
    "{ avg_growth(revenue, 2) >= 10% }",
    "{ avg_growth(revenue, 2) >= 20%  sum(profit, 2) >= 100万 }",
    "{ sum(profit, 2) >= 200万  avg_growth(revenue, 2) < 50% }",
    "{ sum(profit, 2) >= 100万  own_brand  avg_growth(revenue, 2) >= 20% }",
};

static void same_double(double a, double b) {
  if (isnan(a) || isnan(b))
    assert_true(isnan(a) && isnan(b));
  else
    assert_true(a == b);
}

static void same_conds(const tidu_cond_result *a, const tidu_cond_result *b) {
  assert_int_equal(a->verdict, b->verdict);
  assert_int_equal(a->has_value, b->has_value);
  same_double(a->value, b->value);
  same_double(a->threshold, b->threshold);
  same_double(a->gap, b->gap);
  same_double(a->distance, b->distance);
  assert_int_equal(a->nchildren, b->nchildren);
  for (size_t k = 0; k < a->nchildren; k++) same_conds(&a->children[k], &b->children[k]);
}

static void test_repeated_formulas(void **state) {
  (void)state;
  enum { N = 300 };
  char together[1024], alone[4][512];
  int len = snprintf(together, sizeof together,
                     "ruleset r \"重复\" kind board\n  effective 2020-01-01\n");
  for (int s = 0; s < 4; s++) {
    len += snprintf(together + len, sizeof together - (size_t)len, "standard r.%d \"%d\" %s\n",
                    s + 1, s + 1, repeated_body[s]);
    snprintf(alone[s], sizeof alone[s],
             "ruleset a%d \"单独\" kind board\n  effective 2020-01-01\nstandard a%d.1 \"1\" %s\n",
             s, s, repeated_body[s]);
  }
  tidu_firm *f = calloc(N, sizeof *f);
  for (int i = 0; i < N; i++) {
    firm_blank(&f[i]);
    /* tiles of 128 firms: the first all known, the later ones with gaps */
    int64_t scale = i % 5 == 3 ? 4000000000000000LL : YUAN(1000000); /* 4e15 分 or 100万元 */
    set_year(&f[i], 2022, TIDU_Y_REVENUE, scale + i * 7);
    set_year(&f[i], 2023, TIDU_Y_REVENUE, scale + scale / 10 * (i % 4) + i * 13);
    if (i < 128 || i % 11)
      set_year(&f[i], 2024, TIDU_Y_REVENUE, scale + scale / 5 * (i % 3) - i * 3);
    set_year(&f[i], 2024, TIDU_Y_NET_PROFIT, YUAN(900000) + YUAN(1000) * (i % 300));
    set_year(&f[i], 2023, TIDU_Y_NET_PROFIT, YUAN(800000) + YUAN(1000) * (i % 250));
    set_year(&f[i], 2024, TIDU_Y_NET_PROFIT_DEDUCTED, YUAN(850000) + YUAN(1000) * (i % 300));
    if (i < 128 || i % 3)
      set_year(&f[i], 2023, TIDU_Y_NET_PROFIT_DEDUCTED, YUAN(700000) + YUAN(1000) * (i % 250));
    f[i].v[TIDU_F_OWN_BRAND] = i % 4 == 1 ? TIDU_MISSING : i % 2;
  }
  run r = run_firms(together, f, N);
  for (int s = 0; s < 4; s++) {
    run a = run_firms(alone[s], f, N);
    for (size_t i = 0; i < N; i++) {
      assert_int_equal(tidu_eval_verdict(r.ev, 0, (size_t)s, i), tidu_eval_verdict(a.ev, 0, 0, i));
      tidu_result *x, *y;
      assert_int_equal(tidu_eval_materialise(r.ev, i, &x, NULL), TIDU_OK);
      assert_int_equal(tidu_eval_materialise(a.ev, i, &y, NULL), TIDU_OK);
      const tidu_block_result *bx = &x->rulesets[0].standards[s],
                              *by = &y->rulesets[0].standards[0];
      assert_int_equal(bx->nconds, by->nconds);
      for (size_t k = 0; k < bx->nconds; k++) same_conds(&bx->conds[k], &by->conds[k]);
      tidu_result_free(x);
      tidu_result_free(y);
    }
    run_free(&a);
  }
  run_free(&r);
  for (int i = 0; i < N; i++) tidu_firm_clear(&f[i]);
  free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_money_exact),
      cmocka_unit_test(test_ratio_growth_cagr_exact),
      cmocka_unit_test(test_growth_exact_and_unknown),
      cmocka_unit_test(test_overflow_falls_back_exactly),
      cmocka_unit_test(test_three_valued),
      cmocka_unit_test(test_nearest_standard),
      cmocka_unit_test(test_score_ranges),
      cmocka_unit_test(test_pass_on_range),
      cmocka_unit_test(test_scope_versions_dates),
      cmocka_unit_test(test_enums_tags_text),
      cmocka_unit_test(test_many_lanes),
      cmocka_unit_test(test_repeated_formulas),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
