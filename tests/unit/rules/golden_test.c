/* Golden tests: token, tree and program dumps and error texts of the files in tests/golden/rules.
 * With TIDU_REGEN=1 the expected files are rewritten instead of compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>

#include "rules_helpers.h"
#include "unit/test_util.h"
#include "rules/rules_int.h"

#define DIR_GOLDEN "tests/golden/rules"

static void check(const char *base, const char *ext, const char *got) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s.%s", DIR_GOLDEN, base, ext);
  if (getenv("TIDU_REGEN")) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(got, f);
    fclose(f);
    return;
  }
  char *want = test_read_file(path, NULL);
  if (!want) fprintf(stderr, "missing golden file %s (run with TIDU_REGEN=1)\n", path);
  assert_non_null(want);
  if (strcmp(want, got) != 0) fprintf(stderr, "%s differs; got:\n%s", path, got);
  assert_string_equal(want, got);
  free(want);
}

/* The errors of a failed dump, rendered like the compiler prints them. */
static void render_errors(const char *text, const tidu_errlist *errs, tidu_sb *b) {
  for (size_t i = 0; i < errs->n; i++) {
    char buf[4096];
    tidu_rules_error_render_text(text, strlen(text), &errs->items[i], buf, sizeof buf);
    tidu_sb_puts(b, buf);
  }
}

static void golden_one(const char *file) {
  char path[512], base[256];
  snprintf(path, sizeof path, "%s/%s", DIR_GOLDEN, file);
  snprintf(base, sizeof base, "%.*s", (int)(strlen(file) - 5), file);
  char *text = test_read_file(path, NULL);
  assert_non_null(text);
  tidu_sb errtext = {0};
  static const char *const exts[] = {"tokens", "tree", "prog"};
  for (int mode = TIDU_DUMP_TOKENS; mode <= TIDU_DUMP_PROGRAM; mode++) {
    tidu_errlist errs;
    tidu_errlist_init(&errs);
    char *out = NULL;
    tidu_code rc =
        tidu_rules_dump_text(path, text, strlen(text), (tidu_dump_mode)mode, &out, &errs);
    if (rc == TIDU_OK) {
      check(base, exts[mode], out);
    } else if (errtext.len == 0) {
      render_errors(text, &errs, &errtext);
    }
    free(out);
    tidu_errlist_free(&errs);
  }
  char *e = tidu_sb_take(&errtext);
  check(base, "err", e);
  free(e);
  free(text);
}

static void test_golden(void **state) {
  (void)state;
  DIR *d = opendir(DIR_GOLDEN);
  assert_non_null(d);
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    size_t len = strlen(e->d_name);
    if (len > 5 && !strcmp(e->d_name + len - 5, ".tidu")) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  assert_true(n >= 3);
  for (int i = 0; i < n; i++) {
    golden_one(names[i]);
    free(names[i]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_golden),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
