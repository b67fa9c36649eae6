/* Tests for the batch engine: batch results equal single-firm results, aggregates, what-if. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidu/batch.h"
#include "tidu/io.h"
#include "tidu/pack.h"
#include "tidu/gen.h"
#include "tidu/num.h"

#define NFIRMS 1200

static tidu_rulebook *book;

/* ---- the test population ---- */

/* Firm i: a generated firm; every 5th is scaled up so that boards are passed and crossed;
 * every 13th has lost its latest revenue and market value (unknown figures); every 97th is
 * blank but for its name. */
static void make_firm(uint64_t i, tidu_firm *f) {
  tidu_gen_options opt = {11, 0, 2024};
  assert_int_equal(tidu_gen_firm(&opt, i, f, NULL), TIDU_OK);
  if (i % 5 == 0) {
    int64_t k = 3 + (int64_t)(i % 40);
    for (size_t y = 0; y < f->nyears; y++)
      for (int fld = 0; fld < TIDU_NYEAR; fld++)
        if (tidu_year_field_info((tidu_year_field)fld)->type == TIDU_T_MONEY &&
            f->years[y].v[fld] != TIDU_MISSING)
          f->years[y].v[fld] *= k;
    if (f->v[TIDU_F_MARKET_CAP] != TIDU_MISSING) f->v[TIDU_F_MARKET_CAP] *= k;
  }
  if (i % 13 == 0 && f->nyears) {
    f->years[0].v[TIDU_Y_REVENUE] = TIDU_MISSING;
    f->v[TIDU_F_MARKET_CAP] = TIDU_MISSING;
  }
  if (i % 97 == 0) {
    char *name = f->text[TIDU_F_NAME] ? strdup(f->text[TIDU_F_NAME]) : NULL;
    tidu_firm_clear(f);
    tidu_firm_set_text(f, TIDU_F_NAME, name);
    free(name);
  }
}

typedef struct gen_src {
  uint64_t next, n;
} gen_src;

static tidu_code gen_next(void *ctx, tidu_firm *f, int *done, tidu_error *err) {
  (void)err;
  gen_src *g = ctx;
  *done = g->next >= g->n;
  if (!*done) make_firm(g->next++, f);
  return TIDU_OK;
}

static tidu_selection *select_at(int y, int m, int d, const char *ids) {
  tidu_error err;
  tidu_selection *sel = tidu_rulebook_select(book, tidu_days_from_civil(y, m, d), ids, &err);
  if (!sel) fail_msg("select %s: %s", ids ? ids : "all", err.message);
  return sel;
}

/* Assesses firm i alone (a chunk of one) and returns its contract JSON line. */
static char *single_json(const tidu_selection *sel, int64_t as_of, uint64_t i, tidu_eval *ev,
                         tidu_chunk *one, tidu_firm *f) {
  make_firm(i, f);
  tidu_chunk_reset(one);
  assert_int_equal(tidu_chunk_add(one, f, 0), TIDU_OK);
  assert_int_equal(tidu_assess_chunk(sel, one, as_of, ev, NULL), TIDU_OK);
  tidu_result *r = NULL;
  assert_int_equal(tidu_eval_materialise(ev, 0, &r, NULL), TIDU_OK);
  json_t *j = tidu_report_json(r);
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  tidu_result_free(r);
  return s;
}

/* ---- a fingerprint of a whole result tree ----
 * Every field of the tree (every string by content, every number by its bits) goes into a
 * 64-bit FNV-1a hash. Two trees with equal fingerprints render the same contract JSON
 * (tidu_report_json reads nothing else), so comparing fingerprints compares what the JSON would
 * show without building it; on a mismatch the JSON of both is shown. */

typedef struct fp {
  uint64_t h;
} fp;

static void fp_bytes(fp *f, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) f->h = (f->h ^ b[i]) * 0x100000001b3ULL;
}

static void fp_str(fp *f, const char *s) {
  if (s)
    fp_bytes(f, s, strlen(s) + 1);
  else
    fp_bytes(f, "\xff", 1);
}

static void fp_num(fp *f, double d) {
  fp_bytes(f, &d, sizeof d);
}

static void fp_int(fp *f, long long v) {
  fp_bytes(f, &v, sizeof v);
}

