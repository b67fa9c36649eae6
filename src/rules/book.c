/* Rule books: loading rule files, selecting versions in force, rendering errors. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules/builtin.h"
#include "rules/rules_int.h"
#include "tidu/num.h"
#include "tidu/toolkit.h"

/* A source kept for rendering errors, whether or not it compiled. */
typedef struct book_src {
  char *name;
  char *text;
  size_t len;
} book_src;

struct tidu_rulebook {
  tidu_ruleset **rs;
  size_t n, cap;
  tidu_prelude pre;
  int has_pre;
  book_src *src;
  size_t nsrc;
};

/* ---- error lists ----------------------------------------------------------------------- */

void tidu_errlist_init(tidu_errlist *l) {
  memset(l, 0, sizeof *l);
}

void tidu_errlist_free(tidu_errlist *l) {
  if (!l) return;
  free(l->items);
  memset(l, 0, sizeof *l);
}

tidu_code tidu_errlist_push(tidu_errlist *l, const tidu_error *e) {
  if (TIDU_PUSH_ROOM(l->items, l->n, l->cap) != 0) return TIDU_ERR_NOMEM;
  l->items[l->n++] = *e;
  return TIDU_OK;
}

static tidu_code first_code(const tidu_errlist *l, size_t from) {
  return l && l->n > from ? l->items[from].code : TIDU_ERR_RULE;
}

const char *tidu_rule_kind_name(tidu_rule_kind k) {
  return k == TIDU_KIND_BOARD         ? "board"
         : k == TIDU_KIND_POSITIONING ? "positioning"
         : k == TIDU_KIND_TIER        ? "tier"
                                      : "programme";
}

/* ---- the book -------------------------------------------------------------------------- */

tidu_rulebook *tidu_rulebook_new(void) {
  return tidu_calloc(1, sizeof(tidu_rulebook));
}

static void free_prelude(tidu_prelude *p) {
  for (size_t i = 0; i < p->nb; i++) free(p->b[i].formula);
  free(p->b);
  tidu_ast_free(p->ast);
  free(p->text);
  memset(p, 0, sizeof *p);
}

static void free_meta(tidu_ruleset_info *m) {
  free((char *)m->id);
  free((char *)m->name);
  free((char *)m->name_en);
  free((char *)m->version);
  free((char *)m->source);
  free((char *)m->file);
  for (size_t i = 0; i < m->nnotes; i++) free((char *)m->notes[i]);
  for (size_t i = 0; i < m->nregions; i++) free((char *)m->regions[i]);
  free(m->notes);
  free(m->regions);
  for (size_t i = 0; m->standards && i < m->nstandards; i++) {
    free((char *)m->standards[i].id);
    free((char *)m->standards[i].name);
    free((char *)m->standards[i].source);
  }
  for (size_t i = 0; m->items && i < m->nitems; i++) {
    free((char *)m->items[i].id);
    free((char *)m->items[i].name);
    free((char *)m->items[i].group);
    free((char *)m->items[i].source);
  }
  for (size_t i = 0; m->groups && i < m->ngroups; i++) {
    free((char *)m->groups[i].id);
    free((char *)m->groups[i].name);
  }
  for (size_t i = 0; m->infos && i < m->ninfos; i++) {
    free((char *)m->infos[i].text);
    free((char *)m->infos[i].source);
  }
  free((void *)m->standards);
  free((void *)m->items);
  free((void *)m->groups);
  free((void *)m->infos);
}

static void free_ruleset(tidu_ruleset *rs) {
  if (!rs) return;
  free_meta(&rs->meta);
  tidu_prog_free(&rs->prog);
  tidu_ast_free(rs->ast);
  free(rs->text);
  free(rs);
}

void tidu_rulebook_free(tidu_rulebook *rb) {
  if (!rb) return;
  for (size_t i = 0; i < rb->n; i++) free_ruleset(rb->rs[i]);
  free(rb->rs);
  free_prelude(&rb->pre);
  for (size_t i = 0; i < rb->nsrc; i++) {
    free(rb->src[i].name);
    free(rb->src[i].text);
  }
  free(rb->src);
  free(rb);
}

