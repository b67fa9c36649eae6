/* Reading a large CSV file for import in bounded memory: its rows are spilled by firm into
 * temporary files, which are then read back one at a time through the table reader. */
#include "io/internal.h"
#include "io/rowsrc.h"
#include "io/spill.h"
#include "tidu/toolkit.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK      ((size_t)4 << 20) /* bytes read at a time */
#define PART_BYTES ((size_t)4 << 20) /* what one temporary file should hold (two are in memory) */
#define MAX_PARTS  512
#define MAX_CARRY  ((size_t)2 << 20) /* a row longer than this is not spilled (csv.c: 1 MiB) */

/* One temporary file: the rows of the firms that hash to it, and their input lines. */
typedef struct part {
  FILE *f;
  size_t bytes;
  long *lines;
  size_t n, cap;
} part;

/* The temporary file after the current one, opened and first read by a helper thread. */
typedef struct ahead {
  const struct tidu_spill *s;
  size_t part;
  int running; /* the helper was started and not yet joined */
  pthread_t th;
  char *text;
  tidu_table *table;
  tidu_warnq warns;
  tidu_code open_rc, rc; /* of opening; of the first tidu_table_next */
  tidu_firm firm;
  int done;
  tidu_error err;
} ahead;

struct tidu_spill {
  char *name;
  char *pre; /* the input up to the first data row: BOM, sep= line, rows above and the header */
  size_t npre;
  long data_line; /* the line of the first data row */
  part *parts;
  size_t nparts, cur;
  tidu_warnq *warns;
  int header_warned; /* the header's warnings were delivered once */
  char *text;        /* the temporary file being read, after the preamble */
  tidu_table *table;
  ahead ahead;
};

static tidu_code nomem(tidu_error *err) {
  return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
}

static tidu_code io_error(tidu_error *err, const char *what, int e) {
  return tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0, "%s: %s", what, strerror(e));
}

/* A temporary file in $TMPDIR (else /tmp), removed from its folder at once: it goes away when
 * closed, however the process ends. */
static FILE *temp_file(void) {
  const char *dir = getenv("TMPDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/tidu-import-XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0) return NULL;
  unlink(path);
  FILE *f = fdopen(fd, "w+b");
  if (!f) close(fd);
  return f;
}

static void ahead_drop(tidu_spill *s);

void tidu_spill_close(tidu_spill *s) {
  if (!s) return;
  ahead_drop(s);
  for (size_t i = 0; i < s->nparts; i++) {
    if (s->parts[i].f) fclose(s->parts[i].f);
    free(s->parts[i].lines);
  }
  free(s->parts);
  tidu_table_close(s->table);
  free(s->text);
  free(s->pre);
  free(s->name);
  free(s);
}

/* Appends one row (its bytes as in the input, a line break added when the input's last row has
 * none) to the temporary file of its firm. */
static tidu_code put_row(tidu_spill *s, size_t p, const char *bytes, size_t n, long line,
                         tidu_error *err) {
  part *pt = &s->parts[p];
  if (TIDU_PUSH_ROOM(pt->lines, pt->n, pt->cap) != 0) return nomem(err);
  pt->lines[pt->n++] = line;
  int eol = n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == '\r');
  if (fwrite(bytes, 1, n, pt->f) != n || (!eol && fputc('\n', pt->f) == EOF))
    return io_error(err, "无法写入临时文件 / cannot write a temporary file", errno);
  pt->bytes += n + !eol;
  return TIDU_OK;
}

/* State of the first pass over the input. */
typedef struct pass {
  int fd;
  char *buf;
  size_t len, cap;
  size_t checked; /* bytes of buf known to be valid UTF-8 */
  int eof;
  int not_utf8; /* the input turned out not to be valid UTF-8 */
  iconv_t gb;   /* GB18030 input: converted to UTF-8 as it is read, else (iconv_t)-1 */
  char *raw;    /* GB18030 input read and not yet converted (a character cut by a read) */
  size_t rawlen;
  int raw_eof;
  long line; /* the line buf starts on */
  char delim;
  unsigned char plain_end[256]; /* 1 for the bytes scan_row looks at one by one */
  long ucol, ncol;              /* the uscc and name columns, -1 when absent */
  tidu_table *keys;             /* the header */
} pass;

