/* The columnar population file: a block-buffered writer and an mmap reader of chunk views. */
#include "tidu/outfile.h"
#include "tidu/pack.h"
#include "tidu/toolkit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC       "TIDUPACK"
#define ENDIAN_MARK 0x01020304u
#define ALIGN       64
#define NOSTR       UINT32_MAX
#define HASH_BITS   17
#define FLAG_CONST  1u

enum col_kind { COL_BASE = 0, COL_FIRM = 1, COL_YEAR = 2, COL_TEXT = 3 };

typedef struct pack_header {
  char magic[8];
  uint32_t version;
  uint32_t endian;
  uint32_t block_rows;
  uint32_t ncols;
  uint64_t nfirms;
  uint64_t nblocks;
  uint64_t schema_off;
  uint64_t dir_off;
  uint64_t reserved;
} pack_header;

_Static_assert(sizeof(pack_header) == 64, "pack header is 64 bytes");

/* One column of the file: what it holds (the schema entry, minus the name). */
typedef struct col_def {
  uint8_t kind;
  uint8_t yoff;
  uint8_t type;
  int field; /* tidu_firm_field or tidu_year_field in this build, -1 when unknown */
} col_def;

/* A column's place in one block: an array at `v` (file offset), or the constant `v`. */
typedef struct col_desc {
  uint64_t v;
  uint64_t flags;
} col_desc;

typedef struct block_head {
  uint32_t n;
  uint32_t pad;
  uint64_t str_off;
  uint64_t str_len;
} block_head;

/* ---- the build's column list ---- */

static int is_text(const tidu_field_info *fi) {
  return fi->type == TIDU_T_TEXT;
}

/* Fills `defs` (may be NULL to count) with this build's columns; returns their number. */
static size_t build_columns(col_def *defs) {
  size_t n = 0;
  if (defs) defs[n] = (col_def){COL_BASE, 0, 0, -1};
  n++;
  for (int f = 0; f < TIDU_NFIRM; f++) {
    const tidu_field_info *fi = tidu_firm_field_info((tidu_firm_field)f);
    if (is_text(fi)) continue;
    if (defs) defs[n] = (col_def){COL_FIRM, 0, (uint8_t)fi->type, f};
    n++;
  }
  for (int y = 0; y < TIDU_NYEAR; y++) {
    const tidu_field_info *fi = tidu_year_field_info((tidu_year_field)y);
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) {
      if (defs) defs[n] = (col_def){COL_YEAR, (uint8_t)k, (uint8_t)fi->type, y};
      n++;
    }
  }
  for (int f = 0; f < TIDU_NFIRM; f++) {
    const tidu_field_info *fi = tidu_firm_field_info((tidu_firm_field)f);
    if (!is_text(fi)) continue;
    if (defs) defs[n] = (col_def){COL_TEXT, 0, (uint8_t)fi->type, f};
    n++;
  }
  return n;
}

static const char *col_name(const col_def *d) {
  if (d->kind == COL_BASE) return "@base";
  if (d->kind == COL_YEAR) return tidu_year_field_info((tidu_year_field)d->field)->name;
  return tidu_firm_field_info((tidu_firm_field)d->field)->name;
}

/* The value a field reads as when a file does not have it (an undeclared judgement: missing). */
static int64_t absent_value(const tidu_field_info *fi) {
  tidu_type t = fi->type;
  if (fi->judge) return TIDU_MISSING;
  if (t == TIDU_T_BOOL || t == TIDU_T_ENUM || t == TIDU_T_TAGS) return 0;
  return TIDU_MISSING;
}

/* ================================================================== writer */

struct tidu_pack_writer {
  FILE *fp;
  tidu_outfile *out; /* the temporary file renamed over `path` by a successful close */
  char *path;
  uint64_t pos; /* bytes written so far */
  col_def *defs;
  size_t ncols;
  size_t nint;    /* columns held as int64 (base, firm, year): defs[0 .. nint) */
  size_t ntext;   /* text columns: defs[nint .. ncols) */
  int64_t *ival;  /* nint × BLOCK_ROWS */
  uint32_t *toff; /* ntext × BLOCK_ROWS */
  char *str;      /* the block's string area */
  size_t str_len, str_cap;
  uint32_t *hash; /* interned strings: offset + 1, 0 = empty slot */
  size_t n;       /* firms in the current block */
  size_t total;
  unsigned char *dir; /* directory entries of finished blocks */
  size_t dir_len, dir_cap;
  size_t nblocks;
};

