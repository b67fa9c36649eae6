/* Shared helpers for the rule language tests: compile a rule text, build firms, assess. */
#ifndef TIDU_TEST_RULES_HELPERS_H
#define TIDU_TEST_RULES_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/assess.h"
#include "tidu/num.h"
#include "tidu/rules.h"

/* Money in 分 from 元 and 分. */
#define YUAN(y) ((int64_t)(y)*100)

/* Prints each of `errs`, rendered against the texts of `rb`, to stderr. */
static inline void print_errors(const tidu_rulebook *rb, const tidu_errlist *errs) {
  for (size_t i = 0; i < errs->n; i++) {
    char buf[2048];
    tidu_rules_error_render(rb, &errs->items[i], buf, sizeof buf);
    fprintf(stderr, "%s", buf);
  }
}

/* Adds `len` bytes of rule text named `name` to `rb`, then fails the test on any error, after
 * printing the rendered errors to stderr. */
static inline void add_text_clean(tidu_rulebook *rb, const char *name, const char *text,
                                  size_t len) {
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_code rc = tidu_rulebook_add_text(rb, name, text, len, &errs);
  print_errors(rb, &errs);
  assert_int_equal(rc, TIDU_OK);
  assert_int_equal(errs.n, 0);
  tidu_errlist_free(&errs);
}

/* A rule book holding one rule text; fails the test on any error. */
static inline tidu_rulebook *book_of(const char *text) {
  tidu_rulebook *rb = tidu_rulebook_new();
  add_text_clean(rb, "test.tidu", text, strlen(text));
  return rb;
}

/* Compiles a text that must fail; returns the rendered first error (static buffer). */
static inline const char *first_error(const char *text, size_t *nerrs) {
  static char buf[4096];
  tidu_rulebook *rb = tidu_rulebook_new();
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_code rc = tidu_rulebook_add_text(rb, "bad.tidu", text, strlen(text), &errs);
  assert_int_not_equal(rc, TIDU_OK);
  assert_true(errs.n > 0);
  assert_int_equal(tidu_rulebook_count(rb), 0);
  tidu_rules_error_render(rb, &errs.items[0], buf, sizeof buf);
  if (nerrs) *nerrs = errs.n;
  tidu_errlist_free(&errs);
  tidu_rulebook_free(rb);
  return buf;
}

/* An assessment of n firms against a rule book, at 2025-06-30. */
typedef struct run {
  tidu_rulebook *rb;
  tidu_selection *sel;
  tidu_chunk *ch;
  tidu_eval *ev;
} run;

static inline int64_t as_of_default(void) {
  return tidu_days_from_civil(2025, 6, 30);
}

static inline run run_firms(const char *text, tidu_firm *firms, size_t n) {
  run r;
  r.rb = book_of(text);
  tidu_error err;
  r.sel = tidu_rulebook_select(r.rb, as_of_default(), NULL, &err);
  assert_non_null(r.sel);
  r.ch = tidu_chunk_new(n);
  for (size_t i = 0; i < n; i++) assert_int_equal(tidu_chunk_add(r.ch, &firms[i], 0), TIDU_OK);
  r.ev = tidu_eval_new();
  assert_int_equal(tidu_assess_chunk(r.sel, r.ch, as_of_default(), r.ev, &err), TIDU_OK);
  return r;
}

static inline void run_free(run *r) {
  tidu_eval_free(r->ev);
  tidu_chunk_free(r->ch);
  tidu_selection_free(r->sel);
  tidu_rulebook_free(r->rb);
}

/* A firm with fiscal years 2024 (year [0]) back to 2019, every figure missing. */
static inline void firm_blank(tidu_firm *f) {
  tidu_firm_init(f);
  for (int y = 2024; y >= 2019; y--) assert_non_null(tidu_firm_year(f, y));
}

static inline void set_year(tidu_firm *f, int year, tidu_year_field fld, int64_t v) {
  tidu_year *y = tidu_firm_year(f, year);
  assert_non_null(y);
  y->v[fld] = v;
}

#endif
