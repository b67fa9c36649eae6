/* Tests of the programme library: pool lifecycle and its events, progress order, layering and
 * review on hand-made firms, tag sets, the report sheet's 万元 cells, and threaded scans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidu/gen.h"
#include "tidu/num.h"
#include "tidu/programme.h"
#include "tidu/store.h"
#include "unit/test_store.h"
#include "unit/test_util.h"

#define A "91320500MA1N2K3P99" /* Suzhou */
#define B "91310000MA1FL5LL2X" /* Shanghai */

static const tidu_actor ACT = {"测试员", "unit test"};

/* A firm with two years of figures; `profit` in 元 for both years. */
static void put_firm(tidu_store *s, const char *uscc, const char *region, int64_t revenue,
                     int64_t profit, const char *intention, int64_t titles) {
  tidu_firm f;
  tidu_firm_init(&f);
  tidu_firm_set_text(&f, TIDU_F_USCC, uscc);
  tidu_firm_set_text(&f, TIDU_F_NAME, uscc);
  tidu_firm_set_text(&f, TIDU_F_REGION, region);
  tidu_firm_set_text(&f, TIDU_F_INDUSTRY, "C3973");
  tidu_firm_set_text(&f, TIDU_F_CHAINS, "集成电路");
  f.v[TIDU_F_TITLES] = titles;
  f.v[TIDU_F_LISTING_INTENTION] = tidu_enum_find(TIDU_E_listing_intention, intention);
  for (int y = 2022; y <= 2024; y++) {
    tidu_year *yr = tidu_firm_year(&f, y);
    yr->v[TIDU_Y_REVENUE] = revenue * TIDU_SCALE_MONEY;
    yr->v[TIDU_Y_MAIN_BUSINESS_REVENUE] = revenue * TIDU_SCALE_MONEY;
    yr->v[TIDU_Y_NET_PROFIT] = profit * TIDU_SCALE_MONEY;
    yr->v[TIDU_Y_NET_PROFIT_DEDUCTED] = profit * TIDU_SCALE_MONEY;
  }
  tidu_import_summary sum;
  memset(&sum, 0, sizeof sum);
  tidu_error err;
  int64_t id = 0;
  assert_int_equal(tidu_store_begin(s, &err), TIDU_OK);
  assert_int_equal(tidu_store_import_start(s, "t.csv", NULL, &id, &err), TIDU_OK);
  assert_int_equal(tidu_store_put_firm(s, id, &f, &sum, &err), TIDU_OK);
  assert_int_equal(tidu_store_import_finish(s, id, &sum, &err), TIDU_OK);
  assert_int_equal(tidu_store_commit(s, &err), TIDU_OK);
  tidu_firm_clear(&f);
}

static tidu_store *open_mem(void) {
  return test_store_open();
}

static size_t count_events(tidu_store *s, const char *uscc) {
  tidu_event_filter f = {uscc, "pool", NULL, 0};
  tidu_event_list l;
  tidu_error err;
  assert_int_equal(tidu_events_list(s, &f, &l, &err), TIDU_OK);
  size_t n = l.n;
  tidu_event_list_free(&l);
  return n;
}

