/* Allocation-failure tests: each case is run once to count its allocations, then again with the
 * Nth allocation failing for N = 1 .. count (every N when TIDU_OOM_ALL=1, as `make check-oom`
 * runs it; an even sample of about OOM_SAMPLE values of N otherwise). Every run must end with
 * success or a clean out-of-memory error; leaks are caught by the ASan build, and the store case
 * checks that the registry is unchanged after a failed import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/internal.h"
#include "tidu/batch.h"
#include "tidu/gen.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/rules.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"

#define OOM_SAMPLE 60

typedef tidu_code (*oom_case)(void *ctx);

/* Runs `fn` failing each chosen allocation in turn. */
static void torture(const char *what, oom_case fn, void *ctx) {
  tidu_alloc_fail_at(0);
  assert_int_equal(fn(ctx), TIDU_OK);
  size_t total = tidu_alloc_count();
  assert_true(total > 0);
  const char *all = getenv("TIDU_OOM_ALL");
  size_t step = all && *all == '1' ? 1 : (total + OOM_SAMPLE - 1) / OOM_SAMPLE;
  size_t runs = 0, failed = 0;
  for (size_t n = 1; n <= total; n += step) {
    tidu_alloc_fail_at(n);
    tidu_code rc = fn(ctx);
    tidu_alloc_fail_at(0);
    if (rc != TIDU_OK && rc != TIDU_ERR_NOMEM)
      fail_msg("%s: allocation %zu of %zu failed with code %d, not out of memory", what, n, total,
               (int)rc);
    failed += rc != TIDU_OK;
    runs++;
  }
  print_message("%s: %zu allocations, %zu runs, %zu ended out of memory\n", what, total, runs,
                failed);
  assert_true(failed > 0);
}

/* ---- the rule compiler ---- */

static tidu_code compile_builtin(void *ctx) {
  (void)ctx;
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_rulebook *rb = tidu_rulebook_new();
  tidu_code rc = rb ? tidu_rulebook_add_builtin(rb, &errs) : TIDU_ERR_NOMEM;
  if (rc == TIDU_OK) {
    tidu_error err;
    tidu_selection *sel = tidu_rulebook_select(rb, tidu_days_from_civil(2025, 6, 30), NULL, &err);
    if (!sel) rc = err.code ? err.code : TIDU_ERR_NOMEM;
    tidu_selection_free(sel);
  }
  tidu_rulebook_free(rb);
  tidu_errlist_free(&errs);
  return rc;
}

static void rule_compiler(void **state) {
  (void)state;
  torture("rules", compile_builtin, NULL);
}

/* ---- the readers ---- */

typedef struct read_case {
  const char *path;
  size_t firms, bad; /* what the run without failures read: an OOM run that succeeds must agree */
  int counted;
} read_case;

/* Reads every firm of a file. A run that ends well must read what the first run read: an
 * allocation failure may not pass for a bad record. */
static tidu_code read_all(void *ctx) {
  read_case *c = ctx;
  tidu_reader *rd = NULL;
  tidu_error err;
  tidu_code rc = tidu_reader_open(c->path, TIDU_FMT_AUTO, NULL, &rd, &err);
  tidu_firm f;
  tidu_firm_init(&f);
  size_t n = 0, bad = 0;
  for (int done = 0; rc == TIDU_OK && !done;) {
    rc = tidu_reader_next(rd, &f, &done, &err);
    n += rc == TIDU_OK && !done;
    if (rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA) { /* a bad record: go on */
      bad++;
      rc = TIDU_OK;
    }
  }
  tidu_firm_clear(&f);
  tidu_reader_close(rd);
  if (rc != TIDU_OK) return rc;
  if (!c->counted) {
    c->firms = n;
    c->bad = bad;
    c->counted = 1;
  }
  return n == c->firms && bad == c->bad && n > 0 ? TIDU_OK : TIDU_ERR_INPUT;
}

static void reader_csv(void **state) {
  (void)state;
  read_case c = {"tests/data/cli/firms.csv", 0, 0, 0};
  torture("csv", read_all, &c);
}

static void reader_csv_gb18030(void **state) {
  (void)state;
  read_case c = {"tests/data/io/gb18030.csv", 0, 0, 0};
  torture("csv gb18030", read_all, &c);
}

static void reader_json(void **state) {
  (void)state;
  read_case c = {"tests/data/io/firms.json", 0, 0, 0};
  torture("json", read_all, &c);
}

static void reader_ndjson(void **state) {
  (void)state;
  read_case c = {"tests/data/io/firms.ndjson", 0, 0, 0};
  torture("ndjson", read_all, &c);
}

static void reader_xlsx(void **state) {
  (void)state;
  read_case c = {"tests/data/cli/firms_zh.xlsx", 0, 0, 0};
  torture("xlsx", read_all, &c);
}

/* ---- the batch engine ---- */

typedef struct gen_ctx {
  size_t next, n;
} gen_ctx;

