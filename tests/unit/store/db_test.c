/* Tests of the registry store: migrations, merging imports with history, lookups, edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"
#include "tidu/store.h"
#include "unit/test_store.h"
#include "unit/test_util.h"

#define USCC_A "91320500MA1N2K3P99"
#define USCC_B "91310000MA1FL5LL2X"

static void make_firm(tidu_firm *f, const char *uscc, const char *name, int64_t revenue_yuan) {
  tidu_firm_init(f);
  tidu_firm_set_text(f, TIDU_F_USCC, uscc);
  tidu_firm_set_text(f, TIDU_F_NAME, name);
  tidu_firm_set_text(f, TIDU_F_REGION, "320505");
  f->v[TIDU_F_TITLES] = 1 << 3; /* srdi_sme */
  f->src_line = 2;
  tidu_year *y = tidu_firm_year(f, 2024);
  y->v[TIDU_Y_REVENUE] = revenue_yuan * TIDU_SCALE_MONEY;
  y->v[TIDU_Y_EMPLOYEES] = 120;
  y->src_line = 2;
  y = tidu_firm_year(f, 2023);
  y->v[TIDU_Y_REVENUE] = 90000000 * TIDU_SCALE_MONEY;
  y->src_line = 3;
}

static tidu_store *open_mem(void) {
  return test_store_open();
}

static void import_one(tidu_store *s, const tidu_firm *f, tidu_import_summary *sum) {
  tidu_error err;
  int64_t id = 0;
  memset(sum, 0, sizeof *sum);
  assert_int_equal(tidu_store_begin(s, &err), TIDU_OK);
  assert_int_equal(tidu_store_import_start(s, "firms.csv", NULL, &id, &err), TIDU_OK);
  assert_int_equal(tidu_store_put_firm(s, id, f, sum, &err), TIDU_OK);
  assert_int_equal(tidu_store_import_finish(s, id, sum, &err), TIDU_OK);
  assert_int_equal(tidu_store_commit(s, &err), TIDU_OK);
}

/* A new firm is added with its years; the same record again changes nothing. */
static void test_import_then_reimport_is_unchanged(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  tidu_firm f;
  make_firm(&f, USCC_A, "苏州测试科技有限公司", 120000000);
  tidu_import_summary sum;
  import_one(s, &f, &sum);
  assert_int_equal(sum.firms_new, 1);
  assert_int_equal(sum.years_added, 2);
  import_one(s, &f, &sum);
  assert_int_equal(sum.firms_new, 0);
  assert_int_equal(sum.firms_unchanged, 1);
  assert_int_equal(sum.years_unchanged, 2);
  assert_int_equal(sum.values_changed, 0);
  tidu_firm got;
  tidu_error err;
  assert_int_equal(tidu_store_get(s, USCC_A, &got, NULL, &err), TIDU_OK);
  assert_string_equal(got.text[TIDU_F_NAME], "苏州测试科技有限公司");
  assert_int_equal(got.nyears, 2);
  assert_int_equal(got.years[0].year, 2024);
  assert_true(got.years[0].v[TIDU_Y_REVENUE] == 120000000LL * TIDU_SCALE_MONEY);
  assert_true(got.years[0].v[TIDU_Y_NET_PROFIT] == TIDU_MISSING);
  assert_true(got.v[TIDU_F_TITLES] == 1 << 3);
  tidu_firm_clear(&got);
  tidu_firm_clear(&f);
  tidu_store_close(s);
}

typedef struct seen {
  int n;
  char last_field[64];
  char last_old[64];
  char last_new[64];
  char last_old_source[320];
  char last_who[64];
} seen;

static int on_change(const tidu_history_entry *e, void *ud) {
  seen *sn = ud;
  sn->n++;
  snprintf(sn->last_field, sizeof sn->last_field, "%s", e->field);
  snprintf(sn->last_old, sizeof sn->last_old, "%s", e->old_value ? e->old_value : "NULL");
  snprintf(sn->last_new, sizeof sn->last_new, "%s", e->new_value ? e->new_value : "NULL");
  snprintf(sn->last_old_source, sizeof sn->last_old_source, "%s",
           e->old_source ? e->old_source : "");
  snprintf(sn->last_who, sizeof sn->last_who, "%s", e->who ? e->who : "");
  return 0;
}

