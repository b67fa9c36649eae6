/* `tidu pool shortlist|assign|log`: key firms, tracking officers and the consulting log, and
 * small helpers of the programme's commands. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_prog.h"
#include "tidu/num.h"
#include "tidu/store.h"
#include "tidu/toolkit.h"

void cli_csv_cell(FILE *out, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"') fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

int cli_prog_has(const char *list, const char *item) {
  size_t n = strlen(item);
  for (const char *p = list; p && *p;) {
    const char *e = strpbrk(p, ";,");
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && !strncmp(p, item, n)) return 1;
    p = e ? e + 1 : p + len;
  }
  return 0;
}

int64_t cli_days_from_civil(int y, int m, int d) {
  return tidu_days_from_civil(y, m, d);
}

/* ---- grouping layers by city or chain ---- */

typedef struct group {
  char key[128];
  size_t counts[9];
} group;

static int cmp_group(const void *a, const void *b) {
  return strcmp(((const group *)a)->key, ((const group *)b)->key);
}

static void count_key(group **g, size_t *n, size_t *cap, const char *key, size_t layer) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp((*g)[i].key, key)) {
      (*g)[i].counts[layer]++;
      return;
    }
  if (TIDU_PUSH_ROOM(*g, *n, *cap) != 0) return;
  group *x = &(*g)[(*n)++];
  memset(x, 0, sizeof *x);
  snprintf(x->key, sizeof x->key, "%s", key);
  x->counts[layer]++;
}

void cli_prog_group_layers(const tidu_layers *l, int by_region) {
  group *g = NULL;
  size_t n = 0, cap = 0, k = 0;
  for (size_t b = 0; b <= l->nboards; b++)
    for (size_t i = 0; i < l->counts[b]; i++, k++) {
      const tidu_layer_item *it = &l->items[k];
      char key[128];
      if (by_region) {
        snprintf(key, sizeof key, "%.4s", it->region ? it->region : "-");
        count_key(&g, &n, &cap, key, b);
      } else if (!it->chains || !*it->chains) {
        count_key(&g, &n, &cap, "-", b);
      } else {
        for (const char *p = it->chains; *p;) {
          const char *e = strpbrk(p, ";,");
          size_t len = e ? (size_t)(e - p) : strlen(p);
          snprintf(key, sizeof key, "%.*s", (int)len, p);
          if (len) count_key(&g, &n, &cap, key, b);
          p = e ? e + 1 : p + len;
        }
      }
    }
  if (n > 1) qsort(g, n, sizeof *g, cmp_group);
  printf("%-24s", "");
  for (size_t b = 0; b <= l->nboards; b++) printf(" %8s", b < l->nboards ? l->boards[b] : "none");
  putchar('\n');
  for (size_t i = 0; i < n; i++) {
    cli_pad(stdout, g[i].key, 24);
    for (size_t b = 0; b <= l->nboards; b++) printf(" %8zu", g[i].counts[b]);
    putchar('\n');
  }
  free(g);
}

/* ---- shortlist ---- */

static int opt_count(const cli_spec *spec, const cli_args *a, const char *name, long long lo,
                     int *out) {
  const char *v = cli_get(spec, a, name);
  long long n = 0;
  *out = 0;
  if (!v) return CLI_OK;
  if (cli_parse_int(v, lo, 1000000, &n) != 0) {
    fprintf(stderr,
            "tidu %s: --%s 须为不小于 %lld 的整数 / --%s must be a whole number >= %lld: "
            "'%s'\n",
            spec->name, name, lo, name, lo, v);
    return CLI_INPUT;
  }
  *out = (int)n;
  return CLI_OK;
}

