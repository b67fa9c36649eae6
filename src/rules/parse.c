/* The rule language's parser: tokens to a syntax tree whose nodes keep their source spans. */
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "tidu/toolkit.h"

typedef struct parser {
  const char *file;
  const tidu_toklist *toks;
  size_t pos;
  tidu_errlist *errs;
  int nerr;
  int nomem;
  int failed; /* the current declaration hit an error */
} parser;

/* ---- nodes ----------------------------------------------------------------------------- */

void tidu_node_free(tidu_node *n) {
  if (!n) return;
  for (size_t i = 0; i < n->nkids; i++) tidu_node_free(n->kids[i]);
  for (size_t i = 0; i < n->nstrs; i++) free(n->strs[i]);
  free(n->kids);
  free(n->strs);
  free(n->str);
  free(n->str2);
  free(n->label);
  free(n->cite);
  free(n->group);
  free(n);
}

void tidu_ast_free(tidu_ast *a) {
  if (!a) return;
  for (size_t i = 0; i < a->ndecls; i++) tidu_node_free(a->decls[i]);
  free(a->decls);
  for (size_t i = 0; i < a->nnotes; i++) free(a->notes[i]);
  for (size_t i = 0; i < a->nregions; i++) free(a->regions[i]);
  free(a->notes);
  free(a->regions);
  free(a->id);
  free(a->name);
  free(a->name_en);
  free(a->version);
  free(a->source);
  free(a);
}

static const tidu_token *peek(const parser *P) {
  return &P->toks->t[P->pos];
}

static const tidu_token *peek2(const parser *P) {
  size_t i = P->pos + 1 < P->toks->n ? P->pos + 1 : P->toks->n - 1;
  return &P->toks->t[i];
}

static const tidu_token *next(parser *P) {
  const tidu_token *t = &P->toks->t[P->pos];
  if (t->kind != TK_EOF) P->pos++;
  return t;
}

static int accept(parser *P, tidu_tok_kind k) {
  if (peek(P)->kind != k) return 0;
  next(P);
  return 1;
}

/* Reports what was expected and what was found, once per declaration. */
static void expect_fail(parser *P, const char *what) {
  const tidu_token *t = peek(P);
  if (P->failed) return;
  P->failed = 1;
  P->nerr++;
  const char *found = t->kind == TK_EOF                                ? "end of file"
                      : (t->kind == TK_ID || t->kind >= TK_KW_RULESET) ? t->str
                      : t->kind == TK_NUM                              ? "number"
                      : t->kind == TK_STR                              ? "string"
                      : t->kind == TK_DATE                             ? "date"
                                                                       : tidu_tok_name(t->kind);
  tidu_rules_err(P->errs, TIDU_ERR_RULE, P->file, &t->sp,
                 "语法错误:需要%s,遇到 '%s' / expected %s, found '%s'", what, found, what, found);
}

static int expect(parser *P, tidu_tok_kind k, const char *what) {
  if (accept(P, k)) return 1;
  expect_fail(P, what);
  return 0;
}

static tidu_node *new_node(parser *P, tidu_node_kind k, const tidu_span *sp) {
  tidu_node *n = tidu_calloc(1, sizeof *n);
  if (!n) {
    P->nomem = 1;
    P->failed = 1;
    return NULL;
  }
  n->kind = k;
  n->sp = *sp;
  n->den = 1;
  return n;
}

static int add_kid(parser *P, tidu_node *n, tidu_node *kid) {
  if (!kid) return 0;
  tidu_node **k = tidu_realloc(n->kids, (n->nkids + 1) * sizeof *k);
  if (!k) {
    tidu_node_free(kid);
    P->nomem = 1;
    P->failed = 1;
    return 0;
  }
  n->kids = k;
  n->kids[n->nkids++] = kid;
  return 1;
}

/* A copy of s; out of memory marks the parse failed (a NULL name must never pass for a node). */
static char *dup_str(parser *P, const char *s) {
  char *c = tidu_strdup(s);
  if (s && !c) {
    P->nomem = 1;
    P->failed = 1;
  }
  return c;
}

