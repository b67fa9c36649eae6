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
    {"rules", 0, "DIR", "用 DIR 下的规则文件代替内置规则",
     "use the rule files under DIR instead of the built-in ones"},
    {"only", 0, "IDS", "只评估这些规则集(逗号分隔,如 star,bse)",
     "assess only these rule sets (comma-separated, e.g. star,bse)"},
    {"format", 'f', "FMT", "输出格式:table(默认)、json(NDJSON)、csv",
     "output: table (default), json (NDJSON), csv"},
    {"explain", 'e', NULL, "表格中每家企业后列出全部标准与条件",
     "after each firm in the table, list every standard and condition"},
    {"lang", 0, "LANG", "输出语言 zh(默认)或 en;CSV 表头 zh 为中文,en 为编号",
     "output language: zh (default) or en; CSV headers: Chinese with zh, ids with en"},
    {"sheet", 0, "NAME", "XLSX 文件读取的工作表(默认第一个)",
     "XLSX sheet to read (default: the first)"},
    CLI_READ_OPTS,
    {"summary", 0, NULL, "只输出总体统计(各规则集通过/未通过/待定家数)",
     "print population totals only (pass / fail / unknown per rule set)"},
    {"firm", 0, "USCC|NAME", "只评估这家企业(信用代码,或名称的一部分)",
     "assess only this firm (its USCC, or part of its name)"},
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

/* Firms are assessed in batches of this many (one chunk). */
#define BATCH    256
#define MAX_COLS 16

typedef struct column {
  const char *id;
  const char *title;
  int width;
} column;

typedef struct assess_ctx {
  int format;
  int explain;
  int wide;          /* --wide: one line per firm, names in full */
  int two_lines;     /* positioning and tiers on a line of their own */
  const char *firm;  /* --firm: USCC or part of a name */
  uint64_t nmatched; /* firms --firm selected */
  int summary;
  const char *lang;
  int32_t year;
  int64_t as_of;
  tidu_read_options ro;
  tidu_rulebook *book;
  tidu_selection *sel;
  tidu_eval *ev;
  tidu_chunk *chunk;
  tidu_firm firms[BATCH];
  size_t nfirms;
  int input_errors;
  int fatal;
  int header_done;
  /* table and CSV layout, fixed from the selection */
  column boards[MAX_COLS];
  size_t nboards;
  const char *others[MAX_COLS * 2];      /* positioning and tiers, in selection order */
  const char *others_name[MAX_COLS * 2]; /* their Chinese names, for CSV headers */
  tidu_rule_kind other_kinds[MAX_COLS * 2];
  size_t nothers;
  size_t ladder[MAX_COLS * 2]; /* indexes of `others` in ladder order, for the table */
  int name_width;
  cli_progress prog; /* firms read, when the output goes to a file or pipe */
  uint64_t nread;
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
      c->boards[c->nboards++] = (column){m->id, board_title(m, en(c)), 0};
    } else if (!listed(c->others, c->nothers, m->id) && c->nothers < MAX_COLS * 2) {
      c->other_kinds[c->nothers] = m->kind;
      c->others_name[c->nothers] = m->name ? m->name : m->id;
      c->others[c->nothers++] = m->id;
    }
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

static const tidu_ruleset_result *find_result(const tidu_result *r, const char *id) {
  for (size_t i = 0; i < r->nrulesets; i++)
    if (!strcmp(r->rulesets[i].meta->id, id)) return &r->rulesets[i];
  return NULL;
}

/* ---- table cells ---- */

static const char *mark(tidu_verdict v) {
  return v == TIDU_V_PASS ? "✓" : v == TIDU_V_FAIL ? "✗" : "?";
}

static const char *mark_color(tidu_verdict v) {
  return v == TIDU_V_PASS ? cli_green() : v == TIDU_V_FAIL ? cli_red() : cli_yellow();
}

