/* The parallel CSV reader against the sequential one: same firms, errors, warnings and lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "io/internal.h"
#include "tidu/io.h"

/* A growing log. */
typedef struct logbuf {
  char *s;
  size_t n, cap;
} logbuf;

static void logf_(logbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(logbuf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    assert_true(k >= 0);
    if (b->s && b->n + (size_t)k < b->cap) {
      b->n += (size_t)k;
      return;
    }
    b->cap = (b->cap + (size_t)k + 1) * 2;
    b->s = realloc(b->s, b->cap);
    assert_non_null(b->s);
  }
}

/* Reads text[0..len) as `name` with `threads` threads and parts of `part` bytes; logs every
 * firm (with its line and its years' lines), error and warning in the order they come. */
static char *read_log(const char *name, const char *text, size_t len, int threads, size_t part) {
  logbuf b = {0};
  tidu_read_options ro = {.threads = threads};
  tidu_ptable_part_bytes = part;
  tidu_reader *r;
  tidu_error err;
  char line[1400];
  if (tidu_reader_open_mem(name, text, len, TIDU_FMT_CSV, &ro, &r, &err) != TIDU_OK) {
    tidu_error_format(&err, line, sizeof line);
    logf_(&b, "OPEN %s\n", line);
    tidu_ptable_part_bytes = 0;
    return b.s;
  }
  tidu_firm f;
  tidu_firm_init(&f);
  for (int guard = 0; guard < 100000; guard++) {
    int done = 0;
    tidu_code rc = tidu_reader_next(r, &f, &done, &err);
    if (rc == TIDU_OK && done) break;
    if (rc == TIDU_OK) {
      char *js = tidu_firm_to_json(&f);
      assert_non_null(js);
      logf_(&b, "F %ld", f.src_line);
      for (size_t y = 0; y < f.nyears; y++)
        logf_(&b, " %d@%ld", f.years[y].year, f.years[y].src_line);
      logf_(&b, " %s\n", js);
      free(js);
    } else {
      tidu_error_format(&err, line, sizeof line);
      logf_(&b, "E%d %s [%s]\n", (int)rc, line, err.column_name);
    }
    tidu_error w;
    while (tidu_reader_warning(r, &w)) {
      tidu_error_format(&w, line, sizeof line);
      logf_(&b, "W %s [%s]\n", line, w.column_name);
    }
    if (rc == TIDU_ERR_NOMEM || rc == TIDU_ERR_LIMIT || rc == TIDU_ERR_IO) break;
  }
  tidu_firm_clear(&f);
  tidu_reader_close(r);
  tidu_ptable_part_bytes = 0;
  logf_(&b, "END\n");
  return b.s;
}

static const char *const usccs[] = {
    "91321100008224658L", "91610100552582264U", "913101000969398710", "913101006412974813",
    "91320400185655096M", "913205007300127086", "91321000MA9E4F2T9Q", "91321100818727927Y"};

