/* Boundary-case runner: every line of the tests/boundary case files is one firm, date and check. */
#include <glob.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "tidu/assess.h"
#include "tidu/firm.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/rules.h"

/* Case file format: one JSON object per line (blank lines are skipped).
 *   {"name": "star.1 profit sum exactly 5000万", "as_of": "2025-06-30", "year": 2024,
 *    "firm": { a contract §3 JSON firm },
 *    "expect": {"star": "pass", "star.1": "pass"},        rule-set or standard id -> verdict
 *                                                          ("absent": none in force)
 *    "expect_score": {"innovative_sme": 65},               tier total (must be known)
 *    "expect_nearest": {"star": "star.1"},                 a board's nearest standard
 *    "expect_missing": {"star.2": ["rd_expense[2022]"]}}   exact set of missing figures
 * `year` is optional (default: the firm's latest year). Only the keys given are checked. The
 * firm is read with the JSON reader and assessed with the built-in rules in force on `as_of`.
 * Case files are found relative to the repository root, where the test runner starts. */
#define CASE_GLOB "tests/boundary/*/*.ndjson"

/* One case: a line of a case file. `obj` is owned by the case. */
typedef struct bcase {
  char name[320];  /* the cmocka test name: "<file>:<line> <case name>" */
  char where[256]; /* "<file>:<line>" */
  json_t *obj;     /* the parsed line, or NULL when it did not parse */
  char parse_error[256];
} bcase;

/* The rule book shared by all cases (built-in rules, compiled once). */
static tidu_rulebook *book;

/* ---- loading the case files ------------------------------------------------------------ */

typedef struct caselist {
  bcase *items;
  size_t n, cap;
} caselist;

static bcase *push_case(caselist *l) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 256;
    bcase *p = realloc(l->items, cap * sizeof *p);
    if (!p) return NULL;
    l->items = p;
    l->cap = cap;
  }
  bcase *c = &l->items[l->n++];
  memset(c, 0, sizeof *c);
  return c;
}

static int blank_line(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  return *s == '\0';
}

/* Adds one case per non-blank line of `path`. Returns 0, or -1 when out of memory. */
static int load_file(caselist *l, const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp) return 0;
  char *line = NULL;
  size_t cap = 0;
  long lineno = 0;
  int rc = 0;
  while (getline(&line, &cap, fp) >= 0) {
    lineno++;
    if (blank_line(line)) continue;
    bcase *c = push_case(l);
    if (!c) {
      rc = -1;
      break;
    }
    snprintf(c->where, sizeof c->where, "%s:%ld", path, lineno);
    json_error_t jerr;
    c->obj = json_loads(line, 0, &jerr);
    const char *nm = NULL;
    if (!c->obj)
      snprintf(c->parse_error, sizeof c->parse_error, "bad JSON at column %d: %s", jerr.column,
               jerr.text);
    else if (!json_is_object(c->obj) || !(nm = json_string_value(json_object_get(c->obj, "name"))))
      snprintf(c->parse_error, sizeof c->parse_error, "a case needs an object with a \"name\"");
    snprintf(c->name, sizeof c->name, "%s %s", c->where, nm ? nm : "(unnamed)");
  }
  free(line);
  fclose(fp);
  return rc;
}

/* ---- comparing a result with the expectations ------------------------------------------- */

/* Prints one mismatch and counts it. */
static void mismatch(const bcase *c, int *bad, const char *what, const char *key, const char *want,
                     const char *got) {
  print_error("%s: case \"%s\": %s %s: expected %s, got %s\n", c->where,
              json_string_value(json_object_get(c->obj, "name")), what, key, want, got);
  (*bad)++;
}

/* True when rule set `m` has exactly the region scope `scope` ("" = no scope). */
static int has_scope(const tidu_ruleset_info *m, const char *scope) {
  if (!*scope) return m->nregions == 0;
  for (size_t k = 0; k < m->nregions; k++)
    if (strcmp(m->regions[k], scope) == 0) return 1;
  return 0;
}

/* Finds a rule set's result by id; "id@prefix" picks the variant scoped to that region prefix
 * and "id@" the variant without a scope (several variants of one id may apply to one firm). */
static const tidu_ruleset_result *find_ruleset(const tidu_result *r, const char *key) {
  const char *at = strchr(key, '@');
  size_t idlen = at ? (size_t)(at - key) : strlen(key);
  for (size_t i = 0; i < r->nrulesets; i++) {
    const tidu_ruleset_info *m = r->rulesets[i].meta;
    if (strlen(m->id) != idlen || strncmp(m->id, key, idlen) != 0) continue;
    if (!at || has_scope(m, at + 1)) return &r->rulesets[i];
  }
  return NULL;
}

static const tidu_block_result *find_standard(const tidu_result *r, const char *id) {
  for (size_t i = 0; i < r->nrulesets; i++)
    for (size_t j = 0; j < r->rulesets[i].nstandards; j++) {
      const tidu_block_result *b = &r->rulesets[i].standards[j];
      if (b->id && strcmp(b->id, id) == 0) return b;
    }
  return NULL;
}

