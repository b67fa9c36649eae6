/* `tidu assess`: reads firms, runs the selected rule sets, prints a table, NDJSON or CSV. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "cli_batch.h"
#include "tidu/app.h"
#include "tidu/assess.h"
#include "tidu/io.h"
#include "tidu/pack.h"
#include "tidu/rules.h"
#include "tidu/toolkit.h"

static const cli_option ASSESS_OPTS[] = {
    {"as-of", 0, "DATE", "评估日期,选用当日有效的规则版本(默认今天)",
     "assessment date; picks the rule versions in force (default: today)"},
    {"year", 0, "N", "评估的会计年度 [0](默认各企业最近一年)",
     "fiscal year [0] to assess (default: each firm's latest)"},
    CLI_OPT_RULES,
    {"only", 0, "IDS", "只评估这些规则集(逗号分隔,如 star,bse)",
     "assess only these rule sets (comma-separated, e.g. star,bse)"},
    {"format", 'f', "FMT", "输出格式:table(默认)、json(NDJSON)、csv",
     "output: table (default), json (NDJSON), csv"},
    {"detail", 0, "LEVEL",
     "json 每家企业写多少:summary(结论与最近标准)、failing(默认,另有未达标与缺数据的条件,"
     "条件文字与出处见 tidu rules show --format json)、all(全部条件,含文字与出处)",
     "how much json writes per firm: summary (verdicts, nearest standards), failing (default; "
     "also every failing or unknown condition, its texts and sources by reference to tidu rules "
     "show --format json), all (every condition with texts and sources)"},
    {"explain", 'e', NULL, "表格中每家企业后列出全部标准与条件",
     "after each firm in the table, list every standard and condition"},
    {"lang", 0, "LANG", "输出语言 zh(默认)或 en;CSV 表头 zh 为中文,en 为编号",
     "output language: zh (default) or en; CSV headers: Chinese with zh, ids with en"},
    CLI_OPT_SHEET,
    CLI_READ_OPTS,
    {"summary", 0, NULL, "只输出总体统计(各规则集通过/未通过/待定家数)",
     "print population totals only (pass / fail / unknown per rule set)"},
    {"firm", 0, "USCC|NAME", "只评估这家企业(信用代码,或名称的一部分)",
     "assess only this firm (its USCC, or part of its name)"},
    {"threads", 0, "N", "工作线程数(评估与读取 CSV;默认 CPU 数)",
     "worker threads (assessing, and reading CSV; default: the number of CPUs)"},
    {"wide", 'w', NULL, "表格每家企业一行、名称不截断(默认按终端宽度排版)",
     "table: one line per firm with names in full (default: fit the terminal's width)"},
    {NULL, 0, NULL, NULL, NULL},
};

const cli_spec cli_assess_specs[] = {
    {"assess", "[options] FILE...", "评估企业对各上市板块、定位与梯度培育层级的达标情况",
     "assess firms against the listing boards, positioning tests and cultivation tiers",
     ASSESS_OPTS,
     "输入 / Input: JSON, NDJSON, CSV (UTF-8 或 GB18030), XLSX, tidu pack; \"-\" 为标准输入 / is "
     "stdin.\n"
     "表格 / Table: ✓ 达标/pass  ✗ 未达标/fail (最近标准的差距 / gap of the nearest standard)"
     "  ? 缺数据/missing figures\n"
     "定位与梯度按梯度顺序(创新型 → 专精特新 → 小巨人 → 单项冠军);终端不够宽时另起一行。\n"
     "Positioning and tiers in ladder order (innovative → SRDI → little giant → champion); on "
     "their own line when the terminal is too narrow.\n"
     "例 / Example:\n  tidu assess examples/firms.ndjson\n"
     "  tidu assess --explain --firm 91320500MA1MX3K71M examples/firms.ndjson\n"
     "  tidu assess --as-of 2024-01-15 --only main,star --format json firms.csv\n",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

enum { FMT_TABLE, FMT_JSON, FMT_CSV };

/* The table is written in pages of this many firms, each sized to its own rows. */
#define PAGE     256
#define MAX_COLS 16

/* The selection indexes of one rule set id: its variants (scoped to regions) in order. */
typedef struct variants {
  int idx[8];
  int n;
} variants;

typedef struct column {
  const char *id;
  const char *title;
  variants vs;
} column;

