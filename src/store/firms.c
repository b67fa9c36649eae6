/* Firms and their years in the registry: merging imported records, loading and iterating. */
#include "store_int.h"
#include "tidu/toolkit.h"
#include "tidu/values.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column layout of the statements built here (ORDER: keep in step with the builders).
 *   firms:      uscc, deleted_at, import_id, src_row, then each firm field but uscc
 *   firm_years: uscc, year, import_id, src_row, then each year field            */
#define FIRM_PREFIX 4
#define YEAR_PREFIX 4

static void firm_columns(tidu_sb *b) {
  for (int i = 0; i < TIDU_NFIRM; i++)
    if (i != TIDU_F_USCC) tidu_sb_printf(b, ", \"%s\"", tidu_firm_field_info(i)->name);
}

static void year_columns(tidu_sb *b) {
  for (int i = 0; i < TIDU_NYEAR; i++) tidu_sb_printf(b, ", \"%s\"", tidu_year_field_info(i)->name);
}

static void params(tidu_sb *b, int from, int n) {
  for (int i = 0; i < n; i++) tidu_sb_printf(b, ", ?%d", from + i);
}

static tidu_code prepare(tidu_store *s, tidu_sb *b, tidu_sql_stmt **st, tidu_error *err) {
  tidu_code rc = TIDU_OK;
  if (b->failed || !b->s)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  else
    rc = tidu_sql_prepare(s->db, b->s, st, err);
  tidu_sb_free(b);
  return rc;
}

/* Builds the cached statements (all or none are left set). */
static tidu_code prepare_each(tidu_store *s, tidu_error *err) {
  tidu_sb b = {0};
  tidu_code rc;
  tidu_sb_printf(&b, "SELECT uscc, deleted_at, import_id, src_row");
  firm_columns(&b);
  tidu_sb_printf(&b, " FROM firms WHERE uscc = ?1");
  rc = prepare(s, &b, &s->sel_firm, err);
  if (rc != TIDU_OK) return rc;
  tidu_sb_printf(&b,
                 "INSERT INTO firms (uscc, created_at, updated_at, import_id, src_row, event_id");
  firm_columns(&b);
  tidu_sb_printf(&b, ") VALUES (?1, ?2, ?2, ?3, ?4, ?5");
  params(&b, 6, TIDU_NFIRM - 1);
  tidu_sb_printf(&b, ")");
  rc = prepare(s, &b, &s->ins_firm, err);
  if (rc != TIDU_OK) return rc;
  tidu_sb_printf(&b, "UPDATE firms SET updated_at = ?2");
  for (int i = 0, k = 6; i < TIDU_NFIRM; i++)
    if (i != TIDU_F_USCC) tidu_sb_printf(&b, ", \"%s\" = ?%d", tidu_firm_field_info(i)->name, k++);
  tidu_sb_printf(&b, " WHERE uscc = ?1");
  rc = prepare(s, &b, &s->upd_firm, err);
  if (rc != TIDU_OK) return rc;
  tidu_sb_printf(&b, "SELECT uscc, year, import_id, src_row");
  year_columns(&b);
  tidu_sb_printf(&b, " FROM firm_years WHERE uscc = ?1 AND year = ?2");
  rc = prepare(s, &b, &s->sel_years, err);
  if (rc != TIDU_OK) return rc;
  tidu_sb_printf(&b, "INSERT INTO firm_years (uscc, year, import_id, src_row, event_id");
  year_columns(&b);
  tidu_sb_printf(&b, ") VALUES (?1, ?2, ?3, ?4, ?5");
  params(&b, 6, TIDU_NYEAR);
  tidu_sb_printf(&b, ")");
  rc = prepare(s, &b, &s->ins_year, err);
  if (rc != TIDU_OK) return rc;
  tidu_sb_printf(&b, "UPDATE firm_years SET year = ?2");
  for (int i = 0; i < TIDU_NYEAR; i++)
    tidu_sb_printf(&b, ", \"%s\" = ?%d", tidu_year_field_info(i)->name, 6 + i);
  tidu_sb_printf(&b, " WHERE uscc = ?1 AND year = ?2");
  rc = prepare(s, &b, &s->upd_year, err);
  if (rc != TIDU_OK) return rc;
  /* the last change of one value: 1 when it was a manual edit (an event, no import) */
  tidu_sb_printf(&b,
                 "SELECT CASE WHEN import_id IS NULL AND event_id IS NOT NULL THEN 1 ELSE 0 END "
                 "FROM value_history WHERE uscc = ?1 AND COALESCE(year, 0) = ?2 AND field = ?3 "
                 "ORDER BY id DESC LIMIT 1");
  rc = prepare(s, &b, &s->sel_last_edit, err);
  if (rc != TIDU_OK) return rc;
  tidu_sb_printf(&b,
                 "INSERT INTO value_history (uscc, year, field, old_value, new_value, import_id, "
                 "src_row, event_id, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  return prepare(s, &b, &s->ins_hist, err);
}

void tidu_store_finalize_firms(tidu_store *s) {
  tidu_sql_stmt **all[] = {&s->sel_firm, &s->ins_firm, &s->upd_firm, &s->sel_years,
                           &s->ins_year, &s->upd_year, &s->ins_hist, &s->sel_last_edit};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    tidu_sql_finalize(*all[i]);
    *all[i] = NULL;
  }
}