static tidu_code werr(tidu_error *err, tidu_pack_writer *w) {
  return tidu_error_set(err, TIDU_ERR_IO, w->path, 0, 0, "写入失败: %s / write failed: %s",
                        strerror(errno), strerror(errno));
}

static tidu_code put(tidu_pack_writer *w, const void *data, size_t len, tidu_error *err) {
  if (len && fwrite(data, 1, len, w->fp) != len) return werr(err, w);
  w->pos += len;
  return TIDU_OK;
}

static tidu_code pad_to(tidu_pack_writer *w, size_t align, tidu_error *err) {
  static const char zeros[ALIGN];
  size_t rem = (size_t)(w->pos % align);
  return rem ? put(w, zeros, align - rem, err) : TIDU_OK;
}

tidu_code tidu_pack_writer_open(const char *path, tidu_pack_writer **out, tidu_error *err) {
  *out = NULL;
  tidu_pack_writer *w = tidu_calloc(1, sizeof *w);
  if (!w) return tidu_error_set(err, TIDU_ERR_NOMEM, path, 0, 0, "内存不足 / out of memory");
  w->ncols = build_columns(NULL);
  w->defs = tidu_calloc(w->ncols, sizeof *w->defs);
  w->path = tidu_strdup(path);
  if (!w->defs || !w->path) goto nomem;
  build_columns(w->defs);
  for (w->nint = 0; w->nint < w->ncols && w->defs[w->nint].kind != COL_TEXT; w->nint++) {
  }
  w->ntext = w->ncols - w->nint;
  w->ival = tidu_malloc(w->nint * TIDU_PACK_BLOCK_ROWS * sizeof *w->ival);
  w->toff = tidu_malloc((w->ntext ? w->ntext : 1) * TIDU_PACK_BLOCK_ROWS * sizeof *w->toff);
  w->hash = tidu_calloc((size_t)1 << HASH_BITS, sizeof *w->hash);
  if (!w->ival || !w->toff || !w->hash) goto nomem;
  tidu_code orc = tidu_outfile_open(path, &w->out, err);
  if (orc != TIDU_OK) {
    tidu_pack_writer_abort(w);
    return orc;
  }
  w->fp = tidu_outfile_fp(w->out);
  pack_header h = {0};
  tidu_code rc = put(w, &h, sizeof h, err);
  if (rc != TIDU_OK) {
    tidu_pack_writer_abort(w);
    return rc;
  }
  *out = w;
  return TIDU_OK;
nomem:
  tidu_pack_writer_abort(w);
  return tidu_error_set(err, TIDU_ERR_NOMEM, path, 0, 0, "内存不足 / out of memory");
}

