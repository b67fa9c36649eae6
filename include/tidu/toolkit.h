/* The small toolkit under every module: the one allocation hook, a string builder, a growable
 * array and an edit distance. */
#ifndef TIDU_TOOLKIT_H
#define TIDU_TOOLKIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "tidu/api.h"

/* ---- allocation ---------------------------------------------------------------------------
 * Every allocation of libtidu goes through these. They behave as the C library's functions
 * (memory from them may be released with free(), and tidu_free() releases memory from
 * malloc()), except that a test can make any one of them fail. */

TIDU_API void *tidu_malloc(size_t size);
TIDU_API void *tidu_calloc(size_t n, size_t size);
TIDU_API void *tidu_realloc(void *p, size_t size);
TIDU_API void tidu_free(void *p);

/* A copy of `s`, or NULL when `s` is NULL or memory runs out. The caller frees it. */
TIDU_API char *tidu_strdup(const char *s);

/* A copy of the first `n` bytes of `s` with a NUL after them (`s` need not be terminated),
 * or NULL when memory runs out. The caller frees it. */
TIDU_API char *tidu_strndup(const char *s, size_t n);

/* Failure hook for tests: called before each allocation with `ctx` and the serial number of
 * the allocation (1 for the first after the hook was set); the allocation fails (returns NULL)
 * when it returns nonzero. NULL removes the hook. Not meant to be changed while other threads
 * allocate. */
typedef int (*tidu_alloc_hook)(void *ctx, size_t serial);
TIDU_API void tidu_alloc_set_hook(tidu_alloc_hook hook, void *ctx);

/* Makes the `n`th allocation from now fail (1 = the next one), and that one only; 0 turns
 * failing off. Replaces any hook. Counting restarts at each call. */
TIDU_API void tidu_alloc_fail_at(size_t n);

/* How many allocations were asked for since the last tidu_alloc_fail_at() or
 * tidu_alloc_set_hook() call (failed ones included). */
TIDU_API size_t tidu_alloc_count(void);

/* ---- growable array -----------------------------------------------------------------------
 * An array is three lvalues: a pointer `arr`, a count and a capacity (size_t). TIDU_RESERVE
 * makes room for `need` elements in all: 0 on success, -1 when memory runs out (the array is
 * then unchanged and still owned by the caller). TIDU_PUSH_ROOM makes room for one more than
 * `n`. Capacity doubles, so pushing is amortised O(1). */
#define TIDU_RESERVE(arr, cap, need)                                                               \
  ((size_t)(need) <= (cap) ? 0 : tidu_reserve_((void *)&(arr), &(cap), (need), sizeof *(arr)))
#define TIDU_PUSH_ROOM(arr, n, cap) TIDU_RESERVE(arr, cap, (size_t)(n) + 1)

/* The function behind TIDU_RESERVE: `arrp` points at the array's pointer. */
TIDU_API int tidu_reserve_(void *arrp, size_t *cap, size_t need, size_t elem);

/* ---- string builder -----------------------------------------------------------------------
 * A NUL-terminated text that grows. Start with `tidu_sb b = {0};`. After a failed append the
 * builder stays failed: later appends do nothing and tidu_sb_take() returns NULL, so a caller
 * may append freely and check once. */
typedef struct tidu_sb {
  char *s;    /* the text (NULL until the first append) */
  size_t len; /* bytes before the NUL */
  size_t cap; /* bytes allocated */
  int failed; /* 1 once an append ran out of memory */
} tidu_sb;

/* Each returns 0, or -1 when memory ran out (then and ever after). */
TIDU_API int tidu_sb_putn(tidu_sb *b, const char *s, size_t n);
TIDU_API int tidu_sb_puts(tidu_sb *b, const char *s);
TIDU_API int tidu_sb_putc(tidu_sb *b, char c);
TIDU_API int tidu_sb_printf(tidu_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
TIDU_API int tidu_sb_vprintf(tidu_sb *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Appends what remains of stream `f`, at most `max` bytes (0: no limit): 0, or -1 when memory
 * ran out. Read errors are the caller's to check with ferror(). */
TIDU_API int tidu_sb_read(tidu_sb *b, FILE *f, size_t max);

/* The text so far ("" when nothing was appended), or NULL when an append failed or the empty
 * text could not be allocated; the builder is left empty either way. The caller frees it. */
TIDU_API char *tidu_sb_take(tidu_sb *b);

/* Releases the text and empties the builder (a failed builder becomes usable again). */
TIDU_API void tidu_sb_free(tidu_sb *b);

/* ---- text ---------------------------------------------------------------------------------- */

/* Edit distance (insertions, deletions, substitutions) between two UTF-8 texts, counted in
 * characters with ASCII case ignored; for suggestions ("did you mean 'revenue'?"). Texts of
 * more than 64 characters are never close: the result is then TIDU_FAR. */
#define TIDU_FAR ((size_t)1 << 20)
TIDU_API size_t tidu_edit_distance(const char *a, const char *b);

#endif