/* Builds the cached statements on first use; after a failure none is left half made. */
static tidu_code prepare_all(tidu_store *s, tidu_error *err) {
  if (s->ins_hist) return TIDU_OK;
  tidu_code rc = prepare_each(s, err);
  if (rc != TIDU_OK) tidu_store_finalize_firms(s);
  return rc;
}

/* Runs a statement that returns no rows, then resets it. */
static tidu_code run(tidu_store *s, tidu_sql_stmt *st, tidu_error *err) {
  (void)s;
  return tidu_sql_run(st, err);
}

static void bind_id(tidu_sql_stmt *st, int idx, int64_t id) {
  if (id > 0)
    tidu_sql_bind_int64(st, idx, id);
  else
    tidu_sql_bind_null(st, idx);
}

/* ---- loading rows ---- */

static tidu_code load_firm_fields(tidu_sql_stmt *st, tidu_firm *f, tidu_error *err) {
  const char *uscc = tidu_sql_column_text(st, 0);
  tidu_code rc = tidu_firm_set_text(f, TIDU_F_USCC, uscc);
  for (int i = 0, col = FIRM_PREFIX; i < TIDU_NFIRM && rc == TIDU_OK; i++) {
    if (i == TIDU_F_USCC) continue;
    const tidu_field_info *fi = tidu_firm_field_info(i);
    rc = tidu_store_column_value(st, col++, fi, &f->v[i],
                                 fi->type == TIDU_T_TEXT ? &f->text[i] : NULL, err);
  }
  return rc;
}

static tidu_code load_year_fields(tidu_sql_stmt *st, tidu_year *y, tidu_error *err) {
  tidu_code rc = TIDU_OK;
  y->src_line = (long)tidu_sql_column_int64(st, 3);
  for (int i = 0; i < TIDU_NYEAR && rc == TIDU_OK; i++)
    rc = tidu_store_column_value(st, YEAR_PREFIX + i, tidu_year_field_info(i), &y->v[i], NULL, err);
  return rc;
}

/* ---- writing ---- */

/* The statements built here are bound after a run or a reset, which leaves every parameter
 * NULL (tidu_sql_reset): only the values present are bound. */
static void bind_firm_fields(tidu_sql_stmt *st, const tidu_firm *f) {
  for (int i = 0, k = 6; i < TIDU_NFIRM; i++) {
    if (i == TIDU_F_USCC) continue;
    const tidu_field_info *fi = tidu_firm_field_info(i);
    if (!tidu_field_absent(fi, f->v[i], f->text[i]))
      tidu_store_bind_value(st, k, fi, f->v[i], f->text[i]);
    k++;
  }
}