static void fp_strs(fp *f, const char **s, size_t n) {
  fp_int(f, (long long)n);
  for (size_t i = 0; i < n; i++) fp_str(f, s[i]);
}

static void fp_cond(fp *f, const tidu_cond_result *c) {
  fp_int(f, c->kind);
  fp_str(f, c->text);
  fp_str(f, c->text_en);
  fp_str(f, c->path);
  fp_int(f, c->type);
  fp_int(f, c->has_value);
  fp_num(f, c->value);
  fp_num(f, c->threshold);
  fp_num(f, c->gap);
  fp_num(f, c->distance);
  fp_int(f, c->verdict);
  fp_strs(f, c->missing, c->nmissing);
  fp_str(f, c->source);
  fp_int(f, c->depth);
  fp_str(f, c->op);
  fp_int(f, (long long)c->nchildren);
  for (size_t i = 0; i < c->nchildren; i++) fp_cond(f, &c->children[i]);
}

static void fp_block(fp *f, const tidu_block_result *b) {
  fp_str(f, b->id);
  fp_str(f, b->name);
  fp_str(f, b->source);
  fp_int(f, b->verdict);
  fp_num(f, b->distance);
  fp_int(f, (long long)b->nconds);
  for (size_t i = 0; i < b->nconds; i++) fp_cond(f, &b->conds[i]);
}

static uint64_t fingerprint(const tidu_result *r) {
  fp f = {0xcbf29ce484222325ULL};
  fp_str(&f, r->uscc);
  fp_str(&f, r->name);
  fp_int(&f, r->year);
  fp_int(&f, (long long)r->nrulesets);
  for (size_t k = 0; k < r->nrulesets; k++) {
    const tidu_ruleset_result *rs = &r->rulesets[k];
    fp_bytes(&f, &rs->meta, sizeof rs->meta); /* the same rule set of the same book */
    fp_str(&f, rs->meta->id);
    fp_str(&f, rs->meta->version);
    fp_int(&f, rs->verdict);
    fp_int(&f, (long long)rs->nrequires);
    for (size_t i = 0; i < rs->nrequires; i++) fp_block(&f, &rs->requires[i]);
    fp_int(&f, (long long)rs->nstandards);
    for (size_t i = 0; i < rs->nstandards; i++) fp_block(&f, &rs->standards[i]);
    fp_int(&f, rs->nearest);
    fp_int(&f, (long long)rs->nitems);
    for (size_t i = 0; i < rs->nitems; i++) {
      const tidu_item_result *it = &rs->items[i];
      fp_str(&f, it->id);
      fp_str(&f, it->name);
      fp_str(&f, it->group);
      fp_num(&f, it->max);
      fp_num(&f, it->lo);
      fp_num(&f, it->hi);
      fp_int(&f, it->known);
      fp_strs(&f, it->missing, it->nmissing);
    }
    fp_int(&f, (long long)rs->ngroups);
    for (size_t i = 0; i < rs->ngroups; i++) {
      const tidu_group_result *g = &rs->groups[i];
      fp_str(&f, g->id);
      fp_str(&f, g->name);
      fp_num(&f, g->max);
      fp_num(&f, g->min);
      fp_int(&f, g->has_min);
      fp_num(&f, g->lo);
      fp_num(&f, g->hi);
      fp_int(&f, g->floor_verdict);
    }
    fp_int(&f, rs->has_pass);
    if (rs->has_pass) fp_block(&f, &rs->pass);
    fp_int(&f, rs->score_known);
    fp_num(&f, rs->score);
    fp_num(&f, rs->score_lo);
    fp_num(&f, rs->score_hi);
    fp_strs(&f, rs->missing, rs->nmissing);
  }
  return f.h;
}

/* The fingerprint of firm i assessed alone (a chunk of one). */
static uint64_t single_fingerprint(const tidu_selection *sel, int64_t as_of, uint64_t i,
                                   tidu_eval *ev, tidu_chunk *one, tidu_firm *f) {
  make_firm(i, f);
  tidu_chunk_reset(one);
  assert_int_equal(tidu_chunk_add(one, f, 0), TIDU_OK);
  assert_int_equal(tidu_assess_chunk(sel, one, as_of, ev, NULL), TIDU_OK);
  tidu_result *r = NULL;
  assert_int_equal(tidu_eval_materialise(ev, 0, &r, NULL), TIDU_OK);
  uint64_t h = fingerprint(r);
  tidu_result_free(r);
  return h;
}

