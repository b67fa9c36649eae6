/* Exact parsing of amounts, ratios, counts and dates, and formatting of values for people. */
#include "tidu/num.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- normalising a cell into a small ASCII buffer ---- */

/* Stand-ins for the non-ASCII characters the grammars below care about. */
enum {
  CH_DASH = 0x02, /* — (em dash), a missing marker */
  CH_WAN = 0x10,  /* 万 */
  CH_YI = 0x11,   /* 亿 */
  CH_YUAN = 0x12, /* 元 */
  CH_CNY = 0x13,  /* ¥ ￥ */
  CH_NIAN = 0x14, /* 年 */
  CH_YUE = 0x15,  /* 月 */
  CH_RI = 0x16,   /* 日 */
  CH_YES = 0x17,  /* 是 有 √ */
  CH_NO = 0x18,   /* 否 无 × */
  CH_BAD = 0x7f   /* any other non-ASCII character */
};

#define NORM_MAX 256

static const struct {
  const char *utf8;
  char ch;
} special_chars[] = {
    {"\xe2\x80\x94", CH_DASH}, {"\xe4\xb8\x87", CH_WAN}, {"\xe4\xba\xbf", CH_YI},
    {"\xe5\x85\x83", CH_YUAN}, {"\xc2\xa5", CH_CNY},     {"\xef\xbf\xa5", CH_CNY},
    {"\xe5\xb9\xb4", CH_NIAN}, {"\xe6\x9c\x88", CH_YUE}, {"\xe6\x97\xa5", CH_RI},
    {"\xe6\x98\xaf", CH_YES},  {"\xe6\x9c\x89", CH_YES}, {"\xe2\x88\x9a", CH_YES},
    {"\xe5\x90\xa6", CH_NO},   {"\xe6\x97\xa0", CH_NO},  {"\xc3\x97", CH_NO},
    {"\xe2\x88\x92", '-'},     {"\xe3\x80\x80", ' '},    {"\xc2\xa0", ' '},
};

/* Length of the UTF-8 sequence starting with byte c (1 for stray bytes). */
static size_t utf8_len(unsigned char c) {
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

/* Maps one non-ASCII character at s (n bytes left) to its stand-in; sets *used. */
static char map_char(const unsigned char *s, size_t n, size_t *used) {
  /* full-width forms U+FF01..U+FF5E are ASCII 0x21..0x7E */
  if (n >= 3 && s[0] == 0xef && (s[1] == 0xbc || s[1] == 0xbd) && s[2] >= 0x80 && s[2] <= 0xbf) {
    unsigned cp = (0xfu << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3fu);
    if (cp >= 0xff01 && cp <= 0xff5e) {
      *used = 3;
      return (char)(cp - 0xfee0);
    }
  }
  for (size_t i = 0; i < sizeof special_chars / sizeof special_chars[0]; i++) {
    size_t k = strlen(special_chars[i].utf8);
    if (k <= n && memcmp(s, special_chars[i].utf8, k) == 0) {
      *used = k;
      return special_chars[i].ch;
    }
  }
  size_t k = utf8_len(s[0]);
  *used = k <= n ? k : n;
  return CH_BAD;
}

/* Normalises s into buf (ASCII plus stand-ins), trimmed. Returns the length, or -1 when too long.
 */
static int normalise(const char *s, size_t len, char buf[NORM_MAX]) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    size_t used = 1;
    char c = p[i] < 0x80 ? (char)p[i] : map_char(p + i, len - i, &used);
    i += used;
    if (n + 1 >= NORM_MAX) return -1;
    buf[n++] = c == '\t' || c == '\r' || c == '\n' ? ' ' : c;
  }
  size_t a = 0;
  while (a < n && buf[a] == ' ') a++;
  while (n > a && buf[n - 1] == ' ') n--;
  memmove(buf, buf + a, n - a);
  buf[n - a] = '\0';
  return (int)(n - a);
}

static int ieq(const char *a, const char *b) {
  return strcasecmp(a, b) == 0;
}

static int is_missing_marker(const char *b) {
  if (b[0] >= '0' && b[0] <= '9') return 0;
  static const char *const markers[] = {"", "-", "--", "/", "N/A", "\x02", "\x02\x02"};
  for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
    if (ieq(b, markers[i])) return 1;
  return 0;
}

