/* Printing tokens, syntax trees and flat programs (for `tidu rules show` and golden files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"

static const char *const op_names[] = {
#define X(op, doc) #op,
    TIDU_OPCODES(X)
#undef X
};

const char *tidu_opcode_name(tidu_opcode op) {
  return op < OP_COUNT ? op_names[op] : "?";
}

static void put_rat(tidu_sb *b, tidu_i128 num, tidu_i128 den) {
  char buf[96];
  tidu_explain_const(num, den, TIDU_TY_NUM, 1, buf, sizeof buf);
  tidu_sb_puts(b, buf);
}

char *tidu_dump_tokens(const tidu_toklist *toks) {
  tidu_sb b = {0};
  for (size_t i = 0; i < toks->n; i++) {
    const tidu_token *t = &toks->t[i];
    tidu_sb_printf(&b, "%u:%u+%u %s", t->sp.line, t->sp.col, t->sp.chars, tidu_tok_name(t->kind));
    if (t->kind == TK_ID || t->kind == TK_STR) tidu_sb_printf(&b, " \"%s\"", t->str);
    if (t->kind == TK_NUM) {
      tidu_sb_puts(&b, " ");
      put_rat(&b, t->num, t->den);
      if (t->unit) tidu_sb_printf(&b, " unit=%c", t->unit);
    }
    if (t->kind == TK_DATE) tidu_sb_printf(&b, " days=%lld", (long long)t->date);
    tidu_sb_puts(&b, "\n");
  }
  return tidu_sb_take(&b);
}

static const char *const node_names[] = {
    "num",      "bool",       "name", "call",  "neg",  "bin",   "cmp",  "in",
    "has",      "startswith", "each", "pred",  "all",  "any",   "not",  "let",
    "standard", "require",    "info", "score", "band", "group", "pass", "file"};

static void dump_node(tidu_sb *b, const tidu_node *n, int depth) {
  for (int i = 0; i < depth; i++) tidu_sb_puts(b, "  ");
  tidu_sb_printf(b, "%s @%u:%u+%u", node_names[n->kind], n->sp.line, n->sp.col, n->sp.chars);
  if (n->kind == ND_BIN) tidu_sb_printf(b, " '%c'", n->op);
  if (n->kind == ND_CMP || n->kind == ND_EACH) tidu_sb_printf(b, " '%s'", tidu_tok_name(n->op));
  if (n->str) tidu_sb_printf(b, " %s", n->str);
  if (n->kind == ND_NAME && n->ival >= 0) tidu_sb_printf(b, "[%ld]", n->ival);
  if (n->kind == ND_EACH) tidu_sb_printf(b, " years=%ld", n->ival);
  if (n->kind == ND_NUM) {
    tidu_sb_puts(b, " ");
    put_rat(b, n->num, n->den);
    if (n->unit) tidu_sb_printf(b, " unit=%c", n->unit);
  }
  if (n->kind == ND_BOOL) tidu_sb_puts(b, n->ival ? " true" : " false");
  if (n->str2) tidu_sb_printf(b, " \"%s\"", n->str2);
  if (n->kind == ND_SCORE || n->kind == ND_GROUP) tidu_sb_printf(b, " max=%g", n->max);
  if (n->kind == ND_GROUP && n->ival) tidu_sb_printf(b, " min=%g", n->min);
  if (n->kind == ND_BAND) tidu_sb_printf(b, " -> %g", n->points);
  if (n->group) tidu_sb_printf(b, " group=%s", n->group);
  for (size_t i = 0; i < n->nstrs; i++) tidu_sb_printf(b, " '%s'", n->strs[i]);
  if (n->label) tidu_sb_printf(b, " label=\"%s\"", n->label);
  if (n->cite) tidu_sb_printf(b, " source=\"%s\"", n->cite);
  tidu_sb_puts(b, "\n");
  for (size_t i = 0; i < n->nkids; i++) dump_node(b, n->kids[i], depth + 1);
}

char *tidu_dump_tree(const tidu_ast *a) {
  tidu_sb b = {0};
  if (a->is_prelude) {
    tidu_sb_puts(&b, "prelude\n");
  } else {
    tidu_sb_printf(&b, "ruleset %s \"%s\"", a->id ? a->id : "?", a->name ? a->name : "");
    if (a->name_en) tidu_sb_printf(&b, " \"%s\"", a->name_en);
    tidu_sb_printf(&b, " kind %s\n", tidu_rule_kind_name(a->kind));
    if (a->version) tidu_sb_printf(&b, "  version \"%s\"\n", a->version);
    if (a->has_effective) tidu_sb_printf(&b, "  effective days=%lld", (long long)a->effective);
    if (a->has_until) tidu_sb_printf(&b, " until days=%lld", (long long)a->until);
    if (a->has_effective) tidu_sb_puts(&b, "\n");
    if (a->source) tidu_sb_printf(&b, "  source \"%s\"\n", a->source);
    for (size_t i = 0; i < a->nnotes; i++) tidu_sb_printf(&b, "  note \"%s\"\n", a->notes[i]);
    for (size_t i = 0; i < a->nregions; i++) tidu_sb_printf(&b, "  region \"%s\"\n", a->regions[i]);
  }
  for (size_t i = 0; i < a->ndecls; i++) dump_node(&b, a->decls[i], 1);
  return tidu_sb_take(&b);
}

static const char *const cmp_names[] = {">=", ">", "<=", "<", "==", "!="};

char *tidu_dump_prog(const tidu_prog *p) {
  tidu_sb b = {0};
  tidu_sb_printf(&b, "; %zu instructions, %zu registers, %zu conditions, %zu constants\n", p->ncode,
                 p->nregs, p->nconds, p->nconsts);
  for (size_t i = 0; i < p->nconsts; i++) {
    tidu_sb_printf(&b, "const %zu = ", i);
    put_rat(&b, p->consts[i].num, p->consts[i].den);
    tidu_sb_puts(&b, "\n");
  }
  for (size_t i = 0; i < p->nconds; i++) {
    const tidu_pcond *c = &p->conds[i];
    static const char *const kinds[] = {"cmp", "test", "all", "any", "not"};
    tidu_sb_printf(&b, "cond %zu %s parent=%d depth=%d%s path=%s \"%s\"\n", i, kinds[c->kind],
                   c->parent, c->depth, c->hidden ? " hidden" : "", c->path ? c->path : "",
                   c->text ? c->text : "");
  }
  for (size_t i = 0; i < p->ncode; i++) {
    const tidu_instr *in = &p->code[i];
    tidu_sb_printf(&b, "%04zu %-8s", i, tidu_opcode_name((tidu_opcode)in->op));
    switch ((tidu_opcode)in->op) {
    case OP_LOADY:
      tidu_sb_printf(&b, " r%d = %s[%d] /%d", in->a, tidu_year_field_info(in->b)->name, in->c,
                     in->d);
      break;
    case OP_LOADF:
      tidu_sb_printf(&b, " r%d = %s /%d", in->a, tidu_firm_field_info(in->b)->name, in->c);
      break;
    case OP_LOADC:
      tidu_sb_printf(&b, " r%d = const %d", in->a, in->b);
      break;
    case OP_CMP:
      tidu_sb_printf(&b, " c%d = r%d %s r%d", in->a, in->b, cmp_names[in->d], in->c);
      break;
    case OP_CMPK:
      tidu_sb_printf(&b, " c%d = r%d %s const %d", in->a, in->b, cmp_names[in->d], in->c);
      break;
    case OP_CMPCAGR:
      tidu_sb_printf(&b, " c%d = cagr(r%d, r%d, %d) %s r%d", in->a, in->b, in->c, in->e,
                     cmp_names[in->d], in->f);
      break;
    case OP_SKIP:
      tidu_sb_printf(&b, " c%d known: skip %d", in->a, in->b);
      break;
    case OP_SETTLE:
      tidu_sb_printf(&b, " c%d %s: r%d..r%d vs r%d..r%d", in->a, cmp_names[in->d], in->c, in->b,
                     in->f, in->e);
      break;
    case OP_IN:
    case OP_HAS:
      tidu_sb_printf(&b, " c%d = %s mask 0x%llx%s", in->a, tidu_firm_field_info(in->b)->name,
                     (unsigned long long)p->masks[in->c], in->d ? " (judgement)" : "");
      break;
    case OP_STARTS:
    case OP_BOOLF:
      tidu_sb_printf(&b, " c%d = %s %d%s", in->a, tidu_firm_field_info(in->b)->name, in->c,
                     in->d ? " (judgement)" : "");
      break;
    case OP_TRUTH:
      tidu_sb_printf(&b, " c%d = r%d", in->a, in->b);
      break;
    case OP_ALL:
    case OP_ANY: {
      const tidu_pcond *c = &p->conds[in->a];
      tidu_sb_printf(&b, " c%d =", in->a);
      for (size_t k = 0; k < c->nkids; k++) tidu_sb_printf(&b, " c%d", c->kids[k]);
      break;
    }
    case OP_NOT:
    case OP_MERGE:
      tidu_sb_printf(&b, " c%d, c%d", in->a, in->b);
      break;
    case OP_ITEM:
    case OP_ITEMF:
      tidu_sb_printf(&b, " item%d", in->a);
      if (in->op == OP_ITEMF) tidu_sb_printf(&b, " = r%d", in->b);
      break;
    case OP_TOTAL:
      break;
    case OP_SCORE:
      tidu_sb_printf(&b, " r%d = score.%s", in->a, in->b ? "hi" : "lo");
      break;
    case OP_GROUPV:
      tidu_sb_printf(&b, " r%d = group%d.%s", in->a, in->c, in->b ? "hi" : "lo");
      break;
    case OP_YSINCE:
    case OP_MSINCE:
      tidu_sb_printf(&b, " r%d = %s%s", in->a, tidu_firm_field_info(in->b)->name,
                     in->op == OP_YSINCE && in->c ? " (fiscal)" : "");
      break;
    default:
      tidu_sb_printf(&b, " r%d = r%d, r%d", in->a, in->b, in->c);
      if (in->op == OP_CAGR) tidu_sb_printf(&b, ", %d", in->d);
      if ((in->op == OP_MIN || in->op == OP_MAX) && in->d) tidu_sb_puts(&b, " (known ones)");
    }
    if (in->line) tidu_sb_printf(&b, "  ; %u:%u", in->line, in->col);
    tidu_sb_puts(&b, "\n");
  }
  return tidu_sb_take(&b);
}
