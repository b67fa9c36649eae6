/* The rule language's lexer: UTF-8 text to tokens with line, character column and span. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"

static const char *const tok_names[] = {
#define X(k, s) s,
    TIDU_TOKENS(X)
#undef X
};

const char *tidu_tok_name(tidu_tok_kind k) {
  return k < TK_COUNT ? tok_names[k] : "?";
}

tidu_code tidu_rules_err(tidu_errlist *errs, tidu_code code, const char *file, const tidu_span *sp,
                         const char *fmt, ...) {
  tidu_error e;
  tidu_error_clear(&e);
  e.code = code;
  snprintf(e.file, sizeof e.file, "%s", file ? file : "");
  if (sp) {
    e.line = sp->line;
    e.col = sp->col;
    e.span = sp->chars ? sp->chars : 1;
  }
  va_list ap;
  va_start(ap, fmt);
  tidu_error_vmessage(&e, fmt, ap);
  va_end(ap);
  if (errs && tidu_errlist_push(errs, &e) != TIDU_OK) return TIDU_ERR_NOMEM;
  return code;
}

void tidu_toklist_free(tidu_toklist *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) free(l->t[i].str);
  free(l->t);
  l->t = NULL;
  l->n = l->cap = 0;
}

/* ---- the scanner ----------------------------------------------------------------------- */

typedef struct lexer {
  const char *file;
  const char *s;
  size_t len, pos;
  uint32_t line, col; /* of pos */
  tidu_toklist *out;
  tidu_errlist *errs;
  int nerr;
  int nomem;
} lexer;

static int is_cont(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

/* Advances one character (a whole UTF-8 sequence). */
static void advance(lexer *L) {
  if (L->pos >= L->len) return;
  if (L->s[L->pos] == '\n') {
    L->line++;
    L->col = 1;
    L->pos++;
    return;
  }
  L->pos++;
  while (L->pos < L->len && is_cont((unsigned char)L->s[L->pos])) L->pos++;
  L->col++;
}

static int at(const lexer *L, const char *lit) {
  size_t n = strlen(lit);
  return L->pos + n <= L->len && memcmp(L->s + L->pos, lit, n) == 0;
}

static int peekc(const lexer *L, size_t ahead) {
  return L->pos + ahead < L->len ? (unsigned char)L->s[L->pos + ahead] : -1;
}

static void error_at(lexer *L, const tidu_span *sp, const char *msg) {
  L->nerr++;
  if (tidu_rules_err(L->errs, TIDU_ERR_RULE, L->file, sp, "%s", msg) == TIDU_ERR_NOMEM)
    L->nomem = 1;
}

static tidu_token *push(lexer *L, tidu_tok_kind k, size_t start, uint32_t line, uint32_t col) {
  if (TIDU_PUSH_ROOM(L->out->t, L->out->n, L->out->cap) != 0) {
    L->nomem = 1;
    return NULL;
  }
  tidu_token *t = &L->out->t[L->out->n++];
  memset(t, 0, sizeof *t);
  t->kind = k;
  t->sp.off = (uint32_t)start;
  t->sp.len = (uint32_t)(L->pos - start);
  t->sp.line = line;
  t->sp.col = col;
  t->sp.chars = L->line == line ? L->col - col : 1;
  return t;
}

static int is_id_start(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_digit(int c) {
  return c >= '0' && c <= '9';
}

static int is_id_char(int c) {
  return is_id_start(c) || is_digit(c);
}

static const struct {
  const char *word;
  tidu_tok_kind kind;
} keywords[] = {
#define X(k, s) {s, TK_##k},
    TIDU_TOKENS(X)
#undef X
};

static tidu_tok_kind keyword(const char *s, size_t n) {
  for (size_t i = TK_KW_RULESET; i < TK_COUNT; i++)
    if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, s, n) == 0)
      return keywords[i].kind;
  return TK_ID;
}

static void lex_ident(lexer *L, size_t start, uint32_t line, uint32_t col) {
  while (is_id_char(peekc(L, 0))) advance(L);
  /* dotted ids: star.1, main.2 */
  while (peekc(L, 0) == '.' && is_id_char(peekc(L, 1))) {
    advance(L);
    while (is_id_char(peekc(L, 0))) advance(L);
  }
  size_t n = L->pos - start;
  tidu_tok_kind k = keyword(L->s + start, n);
  tidu_token *t = push(L, k, start, line, col);
  if (!t) return;
  t->str = tidu_strndup(L->s + start, n);
  if (!t->str) L->nomem = 1;
}

static int looks_like_date(const lexer *L) {
  static const char pat[] = "dddd-dd-dd";
  for (size_t i = 0; i < 10; i++) {
    int c = peekc(L, i);
    if (pat[i] == 'd' ? !is_digit(c) : c != '-') return 0;
  }
  return !is_digit(peekc(L, 10));
}

static void lex_date(lexer *L, size_t start, uint32_t line, uint32_t col) {
  int y = 0, m = 0, d = 0;
  const char *p = L->s + L->pos;
  y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
  m = (p[5] - '0') * 10 + (p[6] - '0');
  d = (p[8] - '0') * 10 + (p[9] - '0');
  for (int i = 0; i < 10; i++) advance(L);
  tidu_token *t = push(L, TK_DATE, start, line, col);
  if (!t) return;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap)) {
    error_at(L, &t->sp, "无效日期 / invalid date");
    return;
  }
  t->date = tidu_days_from_civil(y, m, d);
}