static void bind_year_fields(tidu_sql_stmt *st, const tidu_year *y) {
  for (int i = 0; i < TIDU_NYEAR; i++) {
    const tidu_field_info *fi = tidu_year_field_info(i);
    if (!tidu_field_absent(fi, y->v[i], NULL)) tidu_store_bind_value(st, 6 + i, fi, y->v[i], NULL);
  }
}

static tidu_code insert_year(tidu_store *s, const char *uscc, const tidu_year *y, int64_t import_id,
                             int64_t event_id, tidu_error *err) {
  tidu_sql_bind_text(s->ins_year, 1, uscc);
  tidu_sql_bind_int64(s->ins_year, 2, y->year);
  bind_id(s->ins_year, 3, import_id);
  if (y->src_line > 0) tidu_sql_bind_int64(s->ins_year, 4, y->src_line);
  bind_id(s->ins_year, 5, event_id);
  bind_year_fields(s->ins_year, y);
  return run(s, s->ins_year, err);
}

static tidu_code insert_firm(tidu_store *s, const tidu_firm *f, int64_t import_id, int64_t event_id,
                             const char *now, tidu_error *err) {
  tidu_sql_bind_text(s->ins_firm, 1, f->text[TIDU_F_USCC]);
  tidu_sql_bind_text(s->ins_firm, 2, now);
  bind_id(s->ins_firm, 3, import_id);
  if (f->src_line > 0) tidu_sql_bind_int64(s->ins_firm, 4, f->src_line);
  bind_id(s->ins_firm, 5, event_id);
  bind_firm_fields(s->ins_firm, f);
  return run(s, s->ins_firm, err);
}

/* One value change to record. */
typedef struct change {
  const char *uscc;
  int32_t year;
  int64_t import_id, event_id;
  long src_row;
  const char *now;
} change;

static tidu_code record(tidu_store *s, const change *c, const tidu_field_info *fi, int64_t old_v,
                        const char *old_t, int64_t new_v, const char *new_t, tidu_error *err) {
  char oldbuf[512], newbuf[512];
  int had = !tidu_field_absent(fi, old_v, old_t);
  int has = !tidu_field_absent(fi, new_v, new_t);
  tidu_store_value_text(fi, old_v, old_t, oldbuf, sizeof oldbuf);
  tidu_store_value_text(fi, new_v, new_t, newbuf, sizeof newbuf);
  tidu_sql_stmt *st = s->ins_hist;
  tidu_sql_bind_text(st, 1, c->uscc);
  if (c->year) tidu_sql_bind_int64(st, 2, c->year);
  tidu_sql_bind_text(st, 3, fi->name);
  if (had) tidu_sql_bind_text(st, 4, oldbuf);
  if (has) tidu_sql_bind_text(st, 5, newbuf);
  bind_id(st, 6, c->import_id);
  if (c->src_row > 0) tidu_sql_bind_int64(st, 7, c->src_row);
  bind_id(st, 8, c->event_id);
  tidu_sql_bind_text(st, 9, c->now);
  return run(s, st, err);
}

/* Counts in `sum` an imported value that replaces one set by hand (firm edit), so that the
 * import's summary can say so. */
static tidu_code note_overwrite(tidu_store *s, const change *c, const tidu_field_info *fi,
                                tidu_import_summary *sum, tidu_error *err) {
  if (!sum || !c->import_id) return TIDU_OK;
  tidu_sql_stmt *st = s->sel_last_edit;
  tidu_sql_bind_text(st, 1, c->uscc);
  tidu_sql_bind_int64(st, 2, c->year);
  tidu_sql_bind_text(st, 3, fi->name);
  int row = 0;
  tidu_code rc = tidu_sql_step(st, &row, err);
  if (rc == TIDU_OK && row && tidu_sql_column_int64(st, 0) == 1) sum->edits_overwritten++;
  tidu_sql_reset(st);
  return rc;
}

static int same_value(const tidu_field_info *fi, int64_t a, const char *at, int64_t b,
                      const char *bt) {
  if (fi->type != TIDU_T_TEXT) return a == b;
  if (!at || !bt) return at == bt;
  return strcmp(at, bt) == 0;
}

