/* Temporary files of outputs being written: removable from a signal handler, and swept after a
 * kill by the next write to the same target. */
#ifndef TIDU_TMPFILES_H
#define TIDU_TMPFILES_H

#include "tidu/api.h"

/* Records `tmp` (and, with `journal`, its SQLite companion TMP-journal) as being written until
 * tidu_tmpfile_pending_drop(slot); returns the slot, or -1 when all are taken (the file is then
 * only swept later). Thread-safe. */
TIDU_API int tidu_tmpfile_pending_add(const char *tmp, int journal);
TIDU_API void tidu_tmpfile_pending_drop(int slot);

/* Removes every recorded temporary file. Async-signal-safe: for a handler of SIGINT, SIGTERM or
 * SIGHUP that then lets the signal end the process. */
TIDU_API void tidu_tmpfile_remove_pending(void);

/* Removes the temporary files of `path` (".NAME.tidu-PID-…", ".NAME.tidu-backup-PID-…" and their
 * "-journal") whose process PID no longer exists on this machine; returns how many. Files of live
 * processes and names without a pid are left alone. */
TIDU_API int tidu_tmpfile_sweep(const char *path);

#endif
