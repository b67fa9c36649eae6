/* Internal interfaces of the rule language: tokens, syntax tree and the compiled rule set. */
#ifndef TIDU_RULES_INT_H
#define TIDU_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/rules.h"
#include "rules/prog.h"
#include "tidu/toolkit.h"

typedef __int128 tidu_i128;

/* The type of a plain number (no unit) in the compiler, beside tidu_type's values. */
#define TIDU_TY_NUM 100

/* ---- tokens ---------------------------------------------------------------------------- */

/* ORDER: token kinds and their spellings, written once. */
#define TIDU_TOKENS(X)                                                                             \
  X(EOF, "end of file")                                                                            \
  X(ID, "identifier")                                                                              \
  X(NUM, "number")                                                                                 \
  X(STR, "string")                                                                                 \
  X(DATE, "date")                                                                                  \
  X(GE, ">=")                                                                                      \
  X(GT, ">")                                                                                       \
  X(LE, "<=")                                                                                      \
  X(LT, "<")                                                                                       \
  X(EQ, "==")                                                                                      \
  X(NE, "!=")                                                                                      \
  X(PLUS, "+")                                                                                     \
  X(MINUS, "-")                                                                                    \
  X(STAR, "*")                                                                                     \
  X(SLASH, "/")                                                                                    \
  X(LPAREN, "(")                                                                                   \
  X(RPAREN, ")")                                                                                   \
  X(LBRACK, "[")                                                                                   \
  X(RBRACK, "]")                                                                                   \
  X(LBRACE, "{")                                                                                   \
  X(RBRACE, "}")                                                                                   \
  X(COMMA, ",")                                                                                    \
  X(ARROW, "->")                                                                                   \
  X(ASSIGN, "=")                                                                                   \
  X(KW_RULESET, "ruleset")                                                                         \
  X(KW_KIND, "kind")                                                                               \
  X(KW_VERSION, "version")                                                                         \
  X(KW_EFFECTIVE, "effective")                                                                     \
  X(KW_UNTIL, "until")                                                                             \
  X(KW_SOURCE, "source")                                                                           \
  X(KW_NOTE, "note")                                                                               \
  X(KW_SCOPE, "scope")                                                                             \
  X(KW_REGION, "region")                                                                           \
  X(KW_LET, "let")                                                                                 \
  X(KW_STANDARD, "standard")                                                                       \
  X(KW_REQUIRE, "require")                                                                         \
  X(KW_INFO, "info")                                                                               \
  X(KW_ALL, "all")                                                                                 \
  X(KW_ANY, "any")                                                                                 \
  X(KW_NOT, "not")                                                                                 \
  X(KW_IN, "in")                                                                                   \
  X(KW_HAS, "has")                                                                                 \
  X(KW_STARTSWITH, "startswith")                                                                   \
  X(KW_SCORE, "score")                                                                             \
  X(KW_GROUP, "group")                                                                             \
  X(KW_MAX, "max")                                                                                 \
  X(KW_MIN, "min")                                                                                 \
  X(KW_WHEN, "when")                                                                               \
  X(KW_ELSE, "else")                                                                               \
  X(KW_PASS, "pass")                                                                               \
  X(KW_DIRECT, "direct")                                                                           \
  X(KW_TRUE, "true")                                                                               \
  X(KW_FALSE, "false")

typedef enum tidu_tok_kind {
#define X(k, s) TK_##k,
  TIDU_TOKENS(X)
#undef X
      TK_COUNT
} tidu_tok_kind;

const char *tidu_tok_name(tidu_tok_kind k);

/* A source position: byte offset and length, and the 1-based line and character column. */
typedef struct tidu_span {
  uint32_t off, len;  /* bytes */
  uint32_t line, col; /* col in characters */
  uint32_t chars;     /* length in characters */
} tidu_span;

typedef struct tidu_token {
  tidu_tok_kind kind;
  tidu_span sp;
  /* NUM: the exact value num/den (den > 0), and its unit: 0 plain, 'M' money (元), '%' */
  tidu_i128 num, den;
  char unit;
  int is_int;   /* written without fraction or suffix */
  int64_t date; /* DATE: days since 1970-01-01 */
  char *str;    /* STR: decoded text; ID: the identifier (malloc'd) */
} tidu_token;

typedef struct tidu_toklist {
  tidu_token *t;
  size_t n, cap;
} tidu_toklist;

/* Lexes `text` into `out` (ending with TK_EOF). Errors are appended to errs; lexing goes on
 * after an error. Returns the number of errors, or -1 on ENOMEM. */
int tidu_lex(const char *file, const char *text, size_t len, tidu_toklist *out, tidu_errlist *errs);
void tidu_toklist_free(tidu_toklist *l);

/* ---- syntax tree ----------------------------------------------------------------------- */