static uint32_t rnd(uint32_t *s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

/* A wide CSV of `rows` rows mixing every case: quoted fields with line breaks, commas and
 * quotes, Chinese text, duplicate and badly checked USCCs, bad values, short and long rows,
 * blank rows. `crlf` picks the line end, `bom` puts a UTF-8 BOM first. */
static char *make_csv(int rows, uint32_t seed, int crlf, int bom, size_t *len) {
  logbuf b = {0};
  const char *nl = crlf ? "\r\n" : "\n";
  if (bom) logf_(&b, "\xef\xbb\xbf");
  logf_(&b, "uscc,企业名称,region,revenue_2024,net_profit_2024,employees_2023%s", nl);
  for (int i = 0; i < rows; i++) {
    uint32_t k = rnd(&seed) % 16;
    int money = (int)(rnd(&seed) % 100000);
    switch (k) {
    case 0: /* a uscc from a short list: later ones are duplicates */
      logf_(&b, "%s,企业%d,321102,%d.%02d,%d,%d%s", usccs[rnd(&seed) % 8], i, money, i % 100,
            money / 3, i % 500, nl);
      break;
    case 1: /* a check character that does not match: a warning */
      logf_(&b, "91321100008224658%c,校验企业%d,321102,%d,,%d%s", 'A' + (int)(i % 20), i, money,
            i % 9, nl);
      break;
    case 2: /* a quoted name over two lines, with a comma and quotes */
      logf_(&b, ",\"多行企业%d\n第二行, \"\"引号\"\"\",310101,\"%d,%03d.5\",1,2%s", i, money,
            i % 1000, nl);
      break;
    case 3: /* a quoted name with a CRLF inside */
      logf_(&b, ",\"回车企业%d\r\n续\",310101,%d,,%s", i, money, nl);
      break;
    case 4: /* a bad value */
      logf_(&b, ",坏值企业%d,321102,abc%d,1,2%s", i, i, nl);
      break;
    case 5: /* a short row */
      logf_(&b, ",短行企业%d,321102%s", i, nl);
      break;
    case 6: /* a cell beyond the header */
      logf_(&b, ",长行企业%d,321102,1,2,3,4%s", i, nl);
      break;
    case 7: /* a blank row */
      logf_(&b, ",,,,,%s", nl);
      break;
    case 8: /* neither uscc nor name */
      logf_(&b, ",,321102,5,6,7%s", nl);
      break;
    case 9: /* a bad region */
      logf_(&b, ",区域企业%d,32110,5,6,7%s", i, nl);
      break;
    default:
      logf_(&b, ",普通企业%d号,320106,%d.%02d,-%d,%d%s", i, money, i % 100, money % 777, i % 300,
            nl);
      break;
    }
  }
  *len = b.n;
  return b.s;
}

/* Compares the parallel reader with the sequential one for 2 and 4 threads and parts of many
 * sizes (so that cuts fall inside quoted fields, CRLF pairs and characters). */
static void same_as_sequential(const char *name, const char *text, size_t len) {
  static const size_t parts[] = {1, 2, 3, 5, 7, 11, 16, 31, 64, 100, 257, 1000, 4096};
  char *want = read_log(name, text, len, 1, 0);
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    if (parts[i] >= len / 4) continue; /* a part must be smaller than the data rows */
    for (int th = 2; th <= 4; th += 2) {
      size_t opens = tidu_ptable_opens;
      char *got = read_log(name, text, len, th, parts[i]);
      if (strcmp(want, got) != 0) {
        size_t k = 0;
        while (want[k] && want[k] == got[k]) k++;
        size_t from = k > 200 ? k - 200 : 0;
        fail_msg("%s: %d threads, %zu-byte parts differ at byte %zu:\n--- sequential\n%.400s\n"
                 "--- parallel\n%.400s",
                 name, th, parts[i], k, want + from, got + from);
      }
      assert_true(tidu_ptable_opens > opens); /* the parallel reader was used */
      free(got);
    }
  }
  free(want);
}

static void test_mixed_lf(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(300, 7, 0, 0, &len);
  same_as_sequential("lf.csv", s, len);
  free(s);
}

static void test_mixed_crlf_bom(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(300, 11, 1, 1, &len);
  same_as_sequential("crlf.csv", s, len);
  free(s);
}

/* The same table in GB18030: read as GB18030 (no BOM, not UTF-8) and cut in the converted text. */
static void test_gb18030(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(200, 3, 1, 0, &len);
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  assert_true(cd != (iconv_t)-1);
  size_t cap = len * 2 + 16, left = cap, inleft = len;
  char *gb = malloc(cap), *in = s, *out = gb;
  assert_non_null(gb);
  assert_true(iconv(cd, &in, &inleft, &out, &left) != (size_t)-1);
  iconv_close(cd);
  size_t gblen = cap - left;
  assert_true(gblen < len); /* Chinese text takes 2 bytes instead of 3 */
  char *want = read_log("gb.csv", gb, gblen, 1, 0);
  assert_non_null(strstr(want, "普通企业")); /* decoded */
  free(want);
  same_as_sequential("gb.csv", gb, gblen);
  free(gb);
  free(s);
}

/* Errors that end the reading: an unterminated quote at the end, a NUL byte in the middle. */
static void test_fatal(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(120, 5, 0, 0, &len);
  char *t = malloc(len + 64);
  assert_non_null(t);
  memcpy(t, s, len);
  memcpy(t + len, ",\"未闭合企业,1,2,3\n", strlen(",\"未闭合企业,1,2,3\n"));
  size_t tlen = len + strlen(",\"未闭合企业,1,2,3\n");
  char *want = read_log("open.csv", t, tlen, 1, 0);
  assert_non_null(strstr(want, "unterminated quoted field"));
  free(want);
  same_as_sequential("open.csv", t, tlen);
  memcpy(t, s, len);
  char *mid = memchr(t + len / 2, '\n', len - len / 2);
  assert_non_null(mid);
  mid[1] = '\0'; /* at the start of a row in the middle */
  want = read_log("nul.csv", t, len, 1, 0);
  assert_non_null(strstr(want, "NUL"));
  free(want);
  same_as_sequential("nul.csv", t, len);
  free(t);
  free(s);
}