/* Makes room for `more` bytes after what buf holds. */
static tidu_code room_for(pass *ps, size_t more, tidu_error *err) {
  if (ps->len + more <= ps->cap) return TIDU_OK;
  size_t cap = ps->len + more;
  char *b = tidu_realloc(ps->buf, cap + 1);
  if (!b) return nomem(err);
  ps->buf = b;
  ps->cap = cap;
  return TIDU_OK;
}

/* GB18030 input: reads up to BLOCK more bytes and appends them to buf as UTF-8 (Excel's lone
 * 0x80 as the euro sign, as the whole-file conversion does); a character cut by the read waits
 * for the next one. TIDU_ERR_USAGE when the input is not GB18030 (the usual reader says
 * where). */
static tidu_code fill_gb(pass *ps, tidu_error *err) {
  if (!ps->raw && !(ps->raw = tidu_malloc(BLOCK))) return nomem(err);
  while (ps->rawlen < BLOCK && !ps->raw_eof) {
    ssize_t k = read(ps->fd, ps->raw + ps->rawlen, BLOCK - ps->rawlen);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return io_error(err, "读取失败 / read failed", errno);
    if (k == 0) ps->raw_eof = 1;
    ps->rawlen += (size_t)k;
  }
  char *in = ps->raw;
  size_t left = ps->rawlen;
  tidu_code rc = room_for(ps, left + left / 2 + 16, err);
  while (rc == TIDU_OK && left > 0) {
    char *out = ps->buf + ps->len;
    size_t room = ps->cap - ps->len;
    size_t r = iconv(ps->gb, &in, &left, &out, &room);
    int e = errno;
    ps->len = (size_t)(out - ps->buf);
    if (r != (size_t)-1) break;
    if (e == E2BIG) {
      rc = room_for(ps, left + left / 2 + 16, err);
    } else if (e == EILSEQ && (unsigned char)*in == 0x80) {
      rc = room_for(ps, 4, err);
      if (rc == TIDU_OK) {
        memcpy(ps->buf + ps->len, "\xe2\x82\xac", 3);
        ps->len += 3;
        in++;
        left--;
      }
    } else if (e == EINVAL && !ps->raw_eof) {
      break; /* a character cut by the read */
    } else {
      rc = TIDU_ERR_USAGE;
    }
  }
  memmove(ps->raw, in, left);
  ps->rawlen = left;
  ps->eof = ps->raw_eof && left == 0;
  if (ps->buf) ps->buf[ps->len] = '\0';
  return rc;
}

/* Reads more of the input after what buf holds; sets eof. */
static tidu_code fill(pass *ps, tidu_error *err) {
  if (ps->gb != (iconv_t)-1) return fill_gb(ps, err);
  if (ps->len + BLOCK > ps->cap) {
    size_t cap = ps->len + BLOCK;
    char *b = tidu_realloc(ps->buf, cap + 1);
    if (!b) return nomem(err);
    ps->buf = b;
    ps->cap = cap;
  }
  size_t want = ps->cap - ps->len;
  while (want > 0) {
    ssize_t k = read(ps->fd, ps->buf + ps->len, want);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return io_error(err, "读取失败 / read failed", errno);
    if (k == 0) {
      ps->eof = 1;
      break;
    }
    ps->len += (size_t)k;
    want -= (size_t)k;
  }
  ps->buf[ps->len] = '\0';
  return TIDU_OK;
}

/* 1 when buf is valid UTF-8 so far (a character cut by the end of what was read is checked
 * with the next read). */
