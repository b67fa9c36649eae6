/* Listing registry firms filtered by their verdict and distance on one rule set, and sorted:
 * the rule both faces (CLI `firm list`, server `GET /api/firms`) apply. */
#ifndef TIDU_FIRMLIST_H
#define TIDU_FIRMLIST_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/regeval.h"
#include "tidu/rules.h"
#include "tidu/store.h"

/* What a list is sorted by; ties go by USCC. */
typedef enum tidu_list_sort {
  TIDU_LIST_BY_USCC = 0,
  TIDU_LIST_BY_NAME,
  TIDU_LIST_BY_REGION,
  TIDU_LIST_BY_REVENUE,
  TIDU_LIST_BY_GAP, /* distance on the board */
} tidu_list_sort;

/* The sort key named `s` ("uscc", "name", "region", "revenue", "gap"): 0, or -1 when unknown. */
TIDU_API int tidu_list_sort_parse(const char *s, tidu_list_sort *out);

/* Which firms, and in what order. Start from {0}. */
typedef struct tidu_list_query {
  tidu_store_filter flt; /* registry filter: region, industry, chain, title, deleted */
  const char *board;     /* rule set (id) whose verdicts filter and sort; NULL: none */
  const char *verdict;   /* with board: only firms with this verdict (pass|fail|unknown) */
  int has_gap;           /* with board: only firms whose distance is below gap_below */
  double gap_below;      /* (a missing distance is never below) */
  const char *text;      /* only firms whose name or USCC contains this text; NULL: all */
  tidu_list_sort sort;   /* the key */
  int desc;              /* descending */
  int missing_last;      /* missing revenue or distance last even when descending */
} tidu_list_query;

/* What the rule needs of one firm. Missing numbers are NAN. */
typedef struct tidu_list_key {
  const void *item; /* the caller's (not read) */
  const char *uscc, *name, *region;
  double revenue;
  const char *verdict; /* on the board: "pass" "fail" "unknown", NULL when it does not apply */
  double distance;     /* on the board */
} tidu_list_key;

/* Does the firm pass the query's verdict, gap and text filters? */
TIDU_API int tidu_list_keep(const tidu_list_query *q, const tidu_list_key *k);

/* Orders keys[0..n) in place by the query's key (a stable order: ties by USCC). */
TIDU_API void tidu_list_sort_keys(const tidu_list_query *q, tidu_list_key *keys, size_t n);

/* ---- the registry's list ---- */

/* One firm of a list, at its latest year. */
typedef struct tidu_list_row {
  char uscc[24];
  char *name;
  char region[8];
  char industry[8];
  int32_t year;        /* 0 when the firm has no year */
  int64_t revenue;     /* 分, TIDU_MISSING when absent */
  const char *verdict; /* on the board (static text), NULL when none or it does not apply */
  char nearest[24];    /* the nearest standard's id, "" when none */
  char gap[TIDU_REGEVAL_STANDING]; /* where that standard stands (lang of the call), "" when none */
  double distance;                 /* NAN when none */
} tidu_list_row;

typedef struct tidu_list {
  tidu_list_row *rows;
  size_t n, cap;
  const char *board_name; /* the board's name ("科创板"), NULL without a board; in the book */
} tidu_list;

/* Reads the registry firms `q` selects, assesses them on `q->board` with the rule sets of
 * `book` in force on `as_of` (days since 1970-01-01) when a board is given, keeps those that
 * pass the filters, and sorts them. `lang` ("zh" or "en") asks for the gap texts; NULL for none.
 * A board not in force is TIDU_ERR_USAGE. *out is filled (free with tidu_list_free) only on
 * success. */
TIDU_API tidu_code tidu_list_firms(tidu_store *s, const tidu_rulebook *book, int64_t as_of,
                                   const tidu_list_query *q, const char *lang, tidu_list *out,
                                   tidu_error *err);
TIDU_API void tidu_list_free(tidu_list *l);

#endif