typedef struct assess_ctx {
  int format;
  tidu_detail detail; /* --detail, for json */
  int explain;
  int wide;          /* --wide: one line per firm, names in full */
  int term;          /* the width the table fits (without --wide) */
  const char *firm;  /* --firm: USCC or part of a name */
  uint64_t nmatched; /* firms --firm selected (counted by the workers) */
  int summary;
  int threads; /* workers; 0 = one per processor */
  const char *lang;
  int32_t year;
  int64_t as_of;
  tidu_read_options ro;
  unsigned char firm_fields[TIDU_NFIRM], year_fields[TIDU_NYEAR]; /* what db: inputs read */
  tidu_rulebook *book;
  tidu_selection *sel;
  int input_errors;
  int fatal;
  int firms_before; /* an earlier input had firms (the CSV header is written) */
  int pages_before; /* an earlier input wrote table pages */
  /* table and CSV layout, fixed from the selection */
  column boards[MAX_COLS];
  size_t nboards;
  const char *others[MAX_COLS * 2];      /* positioning and tiers, in selection order */
  const char *others_name[MAX_COLS * 2]; /* their Chinese names, for CSV headers */
  tidu_rule_kind other_kinds[MAX_COLS * 2];
  size_t nothers;
  variants others_vs[MAX_COLS * 2];
  size_t ladder[MAX_COLS * 2]; /* indexes of `others` in ladder order, for the table */
} assess_ctx;

static int en(const assess_ctx *c) {
  return !strcmp(c->lang, "en");
}

/* ---- layout from the selection ---- */

static int listed(const char *const *ids, size_t n, const char *id) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(ids[i], id)) return 1;
  return 0;
}

/* Short column titles of the boards (contract §4 ids). */
static const char *const BOARD_TITLES[][3] = {
    {"main", "主板", "Main"},   {"chinext", "创业板", "ChiNext"},
    {"star", "科创板", "STAR"}, {"bse", "北交所", "BSE"},
    {"neeq", "新三板", "NEEQ"}, {"regional", "区域股权", "Regional"},
};

/* The Chinese or English title of rule set `m` in `titles` ({id, zh, en} rows); its own name
 * when it has no row. */
static const char *title_of(const char *const titles[][3], size_t n, const tidu_ruleset_info *m,
                            int english) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(titles[i][0], m->id)) return titles[i][english ? 2 : 1];
  return english && m->name_en ? m->name_en : m->name;
}

static const char *board_title(const tidu_ruleset_info *m, int english) {
  return title_of(BOARD_TITLES, sizeof BOARD_TITLES / sizeof BOARD_TITLES[0], m, english);
}

static void plan_columns(assess_ctx *c) {
  for (size_t i = 0; i < tidu_selection_count(c->sel); i++) {
    const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(c->sel, i));
    if (m->kind == TIDU_KIND_BOARD) {
      int seen = 0;
      for (size_t k = 0; k < c->nboards; k++) seen |= !strcmp(c->boards[k].id, m->id);
      if (seen || c->nboards == MAX_COLS) continue;
      c->boards[c->nboards++] = (column){m->id, board_title(m, en(c)), {{0}, 0}};
    } else if (!listed(c->others, c->nothers, m->id) && c->nothers < MAX_COLS * 2) {
      c->other_kinds[c->nothers] = m->kind;
      c->others_name[c->nothers] = m->name ? m->name : m->id;
      c->others[c->nothers++] = m->id;
    }
  }
  /* the selection indexes of each column's id, looked up once */
  for (size_t i = 0; i < tidu_selection_count(c->sel); i++) {
    const char *id = tidu_ruleset_meta(tidu_selection_get(c->sel, i))->id;
    variants *vs = NULL;
    for (size_t k = 0; k < c->nboards && !vs; k++)
      if (!strcmp(c->boards[k].id, id)) vs = &c->boards[k].vs;
    for (size_t k = 0; k < c->nothers && !vs; k++)
      if (!strcmp(c->others[k], id)) vs = &c->others_vs[k];
    if (vs && vs->n < (int)(sizeof vs->idx / sizeof vs->idx[0])) vs->idx[vs->n++] = (int)i;
  }
}

/* Where a positioning test or tier stands in the table: positioning first, then the ladder
 * 规上 → 创新型 → 专精特新 → 小巨人 → 单项冠军, then the other titles. */
static int ladder_rank(const char *id) {
  static const char *const ORDER[] = {
      "star_tech",    "chinext_growth",  "above_scale", "innovative_sme", "srdi_sme",
      "little_giant", "single_champion", "high_tech",   "gazelle",        "unicorn"};
  for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0]; i++)
    if (!strcmp(ORDER[i], id)) return (int)i;
  return (int)(sizeof ORDER / sizeof ORDER[0]);
}

