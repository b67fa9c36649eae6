/* The cultivation programme: reserve pool, layering, ladder, key firms, progress, institutions,
 * financing, activities, targets and reports over the registry. */
#ifndef TIDU_PROGRAMME_H
#define TIDU_PROGRAMME_H

/* ==== API overview ==========================================================================
 *
 * Every function here takes a store (include/tidu/store.h) and parameters, and returns a
 * status with a filled tidu_error (Chinese first, " / " English) and, where it reads, a result
 * struct the caller frees with the function named beside it. Nothing prints; the CLI commands
 * (src/cli/cmd_pool.c, cmd_ladder.c, cmd_prog.c) and the HTTP routes call the same functions.
 *
 * Who did it: every call that changes something takes a tidu_actor (who, and the command or
 * import it came from) and records an audit event (tidu_events_list reads them back).
 * Changes are one transaction each: on any error nothing is written.
 *
 *   context     tidu_programme_open / _close — the rules used by reviews, layering, the ladder
 *               (built-in boards and tiers + rules/programme/, or a replacement directory)
 *   pool        tidu_pool_add / _admit / _reject / _exit, tidu_pool_list, tidu_pool_review
 *               (entries and exits computed by the programme rule sets; apply is idempotent)
 *   layering    tidu_pool_layers (one board per pool firm, with the reason)
 *   ladder      tidu_ladder (rung per firm in a year), tidu_transitions (moves against the
 *               year before, eligibility changes, 小升规 reward candidates)
 *   key firms   tidu_pool_shortlist (readiness score, apply records the year's list),
 *               tidu_pool_assign (officer), tidu_pool_log_add / tidu_pool_log_list
 *   progress    tidu_progress_record (stage order checked unless forced), tidu_progress_list
 *   institutions tidu_inst_add / _list / _get / _assign / _set_status / _suggest
 *   financing   tidu_finance_add / _list;  activities: tidu_activity_add / _attend / _list,
 *               tidu_activity_missing_roadshows ("which chains had no roadshow this month")
 *   targets     tidu_target_add / tidu_targets_load_file / tidu_targets_measure
 *   reports     tidu_prog_report (a table: pool, layers, ladder, key-firms, targets,
 *               institutions, events) written as CSV / JSON / XLSX by tidu_sheet_write
 *   industry    tidu_tagset_* (industry systems as data: Jiangsu 1650, Shaanxi chains)
 *
 * Strings in results are owned by the result. Money is in 分 (int64), as everywhere.
 * ========================================================================================== */

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/sheet.h"
#include "tidu/store.h"

/* ---- who did it ------------------------------------------------------------------------- */

typedef struct tidu_actor {
  const char *who;    /* user or officer name; NULL = "unknown" */
  const char *source; /* the command or import: "cli: pool admit", "api: POST /api/pool" */
} tidu_actor;

/* ---- the programme context -------------------------------------------------------------- */

typedef struct tidu_programme tidu_programme;

typedef struct tidu_programme_options {
  const char *rules_dir;   /* programme rule sets replacing rules/programme/ (NULL = built in) */
  int64_t as_of;           /* assessment date in days since 1970-01-01 (selects rule versions) */
  const char *scope;       /* region code prefix of the programme ("32"); NULL = everywhere */
  const char *board_order; /* layering order, comma-separated; NULL = main,chinext,star,bse,
                              neeq,regional */
  int64_t reward_cap_fen;  /* 小升规 reward per firm, in 分 (0 = 50万元, Shanghai's cap) */
  int threads;             /* registry scans: 0 = a worker thread assesses each chunk of firms
                              while the next is read, when there is more than one processor;
                              1 = everything on the calling thread. Same results either way. */
} tidu_programme_options;

/* Compiles the built-in boards and tiers and the programme rule sets. TIDU_ERR_RULE when a
 * programme rule file does not compile (the message names file, line and column). */
TIDU_API tidu_code tidu_programme_open(const tidu_programme_options *opt, tidu_programme **out,
                                       tidu_error *err);
TIDU_API void tidu_programme_close(tidu_programme *p);

/* ---- the reserve pool (上市后备企业库) --------------------------------------------------------
 */

typedef enum tidu_pool_state {
  TIDU_POOL_PROPOSED = 0,
  TIDU_POOL_ADMITTED,
  TIDU_POOL_REJECTED,
  TIDU_POOL_EXITED
} tidu_pool_state;