static tidu_code gen_next(void *ctx, tidu_firm *f, int *done, tidu_error *err) {
  gen_ctx *g = ctx;
  if (g->next == g->n) {
    *done = 1;
    return TIDU_OK;
  }
  *done = 0;
  tidu_gen_options opt = {.seed = 7};
  return tidu_gen_firm(&opt, g->next++, f, err);
}

typedef struct batch_case {
  const tidu_selection *sel;
} batch_case;

static tidu_code run_batch(void *ctx) {
  batch_case *bc = ctx;
  gen_ctx g = {0, 300};
  tidu_batch_input in = {.next = gen_next, .next_ctx = &g};
  FILE *out = fopen("/dev/null", "w");
  tidu_batch_options opt = {.sel = {bc->sel, NULL},
                            .as_of_days = tidu_days_from_civil(2025, 6, 30),
                            .threads = 2,
                            .chunk_size = 64,
                            .render = tidu_batch_render_json,
                            .out = out,
                            .aggregate = 1};
  tidu_batch_stats *stats = NULL;
  tidu_error err;
  tidu_code rc = tidu_batch_run(&in, &opt, &stats, NULL, NULL, &err);
  tidu_batch_stats_free(stats);
  fclose(out);
  return rc;
}

static void batch_engine(void **state) {
  (void)state;
  tidu_rulebook *rb = tidu_rulebook_new();
  assert_int_equal(tidu_rulebook_add_builtin(rb, NULL), TIDU_OK);
  batch_case bc = {tidu_rulebook_select(rb, tidu_days_from_civil(2025, 6, 30), "star,bse", NULL)};
  assert_non_null(bc.sel);
  torture("batch", run_batch, &bc);
  tidu_selection_free((tidu_selection *)bc.sel);
  tidu_rulebook_free(rb);
}

/* ---- the batch engine over a wide CSV read in parallel straight into chunks ---- */

typedef struct cols_case {
  const tidu_selection *sel;
  char *text;
  size_t len;
  size_t firms, bad; /* as in read_case */
  int counted;
} cols_case;

static tidu_code source_next(void *ctx, tidu_firm *f, int *done, tidu_error *err) {
  return tidu_source_next(ctx, f, done, err);
}

static void count_bad(void *ctx, const tidu_error *e) {
  (void)ctx;
  (void)e;
}

static tidu_code run_columns(void *ctx) {
  cols_case *cc = ctx;
  tidu_read_options ro = {.threads = 2};
  tidu_ptable_part_bytes = 600; /* many parts */
  tidu_reader *rd = NULL;
  tidu_error err;
  tidu_code rc = tidu_reader_open_mem("wide.csv", cc->text, cc->len, TIDU_FMT_CSV, &ro, &rd, &err);
  tidu_source *src = rc == TIDU_OK ? tidu_reader_source(rd) : NULL;
  if (rc == TIDU_OK && !src) rc = TIDU_ERR_NOMEM;
  size_t n = 0, bad = 0;
  if (rc == TIDU_OK) {
    FILE *out = fopen("/dev/null", "w");
    tidu_batch_input in = {.next = source_next, .next_ctx = src, .chunks = src};
    tidu_batch_options opt = {.sel = {cc->sel, NULL},
                              .as_of_days = tidu_days_from_civil(2025, 6, 30),
                              .threads = 2,
                              .render = tidu_batch_render_json,
                              .out = out,
                              .on_input_error = count_bad,
                              .aggregate = 1};
    tidu_batch_stats *stats = NULL;
    rc = tidu_batch_run(&in, &opt, &stats, &n, &bad, &err);
    tidu_batch_stats_free(stats);
    fclose(out);
  }
  tidu_source_close(src);
  tidu_ptable_part_bytes = 0;
  if (rc != TIDU_OK) return rc;
  if (!cc->counted) {
    cc->firms = n;
    cc->bad = bad;
    cc->counted = 1;
  }
  return n == cc->firms && bad == cc->bad && n > 0 ? TIDU_OK : TIDU_ERR_INPUT;
}

static void batch_columns(void **state) {
  (void)state;
  tidu_rulebook *rb = tidu_rulebook_new();
  assert_int_equal(tidu_rulebook_add_builtin(rb, NULL), TIDU_OK);
  cols_case cc = {.sel = tidu_rulebook_select(rb, tidu_days_from_civil(2025, 6, 30), "star", NULL)};
  assert_non_null(cc.sel);
  size_t cap = 64 * 1024;
  cc.text = malloc(cap);
  assert_non_null(cc.text);
  cc.len = (size_t)snprintf(cc.text, cap, "uscc,企业名称,region,revenue_2024,rd_expense_2024\n");
  for (int i = 0; i < 300; i++) /* a bad value now and then: record errors on the way */
    cc.len += (size_t)snprintf(cc.text + cc.len, cap - cc.len, ",\"企业\n%d\",320106,%s,%d\n", i,
                               i % 37 ? "12345.67" : "abc", i * 11);
  size_t chunks = tidu_ptable_chunks;
  torture("batch over a CSV read into chunks", run_columns, &cc);
  assert_true(tidu_ptable_chunks > chunks); /* the batch took chunks straight from the reader */
  assert_int_equal(cc.bad, 9);
  free(cc.text);
  tidu_selection_free((tidu_selection *)cc.sel);
  tidu_rulebook_free(rb);
}