static void plan_ladder(assess_ctx *c) {
  for (size_t i = 0; i < c->nothers; i++) c->ladder[i] = i;
  for (size_t i = 1; i < c->nothers; i++) /* insertion sort: stable, a dozen entries */
    for (size_t j = i;
         j > 0 && ladder_rank(c->others[c->ladder[j - 1]]) > ladder_rank(c->others[c->ladder[j]]);
         j--) {
      size_t t = c->ladder[j];
      c->ladder[j] = c->ladder[j - 1];
      c->ladder[j - 1] = t;
    }
}

/* ---- cells straight from the result columns ---- */

static const char *mark(tidu_verdict v) {
  return v == TIDU_V_PASS ? "✓" : v == TIDU_V_FAIL ? "✗" : "?";
}

static const char *mark_color(tidu_verdict v) {
  return v == TIDU_V_PASS ? cli_green() : v == TIDU_V_FAIL ? cli_red() : cli_yellow();
}

/* The selection index of the first rule set called `id` that applies to firm `lane`, or -1
 * (a rule set may come in variants scoped to regions). */
static int applying(const tidu_eval *ev, const variants *vs, size_t lane) {
  for (int i = 0; i < vs->n; i++)
    if (tidu_eval_verdict(ev, (size_t)vs->idx[i], TIDU_WHOLE, lane) != TIDU_V_NA) return vs->idx[i];
  return -1;
}

static void sb_pad(tidu_sb *b, const char *s, int width) {
  tidu_sb_puts(b, s);
  for (int w = cli_display_width(s); w < width; w++) tidu_sb_putc(b, ' ');
}

static void board_cell(const assess_ctx *c, const tidu_eval *ev, size_t lane, const variants *vs,
                       char *buf, size_t size) {
  int r = applying(ev, vs, lane);
  if (r < 0) {
    snprintf(buf, size, "—");
    return;
  }
  tidu_verdict v = tidu_eval_verdict(ev, (size_t)r, TIDU_WHOLE, lane);
  char detail[160];
  tidu_eval_standing(ev, (size_t)r, lane, c->lang, detail, sizeof detail);
  snprintf(buf, size, "%s%s%s%s", mark_color(v), mark(v), cli_reset(), detail);
}

/* Short labels of the positioning tests and tiers, for the last table column. */
static const char *const SHORT_LABELS[][3] = {
    {"star_tech", "科创属性", "STAR-tech"}, {"chinext_growth", "成长型", "growth"},
    {"innovative_sme", "创新型", "innov"},  {"srdi_sme", "专精特新", "SRDI"},
    {"little_giant", "小巨人", "giant"},    {"single_champion", "单项冠军", "champion"},
    {"above_scale", "规上", "above-scale"}, {"high_tech", "高企", "HNTE"},
    {"unicorn", "独角兽", "unicorn"},       {"gazelle", "瞪羚", "gazelle"},
};

static const char *short_label(const tidu_ruleset_info *m, int english) {
  return title_of(SHORT_LABELS, sizeof SHORT_LABELS / sizeof SHORT_LABELS[0], m, english);
}

/* A tier's score as the table and CSV write it; "" when unknown or without items. */
static void score_text(const tidu_eval *ev, size_t r, size_t lane, char *buf, size_t size) {
  double lo, hi;
  buf[0] = 0;
  if (tidu_eval_score(ev, r, lane, &lo, &hi)) snprintf(buf, size, "%g", lo);
}

static void others_cell(const assess_ctx *c, const tidu_eval *ev, size_t lane, char *buf,
                        size_t size) {
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < c->nothers && len + 64 < size; i++) {
    int r = applying(ev, &c->others_vs[c->ladder[i]], lane);
    if (r < 0) continue;
    const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(c->sel, (size_t)r));
    tidu_verdict v = tidu_eval_verdict(ev, (size_t)r, TIDU_WHOLE, lane);
    char score[24];
    score_text(ev, (size_t)r, lane, score, sizeof score);
    /* A score beside a fail from a require block would mislead (创新型 ✗100): name the block. */
    const char *why = "";
    tidu_shortfall sf;
    if (v == TIDU_V_FAIL && *score && tidu_eval_shortfall(ev, (size_t)r, lane, &sf) && sf.common)
      why = en(c) ? " common" : sf.block_name ? sf.block_name : "共同条件";
    len += (size_t)snprintf(buf + len, size - len, "%s%s %s%s%s%s%s%s", len ? "  " : "",
                            short_label(m, en(c)), mark_color(v), mark(v), score,
                            *why && !en(c) ? " " : "", why, cli_reset());
  }
}

