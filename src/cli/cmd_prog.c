/* `tidu ladder|transitions|progress|inst|finance|event|targets|report`: the gradient ladder,
 * listing progress, service institutions, financing and activities, targets and reports
 * (over include/tidu/programme.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_prog.h"
#include "tidu/num.h"
#include "tidu/store.h"

#define OPT_DB                                                                                     \
  { "db", 0, "PATH", "登记库文件", "registry file" }
#define OPT_WHO                                                                                    \
  { "who", 0, "NAME", "操作人(默认 $USER)", "who is acting (default $USER)" }
#define OPT_FMT                                                                                    \
  { "format", 'f', "FMT", "输出格式 table|json", "output format table|json" }
#define OPT_END                                                                                    \
  { NULL, 0, NULL, NULL, NULL }
#define OPT_PROG                                                                                   \
  OPT_DB, {"year", 'y', "YEAR", "财务年度", "fiscal year"},                                        \
      {"as-of", 0, "DATE", "规则版本日期(默认 年度+1 年 6 月 30 日)",                              \
       "date selecting rule versions (default June 30 of the year after)"},                        \
      {"rules", 0, "DIR", "替换内置的计划规则(rules/programme)",                                   \
       "programme rule sets replacing the built-in ones"},                                         \
      {"scope", 0, "PREFIX", "计划地区(行政区划代码前缀)", "programme region (code prefix)"}, {    \
    "board-order", 0, "LIST", "分层顺序", "layering order"                                         \
  }

/* ==== ladder and transitions ==== */

static const cli_option ladder_opts[] = {
    OPT_PROG,
    {"by", 0, "KEY", "按 region(地市)|chain(产业链) 分组", "group by region (city) or chain"},
    {"record", 0, NULL, "记录本年度梯度(供下一年度比较)", "record the year's ladder"},
    OPT_WHO,
    OPT_FMT,
    OPT_END,
};

static const cli_option transitions_opts[] = {
    OPT_PROG,
    {"reward-cap", 0, "AMOUNT", "小升规奖励上限(默认 50万)", "小升规 reward per firm (50万)"},
    {"list", 'l', NULL, "列出每家企业", "list every firm"},
    OPT_FMT,
    OPT_END,
};

