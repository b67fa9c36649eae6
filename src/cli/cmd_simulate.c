/* `tidu simulate`: what-if over a population — which firms flip between two rule versions. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_batch.h"
#include "tidu/toolkit.h"

static const cli_option SIMULATE_OPTS[] = {
    {"base", 0, "RULES",
     "基准规则:IDS@DATE(如 main@2023-02-17)、IDS(--as-of 当日生效的版本)或规则文件/目录",
     "base rules: IDS@DATE (e.g. main@2023-02-17), IDS (the versions in force on --as-of) or a "
     "rule file or directory"},
    {"with", 0, "RULES", "对比规则,写法同 --base", "rules to compare with, written as for --base"},
    {"set", 0, "ID.N=VALUE",
     "对比规则 = 基准规则改一个阈值:标准 ID 的第 N 个数值比较(按 `tidu rules show` 的编号)右侧改为 "
     "VALUE(如 main.1.3=1.2亿、star.2.3=12%);RULESET.require.N 指共同条件;可重复",
     "compare the base rules with one threshold changed: the right side of the N-th numeric "
     "comparison of standard ID (numbered as in `tidu rules show`) becomes VALUE (e.g. "
     "main.1.3=1.2亿, star.2.3=12%); RULESET.require.N addresses the require blocks; "
     "repeatable"},
    {"rules", 0, "DIR", "IDS@DATE 从 DIR 的规则中选(默认内置规则)",
     "IDS@DATE select from the rules under DIR (default: built-in)"},
    {"as-of", 0, "DATE", "规则文件/目录按此日期选版本(默认今天)",
     "date to pick versions of a rule file or directory (default: today)"},
    {"year", 0, "N", "评估的会计年度 [0](默认各企业最近一年)",
     "fiscal year [0] to assess (default: each firm's latest)"},
    {"format", 'f', "FMT", "输出格式:table(默认)或 json", "output: table (default) or json"},
    {"list", 'l', NULL, "列出每家翻转的企业及原因条件",
     "list every firm that flips, with the condition that flipped it"},
    CLI_OPT_THREADS,
    CLI_OPT_SHEET,
    CLI_OPT_END,
};

const cli_spec cli_simulate_specs[] = {
    {"simulate", "--base RULES (--with RULES | --set ID.N=VALUE...) [options] INPUT...",
     "规则变化模拟:两套规则下哪些企业的结论不同,按方向、地区与产业链计数",
     "what-if: which firms get a different verdict under two rule versions, counted by "
     "direction, region and chain",
     SIMULATE_OPTS,
     "例 / Example:\n"
     "  tidu simulate --base main@2023-02-17 --with main@2024-04-30 firms.pack\n"
     "  tidu simulate --base main@2024-05-01 --with my-main.tidu --list --format json firms.csv\n"
     "  tidu simulate --base main@2024-04-30 --set main.1.3=1.2亿 firms.pack\n",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* One side of the comparison: its book, selection and the day it was selected on. */
typedef struct side {
  tidu_rulebook *book;
  tidu_selection *sel;
  int64_t day;
} side;

/* Every --set value, in order (cli_parse keeps only the last). */
typedef struct set_list {
  const char *v[CLI_MAX_OPTS];
  size_t n;
} set_list;

static int is_path(const char *s) {
  struct stat st;
  return stat(s, &st) == 0;
}

/* Loads one side from "IDS@DATE" (against `shared`) or from a rule file or directory. */
static int load_side(const cli_spec *spec, const char *text, tidu_rulebook *shared, int64_t as_of,
                     side *out) {
  const char *at = strrchr(text, '@');
  if (at && !is_path(text)) {
    int64_t day;
    if (cli_parse_date(at + 1, &day))
      return cli_usage(spec, "日期无效 / bad date in '%s' (IDS@YYYY-MM-DD)", text);
    char *ids = tidu_strndup(text, (size_t)(at - text));
    if (!ids) return CLI_INPUT;
    int rc = cli_select(shared, day, *ids ? ids : NULL, &out->sel);
    free(ids);
    out->day = day;
    return rc;
  }
  if (!is_path(text) && !strchr(text, '/') && !strstr(text, ".tidu")) {
    /* plain IDS: the versions in force on --as-of */
    out->day = as_of;
    return cli_select(shared, as_of, text, &out->sel);
  }
  if (!is_path(text))
    return cli_usage(spec,
                     "规则写作 IDS@DATE 或文件/目录 / rules are IDS@DATE or a file or "
                     "directory: '%s'",
                     text);
  if (cli_rules_load("tidu", text, CLI_RULES_FILE, &out->book, NULL) != CLI_OK) return CLI_INPUT;
  out->day = as_of;
  return cli_select(out->book, as_of, NULL, &out->sel);
}

