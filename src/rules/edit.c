/* Threshold edits: numbering a block's comparisons and recompiling rules with one number changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "tidu/toolkit.h"

/* ---- numbering ------------------------------------------------------------------------- */

/* The numbered comparisons of one block, in source order. */
typedef struct cmp_list {
  const tidu_node **n;
  size_t len, cap;
  int nomem;
} cmp_list;

static void push_cmp(cmp_list *l, const tidu_node *n) {
  if (l->nomem) return;
  if (TIDU_PUSH_ROOM(l->n, l->len, l->cap) != 0) {
    l->nomem = 1;
    return;
  }
  l->n[l->len++] = n;
}

/* cond = all | any | not | CMP | EACH | other predicates (not counted) */
static void walk(cmp_list *l, const tidu_node *n) {
  if (!n) return;
  if (n->kind == ND_CMP || n->kind == ND_EACH) {
    push_cmp(l, n);
    return;
  }
  if (n->kind == ND_ALL || n->kind == ND_ANY || n->kind == ND_NOT)
    for (size_t i = 0; i < n->nkids; i++) walk(l, n->kids[i]);
}

/* The block name of a declaration: the standard id, "RULESET.require", or NULL. */
static const char *decl_block(const tidu_ruleset *rs, const tidu_node *d, char *buf, size_t size) {
  if (d->kind == ND_STANDARD) return d->str;
  if (d->kind != ND_REQUIRE) return NULL;
  snprintf(buf, size, "%s.require", rs->meta.id);
  return buf;
}

/* Collects the comparisons of `block` in `rs`; returns 0 when the block does not exist. */
static int block_cmps(const tidu_ruleset *rs, const char *block, cmp_list *l) {
  int found = 0;
  char buf[160];
  for (size_t i = 0; rs->ast && i < rs->ast->ndecls; i++) {
    const tidu_node *d = rs->ast->decls[i];
    const char *name = decl_block(rs, d, buf, sizeof buf);
    if (!name || strcmp(name, block) != 0) continue;
    found = 1;
    if (d->nkids) walk(l, d->kids[0]);
  }
  return found;
}

static int unit_type(char unit, int fallback) {
  return unit == 'M' ? TIDU_T_MONEY : unit == '%' ? TIDU_T_RATIO : fallback;
}

/* The type of the value a comparison compares, as the compiler found it (matched by the
 * comparison's position); else guessed from its right-hand literal. */
static int cmp_type(const tidu_ruleset *rs, const tidu_node *c) {
  for (size_t i = 0; i < rs->prog.nconds; i++) {
    const tidu_pcond *pc = &rs->prog.conds[i];
    if (pc->line == c->sp.line && pc->col == c->sp.col &&
        (pc->kind == PC_CMP || pc->kind == PC_ALL))
      return (int)pc->type;
  }
  const tidu_node *r = c->nkids > 1 ? c->kids[1] : NULL;
  return r && r->kind == ND_NUM ? unit_type(r->unit, TIDU_T_COUNT) : TIDU_T_COUNT;
}

/* The comparison as generated Chinese text, without its label. */
static char *cmp_text(const tidu_ruleset *rs, const tidu_node *c) {
  tidu_node tmp = *c;
  tmp.label = NULL;
  return tidu_explain_cond_text(&tmp, 0, cmp_type(rs, c), 0);
}

static int is_const(const tidu_node *c) {
  return c->nkids > 1 && c->kids[1]->kind == ND_NUM;
}

/* ---- listing --------------------------------------------------------------------------- */

void tidu_thresholds_free(tidu_threshold *t, size_t n) {
  for (size_t i = 0; t && i < n; i++) {
    free(t[i].block);
    free(t[i].text);
    free(t[i].literal);
  }
  free(t);
}

