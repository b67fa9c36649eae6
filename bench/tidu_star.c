/* Benchmark driver: tidu's side of bench/run.sh (STAR verdicts and gaps, all rule sets, CSV). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tidu/batch.h"
#include "tidu/gen.h"
#include "tidu/io.h"
#include "tidu/num.h"
#include "tidu/pack.h"
#include "tidu/rules.h"

#define MAX_CONDS   256
#define STAR_REPEAT 3 /* runs from the loaded form; the best is kept */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void die(const char *what, const tidu_error *e) {
  fprintf(stderr, "tidu_star: %s: %s\n", what, e ? e->message : "");
  exit(1);
}

/* ---- wide CSV of the STAR columns, from a pack ---- */

static void put_money(FILE *out, int64_t v) {
  if (v == TIDU_MISSING) return;
  int64_t a = v < 0 ? -v : v;
  fprintf(out, "%s%lld.%02lld", v < 0 ? "-" : "", (long long)(a / 100), (long long)(a % 100));
}

static const struct {
  const char *name;
  tidu_year_field f;
  int years;
} WIDE[] = {
    {"revenue", TIDU_Y_REVENUE, 3},
    {"net_profit", TIDU_Y_NET_PROFIT, 2},
    {"net_profit_deducted", TIDU_Y_NET_PROFIT_DEDUCTED, 2},
    {"rd_expense", TIDU_Y_RD_EXPENSE, 3},
    {"operating_cash_flow", TIDU_Y_OPERATING_CASH_FLOW, 3},
};
#define NWIDE (sizeof WIDE / sizeof WIDE[0])

static void write_wide(const char *pack_path, const char *csv_path, int32_t year) {
  tidu_pack *p = NULL;
  tidu_error err;
  if (tidu_pack_open(pack_path, &p, &err) != TIDU_OK) die(pack_path, &err);
  FILE *out = fopen(csv_path, "w");
  if (!out) die(csv_path, NULL);
  fputs("uscc,market_cap,state_approval,phased_results,pharma_phase2,tech_advantage", out);
  for (size_t w = 0; w < NWIDE; w++)
    for (int k = 0; k < WIDE[w].years; k++) fprintf(out, ",%s_%d", WIDE[w].name, year - k);
  fputc('\n', out);
  tidu_pack_cursor *c = tidu_pack_cursor_new(p, 1024);
  for (size_t s = 0; s < tidu_pack_slices(p, 1024); s++) {
    const tidu_chunk *ch;
    if (tidu_pack_read(c, s, year, &ch, NULL, &err) != TIDU_OK) die("read", &err);
    for (size_t i = 0; i < ch->n; i++) {
      fprintf(out, "%s,", ch->text[TIDU_F_USCC][i] ? ch->text[TIDU_F_USCC][i] : "");
      put_money(out, ch->firm[TIDU_F_MARKET_CAP][i]);
      fprintf(out, ",%s,%s,%s,%s", ch->firm[TIDU_F_STATE_APPROVAL][i] ? "true" : "false",
              ch->firm[TIDU_F_PHASED_RESULTS][i] ? "true" : "false",
              ch->firm[TIDU_F_PHARMA_PHASE2][i] ? "true" : "false",
              ch->firm[TIDU_F_TECH_ADVANTAGE][i] ? "true" : "false");
      for (size_t w = 0; w < NWIDE; w++)
        for (int k = 0; k < WIDE[w].years; k++) {
          fputc(',', out);
          put_money(out, ch->yr[WIDE[w].f][k][i]);
        }
      fputc('\n', out);
    }
  }
  tidu_pack_cursor_free(c);
  tidu_pack_close(p);
  if (fclose(out) != 0) die(csv_path, NULL);
}

/* ---- STAR verdicts and every per-condition gap ---- */

/* Per worker: verdict counts per standard and gap sums per condition. */
typedef struct acc {
  uint64_t std[8][4];
  uint64_t whole[4];
  double gap[MAX_CONDS];
  uint64_t cond[MAX_CONDS][4];
  double threshold[MAX_CONDS];
  size_t nconds;
} acc;