/* A batch `render`: each firm's fingerprint, as 8 bytes, in lane order. */
static tidu_code render_fingerprints(void *ctx, const tidu_batch_chunk *bc, char **out,
                                     size_t *out_len, tidu_error *err) {
  (void)ctx;
  size_t n = bc->chunk->n;
  uint64_t *h = malloc((n ? n : 1) * sizeof *h);
  if (!h) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t l = 0; l < n; l++) {
    tidu_result *r = NULL;
    tidu_code rc = tidu_eval_materialise(bc->ev[0], l, &r, err);
    if (rc != TIDU_OK) {
      free(h);
      return rc;
    }
    h[l] = fingerprint(r);
    tidu_result_free(r);
  }
  *out = (char *)h;
  *out_len = n * sizeof *h;
  return TIDU_OK;
}

static int setup(void **state) {
  (void)state;
  book = tidu_rulebook_new();
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_code rc = tidu_rulebook_add_builtin(book, &errs);
  if (rc != TIDU_OK && errs.n) fprintf(stderr, "rules: %s\n", errs.items[0].message);
  tidu_errlist_free(&errs);
  return rc == TIDU_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  tidu_rulebook_free(book);
  return 0;
}

/* Runs the batch over the first `n` firms from `in` with `render`, capturing its output. */
static char *batch_run_render(const tidu_batch_input *in, const tidu_selection *sel, int64_t as_of,
                              int threads, size_t chunk, size_t n,
                              tidu_code (*render)(void *, const tidu_batch_chunk *, char **,
                                                  size_t *, tidu_error *),
                              size_t *len) {
  char *buf = NULL;
  FILE *out = open_memstream(&buf, len);
  tidu_batch_options opt = {.sel = {sel, NULL},
                            .as_of_days = as_of,
                            .threads = threads,
                            .chunk_size = chunk,
                            .render = render,
                            .out = out};
  size_t done = 0;
  tidu_error err;
  tidu_code rc = tidu_batch_run(in, &opt, NULL, &done, NULL, &err);
  fclose(out);
  if (rc != TIDU_OK) fail_msg("batch: %s", err.message);
  assert_int_equal(done, n);
  return buf;
}

/* The same with the contract JSON renderer. */
static char *batch_json(const tidu_batch_input *in, const tidu_selection *sel, int64_t as_of,
                        int threads, size_t chunk, size_t n, size_t *len) {
  return batch_run_render(in, sel, as_of, threads, chunk, n, tidu_batch_render_json, len);
}

/* Every line of `lines` equals the single-firm JSON of the firm at that position. */
static void assert_equals_single(const char *lines, size_t n, const tidu_selection *sel,
                                 int64_t as_of) {
  tidu_eval *ev = tidu_eval_new();
  tidu_chunk *one = tidu_chunk_new(1);
  tidu_firm f;
  tidu_firm_init(&f);
  const char *p = lines;
  for (uint64_t i = 0; i < n; i++) {
    const char *nl = strchr(p, '\n');
    assert_non_null(nl);
    char *want = single_json(sel, as_of, i, ev, one, &f);
    if (strlen(want) != (size_t)(nl - p) || memcmp(want, p, (size_t)(nl - p)) != 0)
      fail_msg("firm %llu differs:\nbatch:  %.*s\nsingle: %s", (unsigned long long)i, (int)(nl - p),
               p, want);
    free(want);
    p = nl + 1;
  }
  assert_int_equal(*p, 0);
  tidu_firm_clear(&f);
  tidu_chunk_free(one);
  tidu_eval_free(ev);
}