/* Merges the present firm fields of `in` into `cur`, recording each change. *changed is set
 * when any value differs. */
static tidu_code merge_firm_fields(tidu_store *s, const change *c, tidu_firm *cur,
                                   const tidu_firm *in, int *changed, tidu_import_summary *sum,
                                   tidu_error *err) {
  tidu_code rc = TIDU_OK;
  tidu_firm none;
  tidu_firm_init(&none); /* the absent value of every field */
  for (int i = 0; i < TIDU_NFIRM && rc == TIDU_OK; i++) {
    const tidu_field_info *fi = tidu_firm_field_info(i);
    if (i != TIDU_F_USCC && in->clear[i] && tidu_field_absent(fi, in->v[i], in->text[i]) &&
        !tidu_field_absent(fi, cur->v[i], cur->text[i])) {
      /* "#清除": the stored value goes, recorded as old -> none */
      rc = record(s, c, fi, cur->v[i], cur->text[i], none.v[i], NULL, err);
      if (rc == TIDU_OK && fi->type == TIDU_T_TEXT) rc = tidu_firm_set_text(cur, i, NULL);
      cur->v[i] = none.v[i];
      *changed = 1;
      if (sum) sum->values_changed++;
      continue;
    }
    if (i == TIDU_F_USCC || tidu_field_absent(fi, in->v[i], in->text[i])) continue;
    if (same_value(fi, cur->v[i], cur->text[i], in->v[i], in->text[i])) continue;
    rc = note_overwrite(s, c, fi, sum, err);
    if (rc == TIDU_OK) rc = record(s, c, fi, cur->v[i], cur->text[i], in->v[i], in->text[i], err);
    if (rc == TIDU_OK && fi->type == TIDU_T_TEXT) rc = tidu_firm_set_text(cur, i, in->text[i]);
    cur->v[i] = in->v[i];
    *changed = 1;
    if (sum) sum->values_changed++;
  }
  return rc;
}

static tidu_code update_firm(tidu_store *s, const tidu_firm *cur, const char *now,
                             tidu_error *err) {
  tidu_sql_bind_text(s->upd_firm, 1, cur->text[TIDU_F_USCC]);
  tidu_sql_bind_text(s->upd_firm, 2, now);
  bind_firm_fields(s->upd_firm, cur);
  return run(s, s->upd_firm, err);
}

static tidu_code update_year(tidu_store *s, const char *uscc, const tidu_year *y, tidu_error *err) {
  tidu_sql_bind_text(s->upd_year, 1, uscc);
  tidu_sql_bind_int64(s->upd_year, 2, y->year);
  bind_year_fields(s->upd_year, y);
  return run(s, s->upd_year, err);
}

/* Loads the year row (uscc, year) into *cur; *found = 0 when there is none. */
static tidu_code load_year(tidu_store *s, const char *uscc, int32_t year, tidu_year *cur,
                           int64_t *import_id, int *found, tidu_error *err) {
  tidu_sql_stmt *st = s->sel_years;
  tidu_sql_bind_text(st, 1, uscc);
  tidu_sql_bind_int64(st, 2, year);
  int row = 0;
  tidu_code out = tidu_sql_step(st, &row, err);
  *found = out == TIDU_OK && row;
  if (*found) {
    cur->year = year;
    *import_id = tidu_sql_column_int64(st, 2);
    out = load_year_fields(st, cur, err);
  }
  tidu_sql_reset(st);
  (void)s;
  return out;
}

