/* `tidu pool …` and `tidu events`: the listing reserve pool's lifecycle, lists, history,
 * reviews, layers, key firms, officers and the consulting log (over include/tidu/programme.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_prog.h"
#include "tidu/programme.h"
#include "tidu/store.h"

/* ==== options ==== */

#define OPT_DB                                                                                     \
  { "db", 0, "PATH", "登记库文件", "registry file" }
#define OPT_WHO                                                                                    \
  { "who", 0, "NAME", "操作人(默认 $USER)", "who is acting (default $USER)" }
#define OPT_END                                                                                    \
  { NULL, 0, NULL, NULL, NULL }

static const cli_option add_opts[] = {
    OPT_DB,
    {"source", 's', "SRC", "来源 local(地方发动)|institution(机构推荐)|self(自愿申报)",
     "source local|institution|self"},
    {"by", 0, "NAME", "推荐单位或人", "who proposed it (district, institution)"},
    {"note", 0, "TEXT", "备注", "note"},
    OPT_WHO,
    OPT_END,
};

static const cli_option move_opts[] = {
    OPT_DB,
    {"reason", 'r', "TEXT", "理由;出库时为 listed|standard|withdrawn|red_flag|moved|other",
     "reason; for exit one of listed|standard|withdrawn|red_flag|moved|other"},
    {"why", 0, "TEXT", "说明(出库原因为 other 时必填)", "explanation (needed for other)"},
    OPT_WHO,
    OPT_END,
};

static const cli_option list_opts[] = {
    OPT_DB,
    {"state", 0, "S", "状态 proposed|admitted|rejected|exited", "state"},
    {"source", 0, "SRC", "来源 local|institution|self|review", "source"},
    {"region", 0, "PREFIX", "行政区划代码前缀", "region code prefix"},
    {"chain", 0, "TAG", "产业链标签", "chain tag"},
    {"industry", 0, "PREFIX", "行业代码前缀", "industry code prefix"},
    {"tags", 0, "SET", "按产业体系标签分组(jiangsu-1650|shaanxi|文件)",
     "show the industry-system tags of a tag set (jiangsu-1650|shaanxi|FILE)"},
    {"tag", 0, "ID", "只列出属于该标签的企业(需 --tags)",
     "only firms under this tag (needs --tags)"},
    {"format", 'f', "FMT", "输出格式 table|json|csv", "output format table|json|csv"},
    OPT_END,
};

static const cli_option history_opts[] = {
    OPT_DB,
    {"format", 'f', "FMT", "输出格式 table|json", "output format table|json"},
    OPT_END,
};

#define PROG_OPTS                                                                                  \
  OPT_DB, {"year", 'y', "YEAR", "财务年度", "fiscal year"},                                        \
      {"as-of", 0, "DATE", "规则版本日期(默认 年度+1 年 6 月 30 日)",                              \
       "date selecting rule versions (default June 30 of the year after)"},                        \
      {"rules", 0, "DIR", "替换内置的计划规则(rules/programme)",                                   \
       "programme rule sets replacing the built-in ones"},                                         \
      {"scope", 0, "PREFIX", "计划地区(行政区划代码前缀)", "programme region (code prefix)"},      \
      {"board-order", 0, "LIST", "分层顺序(默认 main,chinext,star,bse,neeq,regional)",             \
       "layering order"},                                                                          \
  {                                                                                                \
    "format", 'f', "FMT", "输出格式 table|json", "output format table|json"                        \
  }

static const cli_option review_opts[] = {
    PROG_OPTS,
    {"apply", 0, NULL, "记录建议的入库与出库", "record the proposed entries and exits"},
    OPT_WHO,
    OPT_END,
};

static const cli_option layers_opts[] = {
    PROG_OPTS,
    {"list", 'l', NULL, "列出每层的企业", "list the firms of each layer"},
    {"by", 0, "KEY", "再按 region|chain 分组计数", "also count by region|chain"},
    OPT_END,
};

static const cli_option shortlist_opts[] = {
    PROG_OPTS,
    {"count", 'n', "N", "重点企业家数(>0)", "number of key firms (> 0)"},
    {"per-chain", 0, "N", "每条产业链最多 N 家", "at most N per chain"},
    {"per-region", 0, "N", "每个地市最多 N 家", "at most N per city (4-digit region)"},
    {"apply", 0, NULL, "记录本年度名单", "record the year's list"},
    OPT_WHO,
    OPT_END,
};

