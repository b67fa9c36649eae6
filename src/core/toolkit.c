/* The toolkit: allocation through one hook, the growable array, the string builder and the
 * edit distance (include/tidu/toolkit.h). */
#include "tidu/toolkit.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocation ---- */

static tidu_alloc_hook hook;
static void *hook_ctx;
static atomic_size_t serial;
static size_t fail_serial;

/* 1 when the allocation about to be made must fail. */
static int must_fail(void) {
  size_t n = atomic_fetch_add_explicit(&serial, 1, memory_order_relaxed) + 1;
  return hook && hook(hook_ctx, n);
}

void *tidu_malloc(size_t size) {
  return must_fail() ? NULL : malloc(size);
}

void *tidu_calloc(size_t n, size_t size) {
  return must_fail() ? NULL : calloc(n, size);
}

void *tidu_realloc(void *p, size_t size) {
  return must_fail() ? NULL : realloc(p, size);
}

void tidu_free(void *p) {
  free(p);
}

char *tidu_strndup(const char *s, size_t n) {
  char *d = tidu_malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *tidu_strdup(const char *s) {
  return s ? tidu_strndup(s, strlen(s)) : NULL;
}

void tidu_alloc_set_hook(tidu_alloc_hook fn, void *ctx) {
  hook = fn;
  hook_ctx = ctx;
  atomic_store(&serial, 0);
}

static int fail_nth(void *ctx, size_t n) {
  (void)ctx;
  return n == fail_serial;
}

void tidu_alloc_fail_at(size_t n) {
  fail_serial = n;
  tidu_alloc_set_hook(n ? fail_nth : NULL, NULL);
}

size_t tidu_alloc_count(void) {
  return atomic_load(&serial);
}

/* ---- growable array ---- */

int tidu_reserve_(void *arrp, size_t *cap, size_t need, size_t elem) {
  assert(arrp && cap && elem > 0);
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : 8;
  while (nc < need) {
    if (nc > SIZE_MAX / 2) return -1;
    nc *= 2;
  }
  if (elem && nc > SIZE_MAX / elem) return -1;
  void *old;
  memcpy(&old, arrp, sizeof old);
  void *p = tidu_realloc(old, nc * elem);
  if (!p) return -1;
  memcpy(arrp, &p, sizeof p);
  *cap = nc;
  return 0;
}

/* ---- string builder ---- */

/* Makes room for `n` more bytes and the NUL. */
static int sb_room(tidu_sb *b, size_t n) {
  assert(!b->s || b->len < b->cap); /* the text and its NUL fit */
  if (b->failed) return -1;
  if (n >= SIZE_MAX - b->len - 1 || TIDU_RESERVE(b->s, b->cap, b->len + n + 1) != 0) {
    b->failed = 1;
    return -1;
  }
  return 0;
}

int tidu_sb_putn(tidu_sb *b, const char *s, size_t n) {
  assert(s || n == 0);
  if (sb_room(b, n) != 0) return -1;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
  return 0;
}

int tidu_sb_puts(tidu_sb *b, const char *s) {
  return tidu_sb_putn(b, s, strlen(s));
}

int tidu_sb_putc(tidu_sb *b, char c) {
  return tidu_sb_putn(b, &c, 1);
}

int tidu_sb_vprintf(tidu_sb *b, const char *fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  int rc = -1;
  if (n >= 0 && sb_room(b, (size_t)n) == 0) {
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
    b->len += (size_t)n;
    rc = 0;
  } else if (n < 0) {
    b->failed = 1;
  }
  va_end(again);
  return rc;
}

int tidu_sb_printf(tidu_sb *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = tidu_sb_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

int tidu_sb_read(tidu_sb *b, FILE *f, size_t max) {
  size_t want = 4096;
  while (b->len < max || max == 0) {
    if (max && want > max - b->len) want = max - b->len;
    if (sb_room(b, want) != 0) return -1;
    size_t got = fread(b->s + b->len, 1, want, f);
    b->len += got;
    b->s[b->len] = '\0';
    if (got < want) break;
    if (want < (1u << 20)) want *= 2;
  }
  return 0;
}

char *tidu_sb_take(tidu_sb *b) {
  char *s = b->failed ? NULL : b->s ? b->s : tidu_strdup("");
  if (b->failed) tidu_free(b->s);
  *b = (tidu_sb){0};
  return s;
}

void tidu_sb_free(tidu_sb *b) {
  tidu_free(b->s);
  *b = (tidu_sb){0};
}

/* ---- text ---- */

enum { MAXCHARS = 64 };

/* Decodes up to `max` characters of UTF-8 `s` (ASCII folded to lower case) into out; returns
 * how many, or max + 1 when `s` is longer. */
static size_t code_points(const char *s, uint32_t *out, size_t max) {
  size_t n = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (n == max) return max + 1;
    uint32_t c = *p;
    int len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (len > 1) c &= (uint32_t)(0xff >> (len + 1));
    for (int k = 1; k < len && p[k]; k++) c = (c << 6) | (p[k] & 0x3f);
    for (int k = 0; k < len && *p; k++) p++;
    out[n++] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
  }
  return n;
}

size_t tidu_edit_distance(const char *a, const char *b) {
  uint32_t x[MAXCHARS], y[MAXCHARS];
  size_t la = code_points(a, x, MAXCHARS), lb = code_points(b, y, MAXCHARS);
  if (la > MAXCHARS || lb > MAXCHARS) return TIDU_FAR;
  size_t row[MAXCHARS + 1];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t best = diag + (x[i - 1] != y[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      diag = row[j];
      row[j] = best;
    }
  }
  return row[lb];
}
