/* Tests for per-firm output from the columns: the same standings, verdicts and conditions as
 * the materialised result tree, over generated firms and every shipped rule set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "tidu/assess.h"
#include "tidu/gen.h"
#include "tidu/num.h"
#include "tidu/rules.h"

#define FIRMS 600

typedef struct world {
  tidu_rulebook *rb;
  tidu_selection *sel;
  tidu_chunk *ch;
  tidu_eval *ev;
  tidu_firm f[FIRMS];
} world;

static void open_world(world *w, int64_t as_of, uint64_t seed) {
  w->rb = tidu_rulebook_new();
  assert_int_equal(tidu_rulebook_add_builtin(w->rb, NULL), TIDU_OK);
  w->sel = tidu_rulebook_select(w->rb, as_of, NULL, NULL);
  assert_non_null(w->sel);
  assert_true(tidu_selection_count(w->sel) > 10);
  w->ch = tidu_chunk_new(FIRMS);
  tidu_gen_options opt = {seed, 3, 2024};
  for (size_t i = 0; i < FIRMS; i++) {
    tidu_firm_init(&w->f[i]);
    assert_int_equal(tidu_gen_firm(&opt, i, &w->f[i], NULL), TIDU_OK);
    assert_int_equal(tidu_chunk_add(w->ch, &w->f[i], 0), TIDU_OK);
  }
  w->ev = tidu_eval_new();
  assert_int_equal(tidu_assess_chunk(w->sel, w->ch, as_of, w->ev, NULL), TIDU_OK);
}

static void close_world(world *w) {
  tidu_eval_free(w->ev);
  tidu_chunk_free(w->ch);
  for (size_t i = 0; i < FIRMS; i++) tidu_firm_clear(&w->f[i]);
  tidu_selection_free(w->sel);
  tidu_rulebook_free(w->rb);
}

/* The selection index of a materialised rule set (rule sets are materialised in selection
 * order, leaving out those that do not apply). */
static size_t sel_index(const world *w, size_t lane, size_t k) {
  size_t seen = 0;
  for (size_t i = 0; i < tidu_selection_count(w->sel); i++) {
    if (tidu_eval_verdict(w->ev, i, TIDU_WHOLE, lane) == TIDU_V_NA) continue;
    if (seen++ == k) return i;
  }
  fail();
  return 0;
}

static void test_standing_equals_tree(void **state) {
  (void)state;
  world w;
  static const int64_t dates[][3] = {{2025, 6, 30}, {2024, 1, 15}};
  size_t compared = 0, with_gap = 0, with_missing = 0;
  for (size_t d = 0; d < 2; d++) {
    open_world(&w, tidu_days_from_civil(dates[d][0], (int)dates[d][1], (int)dates[d][2]), d + 1);
    for (size_t l = 0; l < FIRMS; l++) {
      tidu_result *r = NULL;
      assert_int_equal(tidu_eval_materialise(w.ev, l, &r, NULL), TIDU_OK);
      for (size_t k = 0; k < r->nrulesets; k++) {
        size_t rs = sel_index(&w, l, k);
        for (int lang = 0; lang < 2; lang++) {
          const char *lg = lang ? "en" : "zh";
          char want[256], got[256];
          size_t nw = tidu_report_standing(&r->rulesets[k], lg, want, sizeof want);
          size_t ng = tidu_eval_standing(w.ev, rs, l, lg, got, sizeof got);
          assert_string_equal(got, want);
          assert_int_equal(ng, nw);
          compared++;
          with_gap += strstr(want, "差") != NULL;
          with_missing += strstr(want, "缺") != NULL;
        }
      }
      tidu_result_free(r);
    }
    close_world(&w);
  }
  /* the population exercises every kind of cell */
  assert_true(compared > 10000);
  assert_true(with_gap > 100);
  assert_true(with_missing > 100);
}

/* The fields a detail level keeps, compared with the full §4 object of the same firm. */
static void same(json_t *a, json_t *b, const char *key) {
  json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
  if ((x || y) && !json_equal(x, y)) {
    char *sa = json_dumps(x, JSON_ENCODE_ANY), *sb = json_dumps(y, JSON_ENCODE_ANY);
    print_error("%s: %s != %s\n", key, sa ? sa : "(none)", sb ? sb : "(none)");
    free(sa);
    free(sb);
    fail();
  }
}

/* Appends to `out` the full-detail conditions a failing-detail list keeps: every failing or
 * unknown condition whose enclosing conditions are all failing or unknown, in source order. */
static void kept_conditions(json_t *all_conds, json_t *out) {
  int blocked_depth = -1;
  size_t i;
  json_t *c;
  json_array_foreach(all_conds, i, c) {
    int depth = (int)json_integer_value(json_object_get(c, "depth"));
    if (blocked_depth >= 0 && depth > blocked_depth) continue;
    blocked_depth = -1;
    const char *v = json_string_value(json_object_get(c, "verdict"));
    if (!strcmp(v, "pass")) {
      blocked_depth = depth;
      continue;
    }
    json_array_append(out, c);
  }
}