size_t tidu_rulebook_count(const tidu_rulebook *rb) {
  return rb ? rb->n : 0;
}

const tidu_ruleset *tidu_rulebook_get(const tidu_rulebook *rb, size_t i) {
  return rb && i < rb->n ? rb->rs[i] : NULL;
}

const tidu_ruleset_info *tidu_ruleset_meta(const tidu_ruleset *rs) {
  return &rs->meta;
}

int tidu_ruleset_applies(const tidu_ruleset *rs, const char *region) {
  if (!rs->meta.nregions) return 1;
  if (!region) return 0;
  for (size_t i = 0; i < rs->meta.nregions; i++)
    if (strncmp(region, rs->meta.regions[i], strlen(rs->meta.regions[i])) == 0) return 1;
  return 0;
}

static int keep_source(tidu_rulebook *rb, const char *name, const char *text, size_t len) {
  book_src *s = tidu_realloc(rb->src, (rb->nsrc + 1) * sizeof *s);
  if (!s) return 0;
  rb->src = s;
  s[rb->nsrc].name = tidu_strdup(name);
  s[rb->nsrc].text = tidu_strndup(text, len);
  s[rb->nsrc].len = len;
  if (!s[rb->nsrc].name || !s[rb->nsrc].text) {
    free(s[rb->nsrc].name);
    free(s[rb->nsrc].text);
    return 0;
  }
  rb->nsrc++;
  return 1;
}

static int is_prelude_name(const char *name) {
  size_t n = strlen(name);
  return n >= 12 && strcmp(name + n - 12, "prelude.tidu") == 0;
}

/* Lexes and parses `text`; returns the AST or NULL with errors appended. */
static tidu_ast *front(const char *name, const char *text, size_t len, int prelude,
                       tidu_errlist *errs, int *nomem) {
  tidu_toklist toks = {0};
  int e = tidu_lex(name, text, len, &toks, errs);
  if (e < 0) {
    *nomem = 1;
    tidu_toklist_free(&toks);
    return NULL;
  }
  tidu_ast *ast = NULL;
  int pe = tidu_parse(name, &toks, prelude, &ast, errs);
  tidu_toklist_free(&toks);
  if (pe < 0) *nomem = 1;
  if (e || pe) {
    tidu_ast_free(ast);
    return NULL;
  }
  return ast;
}

static tidu_code load_prelude(tidu_rulebook *rb, const char *name, const char *text, size_t len,
                              tidu_errlist *errs) {
  int nomem = 0;
  size_t before = errs ? errs->n : 0;
  tidu_ast *ast = front(name, text, len, 1, errs, &nomem);
  if (!ast) return nomem ? TIDU_ERR_NOMEM : first_code(errs, before);
  tidu_prelude pre = {0};
  pre.ast = ast;
  pre.text = tidu_strndup(text, len);
  if (!pre.text) {
    free_prelude(&pre);
    return TIDU_ERR_NOMEM;
  }
  int ce = tidu_compile_prelude(name, &pre, errs);
  if (ce) {
    free_prelude(&pre);
    return ce < 0 ? TIDU_ERR_NOMEM : first_code(errs, before);
  }
  free_prelude(&rb->pre);
  rb->pre = pre;
  rb->has_pre = 1;
  return TIDU_OK;
}

static tidu_code ensure_prelude(tidu_rulebook *rb, tidu_errlist *errs) {
  if (rb->has_pre) return TIDU_OK;
  for (const tidu_builtin_file *f = tidu_builtin_files; f->path; f++)
    if (is_prelude_name(f->path)) return load_prelude(rb, f->path, f->text, f->len, errs);
  rb->has_pre = 1; /* no prelude at all: an empty one */
  return TIDU_OK;
}