static int fill_threshold(const tidu_ruleset *rs, const char *block, int n, const tidu_node *c,
                          tidu_threshold *t) {
  t->block = tidu_strdup(block);
  t->n = n;
  t->text = cmp_text(rs, c);
  t->line = (int)c->sp.line;
  t->col = (int)c->sp.col;
  if (is_const(c)) {
    const tidu_span *sp = &c->kids[1]->sp;
    t->literal = tidu_strndup(rs->text + sp->off, sp->len);
    if (!t->literal) return 0;
  }
  return t->block && t->text;
}

/* Appends the comparisons of one block to *out. Returns 0 on ENOMEM. */
static int list_block(const tidu_ruleset *rs, const char *block, tidu_threshold **out, size_t *n) {
  cmp_list l = {0};
  block_cmps(rs, block, &l);
  int ok = !l.nomem;
  tidu_threshold *p = ok && l.len ? tidu_realloc(*out, (*n + l.len) * sizeof *p) : *out;
  if (ok && l.len && !p) ok = 0;
  if (p) *out = p;
  for (size_t i = 0; ok && i < l.len; i++) {
    memset(&p[*n], 0, sizeof *p);
    ok = fill_threshold(rs, block, (int)i + 1, l.n[i], &p[*n]);
    (*n)++;
  }
  free(l.n);
  return ok;
}

tidu_code tidu_ruleset_thresholds(const tidu_ruleset *rs, tidu_threshold **out, size_t *n,
                                  tidu_error *err) {
  *out = NULL;
  *n = 0;
  int ok = 1;
  for (size_t i = 0; ok && i < rs->meta.nstandards; i++)
    ok = list_block(rs, rs->meta.standards[i].id, out, n);
  char req[160];
  snprintf(req, sizeof req, "%s.require", rs->meta.id);
  cmp_list probe = {0};
  if (ok && block_cmps(rs, req, &probe)) ok = list_block(rs, req, out, n);
  free(probe.n);
  if (ok) return TIDU_OK;
  tidu_thresholds_free(*out, *n);
  *out = NULL;
  *n = 0;
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

/* ---- parsing an edit ------------------------------------------------------------------- */

/* One parsed "ADDRESS=VALUE". */
typedef struct edit {
  char block[160];
  long n;
  char value[64];             /* the literal as given, trimmed */
  tidu_i128 num, den;         /* its value */
  char unit;                  /* 0, 'M', '%' */
  const tidu_ruleset *target; /* the first rule set holding the block */
} edit;

static void trim(const char *s, size_t len, char *buf, size_t size) {
  while (len && (*s == ' ' || *s == '\t')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  snprintf(buf, size, "%.*s", (int)len, s);
}

/* VALUE must be one number literal, optionally negative. */
static tidu_code parse_value(const char *spec, edit *e, tidu_error *err) {
  tidu_toklist toks = {0};
  int bad = tidu_lex("--set", e->value, strlen(e->value), &toks, NULL);
  if (bad < 0) {
    tidu_toklist_free(&toks);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  size_t i = toks.n > 0 && toks.t[0].kind == TK_MINUS ? 1 : 0;
  int ok = !bad && toks.n == i + 2 && toks.t[i].kind == TK_NUM;
  if (ok) {
    e->num = i ? -toks.t[i].num : toks.t[i].num;
    e->den = toks.t[i].den;
    e->unit = toks.t[i].unit;
  }
  tidu_toklist_free(&toks);
  if (ok) return TIDU_OK;
  return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                        "--set %s: '%s' 不是数值(例如 1.2亿、12%%、5000万) / '%s' is not a number "
                        "literal (e.g. 1.2亿, 12%%, 5000万)",
                        spec, e->value, e->value);
}

static tidu_code parse_spec(const char *spec, edit *e, tidu_error *err) {
  memset(e, 0, sizeof *e);
  const char *eq = strchr(spec, '=');
  const char *dot = NULL;
  for (const char *p = spec; eq && p < eq; p++)
    if (*p == '.') dot = p;
  char *end = NULL;
  if (dot) e->n = strtol(dot + 1, &end, 10);
  while (end && end < eq && (*end == ' ' || *end == '\t')) end++;
  if (!eq || !dot || dot == spec || end != eq || dot + 1 == eq || e->n < 1 ||
      (size_t)(dot - spec) >= sizeof e->block)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "--set '%s': 应写作 标准编号.N=数值(如 main.1.3=1.2亿) / expected "
                          "STANDARD_ID.N=VALUE (e.g. main.1.3=1.2亿)",
                          spec);
  trim(spec, (size_t)(dot - spec), e->block, sizeof e->block);
  trim(eq + 1, strlen(eq + 1), e->value, sizeof e->value);
  return parse_value(spec, e, err);
}

/* ---- finding the block ----------------------------------------------------------------- */

static int has_block(const tidu_ruleset *rs, const char *block) {
  cmp_list l = {0};
  int found = block_cmps(rs, block, &l);
  free(l.n);
  return found;
}

/* Remembers the nearest block name to `want` among the blocks of `rs`. */
static void nearest(const tidu_ruleset *rs, const char *want, char *best, size_t size,
                    size_t *bestd) {
  char buf[160];
  for (size_t i = 0; rs->ast && i < rs->ast->ndecls; i++) {
    const char *name = decl_block(rs, rs->ast->decls[i], buf, sizeof buf);
    if (!name) continue;
    size_t d = tidu_edit_distance(want, name);
    if (d < *bestd) {
      *bestd = d;
      snprintf(best, size, "%s", name);
    }
  }
}

static tidu_code find_target(const tidu_selection *base, const char *spec, edit *e,
                             tidu_error *err) {
  size_t nsel = tidu_selection_count(base);
  for (size_t i = 0; i < nsel && !e->target; i++)
    if (has_block(tidu_selection_get(base, i), e->block)) e->target = tidu_selection_get(base, i);
  if (e->target) return TIDU_OK;
  char best[160] = "";
  size_t bestd = 64;
  for (size_t i = 0; i < nsel; i++)
    nearest(tidu_selection_get(base, i), e->block, best, sizeof best, &bestd);
  if (best[0] && bestd <= 3)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "--set %s: 基准规则中没有标准 '%s'(是否为 '%s'?) / no standard '%s' in "
                          "the base rules (did you mean '%s'?)",
                          spec, e->block, best, e->block, best);
  return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                        "--set %s: 基准规则中没有标准 '%s' / no standard '%s' in the base rules",
                        spec, e->block, e->block);
}

