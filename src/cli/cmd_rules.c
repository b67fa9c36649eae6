/* `tidu rules list|show|check|fields`: the rule sets, their conditions, errors and metrics. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_batch.h"
#include "tidu/assess.h"
#include "tidu/num.h"
#include "tidu/rules.h"
#include "tidu/toolkit.h"

static const cli_option LIST_OPTS[] = {
    {"as-of", 0, "DATE", "列出该日有效的版本(默认今天)",
     "list the versions in force on DATE (default: today)"},
    {"all", 'a', NULL, "列出所有版本", "list every version"},
    CLI_OPT_RULES,
    {NULL, 0, NULL, NULL, NULL},
};

static const cli_option SHOW_OPTS[] = {
    {"as-of", 0, "DATE", "显示该日有效的版本(默认今天)",
     "show the version in force on DATE (default: today)"},
    {"dump", 0, "WHAT", "输出内部形式:tokens、tree 或 program",
     "print an internal form: tokens, tree or program"},
    {"lang", 0, "LANG", "条件文字 zh(默认)或 en", "condition text: zh (default) or en"},
    {"format", 'f', "FMT", "text(默认)或 json:每个条件的编号(ref,如 star#12)、文字与出处",
     "text (default) or json: every condition's ref (such as star#12), texts and source"},
    CLI_OPT_RULES,
    {NULL, 0, NULL, NULL, NULL},
};

static const cli_option NO_OPTS[] = {{NULL, 0, NULL, NULL, NULL}};

static const cli_option FIELDS_OPTS[] = {
    {"rules", 0, "DIR", "用 DIR 下的规则文件(含 prelude.tidu)",
     "use the rule files under DIR (with their prelude.tidu)"},
    {NULL, 0, NULL, NULL, NULL},
};

const cli_spec cli_rules_specs[] = {
    {"rules list", "[options]", "列出规则集:编号、类别、名称、版本、生效与失效日期、出处",
     "list rule sets: id, kind, name, version, effective, until, source", LIST_OPTS, NULL, NULL, 0},
    {"rules show", "[options] ID", "显示一个规则集的标准与条件(附出处)",
     "show a rule set's standards and conditions, with citations", SHOW_OPTS, NULL, NULL, 0},
    {"rules check", "[DIR]", "编译 DIR(默认内置规则)下全部规则文件,逐条报告错误",
     "compile every rule file under DIR (default: the built-in rules) and report every error",
     NO_OPTS, NULL, NULL, 0},
    {"rules fields", "[options]", "列出规则可用的指标:名称、中文名、类型",
     "list the metrics rules can use: names, Chinese names, types", FIELDS_OPTS, NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* ---- shared ---- */

/* The rules from `dir` or the built-in ones (cli_rules_load); errors printed. NULL on failure. */
static tidu_rulebook *load_book(const char *dir) {
  tidu_rulebook *book = NULL;
  cli_rules_load("tidu rules", dir, 0, &book, NULL);
  return book;
}

static void date_text(int64_t days, char buf[11]) {
  if (days == INT64_MAX)
    snprintf(buf, 11, "—");
  else
    tidu_format_date(days, buf);
}

/* ---- list ---- */

#define LIST_COLS 7

static int same_regions(const tidu_ruleset_info *a, const tidu_ruleset_info *b) {
  if (a->nregions != b->nregions) return 0;
  for (size_t i = 0; i < a->nregions; i++)
    if (strcmp(a->regions[i], b->regions[i])) return 0;
  return 1;
}

/* The first day version `m` is no longer in force: its `until`, else the effective date of the
 * next version of the same rule set and region scope (docs/rules-language.md, "Dates and
 * versions"); INT64_MAX while it is the newest. */
static int64_t end_of(const tidu_rulebook *book, const tidu_ruleset_info *m) {
  int64_t end = m->until;
  if (m->until_explicit) return end;
  for (size_t i = 0; i < tidu_rulebook_count(book); i++) {
    const tidu_ruleset_info *o = tidu_ruleset_meta(tidu_rulebook_get(book, i));
    if (o == m || strcmp(o->id, m->id) || !same_regions(o, m)) continue;
    if (o->effective > m->effective && o->effective < end) end = o->effective;
  }
  return end;
}

