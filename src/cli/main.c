/* Entry of the tidu command: global options, the command table, help and the man page. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tidu/tmpfiles.h"
#include "tidu/toolkit.h"

#define TIDU_VERSION "0.1.0"

/* The command table. To add a command: write src/cli/cmd_<name>.c with
 * `int cmd_<name>(int argc, char **argv)`, declare it in cli.h, add one line here.
 * The last member (option tables for the man page) may be left out. */
/* clang-format off */
const cli_command cli_commands[] = {
    {"assess", cmd_assess, "评估企业的上市板块与梯度培育条件", "assess firms against listing boards and cultivation tiers", cli_assess_specs},
    {"rules", cmd_rules, "列出、查看、检查规则集", "list, show and check rule sets", cli_rules_specs},
    {"gen", cmd_gen, "生成合成企业数据(演示与压测)", "generate a synthetic population (demos, benchmarks)", cli_gen_specs},
    {"import", cmd_import, "把 CSV/XLSX/JSON 导入登记库", "import CSV/XLSX/JSON into the registry", cli_import_specs},
    {"firm", cmd_firm, "一企一档：查看、列出、更正、历史、删除", "one file per firm: show, list, edit, history, delete", cli_firm_specs},
    {"export", cmd_export, "导出登记库(XLSX/CSV/JSON)", "export the registry (XLSX/CSV/JSON)", cli_export_specs},
    {"db", cmd_db, "创建、查看、检查、备份登记库", "create, inspect, check and back up the registry", cli_db_specs},
    {"pack", cmd_pack, "把企业数据写成列式数据包", "write firms into a columnar pack file", cli_pack_specs},
    {"simulate", cmd_simulate, "规则变化模拟(哪些企业结论改变)", "what-if: which firms flip between two rule versions", cli_simulate_specs},
    {"project", cmd_project, "按增长趋势预测达标年份", "project the year each firm would qualify at its growth", cli_project_specs},
    {"serve", cmd_serve, "启动网页界面与 JSON 接口服务", "serve the web UI and the JSON API", cli_serve_specs},
    {"user", cmd_user, "管理服务的用户账户", "manage the server's user accounts", NULL},
    {"pool", cmd_pool, "上市后备企业库:提名、入库、出库、复核、分层、重点企业", "listing reserve pool: propose, admit, exit, review, layers, key firms", cli_pool_specs},
    {"ladder", cmd_ladder, "梯度:各层级企业数", "the gradient ladder: firms per rung", cli_ladder_specs},
    {"transitions", cmd_transitions, "梯度变化:小升规、规转强、强转股、股上市与奖励", "ladder moves against the year before, with rewards", cli_transitions_specs},
    {"progress", cmd_progress, "上市进程(带日期)", "listing progress with dates", cli_progress_specs},
    {"inst", cmd_inst, "服务机构库", "service institutions", cli_inst_specs},
    {"finance", cmd_finance, "股权融资需求", "equity-financing needs", cli_finance_specs},
    {"event", cmd_event, "路演、培训、沙龙等活动", "roadshows, trainings, salons and other activities", cli_event_specs},
    {"targets", cmd_targets, "目标与进度", "targets and progress", cli_targets_specs},
    {"report", cmd_report, "上报报表(XLSX/CSV/JSON)", "reports to send upward (XLSX/CSV/JSON)", cli_report_specs},
    {"events", cmd_events, "审计事件:谁在何时做了什么", "audit events: who did what, when and why", cli_events_specs},
    {"help", cmd_help, "显示帮助或手册页", "show help or the man page", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */

/* ---- overall help ---- */

static void print_overview(FILE *out) {
  fputs("tidu " TIDU_VERSION " — 中小企业梯度培育与上市成熟度评估 / SME cultivation and "
        "listing-readiness assessment\n\n",
        out);
  fputs("用法 / Usage: tidu [--color|--no-color] [--db-read URL] <命令/command> [选项/options]\n\n",
        out);
  fputs("命令 / Commands:\n", out);
  int w = 0;
  for (const cli_command *c = cli_commands; c->name; c++) {
    int n = (int)strlen(c->name);
    if (n > w) w = n;
  }
  for (const cli_command *c = cli_commands; c->name; c++) {
    fputs("  ", out);
    cli_pad(out, c->name, w + 2);
    fprintf(out, "%s / %s\n", c->zh, c->en);
  }
  fputs("\n全局选项 / Global options:\n"
        "  --color / --no-color   强制开启或关闭颜色 / force colour on or off\n"
        "  --db-read URL|PATH     只读工作(列表、导出、总体评估)读此库,如流复制备库;\n"
        "                         写入仍到 --db (同 $TIDU_DB_READ) / read-only work (lists,\n"
        "                         exports, population assessment) reads this database, e.g. a\n"
        "                         streaming replica; writes stay on --db (as $TIDU_DB_READ)\n"
        "  --version              显示版本 / show the version\n"
        "  -h, --help             显示本帮助 / show this help\n\n"
        "tidu <命令> --help 查看各命令的选项 / for a command's options.\n"
        "退出状态 / Exit status: 0 成功/ok, 1 输入或数据错误/input or data errors, "
        "2 用法错误/usage errors.\n",
        out);
}

/* ---- the man page, generated from the same tables as --help ---- */

/* Writes text with troff's special characters escaped. */
static void man_text(FILE *out, const char *s) {
  if (*s == '.' || *s == '\'') fputs("\\&", out);
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", out);
    else if (*s == '-')
      fputs("\\-", out);
    else
      fputc(*s, out);
  }
}

/* Writes "zh / en" and a newline. */
static void man_pair(FILE *out, const char *zh, const char *en) {
  man_text(out, zh);
  fputs(" / ", out);
  man_text(out, en);
  fputs("\n", out);
}

static void man_spec(FILE *out, const cli_spec *sp) {
  fputs(".SS \"tidu ", out);
  man_text(out, sp->name);
  fputs("\"\n.B tidu ", out);
  man_text(out, sp->name);
  fputs("\n", out);
  if (sp->usage) {
    man_text(out, sp->usage);
    fputs("\n", out);
  }
  fputs(".PP\n", out);
  man_pair(out, sp->zh, sp->en);
  for (const cli_option *o = sp->opts; o && o->name; o++) {
    fputs(".TP\n.B ", out);
    if (o->short_name) fprintf(out, "\\-%c, ", o->short_name);
    fputs("\\-\\-", out);
    man_text(out, o->name);
    if (o->arg) {
      fputs(" \\fI", out);
      man_text(out, o->arg);
      fputs("\\fR", out);
    }
    fputs("\n", out);
    man_pair(out, o->zh, o->en);
  }
}

static void print_man(FILE *out) {
  fputs(".\\\" Generated by `tidu help --man` from the command and option tables in src/cli.\n"
        ".TH TIDU 1 \"\" \"tidu " TIDU_VERSION "\" \"tidu\"\n"
        ".SH NAME\ntidu \\- 中小企业梯度培育与上市成熟度评估 / SME cultivation and "
        "listing\\-readiness assessment\n"
        ".SH SYNOPSIS\n.B tidu\n[\\-\\-color|\\-\\-no\\-color] \\fIcommand\\fR "
        "[\\fIoptions\\fR]\n.SH COMMANDS\n",
        out);
  for (const cli_command *c = cli_commands; c->name; c++) {
    fputs(".TP\n.B ", out);
    man_text(out, c->name);
    fputs("\n", out);
    man_text(out, c->zh);
    fputs(" / ", out);
    man_text(out, c->en);
    fputs("\n", out);
  }
  fputs(".SH OPTIONS\n", out);
  for (const cli_command *c = cli_commands; c->name; c++)
    for (const cli_spec *sp = c->specs; sp && sp->name; sp++) man_spec(out, sp);
  fputs(".SH \"EXIT STATUS\"\n.TP\n0\n成功 / success\n.TP\n1\n"
        "输入或数据错误(已在标准错误上报告) / input or data errors (reported on stderr)\n"
        ".TP\n2\n用法错误 / usage errors\n"
        ".SH ENVIRONMENT\n.TP\n.B NO_COLOR\n关闭颜色 / turns colour off\n"
        ".TP\n.B COLUMNS\n表格宽度 / table width\n"
        ".TP\n.B TIDU_DB\n登记库文件或 postgresql:// 地址 / registry file or postgresql:// URL\n"
        ".TP\n.B TIDU_DB_READ\n只读工作所读的库(如备库),同 \\-\\-db\\-read / the database "
        "read\\-only work reads (e.g. a replica), as \\-\\-db\\-read\n"
        ".SH \"SEE ALSO\"\ndocs/cli.md, docs/rules\\-language.md\n",
        out);
}

static const cli_command *find_command(const char *name) {
  for (const cli_command *c = cli_commands; c->name; c++)
    if (!strcmp(c->name, name)) return c;
  return NULL;
}

static int unknown_command(const char *name) {
  const cli_command *best = NULL;
  size_t bd = 3;
  for (const cli_command *c = cli_commands; c->name; c++) {
    size_t dd = tidu_edit_distance(name, c->name);
    if (dd < bd) {
      bd = dd;
      best = c;
    }
  }
  fprintf(stderr, "tidu: 未知命令 / unknown command '%s'", name);
  if (best) fprintf(stderr, " (是否想用 / did you mean '%s'?)", best->name);
  fputs("\n(tidu --help 查看命令 / for the commands)\n", stderr);
  return CLI_USAGE;
}

static void print_help_help(FILE *out) {
  fputs("用法 / Usage: tidu help [COMMAND | --man]\n"
        "显示总体帮助、一个命令的帮助或手册页\n"
        "show the overall help, one command's help, or the man page\n\n"
        "  tidu help            命令一览 / the commands\n"
        "  tidu help COMMAND    该命令的选项(同 tidu COMMAND --help) / its options (as tidu "
        "COMMAND --help)\n"
        "  tidu help --man      troff 格式的手册页 / the man page in troff (man -l docs/tidu.1)\n",
        out);
}

int cmd_help(int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    print_help_help(stdout);
    return CLI_OK;
  }
  if (argc > 2) {
    fprintf(stderr, "tidu help: 多余的参数 / unexpected argument '%s'\n", argv[2]);
    print_help_help(stderr);
    return CLI_USAGE;
  }
  if (argc < 2) {
    print_overview(stdout);
    return CLI_OK;
  }
  if (!strcmp(argv[1], "--man")) {
    print_man(stdout);
    return CLI_OK;
  }
  const cli_command *c = find_command(argv[1]);
  if (!c && argv[1][0] == '-') {
    fprintf(stderr, "tidu help: 未知选项 / unknown option '%s'\n", argv[1]);
    print_help_help(stderr);
    return CLI_USAGE;
  }
  if (!c) return unknown_command(argv[1]);
  char *args[] = {argv[1], "--help", NULL};
  return c->run(2, args) == CLI_USAGE ? CLI_USAGE : CLI_OK;
}