static uint32_t hash_str(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* Stores `s` once in the block's string area; returns its offset, NOSTR for NULL. */
static tidu_code intern(tidu_pack_writer *w, const char *s, uint32_t *off, tidu_error *err) {
  if (!s) {
    *off = NOSTR;
    return TIDU_OK;
  }
  size_t len = strlen(s);
  size_t mask = ((size_t)1 << HASH_BITS) - 1;
  size_t i = hash_str(s, len) & mask;
  while (w->hash[i]) {
    const char *cand = w->str + w->hash[i] - 1;
    if (strncmp(cand, s, len + 1) == 0) {
      *off = w->hash[i] - 1;
      return TIDU_OK;
    }
    i = (i + 1) & mask;
  }
  if (w->str_len + len + 1 >= NOSTR / 2)
    return tidu_error_set(err, TIDU_ERR_LIMIT, w->path, 0, 0,
                          "文本过长 / text too long for one block");
  if (TIDU_RESERVE(w->str, w->str_cap, w->str_len + len + 1) != 0)
    return tidu_error_set(err, TIDU_ERR_NOMEM, w->path, 0, 0, "内存不足 / out of memory");
  memcpy(w->str + w->str_len, s, len + 1);
  *off = (uint32_t)w->str_len;
  w->hash[i] = (uint32_t)w->str_len + 1;
  w->str_len += len + 1;
  return TIDU_OK;
}

static int32_t latest_year(const tidu_firm *f) {
  int32_t best = 0;
  for (size_t i = 0; i < f->nyears; i++)
    if (f->years[i].year > best) best = f->years[i].year;
  return best;
}

static const tidu_year *year_of(const tidu_firm *f, int32_t year) {
  for (size_t i = 0; i < f->nyears; i++)
    if (f->years[i].year == year) return &f->years[i];
  return NULL;
}

static tidu_code flush_block(tidu_pack_writer *w, tidu_error *err);

tidu_code tidu_pack_writer_add(tidu_pack_writer *w, const tidu_firm *f, tidu_error *err) {
  size_t row = w->n;
  int32_t base = latest_year(f);
  const tidu_year *yrs[TIDU_CHUNK_YEARS];
  for (int k = 0; k < TIDU_CHUNK_YEARS; k++) yrs[k] = base ? year_of(f, base - k) : NULL;
  for (size_t c = 0; c < w->nint; c++) {
    const col_def *d = &w->defs[c];
    int64_t v;
    if (d->kind == COL_BASE)
      v = base;
    else if (d->kind == COL_FIRM)
      v = f->v[d->field];
    else
      v = yrs[d->yoff] ? yrs[d->yoff]->v[d->field] : TIDU_MISSING;
    w->ival[c * TIDU_PACK_BLOCK_ROWS + row] = v;
  }
  for (size_t t = 0; t < w->ntext; t++) {
    const col_def *d = &w->defs[w->nint + t];
    tidu_code rc = intern(w, f->text[d->field], &w->toff[t * TIDU_PACK_BLOCK_ROWS + row], err);
    if (rc != TIDU_OK) return rc;
  }
  w->n++;
  w->total++;
  return w->n == TIDU_PACK_BLOCK_ROWS ? flush_block(w, err) : TIDU_OK;
}

size_t tidu_pack_writer_count(const tidu_pack_writer *w) {
  return w->total;
}

static tidu_code dir_append(tidu_pack_writer *w, const void *data, size_t len, tidu_error *err) {
  if (TIDU_RESERVE(w->dir, w->dir_cap, w->dir_len + len) != 0)
    return tidu_error_set(err, TIDU_ERR_NOMEM, w->path, 0, 0, "内存不足 / out of memory");
  memcpy(w->dir + w->dir_len, data, len);
  w->dir_len += len;
  return TIDU_OK;
}

/* Writes one column of the block (or notes it as constant) and appends its descriptor. */
static tidu_code flush_column(tidu_pack_writer *w, const void *vals, size_t width, int64_t first,
                              int constant, tidu_error *err) {
  col_desc cd = {(uint64_t)first, FLAG_CONST};
  if (!constant) {
    tidu_code rc = pad_to(w, ALIGN, err);
    if (rc == TIDU_OK) {
      cd.v = w->pos;
      cd.flags = 0;
      rc = put(w, vals, w->n * width, err);
    }
    if (rc != TIDU_OK) return rc;
  }
  return dir_append(w, &cd, sizeof cd, err);
}

static tidu_code flush_block(tidu_pack_writer *w, tidu_error *err) {
  if (w->n == 0) return TIDU_OK;
  block_head bh = {(uint32_t)w->n, 0, 0, w->str_len};
  size_t head_at = w->dir_len;
  tidu_code rc = dir_append(w, &bh, sizeof bh, err);
  for (size_t c = 0; rc == TIDU_OK && c < w->nint; c++) {
    const int64_t *v = &w->ival[c * TIDU_PACK_BLOCK_ROWS];
    size_t i = 1;
    while (i < w->n && v[i] == v[0]) i++;
    rc = flush_column(w, v, sizeof *v, v[0], i == w->n, err);
  }
  for (size_t t = 0; rc == TIDU_OK && t < w->ntext; t++) {
    const uint32_t *v = &w->toff[t * TIDU_PACK_BLOCK_ROWS];
    size_t i = 1;
    while (i < w->n && v[i] == v[0]) i++;
    rc = flush_column(w, v, sizeof *v, v[0], i == w->n, err);
  }
  if (rc == TIDU_OK) {
    bh.str_off = w->pos;
    memcpy(w->dir + head_at, &bh, sizeof bh);
    rc = put(w, w->str, w->str_len, err);
  }
  if (rc != TIDU_OK) return rc;
  w->nblocks++;
  w->n = 0;
  w->str_len = 0;
  memset(w->hash, 0, ((size_t)1 << HASH_BITS) * sizeof *w->hash);
  return TIDU_OK;
}

static tidu_code write_schema(tidu_pack_writer *w, tidu_error *err) {
  uint32_t n = (uint32_t)w->ncols;
  tidu_code rc = put(w, &n, sizeof n, err);
  for (size_t c = 0; rc == TIDU_OK && c < w->ncols; c++) {
    const char *name = col_name(&w->defs[c]);
    uint8_t e[4] = {w->defs[c].kind, w->defs[c].yoff, w->defs[c].type, (uint8_t)strlen(name)};
    rc = put(w, e, sizeof e, err);
    if (rc == TIDU_OK) rc = put(w, name, e[3], err);
  }
  return rc;
}

tidu_code tidu_pack_writer_close(tidu_pack_writer *w, tidu_error *err) {
  if (!w) return TIDU_OK;
  tidu_code rc = flush_block(w, err);
  pack_header h = {.version = TIDU_PACK_VERSION,
                   .endian = ENDIAN_MARK,
                   .block_rows = TIDU_PACK_BLOCK_ROWS,
                   .ncols = (uint32_t)w->ncols,
                   .nfirms = w->total,
                   .nblocks = w->nblocks};
  memcpy(h.magic, MAGIC, 8);
  if (rc == TIDU_OK) rc = pad_to(w, 8, err);
  h.schema_off = w->pos;
  if (rc == TIDU_OK) rc = write_schema(w, err);
  if (rc == TIDU_OK) rc = pad_to(w, 8, err);
  h.dir_off = w->pos;
  if (rc == TIDU_OK) rc = put(w, w->dir, w->dir_len, err);
  if (rc == TIDU_OK && fseeko(w->fp, 0, SEEK_SET) != 0) rc = werr(err, w);
  if (rc == TIDU_OK && fwrite(&h, sizeof h, 1, w->fp) != 1) rc = werr(err, w);
  if (rc != TIDU_OK) {
    tidu_pack_writer_abort(w);
    return rc;
  }
  w->fp = NULL;
  rc = tidu_outfile_commit(w->out, err);
  w->out = NULL;
  tidu_pack_writer_abort(w);
  return rc;
}

void tidu_pack_writer_abort(tidu_pack_writer *w) {
  if (!w) return;
  tidu_outfile_abort(w->out); /* closes w->fp; the previous file stays */
  free(w->path);
  free(w->defs);
  free(w->ival);
  free(w->toff);
  free(w->str);
  free(w->hash);
  free(w->dir);
  free(w);
}

/* ================================================================== reader */

struct tidu_pack {
  const unsigned char *map;
  size_t size;
  pack_header h;
  col_def *defs;
  size_t ncols;
  const unsigned char *dir; /* nblocks entries of dir_entry_size bytes */
  size_t dir_entry_size;
  /* this build's slots -> file column index (-1 = the file lacks it) */
  int base_col;
  int firm_col[TIDU_NFIRM];
  int year_col[TIDU_NYEAR][TIDU_CHUNK_YEARS];
};

static tidu_code bad(tidu_error *err, const char *path, const char *what) {
  return tidu_error_set(err, TIDU_ERR_INPUT, path, 0, 0,
                        "不是有效的 tidu 数据包 (%s) / not a valid tidu pack file (%s)", what,
                        what);
}

static int find_field(const col_def *d, const char *name) {
  if (d->kind == COL_BASE) return strcmp(name, "@base") == 0 ? 0 : -1;
  const tidu_field_info *fi = tidu_field_find(name);
  if (!fi) return -1;
  if (d->kind == COL_YEAR) return fi->scope == 'Y' ? fi->index : -1;
  if (fi->scope != 'F') return -1;
  if ((d->kind == COL_TEXT) != (fi->type == TIDU_T_TEXT)) return -1;
  return fi->index;
}

static tidu_code parse_schema(tidu_pack *p, const char *path, tidu_error *err) {
  uint64_t at = p->h.schema_off;
  uint32_t n;
  if (at + 4 > p->size) return bad(err, path, "schema");
  memcpy(&n, p->map + at, 4);
  at += 4;
  if (n != p->h.ncols || n == 0 || n > 100000) return bad(err, path, "schema");
  p->ncols = n;
  p->defs = tidu_calloc(n, sizeof *p->defs);
  if (!p->defs) return tidu_error_set(err, TIDU_ERR_NOMEM, path, 0, 0, "内存不足 / out of memory");
  for (uint32_t c = 0; c < n; c++) {
    if (at + 4 > p->size) return bad(err, path, "schema");
    const unsigned char *e = p->map + at;
    char name[256];
    if (at + 4 + e[3] > p->size || e[0] > COL_TEXT || e[1] >= TIDU_CHUNK_YEARS)
      return bad(err, path, "schema");
    memcpy(name, e + 4, e[3]);
    name[e[3]] = 0;
    p->defs[c] = (col_def){e[0], e[1], e[2], -1};
    p->defs[c].field = find_field(&p->defs[c], name);
    at += 4 + e[3];
  }
  return TIDU_OK;
}

static void map_slots(tidu_pack *p) {
  p->base_col = -1;
  for (int f = 0; f < TIDU_NFIRM; f++) p->firm_col[f] = -1;
  for (int y = 0; y < TIDU_NYEAR; y++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) p->year_col[y][k] = -1;
  for (size_t c = 0; c < p->ncols; c++) {
    const col_def *d = &p->defs[c];
    if (d->field < 0) continue;
    if (d->kind == COL_BASE)
      p->base_col = (int)c;
    else if (d->kind == COL_YEAR)
      p->year_col[d->field][d->yoff] = (int)c;
    else
      p->firm_col[d->field] = (int)c;
  }
}

static const block_head *block_at(const tidu_pack *p, size_t b) {
  return (const block_head *)(p->dir + b * p->dir_entry_size);
}

static const col_desc *desc_at(const tidu_pack *p, size_t b, int col) {
  return (const col_desc *)(p->dir + b * p->dir_entry_size + sizeof(block_head)) + col;
}

/* Checks every block's counts and offsets against the file size. */
static tidu_code check_blocks(const tidu_pack *p, const char *path, tidu_error *err) {
  uint64_t total = 0;
  for (size_t b = 0; b < p->h.nblocks; b++) {
    const block_head *bh = block_at(p, b);
    if (bh->n == 0 || bh->n > p->h.block_rows) return bad(err, path, "block size");
    if (b + 1 < p->h.nblocks && bh->n != p->h.block_rows) return bad(err, path, "block size");
    if (bh->str_off > p->size || bh->str_len > p->size - bh->str_off || bh->str_len >= NOSTR)
      return bad(err, path, "strings");
    if (bh->str_len && p->map[bh->str_off + bh->str_len - 1] != 0) return bad(err, path, "strings");
    for (size_t c = 0; c < p->ncols; c++) {
      const col_desc *cd = desc_at(p, b, (int)c);
      if (cd->flags & FLAG_CONST) continue;
      uint64_t width = p->defs[c].kind == COL_TEXT ? 4 : 8;
      if (cd->v % width || cd->v > p->size || (uint64_t)bh->n * width > p->size - cd->v)
        return bad(err, path, "column");
    }
    total += bh->n;
  }
  return total == p->h.nfirms ? TIDU_OK : bad(err, path, "firm count");
}

static tidu_code check_header(tidu_pack *p, const char *path, tidu_error *err) {
  if (p->size < sizeof p->h) return bad(err, path, "header");
  memcpy(&p->h, p->map, sizeof p->h);
  if (memcmp(p->h.magic, MAGIC, 8) != 0) return bad(err, path, "magic");
  if (p->h.endian != ENDIAN_MARK) return bad(err, path, "byte order");
  if (p->h.version > TIDU_PACK_VERSION)
    return tidu_error_set(err, TIDU_ERR_INPUT, path, 0, 0,
                          "数据包版本 %u 高于本程序支持的版本 %d / pack version %u is newer "
                          "than this build reads (%d)",
                          p->h.version, TIDU_PACK_VERSION, p->h.version, TIDU_PACK_VERSION);
  if (p->h.block_rows == 0 || p->h.block_rows > (1u << 24)) return bad(err, path, "header");
  if (p->h.schema_off > p->size || p->h.dir_off > p->size) return bad(err, path, "header");
  return TIDU_OK;
}

tidu_code tidu_pack_open(const char *path, tidu_pack **out, tidu_error *err) {
  *out = NULL;
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法打开文件: %s / cannot open file: %s",
                          strerror(errno), strerror(errno));
  struct stat st;
  tidu_pack *p = tidu_calloc(1, sizeof *p);
  tidu_code rc = TIDU_OK;
  if (!p)
    rc = tidu_error_set(err, TIDU_ERR_NOMEM, path, 0, 0, "内存不足 / out of memory");
  else if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(pack_header))
    rc = bad(err, path, "header");
  if (rc == TIDU_OK) {
    p->size = (size_t)st.st_size;
    void *m = mmap(NULL, p->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
      rc = tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法映射文件: %s / cannot map file: %s",
                          strerror(errno), strerror(errno));
    else
      p->map = m;
  }
  close(fd);
  if (rc == TIDU_OK) rc = check_header(p, path, err);
  if (rc == TIDU_OK) rc = parse_schema(p, path, err);
  if (rc == TIDU_OK) {
    p->dir_entry_size = sizeof(block_head) + p->ncols * sizeof(col_desc);
    p->dir = p->map + p->h.dir_off;
    if (p->h.dir_off % 8 || p->h.nblocks > (p->size - p->h.dir_off) / p->dir_entry_size)
      rc = bad(err, path, "directory");
  }
  if (rc == TIDU_OK) rc = check_blocks(p, path, err);
  if (rc == TIDU_OK) {
    map_slots(p);
    if (p->base_col < 0) rc = bad(err, path, "base year column");
  }
  if (rc != TIDU_OK) {
    tidu_pack_close(p);
    return rc;
  }
  *out = p;
  return TIDU_OK;
}