/* ---- table output: pages of one chunk, each sized to its own rows ---- */

typedef struct row {
  char name[160];
  char uscc[40];
  char year[16];
  char boards[MAX_COLS][224];
  char others[1024];
} row;

/* The widths of one page. */
typedef struct layout {
  int board[MAX_COLS];
  int name_width;
  int two_lines;
} layout;

static const char *lane_text(const tidu_chunk *ch, int field, size_t lane) {
  return ch->text[field] ? ch->text[field][lane] : NULL;
}

static void fill_row(const assess_ctx *c, const tidu_eval *ev, const tidu_chunk *ch, size_t lane,
                     row *out) {
  const char *name = lane_text(ch, TIDU_F_NAME, lane), *uscc = lane_text(ch, TIDU_F_USCC, lane);
  snprintf(out->name, sizeof out->name, "%s", name ? name : "—");
  snprintf(out->uscc, sizeof out->uscc, "%s", uscc && *uscc ? uscc : "—");
  if (ch->base[lane] > 0)
    snprintf(out->year, sizeof out->year, "%d", (int)ch->base[lane]);
  else
    snprintf(out->year, sizeof out->year, "—");
  for (size_t k = 0; k < c->nboards; k++)
    board_cell(c, ev, lane, &c->boards[k].vs, out->boards[k], sizeof out->boards[k]);
  others_cell(c, ev, lane, out->others, sizeof out->others);
}

#define USCC_WIDTH 18
#define YEAR_WIDTH 4

/* Width of board column k with its gap; the last column of a line is not padded. */
static int cell_width(const assess_ctx *c, const layout *L, size_t k) {
  return k + 1 < c->nboards || (c->nothers && !L->two_lines) ? L->board[k] + 2 : 0;
}

/* The line under a firm's row that holds its positioning tests and tiers. */
static const char *const TIERS_INDENT = "    ";

static void put_header(const assess_ctx *c, const layout *L, tidu_sb *b) {
  tidu_sb_puts(b, cli_bold());
  sb_pad(b, en(c) ? "Firm" : "企业", L->name_width + 2);
  sb_pad(b, "USCC", USCC_WIDTH + 2);
  sb_pad(b, en(c) ? "Year" : "年度", YEAR_WIDTH + 2);
  for (size_t k = 0; k < c->nboards; k++) sb_pad(b, c->boards[k].title, cell_width(c, L, k));
  if (c->nothers && !L->two_lines) tidu_sb_puts(b, en(c) ? "Positioning and tiers" : "定位与梯度");
  if (c->nothers && L->two_lines && c->nboards)
    tidu_sb_printf(b, "\n%s%s", TIERS_INDENT,
                   en(c) ? "positioning and tiers (next line)" : "定位与梯度(下一行)");
  tidu_sb_printf(b, "%s\n", cli_reset());
}

static void put_row(const assess_ctx *c, const layout *L, const row *rw, tidu_sb *b) {
  char name[192];
  cli_truncate(rw->name, L->name_width, name, sizeof name);
  sb_pad(b, name, L->name_width + 2);
  sb_pad(b, rw->uscc, USCC_WIDTH + 2);
  sb_pad(b, rw->year, YEAR_WIDTH + 2);
  for (size_t k = 0; k < c->nboards; k++) sb_pad(b, rw->boards[k], cell_width(c, L, k));
  if (L->two_lines && c->nboards && c->nothers) tidu_sb_printf(b, "\n%s", TIERS_INDENT);
  tidu_sb_printf(b, "%s\n", rw->others);
}

/* Sizes the columns of one page from its own rows. Without --wide the table fits the
 * terminal: the name gives way first (down to 12 columns), then the positioning and tiers
 * move to a line of their own. */
