/* Importing files into the registry (application layer): one transaction over every input,
 * problems and warnings reported through callbacks, the rejects file, the summary. Never prints. */
#ifndef TIDU_IMPORT_H
#define TIDU_IMPORT_H

#include <stddef.h>

#include "tidu/error.h"
#include "tidu/firm.h"
#include "tidu/io.h"
#include "tidu/store.h"

struct tidu_import_result;

/* How problems reach the caller. Every member may be NULL. */
typedef struct tidu_import_hooks {
  void *ud;
  /* A problem with one input: `path` is the input, `sheet` its XLSX sheet (NULL for other
   * formats), `e` the problem (e->warning set for a warning; e->file may be empty, then the
   * input is meant). `opening` is 1 when the input could not be opened at all. */
  void (*problem)(void *ud, const char *path, const char *sheet, const tidu_error *e, int opening);
  /* A database error that stops the import (starting or finishing one input). */
  void (*error)(void *ud, const tidu_error *e);
  /* Reading of one input begins (after its import was recorded) and ends; `line` is the input
   * line of the record just read. */
  void (*file_start)(void *ud, const char *path, int xlsx);
  void (*progress)(void *ud, long line);
  void (*file_end)(void *ud);
  /* Whether the record may be written (access rules of a face); when it returns 0 it has filled
   * `err` and the record counts as rejected. NULL: every record may be written. */
  int (*may_write)(void *ud, const tidu_firm *f, tidu_error *err);
  /* Called in the transaction just before it is committed (not on a dry run or a refusal):
   * a face's audit event. A code other than TIDU_OK (with `err` set) refuses the commit. */
  tidu_code (*before_commit)(void *ud, const tidu_import_summary *sum, tidu_error *err);
  /* Called once the transaction is committed or rolled back, before the rejects file is written
   * (the result as it stands then; see tidu_import_result). */
  void (*done)(void *ud, const struct tidu_import_result *res);
} tidu_import_hooks;

typedef struct tidu_import_options {
  tidu_format fmt;        /* TIDU_FMT_AUTO: by each file's extension */
  tidu_read_options read; /* sheet, header row, encoding */
  int dry_run;            /* check and count, write nothing (the transaction is rolled back) */
  int skip_bad;           /* write the good records even when some are rejected */
  const char *rejects;    /* with skip_bad: the CSV the rejected rows go to (NULL: none) */
  /* CSV files larger than this are read in bounded memory (tidu_reader_open_bounded; 0: the
   * default TIDU_SPILL_ABOVE) */
  size_t spill_above;
  /* One input held in memory instead of files: paths[0] names it (n must be 1). */
  const char *data;
  size_t len;
} tidu_import_options;

typedef struct tidu_import_result {
  tidu_import_summary sum;
  long problems;   /* record problems and inputs that could not be opened */
  int opened_all;  /* 1 when every input could be opened */
  int written;     /* the transaction was committed with the records */
  tidu_code fatal; /* TIDU_OK, or the code that stopped reading (I/O, memory, database) */
} tidu_import_result;

/* Imports `paths[0..n)` into `store` in one transaction: all or nothing, unless skip_bad keeps
 * the good records (and writes the rejected rows with their reasons to opt->rejects, whole or
 * not at all). Every problem goes to hooks->problem as it is found. A record problem or an
 * input that cannot be opened does not stop the import; a fatal error does (res->fatal).
 * Returns TIDU_OK, or the error (in `err`) of beginning or committing the transaction or of
 * writing the rejects file; *res is filled either way. */
TIDU_API tidu_code tidu_import_run(tidu_store *store, char *const *paths, size_t n,
                                   const tidu_import_options *opt, const tidu_import_hooks *hooks,
                                   tidu_import_result *res, tidu_error *err);

#endif
