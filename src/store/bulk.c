/* Imports into PostgreSQL in bulk: the records of one import go by COPY into a staging table,
 * then are merged set-based — one pass per occurrence of a firm in the file (normally one) —
 * giving the rows, history and counts that merging them one by one gives (firms.c, SQLite). */
#include "store_int.h"
#include "tidu/toolkit.h"
#include "tidu/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* ---- staging ---- */

/* One row per record (year NULL) and one per year of it (pos = its place in the record).
 * Firm fields are f_<name>, year fields y_<name>, typed as their registry columns. */
static void stage_table(tidu_sb *b) {
  tidu_sb_printf(
      b, "CREATE TEMP TABLE IF NOT EXISTS tidu_stage (seq BIGINT NOT NULL, pos BIGINT, uscc "
         "TEXT NOT NULL, src_row BIGINT, year BIGINT");
  for (int i = 0; i < TIDU_NFIRM; i++)
    if (i != TIDU_F_USCC)
      tidu_sb_printf(b, ", \"f_%s\" %s", tidu_firm_field_info(i)->name,
                     tidu_store_coltype(tidu_firm_field_info(i)));
  for (int i = 0; i < TIDU_NYEAR; i++)
    tidu_sb_printf(b, ", \"y_%s\" %s", tidu_year_field_info(i)->name,
                   tidu_store_coltype(tidu_year_field_info(i)));
  tidu_sb_printf(b, "); TRUNCATE tidu_stage");
}

/* A field of COPY's text format: \N for NULL, else the text with \, tab, newline, CR escaped. */
static void copy_field(tidu_sb *b, const char *t) {
  if (!t) {
    tidu_sb_putn(b, "\\N", 2);
    return;
  }
  for (const char *p = t; *p; p++) {
    switch (*p) {
    case '\\':
      tidu_sb_putn(b, "\\\\", 2);
      break;
    case '\t':
      tidu_sb_putn(b, "\\t", 2);
      break;
    case '\n':
      tidu_sb_putn(b, "\\n", 2);
      break;
    case '\r':
      tidu_sb_putn(b, "\\r", 2);
      break;
    default:
      tidu_sb_putn(b, p, 1);
    }
  }
}

/* A value in its stored form (as tidu_store_bind_value binds it), NULL when absent. */
static void copy_value(tidu_sb *b, const tidu_field_info *fi, int64_t v, const char *text) {
  char tmp[512];
  tidu_sb_putn(b, "\t", 1);
  if (tidu_field_absent(fi, v, text))
    copy_field(b, NULL);
  else if (fi->type == TIDU_T_TEXT)
    copy_field(b, text);
  else {
    tidu_store_value_text(fi, v, NULL, tmp, sizeof tmp);
    copy_field(b, tmp);
  }
}

static void copy_int(tidu_sb *b, long long v, int present) {
  if (present)
    tidu_sb_printf(b, "\t%lld", v);
  else
    tidu_sb_putn(b, "\t\\N", 3);
}

/* Opens the staging of import `import_id` (a new one empties the table) and its COPY. */
static tidu_code stage_open(tidu_store *s, int64_t import_id, tidu_error *err) {
  tidu_code rc = TIDU_OK;
  if (s->bulk_import != import_id) {
    tidu_sb b = {0};
    stage_table(&b);
    rc = b.failed ? nomem(err) : tidu_sql_exec(s->db, b.s, err);
    tidu_sb_free(&b);
    if (rc != TIDU_OK) return rc;
    s->bulk_import = import_id;
    s->bulk_seq = 0;
  }
  if (!tidu_sql_copying(s->db)) rc = tidu_sql_copy_begin(s->db, "COPY tidu_stage FROM STDIN", err);
  return rc;
}