static const cli_option assign_opts[] = {
    OPT_DB,
    {"officer", 0, "NAME", "专人跟踪人员", "tracking officer"},
    OPT_WHO,
    OPT_END,
};

static const cli_option log_opts[] = {
    OPT_DB,
    {"date", 0, "DATE", "日期(默认今天)", "date (default today)"},
    {"list", 'l', NULL, "列出该企业的辅导记录", "list the firm's consulting log"},
    OPT_WHO,
    OPT_END,
};

static const cli_option events_opts[] = {
    OPT_DB,
    {"uscc", 0, "USCC", "只列出该企业", "only this firm"},
    {"action", 0, "PREFIX", "动作前缀(pool、progress、inst …)", "action prefix (pool, progress…)"},
    {"since", 0, "DATE", "自该日期起", "from this date"},
    {"limit", 'n', "N", "最多 N 条", "at most N"},
    {"format", 'f', "FMT", "输出格式 table|json", "output format table|json"},
    OPT_END,
};

const cli_spec cli_events_specs[] = {
    {"events", "[filters]", "列出审计事件(谁、何时、做了什么、为何、来自何处)",
     "list audit events (who, when, what, why, from where)", events_opts, NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* ==== shared with cmd_prog.c ==== */

void cli_prog_actor(const cli_spec *spec, const cli_args *a, tidu_actor *act, char *src,
                    size_t size) {
  const char *who = cli_get(spec, a, "who");
  if (!who || !*who) who = getenv("USER");
  snprintf(src, size, "cli: tidu %s", spec->name);
  act->who = who && *who ? who : "cli";
  act->source = src;
}

int cli_prog_fail(const tidu_error *err) {
  cli_print_error(err);
  return cli_exit_code(err->code);
}

int cli_prog_format(const cli_spec *spec, const cli_args *a, const char *allowed, int *json) {
  const char *f = cli_get(spec, a, "format");
  *json = 0;
  if (!f || !strcmp(f, "table")) return CLI_OK;
  if (!strcmp(f, "json")) {
    *json = 1;
    return CLI_OK;
  }
  if (!strcmp(f, "csv") && strstr(allowed, "csv")) {
    *json = 2;
    return CLI_OK;
  }
  return cli_usage(spec, "未知格式 '%s'(可用 %s) / unknown format '%s' (%s)", f, allowed, f,
                   allowed);
}

int cli_prog_year(const cli_spec *spec, const cli_args *a, int32_t *year) {
  const char *y = cli_get(spec, a, "year");
  long long v;
  if (!y) return cli_usage(spec, "需要 --year / --year is required");
  if (cli_parse_int(y, 1990, 2100, &v) != 0)
    return cli_usage(spec, "年度无效 '%s' / invalid year '%s'", y, y);
  *year = (int32_t)v;
  return CLI_OK;
}

int cli_prog_open(const cli_spec *spec, const cli_args *a, int32_t year, tidu_programme **p) {
  tidu_programme_options o = {0};
  o.rules_dir = cli_get(spec, a, "rules");
  o.scope = cli_get(spec, a, "scope");
  o.board_order = cli_get(spec, a, "board-order");
  const char *asof = cli_get(spec, a, "as-of");
  if (asof) {
    if (cli_parse_date(asof, &o.as_of) != 0)
      return cli_usage(spec, "日期无效 '%s' / invalid date '%s'", asof, asof);
  } else {
    o.as_of = cli_days_from_civil(year + 1, 6, 30);
  }
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_programme_open(&o, p, &err) != TIDU_OK) return cli_prog_fail(&err);
  return CLI_OK;
}

void cli_json_print(json_t *v) {
  char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0 | JSON_PRESERVE_ORDER);
  if (s) {
    puts(s);
    free(s);
  }
  json_decref(v);
}

json_t *cli_jstr(const char *s) {
  return s ? json_string(s) : json_null();
}

/* ==== lifecycle ==== */

static int need_uscc(const cli_spec *spec, const cli_args *a) {
  if (a->npos != 1) return cli_usage(spec, "需要一个统一社会信用代码 / one USCC expected");
  return CLI_OK;
}