/* ---- editing the text ------------------------------------------------------------------ */

/* One byte range of the source replaced by `with`. */
typedef struct patch {
  size_t off, len;
  const char *with;
  const tidu_node *cmp; /* the edited comparison (for duplicate checks) */
} patch;

/* The label token right after the constant at `off`, if any: its span in *sp. */
static int label_after(const tidu_ruleset *rs, uint32_t off, tidu_span *sp) {
  tidu_toklist toks = {0};
  int found = 0;
  if (tidu_lex(rs->meta.file, rs->text, rs->len, &toks, NULL) >= 0)
    for (size_t i = 0; i + 1 < toks.n && !found; i++)
      if (toks.t[i].sp.off == off && toks.t[i + 1].kind == TK_STR) {
        *sp = toks.t[i + 1].sp;
        found = 1;
      }
  tidu_toklist_free(&toks);
  return found;
}

/* Checks edit `e` against rule set `rs` and adds its patches (literal, label) to `p`. */
static tidu_code plan_edit(const tidu_ruleset *rs, const char *spec, const edit *e, patch *p,
                           size_t *np, const tidu_node **cmp, tidu_error *err) {
  cmp_list l = {0};
  block_cmps(rs, e->block, &l);
  if (l.nomem) {
    free(l.n);
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  size_t count = l.len;
  const tidu_node *c = e->n <= (long)count ? l.n[e->n - 1] : NULL;
  free(l.n);
  if (!c)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "--set %s: '%s' 只有 %zu 个数值比较(N 为 1..%zu) / '%s' has %zu "
                          "numeric comparisons (N is 1..%zu)",
                          spec, e->block, count, count, e->block, count, count);
  if (!is_const(c))
    return tidu_error_set(err, TIDU_ERR_USAGE, rs->meta.file, c->sp.line, c->sp.col,
                          "--set %s: 第 %ld 个比较的右侧不是常数,无法修改 / comparison #%ld has "
                          "no constant on its right side",
                          spec, e->n, e->n);
  int type = cmp_type(rs, c);
  if ((e->unit == '%' && type != TIDU_T_RATIO) || (e->unit == 'M' && type != TIDU_T_MONEY))
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "--set %s: '%s' 的单位与该比较不符(比较的是%s) / the unit of '%s' does "
                          "not fit the comparison (it compares %s)",
                          spec, e->value,
                          type == TIDU_T_MONEY   ? "金额"
                          : type == TIDU_T_RATIO ? "比例"
                                                 : "数量",
                          e->value,
                          type == TIDU_T_MONEY   ? "money"
                          : type == TIDU_T_RATIO ? "a ratio"
                                                 : "a number");
  for (size_t i = 0; i < *np; i++)
    if (p[i].cmp == c)
      return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                            "--set %s: 同一阈值被修改两次 / the same threshold is set twice", spec);
  const tidu_span *sp = &c->kids[1]->sp;
  p[(*np)++] = (patch){sp->off, sp->len, e->value, c};
  tidu_span lab;
  if (label_after(rs, sp->off, &lab)) p[(*np)++] = (patch){lab.off, lab.len, "", NULL};
  *cmp = c;
  return TIDU_OK;
}