const cli_spec cli_ladder_specs[] = {
    {"ladder", "--year Y [--by region|chain]", "梯度:各层级企业数(小微→规上→专精特新→…→上市)",
     "the gradient ladder: firms per rung", ladder_opts, NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

const cli_spec cli_transitions_specs[] = {
    {"transitions", "--year Y", "与上一年比较:小升规、规转强、强转股、股上市、下降、资格变化、奖励",
     "moves against the year before, eligibility changes and 小升规 rewards", transitions_opts,
     NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* An amount ("50万", "1.5亿", "300000") in 分; *ok = 0 when it is not one. */
static int64_t parse_money(const char *s, int *ok) {
  int64_t v = TIDU_MISSING;
  *ok = s && tidu_parse_value(TIDU_T_MONEY, s, strlen(s), 1, 0, &v, NULL) == TIDU_OK &&
        v != TIDU_MISSING;
  return v;
}

/* Exact 元 with two decimals ("500000.00") for JSON. */
static void fmt_yuan(int64_t fen, char *buf, size_t size) {
  int64_t a = fen < 0 ? -fen : fen;
  snprintf(buf, size, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(a / 100),
           (long long)(a % 100));
}

int cmd_ladder(int argc, char **argv) {
  const cli_spec *spec = &cli_ladder_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  int32_t year = 0;
  int fmt = 0;
  rc = cli_prog_year(spec, &a, &year);
  if (rc == CLI_OK) rc = cli_prog_format(spec, &a, "table|json", &fmt);
  const char *by = cli_get(spec, &a, "by");
  tidu_ladder_by b = !by                     ? TIDU_BY_NONE
                     : !strcmp(by, "region") ? TIDU_BY_REGION
                     : !strcmp(by, "chain")  ? TIDU_BY_CHAIN
                                             : (tidu_ladder_by)-1;
  if (rc == CLI_OK && (int)b < 0)
    rc = cli_usage(spec, "--by 只能是 region|chain / --by region|chain");
  tidu_store *s = NULL;
  tidu_programme *p = NULL;
  if (rc == CLI_OK) rc = cli_open_store(cli_get(spec, &a, "db"), &s);
  if (rc == CLI_OK) rc = cli_prog_open(spec, &a, year, &p);
  tidu_ladder l = {0};
  if (rc == CLI_OK) {
    tidu_actor act;
    char buf[96];
    cli_prog_actor(spec, &a, &act, buf, sizeof buf);
    tidu_error err;
    tidu_error_clear(&err);
    if (tidu_ladder_compute(p, s, year, b, cli_get(spec, &a, "record") != NULL, &act, &l, &err) !=
        TIDU_OK)
      rc = cli_prog_fail(&err);
  }
  if (rc == CLI_OK && fmt) {
    json_t *o = json_object(), *c = json_object(), *g = json_object();
    for (int r = 0; r < TIDU_NRUNGS; r++)
      json_object_set_new(c, tidu_rung_name((tidu_rung)r), json_integer((json_int_t)l.counts[r]));
    for (size_t i = 0; i < l.ngroups; i++) {
      json_t *gc = json_object();
      for (int r = 0; r < TIDU_NRUNGS; r++)
        json_object_set_new(gc, tidu_rung_name((tidu_rung)r),
                            json_integer((json_int_t)l.groups[i].counts[r]));
      json_object_set_new(g, l.groups[i].key, gc);
    }
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "firms", json_integer((json_int_t)l.n));
    json_object_set_new(o, "counts", c);
    if (by)
      json_object_set_new(o, "by", g);
    else
      json_decref(g);
    cli_json_print(o);
  } else if (rc == CLI_OK) {
    printf("%d 年度梯度 / ladder %d: %zu 家企业/firms\n", year, year, l.n);
    for (int r = TIDU_NRUNGS - 1; r >= 0; r--) {
      fputs("  ", stdout);
      cli_pad(stdout, tidu_rung_zh((tidu_rung)r), 16);
      printf("%-16s %8zu\n", tidu_rung_name((tidu_rung)r), l.counts[r]);
    }
    if (l.ngroups) {
      printf("\n%-22s", "");
      for (int r = 0; r < TIDU_NRUNGS; r++) printf(" %6.6s", tidu_rung_name((tidu_rung)r));
      putchar('\n');
      for (size_t i = 0; i < l.ngroups; i++) {
        cli_pad(stdout, l.groups[i].key, 22);
        for (int r = 0; r < TIDU_NRUNGS; r++) printf(" %6zu", l.groups[i].counts[r]);
        putchar('\n');
      }
    }
  }
  tidu_ladder_free(&l);
  tidu_programme_close(p);
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}

int cmd_transitions(int argc, char **argv) {
  const cli_spec *spec = &cli_transitions_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  int32_t year = 0;
  int fmt = 0;
  rc = cli_prog_year(spec, &a, &year);
  if (rc == CLI_OK) rc = cli_prog_format(spec, &a, "table|json", &fmt);
  tidu_store *s = NULL;
  tidu_programme *p = NULL;
  if (rc == CLI_OK) rc = cli_open_store(cli_get(spec, &a, "db"), &s);
  if (rc == CLI_OK) rc = cli_prog_open(spec, &a, year, &p);
  const char *cap = cli_get(spec, &a, "reward-cap");
  int ok = 1;
  int64_t capv = cap ? parse_money(cap, &ok) : 0;
  if (rc == CLI_OK && (!ok || capv < 0))
    rc = cli_usage(spec, "--reward-cap 金额无效 '%s' / invalid amount '%s'", cap, cap);
  tidu_transitions t = {0};
  if (rc == CLI_OK) {
    if (cap) {
      tidu_programme_close(p);
      p = NULL;
      tidu_programme_options o = {0};
      o.rules_dir = cli_get(spec, &a, "rules");
      o.scope = cli_get(spec, &a, "scope");
      o.board_order = cli_get(spec, &a, "board-order");
      o.reward_cap_fen = capv;
      const char *asof = cli_get(spec, &a, "as-of");
      o.as_of = cli_days_from_civil(year + 1, 6, 30);
      if (asof) cli_parse_date(asof, &o.as_of);
      tidu_error e2;
      tidu_error_clear(&e2);
      if (tidu_programme_open(&o, &p, &e2) != TIDU_OK) rc = cli_prog_fail(&e2);
    }
  }
  if (rc == CLI_OK) {
    tidu_error err;
    tidu_error_clear(&err);
    if (tidu_transitions_compute(p, s, year, &t, &err) != TIDU_OK) rc = cli_prog_fail(&err);
  }
  char amt[64];
  if (rc == CLI_OK && fmt) {
    json_t *o = json_object(), *m = json_object(), *arr = json_array();
    for (int k = 1; k < TIDU_NMOVES; k++)
      json_object_set_new(m, tidu_move_name((tidu_move)k), json_integer((json_int_t)t.moves[k]));
    for (size_t i = 0; i < t.n; i++) {
      const tidu_transition *x = &t.items[i];
      json_t *it = json_object();
      json_object_set_new(it, "uscc", json_string(x->uscc));
      json_object_set_new(it, "name", cli_jstr(x->name));
      json_object_set_new(it, "from", json_string(tidu_rung_name((tidu_rung)x->from)));
      json_object_set_new(it, "to", json_string(tidu_rung_name((tidu_rung)x->to)));
      json_object_set_new(it, "move",
                          x->move ? json_string(tidu_move_name((tidu_move)x->move)) : json_null());
      json_object_set_new(it, "gained", cli_jstr(x->gained));
      json_object_set_new(it, "lost", cli_jstr(x->lost));
      if (x->reward) {
        fmt_yuan(x->reward_fen, amt, sizeof amt);
        json_object_set_new(it, "reward_yuan", json_string(amt));
        json_object_set_new(it, "reward_why", cli_jstr(x->reward_why));
      }
      json_array_append_new(arr, it);
    }
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "moves", m);
    json_object_set_new(o, "rewards", json_integer((json_int_t)t.rewards));
    fmt_yuan(t.reward_total_fen, amt, sizeof amt);
    json_object_set_new(o, "reward_total_yuan", json_string(amt));
    json_object_set_new(o, "firms", arr);
    cli_json_print(o);
  } else if (rc == CLI_OK) {
    int list = cli_get(spec, &a, "list") != NULL;
    for (size_t i = 0; list && i < t.n; i++) {
      const tidu_transition *x = &t.items[i];
      printf("%s  %s  %s → %s  %s", x->uscc, x->name ? x->name : "",
             tidu_rung_zh((tidu_rung)x->from), tidu_rung_zh((tidu_rung)x->to),
             tidu_move_zh((tidu_move)x->move));
      if (x->gained) printf("  +%s", x->gained);
      if (x->lost) printf("  -%s", x->lost);
      if (x->reward) printf("  [小升规奖励]");
      putchar('\n');
    }
    printf("%d 年度与 %d 年度比较 / %d against %d:\n", year, year - 1, year, year - 1);
    for (int k = 1; k < TIDU_NMOVES; k++)
      printf("  %s / %s: %zu\n", tidu_move_zh((tidu_move)k), tidu_move_name((tidu_move)k),
             t.moves[k]);
    printf("  小升规奖励候选 / reward candidates: %zu, 合计 / total %.2f 万元\n", t.rewards,
           (double)t.reward_total_fen / 1e6);
  }
  tidu_transitions_free(&t);
  tidu_programme_close(p);
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}

/* ==== progress ==== */

static const cli_option progress_opts[] = {
    OPT_DB,
    {"date", 0, "DATE", "日期 YYYY-MM-DD", "date YYYY-MM-DD"},
    {"board", 0, "ID", "板块 main|chinext|star|bse(交易所阶段必填)", "board (exchange stages)"},
    {"force", 0, NULL, "允许顺序或日期不符(须 --reason)", "accept out of order (needs --reason)"},
    {"reason", 0, "TEXT", "强制记录的理由", "why it is forced"},
    {"list", 'l', NULL, "列出该企业的上市进程", "list the firm's progress"},
    OPT_WHO,
    OPT_FMT,
    OPT_END,
};

const cli_spec cli_progress_specs[] = {
    {"progress", "USCC STAGE --date D [--board B] | --list USCC",
     "记录上市进程:股改、辅导备案、申报、受理、问询、上市委审议、注册、发行上市;申请挂牌、挂牌;"
     "入板",
     "record listing progress (stages with dates)", progress_opts, NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_progress(int argc, char **argv) {
  const cli_spec *spec = &cli_progress_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  int list = cli_get(spec, &a, "list") != NULL;
  if (list ? a.npos != 1 : a.npos != 2)
    rc = cli_usage(spec, "需要 USCC STAGE(或 --list USCC) / USCC STAGE expected");
  if (rc == CLI_OK && !list && !cli_get(spec, &a, "date"))
    rc = cli_usage(spec, "需要 --date / --date is required");
  tidu_store *s = NULL;
  if (rc == CLI_OK) rc = cli_open_store(cli_get(spec, &a, "db"), &s);
  tidu_error err;
  tidu_error_clear(&err);
  if (rc == CLI_OK && list) {
    tidu_progress_list l;
    if (tidu_progress_list_get(s, a.pos[0], &l, &err) != TIDU_OK) {
      rc = cli_prog_fail(&err);
    } else {
      for (size_t i = 0; i < l.n; i++)
        printf("%s  %s%s%s%s%s\n", l.items[i].date, tidu_stage_zh(l.items[i].stage),
               l.items[i].board[0] ? "  " : "", l.items[i].board,
               l.items[i].forced ? "  (强制/forced: " : "",
               l.items[i].forced ? (l.items[i].reason ? l.items[i].reason : "") : "");
      tidu_progress_list_free(&l);
    }
  } else if (rc == CLI_OK) {
    tidu_actor act;
    char buf[96];
    cli_prog_actor(spec, &a, &act, buf, sizeof buf);
    if (tidu_progress_record(s, a.pos[0], a.pos[1], cli_get(spec, &a, "board"),
                             cli_get(spec, &a, "date"), cli_get(spec, &a, "force") != NULL,
                             cli_get(spec, &a, "reason"), &act, &err) != TIDU_OK)
      rc = cli_prog_fail(&err);
    else
      printf("已记录 / recorded %s %s %s\n", a.pos[0], a.pos[1], cli_get(spec, &a, "date"));
  }
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}

/* ==== institutions ==== */

static const cli_option inst_add_opts[] = {
    OPT_DB,
    {"type", 't', "TYPE", "类型 broker|accountant|law_firm|investor|bank|appraiser|other", "type"},
    {"region", 0, "PREFIX", "服务地区(区划代码前缀)", "region served (code prefix)"},
    {"industries", 0, "LIST", "熟悉的行业代码前缀或产业链(;分隔)",
     "industry prefixes or chains it knows (;-joined)"},
    {"boards", 0, "LIST", "有经验的板块(;分隔)", "boards it has experience with (;-joined)"},
    {"conditions", 0, "TEXT", "满足的入库条件", "entry conditions met"},
    {"duties", 0, "TEXT", "职责", "duties"},
    OPT_WHO,
    OPT_END,
};
static const cli_option inst_opts[] = {
    OPT_DB,
    {"reason", 'r', "TEXT", "理由(暂停、退出时必填)", "reason (needed to suspend or exit)"},
    {"role", 0, "ROLE", "角色 sponsor|auditor|lawyer|lead_investor|lender", "role"},
    {"board", 0, "ID", "建议时参考的板块(默认企业的拟上市板块)", "board for suggestions"},
    OPT_WHO,
    OPT_FMT,
    OPT_END,
};

static void print_inst(const tidu_inst *x, int full) {
  printf("#%lld  %s  %s  %s", (long long)x->id, x->name, tidu_inst_type_zh(x->type), x->status);
  if (x->status_reason) printf("(%s)", x->status_reason);
  printf("  服务企业/firms %zu\n", x->assignments);
  if (full) {
    printf("  地区/region: %s\n  行业/industries: %s\n  板块/boards: %s\n  入库条件/conditions: "
           "%s\n  职责/duties: %s\n",
           x->region ? x->region : "-", x->industries ? x->industries : "-",
           x->boards ? x->boards : "-", x->conditions ? x->conditions : "-",
           x->duties ? x->duties : "-");
  }
}

static json_t *inst_json(const tidu_inst *x) {
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(x->id));
  json_object_set_new(o, "name", cli_jstr(x->name));
  json_object_set_new(o, "type", cli_jstr(x->type));
  json_object_set_new(o, "region", cli_jstr(x->region));
  json_object_set_new(o, "industries", cli_jstr(x->industries));
  json_object_set_new(o, "boards", cli_jstr(x->boards));
  json_object_set_new(o, "status", cli_jstr(x->status));
  json_object_set_new(o, "status_reason", cli_jstr(x->status_reason));
  json_object_set_new(o, "assignments", json_integer((json_int_t)x->assignments));
  return o;
}

static void inst_usage(FILE *out) {
  fputs("用法 / Usage:\n", out);
  for (const cli_spec *sp = cli_inst_specs; sp->name; sp++)
    fprintf(out, "  tidu %-14s %s / %s\n", sp->name, sp->zh, sp->en);
}

/* What the inst and finance subcommands start with: who acts, and (unless told not to)
 * --format table|json. */
typedef struct sub_ctx {
  tidu_actor act;
  char src[96];
  int fmt; /* 0 table, 1 json */
  tidu_error err;
} sub_ctx;

static int sub_start(const cli_spec *spec, const cli_args *a, sub_ctx *c, int with_format) {
  cli_prog_actor(spec, a, &c->act, c->src, sizeof c->src);
  c->fmt = 0;
  tidu_error_clear(&c->err);
  return with_format ? cli_prog_format(spec, a, "table|json", &c->fmt) : CLI_OK;
}

static int inst_add(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  sub_start(spec, a, &c, 0);
  if (a->npos != 1) return cli_usage(spec, "需要机构名称 / the name is expected");
  tidu_inst in = {0};
  in.name = a->pos[0];
  in.type = (char *)cli_get(spec, a, "type");
  in.region = (char *)cli_get(spec, a, "region");
  in.industries = (char *)cli_get(spec, a, "industries");
  in.boards = (char *)cli_get(spec, a, "boards");
  in.conditions = (char *)cli_get(spec, a, "conditions");
  in.duties = (char *)cli_get(spec, a, "duties");
  int64_t id = 0;
  if (tidu_inst_add(s, &in, &c.act, &id, &c.err) != TIDU_OK) return cli_prog_fail(&c.err);
  printf("服务机构已入库 / institution admitted: #%lld %s\n", (long long)id, a->pos[0]);
  return CLI_OK;
}

/* `inst list` and `inst suggest` (institutions for one firm). */
static int inst_list(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  tidu_inst_list l;
  tidu_code got;
  if (!strcmp(spec->name, "inst suggest")) {
    if (a->npos != 1) return cli_usage(spec, "需要统一社会信用代码 / one USCC expected");
    got = tidu_inst_suggest(s, a->pos[0], cli_get(spec, a, "board"), &l, &c.err);
  } else {
    got = tidu_inst_list_get(s, &l, &c.err);
  }
  if (got != TIDU_OK) return cli_prog_fail(&c.err);
  json_t *arr = c.fmt ? json_array() : NULL;
  for (size_t i = 0; i < l.n; i++) {
    if (c.fmt)
      json_array_append_new(arr, inst_json(&l.items[i]));
    else
      print_inst(&l.items[i], 0);
  }
  if (c.fmt) cli_json_print(arr);
  tidu_inst_list_free(&l);
  return CLI_OK;
}

static int inst_show(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  if (a->npos != 1) return cli_usage(spec, "需要机构编号或名称 / ID or name expected");
  tidu_inst x;
  if (tidu_inst_get(s, a->pos[0], &x, &c.err) != TIDU_OK) return cli_prog_fail(&c.err);
  if (c.fmt)
    cli_json_print(inst_json(&x));
  else
    print_inst(&x, 1);
  tidu_inst_clear(&x);
  return CLI_OK;
}

static int inst_assign(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  if (a->npos != 2) return cli_usage(spec, "需要机构和统一社会信用代码 / ID|NAME USCC expected");
  if (!cli_get(spec, a, "role")) return cli_usage(spec, "需要 --role / --role is required");
  if (tidu_inst_assign(s, a->pos[0], a->pos[1], cli_get(spec, a, "role"), &c.act, &c.err) !=
      TIDU_OK)
    return cli_prog_fail(&c.err);
  printf("已指派 / assigned %s → %s (%s)\n", a->pos[0], a->pos[1], cli_get(spec, a, "role"));
  return CLI_OK;
}

/* `inst suspend` and `inst exit`. */
static int inst_status(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  if (a->npos != 1) return cli_usage(spec, "需要机构编号或名称 / ID or name expected");
  const char *status = !strcmp(spec->name, "inst suspend") ? "suspended" : "exited";
  if (tidu_inst_set_status(s, a->pos[0], status, cli_get(spec, a, "reason"), &c.act, &c.err) !=
      TIDU_OK)
    return cli_prog_fail(&c.err);
  printf("%s %s\n", status, a->pos[0]);
  return CLI_OK;
}

const cli_spec cli_inst_specs[] = {
    {"inst add", "NAME --type TYPE [options]", "服务机构入库", "admit a service institution",
     inst_add_opts, NULL, inst_add, 0},
    {"inst list", "", "列出服务机构", "list institutions", inst_opts, NULL, inst_list, 0},
    {"inst show", "ID|NAME", "查看服务机构", "show an institution", inst_opts, NULL, inst_show, 0},
    {"inst assign", "ID|NAME USCC --role ROLE", "指派机构服务企业",
     "assign an institution to a firm", inst_opts, NULL, inst_assign, 0},
    {"inst suspend", "ID|NAME --reason TEXT", "暂停", "suspend", inst_opts, NULL, inst_status, 0},
    {"inst exit", "ID|NAME --reason TEXT", "退出", "exit", inst_opts, NULL, inst_status, 0},
    {"inst suggest", "USCC [--board B]", "为企业推荐机构(按地区、行业、板块经验、负荷)",
     "suggest institutions for a firm", inst_opts, NULL, inst_list, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_inst(int argc, char **argv) {
  return cli_run_store_sub("inst", cli_inst_specs, inst_usage, argc, argv);
}

/* ==== financing ==== */

static const cli_option finance_opts[] = {
    OPT_DB,
    {"amount", 0, "AMOUNT", "融资金额(如 5000万)", "amount (e.g. 5000万)"},
    {"round", 0, "ROUND", "轮次", "round"},
    {"use", 0, "TEXT", "用途", "use of funds"},
    {"status", 0, "S", "状态 seeking|in_talks|closed|dropped", "status"},
    OPT_WHO,
    OPT_FMT,
    OPT_END,
};

static void finance_usage(FILE *out) {
  fputs("用法 / Usage:\n", out);
  for (const cli_spec *sp = cli_finance_specs; sp->name; sp++)
    fprintf(out, "  tidu %-15s %s / %s\n", sp->name, sp->zh, sp->en);
}

static int finance_add(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  int ok = 0;
  const char *amount = cli_get(spec, a, "amount");
  tidu_finance f = {0};
  if (a->npos != 1) return cli_usage(spec, "需要统一社会信用代码 / one USCC expected");
  f.amount_fen = parse_money(amount, &ok);
  if (!ok) {
    fprintf(stderr, "tidu finance add: 金额无效 '%s' / invalid amount '%s'\n", amount ? amount : "",
            amount ? amount : "");
    return CLI_INPUT;
  }
  snprintf(f.uscc, sizeof f.uscc, "%s", a->pos[0]);
  f.round = (char *)cli_get(spec, a, "round");
  f.purpose = (char *)cli_get(spec, a, "use");
  f.status = (char *)cli_get(spec, a, "status");
  int64_t id = 0;
  if (strlen(a->pos[0]) >= sizeof f.uscc) {
    tidu_error_set(&c.err, TIDU_ERR_DATA, NULL, 0, 0, "统一社会信用代码无效 / invalid USCC");
    return cli_prog_fail(&c.err);
  }
  if (tidu_finance_add(s, &f, &c.act, &id, &c.err) != TIDU_OK) return cli_prog_fail(&c.err);
  printf("融资需求 #%lld / financing need #%lld\n", (long long)id, (long long)id);
  return CLI_OK;
}

static int finance_status(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  long long id = 0;
  if (a->npos != 1 || cli_parse_int(a->pos[0], 1, INT64_MAX, &id) != 0)
    return cli_usage(spec, "需要融资需求编号 / the need's id expected");
  if (tidu_finance_set_status(s, id, cli_get(spec, a, "status"), &c.act, &c.err) != TIDU_OK)
    return cli_prog_fail(&c.err);
  return CLI_OK;
}

static int finance_list(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  tidu_finance_list l;
  if (tidu_finance_list_get(s, a->npos ? a->pos[0] : NULL, &l, &c.err) != TIDU_OK)
    return cli_prog_fail(&c.err);
  json_t *arr = c.fmt ? json_array() : NULL;
  char amt[64];
  for (size_t i = 0; i < l.n; i++) {
    const tidu_finance *f = &l.items[i];
    fmt_yuan(f->amount_fen, amt, sizeof amt);
    if (c.fmt) {
      json_t *o = json_object();
      json_object_set_new(o, "id", json_integer(f->id));
      json_object_set_new(o, "uscc", json_string(f->uscc));
      json_object_set_new(o, "name", cli_jstr(f->name));
      json_object_set_new(o, "amount_yuan", json_string(amt));
      json_object_set_new(o, "round", cli_jstr(f->round));
      json_object_set_new(o, "use", cli_jstr(f->purpose));
      json_object_set_new(o, "status", cli_jstr(f->status));
      json_array_append_new(arr, o);
    } else {
      printf("#%lld  %s  %s  %.2f万元  %s  %s\n", (long long)f->id, f->uscc, f->name ? f->name : "",
             (double)f->amount_fen / 1e6, f->round ? f->round : "-", f->status);
    }
  }
  if (c.fmt) cli_json_print(arr);
  tidu_finance_list_free(&l);
  return CLI_OK;
}

const cli_spec cli_finance_specs[] = {
    {"finance add", "USCC --amount A [--round R] [--use TEXT]", "登记融资需求(股权融资项目库)",
     "record a financing need", finance_opts, NULL, finance_add, 0},
    {"finance list", "[USCC]", "列出融资需求", "list financing needs", finance_opts, NULL,
     finance_list, 0},
    {"finance status", "ID --status S", "更新融资需求状态", "update a need's status", finance_opts,
     NULL, finance_status, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_finance(int argc, char **argv) {
  return cli_run_store_sub("finance", cli_finance_specs, finance_usage, argc, argv);
}

/* ==== activities ==== */

static const cli_option event_opts[] = {
    OPT_DB,
    {"kind", 'k', "KIND", "类型 roadshow|training|salon|visit|exec_class", "kind"},
    {"title", 0, "TEXT", "名称", "title"},
    {"date", 0, "DATE", "日期", "date"},
    {"chain", 0, "TAG", "产业链(路演必填)", "chain (roadshows)"},
    {"month", 'm', "YYYY-MM", "月份", "month"},
    {"chains", 0, "LIST", "要检查的产业链(;分隔,默认库中企业的全部产业链)",
     "chains to check (default: the chains of admitted pool firms)"},
    {"role", 0, "ROLE", "参加角色(presenter|investor|attendee …)", "role"},
    {"interest", 0, "N", "投资意向(家)", "investors interested"},
    {"closed", 0, "AMOUNT", "成交金额", "amount closed"},
    OPT_WHO,
    OPT_FMT,
    OPT_END,
};

static void event_usage(FILE *out) {
  fputs("用法 / Usage:\n", out);
  for (const cli_spec *sp = cli_event_specs; sp->name; sp++)
    fprintf(out, "  tidu %-14s %s / %s\n", sp->name, sp->zh, sp->en);
}

static int event_add(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  tidu_activity x = {0};
  x.kind = (char *)cli_get(spec, a, "kind");
  x.title = (char *)cli_get(spec, a, "title");
  x.chain = (char *)cli_get(spec, a, "chain");
  const char *d = cli_get(spec, a, "date");
  snprintf(x.date, sizeof x.date, "%s", d && strlen(d) == 10 ? d : "bad");
  int64_t id = 0;
  if (tidu_activity_add(s, &x, &c.act, &id, &c.err) != TIDU_OK) return cli_prog_fail(&c.err);
  printf("活动 / activity #%lld\n", (long long)id);
  return CLI_OK;
}

static int event_attend(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  long long id = 0, interest = 0;
  if (a->npos != 2 || cli_parse_int(a->pos[0], 1, INT64_MAX, &id) != 0)
    return cli_usage(spec, "需要活动编号和统一社会信用代码 / ID USCC expected");
  const char *in = cli_get(spec, a, "interest"), *cl = cli_get(spec, a, "closed");
  if (in && cli_parse_int(in, 0, 100000, &interest) != 0)
    return cli_usage(spec, "--interest 无效 / invalid --interest '%s'", in);
  int ok = 1;
  int64_t closed = cl ? parse_money(cl, &ok) : 0;
  if (!ok) return cli_usage(spec, "--closed 金额无效 / invalid amount '%s'", cl);
  if (tidu_activity_attend(s, id, a->pos[1], cli_get(spec, a, "role"), (int)interest, closed,
                           &c.act, &c.err) != TIDU_OK)
    return cli_prog_fail(&c.err);
  printf("已登记 / recorded #%lld %s\n", id, a->pos[1]);
  return CLI_OK;
}

static int event_missing(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  char **v = NULL;
  size_t n = 0;
  if (!cli_get(spec, a, "month")) return cli_usage(spec, "需要 --month / --month is required");
  if (tidu_activity_missing_roadshows(s, cli_get(spec, a, "month"), cli_get(spec, a, "chains"), &v,
                                      &n, &c.err) != TIDU_OK)
    return cli_prog_fail(&c.err);
  if (c.fmt) {
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, json_string(v[i]));
    cli_json_print(arr);
  } else {
    for (size_t i = 0; i < n; i++) puts(v[i]);
    printf("%s 无路演的产业链 %zu 条 / %zu chains without a roadshow in %s\n",
           cli_get(spec, a, "month"), n, n, cli_get(spec, a, "month"));
  }
  tidu_strings_free(v, n);
  return CLI_OK;
}

static int event_list(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  sub_ctx c;
  int rc = sub_start(spec, a, &c, 1);
  if (rc != CLI_OK) return rc;
  tidu_activity_list l;
  if (tidu_activity_list_get(s, cli_get(spec, a, "kind"), cli_get(spec, a, "month"), &l, &c.err) !=
      TIDU_OK)
    return cli_prog_fail(&c.err);
  json_t *arr = c.fmt ? json_array() : NULL;
  for (size_t i = 0; i < l.n; i++) {
    const tidu_activity *x = &l.items[i];
    if (c.fmt) {
      json_t *o = json_object();
      json_object_set_new(o, "id", json_integer(x->id));
      json_object_set_new(o, "kind", cli_jstr(x->kind));
      json_object_set_new(o, "title", cli_jstr(x->title));
      json_object_set_new(o, "date", json_string(x->date));
      json_object_set_new(o, "chain", cli_jstr(x->chain));
      json_object_set_new(o, "firms", json_integer((json_int_t)x->firms));
      json_object_set_new(o, "interested", json_integer((json_int_t)x->interested));
      char amt[64];
      fmt_yuan(x->closed_fen, amt, sizeof amt);
      json_object_set_new(o, "closed_yuan", json_string(amt));
      json_array_append_new(arr, o);
    } else {
      printf("#%lld  %s  %-10s %s  %s  企业/firms %zu  意向/interest %zu  成交/closed %.2f万元\n",
             (long long)x->id, x->date, x->kind, x->title, x->chain ? x->chain : "-", x->firms,
             x->interested, (double)x->closed_fen / 1e6);
    }
  }
  if (c.fmt) cli_json_print(arr);
  tidu_activity_list_free(&l);
  return CLI_OK;
}

const cli_spec cli_event_specs[] = {
    {"event add", "--kind K --title T --date D [--chain C]",
     "登记活动:路演、培训、沙龙、走访、高管研修班", "record an activity", event_opts, NULL,
     event_add, 0},
    {"event attend", "ID USCC [--role R] [--interest N] [--closed A]", "登记参加企业及成果",
     "record a firm attending and the outcome", event_opts, NULL, event_attend, 0},
    {"event list", "[--kind K] [--month M]", "列出活动", "list activities", event_opts, NULL,
     event_list, 0},
    {"event missing", "--month YYYY-MM", "本月没有路演的产业链(一月一链)",
     "chains with no roadshow in the month", event_opts, NULL, event_missing, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_event(int argc, char **argv) {
  return cli_run_store_sub("event", cli_event_specs, event_usage, argc, argv);
}

/* ==== targets ==== */

static const cli_option targets_opts[] = {
    OPT_PROG,
    {"load", 0, "FILE", "从文件载入目标(如 examples/targets.tsv)", "load targets from a file"},
    {"add", 0, NULL, "新增一个目标(--region --metric --target --deadline --label)",
     "add one target"},
    {"region", 0, "PREFIX", "地区(区划代码前缀)", "region prefix"},
    {"metric", 0, "M",
     "指标 pool_size|first_batch|neeq_listings|ipos|titled|above_scale_new|key_firms", "metric"},
    {"target", 0, "N", "目标值", "target number"},
    {"deadline", 0, "DATE", "截止日期", "deadline"},
    {"label", 0, "TEXT", "名称", "label"},
    {"title", 0, "T", "资质(指标 titled)", "title (metric titled)"},
    {"list", 'l', NULL, "列出每个目标背后的企业", "list the firms behind each figure"},
    OPT_WHO,
    OPT_FMT,
    OPT_END,
};

const cli_spec cli_targets_specs[] = {
    {"targets", "--year Y [--load FILE | --add …]", "目标与进度(数字可追溯到企业)",
     "targets and progress, with the firms behind each figure", targets_opts, NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_targets(int argc, char **argv) {
  const cli_spec *spec = &cli_targets_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  int fmt = 0;
  rc = cli_prog_format(spec, &a, "table|json", &fmt);
  tidu_store *s = NULL;
  if (rc == CLI_OK) rc = cli_open_store(cli_get(spec, &a, "db"), &s);
  tidu_actor act;
  char buf[96];
  cli_prog_actor(spec, &a, &act, buf, sizeof buf);
  tidu_error err;
  tidu_error_clear(&err);
  const char *load = cli_get(spec, &a, "load");
  if (rc == CLI_OK && load) {
    size_t n = 0;
    if (tidu_targets_load_file(s, load, &act, &n, &err) != TIDU_OK)
      rc = cli_prog_fail(&err);
    else
      printf("已载入目标 %zu 个 / %zu targets loaded\n", n, n);
  } else if (rc == CLI_OK && cli_get(spec, &a, "add")) {
    tidu_target t = {0};
    long long v = 0;
    const char *tv = cli_get(spec, &a, "target"), *dl = cli_get(spec, &a, "deadline");
    if (!tv || cli_parse_int(tv, -1000000000LL, 1000000000LL, &v) != 0) {
      fprintf(stderr, "tidu targets: 目标值无效 '%s' / invalid target '%s'\n", tv ? tv : "",
              tv ? tv : "");
      rc = CLI_INPUT;
    } else {
      t.region = (char *)cli_get(spec, &a, "region");
      t.metric = (char *)cli_get(spec, &a, "metric");
      t.label = (char *)cli_get(spec, &a, "label");
      t.title = (char *)cli_get(spec, &a, "title");
      t.target = v;
      snprintf(t.deadline, sizeof t.deadline, "%s", dl && strlen(dl) == 10 ? dl : "bad");
      if (tidu_target_add(s, &t, &act, &err) != TIDU_OK)
        rc = cli_prog_fail(&err);
      else
        printf("已保存目标 / target saved\n");
    }
  } else if (rc == CLI_OK) {
    int32_t year = 0;
    tidu_programme *p = NULL;
    rc = cli_prog_year(spec, &a, &year);
    if (rc == CLI_OK) rc = cli_prog_open(spec, &a, year, &p);
    tidu_target_list l = {0};
    if (rc == CLI_OK && tidu_targets_measure(p, s, year, &l, &err) != TIDU_OK)
      rc = cli_prog_fail(&err);
    int list = cli_get(spec, &a, "list") != NULL;
    json_t *arr = fmt ? json_array() : NULL;
    for (size_t i = 0; rc == CLI_OK && i < l.n; i++) {
      const tidu_target *t = &l.items[i];
      if (fmt) {
        json_t *o = json_object(), *fl = json_array();
        json_object_set_new(o, "label", cli_jstr(t->label));
        json_object_set_new(o, "region", cli_jstr(t->region));
        json_object_set_new(o, "metric", cli_jstr(t->metric));
        json_object_set_new(o, "title", cli_jstr(t->title));
        json_object_set_new(o, "target", json_integer(t->target));
        json_object_set_new(o, "deadline", json_string(t->deadline));
        json_object_set_new(o, "actual", json_integer(t->actual));
        for (size_t f = 0; f < t->nfirms; f++) json_array_append_new(fl, json_string(t->firms[f]));
        json_object_set_new(o, "firms", fl);
        json_array_append_new(arr, o);
      } else {
        printf("%-40s %8lld / %-8lld %5.1f%%  截至/by %s\n", t->label, (long long)t->actual,
               (long long)t->target, t->target ? 100.0 * (double)t->actual / (double)t->target : 0,
               t->deadline);
        for (size_t f = 0; list && f < t->nfirms; f++) printf("    %s\n", t->firms[f]);
      }
    }
    if (fmt && rc == CLI_OK)
      cli_json_print(arr);
    else
      json_decref(arr);
    tidu_target_list_free(&l);
    tidu_programme_close(p);
  }
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}

/* ==== reports ==== */

static const cli_option report_opts[] = {
    OPT_PROG,
    {"format", 'f', "FMT", "文件格式 xlsx|csv|json(默认按扩展名)",
     "xlsx|csv|json (default: by extension)"},
    OPT_END,
};

const cli_spec cli_report_specs[] = {
    {"report", "pool|layers|ladder|key-firms|targets|institutions|events --year Y FILE",
     "生成上报报表(中文表头,金额为万元)", "write a report (Chinese headers, amounts in 万元)",
     report_opts, NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

int cmd_report(int argc, char **argv) {
  const cli_spec *spec = &cli_report_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  int kind = a.npos == 2 ? tidu_report_kind_find(a.pos[0]) : -1;
  if (a.npos != 2)
    rc = cli_usage(spec, "需要报表类型和输出文件 / KIND FILE expected");
  else if (kind < 0)
    rc = cli_usage(spec, "未知报表 '%s' / unknown report '%s'", a.pos[0], a.pos[0]);
  const char *fmt = cli_get(spec, &a, "format");
  if (rc == CLI_OK && !fmt) {
    const char *dot = strrchr(a.pos[1], '.');
    fmt = dot ? dot + 1 : "xlsx";
  }
  if (rc == CLI_OK && strcmp(fmt, "xlsx") && strcmp(fmt, "csv") && strcmp(fmt, "json"))
    rc = cli_usage(spec, "未知格式 '%s'(xlsx|csv|json) / unknown format '%s'", fmt, fmt);
  int32_t year = 0;
  if (rc == CLI_OK) rc = cli_prog_year(spec, &a, &year);
  if (rc == CLI_OK) rc = cli_guard_output(a.pos[1], cli_db_path(cli_get(spec, &a, "db")), NULL, 0);
  tidu_store *s = NULL;
  tidu_programme *p = NULL;
  if (rc == CLI_OK) rc = cli_open_store(cli_get(spec, &a, "db"), &s);
  if (rc == CLI_OK) rc = cli_prog_open(spec, &a, year, &p);
  tidu_sheet *sh = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  if (rc == CLI_OK && tidu_prog_report(p, s, (tidu_report_kind)kind, year, &sh, &err) != TIDU_OK)
    rc = cli_prog_fail(&err);
  if (rc == CLI_OK && tidu_sheet_write(sh, fmt, a.pos[1], &err) != TIDU_OK)
    rc = cli_prog_fail(&err);
  if (rc == CLI_OK) printf("已写出 / written %s: %zu 行/rows\n", a.pos[1], sh->nrows);
  tidu_sheet_free(sh);
  tidu_programme_close(p);
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}