static void size_columns(const assess_ctx *c, const row *rows, size_t n, layout *L) {
  int boards = 0, others = 0, names = 4;
  for (size_t k = 0; k < c->nboards; k++) {
    int w = cli_display_width(c->boards[k].title);
    for (size_t i = 0; i < n; i++) {
      int cw = cli_display_width(rows[i].boards[k]);
      if (cw > w) w = cw;
    }
    L->board[k] = w;
    boards += w + 2;
  }
  for (size_t i = 0; i < n; i++) {
    int ow = cli_display_width(rows[i].others), nw = cli_display_width(rows[i].name);
    if (ow > others) others = ow;
    if (nw > names) names = nw;
  }
  int fixed = USCC_WIDTH + 2 + YEAR_WIDTH + 2 + boards;
  if (c->wide) {
    L->name_width = names > 40 ? 40 : names;
    L->two_lines = 0;
    return;
  }
  int room = c->term - fixed - 2 - (c->nothers ? others : 0);
  L->two_lines = c->nothers && c->nboards && room < (names < 20 ? names : 20);
  if (L->two_lines) room = c->term - fixed - 2 + (c->nboards ? 2 : 0);
  L->name_width = room < 12 ? 12 : room > 28 ? 28 : room;
  if (L->name_width > names) L->name_width = names;
}

/* ---- CSV output ---- */

static void sb_csv(tidu_sb *b, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    tidu_sb_puts(b, s);
    return;
  }
  tidu_sb_putc(b, '"');
  for (; *s; s++) {
    if (*s == '"') tidu_sb_putc(b, '"');
    tidu_sb_putc(b, *s);
  }
  tidu_sb_putc(b, '"');
}

/* Chinese headers with --lang zh (the default), the stable ids with --lang en. */
static void csv_header(const assess_ctx *c, tidu_sb *b) {
  if (!en(c)) {
    char h[256];
    tidu_sb_puts(b, "统一社会信用代码,企业名称,年度");
    for (size_t k = 0; k < c->nboards; k++) {
      static const char *const SUFFIX[] = {"", "最近标准", "差距", "差距条件"};
      for (size_t x = 0; x < 4; x++) {
        snprintf(h, sizeof h, "%s%s", c->boards[k].title, SUFFIX[x]);
        tidu_sb_putc(b, ',');
        sb_csv(b, h);
      }
    }
    for (size_t i = 0; i < c->nothers; i++) {
      snprintf(h, sizeof h, "%s%s", c->others_name[i],
               c->other_kinds[i] == TIDU_KIND_TIER ? "得分" : "最近标准");
      tidu_sb_putc(b, ',');
      sb_csv(b, c->others_name[i]);
      tidu_sb_putc(b, ',');
      sb_csv(b, h);
    }
    tidu_sb_putc(b, '\n');
    return;
  }
  tidu_sb_puts(b, "uscc,name,year");
  for (size_t k = 0; k < c->nboards; k++) {
    const char *id = c->boards[k].id;
    tidu_sb_printf(b, ",%s,%s_nearest,%s_gap,%s_gap_condition", id, id, id, id);
  }
  for (size_t i = 0; i < c->nothers; i++)
    tidu_sb_printf(b, ",%s,%s_%s", c->others[i], c->others[i],
                   c->other_kinds[i] == TIDU_KIND_TIER ? "score" : "nearest");
  tidu_sb_putc(b, '\n');
}

static const char *nearest_id(const assess_ctx *c, const tidu_eval *ev, int r, size_t lane) {
  if (r < 0) return "";
  const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(c->sel, (size_t)r));
  int ne = tidu_eval_nearest(ev, (size_t)r, lane);
  if (ne < 0 || (size_t)ne >= m->nstandards || !m->standards[ne].id) return "";
  return m->standards[ne].id;
}

/* A figure as the JSON writes it: whole numbers without decimals, money to the 分. */
static void sb_number(tidu_sb *b, double v, tidu_type t) {
  if (isnan(v) || isinf(v)) return;
  if (t == TIDU_T_MONEY) v = round(v * 100) / 100;
  if (fabs(v) < 9e15 && v == floor(v))
    tidu_sb_printf(b, "%lld", (long long)v);
  else
    tidu_sb_printf(b, "%.15g", v);
}