/* A different figure for a year on file replaces it and keeps the old one with its source. */
static void test_changed_figure_keeps_history(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  tidu_firm f;
  make_firm(&f, USCC_A, "苏州测试科技有限公司", 120000000);
  tidu_import_summary sum;
  import_one(s, &f, &sum);
  tidu_firm_year(&f, 2024)->v[TIDU_Y_REVENUE] = 125000000LL * TIDU_SCALE_MONEY;
  import_one(s, &f, &sum);
  assert_int_equal(sum.firms_unchanged, 1);
  assert_int_equal(sum.years_changed, 1);
  assert_int_equal(sum.years_unchanged, 1);
  assert_int_equal(sum.values_changed, 1);
  seen sn = {0};
  tidu_error err;
  assert_int_equal(tidu_store_history(s, USCC_A, on_change, &sn, &err), TIDU_OK);
  assert_int_equal(sn.n, 1);
  assert_string_equal(sn.last_field, "revenue");
  assert_string_equal(sn.last_old, "12000000000");
  assert_string_equal(sn.last_new, "12500000000");
  assert_non_null(strstr(sn.last_old_source, "firms.csv:2"));
  tidu_firm_clear(&f);
  tidu_store_close(s);
}

/* Absent values in a later record keep what is on file. */
static void test_absent_values_keep_file(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  tidu_firm f, partial;
  make_firm(&f, USCC_A, "苏州测试科技有限公司", 120000000);
  tidu_import_summary sum;
  import_one(s, &f, &sum);
  tidu_firm_init(&partial);
  tidu_firm_set_text(&partial, TIDU_F_USCC, USCC_A);
  tidu_firm_year(&partial, 2024)->v[TIDU_Y_NET_PROFIT] = 100 * TIDU_SCALE_MONEY;
  import_one(s, &partial, &sum);
  tidu_firm got;
  tidu_error err;
  assert_int_equal(tidu_store_get(s, USCC_A, &got, NULL, &err), TIDU_OK);
  assert_string_equal(got.text[TIDU_F_NAME], "苏州测试科技有限公司");
  assert_true(got.years[0].v[TIDU_Y_REVENUE] == 120000000LL * TIDU_SCALE_MONEY);
  assert_true(got.years[0].v[TIDU_Y_NET_PROFIT] == 100 * TIDU_SCALE_MONEY);
  assert_true(got.v[TIDU_F_TITLES] == 1 << 3);
  tidu_firm_clear(&got);
  tidu_firm_clear(&partial);
  tidu_firm_clear(&f);
  tidu_store_close(s);
}

/* Lookup by name, partial names, and filters when iterating. */
static void test_lookup_and_filters(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  tidu_firm a, b;
  make_firm(&a, USCC_A, "苏州测试科技有限公司", 120000000);
  make_firm(&b, USCC_B, "上海样例电子有限公司", 50000000);
  tidu_firm_set_text(&b, TIDU_F_REGION, "310115");
  b.v[TIDU_F_TITLES] = 0;
  tidu_import_summary sum;
  import_one(s, &a, &sum);
  import_one(s, &b, &sum);
  tidu_firm got;
  tidu_error err;
  assert_int_equal(tidu_store_get(s, "样例电子", &got, NULL, &err), TIDU_OK);
  assert_string_equal(got.text[TIDU_F_USCC], USCC_B);
  tidu_firm_clear(&got);
  assert_int_equal(tidu_store_get(s, "有限公司", &got, NULL, &err), TIDU_ERR_DATA);
  assert_non_null(strstr(err.message, USCC_A));
  assert_int_equal(tidu_store_get(s, "不存在", &got, NULL, &err), TIDU_ERR_DATA);

  tidu_store_filter flt = {0};
  flt.region_prefix = "32";
  flt.title = "srdi_sme";
  tidu_store_iter *it = NULL;
  assert_int_equal(tidu_store_iter_open(s, &flt, &it, &err), TIDU_OK);
  int done = 0, n = 0;
  tidu_firm_init(&got);
  while (tidu_store_iter_next(it, &got, &done, &err) == TIDU_OK && !done) {
    n++;
    assert_string_equal(got.text[TIDU_F_USCC], USCC_A);
    assert_int_equal(got.nyears, 2);
  }
  assert_int_equal(n, 1);
  tidu_store_iter_close(it);
  tidu_firm_clear(&got);
  tidu_firm_clear(&a);
  tidu_firm_clear(&b);
  tidu_store_close(s);
}