static void list_cells(const tidu_rulebook *book, const tidu_ruleset_info *m,
                       char cells[LIST_COLS][256]) {
  char eff[11], until[11];
  date_text(m->effective, eff);
  date_text(end_of(book, m), until);
  snprintf(cells[0], 256, "%s", m->id);
  snprintf(cells[1], 256, "%s", tidu_rule_kind_name(m->kind));
  snprintf(cells[2], 256, "%s", m->name ? m->name : "");
  snprintf(cells[3], 256, "%s", m->version ? m->version : "—");
  snprintf(cells[4], 256, "%s", eff);
  snprintf(cells[5], 256, "%s", until);
  snprintf(cells[6], 256, "%s", m->source ? m->source : "");
}

static void print_list(const tidu_rulebook *book, const tidu_ruleset_info *const *metas, size_t n) {
  static const char *const HEAD[LIST_COLS] = {"编号/id",      "类别/kind",      "名称/name",
                                              "版本/version", "生效/effective", "失效/until",
                                              "出处/source"};
  int w[LIST_COLS];
  char cells[LIST_COLS][256];
  for (int k = 0; k < LIST_COLS; k++) w[k] = cli_display_width(HEAD[k]);
  for (size_t i = 0; i < n; i++) {
    list_cells(book, metas[i], cells);
    for (int k = 0; k < LIST_COLS - 1; k++)
      if (cli_display_width(cells[k]) > w[k]) w[k] = cli_display_width(cells[k]);
  }
  fputs(cli_bold(), stdout);
  for (int k = 0; k < LIST_COLS; k++) cli_pad(stdout, HEAD[k], k < LIST_COLS - 1 ? w[k] + 2 : 0);
  printf("%s\n", cli_reset());
  for (size_t i = 0; i < n; i++) {
    list_cells(book, metas[i], cells);
    for (int k = 0; k < LIST_COLS; k++) cli_pad(stdout, cells[k], k < LIST_COLS - 1 ? w[k] + 2 : 0);
    putchar('\n');
  }
}

static int rules_list(const cli_spec *spec, const cli_args *a) {
  int64_t as_of;
  int rc = cli_opt_as_of(spec, a, &as_of);
  if (rc) return rc;
  if (a->npos) return cli_usage(spec, "多余的参数 / unexpected argument '%s'", a->pos[0]);
  tidu_rulebook *book = load_book(cli_get(spec, a, "rules"));
  if (!book) return CLI_INPUT;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_selection *sel = NULL;
  int all = cli_get(spec, a, "all") != NULL;
  if (!all) sel = tidu_rulebook_select(book, as_of, NULL, &err);
  size_t n = all ? tidu_rulebook_count(book) : (sel ? tidu_selection_count(sel) : 0);
  const tidu_ruleset_info **metas = tidu_calloc(n ? n : 1, sizeof *metas);
  if (metas && (all || sel)) {
    for (size_t i = 0; i < n; i++)
      metas[i] = tidu_ruleset_meta(all ? tidu_rulebook_get(book, i) : tidu_selection_get(sel, i));
    print_list(book, metas, n);
    printf("\n失效/until: 自该日起不再适用(下一版本生效日或规则文件所写) / the first day no "
           "longer in force (the next version's effective date, or as the rule file says)\n");
  } else {
    rc = CLI_INPUT;
    cli_print_error(&err);
  }
  free(metas);
  tidu_selection_free(sel);
  tidu_rulebook_free(book);
  return rc;
}

/* ---- show ---- */

