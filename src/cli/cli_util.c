/* Shared helpers of the tidu command: option parsing, help, colour, widths, progress, errors. */
#include "cli.h"
#include "tidu/codes.h"
#include "tidu/store.h"
#include "tidu/values.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "tidu/num.h"
#include "tidu/toolkit.h"
#include "tidu/toolkit.h"

/* ---- options ---- */

static int nopts(const cli_spec *spec) {
  int n = 0;
  while (spec->opts && spec->opts[n].name) n++;
  return n;
}

static int find_long(const cli_spec *spec, const char *name, size_t len) {
  for (int i = 0; i < nopts(spec); i++)
    if (strlen(spec->opts[i].name) == len && !strncmp(spec->opts[i].name, name, len)) return i;
  return -1;
}

static int find_short(const cli_spec *spec, char c) {
  for (int i = 0; i < nopts(spec); i++)
    if (spec->opts[i].short_name == c) return i;
  return -1;
}

/* Reports an unknown option, naming the closest one the command has ("--asof" -> "--as-of"). */
static int unknown_option(const cli_spec *spec, const char *a) {
  char name[64];
  const char *eq = strchr(a, '=');
  size_t len = eq ? (size_t)(eq - a) : strlen(a);
  snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), a);
  const char *typed = name + (name[1] == '-' ? 2 : 1);
  const cli_option *best = NULL;
  size_t bd = 3; /* at most two edits away */
  for (int i = 0; i < nopts(spec); i++) {
    size_t d = tidu_edit_distance(typed, spec->opts[i].name);
    if (d < bd && d < strlen(typed)) {
      bd = d;
      best = &spec->opts[i];
    }
  }
  for (int i = 0; i < nopts(spec) && !best && strlen(typed) >= 3; i++) /* "--exp", "--explained" */
    if (strstr(spec->opts[i].name, typed) == spec->opts[i].name ||
        strstr(typed, spec->opts[i].name) == typed)
      best = &spec->opts[i];
  if (best)
    return cli_usage(spec, "未知选项 '%s',是否为 --%s? / unknown option '%s'; did you mean --%s?",
                     name, best->name, name, best->name);
  return cli_usage(spec, "未知选项 / unknown option '%s'", name);
}

/* Handles the option at argv[*i]; returns CLI_OK, -1 (help shown) or CLI_USAGE. */
static int take_option(const cli_spec *spec, int argc, char **argv, int *i, cli_args *out) {
  const char *a = argv[*i];
  if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
    cli_print_help(stdout, spec);
    return -1;
  }
  int k;
  const char *inline_val = NULL;
  if (a[1] == '-') {
    const char *eq = strchr(a + 2, '=');
    size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
    k = find_long(spec, a + 2, len);
    if (eq) inline_val = eq + 1;
  } else {
    k = a[2] ? -1 : find_short(spec, a[1]);
  }
  if (k < 0) return unknown_option(spec, a);
  const cli_option *o = &spec->opts[k];
  if (!o->arg) {
    if (inline_val)
      return cli_usage(spec, "选项 --%s 不带值 / option --%s takes no value", o->name, o->name);
    out->val[k] = "";
    return CLI_OK;
  }
  if (!inline_val) {
    if (*i + 1 >= argc)
      return cli_usage(spec, "选项 --%s 需要 %s / option --%s needs %s", o->name, o->arg, o->name,
                       o->arg);
    inline_val = argv[++*i];
  }
  out->val[k] = inline_val;
  return CLI_OK;
}

int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out) {
  memset(out, 0, sizeof *out);
  out->pos = tidu_calloc((size_t)(argc > 0 ? argc : 1), sizeof *out->pos);
  if (!out->pos) {
    fputs("tidu: 内存不足 / out of memory\n", stderr);
    return CLI_INPUT;
  }
  int only_pos = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!only_pos && !strcmp(a, "--")) {
      only_pos = 1;
    } else if (!only_pos && a[0] == '-' && a[1]) {
      int rc = take_option(spec, argc, argv, &i, out);
      if (rc != CLI_OK) {
        cli_args_free(out);
        return rc;
      }
    } else {
      out->pos[out->npos++] = argv[i];
    }
  }
  const char *lang = find_long(spec, "lang", 4) >= 0 ? cli_get(spec, out, "lang") : NULL;
  if (lang) cli_set_message_lang(lang); /* --lang also picks the language of messages */
  return CLI_OK;
}