tidu_code tidu_rulebook_add_text(tidu_rulebook *rb, const char *name, const char *text, size_t len,
                                 tidu_errlist *errs) {
  if (!rb || !text) return TIDU_ERR_USAGE;
  if (!name) name = "<text>";
  if (!keep_source(rb, name, text, len)) return TIDU_ERR_NOMEM;
  if (is_prelude_name(name)) return load_prelude(rb, name, text, len, errs);
  tidu_code rc = ensure_prelude(rb, errs);
  if (rc != TIDU_OK) return rc;
  size_t before = errs ? errs->n : 0;
  int nomem = 0;
  tidu_ast *ast = front(name, text, len, 0, errs, &nomem);
  if (!ast) return nomem ? TIDU_ERR_NOMEM : first_code(errs, before);
  tidu_ruleset *rs = tidu_calloc(1, sizeof *rs);
  if (!rs) {
    tidu_ast_free(ast);
    return TIDU_ERR_NOMEM;
  }
  rs->text = tidu_strndup(text, len);
  rs->len = len;
  rs->ast = ast;
  int ce = rs->text ? tidu_compile(name, ast, &rb->pre, rs, errs) : -1;
  if (ce) {
    free_ruleset(rs);
    return ce < 0 ? TIDU_ERR_NOMEM : first_code(errs, before);
  }
  if (TIDU_PUSH_ROOM(rb->rs, rb->n, rb->cap) != 0) {
    free_ruleset(rs);
    return TIDU_ERR_NOMEM;
  }
  rs->index = rb->n;
  rb->rs[rb->n++] = rs;
  return TIDU_OK;
}

static tidu_code io_error(tidu_errlist *errs, const char *path, const char *what) {
  tidu_error e;
  tidu_error_clear(&e);
  tidu_error_set(&e, TIDU_ERR_IO, path, 0, 0, "无法读取%s / cannot read %s", what, what);
  if (errs) tidu_errlist_push(errs, &e);
  return TIDU_ERR_IO;
}

tidu_code tidu_rulebook_add_file(tidu_rulebook *rb, const char *path, tidu_errlist *errs) {
  FILE *f = fopen(path, "rb");
  if (!f) return io_error(errs, path, "文件 / file");
  tidu_sb b = {0};
  int nomem = tidu_sb_read(&b, f, 128u << 20) != 0;
  int bad = ferror(f);
  fclose(f);
  size_t n = b.len;
  char *buf = tidu_sb_take(&b);
  if (nomem || !buf) return TIDU_ERR_NOMEM;
  if (bad) {
    free(buf);
    return io_error(errs, path, "文件 / file");
  }
  tidu_code rc = tidu_rulebook_add_text(rb, path, buf, n, errs);
  free(buf);
  return rc;
}

typedef struct pathlist {
  char **p;
  size_t n, cap;
} pathlist;

static int collect(const char *dir, pathlist *pl, int depth) {
  if (depth > 16) return 1;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  int ok = 1;
  while (ok && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    char *full = tidu_malloc(len);
    if (!full) {
      ok = 0;
      break;
    }
    snprintf(full, len, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
      collect(full, pl, depth + 1);
      free(full);
      continue;
    }
    size_t fl = strlen(e->d_name);
    if (fl < 5 || strcmp(e->d_name + fl - 5, ".tidu") != 0) {
      free(full);
      continue;
    }
    if (TIDU_PUSH_ROOM(pl->p, pl->n, pl->cap) != 0) {
      free(full);
      ok = 0;
      break;
    }
    pl->p[pl->n++] = full;
  }
  closedir(d);
  return ok;
}

static int by_path(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  int px = is_prelude_name(x), py = is_prelude_name(y);
  if (px != py) return py - px;
  return strcmp(x, y);
}

tidu_code tidu_rulebook_add_dir(tidu_rulebook *rb, const char *dir, tidu_errlist *errs) {
  pathlist pl = {0};
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return io_error(errs, dir, "目录 / directory");
  if (!collect(dir, &pl, 0)) {
    for (size_t i = 0; i < pl.n; i++) free(pl.p[i]);
    free(pl.p);
    return TIDU_ERR_NOMEM;
  }
  if (pl.n > 1) qsort(pl.p, pl.n, sizeof *pl.p, by_path);
  tidu_code first = TIDU_OK;
  for (size_t i = 0; i < pl.n; i++) {
    tidu_code rc = tidu_rulebook_add_file(rb, pl.p[i], errs);
    if (rc != TIDU_OK && first == TIDU_OK) first = rc;
    free(pl.p[i]);
  }
  free(pl.p);
  return first;
}