/* Single-firm fingerprints of the whole population, computed once for the tests below. */
static uint64_t *single_prints(const tidu_selection *sel, int64_t as_of) {
  static uint64_t prints[NFIRMS];
  static int done;
  if (done) return prints;
  tidu_eval *ev = tidu_eval_new();
  tidu_chunk *one = tidu_chunk_new(1);
  tidu_firm f;
  tidu_firm_init(&f);
  for (uint64_t i = 0; i < NFIRMS; i++) prints[i] = single_fingerprint(sel, as_of, i, ev, one, &f);
  tidu_firm_clear(&f);
  tidu_chunk_free(one);
  tidu_eval_free(ev);
  done = 1;
  return prints;
}

/* Every fingerprint the batch rendered equals the firm's single one; on a difference the
 * JSON of the firm, batch and single, is shown. */
static void assert_prints_equal_single(const char *buf, size_t len, const tidu_selection *sel,
                                       int64_t as_of) {
  assert_int_equal(len, NFIRMS * sizeof(uint64_t));
  const uint64_t *want = single_prints(sel, as_of);
  for (uint64_t i = 0; i < NFIRMS; i++) {
    uint64_t got;
    memcpy(&got, buf + i * sizeof got, sizeof got);
    if (got != want[i]) {
      tidu_eval *ev = tidu_eval_new();
      tidu_chunk *one = tidu_chunk_new(1);
      tidu_firm f;
      tidu_firm_init(&f);
      char *single = single_json(sel, as_of, i, ev, one, &f);
      fail_msg("firm %llu: the batch's result tree differs from the single firm's:\n%s",
               (unsigned long long)i, single);
    }
  }
}

/* ---- batch equals single ---- */

static void batch_results_equal_single_firm_results(void **state) {
  (void)state;
  int64_t as_of = tidu_days_from_civil(2025, 6, 30);
  tidu_selection *sel = select_at(2025, 6, 30, NULL);
  gen_src g = {0, NFIRMS};
  tidu_batch_input in = {.next = gen_next, .next_ctx = &g};
  size_t len = 0;
  char *prints = batch_run_render(&in, sel, as_of, 2, 256, NFIRMS, render_fingerprints, &len);
  assert_prints_equal_single(prints, len, sel, as_of);
  free(prints);
  tidu_selection_free(sel);
}

/* The contract JSON lines of the batch renderer, over the first NJSON firms in chunks of 128
 * (three, the last one short) on two threads, equal each firm's own line. */
#define NJSON 300
static void batch_json_lines_equal_single_firm_lines(void **state) {
  (void)state;
  int64_t as_of = tidu_days_from_civil(2025, 6, 30);
  tidu_selection *sel = select_at(2025, 6, 30, NULL);
  gen_src g = {0, NJSON};
  tidu_batch_input in = {.next = gen_next, .next_ctx = &g};
  size_t len = 0;
  char *lines = batch_json(&in, sel, as_of, 2, 128, NJSON, &len);
  assert_equals_single(lines, NJSON, sel, as_of);
  free(lines);
  tidu_selection_free(sel);
}

static void batch_from_a_pack_equals_single_firm_results(void **state) {
  (void)state;
  char path[64];
  snprintf(path, sizeof path, "/tmp/tidu_batch_test_%d.pack", (int)getpid());
  tidu_pack_writer *w = NULL;
  assert_int_equal(tidu_pack_writer_open(path, &w, NULL), TIDU_OK);
  tidu_firm f;
  tidu_firm_init(&f);
  for (uint64_t i = 0; i < NFIRMS; i++) {
    make_firm(i, &f);
    assert_int_equal(tidu_pack_writer_add(w, &f, NULL), TIDU_OK);
  }
  tidu_firm_clear(&f);
  assert_int_equal(tidu_pack_writer_close(w, NULL), TIDU_OK);
  tidu_pack *p = NULL;
  assert_int_equal(tidu_pack_open(path, &p, NULL), TIDU_OK);
  int64_t as_of = tidu_days_from_civil(2025, 6, 30);
  tidu_selection *sel = select_at(2025, 6, 30, NULL);
  tidu_source *src = tidu_pack_source(p);
  tidu_batch_input in = {.source = src};
  size_t len = 0;
  char *prints = batch_run_render(&in, sel, as_of, 3, 512, NFIRMS, render_fingerprints, &len);
  assert_prints_equal_single(prints, len, sel, as_of);
  free(prints);
  tidu_selection_free(sel);
  tidu_source_close(src);
  remove(path);
}

