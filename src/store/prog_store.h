/* The programme's tables: named queries over the pool, key firms, progress, institutions,
 * financing, activities, targets and ladders (the store keeps the SQL; src/programme decides). */
#ifndef TIDU_STORE_PROG_STORE_H
#define TIDU_STORE_PROG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/error.h"
#include "tidu/store.h"

/* The named queries. ORDER: kept in step with the table `queries` in src/store/programme.c. */
typedef enum tidu_pq {
  PQ_FIRM_EXISTS = 0, /* (uscc) -> 1 row when a live firm */
  PQ_FIRM_BRIEF,      /* (uscc) -> name, region, industry, chains, target_board, listing_status,
                         listing_stage, listing_intention, titles */
  PQ_POOL_GET,        /* (uscc) -> state, source, proposed_by, note, exit_reason, officer,
                         added_at, changed_at */
  PQ_POOL_INSERT,     /* (uscc, state, source, by, note, now, event) */
  PQ_POOL_UPDATE,     /* (uscc, state, source, by, note, exit_reason, now, event) */
  PQ_POOL_OFFICER,    /* (uscc, officer, event) */
  PQ_POOL_LIST,       /* () -> uscc, name, region, industry, chains, state, source, by, note,
                         exit_reason, officer, added_at, changed_at */
  PQ_EVENTS,          /* (uscc?, action-prefix?, since?, limit) -> id, at, who, action, uscc,
                         what, why, source */
  PQ_EVENT_ADD,       /* (at, who, action, uscc, what, why, source) */
  PQ_KEY_DELETE,      /* (year) */
  PQ_KEY_INSERT,      /* (year, uscc, pos, score_e4, reasons, event) */
  PQ_KEY_GET,         /* (year) -> uscc, name, region, chains, score_e4, reasons, officer, pos */
  PQ_LOG_ADD,         /* (uscc, date, text, who, event) */
  PQ_LOG_LIST,        /* (uscc) -> id, date, text, who */
  PQ_PROGRESS_ADD,    /* (uscc, stage, board, date, forced, reason, event) */
  PQ_PROGRESS_LIST,   /* (uscc) -> stage, board, date, forced, reason */
  PQ_PROGRESS_ALL,    /* (date-max) -> uscc, stage, board, date */
  PQ_INST_ADD,        /* (name, type, region, industries, boards, conditions, duties, now, ev) */
  PQ_INST_LIST,       /* () -> id, name, type, region, industries, boards, conditions, duties,
                         status, status_reason, assignments */
  PQ_INST_BY_ID,      /* (id) -> same */
  PQ_INST_BY_NAME,    /* (name) -> same */
  PQ_INST_STATUS,     /* (id, status, reason, event) */
  PQ_INST_ASSIGN,     /* (inst, uscc, role, now, event) */
  PQ_INST_ASSIGNED,   /* (inst, uscc, role) -> 1 row when already assigned */
  PQ_FIN_ADD,         /* (uscc, amount, round, purpose, status, now, event) */
  PQ_FIN_STATUS,      /* (id, status, event) -> changes */
  PQ_FIN_LIST,        /* (uscc?) -> id, uscc, name, amount, round, purpose, status */
  PQ_ACT_ADD,         /* (kind, title, date, chain, note, event) */
  PQ_ACT_EXISTS,      /* (id) */
  PQ_ACT_ATTEND,      /* (activity, uscc, role, interest, closed, event) */
  PQ_ACT_LIST,        /* (kind?, month-prefix?) -> id, kind, title, date, chain, firms,
                         interested, closed */
  PQ_ACT_CHAINS,      /* (month-prefix) -> chain of each roadshow in the month */
  PQ_POOL_CHAINS,     /* () -> chains of admitted pool firms */
  PQ_TARGET_PUT,      /* (label, region, metric, title, target, deadline, event) */
  PQ_TARGET_LIST,     /* () -> id, label, region, metric, title, target, deadline */
  PQ_LADDER_DELETE,   /* (year) */
  PQ_LADDER_PUT,      /* (year, uscc, rung) */
  PQ_LADDER_GET,      /* (year) -> uscc, rung */
  PQ_COUNT
} tidu_pq;

/* One argument: text (NULL binds NULL) or integer. */
typedef struct tidu_parg {
  const char *s;
  int64_t i;
  int is_int;
} tidu_parg;

#define PA_S(x) ((tidu_parg){(x), 0, 0})
#define PA_I(x) ((tidu_parg){NULL, (int64_t)(x), 1})

/* One result row: text of each column (NULL for SQL NULL) and its integer value. Valid only
 * during the callback. Return non-zero to stop. */
typedef int (*tidu_prow_fn)(void *ud, int ncols, const char *const *text, const int64_t *num);

/* Runs named query `q` with `args`; calls `fn` (may be NULL) for each row. *changes (may be
 * NULL) receives the rows changed. The statement is prepared once per store. */
tidu_code tidu_store_pq(tidu_store *s, tidu_pq q, const tidu_parg *args, size_t nargs,
                        tidu_prow_fn fn, void *ud, int64_t *changes, tidu_error *err);

/* Records an audit event (who, action, uscc, what, why, source); *id receives its id. */
tidu_code tidu_store_event_add(tidu_store *s, const char *who, const char *action, const char *uscc,
                               const char *what, const char *why, const char *source, int64_t *id,
                               tidu_error *err);

/* 1 while a transaction of tidu_store_begin is open. */
int tidu_store_in_tx(const tidu_store *s);

/* Frees the cached programme statements (called by tidu_store_close). */
void tidu_store_finalize_prog(tidu_store *s);

#endif
