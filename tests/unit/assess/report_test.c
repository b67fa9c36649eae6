/* Tests for reports: contract §4 JSON shape and values, and the explanation lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/rules/rules_helpers.h"

static const char *const rules =
    "ruleset star \"科创板\" \"STAR Market\" kind board\n"
    "  version \"2024-04\"\n  effective 2019-03-01\n"
    "  source \"科创板股票上市规则 2.1.2\"\n"
    "standard star.1 \"市值 + 净利润\" {\n  market_cap >= 10亿\n"
    "  any {\n    all { each(profit, 2) > 0   sum(profit, 2) >= 5000万 }\n"
    "    all { profit[0] > 0   revenue[0] >= 1亿 }\n  }\n}\n"
    "standard star.4 \"市值 + 营业收入\" { market_cap >= 30亿  revenue[0] >= 3亿 }\n";

static const char *const tier =
    "ruleset innovative_sme \"创新型中小企业\" kind tier\n  version \"2022\"\n"
    "  effective 2022-08-01\n"
    "score rd \"研发\" max 20 { when rd_ratio[0] >= 5% -> 20  else -> 0 }\n"
    "score mk \"市值\" max 40 { when market_cap >= 1亿 -> 40 else -> 10 }\n"
    "pass { score >= 60 }\n";

typedef struct fixture {
  tidu_rulebook *rb;
  tidu_selection *sel;
  tidu_chunk *ch;
  tidu_eval *ev;
  tidu_firm f;
  tidu_result *res;
} fixture;

static void setup_firm(fixture *x) {
  x->rb = tidu_rulebook_new();
  assert_int_equal(tidu_rulebook_add_text(x->rb, "star.tidu", rules, strlen(rules), NULL), TIDU_OK);
  assert_int_equal(tidu_rulebook_add_text(x->rb, "sme.tidu", tier, strlen(tier), NULL), TIDU_OK);
  x->sel = tidu_rulebook_select(x->rb, as_of_default(), NULL, NULL);
  assert_int_equal(tidu_selection_count(x->sel), 2);
  firm_blank(&x->f);
  tidu_firm_set_text(&x->f, TIDU_F_USCC, "91320500MA1N2K3P99");
  tidu_firm_set_text(&x->f, TIDU_F_NAME, "示例科技");
  x->f.v[TIDU_F_MARKET_CAP] = YUAN(1200000000);
  set_year(&x->f, 2024, TIDU_Y_REVENUE, YUAN(210000000));
  set_year(&x->f, 2024, TIDU_Y_NET_PROFIT, YUAN(24999999) + 99);
  set_year(&x->f, 2024, TIDU_Y_NET_PROFIT_DEDUCTED, YUAN(24999999) + 99);
  set_year(&x->f, 2023, TIDU_Y_NET_PROFIT, YUAN(25000000));
  set_year(&x->f, 2023, TIDU_Y_NET_PROFIT_DEDUCTED, YUAN(25000000));
  x->ch = tidu_chunk_new(1);
  tidu_chunk_add(x->ch, &x->f, 0);
  x->ev = tidu_eval_new();
  assert_int_equal(tidu_assess_chunk(x->sel, x->ch, as_of_default(), x->ev, NULL), TIDU_OK);
  assert_int_equal(tidu_eval_materialise(x->ev, 0, &x->res, NULL), TIDU_OK);
}

static void teardown_firm(fixture *x) {
  tidu_result_free(x->res);
  tidu_eval_free(x->ev);
  tidu_chunk_free(x->ch);
  tidu_firm_clear(&x->f);
  tidu_selection_free(x->sel);
  tidu_rulebook_free(x->rb);
}

static const char *str_of(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  assert_true(json_is_string(v));
  return json_string_value(v);
}

static void test_json_shape(void **state) {
  (void)state;
  fixture x;
  setup_firm(&x);
  json_t *j = tidu_report_json(x.res);
  assert_non_null(j);
  assert_string_equal(str_of(j, "uscc"), "91320500MA1N2K3P99");
  assert_string_equal(str_of(j, "name"), "示例科技");
  assert_int_equal(json_integer_value(json_object_get(j, "year")), 2024);
  json_t *results = json_object_get(j, "results");
  assert_int_equal(json_array_size(results), 2);
  json_t *star = json_array_get(results, 0);
  assert_string_equal(str_of(star, "id"), "star");
  assert_string_equal(str_of(star, "kind"), "board");
  assert_string_equal(str_of(star, "name"), "科创板");
  assert_string_equal(str_of(star, "version"), "2024-04");
  assert_string_equal(str_of(star, "verdict"), "pass");
  assert_string_equal(str_of(star, "nearest"), "star.1");
  assert_true(json_is_array(json_object_get(star, "missing")));
  json_t *std = json_array_get(json_object_get(star, "standards"), 0);
  assert_string_equal(str_of(std, "id"), "star.1");
  assert_string_equal(str_of(std, "verdict"), "pass");
  json_t *conds = json_object_get(std, "conditions");
  json_t *c0 = json_array_get(conds, 0);
  assert_string_equal(str_of(c0, "text"), "预计市值 ≥ 10亿元");
  assert_int_equal(json_integer_value(json_object_get(c0, "value")), 1200000000);
  assert_int_equal(json_integer_value(json_object_get(c0, "threshold")), 1000000000);
  assert_string_equal(str_of(c0, "verdict"), "pass");
  assert_int_equal(json_integer_value(json_object_get(c0, "gap")), 0);
  assert_int_equal(json_array_size(json_object_get(c0, "missing")), 0);
  assert_string_equal(str_of(c0, "path"), "[0]");
  /* the sum one 分 under the line: value with its cents, gap of 0.01 元 */
  json_t *sum = NULL;
  for (size_t i = 0; i < json_array_size(conds); i++) {
    json_t *c = json_array_get(conds, i);
    if (!strcmp(str_of(c, "text"), "最近两年累计净利润(扣非前后孰低) ≥ 5000万元")) sum = c;
  }
  assert_non_null(sum);
  assert_string_equal(str_of(sum, "verdict"), "fail");
  assert_string_equal(str_of(sum, "path"), "[1]/any[0]/all[1]");
  char *dumped = json_dumps(sum, JSON_REAL_PRECISION(15));
  assert_non_null(strstr(dumped, "\"value\": 49999999.99"));
  assert_non_null(strstr(dumped, "\"gap\": 0.01"));
  free(dumped);
  json_t *sme = json_array_get(results, 1);
  assert_string_equal(str_of(sme, "kind"), "tier");
  assert_string_equal(str_of(sme, "verdict"), "unknown");
  assert_true(json_is_null(json_object_get(sme, "score"))); /* rd_ratio unknown */
  assert_int_equal(json_integer_value(json_object_get(sme, "pass_score")), 60);
  json_t *items = json_object_get(sme, "items");
  assert_int_equal(json_array_size(items), 2);
  json_t *mk = json_array_get(items, 1);
  assert_string_equal(str_of(mk, "id"), "mk");
  assert_int_equal(json_integer_value(json_object_get(mk, "points")), 40);
  assert_int_equal(json_integer_value(json_object_get(mk, "max")), 40);
  json_t *miss = json_object_get(sme, "missing");
  assert_string_equal(json_string_value(json_array_get(miss, 0)), "rd_expense[2024]");
  json_decref(j);
  char *line = tidu_report_json_text(x.res);
  assert_non_null(strstr(line, "\"value\":49999999.99,"));
  assert_null(strchr(line, '\n'));
  free(line);
  teardown_firm(&x);
}

static void test_explain_lines(void **state) {
  (void)state;
  fixture x;
  setup_firm(&x);
  char *zh = tidu_report_explain(x.res, "zh");
  assert_non_null(zh);
  assert_non_null(strstr(zh, "✓ 科创板 (star)"));
  assert_non_null(
      strstr(zh, "✗ 最近两年累计净利润(扣非前后孰低) ≥ 5000万元 49,999,999.99元,需 ≥ 50,000,000.00元,差 0.01元 "
                 "〔科创板股票上市规则 2.1.2〕"));
  assert_non_null(strstr(zh, "缺少: 研发费用(2024)"));
  char *en = tidu_report_explain(x.res, "en");
  assert_non_null(strstr(en, "STAR Market"));
  free(zh);
  free(en);
  teardown_firm(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_shape),
      cmocka_unit_test(test_explain_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
