/* `tidu pack`: writes firms from any input into a columnar pack file for repeated questions. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_batch.h"
#include "tidu/pack.h"

static const cli_option PACK_OPTS[] = {
    {"output", 'o', "FILE", "写入的数据包文件(必填)", "the pack file to write (required)"},
    CLI_OPT_SHEET,
    {NULL, 0, NULL, NULL, NULL},
};

const cli_spec cli_pack_specs[] = {
    {"pack", "[options] -o FILE INPUT...",
     "把企业数据写成列式数据包,之后的评估、模拟与预测不必再解析文本",
     "write firms into a columnar pack file, so later assess, simulate and project runs skip "
     "text parsing",
     PACK_OPTS,
     "输入 / Input: CSV, XLSX, JSON, NDJSON, 数据包/pack files, db:PATH (登记库/registry).\n"
     "例 / Example:\n  tidu gen 1000000 > firms.ndjson && tidu pack firms.ndjson -o firms.pack\n"
     "  tidu assess --summary --format json firms.pack\n",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

typedef struct pack_ctx {
  tidu_pack_writer *w;
  cli_source *src;
} pack_ctx;

/* The next firm of the input: a pack is read row by row, anything else through its chain. */
static tidu_code next_firm(const tidu_batch_input *in, tidu_firm *f, int *done, tidu_error *err) {
  if (in->source) return tidu_source_next(in->source, f, done, err);
  return in->next(in->next_ctx, f, done, err);
}

/* Reads every firm of the inputs and appends it to the writer. */
static int copy_all(pack_ctx *c) {
  const tidu_batch_input *in = cli_source_input(c->src);
  tidu_firm f;
  tidu_firm_init(&f);
  cli_progress prog;
  cli_progress_start(&prog, "pack", in->source ? tidu_source_count(in->source) : 0);
  int status = CLI_OK;
  int tty = isatty(STDERR_FILENO);
  for (;;) {
    tidu_error err;
    tidu_error_clear(&err);
    int done = 0;
    tidu_code rc = next_firm(in, &f, &done, &err);
    if (rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA) {
      cli_print_error(&err);
      status = CLI_INPUT;
      continue;
    }
    if (rc == TIDU_OK && done) break;
    if (rc == TIDU_OK) rc = tidu_pack_writer_add(c->w, &f, &err);
    if (rc != TIDU_OK) {
      cli_print_error(&err);
      status = -1; /* fatal: the file is not finished */
      break;
    }
    size_t n = tidu_pack_writer_count(c->w);
    cli_progress_update(&prog, n);
    if (!in->source && tty && n % 65536 == 0) fprintf(stderr, "\rpack: %zu 家企业 / firms", n);
  }
  cli_progress_end(&prog);
  if (!in->source && tty && tidu_pack_writer_count(c->w) >= 65536) fputc('\n', stderr);
  tidu_firm_clear(&f);
  return status;
}

int cmd_pack(int argc, char **argv) {
  const cli_spec *spec = &cli_pack_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc) return rc < 0 ? CLI_OK : rc;
  const char *out = cli_get(spec, &a, "output");
  if (!out || !*out)
    rc = cli_usage(spec, "缺少输出文件 -o FILE / no output file (-o FILE)");
  else if (a.npos == 0)
    rc = cli_usage(spec, "缺少输入 / no INPUT");
  else
    rc = cli_guard_output(out, NULL, a.pos, a.npos);
  pack_ctx c = {0};
  if (!rc) rc = cli_source_open(a.pos, a.npos, cli_get(spec, &a, "sheet"), "pack", &c.src);
  if (!rc) {
    tidu_error err;
    tidu_error_clear(&err);
    if (tidu_pack_writer_open(out, &c.w, &err) != TIDU_OK) {
      cli_print_error(&err);
      rc = CLI_INPUT;
    }
  }
  int copied = rc ? rc : copy_all(&c);
  if (!rc && copied < 0) {
    tidu_pack_writer_abort(c.w);
    rc = CLI_INPUT;
  } else if (!rc) {
    tidu_error err;
    tidu_error_clear(&err);
    size_t n = tidu_pack_writer_count(c.w);
    if (tidu_pack_writer_close(c.w, &err) != TIDU_OK) {
      cli_print_error(&err);
      copied = CLI_INPUT;
    } else {
      fprintf(stderr, "%s: %zu 家企业 / firms\n", out, n);
    }
    rc = copied;
  }
  cli_source_close(c.src);
  cli_args_free(&a);
  return rc;
}
