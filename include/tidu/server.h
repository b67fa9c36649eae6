/* `tidu serve`: the HTTP server (JSON API under /api/, the embedded web UI at /). */
#ifndef TIDU_SERVER_H
#define TIDU_SERVER_H

#include <signal.h>
#include <stddef.h>

#include "tidu/api.h"
#include "tidu/error.h"

typedef struct tidu_server_options {
  const char *listen;    /* "127.0.0.1:8080" (host:port; port 0 = any free port) */
  const char *db_path;   /* the registry */
  const char *db_read;   /* read-only work (lists, stats, exports, simulations, ladder reports)
                            goes here, e.g. a streaming replica; NULL = db_path */
  int threads;           /* worker threads (0 = 4) */
  size_t max_body;       /* JSON request bodies, bytes (0 = 1 MiB) */
  size_t max_upload;     /* import uploads, bytes (0 = 64 MiB) */
  int assess_per_minute; /* anonymous POST /api/assess per address (0 = 60; -1 = no limit) */
  int login_per_minute;  /* failed logins per address (0 = 10) */
  int secure_cookies;    /* mark cookies Secure (behind TLS) */
  int timeout_seconds;   /* idle connection timeout (0 = 15) */
  /* One line per request and per notable event; called from worker threads. May be NULL. */
  void (*log)(void *ud, const char *line);
  void *log_ud;
  /* Called once the socket listens, with the bound port. May be NULL. */
  void (*ready)(void *ud, int port);
  /* Called when the first start created the admin, with its password (shown once). */
  void (*admin_created)(void *ud, const char *password);
} tidu_server_options;

/* Runs the server until *stop becomes non-zero (a signal handler sets it), then stops
 * accepting, lets requests in flight finish and closes the registry. Returns TIDU_OK, or an
 * error when the registry or rules cannot be opened or the address cannot be bound. */
TIDU_API tidu_code tidu_server_run(const tidu_server_options *opt, volatile sig_atomic_t *stop,
                                   tidu_error *err);

/* The route table as "METHOD PATH ACCESS" lines, ACCESS public|user|admin (caller frees), for
 * the OpenAPI and access checks. */
TIDU_API char *tidu_server_routes(void);

#endif