/* ---- aggregates ---- */

static tidu_batch_stats *run_stats(const tidu_selection *sel, int64_t as_of, int threads) {
  gen_src g = {0, NFIRMS};
  tidu_batch_input in = {.next = gen_next, .next_ctx = &g};
  tidu_batch_options opt = {
      .sel = {sel, NULL}, .as_of_days = as_of, .threads = threads, .aggregate = 1};
  tidu_batch_stats *st = NULL;
  tidu_error err;
  if (tidu_batch_run(&in, &opt, &st, NULL, NULL, &err) != TIDU_OK) fail_msg("%s", err.message);
  return st;
}

static void aggregates_count_unknown_apart_and_match_single_firms(void **state) {
  (void)state;
  int64_t as_of = tidu_days_from_civil(2025, 6, 30);
  tidu_selection *sel = select_at(2025, 6, 30, NULL);
  tidu_batch_stats *st = run_stats(sel, as_of, 2);
  assert_int_equal(tidu_batch_stats_firms(st), NFIRMS);
  /* expected counts from firms assessed one at a time */
  size_t nrs = tidu_selection_count(sel);
  uint64_t(*want)[4] = calloc(nrs, sizeof *want);
  tidu_eval *ev = tidu_eval_new();
  tidu_chunk *one = tidu_chunk_new(1);
  tidu_firm f;
  tidu_firm_init(&f);
  uint64_t blank_unknown = 0;
  for (uint64_t i = 0; i < NFIRMS; i++) {
    make_firm(i, &f);
    tidu_chunk_reset(one);
    tidu_chunk_add(one, &f, 0);
    assert_int_equal(tidu_assess_chunk(sel, one, as_of, ev, NULL), TIDU_OK);
    for (size_t r = 0; r < nrs; r++) want[r][tidu_eval_verdict(ev, r, TIDU_WHOLE, 0)]++;
    size_t star = nrs;
    for (size_t r = 0; r < nrs; r++)
      if (!strcmp(tidu_ruleset_meta(tidu_selection_get(sel, r))->id, "star")) star = r;
    assert_true(star < nrs);
    if (i % 97 == 0) {
      /* a firm with no figures is unknown for the board, never a fail */
      assert_int_equal(tidu_eval_verdict(ev, star, TIDU_WHOLE, 0), TIDU_V_UNKNOWN);
      blank_unknown++;
    }
  }
  for (size_t r = 0; r < nrs; r++) {
    const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, r));
    char key[128];
    snprintf(key, sizeof key, "%s%s%s", m->id, m->nregions ? "@" : "",
             m->nregions ? m->regions[0] : "");
    for (int v = 0; v < 4; v++) assert_int_equal(tidu_batch_stats_count(st, key, v), want[r][v]);
  }
  assert_true(tidu_batch_stats_count(st, "star", TIDU_V_UNKNOWN) >= blank_unknown);
  /* the JSON carries the same numbers, and every firm is in exactly one region group */
  json_t *j = tidu_batch_stats_json(st);
  json_t *star = json_object_get(json_object_get(j, "boards"), "star");
  assert_int_equal(json_integer_value(json_object_get(star, "unknown")),
                   tidu_batch_stats_count(st, "star", TIDU_V_UNKNOWN));
  assert_non_null(json_object_get(json_object_get(j, "standards"), "star.1"));
  json_int_t in_regions = 0;
  const char *key;
  json_t *g;
  json_object_foreach(json_object_get(json_object_get(j, "by"), "region"), key, g) in_regions +=
      json_integer_value(json_object_get(g, "firms"));
  assert_int_equal(in_regions, NFIRMS);
  assert_non_null(json_object_get(json_object_get(json_object_get(j, "by"), "industry"), "-"));
  json_decref(j);
  tidu_firm_clear(&f);
  tidu_chunk_free(one);
  tidu_eval_free(ev);
  free(want);
  tidu_batch_stats_free(st);
  tidu_selection_free(sel);
}

