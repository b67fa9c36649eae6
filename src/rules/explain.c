/* Condition texts for explanations: Chinese and English renderings of rule expressions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "tidu/values.h"

/* ---- names ----------------------------------------------------------------------------- */

const char *tidu_explain_name_zh(const char *name) {
  return tidu_metric_name_zh(name);
}

/* English phrases for the conditions and point groups the shipped rule sets name with `let` and
 * `group`; other names are shown with their words spelled out (see name_en). */
static const struct {
  const char *name, *en;
} named_en[] = {
    {"revenue_cagr_exempt", "exempt from the revenue CAGR test"},
    {"no_decline", "no large revenue decline in three years"},
    {"rd_ok_5", "R&D share of revenue at least 5%"},
    {"rd_ok_4", "R&D share of revenue at least 4%"},
    {"rd_ok_3", "R&D share of revenue at least 3%"},
    {"direct_route", "meets one of the direct routes"},
    {"software", "software industry"},
    {"r1", "R1: R&D share at least 5% or three-year R&D total at least CNY 80 mn"},
    {"r4", "R4: revenue CAGR at least 25% or latest revenue at least CNY 300 mn"},
    {"entry", "in the specialised board's entry scope"},
    {"growth_group", "growth points"},
    {"innovation", "innovation points"},
    {"specialization", "specialisation points"},
    {"refinement", "refinement points"},
    {"characteristic", "local feature points"},
};

/* Writes the English name of `name`: a field's or derived metric's name, a phrase for a named
 * condition, else the identifier with its words spelled out ("rd_share" -> "R&D share"). */
static void name_en(tidu_sb *b, const char *name) {
  const char *m = tidu_metric_name_en(name);
  if (m != name) {
    tidu_sb_puts(b, m);
    return;
  }
  for (size_t i = 0; i < sizeof named_en / sizeof named_en[0]; i++)
    if (!strcmp(named_en[i].name, name)) {
      tidu_sb_puts(b, named_en[i].en);
      return;
    }
  for (const char *p = name; *p;) {
    size_t n = strcspn(p, "_");
    if (p != name) tidu_sb_puts(b, " ");
    if (n == 2 && !strncmp(p, "rd", 2))
      tidu_sb_puts(b, "R&D");
    else if ((n == 4 && !strncmp(p, "cagr", 4)) || (n == 3 && !strncmp(p, "sme", 3)) ||
             (n == 3 && !strncmp(p, "roe", 3)) || (n == 2 && !strncmp(p, "ip", 2)))
      for (size_t i = 0; i < n; i++) tidu_sb_printf(b, "%c", p[i] - 'a' + 'A');
    else
      tidu_sb_printf(b, "%.*s", (int)n, p);
    p += n;
    while (*p == '_') p++;
  }
}

char *tidu_explain_name_en(const char *name) {
  tidu_sb b = {0};
  name_en(&b, name);
  return tidu_sb_take(&b);
}

static const char *const cn_num[] = {"零", "一", "两", "三", "四", "五",
                                     "六", "七", "八", "九", "十"};

static void year_words(tidu_sb *b, long k, int en) {
  if (en) {
    tidu_sb_printf(b, k == 0 ? "latest year " : "year -%ld ", k);
    return;
  }
  if (k == 0)
    tidu_sb_puts(b, "最近一年");
  else if (k >= 1 && k <= 9)
    tidu_sb_printf(b, "最近第%s年", k == 1 ? "二" : cn_num[k + 1 > 10 ? 10 : k + 1]);
  else
    tidu_sb_printf(b, "第[%ld]年", k);
}

static void years_count(tidu_sb *b, long n, int en) {
  if (en)
    tidu_sb_printf(b, "last %ld years ", n);
  else if (n >= 1 && n <= 10)
    tidu_sb_printf(b, "最近%s年", cn_num[n]);
  else
    tidu_sb_printf(b, "最近%ld年", n);
}

/* ---- constants ------------------------------------------------------------------------- */