/* proposed -> admitted -> exited, each step an event; refused steps write nothing. */
static void test_lifecycle(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  put_firm(s, A, "320505", 100000000, 10000000, "yes", 0);
  tidu_error err;
  assert_int_equal(tidu_pool_add(s, "91320500MA1N2K3P00", TIDU_SRC_LOCAL, NULL, NULL, &ACT, &err),
                   TIDU_ERR_DATA);
  assert_int_equal(tidu_pool_add(s, A, TIDU_SRC_SELF, NULL, "自愿申报", &ACT, &err), TIDU_OK);
  assert_int_equal(tidu_pool_add(s, A, TIDU_SRC_LOCAL, NULL, NULL, &ACT, &err), TIDU_ERR_DATA);
  assert_int_equal(tidu_pool_exit(s, A, TIDU_EXIT_LISTED, NULL, &ACT, &err), TIDU_ERR_DATA);
  assert_int_equal(tidu_pool_admit(s, A, NULL, &ACT, &err), TIDU_OK);
  assert_int_equal(tidu_pool_exit(s, A, TIDU_EXIT_NONE, NULL, &ACT, &err), TIDU_ERR_DATA);
  assert_int_equal(tidu_pool_exit(s, A, TIDU_EXIT_OTHER, "", &ACT, &err), TIDU_ERR_DATA);
  assert_int_equal(count_events(s, A), 2);
  assert_int_equal(tidu_pool_exit(s, A, TIDU_EXIT_MOVED, "迁往浙江", &ACT, &err), TIDU_OK);
  tidu_pool_list l;
  assert_int_equal(tidu_pool_list_get(s, NULL, &l, &err), TIDU_OK);
  assert_int_equal(l.n, 1);
  assert_int_equal(l.items[0].state, TIDU_POOL_EXITED);
  assert_int_equal(l.items[0].exit_reason, TIDU_EXIT_MOVED);
  assert_int_equal(l.items[0].source, TIDU_SRC_SELF);
  tidu_pool_list_free(&l);
  assert_int_equal(count_events(s, A), 3);
  /* exited firms may be proposed again */
  assert_int_equal(tidu_pool_add(s, A, TIDU_SRC_INSTITUTION, "华泰证券", NULL, &ACT, &err),
                   TIDU_OK);
  tidu_store_close(s);
}

/* Stages keep their order and dates on a track unless forced with a reason. */
static void test_progress_order(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  put_firm(s, A, "320505", 100000000, 10000000, "yes", 0);
  tidu_error err;
  assert_int_equal(
      tidu_progress_record(s, A, "shareholding", NULL, "2023-01-10", 0, NULL, &ACT, &err), TIDU_OK);
  assert_int_equal(tidu_progress_record(s, A, "filed", NULL, "2023-06-01", 0, NULL, &ACT, &err),
                   TIDU_ERR_DATA); /* no board */
  assert_int_equal(tidu_progress_record(s, A, "filed", "star", "2023-06-01", 0, NULL, &ACT, &err),
                   TIDU_OK);
  /* a later place, dated before the recorded one */
  assert_int_equal(
      tidu_progress_record(s, A, "accepted", "star", "2023-05-31", 0, NULL, &ACT, &err),
      TIDU_ERR_DATA);
  /* the same day is in order */
  assert_int_equal(
      tidu_progress_record(s, A, "accepted", "star", "2023-06-01", 0, NULL, &ACT, &err), TIDU_OK);
  /* going back, and another board, are refused */
  assert_int_equal(
      tidu_progress_record(s, A, "counselling", "star", "2023-07-01", 0, NULL, &ACT, &err),
      TIDU_ERR_DATA);
  assert_int_equal(
      tidu_progress_record(s, A, "inquiry", "chinext", "2023-07-01", 0, NULL, &ACT, &err),
      TIDU_ERR_DATA);
  /* the NEEQ track is separate; shareholding opens it */
  assert_int_equal(
      tidu_progress_record(s, A, "neeq_applied", NULL, "2023-07-01", 0, NULL, &ACT, &err), TIDU_OK);
  /* forced needs a reason, then it is recorded */
  assert_int_equal(
      tidu_progress_record(s, A, "counselling", "star", "2023-07-01", 1, NULL, &ACT, &err),
      TIDU_ERR_DATA);
  assert_int_equal(
      tidu_progress_record(s, A, "counselling", "star", "2023-07-01", 1, "补录", &ACT, &err),
      TIDU_OK);
  tidu_progress_list l;
  assert_int_equal(tidu_progress_list_get(s, A, &l, &err), TIDU_OK);
  assert_int_equal(l.n, 5);
  assert_int_equal(l.items[4].forced, 1);
  assert_string_equal(l.items[4].reason, "补录");
  tidu_progress_list_free(&l);
  assert_int_equal(tidu_progress_record(s, A, "ipo", "star", "2024-01-01", 0, NULL, &ACT, &err),
                   TIDU_ERR_DATA);
  tidu_store_close(s);
}