typedef enum tidu_node_kind {
  /* expressions */
  ND_NUM,  /* num/den, unit */
  ND_BOOL, /* ival */
  ND_NAME, /* str, ival = index or -1 */
  ND_CALL, /* str = function, kids = args */
  ND_NEG,  /* kids[0] */
  ND_BIN,  /* op = '+','-','*','/' */
  /* conditions */
  ND_CMP,    /* op = TK_GE.., kids[0] CMP kids[1] */
  ND_IN,     /* kids[0] in { strs } */
  ND_HAS,    /* kids[0] has strs[0] */
  ND_STARTS, /* kids[0] startswith strs */
  ND_EACH,   /* each(kids[0], ival) op kids[1] */
  ND_PRED,   /* kids[0] used as a condition */
  ND_ALL,
  ND_ANY,
  ND_NOT,
  /* declarations */
  ND_LET,      /* str = name, kids[0] = expr or condition (ALL/ANY) */
  ND_STANDARD, /* str = id, str2 = title, kids[0] = ALL block */
  ND_REQUIRE,  /* str2 = title or NULL, kids[0] = ALL block */
  ND_INFO,     /* str2 = text */
  ND_SCORE,    /* str = id, str2 = name, max, group, kids = bands or kids[0] formula (ival=1) */
  ND_BAND,     /* kids[0] = condition or none (else), points */
  ND_GROUP,    /* str = id, str2 = name, max, min (ival = has min) */
  ND_PASS,     /* kids[0] = ALL block */
  ND_FILE      /* header fields in the file struct; kids = declarations */
} tidu_node_kind;

typedef struct tidu_node {
  tidu_node_kind kind;
  int op;
  tidu_span sp;
  char *str, *str2;
  char *label; /* a condition's Chinese text */
  char *cite;  /* a `source` attached */
  char *group;
  tidu_i128 num, den;
  char unit;
  long ival;
  double max, min, points;
  char **strs;
  size_t nstrs;
  struct tidu_node **kids;
  size_t nkids;
} tidu_node;

void tidu_node_free(tidu_node *n);

typedef struct tidu_ast {
  int is_prelude;
  char *id, *name, *name_en;
  tidu_rule_kind kind;
  char *version;
  int64_t effective, until;
  int has_effective, has_until;
  char *source;
  char **notes;
  size_t nnotes;
  char **regions;
  size_t nregions;
  tidu_span id_sp;
  tidu_node **decls;
  size_t ndecls;
} tidu_ast;

/* Parses tokens into an AST. `prelude`: the file holds only `let` declarations.
 * Errors are appended to errs; returns the number of errors (-1 on ENOMEM). *out is set
 * even when errors were found (may be partial) and must be freed with tidu_ast_free. */
int tidu_parse(const char *file, const tidu_toklist *toks, int prelude, tidu_ast **out,
               tidu_errlist *errs);
void tidu_ast_free(tidu_ast *a);

/* ---- compiled rule sets ---------------------------------------------------------------- */

/* A binding of the prelude or a rule set, kept for compilation and `rules fields`. */
typedef struct tidu_binding {
  const char *name;
  const tidu_node *def; /* borrowed from the AST that defined it */
  int is_series;        /* uses bare year fields */
  int is_cond;          /* let x = all {...} */
  tidu_type type;
  char *formula; /* source text of the definition */
} tidu_binding;

typedef struct tidu_prelude {
  tidu_ast *ast;
  char *text;
  tidu_binding *b;
  size_t nb;
} tidu_prelude;

struct tidu_ruleset {
  tidu_ruleset_info meta;
  char *text; /* the source, owned */
  size_t len;
  tidu_ast *ast;
  tidu_prog prog;
  size_t index; /* order of addition */
};

/* Helpers shared by the rules module. */
tidu_code tidu_rules_err(tidu_errlist *errs, tidu_code code, const char *file, const tidu_span *sp,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Compiles an AST (with the prelude's bindings in scope) into `rs` (meta + prog). Errors are
 * appended; returns the number of errors or -1 on ENOMEM. */
int tidu_compile(const char *file, const tidu_ast *ast, const tidu_prelude *pre, tidu_ruleset *rs,
                 tidu_errlist *errs);
/* Compiles the prelude's bindings (checks them). Returns the number of errors. */
int tidu_compile_prelude(const char *file, tidu_prelude *pre, tidu_errlist *errs);
void tidu_prog_free(tidu_prog *p);

/* The symbol people read for a comparison token (≥, >, ≤, <, =, ≠). explain.c */
const char *tidu_cmp_symbol(int op);

/* Condition texts (explain.c). `shift` is the year shift of a series expansion (0 when none),
 * `type` the compared value's type (for formatting constants), `en` 0 Chinese / 1 English.
 * Returns a malloc'd string or NULL on ENOMEM. */
char *tidu_explain_cond_text(const tidu_node *cond, int shift, int type, int en);
/* The Chinese name of a metric or binding (field registry, prelude bindings), else `name`. */
const char *tidu_explain_name_zh(const char *name);
/* The English phrase for a field, derived metric or named condition (allocated; NULL when out of
 * memory). */
char *tidu_explain_name_en(const char *name);
/* Formats a constant of `type` compactly ("3亿元", "15%", "5000万元"). */
void tidu_explain_const(tidu_i128 num, tidu_i128 den, int type, int en, char *buf, size_t size);

/* The prelude's source text of a book (NULL when it uses the built-in one). Borrowed. */
const char *tidu_rulebook_prelude_text(const tidu_rulebook *rb);

/* Dumps. */
char *tidu_dump_tokens(const tidu_toklist *toks);
char *tidu_dump_tree(const tidu_ast *ast);
char *tidu_dump_prog(const tidu_prog *p);

#endif
