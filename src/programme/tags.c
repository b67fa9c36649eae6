/* Industry systems as data: tag sets (Jiangsu 1650, Shaanxi's sectors and chains) read from
 * files or from the copies built into the binary, and matching firms to tags. */
#include "programme/prog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/builtin.h"
#include "tidu/toolkit.h"

static const char *const BUILTIN[] = {"jiangsu-1650", "shaanxi", NULL};

const char *const *tidu_tagset_builtin_names(void) {
  return BUILTIN;
}

void tidu_tagset_free(tidu_tagset *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n; i++) {
    free(t->tags[i].id);
    free(t->tags[i].name);
    free(t->tags[i].group);
    free(t->tags[i].industries);
    free(t->tags[i].chains);
  }
  free(t->tags);
  free(t->id);
  free(t->name);
  free(t);
}

/* Splits a line at tabs into at most `max` fields (in place). Returns the count. */
static int split_tabs(char *line, char **f, int max, long *cols) {
  int n = 0;
  char *p = line;
  long col = 1;
  while (n < max) {
    f[n] = p;
    cols[n++] = col;
    char *t = strchr(p, '\t');
    if (!t) break;
    *t = 0;
    col += (long)(t - p) + 1;
    p = t + 1;
  }
  return n;
}

static char *empty_null(const char *s) {
  return s && *s ? tidu_strdup(s) : NULL;
}

static tidu_code parse(const char *name, const char *text, tidu_tagset **out, tidu_error *err) {
  tidu_tagset *ts = tidu_calloc(1, sizeof *ts);
  if (!ts) return prog_nomem(err);
  tidu_code rc = TIDU_OK;
  size_t cap = 0;
  long lineno = 0;
  for (const char *p = text; rc == TIDU_OK && *p;) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    lineno++;
    char *line = tidu_malloc(len + 1);
    if (!line) {
      rc = prog_nomem(err);
      break;
    }
    memcpy(line, p, len);
    line[len] = 0;
    if (len && line[len - 1] == '\r') line[len - 1] = 0;
    p = e ? e + 1 : p + len;
    if (!line[0] || line[0] == '#') {
      free(line);
      continue;
    }
    if (line[0] == '@') {
      char *sp = strchr(line, ' ');
      if (strncmp(line, "@tagset ", 8) || !sp) {
        rc = tidu_error_set(err, TIDU_ERR_INPUT, name, lineno, 1,
                            "应为 \"@tagset ID 名称\" / expected \"@tagset ID NAME\"");
      } else {
        char *id = line + 8, *nm = strchr(id, ' ');
        if (nm) *nm++ = 0;
        free(ts->id);
        free(ts->name);
        ts->id = tidu_strdup(id);
        ts->name = tidu_strdup(nm ? nm : id);
      }
      free(line);
      continue;
    }
    char *f[6];
    long cols[6];
    int n = split_tabs(line, f, 6, cols);
    if (n != 6) {
      rc = tidu_error_set(err, TIDU_ERR_INPUT, name, lineno, n ? cols[n - 1] : 1,
                          "应有 6 个以制表符分隔的字段,实际 %d 个 / expected 6 tab-separated "
                          "fields (id, name, group, industries, chains, status), found %d",
                          n, n);
    } else if (strcmp(f[5], "known") && strcmp(f[5], "unknown")) {
      rc = tidu_error_set(err, TIDU_ERR_INPUT, name, lineno, cols[5],
                          "状态应为 known 或 unknown,而非 '%s' / status must be known or "
                          "unknown, not '%s'",
                          f[5], f[5]);
    } else if (!f[0][0]) {
      rc = tidu_error_set(err, TIDU_ERR_INPUT, name, lineno, 1, "标签编号为空 / empty tag id");
    } else {
      if (ts->n == cap) {
        cap = cap ? cap * 2 : 32;
        tidu_tag *tags = tidu_realloc(ts->tags, cap * sizeof *tags);
        if (!tags) rc = prog_nomem(err);
        if (tags) ts->tags = tags;
      }
      if (rc == TIDU_OK) {
        tidu_tag *t = &ts->tags[ts->n++];
        t->id = tidu_strdup(f[0]);
        t->name = tidu_strdup(f[1]);
        t->group = empty_null(f[2]);
        t->industries = empty_null(f[3]);
        t->chains = empty_null(f[4]);
        t->known = !strcmp(f[5], "known");
      }
    }
    free(line);
  }
  if (rc == TIDU_OK && !ts->id) {
    ts->id = tidu_strdup(name);
    ts->name = tidu_strdup(name);
  }
  if (rc != TIDU_OK) {
    tidu_tagset_free(ts);
    return rc;
  }
  *out = ts;
  return TIDU_OK;
}

tidu_code tidu_tagset_load(const char *name_or_path, tidu_tagset **out, tidu_error *err) {
  *out = NULL;
  char want[256];
  snprintf(want, sizeof want, "rules/tags/%s.tags", name_or_path);
  for (const tidu_builtin_file *f = tidu_builtin_files; f->path; f++)
    if (!strcmp(f->path, want)) return parse(f->path, f->text, out, err);
  FILE *fp = fopen(name_or_path, "rb");
  if (!fp)
    return tidu_error_set(err, TIDU_ERR_IO, name_or_path, 0, 0,
                          "无法读取产业体系文件(内置:jiangsu-1650、shaanxi) / cannot read the "
                          "tag set (built in: jiangsu-1650, shaanxi)");
  tidu_sb b = {0};
  tidu_sb_read(&b, fp, 0);
  fclose(fp);
  char *buf = tidu_sb_take(&b);
  if (!buf) return prog_nomem(err);
  tidu_code rc = parse(name_or_path, buf, out, err);
  free(buf);
  return rc;
}

static int prefix_in(const char *list, const char *code) {
  if (!list || !code) return 0;
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ';');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len && !strncmp(code, p, len)) return 1;
    p = e ? e + 1 : p + len;
  }
  return 0;
}

/* 1 when one of the declared chains (';'-joined) is in the tag's chain list. */
static int chain_in(const char *tag_chains, const char *firm_chains) {
  if (!tag_chains || !firm_chains) return 0;
  char one[128];
  for (const char *p = firm_chains; *p;) {
    const char *e = strpbrk(p, ";,");
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len && len < sizeof one) {
      memcpy(one, p, len);
      one[len] = 0;
      if (prog_list_has(tag_chains, one)) return 1;
    }
    p = e ? e + 1 : p + len;
  }
  return 0;
}

size_t tidu_tagset_match(const tidu_tagset *ts, const char *industry, const char *chains, char *buf,
                         size_t size) {
  size_t n = 0, used = 0;
  if (size) buf[0] = 0;
  for (size_t i = 0; ts && i < ts->n; i++) {
    const tidu_tag *t = &ts->tags[i];
    if (!t->known) continue;
    if (!prefix_in(t->industries, industry) && !chain_in(t->chains, chains)) continue;
    n++;
    if (size) {
      int w = snprintf(buf + used, size - used, "%s%s", used ? ";" : "", t->id);
      if (w > 0 && (size_t)w < size - used) used += (size_t)w;
    }
  }
  return n;
}
