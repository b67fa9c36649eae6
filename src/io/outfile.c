/* Output files: the guard against writing over the registry or an input, and atomic writes
 * (temporary file in the same folder, fsync, rename, fsync of the folder), with the temporary
 * files of a killed process removed on a signal or by the next write to the same target. */
#include "tidu/outfile.h"
#include "tidu/tmpfiles.h"
#include "tidu/toolkit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct tidu_outfile {
  char *path; /* final name */
  char *tmp;  /* temporary name, NULL when writing directly */
  FILE *fp;
  int direct; /* not a regular file: written in place */
  int slot;   /* pending slot of tmp (-1: none) */
};

/* ---- errors ---- */

tidu_code tidu_outfile_error(tidu_error *err, const char *path, int errnum) {
  const char *why;
  switch (errnum) {
  case ENOSPC:
  case EDQUOT:
    why = "磁盘已满 / the disk is full";
    break;
  case EROFS:
    why = "只读文件系统 / read-only file system";
    break;
  case EACCES:
  case EPERM:
    why = "没有写权限 / permission denied";
    break;
  case ENOENT:
    why = "目录不存在 / no such folder";
    break;
  case ENOTDIR:
    why = "路径中有一段不是目录 / a part of the path is not a folder";
    break;
  case EISDIR:
    why = "这是一个目录 / it is a folder";
    break;
  case ENOMEM:
    why = "内存不足 / out of memory";
    break;
  case ENAMETOOLONG:
    why = "路径过长 / path too long";
    break;
  default:
    return tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法写入 / cannot write: %s",
                          strerror(errnum));
  }
  return tidu_error_set(err, TIDU_ERR_IO, path, 0, 0, "无法写入 / cannot write: %s", why);
}

/* ---- the guard ---- */

static int skipped(const char *p) {
  return !p || !*p || !strcmp(p, "-") || !strcmp(p, ":memory:") ||
         !strncmp(p, "postgresql://", 13) || !strncmp(p, "postgres://", 11) ||
         !strncmp(p, "file:", 5);
}

/* The absolute name of `p` with links resolved, also when `p` itself does not exist yet (its
 * folder is resolved). Writes "" when nothing can be resolved. */
static void resolve(const char *p, char out[PATH_MAX]) {
  out[0] = '\0';
  if (realpath(p, out)) return;
  const char *slash = strrchr(p, '/');
  char dir[PATH_MAX], rdir[PATH_MAX];
  const char *base = slash ? slash + 1 : p;
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == p)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - p), p);
  if (!*base || !realpath(dir, rdir)) return;
  if ((size_t)snprintf(out, PATH_MAX, "%s/%s", strcmp(rdir, "/") ? rdir : "", base) >= PATH_MAX)
    out[0] = '\0';
}

static const char *const companions[] = {"", "-wal", "-shm", "-journal", "-writer"};
#define NCOMP (sizeof companions / sizeof companions[0])

static tidu_code refuse(tidu_error *err, const char *out, const char *g, const char *comp) {
  return tidu_error_set(err, TIDU_ERR_USAGE, out, 0, 0,
                        "拒绝写入:它就是登记库或本命令的输入文件 %s%s,写入会毁掉它 / refusing to "
                        "write here: it is %s%s, the registry or an input of this command, and "
                        "writing would destroy it",
                        g, comp, g, comp);
}

tidu_code tidu_outfile_guard(const char *out, const char *const *guarded, size_t n,
                             tidu_error *err) {
  if (skipped(out)) return TIDU_OK;
  char rout[PATH_MAX];
  resolve(out, rout);
  struct stat so;
  int out_exists = stat(out, &so) == 0;
  for (size_t i = 0; i < n; i++) {
    const char *g = guarded[i];
    if (skipped(g)) continue;
    char rg[PATH_MAX];
    resolve(g, rg);
    for (size_t c = 0; c < NCOMP; c++) {
      char name[PATH_MAX + 16];
      if (rg[0]) {
        snprintf(name, sizeof name, "%s%s", rg, companions[c]);
        if (rout[0] && !strcmp(rout, name)) return refuse(err, out, g, companions[c]);
      }
      snprintf(name, sizeof name, "%s%s", g, companions[c]);
      if (!strcmp(out, name)) return refuse(err, out, g, companions[c]);
      struct stat sg;
      if (out_exists && stat(name, &sg) == 0 && sg.st_dev == so.st_dev && sg.st_ino == so.st_ino &&
          S_ISREG(so.st_mode))
        return refuse(err, out, g, companions[c]);
    }
  }
  return TIDU_OK;
}

/* ---- atomic writes ---- */

static void outfile_free(tidu_outfile *o) {
  tidu_tmpfile_pending_drop(o->slot);
  free(o->path);
  free(o->tmp);
  free(o);
}