static int add_str(parser *P, char ***v, size_t *n, const char *s) {
  char *c = tidu_strdup(s);
  char **nv = c ? tidu_realloc(*v, (*n + 1) * sizeof *nv) : NULL;
  if (!nv) {
    free(c);
    P->nomem = 1;
    P->failed = 1;
    return 0;
  }
  *v = nv;
  (*v)[(*n)++] = c;
  return 1;
}

/* Extends the node's span to end where token `t` ends (same line only). */
static void extend(tidu_node *n, const tidu_token *t) {
  uint32_t end = t->sp.off + t->sp.len;
  if (end > n->sp.off) n->sp.len = end - n->sp.off;
  if (t->sp.line == n->sp.line && t->sp.col + t->sp.chars > n->sp.col)
    n->sp.chars = t->sp.col + t->sp.chars - n->sp.col;
}

static const tidu_token *prev(const parser *P) {
  return &P->toks->t[P->pos ? P->pos - 1 : 0];
}

/* ---- expressions ----------------------------------------------------------------------- */

static tidu_node *parse_expr(parser *P);
static tidu_node *parse_cond(parser *P);

/* Keywords that may stand as names in expressions (min, max, score, region, ...). */
static int name_like(tidu_tok_kind k) {
  return k == TK_ID || k == TK_KW_MIN || k == TK_KW_MAX || k == TK_KW_SCORE || k == TK_KW_REGION ||
         k == TK_KW_GROUP || k == TK_KW_KIND || k == TK_KW_VERSION || k == TK_KW_SOURCE ||
         k == TK_KW_NOTE || k == TK_KW_PASS || k == TK_KW_DIRECT || k == TK_KW_INFO;
}

/* Reads a whole-number token as `*out`, capped at `cap`; reports `what` was expected if the
 * next token is not one. */
static int parse_count(parser *P, const char *what, long cap, long *out) {
  const tidu_token *t = peek(P);
  if (t->kind != TK_NUM || !t->is_int) {
    expect_fail(P, what);
    return 0;
  }
  next(P);
  *out = t->num > cap ? cap : (long)t->num;
  return 1;
}

/* arg = expr | INT */
/* primary = NUMBER | "true" | "false" | "(" expr ")" | ID [ "[" INT "]" ] | ID "(" args ")" */
static tidu_node *parse_primary(parser *P) {
  const tidu_token *t = peek(P);
  if (t->kind == TK_NUM) {
    next(P);
    tidu_node *n = new_node(P, ND_NUM, &t->sp);
    if (!n) return NULL;
    n->num = t->num;
    n->den = t->den;
    n->unit = t->unit;
    n->ival = t->is_int;
    return n;
  }
  if (t->kind == TK_KW_TRUE || t->kind == TK_KW_FALSE) {
    next(P);
    tidu_node *n = new_node(P, ND_BOOL, &t->sp);
    if (n) n->ival = t->kind == TK_KW_TRUE;
    return n;
  }
  if (t->kind == TK_LPAREN) {
    next(P);
    tidu_node *e = parse_expr(P);
    if (!e) return NULL;
    if (!expect(P, TK_RPAREN, "')'")) {
      tidu_node_free(e);
      return NULL;
    }
    return e;
  }
  if (name_like(t->kind)) {
    next(P);
    if (peek(P)->kind == TK_LPAREN) {
      next(P);
      tidu_node *n = new_node(P, ND_CALL, &t->sp);
      if (!n) return NULL;
      n->str = dup_str(P, t->str);
      if (!n->str) P->nomem = 1;
      if (!accept(P, TK_RPAREN)) {
        do {
          if (!add_kid(P, n, parse_expr(P))) {
            tidu_node_free(n);
            return NULL;
          }
        } while (accept(P, TK_COMMA));
        if (!expect(P, TK_RPAREN, "')' or ','")) {
          tidu_node_free(n);
          return NULL;
        }
      }
      extend(n, prev(P));
      return n;
    }
    tidu_node *n = new_node(P, ND_NAME, &t->sp);
    if (!n) return NULL;
    n->str = dup_str(P, t->str);
    if (!n->str) P->nomem = 1;
    n->ival = -1;
    if (accept(P, TK_LBRACK)) {
      if (!parse_count(P, "a year index (0, 1, 2 ...)", 1000, &n->ival) ||
          !expect(P, TK_RBRACK, "']'")) {
        tidu_node_free(n);
        return NULL;
      }
      extend(n, prev(P));
    }
    return n;
  }
  expect_fail(P, "an expression");
  return NULL;
}