int cli_pool_shortlist(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  int32_t year;
  int fmt;
  tidu_shortlist_options o = {0};
  int rc = cli_prog_year(spec, a, &year);
  if (rc == CLI_OK) rc = cli_prog_format(spec, a, "table|json", &fmt);
  if (rc == CLI_OK && !cli_get(spec, a, "count"))
    rc = cli_usage(spec, "需要 --count / --count is required");
  if (rc == CLI_OK) rc = opt_count(spec, a, "count", 1, &o.count);
  if (rc == CLI_OK) rc = opt_count(spec, a, "per-chain", 1, &o.per_chain);
  if (rc == CLI_OK) rc = opt_count(spec, a, "per-region", 1, &o.per_region);
  tidu_programme *p = NULL;
  if (rc == CLI_OK) rc = cli_prog_open(spec, a, year, &p);
  if (rc != CLI_OK) return rc;
  o.year = year;
  o.apply = cli_get(spec, a, "apply") != NULL;
  tidu_actor act;
  char buf[96];
  cli_prog_actor(spec, a, &act, buf, sizeof buf);
  tidu_shortlist l;
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code c = tidu_pool_shortlist(p, s, &o, &act, &l, &err);
  tidu_programme_close(p);
  if (c != TIDU_OK) return cli_prog_fail(&err);
  if (fmt) {
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++) {
      json_t *it = json_object();
      json_object_set_new(it, "rank", json_integer(l.items[i].rank));
      json_object_set_new(it, "uscc", json_string(l.items[i].uscc));
      json_object_set_new(it, "name", cli_jstr(l.items[i].name));
      json_object_set_new(it, "region", cli_jstr(l.items[i].region));
      json_object_set_new(it, "chains", cli_jstr(l.items[i].chains));
      json_object_set_new(it, "score", json_real(l.items[i].score));
      json_object_set_new(it, "reasons", cli_jstr(l.items[i].reasons));
      json_array_append_new(arr, it);
    }
    json_t *o2 = json_object();
    json_object_set_new(o2, "year", json_integer(year));
    json_object_set_new(o2, "recorded", json_boolean(l.recorded));
    json_object_set_new(o2, "firms", arr);
    cli_json_print(o2);
  } else {
    for (size_t i = 0; i < l.n; i++)
      printf("%3d  %6.2f  %s  %s\n       %s\n", l.items[i].rank, l.items[i].score, l.items[i].uscc,
             l.items[i].name ? l.items[i].name : "", l.items[i].reasons);
    printf("%d 年度重点企业 %zu 家%s / %zu key firms for %d%s\n", year, l.n,
           l.recorded ? ",已记录" : "", l.n, year, l.recorded ? ", recorded" : "");
  }
  tidu_shortlist_free(&l);
  return CLI_OK;
}

int cli_pool_assign(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  if (a->npos != 1) return cli_usage(spec, "需要一个统一社会信用代码 / one USCC expected");
  const char *officer = cli_get(spec, a, "officer");
  if (!officer) return cli_usage(spec, "需要 --officer / --officer is required");
  tidu_actor act;
  char buf[96];
  cli_prog_actor(spec, a, &act, buf, sizeof buf);
  tidu_error err;
  tidu_error_clear(&err);
  if (tidu_pool_assign(s, a->pos[0], officer, &act, &err) != TIDU_OK) return cli_prog_fail(&err);
  printf("专人跟踪 / officer %s: %s\n", a->pos[0], officer);
  return CLI_OK;
}

int cli_pool_log(const cli_spec *spec, const cli_args *a, tidu_store *s) {
  tidu_error err;
  tidu_error_clear(&err);
  if (cli_get(spec, a, "list")) {
    if (a->npos != 1) return cli_usage(spec, "需要一个统一社会信用代码 / one USCC expected");
    tidu_log_list l;
    if (tidu_pool_log_list(s, a->pos[0], &l, &err) != TIDU_OK) return cli_prog_fail(&err);
    for (size_t i = 0; i < l.n; i++)
      printf("%s  %s  %s\n", l.items[i].date, l.items[i].who, l.items[i].text);
    tidu_log_list_free(&l);
    return CLI_OK;
  }
  if (a->npos != 2)
    return cli_usage(spec, "需要统一社会信用代码和记录内容 / USCC and the note expected");
  tidu_actor act;
  char buf[96];
  cli_prog_actor(spec, a, &act, buf, sizeof buf);
  if (tidu_pool_log_add(s, a->pos[0], cli_get(spec, a, "date"), a->pos[1], &act, &err) != TIDU_OK)
    return cli_prog_fail(&err);
  printf("已记录 / logged %s\n", a->pos[0]);
  return CLI_OK;
}