typedef enum tidu_pool_source {
  TIDU_SRC_LOCAL = 0,   /* 地方发动 */
  TIDU_SRC_INSTITUTION, /* 机构推荐 */
  TIDU_SRC_SELF,        /* 自愿申报 */
  TIDU_SRC_REVIEW       /* 规则筛选 (proposed by tidu_pool_review) */
} tidu_pool_source;

typedef enum tidu_exit_reason {
  TIDU_EXIT_NONE = 0,
  TIDU_EXIT_LISTED,    /* 已上市 (a success) */
  TIDU_EXIT_STANDARD,  /* 不再符合入库标准 */
  TIDU_EXIT_WITHDRAWN, /* 放弃上市意向 */
  TIDU_EXIT_RED_FLAG,  /* 出现负面情形 */
  TIDU_EXIT_MOVED,     /* 迁出本地区 */
  TIDU_EXIT_OTHER      /* 其他 */
} tidu_exit_reason;

/* English names ("proposed", "local", "listed") and Chinese labels; -1 from _find when unknown. */
TIDU_API const char *tidu_pool_state_name(tidu_pool_state s);
TIDU_API const char *tidu_pool_state_zh(tidu_pool_state s);
TIDU_API int tidu_pool_state_find(const char *name);
TIDU_API const char *tidu_pool_source_name(tidu_pool_source s);
TIDU_API const char *tidu_pool_source_zh(tidu_pool_source s);
TIDU_API int tidu_pool_source_find(const char *name);
TIDU_API const char *tidu_exit_reason_name(tidu_exit_reason r);
TIDU_API const char *tidu_exit_reason_zh(tidu_exit_reason r);
TIDU_API int tidu_exit_reason_find(const char *name);

/* Proposes a registry firm for the pool. TIDU_ERR_DATA for an unknown USCC or a firm already
 * proposed or admitted. A rejected or exited firm may be proposed again. */
TIDU_API tidu_code tidu_pool_add(tidu_store *s, const char *uscc, tidu_pool_source src,
                                 const char *by, const char *note, const tidu_actor *a,
                                 tidu_error *err);
/* proposed -> admitted / rejected. `why` is required for reject. */
TIDU_API tidu_code tidu_pool_admit(tidu_store *s, const char *uscc, const char *why,
                                   const tidu_actor *a, tidu_error *err);
TIDU_API tidu_code tidu_pool_reject(tidu_store *s, const char *uscc, const char *why,
                                    const tidu_actor *a, tidu_error *err);
/* admitted -> exited with a reason (not TIDU_EXIT_NONE); `why` free text (required for OTHER). */
TIDU_API tidu_code tidu_pool_exit(tidu_store *s, const char *uscc, tidu_exit_reason reason,
                                  const char *why, const tidu_actor *a, tidu_error *err);

/* One pool firm. */
typedef struct tidu_pool_entry {
  char uscc[19];
  char *name;
  char *region;
  char *industry;
  char *chains;
  tidu_pool_state state;
  tidu_pool_source source;
  char *by;   /* who proposed it (institution, district), or NULL */
  char *note; /* or NULL */
  tidu_exit_reason exit_reason;
  char *officer; /* tracking officer (专人跟踪) or NULL */
  char added_at[32];
  char changed_at[32];
} tidu_pool_entry;

typedef struct tidu_pool_filter {
  int state;                 /* tidu_pool_state, or -1 for all */
  int source;                /* tidu_pool_source, or -1 */
  const char *region_prefix; /* or NULL */
  const char *chain;         /* `chains` holds this tag, or NULL */
  const char *industry_prefix;
} tidu_pool_filter;

typedef struct tidu_pool_list {
  tidu_pool_entry *items;
  size_t n;
} tidu_pool_list;

/* A filter that selects everything. */
TIDU_API void tidu_pool_filter_init(tidu_pool_filter *f);
/* Pool firms ordered by USCC. */
TIDU_API tidu_code tidu_pool_list_get(tidu_store *s, const tidu_pool_filter *f, tidu_pool_list *out,
                                      tidu_error *err);
TIDU_API void tidu_pool_list_free(tidu_pool_list *l);

/* ---- events (audit trail) ----------------------------------------------------------------- */