/* SIGINT, SIGTERM, SIGHUP: remove the temporary files of outputs being written, then die of
 * the signal as before (the handler is reset by SA_RESETHAND; the raised signal is delivered
 * when the handler returns). `tidu serve` installs its own handlers for a clean stop. */
static void on_fatal_signal(int sig) {
  tidu_tmpfile_remove_pending();
  raise(sig);
}

static void catch_fatal_signals(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    /* a signal ignored by whoever started us (nohup, `cmd &` in a script) stays ignored */
    if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sigs[k], &sa, NULL);
  }
}

int main(int argc, char **argv) {
  catch_fatal_signals();
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--color")) {
      cli_set_color(1);
    } else if (!strcmp(argv[i], "--no-color")) {
      cli_set_color(0);
    } else if (!strcmp(argv[i], "--db-read") || !strncmp(argv[i], "--db-read=", 10)) {
      const char *v = argv[i][9] == '=' ? argv[i] + 10 : i + 1 < argc ? argv[++i] : NULL;
      if (!v || !*v) {
        fprintf(stderr, "tidu: --db-read 需要地址 / --db-read needs a URL or path\n");
        return CLI_USAGE;
      }
      setenv("TIDU_DB_READ", v, 1);
    } else if (!strcmp(argv[i], "--version")) {
      puts("tidu " TIDU_VERSION);
      return CLI_OK;
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      print_overview(stdout);
      return CLI_OK;
    } else {
      static const char *const GLOBAL[] = {"--color", "--no-color", "--version", "--help"};
      const char *near = NULL;
      for (size_t k = 0; k < sizeof GLOBAL / sizeof GLOBAL[0] && !near; k++)
        if (tidu_edit_distance(argv[i], GLOBAL[k]) <= 2) near = GLOBAL[k];
      fprintf(stderr, "tidu: 未知选项 / unknown option '%s'", argv[i]);
      if (near) fprintf(stderr, " (是否想用 / did you mean '%s'?)", near);
      if (!near && find_command(argv[i] + strspn(argv[i], "-")))
        fprintf(stderr, " (命令不带 - / commands take no dash: tidu %s)",
                argv[i] + strspn(argv[i], "-"));
      fputs("\n(tidu --help 查看用法 / for usage)\n", stderr);
      return CLI_USAGE;
    }
  }
  if (i >= argc) {
    print_overview(stderr);
    return CLI_USAGE;
  }
  const cli_command *c = find_command(argv[i]);
  if (!c) return unknown_command(argv[i]);
  cli_set_command(c->name);
  return c->run(argc - i, argv + i);
}
