/* Registry scans that read only the fields and fiscal years asked for, streaming in USCC order. */
#include "store_int.h"
#include "tidu/toolkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tidu_store_scan {
  tidu_store *s;
  tidu_sql_stmt *firms; /* uscc, then the firm fields of ffield[] */
  tidu_sql_stmt *years; /* uscc, year, src_row, then the year fields of yfield[] */
  int years_row;        /* 1 when the years statement holds an unread row */
  int own_tx;           /* the scan opened a read transaction */
  int nf, ny;
  int ffield[TIDU_NFIRM];
  int yfield[TIDU_NYEAR];
};

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* The filter of tidu_store_iter_open, with its parameters ?1 .. ?5. */
static void filter_sql(tidu_sb *b) {
  tidu_sb_puts(b, " WHERE (CAST(?1 AS TEXT) IS NULL OR region LIKE CAST(?1 AS TEXT) || '%' "
                  "ESCAPE '!') AND (CAST(?2 AS TEXT) IS NULL OR industry LIKE CAST(?2 AS TEXT) "
                  "|| '%' ESCAPE '!') AND (CAST(?3 AS TEXT) IS NULL OR (';' || chains || ';') "
                  "LIKE '%;' || CAST(?3 AS TEXT) || ';%' ESCAPE '!') AND (CAST(?4 AS TEXT) IS "
                  "NULL OR (';' || titles || ';') LIKE '%;' || CAST(?4 AS TEXT) || ';%' ESCAPE "
                  "'!') AND (CAST(?5 AS BIGINT) = 1 OR deleted_at IS NULL)");
}

/* Filter values match literally: LIKE's wildcards and the escape character are escaped. */
static void bind_literal(tidu_sql_stmt *st, int idx, const char *v) {
  char buf[256];
  size_t n = 0;
  for (; *v && n + 2 < sizeof buf; v++) {
    if (*v == '%' || *v == '_' || *v == '!') buf[n++] = '!';
    buf[n++] = *v;
  }
  buf[n] = 0;
  tidu_sql_bind_text(st, idx, buf);
}

static void bind_filter(tidu_sql_stmt *st, const tidu_store_filter *flt) {
  const char *v[4] = {flt->region_prefix, flt->industry_prefix, flt->chain, flt->title};
  for (int i = 0; i < 4; i++)
    if (v[i] && *v[i]) bind_literal(st, i + 1, v[i]);
  tidu_sql_bind_int64(st, 5, flt->include_deleted ? 1 : 0);
}

static int filters(const tidu_store_filter *flt) {
  const char *v[4] = {flt->region_prefix, flt->industry_prefix, flt->chain, flt->title};
  for (int i = 0; i < 4; i++)
    if (v[i] && *v[i]) return 1;
  return 0;
}

static tidu_code prepare(tidu_store *s, tidu_sb *b, tidu_sql_stmt **st, tidu_error *err) {
  char *sql = tidu_sb_take(b);
  if (!sql) return nomem(err);
  tidu_code rc = tidu_sql_prepare(s->db, sql, st, err);
  free(sql);
  return rc;
}

