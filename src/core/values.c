/* One validation path for every write: enumeration values as people write them, range checks,
 * and parsing a typed value (firm edit, the server) into its stored form. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/num.h"
#include "tidu/toolkit.h"
#include "tidu/values.h"

/* ---- enumeration values as people write them ---- */

/* Other spellings of enumeration values, as officials and firms write them on forms.
 * Compared after normalising quotes (“” 「」 "" are dropped) and spaces. */
static const struct {
  tidu_enum_id e;
  const char *name;
  const char *spelling;
} synonyms[] = {
    {TIDU_E_titles, "high_tech", "高企"},
    {TIDU_E_titles, "high_tech", "高新技术企业认定"},
    {TIDU_E_titles, "high_tech", "国家高新技术企业"},
    {TIDU_E_titles, "tech_sme", "科小"},
    {TIDU_E_titles, "tech_sme", "科技型中小企业入库"},
    {TIDU_E_titles, "innovative_sme", "创新型"},
    {TIDU_E_titles, "innovative_sme", "创新型中小"},
    {TIDU_E_titles, "srdi_sme", "专精特新"},
    {TIDU_E_titles, "srdi_sme", "专精特新企业"},
    {TIDU_E_titles, "srdi_sme", "省级专精特新中小企业"},
    {TIDU_E_titles, "srdi_sme", "专精特新中小"},
    {TIDU_E_titles, "little_giant", "小巨人"},
    {TIDU_E_titles, "little_giant", "小巨人企业"},
    {TIDU_E_titles, "little_giant", "专精特新小巨人"},
    {TIDU_E_titles, "little_giant", "专精特新小巨人企业"},
    {TIDU_E_titles, "little_giant", "国家级专精特新小巨人企业"},
    {TIDU_E_titles, "single_champion", "单项冠军"},
    {TIDU_E_titles, "single_champion", "单项冠军企业"},
    {TIDU_E_titles, "single_champion", "制造业单项冠军企业"},
    {TIDU_E_titles, "single_champion", "制造业单项冠军示范企业"},
    {TIDU_E_titles, "single_champion", "单项冠军产品"},
    {TIDU_E_red_flags, "dishonest", "失信"},
    {TIDU_E_red_flags, "dishonest", "严重失信主体"},
    {TIDU_E_red_flags, "dishonest", "失信被执行人"},
    {TIDU_E_red_flags, "abnormal_operation", "经营异常名录"},
    {TIDU_E_red_flags, "major_incident", "重大事故"},
    {TIDU_E_red_flags, "prohibited_product", "淘汰类产品"},
    {TIDU_E_red_flags, "prohibited_product", "禁止类产品"},
    {TIDU_E_listing_status, "none", "未上市"},
    {TIDU_E_listing_status, "neeq_basic", "基础层"},
    {TIDU_E_listing_status, "neeq_innovative", "创新层"},
    {TIDU_E_rd_institution, "national", "国家级研发机构"},
    {TIDU_E_rd_institution, "provincial", "省级研发机构"},
    {TIDU_E_rd_institution, "municipal", "市级研发机构"},
};

/* Copies s[0..len) into out without quotes and spaces, ASCII lower-cased; 0 when too long. */
static int normalise(const char *s, size_t len, char *out, size_t size) {
  static const char *const drop[] = {"\xe2\x80\x9c", "\xe2\x80\x9d", "\xe3\x80\x8c",
                                     "\xe3\x80\x8d", "\xe3\x80\x80", "\xef\xbc\x82"};
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    int skip = 0;
    for (size_t k = 0; k < sizeof drop / sizeof drop[0] && !skip; k++)
      if (i + 3 <= len && memcmp(s + i, drop[k], 3) == 0) skip = 3;
    if (!skip && (s[i] == '"' || s[i] == '\'' || s[i] == ' ' || s[i] == '\t')) skip = 1;
    if (skip) {
      i += (size_t)skip;
      continue;
    }
    if (o + 1 >= size) return 0;
    char c = s[i++];
    out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  out[o] = '\0';
  return 1;
}

/* The normalised forms of every enumeration value's name and Chinese label and of every
 * synonym, made once: a cell is normalised once and compared with them. A form that cannot be
 * normalised (too long) matches nothing, as in the comparison it stands for. */
#define FORMS_MAX 64
#define NSYN      (sizeof synonyms / sizeof synonyms[0])
static struct {
  int count[TIDU_NENUMS]; /* -1: more values than FORMS_MAX, compared the slow way */
  char form[TIDU_NENUMS][FORMS_MAX][2][256];
  unsigned char ok[TIDU_NENUMS][FORMS_MAX][2];
  char syn[NSYN][256];
  unsigned char syn_ok[NSYN];
} forms;
static pthread_once_t forms_once = PTHREAD_ONCE_INIT;

