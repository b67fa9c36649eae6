/* Internals shared by the files of src/programme: the context and the registry scan. */
#ifndef TIDU_PROGRAMME_PROG_INT_H
#define TIDU_PROGRAMME_PROG_INT_H

#include "store/prog_store.h"
#include "tidu/assess.h"
#include "tidu/programme.h"
#include "tidu/rules.h"
#include "tidu/toolkit.h"

#define PROG_CHUNK     512
#define PROG_MAXBOARDS 8

/* The exchange boards whose standards count for board_eligible / board_gap. */
#define PROG_NEXCHANGE 4

/* Tiers the ladder reads (selection indices in tiers[], -1 when absent). */
enum { T_ABOVE_SCALE = 0, T_INNOVATIVE, T_SRDI, T_LITTLE_GIANT, T_CHAMPION, PROG_NTIERS };

struct tidu_programme {
  tidu_rulebook *book;       /* boards and tiers (built in) */
  tidu_selection *sel;       /* the selection in use: sel_core, or sel_full for transitions */
  tidu_selection *sel_full;  /* every board, positioning test and tier in force */
  tidu_selection *sel_core;  /* the boards of the layering order, the exchanges, above_scale */
  tidu_selection *sel_scale; /* above_scale alone, for the year before */
  tidu_rulebook *pbook;      /* the programme's rule sets */
  tidu_selection *psel;
  int64_t as_of;
  char scope[16];
  char order[PROG_MAXBOARDS][16]; /* layering order */
  size_t norder;
  int rs_order[PROG_MAXBOARDS]; /* selection index of each board of `order`, -1 absent */
  int rs_exchange[PROG_NEXCHANGE];
  int tiers[PROG_NTIERS];
  int rs_entry, rs_exit, rs_reward; /* indices in psel, -1 when absent */
  int64_t reward_cap_fen;
  int threads; /* 1: assess on the calling thread (tidu_programme_options) */
  /* two chunks of firms in flight: one assessed on a worker thread while the next is read */
  struct prog_slot {
    tidu_firm *firms; /* PROG_CHUNK firms: the chunks borrow their text */
    size_t n;
    tidu_eval *ev, *ev_prev, *pev;
    tidu_chunk *chunk, *chunk_prev;
  } slot[2];
};

/* One evaluated chunk of registry firms, passed to a scan callback. */
typedef struct prog_chunk {
  const tidu_firm *firms;
  size_t n;
  int32_t year;
  const tidu_eval *ev;      /* boards and tiers at `year` */
  const tidu_eval *ev_prev; /* above_scale at year - 1 */
  const tidu_eval *pev;     /* programme rule sets at `year` */
  const tidu_chunk *chunk;  /* with the computed fields filled */
} prog_chunk;

typedef tidu_code (*prog_fn)(void *ud, tidu_programme *p, const prog_chunk *c, tidu_error *err);

/* Switches the scans to every rule set in force (full = 1) or only to those the pool, layers,
 * ladder and targets read (full = 0, the default), and recomputes the indices. */
void prog_use_full(tidu_programme *p, int full);

/* Assesses registry firms at fiscal year `year` in chunks: all live firms when `uscc` is NULL,
 * else the `n` firms listed. Calls `fn` for each chunk. */
tidu_code prog_scan(tidu_programme *p, tidu_store *s, int32_t year, char *const *uscc, size_t n,
                    prog_fn fn, void *ud, tidu_error *err);

/* Verdict of programme rule set index `rs` (in psel; -1 gives NA) for a lane. */
tidu_verdict prog_pverdict(const tidu_programme *p, const prog_chunk *c, int rs, size_t lane);

/* The id of the passing standard of programme rule set `rs` for a lane, or NULL. */
const char *prog_passing_std(const tidu_programme *p, const prog_chunk *c, int rs, size_t lane);

/* Nearest board standard: board selection index, distance and whether it passes. */
const char *prog_std_id(const tidu_selection *sel, int rs, int std);

/* Listing progress recorded up to the end of a year, as the highest rung per USCC (sorted). */
typedef struct prog_rung {
  char uscc[19];
  uint8_t rung;
} prog_rung;

typedef struct prog_rungs {
  prog_rung *v;
  size_t n, cap;
  int nomem;
} prog_rungs;

tidu_code prog_load_progress(tidu_store *s, int32_t year, prog_rungs *pr, tidu_error *err);
/* The ladder rung (tidu_rung) of lane i of an evaluated chunk at the end of its year. */
int prog_rung_of(const tidu_programme *p, const prog_chunk *c, size_t i, int64_t year_end,
                 const prog_rungs *pr);

/* Chinese name of a target metric (the metric itself when unknown). */
const char *prog_metric_zh(const char *metric);

/* Records an audit event with the actor. */
tidu_code prog_event(tidu_store *s, const tidu_actor *a, const char *action, const char *uscc,
                     const char *what, const char *why, int64_t *id, tidu_error *err);

/* Begins a transaction unless one is open (then *own = 0 and the caller's transaction holds
 * the change). */
tidu_code prog_begin(tidu_store *s, int *own, tidu_error *err);
/* When `own`: commits when rc is OK, else rolls back. Returns rc (or the commit's error). */
tidu_code prog_finish(tidu_store *s, int own, tidu_code rc, tidu_error *err);

/* Fails with TIDU_ERR_DATA unless `uscc` is a live registry firm. */
tidu_code prog_need_firm(tidu_store *s, const char *uscc, tidu_error *err);

/* Out of memory error. */
tidu_code prog_nomem(tidu_error *err);
/* 1 when the ';'- or ','-separated list `list` holds `item`. */
int prog_list_has(const char *list, const char *item);
/* Checks a YYYY-MM-DD date. */
int prog_date_ok(const char *d);
/* Today (UTC) as YYYY-MM-DD. */
void prog_today(char buf[11]);

#endif
