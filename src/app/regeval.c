/* Assessing registry firms in chunks, shared by `tidu firm list`, `tidu export` and the server. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/regeval.h"
#include "tidu/toolkit.h"

struct tidu_regeval {
  tidu_selection *sel;
  tidu_eval *ev;
  tidu_chunk *chunk;
  int64_t as_of;
  size_t nrs;
  tidu_export_ruleset *rs;
  const char **verdict; /* TIDU_REGEVAL_CHUNK * nrs */
  const char **nearest;
  double *distance;
  char (*standing)[TIDU_REGEVAL_STANDING]; /* when asked for (tidu_regeval_want_standing) */
  const char **gap;                        /* pointers into standing */
  const char *lang;
};

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

tidu_code tidu_regeval_open(const tidu_rulebook *book, int64_t as_of, tidu_regeval **out,
                            tidu_error *err) {
  *out = NULL;
  tidu_regeval *e = tidu_calloc(1, sizeof *e);
  if (!e) return nomem(err);
  e->as_of = as_of;
  e->sel = tidu_rulebook_select(book, as_of, NULL, err);
  if (!e->sel) {
    tidu_regeval_close(e);
    return err ? err->code : TIDU_ERR_USAGE;
  }
  e->nrs = tidu_selection_count(e->sel);
  size_t nrs = e->nrs ? e->nrs : 1, cells = TIDU_REGEVAL_CHUNK * nrs;
  e->ev = tidu_eval_new();
  e->chunk = tidu_chunk_new(TIDU_REGEVAL_CHUNK);
  e->rs = tidu_calloc(nrs, sizeof *e->rs);
  e->verdict = tidu_calloc(cells, sizeof *e->verdict);
  e->nearest = tidu_calloc(cells, sizeof *e->nearest);
  e->distance = tidu_calloc(cells, sizeof *e->distance);
  if (!e->ev || !e->chunk || !e->rs || !e->verdict || !e->nearest || !e->distance) {
    tidu_regeval_close(e);
    return nomem(err);
  }
  for (size_t k = 0; k < e->nrs; k++) {
    const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(e->sel, k));
    e->rs[k].id = m->id;
    e->rs[k].name = m->name;
    e->rs[k].is_board = m->kind == TIDU_KIND_BOARD;
  }
  *out = e;
  return TIDU_OK;
}

void tidu_regeval_close(tidu_regeval *e) {
  if (!e) return;
  tidu_eval_free(e->ev);
  tidu_chunk_free(e->chunk);
  tidu_selection_free(e->sel);
  free(e->rs);
  free(e->verdict);
  free(e->nearest);
  free(e->distance);
  free(e->standing);
  free(e->gap);
  free(e);
}

tidu_code tidu_regeval_want_standing(tidu_regeval *e, const char *lang, tidu_error *err) {
  size_t cells = TIDU_REGEVAL_CHUNK * (e->nrs ? e->nrs : 1);
  e->lang = lang && !strcmp(lang, "en") ? "en" : "zh";
  if (e->standing) return TIDU_OK;
  e->standing = tidu_calloc(cells, sizeof *e->standing);
  e->gap = tidu_calloc(cells, sizeof *e->gap);
  return e->standing && e->gap ? TIDU_OK : nomem(err);
}

/* Fills the standing texts of the last run's firms (one result tree per firm). */
static tidu_code fill_standing(tidu_regeval *e, size_t n, tidu_error *err) {
  for (size_t lane = 0; lane < n; lane++) {
    tidu_result *r = NULL;
    tidu_code rc = tidu_eval_materialise(e->ev, lane, &r, err);
    if (rc != TIDU_OK) return rc;
    for (size_t k = 0; k < e->nrs; k++) {
      size_t at = lane * e->nrs + k;
      e->standing[at][0] = '\0';
      e->gap[at] = NULL;
      for (size_t i = 0; i < r->nrulesets; i++) {
        if (strcmp(r->rulesets[i].meta->id, e->rs[k].id)) continue;
        char buf[TIDU_REGEVAL_STANDING];
        tidu_report_standing(&r->rulesets[i], e->lang, buf, sizeof buf);
        snprintf(e->standing[at], TIDU_REGEVAL_STANDING, "%s", buf[0] == ' ' ? buf + 1 : buf);
        e->gap[at] = e->standing[at];
        break;
      }
    }
    tidu_result_free(r);
  }
  return TIDU_OK;
}

size_t tidu_regeval_count(const tidu_regeval *e) {
  return e->nrs;
}

const tidu_export_ruleset *tidu_regeval_rulesets(const tidu_regeval *e) {
  return e->rs;
}