static void compare_conditions(json_t *full_block, json_t *failing_block) {
  json_t *want = json_array();
  if (strcmp(json_string_value(json_object_get(full_block, "verdict")), "pass"))
    kept_conditions(json_object_get(full_block, "conditions"), want);
  json_t *got = json_object_get(failing_block, "conditions");
  assert_int_equal(json_array_size(got), json_array_size(want));
  for (size_t i = 0; i < json_array_size(want); i++) {
    json_t *a = json_array_get(want, i), *b = json_array_get(got, i);
    static const char *const keys[] = {"text", "verdict", "value", "threshold", "gap", "missing"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) same(a, b, keys[k]);
    const char *ref = json_string_value(json_object_get(b, "ref"));
    assert_non_null(ref);
    assert_non_null(strchr(ref, '#'));
  }
  json_decref(want);
}

static void test_json_details(void **state) {
  (void)state;
  world w;
  open_world(&w, tidu_days_from_civil(2025, 6, 30), 7);
  size_t conds = 0;
  for (size_t l = 0; l < FIRMS; l++) {
    char *full_s = tidu_eval_json_text(w.ev, l, TIDU_DETAIL_ALL);
    json_t *full = json_loads(full_s, 0, NULL);
    assert_non_null(full);
    for (int d = TIDU_DETAIL_SUMMARY; d <= TIDU_DETAIL_FAILING; d++) {
      char *s = tidu_eval_json_text(w.ev, l, (tidu_detail)d);
      json_error_t je;
      json_t *j = json_loads(s, 0, &je);
      if (!j) print_error("%s: %s\n", je.text, s);
      assert_non_null(j);
      assert_true(strlen(s) < strlen(full_s));
      same(full, j, "uscc");
      same(full, j, "name");
      same(full, j, "year");
      json_t *fr = json_object_get(full, "results"), *gr = json_object_get(j, "results");
      assert_int_equal(json_array_size(gr), json_array_size(fr));
      for (size_t k = 0; k < json_array_size(fr); k++) {
        json_t *a = json_array_get(fr, k), *b = json_array_get(gr, k);
        static const char *const keys[] = {"id",      "kind",  "name",       "version", "verdict",
                                           "nearest", "score", "pass_score", "missing"};
        for (size_t q = 0; q < sizeof keys / sizeof keys[0]; q++) same(a, b, keys[q]);
        json_t *fs = json_object_get(a, "standards"), *gs = json_object_get(b, "standards");
        assert_int_equal(json_array_size(gs), json_array_size(fs));
        for (size_t s2 = 0; s2 < json_array_size(fs); s2++) {
          same(json_array_get(fs, s2), json_array_get(gs, s2), "id");
          same(json_array_get(fs, s2), json_array_get(gs, s2), "verdict");
          if (d == TIDU_DETAIL_FAILING) {
            compare_conditions(json_array_get(fs, s2), json_array_get(gs, s2));
            conds += json_array_size(json_object_get(json_array_get(gs, s2), "conditions"));
          } else {
            assert_null(json_object_get(json_array_get(gs, s2), "conditions"));
          }
        }
        if (d == TIDU_DETAIL_FAILING) {
          json_t *fq = json_object_get(a, "requires"), *gq = json_object_get(b, "requires");
          assert_int_equal(json_array_size(gq), json_array_size(fq));
          for (size_t q = 0; q < json_array_size(fq); q++)
            compare_conditions(json_array_get(fq, q), json_array_get(gq, q));
          if (json_object_get(a, "pass"))
            compare_conditions(json_object_get(a, "pass"), json_object_get(b, "pass"));
          json_t *fi = json_object_get(a, "items"), *gi = json_object_get(b, "items");
          assert_int_equal(json_array_size(gi), json_array_size(fi));
          for (size_t q = 0; q < json_array_size(fi); q++) {
            same(json_array_get(fi, q), json_array_get(gi, q), "id");
            same(json_array_get(fi, q), json_array_get(gi, q), "points");
            same(json_array_get(fi, q), json_array_get(gi, q), "max");
          }
        }
      }
      json_decref(j);
      free(s);
    }
    json_decref(full);
    free(full_s);
  }
  assert_true(conds > 1000);
  close_world(&w);
}

/* Every ref of the failing detail names a condition `rules show --format json` lists, with the
 * same text. */
static void test_refs_resolve(void **state) {
  (void)state;
  world w;
  open_world(&w, tidu_days_from_civil(2025, 6, 30), 3);
  json_t *byref = json_object();
  for (size_t i = 0; i < tidu_selection_count(w.sel); i++) {
    json_t *rs = tidu_report_ruleset_json(tidu_selection_get(w.sel, i));
    assert_non_null(rs);
    size_t k;
    json_t *c;
    json_array_foreach(json_object_get(rs, "conditions"), k, c) {
      json_object_set(byref, json_string_value(json_object_get(c, "ref")), c);
    }
    json_decref(rs);
  }
  size_t checked = 0;
  for (size_t l = 0; l < 50; l++) {
    char *s = tidu_eval_json_text(w.ev, l, TIDU_DETAIL_FAILING);
    json_t *j = json_loads(s, 0, NULL);
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(j, "results"), k, r) {
      size_t q;
      json_t *st;
      json_array_foreach(json_object_get(r, "standards"), q, st) {
        size_t m;
        json_t *c;
        json_array_foreach(json_object_get(st, "conditions"), m, c) {
          json_t *def = json_object_get(byref, json_string_value(json_object_get(c, "ref")));
          assert_non_null(def);
          same(def, c, "text");
          checked++;
        }
      }
    }
    json_decref(j);
    free(s);
  }
  assert_true(checked > 100);
  json_decref(byref);
  close_world(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_standing_equals_tree),
      cmocka_unit_test(test_json_details),
      cmocka_unit_test(test_refs_resolve),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