/* A header and blank rows only: "only a header row", once. */
static void test_header_only(void **state) {
  (void)state;
  const char *s = "uscc,name,revenue_2024\n,,\n\n,,\n\n\n,,\n";
  char *want = read_log("h.csv", s, strlen(s), 1, 0);
  assert_non_null(strstr(want, "only a header row"));
  free(want);
  same_as_sequential("h.csv", s, strlen(s));
}

/* The line numbers are the file's: a firm after quoted line breaks in earlier parts. */
static void test_lines(void **state) {
  (void)state;
  size_t reparses = tidu_ptable_reparses;
  const char *s = "name,revenue_2024\n\"a\n\n\nb\",1\nc,2\n\"d\r\ne\",3\nf,x\n";
  char *got = read_log("l.csv", s, strlen(s), 4, 3);
  assert_string_equal(got,
                      "F 2 2024@2 {\"name\":\"a\\u000a\\u000a\\u000ab\",\"years\":{\"2024\":{"
                      "\"revenue\":1}}}\n"
                      "F 6 2024@6 {\"name\":\"c\",\"years\":{\"2024\":{\"revenue\":2}}}\n"
                      "F 7 2024@7 {\"name\":\"d\\u000ae\",\"years\":{\"2024\":{\"revenue\":3}}}\n"
                      "E3 l.csv:9:2: 2024年营业收入: 不是数字: \"x\" / revenue_2024: not a "
                      "number: \"x\" [revenue_2024]\n"
                      "END\n");
  free(got);
  assert_true(tidu_ptable_reparses > reparses); /* a cut fell inside the quoted line breaks */
  same_as_sequential("l.csv", s, strlen(s));
}

/* ---- reading into chunk columns ---- */

/* The kept fields of lane l, and a check that the others hold an empty firm's values. */
static void log_lane(logbuf *b, const tidu_chunk *c, size_t l, const unsigned char *firm,
                     const unsigned char *yfield) {
  tidu_firm empty;
  tidu_firm_init(&empty);
  logf_(b, "L base=%d", (int)c->base[l]);
  for (int k = 0; k < TIDU_NFIRM; k++) {
    int kept = !firm || firm[k];
    if (c->text[k]) {
      const char *t = c->text[k][l];
      if (kept && t) {
        logf_(b, " f%d=", k);
        for (; *t; t++) /* line breaks shown escaped: one lane, one line */
          logf_(b, *t == '\n' ? "\\n" : *t == '\r' ? "\\r" : "%c", *t);
      }
      if (!kept) assert_null(t);
    } else if (kept) {
      logf_(b, " f%d=%lld", k, (long long)c->firm[k][l]);
    } else {
      assert_true(c->firm[k][l] == empty.v[k]);
    }
  }
  for (int f = 0; f < TIDU_NYEAR; f++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) {
      int64_t v = c->yr[f][k][l];
      if (!yfield || yfield[f]) {
        if (v != TIDU_MISSING) logf_(b, " y%d.%d=%lld", f, k, (long long)v);
      } else {
        assert_true(v == TIDU_MISSING);
      }
    }
  logf_(b, "\n");
}

typedef struct two_logs {
  logbuf lanes, notes;
} two_logs;

static void log_note(logbuf *b, const char *kind, const tidu_error *e) {
  char line[1400];
  tidu_error_format(e, line, sizeof line);
  logf_(b, "%s %s [%s]\n", kind, line, e->column_name);
}

static tidu_code on_row_error(void *ctx, tidu_code rc, const tidu_error *e) {
  two_logs *g = ctx;
  char kind[8];
  snprintf(kind, sizeof kind, "E%d", (int)rc);
  log_note(&g->notes, kind, e);
  return TIDU_OK;
}

static void on_row_warning(void *ctx, const tidu_error *w) {
  log_note(&((two_logs *)ctx)->notes, "W", w);
}

/* Reads text[0..len) as `name` the way the batch does: with `threads` threads straight into
 * chunks (threads > 1), or firm by firm laid into a chunk of one (threads = 1). Logs the lanes
 * and, apart, the errors and warnings in the order they come; "|" between the two. */
