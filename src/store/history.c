/* The history of a firm's values and soft deletion: nothing on file is ever lost. */
#include "store_int.h"
#include "tidu/toolkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the current value of one (year, field) came from, while walking the history. */
typedef struct provenance {
  int32_t year;
  char field[64];
  char source[320];
} provenance;

typedef struct walk {
  provenance *list;
  size_t n, cap;
} walk;

static provenance *find_prov(walk *w, int32_t year, const char *field) {
  for (size_t i = 0; i < w->n; i++)
    if (w->list[i].year == year && strcmp(w->list[i].field, field) == 0) return &w->list[i];
  return NULL;
}

static provenance *add_prov(walk *w, int32_t year, const char *field) {
  if (TIDU_PUSH_ROOM(w->list, w->n, w->cap) != 0) return NULL;
  provenance *p = &w->list[w->n++];
  p->year = year;
  snprintf(p->field, sizeof p->field, "%s", field);
  p->source[0] = '\0';
  return p;
}

/* Describes an import row or an edit event. Columns: import_id, file, started_at, src_row,
 * event_id, who starting at `col`. */
static void describe(tidu_sql_stmt *st, int col, char *buf, size_t size) {
  buf[0] = '\0';
  if (!tidu_sql_column_null(st, col)) {
    long long id = tidu_sql_column_int64(st, col);
    const char *file = tidu_sql_column_text(st, col + 1);
    const char *at = tidu_sql_column_text(st, col + 2);
    long long row = tidu_sql_column_int64(st, col + 3);
    if (row > 0)
      snprintf(buf, size, "%s:%lld (导入/import #%lld, %s)", file ? file : "?", row, id,
               at ? at : "?");
    else
      snprintf(buf, size, "%s (导入/import #%lld, %s)", file ? file : "?", id, at ? at : "?");
  } else if (!tidu_sql_column_null(st, col + 4)) {
    const char *who = tidu_sql_column_text(st, col + 5);
    snprintf(buf, size, "修改/edit #%lld (%s)", (long long)tidu_sql_column_int64(st, col + 4),
             who ? who : "?");
  }
}

/* The source that created the firm row (year = 0) or one year row. */
static void creation_source(tidu_store *s, const char *uscc, int32_t year, char *buf, size_t size) {
  const char *sql =
      year ? "SELECT r.import_id, i.file, i.started_at, r.src_row, r.event_id, e.who "
             "FROM firm_years r LEFT JOIN imports i ON i.id = r.import_id "
             "LEFT JOIN events e ON e.id = r.event_id WHERE r.uscc = ?1 AND r.year = ?2"
           : "SELECT r.import_id, i.file, i.started_at, r.src_row, r.event_id, e.who "
             "FROM firms r LEFT JOIN imports i ON i.id = r.import_id "
             "LEFT JOIN events e ON e.id = r.event_id WHERE r.uscc = ?1";
  tidu_sql_stmt *st = NULL;
  buf[0] = '\0';
  if (tidu_sql_prepare(s->db, sql, &st, NULL) != TIDU_OK) return;
  tidu_sql_bind_text(st, 1, uscc);
  if (year) tidu_sql_bind_int64(st, 2, year);
  int row = 0;
  if (tidu_sql_step(st, &row, NULL) == TIDU_OK && row) describe(st, 0, buf, size);
  tidu_sql_finalize(st);
}

static const char *text_or_null(tidu_sql_stmt *st, int col) {
  return tidu_sql_column_text(st, col);
}

/* Fills the entry for the current history row and remembers its source. */
static int emit(tidu_store *s, const char *uscc, tidu_sql_stmt *st, walk *w, tidu_history_cb cb,
                void *ud, int *nomem) {
  tidu_history_entry e;
  memset(&e, 0, sizeof e);
  e.changed_at = tidu_sql_column_text(st, 0);
  e.year = (int32_t)tidu_sql_column_int64(st, 1);
  e.field = tidu_sql_column_text(st, 2);
  e.old_value = text_or_null(st, 3);
  e.new_value = text_or_null(st, 4);
  e.who = text_or_null(st, 10);
  e.why = text_or_null(st, 11);
  char newsrc[320], oldsrc[320];
  describe(st, 5, newsrc, sizeof newsrc);
  provenance *p = find_prov(w, e.year, e.field);
  if (p) {
    snprintf(oldsrc, sizeof oldsrc, "%s", p->source);
  } else {
    creation_source(s, uscc, e.year, oldsrc, sizeof oldsrc);
    p = add_prov(w, e.year, e.field);
  }
  if (!p) {
    *nomem = 1;
    return 1;
  }
  snprintf(p->source, sizeof p->source, "%s", newsrc);
  e.old_source = e.old_value && oldsrc[0] ? oldsrc : NULL;
  e.new_source = newsrc[0] ? newsrc : NULL;
  return cb(&e, ud);
}