static void csv_row(const assess_ctx *c, const tidu_eval *ev, const tidu_chunk *ch, size_t lane,
                    tidu_sb *b) {
  const char *name = lane_text(ch, TIDU_F_NAME, lane), *uscc = lane_text(ch, TIDU_F_USCC, lane);
  sb_csv(b, uscc ? uscc : "");
  tidu_sb_putc(b, ',');
  sb_csv(b, name ? name : "");
  tidu_sb_printf(b, ",%d", (int)ch->base[lane]);
  for (size_t k = 0; k < c->nboards; k++) {
    int r = applying(ev, &c->boards[k].vs, lane);
    if (r < 0) {
      tidu_sb_puts(b, ",,,,");
      continue;
    }
    tidu_verdict v = tidu_eval_verdict(ev, (size_t)r, TIDU_WHOLE, lane);
    tidu_sb_printf(b, ",%s,%s,", tidu_verdict_name(v), nearest_id(c, ev, r, lane));
    tidu_shortfall sf;
    tidu_eval_shortfall(ev, (size_t)r, lane, &sf);
    sb_number(b, sf.gap, sf.type);
    tidu_sb_putc(b, ',');
    if (sf.text) sb_csv(b, sf.text); /* the rule's own words, as in the JSON */
  }
  for (size_t i = 0; i < c->nothers; i++) {
    int r = applying(ev, &c->others_vs[i], lane);
    tidu_sb_printf(b, ",%s,",
                   r >= 0 ? tidu_verdict_name(tidu_eval_verdict(ev, (size_t)r, TIDU_WHOLE, lane))
                          : "");
    if (r < 0) continue;
    if (c->other_kinds[i] != TIDU_KIND_TIER) {
      tidu_sb_puts(b, nearest_id(c, ev, r, lane));
    } else {
      char score[24];
      score_text(ev, (size_t)r, lane, score, sizeof score);
      tidu_sb_puts(b, score);
    }
  }
  tidu_sb_putc(b, '\n');
}

/* ---- one chunk, rendered by a worker ---- */

/* Whether firm `lane` is the one --firm names: its USCC (letters in any case), or a name that
 * contains the text. Without --firm every firm is. */
static int wanted(assess_ctx *c, const tidu_chunk *ch, size_t lane) {
  if (!c->firm) return 1;
  const char *u = lane_text(ch, TIDU_F_USCC, lane), *n = lane_text(ch, TIDU_F_NAME, lane);
  int hit = (u && !strcasecmp(u, c->firm)) || (n && strstr(n, c->firm));
  if (hit) __atomic_fetch_add(&c->nmatched, 1, __ATOMIC_RELAXED);
  return hit;
}

static tidu_code put_explain(const assess_ctx *c, const tidu_eval *ev, size_t lane, tidu_sb *b,
                             tidu_error *err) {
  tidu_result *r = NULL;
  tidu_code rc = tidu_eval_materialise(ev, lane, &r, err);
  if (rc != TIDU_OK) return rc;
  char *text = tidu_report_explain(r, c->lang);
  tidu_result_free(r);
  if (!text) return TIDU_ERR_NOMEM;
  tidu_sb_puts(b, text);
  if (*text && text[strlen(text) - 1] != '\n') tidu_sb_putc(b, '\n');
  tidu_sb_putc(b, '\n');
  free(text);
  return TIDU_OK;
}

static tidu_code render_table(assess_ctx *c, const tidu_batch_chunk *bc, tidu_sb *b,
                              tidu_error *err) {
  const tidu_chunk *ch = bc->chunk;
  const tidu_eval *ev = bc->ev[0];
  row *rows = tidu_calloc(ch->n ? ch->n : 1, sizeof *rows);
  size_t *lanes = tidu_calloc(ch->n ? ch->n : 1, sizeof *lanes);
  tidu_code rc = rows && lanes ? TIDU_OK : TIDU_ERR_NOMEM;
  size_t n = 0;
  for (size_t l = 0; l < ch->n && rc == TIDU_OK; l++) {
    if (!wanted(c, ch, l)) continue;
    fill_row(c, ev, ch, l, &rows[n]);
    lanes[n++] = l;
  }
  if (rc == TIDU_OK && n) {
    layout L;
    size_columns(c, rows, n, &L);
    /* a blank line between pages; with --firm the first page shown may come late */
    if ((bc->first > 0 || c->pages_before) && !c->firm) tidu_sb_putc(b, '\n');
    put_header(c, &L, b);
    for (size_t i = 0; i < n && rc == TIDU_OK; i++) {
      put_row(c, &L, &rows[i], b);
      if (c->explain) rc = put_explain(c, ev, lanes[i], b, err);
    }
  }
  free(rows);
  free(lanes);
  return rc;
}