static int is_programme_path(const char *path) {
  return strncmp(path, "rules/programme/", 16) == 0;
}

static int is_rule_path(const char *path) {
  size_t n = strlen(path);
  return n > 5 && strcmp(path + n - 5, ".tidu") == 0;
}

tidu_code tidu_rulebook_add_builtin(tidu_rulebook *rb, tidu_errlist *errs) {
  tidu_code first = TIDU_OK;
  for (int pass = 0; pass < 2; pass++)
    for (const tidu_builtin_file *f = tidu_builtin_files; f->path; f++) {
      if (is_prelude_name(f->path) != (pass == 0)) continue;
      if (is_programme_path(f->path) || !is_rule_path(f->path)) continue;
      tidu_code rc = tidu_rulebook_add_text(rb, f->path, f->text, f->len, errs);
      if (rc != TIDU_OK && first == TIDU_OK) first = rc;
    }
  return first;
}

tidu_code tidu_rulebook_add_builtin_programme(tidu_rulebook *rb, tidu_errlist *errs) {
  tidu_code first = TIDU_OK;
  for (const tidu_builtin_file *f = tidu_builtin_files; f->path; f++) {
    if (!is_programme_path(f->path) || !is_rule_path(f->path)) continue;
    tidu_code rc = tidu_rulebook_add_text(rb, f->path, f->text, f->len, errs);
    if (rc != TIDU_OK && first == TIDU_OK) first = rc;
  }
  return first;
}

/* ---- error rendering ------------------------------------------------------------------- */

size_t tidu_rules_error_render_text(const char *text, size_t len, const tidu_error *err, char *buf,
                                    size_t size) {
  tidu_sb b = {0};
  char head[1024];
  tidu_error_format(err, head, sizeof head);
  tidu_sb_puts(&b, head);
  tidu_sb_puts(&b, "\n");
  if (text && err->line > 0) {
    size_t pos = 0;
    long line = 1;
    while (pos < len && line < err->line) {
      if (text[pos] == '\n') line++;
      pos++;
    }
    if (line == err->line) {
      size_t end = pos;
      while (end < len && text[end] != '\n' && text[end] != '\r') end++;
      tidu_sb_printf(&b, "%5ld | ", err->line);
      tidu_sb_putn(&b, text + pos, end - pos);
      tidu_sb_puts(&b, "\n      | ");
      /* pad by display width: CJK characters take two columns */
      long col = 1;
      size_t p = pos;
      while (p < end && col < err->col) {
        unsigned char c = (unsigned char)text[p];
        size_t cl = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (c == '\t')
          tidu_sb_puts(&b, "\t");
        else
          tidu_sb_puts(&b, cl >= 3 ? "  " : " ");
        p += cl;
        col++;
      }
      tidu_sb_puts(&b, "^");
      long width = 0;
      for (long k = 0; k < (err->span > 0 ? err->span : 1) && p < end; k++) {
        unsigned char c = (unsigned char)text[p];
        size_t cl = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        width += cl >= 3 ? 2 : 1;
        p += cl;
      }
      for (long k = 1; k < width; k++) tidu_sb_puts(&b, "~");
      tidu_sb_puts(&b, "\n");
    }
  }
  size_t n = b.len;
  if (size) {
    size_t c = n < size - 1 ? n : size - 1;
    if (b.s) memcpy(buf, b.s, c);
    buf[c] = 0;
  }
  free(b.s);
  return n;
}

size_t tidu_rules_error_render(const tidu_rulebook *rb, const tidu_error *err, char *buf,
                               size_t size) {
  const char *text = NULL;
  size_t len = 0;
  for (size_t i = rb ? rb->nsrc : 0; i-- > 0;)
    if (strcmp(rb->src[i].name, err->file) == 0) {
      text = rb->src[i].text;
      len = rb->src[i].len;
      break;
    }
  return tidu_rules_error_render_text(text, len, err, buf, size);
}

/* ---- selection ------------------------------------------------------------------------- */

struct tidu_selection {
  const tidu_ruleset **rs;
  size_t n;
};