/* Merges one imported year; counts it as added, changed or unchanged. */
static tidu_code put_year(tidu_store *s, const change *base, const tidu_year *in,
                          tidu_import_summary *sum, tidu_error *err) {
  tidu_year cur;
  int64_t created_by = 0;
  int found = 0;
  tidu_code rc = load_year(s, base->uscc, in->year, &cur, &created_by, &found, err);
  if (rc != TIDU_OK) return rc;
  if (!found) {
    if (sum) sum->years_added++;
    return insert_year(s, base->uscc, in, base->import_id, base->event_id, err);
  }
  change c = *base;
  c.year = in->year;
  c.src_row = in->src_line;
  int changed = 0;
  for (int i = 0; i < TIDU_NYEAR && rc == TIDU_OK; i++) {
    const tidu_field_info *fi = tidu_year_field_info(i);
    if (in->v[i] == TIDU_MISSING && (!in->clear[i] || cur.v[i] == TIDU_MISSING)) continue;
    if (in->v[i] == cur.v[i]) continue;
    /* a value replaces the stored one; "#清除" (in->clear) removes it: old -> none */
    rc = note_overwrite(s, &c, fi, sum, err);
    if (rc == TIDU_OK) rc = record(s, &c, fi, cur.v[i], NULL, in->v[i], NULL, err);
    cur.v[i] = in->v[i];
    changed = 1;
    if (sum) sum->values_changed++;
  }
  if (rc == TIDU_OK && changed) rc = update_year(s, base->uscc, &cur, err);
  if (sum && created_by != base->import_id) {
    if (changed)
      sum->years_changed++;
    else
      sum->years_unchanged++;
  }
  return rc;
}

/* Loads the firm row; *found = 0 when there is none. */
static tidu_code load_firm_row(tidu_store *s, const char *uscc, tidu_firm *cur, int *deleted,
                               int64_t *import_id, int *found, tidu_error *err) {
  tidu_sql_stmt *st = s->sel_firm;
  tidu_sql_bind_text(st, 1, uscc);
  int row = 0;
  tidu_code out = tidu_sql_step(st, &row, err);
  *found = out == TIDU_OK && row;
  if (*found) {
    if (deleted) *deleted = !tidu_sql_column_null(st, 1);
    if (import_id) *import_id = tidu_sql_column_int64(st, 2);
    cur->src_line = (long)tidu_sql_column_int64(st, 3);
    out = load_firm_fields(st, cur, err);
  }
  tidu_sql_reset(st);
  (void)s;
  return out;
}

static tidu_code put_existing(tidu_store *s, const change *c, tidu_firm *cur, int64_t created_by,
                              const tidu_firm *f, tidu_import_summary *sum, tidu_error *err) {
  int changed = 0;
  tidu_code rc = merge_firm_fields(s, c, cur, f, &changed, sum, err);
  if (rc == TIDU_OK && changed) rc = update_firm(s, cur, c->now, err);
  if (sum && created_by != c->import_id) {
    if (changed)
      sum->firms_updated++;
    else
      sum->firms_unchanged++;
  }
  for (size_t i = 0; i < f->nyears && rc == TIDU_OK; i++)
    rc = put_year(s, c, &f->years[i], sum, err);
  return rc;
}

/* The library's one check of every value (tidu_field_check), before anything is written; the
 * error names the field, the year and the record's place. */
static tidu_code check_firm(const tidu_firm *f, tidu_error *err) {
  tidu_code rc = TIDU_OK;
  const tidu_field_info *fi = NULL;
  int32_t year = 0;
  long line = f->src_line;
  for (int i = 0; i < TIDU_NFIRM && rc == TIDU_OK; i++)
    rc = tidu_field_check(fi = tidu_firm_field_info(i), f->v[i], f->text[i], err);
  for (size_t k = 0; k < f->nyears && rc == TIDU_OK; k++)
    for (int i = 0; i < TIDU_NYEAR && rc == TIDU_OK; i++) {
      rc = tidu_field_check(fi = tidu_year_field_info(i), f->years[k].v[i], NULL, err);
      year = f->years[k].year;
      if (f->years[k].src_line) line = f->years[k].src_line;
    }
  if (rc == TIDU_OK) return rc;
  char msg[sizeof err->message];
  snprintf(msg, sizeof msg, "%s", err->message);
  char *en = strstr(msg, " / ");
  if (en) *en = '\0';
  const char *en_msg = en ? en + 3 : msg;
  tidu_code code = err->code;
  if (year)
    tidu_error_set(err, code, f->src_name, line, 0, "%d年%s: %s / %s_%d: %s", (int)year, fi->zh,
                   msg, fi->name, (int)year, en_msg);
  else
    tidu_error_set(err, code, f->src_name, line, 0, "%s: %s / %s: %s", fi->zh, msg, fi->name,
                   en_msg);
  return code;
}

