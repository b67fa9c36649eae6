/* The flat program a rule set compiles to: instructions over columns of firms, and its tables. */
#ifndef TIDU_RULES_PROG_H
#define TIDU_RULES_PROG_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/firm.h"

/* How the program runs. Every instruction loops over all lanes (firms) of a chunk.
 * Registers hold one exact rational per lane (numerator/denominator, __int128), a state
 * (unknown / exact / approximate as a double when exact arithmetic overflowed) and are in
 * natural units: 元 for money, fractions for ratios, plain numbers for counts, years, points.
 * Conditions write one column each: verdict, value, threshold, gap and relative distance.
 * Operands: a, b, c, d, e are register, condition, field, constant or table indexes as listed.
 *
 * ORDER: opcode, its operands and its effect, written once. */
#define TIDU_OPCODES(X)                                                                            \
  X(LOADY, "r[a] = year field b at offset [c] (unknown when missing)")                             \
  X(LOADF, "r[a] = firm field b (unknown when missing)")                                           \
  X(LOADC, "r[a] = constant b")                                                                    \
  X(ADD, "r[a] = r[b] + r[c]")                                                                     \
  X(SUB, "r[a] = r[b] - r[c]")                                                                     \
  X(MUL, "r[a] = r[b] * r[c]")                                                                     \
  X(DIV, "r[a] = r[b] / r[c] (unknown when r[c] == 0)")                                            \
  X(NEG, "r[a] = -r[b]")                                                                           \
  X(MIN, "r[a] = min(r[b], r[c]); d = 1: of the known ones (a bound)")                             \
  X(MAX, "r[a] = max(r[b], r[c]); d = 1: of the known ones (a bound)")                             \
  X(FIRST, "r[a] = r[b] when known, else r[c]")                                                    \
  X(FLOOR, "r[a] = floor(r[b])")                                                                   \
  X(GROWTH, "r[a] = r[b] / r[c] - 1 (unknown when r[c] <= 0)")                                     \
  X(CAGR, "r[a] = (r[b] / r[c])^(1/(d-1)) - 1, approximate (unknown when r[c] <= 0 or r[b] < 0)")  \
  X(YSINCE, "r[a] = whole years from date field b to the end of year [0] (c = 1: fiscal)")         \
  X(MSINCE, "r[a] = whole months from date field b to the assessment date")                        \
  X(SCORE, "r[a] = total points, low end (b = 0) or high end (b = 1) of the range")                \
  X(GROUPV, "r[a] = points of group c, low end (b = 0) or high end (b = 1)")                       \
  X(CMP, "cond a = r[b] CMP(d) r[c]; value, threshold, gap, distance")                             \
  X(CMPK, "cond a = r[b] CMP(d) constant c (the common case, no register for the constant)")       \
  X(CMPCAGR, "cond a = cagr(r[b] first, r[c] last, e years) CMP(d) r[f], decided exactly")         \
  X(SKIP, "when no lane of cond a is unknown, skip the next b instructions")                       \
  X(SETTLE, "cond a, where unknown: bounds r[b] (upper), r[c] (lower) vs r[e], r[f]; -1: none")    \
  X(IN, "cond a = enum firm field b is one of the values in mask c (unknown if d and undeclared)") \
  X(HAS, "cond a = tag firm field b contains one of the tags in mask c")                           \
  X(STARTS, "cond a = text firm field b starts with one of string set c (unknown if a prefix)")    \
  X(BOOLF, "cond a = bool firm field b (negated when c = 1; unknown if d and undeclared)")         \
  X(TRUTH, "cond a = r[b] != 0")                                                                   \
  X(ALL, "cond a = all of its children (three-valued); distance = sum")                            \
  X(ANY, "cond a = any of its children (three-valued); distance = min")                            \
  X(NOT, "cond a = not cond b")                                                                    \
  X(MERGE, "cond a = unknown where it differs from cond b (score ranges)")                         \
  X(ITEM, "item a points from its bands (first passing band; a range when unknown)")               \
  X(ITEMF, "item a points = r[b] clamped to 0 .. max (range 0 .. max when unknown)")               \
  X(TOTAL, "group and total points ranges from the items")

typedef enum tidu_opcode {
#define X(op, doc) OP_##op,
  TIDU_OPCODES(X)
#undef X
      OP_COUNT
} tidu_opcode;