typedef struct tidu_event {
  int64_t id;
  char *at; /* ISO 8601 UTC */
  char *who;
  char *action; /* "pool.add", "pool.admit", "progress", "inst.assign", "edit", ... */
  char *uscc;   /* or NULL */
  char *what;
  char *why;    /* or NULL */
  char *source; /* command or import, or NULL */
} tidu_event;

typedef struct tidu_event_filter {
  const char *uscc;   /* or NULL */
  const char *action; /* prefix: "pool" matches "pool.add"…; or NULL */
  const char *since;  /* at >= since (ISO text), or NULL */
  size_t limit;       /* 0 = all */
} tidu_event_filter;

typedef struct tidu_event_list {
  tidu_event *items;
  size_t n;
} tidu_event_list;

/* Events oldest first. */
TIDU_API tidu_code tidu_events_list(tidu_store *s, const tidu_event_filter *f, tidu_event_list *out,
                                    tidu_error *err);
TIDU_API void tidu_event_list_free(tidu_event_list *l);

/* ---- review: entries and exits computed by rules ------------------------------------------ */

typedef struct tidu_review_item {
  char uscc[19];
  char *name;
  int enter;               /* 1: proposed entry; 0: proposed exit */
  tidu_exit_reason reason; /* for exits */
  char *why;               /* the standard that decided it, in words */
} tidu_review_item;

typedef struct tidu_review {
  tidu_review_item *items;
  size_t n;
  size_t entries, exits;
  size_t applied; /* changes recorded by apply (0 when nothing was new) */
  size_t firms;   /* registry firms assessed */
} tidu_review;

/* Assesses every registry firm at fiscal year `year` with the boards and the programme rule
 * sets pool_entry and pool_exit: registry firms never in the pool that meet the entry standard
 * are proposed entries (a rejected or exited firm is proposed again only by hand, with
 * tidu_pool_add); admitted firms that meet an exit standard, or fail (not: are unknown on) the
 * entry standard, are proposed exits with the reason. With `apply`, entries are recorded as
 * proposals (source review) and exits as exits, in one transaction; a second apply finds
 * nothing new. */
TIDU_API tidu_code tidu_pool_review(tidu_programme *p, tidu_store *s, int32_t year, int apply,
                                    const tidu_actor *a, tidu_review *out, tidu_error *err);
TIDU_API void tidu_review_free(tidu_review *r);

/* ---- layering (分层) ------------------------------------------------------------------------ */

typedef struct tidu_layer_item {
  char uscc[19];
  char *name;
  char *region;
  char *chains;
  char board[16];  /* "main", "chinext", ... or "none" */
  int qualifies;   /* 1: passes a standard of the board; 0: nearest by gap */
  double distance; /* relative gap of the nearest standard (0 when it qualifies) */
  char *why;       /* "已达 科创板 star.1" / "最接近 北交所 bse.1,相对差距 12%" */
} tidu_layer_item;

typedef struct tidu_layers {
  tidu_layer_item *items; /* admitted pool firms, ordered by board then USCC */
  size_t n;
  char boards[8][16]; /* the layer order */
  size_t nboards;
  size_t counts[9]; /* per board in order, then "none" */
} tidu_layers;

TIDU_API tidu_code tidu_pool_layers(tidu_programme *p, tidu_store *s, int32_t year,
                                    tidu_layers *out, tidu_error *err);
TIDU_API void tidu_layers_free(tidu_layers *l);

/* ---- the gradient ladder (梯度) ------------------------------------------------------------ */

typedef enum tidu_rung {
  TIDU_RUNG_SMALL = 0,    /* 小微/未规上 */
  TIDU_RUNG_ABOVE_SCALE,  /* 规上 */
  TIDU_RUNG_INNOVATIVE,   /* 创新型中小企业 */
  TIDU_RUNG_SRDI,         /* 专精特新 */
  TIDU_RUNG_LITTLE_GIANT, /* 小巨人 */
  TIDU_RUNG_CHAMPION,     /* 单项冠军 */
  TIDU_RUNG_SHAREHOLDING, /* 股改完成 */
  TIDU_RUNG_NEEQ,         /* 新三板/专板 */
  TIDU_RUNG_LISTED,       /* 上市 */
  TIDU_NRUNGS
} tidu_rung;