static void make_forms(void) {
  for (int e = 0; e < TIDU_NENUMS; e++) {
    int n = tidu_enum_count((tidu_enum_id)e);
    forms.count[e] = n > FORMS_MAX ? -1 : n;
    for (int i = 0; i < n && n <= FORMS_MAX; i++) {
      const char *names[2] = {tidu_enum_name((tidu_enum_id)e, i),
                              tidu_enum_label_zh((tidu_enum_id)e, i)};
      for (int k = 0; k < 2; k++)
        forms.ok[e][i][k] = names[k] && (unsigned char)normalise(names[k], strlen(names[k]),
                                                                 forms.form[e][i][k], 256);
    }
  }
  for (size_t i = 0; i < NSYN; i++)
    forms.syn_ok[i] = (unsigned char)normalise(synonyms[i].spelling, strlen(synonyms[i].spelling),
                                               forms.syn[i], 256);
}

/* tidu_enum_parse without the made forms: every name normalised again. */
static int enum_parse_slow(tidu_enum_id e, const char *want) {
  char have[256];
  for (int i = 0; i < tidu_enum_count(e); i++) {
    const char *names[2] = {tidu_enum_name(e, i), tidu_enum_label_zh(e, i)};
    for (int k = 0; k < 2; k++)
      if (names[k] && normalise(names[k], strlen(names[k]), have, sizeof have) &&
          !strcmp(have, want))
        return i;
  }
  for (size_t i = 0; i < NSYN; i++)
    if (synonyms[i].e == e &&
        normalise(synonyms[i].spelling, strlen(synonyms[i].spelling), have, sizeof have) &&
        !strcmp(have, want))
      return tidu_enum_find(e, synonyms[i].name);
  return -1;
}

int tidu_enum_parse(tidu_enum_id e, const char *s, size_t len) {
  char want[256];
  if (len == 0 || !normalise(s, len, want, sizeof want)) return -1;
  if ((unsigned)e >= TIDU_NENUMS || pthread_once(&forms_once, make_forms) != 0 ||
      forms.count[e] < 0)
    return enum_parse_slow(e, want);
  for (int i = 0; i < forms.count[e]; i++)
    for (int k = 0; k < 2; k++)
      if (forms.ok[e][i][k] && forms.form[e][i][k][0] == want[0] &&
          !strcmp(forms.form[e][i][k], want))
        return i;
  for (size_t i = 0; i < NSYN; i++)
    if (synonyms[i].e == e && forms.syn_ok[i] && !strcmp(forms.syn[i], want))
      return tidu_enum_find(e, synonyms[i].name);
  return -1;
}

size_t tidu_enum_choices(tidu_enum_id e, int en, char *buf, size_t size) {
  size_t used = 0;
  if (size) buf[0] = '\0';
  for (int i = 0; i < tidu_enum_count(e); i++) {
    const char *name = tidu_enum_name(e, i), *zh = tidu_enum_label_zh(e, i);
    int n = en ? snprintf(buf + used, size - used, "%s%s", i ? ", " : "", name)
               : snprintf(buf + used, size - used, "%s%s", i ? "、" : "", zh ? zh : name);
    if (n < 0 || (size_t)n >= size - used) {
      /* cut at the last whole entry */
      buf[used] = '\0';
      break;
    }
    used += (size_t)n;
  }
  return used;
}

/* Quotes s for messages: at most 60 bytes, cut at a character boundary. */
static void quoted(const char *s, size_t len, char out[80]) {
  size_t n = len < 60 ? len : 60;
  while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
  snprintf(out, 80, "\"%.*s%s\"", (int)n, s, n < len ? "…" : "");
}

tidu_code tidu_enum_error(tidu_enum_id e, const char *s, size_t len, tidu_error *err) {
  char q[80], zh[300], en[300];
  quoted(s, len, q);
  tidu_enum_choices(e, 0, zh, sizeof zh);
  tidu_enum_choices(e, 1, en, sizeof en);
  return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                        "不是可选值 %s（可选：%s） / not an allowed value %s (allowed: %s)", q, zh,
                        q, en);
}

/* ---- range checks ---- */