/* Quotes up to 60 bytes of the original text for messages (cut at a character boundary). */
static void quote_text(const char *s, size_t len, char out[80]) {
  size_t n = len < 60 ? len : 60;
  while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
  snprintf(out, 80, "\"%.*s%s\"", (int)n, s, n < len ? "…" : "");
}

static tidu_code not_a(tidu_error *err, const char *zh, const char *en, const char *s, size_t len) {
  char q[80];
  quote_text(s, len, q);
  return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "%s: %s / %s: %s", zh, q, en, q);
}

/* ---- exact decimals ---- */

typedef unsigned __int128 u128;

/* A parsed decimal: digits × 10^exp, with sign and unit marks. */
typedef struct decimal {
  u128 digits;
  int exp;
  int neg;
  int percent; /* a '%' followed the number */
  int mult;    /* 0 none, 4 (万), 8 (亿) */
  int yuan;    /* 元 followed */
} decimal;

/* Reads digits with optional thousands separators (groups of three) at *pp. */
static int read_int_part(const char **pp, u128 *acc, int *ndig, int *sig) {
  const char *p = *pp;
  int group = 0, seen_sep = 0, n = 0;
  for (;; p++) {
    if (*p >= '0' && *p <= '9') {
      if (*sig || *p != '0') {
        if (++*sig > 36) return -1;
        *acc = *acc * 10 + (u128)(*p - '0');
      }
      group++;
      n++;
    } else if (*p == ',' && n > 0 && p[1] >= '0' && p[1] <= '9') {
      if ((seen_sep && group != 3) || (!seen_sep && group > 3)) return -1;
      seen_sep = 1;
      group = 0;
    } else {
      break;
    }
  }
  if (seen_sep && group != 3) return -1;
  *ndig = n;
  *pp = p;
  return 0;
}

/* Parses the number grammar: [sign] [¥] digits [. digits] [e[sign]digits] [%|万|亿][元].
 * Returns 0 on success, -1 when the text is not a number. */
static int parse_decimal(const char *b, decimal *d) {
  memset(d, 0, sizeof *d);
  size_t len = strlen(b);
  char tmp[NORM_MAX];
  if (len >= 2 && b[0] == '(' && b[len - 1] == ')') {
    memcpy(tmp, b + 1, len - 2);
    tmp[len - 2] = '\0';
    b = tmp;
    while (*b == ' ') b++;
    d->neg = 1;
  }
  const char *p = b;
  if (*p == '+' || *p == '-') {
    if (d->neg) return -1;
    d->neg = *p == '-';
    p++;
  }
  if (*p == CH_CNY) p++;
  int sig = 0, nint = 0, nfrac = 0;
  if (read_int_part(&p, &d->digits, &nint, &sig) < 0) return -1;
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++, nfrac++) {
      if (sig || *p != '0') {
        if (++sig > 36) return -1;
        d->digits = d->digits * 10 + (u128)(*p - '0');
      }
      d->exp--;
    }
  }
  if (nint + nfrac == 0) return -1;
  if ((*p == 'e' || *p == 'E') && p[1] != '\0') {
    int eneg = 0, e = 0, n = 0;
    p++;
    if (*p == '+' || *p == '-') eneg = *p++ == '-';
    /* any number of digits; the exponent saturates (1e308 is too large, not "not a number") */
    for (; *p >= '0' && *p <= '9'; p++, n++)
      if (e < 100000) e = e * 10 + (*p - '0');
    if (n == 0) return -1;
    d->exp += eneg ? -e : e;
  }
  while (*p == ' ') p++;
  if (*p == '%') {
    d->percent = 1;
    p++;
  } else {
    if (*p == CH_WAN || *p == CH_YI) d->mult = *p++ == CH_WAN ? 4 : 8;
    if (*p == CH_YUAN) {
      d->yuan = 1;
      p++;
    }
  }
  while (*p == ' ') p++;
  return *p == '\0' ? 0 : -1;
}

/* The common shape of a figure, [-]digits[.digits] and nothing else (at most 30 bytes), read
 * as parse_decimal reads it, without normalising first. 0 when the text has another shape. */