/* unary = "-" unary | primary */
static tidu_node *parse_unary(parser *P) {
  const tidu_token *t = peek(P);
  if (accept(P, TK_MINUS)) {
    tidu_node *n = new_node(P, ND_NEG, &t->sp);
    if (!n) return NULL;
    tidu_node *k = parse_unary(P);
    if (!k || !add_kid(P, n, k)) {
      tidu_node_free(n);
      return NULL;
    }
    extend(n, prev(P));
    return n;
  }
  return parse_primary(P);
}

static tidu_node *binary(parser *P, tidu_node *l, int op, tidu_node *r) {
  if (!r) {
    tidu_node_free(l);
    return NULL;
  }
  tidu_node *n = new_node(P, ND_BIN, &l->sp);
  if (!n) {
    tidu_node_free(l);
    tidu_node_free(r);
    return NULL;
  }
  n->op = op;
  add_kid(P, n, l);
  add_kid(P, n, r);
  extend(n, prev(P));
  return n;
}

/* term = unary { ("*" | "/") unary } */
static tidu_node *parse_term(parser *P) {
  tidu_node *l = parse_unary(P);
  while (l && (peek(P)->kind == TK_STAR || peek(P)->kind == TK_SLASH)) {
    int op = next(P)->kind == TK_STAR ? '*' : '/';
    l = binary(P, l, op, parse_unary(P));
  }
  return l;
}

/* expr = term { ("+" | "-") term } */
static tidu_node *parse_expr(parser *P) {
  tidu_node *l = parse_term(P);
  while (l && (peek(P)->kind == TK_PLUS || peek(P)->kind == TK_MINUS)) {
    int op = next(P)->kind == TK_PLUS ? '+' : '-';
    l = binary(P, l, op, parse_term(P));
  }
  return l;
}

/* ---- conditions ------------------------------------------------------------------------ */

static int cmp_op(tidu_tok_kind k) {
  return k == TK_GE || k == TK_GT || k == TK_LE || k == TK_LT || k == TK_EQ || k == TK_NE;
}

/* block = "{" { cond } "}" */
static tidu_node *parse_block(parser *P, tidu_node_kind kind, const tidu_span *sp) {
  tidu_node *n = new_node(P, kind, sp);
  if (!n) return NULL;
  if (!expect(P, TK_LBRACE, "'{'")) {
    tidu_node_free(n);
    return NULL;
  }
  while (!accept(P, TK_RBRACE)) {
    if (peek(P)->kind == TK_EOF) {
      expect_fail(P, "'}'");
      tidu_node_free(n);
      return NULL;
    }
    if (!add_kid(P, n, parse_cond(P))) {
      tidu_node_free(n);
      return NULL;
    }
  }
  return n;
}

/* Adds the next token's text to n's strings when `ok` says it is of the kind wanted; otherwise
 * reports that `what` was expected. */
static int add_next_str(parser *P, tidu_node *n, int ok, const char *what) {
  if (!ok) {
    expect_fail(P, what);
    return 0;
  }
  return add_str(P, &n->strs, &n->nstrs, next(P)->str);
}