static void print_cond(const tidu_cond_result *cr, int english, const char *outer_source,
                       int indent) {
  const char *text = english && cr->text_en ? cr->text_en : cr->text;
  const char *fallback = cr->kind == TIDU_COND_ANY ? (english ? "any of" : "满足以下条件之一")
                         : cr->kind == TIDU_COND_ALL ? (english ? "all of" : "以下条件均满足")
                                                     : (english ? "not" : "不满足");
  printf("%*s", indent, "");
  if (cr->kind == TIDU_COND_CMP || cr->kind == TIDU_COND_TEST) {
    printf("· %s", text ? text : "");
    if (cr->source && (!outer_source || strcmp(cr->source, outer_source)))
      printf(" %s〔%s〕%s", cli_dim(), cr->source, cli_reset());
    putchar('\n');
    return;
  }
  if (cr->kind == TIDU_COND_NOT || !text || !*text) text = fallback;
  printf("%s:\n", text);
  for (size_t i = 0; i < cr->nchildren; i++)
    print_cond(&cr->children[i], english, outer_source, indent + 2);
}

/* The numbered comparisons of one block, as `tidu simulate --set BLOCK.N=VALUE` counts them. */
typedef struct numbered {
  const tidu_threshold *t;
  size_t n;
} numbered;

static void print_numbers(const numbered *nb, const char *block) {
  int head = 0;
  for (size_t i = 0; nb && block && i < nb->n; i++) {
    const tidu_threshold *t = &nb->t[i];
    if (strcmp(t->block, block)) continue;
    if (!head)
      printf("  %s编号 / numbers (simulate --set %s.N=VALUE):%s\n", cli_dim(), block, cli_reset());
    head = 1;
    printf("    #%d %s%s\n", t->n, t->text, t->literal ? "" : "  (右侧非常数 / not a constant)");
  }
}

static void print_block(const tidu_block_result *b, const char *title, int english,
                        const char *rs_source, const numbered *nb, const char *block) {
  printf("\n%s%s%s", cli_bold(), title, cli_reset());
  if (b->id) printf(" %s", b->id);
  if (b->name) printf(" %s", b->name);
  if (b->source && (!rs_source || strcmp(b->source, rs_source)))
    printf(" %s〔%s〕%s", cli_dim(), b->source, cli_reset());
  putchar('\n');
  const char *outer = b->source ? b->source : rs_source;
  for (size_t i = 0; i < b->nconds; i++) print_cond(&b->conds[i], english, outer, 2);
  print_numbers(nb, block);
}

static void print_meta(const tidu_ruleset_info *m) {
  char eff[11], until[11];
  date_text(m->effective, eff);
  date_text(m->until, until);
  printf("%s%s%s %s", cli_bold(), m->id, cli_reset(), m->name ? m->name : "");
  if (m->name_en) printf(" / %s", m->name_en);
  printf("  (%s)\n", tidu_rule_kind_name(m->kind));
  if (m->version) printf("版本 / version:     %s\n", m->version);
  printf("有效期 / in force:  %s — %s\n", eff, m->until == INT64_MAX ? "" : until);
  if (m->source) printf("出处 / source:      %s\n", m->source);
  if (m->file) printf("文件 / file:        %s\n", m->file);
  if (m->nregions) {
    printf("适用地区 / regions: ");
    for (size_t i = 0; i < m->nregions; i++) printf("%s%s", i ? ", " : "", m->regions[i]);
    putchar('\n');
  }
  for (size_t i = 0; i < m->nnotes; i++) printf("注 / note:          %s\n", m->notes[i]);
}

static void print_items(const tidu_ruleset_result *rr) {
  if (!rr->nitems) return;
  printf("\n%s评分项 / score items%s\n", cli_bold(), cli_reset());
  for (size_t i = 0; i < rr->ngroups; i++) {
    const tidu_group_result *g = &rr->groups[i];
    printf("  [%s] %s  max %g", g->id, g->name ? g->name : "", g->max);
    if (g->has_min) printf("  min %g", g->min);
    putchar('\n');
  }
  for (size_t i = 0; i < rr->nitems; i++) {
    const tidu_item_result *it = &rr->items[i];
    printf("  %s %s  max %g%s%s\n", it->id, it->name ? it->name : "", it->max,
           it->group ? "  group " : "", it->group ? it->group : "");
  }
}