static int pool_add(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  int rc = need_uscc(spec, a);
  if (rc != CLI_OK) return rc;
  const char *src = cli_get(spec, a, "source");
  int k = src ? tidu_pool_source_find(src) : TIDU_SRC_LOCAL;
  if (k < 0 || k == TIDU_SRC_REVIEW)
    return cli_usage(spec, "未知来源 '%s'(local|institution|self) / unknown source '%s'", src, src);
  tidu_actor act;
  char buf[96];
  cli_prog_actor(spec, a, &act, buf, sizeof buf);
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_pool_add(s, a->pos[0], (tidu_pool_source)k, cli_get(spec, a, "by"),
                    cli_get(spec, a, "note"), &act, &err) != TIDU_OK)
    return cli_prog_fail(&err);
  printf("已提名 / proposed %s (%s)\n", a->pos[0], tidu_pool_source_zh((tidu_pool_source)k));
  return CLI_OK;
}

static int pool_move(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  const char *sub = spec->name + strlen("pool ");
  int rc = need_uscc(spec, a);
  if (rc != CLI_OK) return rc;
  tidu_actor act;
  char buf[96];
  cli_prog_actor(spec, a, &act, buf, sizeof buf);
  tidu_error err;
  tidu_error_clear(&err);
  const char *reason = cli_get(spec, a, "reason"), *why = cli_get(spec, a, "why");
  tidu_code c;
  if (!strcmp(sub, "admit")) {
    c = tidu_pool_admit(s, a->pos[0], reason ? reason : why, &act, &err);
  } else if (!strcmp(sub, "reject")) {
    c = tidu_pool_reject(s, a->pos[0], reason ? reason : why, &act, &err);
  } else {
    int r = reason ? tidu_exit_reason_find(reason) : 0;
    if (reason && r < 0) {
      fprintf(stderr,
              "tidu pool exit: 未知出库原因 '%s'(listed|standard|withdrawn|red_flag|moved|"
              "other) / unknown exit reason '%s'\n",
              reason, reason);
      return CLI_INPUT;
    }
    c = tidu_pool_exit(s, a->pos[0], (tidu_exit_reason)(r < 0 ? 0 : r), why, &act, &err);
  }
  if (c != TIDU_OK) return cli_prog_fail(&err);
  printf("%s %s\n",
         !strcmp(sub, "admit")    ? "已入库 / admitted"
         : !strcmp(sub, "reject") ? "未通过 / rejected"
                                  : "已出库 / exited",
         a->pos[0]);
  return CLI_OK;
}

/* ==== lists ==== */