tidu_code tidu_store_history(tidu_store *s, const char *uscc, tidu_history_cb cb, void *ud,
                             tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  const char *sql = "SELECT h.changed_at, h.year, h.field, h.old_value, h.new_value,"
                    " h.import_id, i.file, i.started_at, h.src_row, h.event_id, e.who, e.why"
                    " FROM value_history h LEFT JOIN imports i ON i.id = h.import_id"
                    " LEFT JOIN events e ON e.id = h.event_id"
                    " WHERE h.uscc = ?1 ORDER BY h.id";
  tidu_code out = tidu_sql_prepare(s->db, sql, &st, err);
  if (out != TIDU_OK) return out;
  tidu_sql_bind_text(st, 1, uscc);
  walk w = {0};
  int row = 0, stop = 0, nomem = 0;
  while (!stop && (out = tidu_sql_step(st, &row, err)) == TIDU_OK && row)
    stop = emit(s, uscc, st, &w, cb, ud, &nomem);
  if (nomem) out = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  free(w.list);
  tidu_sql_finalize(st);
  return out;
}

/* ---- soft deletion ---- */

/* Sets or clears deleted_at, recording the change as the pseudo-field "deleted". */
static tidu_code set_deleted(tidu_store *s, const char *uscc, int del, const char *who,
                             const char *why, tidu_error *err) {
  tidu_sql_stmt *st = NULL;
  tidu_code out = tidu_sql_prepare(s->db, "SELECT deleted_at FROM firms WHERE uscc = ?1", &st, err);
  if (out != TIDU_OK) return out;
  tidu_sql_bind_text(st, 1, uscc);
  int row = 0;
  out = tidu_sql_step(st, &row, err);
  char old[32] = "";
  int was = out == TIDU_OK && row && !tidu_sql_column_null(st, 0);
  if (was) snprintf(old, sizeof old, "%s", tidu_sql_column_text(st, 0));
  tidu_sql_finalize(st);
  if (out != TIDU_OK) return out;
  if (!row)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "库中没有企业 %s / no firm %s on file",
                          uscc, uscc);
  if (was == del)
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "企业 %s %s / firm %s is %s", uscc,
                          del ? "已删除" : "未删除", uscc, del ? "already deleted" : "not deleted");
  int64_t event_id = 0;
  out =
      tidu_store_event(s, who, del ? "delete" : "undelete", uscc, NULL, why, NULL, &event_id, err);
  char now[32];
  tidu_store_now(now);
  st = NULL;
  if (out == TIDU_OK)
    out = tidu_sql_prepare(s->db,
                           "INSERT INTO value_history (uscc, year, field, old_value, new_value, "
                           "event_id, changed_at) VALUES (?1, NULL, 'deleted', ?2, ?3, ?4, ?5)",
                           &st, err);
  if (out == TIDU_OK) {
    tidu_sql_bind_text(st, 1, uscc);
    tidu_sql_bind_text(st, 2, was ? old : NULL);
    tidu_sql_bind_text(st, 3, del ? now : NULL);
    tidu_sql_bind_int64(st, 4, event_id);
    tidu_sql_bind_text(st, 5, now);
    out = tidu_sql_run(st, err);
  }
  tidu_sql_finalize(st);
  st = NULL;
  if (out == TIDU_OK)
    out = tidu_sql_prepare(s->db, "UPDATE firms SET deleted_at = ?2 WHERE uscc = ?1", &st, err);
  if (out == TIDU_OK) {
    tidu_sql_bind_text(st, 1, uscc);
    tidu_sql_bind_text(st, 2, del ? now : NULL);
    out = tidu_sql_run(st, err);
  }
  tidu_sql_finalize(st);
  return out;
}

tidu_code tidu_store_delete(tidu_store *s, const char *uscc, const char *who, const char *why,
                            tidu_error *err) {
  return set_deleted(s, uscc, 1, who, why, err);
}

tidu_code tidu_store_undelete(tidu_store *s, const char *uscc, const char *who, const char *why,
                              tidu_error *err) {
  return set_deleted(s, uscc, 0, who, why, err);
}