int tidu_pack_sniff(const char *path) {
  char magic[8];
  FILE *fp = fopen(path, "rb");
  if (!fp) return 0;
  size_t n = fread(magic, 1, 8, fp);
  fclose(fp);
  return n == 8 && memcmp(magic, MAGIC, 8) == 0;
}

void tidu_pack_close(tidu_pack *p) {
  if (!p) return;
  if (p->map) munmap((void *)p->map, p->size);
  free(p->defs);
  free(p);
}

size_t tidu_pack_count(const tidu_pack *p) {
  return (size_t)p->h.nfirms;
}
size_t tidu_pack_block_rows(const tidu_pack *p) {
  return p->h.block_rows;
}

size_t tidu_pack_slices(const tidu_pack *p, size_t cap) {
  size_t n = 0;
  for (size_t b = 0; b < p->h.nblocks; b++) n += (block_at(p, b)->n + cap - 1) / cap;
  return n;
}

/* ---- cursors ---- */

/* A constant column materialised for the cursor's slices. */
typedef struct const_col {
  int64_t value;
  int filled;
  int64_t *buf;
} const_col;

struct tidu_pack_cursor {
  const tidu_pack *p;
  size_t cap;
  tidu_chunk chunk;
  int64_t *missing; /* cap × TIDU_MISSING */
  int64_t *zero;    /* cap × 0 */
  const_col firm_const[TIDU_NFIRM];
  const_col year_const[TIDU_NYEAR][TIDU_CHUNK_YEARS];
  int64_t *gather; /* year columns rebuilt per firm for a shifted year: NYEAR × YEARS × cap */
  int32_t *base;
  const char **text; /* NFIRM × cap */
};