static void print_result(const tidu_ruleset_result *rr, int english, const numbered *nb) {
  const tidu_ruleset_info *m = rr->meta;
  print_meta(m);
  char req[160];
  snprintf(req, sizeof req, "%s.require", m->id);
  for (size_t i = 0; i < rr->nrequires; i++)
    print_block(&rr->requires[i], english ? "Common conditions" : "共同条件", english, m->source,
                nb, i + 1 == rr->nrequires ? req : NULL);
  for (size_t i = 0; i < rr->nstandards; i++)
    print_block(&rr->standards[i], english ? "Standard" : "标准", english, m->source, nb,
                rr->standards[i].id);
  print_items(rr);
  if (rr->has_pass)
    print_block(&rr->pass, english ? "Pass line" : "通过线", english, m->source, NULL, NULL);
  for (size_t i = 0; i < m->ninfos; i++) {
    if (i == 0) printf("\n%s说明 / information%s\n", cli_bold(), cli_reset());
    printf("  · %s", m->infos[i].text);
    if (m->infos[i].source) printf(" %s〔%s〕%s", cli_dim(), m->infos[i].source, cli_reset());
    putchar('\n');
  }
}

/* Shows every selected variant: a firm with no figures is assessed only to obtain the text of
 * each condition; its verdicts are not shown. */
static int show_conditions(const tidu_selection *sel, int64_t as_of, int english) {
  size_t n = tidu_selection_count(sel);
  tidu_firm *firms = tidu_calloc(n, sizeof *firms);
  tidu_chunk *chunk = tidu_chunk_new(n);
  tidu_eval *ev = tidu_eval_new();
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = firms && chunk && ev ? TIDU_OK : TIDU_ERR_NOMEM;
  int y, mo, d;
  tidu_civil_from_days(as_of, &y, &mo, &d);
  for (size_t i = 0; i < n && rc == TIDU_OK; i++) {
    const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, i));
    tidu_firm_init(&firms[i]);
    if (m->nregions) rc = tidu_firm_set_text(&firms[i], TIDU_F_REGION, m->regions[0]);
    if (rc == TIDU_OK) rc = tidu_chunk_add(chunk, &firms[i], y - 1);
  }
  if (rc == TIDU_OK) rc = tidu_assess_chunk(sel, chunk, as_of, ev, &err);
  for (size_t i = 0; i < n && rc == TIDU_OK; i++) {
    const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, i));
    tidu_result *r = NULL;
    rc = tidu_eval_materialise(ev, i, &r, &err);
    for (size_t k = 0; rc == TIDU_OK && k < r->nrulesets; k++)
      if (r->rulesets[k].meta == m) {
        if (i) puts("\n────────");
        numbered nb = {NULL, 0};
        tidu_threshold *t = NULL;
        if (tidu_ruleset_thresholds(tidu_selection_get(sel, i), &t, &nb.n, NULL) == TIDU_OK)
          nb.t = t;
        print_result(&r->rulesets[k], english, &nb);
        tidu_thresholds_free(t, nb.n);
      }
    tidu_result_free(r);
  }
  if (rc != TIDU_OK) {
    if (!err.message[0]) tidu_error_set(&err, rc, NULL, 0, 0, "失败 / failed (code %d)", (int)rc);
    cli_print_error(&err);
  }
  for (size_t i = 0; firms && i < n; i++) tidu_firm_clear(&firms[i]);
  free(firms);
  tidu_chunk_free(chunk);
  tidu_eval_free(ev);
  return cli_exit_code(rc);
}

static int parse_dump(const char *s, tidu_dump_mode *mode) {
  if (!strcmp(s, "tokens"))
    *mode = TIDU_DUMP_TOKENS;
  else if (!strcmp(s, "tree"))
    *mode = TIDU_DUMP_TREE;
  else if (!strcmp(s, "program"))
    *mode = TIDU_DUMP_PROGRAM;
  else
    return -1;
  return 0;
}

