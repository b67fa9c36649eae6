/* The programme's tables: the SQL of the named queries of prog_store.h, run with cached
 * statements. Stores and reads; decides nothing (src/programme does). */
#include "store/prog_store.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* ORDER: one entry per tidu_pq, in the same order. Portable SQL: no SQLite-only syntax. */
static const char *const queries[PQ_COUNT] = {
    /* PQ_FIRM_EXISTS */
    "SELECT 1 FROM firms WHERE uscc = ?1 AND deleted_at IS NULL",
    /* PQ_FIRM_BRIEF */
    "SELECT name, region, industry, chains, target_board, listing_status, listing_stage,"
    " listing_intention, titles FROM firms WHERE uscc = ?1 AND deleted_at IS NULL",
    /* PQ_POOL_GET */
    "SELECT state, source, proposed_by, note, exit_reason, officer, added_at, changed_at"
    " FROM pool WHERE uscc = ?1",
    /* PQ_POOL_INSERT */
    "INSERT INTO pool (uscc, state, source, proposed_by, note, added_at, changed_at, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
    /* PQ_POOL_UPDATE */
    "UPDATE pool SET state = ?2, source = ?3, proposed_by = ?4, note = ?5, exit_reason = ?6,"
    " changed_at = ?7, event_id = ?8 WHERE uscc = ?1",
    /* PQ_POOL_OFFICER */
    "UPDATE pool SET officer = ?2, event_id = ?3 WHERE uscc = ?1",
    /* PQ_POOL_LIST */
    "SELECT p.uscc, f.name, f.region, f.industry, f.chains, p.state, p.source, p.proposed_by,"
    " p.note, p.exit_reason, p.officer, p.added_at, p.changed_at"
    " FROM pool p JOIN firms f ON f.uscc = p.uscc ORDER BY p.uscc",
    /* PQ_EVENTS */
    "SELECT id, at, who, action, uscc, what, why, source FROM events"
    " WHERE (CAST(?1 AS TEXT) IS NULL OR uscc = ?1) AND (CAST(?2 AS TEXT) IS NULL OR action = ?2"
    " OR action LIKE CAST(?2 AS TEXT) || '.%') AND (CAST(?3 AS TEXT) IS NULL OR at >= ?3)"
    " ORDER BY id LIMIT ?4",
    /* PQ_EVENT_ADD */
    "INSERT INTO events (at, who, action, uscc, what, why, source)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* PQ_KEY_DELETE */
    "DELETE FROM key_firms WHERE year = ?1",
    /* PQ_KEY_INSERT */
    "INSERT INTO key_firms (year, uscc, pos, score, reasons, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* PQ_KEY_GET */
    "SELECT k.uscc, f.name, f.region, f.chains, k.score, k.reasons, p.officer, k.pos"
    " FROM key_firms k JOIN firms f ON f.uscc = k.uscc LEFT JOIN pool p ON p.uscc = k.uscc"
    " WHERE k.year = ?1 ORDER BY k.pos",
    /* PQ_LOG_ADD */
    "INSERT INTO consult_log (uscc, on_date, body, who, event_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    /* PQ_LOG_LIST */
    "SELECT id, on_date, body, who FROM consult_log WHERE uscc = ?1 ORDER BY on_date, id",
    /* PQ_PROGRESS_ADD */
    "INSERT INTO progress (uscc, stage, board, on_date, forced, reason, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* PQ_PROGRESS_LIST */
    "SELECT stage, board, on_date, forced, reason FROM progress WHERE uscc = ?1"
    " ORDER BY on_date, id",
    /* PQ_PROGRESS_ALL */
    "SELECT uscc, stage, board, on_date FROM progress WHERE on_date <= ?1 ORDER BY uscc, on_date",
    /* PQ_INST_ADD */
    "INSERT INTO institutions (name, type, region, industries, boards, conditions, duties,"
    " status, added_at, event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'admitted', ?8, ?9)",
    /* PQ_INST_LIST */
    "SELECT i.id, i.name, i.type, i.region, i.industries, i.boards, i.conditions, i.duties,"
    " i.status, i.status_reason, (SELECT count(*) FROM inst_assignments a WHERE a.inst_id ="
    " i.id) FROM institutions i ORDER BY i.id",
    /* PQ_INST_BY_ID */
    "SELECT i.id, i.name, i.type, i.region, i.industries, i.boards, i.conditions, i.duties,"
    " i.status, i.status_reason, (SELECT count(*) FROM inst_assignments a WHERE a.inst_id ="
    " i.id) FROM institutions i WHERE i.id = ?1",
    /* PQ_INST_BY_NAME */
    "SELECT i.id, i.name, i.type, i.region, i.industries, i.boards, i.conditions, i.duties,"
    " i.status, i.status_reason, (SELECT count(*) FROM inst_assignments a WHERE a.inst_id ="
    " i.id) FROM institutions i WHERE i.name = ?1",
    /* PQ_INST_STATUS */
    "UPDATE institutions SET status = ?2, status_reason = ?3, event_id = ?4 WHERE id = ?1",
    /* PQ_INST_ASSIGN */
    "INSERT INTO inst_assignments (inst_id, uscc, role, since, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
    /* PQ_INST_ASSIGNED */
    "SELECT 1 FROM inst_assignments WHERE inst_id = ?1 AND uscc = ?2 AND role = ?3",
    /* PQ_FIN_ADD */
    "INSERT INTO financing (uscc, amount, round, purpose, status, added_at, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* PQ_FIN_STATUS */
    "UPDATE financing SET status = ?2, event_id = ?3 WHERE id = ?1",
    /* PQ_FIN_LIST */
    "SELECT n.id, n.uscc, f.name, n.amount, n.round, n.purpose, n.status FROM financing n"
    " JOIN firms f ON f.uscc = n.uscc WHERE (CAST(?1 AS TEXT) IS NULL OR n.uscc = ?1)"
    " ORDER BY n.id",
    /* PQ_ACT_ADD */
    "INSERT INTO activities (kind, title, on_date, chain, note, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* PQ_ACT_EXISTS */
    "SELECT 1 FROM activities WHERE id = ?1",
    /* PQ_ACT_ATTEND */
    "INSERT INTO activity_firms (activity_id, uscc, role, interest, amount_closed, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* PQ_ACT_LIST */
    "SELECT a.id, a.kind, a.title, a.on_date, a.chain, count(x.uscc),"
    " coalesce(sum(x.interest), 0), coalesce(sum(x.amount_closed), 0) FROM activities a"
    " LEFT JOIN activity_firms x ON x.activity_id = a.id"
    " WHERE (CAST(?1 AS TEXT) IS NULL OR a.kind = ?1)"
    " AND (CAST(?2 AS TEXT) IS NULL OR a.on_date LIKE CAST(?2 AS TEXT) || '%')"
    " GROUP BY a.id, a.kind, a.title, a.on_date, a.chain ORDER BY a.on_date, a.id",
    /* PQ_ACT_CHAINS */
    "SELECT DISTINCT chain FROM activities WHERE kind = 'roadshow' AND chain IS NOT NULL"
    " AND on_date LIKE CAST(?1 AS TEXT) || '%'",
    /* PQ_POOL_CHAINS */
    "SELECT f.chains FROM pool p JOIN firms f ON f.uscc = p.uscc WHERE p.state = 'admitted'"
    " AND f.chains IS NOT NULL",
    /* PQ_TARGET_PUT */
    "INSERT INTO targets (label, region, metric, title, target, deadline, event_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (region, metric, title, deadline)"
    " DO UPDATE SET label = excluded.label, target = excluded.target,"
    " event_id = excluded.event_id",
    /* PQ_TARGET_LIST */
    "SELECT id, label, region, metric, title, target, deadline FROM targets"
    " ORDER BY region, deadline, id",
    /* PQ_LADDER_DELETE */
    "DELETE FROM ladder WHERE year = ?1",
    /* PQ_LADDER_PUT */
    "INSERT INTO ladder (year, uscc, rung) VALUES (?1, ?2, ?3)",
    /* PQ_LADDER_GET */
    "SELECT uscc, rung FROM ladder WHERE year = ?1 ORDER BY uscc",
};

