/* Replays the fuzz corpora (fuzz/corpus/csv, fuzz/corpus/json), crash inputs included, through
 * the same checks as the fuzz targets: no crash, no leak, every firm round-trips through JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "../../../fuzz/io_check.h"
#include "unit/test_util.h"

/* Runs every file of `dir` through `check`; returns how many were replayed. */
static int replay(const char *dir, int json) {
  DIR *d = opendir(dir);
  if (!d) fail_msg("cannot open %s", dir);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len = 0;
    uint8_t *data = (uint8_t *)test_read_file(path, &len);
    assert_non_null(data);
    if (!json) io_check_values(data, len);
    int bad = io_check_input(data, len, json ? TIDU_FMT_JSON : TIDU_FMT_CSV);
    if (!bad && json) bad = io_check_input(data, len, TIDU_FMT_NDJSON);
    free(data);
    if (bad) fail_msg("%s breaks a reader invariant", path);
    n++;
  }
  closedir(d);
  return n;
}

static void csv_corpus(void **state) {
  (void)state;
  assert_true(replay("fuzz/corpus/csv", 0) >= 4);
}

static void json_corpus(void **state) {
  (void)state;
  assert_true(replay("fuzz/corpus/json", 1) >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(csv_corpus),
      cmocka_unit_test(json_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
