/* The registry a unit test works on: a private in-memory SQLite database, or — when
 * TIDU_TEST_PG holds a PostgreSQL URL (tests/cli/pg_store.sh sets it) — that database, emptied
 * first, so that the same tests run against both backends. Include after <cmocka.h>. */
#ifndef TIDU_TEST_STORE_H
#define TIDU_TEST_STORE_H

#include <libpq-fe.h>
#include <stdlib.h>

#include "tidu/store.h"

/* The PostgreSQL URL the tests run against, or NULL for SQLite. */
static inline const char *test_pg_url(void) {
  const char *u = getenv("TIDU_TEST_PG");
  return u && *u ? u : NULL;
}

#define TEST_STR_(x) #x
#define TEST_STR(x)  TEST_STR_(x)

/* Opens a fresh, empty registry (fails the test when it cannot). On PostgreSQL the tables a
 * previous test made are emptied (quicker than making them again) and the schema version put
 * back to this build's. */
static inline tidu_store *test_store_open(void) {
  const char *url = test_pg_url();
  if (url) {
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(
        c, "DO $$ DECLARE t text; BEGIN"
           " SELECT string_agg(quote_ident(tablename), ', ') INTO t FROM pg_tables"
           " WHERE schemaname = current_schema() AND tablename <> 'tidu_schema';"
           " IF t IS NOT NULL THEN EXECUTE 'TRUNCATE ' || t || ' RESTART IDENTITY CASCADE'; END IF;"
           " IF to_regclass('tidu_schema') IS NOT NULL THEN"
           " UPDATE tidu_schema SET version = " TEST_STR(TIDU_STORE_VERSION) "; END IF; END $$");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail_msg("%s", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
  }
  tidu_store *s = NULL;
  tidu_error err;
  tidu_code rc = tidu_store_open(url ? url : ":memory:", &s, &err);
  if (rc != TIDU_OK) fail_msg("%s", err.message);
  return s;
}

/* Runs one SQL statement on the test's PostgreSQL database (fails the test when it fails). */
static inline void test_pg_exec(const char *sql) {
  PGconn *c = PQconnectdb(test_pg_url());
  assert_int_equal(PQstatus(c), CONNECTION_OK);
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail_msg("%s", PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(c);
}

#endif