void cli_args_free(cli_args *a) {
  free(a->pos);
  a->pos = NULL;
  a->npos = 0;
}

const char *cli_get(const cli_spec *spec, const cli_args *a, const char *name) {
  int k = find_long(spec, name, strlen(name));
  return k < 0 ? NULL : a->val[k];
}

/* ---- help ---- */

static void option_label(const cli_option *o, char *buf, size_t size) {
  char shortp[8] = "";
  if (o->short_name) snprintf(shortp, sizeof shortp, "-%c, ", o->short_name);
  snprintf(buf, size, "%s--%s%s%s", shortp, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void cli_print_help(FILE *out, const cli_spec *spec) {
  fprintf(out, "用法 / Usage: tidu %s %s\n", spec->name, spec->usage ? spec->usage : "");
  fprintf(out, "%s\n%s\n", spec->zh, spec->en);
  int n = nopts(spec);
  int w = 10;
  char label[96];
  for (int i = 0; i < n; i++) {
    option_label(&spec->opts[i], label, sizeof label);
    int lw = cli_display_width(label);
    if (lw > w) w = lw;
  }
  fputs("\n选项 / Options:\n", out);
  for (int i = 0; i < n; i++) {
    option_label(&spec->opts[i], label, sizeof label);
    fputs("  ", out);
    cli_pad(out, label, w + 2);
    fprintf(out, "%s / %s\n", spec->opts[i].zh, spec->opts[i].en);
  }
  fputs("  ", out);
  cli_pad(out, "-h, --help", w + 2);
  fputs("显示本帮助 / show this help\n", out);
  if (spec->more && *spec->more) {
    size_t len = strlen(spec->more);
    fprintf(out, "\n%s%s", spec->more, spec->more[len - 1] == '\n' ? "" : "\n");
  }
}

int cli_usage(const cli_spec *spec, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "tidu %s: ", spec ? spec->name : "");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(tidu %s --help 查看用法 / for usage)\n", spec ? spec->name : "");
  return CLI_USAGE;
}

const cli_spec *cli_find_sub(const char *cmd, const cli_spec *specs, void (*usage)(FILE *out),
                             int argc, char **argv, int *status) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    *status = argc < 2 ? CLI_USAGE : CLI_OK;
    return NULL;
  }
  size_t n = strlen(cmd);
  for (const cli_spec *sp = specs; sp->name; sp++)
    if (!strncmp(sp->name, cmd, n) && sp->name[n] == ' ' && !strcmp(sp->name + n + 1, argv[1]))
      return sp;
  fprintf(stderr, "tidu %s: 未知子命令 / unknown subcommand '%s'\n", cmd, argv[1]);
  usage(stderr);
  *status = CLI_USAGE;
  return NULL;
}

int cli_run_store_sub(const char *cmd, const cli_spec *specs, void (*usage)(FILE *out), int argc,
                      char **argv) {
  int rc;
  const cli_spec *spec = cli_find_sub(cmd, specs, usage, argc, argv, &rc);
  if (!spec) return rc;
  cli_args a;
  rc = cli_parse(spec, argc - 1, argv + 1, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  struct tidu_store *s = NULL;
  rc = cli_set_wait(spec, cli_get(spec, &a, "wait"));
  if (rc == CLI_OK)
    rc = (spec->flags & CLI_READS) ? cli_open_store_read(cli_get(spec, &a, "db"), &s)
                                   : cli_open_store(cli_get(spec, &a, "db"), &s);
  if (rc == CLI_OK) rc = spec->run(spec, &a, s);
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}

int cli_opt_as_of(const cli_spec *spec, const cli_args *a, int64_t *days) {
  const char *s = cli_get(spec, a, "as-of");
  *days = cli_today();
  if (s && cli_parse_date(s, days))
    return cli_usage(spec, "日期无效 / bad date '%s' (YYYY-MM-DD)", s);
  return CLI_OK;
}

/* ---- colour ---- */

static int color_mode = -1;

void cli_set_color(int mode) {
  color_mode = mode;
}

int cli_color(FILE *f) {
  if (color_mode >= 0) return color_mode;
  const char *term = getenv("TERM");
  if (getenv("NO_COLOR") || (term && !strcmp(term, "dumb"))) return 0;
  return isatty(fileno(f));
}

static const char *esc(const char *seq) {
  return cli_color(stdout) ? seq : "";
}

const char *cli_green(void) {
  return esc("\033[32m");
}
const char *cli_red(void) {
  return esc("\033[31m");
}
const char *cli_yellow(void) {
  return esc("\033[33m");
}
const char *cli_bold(void) {
  return esc("\033[1m");
}
const char *cli_dim(void) {
  return esc("\033[2m");
}
const char *cli_reset(void) {
  return esc("\033[0m");
}

int cli_term_width(void) {
  const char *cols = getenv("COLUMNS");
  if (cols && atoi(cols) > 20) return atoi(cols);
  struct winsize ws;
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
    return ws.ws_col;
  return 100;
}

/* ---- display width of UTF-8 text ---- */

/* Decodes one UTF-8 sequence at s; sets *len (1 for an invalid byte). */
static uint32_t decode(const unsigned char *s, int *len) {
  if (s[0] < 0x80) {
    *len = 1;
    return s[0];
  }
  int n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
  uint32_t c = n == 4 ? s[0] & 0x07u : n == 3 ? s[0] & 0x0Fu : s[0] & 0x1Fu;
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *len = 1;
      return 0xFFFD;
    }
    c = (c << 6) | (s[i] & 0x3Fu);
  }
  *len = n;
  return n == 1 ? 0xFFFD : c;
}