static int pool_list(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  int fmt;
  int rc = cli_prog_format(spec, a, "table|json|csv", &fmt);
  if (rc != CLI_OK) return rc;
  tidu_pool_filter f;
  tidu_pool_filter_init(&f);
  const char *st = cli_get(spec, a, "state"), *src = cli_get(spec, a, "source");
  if (st && (f.state = tidu_pool_state_find(st)) < 0)
    return cli_usage(spec, "未知状态 '%s' / unknown state '%s'", st, st);
  if (src && (f.source = tidu_pool_source_find(src)) < 0)
    return cli_usage(spec, "未知来源 '%s' / unknown source '%s'", src, src);
  f.region_prefix = cli_get(spec, a, "region");
  f.chain = cli_get(spec, a, "chain");
  f.industry_prefix = cli_get(spec, a, "industry");
  tidu_tagset *ts = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  const char *tags = cli_get(spec, a, "tags"), *tag = cli_get(spec, a, "tag");
  if (tag && !tags) return cli_usage(spec, "--tag 需要 --tags / --tag needs --tags");
  if (tags && tidu_tagset_load(tags, &ts, &err) != TIDU_OK) return cli_prog_fail(&err);
  tidu_pool_list l;
  if (tidu_pool_list_get(s, &f, &l, &err) != TIDU_OK) {
    tidu_tagset_free(ts);
    return cli_prog_fail(&err);
  }
  json_t *arr = fmt == 1 ? json_array() : NULL;
  if (fmt == 2)
    puts("统一社会信用代码,企业名称,行政区划代码,产业链,状态,来源,推荐单位,出库原因,跟踪人员,"
         "产业体系标签");
  if (fmt == 0)
    printf("%-18s  %-8s  %-8s  %-8s  %s\n", "统一社会信用代码", "状态", "来源", "区划", "企业名称");
  size_t shown = 0;
  for (size_t i = 0; i < l.n; i++) {
    const tidu_pool_entry *e = &l.items[i];
    char tagbuf[512] = "";
    if (ts) tidu_tagset_match(ts, e->industry, e->chains, tagbuf, sizeof tagbuf);
    if (tag && !cli_prog_has(tagbuf, tag)) continue;
    shown++;
    if (fmt == 1) {
      json_t *o = json_object();
      json_object_set_new(o, "uscc", json_string(e->uscc));
      json_object_set_new(o, "name", cli_jstr(e->name));
      json_object_set_new(o, "region", cli_jstr(e->region));
      json_object_set_new(o, "chains", cli_jstr(e->chains));
      json_object_set_new(o, "state", json_string(tidu_pool_state_name(e->state)));
      json_object_set_new(o, "source", json_string(tidu_pool_source_name(e->source)));
      json_object_set_new(o, "by", cli_jstr(e->by));
      json_object_set_new(o, "note", cli_jstr(e->note));
      json_object_set_new(o, "exit_reason",
                          e->exit_reason ? json_string(tidu_exit_reason_name(e->exit_reason))
                                         : json_null());
      json_object_set_new(o, "officer", cli_jstr(e->officer));
      json_object_set_new(o, "changed", json_string(e->changed_at));
      if (ts) json_object_set_new(o, "tags", json_string(tagbuf));
      json_array_append_new(arr, o);
    } else if (fmt == 2) {
      printf("%s,", e->uscc);
      cli_csv_cell(stdout, e->name);
      printf(",%s,", e->region ? e->region : "");
      cli_csv_cell(stdout, e->chains);
      printf(",%s,%s,", tidu_pool_state_zh(e->state), tidu_pool_source_zh(e->source));
      cli_csv_cell(stdout, e->by);
      printf(",%s,", e->exit_reason ? tidu_exit_reason_zh(e->exit_reason) : "");
      cli_csv_cell(stdout, e->officer);
      putchar(',');
      cli_csv_cell(stdout, tagbuf);
      putchar('\n');
    } else {
      printf("%-18s  ", e->uscc);
      cli_pad(stdout, tidu_pool_state_zh(e->state), 8);
      fputs("  ", stdout);
      cli_pad(stdout, tidu_pool_source_zh(e->source), 8);
      printf("  %-8s  %s", e->region ? e->region : "", e->name ? e->name : "");
      if (e->exit_reason) printf("  [%s]", tidu_exit_reason_zh(e->exit_reason));
      if (ts && tagbuf[0]) printf("  {%s}", tagbuf);
      putchar('\n');
    }
  }
  if (fmt == 1) cli_json_print(arr);
  if (fmt == 0) printf("共 %zu 家 / %zu firm%s\n", shown, shown, shown == 1 ? "" : "s");
  tidu_pool_list_free(&l);
  tidu_tagset_free(ts);
  return CLI_OK;
}

static int print_events(const cli_spec *spec, const cli_args *a, tidu_store *s,
                        const tidu_event_filter *f) {
  int fmt;
  int rc = cli_prog_format(spec, a, "table|json", &fmt);
  if (rc != CLI_OK) return rc;
  tidu_event_list l;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_events_list(s, f, &l, &err) != TIDU_OK) return cli_prog_fail(&err);
  json_t *arr = fmt ? json_array() : NULL;
  for (size_t i = 0; i < l.n; i++) {
    const tidu_event *e = &l.items[i];
    if (fmt) {
      json_t *o = json_object();
      json_object_set_new(o, "id", json_integer(e->id));
      json_object_set_new(o, "at", cli_jstr(e->at));
      json_object_set_new(o, "who", cli_jstr(e->who));
      json_object_set_new(o, "action", cli_jstr(e->action));
      json_object_set_new(o, "uscc", cli_jstr(e->uscc));
      json_object_set_new(o, "what", cli_jstr(e->what));
      json_object_set_new(o, "why", cli_jstr(e->why));
      json_object_set_new(o, "source", cli_jstr(e->source));
      json_array_append_new(arr, o);
    } else {
      printf("#%lld  %s  %s  %-12s %s  %s", (long long)e->id, e->at, e->who, e->action,
             e->uscc ? e->uscc : "-", e->what ? e->what : "");
      if (e->why) printf("  (%s)", e->why);
      if (e->source) printf("  [%s]", e->source);
      putchar('\n');
    }
  }
  if (fmt) cli_json_print(arr);
  tidu_event_list_free(&l);
  return CLI_OK;
}