static int dump_selection(const tidu_selection *sel, tidu_dump_mode mode) {
  for (size_t i = 0; i < tidu_selection_count(sel); i++) {
    char *out = NULL;
    tidu_error err;
    tidu_error_clear(&err);
    if (tidu_ruleset_dump(tidu_selection_get(sel, i), mode, &out, &err) != TIDU_OK) {
      cli_print_error(&err);
      return CLI_INPUT;
    }
    fputs(out, stdout);
    free(out);
  }
  return CLI_OK;
}

/* Each rule set in force (one per line): its conditions with the ids per-firm JSON refers to. */
static int show_json(const tidu_selection *sel) {
  for (size_t i = 0; i < tidu_selection_count(sel); i++) {
    json_t *j = tidu_report_ruleset_json(tidu_selection_get(sel, i));
    if (!j) {
      fputs("tidu rules show: 内存不足 / out of memory\n", stderr);
      return CLI_INPUT;
    }
    json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(j);
  }
  return CLI_OK;
}

static int rules_show(const cli_spec *spec, const cli_args *a) {
  int64_t as_of;
  int rc = cli_opt_as_of(spec, a, &as_of);
  if (rc) return rc;
  if (a->npos != 1) return cli_usage(spec, "需要一个规则集编号 / expected one rule set ID");
  const char *dump = cli_get(spec, a, "dump");
  const char *lang = cli_get(spec, a, "lang");
  tidu_dump_mode mode = TIDU_DUMP_TREE;
  if (dump && parse_dump(dump, &mode))
    return cli_usage(spec, "未知形式 / unknown --dump '%s' (tokens, tree, program)", dump);
  if (lang && strcmp(lang, "zh") && strcmp(lang, "en"))
    return cli_usage(spec, "语言须为 zh 或 en / --lang must be zh or en");
  if (strchr(a->pos[0], ',')) return cli_usage(spec, "一次显示一个规则集 / one rule set at a time");
  const char *fmt = cli_get(spec, a, "format");
  if (fmt && strcmp(fmt, "text") && strcmp(fmt, "json"))
    return cli_usage(spec, "未知格式 / unknown format '%s' (text, json)", fmt);
  int json = fmt && !strcmp(fmt, "json");
  tidu_rulebook *book = load_book(cli_get(spec, a, "rules"));
  if (!book) return CLI_INPUT;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_selection *sel = tidu_rulebook_select(book, as_of, a->pos[0], &err);
  if (!sel) {
    cli_print_error(&err);
    rc = cli_exit_code(err.code ? err.code : TIDU_ERR_NOMEM);
  } else if (tidu_selection_count(sel) == 0) {
    char day[11];
    tidu_format_date(as_of, day);
    fprintf(stderr, "tidu rules show: %s 在 %s 没有生效的版本 / has no version in force on %s\n",
            a->pos[0], day, day);
    rc = CLI_INPUT;
  } else if (dump) {
    rc = dump_selection(sel, mode);
  } else if (json) {
    rc = show_json(sel);
  } else {
    rc = show_conditions(sel, as_of, lang && !strcmp(lang, "en"));
  }
  tidu_selection_free(sel);
  tidu_rulebook_free(book);
  return rc;
}

/* ---- check ---- */

static int rules_check(const cli_spec *spec, const cli_args *a) {
  if (a->npos > 1) return cli_usage(spec, "最多一个目录 / at most one DIR");
  const char *dir = a->npos ? a->pos[0] : NULL;
  tidu_rulebook *book = NULL;
  size_t nerrs = 0;
  int rc = cli_rules_load("tidu rules check", dir, CLI_RULES_KEEP, &book, &nerrs);
  if (!book) return CLI_INPUT;
  size_t nsets = tidu_rulebook_count(book);
  printf("%zu 个规则集编译通过,%zu 个错误 / %zu rule set%s compiled, %zu error%s\n", nsets, nerrs,
         nsets, nsets == 1 ? "" : "s", nerrs, nerrs == 1 ? "" : "s");
  tidu_rulebook_free(book);
  return rc;
}

