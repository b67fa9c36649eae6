/* Tests for threshold edits: numbering a block's comparisons and recompiling with one changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules_helpers.h"

static const char RULES[] = "ruleset demo \"示例\" kind board\n"
                            "  effective 2024-01-01\n"
                            "standard demo.1 \"营收\" {\n"
                            "  each(revenue, 2) > 0 \"最近2年营业收入为正\"\n"
                            "  revenue[0] >= 1亿 \"最近一年营业收入不低于1亿元\"\n"
                            "  any {\n"
                            "    revenue[1] >= 8000万\n"
                            "    revenue[0] >= revenue[1]\n"
                            "  }\n"
                            "}\n"
                            "standard demo.2 \"研发\" {\n"
                            "  rd_expense[0] / revenue[0] >= 5%\n"
                            "}\n";

/* The base selection of RULES, in force on 2025-06-30. */
static tidu_rulebook *base_book(tidu_selection **sel) {
  tidu_rulebook *rb = book_of(RULES);
  tidu_error err;
  *sel = tidu_rulebook_select(rb, as_of_default(), NULL, &err);
  assert_non_null(*sel);
  return rb;
}

/* Applies `specs` and expects `want`; returns the error message (static buffer). */
static const char *set_expect(const char *const *specs, size_t n, tidu_code want) {
  static char msg[512];
  tidu_selection *base = NULL;
  tidu_rulebook *rb = base_book(&base);
  tidu_rulebook *book = NULL;
  tidu_selection *sel = NULL;
  char **changes = NULL;
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_rules_set_thresholds(base, rb, specs, n, as_of_default(), &book, &sel,
                                           &changes, &errs, &err);
  assert_int_equal(rc, want);
  snprintf(msg, sizeof msg, "%s", err.message);
  tidu_thresholds_changes_free(changes, n);
  tidu_selection_free(sel);
  tidu_rulebook_free(book);
  tidu_errlist_free(&errs);
  tidu_selection_free(base);
  tidu_rulebook_free(rb);
  return msg;
}

static void numbers_comparisons_in_source_order(void **state) {
  (void)state;
  tidu_selection *sel = NULL;
  tidu_rulebook *rb = base_book(&sel);
  tidu_threshold *t = NULL;
  size_t n = 0;
  assert_int_equal(tidu_ruleset_thresholds(tidu_selection_get(sel, 0), &t, &n, NULL), TIDU_OK);
  assert_int_equal(n, 5);
  assert_string_equal(t[0].block, "demo.1");
  assert_int_equal(t[0].n, 1);
  assert_string_equal(t[0].literal, "0");
  assert_string_equal(t[1].literal, "1亿");
  assert_int_equal(t[1].line, 5);
  assert_non_null(strstr(t[1].text, "≥ 1亿元"));
  assert_string_equal(t[2].literal, "8000万");
  assert_null(t[3].literal); /* revenue[0] >= revenue[1] */
  assert_string_equal(t[4].block, "demo.2");
  assert_int_equal(t[4].n, 1);
  assert_string_equal(t[4].literal, "5%");
  tidu_thresholds_free(t, n);
  tidu_selection_free(sel);
  tidu_rulebook_free(rb);
}

/* One firm per revenue[0] level; revenue[1] high enough for the other conditions. */
static void firms_at(tidu_firm *f, const int64_t *rev0, size_t n) {
  for (size_t i = 0; i < n; i++) {
    firm_blank(&f[i]);
    set_year(&f[i], 2024, TIDU_Y_REVENUE, YUAN(rev0[i]));
    set_year(&f[i], 2023, TIDU_Y_REVENUE, YUAN(90000000));
  }
}

static void edited_threshold_decides(void **state) {
  (void)state;
  tidu_selection *base = NULL;
  tidu_rulebook *rb = base_book(&base);
  const char *specs[] = {"demo.1.2=1.2亿"};
  tidu_rulebook *book = NULL;
  tidu_selection *sel = NULL;
  char **changes = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  assert_int_equal(tidu_rules_set_thresholds(base, rb, specs, 1, as_of_default(), &book, &sel,
                                             &changes, NULL, &err),
                   TIDU_OK);
  assert_string_equal(changes[0], "demo.1 #2 最近一年营业收入 ≥ 1亿元 → ≥ 1.2亿元");
  const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, 0));
  assert_string_equal(m->id, "demo");
  assert_int_equal(m->effective, tidu_days_from_civil(2024, 1, 1));

  const int64_t rev0[] = {100000000, 110000000, 120000000, 99999999};
  tidu_firm f[4];
  firms_at(f, rev0, 4);
  tidu_chunk *ch = tidu_chunk_new(4);
  for (size_t i = 0; i < 4; i++) assert_int_equal(tidu_chunk_add(ch, &f[i], 0), TIDU_OK);
  tidu_eval *ea = tidu_eval_new(), *eb = tidu_eval_new();
  assert_int_equal(tidu_assess_chunk(base, ch, as_of_default(), ea, &err), TIDU_OK);
  assert_int_equal(tidu_assess_chunk(sel, ch, as_of_default(), eb, &err), TIDU_OK);
  const uint8_t *va = tidu_eval_verdicts(ea, 0, 0), *vb = tidu_eval_verdicts(eb, 0, 0);
  const uint8_t before[] = {TIDU_V_PASS, TIDU_V_PASS, TIDU_V_PASS, TIDU_V_FAIL};
  const uint8_t after[] = {TIDU_V_FAIL, TIDU_V_FAIL, TIDU_V_PASS, TIDU_V_FAIL};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(va[i], before[i]);
    assert_int_equal(vb[i], after[i]);
  }
  for (size_t i = 0; i < 4; i++) tidu_firm_clear(&f[i]);
  tidu_eval_free(ea);
  tidu_eval_free(eb);
  tidu_chunk_free(ch);
  tidu_thresholds_changes_free(changes, 1);
  tidu_selection_free(sel);
  tidu_rulebook_free(book);
  tidu_selection_free(base);
  tidu_rulebook_free(rb);
}