static int pool_history(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  if (a->npos > 1) return cli_usage(spec, "最多一个统一社会信用代码 / at most one USCC");
  tidu_event_filter f = {a->npos ? a->pos[0] : NULL, "pool", NULL, 0};
  return print_events(spec, a, s, &f);
}

int cmd_events(int argc, char **argv) {
  const cli_spec *spec = &cli_events_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  tidu_event_filter f = {cli_get(spec, &a, "uscc"), cli_get(spec, &a, "action"),
                         cli_get(spec, &a, "since"), 0};
  const char *lim = cli_get(spec, &a, "limit");
  long long n = 0;
  if (lim && cli_parse_int(lim, 1, 100000000, &n) != 0)
    rc = cli_usage(spec, "--limit 无效 / invalid --limit '%s'", lim);
  f.limit = (size_t)n;
  tidu_store *s = NULL;
  if (rc == CLI_OK) rc = cli_open_store(cli_get(spec, &a, "db"), &s);
  if (rc == CLI_OK) rc = print_events(spec, &a, s, &f);
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}

/* ==== review and layers ==== */

static int pool_review(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  int32_t year;
  int fmt;
  int rc = cli_prog_year(spec, a, &year);
  if (rc == CLI_OK) rc = cli_prog_format(spec, a, "table|json", &fmt);
  tidu_programme *p = NULL;
  if (rc == CLI_OK) rc = cli_prog_open(spec, a, year, &p);
  if (rc != CLI_OK) return rc;
  tidu_actor act;
  char buf[96];
  cli_prog_actor(spec, a, &act, buf, sizeof buf);
  tidu_review r;
  tidu_error err;
  tidu_error_clear(&err);
  int apply = cli_get(spec, a, "apply") != NULL;
  if (tidu_pool_review(p, s, year, apply, &act, &r, &err) != TIDU_OK) {
    tidu_programme_close(p);
    return cli_prog_fail(&err);
  }
  if (fmt) {
    json_t *o = json_object(), *arr = json_array();
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "firms", json_integer((json_int_t)r.firms));
    json_object_set_new(o, "entries", json_integer((json_int_t)r.entries));
    json_object_set_new(o, "exits", json_integer((json_int_t)r.exits));
    json_object_set_new(o, "applied", json_integer((json_int_t)r.applied));
    for (size_t i = 0; i < r.n; i++) {
      json_t *it = json_object();
      json_object_set_new(it, "uscc", json_string(r.items[i].uscc));
      json_object_set_new(it, "name", cli_jstr(r.items[i].name));
      json_object_set_new(it, "action", json_string(r.items[i].enter ? "enter" : "exit"));
      if (!r.items[i].enter)
        json_object_set_new(it, "reason", json_string(tidu_exit_reason_name(r.items[i].reason)));
      json_object_set_new(it, "why", cli_jstr(r.items[i].why));
      json_array_append_new(arr, it);
    }
    json_object_set_new(o, "items", arr);
    cli_json_print(o);
  } else {
    for (size_t i = 0; i < r.n; i++) {
      const tidu_review_item *it = &r.items[i];
      printf("%s  %s  %s  %s\n", it->enter ? "入库/enter" : "出库/exit ", it->uscc,
             it->name ? it->name : "", it->enter ? it->why : tidu_exit_reason_zh(it->reason));
    }
    printf("%d 年度复核 / review %d: %zu 家企业/firms, 建议入库/entries %zu, 建议出库/exits %zu",
           year, year, r.firms, r.entries, r.exits);
    if (apply) printf(", 已记录/recorded %zu", r.applied);
    putchar('\n');
  }
  tidu_review_free(&r);
  tidu_programme_close(p);
  return CLI_OK;
}