static void side_free(side *s) {
  tidu_selection_free(s->sel);
  tidu_rulebook_free(s->book);
}

static void print_table(json_t *j, const tidu_simulation *sim, int list) {
  size_t k;
  json_t *c;
  json_array_foreach(json_object_get(j, "set"), k, c)
      printf("改动 / changed: %s\n", json_string_value(c));
  printf("企业数 / firms: %lld\n", (long long)json_integer_value(json_object_get(j, "firms")));
  json_t *changes = json_object_get(j, "changes");
  if (!json_object_size(changes)) puts("没有企业的结论改变 / no verdict changes");
  const char *id;
  json_t *dirs;
  json_object_foreach(changes, id, dirs) {
    printf("  %-20s", id);
    const char *dir;
    json_t *n;
    json_object_foreach(dirs, dir, n) printf("  %s %lld", dir, (long long)json_integer_value(n));
    putchar('\n');
  }
  if (!list) return;
  size_t n = 0;
  const tidu_flip *f = tidu_simulation_flips(sim, &n);
  for (size_t i = 0; i < n; i++)
    printf("%zu\t%s\t%s\t%s\t%s->%s\t%s\n", f[i].row + 1, f[i].uscc ? f[i].uscc : "",
           f[i].name ? f[i].name : "", f[i].id, tidu_verdict_name((tidu_verdict)f[i].from),
           tidu_verdict_name((tidu_verdict)f[i].to), f[i].cause ? f[i].cause : "");
}

static int take_ints(const cli_spec *spec, const cli_args *a, int64_t *as_of, int32_t *year,
                     int *threads, int *json) {
  const char *s;
  long long v;
  if (cli_opt_as_of(spec, a, as_of) != CLI_OK) return CLI_USAGE;
  if ((s = cli_get(spec, a, "year"))) {
    if (cli_parse_int(s, 1900, 2999, &v)) return cli_usage(spec, "年度无效 / bad year '%s'", s);
    *year = (int32_t)v;
  }
  if ((s = cli_get(spec, a, "threads"))) {
    if (cli_parse_int(s, 1, 64, &v)) return cli_usage(spec, "线程数无效 / bad --threads '%s'", s);
    *threads = (int)v;
  }
  if ((s = cli_get(spec, a, "format"))) {
    if (strcmp(s, "json") && strcmp(s, "table"))
      return cli_usage(spec, "未知格式 / unknown format '%s' (table, json)", s);
    *json = !strcmp(s, "json");
  }
  if (!cli_get(spec, a, "base")) return cli_usage(spec, "需要 --base / --base is required");
  if (!cli_get(spec, a, "with") == !cli_get(spec, a, "set"))
    return cli_usage(spec, "需要 --with 或 --set(二选一) / give either --with or --set");
  if (a->npos == 0) return cli_usage(spec, "缺少输入 / no INPUT");
  return CLI_OK;
}

/* Builds the "with" side from the base rules with the --set thresholds replaced. */
static int load_edited(const set_list *sets, const side *base, const tidu_rulebook *shared,
                       side *with, char ***changes) {
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code c =
      tidu_rules_set_thresholds(base->sel, base->book ? base->book : shared, sets->v, sets->n,
                                base->day, &with->book, &with->sel, changes, &errs, &err);
  for (size_t i = 0; i < errs.n; i++) {
    char buf[2048];
    tidu_rules_error_render(with->book, &errs.items[i], buf, sizeof buf);
    fprintf(stderr, "%s\n", buf);
  }
  tidu_errlist_free(&errs);
  if (c == TIDU_OK) return CLI_OK;
  cli_print_error(&err);
  /* a value that makes the rules fail to compile is a bad --set value too */
  return c == TIDU_ERR_RULE ? CLI_USAGE : cli_exit_code(c);
}

/* Warns about a money threshold given as a bare number under 1万 ("--set main.1.3=5000"):
 * it reads as 元, and 万元 was most likely meant. The change text says whether the new value is
 * an amount ("… → ≥ 5000元"). */
static void warn_bare_money(const set_list *sets, char **changes) {
  for (size_t i = 0; changes && i < sets->n; i++) {
    const char *value = strchr(sets->v[i], '=');
    const char *arrow = changes[i] ? strstr(changes[i], "→") : NULL;
    if (!value || !arrow || !value[1]) continue;
    value++;
    int bare = 1;
    for (const char *p = value; *p && bare; p++)
      bare = (*p >= '0' && *p <= '9') || *p == '.' || *p == ',';
    size_t n = strlen(arrow);
    int yuan = n > 3 && !strcmp(arrow + n - 3, "元") &&
               !(n > 6 && (!strcmp(arrow + n - 6, "万元") || !strcmp(arrow + n - 6, "亿元")));
    if (!bare || !yuan || atof(value) == 0) continue;
    fprintf(stderr,
            "tidu simulate: 警告/warning: --set %s 按元计;若指万元请写 %s万 / reads as yuan; "
            "write %s万 for 万元\n",
            sets->v[i], value, value);
  }
}