static tidu_programme *open_prog(const char *scope) {
  tidu_programme_options o = {0};
  o.as_of = tidu_days_from_civil(2025, 6, 30);
  o.scope = scope;
  tidu_programme *p = NULL;
  tidu_error err;
  assert_int_equal(tidu_programme_open(&o, &p, &err), TIDU_OK);
  return p;
}

/* Review: the titled Jiangsu firm with an intention enters; the Shanghai one is out of scope;
 * a second apply records nothing; an admitted firm that withdraws is proposed for exit. */
static void test_review(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  put_firm(s, A, "320505", 30000000, 1000000, "yes", 1 << 3); /* srdi_sme */
  put_firm(s, B, "310115", 30000000, 1000000, "yes", 1 << 3);
  tidu_programme *p = open_prog("32");
  tidu_review r;
  tidu_error err;
  assert_int_equal(tidu_pool_review(p, s, 2024, 1, &ACT, &r, &err), TIDU_OK);
  assert_int_equal(r.firms, 2);
  assert_int_equal(r.entries, 1);
  assert_string_equal(r.items[0].uscc, A);
  assert_non_null(strstr(r.items[0].why, "pool_entry.title"));
  assert_int_equal(r.applied, 1);
  tidu_review_free(&r);
  assert_int_equal(tidu_pool_review(p, s, 2024, 1, &ACT, &r, &err), TIDU_OK);
  assert_int_equal(r.n, 0);
  assert_int_equal(r.applied, 0);
  tidu_review_free(&r);
  assert_int_equal(tidu_pool_admit(s, A, NULL, &ACT, &err), TIDU_OK);
  /* admitted and unchanged: the review proposes no exit */
  assert_int_equal(tidu_pool_review(p, s, 2024, 0, &ACT, &r, &err), TIDU_OK);
  assert_int_equal(r.n, 0);
  tidu_review_free(&r);
  /* the firm declares it no longer intends to list */
  const tidu_field_info *fi = tidu_field_find("listing_intention");
  assert_int_equal(tidu_store_set_value(s, A, fi, 0, tidu_enum_find(TIDU_E_listing_intention, "no"),
                                        NULL, "测试员", NULL, &err),
                   TIDU_OK);
  assert_int_equal(tidu_pool_review(p, s, 2024, 0, &ACT, &r, &err), TIDU_OK);
  assert_int_equal(r.exits, 1);
  assert_int_equal(r.items[0].reason, TIDU_EXIT_WITHDRAWN);
  tidu_review_free(&r);
  /* layering: one board per admitted firm, with a reason */
  tidu_layers l;
  assert_int_equal(tidu_pool_layers(p, s, 2024, &l, &err), TIDU_OK);
  assert_int_equal(l.n, 1);
  size_t total = 0;
  for (size_t b = 0; b <= l.nboards; b++) total += l.counts[b];
  assert_int_equal(total, 1);
  assert_non_null(l.items[0].why);
  tidu_layers_free(&l);
  tidu_programme_close(p);
  tidu_store_close(s);
}

/* Registry scans of more chunks than two, assessed on a worker thread while the next chunk is
 * read, give exactly what the same scans on the calling thread give: review, ladder and
 * transitions over 1,300 generated firms. */