TIDU_API const char *tidu_rung_name(tidu_rung r);
TIDU_API const char *tidu_rung_zh(tidu_rung r);

typedef struct tidu_ladder_firm {
  char uscc[19];
  char region[8];
  uint8_t rung;
} tidu_ladder_firm;

typedef struct tidu_ladder_group {
  char *key; /* region prefix or chain tag */
  size_t counts[TIDU_NRUNGS];
} tidu_ladder_group;

typedef struct tidu_ladder {
  int32_t year;
  size_t counts[TIDU_NRUNGS];
  tidu_ladder_firm *firms; /* every registry firm, by USCC */
  size_t n;
  tidu_ladder_group *groups; /* with by != NONE, sorted by key */
  size_t ngroups;
} tidu_ladder;

typedef enum tidu_ladder_by { TIDU_BY_NONE = 0, TIDU_BY_REGION, TIDU_BY_CHAIN } tidu_ladder_by;

/* Each registry firm's rung in fiscal year `year`: listed / NEEQ from listing_status and the
 * progress records dated in or before the year, 股改 from listing_stage or progress, titles
 * held, and 规上 from the above_scale tier rule on the year's figures. With `record`, the
 * year's rungs are stored (the ladder of that year, used by transitions the year after). */
TIDU_API tidu_code tidu_ladder_compute(tidu_programme *p, tidu_store *s, int32_t year,
                                       tidu_ladder_by by, int record, const tidu_actor *a,
                                       tidu_ladder *out, tidu_error *err);
TIDU_API void tidu_ladder_free(tidu_ladder *l);

/* A move on the ladder between two years, named by the highest boundary it crosses. */
typedef enum tidu_move {
  TIDU_MOVE_NONE = 0,
  TIDU_MOVE_UP_SCALE,   /* 小升规: into 规上 or higher from 小微 */
  TIDU_MOVE_UP_STRONG,  /* 规转强: into 专精特新 or higher */
  TIDU_MOVE_UP_SHARES,  /* 强转股: into 股改 or higher */
  TIDU_MOVE_UP_LISTING, /* 股上市: into NEEQ/专板 or listed */
  TIDU_MOVE_UP_WITHIN,  /* 升级: up without crossing one of the four boundaries */
  TIDU_MOVE_DOWN,       /* 下降 */
  TIDU_NMOVES
} tidu_move;

TIDU_API const char *tidu_move_name(tidu_move m); /* "up_scale", … */
TIDU_API const char *tidu_move_zh(tidu_move m);   /* "小升规", … */

typedef struct tidu_transition {
  char uscc[19];
  char *name;
  uint8_t from, to;   /* rungs */
  int move;           /* tidu_move */
  char *gained;       /* boards/tiers newly eligible: "bse,srdi_sme" or NULL */
  char *lost;         /* no longer eligible, or NULL */
  int reward;         /* 1: a 小升规 reward candidate */
  int64_t reward_fen; /* the reward rule's amount, in 分 */
  char *reward_why;
} tidu_transition;

typedef struct tidu_transitions {
  int32_t year;
  tidu_transition *items; /* firms with a move, a change of eligibility, or a reward */
  size_t n;
  size_t moves[TIDU_NMOVES];
  size_t rewards;
  int64_t reward_total_fen;
} tidu_transitions;

/* Moves between year-1 and year (the recorded ladder of year-1 when there is one, else
 * computed from the figures of year-1), eligibility changes for every board and tier, and
 * 小升规 reward candidates under the programme rule set `reward`. */
TIDU_API tidu_code tidu_transitions_compute(tidu_programme *p, tidu_store *s, int32_t year,
                                            tidu_transitions *out, tidu_error *err);
TIDU_API void tidu_transitions_free(tidu_transitions *t);

/* ---- key firms (重点企业) ------------------------------------------------------------------- */

typedef struct tidu_key_firm {
  char uscc[19];
  char *name;
  char *region;
  char *chains;
  double score; /* readiness score 0..100 (docs/programme.md) */
  char *reasons;
  char *officer;
  int rank;
} tidu_key_firm;

typedef struct tidu_shortlist {
  int32_t year;
  tidu_key_firm *items;
  size_t n;
  int recorded; /* apply stored this list */
} tidu_shortlist;