static int by_off_desc(const void *a, const void *b) {
  const patch *x = a, *y = b;
  return x->off < y->off ? 1 : x->off > y->off ? -1 : 0;
}

/* The text of `rs` with the patches applied (malloc'd), or NULL on ENOMEM. */
static char *apply(const tidu_ruleset *rs, patch *p, size_t np, size_t *len) {
  if (np > 1) qsort(p, np, sizeof *p, by_off_desc);
  tidu_sb b = {0};
  size_t pos = 0;
  for (size_t i = np; i-- > 0;) {
    tidu_sb_putn(&b, rs->text + pos, p[i].off - pos);
    tidu_sb_puts(&b, p[i].with);
    pos = p[i].off + p[i].len;
  }
  tidu_sb_putn(&b, rs->text + pos, rs->len - pos);
  *len = b.len;
  return tidu_sb_take(&b);
}

/* "main.1 #3 最近一年净利润 ≥ 1亿元 → ≥ 1.2亿元" */
static char *describe(const tidu_ruleset *rs, const edit *e, const tidu_node *c) {
  char *old = cmp_text(rs, c);
  if (!old) return NULL;
  char val[96];
  tidu_explain_const(e->num, e->den, unit_type(e->unit, cmp_type(rs, c)), 0, val, sizeof val);
  tidu_sb b = {0};
  tidu_sb_printf(&b, "%s #%ld %s → %s %s", e->block, e->n, old, tidu_cmp_symbol(c->op), val);
  free(old);
  return tidu_sb_take(&b);
}

/* ---- building the edited book ---------------------------------------------------------- */

void tidu_thresholds_changes_free(char **changes, size_t n) {
  for (size_t i = 0; changes && i < n; i++) free(changes[i]);
  free(changes);
}

/* Adds rule set `rs` to `book`, its text edited by every edit addressed to one of its blocks.
 * Fills changes[k] for the edits whose target is `rs`. */