static int plain_decimal(const char *s, size_t len, decimal *d) {
  if (len == 0 || len > 30) return 0;
  memset(d, 0, sizeof *d);
  size_t i = 0;
  if (s[0] == '-') {
    d->neg = 1;
    i = 1;
  }
  int ndig = 0, dot = 0;
  for (; i < len; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      d->digits = d->digits * 10 + (u128)(c - '0');
      d->exp -= dot;
      ndig++;
    } else if (c == '.' && !dot) {
      dot = 1;
    } else {
      return 0;
    }
  }
  return ndig > 0;
}

static u128 pow10u(int n) {
  u128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

/* Scales digits × 10^exp × mul to an integer, rounding half away from zero (or requiring a whole
 * number when `whole`). Returns 0, -1 when too large, -2 when not whole. */
static int scale_exact(u128 digits, int exp, int64_t mul, int whole, int64_t *out) {
  const u128 limit = (u128)INT64_MAX;
  while (mul > 1 && mul % 10 == 0) {
    mul /= 10;
    exp++;
  }
  if (mul < 1) return -1;
  if (digits != 0 && digits > ((u128)1 << 126) / (u128)mul) return -1;
  digits *= (u128)mul;
  if (digits == 0) {
    *out = 0;
    return 0;
  }
  if (exp >= 0) {
    for (int i = 0; i < exp; i++) {
      if (digits > limit / 10) return -1;
      digits *= 10;
    }
  } else if (exp < -38) {
    if (whole) return -2;
    digits = 0;
  } else {
    u128 p = pow10u(-exp);
    u128 q = digits / p, r = digits % p;
    if (whole && r != 0) return -2;
    if (r >= p - r) q++;
    digits = q;
  }
  if (digits > limit) return -1;
  *out = (int64_t)digits;
  return 0;
}

/* ---- value parsing ---- */

static tidu_code parse_bool(const char *b, const char *s, size_t len, int64_t *out,
                            tidu_error *err) {
  static const char *const yes[] = {"true", "yes", "y", "t", "1", "\x17"};
  static const char *const no[] = {"false", "no", "n", "f", "0", "\x18"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (ieq(b, yes[i])) {
      *out = 1;
      return TIDU_OK;
    }
    if (ieq(b, no[i])) {
      *out = 0;
      return TIDU_OK;
    }
  }
  return not_a(err, "不是是/否值", "not a yes/no value", s, len);
}

/* Checks that the unit marks of d fit the type; returns NULL or a bilingual reason. */
static const char *unit_misfit(tidu_type type, const decimal *d) {
  if (d->percent && type != TIDU_T_RATIO)
    return "此处不能用百分比 / a percentage is not allowed here";
  if (d->yuan && type != TIDU_T_MONEY)
    return "此处不能用金额单位 / a money unit is not allowed here";
  if (d->mult && type != TIDU_T_MONEY && type != TIDU_T_COUNT)
    return "此处不能用万/亿 / 万 or 亿 is not allowed here";
  return NULL;
}

/* The common case of tidu_parse_value, without normalising: s[0..len) is exactly [sign]
 * digits [. digits] in ASCII (at most 18 digits in all) of a measured type, with no percent to
 * apply. Returns 1 when it decided (*rc and *out as tidu_parse_value sets them), 0 when the
 * general path must. */
static int parse_plain_bool(const char *s, size_t len, int64_t *out, tidu_code *rc,
                            tidu_error *err);

static int parse_plain(tidu_type type, const char *s, size_t len, int64_t unit_scale, int percent,
                       int64_t *out, tidu_code *rc, tidu_error *err) {
  if (type == TIDU_T_BOOL) return parse_plain_bool(s, len, out, rc, err);
  if (type == TIDU_T_DATE || (type == TIDU_T_RATIO && percent)) return 0;
  size_t i = 0;
  int neg = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  uint64_t digits = 0;
  int n = 0, exp = 0, dot = 0;
  for (; i < len; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (++n > 18) return 0;
      digits = digits * 10 + (uint64_t)(c - '0');
      exp -= dot;
    } else if (c == '.' && !dot) {
      dot = 1;
    } else {
      return 0;
    }
  }
  if (n == 0) return 0;
  int64_t mul = tidu_type_scale(type);
  if (unit_scale > 1) mul = unit_scale <= INT64_MAX / mul ? mul * unit_scale : -1;
  int64_t v = 0;
  int r = mul < 1 ? -1 : scale_exact(digits, exp, mul, type == TIDU_T_COUNT, &v);
  if (r == -2)
    *rc = not_a(err, "不是整数", "not a whole number", s, len);
  else if (r < 0)
    *rc = not_a(err, "数值过大", "number too large", s, len);
  else {
    *out = neg ? -v : v;
    *rc = TIDU_OK;
  }
  return 1;
}