/* Money figures that cannot be negative (profits, cash flow and net assets can). */
static int money_non_negative_named(const tidu_field_info *fi) {
  static const char *const names[] = {"revenue",
                                      "main_business_revenue",
                                      "rd_expense",
                                      "total_assets",
                                      "total_liabilities",
                                      "market_cap",
                                      "placement_market_cap",
                                      "valuation_usd",
                                      "equity_financing",
                                      "hightech_revenue",
                                      "rd_expense_domestic",
                                      "rd_expense_3y"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(fi->name, names[i])) return 1;
  return 0;
}

/* The same answer per registry field, worked out once (every value read asks). */
static unsigned char nonneg_firm[TIDU_NFIRM], nonneg_year[TIDU_NYEAR];
static pthread_once_t nonneg_once = PTHREAD_ONCE_INIT;

static void nonneg_init(void) {
  for (int i = 0; i < TIDU_NFIRM; i++)
    nonneg_firm[i] = (unsigned char)money_non_negative_named(tidu_firm_field_info(i));
  for (int i = 0; i < TIDU_NYEAR; i++)
    nonneg_year[i] = (unsigned char)money_non_negative_named(tidu_year_field_info(i));
}

static int money_non_negative(const tidu_field_info *fi) {
  pthread_once(&nonneg_once, nonneg_init);
  if (fi->scope == 'F' && fi->index >= 0 && fi->index < TIDU_NFIRM &&
      tidu_firm_field_info(fi->index) == fi)
    return nonneg_firm[fi->index];
  if (fi->scope == 'Y' && fi->index >= 0 && fi->index < TIDU_NYEAR &&
      tidu_year_field_info(fi->index) == fi)
    return nonneg_year[fi->index];
  return money_non_negative_named(fi);
}

static int all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

tidu_code tidu_field_check(const tidu_field_info *fi, int64_t v, const char *text,
                           tidu_error *err) {
  if (!fi) return TIDU_OK;
  if (fi->type == TIDU_T_TEXT) {
    if (!text) return TIDU_OK;
    size_t n = strlen(text);
    char q[80];
    if (n > TIDU_TEXT_MAX) {
      quoted(text, n, q);
      return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                            "过长：%zu 字节，上限 %d 字节 %s / too long: %zu bytes, at most %d %s",
                            n, TIDU_TEXT_MAX, q, n, TIDU_TEXT_MAX, q);
    }
    if (fi->scope == 'F' && fi->index == TIDU_F_REGION && !(n == 6 && all_digits(text, n))) {
      quoted(text, n, q);
      return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0, "应为6位数字 %s / must be 6 digits %s",
                            q, q);
    }
    if (fi->scope == 'F' && fi->index == TIDU_F_INDUSTRY &&
        !(n >= 1 && n <= 5 && text[0] >= 'A' && text[0] <= 'T' && all_digits(text + 1, n - 1))) {
      quoted(text, n, q);
      return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                            "不是国民经济行业代码（如 C3976） %s / not a GB/T 4754 industry code "
                            "(e.g. C3976) %s",
                            q, q);
    }
    return TIDU_OK;
  }
  if (v == TIDU_MISSING) return TIDU_OK;
  if (fi->type == TIDU_T_ENUM && (v < 0 || v >= tidu_enum_count(fi->enum_id)))
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0, "取值超出范围 / value out of range");
  if (v < 0 && (fi->type == TIDU_T_COUNT || fi->type == TIDU_T_YEARS || fi->type == TIDU_T_SCORE ||
                (fi->type == TIDU_T_MONEY && money_non_negative(fi)))) {
    char shown[64];
    tidu_format_value(fi->type, v, "zh", shown, sizeof shown);
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "不能为负数 \"%s\" / must not be negative", shown);
  }
  if (fi->type == TIDU_T_RATIO && (v > 10 * TIDU_SCALE_RATIO || v < -10 * TIDU_SCALE_RATIO)) {
    char shown[64];
    tidu_format_value(fi->type, v, "zh", shown, sizeof shown);
    return tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                          "比率超出 -10..10 的范围 \"%s\" / ratio outside -10..10", shown);
  }
  return TIDU_OK;
}

/* ---- a typed value ---- */

/* A separator of tag lists at s: ';' ',' '|' '；' '，' '、'. Returns its length or 0. */
static size_t tag_sep(const char *s, size_t n) {
  if (*s == ';' || *s == ',' || *s == '|') return 1;
  if (n >= 3 && (memcmp(s, "\xef\xbc\x9b", 3) == 0 || memcmp(s, "\xef\xbc\x8c", 3) == 0 ||
                 memcmp(s, "\xe3\x80\x81", 3) == 0))
    return 3;
  return 0;
}

static const char *trim(const char *s, size_t *len) {
  while (*len && (*s == ' ' || *s == '\t')) s++, (*len)--;
  while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t')) (*len)--;
  return s;
}

