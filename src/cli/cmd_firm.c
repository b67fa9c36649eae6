/* `tidu firm show|list|edit|history|delete|undelete`: one file per firm (一企一档). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_batch.h"
#include "tidu/assess.h"
#include "tidu/codes.h"
#include "tidu/export.h"
#include "tidu/firmlist.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/regeval.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"
#include "tidu/values.h"

/* ==== assessing registry firms in chunks (shared with cmd_export.c) ==== */

/* The CLI's face over tidu_regeval: it owns the built-in rule book and prints errors. */
struct cli_regeval {
  tidu_rulebook *book;
  tidu_regeval *e;
};

int cli_regeval_open(int64_t as_of, cli_regeval **out) {
  *out = NULL;
  cli_regeval *c = tidu_calloc(1, sizeof *c);
  if (!c) return CLI_INPUT;
  int rc = cli_load_rules(NULL, &c->book);
  if (rc == CLI_OK) {
    tidu_error err;
    tidu_error_clear(&err);
    if (tidu_regeval_open(c->book, as_of, &c->e, &err) != TIDU_OK) {
      cli_print_error(&err);
      rc = cli_exit_code(err.code);
    }
  }
  if (rc != CLI_OK) {
    cli_regeval_close(c);
    return rc;
  }
  *out = c;
  return CLI_OK;
}

