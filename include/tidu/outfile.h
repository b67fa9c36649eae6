/* Output files written whole or not at all, and never over the registry or an input. */
#ifndef TIDU_OUTFILE_H
#define TIDU_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "tidu/api.h"
#include "tidu/error.h"

/* Refuses an output path that would destroy one of `guarded` (the registry and the inputs of
 * the same command; NULL entries, "", "-", ":memory:" and postgresql:// URLs are skipped):
 * the same file once links are resolved (realpath), the same device and inode (a hard link),
 * or one of a registry's companions (`-wal`, `-shm`, `-journal`, `-writer`), present or not.
 * Returns TIDU_OK, or TIDU_ERR_USAGE with a message naming both paths. */
TIDU_API tidu_code tidu_outfile_guard(const char *out, const char *const *guarded, size_t n,
                                      tidu_error *err);

/* One output being written: a temporary file beside `path` (".NAME.tidu-PID-XXXXXX" in the
 * same folder, so the final rename never crosses file systems). Nothing appears under `path`
 * until tidu_outfile_commit; a process killed before that leaves the previous file as it was,
 * and its temporary file is removed by tidu_tmpfile_remove_pending (from a signal handler) or,
 * after SIGKILL, by the next tidu_outfile_open of the same path (tidu_tmpfile_sweep).
 * A `path` that is a symbolic link is written through to its target; one that exists and is
 * not a regular file (a FIFO, /dev/null, a terminal) is written directly. */
typedef struct tidu_outfile tidu_outfile;

/* Creates the temporary file. Returns TIDU_OK and *out, or TIDU_ERR_IO naming `path` and the
 * cause (read-only folder or file system, no such folder, full disk, permission). */
TIDU_API tidu_code tidu_outfile_open(const char *path, tidu_outfile **out, tidu_error *err);

/* The stream to write to (owned by `o`). */
TIDU_API FILE *tidu_outfile_fp(tidu_outfile *o);

/* For writers that take a file name (libxlsxwriter): closes the stream and returns the name
 * of the temporary file to write to (owned by `o`). */
TIDU_API const char *tidu_outfile_tmpname(tidu_outfile *o);

/* The final path (after following a symbolic link). */
TIDU_API const char *tidu_outfile_path(const tidu_outfile *o);

/* Flushes, fsyncs and renames the temporary file over the final path, then fsyncs the folder;
 * frees `o`. On failure the temporary file is removed, the previous file is kept, and
 * TIDU_ERR_IO names the path and the cause (e.g. the disk is full). */
TIDU_API tidu_code tidu_outfile_commit(tidu_outfile *o, tidu_error *err);

/* Removes the temporary file and frees `o`; the previous file stays. Accepts NULL. */
TIDU_API void tidu_outfile_abort(tidu_outfile *o);

/* Fills `err` with TIDU_ERR_IO for a failed write to `path`, naming the cause from `errnum`
 * ("磁盘已满 / the disk is full", "只读文件系统 / read-only file system", …); returns the code. */
TIDU_API tidu_code tidu_outfile_error(tidu_error *err, const char *path, int errnum);

#endif
