/* The rule language's compiler: syntax tree to a flat program, resolving names and types. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "tidu/toolkit.h"

#define MAX_EXPAND 64 /* nesting of binding expansions (guards against a binding using itself) */

typedef struct sbind {
  const char *name;
  const tidu_node *def; /* the LET node */
  int is_series, is_cond;
  int type;
} sbind;

typedef struct comp {
  const char *file;
  tidu_prog *p;
  tidu_errlist *errs;
  int nerr, nomem;
  sbind *b;
  size_t nb, capb;
  int nextreg;
  int phase, in_pass, uses_range;
  tidu_input *in;
  size_t nin, capin;
  int expand;
  int alt_form; /* > 0 while compiling the later arguments of first(): not named as missing */
  const tidu_node **groups;
  size_t ngroups;
} comp;

/* The functions of the rule language, written once: name, what kind of arguments they take
 * and how they compile. ORDER: the order `rules fields` lists them in.
 *   FN_SERIES   its first argument is a series (a bare year field inside it is not bare)
 *   FN_BOUNDED  min / max / first: bounds are known where values are not (see cbound)
 *   FN_SUMMING  sum / avg: a bound of the sum is the sum of the bounds of its terms */
#define TIDU_FUNCTIONS(X)                                                                          \
  X(SUM, "sum", FN_SERIES | FN_SUMMING, fn_sum_avg)                                                \
  X(AVG, "avg", FN_SERIES | FN_SUMMING, fn_sum_avg)                                                \
  X(RATIO, "ratio", FN_SERIES, fn_ratio)                                                           \
  X(GROWTH, "growth", FN_SERIES, fn_growth)                                                        \
  X(CAGR, "cagr", FN_SERIES, fn_cagr)                                                              \
  X(AVG_GROWTH, "avg_growth", FN_SERIES, fn_avg_growth)                                            \
  X(MIN, "min", FN_BOUNDED, fn_min_max)                                                            \
  X(MAX, "max", FN_BOUNDED, fn_min_max)                                                            \
  X(FLOOR, "floor", 0, fn_floor)                                                                   \
  X(YEARS_SINCE, "years_since", 0, fn_since)                                                       \
  X(FISCAL_YEARS_SINCE, "fiscal_years_since", 0, fn_since)                                         \
  X(MONTHS_SINCE, "months_since", 0, fn_since)                                                     \
  X(EACH, "each", 0, NULL) /* a condition form: the parser makes it an ND_EACH node */             \
  X(FIRST, "first", FN_BOUNDED, fn_first)

enum { FN_SERIES = 1, FN_BOUNDED = 2, FN_SUMMING = 4 };

typedef enum fn_id {
#define X(id, name, flags, compile) FN_##id,
  TIDU_FUNCTIONS(X)
#undef X
      FN_COUNT
} fn_id;

static const char *const functions[] = {
#define X(id, name, flags, compile) name,
    TIDU_FUNCTIONS(X)
#undef X
        NULL};

static const int fn_flags[] = {
#define X(id, name, flags, compile) flags,
    TIDU_FUNCTIONS(X)
#undef X
};

const char *const *tidu_rules_functions(void) {
  return functions;
}

/* The function called `name`, FN_COUNT when there is none. */
static fn_id fn_find(const char *name) {
  for (int f = 0; f < FN_COUNT; f++)
    if (!strcmp(functions[f], name)) return (fn_id)f;
  return FN_COUNT;
}

/* 1 when `n` calls a function with `flag`. */
static int calls_fn_with(const tidu_node *n, int flag) {
  if (n->kind != ND_CALL) return 0;
  fn_id f = fn_find(n->str);
  return f < FN_COUNT && (fn_flags[f] & flag);
}

/* ---- errors and suggestions ------------------------------------------------------------ */