static void board_cell(const tidu_result *r, const char *id, const char *lang, char *buf,
                       size_t size) {
  const tidu_ruleset_result *rr = find_result(r, id);
  if (!rr) {
    snprintf(buf, size, "—");
    return;
  }
  char detail[160];
  tidu_report_standing(rr, lang, detail, sizeof detail);
  snprintf(buf, size, "%s%s%s%s", mark_color(rr->verdict), mark(rr->verdict), cli_reset(), detail);
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

static void others_cell(const assess_ctx *c, const tidu_result *r, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < c->nothers && len + 64 < size; i++) {
    const tidu_ruleset_result *rr = find_result(r, c->others[c->ladder[i]]);
    if (!rr) continue;
    char score[24] = "";
    if (rr->nitems && rr->score_known) snprintf(score, sizeof score, "%g", rr->score);
    len += (size_t)snprintf(buf + len, size - len, "%s%s %s%s%s%s", len ? "  " : "",
                            short_label(rr->meta, en(c)), mark_color(rr->verdict),
                            mark(rr->verdict), score, cli_reset());
  }
}

/* ---- table output ---- */

typedef struct row {
  char name[160];
  char uscc[40];
  char year[16];
  char boards[MAX_COLS][224];
  char others[1024];
} row;

static void fill_row(const assess_ctx *c, const tidu_result *r, row *out) {
  snprintf(out->name, sizeof out->name, "%s", r->name ? r->name : "—");
  snprintf(out->uscc, sizeof out->uscc, "%s", r->uscc && *r->uscc ? r->uscc : "—");
  if (r->year > 0)
    snprintf(out->year, sizeof out->year, "%d", (int)r->year);
  else
    snprintf(out->year, sizeof out->year, "—");
  for (size_t k = 0; k < c->nboards; k++)
    board_cell(r, c->boards[k].id, c->lang, out->boards[k], sizeof out->boards[k]);
  others_cell(c, r, out->others, sizeof out->others);
}

#define USCC_WIDTH 18
#define YEAR_WIDTH 4

/* Width of board column k with its gap; the last column of a line is not padded. */
static int cell_width(const assess_ctx *c, size_t k) {
  return k + 1 < c->nboards || (c->nothers && !c->two_lines) ? c->boards[k].width + 2 : 0;
}

/* The line under a firm's row that holds its positioning tests and tiers. */
static const char *const TIERS_INDENT = "    ";

static void print_header(assess_ctx *c) {
  fputs(cli_bold(), stdout);
  cli_pad(stdout, en(c) ? "Firm" : "企业", c->name_width + 2);
  cli_pad(stdout, "USCC", USCC_WIDTH + 2);
  cli_pad(stdout, en(c) ? "Year" : "年度", YEAR_WIDTH + 2);
  for (size_t k = 0; k < c->nboards; k++) cli_pad(stdout, c->boards[k].title, cell_width(c, k));
  if (c->nothers && !c->two_lines) fputs(en(c) ? "Positioning and tiers" : "定位与梯度", stdout);
  if (c->nothers && c->two_lines && c->nboards)
    fprintf(stdout, "\n%s%s", TIERS_INDENT,
            en(c) ? "positioning and tiers (next line)" : "定位与梯度(下一行)");
  fprintf(stdout, "%s\n", cli_reset());
}

static void print_row(const assess_ctx *c, const row *rw) {
  char name[192];
  cli_truncate(rw->name, c->name_width, name, sizeof name);
  cli_pad(stdout, name, c->name_width + 2);
  cli_pad(stdout, rw->uscc, USCC_WIDTH + 2);
  cli_pad(stdout, rw->year, YEAR_WIDTH + 2);
  for (size_t k = 0; k < c->nboards; k++) cli_pad(stdout, rw->boards[k], cell_width(c, k));
  if (c->two_lines && c->nboards && c->nothers) fprintf(stdout, "\n%s", TIERS_INDENT);
  fprintf(stdout, "%s\n", rw->others);
}

/* Fixes the column widths from the first batch of rows. Without --wide the table fits the
 * terminal: the name gives way first (down to 12 columns), then the
 * positioning and tiers move to a line of their own. */
