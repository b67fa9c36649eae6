/* Tests for the parser: the tree of the spec's first example, spans, and error recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rules/rules_int.h"

static const char *const star_text =
    "ruleset star \"科创板\" \"STAR Market\" kind board\n"
    "  version \"2024-04\"\n"
    "  effective 2019-03-01 until 2030-01-01\n"
    "  source \"规则 2.1.2\"\n"
    "  note \"说明\"\n"
    "  scope region \"32\" \"31\"\n"
    "standard star.1 \"市值 + 净利润\" {\n"
    "  market_cap >= 10亿\n"
    "  any {\n"
    "    all { each(profit, 2) > 0   sum(profit, 2) >= 5000万 }\n"
    "    all { profit[0] > 0   revenue[0] >= 1亿 } \"标签\" source \"出处\"\n"
    "  }\n"
    "}\n"
    "require \"基本\" { not red_flags has dishonest  industry startswith \"C\", \"I65\" }\n"
    "info \"发行后股本总额不低于3000万元\" source \"2.1.1\"\n"
    "group g \"组\" max 40 min 20\n"
    "score s \"项\" max 20 group g { when rd_ratio[0] >= 5% -> 20 else -> 0 }\n"
    "score f \"公式\" max 5 = min(5, floor(niche_years / 2))\n"
    "pass { score >= 60 }\n";

static int parse_text(const char *text, int prelude, tidu_ast **ast, tidu_errlist *errs) {
  tidu_toklist toks = {0};
  int e = tidu_lex("p.tidu", text, strlen(text), &toks, errs);
  assert_int_equal(e, 0);
  int n = tidu_parse("p.tidu", &toks, prelude, ast, errs);
  tidu_toklist_free(&toks);
  return n;
}

static void test_header_and_decls(void **state) {
  (void)state;
  tidu_ast *a;
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  assert_int_equal(parse_text(star_text, 0, &a, &errs), 0);
  assert_string_equal(a->id, "star");
  assert_string_equal(a->name, "科创板");
  assert_string_equal(a->name_en, "STAR Market");
  assert_int_equal(a->kind, TIDU_KIND_BOARD);
  assert_string_equal(a->version, "2024-04");
  assert_true(a->has_until);
  assert_int_equal(a->nregions, 2);
  assert_string_equal(a->regions[1], "31");
  assert_int_equal(a->ndecls, 7);
  static const tidu_node_kind kinds[] = {ND_STANDARD, ND_REQUIRE, ND_INFO, ND_GROUP,
                                         ND_SCORE,    ND_SCORE,   ND_PASS};
  for (size_t i = 0; i < 7; i++) assert_int_equal(a->decls[i]->kind, kinds[i]);
  const tidu_node *blk = a->decls[0]->kids[0];
  assert_int_equal(blk->nkids, 2);
  assert_int_equal(blk->kids[0]->kind, ND_CMP);
  assert_int_equal(blk->kids[0]->sp.line, 8);
  assert_int_equal(blk->kids[0]->sp.col, 3);
  const tidu_node *any = blk->kids[1];
  assert_int_equal(any->kind, ND_ANY);
  assert_int_equal(any->kids[0]->kids[0]->kind, ND_EACH);
  assert_int_equal(any->kids[0]->kids[0]->ival, 2);
  assert_string_equal(any->kids[1]->label, "标签");
  assert_string_equal(any->kids[1]->cite, "出处");
  const tidu_node *score = a->decls[4];
  assert_string_equal(score->group, "g");
  assert_int_equal(score->nkids, 2);
  assert_true(score->kids[0]->points == 20);
  assert_int_equal(score->kids[1]->nkids, 0); /* else */
  assert_int_equal(a->decls[5]->ival, 1);     /* a formula item */
  assert_true(a->decls[3]->ival == 1 && a->decls[3]->min == 20);
  tidu_ast_free(a);
  tidu_errlist_free(&errs);
}

static void test_precedence(void **state) {
  (void)state;
  tidu_ast *a;
  const char *text = "let x = 1 + 2 * -3 - 4 / (5 - 6)\n";
  assert_int_equal(parse_text(text, 1, &a, NULL), 0);
  const tidu_node *e = a->decls[0]->kids[0];
  /* ((1 + (2 * -3)) - (4 / (5 - 6))) */
  assert_int_equal(e->kind, ND_BIN);
  assert_int_equal(e->op, '-');
  assert_int_equal(e->kids[0]->op, '+');
  assert_int_equal(e->kids[0]->kids[1]->op, '*');
  assert_int_equal(e->kids[0]->kids[1]->kids[1]->kind, ND_NEG);
  assert_int_equal(e->kids[1]->op, '/');
  assert_int_equal(e->kids[1]->kids[1]->op, '-');
  tidu_ast_free(a);
}

static void test_errors_recover(void **state) {
  (void)state;
  const char *text = "ruleset x \"x\" kind board\n  effective 2020-01-01\n"
                     "standard x.1 \"a\" { revenue[0] >= }\n"
                     "standard x.2 \"b\" { revenue[0] >= 1 }\n"
                     "bogus\n"
                     "standard x.3 { revenue[0] >= 1 }\n";
  tidu_ast *a;
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  assert_int_equal(parse_text(text, 0, &a, &errs), 3);
  assert_int_equal(errs.items[0].line, 3);
  assert_int_equal(errs.items[0].col, 34);
  assert_non_null(strstr(errs.items[0].message, "expected an expression, found '}'"));
  assert_int_equal(errs.items[1].line, 5);
  assert_non_null(strstr(errs.items[1].message, "found 'bogus'"));
  assert_int_equal(errs.items[2].line, 6);
  assert_non_null(strstr(errs.items[2].message, "the standard's title"));
  /* the good declaration in between was kept */
  assert_int_equal(a->ndecls, 1);
  assert_string_equal(a->decls[0]->str, "x.2");
  tidu_ast_free(a);
  tidu_errlist_free(&errs);
}

static void test_kind_and_prelude(void **state) {
  (void)state;
  tidu_ast *a;
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  assert_int_equal(parse_text("ruleset x \"x\" kind boards effective 2020-01-01\n", 0, &a, &errs),
                   1);
  assert_non_null(strstr(errs.items[0].message, "board, positioning, tier or programme"));
  tidu_ast_free(a);
  tidu_errlist_free(&errs);
  assert_int_equal(parse_text("let a = 1\nstandard s \"x\" { a > 0 }\n", 1, &a, &errs), 1);
  assert_non_null(strstr(errs.items[0].message, "the prelude holds only bindings"));
  tidu_ast_free(a);
  tidu_errlist_free(&errs);
  assert_int_equal(parse_text("ruleset x \"x\" kind tier\n", 0, &a, &errs), 1);
  assert_non_null(strstr(errs.items[0].message, "no 'effective' date"));
  tidu_ast_free(a);
  tidu_errlist_free(&errs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header_and_decls),
      cmocka_unit_test(test_precedence),
      cmocka_unit_test(test_errors_recover),
      cmocka_unit_test(test_kind_and_prelude),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
