/* `tidu export`: the registry's firms with figures and verdicts to XLSX, CSV or NDJSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "tidu/export.h"
#include "tidu/store.h"

static const cli_option export_opts[] = {
    CLI_OPT_DB,
    {"format", 'f', "FMT", "xlsx|csv|json(默认按扩展名)", "xlsx|csv|json (default: by extension)"},
    {"region", 0, "PREFIX", "行政区划代码前缀", "region code prefix"},
    {"industry", 0, "PREFIX", "行业代码前缀", "industry code prefix"},
    {"chain", 0, "TAG", "产业链标签", "industry chain tag"},
    {"title", 0, "NAME", "有效资质", "title held"},
    {"deleted", 0, NULL, "包括已删除的企业", "include deleted firms"},
    CLI_OPT_AS_OF,
    {"encoding", 0, "ENC", "CSV 编码 utf-8(默认,带 BOM)或 gb18030",
     "CSV encoding: utf-8 (default, with a BOM) or gb18030"},
    {NULL, 0, NULL, NULL, NULL},
};

const cli_spec cli_export_specs[] = {
    {"export", "[filters] [--format xlsx|csv|json] FILE",
     "导出企业清单：数据、各板块与梯度结论、最近标准与差距",
     "export firms with figures, verdicts per board and tier, nearest standard and gaps",
     export_opts,
     "json:每行一家企业(NDJSON),可直接用 tidu import 再导入或用 tidu assess 评估。\n"
     "csv:UTF-8 带 BOM(Excel 可直接打开),表头为中文并标明单位;--encoding gb18030 写 GB18030"
     "(无 BOM)。\n"
     "差距:最近标准中差得最多的一项,按该条件的单位;相对距离:各项 min(1, 差距/门槛) 之和。\n"
     "json: one firm per line (NDJSON), ready for tidu import or tidu assess as it is.\n"
     "csv: UTF-8 with a BOM (opens in Excel), Chinese headers with units; --encoding gb18030 "
     "writes GB18030 (no BOM).\n"
     "gap: the largest shortfall of the nearest standard in its condition's unit; distance: "
     "the sum of min(1, gap/threshold).",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

static int pick_format(const char *opt, const char *path, tidu_export_format *fmt) {
  const char *f = opt;
  if (!f) {
    const char *dot = strrchr(path, '.');
    f = dot ? dot + 1 : "";
    if (!strcasecmp(f, "ndjson") || !strcasecmp(f, "jsonl")) f = "json";
  }
  if (!strcasecmp(f, "xlsx"))
    *fmt = TIDU_EXPORT_XLSX;
  else if (!strcasecmp(f, "csv"))
    *fmt = TIDU_EXPORT_CSV;
  else if (!strcasecmp(f, "json"))
    *fmt = TIDU_EXPORT_JSON;
  else
    return -1;
  return 0;
}

typedef struct export_run {
  tidu_exporter *ex;
  long long count;
} export_run;

/* Writes one firm with its verdicts. */
static int write_one(void *ctx, const tidu_firm *f, const tidu_export_assessment *a) {
  export_run *r = ctx;
  tidu_error err;
  tidu_error_clear(&err);
  int rc = CLI_OK;
  if (tidu_export_add(r->ex, f, a, &err) != TIDU_OK) {
    cli_print_error(&err);
    rc = cli_exit_code(err.code);
  }
  r->count++;
  return rc;
}

static int run_export(tidu_store *s, const tidu_store_filter *flt, tidu_exporter *ex,
                      cli_regeval *e, long long *count) {
  export_run r = {ex, *count};
  int rc = cli_regeval_each(s, flt, e, write_one, &r);
  *count = r.count;
  return rc;
}

int cmd_export(int argc, char **argv) {
  const cli_spec *spec = &cli_export_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  tidu_export_format fmt = TIDU_EXPORT_CSV;
  int64_t as_of = 0;
  if (a.npos != 1)
    rc = cli_usage(spec, "需要一个输出文件 / needs one output FILE");
  else if (pick_format(cli_get(spec, &a, "format"), a.pos[0], &fmt) != 0)
    rc = cli_usage(spec, "无法确定格式，请用 --format xlsx|csv|json / give --format xlsx|csv|json");
  else
    rc = cli_opt_as_of(spec, &a, &as_of);
  tidu_export_encoding enc = TIDU_ENC_UTF8;
  const char *encs = cli_get(spec, &a, "encoding");
  if (rc == CLI_OK && encs) {
    if (!strcasecmp(encs, "gb18030") || !strcasecmp(encs, "gbk"))
      enc = TIDU_ENC_GB18030;
    else if (strcasecmp(encs, "utf-8") && strcasecmp(encs, "utf8"))
      rc = cli_usage(spec,
                     "未知编码 '%s'(可选 utf-8、gb18030) / unknown encoding '%s' (utf-8, "
                     "gb18030)",
                     encs, encs);
    else if (fmt != TIDU_EXPORT_CSV)
      rc = cli_usage(spec, "--encoding 只用于 CSV / --encoding goes with CSV");
    if (enc == TIDU_ENC_GB18030 && fmt != TIDU_EXPORT_CSV)
      rc = cli_usage(spec, "--encoding 只用于 CSV / --encoding goes with CSV");
  }
  if (rc == CLI_OK) rc = cli_guard_output(a.pos[0], cli_db_path(cli_get(spec, &a, "db")), NULL, 0);
  if (rc != CLI_OK) {
    cli_args_free(&a);
    return rc;
  }
  tidu_store *s = NULL;
  cli_regeval *e = NULL;
  tidu_exporter *ex = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  rc = cli_open_store_read(cli_get(spec, &a, "db"), &s);
  if (rc == CLI_OK && fmt != TIDU_EXPORT_JSON) rc = cli_regeval_open(as_of, &e);
  if (rc == CLI_OK && e) rc = cli_regeval_want_standing(e, "zh");
  if (rc == CLI_OK && tidu_export_open(a.pos[0], fmt, e ? cli_regeval_rulesets(e) : NULL,
                                       e ? cli_regeval_count(e) : 0, &ex, &err) != TIDU_OK) {
    cli_print_error(&err);
    rc = cli_exit_code(err.code);
  }
  if (rc == CLI_OK && tidu_export_set_encoding(ex, enc, &err) != TIDU_OK) {
    cli_print_error(&err);
    rc = cli_exit_code(err.code);
  }
  long long count = 0;
  tidu_store_filter flt = {cli_get(spec, &a, "region"), cli_get(spec, &a, "industry"),
                           cli_get(spec, &a, "chain"), cli_get(spec, &a, "title"),
                           cli_get(spec, &a, "deleted") != NULL};
  if (rc == CLI_OK) rc = cli_check_filter(spec, &flt);
  if (rc == CLI_OK) rc = run_export(s, &flt, ex, e, &count);
  if (rc != CLI_OK) {
    tidu_export_abort(ex); /* the previous file stays as it was */
  } else if (ex && tidu_export_close(ex, &err) != TIDU_OK) {
    cli_print_error(&err);
    rc = cli_exit_code(err.code);
  }
  if (rc == CLI_OK)
    fprintf(stderr, "已导出 %lld 家企业 / exported %lld firm%s to %s\n", count, count,
            count == 1 ? "" : "s", a.pos[0]);
  cli_regeval_close(e);
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}