static void edited_label_is_regenerated(void **state) {
  (void)state;
  tidu_selection *base = NULL;
  tidu_rulebook *rb = base_book(&base);
  const char *specs[] = {"demo.1.2 = 1.5亿", "demo.2.1=6%"};
  tidu_rulebook *book = NULL;
  tidu_selection *sel = NULL;
  tidu_error err;
  assert_int_equal(
      tidu_rules_set_thresholds(base, rb, specs, 2, as_of_default(), &book, &sel, NULL, NULL, &err),
      TIDU_OK);
  tidu_threshold *t = NULL;
  size_t n = 0;
  assert_int_equal(tidu_ruleset_thresholds(tidu_selection_get(sel, 0), &t, &n, NULL), TIDU_OK);
  assert_int_equal(n, 5);
  assert_string_equal(t[1].literal, "1.5亿");
  assert_string_equal(t[4].literal, "6%");
  char *tree = NULL;
  assert_int_equal(tidu_ruleset_dump(tidu_selection_get(sel, 0), TIDU_DUMP_TREE, &tree, &err),
                   TIDU_OK);
  assert_null(strstr(tree, "不低于1亿元"));             /* the stale label is gone */
  assert_non_null(strstr(tree, "最近2年营业收入为正")); /* other labels stay */
  free(tree);
  tidu_thresholds_free(t, n);
  tidu_selection_free(sel);
  tidu_rulebook_free(book);
  tidu_selection_free(base);
  tidu_rulebook_free(rb);
}

static void bad_addresses_are_usage_errors(void **state) {
  (void)state;
  const char *unknown[] = {"demo.3.1=1"};
  assert_non_null(strstr(set_expect(unknown, 1, TIDU_ERR_USAGE), "did you mean 'demo.1'"));
  const char *range[] = {"demo.2.2=1"};
  assert_non_null(strstr(set_expect(range, 1, TIDU_ERR_USAGE), "has 1 numeric comparisons"));
  const char *notconst[] = {"demo.1.4=1亿"};
  assert_non_null(strstr(set_expect(notconst, 1, TIDU_ERR_USAGE), "no constant"));
  const char *badval[] = {"demo.1.2=lots"};
  assert_non_null(strstr(set_expect(badval, 1, TIDU_ERR_USAGE), "not a number literal"));
  const char *unit[] = {"demo.1.2=12%"};
  assert_non_null(strstr(set_expect(unit, 1, TIDU_ERR_USAGE), "unit"));
  const char *shape[] = {"demo.1"};
  assert_non_null(strstr(set_expect(shape, 1, TIDU_ERR_USAGE), "STANDARD_ID.N=VALUE"));
  const char *nonum[] = {"demo.1=5"}; /* "demo" is a rule set, not a standard */
  assert_non_null(strstr(set_expect(nonum, 1, TIDU_ERR_USAGE), "no standard 'demo'"));
  const char *twice[] = {"demo.1.2=2亿", "demo.1.2=3亿"};
  assert_non_null(strstr(set_expect(twice, 2, TIDU_ERR_USAGE), "twice"));
  const char *zero[] = {"demo.1.0=1"};
  set_expect(zero, 1, TIDU_ERR_USAGE);
}

static void require_blocks_are_addressable(void **state) {
  (void)state;
  static const char text[] = "ruleset t \"档\" kind tier\n"
                             "  effective 2024-01-01\n"
                             "require {\n"
                             "  employees[0] >= 10\n"
                             "}\n"
                             "standard t.1 \"营收\" {\n"
                             "  revenue[0] >= 1000万\n"
                             "}\n";
  tidu_rulebook *rb = book_of(text);
  tidu_error err;
  tidu_selection *base = tidu_rulebook_select(rb, as_of_default(), NULL, &err);
  assert_non_null(base);
  const char *specs[] = {"t.require.1=20"};
  tidu_rulebook *book = NULL;
  tidu_selection *sel = NULL;
  char **changes = NULL;
  assert_int_equal(tidu_rules_set_thresholds(base, rb, specs, 1, as_of_default(), &book, &sel,
                                             &changes, NULL, &err),
                   TIDU_OK);
  assert_non_null(strstr(changes[0], "t.require #1"));
  assert_non_null(strstr(changes[0], "→ ≥ 20"));
  tidu_thresholds_changes_free(changes, 1);
  tidu_selection_free(sel);
  tidu_rulebook_free(book);
  tidu_selection_free(base);
  tidu_rulebook_free(rb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(numbers_comparisons_in_source_order),
      cmocka_unit_test(edited_threshold_decides),
      cmocka_unit_test(edited_label_is_regenerated),
      cmocka_unit_test(bad_addresses_are_usage_errors),
      cmocka_unit_test(require_blocks_are_addressable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