/* Writes num/den in decimal with at most `maxfrac` fraction digits, trailing zeros trimmed. */
static void decimal(tidu_i128 num, tidu_i128 den, int maxfrac, char *buf, size_t size) {
  int neg = (num < 0) != (den < 0) && num != 0;
  if (num < 0) num = -num;
  if (den < 0) den = -den;
  tidu_i128 ip = num / den, rem = num % den;
  char digits[64];
  int nd = 0;
  do {
    digits[nd++] = (char)('0' + (int)(ip % 10));
    ip /= 10;
  } while (ip && nd < 60);
  char out[128];
  size_t o = 0;
  if (neg) out[o++] = '-';
  while (nd) out[o++] = digits[--nd];
  char frac[32];
  int nf = 0;
  for (int i = 0; i < maxfrac && rem; i++) {
    rem *= 10;
    frac[nf++] = (char)('0' + (int)(rem / den));
    rem %= den;
  }
  while (nf && frac[nf - 1] == '0') nf--;
  if (nf) {
    out[o++] = '.';
    memcpy(out + o, frac, (size_t)nf);
    o += (size_t)nf;
  }
  out[o] = 0;
  snprintf(buf, size, "%s", out);
}

void tidu_explain_const(tidu_i128 num, tidu_i128 den, int type, int en, char *buf, size_t size) {
  char d[96];
  tidu_i128 a = num < 0 ? -num : num;
  if (num == 0) {
    snprintf(buf, size, "0");
    return;
  }
  if (type == TIDU_T_MONEY) {
    if (en && a >= den * 10000) {
      decimal(num, den * 1000000, 6, d, sizeof d);
      snprintf(buf, size, "CNY %s mn", d);
    } else if (a >= den * 100000000) {
      decimal(num, den * 100000000, 4, d, sizeof d);
      snprintf(buf, size, "%s亿元", d);
    } else if (a >= den * 10000) {
      decimal(num, den * 10000, 4, d, sizeof d);
      snprintf(buf, size, "%s万元", d);
    } else {
      decimal(num, den, 2, d, sizeof d);
      snprintf(buf, size, en ? "CNY %s" : "%s元", d);
    }
    return;
  }
  if (type == TIDU_T_RATIO) {
    decimal(num * 100, den, 6, d, sizeof d);
    snprintf(buf, size, "%s%%", d);
    return;
  }
  decimal(num, den, 6, d, sizeof d);
  snprintf(buf, size, "%s", d);
}

/* ---- expressions ----------------------------------------------------------------------- */

#define BARE (-1000) /* a series argument rendered without its year words */

static void expr_text(tidu_sb *b, const tidu_node *n, long shift, int type, int en);

static long int_arg(const tidu_node *n) {
  return n && n->kind == ND_NUM && n->den == 1 ? (long)n->num : 0;
}

static void call_text(tidu_sb *b, const tidu_node *n, long shift, int type, int en) {
  const char *f = n->str;
  const tidu_node *x = n->nkids > 0 ? n->kids[0] : NULL;
  long k = n->nkids > 1 ? int_arg(n->kids[1]) : 0;
  if (!x) {
    tidu_sb_printf(b, "%s()", f);
    return;
  }
  if (!strcmp(f, "sum") || !strcmp(f, "avg")) {
    years_count(b, k, en);
    tidu_sb_puts(b, en ? (!strcmp(f, "sum") ? "total " : "average ")
                       : (!strcmp(f, "sum") ? "累计" : "平均"));
    expr_text(b, x, BARE, type, en);
  } else if (!strcmp(f, "ratio") && n->nkids == 3) {
    years_count(b, int_arg(n->kids[2]), en);
    tidu_sb_puts(b, en ? "total " : "累计");
    expr_text(b, x, BARE, type, en);
    tidu_sb_puts(b, en ? " / total " : "占累计");
    expr_text(b, n->kids[1], BARE, type, en);
    if (!en) tidu_sb_puts(b, "比例");
  } else if (!strcmp(f, "growth")) {
    if (shift >= 0 || k) year_words(b, k + (shift > 0 ? shift : 0), en);
    expr_text(b, x, BARE, type, en);
    tidu_sb_puts(b, en ? " growth" : "增长率");
  } else if (!strcmp(f, "cagr")) {
    years_count(b, k, en);
    expr_text(b, x, BARE, type, en);
    tidu_sb_puts(b, en ? " CAGR" : "复合增长率");
  } else if (!strcmp(f, "avg_growth")) {
    years_count(b, k, en);
    expr_text(b, x, BARE, type, en);
    tidu_sb_puts(b, en ? " average growth" : "平均增长率");
  } else if (!strcmp(f, "fiscal_years_since")) {
    if (en) tidu_sb_puts(b, "full fiscal years since ");
    expr_text(b, x, shift, type, en);
    if (!en) tidu_sb_puts(b, "至今完整会计年度数");
  } else if (!strcmp(f, "years_since") || !strcmp(f, "months_since")) {
    int years = f[0] == 'y';
    if (en) tidu_sb_printf(b, "%s since ", years ? "years" : "months");
    expr_text(b, x, shift, type, en);
    if (!en) tidu_sb_puts(b, years ? "至今年数" : "至今月数");
  } else {
    tidu_sb_printf(b, "%s(", f);
    for (size_t i = 0; i < n->nkids; i++) {
      if (i) tidu_sb_puts(b, ", ");
      expr_text(b, n->kids[i], shift, type, en);
    }
    tidu_sb_puts(b, ")");
  }
}