static void check_verdicts(const bcase *c, const tidu_result *r, int *bad) {
  const char *key;
  json_t *want;
  json_object_foreach(json_object_get(c->obj, "expect"), key, want) {
    const char *w = json_string_value(want);
    const tidu_ruleset_result *rs = find_ruleset(r, key);
    const tidu_block_result *std = rs ? NULL : find_standard(r, key);
    const char *got = rs    ? tidu_verdict_name(rs->verdict)
                      : std ? tidu_verdict_name(std->verdict)
                            : "absent";
    if (!w || strcmp(w, got) != 0)
      mismatch(c, bad, "verdict of", key, w ? w : "(not a string)", got);
  }
}

static void check_scores(const bcase *c, const tidu_result *r, int *bad) {
  const char *key;
  json_t *want;
  json_object_foreach(json_object_get(c->obj, "expect_score"), key, want) {
    char ws[64], gs[64];
    snprintf(ws, sizeof ws, "%g", json_number_value(want));
    const tidu_ruleset_result *rs = find_ruleset(r, key);
    if (!rs)
      snprintf(gs, sizeof gs, "(not in force)");
    else if (!rs->score_known)
      snprintf(gs, sizeof gs, "unknown (%g..%g)", rs->score_lo, rs->score_hi);
    else
      snprintf(gs, sizeof gs, "%g", rs->score);
    if (!rs || !rs->score_known || fabs(rs->score - json_number_value(want)) > 1e-9)
      mismatch(c, bad, "score of", key, ws, gs);
  }
}

static void check_nearest(const bcase *c, const tidu_result *r, int *bad) {
  const char *key;
  json_t *want;
  json_object_foreach(json_object_get(c->obj, "expect_nearest"), key, want) {
    const char *w = json_string_value(want);
    const tidu_ruleset_result *rs = find_ruleset(r, key);
    const char *got = "(not in force)";
    if (rs)
      got = rs->nearest >= 0 && rs->standards[rs->nearest].id ? rs->standards[rs->nearest].id
                                                              : "(none)";
    if (!w || !got || strcmp(w, got) != 0) mismatch(c, bad, "nearest standard of", key, w, got);
  }
}

/* A sorted, deduplicated list of names, rendered as "[a, b]" for messages. */
typedef struct namelist {
  const char *v[64];
  size_t n;
} namelist;

static void add_name(namelist *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i], s) == 0) return;
  if (l->n < sizeof l->v / sizeof l->v[0]) l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void add_cond_missing(namelist *l, const tidu_cond_result *cond) {
  for (size_t i = 0; i < cond->nmissing; i++) add_name(l, cond->missing[i]);
  for (size_t i = 0; i < cond->nchildren; i++) add_cond_missing(l, &cond->children[i]);
}

static void render(const namelist *l, char *buf, size_t size) {
  size_t len = (size_t)snprintf(buf, size, "[");
  for (size_t i = 0; i < l->n && len < size; i++)
    len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", l->v[i]);
  if (len < size) snprintf(buf + len, size - len, "]");
}

/* Fills `got` with the missing figures of rule set or standard `key`; 0 when there is none. */
static int actual_missing(const tidu_result *r, const char *key, namelist *got) {
  const tidu_ruleset_result *rs = find_ruleset(r, key);
  if (rs) {
    for (size_t i = 0; i < rs->nmissing; i++) add_name(got, rs->missing[i]);
    return 1;
  }
  const tidu_block_result *std = find_standard(r, key);
  if (!std) return 0;
  for (size_t i = 0; i < std->nconds; i++) add_cond_missing(got, &std->conds[i]);
  return 1;
}

static void check_missing(const bcase *c, const tidu_result *r, int *bad) {
  const char *key;
  json_t *want;
  json_object_foreach(json_object_get(c->obj, "expect_missing"), key, want) {
    namelist w = {0}, g = {0};
    size_t i;
    json_t *v;
    json_array_foreach(want, i, v) {
      if (json_string_value(v)) add_name(&w, json_string_value(v));
    }
    int found = actual_missing(r, key, &g);
    qsort(w.v, w.n, sizeof w.v[0], cmp_str);
    qsort(g.v, g.n, sizeof g.v[0], cmp_str);
    char ws[1024], gs[1024];
    render(&w, ws, sizeof ws);
    render(&g, gs, sizeof gs);
    if (!found)
      mismatch(c, bad, "missing figures of", key, ws, "(not in force or no such id)");
    else if (strcmp(ws, gs) != 0)
      mismatch(c, bad, "missing figures of", key, ws, gs);
  }
}

/* ---- running one case ------------------------------------------------------------------- */

