/* A replay driver for one libFuzzer target: the target's source is included before this header,
 * and every file of its corpus REPLAY_DIR goes through LLVMFuzzerTestOneInput, so that `make
 * check` (release and ASan+UBSan builds) replays each corpus without libFuzzer. A broken
 * invariant traps inside the target and fails the test. */
#ifndef TIDU_TEST_REPLAY_H
#define TIDU_TEST_REPLAY_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "unit/test_util.h"

#ifndef REPLAY_MIN
#define REPLAY_MIN 3
#endif

static void replay_corpus(void **state) {
  (void)state;
  DIR *d = opendir(REPLAY_DIR);
  if (!d) fail_msg("cannot open %s", REPLAY_DIR);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", REPLAY_DIR, e->d_name);
    size_t len = 0;
    uint8_t *data = (uint8_t *)test_read_file(path, &len);
    if (!data) fail_msg("cannot read %s", path);
    print_message("replay %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    n++;
  }
  closedir(d);
  print_message("%d input(s) of %s replayed\n", n, REPLAY_DIR);
  assert_true(n >= REPLAY_MIN);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(replay_corpus)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