int cli_regeval_want_standing(cli_regeval *c, const char *lang) {
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_regeval_want_standing(c->e, lang, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  return CLI_OK;
}

void cli_regeval_close(cli_regeval *c) {
  if (!c) return;
  tidu_regeval_close(c->e);
  tidu_rulebook_free(c->book);
  free(c);
}

size_t cli_regeval_count(const cli_regeval *c) {
  return tidu_regeval_count(c->e);
}

const tidu_export_ruleset *cli_regeval_rulesets(const cli_regeval *c) {
  return tidu_regeval_rulesets(c->e);
}

int cli_regeval_find(const cli_regeval *c, const char *id) {
  return tidu_regeval_find(c->e, id);
}

int cli_regeval_run(cli_regeval *c, const tidu_firm *firms, size_t n) {
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_regeval_run(c->e, firms, n, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  return CLI_OK;
}

void cli_regeval_get(const cli_regeval *c, size_t lane, tidu_export_assessment *a) {
  tidu_regeval_get(c->e, lane, a);
}

int cli_regeval_each(tidu_store *s, const tidu_store_filter *flt, cli_regeval *c, cli_firm_fn each,
                     void *ctx) {
  tidu_error err;
  tidu_error_clear(&err);
  int stopped = 0;
  if (tidu_regeval_each(s, flt, c ? c->e : NULL, each, ctx, &stopped, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  return stopped;
}

/* ==== options ==== */

static const cli_option show_opts[] = {
    CLI_OPT_DB,
    {"format", 'f', "FMT", "输出格式 table|json|xlsx", "output format table|json|xlsx"},
    {"output", 'o', "FILE", "xlsx 的输出文件", "output file for xlsx"},
    CLI_OPT_AS_OF,
    {"explain", 'e', NULL, "逐条列出每个条件的差距与依据",
     "list every condition with its gap and source"},
    CLI_OPT_END,
};

static const cli_option list_opts[] = {
    CLI_OPT_DB,
    {"region", 0, "PREFIX", "行政区划代码前缀(如 3205)", "region code prefix (e.g. 3205)"},
    {"industry", 0, "PREFIX", "行业代码前缀(如 C39)", "industry code prefix (e.g. C39)"},
    {"chain", 0, "TAG", "产业链标签", "industry chain tag"},
    {"title", 0, "NAME", "有效资质(如 srdi_sme)", "title held (e.g. srdi_sme)"},
    {"board", 0, "ID", "按此板块/梯度的结论筛选或排序",
     "board or tier for verdict filter and gaps"},
    {"verdict", 0, "V", "结论 pass|fail|unknown(需 --board)",
     "verdict pass|fail|unknown (needs --board)"},
    {"gap-below", 0, "X", "相对距离小于 X:最近标准各项 min(1, 差距/门槛) 之和,0 为达标(需 --board)",
     "distance below X: the sum over the nearest standard of min(1, gap/threshold), 0 = passes "
     "(needs --board)"},
    {"sort", 0, "KEY", "排序 uscc|name|region|revenue|gap", "sort by uscc|name|region|revenue|gap"},
    {"limit", 'n', "N", "最多显示 N 家", "show at most N firms"},
    {"deleted", 0, NULL, "包括已删除的企业", "include deleted firms"},
    {"format", 'f', "FMT", "输出格式 table|json", "output format table|json"},
    CLI_OPT_AS_OF,
    CLI_OPT_END,
};

static const cli_option edit_opts[] = {
    CLI_OPT_DB,
    {"by", 0, "NAME", "修改人(默认 $USER)", "who makes the change (default $USER)"},
    {"reason", 0, "TEXT", "修改原因", "why"},
    {"delete-year", 0, "YEAR", "删除该年度的全部数据(记入历史)",
     "remove that fiscal year's figures (recorded in the history)"},
    CLI_OPT_WAIT,
    CLI_OPT_END,
};

static const cli_option delete_opts[] = {
    CLI_OPT_DB,
    {"by", 0, "NAME", "修改人(默认 $USER)", "who makes the change (default $USER)"},
    {"reason", 0, "TEXT", "修改原因", "why"},
    CLI_OPT_WAIT,
    CLI_OPT_END,
};

static const cli_option db_only_opts[] = {
    CLI_OPT_DB,
    CLI_OPT_END,
};

static const char *who_default(const char *by) {
  if (by && *by) return by;
  const char *u = getenv("USER");
  return u && *u ? u : "unknown";
}

/* ==== firm show ==== */

/* Width of the label column of `firm show`, fixed by show_label_width for one firm. */
static int label_width = 30;

static void show_line(const char *label, const char *value) {
  if (!value || !*value) return;
  cli_pad(stdout, label, label_width);
  printf("%s\n", value);
}

/* Fits the label column to the longest "中文名 / name" the firm shows (at most 48 columns;
 * a longer label keeps two spaces before its value). */
static void show_label_width(const tidu_firm *f) {
  label_width = 30;
  for (int i = 0; i < TIDU_NFIRM; i++) {
    const tidu_field_info *fi = tidu_firm_field_info(i);
    if (tidu_field_absent(fi, f->v[i], f->text[i])) continue;
    char label[256];
    snprintf(label, sizeof label, "%s / %s", fi->zh, fi->name);
    int w = cli_display_width(label) + 2;
    if (w > label_width && w <= 48) label_width = w;
  }
}

static void show_identity(const tidu_firm *f, int deleted) {
  char buf[1100], more[512];
  show_line("统一社会信用代码 / USCC", f->text[TIDU_F_USCC]);
  show_line("企业名称 / Name", f->text[TIDU_F_NAME]);
  if (f->text[TIDU_F_REGION]) {
    tidu_region_full_name(f->text[TIDU_F_REGION], more, sizeof more);
    snprintf(buf, sizeof buf, "%s %s", f->text[TIDU_F_REGION], more);
    show_line("地区 / Region", buf);
  }
  if (f->text[TIDU_F_INDUSTRY]) {
    tidu_industry_describe(f->text[TIDU_F_INDUSTRY], more, sizeof more);
    snprintf(buf, sizeof buf, "%s  %s", f->text[TIDU_F_INDUSTRY], more);
    show_line("行业 / Industry", buf);
  }
  if (deleted) show_line("状态 / Status", "已删除 / deleted (tidu firm undelete 可恢复)");
}

/* Every other field that holds a value, with Chinese labels for enumerations. */
static void show_declarations(const tidu_firm *f) {
  for (int i = 0; i < TIDU_NFIRM; i++) {
    if (i == TIDU_F_USCC || i == TIDU_F_NAME || i == TIDU_F_REGION || i == TIDU_F_INDUSTRY)
      continue;
    const tidu_field_info *fi = tidu_firm_field_info(i);
    if (tidu_field_absent(fi, f->v[i], f->text[i])) continue;
    char value[512] = "", label[256];
    if (fi->type == TIDU_T_ENUM) {
      snprintf(value, sizeof value, "%s", tidu_enum_label_zh(fi->enum_id, (int)f->v[i]));
    } else if (fi->type == TIDU_T_TAGS) {
      size_t used = 0;
      for (int k = 0; k < tidu_enum_count(fi->enum_id) && k < 63; k++)
        if (f->v[i] & ((int64_t)1 << k))
          used += (size_t)snprintf(value + used, sizeof value - used, "%s%s", used ? "; " : "",
                                   tidu_enum_label_zh(fi->enum_id, k));
    } else if (fi->type == TIDU_T_TEXT) {
      snprintf(value, sizeof value, "%s", f->text[i]);
    } else {
      tidu_format_value(fi->type, f->v[i], "zh", value, sizeof value);
    }
    snprintf(label, sizeof label, "%s / %s", fi->zh, fi->name);
    if (cli_display_width(label) + 2 > label_width) { /* longer than the column */
      printf("%s  %s\n", label, value);
      continue;
    }
    show_line(label, value);
  }
}

/* Growth of x in year i over year i+1 of the shown years; NAN when unknown. */
static double growth(const tidu_firm *f, size_t i, int field) {
  if (i + 1 >= f->nyears || f->years[i + 1].year != f->years[i].year - 1) return NAN;
  int64_t a = f->years[i].v[field], b = f->years[i + 1].v[field];
  if (a == TIDU_MISSING || b == TIDU_MISSING || b <= 0) return NAN;
  return (double)a / (double)b - 1.0;
}

static void show_years(const tidu_firm *f) {
  size_t n = f->nyears < 5 ? f->nyears : 5;
  if (n == 0) {
    puts("\n年度数据 / Figures: 无 / none");
    return;
  }
  printf("\n年度数据 / Figures (最近 %zu 年 / latest %zu year%s)\n", n, n, n == 1 ? "" : "s");
  cli_pad(stdout, "", 34);
  for (size_t k = n; k-- > 0;) printf("%14d", f->years[k].year);
  putchar('\n');
  for (int i = 0; i < TIDU_NYEAR; i++) {
    int any = 0;
    for (size_t k = 0; k < n; k++) any |= f->years[k].v[i] != TIDU_MISSING;
    if (!any) continue;
    const tidu_field_info *fi = tidu_year_field_info(i);
    char label[96];
    cli_truncate(fi->zh, 32, label, sizeof label);
    printf("  ");
    cli_pad(stdout, label, 32);
    for (size_t k = n; k-- > 0;) {
      char v[64];
      tidu_format_value(fi->type, f->years[k].v[i], "zh", v, sizeof v);
      int w = cli_display_width(v);
      printf("%*s%s", 14 - w > 0 ? 14 - w : 1, "", v);
    }
    putchar('\n');
    if (i != TIDU_Y_REVENUE && i != TIDU_Y_NET_PROFIT) continue;
    printf("  ");
    cli_pad(stdout, i == TIDU_Y_REVENUE ? "  营业收入增长率 / growth" : "  净利润增长率 / growth",
            32);
    for (size_t k = n; k-- > 0;) {
      double g = growth(f, k, i);
      if (isnan(g))
        printf("%14s", "—");
      else
        printf("%13.2f%%", g * 100);
    }
    putchar('\n');
  }
}

static void show_listing(const tidu_firm *f) {
  const int fields[] = {TIDU_F_LISTING_INTENTION, TIDU_F_TARGET_BOARD, TIDU_F_LISTING_STAGE,
                        TIDU_F_LISTING_STATUS};
  puts("\n上市 / Listing");
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    const tidu_field_info *fi = tidu_firm_field_info(fields[i]);
    char label[128];
    snprintf(label, sizeof label, "  %s", fi->zh);
    show_line(label, tidu_enum_label_zh(fi->enum_id, (int)f->v[fields[i]]));
  }
}

static const char *verdict_word(tidu_verdict v) {
  switch (v) {
  case TIDU_V_PASS:
    return "符合/pass";
  case TIDU_V_FAIL:
    return "不符合/fail";
  case TIDU_V_UNKNOWN:
    return "待定/unknown";
  default:
    return "n/a";
  }
}

static const char *verdict_colour(tidu_verdict v) {
  return v == TIDU_V_PASS ? cli_green() : v == TIDU_V_FAIL ? cli_red() : cli_yellow();
}

static void show_result(const tidu_result *r, int64_t as_of) {
  char date[11];
  tidu_format_date(as_of, date);
  printf("\n评估 / Assessment (%s, 年度/year %d)\n", date, r->year);
  printf("  差距按条件自身的单位(差2亿 = 还差2亿元;+1 = 另有1项未满足);相对距离 = 最近标准各项"
         "相对差距之和,每项 min(1, 差距/门槛),0 为达标\n"
         "  gaps in the condition's own unit; distance = sum over the nearest standard of "
         "min(1, gap/threshold), 0 = passes\n");
  int wl = 0, ws = 0; /* widths of the name and standing columns */
  for (size_t i = 0; i < r->nrulesets; i++) {
    const tidu_ruleset_result *rr = &r->rulesets[i];
    char label[160], standing[160];
    snprintf(label, sizeof label, "  %s (%s)", rr->meta->name, rr->meta->id);
    tidu_report_standing(rr, "zh", standing, sizeof standing);
    if (cli_display_width(label) > wl) wl = cli_display_width(label);
    if (cli_display_width(standing) > ws) ws = cli_display_width(standing);
  }
  for (size_t i = 0; i < r->nrulesets; i++) {
    const tidu_ruleset_result *rr = &r->rulesets[i];
    char label[160], standing[160];
    snprintf(label, sizeof label, "  %s (%s)", rr->meta->name, rr->meta->id);
    cli_pad(stdout, label, wl + 2);
    printf("%s", verdict_colour(rr->verdict));
    cli_pad(stdout, verdict_word(rr->verdict), 14);
    printf("%s", cli_reset());
    tidu_report_standing(rr, "zh", standing, sizeof standing);
    cli_pad(stdout, standing[0] == ' ' ? standing + 1 : standing, ws + 1);
    if (rr->verdict != TIDU_V_PASS && rr->nearest >= 0 && (size_t)rr->nearest < rr->nstandards)
      printf(" 相对距离/distance %.2f", rr->standards[rr->nearest].distance);
    if (rr->score_known && rr->meta->has_pass_score)
      printf(" 得分/score %.1f/%.0f", rr->score, rr->meta->pass_score);
    if (rr->nmissing) {
      printf(" 缺少/missing: ");
      for (size_t k = 0; k < rr->nmissing && k < 4; k++) {
        char name[160];
        tidu_field_label(rr->missing[k], 0, name, sizeof name);
        printf("%s%s", k ? "、" : "", name);
      }
      if (rr->nmissing > 4) printf(" 等%zu项", rr->nmissing);
    }
    putchar('\n');
  }
}

/* Assesses one firm and returns its result tree (caller frees), or NULL. */
static tidu_result *assess_one(cli_regeval *e, const tidu_firm *f) {
  if (cli_regeval_run(e, f, 1) != CLI_OK) return NULL;
  tidu_result *r = NULL;
  tidu_error err;
  if (tidu_eval_materialise(tidu_regeval_eval(e->e), 0, &r, &err) != TIDU_OK) {
    cli_print_error(&err);
    return NULL;
  }
  return r;
}

static int show_json(const tidu_firm *f, int deleted, const tidu_result *r) {
  char *text = tidu_firm_to_json(f);
  json_error_t jerr;
  json_t *o = text ? json_loads(text, 0, &jerr) : NULL;
  free(text);
  if (!o) return CLI_INPUT;
  char buf[512];
  json_object_set_new(o, "deleted", json_boolean(deleted));
  if (f->text[TIDU_F_REGION] && tidu_region_full_name(f->text[TIDU_F_REGION], buf, sizeof buf))
    json_object_set_new(o, "region_name", json_string(buf));
  if (f->text[TIDU_F_INDUSTRY] && tidu_industry_describe(f->text[TIDU_F_INDUSTRY], buf, sizeof buf))
    json_object_set_new(o, "industry_name", json_string(buf));
  if (r) json_object_set_new(o, "assessment", tidu_report_json(r));
  char *out = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
  json_decref(o);
  if (!out) return CLI_INPUT;
  puts(out);
  free(out);
  return CLI_OK;
}

static int show_xlsx(cli_regeval *e, const tidu_firm *f, const char *path) {
  tidu_exporter *ex = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_export_assessment a;
  cli_regeval_get(e, 0, &a);
  tidu_code rc = tidu_export_open(path, TIDU_EXPORT_XLSX, cli_regeval_rulesets(e),
                                  cli_regeval_count(e), &ex, &err);
  if (rc == TIDU_OK) rc = tidu_export_add(ex, f, &a, &err);
  if (rc != TIDU_OK)
    tidu_export_abort(ex);
  else
    rc = tidu_export_close(ex, &err);
  if (rc != TIDU_OK)
    cli_print_error(&err);
  else
    printf("已写入 / written %s\n", path);
  return cli_exit_code(rc);
}

static int firm_show(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  if (a->npos != 1) return cli_usage(spec, "需要一个 USCC 或名称 / needs one USCC or NAME");
  const char *fmt = cli_get(spec, a, "format");
  if (!fmt) fmt = "table";
  if (strcmp(fmt, "table") && strcmp(fmt, "json") && strcmp(fmt, "xlsx"))
    return cli_usage(spec, "未知格式 / unknown format '%s'", fmt);
  if (!strcmp(fmt, "xlsx") && !cli_get(spec, a, "output"))
    return cli_usage(spec, "xlsx 需要 --output FILE / xlsx needs --output FILE");
  if (cli_get(spec, a, "output") &&
      cli_guard_output(cli_get(spec, a, "output"), cli_db_path(cli_get(spec, a, "db")), NULL, 0) !=
          CLI_OK)
    return CLI_USAGE;
  int64_t as_of = 0;
  int rc = cli_opt_as_of(spec, a, &as_of);
  if (rc != CLI_OK) return rc;
  tidu_firm f;
  int deleted = 0;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_store_get(s, a->pos[0], &f, &deleted, &err) != TIDU_OK) {
    cli_print_error(&err);
    return cli_exit_code(err.code);
  }
  cli_regeval *e = NULL;
  rc = cli_regeval_open(as_of, &e);
  tidu_result *r = rc == CLI_OK ? assess_one(e, &f) : NULL;
  if (!strcmp(fmt, "json")) {
    rc = show_json(&f, deleted, r);
  } else if (!strcmp(fmt, "xlsx")) {
    rc = e && r ? show_xlsx(e, &f, cli_get(spec, a, "output")) : CLI_INPUT;
  } else {
    show_label_width(&f);
    show_identity(&f, deleted);
    show_declarations(&f);
    show_listing(&f);
    show_years(&f);
    if (r) show_result(r, as_of);
    char *explain = r && cli_get(spec, a, "explain") ? tidu_report_explain(r, "zh") : NULL;
    if (explain) printf("\n%s", explain);
    free(explain);
  }
  tidu_result_free(r);
  cli_regeval_close(e);
  tidu_firm_clear(&f);
  return rc;
}

/* ==== firm list ==== */

static const char *verdict_zh(const char *v) {
  if (!v) return "不适用";
  return !strcmp(v, "pass") ? "符合" : !strcmp(v, "fail") ? "不符合" : "待定";
}

static void print_rows(const tidu_list *lr, const char *board, size_t limit, int json) {
  char vtitle[160]; /* "科创板结论": the verdict column, as wide as its title */
  snprintf(vtitle, sizeof vtitle, "%s结论", lr->board_name ? lr->board_name : board ? board : "");
  int vw = cli_display_width(vtitle) + 2 > 10 ? cli_display_width(vtitle) + 2 : 10;
  if (!json) {
    static const struct {
      const char *title;
      int width;
    } cols[] = {
        {"统一社会信用代码", 21}, {"企业名称", 29}, {"地区", 9}, {"行业", 8}, {"年度", 7}, {"", 0}};
    for (size_t k = 0; cols[k].width; k++) cli_pad(stdout, cols[k].title, cols[k].width);
    printf("%*s%s", 14 - cli_display_width("营业收入"), "", "营业收入");
    if (board) {
      printf("  ");
      cli_pad(stdout, vtitle, vw);
      printf("差距(最近标准)          相对距离");
    }
    putchar('\n');
  }
  size_t shown = 0;
  for (size_t i = 0; i < lr->n && i < limit; i++, shown++) {
    const tidu_list_row *r = &lr->rows[i];
    char rev[48] = "—";
    if (r->revenue != TIDU_MISSING)
      tidu_format_value(TIDU_T_MONEY, r->revenue, "zh", rev, sizeof rev);
    if (json) {
      json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "uscc", r->uscc, "name", r->name, "region",
                            r->region, "industry", r->industry);
      if (r->year) json_object_set_new(o, "year", json_integer(r->year));
      if (r->revenue != TIDU_MISSING)
        json_object_set_new(o, "revenue", json_real((double)r->revenue / 100.0));
      if (board) {
        json_object_set_new(o, "verdict", r->verdict ? json_string(r->verdict) : json_null());
        if (r->nearest[0]) json_object_set_new(o, "nearest", json_string(r->nearest));
        if (r->gap[0]) json_object_set_new(o, "gap", json_string(r->gap));
        if (!isnan(r->distance)) json_object_set_new(o, "distance", json_real(r->distance));
      }
      char *t = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
      if (t) puts(t);
      free(t);
      json_decref(o);
      continue;
    }
    char name[96];
    cli_truncate(r->name, 28, name, sizeof name);
    printf("%-20s ", r->uscc);
    cli_pad(stdout, name, 29);
    printf("%-8s %-7s %-6d %*s%s", r->region, r->industry, r->year,
           14 - cli_display_width(rev) > 0 ? 14 - cli_display_width(rev) : 0, "", rev);
    if (board) {
      printf("  ");
      cli_pad(stdout, verdict_zh(r->verdict), vw);
      cli_pad(stdout, r->gap[0] ? r->gap : r->nearest, 24);
      if (!isnan(r->distance) && r->verdict && strcmp(r->verdict, "pass"))
        printf("%.2f", r->distance);
    }
    putchar('\n');
  }
  if (json) return;
  if (shown < lr->n)
    printf("显示 %zu 家,共 %zu 家 / showing %zu of %zu firm%s\n", shown, lr->n, shown, lr->n,
           lr->n == 1 ? "" : "s");
  else
    printf("共 %zu 家 / %zu firm%s\n", lr->n, lr->n, lr->n == 1 ? "" : "s");
}

static int list_options(const cli_spec *spec, const cli_args *a, tidu_list_query *q,
                        size_t *limit) {
  q->board = cli_get(spec, a, "board");
  q->verdict = cli_get(spec, a, "verdict");
  const char *gap = cli_get(spec, a, "gap-below");
  const char *sort = cli_get(spec, a, "sort");
  if (!sort) sort = "uscc";
  if (tidu_list_sort_parse(sort, &q->sort) != 0)
    return cli_usage(spec, "未知排序 / unknown sort key '%s'", sort);
  /* revenue: largest first; a missing figure or distance always last */
  q->desc = q->sort == TIDU_LIST_BY_REVENUE;
  q->missing_last = 1;
  if ((q->verdict || gap || q->sort == TIDU_LIST_BY_GAP) && !q->board)
    return cli_usage(spec, "--verdict、--gap-below、--sort gap 需要 --board / need --board");
  if (q->verdict && strcmp(q->verdict, "pass") && strcmp(q->verdict, "fail") &&
      strcmp(q->verdict, "unknown"))
    return cli_usage(spec, "结论应为 pass|fail|unknown / verdict must be pass|fail|unknown");
  if (gap) {
    char *end;
    q->gap_below = strtod(gap, &end);
    if (*end || end == gap) return cli_usage(spec, "差距无效 / bad gap '%s'", gap);
    q->has_gap = 1;
  }
  long long n = 0;
  const char *lim = cli_get(spec, a, "limit");
  if (lim && cli_parse_int(lim, 0, 1000000000, &n) != 0)
    return cli_usage(spec, "数量无效 / bad limit '%s'", lim);
  *limit = lim ? (size_t)n : (size_t)-1;
  return CLI_OK;
}

static int firm_list(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  if (a->npos != 0) return cli_usage(spec, "不接受位置参数 / takes no arguments");
  tidu_list_query q;
  memset(&q, 0, sizeof q);
  size_t limit = (size_t)-1;
  int64_t as_of = 0;
  int rc = list_options(spec, a, &q, &limit);
  if (rc == CLI_OK) rc = cli_opt_as_of(spec, a, &as_of);
  const char *fmt = cli_get(spec, a, "format");
  if (rc == CLI_OK && fmt && strcmp(fmt, "table") && strcmp(fmt, "json"))
    rc = cli_usage(spec, "未知格式 / unknown format '%s'", fmt);
  if (rc != CLI_OK) return rc;
  tidu_rulebook *book = NULL;
  if (q.board) rc = cli_load_rules(NULL, &book);
  q.flt = (tidu_store_filter){cli_get(spec, a, "region"), cli_get(spec, a, "industry"),
                              cli_get(spec, a, "chain"), cli_get(spec, a, "title"),
                              cli_get(spec, a, "deleted") != NULL};
  if (rc == CLI_OK) rc = cli_check_filter(spec, &q.flt);
  tidu_list l = {0};
  if (rc == CLI_OK) {
    tidu_error err;
    tidu_error_clear(&err);
    if (tidu_list_firms(s, book, as_of, &q, "zh", &l, &err) != TIDU_OK) {
      if (err.code == TIDU_ERR_USAGE)
        fprintf(stderr, "tidu firm list: %s\n", err.message);
      else
        cli_print_error(&err);
      rc = cli_exit_code(err.code);
    }
  }
  if (rc == CLI_OK) print_rows(&l, q.board, limit, fmt && !strcmp(fmt, "json"));
  tidu_list_free(&l);
  tidu_rulebook_free(book);
  return rc;
}

/* ==== firm edit ==== */

/* A bare number ("5000") for a money field whose size suggests 万元 was meant: warn. */
static void warn_bare_money(const tidu_field_info *fi, const char *arg, const char *value,
                            int64_t v) {
  if (fi->type != TIDU_T_MONEY || v == TIDU_MISSING || v == 0) return;
  for (const char *p = value; *p; p++)
    if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+' || *p == ',' ||
          *p == ' '))
      return; /* a unit or a suffix was written */
  int64_t a = v < 0 ? -v : v;
  if (a >= 1000000LL * TIDU_SCALE_MONEY) return; /* 100万元 or more reads as 元 */
  char shown[64];
  tidu_format_value(fi->type, v, "zh", shown, sizeof shown);
  fprintf(stderr,
          "tidu firm edit: 警告/warning: %s 按元计为 %s;若指万元请写 %s万 / read as yuan (%s); "
          "write %s万 for 万元\n",
          arg, shown, value, shown, value);
}