/* A correction is recorded with who and why; delete hides the firm and undelete restores it. */
static void test_edit_and_soft_delete(void **state) {
  (void)state;
  tidu_store *s = open_mem();
  tidu_firm f;
  make_firm(&f, USCC_A, "苏州测试科技有限公司", 120000000);
  tidu_import_summary sum;
  import_one(s, &f, &sum);
  tidu_error err;
  const tidu_field_info *fi = tidu_field_find("employees");
  assert_int_equal(tidu_store_set_value(s, USCC_A, fi, 2024, 130, NULL, "wang", "年报更正", &err),
                   TIDU_OK);
  seen sn = {0};
  assert_int_equal(tidu_store_history(s, USCC_A, on_change, &sn, &err), TIDU_OK);
  assert_int_equal(sn.n, 1);
  assert_string_equal(sn.last_old, "120");
  assert_string_equal(sn.last_new, "130");
  assert_string_equal(sn.last_who, "wang");
  assert_int_equal(tidu_store_set_value(s, USCC_A, fi, 0, 1, NULL, "wang", NULL, &err),
                   TIDU_ERR_USAGE);

  assert_int_equal(tidu_store_delete(s, USCC_A, "wang", "注销", &err), TIDU_OK);
  tidu_store_info info;
  assert_int_equal(tidu_store_info_get(s, &info, &err), TIDU_OK);
  assert_int_equal(info.firms, 0);
  assert_int_equal(info.firms_deleted, 1);
  assert_int_equal(tidu_store_delete(s, USCC_A, "wang", NULL, &err), TIDU_ERR_DATA);
  assert_int_equal(tidu_store_undelete(s, USCC_A, "wang", NULL, &err), TIDU_OK);
  assert_int_equal(tidu_store_info_get(s, &info, &err), TIDU_OK);
  assert_int_equal(info.firms, 1);
  assert_int_equal(info.events, 3);
  tidu_firm_clear(&f);
  tidu_store_close(s);
}

/* A version-1 file (no events table) is upgraded in place and keeps its firms. */
static void test_v1_file_is_upgraded(void **state) {
  (void)state;
  if (test_pg_url()) skip(); /* a SQLite file of the first version; PostgreSQL began at v4 */
  char path[] = "/tmp/tidu_v1_XXXXXX";
  test_temp_file(path);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  const char *v1 =
      "CREATE TABLE imports (id INTEGER PRIMARY KEY, file TEXT NOT NULL, sheet TEXT,"
      " started_at TEXT NOT NULL, finished_at TEXT, records INTEGER NOT NULL DEFAULT 0,"
      " summary TEXT);"
      "CREATE TABLE firms (uscc TEXT PRIMARY KEY, name TEXT, created_at TEXT NOT NULL,"
      " updated_at TEXT NOT NULL, deleted_at TEXT, import_id INTEGER REFERENCES imports(id),"
      " src_row INTEGER, region TEXT);"
      "CREATE TABLE firm_years (uscc TEXT NOT NULL REFERENCES firms(uscc), year INTEGER NOT NULL,"
      " import_id INTEGER REFERENCES imports(id), src_row INTEGER, revenue INTEGER,"
      " PRIMARY KEY (uscc, year));"
      "CREATE TABLE value_history (id INTEGER PRIMARY KEY, uscc TEXT NOT NULL REFERENCES "
      "firms(uscc), year INTEGER, field TEXT NOT NULL, old_value TEXT, new_value TEXT,"
      " import_id INTEGER REFERENCES imports(id), src_row INTEGER, changed_at TEXT NOT NULL);"
      "CREATE INDEX firms_name ON firms (name);"
      "INSERT INTO firms (uscc, name, created_at, updated_at, region) VALUES ('" USCC_A
      "', '老档案企业', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '320505');"
      "INSERT INTO firm_years (uscc, year, revenue) VALUES ('" USCC_A "', 2023, 500000000);"
      "PRAGMA user_version = 1;";
  assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);

  tidu_store *s = NULL;
  tidu_error err;
  assert_int_equal(tidu_store_open(path, &s, &err), TIDU_OK);
  tidu_store_info info;
  assert_int_equal(tidu_store_info_get(s, &info, &err), TIDU_OK);
  assert_int_equal(info.schema_version, TIDU_STORE_VERSION);
  assert_string_equal(info.journal_mode, "wal");
  assert_int_equal(info.firms, 1);
  assert_int_equal(info.events, 0);
  tidu_firm got;
  assert_int_equal(tidu_store_get(s, "老档案企业", &got, NULL, &err), TIDU_OK);
  assert_true(got.years[0].v[TIDU_Y_REVENUE] == 500000000);
  assert_true(got.years[0].v[TIDU_Y_EMPLOYEES] == TIDU_MISSING);
  tidu_firm_clear(&got);
  assert_int_equal(tidu_store_delete(s, USCC_A, "test", NULL, &err), TIDU_OK);
  char *report = NULL;
  assert_int_equal(tidu_store_check(s, &report, &err), TIDU_OK);
  assert_string_equal(report, "ok\n");
  free(report);

  char backup[300];
  snprintf(backup, sizeof backup, "%s.bak", path);
  assert_int_equal(tidu_store_backup(s, backup, &err), TIDU_OK);
  tidu_store_close(s);
  assert_int_equal(tidu_store_open(backup, &s, &err), TIDU_OK);
  assert_int_equal(tidu_store_info_get(s, &info, &err), TIDU_OK);
  assert_int_equal(info.firms_deleted, 1);
  tidu_store_close(s);

  const char *suffix[] = {"", "-wal", "-shm", ".bak", ".bak-wal", ".bak-shm"};
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    char p[320];
    snprintf(p, sizeof p, "%s%s", path, suffix[i]);
    unlink(p);
  }
}