/* The same for yes/no values written in ASCII letters and digits ("true", "No", "1"): no
 * missing marker is spelt so, and parse_bool compares them as they are. */
static int parse_plain_bool(const char *s, size_t len, int64_t *out, tidu_code *rc,
                            tidu_error *err) {
  char b[8];
  if (len == 0 || len >= sizeof b) return 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
    b[i] = c;
  }
  b[len] = '\0';
  *rc = parse_bool(b, s, len, out, err);
  return 1;
}

tidu_code tidu_parse_value(tidu_type type, const char *s, size_t len, int64_t unit_scale,
                           int percent, int64_t *out, tidu_error *err) {
  char b[NORM_MAX];
  *out = TIDU_MISSING;
  if (!s) s = "";
  tidu_code plain;
  if (type != TIDU_T_TEXT && type != TIDU_T_ENUM && type != TIDU_T_TAGS &&
      parse_plain(type, s, len, unit_scale, percent, out, &plain, err))
    return plain;
  if (type == TIDU_T_TEXT || type == TIDU_T_ENUM || type == TIDU_T_TAGS)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "该类型不是数值 / this type is not a number");
  decimal d;
  if (type == TIDU_T_DATE || type == TIDU_T_BOOL || !plain_decimal(s, len, &d)) {
    if (normalise(s, len, b) < 0) return not_a(err, "不是数字", "not a number", s, len);
    if (is_missing_marker(b)) return TIDU_OK;
    if (type == TIDU_T_DATE) return tidu_parse_date(s, len, 0, out, err);
    if (type == TIDU_T_BOOL) return parse_bool(b, s, len, out, err);
    if (parse_decimal(b, &d) < 0) return not_a(err, "不是数字", "not a number", s, len);
  }
  const char *misfit = unit_misfit(type, &d);
  if (misfit) {
    char q[80];
    quote_text(s, len, q);
    return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "%s: %s", q, misfit);
  }
  int64_t mul = tidu_type_scale(type);
  int exp = d.exp;
  if (d.mult)
    exp += d.mult;
  else if (!d.yuan && unit_scale > 1)
    mul = unit_scale <= INT64_MAX / mul ? mul * unit_scale : -1;
  if (type == TIDU_T_RATIO && (d.percent || percent)) exp -= 2;
  int64_t v = 0;
  int rc = mul < 1 ? -1 : scale_exact(d.digits, exp, mul, type == TIDU_T_COUNT, &v);
  if (rc == -2) return not_a(err, "不是整数", "not a whole number", s, len);
  if (rc < 0) return not_a(err, "数值过大", "number too large", s, len);
  *out = d.neg ? -v : v;
  return TIDU_OK;
}

/* ---- dates ---- */

int64_t tidu_days_from_civil(int y, int m, int d) {
  int64_t yy = (int64_t)y - (m <= 2);
  int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int64_t yoe = yy - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void tidu_civil_from_days(int64_t days, int *y, int *m, int *d) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t dd = doy - (153 * mp + 2) / 5 + 1;
  int64_t mm = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yoe + era * 400 + (mm <= 2));
  *m = (int)mm;
  *d = (int)dd;
}

static int days_in_month(int y, int m) {
  static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : n[m - 1];
}

/* Reads 1..maxn digits at *pp into *v; returns the count read. */
static int read_digits(const char **pp, int maxn, int *v) {
  int n = 0;
  *v = 0;
  while (n < maxn && **pp >= '0' && **pp <= '9') {
    *v = *v * 10 + (**pp - '0');
    (*pp)++;
    n++;
  }
  return n;
}