static int char_width(uint32_t c) {
  if (c == 0) return 0;
  if ((c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200F) || c == 0xFE0F) return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
      (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

int cli_display_width(const char *s) {
  int w = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int len;
    uint32_t c = decode(p, &len);
    if (c == 0x1B) { /* skip an ANSI colour sequence */
      while (*p && *p != 'm') p++;
      if (*p) p++;
      continue;
    }
    w += char_width(c);
    p += len;
  }
  return w;
}

void cli_truncate(const char *s, int width, char *buf, size_t size) {
  if (size == 0) return;
  if (cli_display_width(s) <= width) {
    snprintf(buf, size, "%s", s);
    return;
  }
  const unsigned char *p = (const unsigned char *)s;
  size_t out = 0;
  int w = 0;
  while (*p) {
    int len;
    int cw = char_width(decode(p, &len));
    if (w + cw > width - 1 || out + (size_t)len + 4 > size) break;
    memcpy(buf + out, p, (size_t)len);
    out += (size_t)len;
    w += cw;
    p += len;
  }
  memcpy(buf + out, "…", 3);
  buf[out + 3] = 0;
}

void cli_pad(FILE *out, const char *s, int width) {
  fputs(s, out);
  for (int w = cli_display_width(s); w < width; w++) fputc(' ', out);
}

/* ---- progress ---- */

/* Draws the bar, or only the count when the total is unknown (0). */
static void progress_draw(const cli_progress *p, uint64_t done) {
  if (!p->total) {
    fprintf(stderr, "\r%s %llu", p->label, (unsigned long long)done);
    return;
  }
  int bar = 30;
  int filled = (int)((double)done / (double)p->total * bar);
  if (filled > bar) filled = bar;
  fprintf(stderr, "\r%s [", p->label);
  for (int i = 0; i < bar; i++) fputc(i < filled ? '#' : '.', stderr);
  fprintf(stderr, "] %llu/%llu", (unsigned long long)done, (unsigned long long)p->total);
}

void cli_progress_start(cli_progress *p, const char *label, uint64_t total) {
  p->label = label;
  p->total = total;
  p->shown = 0;
  p->active = isatty(STDERR_FILENO);
}

void cli_progress_update(cli_progress *p, uint64_t done) {
  if (!p->active) return;
  /* redraw about 200 times over a known total, else every 10000 items */
  uint64_t step = p->total ? (p->total / 200 ? p->total / 200 : 1) : 10000;
  if (done - p->shown < step && done != p->total) return;
  p->shown = done;
  progress_draw(p, done);
}

void cli_progress_end(cli_progress *p) {
  if (!p->active) return;
  if (p->shown) {
    progress_draw(p, p->total ? p->total : p->shown);
    fputc('\n', stderr);
  }
  p->active = 0;
}

/* ---- errors and values ---- */

/* The language of messages: NULL (both, "中文 / English", the default), "zh" or "en". */
static const char *message_lang;

void cli_set_message_lang(const char *lang) {
  message_lang = lang && !strcmp(lang, "en") ? "en" : lang && !strcmp(lang, "zh") ? "zh" : NULL;
}

void cli_print_error(const tidu_error *err) {
  char where[512];
  tidu_error pos = *err;
  pos.message[0] = 0;
  tidu_error_format(&pos, where, sizeof where); /* "FILE:LINE:COL: " or "" */
  const char *warn = !err->warning            ? ""
                     : !message_lang          ? "警告/warning: "
                     : message_lang[0] == 'e' ? "warning: "
                                              : "警告: ";
  fprintf(stderr, "%s%s%s\n", where, warn, tidu_error_text(err, message_lang));
}

int cli_exit_code(tidu_code code) {
  if (code == TIDU_OK) return CLI_OK;
  return code == TIDU_ERR_USAGE ? CLI_USAGE : CLI_INPUT;
}

int cli_parse_date(const char *s, int64_t *days) {
  int y, m, d;
  char tail;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return -1;
  if (s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1 || y < 1900 || y > 2999) return -1;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] || (m == 2 && d == 29 && !leap)) return -1;
  *days = tidu_days_from_civil(y, m, d);
  return 0;
}