static int parse_year(const char *s, int32_t *year) {
  long long y = 0;
  if (cli_parse_int(s, 1900, 2200, &y) != 0) return -1;
  *year = (int32_t)y;
  return 0;
}

/* Warns about a fiscal year after the current one: it would become the firm's latest year. */
static void warn_future_year(const char *arg, int32_t year) {
  int y, m, d;
  tidu_civil_from_days(cli_today(), &y, &m, &d);
  if (year <= y) return;
  fprintf(stderr,
          "tidu firm edit: 警告/warning: %s 的年度 %d 晚于今年(%d),将成为该企业的最近年度;"
          "若是笔误,可用 --delete-year %d 删除 / year %d is after the current year (%d) and "
          "becomes the firm's latest year; if mistyped, remove it with --delete-year %d\n",
          arg, (int)year, y, (int)year, (int)year, y, (int)year);
}

static int apply_assignment(tidu_store *s, const char *uscc, const char *arg, const char *who,
                            const char *why) {
  tidu_error err;
  tidu_error_clear(&err);
  const char *eq = strchr(arg, '=');
  if (!eq) {
    fprintf(stderr, "tidu firm edit: 应为 字段=值 / expected field=value: '%s'\n", arg);
    return CLI_USAGE;
  }
  char name[128];
  snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
  int32_t year = 0;
  char *at = strchr(name, '@');
  if (at) {
    *at = '\0';
    if (parse_year(at + 1, &year) != 0) {
      fprintf(stderr, "tidu firm edit: 年度无效 / bad year '%s' in '%s'\n", at + 1, arg);
      return CLI_USAGE;
    }
  }
  const tidu_field_info *fi = tidu_field_find(name);
  if (!fi) {
    fprintf(stderr, "tidu firm edit: 未知字段 / unknown field '%s'", name);
    cli_suggest_field(stderr, name);
    fputc('\n', stderr);
    return CLI_USAGE;
  }
  int64_t v = TIDU_MISSING;
  char *text = NULL;
  tidu_code rc = tidu_field_parse(fi, eq + 1, &v, &text, &err);
  if (rc == TIDU_OK) {
    warn_bare_money(fi, arg, eq + 1, v);
    if (year) warn_future_year(arg, year);
    rc = tidu_store_set_value(s, uscc, fi, year, v, text, who, why, &err);
  }
  free(text);
  if (rc != TIDU_OK) {
    char msg[sizeof err.message];
    snprintf(msg, sizeof msg, "%s", err.message);
    char label[160];
    if (year)
      snprintf(label, sizeof label, "%s(%d)", fi->zh, (int)year);
    else
      snprintf(label, sizeof label, "%s", fi->zh);
    tidu_error_set(&err, rc, NULL, 0, 0, "%s %s: %s", label, arg, msg);
    fprintf(stderr, "tidu firm edit: ");
    cli_print_error(&err);
  }
  return cli_exit_code(rc);
}