static void size_columns(assess_ctx *c, const row *rows, size_t n) {
  int boards = 0, others = 0, names = 4;
  for (size_t k = 0; k < c->nboards; k++) {
    int w = cli_display_width(c->boards[k].title);
    for (size_t i = 0; i < n; i++) {
      int cw = cli_display_width(rows[i].boards[k]);
      if (cw > w) w = cw;
    }
    c->boards[k].width = w;
    boards += w + 2;
  }
  for (size_t i = 0; i < n; i++) {
    int ow = cli_display_width(rows[i].others), nw = cli_display_width(rows[i].name);
    if (ow > others) others = ow;
    if (nw > names) names = nw;
  }
  int fixed = USCC_WIDTH + 2 + YEAR_WIDTH + 2 + boards;
  if (c->wide) {
    c->name_width = names > 40 ? 40 : names;
    c->two_lines = 0;
    return;
  }
  /* a terminal's width (or COLUMNS); 160 columns when writing to a file or a pipe */
  int term = getenv("COLUMNS") || isatty(STDOUT_FILENO) ? cli_term_width() : 160;
  int room = term - fixed - 2 - (c->nothers ? others : 0);
  c->two_lines = c->nothers && c->nboards && room < (names < 20 ? names : 20);
  if (c->two_lines) room = term - fixed - 2 + (c->nboards ? 2 : 0);
  c->name_width = room < 12 ? 12 : room > 28 ? 28 : room;
  if (c->name_width > names) c->name_width = names;
}

/* ---- CSV output ---- */

static void csv_text(const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, stdout);
    return;
  }
  putchar('"');
  for (; *s; s++) {
    if (*s == '"') putchar('"');
    putchar(*s);
  }
  putchar('"');
}

/* Chinese headers with --lang zh (the default), the stable ids with --lang en. */
static void csv_header(const assess_ctx *c) {
  if (!en(c)) {
    char h[256];
    fputs("统一社会信用代码,企业名称,年度", stdout);
    for (size_t k = 0; k < c->nboards; k++) {
      snprintf(h, sizeof h, "%s最近标准", c->boards[k].title);
      putchar(',');
      csv_text(c->boards[k].title);
      putchar(',');
      csv_text(h);
    }
    for (size_t i = 0; i < c->nothers; i++) {
      snprintf(h, sizeof h, "%s%s", c->others_name[i],
               c->other_kinds[i] == TIDU_KIND_TIER ? "得分" : "最近标准");
      putchar(',');
      csv_text(c->others_name[i]);
      putchar(',');
      csv_text(h);
    }
    putchar('\n');
    return;
  }
  fputs("uscc,name,year", stdout);
  for (size_t k = 0; k < c->nboards; k++)
    printf(",%s,%s_nearest", c->boards[k].id, c->boards[k].id);
  for (size_t i = 0; i < c->nothers; i++)
    printf(",%s,%s_%s", c->others[i], c->others[i],
           c->other_kinds[i] == TIDU_KIND_TIER ? "score" : "nearest");
  putchar('\n');
}

static const char *nearest_id(const tidu_ruleset_result *rr) {
  if (!rr || rr->nearest < 0 || (size_t)rr->nearest >= rr->nstandards) return "";
  return rr->standards[rr->nearest].id ? rr->standards[rr->nearest].id : "";
}

static void csv_row(const assess_ctx *c, const tidu_result *r) {
  csv_text(r->uscc ? r->uscc : "");
  putchar(',');
  csv_text(r->name ? r->name : "");
  printf(",%d", (int)r->year);
  for (size_t k = 0; k < c->nboards; k++) {
    const tidu_ruleset_result *rr = find_result(r, c->boards[k].id);
    printf(",%s,%s", rr ? tidu_verdict_name(rr->verdict) : "", nearest_id(rr));
  }
  for (size_t i = 0; i < c->nothers; i++) {
    const tidu_ruleset_result *rr = find_result(r, c->others[i]);
    printf(",%s,", rr ? tidu_verdict_name(rr->verdict) : "");
    if (c->other_kinds[i] != TIDU_KIND_TIER)
      fputs(nearest_id(rr), stdout);
    else if (rr && rr->nitems && rr->score_known)
      printf("%g", rr->score);
  }
  putchar('\n');
}

/* ---- one batch ---- */

static int emit_json(const tidu_result *r) {
  char *s = tidu_report_json_text(r);
  if (!s) return -1;
  puts(s);
  free(s);
  return 0;
}