/* ---- a store import ---- */

typedef struct import_case {
  tidu_store *store;
  const char *path;
} import_case;

/* Imports the file in one transaction, as `tidu import` does; rolls back on any error. */
static tidu_code import_file(void *ctx) {
  import_case *ic = ctx;
  tidu_error err;
  tidu_reader *rd = NULL;
  tidu_code rc = tidu_reader_open(ic->path, TIDU_FMT_AUTO, NULL, &rd, &err);
  int64_t id = 0;
  tidu_import_summary sum = {0};
  int in_tx = 0;
  if (rc == TIDU_OK) rc = tidu_store_begin(ic->store, &err);
  in_tx = rc == TIDU_OK;
  if (rc == TIDU_OK) rc = tidu_store_import_start(ic->store, ic->path, NULL, &id, &err);
  tidu_firm f;
  tidu_firm_init(&f);
  for (int done = 0; rc == TIDU_OK && !done;) {
    rc = tidu_reader_next(rd, &f, &done, &err);
    if (rc == TIDU_OK && !done) rc = tidu_store_put_firm(ic->store, id, &f, &sum, &err);
  }
  tidu_firm_clear(&f);
  if (rc == TIDU_OK) rc = tidu_store_import_finish(ic->store, id, &sum, &err);
  if (rc == TIDU_OK) rc = tidu_store_commit(ic->store, &err);
  if (rc != TIDU_OK && in_tx) tidu_store_rollback(ic->store);
  tidu_reader_close(rd);
  return rc;
}

static void store_info(tidu_store *s, tidu_store_info *info) {
  memset(info, 0, sizeof *info);
  assert_int_equal(tidu_store_info_get(s, info, NULL), TIDU_OK);
}

static void store_import(void **state) {
  (void)state;
  char path[64];
  snprintf(path, sizeof path, "/tmp/tidu_oom_test_%d.db", (int)getpid());
  remove(path);
  import_case ic = {NULL, "tests/data/cli/firms.csv"};
  assert_int_equal(tidu_store_open(path, &ic.store, NULL), TIDU_OK);
  /* the registry already holds other firms; a failed import must leave them as they are */
  import_case first = {ic.store, "tests/data/io/firms.ndjson"};
  assert_int_equal(import_file(&first), TIDU_OK);
  tidu_store_info before, after;
  /* the allocations of one import, counted on a copy of the registry */
  const char *all = getenv("TIDU_OOM_ALL");
  size_t total;
  char copy[80];
  snprintf(copy, sizeof copy, "%s.copy", path);
  assert_int_equal(tidu_store_backup(ic.store, copy, NULL), TIDU_OK);
  tidu_store *probe = NULL;
  assert_int_equal(tidu_store_open(copy, &probe, NULL), TIDU_OK);
  import_case pc = {probe, ic.path};
  tidu_alloc_fail_at(0);
  assert_int_equal(import_file(&pc), TIDU_OK);
  total = tidu_alloc_count();
  tidu_store_close(probe);
  remove(copy);
  size_t step = all && *all == '1' ? 1 : (total + OOM_SAMPLE - 1) / OOM_SAMPLE;
  size_t runs = 0, failed = 0;
  for (size_t n = 1; n <= total; n += step) {
    store_info(ic.store, &before);
    tidu_alloc_fail_at(n);
    tidu_code rc = import_file(&ic);
    tidu_alloc_fail_at(0);
    if (rc != TIDU_OK && rc != TIDU_ERR_NOMEM)
      fail_msg("import: allocation %zu of %zu failed with code %d, not out of memory", n, total,
               (int)rc);
    failed += rc != TIDU_OK;
    store_info(ic.store, &after);
    if (rc != TIDU_OK && (after.firms != before.firms || after.firm_years != before.firm_years ||
                          after.history != before.history || after.imports != before.imports))
      fail_msg("import: allocation %zu failed and the registry changed", n);
    runs++;
  }
  print_message("import: %zu allocations, %zu runs, %zu ended out of memory\n", total, runs,
                failed);
  assert_true(failed > 0);
  tidu_store_close(ic.store);
  for (const char *ext = ""; ext; ext = !*ext ? "-wal" : strcmp(ext, "-wal") == 0 ? "-shm" : NULL) {
    char p[96];
    snprintf(p, sizeof p, "%s%s", path, ext);
    remove(p);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rule_compiler),      cmocka_unit_test(reader_csv),
      cmocka_unit_test(reader_csv_gb18030), cmocka_unit_test(reader_json),
      cmocka_unit_test(reader_ndjson),      cmocka_unit_test(reader_xlsx),
      cmocka_unit_test(batch_engine),       cmocka_unit_test(batch_columns),
      cmocka_unit_test(store_import),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