static int utf8_ok(pass *ps) {
  size_t rest = ps->len - ps->checked;
  size_t bad = tidu_utf8_check(ps->buf + ps->checked, rest);
  if (bad >= rest) {
    ps->checked = ps->len;
    return 1;
  }
  if (!ps->eof && rest - bad < 4) {
    ps->checked += bad;
    return 1;
  }
  ps->not_utf8 = 1;
  return 0;
}

/* A firm's partition from the raw bytes of its key cells. The table groups rows by the uscc
 * (unquoted, trimmed, upper case), else by the name; this drops every quote, '=' and space
 * anywhere and upper-cases ASCII, so rows the table puts together always hash alike. */
static size_t key_part(const tidu_spill *s, const char *u, size_t ulen, const char *n,
                       size_t nlen) {
  size_t h = 1469598103934665603ULL;
  int any = 0;
  for (int k = 0; k < 2 && !any; k++) {
    const char *p = k ? n : u;
    size_t len = k ? nlen : ulen;
    if (k) h = (h ^ 'N') * 1099511628211ULL;
    for (size_t i = 0; i < len; i++) {
      unsigned char c = (unsigned char)p[i];
      if (c == '"' || c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      if (c == 0xc2 && i + 1 < len && (unsigned char)p[i + 1] == 0xa0) {
        i++;
        continue;
      }
      if (c == 0xe3 && i + 2 < len && (unsigned char)p[i + 1] == 0x80 &&
          (unsigned char)p[i + 2] == 0x80) {
        i += 2;
        continue;
      }
      if (c >= 'a' && c <= 'z') c = (unsigned char)(c - 'a' + 'A');
      h = (h ^ c) * 1099511628211ULL;
      any = 1;
    }
  }
  if (!any) return 0;
  h ^= h >> 29;
  return h % s->nparts;
}

/* One row found by scan_row. */
typedef struct scanned {
  size_t end;          /* offset after the row and its line break */
  long lines;          /* line breaks in the row */
  int blank;           /* nothing but delimiters, quotes and spaces */
  const char *cell[2]; /* the uscc and name cells as written (quotes and all), or NULL */
  size_t len[2];
} scanned;

/* Finds the end of the row at `at`, as the CSV reader (csv.c) cuts rows: a quote opens a quoted
 * cell only at the cell's start, "" inside it is a quote, and line breaks inside it belong to
 * the cell. Returns 1 for a row, 0 when the row may go on after what was read, -1 when the
 * reader would refuse it (a NUL byte, a quote left open at the end, a row over 1 MiB). */
static int scan_row(const pass *ps, size_t at, long ucol, long ncol, scanned *r) {
  const char *b = ps->buf;
  size_t len = ps->len, i = at;
  long col = 0;
  size_t cell = at;
  int start = 1;
  memset(r, 0, sizeof *r);
  r->blank = 1;
  for (;;) {
    if (i - at > ((size_t)1 << 20)) return -1;
    if (i >= len) {
      if (!ps->eof) return 0;
      break;
    }
    /* a run of bytes that are none of quote, delimiter, line break, NUL, space, tab */
    size_t j = i;
    while (j < len && !ps->plain_end[(unsigned char)b[j]]) j++;
    if (j > i) {
      r->blank = 0;
      start = 0;
      i = j;
      continue;
    }
    char c = b[i];
    if (start && c == '"') {
      r->blank = 0;
      for (i++;; i++) {
        if (i >= len) return ps->eof ? -1 : 0;
        if (b[i] == '\0') return -1;
        if (b[i] == '\n') r->lines++;
        if (b[i] == '\r') {
          if (i + 1 >= len && !ps->eof) return 0;
          if (i + 1 >= len || b[i + 1] != '\n') r->lines++;
        }
        if (b[i] != '"') continue;
        if (i + 1 >= len && !ps->eof) return 0;
        if (i + 1 < len && b[i + 1] == '"') {
          i++;
          continue;
        }
        break;
      }
      i++;
      start = 0;
      continue;
    }
    if (c == ps->delim || c == '\n' || c == '\r') {
      if (col == ucol || col == ncol) {
        r->cell[col == ucol ? 0 : 1] = b + cell;
        r->len[col == ucol ? 0 : 1] = i - cell;
      }
      if (c == ps->delim) {
        col++;
        cell = ++i;
        start = 1;
        continue;
      }
      if (c == '\r') {
        if (i + 1 >= len && !ps->eof) return 0;
        if (i + 1 < len && b[i + 1] == '\n') i++;
      }
      r->lines++;
      r->end = i + 1;
      return 1;
    }
    if (c == '\0') return -1;
    if (c != ' ' && c != '\t') r->blank = 0;
    start = 0;
    i++;
  }
  /* the last row of the input, without a line break */
  if (col == ucol || col == ncol) {
    r->cell[col == ucol ? 0 : 1] = b + cell;
    r->len[col == ucol ? 0 : 1] = i - cell;
  }
  r->end = i;
  return i > at ? 1 : 0;
}

/* Spills the complete rows of buf; keeps the row cut by the end of what was read. Returns
 * TIDU_OK, TIDU_ERR_USAGE when the input is not for spilling (the caller reads it as usual), or
 * a fatal error. */
static tidu_code spill_rows(tidu_spill *s, pass *ps, size_t start, tidu_error *err) {
  size_t at = start;
  while (at < ps->len) {
    scanned r;
    int got = scan_row(ps, at, ps->ucol, ps->ncol, &r);
    if (got < 0) return TIDU_ERR_USAGE;
    if (got == 0) break;
    if (!r.blank) {
      size_t p = key_part(s, r.cell[0], r.len[0], r.cell[1], r.len[1]);
      tidu_code rc = put_row(s, p, ps->buf + at, r.end - at, ps->line, err);
      if (rc != TIDU_OK) return rc;
    }
    ps->line += r.lines;
    at = r.end;
  }
  if (ps->len - at > MAX_CARRY) return TIDU_ERR_USAGE;
  memmove(ps->buf, ps->buf + at, ps->len - at);
  ps->len -= at;
  ps->checked = ps->checked > at ? ps->checked - at : 0;
  return TIDU_OK;
}

/* Reads the header from the first block; the preamble is copied for each temporary file. */
static tidu_code read_preamble(tidu_spill *s, pass *ps, size_t *start, tidu_error *err) {
  tidu_rowsrc src;
  if (tidu_csv_rowsrc(s->name, ps->buf, ps->len, &src, err) != 0) return err->code;
  tidu_warnq scratch = {0};
  tidu_error e;
  tidu_code rc = tidu_table_open_at(&src, &scratch, 0, NULL, &ps->keys, &e);
  tidu_warnq_free(&scratch);
  if (rc == TIDU_ERR_NOMEM) return nomem(err);
  if (rc != TIDU_OK) return TIDU_ERR_USAGE; /* the usual reader says what is wrong */
  tidu_table_key_columns(ps->keys, &ps->ucol, &ps->ncol);
  if (ps->ucol < 0 && ps->ncol < 0) return TIDU_ERR_USAGE;
  tidu_csv_where(tidu_table_rowsrc(ps->keys)->ctx, start, &ps->line, &ps->delim);
  memset(ps->plain_end, 0, sizeof ps->plain_end);
  const char *special = "\"\n\r \t";
  for (const char *c = special; *c; c++) ps->plain_end[(unsigned char)*c] = 1;
  ps->plain_end[0] = ps->plain_end[(unsigned char)ps->delim] = 1;
  if (*start >= ps->len) return TIDU_ERR_USAGE;
  s->npre = *start;
  s->data_line = ps->line;
  s->pre = tidu_malloc(s->npre + 1);
  if (!s->pre) return nomem(err);
  memcpy(s->pre, ps->buf, s->npre);
  return TIDU_OK;
}

static tidu_code first_pass(tidu_spill *s, pass *ps, const struct stat *st, tidu_error *err) {
  size_t parts = (size_t)st->st_size / PART_BYTES + 1;
  s->nparts = parts < 2 ? 2 : parts > MAX_PARTS ? MAX_PARTS : parts;
  s->parts = tidu_calloc(s->nparts, sizeof *s->parts);
  if (!s->parts) return nomem(err);
  for (size_t i = 0; i < s->nparts; i++)
    if (!(s->parts[i].f = temp_file()))
      return io_error(err, "无法创建临时文件 / cannot create a temporary file", errno);
  tidu_code rc = fill(ps, err);
  if (rc != TIDU_OK) return rc;
  if (!utf8_ok(ps)) return TIDU_ERR_USAGE;
  size_t start = 0;
  rc = read_preamble(s, ps, &start, err);
  while (rc == TIDU_OK) {
    rc = spill_rows(s, ps, start, err);
    start = 0;
    if (rc != TIDU_OK || (ps->eof && ps->len == 0)) break;
    if (ps->eof) return TIDU_ERR_USAGE; /* rows left that could not be read */
    rc = fill(ps, err);
    if (rc == TIDU_OK && !utf8_ok(ps)) rc = TIDU_ERR_USAGE;
  }
  return rc;
}

static int same_file(int fd, const struct stat *st) {
  struct stat after;
  return fstat(fd, &after) == 0 && after.st_size == st->st_size &&
         after.st_mtim.tv_sec == st->st_mtim.tv_sec && after.st_mtim.tv_nsec == st->st_mtim.tv_nsec;
}

/* The text encoding a whole-file read takes the input to be (tidu_utf8_view): counts of its
 * UTF-8 over the whole input, read again from the start in blocks. Returns 1 for GB18030, 0 for
 * anything else (UTF-8 with a damaged byte, UTF-16, unreadable): the usual reader then says
 * what is wrong. */
static int reads_as_gb18030(int fd) {
  char *b = tidu_malloc(BLOCK + 4);
  if (!b) return 0;
  tidu_utf8_census c = {0};
  size_t have = 0;
  off_t at = 0;
  int ok = 1, eof = 0;
  while (ok && !eof) {
    ssize_t k = pread(fd, b + have, BLOCK, at);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) ok = 0;
    if (k <= 0) eof = 1;
    if (k > 0) {
      at += k;
      have += (size_t)k;
    }
    size_t kept = tidu_utf8_census_add(&c, b, have, eof);
    memmove(b, b + have - kept, kept);
    have = kept;
  }
  free(b);
  return ok && tidu_utf8_census_gb18030(&c);
}