/* Makes a node of `kind` spanning `l` with `l` as its first kid; frees `l` when that fails. */
static tidu_node *wrap(parser *P, tidu_node_kind kind, tidu_node *l) {
  tidu_node *n = new_node(P, kind, &l->sp);
  if (!n) {
    tidu_node_free(l);
    return NULL;
  }
  add_kid(P, n, l);
  return n;
}

/* pred = expr CMP expr | expr "in" "{" ID { "," ID } "}" | expr "has" ID
 *      | expr "startswith" STRING { "," STRING } | "each" "(" expr "," INT ")" CMP expr | expr */
static tidu_node *parse_pred(parser *P) {
  const tidu_token *t0 = peek(P);
  if (t0->kind == TK_ID && strcmp(t0->str, "each") == 0 && peek2(P)->kind == TK_LPAREN) {
    next(P);
    next(P);
    tidu_node *n = new_node(P, ND_EACH, &t0->sp);
    if (!n) return NULL;
    if (!add_kid(P, n, parse_expr(P)) || !expect(P, TK_COMMA, "','")) {
      tidu_node_free(n);
      return NULL;
    }
    if (!parse_count(P, "a number of years", 100, &n->ival) || !expect(P, TK_RPAREN, "')'")) {
      tidu_node_free(n);
      return NULL;
    }
    if (!cmp_op(peek(P)->kind)) {
      expect_fail(P, "a comparison (>=, >, <=, <, ==, !=)");
      tidu_node_free(n);
      return NULL;
    }
    n->op = next(P)->kind;
    if (!add_kid(P, n, parse_expr(P))) {
      tidu_node_free(n);
      return NULL;
    }
    extend(n, prev(P));
    return n;
  }
  tidu_node *l = parse_expr(P);
  if (!l) return NULL;
  tidu_tok_kind k = peek(P)->kind;
  tidu_node *n = NULL;
  if (cmp_op(k)) {
    next(P);
    n = wrap(P, ND_CMP, l);
    if (!n) return NULL;
    n->op = k;
    if (!add_kid(P, n, parse_expr(P))) {
      tidu_node_free(n);
      return NULL;
    }
  } else if (k == TK_KW_IN) {
    next(P);
    n = wrap(P, ND_IN, l);
    if (!n) return NULL;
    if (!expect(P, TK_LBRACE, "'{'")) {
      tidu_node_free(n);
      return NULL;
    }
    do {
      tidu_tok_kind vk = peek(P)->kind;
      if (!add_next_str(P, n, name_like(vk) || vk == TK_ID, "a value name")) {
        tidu_node_free(n);
        return NULL;
      }
    } while (accept(P, TK_COMMA));
    if (!expect(P, TK_RBRACE, "'}' or ','")) {
      tidu_node_free(n);
      return NULL;
    }
  } else if (k == TK_KW_HAS) {
    next(P);
    n = wrap(P, ND_HAS, l);
    if (!n) return NULL;
    if (!add_next_str(P, n, name_like(peek(P)->kind), "a tag name")) {
      tidu_node_free(n);
      return NULL;
    }
  } else if (k == TK_KW_STARTSWITH) {
    next(P);
    n = wrap(P, ND_STARTS, l);
    if (!n) return NULL;
    do {
      if (!add_next_str(P, n, peek(P)->kind == TK_STR, "a string")) {
        tidu_node_free(n);
        return NULL;
      }
    } while (peek(P)->kind == TK_COMMA && peek2(P)->kind == TK_STR && accept(P, TK_COMMA));
  } else {
    n = wrap(P, ND_PRED, l);
    if (!n) return NULL;
    return n;
  }
  extend(n, prev(P));
  return n;
}

/* label = STRING ; cite = "source" STRING */
static int parse_label_cite(parser *P, tidu_node *n) {
  if (peek(P)->kind == TK_STR) {
    n->label = dup_str(P, next(P)->str);
    if (!n->label) P->nomem = 1;
  }
  if (accept(P, TK_KW_SOURCE)) {
    if (peek(P)->kind != TK_STR) {
      expect_fail(P, "a citation string");
      return 0;
    }
    n->cite = dup_str(P, next(P)->str);
    if (!n->cite) P->nomem = 1;
  }
  return !P->nomem;
}