tidu_pack_cursor *tidu_pack_cursor_new(const tidu_pack *p, size_t cap) {
  if (cap == 0 || p->h.block_rows % cap != 0) return NULL;
  tidu_pack_cursor *c = tidu_calloc(1, sizeof *c);
  if (!c) return NULL;
  c->p = p;
  c->cap = cap;
  c->missing = tidu_malloc(cap * sizeof *c->missing);
  c->zero = tidu_calloc(cap, sizeof *c->zero);
  c->base = tidu_malloc(cap * sizeof *c->base);
  c->text = tidu_calloc((size_t)TIDU_NFIRM * cap, sizeof *c->text);
  if (!c->missing || !c->zero || !c->base || !c->text) {
    tidu_pack_cursor_free(c);
    return NULL;
  }
  for (size_t i = 0; i < cap; i++) c->missing[i] = TIDU_MISSING;
  c->chunk.cap = cap;
  c->chunk.base = c->base;
  return c;
}

void tidu_pack_cursor_free(tidu_pack_cursor *c) {
  if (!c) return;
  for (int f = 0; f < TIDU_NFIRM; f++) free(c->firm_const[f].buf);
  for (int y = 0; y < TIDU_NYEAR; y++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) free(c->year_const[y][k].buf);
  free(c->missing);
  free(c->zero);
  free(c->gather);
  free(c->base);
  free(c->text);
  free(c);
}

