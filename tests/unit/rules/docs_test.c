/* Every ```tidu-example block in docs/rules-language.md compiles without errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules_helpers.h"
#include "unit/test_util.h"

static void test_examples_compile(void **state) {
  (void)state;
  const char *path = getenv("TIDU_DOCS") ? getenv("TIDU_DOCS") : "docs/rules-language.md";
  char *doc = test_read_file(path, NULL);
  assert_non_null(doc);
  const char *open = "```tidu-example\n";
  int found = 0;
  for (char *p = strstr(doc, open); p; p = strstr(p, open)) {
    p += strlen(open);
    char *end = strstr(p, "\n```");
    assert_non_null(end);
    found++;
    /* the example's line in the document, for the error messages */
    int line = 1;
    for (char *q = doc; q < p; q++) line += *q == '\n';
    char name[64];
    snprintf(name, sizeof name, "rules-language.md+%d", line - 1);
    tidu_rulebook *rb = tidu_rulebook_new();
    add_text_clean(rb, name, p, (size_t)(end - p) + 1);
    assert_int_equal(tidu_rulebook_count(rb), 1);
    tidu_rulebook_free(rb);
    p = end;
  }
  assert_true(found >= 1);
  free(doc);
}

static void test_shipped_rules_compile(void **state) {
  (void)state;
  tidu_rulebook *rb = tidu_rulebook_new();
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_code rc = tidu_rulebook_add_builtin(rb, &errs);
  print_errors(rb, &errs);
  assert_int_equal(rc, TIDU_OK);
  assert_true(tidu_rulebook_count(rb) > 0);
  tidu_errlist_free(&errs);
  tidu_rulebook_free(rb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_examples_compile),
      cmocka_unit_test(test_shipped_rules_compile),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