/* cond = ( "all" block | "any" block | "not" cond | pred ) [ label ] [ cite ] */
static tidu_node *parse_cond(parser *P) {
  const tidu_token *t = peek(P);
  tidu_node *n = NULL;
  if (t->kind == TK_KW_ALL || t->kind == TK_KW_ANY) {
    next(P);
    n = parse_block(P, t->kind == TK_KW_ALL ? ND_ALL : ND_ANY, &t->sp);
  } else if (t->kind == TK_KW_NOT) {
    next(P);
    n = new_node(P, ND_NOT, &t->sp);
    if (n && !add_kid(P, n, parse_cond(P))) {
      tidu_node_free(n);
      n = NULL;
    }
    if (n) extend(n, prev(P));
  } else {
    n = parse_pred(P);
  }
  if (!n) return NULL;
  if (!parse_label_cite(P, n)) {
    tidu_node_free(n);
    return NULL;
  }
  return n;
}

/* ---- declarations ---------------------------------------------------------------------- */

static int parse_cite_only(parser *P, char **cite) {
  if (!accept(P, TK_KW_SOURCE)) return 1;
  if (peek(P)->kind != TK_STR) {
    expect_fail(P, "a citation string");
    return 0;
  }
  *cite = dup_str(P, next(P)->str);
  return *cite != NULL;
}

static int parse_number(parser *P, double *out, const char *what) {
  int neg = accept(P, TK_MINUS);
  const tidu_token *t = peek(P);
  if (t->kind != TK_NUM) {
    expect_fail(P, what);
    return 0;
  }
  next(P);
  *out = (double)t->num / (double)t->den * (neg ? -1 : 1);
  return 1;
}

static int is_id_tok(const tidu_token *t) {
  return t->kind == TK_ID || name_like(t->kind);
}

/* let = "let" ID "=" expr [ cite ] | "let" ID "=" ( "all" | "any" ) block [ label ] [ cite ] */
static tidu_node *parse_let(parser *P, const tidu_token *kw) {
  const tidu_token *id = peek(P);
  if (!is_id_tok(id)) {
    expect_fail(P, "a name");
    return NULL;
  }
  next(P);
  tidu_node *n = new_node(P, ND_LET, &id->sp);
  if (!n) return NULL;
  (void)kw;
  n->str = dup_str(P, id->str);
  if (!expect(P, TK_ASSIGN, "'='")) {
    tidu_node_free(n);
    return NULL;
  }
  const tidu_token *t = peek(P);
  if (t->kind == TK_KW_ALL || t->kind == TK_KW_ANY) {
    next(P);
    tidu_node *b = parse_block(P, t->kind == TK_KW_ALL ? ND_ALL : ND_ANY, &t->sp);
    if (!b || !add_kid(P, n, b) || !parse_label_cite(P, b)) {
      tidu_node_free(n);
      return NULL;
    }
    n->ival = 1;
    return n;
  }
  if (!add_kid(P, n, parse_expr(P)) || !parse_cite_only(P, &n->cite)) {
    tidu_node_free(n);
    return NULL;
  }
  return n;
}

/* standard = "standard" ID STRING [ cite ] block */
static tidu_node *parse_standard(parser *P) {
  const tidu_token *id = peek(P);
  if (!is_id_tok(id)) {
    expect_fail(P, "a standard id");
    return NULL;
  }
  next(P);
  tidu_node *n = new_node(P, ND_STANDARD, &id->sp);
  if (!n) return NULL;
  n->str = dup_str(P, id->str);
  if (peek(P)->kind != TK_STR) {
    expect_fail(P, "the standard's title");
    tidu_node_free(n);
    return NULL;
  }
  n->str2 = dup_str(P, next(P)->str);
  if (!parse_cite_only(P, &n->cite) || !add_kid(P, n, parse_block(P, ND_ALL, &id->sp))) {
    tidu_node_free(n);
    return NULL;
  }
  return n;
}

