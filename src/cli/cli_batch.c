/* Inputs, progress and rules for the population commands; `tidu assess --summary`. */
#include "cli_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidu/app.h"
#include "tidu/toolkit.h"

struct cli_source {
  tidu_source *src;
  const char *label;
  tidu_batch_input in;
  int errors;
  cli_progress prog;
  int tty;
  int shown;
};

/* The next firm of the inputs, printing the warnings of its record. */
static tidu_code next_warning(void *ctx, tidu_firm *f, int *done, tidu_error *err) {
  cli_source *s = ctx;
  tidu_code rc = tidu_source_next(s->src, f, done, err);
  tidu_error w;
  while (tidu_source_warning(s->src, &w)) {
    w.warning = 1;
    cli_print_error(&w);
  }
  return rc;
}

int cli_source_open(char **paths, int n, const char *sheet, const char *label, cli_source **out) {
  tidu_read_options ro = {.sheet = sheet};
  return cli_source_open_ro(paths, n, &ro, label, out);
}

int cli_source_open_ro(char **paths, int n, const tidu_read_options *ro, const char *label,
                       cli_source **out) {
  return cli_source_open_fields(paths, n, ro, NULL, NULL, label, out);
}

int cli_source_open_fields(char **paths, int n, const tidu_read_options *ro,
                           const unsigned char *firm, const unsigned char *year, const char *label,
                           cli_source **out) {
  cli_source *s = tidu_calloc(1, sizeof *s);
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = s ? tidu_input_open_fields(paths, (size_t)n, ro, firm, year, &s->src, &err)
                   : tidu_error_set(&err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  if (rc != TIDU_OK) {
    cli_print_error(&err);
    free(s);
    return CLI_INPUT;
  }
  s->label = label;
  s->tty = isatty(STDERR_FILENO);
  if (tidu_source_sliced(s->src)) {
    s->in.source = s->src;
  } else {
    s->in.next = next_warning;
    s->in.next_ctx = s;
    s->in.chunks = s->src;
  }
  *out = s;
  return CLI_OK;
}

void cli_source_close(cli_source *s) {
  if (!s) return;
  tidu_source_close(s->src);
  free(s);
}

const tidu_batch_input *cli_source_input(cli_source *s) {
  return &s->in;
}
int cli_source_had_errors(const cli_source *s) {
  return s->errors;
}

static void on_error(void *ctx, const tidu_error *e) {
  cli_source *s = ctx;
  s->errors = 1;
  if (s->shown) fputc('\n', stderr);
  s->shown = 0;
  cli_print_error(e);
}

static void on_progress(void *ctx, size_t done, size_t total) {
  cli_source *s = ctx;
  if (total) {
    if (!s->prog.label) cli_progress_start(&s->prog, s->label, total);
    cli_progress_update(&s->prog, done);
    return;
  }
  if (!s->tty) return;
  fprintf(stderr, "\r%s: %zu 家企业 / firms", s->label, done);
  s->shown = 1;
}

static void on_warning(void *ctx, const tidu_error *w) {
  (void)ctx;
  tidu_error x = *w;
  x.warning = 1;
  cli_print_error(&x);
}

void cli_source_hook(cli_source *s, tidu_batch_options *opt) {
  opt->ctx = s;
  opt->on_input_error = on_error;
  opt->on_warning = on_warning;
  opt->progress = on_progress;
}

void cli_source_done(cli_source *s) {
  if (s->prog.label) cli_progress_end(&s->prog);
  if (s->shown) fputc('\n', stderr);
  s->shown = 0;
}

/* ---- rules ---- */

int cli_rules_load(const char *who, const char *path, int flags, tidu_rulebook **out,
                   size_t *nerrs) {
  *out = NULL;
  if (nerrs) *nerrs = 0;
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_rulebook *rb = tidu_rulebook_new();
  if (!rb) {
    fprintf(stderr, "%s: 内存不足 / out of memory\n", who);
    return CLI_INPUT;
  }
  struct stat st;
  int one_file = path && (flags & CLI_RULES_FILE) && stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
  tidu_code rc = !path      ? tidu_rulebook_add_builtin(rb, &errs)
                 : one_file ? tidu_rulebook_add_file(rb, path, &errs)
                            : tidu_rulebook_add_dir(rb, path, &errs);
  for (size_t i = 0; !(flags & CLI_RULES_QUIET) && i < errs.n; i++) {
    size_t need = tidu_rules_error_render(rb, &errs.items[i], NULL, 0) + 1;
    char *buf = tidu_malloc(need);
    if (!buf) continue;
    tidu_rules_error_render(rb, &errs.items[i], buf, need);
    fprintf(stderr, "%s\n", buf);
    free(buf);
  }
  if (rc != TIDU_OK && !errs.n)
    fprintf(stderr, "%s: 无法读取规则 / cannot read rules: %s\n", who, path ? path : "builtin");
  if (nerrs) *nerrs = errs.n;
  tidu_errlist_free(&errs);
  if (rc != TIDU_OK && !(flags & CLI_RULES_KEEP)) {
    tidu_rulebook_free(rb);
    return CLI_INPUT;
  }
  *out = rb;
  return rc == TIDU_OK ? CLI_OK : CLI_INPUT;
}

int cli_load_rules(const char *dir, tidu_rulebook **out) {
  return cli_rules_load("tidu", dir, 0, out, NULL);
}

int cli_select(const tidu_rulebook *rb, int64_t as_of, const char *ids, tidu_selection **out) {
  tidu_error err;
  tidu_error_clear(&err);
  *out = tidu_rulebook_select(rb, as_of, ids, &err);
  if (*out && tidu_selection_check(rb, *out, as_of, ids, &err) == TIDU_OK) return CLI_OK;
  if (*out) {
    tidu_selection_free(*out);
    *out = NULL;
  }
  cli_print_error(&err);
  return cli_exit_code(err.code ? err.code : TIDU_ERR_NOMEM);
}

/* ---- assess --summary ---- */

static void summary_line(const char *id, json_t *c) {
  printf("  %-22s %12lld %12lld %12lld\n", id,
         (long long)json_integer_value(json_object_get(c, "pass")),
         (long long)json_integer_value(json_object_get(c, "fail")),
         (long long)json_integer_value(json_object_get(c, "unknown")));
}

static void summary_table(json_t *j) {
  static const char *const parts[][2] = {{"boards", "板块 / boards"},
                                         {"standards", "上市标准 / listing standards"},
                                         {"positioning", "定位 / positioning"},
                                         {"tiers", "梯度层级 / tiers"}};
  printf("企业数 / firms: %lld\n", (long long)json_integer_value(json_object_get(j, "firms")));
  for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
    json_t *o = json_object_get(j, parts[p][0]);
    if (!json_object_size(o)) continue;
    printf("\n%s%s%s\n  %-22s %12s %12s %12s\n", cli_bold(), parts[p][1], cli_reset(), "",
           "达标/pass", "未达标/fail", "缺数据/unknown");
    const char *id;
    json_t *c;
    json_object_foreach(o, id, c) summary_line(id, c);
  }
}