static tidu_code render_chunk(void *ctx, const tidu_batch_chunk *bc, char **out, size_t *out_len,
                              tidu_error *err) {
  assess_ctx *c = ctx;
  const tidu_chunk *ch = bc->chunk;
  tidu_sb b = {0};
  tidu_code rc = TIDU_OK;
  if (c->format == FMT_TABLE) {
    rc = render_table(c, bc, &b, err);
  } else if (c->format == FMT_CSV) {
    if (bc->first == 0 && !c->firms_before) csv_header(c, &b);
    for (size_t l = 0; l < ch->n; l++)
      if (wanted(c, ch, l)) csv_row(c, bc->ev[0], ch, l, &b);
  } else {
    for (size_t l = 0; l < ch->n && rc == TIDU_OK; l++)
      if (wanted(c, ch, l))
        rc = tidu_eval_json_append(bc->ev[0], l, c->detail, &b.s, &b.len, &b.cap);
  }
  if (rc == TIDU_OK && b.failed) rc = TIDU_ERR_NOMEM;
  if (rc != TIDU_OK) {
    tidu_sb_free(&b);
    if (!err->message[0])
      tidu_error_set(err, rc, NULL, 0, 0, "评估输出失败 / cannot write the results (code %d)",
                     (int)rc);
    return rc;
  }
  *out_len = b.len;
  *out = tidu_sb_take(&b);
  return *out || !*out_len ? TIDU_OK : TIDU_ERR_NOMEM;
}

/* Assesses one input (a file, a pack or db:PATH) with the workers, writing in input order. */
static void run_input(assess_ctx *c, char *path) {
  cli_source *src = NULL;
  if (cli_source_open_fields(&path, 1, &c->ro, c->firm_fields, c->year_fields, "assess", &src)) {
    c->input_errors = 1;
    return;
  }
  tidu_batch_options opt = {.sel = {c->sel, NULL},
                            .as_of_days = c->as_of,
                            .year = c->year,
                            .threads = c->threads,
                            .chunk_size = c->format == FMT_TABLE ? PAGE : 0,
                            .render = render_chunk,
                            .render_ctx = c,
                            .out = stdout};
  cli_source_hook(src, &opt);
  if (isatty(STDOUT_FILENO)) opt.progress = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  size_t n = 0;
  tidu_code rc = tidu_batch_run(cli_source_input(src), &opt, NULL, &n, NULL, &err);
  cli_source_done(src);
  if (rc != TIDU_OK) {
    cli_print_error(&err);
    c->fatal = 1;
  }
  if (cli_source_had_errors(src)) c->input_errors = 1;
  if (n) c->firms_before = 1;
  if (n && c->format == FMT_TABLE) c->pages_before = 1;
  cli_source_close(src);
}

/* ---- setup ---- */

static int load_rules(assess_ctx *c, const char *dir) {
  return cli_rules_load("tidu assess", dir, 0, &c->book, NULL);
}

/* Reads the options into the context; returns CLI_OK or CLI_USAGE (reported). */
static int take_options(const cli_spec *spec, const cli_args *a, assess_ctx *c) {
  const char *s;
  long long v;
  c->lang = "zh";
  if (cli_opt_as_of(spec, a, &c->as_of) != CLI_OK) return CLI_USAGE;
  if ((s = cli_get(spec, a, "year"))) {
    if (cli_parse_int(s, 1900, 2999, &v)) return cli_usage(spec, "年度无效 / bad year '%s'", s);
    c->year = (int32_t)v;
  }
  if ((s = cli_get(spec, a, "lang"))) {
    if (strcmp(s, "zh") && strcmp(s, "en"))
      return cli_usage(spec, "语言须为 zh 或 en / --lang must be zh or en");
    c->lang = s;
  }
  if ((s = cli_get(spec, a, "format"))) {
    if (!strcmp(s, "json") || !strcmp(s, "ndjson"))
      c->format = FMT_JSON;
    else if (!strcmp(s, "csv"))
      c->format = FMT_CSV;
    else if (strcmp(s, "table"))
      return cli_usage(spec, "未知格式 / unknown format '%s' (table, json, csv)", s);
  }
  c->detail = TIDU_DETAIL_FAILING;
  if ((s = cli_get(spec, a, "detail"))) {
    if (c->format != FMT_JSON)
      return cli_usage(spec, "--detail 只用于 json 输出 / --detail goes with --format json");
    if (!strcmp(s, "summary"))
      c->detail = TIDU_DETAIL_SUMMARY;
    else if (!strcmp(s, "all"))
      c->detail = TIDU_DETAIL_ALL;
    else if (strcmp(s, "failing"))
      return cli_usage(spec, "未知的详细程度 / unknown --detail '%s' (summary, failing, all)", s);
  }
  if ((s = cli_get(spec, a, "threads"))) {
    if (cli_parse_int(s, 1, 256, &v))
      return cli_usage(spec, "线程数无效 / bad --threads '%s' (1-256)", s);
    c->threads = (int)v;
  }
  c->explain = cli_get(spec, a, "explain") != NULL;
  if (c->explain && c->format != FMT_TABLE)
    return cli_usage(spec, "--explain 只用于表格输出 / --explain goes with the table format");
  c->summary = cli_get(spec, a, "summary") != NULL;
  if (c->summary && (c->explain || c->format == FMT_CSV))
    return cli_usage(spec, "--summary 只用于 table 或 json / --summary goes with table or json");
  int ro_rc = cli_read_options(spec, a, &c->ro);
  if (ro_rc) return ro_rc;
  c->ro.threads = c->threads; /* --threads also bounds the CSV reader's threads */
  c->wide = cli_get(spec, a, "wide") != NULL;
  if (c->wide && c->format != FMT_TABLE)
    return cli_usage(spec, "--wide 只用于表格输出 / --wide goes with the table format");
  c->firm = cli_get(spec, a, "firm");
  if (c->firm && !*c->firm)
    return cli_usage(spec, "--firm 需要信用代码或名称 / --firm needs a USCC or a name");
  if (c->firm && c->summary)
    return cli_usage(spec, "--firm 不能与 --summary 同用 / --firm does not go with --summary");
  if (a->npos == 0) return cli_usage(spec, "缺少输入文件 / no input FILE");
  return CLI_OK;
}

