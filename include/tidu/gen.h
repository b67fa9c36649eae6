/* Synthetic firm populations for demos, tests and benchmarks, deterministic from a seed. */
#ifndef TIDU_GEN_H
#define TIDU_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"

/* The most fiscal years one generated firm can carry. */
#define TIDU_GEN_MAX_YEARS 10

typedef struct tidu_gen_options {
  uint64_t seed;     /* the population; same seed and index give the same firm */
  int years;         /* fiscal years per firm, 1..TIDU_GEN_MAX_YEARS; 0 = 3 to 5 at random */
  int32_t last_year; /* the latest fiscal year of every firm; 0 = 2024 */
} tidu_gen_options;

/* Fills `f` with firm number `index` (0-based) of the population described by `opt`.
 * `f` must be initialised (tidu_firm_init); it is cleared first and then owns what it holds.
 * The firm depends only on (seed, years, last_year, index), so a population can be produced
 * in any order or in parallel. Returns TIDU_OK, TIDU_ERR_USAGE for bad options or
 * TIDU_ERR_NOMEM. */
TIDU_API tidu_code tidu_gen_firm(const tidu_gen_options *opt, uint64_t index, tidu_firm *f,
                                 tidu_error *err);

/* A growing output buffer. Start from {0}; free with tidu_gen_buf_free. */
typedef struct tidu_gen_buf {
  char *data;
  size_t len;
  size_t cap;
} tidu_gen_buf;

TIDU_API void tidu_gen_buf_free(tidu_gen_buf *b);

/* Appends one firm as a contract §3 JSON object and a newline (NDJSON). Fields that are
 * missing or not declared are left out. Returns TIDU_OK or TIDU_ERR_NOMEM. */
TIDU_API tidu_code tidu_gen_write_ndjson(const tidu_firm *f, tidu_gen_buf *out);

/* Appends the header line of the long CSV form (English field names, one row per firm and
 * year: firm fields, then `year`, then year fields). */
TIDU_API tidu_code tidu_gen_write_csv_header(tidu_gen_buf *out);

/* Appends one firm as long CSV rows under the header above, newest year first. Missing
 * figures are empty cells. */
TIDU_API tidu_code tidu_gen_write_csv(const tidu_firm *f, tidu_gen_buf *out);

#endif