/* require = "require" [ STRING ] [ cite ] block */
static tidu_node *parse_require(parser *P, const tidu_token *kw) {
  tidu_node *n = new_node(P, ND_REQUIRE, &kw->sp);
  if (!n) return NULL;
  if (peek(P)->kind == TK_STR) n->str2 = dup_str(P, next(P)->str);
  if (!parse_cite_only(P, &n->cite) || !add_kid(P, n, parse_block(P, ND_ALL, &kw->sp))) {
    tidu_node_free(n);
    return NULL;
  }
  return n;
}

/* band = "when" cond "->" NUMBER | "else" "->" NUMBER */
static tidu_node *parse_band(parser *P) {
  const tidu_token *t = peek(P);
  tidu_node *n = new_node(P, ND_BAND, &t->sp);
  if (!n) return NULL;
  if (accept(P, TK_KW_WHEN)) {
    if (!add_kid(P, n, parse_cond(P))) {
      tidu_node_free(n);
      return NULL;
    }
  } else if (!accept(P, TK_KW_ELSE)) {
    expect_fail(P, "'when', 'else' or '}'");
    tidu_node_free(n);
    return NULL;
  }
  if (!expect(P, TK_ARROW, "'->'") || !parse_number(P, &n->points, "points")) {
    tidu_node_free(n);
    return NULL;
  }
  return n;
}

/* titled = ID STRING "max" NUMBER  (the head shared by score and group)
 * `what` names, for error messages, the id, the name and the maximum expected. The node
 * keeps the id in str, the name in str2 and the maximum in max. */
static tidu_node *parse_titled(parser *P, tidu_node_kind kind, const char *const what[3]) {
  const tidu_token *id = peek(P);
  if (!is_id_tok(id)) {
    expect_fail(P, what[0]);
    return NULL;
  }
  next(P);
  tidu_node *n = new_node(P, kind, &id->sp);
  if (!n) return NULL;
  n->str = dup_str(P, id->str);
  if (peek(P)->kind != TK_STR) {
    expect_fail(P, what[1]);
    tidu_node_free(n);
    return NULL;
  }
  n->str2 = dup_str(P, next(P)->str);
  if (!expect(P, TK_KW_MAX, "'max'") || !parse_number(P, &n->max, what[2])) {
    tidu_node_free(n);
    return NULL;
  }
  return n;
}

/* score = "score" ID STRING "max" NUMBER [ "group" ID ] [ cite ]
 *         ( "{" band { band } "}" | "=" expr ) */
static tidu_node *parse_score(parser *P) {
  static const char *const what[3] = {"an item id", "the item's name", "the item's maximum"};
  tidu_node *n = parse_titled(P, ND_SCORE, what);
  if (!n) return NULL;
  if (accept(P, TK_KW_GROUP)) {
    if (!is_id_tok(peek(P))) {
      expect_fail(P, "a group id");
      tidu_node_free(n);
      return NULL;
    }
    n->group = dup_str(P, next(P)->str);
  }
  if (!parse_cite_only(P, &n->cite)) {
    tidu_node_free(n);
    return NULL;
  }
  if (accept(P, TK_ASSIGN)) {
    n->ival = 1;
    if (!add_kid(P, n, parse_expr(P))) {
      tidu_node_free(n);
      return NULL;
    }
    return n;
  }
  if (!expect(P, TK_LBRACE, "'{' or '='")) {
    tidu_node_free(n);
    return NULL;
  }
  do {
    if (!add_kid(P, n, parse_band(P))) {
      tidu_node_free(n);
      return NULL;
    }
  } while (!accept(P, TK_RBRACE));
  return n;
}