static void aggregates_do_not_depend_on_threads(void **state) {
  (void)state;
  int64_t as_of = tidu_days_from_civil(2025, 6, 30);
  tidu_selection *sel = select_at(2025, 6, 30, NULL);
  tidu_batch_stats *a = run_stats(sel, as_of, 1);
  tidu_batch_stats *b = run_stats(sel, as_of, 4);
  json_t *ja = tidu_batch_stats_json(a);
  json_t *jb = tidu_batch_stats_json(b);
  char *sa = json_dumps(ja, JSON_SORT_KEYS | JSON_COMPACT);
  char *sb = json_dumps(jb, JSON_SORT_KEYS | JSON_COMPACT);
  assert_string_equal(sa, sb);
  free(sa);
  free(sb);
  json_decref(ja);
  json_decref(jb);
  tidu_batch_stats_free(a);
  tidu_batch_stats_free(b);
  tidu_selection_free(sel);
}

/* ---- what-if ---- */

/* Assesses the firm in `one` alone under `sel`; ev then holds its verdicts. */
static void alone(const tidu_selection *sel, int64_t as_of, const tidu_chunk *one, tidu_eval *ev) {
  assert_int_equal(tidu_assess_chunk(sel, one, as_of, ev, NULL), TIDU_OK);
}

static void simulate_lists_exactly_the_firms_that_differ(void **state) {
  (void)state;
  tidu_selection *a = select_at(2023, 2, 17, "main");
  tidu_selection *b = select_at(2024, 4, 30, "main");
  const tidu_ruleset_info *ma = tidu_ruleset_meta(tidu_selection_get(a, 0));
  const tidu_ruleset_info *mb = tidu_ruleset_meta(tidu_selection_get(b, 0));
  assert_true(ma->effective != mb->effective);
  int64_t as_of = tidu_days_from_civil(2024, 4, 30);
  gen_src g = {0, NFIRMS};
  tidu_batch_input in = {.next = gen_next, .next_ctx = &g};
  tidu_batch_options opt = {.sel = {a, b}, .as_of_days = as_of, .threads = 2, .chunk_size = 128};
  tidu_simulation *sim = NULL;
  tidu_error err;
  if (tidu_simulate(&in, &opt, &sim, &err) != TIDU_OK) fail_msg("%s", err.message);
  assert_int_equal(tidu_simulation_firms(sim), NFIRMS);
  size_t nflips = 0;
  const tidu_flip *fl = tidu_simulation_flips(sim, &nflips);
  /* expected: assess every firm under each version separately */
  tidu_eval *ea = tidu_eval_new(), *eb = tidu_eval_new();
  tidu_chunk *one = tidu_chunk_new(1);
  tidu_firm f;
  tidu_firm_init(&f);
  size_t k = 0, whole = 0;
  for (uint64_t i = 0; i < NFIRMS; i++) {
    make_firm(i, &f);
    tidu_chunk_reset(one);
    tidu_chunk_add(one, &f, 0);
    alone(a, as_of, one, ea);
    alone(b, as_of, one, eb);
    for (long s = -1; s < (long)ma->nstandards; s++) {
      size_t std = s < 0 ? TIDU_WHOLE : (size_t)s;
      tidu_verdict va = tidu_eval_verdict(ea, 0, std, 0);
      tidu_verdict vb = tidu_eval_verdict(eb, 0, std, 0);
      if (va == vb) continue;
      const char *id = s < 0 ? ma->id : ma->standards[s].id;
      if (k >= nflips) fail_msg("firm %llu %s flips but is not listed", (unsigned long long)i, id);
      assert_int_equal(fl[k].row, i);
      assert_string_equal(fl[k].id, id);
      assert_int_equal(fl[k].from, va);
      assert_int_equal(fl[k].to, vb);
      if (s < 0) whole++;
      k++;
    }
  }
  assert_int_equal(k, nflips);
  assert_true(whole > 0); /* the population does cross the 2024 line */
  json_t *j = tidu_simulation_json(sim, 1);
  assert_int_equal(json_array_size(json_object_get(j, "flips")), nflips);
  assert_non_null(json_object_get(json_object_get(j, "changes"), "main"));
  json_decref(j);
  tidu_firm_clear(&f);
  tidu_chunk_free(one);
  tidu_eval_free(ea);
  tidu_eval_free(eb);
  tidu_simulation_free(sim);
  tidu_selection_free(a);
  tidu_selection_free(b);
}