int tidu_tags_each(const char *s, size_t len, int (*fn)(void *arg, const char *item, size_t n),
                   void *arg) {
  size_t start = 0;
  for (size_t i = 0; i <= len;) {
    size_t w = i < len ? tag_sep(s + i, len - i) : 1;
    if (w == 0) {
      i++;
      continue;
    }
    size_t n = i - start;
    const char *t = trim(s + start, &n);
    if (n > 0) {
      int rc = fn(arg, t, n);
      if (rc) return rc;
    }
    i += w;
    start = i;
  }
  return 0;
}

typedef struct tag_bits {
  tidu_enum_id e;
  int64_t bits;
  tidu_error *err;
  tidu_code rc;
} tag_bits;

static int add_tag_bit(void *arg, const char *t, size_t n) {
  tag_bits *a = arg;
  if ((n == 3 && !memcmp(t, "无", 3)) || (n == 4 && !memcmp(t, "none", 4))) return 0;
  int v = tidu_enum_parse(a->e, t, n);
  if (v < 0 || v > 62) {
    a->rc = tidu_enum_error(a->e, t, n, a->err);
    return 1;
  }
  a->bits |= (int64_t)1 << v;
  return 0;
}

tidu_code tidu_tags_parse(tidu_enum_id e, const char *s, size_t len, int64_t *bits,
                          tidu_error *err) {
  tag_bits a = {e, 0, err, TIDU_OK};
  *bits = 0;
  if (tidu_tags_each(s, len, add_tag_bit, &a)) return a.rc;
  *bits = a.bits;
  return TIDU_OK;
}

tidu_code tidu_field_parse(const tidu_field_info *fi, const char *s, int64_t *v, char **text,
                           tidu_error *err) {
  size_t len = strlen(s);
  s = trim(s, &len);
  *v = TIDU_MISSING;
  if (text) *text = NULL;
  tidu_code rc = TIDU_OK;
  switch (fi->type) {
  case TIDU_T_TEXT:
    if (len && text) {
      *text = tidu_malloc(len + 1);
      if (!*text)
        return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
      memcpy(*text, s, len);
      (*text)[len] = '\0';
      if (fi->scope == 'F' && (fi->index == TIDU_F_USCC || fi->index == TIDU_F_INDUSTRY))
        for (char *p = *text; *p; p++)
          if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
      rc = tidu_field_check(fi, 0, *text, err);
      if (rc != TIDU_OK) {
        free(*text);
        *text = NULL;
      }
    }
    return rc;
  case TIDU_T_TAGS:
    return tidu_tags_parse(fi->enum_id, s, len, v, err);
  case TIDU_T_ENUM:
    *v = len ? tidu_enum_parse(fi->enum_id, s, len) : fi->judge ? TIDU_MISSING : 0;
    if (*v == TIDU_MISSING) return TIDU_OK; /* an undeclared judgement */
    return *v >= 0 ? TIDU_OK : tidu_enum_error(fi->enum_id, s, len, err);
  case TIDU_T_DATE:
    if (len == 0) return TIDU_OK;
    rc = tidu_parse_date(s, len, 0, v, err);
    break;
  default:
    rc = tidu_parse_value(fi->type, s, len, 1, 0, v, err);
    break;
  }
  return rc == TIDU_OK ? tidu_field_check(fi, *v, NULL, err) : rc;
}

/* ---- names for people ---- */

/* Chinese and English names of the metrics rules derive (rules/prelude.tidu) and of the score. */
static const struct {
  const char *name, *zh, *en;
} derived_names[] = {
    {"profit", "净利润(扣非前后孰低)", "net profit (lower of pre/post non-recurring)"},
    {"debt_ratio", "资产负债率", "debt-to-asset ratio"},
    {"rd_ratio", "研发费用占营业收入比例", "R&D share of revenue"},
    {"main_business_share", "主营业务收入占营业收入比例", "main business share of revenue"},
    {"net_margin", "净利率", "net margin"},
    {"rd_staff_share", "研发人员占职工总数比例", "R&D staff share of employees"},
    {"rd_ratio_3y_all", "三年累计研发投入占累计营业收入比例", "three-year R&D share of revenue"},
    {"rd_expense_3y_all", "三年累计研发投入", "three-year R&D total"},
    {"is_sme", "属于中小企业", "is an SME"},
    {"score", "总分", "total score"},
};