static void test_threaded_scan_same(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  tidu_gen_options g = {.seed = 11, .years = 4, .last_year = 2024};
  tidu_import_summary sum;
  memset(&sum, 0, sizeof sum);
  tidu_error err;
  int64_t id = 0;
  tidu_firm f;
  tidu_firm_init(&f);
  assert_int_equal(tidu_store_begin(s, &err), TIDU_OK);
  assert_int_equal(tidu_store_import_start(s, "gen", NULL, &id, &err), TIDU_OK);
  for (uint64_t i = 0; i < 1300; i++) {
    assert_int_equal(tidu_gen_firm(&g, i, &f, &err), TIDU_OK);
    assert_int_equal(tidu_store_put_firm(s, id, &f, &sum, &err), TIDU_OK);
  }
  tidu_firm_clear(&f);
  assert_int_equal(tidu_store_import_finish(s, id, &sum, &err), TIDU_OK);
  assert_int_equal(tidu_store_commit(s, &err), TIDU_OK);

  tidu_programme *pp[2];
  for (int t = 0; t < 2; t++) {
    tidu_programme_options o = {0};
    o.as_of = tidu_days_from_civil(2025, 6, 30);
    o.scope = "32";
    o.threads = t ? 1 : 0;
    assert_int_equal(tidu_programme_open(&o, &pp[t], &err), TIDU_OK);
  }
  tidu_review r[2];
  tidu_ladder l[2];
  tidu_transitions x[2];
  for (int t = 0; t < 2; t++) {
    assert_int_equal(tidu_pool_review(pp[t], s, 2024, 0, &ACT, &r[t], &err), TIDU_OK);
    assert_int_equal(tidu_ladder_compute(pp[t], s, 2024, TIDU_BY_REGION, 0, &ACT, &l[t], &err),
                     TIDU_OK);
    assert_int_equal(tidu_transitions_compute(pp[t], s, 2024, &x[t], &err), TIDU_OK);
  }
  assert_int_equal(r[0].firms, 1300);
  assert_true(r[0].n > 0);
  assert_int_equal(r[0].n, r[1].n);
  for (size_t i = 0; i < r[0].n; i++) {
    assert_string_equal(r[0].items[i].uscc, r[1].items[i].uscc);
    assert_string_equal(r[0].items[i].why, r[1].items[i].why);
  }
  assert_int_equal(l[0].n, 1300);
  assert_int_equal(l[0].n, l[1].n);
  assert_memory_equal(l[0].counts, l[1].counts, sizeof l[0].counts);
  for (size_t i = 0; i < l[0].n; i++) {
    assert_string_equal(l[0].firms[i].uscc, l[1].firms[i].uscc);
    assert_int_equal(l[0].firms[i].rung, l[1].firms[i].rung);
  }
  assert_true(x[0].n > 0);
  assert_int_equal(x[0].n, x[1].n);
  assert_int_equal(x[0].rewards, x[1].rewards);
  for (size_t i = 0; i < x[0].n; i++) {
    assert_string_equal(x[0].items[i].uscc, x[1].items[i].uscc);
    assert_int_equal(x[0].items[i].to, x[1].items[i].to);
    assert_string_equal(x[0].items[i].gained ? x[0].items[i].gained : "-",
                        x[1].items[i].gained ? x[1].items[i].gained : "-");
    assert_string_equal(x[0].items[i].lost ? x[0].items[i].lost : "-",
                        x[1].items[i].lost ? x[1].items[i].lost : "-");
  }
  for (int t = 0; t < 2; t++) {
    tidu_review_free(&r[t]);
    tidu_ladder_free(&l[t]);
    tidu_transitions_free(&x[t]);
    tidu_programme_close(pp[t]);
  }
  tidu_store_close(s);
}

/* The shortlist refuses a count of 0 and ranks by score. */
static void test_shortlist(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  put_firm(s, A, "320505", 30000000, 1000000, "yes", 1 << 3);
  put_firm(s, B, "320506", 900000000, 120000000, "yes", 1 << 3);
  tidu_error err;
  assert_int_equal(tidu_pool_add(s, A, TIDU_SRC_LOCAL, NULL, NULL, &ACT, &err), TIDU_OK);
  assert_int_equal(tidu_pool_add(s, B, TIDU_SRC_LOCAL, NULL, NULL, &ACT, &err), TIDU_OK);
  assert_int_equal(tidu_pool_admit(s, A, NULL, &ACT, &err), TIDU_OK);
  assert_int_equal(tidu_pool_admit(s, B, NULL, &ACT, &err), TIDU_OK);
  tidu_programme *p = open_prog(NULL);
  tidu_shortlist_options o = {2024, 0, 0, 0, 1};
  tidu_shortlist l;
  assert_int_equal(tidu_pool_shortlist(p, s, &o, &ACT, &l, &err), TIDU_ERR_DATA);
  o.count = 1;
  assert_int_equal(tidu_pool_shortlist(p, s, &o, &ACT, &l, &err), TIDU_OK);
  assert_int_equal(l.n, 1);
  assert_string_equal(l.items[0].uscc, B); /* 9亿 revenue, 1.2亿 profit: meets a board */
  assert_true(l.items[0].score >= 50 + 15);
  tidu_shortlist_free(&l);
  tidu_shortlist got;
  assert_int_equal(tidu_key_firms_get(s, 2024, &got, &err), TIDU_OK);
  assert_int_equal(got.n, 1);
  assert_int_equal(got.items[0].rank, 1);
  tidu_shortlist_free(&got);
  tidu_programme_close(p);
  tidu_store_close(s);
}