/* ---- fields ---- */

static const char *type_name(tidu_type t) {
  static const char *const NAMES[] = {"money 金额", "ratio 比率", "count 计数", "years 年数",
                                      "score 分数", "bool 是否",  "enum 枚举",  "tags 标签",
                                      "date 日期",  "text 文本"};
  return (unsigned)t < sizeof NAMES / sizeof NAMES[0] ? NAMES[t] : "?";
}

static const char *scope_name(char scope) {
  return scope == 'F' ? "企业/firm" : scope == 'Y' ? "年度/year" : "派生/derived";
}

static int rules_fields(const cli_spec *spec, const cli_args *a) {
  if (a->npos) return cli_usage(spec, "多余的参数 / unexpected argument '%s'", a->pos[0]);
  tidu_rulebook *book = load_book(cli_get(spec, a, "rules"));
  if (!book) return CLI_INPUT;
  size_t n = tidu_rulebook_metrics(book, NULL, 0);
  tidu_metric_info *ms = tidu_calloc(n ? n : 1, sizeof *ms);
  if (!ms) {
    tidu_rulebook_free(book);
    return CLI_INPUT;
  }
  tidu_rulebook_metrics(book, ms, n);
  int w0 = 6, w1 = 8;
  for (size_t i = 0; i < n; i++) {
    if (cli_display_width(ms[i].name) > w0) w0 = cli_display_width(ms[i].name);
    if (ms[i].zh && cli_display_width(ms[i].zh) > w1) w1 = cli_display_width(ms[i].zh);
  }
  if (w1 > 40) w1 = 40;
  printf("%s", cli_bold());
  cli_pad(stdout, "名称/name", w0 + 2);
  cli_pad(stdout, "中文名/Chinese", w1 + 2);
  cli_pad(stdout, "范围/scope", 14);
  printf("类型/type%s\n", cli_reset());
  for (size_t i = 0; i < n; i++) {
    cli_pad(stdout, ms[i].name, w0 + 2);
    cli_pad(stdout, ms[i].zh ? ms[i].zh : "", w1 + 2);
    cli_pad(stdout, scope_name(ms[i].scope), 14);
    printf("%s", type_name(ms[i].type));
    const tidu_field_info *fi = ms[i].scope == 'D' ? NULL : tidu_field_find(ms[i].name);
    if (fi && fi->judge) printf("  判断,未申报为待定 / judgement: unknown until declared");
    if (ms[i].formula) printf("  = %s", ms[i].formula);
    putchar('\n');
  }
  printf("\n函数 / functions:");
  for (const char *const *f = tidu_rules_functions(); f && *f; f++) printf(" %s", *f);
  putchar('\n');
  free(ms);
  tidu_rulebook_free(book);
  return CLI_OK;
}

/* ---- dispatch ---- */

typedef int (*sub_handler)(const cli_spec *spec, const cli_args *a);

static const sub_handler SUB_HANDLERS[] = {rules_list, rules_show, rules_check, rules_fields};

static void rules_overview(FILE *out) {
  fputs("用法 / Usage: tidu rules <list|show|check|fields> [options]\n\n", out);
  for (const cli_spec *sp = cli_rules_specs; sp->name; sp++) {
    fputs("  ", out);
    cli_pad(out, sp->name + 6, 8);
    fprintf(out, "%s / %s\n", sp->zh, sp->en);
  }
  fputs("\ntidu rules <子命令> --help 查看选项 / for a subcommand's options.\n", out);
}

int cmd_rules(int argc, char **argv) {
  int rc;
  const cli_spec *spec = cli_find_sub("rules", cli_rules_specs, rules_overview, argc, argv, &rc);
  if (!spec) return rc;
  cli_args a;
  rc = cli_parse(spec, argc - 1, argv + 1, &a);
  if (rc) return rc < 0 ? CLI_OK : rc;
  rc = SUB_HANDLERS[spec - cli_rules_specs](spec, &a);
  cli_args_free(&a);
  return rc;
}