#define MAX_COLS 16

tidu_code tidu_store_pq(tidu_store *s, tidu_pq q, const tidu_parg *args, size_t nargs,
                        tidu_prow_fn fn, void *ud, int64_t *changes, tidu_error *err) {
  if ((unsigned)q >= PQ_COUNT)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "unknown query %d", (int)q);
  tidu_sql_stmt *st = s->pq[q];
  if (!st) {
    tidu_code rc = tidu_sql_prepare(s->db, queries[q], &st, err);
    if (rc != TIDU_OK) return rc;
    s->pq[q] = st;
  }
  tidu_sql_reset(st);
  for (size_t i = 0; i < nargs; i++) {
    int idx = (int)i + 1;
    if (args[i].is_int)
      tidu_sql_bind_int64(st, idx, args[i].i);
    else
      tidu_sql_bind_text(st, idx, args[i].s);
  }
  int row = 0, stop = 0;
  tidu_code rc;
  while (!stop && (rc = tidu_sql_step(st, &row, err)) == TIDU_OK && row) {
    int n = tidu_sql_column_count(st);
    if (n > MAX_COLS) n = MAX_COLS;
    const char *text[MAX_COLS];
    int64_t num[MAX_COLS];
    for (int c = 0; c < n; c++) {
      text[c] = tidu_sql_column_text(st, c);
      num[c] = tidu_sql_column_int64(st, c);
    }
    if (fn) stop = fn(ud, n, text, num);
  }
  if (!stop && rc != TIDU_OK) {
    tidu_sql_reset(st);
    return rc;
  }
  if (changes) *changes = tidu_sql_changes(st);
  tidu_sql_reset(st);
  return TIDU_OK;
}

tidu_code tidu_store_event_add(tidu_store *s, const char *who, const char *action, const char *uscc,
                               const char *what, const char *why, const char *source, int64_t *id,
                               tidu_error *err) {
  return tidu_store_event(s, who, action, uscc, what, why, source, id, err);
}

void tidu_store_finalize_prog(tidu_store *s) {
  for (int i = 0; i < PQ_COUNT; i++) {
    tidu_sql_finalize(s->pq[i]);
    s->pq[i] = NULL;
  }
}

int tidu_store_in_tx(const tidu_store *s) {
  return s->in_tx;
}