/* A pointer to `cap` copies of `v`: the shared missing/zero arrays, or the slot's own. */
static int64_t *const_column(tidu_pack_cursor *c, const_col *cc, int64_t v) {
  if (v == TIDU_MISSING) return c->missing;
  if (v == 0) return c->zero;
  if (!cc->buf) {
    cc->buf = tidu_malloc(c->cap * sizeof *cc->buf);
    if (!cc->buf) return NULL;
    cc->filled = 0;
  }
  if (!cc->filled || cc->value != v) {
    for (size_t i = 0; i < c->cap; i++) cc->buf[i] = v;
    cc->value = v;
    cc->filled = 1;
  }
  return cc->buf;
}

/* The int64 values of file column `col` for rows [first, first + n) of block `b`. */
static int64_t *int_column(tidu_pack_cursor *c, size_t b, int col, size_t first, const_col *cc,
                           int64_t absent) {
  if (col < 0) return const_column(c, cc, absent);
  const col_desc *cd = desc_at(c->p, b, col);
  if (cd->flags & FLAG_CONST) return const_column(c, cc, (int64_t)cd->v);
  return (int64_t *)(c->p->map + cd->v) + first;
}

static tidu_code read_text(tidu_pack_cursor *c, size_t b, size_t first, size_t n) {
  const tidu_pack *p = c->p;
  const block_head *bh = block_at(p, b);
  const char *str = (const char *)p->map + bh->str_off;
  for (int f = 0; f < TIDU_NFIRM; f++) {
    if (tidu_firm_field_info((tidu_firm_field)f)->type != TIDU_T_TEXT) continue;
    int col = p->firm_col[f];
    const char **out = c->text + (size_t)f * c->cap;
    c->chunk.text[f] = out;
    if (col < 0 || p->defs[col].kind != COL_TEXT) {
      memset(out, 0, n * sizeof *out);
      continue;
    }
    const col_desc *cd = desc_at(p, b, col);
    int constant = (cd->flags & FLAG_CONST) != 0;
    const uint32_t *off = constant ? NULL : (const uint32_t *)(p->map + cd->v) + first;
    for (size_t i = 0; i < n; i++) {
      uint32_t o = constant ? (uint32_t)cd->v : off[i];
      if (o != NOSTR && o >= bh->str_len) return TIDU_ERR_INPUT;
      out[i] = o == NOSTR ? NULL : str + o;
    }
  }
  return TIDU_OK;
}