static const char *const canonical[] = {"main",     "chinext",   "star",           "bse", "neeq",
                                        "regional", "star_tech", "chinext_growth", NULL};

static int order_key(const tidu_ruleset *rs) {
  for (int i = 0; canonical[i]; i++)
    if (strcmp(rs->meta.id, canonical[i]) == 0) return i;
  return rs->meta.kind == TIDU_KIND_BOARD ? 6 : rs->meta.kind == TIDU_KIND_POSITIONING ? 8 : 9;
}

static int sel_cmp(const void *a, const void *b) {
  const tidu_ruleset *x = *(const tidu_ruleset *const *)a, *y = *(const tidu_ruleset *const *)b;
  if (x->meta.kind != y->meta.kind) return (int)x->meta.kind - (int)y->meta.kind;
  int kx = order_key(x), ky = order_key(y);
  if (kx != ky) return kx - ky;
  if (x->meta.kind != TIDU_KIND_TIER && kx >= 6) {
    int c = strcmp(x->meta.id, y->meta.id);
    if (c) return c;
  }
  return x->index < y->index ? -1 : x->index > y->index;
}

static int same_scope(const tidu_ruleset *a, const tidu_ruleset *b) {
  if (a->meta.nregions != b->meta.nregions) return 0;
  for (size_t i = 0; i < a->meta.nregions; i++)
    if (strcmp(a->meta.regions[i], b->meta.regions[i])) return 0;
  return 1;
}

/* The end of a version's period: explicit, else the next effective date of the same id and
 * scope. */
static int64_t until_of(const tidu_rulebook *rb, const tidu_ruleset *rs) {
  if (rs->meta.until_explicit) return rs->meta.until;
  int64_t best = INT64_MAX;
  for (size_t i = 0; i < rb->n; i++) {
    const tidu_ruleset *o = rb->rs[i];
    if (o == rs || strcmp(o->meta.id, rs->meta.id) || !same_scope(o, rs)) continue;
    if (o->meta.effective > rs->meta.effective && o->meta.effective < best)
      best = o->meta.effective;
  }
  return best;
}

/* Walks a comma-separated list of ids: `*cur` starts at the list. Sets `*item` and `*len` to the
 * next item, trimmed of spaces (`*len` may be 0), and returns 1; returns 0 after the last. */
static int next_id(const char **cur, const char **item, size_t *len) {
  const char *p = *cur;
  if (!p || !*p) return 0;
  const char *e = strchr(p, ',');
  size_t n = e ? (size_t)(e - p) : strlen(p);
  while (n && *p == ' ') p++, n--;
  while (n && p[n - 1] == ' ') n--;
  *item = p;
  *len = n;
  *cur = e ? e + 1 : NULL;
  return 1;
}

/* Copies an item of next_id() into `id` (of ID_MAX bytes): 0 when it is empty or too long. */
#define ID_MAX 128
static int id_copy(char id[ID_MAX], const char *item, size_t len) {
  if (!len || len >= ID_MAX) return 0;
  memcpy(id, item, len);
  id[len] = 0;
  return 1;
}

static int in_list(const char *list, const char *id) {
  size_t n = strlen(id), len;
  const char *item;
  for (const char *cur = list; next_id(&cur, &item, &len);)
    if (len == n && strncmp(item, id, n) == 0) return 1;
  return 0;
}

static int check_ids(const tidu_rulebook *rb, const char *list, tidu_error *err) {
  char id[ID_MAX];
  const char *item;
  size_t len;
  for (const char *cur = list; next_id(&cur, &item, &len);) {
    if (id_copy(id, item, len)) {
      int found = 0;
      const char *best = NULL;
      size_t bestd = 64;
      for (size_t i = 0; i < rb->n && !found; i++) {
        found = strcmp(rb->rs[i]->meta.id, id) == 0;
        size_t d = tidu_edit_distance(id, rb->rs[i]->meta.id);
        if (d < bestd) bestd = d, best = rb->rs[i]->meta.id;
      }
      if (!found) {
        if (best && bestd <= 2)
          tidu_error_set(
              err, TIDU_ERR_USAGE, NULL, 0, 0,
              "未知规则集 '%s'(是否为 '%s'?) / unknown rule set '%s' (did you mean '%s'?)", id,
              best, id, best);
        else
          tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "未知规则集 '%s' / unknown rule set '%s'",
                         id, id);
        return 0;
      }
    }
  }
  return 1;
}