static int emit_explain(const assess_ctx *c, const tidu_result *r) {
  char *text = tidu_report_explain(r, c->lang);
  if (!text) return -1;
  fputs(text, stdout);
  if (*text && text[strlen(text) - 1] != '\n') putchar('\n');
  putchar('\n');
  free(text);
  return 0;
}

/* Writes the results of the assessed chunk; rows are built first so widths can be fixed. */
static tidu_code emit_batch(assess_ctx *c, size_t n, tidu_error *err) {
  row *rows = c->format == FMT_TABLE ? tidu_calloc(n, sizeof *rows) : NULL;
  tidu_result **res = tidu_calloc(n, sizeof *res);
  tidu_code rc = (res && (rows || c->format != FMT_TABLE)) ? TIDU_OK : TIDU_ERR_NOMEM;
  for (size_t i = 0; i < n && rc == TIDU_OK; i++) {
    rc = tidu_eval_materialise(c->ev, i, &res[i], err);
    if (rc == TIDU_OK && rows) fill_row(c, res[i], &rows[i]);
  }
  if (rc == TIDU_OK && rows && !c->header_done) size_columns(c, rows, n);
  if (rc == TIDU_OK && !c->header_done) {
    if (c->format == FMT_TABLE) print_header(c);
    if (c->format == FMT_CSV) csv_header(c);
    c->header_done = 1;
  }
  for (size_t i = 0; i < n && rc == TIDU_OK; i++) {
    int bad = 0;
    if (c->format == FMT_JSON) bad = emit_json(res[i]);
    if (c->format == FMT_CSV) csv_row(c, res[i]);
    if (c->format == FMT_TABLE) print_row(c, &rows[i]);
    if (c->format == FMT_TABLE && c->explain) bad = emit_explain(c, res[i]);
    if (bad) rc = TIDU_ERR_NOMEM;
  }
  for (size_t i = 0; res && i < n; i++) tidu_result_free(res[i]);
  free(res);
  free(rows);
  return rc;
}

static tidu_code flush_batch(assess_ctx *c) {
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = TIDU_OK;
  tidu_chunk_reset(c->chunk);
  for (size_t i = 0; i < c->nfirms && rc == TIDU_OK; i++)
    rc = tidu_chunk_add(c->chunk, &c->firms[i], c->year);
  if (rc == TIDU_OK && c->nfirms) rc = tidu_assess_chunk(c->sel, c->chunk, c->as_of, c->ev, &err);
  if (rc == TIDU_OK && c->nfirms) rc = emit_batch(c, c->nfirms, &err);
  for (size_t i = 0; i < c->nfirms; i++) tidu_firm_clear(&c->firms[i]);
  c->nfirms = 0;
  if (rc != TIDU_OK) {
    if (!err.message[0])
      tidu_error_set(&err, rc, NULL, 0, 0, "评估失败 / assessment failed (code %d)", (int)rc);
    cli_print_error(&err);
  }
  return rc;
}

/* ---- reading ---- */

static void drain_warnings(tidu_source *src) {
  tidu_error w;
  while (tidu_source_warning(src, &w)) {
    w.warning = 1;
    cli_print_error(&w);
  }
}

static int fatal_code(tidu_code rc) {
  return rc != TIDU_ERR_INPUT && rc != TIDU_ERR_DATA;
}

/* Whether firm f is the one --firm names: its USCC (letters in any case), or a name that
 * contains the text. Without --firm every firm is. */
static int wanted(assess_ctx *c, const tidu_firm *f) {
  if (!c->firm) return 1;
  const char *u = f->text[TIDU_F_USCC], *n = f->text[TIDU_F_NAME];
  int hit = (u && !strcasecmp(u, c->firm)) || (n && strstr(n, c->firm));
  if (hit) c->nmatched++;
  return hit;
}

/* Reads every firm of one input (a file, a pack or db:PATH), assessing full batches as they
 * fill. */
