/* 统一社会信用代码 (USCC, GB 32100-2015) validation. */
#ifndef TIDU_USCC_H
#define TIDU_USCC_H

#include "tidu/api.h"
#include "tidu/error.h"

typedef enum tidu_uscc_status {
  TIDU_USCC_VALID = 0,
  TIDU_USCC_MALFORMED,     /* wrong length, forbidden character, non-digit region: an error */
  TIDU_USCC_BAD_ORG_CHECK, /* position 17 (GB 11714) check fails: a warning */
  TIDU_USCC_BAD_CHECK      /* position 18 check fails: a warning that can be overridden */
} tidu_uscc_status;

/* Checks an 18-character code (ASCII; lower-case letters are accepted and should be upper-cased
 * by the caller before storing). Fills `err` with a bilingual message for anything but VALID
 * (code TIDU_ERR_INPUT for MALFORMED, TIDU_ERR_DATA with warning = 1 for the checks). */
TIDU_API tidu_uscc_status tidu_uscc_check(const char *code, tidu_error *err);

/* Computes the check character (position 18) for the first 17 characters; 0 if malformed. */
TIDU_API char tidu_uscc_check_char(const char *first17);

/* Computes the GB 11714 check character (position 17) for the 8-character body; 0 if malformed. */
TIDU_API char tidu_uscc_org_check_char(const char *body8);

#endif