const char *tidu_metric_name_zh(const char *name) {
  for (size_t i = 0; i < sizeof derived_names / sizeof derived_names[0]; i++)
    if (strcmp(derived_names[i].name, name) == 0) return derived_names[i].zh;
  const tidu_field_info *fi = tidu_field_find(name);
  if (fi && strcmp(fi->name, name) == 0) return fi->zh;
  return name;
}

const char *tidu_metric_name_en(const char *name) {
  for (size_t i = 0; i < sizeof derived_names / sizeof derived_names[0]; i++)
    if (strcmp(derived_names[i].name, name) == 0) return derived_names[i].en;
  const tidu_field_info *fi = tidu_field_find(name);
  if (fi && strcmp(fi->name, name) == 0) return fi->en;
  return name;
}

size_t tidu_field_label(const char *key, int en, char *buf, size_t size) {
  const char *br = strchr(key, '[');
  char name[128];
  size_t n = br ? (size_t)(br - key) : strlen(key);
  if (n >= sizeof name) n = sizeof name - 1;
  memcpy(name, key, n);
  name[n] = '\0';
  int r;
  const char *label = en ? tidu_metric_name_en(name) : tidu_metric_name_zh(name);
  if (br)
    r = snprintf(buf, size, en ? "%s (%d)" : "%s(%d)", label, atoi(br + 1));
  else
    r = snprintf(buf, size, "%s", label);
  return r < 0 ? 0 : (size_t)r < size ? (size_t)r : size - 1;
}

/* ---- "did you mean" ---- */

/* The number of characters of UTF-8 `s`. */
static size_t chars(const char *s) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) n += (*p & 0xc0) != 0x80;
  return n;
}

/* The distance from `name` to the nearest of fi's name, Chinese name and aliases. */
static size_t field_distance(const tidu_field_info *fi, const char *name) {
  size_t best = tidu_edit_distance(name, fi->name);
  size_t d = tidu_edit_distance(name, fi->zh);
  if (d < best) best = d;
  const char *p = fi->aliases;
  while (p && *p) {
    const char *bar = strchr(p, '|');
    char one[128];
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n < sizeof one) {
      memcpy(one, p, n);
      one[n] = '\0';
      d = tidu_edit_distance(name, one);
      if (d < best) best = d;
    }
    p = bar ? bar + 1 : NULL;
  }
  return best;
}

const tidu_field_info *tidu_field_suggest(const char *name) {
  size_t len = chars(name);
  size_t limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
  const tidu_field_info *best = NULL;
  size_t bd = limit + 1;
  for (int scope = 0; scope < 2; scope++) {
    int n = scope ? TIDU_NYEAR : TIDU_NFIRM;
    for (int i = 0; i < n; i++) {
      const tidu_field_info *fi = scope ? tidu_year_field_info(i) : tidu_firm_field_info(i);
      size_t d = field_distance(fi, name);
      if (d < bd) {
        bd = d;
        best = fi;
      }
    }
  }
  return best;
}

/* ---- short amounts ---- */

/* Formats x with up to `digits` decimals, dropping trailing zeros. */
static void trimmed(double x, int digits, char *buf, size_t size) {
  snprintf(buf, size, "%.*f", digits, x);
  if (!strchr(buf, '.')) return;
  size_t n = strlen(buf);
  while (n && buf[n - 1] == '0') buf[--n] = 0;
  if (n && buf[n - 1] == '.') buf[--n] = 0;
}

/* One step of the short amount scale: at least `from`, divided by `div`, then the unit. */
typedef struct scale_step {
  double from, div;
  int digits;
  const char *unit;
} scale_step;

/* Below 1万 (1k) the 分 stay, so a shortfall of one 分 reads 0.01元 rather than 0元. */
static const scale_step ZH_STEPS[] = {
    {1e10, 1e8, 0, "亿"}, {1e8, 1e8, 1, "亿"}, {1e4, 1e4, 0, "万"}, {0, 1, 2, "元"}};
static const scale_step EN_STEPS[] = {
    {1e9, 1e9, 1, "bn"}, {1e6, 1e6, 1, "mn"}, {1e3, 1e3, 1, "k"}, {0, 1, 2, ""}};

size_t tidu_short_yuan(double yuan, const char *lang, char *buf, size_t size) {
  int en = lang && !strcmp(lang, "en");
  const scale_step *st = en ? EN_STEPS : ZH_STEPS;
  double a = fabs(yuan);
  while (a < st->from) st++;
  char num[48];
  trimmed(a / st->div, st->digits, num, sizeof num);
  int n = snprintf(buf, size, "%s%s%s%s", yuan < 0 ? "-" : "", en ? "CNY " : "", num, st->unit);
  return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}