typedef struct star_ctx {
  acc w[64];
  size_t nstd;
} star_ctx;

static tidu_code star_chunk(void *ctx, const tidu_batch_chunk *bc, char **out, size_t *out_len,
                            tidu_error *err) {
  (void)err;
  star_ctx *s = ctx;
  acc *a = &s->w[bc->worker];
  size_t n = bc->chunk->n;
  *out = NULL;
  *out_len = 0;
  const uint8_t *v = tidu_eval_verdicts(bc->ev[0], 0, TIDU_WHOLE);
  for (size_t l = 0; l < n; l++) a->whole[v[l] & 3]++;
  for (size_t j = 0; j < s->nstd && j < 8; j++) {
    v = tidu_eval_verdicts(bc->ev[0], 0, j);
    for (size_t l = 0; l < n; l++) a->std[j][v[l] & 3]++;
  }
  a->nconds = tidu_eval_cond_count(bc->ev[0], 0);
  for (size_t k = 0; k < a->nconds && k < MAX_CONDS; k++) {
    tidu_cond_columns cc = tidu_eval_cond(bc->ev[0], 0, k);
    double sum = 0;
    for (size_t l = 0; l < n; l++) {
      a->cond[k][cc.verdict[l] & 3]++;
      if (!isnan(cc.gap[l]) && cc.verdict[l] != TIDU_V_UNKNOWN) sum += cc.gap[l];
    }
    a->gap[k] += sum;
    if (n) a->threshold[k] = cc.threshold[0];
  }
  return TIDU_OK;
}

static const char *const VNAME[4] = {"fail", "pass", "unknown", "na"};

static json_t *counts(const uint64_t *c) {
  return json_pack("{s:I,s:I,s:I}", "pass", (json_int_t)c[1], "fail", (json_int_t)c[0], "unknown",
                   (json_int_t)c[2]);
}

/* Merges the workers' sums and prints them with the timings. */
static void star_report(star_ctx *s, const tidu_ruleset_info *m, size_t firms, double load,
                        double compute, int threads) {
  acc t = {0};
  for (int w = 0; w < 64; w++) {
    for (int k = 0; k < 4; k++) t.whole[k] += s->w[w].whole[k];
    for (size_t j = 0; j < 8; j++)
      for (int k = 0; k < 4; k++) t.std[j][k] += s->w[w].std[j][k];
    if (s->w[w].nconds > t.nconds) t.nconds = s->w[w].nconds;
    for (size_t c = 0; c < MAX_CONDS; c++) {
      t.gap[c] += s->w[w].gap[c];
      for (int k = 0; k < 4; k++) t.cond[c][k] += s->w[w].cond[c][k];
      if (s->w[w].whole[0] + s->w[w].whole[1] + s->w[w].whole[2])
        t.threshold[c] = s->w[w].threshold[c];
    }
  }
  json_t *std = json_object();
  for (size_t j = 0; j < s->nstd && j < 8; j++)
    json_object_set_new(std, m->standards[j].id, counts(t.std[j]));
  json_t *gaps = json_array();
  for (size_t c = 0; c < t.nconds && c < MAX_CONDS; c++) {
    if (isnan(t.threshold[c])) continue; /* all/any nodes and tests: no numeric gap */
    json_array_append_new(gaps,
                          json_pack("{s:f,s:f,s:I,s:I,s:I}", "threshold", t.threshold[c], "gap_sum",
                                    t.gap[c], "pass", (json_int_t)t.cond[c][1], "fail",
                                    (json_int_t)t.cond[c][0], "unknown", (json_int_t)t.cond[c][2]));
  }
  json_t *o = json_pack("{s:s,s:I,s:i,s:f,s:f,s:f,s:o,s:o,s:o,s:I}", "system", "tidu", "firms",
                        (json_int_t)firms, "threads", threads, "load_s", load, "compute_s", compute,
                        "firms_per_s", compute > 0 ? (double)firms / compute : 0.0, "board",
                        counts(t.whole), "standards", std, "gaps", gaps, "peak_rss_kb",
                        (json_int_t)peak_rss_kb());
  json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
  putchar('\n');
  json_decref(o);
  (void)VNAME;
}