const char *tidu_opcode_name(tidu_opcode op);

/* Comparison operators (operand d of CMP). */
typedef enum tidu_cmp { CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_NE } tidu_cmp;

typedef struct tidu_instr {
  uint8_t op;
  int32_t a, b, c, d, e, f;
  uint32_t line, col, chars; /* the span this instruction came from */
} tidu_instr;

/* A constant: an exact rational. */
typedef struct tidu_const {
  __int128 num, den;
} tidu_const;

/* One figure a condition reads, for naming what is missing. */
typedef struct tidu_input {
  char scope; /* 'F' or 'Y' */
  int16_t field;
  int16_t k; /* year offset */
} tidu_input;

typedef enum tidu_pcond_kind { PC_CMP, PC_TEST, PC_ALL, PC_ANY, PC_NOT } tidu_pcond_kind;

/* A condition node of the compiled program. Hidden nodes (the high end of a score range)
 * are not shown. Strings are owned by the program. */
typedef struct tidu_pcond {
  tidu_pcond_kind kind;
  int hidden;
  int parent; /* -1 at the top of a block */
  int *kids;
  size_t nkids;
  int depth;
  char *text, *text_en; /* label or generated */
  char *path;
  const char *source; /* nearest citation (points into the AST / meta) */
  tidu_type type;     /* of the compared value */
  int numeric;        /* has a numeric gap */
  int cmp;            /* tidu_cmp of a comparison, -1 otherwise */
  tidu_input *inputs;
  size_t ninputs;
  uint32_t line, col, chars;
} tidu_pcond;

/* A band of a point table: a condition (or -1 for `else`) and its points (×10^6). */
typedef struct tidu_band {
  int cond;
  int64_t points;
} tidu_band;

typedef struct tidu_pitem {
  tidu_band *bands;
  size_t nbands;
  int formula;        /* 1: points come from a register (ITEMF) */
  int64_t max;        /* ×10^6 */
  int group;          /* index into groups or -1 */
  tidu_input *inputs; /* formula inputs */
  size_t ninputs;
  int *conds; /* top conditions of the bands, for explanations */
  size_t nconds;
} tidu_pitem;

typedef struct tidu_pgroup {
  int64_t max, min; /* ×10^6 */
  int has_min;
} tidu_pgroup;

/* A block of conditions: a require block, a standard or the pass block; root is an ALL.
 * `name` is a require block's title (NULL when untitled; standards are named in the meta),
 * `source` the block's citation, else the rule set's; both point into the rule set (AST or
 * meta), which outlives the program. */
typedef struct tidu_pblock {
  int root;
  const char *name;
  const char *source;
} tidu_pblock;

typedef struct tidu_strset {
  char **s;
  size_t n;
} tidu_strset;

typedef struct tidu_prog {
  tidu_instr *code;
  size_t ncode, capcode;
  tidu_const *consts;
  size_t nconsts, capconsts;
  tidu_pcond *conds;
  size_t nconds, capconds;
  tidu_strset *strsets;
  size_t nstrsets;
  uint64_t *masks;
  size_t nmasks;
  size_t nregs;
  tidu_pblock *requires;
  size_t nrequires;
  tidu_pblock *standards;
  size_t nstandards;
  int pass_root; /* -1 when none */
  tidu_pitem *items;
  size_t nitems;
  tidu_pgroup *groups;
  size_t ngroups;
  int uses_dates; /* MSINCE present */
  /* Results computed more than once in a run (the same expression of the same figures, as
   * repeated formulas and bindings give): per instruction -1, or memo slot * 4 + TIDU_MEMO_*
   * flags (tidu_prog_plan_memo, eval.c). NULL: none. */
  int32_t *memo;
  size_t nmemo; /* slots */
} tidu_prog;

enum {
  TIDU_MEMO_TAKE = 1, /* when the slot holds this tile's result, take it instead of computing */
  TIDU_MEMO_SAVE = 2  /* once computed, keep the result in the slot for later instructions */
};

/* Finds the register results of `p` that a run computes more than once and fills p->memo.
 * On failure to allocate p->memo stays NULL (every result is computed). */
void tidu_prog_plan_memo(tidu_prog *p);

#endif