static void cerr(comp *C, const tidu_span *sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cerr(comp *C, const tidu_span *sp, const char *fmt, ...) {
  char msg[480];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  C->nerr++;
  if (tidu_rules_err(C->errs, TIDU_ERR_RULE, C->file, sp, "%s", msg) == TIDU_ERR_NOMEM)
    C->nomem = 1;
}

static void consider(const char *name, const char *cand, const char **best, size_t *bestd) {
  size_t d = tidu_edit_distance(name, cand);
  if (d < *bestd) {
    *bestd = d;
    *best = cand;
  }
}

/* The closest known name, or NULL when nothing is close. */
static const char *suggest_name(const comp *C, const char *name) {
  const char *best = NULL;
  size_t bestd = 64;
  for (int f = 0; f < TIDU_NFIRM; f++) consider(name, tidu_firm_field_info(f)->name, &best, &bestd);
  for (int f = 0; f < TIDU_NYEAR; f++) consider(name, tidu_year_field_info(f)->name, &best, &bestd);
  for (size_t i = 0; i < C->nb; i++) consider(name, C->b[i].name, &best, &bestd);
  for (size_t i = 0; i < C->ngroups; i++) consider(name, C->groups[i]->str, &best, &bestd);
  size_t limit = strlen(name) <= 4 ? 1 : strlen(name) <= 8 ? 2 : 3;
  return bestd <= limit ? best : NULL;
}

static void unknown_name(comp *C, const tidu_node *n) {
  const char *s = suggest_name(C, n->str);
  tidu_span sp = n->sp; /* the name alone, without its index */
  sp.chars = (uint32_t)strlen(n->str);
  if (s)
    cerr(C, &sp, "未知指标 '%s'(是否为 '%s'?) / unknown metric '%s' (did you mean '%s'?)", n->str,
         s, n->str, s);
  else
    cerr(C, &sp, "未知指标 '%s' / unknown metric '%s'", n->str, n->str);
}

/* ---- program building ------------------------------------------------------------------ */

/* Makes room for element `n` of a growable array and zeroes it: 1, or 0 with C->nomem set. */
#define GROW(C, arr, cap, n)                                                                       \
  (TIDU_PUSH_ROOM(arr, n, cap) == 0 ? (memset(&(arr)[n], 0, sizeof *(arr)), 1)                     \
                                    : ((C)->nomem = 1, 0))

static void emit(comp *C, tidu_opcode op, int a, int b, int c, int d, const tidu_span *sp) {
  tidu_prog *p = C->p;
  if (!GROW(C, p->code, p->capcode, p->ncode)) return;
  tidu_instr *in = &p->code[p->ncode++];
  memset(in, 0, sizeof *in);
  in->op = (uint8_t)op;
  in->a = a;
  in->b = b;
  in->c = c;
  in->d = d;
  if (sp) {
    in->line = sp->line;
    in->col = sp->col;
    in->chars = sp->chars;
  }
}

static tidu_instr *last_instr(comp *C) {
  return C->p->ncode ? &C->p->code[C->p->ncode - 1] : NULL;
}

static int add_const(comp *C, tidu_i128 num, tidu_i128 den) {
  tidu_prog *p = C->p;
  if (!GROW(C, p->consts, p->capconsts, p->nconsts)) return 0;
  p->consts[p->nconsts].num = num;
  p->consts[p->nconsts].den = den;
  return (int)p->nconsts++;
}

static int newreg(comp *C) {
  int r = C->nextreg++;
  if ((size_t)C->nextreg > C->p->nregs) C->p->nregs = (size_t)C->nextreg;
  return r;
}

static void add_input(comp *C, char scope, int field, int k) {
  if (C->alt_form > 0) return;
  for (size_t i = 0; i < C->nin; i++)
    if (C->in[i].scope == scope && C->in[i].field == field && C->in[i].k == k) return;
  if (!GROW(C, C->in, C->capin, C->nin)) return;
  C->in[C->nin].scope = scope;
  C->in[C->nin].field = (int16_t)field;
  C->in[C->nin].k = (int16_t)k;
  C->nin++;
}

/* ---- bindings -------------------------------------------------------------------------- */

static const sbind *find_binding(const comp *C, const char *name) {
  for (size_t i = C->nb; i-- > 0;)
    if (strcmp(C->b[i].name, name) == 0) return &C->b[i];
  return NULL;
}

static const tidu_field_info *find_field(const char *name) {
  const tidu_field_info *fi = tidu_field_find(name);
  return fi && strcmp(fi->name, name) == 0 ? fi : NULL;
}

/* 1 when the expression uses bare year fields (or series bindings) outside series arguments. */
static int uses_bare_year(const comp *C, const tidu_node *n) {
  if (!n) return 0;
  if (n->kind == ND_NAME && n->ival < 0) {
    const sbind *b = find_binding(C, n->str);
    if (b) return b->is_series;
    const tidu_field_info *fi = find_field(n->str);
    return fi && fi->scope == 'Y';
  }
  if (calls_fn_with(n, FN_SERIES)) return 0;
  for (size_t i = 0; i < n->nkids; i++)
    if (uses_bare_year(C, n->kids[i])) return 1;
  return 0;
}

static int add_binding(comp *C, const tidu_node *let) {
  if (!GROW(C, C->b, C->capb, C->nb)) return 0;
  sbind *b = &C->b[C->nb];
  b->name = let->str;
  b->def = let;
  b->is_cond = let->ival == 1;
  b->is_series = !b->is_cond && uses_bare_year(C, let->kids[0]);
  b->type = TIDU_TY_NUM;
  C->nb++;
  return 1;
}

/* ---- expressions ----------------------------------------------------------------------- */

static int cexpr(comp *C, const tidu_node *n, int shift, int *type);

static int result_type(int op, int a, int b) {
  if (op == '+' || op == '-') return a != TIDU_TY_NUM ? a : b;
  if (op == '*') return a == TIDU_TY_NUM || a == TIDU_T_RATIO ? b : a;
  if (a == b && a != TIDU_TY_NUM) return TIDU_T_RATIO; /* money / money */
  if (b == TIDU_TY_NUM) return a;
  if (a == TIDU_T_MONEY) return TIDU_T_MONEY; /* money per head */
  return TIDU_T_RATIO;
}

static const char *type_word(tidu_type t) {
  switch (t) {
  case TIDU_T_ENUM:
    return "枚举 / an enumeration: use 'in { … }' or '=='";
  case TIDU_T_TAGS:
    return "标签集合 / a tag set: use 'has'";
  case TIDU_T_TEXT:
    return "文本 / text: use 'startswith'";
  case TIDU_T_DATE:
    return "日期 / a date: use years_since() or months_since()";
  case TIDU_T_BOOL:
    return "是非项 / a yes/no declaration: use it as a condition";
  default:
    return "?";
  }
}

static int check_index(comp *C, const tidu_node *n, long idx) {
  if (idx < 0 || idx > TIDU_CHUNK_YEARS - 1) {
    cerr(C, &n->sp, "年份下标 [%ld] 超出范围(0..%d) / year index [%ld] out of range (0..%d)", idx,
         TIDU_CHUNK_YEARS - 1, idx, TIDU_CHUNK_YEARS - 1);
    return 0;
  }
  return 1;
}

static int load_name(comp *C, const tidu_node *n, int shift, int *type) {
  int base = C->nextreg;
  if (C->in_pass && strcmp(n->str, "score") == 0 && !find_binding(C, n->str)) {
    int r = newreg(C);
    emit(C, OP_SCORE, r, C->phase, 0, 0, &n->sp);
    C->uses_range = 1;
    *type = TIDU_T_SCORE;
    return r;
  }
  if (C->in_pass)
    for (size_t g = 0; g < C->ngroups; g++)
      if (strcmp(C->groups[g]->str, n->str) == 0) {
        int r = newreg(C);
        emit(C, OP_GROUPV, r, C->phase, (int)g, 0, &n->sp);
        C->uses_range = 1;
        *type = TIDU_T_SCORE;
        return r;
      }
  const sbind *b = find_binding(C, n->str);
  if (b) {
    if (b->is_cond) {
      cerr(C, &n->sp, "'%s' 是条件,不能作为数值 / '%s' is a condition, not a value", n->str,
           n->str);
      return -1;
    }
    if (C->expand >= MAX_EXPAND) {
      cerr(C, &n->sp, "'%s' 的定义引用了自身 / the definition of '%s' refers to itself", n->str,
           n->str);
      return -1;
    }
    int sub = -1;
    if (b->is_series) {
      if (n->ival < 0 && shift < 0) {
        cerr(C, &n->sp,
             "序列 '%s' 需要年份下标,如 %s[0] / series '%s' needs a year index, e.g. %s[0]", n->str,
             n->str, n->str, n->str);
        return -1;
      }
      sub = n->ival >= 0 ? (int)n->ival + (shift > 0 ? shift : 0) : shift;
      if (!check_index(C, n, sub)) return -1;
    } else if (n->ival >= 0) {
      cerr(C, &n->sp, "'%s' 不是年度序列,不能带下标 / '%s' is not a year series: no index", n->str,
           n->str);
      return -1;
    }
    C->expand++;
    int r = cexpr(C, b->def->kids[0], sub, type);
    C->expand--;
    C->nextreg = base + 1;
    return r < 0 ? -1 : base;
  }
  const tidu_field_info *fi = find_field(n->str);
  if (!fi) {
    unknown_name(C, n);
    return -1;
  }
  if (fi->type == TIDU_T_ENUM || fi->type == TIDU_T_TAGS || fi->type == TIDU_T_TEXT ||
      fi->type == TIDU_T_DATE || fi->type == TIDU_T_BOOL) {
    cerr(C, &n->sp, "'%s' 是%s / '%s' cannot be used in arithmetic", n->str, type_word(fi->type),
         n->str);
    return -1;
  }
  *type = fi->type;
  int r = newreg(C);
  if (fi->scope == 'F') {
    if (n->ival >= 0) {
      cerr(C, &n->sp, "企业字段 '%s' 不带年份下标 / firm field '%s' takes no year index", n->str,
           n->str);
      return -1;
    }
    emit(C, OP_LOADF, r, fi->index, (int)tidu_type_scale(fi->type), 0, &n->sp);
    add_input(C, 'F', fi->index, 0);
    return r;
  }
  long idx;
  if (n->ival >= 0)
    idx = n->ival + (shift > 0 ? shift : 0);
  else if (shift >= 0)
    idx = shift;
  else {
    cerr(C, &n->sp,
         "年度字段 '%s' 需要年份下标,如 %s[0] / year field '%s' needs a year index, e.g. %s[0]",
         n->str, n->str, n->str, n->str);
    return -1;
  }
  if (!check_index(C, n, idx)) return -1;
  emit(C, OP_LOADY, r, fi->index, (int)idx, (int)tidu_type_scale(fi->type), &n->sp);
  add_input(C, 'Y', fi->index, (int)idx);
  return r;
}

static int const_reg(comp *C, tidu_i128 num, tidu_i128 den, const tidu_span *sp) {
  int r = newreg(C);
  emit(C, OP_LOADC, r, add_const(C, num, den), 0, 0, sp);
  return r;
}

/* An integer literal argument (years count, index). */
static int int_literal(comp *C, const tidu_node *call, size_t i, long lo, long hi, long *out) {
  const tidu_node *a = call->kids[i];
  if (a->kind != ND_NUM || a->den != 1 || a->unit || a->num < lo || a->num > hi) {
    cerr(C, &a->sp,
         "%s() 的第 %zu 个参数应为 %ld..%ld 的整数 / argument %zu of %s() must be an integer "
         "%ld..%ld",
         call->str, i + 1, lo, hi, i + 1, call->str, lo, hi);
    return 0;
  }
  *out = (long)a->num;
  return 1;
}

static int nargs_ok(comp *C, const tidu_node *n, size_t lo, size_t hi) {
  if (n->nkids >= lo && n->nkids <= hi) return 1;
  cerr(C, &n->sp, "%s() 的参数个数不对 / wrong number of arguments to %s()", n->str, n->str);
  return 0;
}

static int series_at(int shift, long i) {
  return (int)i + (shift > 0 ? shift : 0);
}

/* r = x[s] + ... + x[s+n-1] into one register */
static int sum_series(comp *C, const tidu_node *x, int shift, long n, int *type) {
  int base = C->nextreg;
  for (long i = 0; i < n; i++) {
    int r = cexpr(C, x, series_at(shift, i), type);
    if (r < 0) return -1;
    if (i) emit(C, OP_ADD, base, base, r, 0, &x->sp);
    C->nextreg = base + 1;
  }
  return base;
}

/* Compilers of the functions: each writes the call's value into register `base` (the next
 * free register when called) and returns 0, or -1 after an error. */
typedef int (*fn_compile)(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base);

static int fn_sum_avg(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  long k = 0;
  if (!nargs_ok(C, n, 2, 2) || !int_literal(C, n, 1, 1, TIDU_CHUNK_YEARS, &k)) return -1;
  if (sum_series(C, n->kids[0], shift, k, type) < 0) return -1;
  if (f == FN_AVG) {
    int c = const_reg(C, k, 1, &n->sp);
    emit(C, OP_DIV, base, base, c, 0, &n->sp);
  }
  return 0;
}

static int fn_ratio(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  (void)f;
  long k = 0;
  int t2 = TIDU_TY_NUM;
  if (!nargs_ok(C, n, 3, 3) || !int_literal(C, n, 2, 1, TIDU_CHUNK_YEARS, &k)) return -1;
  if (sum_series(C, n->kids[0], shift, k, type) < 0) return -1;
  int r = sum_series(C, n->kids[1], shift, k, &t2);
  if (r < 0) return -1;
  emit(C, OP_DIV, base, base, r, 0, &n->sp);
  *type = TIDU_T_RATIO;
  return 0;
}

static int fn_growth(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  (void)f;
  long k = 0;
  int t2 = TIDU_TY_NUM;
  if (!nargs_ok(C, n, 1, 2)) return -1;
  if (n->nkids == 2 && !int_literal(C, n, 1, 0, TIDU_CHUNK_YEARS - 2, &k)) return -1;
  if (cexpr(C, n->kids[0], series_at(shift, k), type) < 0) return -1;
  int r = cexpr(C, n->kids[0], series_at(shift, k + 1), &t2);
  if (r < 0) return -1;
  emit(C, OP_GROWTH, base, base, r, 0, &n->sp);
  *type = TIDU_T_RATIO;
  return 0;
}

static int fn_cagr(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  (void)f;
  long k = 0;
  int t2 = TIDU_TY_NUM;
  if (!nargs_ok(C, n, 2, 2) || !int_literal(C, n, 1, 2, TIDU_CHUNK_YEARS, &k)) return -1;
  if (cexpr(C, n->kids[0], series_at(shift, 0), type) < 0) return -1;
  int r = cexpr(C, n->kids[0], series_at(shift, k - 1), &t2);
  if (r < 0) return -1;
  emit(C, OP_CAGR, base, base, r, (int)k, &n->sp);
  *type = TIDU_T_RATIO;
  return 0;
}

static int fn_avg_growth(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  (void)f;
  long k = 0;
  int t2 = TIDU_TY_NUM;
  if (!nargs_ok(C, n, 2, 2) || !int_literal(C, n, 1, 1, TIDU_CHUNK_YEARS - 1, &k)) return -1;
  for (long i = 0; i < k; i++) {
    int g = C->nextreg;
    if (cexpr(C, n->kids[0], series_at(shift, i), type) < 0) return -1;
    int r = cexpr(C, n->kids[0], series_at(shift, i + 1), &t2);
    if (r < 0) return -1;
    emit(C, OP_GROWTH, g, g, r, 0, &n->sp);
    if (i) emit(C, OP_ADD, base, base, g, 0, &n->sp);
    C->nextreg = base + 1;
  }
  int c = const_reg(C, k, 1, &n->sp);
  emit(C, OP_DIV, base, base, c, 0, &n->sp);
  *type = TIDU_T_RATIO;
  return 0;
}

static int fn_min_max(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  int t2 = TIDU_TY_NUM;
  if (n->nkids < 2) return nargs_ok(C, n, 2, 64), -1;
  for (size_t i = 0; i < n->nkids; i++) {
    int r = cexpr(C, n->kids[i], shift, i ? &t2 : type);
    if (r < 0) return -1;
    if (i) emit(C, f == FN_MIN ? OP_MIN : OP_MAX, base, base, r, 0, &n->sp);
    if (i && *type == TIDU_TY_NUM) *type = t2;
    C->nextreg = base + 1;
  }
  return 0;
}

/* the first known argument (a figure as computed, else as declared) */
static int fn_first(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  (void)f;
  int t2 = TIDU_TY_NUM;
  if (n->nkids < 2) return nargs_ok(C, n, 2, 64), -1;
  for (size_t i = 0; i < n->nkids; i++) {
    if (i) C->alt_form++;
    int r = cexpr(C, n->kids[i], shift, i ? &t2 : type);
    if (i) C->alt_form--;
    if (r < 0) return -1;
    if (i) emit(C, OP_FIRST, base, base, r, 0, &n->sp);
    if (i && *type == TIDU_TY_NUM) *type = t2;
    C->nextreg = base + 1;
  }
  return 0;
}

static int fn_floor(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  (void)f;
  if (!nargs_ok(C, n, 1, 1) || cexpr(C, n->kids[0], shift, type) < 0) return -1;
  emit(C, OP_FLOOR, base, base, 0, 0, &n->sp);
  return 0;
}

static int fn_since(comp *C, const tidu_node *n, fn_id f, int shift, int *type, int base) {
  (void)shift;
  (void)base;
  const char *name = functions[f];
  if (!nargs_ok(C, n, 1, 1)) return -1;
  const tidu_node *a = n->kids[0];
  const tidu_field_info *fi = a->kind == ND_NAME ? find_field(a->str) : NULL;
  if (!fi || fi->type != TIDU_T_DATE || a->ival >= 0) {
    cerr(C, &a->sp, "%s() 需要一个日期字段,如 founded / %s() needs a date field such as founded",
         name, name);
    return -1;
  }
  int r = newreg(C);
  emit(C, f == FN_MONTHS_SINCE ? OP_MSINCE : OP_YSINCE, r, fi->index, f == FN_FISCAL_YEARS_SINCE, 0,
       &n->sp);
  if (f == FN_MONTHS_SINCE) C->p->uses_dates = 1;
  add_input(C, 'F', fi->index, 0);
  *type = TIDU_T_COUNT;
  return 0;
}

static const fn_compile fn_compilers[] = {
#define X(id, name, flags, compile) compile,
    TIDU_FUNCTIONS(X)
#undef X
};

static int ccall(comp *C, const tidu_node *n, int shift, int *type) {
  int base = C->nextreg;
  fn_id f = fn_find(n->str);
  if (f == FN_COUNT || !fn_compilers[f]) {
    const char *best = NULL;
    size_t bestd = 64;
    for (size_t i = 0; functions[i]; i++) consider(n->str, functions[i], &best, &bestd);
    if (bestd <= 2)
      cerr(C, &n->sp, "未知函数 '%s'(是否为 '%s'?) / unknown function '%s' (did you mean '%s'?)",
           n->str, best, n->str, best);
    else
      cerr(C, &n->sp, "未知函数 '%s' / unknown function '%s'", n->str, n->str);
    return -1;
  }
  if (fn_compilers[f](C, n, f, shift, type, base) < 0) return -1;
  C->nextreg = base + 1;
  return base;
}

static int cexpr(comp *C, const tidu_node *n, int shift, int *type) {
  int base = C->nextreg;
  *type = TIDU_TY_NUM;
  switch (n->kind) {
  case ND_NUM:
    *type = n->unit == 'M' ? TIDU_T_MONEY : n->unit == '%' ? TIDU_T_RATIO : TIDU_TY_NUM;
    return const_reg(C, n->num, n->den, &n->sp);
  case ND_BOOL:
    *type = TIDU_T_BOOL;
    return const_reg(C, n->ival, 1, &n->sp);
  case ND_NAME:
    return load_name(C, n, shift, type);
  case ND_CALL:
    return ccall(C, n, shift, type);
  case ND_NEG:
    if (cexpr(C, n->kids[0], shift, type) < 0) return -1;
    emit(C, OP_NEG, base, base, 0, 0, &n->sp);
    return base;
  case ND_BIN: {
    int ta, tb;
    if (cexpr(C, n->kids[0], shift, &ta) < 0) return -1;
    int r = cexpr(C, n->kids[1], shift, &tb);
    if (r < 0) return -1;
    tidu_opcode op = n->op == '+' ? OP_ADD : n->op == '-' ? OP_SUB : n->op == '*' ? OP_MUL : OP_DIV;
    emit(C, op, base, base, r, 0, &n->sp);
    C->nextreg = base + 1;
    *type = result_type(n->op, ta, tb);
    return base;
  }
  default:
    cerr(C, &n->sp, "此处需要表达式 / an expression is expected here");
    return -1;
  }
}

/* ---- bounds of min / max / first ----------------------------------------------------------
 * min(a, b) with b unknown is still at most a: a comparison that a known operand settles is
 * decided (a net loss already fails "profit > 0" with 扣非 missing). cbound compiles an upper
 * (up = 1) or lower bound of an expression: unknown there means "no bound". Only sums,
 * differences, negation, division or multiplication by a positive constant and the three
 * functions carry bounds; anything else is bounded by its exact value. */

static tidu_cmp cmp_of(int tok);

static int has_bounds(comp *C, const tidu_node *n, int depth) {
  if (!n || depth > MAX_EXPAND) return 0;
  if (calls_fn_with(n, FN_BOUNDED)) return 1;
  if (n->kind == ND_NAME) {
    const sbind *b = find_binding(C, n->str);
    return b && !b->is_cond && has_bounds(C, b->def->kids[0], depth + 1);
  }
  for (size_t i = 0; i < n->nkids; i++)
    if (has_bounds(C, n->kids[i], depth + 1)) return 1;
  return 0;
}

static int positive_const(const tidu_node *n) {
  return n->kind == ND_NUM && n->num > 0 && n->den > 0;
}

static int cbound(comp *C, const tidu_node *n, int shift, int up, int *type) {
  int base = C->nextreg;
  if (!has_bounds(C, n, 0) || C->expand >= MAX_EXPAND) return cexpr(C, n, shift, type);
  int t2;
  switch (n->kind) {
  case ND_NAME: {
    const sbind *b = find_binding(C, n->str);
    int sub = -1;
    if (b->is_series) {
      sub = n->ival >= 0 ? (int)n->ival + (shift > 0 ? shift : 0) : shift;
      if (!check_index(C, n, sub)) return -1;
    }
    C->expand++;
    int r = cbound(C, b->def->kids[0], sub, up, type);
    C->expand--;
    C->nextreg = base + 1;
    return r < 0 ? -1 : base;
  }
  case ND_NEG:
    if (cbound(C, n->kids[0], shift, !up, type) < 0) return -1;
    emit(C, OP_NEG, base, base, 0, 0, &n->sp);
    return base;
  case ND_BIN: {
    int ta, tb, r;
    if (n->op == '+' || n->op == '-') {
      if (cbound(C, n->kids[0], shift, up, &ta) < 0) return -1;
      r = cbound(C, n->kids[1], shift, n->op == '+' ? up : !up, &tb);
    } else if ((n->op == '*' || n->op == '/') && positive_const(n->kids[1])) {
      if (cbound(C, n->kids[0], shift, up, &ta) < 0) return -1;
      r = cexpr(C, n->kids[1], shift, &tb);
    } else if (n->op == '*' && positive_const(n->kids[0])) {
      if (cexpr(C, n->kids[0], shift, &ta) < 0) return -1;
      r = cbound(C, n->kids[1], shift, up, &tb);
    } else {
      return cexpr(C, n, shift, type);
    }
    if (r < 0) return -1;
    tidu_opcode op = n->op == '+' ? OP_ADD : n->op == '-' ? OP_SUB : n->op == '*' ? OP_MUL : OP_DIV;
    emit(C, op, base, base, r, 0, &n->sp);
    C->nextreg = base + 1;
    *type = result_type(n->op, ta, tb);
    return base;
  }
  case ND_CALL: {
    fn_id f = fn_find(n->str);
    long k = 0;
    if (f < FN_COUNT && (fn_flags[f] & FN_SUMMING)) {
      if (!nargs_ok(C, n, 2, 2) || !int_literal(C, n, 1, 1, TIDU_CHUNK_YEARS, &k)) return -1;
      for (long i = 0; i < k; i++) {
        int r = cbound(C, n->kids[0], series_at(shift, i), up, type);
        if (r < 0) return -1;
        if (i) emit(C, OP_ADD, base, base, r, 0, &n->sp);
        C->nextreg = base + 1;
      }
      if (f == FN_AVG) {
        int c = const_reg(C, k, 1, &n->sp);
        emit(C, OP_DIV, base, base, c, 0, &n->sp);
        C->nextreg = base + 1;
      }
      return base;
    }
    int is_min = f == FN_MIN, is_max = f == FN_MAX, is_first = f == FN_FIRST;
    if (!is_min && !is_max && !is_first) return cexpr(C, n, shift, type);
    if (n->nkids < 2) return nargs_ok(C, n, 2, 64), -1;
    if (is_first) {
      /* forms of one figure: the first known form's value; when none is known, the tightest
       * bound any form gives */
      for (size_t i = 0; i < n->nkids; i++) {
        if (i) C->alt_form++;
        int r = cbound(C, n->kids[i], shift, up, i ? &t2 : type);
        if (i) C->alt_form--;
        if (r < 0) return -1;
        if (i) emit(C, up ? OP_MIN : OP_MAX, base, base, r, 1, &n->sp);
        if (i && *type == TIDU_TY_NUM) *type = t2;
        C->nextreg = base + 1;
      }
      for (size_t i = n->nkids; i-- > 0;) {
        if (i) C->alt_form++;
        int r = cexpr(C, n->kids[i], shift, &t2);
        if (i) C->alt_form--;
        if (r < 0) return -1;
        emit(C, OP_FIRST, base, r, base, 0, &n->sp);
        C->nextreg = base + 1;
      }
      return base;
    }
    /* the upper bound of a min (lower of a max) is the smallest (largest) known bound */
    int known_only = is_min ? up : !up;
    for (size_t i = 0; i < n->nkids; i++) {
      int r = cbound(C, n->kids[i], shift, up, i ? &t2 : type);
      if (r < 0) return -1;
      if (i) emit(C, is_min ? OP_MIN : OP_MAX, base, base, r, known_only, &n->sp);
      if (i && *type == TIDU_TY_NUM) *type = t2;
      C->nextreg = base + 1;
    }
    return base;
  }
  default:
    return cexpr(C, n, shift, type);
  }
}

/* Can the upper (up = 1) or lower bound of an expression be known while its value is not? */
static int informative(comp *C, const tidu_node *n, int up, int depth) {
  if (!n || depth > MAX_EXPAND) return 0;
  switch (n->kind) {
  case ND_NAME: {
    const sbind *b = find_binding(C, n->str);
    return b && !b->is_cond && informative(C, b->def->kids[0], up, depth + 1);
  }
  case ND_NEG:
    return informative(C, n->kids[0], !up, depth + 1);
  case ND_BIN:
    if (n->op == '+')
      return informative(C, n->kids[0], up, depth + 1) || informative(C, n->kids[1], up, depth + 1);
    if (n->op == '-')
      return informative(C, n->kids[0], up, depth + 1) ||
             informative(C, n->kids[1], !up, depth + 1);
    if (positive_const(n->kids[1])) return informative(C, n->kids[0], up, depth + 1);
    if (n->op == '*' && positive_const(n->kids[0]))
      return informative(C, n->kids[1], up, depth + 1);
    return 0;
  case ND_CALL: {
    fn_id f = fn_find(n->str);
    int is_min = f == FN_MIN, is_max = f == FN_MAX;
    if ((is_min && up) || (is_max && !up)) return n->nkids >= 2;
    int flags = f < FN_COUNT ? fn_flags[f] : 0;
    if (flags & (FN_BOUNDED | FN_SUMMING)) {
      size_t k = flags & FN_SUMMING ? 1 : n->nkids;
      for (size_t i = 0; i < k && i < n->nkids; i++)
        if (informative(C, n->kids[i], up, depth + 1)) return 1;
    }
    return 0;
  }
  default:
    return 0;
  }
}

/* After a comparison: decides its unknown lanes where the bounds settle it. The bounds are
 * computed only when some lane of the comparison is unknown (SKIP) and only in the directions
 * that can inform (the upper bound of a min, the lower bound of a max). */
static int settle(comp *C, int ci, const tidu_node *l, const tidu_node *r, int shift, int op) {
  if (op == TK_EQ || op == TK_NE) return 1;
  int ge = op == TK_GE || op == TK_GT;
  /* x >= t fails on (upper x, lower t), passes on (lower x, upper t); mirrored for <= */
  int need[4] = {informative(C, l, 1, 0), informative(C, l, 0, 0), informative(C, r, 1, 0),
                 informative(C, r, 0, 0)};
  int fail_inf = ge ? need[0] || need[3] : need[1] || need[2];
  int pass_inf = ge ? need[1] || need[2] : need[0] || need[3];
  if (!fail_inf && !pass_inf) return 1;
  size_t skip_at = C->p->ncode;
  emit(C, OP_SKIP, ci, 0, 0, 0, &l->sp);
  int t, reg[4] = {-1, -1, -1, -1}, exact[2] = {-1, -1};
  const tidu_node *side[2] = {l, r};
  for (int i = 0; i < 4; i++) {
    int up = i == 0 || i == 2, s = i / 2;
    /* the bound this test uses: x's and t's bounds of the fail test, then of the pass test */
    int used = (i == 0 || i == 3) ? (ge ? fail_inf : pass_inf) : (ge ? pass_inf : fail_inf);
    if (!used) continue;
    if (need[i]) {
      reg[i] = cbound(C, side[s], shift, up, &t);
    } else {
      if (exact[s] < 0) exact[s] = cexpr(C, side[s], shift, &t);
      reg[i] = exact[s];
    }
    if (reg[i] < 0) return 0;
  }
  emit(C, OP_SETTLE, ci, reg[0], reg[1], cmp_of(op), &l->sp);
  last_instr(C)->e = reg[2];
  last_instr(C)->f = reg[3];
  C->p->code[skip_at].b = (int)(C->p->ncode - skip_at - 1);
  return 1;
}

/* ---- conditions ------------------------------------------------------------------------ */

static int new_cond(comp *C, tidu_pcond_kind kind, const tidu_node *n, int parent, int depth,
                    const char *path, const char *cite, int hidden) {
  tidu_prog *p = C->p;
  if (!GROW(C, p->conds, p->capconds, p->nconds)) return -1;
  tidu_pcond *c = &p->conds[p->nconds];
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->hidden = hidden;
  c->parent = parent;
  c->depth = depth;
  c->path = tidu_strdup(path);
  c->source = n->cite ? n->cite : cite;
  c->type = TIDU_T_COUNT;
  c->cmp = -1;
  c->line = n->sp.line;
  c->col = n->sp.col;
  c->chars = n->sp.chars;
  if (!c->path) C->nomem = 1;
  return (int)p->nconds++;
}

static void set_texts(comp *C, int ci, const tidu_node *n, int shift, int type) {
  tidu_pcond *c = &C->p->conds[ci];
  free(c->text);
  free(c->text_en);
  c->text = tidu_explain_cond_text(n, shift, type, 0);
  c->text_en = tidu_explain_cond_text(n, shift, type, 1);
  if (!c->text || !c->text_en) C->nomem = 1;
}

static void take_inputs(comp *C, int ci) {
  tidu_pcond *c = &C->p->conds[ci];
  if (!C->nin) return;
  c->inputs = tidu_malloc(C->nin * sizeof *c->inputs);
  if (!c->inputs) {
    C->nomem = 1;
    return;
  }
  memcpy(c->inputs, C->in, C->nin * sizeof *c->inputs);
  c->ninputs = C->nin;
}

static void add_kid_index(comp *C, int parent, int kid) {
  if (parent < 0 || kid < 0) return;
  tidu_pcond *c = &C->p->conds[parent];
  int *k = tidu_realloc(c->kids, (c->nkids + 1) * sizeof *k);
  if (!k) {
    C->nomem = 1;
    return;
  }
  c->kids = k;
  c->kids[c->nkids++] = kid;
}

static tidu_cmp cmp_of(int tok) {
  switch (tok) {
  case TK_GE:
    return CMP_GE;
  case TK_GT:
    return CMP_GT;
  case TK_LE:
    return CMP_LE;
  case TK_LT:
    return CMP_LT;
  case TK_EQ:
    return CMP_EQ;
  default:
    return CMP_NE;
  }
}

static int add_mask(comp *C, uint64_t m) {
  uint64_t *p = tidu_realloc(C->p->masks, (C->p->nmasks + 1) * sizeof *p);
  if (!p) {
    C->nomem = 1;
    return 0;
  }
  C->p->masks = p;
  p[C->p->nmasks] = m;
  return (int)C->p->nmasks++;
}

/* Resolves enumeration value names to a bit mask; reports unknown values. */
static int enum_mask(comp *C, const tidu_node *n, const tidu_field_info *fi, char **names,
                     size_t nnames, uint64_t *mask) {
  *mask = 0;
  for (size_t i = 0; i < nnames; i++) {
    int v = tidu_enum_find(fi->enum_id, names[i]);
    if (v < 0 || v > 63) {
      const char *best = NULL;
      size_t bestd = 64;
      for (int e = 0; e < tidu_enum_count(fi->enum_id); e++)
        consider(names[i], tidu_enum_name(fi->enum_id, e), &best, &bestd);
      if (best && bestd <= 3)
        cerr(C, &n->sp,
             "'%s' 没有取值 '%s'(是否为 '%s'?) / '%s' has no value '%s' (did you mean '%s'?)",
             fi->name, names[i], best, fi->name, names[i], best);
      else
        cerr(C, &n->sp, "'%s' 没有取值 '%s' / '%s' has no value '%s'", fi->name, names[i], fi->name,
             names[i]);
      return 0;
    }
    *mask |= 1ULL << v;
  }
  return 1;
}

static const tidu_field_info *decl_field(comp *C, const tidu_node *e, tidu_type want,
                                         const char *what) {
  const tidu_field_info *fi = e->kind == ND_NAME ? find_field(e->str) : NULL;
  if (!fi || fi->type != want || e->ival >= 0) {
    if (e->kind == ND_NAME && !fi && !find_binding(C, e->str))
      unknown_name(C, e);
    else
      cerr(C, &e->sp, "此处需要%s字段 / %s field expected here", what, what);
    return NULL;
  }
  return fi;
}

static int ccond(comp *C, const tidu_node *n, int parent, int depth, const char *path,
                 const char *cite, int shift, int hidden);

/* Compiles the kids of a block node into cond `ci`. */
static void block_kids(comp *C, int ci, const tidu_node *n, int depth, const char *path,
                       const char *kindname, const char *cite, int shift, int hidden) {
  for (size_t i = 0; i < n->nkids; i++) {
    char sub[256];
    if (depth < 0 || !path[0])
      snprintf(sub, sizeof sub, "[%zu]", i);
    else
      snprintf(sub, sizeof sub, "%s/%s[%zu]", path, kindname, i);
    int k = ccond(C, n->kids[i], ci, depth + 1, sub, cite, shift, hidden);
    add_kid_index(C, ci, k);
  }
}

/* A comparison leaf: generic, enumeration, bool, or an exact cagr comparison. */
static int cmp_leaf(comp *C, const tidu_node *n, int ci, int shift) {
  const tidu_node *l = n->kids[0], *r = n->kids[1];
  const tidu_field_info *lf =
      l->kind == ND_NAME && !find_binding(C, l->str) ? find_field(l->str) : NULL;
  tidu_pcond *c = &C->p->conds[ci];
  if (lf && (lf->type == TIDU_T_ENUM || lf->type == TIDU_T_BOOL)) {
    c->kind = PC_TEST;
    c->type = lf->type;
    if (lf->type == TIDU_T_ENUM && r->kind != ND_NAME) {
      cerr(C, &n->sp, "不能把枚举 '%s' 与数值比较 / cannot compare enumeration '%s' with a number",
           l->str, l->str);
      return 0;
    }
    if (n->op != TK_EQ && n->op != TK_NE) {
      cerr(C, &n->sp, "'%s' 只能用 == 或 != 比较 / '%s' can only be compared with == or !=", l->str,
           l->str);
      return 0;
    }
    if (lf->type == TIDU_T_BOOL) {
      if (r->kind != ND_BOOL) {
        cerr(C, &r->sp,
             "'%s' 是是非项,只能与 true/false 比较 / '%s' is a yes/no field: compare with true or "
             "false",
             l->str, l->str);
        return 0;
      }
      emit(C, OP_BOOLF, ci, lf->index, (r->ival != 0) != (n->op == TK_EQ), lf->judge, &n->sp);
      if (lf->judge) add_input(C, 'F', lf->index, 0);
      return 1;
    }
    if (r->kind != ND_NAME || r->ival >= 0) {
      cerr(C, &r->sp, "不能把枚举 '%s' 与数值比较 / cannot compare enumeration '%s' with a number",
           l->str, l->str);
      return 0;
    }
    uint64_t mask;
    char *names[1] = {r->str};
    if (!enum_mask(C, r, lf, names, 1, &mask)) return 0;
    if (n->op == TK_NE) {
      int cnt = tidu_enum_count(lf->enum_id);
      uint64_t all = cnt >= 64 ? ~0ULL : (1ULL << cnt) - 1;
      mask = all & ~mask;
    }
    emit(C, OP_IN, ci, lf->index, add_mask(C, mask), lf->judge, &n->sp);
    if (lf->judge) add_input(C, 'F', lf->index, 0);
    return 1;
  }
  C->nextreg = 0;
  int tl, tr;
  if (l->kind == ND_CALL && fn_find(l->str) == FN_CAGR && l->nkids == 2) {
    long k;
    if (!int_literal(C, l, 1, 2, TIDU_CHUNK_YEARS, &k)) return 0;
    int a = cexpr(C, l->kids[0], series_at(shift, 0), &tl);
    int b = a < 0 ? -1 : cexpr(C, l->kids[0], series_at(shift, k - 1), &tl);
    int t = b < 0 ? -1 : cexpr(C, r, shift, &tr);
    if (t < 0) return 0;
    emit(C, OP_CMPCAGR, ci, a, b, cmp_of(n->op), &n->sp);
    last_instr(C)->e = (int)k;
    last_instr(C)->f = t;
    c = &C->p->conds[ci];
    c->type = TIDU_T_RATIO;
    c->numeric = 1;
    c->cmp = cmp_of(n->op);
    return 1;
  }
  int a = cexpr(C, l, shift, &tl);
  if (a < 0) return 0;
  if (r->kind == ND_NUM || (r->kind == ND_NEG && r->kids[0]->kind == ND_NUM)) {
    /* a constant on the right: no register for it */
    const tidu_node *k = r->kind == ND_NUM ? r : r->kids[0];
    tr = k->unit == 'M' ? TIDU_T_MONEY : k->unit == '%' ? TIDU_T_RATIO : TIDU_TY_NUM;
    if (tl == TIDU_T_BOOL) {
      cerr(C, &n->sp, "不能比较是非值与数值 / cannot compare a yes/no value with a number");
      return 0;
    }
    int kc = add_const(C, r->kind == ND_NUM ? k->num : -k->num, k->den);
    emit(C, OP_CMPK, ci, a, kc, cmp_of(n->op), &n->sp);
    if (!settle(C, ci, l, r, shift, n->op)) return 0;
    c = &C->p->conds[ci];
    c->type = tl != TIDU_TY_NUM ? tl : tr != TIDU_TY_NUM ? tr : TIDU_T_COUNT;
    c->numeric = n->op != TK_EQ && n->op != TK_NE;
    c->cmp = cmp_of(n->op);
    return 1;
  }
  int b = cexpr(C, r, shift, &tr);
  if (b < 0) return 0;
  if ((tl == TIDU_T_BOOL) != (tr == TIDU_T_BOOL)) {
    cerr(C, &n->sp, "不能比较是非值与数值 / cannot compare a yes/no value with a number");
    return 0;
  }
  emit(C, OP_CMP, ci, a, b, cmp_of(n->op), &n->sp);
  if (!settle(C, ci, l, r, shift, n->op)) return 0;
  c = &C->p->conds[ci];
  c->type = tl != TIDU_TY_NUM ? tl : tr != TIDU_TY_NUM ? tr : TIDU_T_COUNT;
  c->numeric = n->op != TK_EQ && n->op != TK_NE && tl != TIDU_T_BOOL;
  c->cmp = cmp_of(n->op);
  return 1;
}

static int pred_leaf(comp *C, const tidu_node *n, int ci, int depth, const char *path,
                     const char *cite, int shift, int hidden) {
  const tidu_node *e = n->kids[0];
  tidu_pcond *c = &C->p->conds[ci];
  c->kind = PC_TEST;
  (void)cite;
  if (e->kind == ND_NAME && e->ival < 0) {
    const sbind *b = find_binding(C, e->str);
    if (b && b->is_cond) {
      if (C->expand >= MAX_EXPAND) {
        cerr(C, &e->sp, "'%s' 的定义引用了自身 / the definition of '%s' refers to itself", e->str,
             e->str);
        return 0;
      }
      /* the named condition becomes an all/any node here, its conditions below it */
      const tidu_node *blk = b->def->kids[0];
      c->kind = blk->kind == ND_ALL ? PC_ALL : PC_ANY;
      if (!n->cite && blk->cite) c->source = blk->cite;
      C->expand++;
      block_kids(C, ci, blk, depth, path[0] ? path : "", blk->kind == ND_ALL ? "all" : "any",
                 c->source, -1, hidden);
      C->expand--;
      c = &C->p->conds[ci];
      emit(C, c->kind == PC_ALL ? OP_ALL : OP_ANY, ci, 0, 0, 0, &n->sp);
      if (!n->label) {
        free(c->text);
        free(c->text_en);
        c->text = tidu_strdup(blk->label ? blk->label : e->str);
        c->text_en = tidu_explain_name_en(e->str);
        if (!c->text || !c->text_en) C->nomem = 1;
      }
      (void)shift;
      return 1;
    }
    const tidu_field_info *fi = b ? NULL : find_field(e->str);
    if (fi && fi->type == TIDU_T_BOOL) {
      c->type = TIDU_T_BOOL;
      emit(C, OP_BOOLF, ci, fi->index, 0, fi->judge, &n->sp);
      if (fi->judge) add_input(C, 'F', fi->index, 0);
      return 1;
    }
  }
  C->nextreg = 0;
  int t;
  int r = cexpr(C, e, shift, &t);
  if (r < 0) return 0;
  emit(C, OP_TRUTH, ci, r, 0, 0, &n->sp);
  return 1;
}

/* cond = ( "all" block | "any" block | "not" cond | pred ) [ label ] [ cite ] */
static int ccond(comp *C, const tidu_node *n, int parent, int depth, const char *path,
                 const char *cite, int shift, int hidden) {
  if (C->nomem) return -1;
  tidu_pcond_kind kind = n->kind == ND_ALL || n->kind == ND_EACH ? PC_ALL
                         : n->kind == ND_ANY                     ? PC_ANY
                         : n->kind == ND_NOT                     ? PC_NOT
                         : n->kind == ND_CMP                     ? PC_CMP
                                                                 : PC_TEST;
  int ci = new_cond(C, kind, n, parent, depth, path, cite, hidden);
  if (ci < 0) return -1;
  const char *src = C->p->conds[ci].source;
  int leaf = kind == PC_CMP || kind == PC_TEST;
  if (leaf) {
    C->nin = 0;
    C->uses_range = 0;
  }
  int ok = 1, type = TIDU_T_COUNT;
  switch (n->kind) {
  case ND_ALL:
  case ND_ANY:
    block_kids(C, ci, n, depth, path, n->kind == ND_ALL ? "all" : "any", src, shift, hidden);
    emit(C, n->kind == ND_ALL ? OP_ALL : OP_ANY, ci, 0, 0, 0, &n->sp);
    break;
  case ND_NOT: {
    char sub[256];
    snprintf(sub, sizeof sub, "%s%snot[0]", path, path[0] ? "/" : "");
    int k = ccond(C, n->kids[0], ci, depth + 1, sub, src, shift, hidden);
    add_kid_index(C, ci, k);
    emit(C, OP_NOT, ci, k, 0, 0, &n->sp);
    if (!n->label && k >= 0 && C->p->conds[k].text) {
      /* "不满足: <the negated condition>" */
      tidu_sb zh = {0}, en = {0};
      tidu_sb_printf(&zh, "不满足:%s", C->p->conds[k].text);
      tidu_sb_printf(&en, "not: %s", C->p->conds[k].text_en ? C->p->conds[k].text_en : "");
      tidu_pcond *c = &C->p->conds[ci];
      c->text = tidu_sb_take(&zh);
      c->text_en = tidu_sb_take(&en);
      if (!c->text || !c->text_en) C->nomem = 1;
    }
    break;
  }
  case ND_EACH: {
    tidu_node tmp = *n;
    tidu_node *kids[2] = {n->kids[0], n->kids[1]};
    tmp.kind = ND_CMP;
    tmp.kids = kids;
    tmp.nkids = 2;
    tmp.label = NULL;
    tmp.cite = NULL;
    for (long i = 0; i < n->ival; i++) {
      char sub[256];
      snprintf(sub, sizeof sub, "%s%seach[%ld]", path, path[0] ? "/" : "", i);
      int k = new_cond(C, PC_CMP, &tmp, ci, depth + 1, sub, src, hidden);
      if (k < 0) return -1;
      C->nin = 0;
      if (cmp_leaf(C, &tmp, k, series_at(shift, i))) {
        take_inputs(C, k);
        set_texts(C, k, &tmp, series_at(shift, i), C->p->conds[k].type);
        type = C->p->conds[k].type;
      }
      add_kid_index(C, ci, k);
    }
    emit(C, OP_ALL, ci, 0, 0, 0, &n->sp);
    C->p->conds[ci].type = type;
    break;
  }
  case ND_CMP:
    ok = cmp_leaf(C, n, ci, shift);
    break;
  case ND_IN:
  case ND_HAS: {
    int tags = n->kind == ND_HAS;
    const tidu_field_info *fi = decl_field(C, n->kids[0], tags ? TIDU_T_TAGS : TIDU_T_ENUM,
                                           tags ? "标签 / tag" : "枚举 / enumeration");
    uint64_t mask;
    ok = fi && enum_mask(C, n, fi, n->strs, n->nstrs, &mask);
    if (ok) {
      emit(C, tags ? OP_HAS : OP_IN, ci, fi->index, add_mask(C, mask), fi->judge, &n->sp);
      if (fi->judge) add_input(C, 'F', fi->index, 0);
      C->p->conds[ci].type = fi->type;
    }
    break;
  }
  case ND_STARTS: {
    const tidu_field_info *fi = decl_field(C, n->kids[0], TIDU_T_TEXT, "文本 / text");
    ok = fi != NULL;
    if (ok) {
      tidu_strset *ss = tidu_realloc(C->p->strsets, (C->p->nstrsets + 1) * sizeof *ss);
      if (!ss) return C->nomem = 1, -1;
      C->p->strsets = ss;
      tidu_strset *s = &ss[C->p->nstrsets];
      s->s = tidu_calloc(n->nstrs ? n->nstrs : 1, sizeof *s->s);
      s->n = 0;
      if (!s->s) return C->nomem = 1, -1;
      for (size_t i = 0; i < n->nstrs; i++) {
        s->s[i] = tidu_strdup(n->strs[i]);
        if (!s->s[i]) C->nomem = 1;
        s->n++;
      }
      emit(C, OP_STARTS, ci, fi->index, (int)C->p->nstrsets++, 0, &n->sp);
      add_input(C, 'F', fi->index, 0);
      C->p->conds[ci].type = TIDU_T_TEXT;
    }
    break;
  }
  case ND_PRED:
    ok = pred_leaf(C, n, ci, depth, path, src, shift, hidden);
    break;
  default:
    cerr(C, &n->sp, "此处需要条件 / a condition is expected here");
    ok = 0;
  }
  if (!ok || C->nomem) return ci;
  tidu_pcond *c = &C->p->conds[ci];
  if (!c->text) set_texts(C, ci, n, shift, c->type);
  if (leaf) {
    take_inputs(C, ci);
    if (C->uses_range && C->phase == 0) {
      /* the high end of a score range: a hidden twin, merged into this one */
      C->phase = 1;
      int h = ccond(C, n, -1, depth, path, src, shift, 1);
      C->phase = 0;
      emit(C, OP_MERGE, ci, h, 0, 0, &n->sp);
    }
  }
  return ci;
}

/* A block (standard, require, pass): a root ALL cond whose kids are the block's conditions. */
static int cblock(comp *C, const tidu_node *blk, const char *cite) {
  int ci = new_cond(C, PC_ALL, blk, -1, -1, "", cite, 0);
  if (ci < 0) return -1;
  block_kids(C, ci, blk, -1, "", "all", cite, -1, 0);
  emit(C, OP_ALL, ci, 0, 0, 0, &blk->sp);
  tidu_pcond *c = &C->p->conds[ci];
  c->text = tidu_strdup("以下条件均满足");
  c->text_en = tidu_strdup("all of");
  return ci;
}

/* ---- declarations ---------------------------------------------------------------------- */

/* Points ×10^6, clamped to ±10^9 points so that sums cannot overflow. */
static int64_t micro(double v) {
  if (!(v == v)) return 0;
  if (v > 1e9) v = 1e9;
  if (v < -1e9) v = -1e9;
  return (int64_t)(v * 1e6 + (v < 0 ? -0.5 : 0.5));
}

static int find_group(comp *C, const char *id) {
  for (size_t g = 0; g < C->ngroups; g++)
    if (strcmp(C->groups[g]->str, id) == 0) return (int)g;
  return -1;
}

static void citem(comp *C, const tidu_node *n, size_t idx, const char *cite) {
  tidu_pitem *it = &C->p->items[idx];
  it->max = micro(n->max);
  it->group = -1;
  if (n->group) {
    it->group = find_group(C, n->group);
    if (it->group < 0) cerr(C, &n->sp, "未知分组 '%s' / unknown group '%s'", n->group, n->group);
  }
  const char *src = n->cite ? n->cite : cite;
  if (n->ival == 1) {
    it->formula = 1;
    C->nextreg = 0;
    C->nin = 0;
    int t;
    int r = cexpr(C, n->kids[0], -1, &t);
    if (r < 0) return;
    it->inputs = C->nin ? tidu_malloc(C->nin * sizeof *it->inputs) : NULL;
    if (C->nin && !it->inputs) {
      C->nomem = 1;
      return;
    }
    if (C->nin) memcpy(it->inputs, C->in, C->nin * sizeof *it->inputs);
    it->ninputs = C->nin;
    emit(C, OP_ITEMF, (int)idx, r, 0, 0, &n->sp);
    return;
  }
  it->bands = tidu_calloc(n->nkids, sizeof *it->bands);
  it->conds = tidu_calloc(n->nkids, sizeof *it->conds);
  if (!it->bands || !it->conds) {
    C->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->nkids; i++) {
    const tidu_node *band = n->kids[i];
    int ci = -1;
    if (band->nkids) {
      char sub[64];
      snprintf(sub, sizeof sub, "band[%zu]", i);
      ci = ccond(C, band->kids[0], -1, 0, sub, src, -1, 0);
      it = &C->p->items[idx];
      it->conds[it->nconds++] = ci;
    }
    it->bands[i].cond = ci;
    it->bands[i].points = micro(band->points);
    it->nbands++;
  }
  emit(C, OP_ITEM, (int)idx, 0, 0, 0, &n->sp);
}

static int count_kind(const tidu_ast *a, tidu_node_kind k) {
  int n = 0;
  for (size_t i = 0; i < a->ndecls; i++) n += a->decls[i]->kind == k;
  return n;
}

/* Checks a binding by compiling it into a scratch program. */
static void check_binding(comp *C, const tidu_node *let, sbind *b) {
  tidu_prog scratch;
  memset(&scratch, 0, sizeof scratch);
  tidu_prog *saved = C->p;
  C->p = &scratch;
  C->nextreg = 0;
  if (b->is_cond) {
    ccond(C, let->kids[0], -1, 0, "", NULL, -1, 0);
  } else {
    int t = TIDU_TY_NUM;
    cexpr(C, let->kids[0], b->is_series ? 0 : -1, &t);
    b->type = t;
  }
  C->p = saved;
  tidu_prog_free(&scratch);
}

static void free_comp(comp *C) {
  free(C->b);
  free(C->in);
  free(C->groups);
}

static void start_comp(comp *C, const char *file, const tidu_prelude *pre, tidu_errlist *errs) {
  memset(C, 0, sizeof *C);
  C->file = file;
  C->errs = errs;
  if (!pre) return;
  for (size_t i = 0; i < pre->nb; i++) {
    if (!GROW(C, C->b, C->capb, C->nb)) return;
    C->b[C->nb].name = pre->b[i].name;
    C->b[C->nb].def = pre->b[i].def;
    C->b[C->nb].is_series = pre->b[i].is_series;
    C->b[C->nb].is_cond = pre->b[i].is_cond;
    C->b[C->nb].type = pre->b[i].type;
    C->nb++;
  }
}

static char *source_text(const char *text, const tidu_span *sp) {
  return text ? tidu_strndup(text + sp->off, sp->len) : NULL;
}

int tidu_compile_prelude(const char *file, tidu_prelude *pre, tidu_errlist *errs) {
  comp C;
  start_comp(&C, file, NULL, errs);
  tidu_prog dummy;
  memset(&dummy, 0, sizeof dummy);
  C.p = &dummy;
  const tidu_ast *a = pre->ast;
  pre->b = tidu_calloc(a->ndecls ? a->ndecls : 1, sizeof *pre->b);
  if (!pre->b) return -1;
  for (size_t i = 0; i < a->ndecls; i++) {
    const tidu_node *let = a->decls[i];
    if (!add_binding(&C, let)) break;
    check_binding(&C, let, &C.b[C.nb - 1]);
    tidu_binding *pb = &pre->b[pre->nb++];
    pb->name = let->str;
    pb->def = let;
    pb->is_series = C.b[C.nb - 1].is_series;
    pb->is_cond = C.b[C.nb - 1].is_cond;
    pb->type = C.b[C.nb - 1].type == TIDU_TY_NUM ? TIDU_T_COUNT : C.b[C.nb - 1].type;
    pb->formula = source_text(pre->text, &let->kids[0]->sp);
    if (let->kids[0]->kind == ND_CALL || let->kids[0]->kind == ND_BIN) {
      /* the span of a call or binary node ends at its last token */
    }
  }
  int n = C.nomem ? -1 : C.nerr;
  tidu_prog_free(&dummy);
  free_comp(&C);
  return n;
}

static const char *dup_meta(comp *C, const char *s) {
  if (!s) return NULL;
  char *d = tidu_strdup(s);
  if (!d) C->nomem = 1;
  return d;
}

/* Fills rs->meta from the AST (strings copied; freed with the rule set). */
static void fill_meta(comp *C, const tidu_ast *a, tidu_ruleset *rs) {
  tidu_ruleset_info *m = &rs->meta;
  m->id = dup_meta(C, a->id);
  m->name = dup_meta(C, a->name);
  m->name_en = dup_meta(C, a->name_en);
  m->kind = a->kind;
  m->version = dup_meta(C, a->version);
  m->effective = a->effective;
  m->until = a->has_until ? a->until : INT64_MAX;
  m->until_explicit = a->has_until;
  m->source = dup_meta(C, a->source);
  m->file = dup_meta(C, C->file);
  m->notes = tidu_calloc(a->nnotes + 1, sizeof *m->notes);
  m->regions = tidu_calloc(a->nregions + 1, sizeof *m->regions);
  if (!m->notes || !m->regions) {
    C->nomem = 1;
    return;
  }
  for (size_t i = 0; i < a->nnotes; i++) m->notes[m->nnotes++] = dup_meta(C, a->notes[i]);
  for (size_t i = 0; i < a->nregions; i++) m->regions[m->nregions++] = dup_meta(C, a->regions[i]);
  size_t ns = (size_t)count_kind(a, ND_STANDARD), ni = (size_t)count_kind(a, ND_SCORE),
         ng = (size_t)count_kind(a, ND_GROUP), nf = (size_t)count_kind(a, ND_INFO);
  tidu_std_info *st = tidu_calloc(ns + 1, sizeof *st);
  tidu_item_info *it = tidu_calloc(ni + 1, sizeof *it);
  tidu_group_info *gr = tidu_calloc(ng + 1, sizeof *gr);
  tidu_info_line *inf = tidu_calloc(nf + 1, sizeof *inf);
  m->standards = st;
  m->items = it;
  m->groups = gr;
  m->infos = inf;
  if (!st || !it || !gr || !inf) {
    C->nomem = 1;
    return;
  }
  for (size_t i = 0; i < a->ndecls; i++) {
    const tidu_node *d = a->decls[i];
    if (d->kind == ND_STANDARD) {
      st[m->nstandards].id = dup_meta(C, d->str);
      st[m->nstandards].name = dup_meta(C, d->str2);
      st[m->nstandards++].source = dup_meta(C, d->cite);
    } else if (d->kind == ND_SCORE) {
      it[m->nitems].id = dup_meta(C, d->str);
      it[m->nitems].name = dup_meta(C, d->str2);
      it[m->nitems].max = d->max;
      it[m->nitems].group = dup_meta(C, d->group);
      it[m->nitems++].source = dup_meta(C, d->cite);
    } else if (d->kind == ND_GROUP) {
      gr[m->ngroups].id = dup_meta(C, d->str);
      gr[m->ngroups].name = dup_meta(C, d->str2);
      gr[m->ngroups].max = d->max;
      gr[m->ngroups].min = d->min;
      gr[m->ngroups++].has_min = d->ival == 1;
    } else if (d->kind == ND_INFO) {
      inf[m->ninfos].text = dup_meta(C, d->str2);
      inf[m->ninfos++].source = dup_meta(C, d->cite);
    }
  }
}

static void check_duplicates(comp *C, const tidu_ast *a) {
  for (size_t i = 0; i < a->ndecls; i++)
    for (size_t j = 0; j < i; j++) {
      const tidu_node *x = a->decls[i], *y = a->decls[j];
      if (x->kind != y->kind || !x->str || !y->str || strcmp(x->str, y->str)) continue;
      if (x->kind == ND_STANDARD || x->kind == ND_SCORE || x->kind == ND_GROUP || x->kind == ND_LET)
        cerr(C, &x->sp, "'%s' 重复定义 / '%s' is defined twice", x->str, x->str);
    }
}

static void find_pass_score(tidu_ruleset_info *m, const tidu_node *blk) {
  for (size_t i = 0; i < blk->nkids; i++) {
    const tidu_node *c = blk->kids[i];
    if (c->kind == ND_CMP && (c->op == TK_GE || c->op == TK_GT) && c->kids[0]->kind == ND_NAME &&
        !strcmp(c->kids[0]->str, "score") && c->kids[1]->kind == ND_NUM) {
      m->has_pass_score = 1;
      m->pass_score = (double)c->kids[1]->num / (double)c->kids[1]->den;
      return;
    }
  }
}

int tidu_compile(const char *file, const tidu_ast *a, const tidu_prelude *pre, tidu_ruleset *rs,
                 tidu_errlist *errs) {
  comp C;
  start_comp(&C, file, pre, errs);
  tidu_prog *p = &rs->prog;
  memset(p, 0, sizeof *p);
  p->pass_root = -1;
  C.p = p;
  fill_meta(&C, a, rs);
  check_duplicates(&C, a);
  /* groups and bindings first: declarations may refer to them in any order */
  C.groups = tidu_calloc(a->ndecls + 1, sizeof *C.groups);
  if (!C.groups) C.nomem = 1;
  for (size_t i = 0; i < a->ndecls && !C.nomem; i++) {
    const tidu_node *d = a->decls[i];
    if (d->kind == ND_GROUP) C.groups[C.ngroups++] = d;
    if (d->kind == ND_LET && add_binding(&C, d)) check_binding(&C, d, &C.b[C.nb - 1]);
  }
  size_t nreq = (size_t)count_kind(a, ND_REQUIRE), nstd = (size_t)count_kind(a, ND_STANDARD),
         nitem = (size_t)count_kind(a, ND_SCORE);
  p->requires = tidu_calloc(nreq + 1, sizeof *p->requires);
  p->standards = tidu_calloc(nstd + 1, sizeof *p->standards);
  p->items = tidu_calloc(nitem + 1, sizeof *p->items);
  p->groups = tidu_calloc(C.ngroups + 1, sizeof *p->groups);
  if (!p->requires || !p->standards || !p->items || !p->groups) C.nomem = 1;
  for (size_t g = 0; g < C.ngroups && !C.nomem; g++) {
    p->groups[g].max = micro(C.groups[g]->max);
    p->groups[g].min = micro(C.groups[g]->min);
    p->groups[g].has_min = C.groups[g]->ival == 1;
  }
  p->ngroups = C.ngroups;
  const char *rs_cite = rs->meta.source;
  for (size_t i = 0; i < a->ndecls && !C.nomem; i++) {
    const tidu_node *d = a->decls[i];
    const char *cite = d->cite ? d->cite : rs_cite;
    tidu_pblock *b = d->kind == ND_REQUIRE    ? &p->requires[p->nrequires++]
                     : d->kind == ND_STANDARD ? &p->standards[p->nstandards++]
                                              : NULL;
    if (!b) continue;
    b->root = cblock(&C, d->kids[0], cite);
    b->name = d->kind == ND_REQUIRE ? d->str2 : NULL;
    b->source = cite;
  }
  for (size_t i = 0; i < a->ndecls && !C.nomem; i++)
    if (a->decls[i]->kind == ND_SCORE) citem(&C, a->decls[i], p->nitems++, rs_cite);
  if (p->nitems) emit(&C, OP_TOTAL, 0, 0, 0, 0, NULL);
  int npass = 0;
  for (size_t i = 0; i < a->ndecls && !C.nomem; i++) {
    const tidu_node *d = a->decls[i];
    if (d->kind != ND_PASS) continue;
    if (npass++) {
      cerr(&C, &d->sp, "只能有一个 pass 块 / only one 'pass' block is allowed");
      continue;
    }
    C.in_pass = 1;
    p->pass_root = cblock(&C, d->kids[0], rs_cite);
    C.in_pass = 0;
    rs->meta.has_pass = 1;
    find_pass_score(&rs->meta, d->kids[0]);
  }
  if (a->kind == TIDU_KIND_TIER && !p->nitems && !p->nstandards && !p->nrequires && !npass)
    cerr(&C, &a->id_sp, "规则集没有任何条件 / rule set '%s' has no conditions", a->id);
  int n = C.nomem ? -1 : C.nerr;
  if (n == 0) tidu_prog_plan_memo(p);
  free_comp(&C);
  return n;
}

void tidu_prog_free(tidu_prog *p) {
  if (!p) return;
  for (size_t i = 0; i < p->nconds; i++) {
    free(p->conds[i].kids);
    free(p->conds[i].text);
    free(p->conds[i].text_en);
    free(p->conds[i].path);
    free(p->conds[i].inputs);
  }
  for (size_t i = 0; i < p->nstrsets; i++) {
    for (size_t j = 0; j < p->strsets[i].n; j++) free(p->strsets[i].s[j]);
    free(p->strsets[i].s);
  }
  for (size_t i = 0; i < p->nitems; i++) {
    free(p->items[i].bands);
    free(p->items[i].inputs);
    free(p->items[i].conds);
  }
  free(p->code);
  free(p->memo);
  free(p->consts);
  free(p->conds);
  free(p->strsets);
  free(p->masks);
  free(p->requires);
  free(p->standards);
  free(p->items);
  free(p->groups);
  memset(p, 0, sizeof *p);
  p->pass_root = -1;
}