/* Year columns when every firm's base year is `base` and the slice is read at `year`. */
static void year_shift(tidu_pack_cursor *c, size_t b, size_t first, int64_t d) {
  for (int y = 0; y < TIDU_NYEAR; y++) {
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) {
      int64_t src = k + d;
      if (src < 0 || src >= TIDU_CHUNK_YEARS) {
        c->chunk.yr[y][k] = c->missing;
        continue;
      }
      c->chunk.yr[y][k] =
          int_column(c, b, c->p->year_col[y][src], first, &c->year_const[y][src], TIDU_MISSING);
    }
  }
}

/* Year columns rebuilt firm by firm, for slices whose firms have different base years. */
static tidu_code year_gather(tidu_pack_cursor *c, size_t b, size_t first, size_t n,
                             const int64_t *base, int32_t year) {
  size_t cap = c->cap;
  if (!c->gather) {
    c->gather = tidu_malloc((size_t)TIDU_NYEAR * TIDU_CHUNK_YEARS * cap * sizeof *c->gather);
    if (!c->gather) return TIDU_ERR_NOMEM;
  }
  for (int y = 0; y < TIDU_NYEAR; y++) {
    const int64_t *src[TIDU_CHUNK_YEARS];
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++)
      src[k] = int_column(c, b, c->p->year_col[y][k], first, &c->year_const[y][k], TIDU_MISSING);
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) {
      int64_t *dst = c->gather + ((size_t)y * TIDU_CHUNK_YEARS + k) * cap;
      for (size_t i = 0; i < n; i++) {
        int64_t s = base[i] - year + k;
        dst[i] = (s >= 0 && s < TIDU_CHUNK_YEARS) ? src[s][i] : TIDU_MISSING;
      }
      c->chunk.yr[y][k] = dst;
    }
  }
  return TIDU_OK;
}