tidu_selection *tidu_rulebook_select(const tidu_rulebook *rb, int64_t as_of, const char *only_ids,
                                     tidu_error *err) {
  if (!rb) {
    tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "没有规则 / no rule book");
    return NULL;
  }
  if (only_ids && *only_ids && !check_ids(rb, only_ids, err)) return NULL;
  tidu_selection *s = tidu_calloc(1, sizeof *s);
  if (s) s->rs = tidu_calloc(rb->n + 1, sizeof *s->rs);
  if (!s || !s->rs) {
    free(s);
    tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
    return NULL;
  }
  for (size_t i = 0; i < rb->n; i++) {
    const tidu_ruleset *rs = rb->rs[i];
    if (only_ids && *only_ids && !in_list(only_ids, rs->meta.id)) continue;
    if (rs->meta.effective > as_of || as_of >= until_of(rb, rs)) continue;
    /* one version per id and scope: a later-added file with the same effective date wins */
    size_t j;
    for (j = 0; j < s->n; j++)
      if (!strcmp(s->rs[j]->meta.id, rs->meta.id) && same_scope(s->rs[j], rs)) break;
    if (j < s->n) {
      if (rs->meta.effective >= s->rs[j]->meta.effective) s->rs[j] = rs;
      continue;
    }
    s->rs[s->n++] = rs;
  }
  if (s->n > 1) qsort(s->rs, s->n, sizeof *s->rs, sel_cmp);
  return s;
}

/* Is a version of `id` selected? */
static int selected(const tidu_selection *sel, const char *id) {
  for (size_t i = 0; sel && i < sel->n; i++)
    if (!strcmp(sel->rs[i]->meta.id, id)) return 1;
  return 0;
}

/* Says that nothing of `id` (NULL: of the whole book) was in force on `as_of`, with the dates the
 * book does cover. */
static tidu_code none_in_force(const tidu_rulebook *rb, const char *id, int64_t as_of,
                               tidu_error *err) {
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (size_t i = 0; i < rb->n; i++) {
    const tidu_ruleset *rs = rb->rs[i];
    if (id && strcmp(rs->meta.id, id)) continue;
    if (rs->meta.effective < first) first = rs->meta.effective;
    int64_t u = until_of(rb, rs);
    if (u > last) last = u;
  }
  char day[16], from[16] = "", to[16] = "";
  tidu_format_date(as_of, day);
  if (first != INT64_MAX) tidu_format_date(first, from);
  if (last != INT64_MAX && last != INT64_MIN) tidu_format_date(last, to);
  if (!from[0])
    return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                          "规则中没有规则集 / the rules hold no rule set");
  if (!id && as_of < first)
    return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                          "%s 没有生效的规则集(最早的版本自 %s 起生效) / no rule set was in force "
                          "on %s (the earliest takes effect on %s)",
                          day, from, day, from);
  if (!id)
    return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                          "%s 没有生效的规则集 / no rule set was in force on %s", day, day);
  if (as_of < first)
    return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                          "规则集 %s 在 %s 没有生效的版本(最早的版本自 %s 起生效) / no version of "
                          "%s was in force on %s (the earliest takes effect on %s)",
                          id, day, from, id, day, from);
  return tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                        "规则集 %s 在 %s 没有生效的版本(各版本止于 %s) / no version of %s was in "
                        "force on %s (its versions end on %s)",
                        id, day, to[0] ? to : "?", id, day, to[0] ? to : "?");
}

tidu_code tidu_selection_check(const tidu_rulebook *rb, const tidu_selection *sel, int64_t as_of,
                               const char *only_ids, tidu_error *err) {
  if (!rb) return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "没有规则 / no rule book");
  if (!only_ids || !*only_ids)
    return tidu_selection_count(sel) ? TIDU_OK : none_in_force(rb, NULL, as_of, err);
  char id[ID_MAX];
  const char *item;
  size_t len;
  for (const char *cur = only_ids; next_id(&cur, &item, &len);)
    if (id_copy(id, item, len) && !selected(sel, id)) return none_in_force(rb, id, as_of, err);
  return TIDU_OK;
}