static char *read_cols(const char *name, const char *text, size_t len, int threads, size_t part,
                       int32_t year, const unsigned char *firm, const unsigned char *yfield) {
  two_logs g = {{0}, {0}};
  tidu_read_options ro = {.threads = threads};
  tidu_ptable_part_bytes = part;
  tidu_reader *r;
  tidu_error err;
  if (tidu_reader_open_mem(name, text, len, TIDU_FMT_CSV, &ro, &r, &err) != TIDU_OK) {
    log_note(&g.notes, "OPEN", &err);
    tidu_ptable_part_bytes = 0;
    return g.notes.s;
  }
  tidu_error w;
  while (tidu_reader_warning(r, &w)) log_note(&g.notes, "W", &w); /* the header's */
  if (threads > 1) {
    assert_int_equal(tidu_reader_columns(r, year, firm, yfield, 16), 1);
    tidu_source_rows cb = {&g, on_row_error, on_row_warning};
    const tidu_chunk *held[3] = {NULL, NULL, NULL};
    void *hold[3] = {NULL, NULL, NULL};
    for (size_t k = 0;; k++) {
      const tidu_chunk *c;
      void *h;
      int done = 0;
      tidu_code rc = tidu_reader_chunk(r, &cb, &c, &h, &done, &err);
      if (rc != TIDU_OK) {
        log_note(&g.notes, "FATAL", &err);
        break;
      }
      if (done) break;
      assert_true(c->n > 0 && c->n <= 16); /* pieces of at most the lanes asked for */
      for (size_t l = 0; l < c->n; l++) log_lane(&g.lanes, c, l, firm, yfield);
      /* hold up to three chunks at once, handing them back out of order */
      size_t slot = k % 3;
      if (hold[slot]) tidu_reader_chunk_done(r, hold[slot]);
      held[slot] = c;
      hold[slot] = h;
    }
    for (size_t k = 0; k < 3; k++)
      if (hold[k]) tidu_reader_chunk_done(r, hold[k]);
    (void)held;
  } else {
    tidu_chunk *c = tidu_chunk_new(1);
    assert_non_null(c);
    tidu_firm f;
    tidu_firm_init(&f);
    for (;;) {
      int done = 0;
      tidu_code rc = tidu_reader_next(r, &f, &done, &err);
      while (tidu_reader_warning(r, &w)) log_note(&g.notes, "W", &w);
      if (rc == TIDU_OK && done) break;
      if (rc == TIDU_OK) {
        tidu_chunk_reset(c);
        assert_int_equal(tidu_chunk_add(c, &f, year), TIDU_OK);
        log_lane(&g.lanes, c, 0, NULL, NULL);
        continue;
      }
      char kind[8];
      snprintf(kind, sizeof kind, "E%d", (int)rc);
      log_note(&g.notes, (rc == TIDU_ERR_INPUT || rc == TIDU_ERR_DATA) ? kind : "FATAL", &err);
      if (rc != TIDU_ERR_INPUT && rc != TIDU_ERR_DATA) break;
    }
    tidu_firm_clear(&f);
    tidu_chunk_free(c);
  }
  tidu_reader_close(r);
  tidu_ptable_part_bytes = 0;
  logf_(&g.lanes, "|\n%s", g.notes.s ? g.notes.s : "");
  free(g.notes.s);
  return g.lanes.s;
}

/* Keeps only the kept fields of a full lane log line (the sequential side logs every field). */
static char *only_kept(const char *log, const unsigned char *firm, const unsigned char *yfield) {
  logbuf b = {0};
  const char *p = log;
  int notes = 0;
  while (*p) {
    const char *end = strchr(p, '\n');
    size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
    if (!notes && strncmp(p, "|\n", 2) == 0) notes = 1;
    if (notes || strncmp(p, "L ", 2) != 0) {
      logf_(&b, "%.*s", (int)n, p);
    } else {
      /* tokens " fK=..." or " yF.K=..." up to the next " f"/" y" token (text may hold spaces:
       * text is only in firm fields, whose values run to the next " f<digit>" or " y<digit>") */
      const char *q = p, *stop = p + n - 1;
      const char *sp = memchr(q, ' ', (size_t)(stop - q));
      logf_(&b, "%.*s", (int)(sp ? sp - q : stop - q), q);
      q = sp ? sp : stop;
      while (q < stop) {
        const char *nx = q + 1;
        while (nx < stop &&
               !(nx[0] == ' ' && (nx[1] == 'f' || nx[1] == 'y') && nx[2] >= '0' && nx[2] <= '9'))
          nx++;
        int idx = -1, yr = q[1] == 'y', field = q[1] == 'f' || yr;
        if (field) sscanf(q + 2, "%d", &idx);
        if (!field || (idx >= 0 && (yr ? (!yfield || yfield[idx]) : (!firm || firm[idx]))))
          logf_(&b, "%.*s", (int)(nx - q), q);
        q = nx;
      }
      logf_(&b, "\n");
    }
    p += n;
  }
  return b.s;
}