static tidu_code read_years(tidu_pack_cursor *c, size_t b, size_t first, size_t n, int32_t year) {
  const col_desc *bd = desc_at(c->p, b, c->p->base_col);
  if (bd->flags & FLAG_CONST) {
    int64_t v = (int64_t)bd->v;
    for (size_t i = 0; i < n; i++) c->base[i] = year ? year : (int32_t)v;
    year_shift(c, b, first, year == 0 ? 0 : v == 0 ? -TIDU_CHUNK_YEARS : v - year);
    return TIDU_OK;
  }
  const int64_t *base = (const int64_t *)(c->p->map + bd->v) + first;
  size_t same = 1;
  while (same < n && base[same] == base[0]) same++;
  for (size_t i = 0; i < n; i++) c->base[i] = year ? year : (int32_t)base[i];
  if (year == 0 || same >= n) {
    year_shift(c, b, first, year == 0 ? 0 : base[0] == 0 ? -TIDU_CHUNK_YEARS : base[0] - year);
    return TIDU_OK;
  }
  return year_gather(c, b, first, n, base, year);
}

tidu_code tidu_pack_read(tidu_pack_cursor *c, size_t index, int32_t year, const tidu_chunk **out,
                         size_t *first, tidu_error *err) {
  const tidu_pack *p = c->p;
  size_t per_block = p->h.block_rows / c->cap;
  size_t b = index / per_block;
  size_t start = (index % per_block) * c->cap;
  *out = NULL;
  if (b >= p->h.nblocks || start >= block_at(p, b)->n)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "数据块序号越界 / slice out of range");
  size_t n = block_at(p, b)->n - start;
  if (n > c->cap) n = c->cap;
  c->chunk.n = n;
  for (int f = 0; f < TIDU_NFIRM; f++) {
    const tidu_field_info *fi = tidu_firm_field_info((tidu_firm_field)f);
    if (fi->type == TIDU_T_TEXT) {
      c->chunk.firm[f] = NULL;
      continue;
    }
    c->chunk.firm[f] = int_column(c, b, p->firm_col[f], start, &c->firm_const[f], absent_value(fi));
  }
  tidu_code rc = read_years(c, b, start, n, year);
  if (rc == TIDU_OK) rc = read_text(c, b, start, n);
  for (int f = 0; rc == TIDU_OK && f < TIDU_NFIRM; f++)
    if (!c->chunk.firm[f] && !c->chunk.text[f]) rc = TIDU_ERR_NOMEM;
  if (rc != TIDU_OK)
    return tidu_error_set(err, rc, NULL, 0, 0,
                          rc == TIDU_ERR_NOMEM ? "内存不足 / out of memory"
                                               : "数据包已损坏 / damaged pack");
  if (first) *first = b * p->h.block_rows + start;
  *out = &c->chunk;
  return TIDU_OK;
}

/* ---- one firm back as a record ---- */

tidu_code tidu_pack_firm(const tidu_pack *p, size_t row, tidu_firm *f, tidu_error *err) {
  tidu_firm_clear(f);
  if (row >= p->h.nfirms)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0, "企业序号越界 / row out of range");
  tidu_pack_cursor *c = tidu_pack_cursor_new(p, 1);
  if (!c) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  const tidu_chunk *ch;
  tidu_code rc = tidu_pack_read(c, row, 0, &ch, NULL, err);
  for (int fld = 0; rc == TIDU_OK && fld < TIDU_NFIRM; fld++) {
    if (ch->text[fld])
      rc = tidu_firm_set_text(f, (tidu_firm_field)fld, ch->text[fld][0]);
    else
      f->v[fld] = ch->firm[fld][0];
  }
  for (int k = 0; rc == TIDU_OK && ch->base[0] && k < TIDU_CHUNK_YEARS; k++) {
    int any = 0;
    for (int y = 0; y < TIDU_NYEAR; y++) any |= ch->yr[y][k][0] != TIDU_MISSING;
    if (!any) continue;
    tidu_year *yr = tidu_firm_year(f, ch->base[0] - k);
    if (!yr) {
      rc = TIDU_ERR_NOMEM;
      break;
    }
    for (int y = 0; y < TIDU_NYEAR; y++) yr->v[y] = ch->yr[y][k][0];
  }
  tidu_pack_cursor_free(c);
  if (rc == TIDU_ERR_NOMEM) tidu_error_set(err, rc, NULL, 0, 0, "内存不足 / out of memory");
  return rc;
}
