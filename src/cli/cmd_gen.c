/* `tidu gen`: writes a deterministic synthetic population as NDJSON or long CSV to stdout. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tidu/gen.h"

static const cli_option GEN_OPTS[] = {
    {"seed", 's', "S", "随机种子(默认 1);相同种子输出相同字节",
     "random seed (default 1); same seed, same bytes"},
    {"format", 'f', "FMT", "ndjson(默认)或 csv(长表,每企业每年一行)",
     "ndjson (default) or csv (long: one row per firm and year)"},
    {"years", 'y', "K", "每家企业的年度数 1–10(默认 3–5 随机)",
     "fiscal years per firm, 1–10 (default: 3 to 5 at random)"},
    {"last-year", 0, "YEAR", "最近会计年度(默认 2024)", "latest fiscal year (default 2024)"},
    {NULL, 0, NULL, NULL, NULL},
};

const cli_spec cli_gen_specs[] = {
    {"gen", "[options] N", "生成 N 家合成企业(江苏、上海、陕西),写到标准输出",
     "generate N synthetic firms (Jiangsu, Shanghai, Shaanxi) on stdout", GEN_OPTS,
     "例 / Example:\n  tidu gen 1000 --seed 7 > firms.ndjson\n  tidu gen 100 --format csv > "
     "firms.csv\n",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* Flushes the buffer to stdout; 0 on success. */
static int flush(tidu_gen_buf *b) {
  if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) return -1;
  b->len = 0;
  return 0;
}

static int generate(const tidu_gen_options *opt, uint64_t n, int csv) {
  tidu_gen_buf buf = {0};
  tidu_firm f;
  tidu_firm_init(&f);
  tidu_error err;
  tidu_code rc = csv ? tidu_gen_write_csv_header(&buf) : TIDU_OK;
  cli_progress prog;
  cli_progress_start(&prog, "gen", n);
  if (n < 100000) prog.active = 0;
  int status = CLI_OK;
  for (uint64_t i = 0; i < n && rc == TIDU_OK; i++) {
    rc = tidu_gen_firm(opt, i, &f, &err);
    if (rc == TIDU_OK) rc = csv ? tidu_gen_write_csv(&f, &buf) : tidu_gen_write_ndjson(&f, &buf);
    if (buf.len >= (1u << 20) && flush(&buf)) status = CLI_INPUT;
    if (status != CLI_OK) break;
    cli_progress_update(&prog, i + 1);
  }
  cli_progress_end(&prog);
  if (rc != TIDU_OK) {
    fputs("tidu gen: 内存不足 / out of memory\n", stderr);
    status = CLI_INPUT;
  }
  if ((status == CLI_OK && flush(&buf)) || fflush(stdout)) {
    fputs("tidu gen: 写入失败 / write failed\n", stderr);
    status = CLI_INPUT;
  }
  tidu_firm_clear(&f);
  tidu_gen_buf_free(&buf);
  return status;
}

int cmd_gen(int argc, char **argv) {
  const cli_spec *spec = &cli_gen_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc) return rc < 0 ? CLI_OK : rc;
  tidu_gen_options opt = {1, 0, 2024};
  long long n = 0, v = 0;
  const char *s;
  int csv = 0;
  if (a.npos != 1 || cli_parse_int(a.pos[0], 0, 1000000000000LL, &n))
    rc = cli_usage(spec, "需要一个企业数 N / expected one firm count N");
  else if ((s = cli_get(spec, &a, "seed")) && cli_parse_int(s, 0, INT64_MAX, &v))
    rc = cli_usage(spec, "种子须为非负整数 / the seed must be a whole number >= 0: '%s'", s);
  else if (s)
    opt.seed = (uint64_t)v;
  if (!rc && (s = cli_get(spec, &a, "years"))) {
    if (cli_parse_int(s, 1, TIDU_GEN_MAX_YEARS, &v))
      rc = cli_usage(spec, "年度数须为 1–%d / --years must be 1–%d: '%s'", TIDU_GEN_MAX_YEARS,
                     TIDU_GEN_MAX_YEARS, s);
    opt.years = (int)v;
  }
  if (!rc && (s = cli_get(spec, &a, "last-year"))) {
    if (cli_parse_int(s, 1990, 2100, &v)) rc = cli_usage(spec, "年份无效 / bad year: '%s'", s);
    opt.last_year = (int32_t)v;
  }
  if (!rc && (s = cli_get(spec, &a, "format"))) {
    if (!strcmp(s, "csv"))
      csv = 1;
    else if (strcmp(s, "ndjson") && strcmp(s, "json"))
      rc = cli_usage(spec, "未知格式 / unknown format '%s' (ndjson, csv)", s);
  }
  cli_args_free(&a);
  if (rc) return rc;
  return generate(&opt, (uint64_t)n, csv);
}