/* Tag sets: built-in ones load; a bad line is reported with file, line and column. */
static void test_tags(void **state) {
  (void)state;
  tidu_tagset *ts = NULL;
  tidu_error err;
  assert_int_equal(tidu_tagset_load("jiangsu-1650", &ts, &err), TIDU_OK);
  assert_int_equal(ts->n, 16 + 50);
  size_t unknown = 0;
  for (size_t i = 0; i < ts->n; i++) unknown += !ts->tags[i].known;
  assert_int_equal(unknown, 3 + 40);
  char buf[256];
  assert_true(tidu_tagset_match(ts, "C3973", NULL, buf, sizeof buf) >= 1);
  assert_non_null(strstr(buf, "js.c07"));
  assert_int_equal(tidu_tagset_match(ts, "F5179", "现代商贸", buf, sizeof buf), 0);
  tidu_tagset_free(ts);
  assert_int_equal(tidu_tagset_load("shaanxi", &ts, &err), TIDU_OK);
  assert_int_equal(ts->n, 4 + 23);
  tidu_tagset_free(ts);
  char path[] = "/tmp/tidu_tags_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *text = "@tagset x 测试\nx.1\t名称\t组\tC39\t\tknown\nx.2\t名称\t组\tC39\t\tmaybe\n";
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  assert_int_equal(tidu_tagset_load(path, &ts, &err), TIDU_ERR_INPUT);
  assert_int_equal(err.line, 3);
  assert_true(err.col > 1);
  unlink(path);
}

/* 万元 cells: two decimals, rounded half away from zero, exact on the boundary. */
static void test_sheet_wan(void **state) {
  (void)state;
  const char *h[] = {"名称", "金额(万元)"};
  tidu_cell_kind k[] = {TIDU_CELL_TEXT, TIDU_CELL_WAN};
  tidu_sheet *sh = tidu_sheet_new("测试", 2, h, k);
  assert_non_null(sh);
  int64_t v[] = {50000000, 4999, 5000, -5000, 123456789};
  for (size_t i = 0; i < 5; i++) {
    size_t r = tidu_sheet_add_row(sh);
    tidu_sheet_set_text(sh, r, 0, "x,\"y\"");
    tidu_sheet_set_num(sh, r, 1, v[i]);
  }
  char path[] = "/tmp/tidu_sheet_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  tidu_error err;
  assert_int_equal(tidu_sheet_write(sh, "csv", path, &err), TIDU_OK);
  char *text = test_read_file(path, NULL);
  assert_non_null(text);
  assert_non_null(strstr(text, "\"x,\"\"y\"\"\",50.00\n"));
  assert_non_null(strstr(text, ",0.00\n")); /* 49.99 元 */
  assert_non_null(strstr(text, ",0.01\n")); /* 50 元 = 0.005 万元 rounds up */
  assert_non_null(strstr(text, ",-0.01\n"));
  assert_non_null(strstr(text, ",123.46\n"));
  free(text);
  assert_int_equal(tidu_sheet_write(sh, "pdf", path, &err), TIDU_ERR_USAGE);
  unlink(path);
  tidu_sheet_free(sh);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lifecycle),
      cmocka_unit_test(test_progress_order),
      cmocka_unit_test(test_review),
      cmocka_unit_test(test_shortlist),
      cmocka_unit_test(test_tags),
      cmocka_unit_test(test_sheet_wan),
      cmocka_unit_test(test_threaded_scan_same),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
