/* Amounts and values: parsing 元/万/亿/% exactly, formatting for people, dates. */
#ifndef TIDU_NUM_H
#define TIDU_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"

/* Parses a cell or literal into the stored integer of `type` (see fields.def), exactly.
 * Accepts: plain decimals with optional sign and thousands separators ("12,345.67"),
 * suffixes 万 / 亿 / 元 / 万元 / 亿元 / %, full-width digits and signs.
 * `unit_scale` multiplies the value (a header "(万元)" passes 10000, "(亿元)" 10^8, "(%)" is
 * given as `percent` = 1). Money is rounded to the 分 half away from zero; ratios to 10^-8.
 * A ratio without '%' is a fraction (0.15); with '%' or `percent`, a percentage.
 * Empty, "-", "—", "--", "/" and "N/A" are missing: *out = TIDU_MISSING, returns TIDU_OK.
 * Returns TIDU_ERR_INPUT with a message naming the text on anything else. */
TIDU_API tidu_code tidu_parse_value(tidu_type type, const char *s, size_t len, int64_t unit_scale,
                                    int percent, int64_t *out, tidu_error *err);

/* Parses "YYYY-MM-DD" (also "YYYY/MM/DD", "YYYY年M月D日", and Excel serial day numbers when
 * `allow_serial`) into days since 1970-01-01. */
TIDU_API tidu_code tidu_parse_date(const char *s, size_t len, int allow_serial, int64_t *days,
                                   tidu_error *err);
/* Formats days since 1970-01-01 as YYYY-MM-DD. */
TIDU_API void tidu_format_date(int64_t days, char buf[11]);
/* Civil date <-> days since 1970-01-01. */
TIDU_API int64_t tidu_days_from_civil(int y, int m, int d);
TIDU_API void tidu_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Formats a stored value for people: money as "2.10亿元" / "850.00万元" / "3,200.00元" (zh)
 * or "CNY 210.00 mn" / "CNY 3,200.00" (en); ratios as "15.00%"; counts as integers; dates as
 * YYYY-MM-DD; missing as "—". `lang` is "zh" or "en". Returns the length written. */
TIDU_API size_t tidu_format_value(tidu_type type, int64_t v, const char *lang, char *buf,
                                  size_t size);

/* Formats 元 given as a double (gaps, thresholds) the same way as money. */
TIDU_API size_t tidu_format_yuan(double yuan, const char *lang, char *buf, size_t size);

#endif