typedef struct input {
  tidu_pack *pack; /* borrowed from the source when the input is a pack */
  tidu_source *src;
  tidu_batch_input in;
} input;

static void open_input(const char *path, input *in) {
  tidu_error err;
  memset(in, 0, sizeof *in);
  if (tidu_pack_sniff(path)) {
    if (tidu_pack_open(path, &in->pack, &err) != TIDU_OK) die(path, &err);
    in->src = tidu_pack_source(in->pack);
    if (!in->src) die(path, NULL);
  } else if (tidu_source_open_file(path, NULL, &in->src, &err) != TIDU_OK) {
    die(path, &err);
  }
  in->in.source = in->src;
}

static void close_input(input *in) {
  tidu_source_close(in->src);
}

static tidu_rulebook *rules(void) {
  tidu_rulebook *rb = tidu_rulebook_new();
  if (!rb || tidu_rulebook_add_builtin(rb, NULL) != TIDU_OK) die("rules", NULL);
  return rb;
}

/* Sums the whole pack's columns once so that it is in the page cache, like a loaded table. */
static double warm(const tidu_pack *p) {
  double t0 = now();
  tidu_pack_cursor *c = tidu_pack_cursor_new(p, 16384);
  int64_t sink = 0;
  for (size_t s = 0; s < tidu_pack_slices(p, 16384); s++) {
    const tidu_chunk *ch;
    if (tidu_pack_read(c, s, 0, &ch, NULL, NULL) != TIDU_OK) break;
    for (size_t i = 0; i < ch->n; i++) sink += ch->yr[TIDU_Y_REVENUE][0][i];
  }
  tidu_pack_cursor_free(c);
  if (sink == 42) fputs("", stderr);
  return now() - t0;
}

static void run_star(const char *path, int threads, int64_t as_of) {
  tidu_rulebook *rb = rules();
  tidu_error err;
  tidu_selection *sel = tidu_rulebook_select(rb, as_of, "star", &err);
  if (!sel) die("select", &err);
  const tidu_ruleset_info *m = tidu_ruleset_meta(tidu_selection_get(sel, 0));
  double t0 = now();
  input in;
  open_input(path, &in);
  double load = in.pack ? warm(in.pack) : 0;
  load += in.pack ? 0 : now() - t0;
  star_ctx *s = calloc(1, sizeof *s);
  /* From the loaded form the run is repeated and the best time kept, as for the peers' queries;
     from a CSV it runs once (the reader is consumed). */
  int repeat = in.pack ? STAR_REPEAT : 1;
  double compute = 1e30;
  size_t firms = 0;
  for (int r = 0; r < repeat; r++) {
    memset(s, 0, sizeof *s);
    s->nstd = m->nstandards;
    tidu_batch_options opt = {.sel = {sel, NULL},
                              .as_of_days = as_of,
                              .threads = threads,
                              .render = star_chunk,
                              .render_ctx = s};
    double t1 = now();
    if (tidu_batch_run(&in.in, &opt, NULL, &firms, NULL, &err) != TIDU_OK) die("batch", &err);
    double dt = now() - t1;
    if (dt < compute) compute = dt;
  }
  star_report(s, m, firms, load, compute, threads);
  free(s);
  close_input(&in);
  tidu_selection_free(sel);
  tidu_rulebook_free(rb);
}

/* ---- every shipped rule set: aggregates only ---- */

/* A render that reads nothing: with it the batch computes every result column (values,
 * thresholds, gaps, distances, nearest standards) as per-firm output needs them. */