tidu_code tidu_store_bulk_put(tidu_store *s, int64_t import_id, const tidu_firm *f,
                              tidu_error *err) {
  tidu_code rc = stage_open(s, import_id, err);
  if (rc != TIDU_OK) return rc;
  long long seq = ++s->bulk_seq;
  tidu_sb b = {0};
  /* the record */
  tidu_sb_printf(&b, "%lld\t\\N\t", seq);
  copy_field(&b, f->text[TIDU_F_USCC]);
  copy_int(&b, f->src_line, f->src_line > 0);
  tidu_sb_putn(&b, "\t\\N", 3);
  for (int i = 0; i < TIDU_NFIRM; i++)
    if (i != TIDU_F_USCC) copy_value(&b, tidu_firm_field_info(i), f->v[i], f->text[i]);
  for (int i = 0; i < TIDU_NYEAR; i++) tidu_sb_putn(&b, "\t\\N", 3);
  tidu_sb_putn(&b, "\n", 1);
  /* its years */
  for (size_t k = 0; k < f->nyears; k++) {
    const tidu_year *y = &f->years[k];
    tidu_sb_printf(&b, "%lld\t%zu\t", seq, k);
    copy_field(&b, f->text[TIDU_F_USCC]);
    copy_int(&b, y->src_line, y->src_line > 0);
    tidu_sb_printf(&b, "\t%d", (int)y->year);
    for (int i = 0; i < TIDU_NFIRM; i++)
      if (i != TIDU_F_USCC) tidu_sb_putn(&b, "\t\\N", 3);
    for (int i = 0; i < TIDU_NYEAR; i++) copy_value(&b, tidu_year_field_info(i), y->v[i], NULL);
    tidu_sb_putn(&b, "\n", 1);
  }
  rc = b.failed ? nomem(err) : tidu_sql_copy_put(s->db, b.s, b.len, err);
  tidu_sb_free(&b);
  return rc;
}

/* ---- merging ---- */

/* Runs a query that gives one row of integers into v[0..n). */
static tidu_code query_ints(tidu_store *s, const tidu_sb *b, int64_t *v, int n, tidu_error *err) {
  if (b->failed) return nomem(err);
  tidu_sql_stmt *st = NULL;
  tidu_code rc = tidu_sql_prepare(s->db, b->s, &st, err);
  int row = 0;
  if (rc == TIDU_OK) rc = tidu_sql_step(st, &row, err);
  for (int i = 0; i < n; i++) v[i] = rc == TIDU_OK && row ? tidu_sql_column_int64(st, i) : 0;
  tidu_sql_finalize(st);
  return rc;
}

typedef struct merge {
  int64_t import_id;
  char now[32];
  char cond[96]; /* which records this pass takes, on alias "r" */
} merge;

/* The records of this pass: all, or the k-th occurrence of each firm. */
static void set_round(merge *m, int dups, long long k) {
  if (dups)
    snprintf(m->cond, sizeof m->cond, "r.seq IN (SELECT seq FROM tidu_occ WHERE occ = %lld)", k);
  else
    snprintf(m->cond, sizeof m->cond, "TRUE");
}

/* The history of changed values of one pass: firm fields (year = 0) or year fields, with the
 * number of changes, of records (or years) changed that an earlier import made, and of those
 * an earlier import made. */
static tidu_code history(tidu_store *s, const merge *m, int years, int64_t out[3],
                         tidu_error *err) {
  tidu_sb b = {0};
  const char *t = years ? "firm_years" : "firms";
  const char *on = years ? "o.uscc = r.uscc AND o.year = r.year" : "o.uscc = r.uscc";
  tidu_sb_printf(
      &b,
      "WITH d AS (SELECT r.seq, r.pos, r.uscc, r.year, r.src_row, o.import_id AS created_by,"
      " v.ord, v.field, v.old, v.new FROM tidu_stage r JOIN %s o ON %s CROSS JOIN LATERAL"
      " (VALUES ",
      t, on);
  int n = years ? TIDU_NYEAR : TIDU_NFIRM, k = 0;
  for (int i = 0; i < n; i++) {
    if (!years && i == TIDU_F_USCC) continue;
    const char *name = years ? tidu_year_field_info(i)->name : tidu_firm_field_info(i)->name;
    tidu_sb_printf(&b, "%s(%d, '%s', o.\"%s\"::text, r.\"%c_%s\"::text)", k++ ? ", " : "", i, name,
                   name, years ? 'y' : 'f', name);
  }
  tidu_sb_printf(
      &b,
      ") v(ord, field, old, new) WHERE r.year IS %s AND %s AND v.new IS NOT NULL"
      " AND v.new IS DISTINCT FROM v.old),"
      " ins AS (INSERT INTO value_history (uscc, year, field, old_value, new_value, import_id,"
      " src_row, event_id, changed_at) SELECT uscc, year, field, old, new, %lld, src_row, NULL,"
      " '%s' FROM d ORDER BY seq, pos, ord)"
      " SELECT (SELECT count(*) FROM d),"
      " (SELECT count(*) FROM (SELECT DISTINCT seq, pos FROM d WHERE created_by IS DISTINCT"
      " FROM %lld) c),"
      " (SELECT count(*) FROM tidu_stage r JOIN %s o ON %s WHERE r.year IS %s AND %s"
      " AND o.import_id IS DISTINCT FROM %lld)",
      years ? "NOT NULL" : "NULL", m->cond, (long long)m->import_id, m->now,
      (long long)m->import_id, t, on, years ? "NOT NULL" : "NULL", m->cond,
      (long long)m->import_id);
  tidu_code rc = query_ints(s, &b, out, 3, err);
  tidu_sb_free(&b);
  return rc;
}