/* group = "group" ID STRING "max" NUMBER [ "min" NUMBER ] */
static tidu_node *parse_group(parser *P) {
  static const char *const what[3] = {"a group id", "the group's name", "the group's maximum"};
  tidu_node *n = parse_titled(P, ND_GROUP, what);
  if (!n) return NULL;
  if (accept(P, TK_KW_MIN)) {
    n->ival = 1;
    if (!parse_number(P, &n->min, "the group's minimum")) {
      tidu_node_free(n);
      return NULL;
    }
  }
  return n;
}

/* decl = let | standard | require | info | score | group | pass */
static tidu_node *parse_decl(parser *P, int prelude) {
  const tidu_token *t = next(P);
  if (t->kind == TK_KW_LET) return parse_let(P, t);
  if (prelude) {
    P->pos--;
    expect_fail(P, "'let' (the prelude holds only bindings)");
    return NULL;
  }
  switch (t->kind) {
  case TK_KW_STANDARD:
    return parse_standard(P);
  case TK_KW_REQUIRE:
    return parse_require(P, t);
  case TK_KW_INFO: {
    tidu_node *n = new_node(P, ND_INFO, &t->sp);
    if (!n) return NULL;
    if (peek(P)->kind != TK_STR) {
      expect_fail(P, "the info text");
      tidu_node_free(n);
      return NULL;
    }
    n->str2 = dup_str(P, next(P)->str);
    if (!parse_cite_only(P, &n->cite)) {
      tidu_node_free(n);
      return NULL;
    }
    return n;
  }
  case TK_KW_SCORE:
    return parse_score(P);
  case TK_KW_GROUP:
    return parse_group(P);
  case TK_KW_PASS: {
    tidu_node *n = new_node(P, ND_PASS, &t->sp);
    if (n && !add_kid(P, n, parse_block(P, ND_ALL, &t->sp))) {
      tidu_node_free(n);
      return NULL;
    }
    return n;
  }
  default:
    P->pos--;
    expect_fail(P, "a declaration (let, standard, require, info, score, group, pass)");
    return NULL;
  }
}

static int decl_start(tidu_tok_kind k) {
  return k == TK_KW_LET || k == TK_KW_STANDARD || k == TK_KW_REQUIRE || k == TK_KW_INFO ||
         k == TK_KW_SCORE || k == TK_KW_GROUP || k == TK_KW_PASS || k == TK_EOF;
}

/* Skips to the next declaration at brace depth 0 after an error. */
static void recover(parser *P) {
  int depth = 0;
  /* count the braces already open in the failed declaration */
  if (P->pos == 0) next(P);
  for (;;) {
    tidu_tok_kind k = peek(P)->kind;
    if (k == TK_EOF) return;
    if (depth <= 0 && decl_start(k) && k != TK_KW_SCORE) return;
    if (depth <= 0 && k == TK_KW_SCORE && is_id_tok(peek2(P)) && peek2(P)->kind != TK_KW_SCORE) {
      /* `score id "name"` starts an item; `score >= 60` sits inside a pass block */
      const tidu_token *t3 = &P->toks->t[P->pos + 2 < P->toks->n ? P->pos + 2 : P->pos];
      if (t3->kind == TK_STR) return;
    }
    if (k == TK_LBRACE) depth++;
    if (k == TK_RBRACE) depth--;
    next(P);
  }
}