tidu_code tidu_store_put_firm(tidu_store *s, int64_t import_id, const tidu_firm *f,
                              tidu_import_summary *sum, tidu_error *err) {
  const char *uscc = f->text[TIDU_F_USCC];
  if (!uscc || !*uscc)
    return tidu_error_set(err, TIDU_ERR_DATA, f->src_name, f->src_line, 0,
                          "缺少统一社会信用代码 / the firm has no USCC");
  tidu_code rc = check_firm(f, err);
  if (rc != TIDU_OK) return rc;
  /* PostgreSQL: staged by COPY, merged set-based by tidu_store_import_finish (bulk.c) */
  if (tidu_sql_kind(s->db) == TIDU_SQL_PG) return tidu_store_bulk_put(s, import_id, f, err);
  rc = prepare_all(s, err);
  if (rc != TIDU_OK) return rc;
  char now[32];
  tidu_store_now(now);
  change c = {uscc, 0, import_id, 0, f->src_line, now};
  tidu_firm cur;
  tidu_firm_init(&cur);
  int found = 0;
  int64_t created_by = 0;
  rc = load_firm_row(s, uscc, &cur, NULL, &created_by, &found, err);
  if (rc == TIDU_OK && found) rc = put_existing(s, &c, &cur, created_by, f, sum, err);
  if (rc == TIDU_OK && !found) {
    rc = insert_firm(s, f, import_id, 0, now, err);
    for (size_t i = 0; i < f->nyears && rc == TIDU_OK; i++)
      rc = insert_year(s, uscc, &f->years[i], import_id, 0, err);
    if (sum) {
      sum->firms_new++;
      sum->years_added += (long long)f->nyears;
    }
  }
  tidu_firm_clear(&cur);
  return rc;
}

/* ---- single-value corrections ---- */

static tidu_code set_firm_value(tidu_store *s, const change *c, tidu_firm *cur,
                                const tidu_field_info *fi, int64_t v, const char *text,
                                tidu_error *err) {
  int i = fi->index;
  if (same_value(fi, cur->v[i], cur->text[i], v, text)) return TIDU_OK;
  tidu_code rc = record(s, c, fi, cur->v[i], cur->text[i], v, text, err);
  if (rc == TIDU_OK && fi->type == TIDU_T_TEXT) rc = tidu_firm_set_text(cur, i, text);
  cur->v[i] = v;
  if (rc == TIDU_OK) rc = update_firm(s, cur, c->now, err);
  return rc;
}

static tidu_code set_year_value(tidu_store *s, const change *c, const tidu_field_info *fi,
                                int32_t year, int64_t v, tidu_error *err) {
  tidu_year cur;
  memset(&cur, 0, sizeof cur);
  int64_t created_by = 0;
  int found = 0;
  tidu_code rc = load_year(s, c->uscc, year, &cur, &created_by, &found, err);
  if (rc != TIDU_OK) return rc;
  if (!found) {
    cur.year = year;
    for (int k = 0; k < TIDU_NYEAR; k++) cur.v[k] = TIDU_MISSING;
    rc = insert_year(s, c->uscc, &cur, 0, c->event_id, err);
  }
  if (rc != TIDU_OK || cur.v[fi->index] == v) return rc;
  change cy = *c;
  cy.year = year;
  rc = record(s, &cy, fi, cur.v[fi->index], NULL, v, NULL, err);
  cur.v[fi->index] = v;
  return rc == TIDU_OK ? update_year(s, c->uscc, &cur, err) : rc;
}