static tidu_code no_output(void *ctx, const tidu_batch_chunk *bc, char **out, size_t *out_len,
                           tidu_error *err) {
  (void)ctx;
  (void)bc;
  (void)err;
  *out = NULL;
  *out_len = 0;
  return TIDU_OK;
}

/* `full`: every result column, else verdicts only (what the aggregates read). */
static void run_all(const char *path, int threads, int64_t as_of, int full) {
  tidu_rulebook *rb = rules();
  tidu_error err;
  tidu_selection *sel = tidu_rulebook_select(rb, as_of, NULL, &err);
  if (!sel) die("select", &err);
  input in;
  double t0 = now();
  open_input(path, &in);
  tidu_batch_options opt = {.sel = {sel, NULL},
                            .as_of_days = as_of,
                            .threads = threads,
                            .aggregate = 1,
                            .render = full ? no_output : NULL};
  const char *cs = getenv("TIDU_BENCH_CHUNK"); /* firms per chunk (default: the batch's) */
  if (cs) opt.chunk_size = strtoul(cs, NULL, 10);
  tidu_batch_stats *stats = NULL;
  size_t firms = 0;
  if (tidu_batch_run(&in.in, &opt, &stats, &firms, NULL, &err) != TIDU_OK) die("batch", &err);
  double dt = now() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
  json_t *o = json_pack("{s:s,s:s,s:I,s:i,s:i,s:f,s:f,s:f,s:I}", "system", "tidu", "columns",
                        full ? "all" : "verdicts", "firms", (json_int_t)firms, "threads", threads,
                        "rulesets", (int)tidu_selection_count(sel), "seconds", dt, "cpu_s", cpu,
                        "firms_per_s", dt > 0 ? (double)firms / dt : 0.0, "peak_rss_kb",
                        (json_int_t)peak_rss_kb());
  json_object_set_new(
      o, "star",
      json_pack("{s:I,s:I,s:I}", "pass",
                (json_int_t)tidu_batch_stats_count(stats, "star", TIDU_V_PASS), "fail",
                (json_int_t)tidu_batch_stats_count(stats, "star", TIDU_V_FAIL), "unknown",
                (json_int_t)tidu_batch_stats_count(stats, "star", TIDU_V_UNKNOWN)));
  json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
  putchar('\n');
  json_decref(o);
  tidu_batch_stats_free(stats);
  close_input(&in);
  tidu_selection_free(sel);
  tidu_rulebook_free(rb);
}

/* ---- CSV ingestion only: parse every firm, keep nothing ---- */

static void run_ingest(const char *path) {
  tidu_reader *r = NULL;
  tidu_error err;
  double t0 = now();
  if (tidu_reader_open(path, TIDU_FMT_AUTO, NULL, &r, &err) != TIDU_OK) die(path, &err);
  tidu_firm f;
  tidu_firm_init(&f);
  size_t n = 0;
  for (;;) {
    int done = 0;
    if (tidu_reader_next(r, &f, &done, &err) != TIDU_OK) die("read", &err);
    if (done) break;
    n++;
  }
  double dt = now() - t0;
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  printf("{\"system\":\"tidu\",\"firms\":%zu,\"seconds\":%.4f,\"firms_per_s\":%.0f}\n", n, dt,
         dt > 0 ? (double)n / dt : 0.0);
}

/* ---- what-if: main 2023 -> 2024 ---- */