tidu_code tidu_store_scan_open(tidu_store *s, const tidu_store_scan_spec *spec,
                               tidu_store_scan **out, tidu_error *err) {
  static const tidu_store_filter none = {0};
  const tidu_store_filter *flt = spec && spec->flt ? spec->flt : &none;
  *out = NULL;
  tidu_store_scan *sc = tidu_calloc(1, sizeof *sc);
  if (!sc) return nomem(err);
  sc->s = s;
  tidu_sb b = {0};
  tidu_sb_puts(&b, "SELECT uscc");
  for (int i = 0; i < TIDU_NFIRM; i++)
    if (i != TIDU_F_USCC && (!spec || !spec->firm || spec->firm[i])) {
      tidu_sb_printf(&b, ", \"%s\"", tidu_firm_field_info(i)->name);
      sc->ffield[sc->nf++] = i;
    }
  tidu_sb_puts(&b, " FROM firms");
  filter_sql(&b);
  tidu_sb_puts(&b, " ORDER BY uscc");
  tidu_code rc = prepare(s, &b, &sc->firms, err);
  /* the years are read even without a field of theirs: which years a firm has decides its
   * latest year */
  if (rc == TIDU_OK) {
    tidu_sb_puts(&b, "SELECT uscc, year, src_row");
    for (int i = 0; i < TIDU_NYEAR; i++)
      if (!spec || !spec->year || spec->year[i]) {
        tidu_sb_printf(&b, ", \"%s\"", tidu_year_field_info(i)->name);
        sc->yfield[sc->ny++] = i;
      }
    /* years of firms the firm statement leaves out are skipped by the merge, so the filter is
     * repeated here only when it narrows the firms (it saves reading their years) */
    tidu_sb_puts(&b, " FROM firm_years WHERE 1 = 1");
    if (spec && spec->year_min) tidu_sb_printf(&b, " AND year >= %ld", (long)spec->year_min);
    if (spec && spec->year_max) tidu_sb_printf(&b, " AND year <= %ld", (long)spec->year_max);
    if (filters(flt)) {
      tidu_sb_puts(&b, " AND uscc IN (SELECT uscc FROM firms");
      filter_sql(&b);
      tidu_sb_puts(&b, ")");
    }
    tidu_sb_puts(&b, " ORDER BY uscc, year");
    rc = prepare(s, &b, &sc->years, err);
  }
  if (rc == TIDU_OK && tidu_sql_kind(s->db) == TIDU_SQL_PG) {
    /* one snapshot for both statements; on PostgreSQL they stream through cursors, which live
     * in a transaction: the caller's, or a read-only one the scan holds until closed */
    if (!tidu_sql_in_tx(s->db)) {
      rc = tidu_sql_begin_read(s->db, err);
      sc->own_tx = rc == TIDU_OK;
    }
    tidu_sql_stream(sc->firms);
    if (sc->years) tidu_sql_stream(sc->years);
  }
  if (rc == TIDU_OK) {
    bind_filter(sc->firms, flt);
    if (sc->years) {
      if (filters(flt)) bind_filter(sc->years, flt);
      rc = tidu_sql_step(sc->years, &sc->years_row, err);
    }
  }
  if (rc != TIDU_OK) {
    tidu_store_scan_close(sc);
    return rc;
  }
  *out = sc;
  return TIDU_OK;
}

/* Adds the years of the firm just read from the ordered years statement. */
static tidu_code merge_years(tidu_store_scan *sc, tidu_firm *f, tidu_error *err) {
  const char *uscc = f->text[TIDU_F_USCC];
  tidu_code rc = TIDU_OK;
  while (rc == TIDU_OK && sc->years_row) {
    const char *yu = tidu_sql_column_text(sc->years, 0);
    int cmp = strcmp(yu ? yu : "", uscc);
    if (cmp > 0) break;
    if (cmp == 0) {
      tidu_year *y = tidu_firm_year(f, (int32_t)tidu_sql_column_int64(sc->years, 1));
      if (!y) return nomem(err);
      y->src_line = (long)tidu_sql_column_int64(sc->years, 2);
      for (int k = 0; k < sc->ny && rc == TIDU_OK; k++) {
        int i = sc->yfield[k];
        rc =
            tidu_store_column_value(sc->years, 3 + k, tidu_year_field_info(i), &y->v[i], NULL, err);
      }
    }
    if (rc == TIDU_OK) rc = tidu_sql_step(sc->years, &sc->years_row, err);
  }
  return rc;
}

tidu_code tidu_store_scan_next(tidu_store_scan *sc, tidu_firm *f, int *done, tidu_error *err) {
  /* cleared, keeping the room for years of the firm read before */
  tidu_year *years = f->years;
  size_t cap = f->cap_years;
  f->years = NULL;
  tidu_firm_clear(f);
  f->years = years;
  f->cap_years = cap;
  *done = 0;
  int row = 0;
  tidu_code rc = tidu_sql_step(sc->firms, &row, err);
  if (rc != TIDU_OK) return rc;
  if (!row) {
    *done = 1;
    return TIDU_OK;
  }
  rc = tidu_firm_set_text(f, TIDU_F_USCC, tidu_sql_column_text(sc->firms, 0));
  for (int k = 0; k < sc->nf && rc == TIDU_OK; k++) {
    int i = sc->ffield[k];
    const tidu_field_info *fi = tidu_firm_field_info(i);
    rc = tidu_store_column_value(sc->firms, 1 + k, fi, &f->v[i],
                                 fi->type == TIDU_T_TEXT ? &f->text[i] : NULL, err);
  }
  if (rc == TIDU_OK && sc->years) rc = merge_years(sc, f, err);
  return rc;
}

void tidu_store_scan_close(tidu_store_scan *sc) {
  if (!sc) return;
  tidu_sql_finalize(sc->firms);
  tidu_sql_finalize(sc->years);
  if (sc->own_tx) tidu_sql_rollback(sc->s->db);
  free(sc);
}