tidu_code tidu_store_set_value(tidu_store *s, const char *uscc, const tidu_field_info *fi,
                               int32_t year, int64_t v, const char *text, const char *who,
                               const char *why, tidu_error *err) {
  if (fi->scope == 'F' && fi->index == TIDU_F_USCC)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "统一社会信用代码不能修改 / the USCC cannot be edited");
  if ((fi->scope == 'Y') != (year != 0))
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "%s 需要%s年度 / %s %s a year", fi->name,
                          fi->scope == 'Y' ? "指定" : "不带", fi->name,
                          fi->scope == 'Y' ? "needs" : "takes no");
  tidu_code rc = tidu_field_check(fi, v, text, err);
  if (rc != TIDU_OK) return rc;
  rc = prepare_all(s, err);
  if (rc != TIDU_OK) return rc;
  tidu_firm cur;
  tidu_firm_init(&cur);
  int found = 0;
  rc = load_firm_row(s, uscc, &cur, NULL, NULL, &found, err);
  if (rc == TIDU_OK && !found)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "库中没有企业 %s / no firm %s on file",
                        uscc, uscc);
  char what[600], valbuf[512];
  tidu_store_value_text(fi, v, text, valbuf, sizeof valbuf);
  if (year)
    snprintf(what, sizeof what, "%s@%d=%s", fi->name, year, valbuf);
  else
    snprintf(what, sizeof what, "%s=%s", fi->name, valbuf);
  int64_t event_id = 0;
  if (rc == TIDU_OK) rc = tidu_store_event(s, who, "edit", uscc, what, why, NULL, &event_id, err);
  char now[32];
  tidu_store_now(now);
  change c = {uscc, 0, 0, event_id, 0, now};
  if (rc == TIDU_OK && year == 0) rc = set_firm_value(s, &c, &cur, fi, v, text, err);
  if (rc == TIDU_OK && year != 0) rc = set_year_value(s, &c, fi, year, v, err);
  tidu_firm_clear(&cur);
  return rc;
}

tidu_code tidu_store_delete_year(tidu_store *s, const char *uscc, int32_t year, const char *who,
                                 const char *why, tidu_error *err) {
  tidu_code rc = prepare_all(s, err);
  if (rc != TIDU_OK) return rc;
  tidu_year cur;
  memset(&cur, 0, sizeof cur);
  int64_t created_by = 0;
  int found = 0;
  rc = load_year(s, uscc, year, &cur, &created_by, &found, err);
  if (rc == TIDU_OK && !found)
    rc = tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                        "企业 %s 没有 %d 年度的数据 / firm %s has no year %d on file", uscc,
                        (int)year, uscc, (int)year);
  char what[64];
  snprintf(what, sizeof what, "year@%d", (int)year);
  int64_t event_id = 0;
  if (rc == TIDU_OK)
    rc = tidu_store_event(s, who, "delete-year", uscc, what, why, NULL, &event_id, err);
  char now[32];
  tidu_store_now(now);
  change c = {uscc, year, 0, event_id, 0, now};
  for (int i = 0; i < TIDU_NYEAR && rc == TIDU_OK; i++)
    if (cur.v[i] != TIDU_MISSING)
      rc = record(s, &c, tidu_year_field_info(i), cur.v[i], NULL, TIDU_MISSING, NULL, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_stmt *st = NULL;
  rc = tidu_sql_prepare(s->db, "DELETE FROM firm_years WHERE uscc = ?1 AND year = ?2", &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, uscc);
  tidu_sql_bind_int64(st, 2, year);
  rc = tidu_sql_run(st, err);
  tidu_sql_finalize(st);
  return rc;
}

/* ---- loading one firm ---- */