/* The folder of `path` ("." when it has none), for the fsync after the rename. */
static void dir_of(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(buf, size, ".");
  else if (slash == path)
    snprintf(buf, size, "/");
  else
    snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* Creates a fresh temporary file ".NAME.tidu-PID-XXXXXX" beside `path`; returns its descriptor
 * or -1 with errno set. The mode is 0666 less the umask (or that of the file it replaces). */
static int make_tmp(const char *path, char **tmp_out) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
  size_t cap = strlen(path) + 48;
  char *tmp = tidu_malloc(cap);
  if (!tmp) {
    errno = ENOMEM;
    return -1;
  }
  static unsigned counter;
  uint64_t seed = (uint64_t)getpid() * 2654435761u ^ (uint64_t)time(NULL) ^ (uintptr_t)tmp;
  for (int attempt = 0; attempt < 100; attempt++) {
    seed = seed * 6364136223846793005u + 1442695040888963407u + counter++;
    snprintf(tmp, cap, "%.*s.%s.tidu-%ld-%06x", (int)dlen, path, base, (long)getpid(),
             (unsigned)(seed >> 40) & 0xFFFFFFu);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      *tmp_out = tmp;
      return fd;
    }
    if (errno != EEXIST) break;
  }
  int e = errno;
  free(tmp);
  errno = e;
  return -1;
}

tidu_code tidu_outfile_open(const char *path, tidu_outfile **out, tidu_error *err) {
  *out = NULL;
  tidu_outfile *o = tidu_calloc(1, sizeof *o);
  if (!o) return tidu_outfile_error(err, path, ENOMEM);
  o->slot = -1;
  struct stat st;
  char real[PATH_MAX];
  /* write through a symbolic link to its target, so that the link keeps working */
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real))
    o->path = tidu_strdup(real);
  else
    o->path = tidu_strdup(path);
  if (!o->path) {
    outfile_free(o);
    return tidu_outfile_error(err, path, ENOMEM);
  }
  int exists = stat(o->path, &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    outfile_free(o);
    return tidu_outfile_error(err, path, EISDIR);
  }
  if (!strcmp(path, "-") || (exists && !S_ISREG(st.st_mode))) {
    o->direct = 1;
    o->fp = !strcmp(path, "-") ? fdopen(dup(STDOUT_FILENO), "wb") : fopen(o->path, "wb");
    if (!o->fp) {
      int e = errno;
      outfile_free(o);
      return tidu_outfile_error(err, path, e);
    }
    *out = o;
    return TIDU_OK;
  }
  tidu_tmpfile_sweep(o->path);
  int fd = make_tmp(o->path, &o->tmp);
  if (fd >= 0) o->slot = tidu_tmpfile_pending_add(o->tmp, 0);
  if (fd < 0) {
    int e = errno;
    outfile_free(o);
    return tidu_outfile_error(err, path, e);
  }
  if (exists) (void)fchmod(fd, st.st_mode & 07777);
  o->fp = fdopen(fd, "wb");
  if (!o->fp) {
    int e = errno;
    close(fd);
    unlink(o->tmp);
    outfile_free(o);
    return tidu_outfile_error(err, path, e);
  }
  *out = o;
  return TIDU_OK;
}

FILE *tidu_outfile_fp(tidu_outfile *o) {
  return o->fp;
}

const char *tidu_outfile_tmpname(tidu_outfile *o) {
  if (o->fp && !o->direct) {
    fclose(o->fp);
    o->fp = NULL;
  }
  return o->direct ? o->path : o->tmp;
}

const char *tidu_outfile_path(const tidu_outfile *o) {
  return o->path;
}

/* Flushes and closes the stream (if open) and fsyncs the file; returns 0 or an errno. */
static int finish_file(tidu_outfile *o) {
  int e = 0;
  if (o->fp) {
    if (fflush(o->fp) != 0 || ferror(o->fp)) e = errno ? errno : EIO;
    if (!e && !o->direct && fsync(fileno(o->fp)) != 0) e = errno;
    if (fclose(o->fp) != 0 && !e) e = errno ? errno : EIO;
    o->fp = NULL;
    return e;
  }
  if (o->direct) return 0;
  int fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  if (fsync(fd) != 0) e = errno;
  close(fd);
  return e;
}

tidu_code tidu_outfile_commit(tidu_outfile *o, tidu_error *err) {
  if (!o) return TIDU_OK;
  errno = 0;
  int e = finish_file(o);
  if (!e && !o->direct && rename(o->tmp, o->path) != 0) e = errno;
  if (e) {
    tidu_code rc = tidu_outfile_error(err, o->path, e);
    tidu_outfile_abort(o);
    return rc;
  }
  if (!o->direct) {
    char dir[PATH_MAX];
    dir_of(o->path, dir, sizeof dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      (void)fsync(dfd);
      close(dfd);
    }
  }
  outfile_free(o);
  return TIDU_OK;
}

void tidu_outfile_abort(tidu_outfile *o) {
  if (!o) return;
  if (o->fp) fclose(o->fp);
  if (o->tmp) unlink(o->tmp);
  outfile_free(o);
}