/* Writes the present values of the pass into the rows on file that they change. */
static tidu_code update(tidu_store *s, const merge *m, int years, tidu_error *err) {
  tidu_sb b = {0};
  int n = years ? TIDU_NYEAR : TIDU_NFIRM;
  char p = years ? 'y' : 'f';
  if (years)
    tidu_sb_printf(&b, "UPDATE firm_years o SET year = o.year");
  else
    tidu_sb_printf(&b, "UPDATE firms o SET updated_at = '%s'", m->now);
  for (int i = 0; i < n; i++) {
    if (!years && i == TIDU_F_USCC) continue;
    const char *name = years ? tidu_year_field_info(i)->name : tidu_firm_field_info(i)->name;
    tidu_sb_printf(&b, ", \"%s\" = COALESCE(r.\"%c_%s\", o.\"%s\")", name, p, name, name);
  }
  tidu_sb_printf(&b,
                 " FROM tidu_stage r WHERE r.year IS %s AND %s AND o.uscc = r.uscc%s AND (FALSE",
                 years ? "NOT NULL" : "NULL", m->cond, years ? " AND o.year = r.year" : "");
  for (int i = 0; i < n; i++) {
    if (!years && i == TIDU_F_USCC) continue;
    const char *name = years ? tidu_year_field_info(i)->name : tidu_firm_field_info(i)->name;
    tidu_sb_printf(&b, " OR (r.\"%c_%s\" IS NOT NULL AND r.\"%c_%s\" IS DISTINCT FROM o.\"%s\")", p,
                   name, p, name, name);
  }
  tidu_sb_printf(&b, ")");
  tidu_code rc = b.failed ? nomem(err) : tidu_sql_exec(s->db, b.s, err);
  tidu_sb_free(&b);
  return rc;
}

/* Inserts the firms (or years) of the pass that are not on file; returns their number. */
static tidu_code insert(tidu_store *s, const merge *m, int years, int64_t *count, tidu_error *err) {
  tidu_sb b = {0};
  int n = years ? TIDU_NYEAR : TIDU_NFIRM;
  char p = years ? 'y' : 'f';
  if (years)
    tidu_sb_printf(&b,
                   "WITH ins AS (INSERT INTO firm_years (uscc, year, import_id, src_row, event_id");
  else
    tidu_sb_printf(
        &b, "WITH ins AS (INSERT INTO firms (uscc, created_at, updated_at, import_id, src_row, "
            "event_id");
  for (int i = 0; i < n; i++)
    if (years || i != TIDU_F_USCC)
      tidu_sb_printf(&b, ", \"%s\"",
                     years ? tidu_year_field_info(i)->name : tidu_firm_field_info(i)->name);
  if (years)
    tidu_sb_printf(&b, ") SELECT r.uscc, r.year, %lld, r.src_row, NULL", (long long)m->import_id);
  else
    tidu_sb_printf(&b, ") SELECT r.uscc, '%s', '%s', %lld, r.src_row, NULL", m->now, m->now,
                   (long long)m->import_id);
  for (int i = 0; i < n; i++)
    if (years || i != TIDU_F_USCC)
      tidu_sb_printf(&b, ", r.\"%c_%s\"", p,
                     years ? tidu_year_field_info(i)->name : tidu_firm_field_info(i)->name);
  tidu_sb_printf(
      &b,
      " FROM tidu_stage r WHERE r.year IS %s AND %s AND NOT EXISTS (SELECT 1 FROM %s o WHERE "
      "o.uscc = r.uscc%s) ORDER BY r.seq, r.pos RETURNING 1) SELECT count(*) FROM ins",
      years ? "NOT NULL" : "NULL", m->cond, years ? "firm_years" : "firms",
      years ? " AND o.year = r.year" : "");
  tidu_code rc = query_ints(s, &b, count, 1, err);
  tidu_sb_free(&b);
  return rc;
}

