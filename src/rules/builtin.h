/* The rule files compiled into the binary (generated table, see tools/embed.c). */
#ifndef TIDU_RULES_BUILTIN_H
#define TIDU_RULES_BUILTIN_H

#include <stddef.h>

typedef struct tidu_builtin_file {
  const char *path; /* e.g. "rules/boards/star.tidu"; NULL ends the table */
  const char *text; /* NUL-terminated contents */
  size_t len;
} tidu_builtin_file;

extern const tidu_builtin_file tidu_builtin_files[];

#endif