static int pool_layers(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  int32_t year;
  int fmt;
  int rc = cli_prog_year(spec, a, &year);
  if (rc == CLI_OK) rc = cli_prog_format(spec, a, "table|json", &fmt);
  const char *by = cli_get(spec, a, "by");
  if (rc == CLI_OK && by && strcmp(by, "region") && strcmp(by, "chain"))
    rc = cli_usage(spec, "--by 只能是 region|chain / --by must be region|chain");
  tidu_programme *p = NULL;
  if (rc == CLI_OK) rc = cli_prog_open(spec, a, year, &p);
  if (rc != CLI_OK) return rc;
  tidu_layers l;
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_pool_layers(p, s, year, &l, &err) != TIDU_OK) {
    tidu_programme_close(p);
    return cli_prog_fail(&err);
  }
  int list = cli_get(spec, a, "list") != NULL;
  if (fmt) {
    json_t *o = json_object(), *counts = json_object(), *arr = json_array();
    for (size_t b = 0; b <= l.nboards; b++)
      json_object_set_new(counts, b < l.nboards ? l.boards[b] : "none",
                          json_integer((json_int_t)l.counts[b]));
    for (size_t i = 0; i < l.n; i++) {
      json_t *it = json_object();
      json_object_set_new(it, "uscc", json_string(l.items[i].uscc));
      json_object_set_new(it, "name", cli_jstr(l.items[i].name));
      json_object_set_new(it, "region", cli_jstr(l.items[i].region));
      json_object_set_new(it, "chains", cli_jstr(l.items[i].chains));
      json_object_set_new(it, "board", json_string(l.items[i].board));
      json_object_set_new(it, "qualifies", json_boolean(l.items[i].qualifies));
      json_object_set_new(it, "distance",
                          isfinite(l.items[i].distance) ? json_real(l.items[i].distance)
                                                        : json_null());
      json_object_set_new(it, "why", cli_jstr(l.items[i].why));
      json_array_append_new(arr, it);
    }
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "counts", counts);
    json_object_set_new(o, "firms", arr);
    cli_json_print(o);
  } else {
    size_t k = 0;
    for (size_t b = 0; b <= l.nboards; b++) {
      printf("%-10s %zu\n", b < l.nboards ? l.boards[b] : "none", l.counts[b]);
      for (size_t i = 0; i < l.counts[b]; i++, k++)
        if (list)
          printf("    %s  %s  %s\n", l.items[k].uscc, l.items[k].name ? l.items[k].name : "",
                 l.items[k].why);
    }
    if (by) {
      printf("\n按%s / by %s:\n", !strcmp(by, "region") ? "地市" : "产业链", by);
      cli_prog_group_layers(&l, !strcmp(by, "region"));
    }
  }
  tidu_layers_free(&l);
  tidu_programme_close(p);
  return CLI_OK;
}

/* ==== dispatch ==== */

static void print_usage(FILE *out) {
  fputs("用法 / Usage:\n", out);
  for (const cli_spec *sp = cli_pool_specs; sp->name; sp++)
    fprintf(out, "  tidu %-16s %s / %s\n", sp->name, sp->zh, sp->en);
}

const cli_spec cli_pool_specs[] = {
    {"pool add", "[options] USCC", "提名企业进入上市后备企业库", "propose a firm for the pool",
     add_opts, NULL, pool_add, 0},
    {"pool admit", "[options] USCC", "审核通过,入库", "admit a proposed firm", move_opts, NULL,
     pool_move, 0},
    {"pool reject", "[options] USCC --reason TEXT", "审核不通过", "reject a proposed firm",
     move_opts, NULL, pool_move, 0},
    {"pool exit", "[options] USCC --reason R", "出库(须给出原因)", "exit a firm (with a reason)",
     move_opts, NULL, pool_move, 0},
    {"pool list", "[filters]", "列出库中企业", "list pool firms", list_opts, NULL, pool_list,
     CLI_READS},
    {"pool history", "[--db PATH] [USCC]", "库的全部变更记录", "every change of the pool",
     history_opts, NULL, pool_history, CLI_READS},
    {"pool review", "--year Y [--apply]", "按规则计算入库与出库建议",
     "propose entries and exits computed by the rules", review_opts, NULL, pool_review, 0},
    {"pool layers", "--year Y", "分层:每家企业对应一个板块及理由",
     "layering: one board per firm, with the reason", layers_opts, NULL, pool_layers, 0},
    {"pool shortlist", "--year Y --count N", "按上市成熟度遴选重点企业",
     "rank admitted firms by readiness and pick the key firms", shortlist_opts, NULL,
     cli_pool_shortlist, 0},
    {"pool assign", "USCC --officer NAME", "指定专人跟踪", "assign a tracking officer", assign_opts,
     NULL, cli_pool_assign, 0},
    {"pool log", "USCC \"TEXT\" | --list USCC", "一对一辅导记录(带日期)",
     "dated consulting log of a firm", log_opts, NULL, cli_pool_log, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_pool(int argc, char **argv) {
  return cli_run_store_sub("pool", cli_pool_specs, print_usage, argc, argv);
}