int cli_assess_summary(const tidu_selection *sel, int64_t as_of, int32_t year, char **paths, int n,
                       const tidu_read_options *ro, int json) {
  cli_source *src = NULL;
  /* registry inputs read what the rule sets and the groupings (region, industry, chain) use */
  unsigned char firm[TIDU_NFIRM] = {0}, yfield[TIDU_NYEAR] = {0};
  tidu_selection_fields(sel, firm, yfield);
  firm[TIDU_F_INDUSTRY] = firm[TIDU_F_CHAINS] = 1;
  int status = cli_source_open_fields(paths, n, ro, firm, yfield, "assess", &src);
  if (status) return status;
  tidu_batch_options opt = {.sel = {sel, NULL},
                            .as_of_days = as_of,
                            .year = year,
                            .aggregate = 1,
                            .threads = ro ? ro->threads : 0};
  cli_source_hook(src, &opt);
  tidu_batch_stats *stats = NULL;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code rc = tidu_batch_run(cli_source_input(src), &opt, &stats, NULL, NULL, &err);
  cli_source_done(src);
  if (rc != TIDU_OK) {
    cli_print_error(&err);
    status = cli_exit_code(rc);
  } else {
    json_t *j = tidu_batch_stats_json(stats);
    if (json && j)
      json_dumpf(j, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    else if (j)
      summary_table(j);
    if (json) putchar('\n');
    if (!j) status = CLI_INPUT;
    json_decref(j);
    if (cli_source_had_errors(src)) status = CLI_INPUT;
  }
  tidu_batch_stats_free(stats);
  cli_source_close(src);
  return status;
}

int cli_read_options(const cli_spec *spec, const cli_args *a, tidu_read_options *ro) {
  memset(ro, 0, sizeof *ro);
  ro->sheet = cli_get(spec, a, "sheet");
  ro->encoding = cli_get(spec, a, "encoding");
  const char *h = cli_get(spec, a, "header-row");
  long long row = 0;
  if (h && cli_parse_int(h, 1, 1048576, &row) != 0)
    return cli_usage(spec,
                     "--header-row 应为 1 到 1048576 之间的行号 / --header-row takes a row "
                     "number from 1 to 1048576: '%s'",
                     h);
  ro->header_row = (long)row;
  const char *t = cli_get(spec, a, "threads");
  long long n = 0;
  if (t && cli_parse_int(t, 1, 64, &n) != 0)
    return cli_usage(spec, "--threads 应为 1–64 / --threads wants 1-64: '%s'", t);
  ro->threads = (int)n;
  return CLI_OK;
}