/* Accepts an optional time of day after a date (" 0:00", "T12:30:00") and nothing else. */
static int rest_is_time(const char *p) {
  if (*p == CH_RI) p++;
  if (*p == '\0') return 1;
  if (*p != ' ' && *p != 'T') return 0;
  for (p++; *p; p++)
    if (!((*p >= '0' && *p <= '9') || *p == ':' || *p == '.')) return 0;
  return 1;
}

/* Y-M-D with '-', '/' or '.', or Y年M月D日, or YYYYMMDD. Returns 0 and y/m/d, or -1. */
static int split_ymd(const char *b, int *y, int *m, int *d) {
  const char *p = b;
  if (read_digits(&p, 8, y) == 8 && rest_is_time(p)) {
    *d = *y % 100;
    *m = *y / 100 % 100;
    *y /= 10000;
    return 0;
  }
  p = b;
  if (read_digits(&p, 4, y) != 4) return -1;
  char sep = *p;
  if (sep != '-' && sep != '/' && sep != '.' && sep != CH_NIAN) return -1;
  p++;
  if (read_digits(&p, 2, m) == 0) return -1;
  if (*p != (sep == CH_NIAN ? CH_YUE : sep)) return -1;
  p++;
  if (read_digits(&p, 2, d) == 0) return -1;
  if (sep == CH_NIAN && *p != CH_RI) return -1;
  return rest_is_time(p) ? 0 : -1;
}

/* Excel serial day numbers (1900 date system, with its phantom 1900-02-29). */
static int from_serial(const char *b, int64_t *days) {
  const char *p = b;
  int v = 0;
  int n = read_digits(&p, 7, &v);
  if (n == 0) return -1;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++) {
    }
  if (*p != '\0' || v < 1 || v == 60 || v > 2958465) return -1;
  *days = (int64_t)v - (v < 60 ? 25568 : 25569);
  return 0;
}

tidu_code tidu_parse_date(const char *s, size_t len, int allow_serial, int64_t *days,
                          tidu_error *err) {
  char b[NORM_MAX];
  *days = TIDU_MISSING;
  if (!s) s = "";
  if (normalise(s, len, b) < 0) return not_a(err, "不是日期", "not a date", s, len);
  if (is_missing_marker(b)) return TIDU_OK;
  int y, m, d;
  if (split_ymd(b, &y, &m, &d) < 0) {
    if (allow_serial && from_serial(b, days) == 0) return TIDU_OK;
    return not_a(err, "不是日期", "not a date", s, len);
  }
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
    return not_a(err, "日期不存在", "no such date", s, len);
  *days = tidu_days_from_civil(y, m, d);
  return TIDU_OK;
}

void tidu_format_date(int64_t days, char buf[11]) {
  int y, m, d;
  tidu_civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    snprintf(buf, 11, "%s", "0000-00-00");
    return;
  }
  snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

/* ---- formatting ---- */

/* Writes `whole` with thousands separators (no sign). */
static void group_digits(uint64_t whole, char *out, size_t size) {
  char raw[32];
  int n = snprintf(raw, sizeof raw, "%llu", (unsigned long long)whole);
  char tmp[48];
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) tmp[k++] = ',';
    tmp[k++] = raw[i];
  }
  tmp[k] = '\0';
  snprintf(out, size, "%s", tmp);
}

/* Divides a magnitude by 10^shift, rounding half away from zero. */
static uint64_t div_round(uint64_t v, int shift) {
  uint64_t p = 1;
  for (int i = 0; i < shift; i++) p *= 10;
  uint64_t q = v / p, r = v % p;
  return r >= p - r ? q + 1 : q;
}

static size_t put(char *buf, size_t size, const char *s) {
  if (!buf || size == 0) return 0;
  int n = snprintf(buf, size, "%s", s);
  if (n < 0) return 0;
  return (size_t)n < size ? (size_t)n : size - 1;
}