typedef struct tidu_shortlist_options {
  int32_t year;
  int count;      /* > 0 */
  int per_chain;  /* 0 = no limit */
  int per_region; /* 0 = no limit; regions compared on 4 digits (city) */
  int apply;
} tidu_shortlist_options;

/* Ranks admitted pool firms by readiness score and takes the first `count` within the limits;
 * with apply, records the year's list (replacing an earlier list of that year, as an event). */
TIDU_API tidu_code tidu_pool_shortlist(tidu_programme *p, tidu_store *s,
                                       const tidu_shortlist_options *o, const tidu_actor *a,
                                       tidu_shortlist *out, tidu_error *err);
/* The recorded list of a year (empty when none). */
TIDU_API tidu_code tidu_key_firms_get(tidu_store *s, int32_t year, tidu_shortlist *out,
                                      tidu_error *err);
TIDU_API void tidu_shortlist_free(tidu_shortlist *l);

/* The tracking officer of a pool firm (proposed or admitted). */
TIDU_API tidu_code tidu_pool_assign(tidu_store *s, const char *uscc, const char *officer,
                                    const tidu_actor *a, tidu_error *err);

typedef struct tidu_log_entry {
  int64_t id;
  char date[11];
  char *text;
  char *who;
} tidu_log_entry;

typedef struct tidu_log_list {
  tidu_log_entry *items;
  size_t n;
} tidu_log_list;

/* A dated consulting note on a pool firm (date "YYYY-MM-DD", NULL = today). */
TIDU_API tidu_code tidu_pool_log_add(tidu_store *s, const char *uscc, const char *date,
                                     const char *text, const tidu_actor *a, tidu_error *err);
TIDU_API tidu_code tidu_pool_log_list(tidu_store *s, const char *uscc, tidu_log_list *out,
                                      tidu_error *err);
TIDU_API void tidu_log_list_free(tidu_log_list *l);

/* ---- listing progress (上市进程) ------------------------------------------------------------ */

/* Stages in order: shareholding 股改, counselling 辅导备案, filed 申报, accepted 受理,
 * inquiry 问询, committee 上市委审议, registered 注册, listed 发行上市; NEEQ: neeq_applied
 * 申请挂牌, neeq_listed 挂牌; regional: regional_listed 入板. */
TIDU_API int tidu_stage_find(const char *name); /* -1 when unknown */
TIDU_API const char *tidu_stage_name(int stage);
TIDU_API const char *tidu_stage_zh(int stage);
TIDU_API int tidu_stage_count(void);

typedef struct tidu_progress_entry {
  int stage;
  char board[16];
  char date[11];
  int forced;
  char *reason;
} tidu_progress_entry;

typedef struct tidu_progress_list {
  tidu_progress_entry *items; /* by date, then stage */
  size_t n;
} tidu_progress_list;

/* Records a stage reached on `date`. An exchange stage needs `board` (main, chinext, star,
 * bse). A stage before the latest one on the same track, or dated before it, is refused
 * (TIDU_ERR_DATA) unless `force` with a `reason`. */
TIDU_API tidu_code tidu_progress_record(tidu_store *s, const char *uscc, const char *stage,
                                        const char *board, const char *date, int force,
                                        const char *reason, const tidu_actor *a, tidu_error *err);
TIDU_API tidu_code tidu_progress_list_get(tidu_store *s, const char *uscc, tidu_progress_list *out,
                                          tidu_error *err);
TIDU_API void tidu_progress_list_free(tidu_progress_list *l);

/* ---- service institutions (服务机构库) ------------------------------------------------------ */

typedef struct tidu_inst {
  int64_t id;
  char *name;
  char *type;       /* broker, accountant, law_firm, investor, bank, appraiser, other */
  char *region;     /* region prefix served, or NULL */
  char *industries; /* ';'-joined industry prefixes or chain tags it knows, or NULL */
  char *boards;     /* ';'-joined boards it has brought firms to, or NULL */
  char *conditions; /* 入库条件 met, text */
  char *duties;     /* 职责, text */
  char *status;     /* admitted, suspended, exited */
  char *status_reason;
  size_t assignments; /* firms assigned */
} tidu_inst;

typedef struct tidu_inst_list {
  tidu_inst *items;
  size_t n;
} tidu_inst_list;

TIDU_API const char *tidu_inst_type_zh(const char *type); /* NULL when the type is unknown */