/* The --set changes as a JSON array of strings under "set". */
static void add_changes(json_t *j, char **changes, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, json_string(changes[i]));
  if (arr) json_object_set_new(j, "set", arr);
}

static int run(const cli_spec *spec, const cli_args *a, const set_list *sets, side *base,
               side *with) {
  int64_t as_of = 0;
  int32_t year = 0;
  int threads = 0, json = 0;
  int rc = take_ints(spec, a, &as_of, &year, &threads, &json);
  tidu_rulebook *shared = NULL;
  if (!rc) rc = cli_load_rules(cli_get(spec, a, "rules"), &shared);
  if (!rc) rc = load_side(spec, cli_get(spec, a, "base"), shared, as_of, base);
  char **changes = NULL;
  if (!rc && sets->n) rc = load_edited(sets, base, shared, with, &changes);
  if (!rc && sets->n)
    warn_bare_money(sets, changes);
  else if (!rc)
    rc = load_side(spec, cli_get(spec, a, "with"), shared, as_of, with);
  cli_source *src = NULL;
  tidu_read_options ro = {.sheet = cli_get(spec, a, "sheet"), .threads = threads};
  if (!rc) rc = cli_source_open_ro(a->pos, a->npos, &ro, "simulate", &src);
  tidu_simulation *sim = NULL;
  if (!rc) {
    tidu_batch_options opt = {
        .sel = {base->sel, with->sel}, .as_of_days = as_of, .year = year, .threads = threads};
    cli_source_hook(src, &opt);
    tidu_error err;
    tidu_error_clear(&err);
    tidu_code c = tidu_simulate(cli_source_input(src), &opt, &sim, &err);
    cli_source_done(src);
    if (c != TIDU_OK) {
      cli_print_error(&err);
      rc = cli_exit_code(c);
    }
  }
  if (!rc) {
    int list = cli_get(spec, a, "list") != NULL;
    json_t *j = tidu_simulation_json(sim, json && list);
    if (j && sets->n) add_changes(j, changes, sets->n);
    if (j && json) {
      json_dumpf(j, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
      putchar('\n');
    } else if (j) {
      print_table(j, sim, list);
    }
    if (!j) rc = CLI_INPUT;
    json_decref(j);
    if (cli_source_had_errors(src)) rc = CLI_INPUT;
  }
  tidu_thresholds_changes_free(changes, sets->n);
  tidu_simulation_free(sim);
  cli_source_close(src);
  side_free(base);
  side_free(with);
  tidu_rulebook_free(shared);
  return rc;
}

/* 1 when argv[i] is an option that takes a value in the next argument. */
static int takes_value(const char *arg) {
  for (const cli_option *o = SIMULATE_OPTS; o->name; o++) {
    if (!o->arg) continue;
    if (arg[0] == '-' && arg[1] == '-' && !strcmp(arg + 2, o->name)) return 1;
    if (o->short_name && arg[0] == '-' && arg[1] == o->short_name && !arg[2]) return 1;
  }
  return 0;
}

/* Collects every --set value (cli_parse keeps only the last occurrence). */
static int collect_sets(const cli_spec *spec, int argc, char **argv, set_list *out) {
  out->n = 0;
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
    const char *v = NULL;
    if (!strncmp(argv[i], "--set=", 6))
      v = argv[i] + 6;
    else if (!strcmp(argv[i], "--set") && i + 1 < argc)
      v = argv[i + 1];
    if (v && out->n == CLI_MAX_OPTS)
      return cli_usage(spec, "--set 太多 / too many --set (at most %d)", CLI_MAX_OPTS);
    if (v) out->v[out->n++] = v;
    if (takes_value(argv[i])) i++;
  }
  return CLI_OK;
}

int cmd_simulate(int argc, char **argv) {
  const cli_spec *spec = &cli_simulate_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc) return rc < 0 ? CLI_OK : rc;
  side base = {0}, with = {0};
  set_list sets;
  rc = collect_sets(spec, argc, argv, &sets);
  if (!rc) rc = run(spec, &a, &sets, &base, &with);
  cli_args_free(&a);
  if (fflush(stdout) && !rc) rc = CLI_INPUT;
  return rc;
}
