/* The firm model: field registry, one firm's record, and a chunk of firms held as columns. */
#ifndef TIDU_FIRM_H
#define TIDU_FIRM_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"

/* A missing measured figure, or a judgement not declared. Other declarations (BOOL, ENUM, TAGS)
 * are never missing. */
#define TIDU_MISSING INT64_MIN

/* Fixed scales of the stored integers (see fields.def). */
#define TIDU_SCALE_MONEY 100LL       /* 分 per 元 */
#define TIDU_SCALE_RATIO 100000000LL /* ratio × 10^8 */
#define TIDU_SCALE_YEARS 100LL
#define TIDU_SCALE_SCORE 100LL

typedef enum tidu_type {
  TIDU_T_MONEY,
  TIDU_T_RATIO,
  TIDU_T_COUNT,
  TIDU_T_YEARS,
  TIDU_T_SCORE,
  TIDU_T_BOOL,
  TIDU_T_ENUM,
  TIDU_T_TAGS,
  TIDU_T_DATE,
  TIDU_T_TEXT
} tidu_type;

typedef enum tidu_enum_id {
#define TIDU_ENUM(id, ...) TIDU_E_##id,
#include "tidu/fields.def"
#undef TIDU_ENUM
  TIDU_NENUMS
} tidu_enum_id;

typedef enum tidu_firm_field {
#define TIDU_FIRM(ID, ...) TIDU_F_##ID,
#include "tidu/fields.def"
#undef TIDU_FIRM
  TIDU_NFIRM
} tidu_firm_field;

typedef enum tidu_year_field {
#define TIDU_YEAR(ID, ...) TIDU_Y_##ID,
#include "tidu/fields.def"
#undef TIDU_YEAR
  TIDU_NYEAR
} tidu_year_field;

/* One field's description. `scope` is 'F' (firm) or 'Y' (year); `index` is its
 * tidu_firm_field or tidu_year_field. `aliases` is a '|'-separated list of extra headers. */
typedef struct tidu_field_info {
  const char *name;
  const char *zh;
  const char *aliases;
  tidu_type type;
  tidu_enum_id enum_id;
  char scope;
  int index;
  int judge;      /* 1: a judgement (TIDU_JUDGE): TIDU_MISSING = not declared, 0 = declared no */
  const char *en; /* the name English text shows ("weighted average ROE") */
} tidu_field_info;

/* The scale of a type's stored integers (TIDU_SCALE_MONEY for money, … , 1 for the rest). */
TIDU_API int64_t tidu_type_scale(tidu_type t);

/* Registry look-ups. All return pointers to static data. */
TIDU_API const tidu_field_info *tidu_firm_field_info(tidu_firm_field f);
TIDU_API const tidu_field_info *tidu_year_field_info(tidu_year_field f);
/* Finds a field by English name, Chinese name or alias (exact match after trimming);
 * NULL when unknown. */
TIDU_API const tidu_field_info *tidu_field_find(const char *name);
/* 1 when field `fi` holds no value: a missing figure, an undeclared judgement (TIDU_MISSING), a
 * declaration at its default (0) or, for TEXT fields, a NULL `text`. */
TIDU_API int tidu_field_absent(const tidu_field_info *fi, int64_t v, const char *text);
/* Enumeration values: count, the name of value i, and the index of a name (-1 if none). */
TIDU_API int tidu_enum_count(tidu_enum_id e);
TIDU_API const char *tidu_enum_name(tidu_enum_id e, int value);
TIDU_API int tidu_enum_find(tidu_enum_id e, const char *name);
/* Chinese labels for enumeration values (falls back to the English name). */
TIDU_API const char *tidu_enum_label_zh(tidu_enum_id e, int value);
/* English labels for enumeration values ("NEEQ innovation tier"; falls back to the name). */
TIDU_API const char *tidu_enum_label_en(tidu_enum_id e, int value);

/* One fiscal year of one firm. */
typedef struct tidu_year {
  int32_t year;
  long src_line;         /* line or row this year's figures came from (0 = unknown) */
  int64_t v[TIDU_NYEAR]; /* TIDU_MISSING where absent */
  /* 1 where the input asked to clear the stored value (a "#清除" / "#clear" cell); the value
   * itself is then absent. A blank only means "no figure given": the stored value stays. */
  unsigned char clear[TIDU_NYEAR];
} tidu_year;

/* One firm's record (一企一档 core). Owns its strings and its years.
 * `v` holds non-text firm fields; `text` holds TEXT fields (NULL when absent).
 * `years` is kept sorted by year, newest first. */
typedef struct tidu_firm {
  int64_t v[TIDU_NFIRM];
  char *text[TIDU_NFIRM];
  unsigned char clear[TIDU_NFIRM]; /* as tidu_year.clear, for firm fields */
  tidu_year *years;
  size_t nyears;
  size_t cap_years;
  /* where the record came from, for error messages (not owned) */
  const char *src_name;
  long src_line;
} tidu_firm;

/* Initialises an empty firm: measured fields missing, declarations absent. */
TIDU_API void tidu_firm_init(tidu_firm *f);
/* Frees what the firm owns and re-initialises it. Accepts NULL. */
TIDU_API void tidu_firm_clear(tidu_firm *f);
/* Deep copy. Returns TIDU_OK or TIDU_ERR_NOMEM (dst left initialised). */
TIDU_API tidu_code tidu_firm_copy(tidu_firm *dst, const tidu_firm *src);
/* Sets a text field (copies `s`; NULL clears). */
TIDU_API tidu_code tidu_firm_set_text(tidu_firm *f, tidu_firm_field fld, const char *s);
/* Returns the year record for `year`, creating it (all missing) if needed; NULL on ENOMEM. */
TIDU_API tidu_year *tidu_firm_year(tidu_firm *f, int32_t year);
/* Returns the year record for `year` or NULL when the firm has none. */
TIDU_API const tidu_year *tidu_firm_find_year(const tidu_firm *f, int32_t year);
/* The latest year on file, or 0 when the firm has no years. */
TIDU_API int32_t tidu_firm_latest_year(const tidu_firm *f);

/* How many fiscal years a chunk holds per firm: offsets [0] .. [TIDU_CHUNK_YEARS-1]. */
#define TIDU_CHUNK_YEARS 6

/* A chunk of firms held as columns, the evaluator's input. One firm is a chunk of one.
 * Column arrays have `n` entries. Year columns are relative: yr[f][k][i] is firm i's value
 * of field f in year base[i] - k. Text columns point into the firms' records (borrowed). */
typedef struct tidu_chunk {
  size_t n;
  size_t cap;
  int32_t *base;                 /* year [0] per firm */
  int64_t *firm[TIDU_NFIRM];     /* non-text firm fields */
  const char **text[TIDU_NFIRM]; /* text firm fields (NULL entries = missing) */
  int64_t *yr[TIDU_NYEAR][TIDU_CHUNK_YEARS];
} tidu_chunk;

/* Allocates a chunk with room for `cap` firms (all columns). NULL on ENOMEM. */
TIDU_API tidu_chunk *tidu_chunk_new(size_t cap);
TIDU_API void tidu_chunk_free(tidu_chunk *c);
/* Empties the chunk (n = 0) without freeing. */
TIDU_API void tidu_chunk_reset(tidu_chunk *c);
/* Appends a firm assessed at fiscal year `year` (0 = the firm's latest year on file).
 * Text columns borrow the firm's strings: keep the firm alive while the chunk is used.
 * Returns TIDU_ERR_LIMIT when the chunk is full. */
TIDU_API tidu_code tidu_chunk_add(tidu_chunk *c, const tidu_firm *f, int32_t year);

#endif