/* One pass: records whose firm appears at most once among them, merged in the order of
 * tidu_store_put_firm — firm fields, then years — so the history of each firm is in the same
 * order as on SQLite. */
static tidu_code merge_pass(tidu_store *s, const merge *m, tidu_import_summary *sum,
                            tidu_error *err) {
  int64_t fh[3], yh[3], fnew = 0, ynew = 0;
  tidu_code rc = history(s, m, 0, fh, err);
  if (rc == TIDU_OK) rc = update(s, m, 0, err);
  if (rc == TIDU_OK) rc = insert(s, m, 0, &fnew, err);
  if (rc == TIDU_OK) rc = history(s, m, 1, yh, err);
  if (rc == TIDU_OK) rc = update(s, m, 1, err);
  if (rc == TIDU_OK) rc = insert(s, m, 1, &ynew, err);
  if (rc != TIDU_OK) return rc;
  sum->firms_new += fnew;
  sum->firms_updated += fh[1];
  sum->firms_unchanged += fh[2] - fh[1];
  sum->years_added += ynew;
  sum->years_changed += yh[1];
  sum->years_unchanged += yh[2] - yh[1];
  sum->values_changed += fh[0] + yh[0];
  return TIDU_OK;
}

tidu_code tidu_store_bulk_merge(tidu_store *s, int64_t import_id, tidu_import_summary *sum,
                                tidu_error *err) {
  if (s->bulk_import != import_id || s->bulk_seq == 0) return TIDU_OK;
  tidu_code rc = tidu_sql_copy_end(s->db, err);
  merge m = {import_id, "", ""};
  tidu_store_now(m.now);
  if (rc == TIDU_OK) rc = tidu_sql_exec(s->db, "ANALYZE tidu_stage", err);
  /* a firm named by several records of the import: one pass per occurrence, in file order */
  int64_t dups = 0, passes = 1;
  tidu_sb b = {0};
  tidu_sb_printf(&b, "SELECT count(*) - count(DISTINCT uscc) FROM tidu_stage WHERE year IS NULL");
  if (rc == TIDU_OK) rc = query_ints(s, &b, &dups, 1, err);
  tidu_sb_free(&b);
  if (rc == TIDU_OK && dups > 0) {
    rc = tidu_sql_exec(s->db,
                       "CREATE TEMP TABLE IF NOT EXISTS tidu_occ (seq BIGINT PRIMARY KEY, occ "
                       "BIGINT NOT NULL); TRUNCATE tidu_occ;"
                       "INSERT INTO tidu_occ SELECT seq, row_number() OVER (PARTITION BY uscc "
                       "ORDER BY seq) FROM tidu_stage WHERE year IS NULL; ANALYZE tidu_occ",
                       err);
    tidu_sb q = {0};
    tidu_sb_printf(&q, "SELECT max(occ) FROM tidu_occ");
    if (rc == TIDU_OK) rc = query_ints(s, &q, &passes, 1, err);
    tidu_sb_free(&q);
  }
  for (int64_t k = 1; rc == TIDU_OK && k <= passes; k++) {
    set_round(&m, dups > 0, (long long)k);
    rc = merge_pass(s, &m, sum, err);
  }
  if (rc == TIDU_OK) rc = tidu_sql_exec(s->db, "TRUNCATE tidu_stage", err);
  s->bulk_import = 0;
  s->bulk_seq = 0;
  return rc;
}