/* Adds an institution (status admitted); *id receives its id. TIDU_ERR_DATA on an unknown type
 * or a duplicate name. */
TIDU_API tidu_code tidu_inst_add(tidu_store *s, const tidu_inst *in, const tidu_actor *a,
                                 int64_t *id, tidu_error *err);
TIDU_API tidu_code tidu_inst_list_get(tidu_store *s, tidu_inst_list *out, tidu_error *err);
/* By id ("12") or exact name. */
TIDU_API tidu_code tidu_inst_get(tidu_store *s, const char *key, tidu_inst *out, tidu_error *err);
TIDU_API void tidu_inst_clear(tidu_inst *in);
TIDU_API void tidu_inst_list_free(tidu_inst_list *l);
/* status: "suspended", "exited" (reason required) or "admitted" (reinstated). */
TIDU_API tidu_code tidu_inst_set_status(tidu_store *s, const char *key, const char *status,
                                        const char *reason, const tidu_actor *a, tidu_error *err);
/* Role: sponsor 保荐/主办券商, auditor 审计, lawyer 律师, lead_investor 领投, lender 贷款.
 * The institution must be admitted. */
TIDU_API tidu_code tidu_inst_assign(tidu_store *s, const char *key, const char *uscc,
                                    const char *role, const tidu_actor *a, tidu_error *err);
/* Admitted institutions ranked for a firm: +3 same region prefix (2 digits), +3 knows the
 * firm's industry section or one of its chains, +2 has brought firms to the firm's target
 * board (or its layer), -1 per 10 current assignments (load); ties by id. */
TIDU_API tidu_code tidu_inst_suggest(tidu_store *s, const char *uscc, const char *board,
                                     tidu_inst_list *out, tidu_error *err);

/* ---- financing and activities ---------------------------------------------------------------- */

typedef struct tidu_finance {
  int64_t id;
  char uscc[19];
  char *name;
  int64_t amount_fen;
  char *round;
  char *purpose;
  char *status; /* seeking, in_talks, closed, dropped */
} tidu_finance;

typedef struct tidu_finance_list {
  tidu_finance *items;
  size_t n;
} tidu_finance_list;

TIDU_API tidu_code tidu_finance_add(tidu_store *s, const tidu_finance *in, const tidu_actor *a,
                                    int64_t *id, tidu_error *err);
TIDU_API tidu_code tidu_finance_set_status(tidu_store *s, int64_t id, const char *status,
                                           const tidu_actor *a, tidu_error *err);
TIDU_API tidu_code tidu_finance_list_get(tidu_store *s, const char *uscc, tidu_finance_list *out,
                                         tidu_error *err);
TIDU_API void tidu_finance_list_free(tidu_finance_list *l);

/* Activity kinds: roadshow 路演, training 培训, salon 沙龙, visit 走访交易所, exec_class
 * 高管研修班. */
typedef struct tidu_activity {
  int64_t id;
  char *kind;
  char *title;
  char date[11];
  char *chain; /* roadshows: the chain (一月一链), or NULL */
  size_t firms;
  size_t interested;
  int64_t closed_fen;
} tidu_activity;

typedef struct tidu_activity_list {
  tidu_activity *items;
  size_t n;
} tidu_activity_list;

TIDU_API tidu_code tidu_activity_add(tidu_store *s, const tidu_activity *in, const tidu_actor *a,
                                     int64_t *id, tidu_error *err);
/* A firm attending in a role (presenter, investor, attendee, …), with the outcome: investor
 * interest (count) and the amount closed (分, 0 when none). */
TIDU_API tidu_code tidu_activity_attend(tidu_store *s, int64_t activity, const char *uscc,
                                        const char *role, int interest, int64_t closed_fen,
                                        const tidu_actor *a, tidu_error *err);
/* `month` "YYYY-MM" or NULL for all; `kind` or NULL. */
TIDU_API tidu_code tidu_activity_list_get(tidu_store *s, const char *kind, const char *month,
                                          tidu_activity_list *out, tidu_error *err);
TIDU_API void tidu_activity_list_free(tidu_activity_list *l);

/* The chains of `chains` (a ';'-joined list; NULL = every chain of the pool's admitted firms)
 * that had no roadshow in `month` ("YYYY-MM"). *out is a malloc'd array of malloc'd strings. */