static tidu_code add_edited(tidu_rulebook *book, const tidu_ruleset *rs, const edit *ed,
                            const char *const *specs, size_t nspecs, char **changes,
                            tidu_errlist *errs, tidu_error *err) {
  patch *p = tidu_calloc(nspecs * 2 + 1, sizeof *p);
  if (!p) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  size_t np = 0;
  tidu_code rc = TIDU_OK;
  for (size_t k = 0; rc == TIDU_OK && k < nspecs; k++) {
    if (!has_block(rs, ed[k].block)) continue;
    const tidu_node *c = NULL;
    rc = plan_edit(rs, specs[k], &ed[k], p, &np, &c, err);
    if (rc == TIDU_OK && changes && ed[k].target == rs && !(changes[k] = describe(rs, &ed[k], c)))
      rc = tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  }
  size_t len = rs->len;
  char *text = rc == TIDU_OK && np ? apply(rs, p, np, &len) : NULL;
  free(p);
  if (rc != TIDU_OK) return rc;
  if (np && !text)
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  size_t before = errs ? errs->n : 0;
  rc = tidu_rulebook_add_text(book, rs->meta.file, text ? text : rs->text, len, errs);
  free(text);
  if (rc == TIDU_ERR_RULE)
    tidu_error_set(err, TIDU_ERR_RULE, rs->meta.file, 0, 0,
                   "修改后的规则无法编译 / the edited rules do not compile");
  else if (rc != TIDU_OK && errs && errs->n > before)
    *err = errs->items[before];
  else if (rc != TIDU_OK)
    tidu_error_set(err, rc, NULL, 0, 0, "内存不足 / out of memory");
  return rc;
}

static tidu_code parse_all(const tidu_selection *base, const char *const *specs, size_t nspecs,
                           edit *ed, tidu_error *err) {
  for (size_t k = 0; k < nspecs; k++) {
    tidu_code rc = parse_spec(specs[k], &ed[k], err);
    if (rc == TIDU_OK) rc = find_target(base, specs[k], &ed[k], err);
    if (rc != TIDU_OK) return rc;
  }
  return TIDU_OK;
}

static tidu_code fill_book(const tidu_selection *base, const tidu_rulebook *prelude_from,
                           const char *const *specs, size_t nspecs, const edit *ed,
                           tidu_rulebook *book, char **changes, tidu_errlist *errs,
                           tidu_error *err) {
  const char *pre = tidu_rulebook_prelude_text(prelude_from);
  tidu_code rc = TIDU_OK;
  if (pre) rc = tidu_rulebook_add_text(book, "prelude.tidu", pre, strlen(pre), errs);
  if (rc != TIDU_OK)
    return tidu_error_set(err, rc, NULL, 0, 0, "前置定义无法编译 / the prelude does not compile");
  for (size_t i = 0; rc == TIDU_OK && i < tidu_selection_count(base); i++)
    rc = add_edited(book, tidu_selection_get(base, i), ed, specs, nspecs, changes, errs, err);
  return rc;
}

tidu_code tidu_rules_set_thresholds(const tidu_selection *base, const tidu_rulebook *prelude_from,
                                    const char *const *specs, size_t nspecs, int64_t as_of_days,
                                    tidu_rulebook **book, tidu_selection **sel, char ***changes,
                                    tidu_errlist *errs, tidu_error *err) {
  *book = NULL;
  *sel = NULL;
  if (changes) *changes = NULL;
  edit *ed = tidu_calloc(nspecs ? nspecs : 1, sizeof *ed);
  char **ch = tidu_calloc(nspecs ? nspecs : 1, sizeof *ch);
  tidu_rulebook *rb = tidu_rulebook_new();
  tidu_code rc = ed && ch && rb
                     ? TIDU_OK
                     : tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  if (rc == TIDU_OK) rc = parse_all(base, specs, nspecs, ed, err);
  if (rc == TIDU_OK) rc = fill_book(base, prelude_from, specs, nspecs, ed, rb, ch, errs, err);
  if (rc == TIDU_OK) {
    *sel = tidu_rulebook_select(rb, as_of_days, NULL, err);
    if (!*sel) rc = err && err->code ? err->code : TIDU_ERR_NOMEM;
  }
  free(ed);
  if (rc == TIDU_OK && changes)
    *changes = ch;
  else
    tidu_thresholds_changes_free(ch, nspecs);
  if (rc == TIDU_OK || rc == TIDU_ERR_RULE) {
    *book = rb;
    return rc;
  }
  tidu_rulebook_free(rb);
  return rc;
}