static void read_input(assess_ctx *c, const char *path) {
  tidu_source *src = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_input_open_one_opt(path, &c->ro, &src, &err) != TIDU_OK) {
    cli_print_error(&err);
    c->input_errors = 1;
    return;
  }
  for (;;) {
    int done = 0;
    tidu_error_clear(&err);
    tidu_code rc = tidu_source_next(src, &c->firms[c->nfirms], &done, &err);
    drain_warnings(src);
    if (rc != TIDU_OK) {
      cli_print_error(&err);
      c->input_errors = 1;
      tidu_firm_clear(&c->firms[c->nfirms]);
      if (fatal_code(rc)) break;
      continue;
    }
    if (done) break;
    cli_progress_update(&c->prog, ++c->nread);
    if (!wanted(c, &c->firms[c->nfirms])) {
      tidu_firm_clear(&c->firms[c->nfirms]);
      continue;
    }
    if (++c->nfirms == BATCH && flush_batch(c) != TIDU_OK) {
      c->fatal = 1;
      break;
    }
  }
  tidu_source_close(src);
}

/* ---- setup ---- */

static int load_rules(assess_ctx *c, const char *dir) {
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  c->book = tidu_rulebook_new();
  if (!c->book) {
    fputs("tidu assess: 内存不足 / out of memory\n", stderr);
    return CLI_INPUT;
  }
  tidu_code rc =
      dir ? tidu_rulebook_add_dir(c->book, dir, &errs) : tidu_rulebook_add_builtin(c->book, &errs);
  for (size_t i = 0; i < errs.n; i++) {
    char buf[2048];
    tidu_rules_error_render(c->book, &errs.items[i], buf, sizeof buf);
    fprintf(stderr, "%s\n", buf);
  }
  if (rc != TIDU_OK && !errs.n)
    fprintf(stderr, "tidu assess: 无法读取规则 / cannot read rules: %s\n", dir ? dir : "builtin");
  tidu_errlist_free(&errs);
  return rc == TIDU_OK ? CLI_OK : CLI_INPUT;
}

/* Reads the options into the context; returns CLI_OK or CLI_USAGE (reported). */
static int take_options(const cli_spec *spec, const cli_args *a, assess_ctx *c) {
  const char *s;
  long long v;
  c->lang = "zh";
  c->as_of = cli_today();
  if ((s = cli_get(spec, a, "as-of")) && cli_parse_date(s, &c->as_of))
    return cli_usage(spec, "日期无效 / bad date '%s' (YYYY-MM-DD)", s);
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
  c->explain = cli_get(spec, a, "explain") != NULL;
  if (c->explain && c->format != FMT_TABLE)
    return cli_usage(spec, "--explain 只用于表格输出 / --explain goes with the table format");
  c->summary = cli_get(spec, a, "summary") != NULL;
  if (c->summary && (c->explain || c->format == FMT_CSV))
    return cli_usage(spec, "--summary 只用于 table 或 json / --summary goes with table or json");
  int ro_rc = cli_read_options(spec, a, &c->ro);
  if (ro_rc) return ro_rc;
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
  c->ev = tidu_eval_new();
  c->chunk = tidu_chunk_new(BATCH);
  if (!c->ev || !c->chunk) {
    fputs("tidu assess: 内存不足 / out of memory\n", stderr);
    return CLI_INPUT;
  }
  plan_columns(c);
  plan_ladder(c);
  for (size_t i = 0; i < BATCH; i++) tidu_firm_init(&c->firms[i]);
  return CLI_OK;
}

static void teardown(assess_ctx *c) {
  for (size_t i = 0; i < BATCH; i++) tidu_firm_clear(&c->firms[i]);
  tidu_chunk_free(c->chunk);
  tidu_eval_free(c->ev);
  tidu_selection_free(c->sel);
  tidu_rulebook_free(c->book);
}

/* Reads every input in turn and writes the firms' results; returns the exit status. */
static int assess_inputs(assess_ctx *c, char **paths, int n) {
  cli_progress_start(&c->prog, "assess", 0);
  if (isatty(STDOUT_FILENO)) c->prog.active = 0;
  for (int i = 0; i < n && !c->fatal; i++) read_input(c, paths[i]);
  cli_progress_end(&c->prog);
  if (!c->fatal && flush_batch(c) != TIDU_OK) c->fatal = 1;
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