static int resolve_uscc(tidu_store *s, const char *key, char uscc[64]) {
  tidu_firm f;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_store_get(s, key, &f, NULL, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  snprintf(uscc, 64, "%s", f.text[TIDU_F_USCC]);
  tidu_firm_clear(&f);
  return CLI_OK;
}

static int firm_edit(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  const char *drop = cli_get(spec, a, "delete-year");
  if (a->npos < 1 || (a->npos < 2 && !drop))
    return cli_usage(spec, "需要 USCC 和至少一个 字段=值 / needs USCC and field=value");
  int32_t drop_year = 0;
  if (drop && parse_year(drop, &drop_year) != 0)
    return cli_usage(spec, "年度无效 / bad year '%s'", drop);
  char uscc[64];
  int rc = resolve_uscc(s, a->pos[0], uscc);
  if (rc != CLI_OK) return rc;
  tidu_error err;
  if (tidu_store_begin(s, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  const char *who = who_default(cli_get(spec, a, "by"));
  const char *why = cli_get(spec, a, "reason");
  if (drop && tidu_store_delete_year(s, uscc, drop_year, who, why, &err) != TIDU_OK) {
    cli_print_error(&err);
    rc = CLI_INPUT;
  }
  for (int i = 1; i < a->npos && rc == CLI_OK; i++)
    rc = apply_assignment(s, uscc, a->pos[i], who, why);
  if (rc != CLI_OK) {
    tidu_store_rollback(s);
    return rc;
  }
  if (tidu_store_commit(s, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  if (drop) printf("已删除年度 / removed year %d of %s\n", (int)drop_year, uscc);
  if (a->npos > 1) printf("已更新 / updated %s (%d)\n", uscc, a->npos - 1);
  return CLI_OK;
}

/* ==== firm history, delete, undelete ==== */

/* Formats a stored history value for people: amounts in 万/亿, enumerations and tags by their
 * Chinese labels. */
static void history_value(const tidu_field_info *fi, const char *stored, char *buf, size_t size) {
  if (!stored) {
    snprintf(buf, size, "—");
    return;
  }
  if (fi && (fi->type == TIDU_T_ENUM || fi->type == TIDU_T_TAGS)) {
    size_t used = 0;
    buf[0] = '\0';
    const char *p = stored;
    while (*p && used + 1 < size) {
      const char *semi = strchr(p, ';');
      size_t n = semi ? (size_t)(semi - p) : strlen(p);
      int k = tidu_enum_parse(fi->enum_id, p, n);
      const char *label = k >= 0 ? tidu_enum_label_zh(fi->enum_id, k) : NULL;
      int w = label ? snprintf(buf + used, size - used, "%s%s", used ? "、" : "", label)
                    : snprintf(buf + used, size - used, "%s%.*s", used ? "、" : "", (int)n, p);
      if (w < 0 || (size_t)w >= size - used) break;
      used += (size_t)w;
      p = semi ? semi + 1 : p + n;
    }
    return;
  }
  if (fi && fi->type != TIDU_T_TEXT && fi->type != TIDU_T_DATE) {
    tidu_format_value(fi->type, strtoll(stored, NULL, 10), "zh", buf, size);
    return;
  }
  snprintf(buf, size, "%s", stored);
}

static int on_history(const tidu_history_entry *e, void *ud) {
  int *n = ud;
  const tidu_field_info *fi = tidu_field_find(e->field);
  char oldv[512], newv[512], field[256], when[64];
  history_value(fi, e->old_value, oldv, sizeof oldv);
  history_value(fi, e->new_value, newv, sizeof newv);
  const char *zh = fi ? fi->zh : e->field;
  if (e->year)
    snprintf(field, sizeof field, "%s(%d) %s@%d", zh, e->year, e->field, e->year);
  else
    snprintf(field, sizeof field, "%s %s", zh, e->field);
  cli_local_time(e->changed_at, when, sizeof when);
  printf("%s  ", when);
  cli_pad(stdout, field, 40);
  printf(" %s → %s\n", oldv, newv);
  if (e->old_source) printf("    原值来源 / old from: %s\n", e->old_source);
  if (e->new_source || e->why) {
    printf("    新值来源 / new from: %s", e->new_source ? e->new_source : "—");
    if (e->why) printf("  原因/why: %s", e->why);
    putchar('\n');
  }
  (*n)++;
  return 0;
}

static int firm_history(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  if (a->npos != 1) return cli_usage(spec, "需要一个 USCC / needs one USCC");
  char uscc[64];
  int rc = resolve_uscc(s, a->pos[0], uscc);
  if (rc != CLI_OK) return rc;
  int n = 0;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_store_history(s, uscc, on_history, &n, &err) != TIDU_OK) {
    cli_print_error(&err);
    return CLI_INPUT;
  }
  printf("%s: %d 项变更 / %d change%s\n", uscc, n, n, n == 1 ? "" : "s");
  return CLI_OK;
}

static int firm_delete(const cli_spec *spec, const cli_args *a, tidu_store *s, int del) {
  if (a->npos != 1) return cli_usage(spec, "需要一个 USCC / needs one USCC");
  tidu_error err;
  tidu_error_clear(&err);
  const char *who = who_default(cli_get(spec, a, "by"));
  const char *why = cli_get(spec, a, "reason");
  char uscc[64];
  if (resolve_uscc(s, a->pos[0], uscc) != CLI_OK) return CLI_INPUT;
  tidu_code rc = tidu_store_begin(s, &err);
  if (rc == TIDU_OK)
    rc = del ? tidu_store_delete(s, uscc, who, why, &err)
             : tidu_store_undelete(s, uscc, who, why, &err);
  if (rc == TIDU_OK) rc = tidu_store_commit(s, &err);
  if (rc != TIDU_OK) {
    tidu_store_rollback(s);
    cli_print_error(&err);
    return cli_exit_code(rc);
  }
  printf("%s %s\n", del ? "已删除 / deleted" : "已恢复 / restored", uscc);
  return CLI_OK;
}

static void print_usage(FILE *out) {
  fputs("用法 / Usage: tidu firm show|list|edit|history|delete|undelete ...\n", out);
  for (const cli_spec *sp = cli_firm_specs; sp->name; sp++)
    fprintf(out, "  tidu %-14s %s / %s\n", sp->name, sp->zh, sp->en);
}

static int firm_delete_one(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  return firm_delete(spec, a, s, 1);
}

static int firm_undelete(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  return firm_delete(spec, a, s, 0);
}

const cli_spec cli_firm_specs[] = {
    {"firm show", "[options] USCC|NAME", "一企一档：身份、资质、五年数据与增长、各板块与梯度评估",
     "one firm's file: identity, titles, five years of figures with growth, every assessment",
     show_opts, NULL, firm_show, CLI_READS},
    {"firm list", "[filters]", "按条件列出企业", "list firms by filters", list_opts, NULL,
     firm_list, CLI_READS},
    {"firm edit", "[options] USCC field=value | field@YEAR=value ...", "更正单个数值(记入历史)",
     "correct single values (recorded in the history)", edit_opts,
     "例 / e.g.: tidu firm edit 91320505MA1N2K3P9H name=新名称 revenue@2024=1.25亿 "
     "titles=高企;小巨人\n"
     "         tidu firm edit 91320505MA1N2K3P9H --delete-year 2025 --reason 年度录错",
     firm_edit, 0},
    {"firm history", "[--db PATH] USCC", "显示企业数据的全部变更", "show every change of a firm",
     db_only_opts, NULL, firm_history, CLI_READS},
    {"firm delete", "[options] USCC|NAME", "删除企业(可撤销)", "delete a firm (can be undone)",
     delete_opts, NULL, firm_delete_one, 0},
    {"firm undelete", "[options] USCC|NAME", "撤销删除", "undo a delete", delete_opts, NULL,
     firm_undelete, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_firm(int argc, char **argv) {
  return cli_run_store_sub("firm", cli_firm_specs, print_usage, argc, argv);
}