/* The chunks read in parallel hold the firms the sequential reader gives, laid out as
 * tidu_chunk_add lays them (at the latest year and at a year asked for, with every field or
 * only some), with the same errors and warnings in the same order and lines. */
static void cols_same_as_sequential(const char *name, const char *text, size_t len) {
  static const size_t parts[] = {2, 7, 64, 1000, 4096};
  unsigned char firm[TIDU_NFIRM] = {0}, yfield[TIDU_NYEAR] = {0};
  firm[TIDU_F_USCC] = firm[TIDU_F_REGION] = 1;
  yfield[TIDU_Y_REVENUE] = 1;
  for (int mask = 0; mask < 2; mask++)
    for (int32_t year = 0; year <= 2025; year += 2023) {
      const unsigned char *fm = mask ? firm : NULL, *ym = mask ? yfield : NULL;
      char *all = read_cols(name, text, len, 1, 0, year, NULL, NULL);
      char *want = only_kept(all, fm, ym);
      free(all);
      if (!strstr(want, "L base=")) fail_msg("%.600s", want);
      for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i] >= len / 4) continue;
        for (int th = 2; th <= 4; th += 2) {
          char *got = read_cols(name, text, len, th, parts[i], year, fm, ym);
          if (strcmp(want, got) != 0) {
            size_t k = 0;
            while (want[k] && want[k] == got[k]) k++;
            size_t from = k > 200 ? k - 200 : 0;
            fail_msg("%s (columns, year %d, mask %d): %d threads, %zu-byte parts differ at byte "
                     "%zu:\n--- sequential\n%.400s\n--- parallel\n%.400s",
                     name, (int)year, mask, th, parts[i], k, want + from, got + from);
          }
          free(got);
        }
      }
      free(want);
    }
}

static void test_columns_lf(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(300, 7, 0, 0, &len);
  cols_same_as_sequential("lf.csv", s, len);
  free(s);
}

static void test_columns_crlf_bom(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(300, 11, 1, 1, &len);
  cols_same_as_sequential("crlf.csv", s, len);
  free(s);
}

static void test_columns_gb18030(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(200, 3, 1, 0, &len);
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  assert_true(cd != (iconv_t)-1);
  size_t cap = len * 2 + 16, left = cap, inleft = len;
  char *gb = malloc(cap), *in = s, *out = gb;
  assert_non_null(gb);
  assert_true(iconv(cd, &in, &inleft, &out, &left) != (size_t)-1);
  iconv_close(cd);
  cols_same_as_sequential("gb.csv", gb, cap - left);
  free(gb);
  free(s);
}

/* Errors that end the reading, and a file of a header and blank rows. */
static void test_columns_fatal(void **state) {
  (void)state;
  size_t len;
  char *s = make_csv(120, 5, 0, 0, &len);
  const char *tail = ",\"未闭合企业,1,2,3\n";
  char *t = malloc(len + 64);
  assert_non_null(t);
  memcpy(t, s, len);
  memcpy(t + len, tail, strlen(tail));
  cols_same_as_sequential("open.csv", t, len + strlen(tail));
  memcpy(t, s, len);
  char *mid = memchr(t + len / 2, '\n', len - len / 2);
  assert_non_null(mid);
  mid[1] = '\0';
  cols_same_as_sequential("nul.csv", t, len);
  free(t);
  free(s);
  const char *h = "uscc,name,revenue_2024\n,,\n\n,,\n\n\n,,\n,,\n\n\n,,\n,,\n\n";
  char *got = read_cols("h.csv", h, strlen(h), 2, 2, 0, NULL, NULL);
  assert_non_null(strstr(got, "only a header row"));
  free(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mixed_lf),        cmocka_unit_test(test_mixed_crlf_bom),
      cmocka_unit_test(test_gb18030),         cmocka_unit_test(test_fatal),
      cmocka_unit_test(test_header_only),     cmocka_unit_test(test_lines),
      cmocka_unit_test(test_columns_lf),      cmocka_unit_test(test_columns_crlf_bom),
      cmocka_unit_test(test_columns_gb18030), cmocka_unit_test(test_columns_fatal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