/* Money in 分 as "2.10亿元" / "850.00万元" / "3,200.00元" or "CNY 210.00 mn" / "CNY 3,200.00". */
static size_t format_money(int64_t v, int en, char *buf, size_t size) {
  uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
  const char *sign = v < 0 ? "-" : "";
  char num[48], out[96];
  if (en) {
    if (mag >= 100000000ULL) { /* ≥ 1,000,000 元: millions with two decimals */
      uint64_t h = div_round(mag, 6);
      group_digits(h / 100, num, sizeof num);
      snprintf(out, sizeof out, "CNY %s%s.%02u mn", sign, num, (unsigned)(h % 100));
    } else {
      group_digits(mag / 100, num, sizeof num);
      snprintf(out, sizeof out, "CNY %s%s.%02u", sign, num, (unsigned)(mag % 100));
    }
    return put(buf, size, out);
  }
  uint64_t wan = mag >= 1000000ULL ? div_round(mag, 4) : 0; /* hundredths of 万元 */
  if (mag >= 10000000000ULL || wan >= 1000000ULL) {
    uint64_t h = div_round(mag, 8);
    group_digits(h / 100, num, sizeof num);
    snprintf(out, sizeof out, "%s%s.%02u亿元", sign, num, (unsigned)(h % 100));
  } else if (mag >= 1000000ULL) {
    snprintf(out, sizeof out, "%s%llu.%02u万元", sign, (unsigned long long)(wan / 100),
             (unsigned)(wan % 100));
  } else {
    group_digits(mag / 100, num, sizeof num);
    snprintf(out, sizeof out, "%s%s.%02u元", sign, num, (unsigned)(mag % 100));
  }
  return put(buf, size, out);
}

/* A ratio ×10^8 as a percentage with 2 to 4 decimals. */
static size_t format_ratio(int64_t v, char *buf, size_t size) {
  uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
  uint64_t t = div_round(mag, 2); /* ten-thousandths of a percent */
  char frac[8], out[48];
  snprintf(frac, sizeof frac, "%04u", (unsigned)(t % 10000));
  if (frac[3] == '0') frac[3] = '\0';
  if (frac[3] == '\0' && frac[2] == '0') frac[2] = '\0';
  snprintf(out, sizeof out, "%s%llu.%s%%", v < 0 && t ? "-" : "", (unsigned long long)(t / 10000),
           frac);
  return put(buf, size, out);
}

/* A value held ×100 (years, scores), trailing zeros trimmed: "3.5", "12". */
static size_t format_hundredths(int64_t v, char *buf, size_t size) {
  uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
  char out[48];
  unsigned f = (unsigned)(mag % 100);
  if (f == 0)
    snprintf(out, sizeof out, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(mag / 100));
  else if (f % 10 == 0)
    snprintf(out, sizeof out, "%s%llu.%u", v < 0 ? "-" : "", (unsigned long long)(mag / 100),
             f / 10);
  else
    snprintf(out, sizeof out, "%s%llu.%02u", v < 0 ? "-" : "", (unsigned long long)(mag / 100), f);
  return put(buf, size, out);
}

size_t tidu_format_value(tidu_type type, int64_t v, const char *lang, char *buf, size_t size) {
  int en = lang && strcmp(lang, "en") == 0;
  char out[48];
  if (v == TIDU_MISSING && type != TIDU_T_BOOL && type != TIDU_T_ENUM && type != TIDU_T_TAGS)
    return put(buf, size, "\xe2\x80\x94");
  switch (type) {
  case TIDU_T_MONEY:
    return format_money(v, en, buf, size);
  case TIDU_T_RATIO:
    return format_ratio(v, buf, size);
  case TIDU_T_YEARS:
  case TIDU_T_SCORE:
    return format_hundredths(v, buf, size);
  case TIDU_T_DATE:
    tidu_format_date(v, out);
    return put(buf, size, out);
  case TIDU_T_BOOL:
    return put(buf, size, v ? (en ? "yes" : "是") : (en ? "no" : "否"));
  default:
    snprintf(out, sizeof out, "%lld", (long long)v);
    return put(buf, size, out);
  }
}

size_t tidu_format_yuan(double yuan, const char *lang, char *buf, size_t size) {
  double fen = yuan * 100.0;
  if (!isfinite(fen) || fabs(fen) >= 9.2e18) return put(buf, size, "\xe2\x80\x94");
  return tidu_format_value(TIDU_T_MONEY, (int64_t)llround(fen), lang, buf, size);
}
