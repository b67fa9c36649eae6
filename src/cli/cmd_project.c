/* `tidu project`: the first year each firm would meet each board and tier at its recent trend. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_batch.h"

static const cli_option PROJECT_OPTS[] = {
    {"horizon", 'n', "N", "最多预测 N 年(默认 5,最多 30)",
     "project at most N years ahead (default 5, at most 30)"},
    {"cap", 0, "RATE", "年增长率上下限(默认 0.30 即 ±30%)",
     "cap on the yearly growth rate (default 0.30, i.e. ±30%)"},
    {"as-of", 0, "DATE", "评估日期,选用当日有效的规则版本(默认今天)",
     "assessment date; picks the rule versions in force (default: today)"},
    {"year", 0, "N", "起点会计年度 [0](默认各企业最近一年)",
     "starting fiscal year [0] (default: each firm's latest)"},
    CLI_OPT_RULES,
    {"only", 0, "IDS", "只预测这些规则集(逗号分隔)",
     "project only these rule sets (comma-separated)"},
    CLI_OPT_THREADS,
    CLI_OPT_SHEET,
    CLI_OPT_END,
};

const cli_spec cli_project_specs[] = {
    {"project", "[options] INPUT...",
     "按近三年增长趋势预测各企业首次达到各板块与层级的年份(NDJSON)",
     "project the first year each firm would meet each board and tier at its recent growth "
     "(NDJSON)",
     PROJECT_OPTS,
     "增长 / Growth: 金额与人数按最近三年复合增长率 (x[0]/x[2])^(1/2)-1 外推, 限于 ±cap;\n"
     "  无法计算时用最近一年增长率, 仍不能则保持不变; 比率与企业字段不变。\n"
     "  money and counts grow at their 3-year CAGR, capped; else the 1-year growth; else they\n"
     "  stay. Ratios and firm fields stay as they are.\n"
     "例 / Example:\n  tidu project --only star,bse --horizon 5 firms.pack\n",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

typedef struct project_args {
  int64_t as_of;
  int32_t year;
  int horizon;
  double cap;
  int threads;
} project_args;

static int take_options(const cli_spec *spec, const cli_args *a, project_args *p) {
  const char *s;
  long long v;
  p->horizon = 5;
  p->cap = TIDU_PROJECT_CAP;
  if (cli_opt_as_of(spec, a, &p->as_of) != CLI_OK) return CLI_USAGE;
  if ((s = cli_get(spec, a, "year"))) {
    if (cli_parse_int(s, 1900, 2999, &v)) return cli_usage(spec, "年度无效 / bad year '%s'", s);
    p->year = (int32_t)v;
  }
  if ((s = cli_get(spec, a, "horizon"))) {
    if (cli_parse_int(s, 1, TIDU_PROJECT_MAX_HORIZON, &v))
      return cli_usage(spec, "年数须为 1–%d / --horizon must be 1–%d", TIDU_PROJECT_MAX_HORIZON,
                       TIDU_PROJECT_MAX_HORIZON);
    p->horizon = (int)v;
  }
  if ((s = cli_get(spec, a, "cap"))) {
    char *end;
    p->cap = strtod(s, &end);
    if (*end || !(p->cap > 0 && p->cap <= 5))
      return cli_usage(spec, "增长上限须在 (0, 5] / --cap must be in (0, 5]: '%s'", s);
  }
  if ((s = cli_get(spec, a, "threads"))) {
    if (cli_parse_int(s, 1, 64, &v)) return cli_usage(spec, "线程数无效 / bad --threads '%s'", s);
    p->threads = (int)v;
  }
  if (a->npos == 0) return cli_usage(spec, "缺少输入 / no INPUT");
  return CLI_OK;
}

int cmd_project(int argc, char **argv) {
  const cli_spec *spec = &cli_project_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc) return rc < 0 ? CLI_OK : rc;
  project_args p = {0};
  rc = take_options(spec, &a, &p);
  tidu_rulebook *book = NULL;
  tidu_selection *sel = NULL;
  cli_source *src = NULL;
  if (!rc) rc = cli_load_rules(cli_get(spec, &a, "rules"), &book);
  if (!rc) rc = cli_select(book, p.as_of, cli_get(spec, &a, "only"), &sel);
  tidu_read_options ro = {.sheet = cli_get(spec, &a, "sheet"), .threads = p.threads};
  if (!rc) rc = cli_source_open_ro(a.pos, a.npos, &ro, "project", &src);
  if (!rc) {
    tidu_batch_options opt = {
        .sel = {sel, NULL}, .as_of_days = p.as_of, .year = p.year, .threads = p.threads};
    cli_source_hook(src, &opt);
    tidu_error err;
    tidu_error_clear(&err);
    tidu_code c = tidu_project(cli_source_input(src), &opt, p.horizon, p.cap, stdout, NULL, &err);
    cli_source_done(src);
    if (c != TIDU_OK) {
      cli_print_error(&err);
      rc = cli_exit_code(c);
    } else if (cli_source_had_errors(src)) {
      rc = CLI_INPUT;
    }
  }
  if (fflush(stdout) && !rc) rc = CLI_INPUT;
  cli_source_close(src);
  tidu_selection_free(sel);
  tidu_rulebook_free(book);
  cli_args_free(&a);
  return rc;
}