/* The version-1 tables with two firms stored out of USCC order, their years, a history row. */
static const char V1_FILE[] =
    "CREATE TABLE imports (id INTEGER PRIMARY KEY, file TEXT NOT NULL, sheet TEXT,"
    " started_at TEXT NOT NULL, finished_at TEXT, records INTEGER NOT NULL DEFAULT 0,"
    " summary TEXT);"
    "CREATE TABLE firms (uscc TEXT PRIMARY KEY, name TEXT, created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL, deleted_at TEXT, import_id INTEGER REFERENCES imports(id),"
    " src_row INTEGER, region TEXT);"
    "CREATE TABLE firm_years (uscc TEXT NOT NULL REFERENCES firms(uscc), year INTEGER NOT NULL,"
    " import_id INTEGER REFERENCES imports(id), src_row INTEGER, revenue INTEGER,"
    " PRIMARY KEY (uscc, year));"
    "CREATE TABLE value_history (id INTEGER PRIMARY KEY, uscc TEXT NOT NULL REFERENCES "
    "firms(uscc), year INTEGER, field TEXT NOT NULL, old_value TEXT, new_value TEXT,"
    " import_id INTEGER REFERENCES imports(id), src_row INTEGER, changed_at TEXT NOT NULL);"
    "CREATE INDEX firms_name ON firms (name);"
    "INSERT INTO firms (uscc, name, created_at, updated_at, region) VALUES ('" USCC_A
    "', '苏州后入企业', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '320505'),"
    " ('" USCC_B "', '上海先入企业', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '310000');"
    "INSERT INTO firm_years (uscc, year, revenue) VALUES ('" USCC_A "', 2024, 700),"
    " ('" USCC_B "', 2023, 300), ('" USCC_A "', 2023, 600);"
    "INSERT INTO value_history (uscc, year, field, old_value, new_value, changed_at) VALUES"
    " ('" USCC_A "', 2023, 'revenue', '500', '600', '2025-01-02T00:00:00Z');"
    "PRAGMA user_version = 1;";

static void write_file(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

/* One text from a query on the file, "" when no row. */
static void query_text(const char *path, const char *sql, char *buf, size_t size) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  buf[0] = 0;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void unlink_db(const char *path) {
  const char *suffix[] = {"", "-wal", "-shm"};
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    char p[320];
    snprintf(p, sizeof p, "%s%s", path, suffix[i]);
    unlink(p);
  }
}

/* The upgrade to version 5 stores firms and their years in USCC order (WITHOUT ROWID) with
 * every row, the name index and the foreign keys kept; a scan then reads them in that order. */