/* ---- projection ---- */

static void projection_grows_figures_at_the_capped_trend(void **state) {
  (void)state;
  tidu_firm f;
  tidu_firm_init(&f);
  int32_t years[3] = {2024, 2023, 2022};
  int64_t revenue[3] = {144000000, 120000000, 100000000}; /* +20% a year */
  int64_t profit[3] = {400, 100, 100};                    /* 100% a year: capped */
  for (int k = 0; k < 3; k++) {
    tidu_year *y = tidu_firm_year(&f, years[k]);
    y->v[TIDU_Y_REVENUE] = revenue[k] * 100;
    y->v[TIDU_Y_NET_PROFIT] = profit[k] * 100;
    y->v[TIDU_Y_ROE_WEIGHTED] = 12345;
  }
  tidu_chunk *src = tidu_chunk_new(1), *dst = tidu_chunk_new(1);
  tidu_chunk_add(src, &f, 0);
  assert_int_equal(tidu_project_chunk(src, 2, 0.3, dst, NULL), TIDU_OK);
  assert_int_equal(dst->base[0], 2026);
  assert_true(dst->yr[TIDU_Y_REVENUE][0][0] == 20736000000LL); /* 1.44亿 × 1.2² */
  assert_true(dst->yr[TIDU_Y_REVENUE][1][0] == 17280000000LL);
  assert_true(dst->yr[TIDU_Y_REVENUE][2][0] == 14400000000LL); /* year 2024, as it was */
  assert_true(dst->yr[TIDU_Y_NET_PROFIT][0][0] == 67600);      /* 400 × 1.3² */
  assert_true(dst->yr[TIDU_Y_ROE_WEIGHTED][0][0] == 12345);    /* ratios hold */
  assert_true(dst->yr[TIDU_Y_EMPLOYEES][0][0] == TIDU_MISSING);
  tidu_chunk_free(src);
  tidu_chunk_free(dst);
  tidu_firm_clear(&f);
}

static void projection_names_a_year_or_the_binding_condition(void **state) {
  (void)state;
  tidu_selection *sel = select_at(2025, 6, 30, "star,main");
  gen_src g = {0, 200};
  tidu_batch_input in = {.next = gen_next, .next_ctx = &g};
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  tidu_batch_options opt = {
      .sel = {sel, NULL}, .as_of_days = tidu_days_from_civil(2025, 6, 30), .threads = 2};
  size_t n = 0;
  tidu_error err;
  if (tidu_project(&in, &opt, 5, 0, out, &n, &err) != TIDU_OK) fail_msg("%s", err.message);
  fclose(out);
  assert_int_equal(n, 200);
  size_t lines = 0, reached = 0, bound = 0;
  for (char *p = buf; *p;) {
    char *nl = strchr(p, '\n');
    *nl = 0;
    json_t *j = json_loads(p, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "row")), lines);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "results"), i, r) {
      json_t *fy = json_object_get(r, "first_year");
      if (json_is_integer(fy)) {
        reached++;
        assert_true(json_integer_value(fy) >= json_integer_value(json_object_get(j, "year")));
        assert_true(json_integer_value(fy) <= json_integer_value(json_object_get(j, "year")) + 5);
      } else {
        assert_true(json_is_null(fy));
        bound += json_object_get(r, "binding") != NULL;
      }
    }
    json_decref(j);
    lines++;
    p = nl + 1;
  }
  assert_int_equal(lines, 200);
  assert_true(reached > 0);
  assert_true(bound > 0);
  free(buf);
  tidu_selection_free(sel);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(batch_results_equal_single_firm_results),
      cmocka_unit_test(batch_json_lines_equal_single_firm_lines),
      cmocka_unit_test(batch_from_a_pack_equals_single_firm_results),
      cmocka_unit_test(aggregates_count_unknown_apart_and_match_single_firms),
      cmocka_unit_test(aggregates_do_not_depend_on_threads),
      cmocka_unit_test(simulate_lists_exactly_the_firms_that_differ),
      cmocka_unit_test(projection_grows_figures_at_the_capped_trend),
      cmocka_unit_test(projection_names_a_year_or_the_binding_condition),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