static void lex_number(lexer *L, size_t start, uint32_t line, uint32_t col) {
  tidu_i128 num = 0, den = 1;
  int overflow = 0, is_int = 1;
  /* past 2^90 the number is reported as too large and its digits are skipped, so that the
   * unit multipliers below cannot overflow either */
  const tidu_i128 limit = (tidu_i128)1 << 90;
  while (is_digit(peekc(L, 0))) {
    if (num > limit)
      overflow = 1;
    else
      num = num * 10 + (peekc(L, 0) - '0');
    advance(L);
  }
  if (peekc(L, 0) == '.' && is_digit(peekc(L, 1))) {
    is_int = 0;
    advance(L);
    while (is_digit(peekc(L, 0))) {
      if (num > limit || den > limit) {
        overflow = 1;
      } else {
        num = num * 10 + (peekc(L, 0) - '0');
        den *= 10;
      }
      advance(L);
    }
  }
  char unit = 0;
  if (at(L, "万")) {
    num *= 10000;
    advance(L);
    is_int = 0;
  } else if (at(L, "亿")) {
    num *= 100000000;
    advance(L);
    is_int = 0;
  } else if (peekc(L, 0) == '%') {
    den *= 100;
    unit = '%';
    advance(L);
    is_int = 0;
  }
  if (at(L, "元")) {
    if (unit == '%') {
      tidu_span sp = {(uint32_t)L->pos, 3, L->line, L->col, 1};
      error_at(L, &sp, "百分数不能带'元' / '元' cannot follow '%'");
    }
    unit = 'M';
    advance(L);
    is_int = 0;
  }
  tidu_token *t = push(L, TK_NUM, start, line, col);
  if (!t) return;
  if (overflow) error_at(L, &t->sp, "数字过大 / number too large");
  t->num = num;
  t->den = den;
  t->unit = unit;
  t->is_int = is_int;
}

static void lex_string(lexer *L, size_t start, uint32_t line, uint32_t col) {
  advance(L); /* opening quote */
  tidu_sb b = {0};
  int closed = 0;
  while (L->pos < L->len && L->s[L->pos] != '\n') {
    char c = L->s[L->pos];
    if (c == '"') {
      advance(L);
      closed = 1;
      break;
    }
    if (c == '\\' && L->pos + 1 < L->len && (L->s[L->pos + 1] == '"' || L->s[L->pos + 1] == '\\')) {
      advance(L);
      c = L->s[L->pos];
    }
    size_t p0 = L->pos;
    advance(L);
    tidu_sb_putn(&b, L->s + p0, L->pos - p0);
  }
  char *buf = tidu_sb_take(&b);
  if (!buf) {
    L->nomem = 1;
    return;
  }
  tidu_token *t = push(L, TK_STR, start, line, col);
  if (!t) {
    free(buf);
    return;
  }
  t->str = buf;
  if (!closed) error_at(L, &t->sp, "字符串未结束 / unterminated string");
}

static int lex_operator(lexer *L, size_t start, uint32_t line, uint32_t col) {
  static const struct {
    const char *s;
    tidu_tok_kind k;
  } ops[] = {{">=", TK_GE},    {"<=", TK_LE},    {"==", TK_EQ},    {"!=", TK_NE},
             {"->", TK_ARROW}, {">", TK_GT},     {"<", TK_LT},     {"+", TK_PLUS},
             {"-", TK_MINUS},  {"*", TK_STAR},   {"/", TK_SLASH},  {"(", TK_LPAREN},
             {")", TK_RPAREN}, {"[", TK_LBRACK}, {"]", TK_RBRACK}, {"{", TK_LBRACE},
             {"}", TK_RBRACE}, {",", TK_COMMA},  {"=", TK_ASSIGN}, {"≥", TK_GE},
             {"≤", TK_LE},     {"，", TK_COMMA}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    if (at(L, ops[i].s)) {
      size_t n = strlen(ops[i].s);
      size_t end = L->pos + n;
      while (L->pos < end) advance(L);
      push(L, ops[i].k, start, line, col);
      return 1;
    }
  }
  return 0;
}

int tidu_lex(const char *file, const char *text, size_t len, tidu_toklist *out,
             tidu_errlist *errs) {
  lexer L = {file, text, len, 0, 1, 1, out, errs, 0, 0};
  /* skip a UTF-8 BOM */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) L.pos = 3;
  while (!L.nomem) {
    int c = peekc(&L, 0);
    if (c < 0) break;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      advance(&L);
      continue;
    }
    if (c == '#') {
      while (L.pos < L.len && L.s[L.pos] != '\n') advance(&L);
      continue;
    }
    if (at(&L, "\xE3\x80\x80")) { /* ideographic space */
      advance(&L);
      continue;
    }
    size_t start = L.pos;
    uint32_t line = L.line, col = L.col;
    if (is_id_start(c))
      lex_ident(&L, start, line, col);
    else if (is_digit(c) && looks_like_date(&L))
      lex_date(&L, start, line, col);
    else if (is_digit(c))
      lex_number(&L, start, line, col);
    else if (c == '"')
      lex_string(&L, start, line, col);
    else if (!lex_operator(&L, start, line, col)) {
      advance(&L);
      tidu_span sp = {(uint32_t)start, (uint32_t)(L.pos - start), line, col, 1};
      char msg[128];
      snprintf(msg, sizeof msg, "无法识别的字符 '%.*s' / unexpected character",
               (int)(L.pos - start), text + start);
      error_at(&L, &sp, msg);
    }
  }
  if (!L.nomem) push(&L, TK_EOF, L.pos, L.line, L.col);
  if (L.nomem) return -1;
  if (out->n) out->t[out->n - 1].sp.chars = 1;
  return L.nerr;
}