static void expr_text(tidu_sb *b, const tidu_node *n, long shift, int type, int en) {
  char buf[128];
  switch (n->kind) {
  case ND_NUM: {
    int t = n->unit == 'M' ? TIDU_T_MONEY : n->unit == '%' ? TIDU_T_RATIO : type;
    tidu_explain_const(n->num, n->den, t, en, buf, sizeof buf);
    tidu_sb_puts(b, buf);
    break;
  }
  case ND_BOOL:
    tidu_sb_puts(b, n->ival ? (en ? "true" : "是") : (en ? "false" : "否"));
    break;
  case ND_NAME: {
    const tidu_field_info *fi = tidu_field_find(n->str);
    int is_year = fi && fi->scope == 'Y';
    int is_firm = fi && fi->scope == 'F';
    if (n->ival >= 0 && shift != BARE)
      year_words(b, n->ival + (shift > 0 ? shift : 0), en);
    else if (n->ival < 0 && shift >= 0 && shift != BARE && !is_firm &&
             (is_year || tidu_explain_name_zh(n->str) != n->str))
      year_words(b, shift, en);
    if (en)
      name_en(b, n->str);
    else
      tidu_sb_puts(b, tidu_explain_name_zh(n->str));
    break;
  }
  case ND_CALL:
    call_text(b, n, shift, type, en);
    break;
  case ND_NEG:
    tidu_sb_puts(b, "-");
    expr_text(b, n->kids[0], shift, type, en);
    break;
  case ND_BIN: {
    int paren_l = n->kids[0]->kind == ND_BIN && (n->op == '*' || n->op == '/') &&
                  (n->kids[0]->op == '+' || n->kids[0]->op == '-');
    int paren_r = n->kids[1]->kind == ND_BIN && (n->op != '+');
    if (paren_l) tidu_sb_puts(b, "(");
    expr_text(b, n->kids[0], shift, type, en);
    if (paren_l) tidu_sb_puts(b, ")");
    tidu_sb_printf(b, " %c ", n->op);
    if (paren_r) tidu_sb_puts(b, "(");
    expr_text(b, n->kids[1], shift, n->op == '+' || n->op == '-' ? type : 100, en);
    if (paren_r) tidu_sb_puts(b, ")");
    break;
  }
  default:
    tidu_sb_puts(b, "?");
  }
}

/* The symbol people read for a comparison token (≥, >, ≤, <, =, ≠). */
const char *tidu_cmp_symbol(int op) {
  switch (op) {
  case TK_GE:
    return "≥";
  case TK_GT:
    return ">";
  case TK_LE:
    return "≤";
  case TK_LT:
    return "<";
  case TK_EQ:
    return "=";
  default:
    return "≠";
  }
}