static void test_upgrade_clusters_firm_tables(void **state) {
  (void)state;
  if (test_pg_url()) skip(); /* PostgreSQL's tables are heaps: nothing to rebuild */
  char path[] = "/tmp/tidu_v1c_XXXXXX";
  test_temp_file(path);
  write_file(path, V1_FILE);
  tidu_store *s = NULL;
  tidu_error err;
  assert_int_equal(tidu_store_open(path, &s, &err), TIDU_OK);
  tidu_store_scan *sc = NULL;
  assert_int_equal(tidu_store_scan_open(s, NULL, &sc, &err), TIDU_OK);
  tidu_firm f;
  tidu_firm_init(&f);
  int done = 0;
  assert_int_equal(tidu_store_scan_next(sc, &f, &done, &err), TIDU_OK);
  assert_string_equal(f.text[TIDU_F_USCC], USCC_B);
  assert_int_equal(tidu_store_scan_next(sc, &f, &done, &err), TIDU_OK);
  assert_string_equal(f.text[TIDU_F_USCC], USCC_A);
  assert_string_equal(f.text[TIDU_F_NAME], "苏州后入企业");
  assert_int_equal((int)f.nyears, 2);
  assert_true(tidu_firm_year(&f, 2024)->v[TIDU_Y_REVENUE] == 700);
  assert_true(tidu_firm_year(&f, 2023)->v[TIDU_Y_REVENUE] == 600);
  assert_int_equal(tidu_store_scan_next(sc, &f, &done, &err), TIDU_OK);
  assert_int_equal(done, 1);
  tidu_store_scan_close(sc);
  tidu_firm_clear(&f);
  /* foreign keys are enforced again on this connection */
  assert_int_equal(
      tidu_store_exec(s, "INSERT INTO firm_years (uscc, year) VALUES ('nobody', 1)", &err),
      TIDU_ERR_DB);
  char *report = NULL;
  assert_int_equal(tidu_store_check(s, &report, &err), TIDU_OK);
  assert_string_equal(report, "ok\n");
  free(report);
  tidu_store_close(s);

  char t[4096];
  query_text(path,
             "SELECT group_concat(name || ':' || (sql LIKE '%WITHOUT ROWID'), ' ') FROM "
             "(SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('firms', "
             "'firm_years') ORDER BY name)",
             t, sizeof t);
  assert_string_equal(t, "firm_years:1 firms:1 firms_name:0");
  query_text(path,
             "SELECT (SELECT count(*) FROM firms) || ' ' || (SELECT count(*) FROM "
             "firm_years) || ' ' || (SELECT new_value FROM value_history) || ' ' || "
             "(SELECT name FROM firms WHERE uscc = '" USCC_B "')",
             t, sizeof t);
  assert_string_equal(t, "2 3 600 上海先入企业");
  unlink_db(path);
}

/* An upgrade that cannot finish changes nothing: a firm without a USCC (allowed by the old
 * table, not by one keyed on it) stops it, and the file stays at its version with its rows. */
static void test_failed_upgrade_changes_nothing(void **state) {
  (void)state;
  if (test_pg_url()) skip();
  char path[] = "/tmp/tidu_v1f_XXXXXX";
  test_temp_file(path);
  write_file(path, V1_FILE);
  write_file(path, "INSERT INTO firms (uscc, name, created_at, updated_at) VALUES (NULL, '无代码',"
                   " '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')");
  tidu_store *s = NULL;
  tidu_error err;
  assert_int_equal(tidu_store_open(path, &s, &err), TIDU_ERR_DB);
  assert_null(s);
  char t[4096];
  query_text(path,
             "SELECT (SELECT user_version FROM pragma_user_version) || ' ' || (SELECT "
             "count(*) FROM firms) || ' ' || (SELECT count(*) FROM firm_years) || ' ' || "
             "(SELECT count(*) FROM sqlite_master WHERE name IN ('events', "
             "'tidu_cluster') OR sql LIKE '%WITHOUT ROWID')",
             t, sizeof t);
  assert_string_equal(t, "1 3 3 0");
  unlink_db(path);
}

/* A file (or PostgreSQL database) from a newer build is refused rather than damaged. */
static void test_newer_file_is_refused(void **state) {
  (void)state;
  if (test_pg_url()) {
    tidu_store *s = test_store_open();
    tidu_store_close(s);
    test_pg_exec("UPDATE tidu_schema SET version = 99");
    tidu_error err;
    assert_int_equal(tidu_store_open(test_pg_url(), &s, &err), TIDU_ERR_DB);
    assert_null(s);
    assert_non_null(strstr(err.message, "99"));
    return;
  }
  char path[] = "/tmp/tidu_v9_XXXXXX";
  test_temp_file(path);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  tidu_store *s = NULL;
  tidu_error err;
  assert_int_equal(tidu_store_open(path, &s, &err), TIDU_ERR_DB);
  assert_null(s);
  assert_non_null(strstr(err.message, "99"));
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_import_then_reimport_is_unchanged),
      cmocka_unit_test(test_changed_figure_keeps_history),
      cmocka_unit_test(test_absent_values_keep_file),
      cmocka_unit_test(test_lookup_and_filters),
      cmocka_unit_test(test_edit_and_soft_delete),
      cmocka_unit_test(test_v1_file_is_upgraded),
      cmocka_unit_test(test_upgrade_clusters_firm_tables),
      cmocka_unit_test(test_failed_upgrade_changes_nothing),
      cmocka_unit_test(test_newer_file_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