TIDU_API tidu_code tidu_activity_missing_roadshows(tidu_store *s, const char *month,
                                                   const char *chains, char ***out, size_t *n,
                                                   tidu_error *err);
TIDU_API void tidu_strings_free(char **v, size_t n);

/* ---- targets (目标) ------------------------------------------------------------------------ */

/* Metrics: pool_size 入库企业数, first_batch 首批入库, neeq_listings 新三板/专板挂牌,
 * ipos 上市, titled 持有资质(title given in `title`), above_scale_new 新增规上, key_firms 重点企业.
 */
typedef struct tidu_target {
  int64_t id;
  char *label;
  char *region; /* prefix, "" for the whole country */
  char *metric;
  char *title; /* for titled */
  int64_t target;
  char deadline[11];
  /* measured by tidu_targets_measure */
  int64_t actual;
  char **firms; /* the USCCs behind `actual` */
  size_t nfirms;
} tidu_target;

typedef struct tidu_target_list {
  tidu_target *items;
  size_t n;
} tidu_target_list;

/* TIDU_ERR_DATA on an unknown metric, a target <= 0 or a bad deadline. Re-adding the same
 * (region, metric, title, deadline) updates the number and the label (an event). */
TIDU_API tidu_code tidu_target_add(tidu_store *s, const tidu_target *t, const tidu_actor *a,
                                   tidu_error *err);
/* Loads targets from a file of lines "region<TAB>metric<TAB>target<TAB>deadline<TAB>label
 * [<TAB>title]" ('#' comments); all or nothing, errors name file and line. */
TIDU_API tidu_code tidu_targets_load_file(tidu_store *s, const char *path, const tidu_actor *a,
                                          size_t *n, tidu_error *err);
/* Every target with its actual figure measured from the registry at fiscal year `year`, and
 * the firms behind it. */
TIDU_API tidu_code tidu_targets_measure(tidu_programme *p, tidu_store *s, int32_t year,
                                        tidu_target_list *out, tidu_error *err);
TIDU_API void tidu_target_list_free(tidu_target_list *l);

/* ---- industry systems as data ------------------------------------------------------------ */

typedef struct tidu_tag {
  char *id;
  char *name;
  char *group;      /* cluster / sector the tag belongs to, or NULL */
  char *industries; /* ';'-joined GB/T 4754 prefixes, or NULL */
  char *chains;     /* ';'-joined declared chain names that map here, or NULL */
  int known;        /* 0: listed as a placeholder (the source does not name it) */
} tidu_tag;

typedef struct tidu_tagset {
  char *id;
  char *name;
  tidu_tag *tags;
  size_t n;
} tidu_tagset;

/* Loads a tag set: a file, or a built-in name ("jiangsu-1650", "shaanxi"). Errors name file,
 * line and column. */
TIDU_API tidu_code tidu_tagset_load(const char *name_or_path, tidu_tagset **out, tidu_error *err);
TIDU_API void tidu_tagset_free(tidu_tagset *t);
/* The built-in tag sets' names (NULL-terminated). */
TIDU_API const char *const *tidu_tagset_builtin_names(void);
/* The tags of `ts` a firm belongs to (by industry code prefix or declared chain), ';'-joined
 * into buf; returns the number of tags. */
TIDU_API size_t tidu_tagset_match(const tidu_tagset *ts, const char *industry, const char *chains,
                                  char *buf, size_t size);

/* ---- reports -------------------------------------------------------------------------------- */

typedef enum tidu_report_kind {
  TIDU_REPORT_POOL = 0,
  TIDU_REPORT_LAYERS,
  TIDU_REPORT_LADDER,
  TIDU_REPORT_KEY_FIRMS,
  TIDU_REPORT_TARGETS,
  TIDU_REPORT_INSTITUTIONS,
  TIDU_REPORT_EVENTS
} tidu_report_kind;

/* "pool", "layers", "ladder", "key-firms", "targets", "institutions", "events"; -1 unknown. */
TIDU_API int tidu_report_kind_find(const char *name);

/* Builds report `kind` for fiscal year `year`. *out is freed with tidu_sheet_free. */
TIDU_API tidu_code tidu_prog_report(tidu_programme *p, tidu_store *s, tidu_report_kind kind,
                                    int32_t year, tidu_sheet **out, tidu_error *err);

#endif