void tidu_selection_free(tidu_selection *sel) {
  if (!sel) return;
  free(sel->rs);
  free(sel);
}

size_t tidu_selection_count(const tidu_selection *sel) {
  return sel ? sel->n : 0;
}

const tidu_ruleset *tidu_selection_get(const tidu_selection *sel, size_t i) {
  return sel && i < sel->n ? sel->rs[i] : NULL;
}

const char *tidu_rulebook_prelude_text(const tidu_rulebook *rb) {
  return rb && rb->has_pre ? rb->pre.text : NULL;
}

/* ---- metrics and dumps ----------------------------------------------------------------- */

size_t tidu_rulebook_metrics(const tidu_rulebook *rb, tidu_metric_info *out, size_t cap) {
  size_t n = 0;
  for (int f = 0; f < TIDU_NFIRM; f++, n++)
    if (n < cap) {
      const tidu_field_info *fi = tidu_firm_field_info(f);
      out[n] = (tidu_metric_info){fi->name, fi->zh, 'F', fi->type, NULL};
    }
  for (int f = 0; f < TIDU_NYEAR; f++, n++)
    if (n < cap) {
      const tidu_field_info *fi = tidu_year_field_info(f);
      out[n] = (tidu_metric_info){fi->name, fi->zh, 'Y', fi->type, NULL};
    }
  if (rb) {
    ensure_prelude((tidu_rulebook *)rb, NULL);
    for (size_t i = 0; i < rb->pre.nb; i++, n++)
      if (n < cap) {
        const tidu_binding *b = &rb->pre.b[i];
        out[n] =
            (tidu_metric_info){b->name, tidu_explain_name_zh(b->name), 'D', b->type, b->formula};
      }
  }
  return n;
}

tidu_code tidu_ruleset_dump(const tidu_ruleset *rs, tidu_dump_mode mode, char **out,
                            tidu_error *err) {
  *out = NULL;
  if (mode == TIDU_DUMP_PROGRAM)
    *out = tidu_dump_prog(&rs->prog);
  else if (mode == TIDU_DUMP_TREE)
    *out = tidu_dump_tree(rs->ast);
  else {
    tidu_toklist toks = {0};
    if (tidu_lex(rs->meta.file, rs->text, rs->len, &toks, NULL) >= 0)
      *out = tidu_dump_tokens(&toks);
    tidu_toklist_free(&toks);
  }
  if (!*out) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  return TIDU_OK;
}

tidu_code tidu_rules_dump_text(const char *name, const char *text, size_t len, tidu_dump_mode mode,
                               char **out, tidu_errlist *errs) {
  *out = NULL;
  if (mode == TIDU_DUMP_TOKENS) {
    tidu_toklist toks = {0};
    int e = tidu_lex(name, text, len, &toks, errs);
    if (e == 0) *out = tidu_dump_tokens(&toks);
    tidu_toklist_free(&toks);
    if (e) return e < 0 ? TIDU_ERR_NOMEM : TIDU_ERR_RULE;
    return *out ? TIDU_OK : TIDU_ERR_NOMEM;
  }
  if (mode == TIDU_DUMP_TREE) {
    int nomem = 0;
    tidu_ast *ast = front(name, text, len, is_prelude_name(name), errs, &nomem);
    if (!ast) return nomem ? TIDU_ERR_NOMEM : TIDU_ERR_RULE;
    *out = tidu_dump_tree(ast);
    tidu_ast_free(ast);
    return *out ? TIDU_OK : TIDU_ERR_NOMEM;
  }
  tidu_rulebook *rb = tidu_rulebook_new();
  if (!rb) return TIDU_ERR_NOMEM;
  tidu_code rc = tidu_rulebook_add_text(rb, name, text, len, errs);
  if (rc == TIDU_OK && rb->n) {
    *out = tidu_dump_prog(&rb->rs[0]->prog);
    if (!*out) rc = TIDU_ERR_NOMEM;
  }
  tidu_rulebook_free(rb);
  return rc;
}