static tidu_code load_years(tidu_store *s, tidu_firm *f, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  tidu_sb b = {0};
  tidu_sb_printf(&b, "SELECT uscc, year, import_id, src_row");
  year_columns(&b);
  tidu_sb_printf(&b, " FROM firm_years WHERE uscc = ?1 ORDER BY year DESC");
  tidu_code rc = prepare(s, &b, &st, err);
  if (rc != TIDU_OK) return rc;
  tidu_sql_bind_text(st, 1, f->text[TIDU_F_USCC]);
  int row = 0;
  while (rc == TIDU_OK && (rc = tidu_sql_step(st, &row, err)) == TIDU_OK && row) {
    tidu_year *y = tidu_firm_year(f, tidu_sql_column_int64(st, 1));
    rc = y ? load_year_fields(st, y, err)
           : tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  tidu_sql_finalize(st);
  return rc;
}

static int looks_like_uscc(const char *key) {
  if (strlen(key) != 18) return 0;
  for (const char *p = key; *p; p++)
    if (!isalnum((unsigned char)*p)) return 0;
  return 1;
}

/* Finds the USCC of the firm called `name` (exact, else a unique partial match). */
static tidu_code find_by_name(tidu_store *s, const char *name, char uscc[64], tidu_error *err) {
  static const char *const sql[2] = {
      "SELECT uscc, name FROM firms WHERE name = ?1 ORDER BY uscc LIMIT 6",
      "SELECT uscc, name FROM firms WHERE name LIKE '%' || CAST(?1 AS TEXT) || '%' ORDER BY uscc "
      "LIMIT 6"};
  for (int pass = 0; pass < 2; pass++) {
    tidu_sql_stmt *st = NULL;
    tidu_code rc = tidu_sql_prepare(s->db, sql[pass], &st, err);
    if (rc != TIDU_OK) return rc;
    tidu_sql_bind_text(st, 1, name);
    int n = 0;
    char list[400] = "";
    int row = 0;
    while ((rc = tidu_sql_step(st, &row, err)) == TIDU_OK && row) {
      if (n++ == 0) snprintf(uscc, 64, "%s", tidu_sql_column_text(st, 0));
      size_t used = strlen(list);
      snprintf(list + used, sizeof list - used, "%s%s %s", n > 1 ? "; " : "",
               tidu_sql_column_text(st, 0), tidu_sql_column_text(st, 1));
    }
    tidu_sql_finalize(st);
    if (rc != TIDU_OK) return rc;
    if (n == 1) return TIDU_OK;
    if (n > 1)
      return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                            "名称 '%s' 对应多家企业，请用信用代码 / '%s' matches several firms, "
                            "give the USCC: %s",
                            name, name, list);
  }
  return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "库中没有企业 '%s' / no firm '%s' on file",
                        name, name);
}

tidu_code tidu_store_get(tidu_store *s, const char *key, tidu_firm *out, int *deleted,
                         tidu_error *err) {
  tidu_firm_init(out);
  tidu_code rc = prepare_all(s, err);
  if (rc != TIDU_OK) return rc;
  char uscc[64];
  snprintf(uscc, sizeof uscc, "%s", key);
  int found = 0;
  if (looks_like_uscc(key)) {
    for (char *p = uscc; *p; p++) *p = (char)toupper((unsigned char)*p);
    rc = load_firm_row(s, uscc, out, deleted, NULL, &found, err);
  }
  if (rc == TIDU_OK && !found) {
    rc = find_by_name(s, key, uscc, err);
    if (rc == TIDU_OK) rc = load_firm_row(s, uscc, out, deleted, NULL, &found, err);
  }
  if (rc == TIDU_OK) rc = load_years(s, out, err);
  if (rc != TIDU_OK) tidu_firm_clear(out);
  return rc;
}

/* ---- iterating: a scan of every field (src/store/scan.c) ---- */

struct tidu_store_iter {
  tidu_store_scan *scan;
};

tidu_code tidu_store_iter_open(tidu_store *s, const tidu_store_filter *flt, tidu_store_iter **out,
                               tidu_error *err) {
  *out = NULL;
  tidu_store_iter *it = tidu_calloc(1, sizeof *it);
  if (!it) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  tidu_store_scan_spec spec = {NULL, NULL, 0, 0, flt};
  tidu_code rc = tidu_store_scan_open(s, &spec, &it->scan, err);
  if (rc != TIDU_OK) {
    tidu_free(it);
    return rc;
  }
  *out = it;
  return TIDU_OK;
}

tidu_code tidu_store_iter_next(tidu_store_iter *it, tidu_firm *f, int *done, tidu_error *err) {
  return tidu_store_scan_next(it->scan, f, done, err);
}

void tidu_store_iter_close(tidu_store_iter *it) {
  if (!it) return;
  tidu_store_scan_close(it->scan);
  tidu_free(it);
}