static void run_whatif(const char *path, int threads) {
  tidu_rulebook *rb = rules();
  tidu_error err;
  int64_t d2023 = tidu_days_from_civil(2023, 2, 17);
  int64_t d2024 = tidu_days_from_civil(2024, 4, 30);
  tidu_selection *a = tidu_rulebook_select(rb, d2023, "main", &err);
  tidu_selection *b = a ? tidu_rulebook_select(rb, d2024, "main", &err) : NULL;
  if (!a || !b) die("select", &err);
  input in;
  open_input(path, &in);
  double load = in.pack ? warm(in.pack) : 0;
  tidu_batch_options opt = {.sel = {a, b}, .as_of_days = d2024, .threads = threads};
  tidu_simulation *sim = NULL;
  double t0 = now();
  if (tidu_simulate(&in.in, &opt, &sim, &err) != TIDU_OK) die("simulate", &err);
  double dt = now() - t0;
  size_t nflips = 0;
  tidu_simulation_flips(sim, &nflips);
  printf("{\"system\":\"tidu\",\"firms\":%llu,\"threads\":%d,\"load_s\":%.4f,\"seconds\":%.4f,"
         "\"flips\":%zu,\"peak_rss_kb\":%ld}\n",
         (unsigned long long)tidu_simulation_firms(sim), threads, load, dt, nflips, peak_rss_kb());
  tidu_simulation_free(sim);
  close_input(&in);
  tidu_selection_free(a);
  tidu_selection_free(b);
  tidu_rulebook_free(rb);
}

/* ---- memory read bandwidth: one thread summing a 1 GiB array of int64 ---- */

static void run_membw(void) {
  size_t n = (size_t)1 << 27;
  int64_t *a = malloc(n * sizeof *a);
  if (!a) die("membw", NULL);
  for (size_t i = 0; i < n; i++) a[i] = (int64_t)i;
  double best = 1e9;
  int64_t sink = 0;
  for (int rep = 0; rep < 3; rep++) {
    double t0 = now();
    int64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < n; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    double dt = now() - t0;
    sink += s0 + s1 + s2 + s3;
    if (dt < best) best = dt;
  }
  printf("{\"system\":\"machine\",\"read_gb_per_s\":%.2f,\"check\":%lld}\n",
         (double)(n * sizeof *a) / best / 1e9, (long long)(sink & 1));
  free(a);
}

/* ---- a population written straight to a pack (the firms of `tidu gen N --seed S`) ---- */

static void gen_pack(const char *path, uint64_t n, uint64_t seed, int years) {
  tidu_pack_writer *w = NULL;
  tidu_error err;
  if (tidu_pack_writer_open(path, &w, &err) != TIDU_OK) die(path, &err);
  tidu_gen_options opt = {seed, years, 2024};
  tidu_firm f;
  tidu_firm_init(&f);
  for (uint64_t i = 0; i < n; i++) {
    if (tidu_gen_firm(&opt, i, &f, &err) != TIDU_OK) die("gen", &err);
    if (tidu_pack_writer_add(w, &f, &err) != TIDU_OK) die("pack", &err);
  }
  tidu_firm_clear(&f);
  if (tidu_pack_writer_close(w, &err) != TIDU_OK) die(path, &err);
}

int main(int argc, char **argv) {
  int64_t as_of = tidu_days_from_civil(2025, 11, 8); /* current versions in force */
  if (argc >= 2 && !strcmp(argv[1], "membw")) {
    run_membw();
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "genpack")) {
    gen_pack(argv[2], strtoull(argv[3], NULL, 10), argc > 4 ? strtoull(argv[4], NULL, 10) : 1,
             argc > 5 ? atoi(argv[5]) : 3);
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "wide")) {
    write_wide(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 2024);
    return 0;
  }
  if (argc < 3) {
    fputs(
        "usage: tidu_star genpack OUT.pack N [SEED] [YEARS] | wide PACK OUT.csv [YEAR] | "
        "star INPUT [THREADS] | all INPUT [THREADS [full]] | ingest CSV | whatif INPUT [THREADS]\n",
        stderr);
    return 2;
  }
  int threads = argc > 3 ? atoi(argv[3]) : 2;
  if (!strcmp(argv[1], "star"))
    run_star(argv[2], threads, as_of);
  else if (!strcmp(argv[1], "all"))
    run_all(argv[2], threads, as_of, argc > 4 && !strcmp(argv[4], "full"));
  else if (!strcmp(argv[1], "ingest"))
    run_ingest(argv[2]);
  else if (!strcmp(argv[1], "whatif"))
    run_whatif(argv[2], threads);
  else
    return 2;
  return 0;
}