static int setup(const cli_spec *spec, const cli_args *a, assess_ctx *c) {
  tidu_error err;
  tidu_error_clear(&err);
  int rc = load_rules(c, cli_get(spec, a, "rules"));
  if (rc) return rc;
  c->sel = tidu_rulebook_select(c->book, c->as_of, cli_get(spec, a, "only"), &err);
  if (c->sel &&
      tidu_selection_check(c->book, c->sel, c->as_of, cli_get(spec, a, "only"), &err) != TIDU_OK) {
    tidu_selection_free(c->sel);
    c->sel = NULL;
  }
  if (!c->sel) {
    cli_print_error(&err);
    return cli_exit_code(err.code ? err.code : TIDU_ERR_NOMEM);
  }
  /* registry inputs read what the rule sets, --firm and the output use */
  tidu_selection_fields(c->sel, c->firm_fields, c->year_fields);
  c->firm_fields[TIDU_F_NAME] = 1;
  plan_columns(c);
  plan_ladder(c);
  /* a terminal's width (or COLUMNS); 160 columns when writing to a file or a pipe */
  c->term = getenv("COLUMNS") || isatty(STDOUT_FILENO) ? cli_term_width() : 160;
  return CLI_OK;
}

static void teardown(assess_ctx *c) {
  tidu_selection_free(c->sel);
  tidu_rulebook_free(c->book);
}

/* Assesses every input in turn and writes the firms' results; returns the exit status. */
static int assess_inputs(assess_ctx *c, char **paths, int n) {
  for (int i = 0; i < n && !c->fatal; i++) run_input(c, paths[i]);
  if (!c->fatal && c->firm && !c->nmatched) {
    fprintf(stderr,
            "tidu assess: 没有企业的信用代码或名称与 '%s' 相符 / no firm's USCC or name matches "
            "'%s'\n",
            c->firm, c->firm);
    return CLI_INPUT;
  }
  return c->fatal || c->input_errors ? CLI_INPUT : CLI_OK;
}

int cmd_assess(int argc, char **argv) {
  const cli_spec *spec = &cli_assess_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc) return rc < 0 ? CLI_OK : rc;
  assess_ctx *c = tidu_calloc(1, sizeof *c);
  if (!c) {
    cli_args_free(&a);
    fputs("tidu assess: 内存不足 / out of memory\n", stderr);
    return CLI_INPUT;
  }
  rc = take_options(spec, &a, c);
  if (!rc) rc = setup(spec, &a, c);
  if (!rc && c->summary)
    rc =
        cli_assess_summary(c->sel, c->as_of, c->year, a.pos, a.npos, &c->ro, c->format == FMT_JSON);
  else if (!rc)
    rc = assess_inputs(c, a.pos, a.npos);
  if (fflush(stdout) && !rc) rc = CLI_INPUT;
  teardown(c);
  free(c);
  cli_args_free(&a);
  return rc;
}