/* The first pass over the input, read as UTF-8, or as GB18030 when `gb`. */
static tidu_code spill_open_as(const char *path, int fd, int gb, tidu_spill **out, int *not_utf8,
                               tidu_error *err) {
  *out = NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return TIDU_ERR_USAGE;
  tidu_spill *s = tidu_calloc(1, sizeof *s);
  if (!s) return nomem(err);
  s->name = tidu_strdup(path);
  pass ps = {.fd = fd, .line = 1, .delim = ',', .ucol = -1, .ncol = -1, .gb = (iconv_t)-1};
  tidu_code rc = s->name ? TIDU_OK : nomem(err);
  if (rc == TIDU_OK && gb && (ps.gb = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
    rc = TIDU_ERR_USAGE;
  if (rc == TIDU_OK) rc = first_pass(s, &ps, &st, err);
  *not_utf8 = !gb && ps.not_utf8;
  if (rc == TIDU_OK && !same_file(fd, &st))
    rc = tidu_error_set(err, TIDU_ERR_IO, NULL, 0, 0,
                        "文件在读取时被修改（被截断或被另一个程序改写），请在它写完后重试 / the "
                        "file changed while it was read (truncated or rewritten by another "
                        "program); try again once it is complete");
  size_t rows = 0;
  for (size_t i = 0; rc == TIDU_OK && i < s->nparts; i++) {
    rows += s->parts[i].n;
    if (fflush(s->parts[i].f) != 0)
      rc = io_error(err, "无法写入临时文件 / cannot write a temporary file", errno);
  }
  if (rc == TIDU_OK && rows == 0) rc = TIDU_ERR_USAGE;
  tidu_table_close(ps.keys);
  free(ps.buf);
  free(ps.raw);
  if (ps.gb != (iconv_t)-1) iconv_close(ps.gb);
  if (rc != TIDU_OK) {
    tidu_spill_close(s);
    return rc;
  }
  *out = s;
  return TIDU_OK;
}

tidu_code tidu_spill_open(const char *path, int fd, int gb18030, tidu_spill **out,
                          tidu_error *err) {
  int not_utf8 = 0;
  tidu_code rc = spill_open_as(path, fd, gb18030, out, &not_utf8, err);
  /* not UTF-8, and a whole-file read would take it for GB18030: read it so */
  if (rc == TIDU_ERR_USAGE && not_utf8 && reads_as_gb18030(fd) && lseek(fd, 0, SEEK_SET) == 0)
    rc = spill_open_as(path, fd, 1, out, &not_utf8, err);
  return rc;
}

/* ---- reading the temporary files back ---- */

/* The rows of one temporary file, with their input lines. */
typedef struct back {
  tidu_rowsrc inner;
  const long *lines;
  size_t n, k;
  long data_line;
} back;

static int back_next(void *ctx, tidu_row *row, tidu_error *err) {
  back *b = ctx;
  int rc = b->inner.next(b->inner.ctx, row, err);
  if (rc == 1 && row->row_no >= b->data_line && b->k < b->n) row->row_no = b->lines[b->k++];
  return rc;
}

static void back_close(void *ctx) {
  back *b = ctx;
  b->inner.close(b->inner.ctx);
  free(b);
}

/* Opens the table over temporary file `pt` (its text goes to *text); warnings go to `warns`. */
static tidu_code open_text(const tidu_spill *s, part *pt, char **text, tidu_table **table,
                           tidu_warnq *warns, tidu_error *err) {
  if (!pt->f) return io_error(err, "无法读取临时文件 / cannot read a temporary file", EBADF);
  *text = tidu_malloc(s->npre + pt->bytes + 1);
  if (!*text) return nomem(err);
  memcpy(*text, s->pre, s->npre);
  if (fseek(pt->f, 0, SEEK_SET) != 0 || fread(*text + s->npre, 1, pt->bytes, pt->f) != pt->bytes)
    return io_error(err, "无法读取临时文件 / cannot read a temporary file", errno);
  fclose(pt->f);
  pt->f = NULL;
  size_t len = s->npre + pt->bytes;
  (*text)[len] = '\0';
  back *b = tidu_calloc(1, sizeof *b);
  if (!b) return nomem(err);
  if (tidu_csv_rowsrc(s->name, *text, len, &b->inner, err) != 0) {
    free(b);
    return err->code;
  }
  b->lines = pt->lines;
  b->n = pt->n;
  b->data_line = s->data_line;
  tidu_rowsrc src = b->inner;
  src.ctx = b;
  src.next = back_next;
  src.close = back_close;
  return tidu_table_open_at(&src, warns, 0, NULL, table, err);
}

/* The first temporary file holding rows at or after `from`; s->nparts when none is left. */
static size_t next_full(const tidu_spill *s, size_t from) {
  while (from < s->nparts && s->parts[from].n == 0) from++;
  return from;
}

/* Opens the table over the next temporary file that holds rows; *done when none is left. */
static tidu_code open_part(tidu_spill *s, int *done, tidu_error *err) {
  s->cur = next_full(s, s->cur);
  if (s->cur >= s->nparts) {
    *done = 1;
    return TIDU_OK;
  }
  free(s->text);
  s->text = NULL;
  size_t before = s->warns->n;
  tidu_code rc = open_text(s, &s->parts[s->cur], &s->text, &s->table, s->warns, err);
  /* the header's warnings once, not once per temporary file */
  if (s->header_warned && s->warns->n > before) s->warns->n = before;
  s->header_warned = 1;
  return rc;
}

/* ---- reading ahead: the next temporary file converted in a thread of its own ----
 * While this thread delivers the firms of one temporary file, a helper opens the next and makes
 * its first tidu_table_next call (which converts and groups every row of the long layout). When
 * this thread gets there it replays that call: its warnings, then its result, as if made here. */

static void *ahead_main(void *arg) {
  ahead *a = arg;
  const tidu_spill *s = a->s;
  a->warns.unbounded = 1; /* passed on one by one to the reader's queue, which bounds them */
  tidu_error_clear(&a->err);
  tidu_firm_init(&a->firm);
  a->open_rc = open_text(s, &s->parts[a->part], &a->text, &a->table, &a->warns, &a->err);
  a->warns.head = a->warns.n = 0; /* the header's warnings were given with the first file */
  if (a->open_rc == TIDU_OK) a->rc = tidu_table_next(a->table, &a->firm, &a->done, &a->err);
  return NULL;
}

/* Starts reading ahead the temporary file after the current one, if there is one. */
static void ahead_start(tidu_spill *s) {
  size_t next = next_full(s, s->cur + 1);
  if (s->ahead.running || next >= s->nparts) return;
  ahead *a = &s->ahead;
  memset(a, 0, sizeof *a);
  a->s = s;
  a->part = next;
  a->running = pthread_create(&a->th, NULL, ahead_main, a) == 0;
}

/* Waits for the helper and frees what it made that nobody took. */
static void ahead_drop(tidu_spill *s) {
  ahead *a = &s->ahead;
  if (!a->running) return;
  pthread_join(a->th, NULL);
  a->running = 0;
  tidu_firm_clear(&a->firm);
  tidu_table_close(a->table);
  free(a->text);
  tidu_warnq_free(&a->warns);
}

/* Takes over the file read ahead as the current one; returns its first call's result. */
static tidu_code ahead_take(tidu_spill *s, tidu_firm *firm, int *done, tidu_error *err) {
  ahead *a = &s->ahead;
  pthread_join(a->th, NULL);
  a->running = 0;
  s->cur = a->part;
  free(s->text);
  s->text = a->text;
  s->table = a->table;
  tidu_code rc = a->open_rc;
  for (size_t i = a->warns.head; rc == TIDU_OK && i < a->warns.n; i++)
    if (tidu_warnq_push(s->warns, &a->warns.items[i]) != TIDU_OK) rc = nomem(err);
  tidu_warnq_free(&a->warns);
  if (s->table) tidu_table_set_warnq(s->table, s->warns);
  if (rc == TIDU_OK) {
    rc = a->rc;
    *firm = a->firm;
    *done = a->done;
    if (err) *err = a->err;
  } else {
    tidu_firm_clear(&a->firm);
    if (err && a->open_rc != TIDU_OK) *err = a->err;
  }
  tidu_firm_init(&a->firm);
  return rc;
}

/* The current temporary file is read: frees it. */
static void part_done(tidu_spill *s) {
  tidu_table_close(s->table);
  s->table = NULL;
  free(s->parts[s->cur].lines);
  s->parts[s->cur].lines = NULL;
  s->parts[s->cur].n = 0;
  s->cur++;
}

tidu_code tidu_spill_next(tidu_spill *s, tidu_warnq *warns, tidu_firm *firm, int *done,
                          tidu_error *err) {
  s->warns = warns;
  *done = 0;
  for (;;) {
    tidu_code rc;
    if (!s->table) {
      tidu_firm_clear(firm);
      if (s->ahead.running && s->ahead.part == next_full(s, s->cur)) {
        rc = ahead_take(s, firm, done, err);
        ahead_start(s);
      } else {
        ahead_drop(s); /* (only after a failure: the helper read another file) */
        rc = open_part(s, done, err);
        if (rc != TIDU_OK || *done) return rc;
        ahead_start(s);
        rc = tidu_table_next(s->table, firm, done, err);
      }
    } else {
      rc = tidu_table_next(s->table, firm, done, err);
    }
    if (rc != TIDU_OK || !*done) return rc;
    part_done(s);
    *done = 0;
  }
}