/* Lists enumeration values (their Chinese or English labels where known) or strings. */
static void list_strs(tidu_sb *b, const tidu_node *n, const char *sep, int en) {
  const tidu_field_info *fi =
      n->nkids && n->kids[0]->kind == ND_NAME ? tidu_field_find(n->kids[0]->str) : NULL;
  for (size_t i = 0; i < n->nstrs; i++) {
    if (i) tidu_sb_puts(b, sep);
    int v = fi && (fi->type == TIDU_T_ENUM || fi->type == TIDU_T_TAGS)
                ? tidu_enum_find(fi->enum_id, n->strs[i])
                : -1;
    const char *label = v < 0 ? NULL
                        : en  ? tidu_enum_label_en(fi->enum_id, v)
                              : tidu_enum_label_zh(fi->enum_id, v);
    tidu_sb_puts(b, label ? label : n->strs[i]);
  }
}

/* A money constant compared with a valuation in US dollars: "10亿美元", "USD 1000 mn". */
static void usd_const(tidu_sb *b, const tidu_node *n, int en) {
  char d[96];
  tidu_i128 a = n->num < 0 ? -n->num : n->num;
  if (en)
    decimal(n->num, n->den * 1000000, 6, d, sizeof d);
  else if (a >= n->den * 100000000)
    decimal(n->num, n->den * 100000000, 4, d, sizeof d);
  else
    decimal(n->num, n->den * 10000, 4, d, sizeof d);
  if (en)
    tidu_sb_printf(b, "USD %s mn", d);
  else
    tidu_sb_printf(b, "%s%s", d, a >= n->den * 100000000 ? "亿美元" : "万美元");
}

char *tidu_explain_cond_text(const tidu_node *c, int shift, int type, int en) {
  tidu_sb b = {0};
  if (c->label && !en) {
    tidu_sb_puts(&b, c->label);
    return tidu_sb_take(&b);
  }
  switch (c->kind) {
  case ND_CMP: {
    expr_text(&b, c->kids[0], shift, type, en);
    tidu_sb_printf(&b, " %s ", tidu_cmp_symbol(c->op));
    const tidu_node *l = c->kids[0], *r = c->kids[1];
    if (l->kind == ND_NAME && !strcmp(l->str, "valuation_usd") && r->kind == ND_NUM)
      usd_const(&b, r, en); /* a valuation is stated in US dollars */
    else
      expr_text(&b, r, shift, type, en);
    if (l->kind == ND_CALL && c->kids[1]->kind == ND_NUM &&
        (!strcmp(l->str, "years_since") || !strcmp(l->str, "months_since") ||
         !strcmp(l->str, "fiscal_years_since")))
      tidu_sb_puts(&b, l->str[0] != 'm' ? (en ? " years" : "年") : (en ? " months" : "个月"));
    break;
  }
  case ND_EACH:
    years_count(&b, c->ival, en);
    expr_text(&b, c->kids[0], BARE, type, en);
    tidu_sb_printf(&b, en ? " each %s " : "均 %s ", tidu_cmp_symbol(c->op));
    expr_text(&b, c->kids[1], shift, type, en);
    break;
  case ND_IN:
    expr_text(&b, c->kids[0], shift, type, en);
    tidu_sb_puts(&b, en ? " in {" : " 属于 {");
    list_strs(&b, c, ", ", en);
    tidu_sb_puts(&b, "}");
    break;
  case ND_HAS:
    expr_text(&b, c->kids[0], shift, type, en);
    tidu_sb_puts(&b, en ? " has " : " 包含 ");
    list_strs(&b, c, ", ", en);
    break;
  case ND_STARTS:
    expr_text(&b, c->kids[0], shift, type, en);
    tidu_sb_puts(&b, en ? " starts with " : " 以 ");
    list_strs(&b, c, en ? ", " : "、", en);
    if (!en) tidu_sb_puts(&b, " 开头");
    break;
  case ND_PRED:
    expr_text(&b, c->kids[0], shift, type, en);
    break;
  case ND_ALL:
    tidu_sb_puts(&b, en ? "all of" : "以下条件均满足");
    break;
  case ND_ANY:
    tidu_sb_puts(&b, en ? "any of" : "满足以下条件之一");
    break;
  case ND_NOT:
    tidu_sb_puts(&b, en ? "not" : "不满足");
    break;
  default:
    tidu_sb_puts(&b, "?");
  }
  return tidu_sb_take(&b);
}