const tidu_selection *tidu_regeval_selection(const tidu_regeval *e) {
  return e->sel;
}

const tidu_eval *tidu_regeval_eval(const tidu_regeval *e) {
  return e->ev;
}

int tidu_regeval_find(const tidu_regeval *e, const char *id) {
  for (size_t k = 0; k < e->nrs; k++)
    if (!strcmp(e->rs[k].id, id)) return (int)k;
  return -1;
}

tidu_code tidu_regeval_run(tidu_regeval *e, const tidu_firm *firms, size_t n, tidu_error *err) {
  tidu_chunk_reset(e->chunk);
  for (size_t i = 0; i < n; i++)
    if (tidu_chunk_add(e->chunk, &firms[i], 0) != TIDU_OK)
      return tidu_error_set(err, TIDU_ERR_LIMIT, NULL, 0, 0, "批次已满 / chunk full");
  tidu_code rc = tidu_assess_chunk(e->sel, e->chunk, e->as_of, e->ev, err);
  if (rc != TIDU_OK) return rc;
  for (size_t lane = 0; lane < n; lane++)
    for (size_t k = 0; k < e->nrs; k++) {
      size_t at = lane * e->nrs + k;
      tidu_verdict v = tidu_eval_verdict(e->ev, k, TIDU_WHOLE, lane);
      const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(e->sel, k));
      int near = tidu_eval_nearest(e->ev, k, lane);
      e->verdict[at] = v == TIDU_V_NA ? NULL : tidu_verdict_name(v);
      e->nearest[at] = near >= 0 && (size_t)near < m->nstandards ? m->standards[near].id : NULL;
      e->distance[at] = m->nstandards ? tidu_eval_distance(e->ev, k, TIDU_WHOLE, lane) : NAN;
    }
  return e->standing ? fill_standing(e, n, err) : TIDU_OK;
}

void tidu_regeval_get(const tidu_regeval *e, size_t lane, tidu_export_assessment *a) {
  a->verdict = e->verdict + lane * e->nrs;
  a->nearest = e->nearest + lane * e->nrs;
  a->distance = e->distance + lane * e->nrs;
  a->gap = e->gap ? e->gap + lane * e->nrs : NULL;
}

/* Reads up to TIDU_REGEVAL_CHUNK firms into firms[0..*n); sets *done at the end. */
static tidu_code read_chunk(tidu_source *src, tidu_firm *firms, size_t *n, int *done,
                            tidu_error *err) {
  *n = 0;
  while (*n < TIDU_REGEVAL_CHUNK && !*done) {
    tidu_code rc = tidu_source_next(src, &firms[*n], done, err);
    if (rc != TIDU_OK) return rc;
    if (!*done) (*n)++;
  }
  return TIDU_OK;
}

tidu_code tidu_regeval_each_source(tidu_source *src, tidu_regeval *e, tidu_regeval_fn each,
                                   void *ctx, int *stopped, tidu_error *err) {
  if (stopped) *stopped = 0;
  tidu_firm *firms = tidu_calloc(TIDU_REGEVAL_CHUNK, sizeof *firms);
  if (!firms) return nomem(err);
  for (size_t i = 0; i < TIDU_REGEVAL_CHUNK; i++) tidu_firm_init(&firms[i]);
  tidu_code rc = TIDU_OK;
  int done = 0, stop = 0;
  while (rc == TIDU_OK && !done && !stop) {
    size_t n = 0;
    rc = read_chunk(src, firms, &n, &done, err);
    if (rc == TIDU_OK && e && n) rc = tidu_regeval_run(e, firms, n, err);
    for (size_t i = 0; rc == TIDU_OK && !stop && i < n; i++) {
      tidu_export_assessment a;
      if (e) tidu_regeval_get(e, i, &a);
      stop = each(ctx, &firms[i], e ? &a : NULL);
    }
  }
  if (stopped) *stopped = stop;
  for (size_t i = 0; i < TIDU_REGEVAL_CHUNK; i++) tidu_firm_clear(&firms[i]);
  free(firms);
  return rc;
}

tidu_code tidu_regeval_each(tidu_store *s, const tidu_store_filter *flt, tidu_regeval *e,
                            tidu_regeval_fn each, void *ctx, int *stopped, tidu_error *err) {
  tidu_source *src = NULL;
  if (stopped) *stopped = 0;
  tidu_code rc = tidu_store_source(s, flt, 0, &src, err);
  if (rc == TIDU_OK) rc = tidu_regeval_each_source(src, e, each, ctx, stopped, err);
  tidu_source_close(src);
  return rc;
}