/* Reads the case's firm through the JSON reader, as an import would. */
static int read_firm(const bcase *c, tidu_firm *firm) {
  char *text = json_dumps(json_object_get(c->obj, "firm"), JSON_COMPACT);
  if (!text) {
    print_error("%s: case has no \"firm\" object\n", c->where);
    return -1;
  }
  tidu_reader *rd = NULL;
  tidu_error err = {0};
  int done = 1;
  tidu_code code =
      tidu_reader_open_mem(c->where, text, strlen(text), TIDU_FMT_JSON, NULL, &rd, &err);
  if (code == TIDU_OK) code = tidu_reader_next(rd, firm, &done, &err);
  tidu_reader_close(rd);
  free(text);
  if (code != TIDU_OK || done) {
    char msg[800];
    tidu_error_format(&err, msg, sizeof msg);
    print_error("%s: the firm does not read: %s\n", c->where, code != TIDU_OK ? msg : "no firm");
    return -1;
  }
  return 0;
}

/* Assesses `firm` at the case's date and compares; returns the number of mismatches. */
static int assess_and_check(const bcase *c, const tidu_firm *firm, int64_t as_of, int32_t year) {
  tidu_error err = {0};
  tidu_selection *sel = tidu_rulebook_select(book, as_of, NULL, &err);
  tidu_chunk *chunk = tidu_chunk_new(1);
  tidu_eval *ev = tidu_eval_new();
  tidu_result *res = NULL;
  int bad = 0;
  tidu_code code = (sel && chunk && ev) ? TIDU_OK : TIDU_ERR_NOMEM;
  if (code == TIDU_OK) code = tidu_chunk_add(chunk, firm, year);
  if (code == TIDU_OK) code = tidu_assess_chunk(sel, chunk, as_of, ev, &err);
  if (code == TIDU_OK) code = tidu_eval_materialise(ev, 0, &res, &err);
  if (code != TIDU_OK) {
    print_error("%s: assessment failed (code %d): %s\n", c->where, (int)code, err.message);
    bad = 1;
  } else {
    check_verdicts(c, res, &bad);
    check_scores(c, res, &bad);
    check_nearest(c, res, &bad);
    check_missing(c, res, &bad);
  }
  tidu_result_free(res);
  tidu_eval_free(ev);
  tidu_chunk_free(chunk);
  tidu_selection_free(sel);
  return bad;
}

static void run_case(void **state) {
  const bcase *c = *state;
  if (c->parse_error[0]) fail_msg("%s: %s", c->where, c->parse_error);
  const char *as_of_text = json_string_value(json_object_get(c->obj, "as_of"));
  int64_t as_of = 0;
  tidu_error err = {0};
  if (!as_of_text || tidu_parse_date(as_of_text, strlen(as_of_text), 0, &as_of, &err) != TIDU_OK)
    fail_msg("%s: case needs \"as_of\": \"YYYY-MM-DD\"", c->where);
  int32_t year = (int32_t)json_integer_value(json_object_get(c->obj, "year"));
  tidu_firm firm;
  tidu_firm_init(&firm);
  int bad = read_firm(c, &firm) != 0 ? 1 : assess_and_check(c, &firm, as_of, year);
  tidu_firm_clear(&firm);
  if (bad) fail_msg("%s: %d expectation(s) not met", c->where, bad);
}

/* Without case files the program must fail, not pass with nothing checked. */
static void no_cases(void **state) {
  (void)state;
  fail_msg("no case files matched %s (run from the repository root)", CASE_GLOB);
}

/* ---- main --------------------------------------------------------------------------------- */

static int load_book(void) {
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  book = tidu_rulebook_new();
  tidu_code code = book ? tidu_rulebook_add_builtin(book, &errs) : TIDU_ERR_NOMEM;
  for (size_t i = 0; i < errs.n; i++) {
    char buf[2048];
    tidu_rules_error_render(book, &errs.items[i], buf, sizeof buf);
    fprintf(stderr, "%s\n", buf);
  }
  tidu_errlist_free(&errs);
  return code == TIDU_OK ? 0 : -1;
}

int main(void) {
  caselist cases = {0};
  glob_t g;
  int grc = glob(CASE_GLOB, 0, NULL, &g);
  for (size_t i = 0; grc == 0 && i < g.gl_pathc; i++)
    if (load_file(&cases, g.gl_pathv[i]) != 0) return 1;
  int failed;
  if (load_book() != 0) {
    fprintf(stderr, "boundary: the built-in rules do not compile\n");
    failed = 1;
  } else if (cases.n == 0) {
    const struct CMUnitTest none[] = {cmocka_unit_test(no_cases)};
    failed = cmocka_run_group_tests_name("boundary", none, NULL, NULL);
  } else {
    struct CMUnitTest *tests = calloc(cases.n, sizeof *tests);
    if (!tests) return 1;
    for (size_t i = 0; i < cases.n; i++) {
      tests[i].name = cases.items[i].name;
      tests[i].test_func = run_case;
      tests[i].initial_state = &cases.items[i];
    }
    failed = _cmocka_run_group_tests("boundary", tests, cases.n, NULL, NULL);
    free(tests);
  }
  for (size_t i = 0; i < cases.n; i++) json_decref(cases.items[i].obj);
  free(cases.items);
  if (grc == 0) globfree(&g);
  tidu_rulebook_free(book);
  return failed;
}