int64_t cli_today(void) {
  return (int64_t)(time(NULL) / 86400);
}

int cli_parse_int(const char *s, long long lo, long long hi, long long *out) {
  char *end;
  if (!*s) return -1;
  long long v = strtoll(s, &end, 10);
  if (*end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

void cli_short_yuan(double yuan, const char *lang, char *buf, size_t size) {
  tidu_short_yuan(yuan, lang, buf, size);
}

void cli_suggest_field(FILE *out, const char *name) {
  const tidu_field_info *fi = tidu_field_suggest(name);
  if (fi) fprintf(out, " (是否为 / did you mean '%s' %s?)", fi->name, fi->zh);
}

void cli_local_time(const char *utc, char *buf, size_t size) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *end = utc ? strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
  if (!end || *end) {
    snprintf(buf, size, "%s", utc ? utc : "?");
    return;
  }
  time_t t = timegm(&tm);
  struct tm local;
  localtime_r(&t, &local);
  strftime(buf, size, "%Y-%m-%d %H:%M:%S %z", &local);
}

/* ---- registry filters ---- */

int cli_check_filter(const cli_spec *spec, tidu_store_filter *flt) {
  char hint[1024];
  const char *r = flt->region_prefix;
  if (r && *r) {
    int digits = 1;
    for (const char *p = r; *p; p++) digits &= *p >= '0' && *p <= '9';
    if (!digits) {
      if (tidu_region_suggest(r, hint, sizeof hint))
        return cli_usage(spec,
                         "--region 应为行政区划代码前缀,'%s' 不是;是否为: %s / --region takes a "
                         "code prefix, not '%s'; did you mean: %s",
                         r, hint, r, hint);
      return cli_usage(spec,
                       "--region 应为行政区划代码前缀(如 3205) / --region takes a code prefix "
                       "(e.g. 3205), not '%s'",
                       r);
    }
    if (!tidu_region_prefix_known(r))
      fprintf(
          stderr,
          "tidu %s: 警告/warning: 没有以 %s 开头的已知行政区划代码 / no known region code starts "
          "with %s\n",
          spec->name, r, r);
  }
  const char *ind = flt->industry_prefix;
  if (ind && *ind) {
    int ok = ind[0] >= 'A' && ind[0] <= 'T';
    for (const char *p = ind + 1; ok && *p; p++) ok = *p >= '0' && *p <= '9';
    if (!ok) {
      if (tidu_industry_suggest(ind, hint, sizeof hint))
        return cli_usage(spec,
                         "--industry 应为行业代码前缀,'%s' 不是;是否为: %s / --industry takes a "
                         "GB/T 4754 code prefix, not '%s'; did you mean: %s",
                         ind, hint, ind, hint);
      return cli_usage(spec,
                       "--industry 应为行业代码前缀(如 C39) / --industry takes a code prefix "
                       "(e.g. C39), not '%s'",
                       ind);
    }
  }
  if (flt->title && *flt->title) {
    int k = tidu_enum_parse(TIDU_E_titles, flt->title, strlen(flt->title));
    if (k < 0) {
      char zh[400];
      tidu_enum_choices(TIDU_E_titles, 0, zh, sizeof zh);
      return cli_usage(spec, "未知资质 '%s'(可选:%s) / unknown title '%s'", flt->title, zh,
                       flt->title);
    }
    flt->title = tidu_enum_name(TIDU_E_titles, k);
  }
  return CLI_OK;
}
