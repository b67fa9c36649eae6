/* Small helpers shared by the unit tests: reading a whole file, making a temporary file.
 * Include after <cmocka.h>. */
#ifndef TIDU_TEST_UTIL_H
#define TIDU_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Reads all of `path` into a buffer with a NUL after the last byte; stores the byte count in
 * `*len` when `len` is not NULL. Returns NULL when the file cannot be read. The caller frees
 * the buffer. */
static inline char *test_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = 0;
  if (s && len) *len = (size_t)n;
  fclose(f);
  return s;
}

/* Creates an empty file from the mkstemp() template `path` (ending in XXXXXX), which is
 * rewritten in place to the file's name; fails the test when it cannot. The caller unlinks
 * the file. */
static inline void test_temp_file(char *path) {
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
}

#endif
