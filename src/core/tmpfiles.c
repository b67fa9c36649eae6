/* Temporary files beside an output (".NAME.tidu-PID-…"): removed from a signal handler while
 * they are being written, and swept by the next write to the same target after a kill. */
#include "tidu/tmpfiles.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- temporary files in progress ----
 * A slot goes 0 (free) -> 2 (being filled) -> 1 (pending) -> 0. The handler only reads slots in
 * state 1, whose name does not change until the slot is freed. */

#define NPENDING 32
static _Atomic int pending_state[NPENDING];
static char pending_name[NPENDING][PATH_MAX];
static int pending_journal[NPENDING]; /* also remove NAME-journal (an SQLite backup) */

int tidu_tmpfile_pending_add(const char *tmp, int journal) {
  size_t len = strlen(tmp);
  if (len >= PATH_MAX - 8) return -1;
  for (int i = 0; i < NPENDING; i++) {
    int expect = 0;
    if (!atomic_compare_exchange_strong(&pending_state[i], &expect, 2)) continue;
    memcpy(pending_name[i], tmp, len + 1);
    pending_journal[i] = journal;
    atomic_store(&pending_state[i], 1);
    return i;
  }
  return -1; /* no slot: a later write to the same target still sweeps the file */
}

void tidu_tmpfile_pending_drop(int slot) {
  if (slot >= 0 && slot < NPENDING) atomic_store(&pending_state[slot], 0);
}

void tidu_tmpfile_remove_pending(void) {
  for (int i = 0; i < NPENDING; i++) {
    if (atomic_load(&pending_state[i]) != 1) continue;
    unlink(pending_name[i]);
    if (pending_journal[i]) {
      char j[PATH_MAX + 8];
      size_t n = strlen(pending_name[i]);
      memcpy(j, pending_name[i], n);
      memcpy(j + n, "-journal", 9);
      unlink(j);
    }
  }
}

/* The pid in a temporary name's tail "PID-…" or "backup-PID-…", or 0 when there is none. */
static long tmp_owner(const char *tail) {
  if (!strncmp(tail, "backup-", 7)) tail += 7;
  long pid = 0;
  int digits = 0;
  for (; *tail >= '0' && *tail <= '9' && digits < 10; tail++, digits++)
    pid = pid * 10 + (*tail - '0');
  return digits && *tail == '-' && pid > 0 ? pid : 0;
}

int tidu_tmpfile_sweep(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  char dir[PATH_MAX], prefix[PATH_MAX];
  if (!*base) return 0;
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else if ((size_t)snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path) >= sizeof dir)
    return 0;
  if ((size_t)snprintf(prefix, sizeof prefix, ".%s.tidu-", base) >= sizeof prefix) return 0;
  size_t plen = strlen(prefix);
  DIR *d = opendir(dir);
  if (!d) return 0;
  int removed = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, prefix, plen)) continue;
    long pid = tmp_owner(e->d_name + plen);
    if (!pid || pid == (long)getpid()) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours to judge */
    char full[PATH_MAX * 2];
    if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, e->d_name) >= sizeof full) continue;
    if (unlink(full) == 0) removed++;
  }
  closedir(d);
  return removed;
}