static int header_meta(parser *P, tidu_ast *a) {
  for (;;) {
    const tidu_token *t = peek(P);
    if (accept(P, TK_KW_VERSION)) {
      if (peek(P)->kind != TK_STR) return expect_fail(P, "a version string"), 0;
      free(a->version);
      a->version = dup_str(P, next(P)->str);
    } else if (accept(P, TK_KW_EFFECTIVE)) {
      if (peek(P)->kind != TK_DATE) return expect_fail(P, "a date (YYYY-MM-DD)"), 0;
      a->effective = next(P)->date;
      a->has_effective = 1;
      if (accept(P, TK_KW_UNTIL)) {
        if (peek(P)->kind != TK_DATE) return expect_fail(P, "a date (YYYY-MM-DD)"), 0;
        a->until = next(P)->date;
        a->has_until = 1;
      }
    } else if (accept(P, TK_KW_SOURCE)) {
      if (peek(P)->kind != TK_STR) return expect_fail(P, "a citation string"), 0;
      free(a->source);
      a->source = dup_str(P, next(P)->str);
    } else if (accept(P, TK_KW_NOTE)) {
      if (peek(P)->kind != TK_STR) return expect_fail(P, "a note string"), 0;
      if (!add_str(P, &a->notes, &a->nnotes, next(P)->str)) return 0;
    } else if (accept(P, TK_KW_SCOPE)) {
      if (!expect(P, TK_KW_REGION, "'region'")) return 0;
      if (peek(P)->kind != TK_STR) return expect_fail(P, "a region code prefix"), 0;
      while (peek(P)->kind == TK_STR)
        if (!add_str(P, &a->regions, &a->nregions, next(P)->str)) return 0;
    } else {
      (void)t;
      return 1;
    }
  }
}

/* header = "ruleset" ID STRING [STRING] "kind" KIND { meta } */
static int parse_header(parser *P, tidu_ast *a) {
  if (!expect(P, TK_KW_RULESET, "'ruleset'")) return 0;
  const tidu_token *id = peek(P);
  if (!is_id_tok(id)) return expect_fail(P, "the rule set's id"), 0;
  next(P);
  a->id = dup_str(P, id->str);
  a->id_sp = id->sp;
  if (peek(P)->kind != TK_STR) return expect_fail(P, "the rule set's Chinese name"), 0;
  a->name = dup_str(P, next(P)->str);
  if (peek(P)->kind == TK_STR) a->name_en = dup_str(P, next(P)->str);
  if (!expect(P, TK_KW_KIND, "'kind'")) return 0;
  const tidu_token *k = peek(P);
  if (k->kind == TK_ID && strcmp(k->str, "board") == 0)
    a->kind = TIDU_KIND_BOARD;
  else if (k->kind == TK_ID && strcmp(k->str, "positioning") == 0)
    a->kind = TIDU_KIND_POSITIONING;
  else if (k->kind == TK_ID && strcmp(k->str, "tier") == 0)
    a->kind = TIDU_KIND_TIER;
  else if (k->kind == TK_ID && strcmp(k->str, "programme") == 0)
    a->kind = TIDU_KIND_PROGRAMME;
  else
    return expect_fail(P, "board, positioning, tier or programme"), 0;
  next(P);
  return header_meta(P, a);
}

/* file = header { decl } */
int tidu_parse(const char *file, const tidu_toklist *toks, int prelude, tidu_ast **out,
               tidu_errlist *errs) {
  parser P = {file, toks, 0, errs, 0, 0, 0};
  tidu_ast *a = tidu_calloc(1, sizeof *a);
  *out = a;
  if (!a) return -1;
  a->is_prelude = prelude;
  a->until = INT64_MAX;
  if (!prelude && !parse_header(&P, a)) {
    if (P.nomem) return -1;
    recover(&P);
  }
  while (peek(&P)->kind != TK_EOF && !P.nomem) {
    P.failed = 0;
    size_t start = P.pos;
    tidu_node *d = parse_decl(&P, prelude);
    if (!d) {
      if (P.nomem) break;
      if (P.pos == start) next(&P); /* always make progress */
      recover(&P);
      continue;
    }
    tidu_node **nd = tidu_realloc(a->decls, (a->ndecls + 1) * sizeof *nd);
    if (!nd) {
      tidu_node_free(d);
      P.nomem = 1;
      break;
    }
    a->decls = nd;
    a->decls[a->ndecls++] = d;
  }
  if (!prelude && !P.nerr && !a->has_effective && !P.nomem) {
    P.nerr++;
    tidu_rules_err(errs, TIDU_ERR_RULE, file, &a->id_sp,
                   "规则集缺少生效日期 / rule set '%s' has no 'effective' date",
                   a->id ? a->id : "");
  }
  return P.nomem ? -1 : P.nerr;
}
