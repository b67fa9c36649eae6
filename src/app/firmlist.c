/* Listing registry firms by verdict and distance on one rule set: the filter and order both
 * faces apply, and the registry read behind `tidu firm list`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/firmlist.h"
#include "tidu/regeval.h"
#include "tidu/toolkit.h"

int tidu_list_sort_parse(const char *s, tidu_list_sort *out) {
  static const char *const names[] = {"uscc", "name", "region", "revenue", "gap"};
  for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(s, names[i])) {
      *out = (tidu_list_sort)i;
      return 0;
    }
  return -1;
}

int tidu_list_keep(const tidu_list_query *q, const tidu_list_key *k) {
  if (q->text && *q->text && !strstr(k->name ? k->name : "", q->text) &&
      !strstr(k->uscc ? k->uscc : "", q->text))
    return 0;
  if (!q->board) return 1;
  if (q->verdict && (!k->verdict || strcmp(k->verdict, q->verdict) != 0)) return 0;
  if (q->has_gap && (isnan(k->distance) || !(k->distance < q->gap_below))) return 0;
  return 1;
}

static int cmp_text(const char *a, const char *b) {
  return strcmp(a ? a : "", b ? b : "");
}

/* Missing numbers (NAN) go last, or first when descending without missing_last. */
static int cmp_num(const tidu_list_query *q, double a, double b) {
  int na = isnan(a), nb = isnan(b);
  if (na || nb) {
    int c = na && nb ? 0 : na ? 1 : -1;
    return q->desc && !q->missing_last ? -c : c;
  }
  int c = a < b ? -1 : a > b;
  return q->desc ? -c : c;
}

static int cmp_keys(const void *pa, const void *pb, void *ctx) {
  const tidu_list_query *q = ctx;
  const tidu_list_key *a = pa, *b = pb;
  int c = 0;
  switch (q->sort) {
  case TIDU_LIST_BY_NAME:
    c = cmp_text(a->name, b->name);
    break;
  case TIDU_LIST_BY_REGION:
    c = cmp_text(a->region, b->region);
    break;
  case TIDU_LIST_BY_REVENUE:
    c = cmp_num(q, a->revenue, b->revenue);
    break;
  case TIDU_LIST_BY_GAP:
    c = cmp_num(q, a->distance, b->distance);
    break;
  case TIDU_LIST_BY_USCC:
    break;
  }
  if (q->desc && q->sort != TIDU_LIST_BY_REVENUE && q->sort != TIDU_LIST_BY_GAP) c = -c;
  return c ? c : cmp_text(a->uscc, b->uscc);
}

void tidu_list_sort_keys(const tidu_list_query *q, tidu_list_key *keys, size_t n) {
  if (n > 1) qsort_r(keys, n, sizeof *keys, cmp_keys, (void *)q);
}

/* ---- the registry's list ---- */

typedef struct collect {
  const tidu_list_query *q;
  int k; /* the board's index in the selection, -1 without one */
  tidu_list *l;
  int nomem;
} collect;

static void copy_code(char *dst, size_t size, const char *s) {
  snprintf(dst, size, "%s", s ? s : "");
}

static int collect_one(void *ctx, const tidu_firm *f, const tidu_export_assessment *a) {
  collect *c = ctx;
  tidu_list *l = c->l;
  int k = a ? c->k : -1;
  int64_t revenue = f->nyears ? f->years[0].v[TIDU_Y_REVENUE] : TIDU_MISSING;
  tidu_list_key key = {NULL,
                       f->text[TIDU_F_USCC],
                       f->text[TIDU_F_NAME],
                       f->text[TIDU_F_REGION],
                       revenue == TIDU_MISSING ? NAN : (double)revenue,
                       k >= 0 ? a->verdict[k] : NULL,
                       k >= 0 ? a->distance[k] : NAN};
  if (!tidu_list_keep(c->q, &key)) return 0;
  if (TIDU_PUSH_ROOM(l->rows, l->n, l->cap) != 0) {
    c->nomem = 1;
    return 1;
  }
  tidu_list_row *r = &l->rows[l->n];
  memset(r, 0, sizeof *r);
  r->name = tidu_strdup(key.name ? key.name : "");
  if (!r->name) {
    c->nomem = 1;
    return 1;
  }
  l->n++;
  copy_code(r->uscc, sizeof r->uscc, key.uscc);
  copy_code(r->region, sizeof r->region, key.region);
  copy_code(r->industry, sizeof r->industry, f->text[TIDU_F_INDUSTRY]);
  r->year = f->nyears ? f->years[0].year : 0;
  r->revenue = revenue;
  r->verdict = key.verdict;
  if (k >= 0 && a->nearest[k]) copy_code(r->nearest, sizeof r->nearest, a->nearest[k]);
  if (k >= 0 && a->gap && a->gap[k]) copy_code(r->gap, sizeof r->gap, a->gap[k]);
  r->distance = key.distance;
  return 0;
}

/* Puts l->rows in the query's order. */
static tidu_code sort_rows(const tidu_list_query *q, tidu_list *l, tidu_error *err) {
  if (l->n < 2) return TIDU_OK;
  tidu_list_key *keys = tidu_calloc(l->n, sizeof *keys);
  tidu_list_row *rows = tidu_calloc(l->n, sizeof *rows);
  if (!keys || !rows) {
    free(keys);
    free(rows);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  for (size_t i = 0; i < l->n; i++) {
    const tidu_list_row *r = &l->rows[i];
    keys[i] = (tidu_list_key){r,
                              r->uscc,
                              r->name,
                              r->region,
                              r->revenue == TIDU_MISSING ? NAN : (double)r->revenue,
                              r->verdict,
                              r->distance};
  }
  tidu_list_sort_keys(q, keys, l->n);
  for (size_t i = 0; i < l->n; i++) rows[i] = *(const tidu_list_row *)keys[i].item;
  free(keys);
  free(l->rows);
  l->rows = rows;
  l->cap = l->n;
  return TIDU_OK;
}

tidu_code tidu_list_firms(tidu_store *s, const tidu_rulebook *book, int64_t as_of,
                          const tidu_list_query *q, const char *lang, tidu_list *out,
                          tidu_error *err) {
  memset(out, 0, sizeof *out);
  tidu_list l = {0};
  tidu_regeval *e = NULL;
  collect c = {q, -1, &l, 0};
  tidu_code rc = TIDU_OK;
  if (q->board) {
    rc = tidu_regeval_open(book, as_of, &e, err);
    if (rc == TIDU_OK && (c.k = tidu_regeval_find(e, q->board)) < 0)
      rc = tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "没有规则集 / no rule set '%s'",
                          q->board);
    if (rc == TIDU_OK) l.board_name = tidu_regeval_rulesets(e)[c.k].name;
    if (rc == TIDU_OK && lang) rc = tidu_regeval_want_standing(e, lang, err);
  }
  if (rc == TIDU_OK) rc = tidu_regeval_each(s, &q->flt, e, collect_one, &c, NULL, err);
  if (rc == TIDU_OK && c.nomem)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  if (rc == TIDU_OK) rc = sort_rows(q, &l, err);
  tidu_regeval_close(e);
  if (rc != TIDU_OK) {
    tidu_list_free(&l);
    return rc;
  }
  *out = l;
  return TIDU_OK;
}

void tidu_list_free(tidu_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) free(l->rows[i].name);
  free(l->rows);
  memset(l, 0, sizeof *l);
}
