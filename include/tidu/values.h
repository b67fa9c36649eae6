/* One validation path for every write (import, firm edit, the server): enumeration values as
 * people write them, range checks, typed values, and the names people read for fields. */
#ifndef TIDU_VALUES_H
#define TIDU_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "tidu/api.h"
#include "tidu/error.h"
#include "tidu/firm.h"

/* Finds an enumeration value written as its English name (any case), its Chinese label, or a
 * common spelling on forms (titles: 高企, 专精特新, 小巨人, 专精特新“小巨人”企业,
 * 制造业单项冠军企业 …); quotes and spaces are ignored. Returns the value or -1. */
TIDU_API int tidu_enum_parse(tidu_enum_id e, const char *s, size_t len);

/* Writes the allowed values of an enumeration for messages: Chinese labels joined by "、"
 * (en = 0) or English names joined by ", " (en = 1), cut at a whole entry. Returns the length. */
TIDU_API size_t tidu_enum_choices(tidu_enum_id e, int en, char *buf, size_t size);

/* Fills `err` with "not an allowed value" for s[0..len), listing the allowed values in Chinese
 * and in English; returns TIDU_ERR_INPUT. */
TIDU_API tidu_code tidu_enum_error(tidu_enum_id e, const char *s, size_t len, tidu_error *err);

/* Splits a tag list at ; , | ； ， 、 and calls `fn` on each entry, trimmed of spaces and tabs,
 * that is not empty; stops at the first nonzero return of `fn` and returns it (else 0). */
TIDU_API int tidu_tags_each(const char *s, size_t len,
                            int (*fn)(void *arg, const char *item, size_t n), void *arg);

/* Parses a tag list ("高企；小巨人", "high_tech;srdi_sme", separators ; , | ； ， 、) into a bit
 * set; "无" / "none" and empty entries add nothing. TIDU_ERR_INPUT naming the first unknown
 * entry. */
TIDU_API tidu_code tidu_tags_parse(tidu_enum_id e, const char *s, size_t len, int64_t *bits,
                                   tidu_error *err);

/* The longest text value (a name, a chain list) in bytes: far above any registered firm name,
 * and short enough that every message, export cell and history entry holds it whole. */
#define TIDU_TEXT_MAX 500

/* Checks a value of field `fi` before it is stored, whoever writes it: counts, years, scores
 * and money that cannot be negative (revenue, R&D, assets, market value …) are not negative;
 * ratios lie in -10..10; enumerations in range; region codes are 6 digits and industry codes
 * GB/T 4754 codes; text is at most TIDU_TEXT_MAX bytes. `text` is for TEXT fields, `v` for the
 * others (TIDU_MISSING passes). TIDU_OK, or TIDU_ERR_DATA / TIDU_ERR_INPUT with a message. */
TIDU_API tidu_code tidu_field_check(const tidu_field_info *fi, int64_t v, const char *text,
                                    tidu_error *err);

/* Parses a value of field `fi` as a person types it (`firm edit`, the server): amounts with
 * 万/亿/%, dates, yes/no, enumeration and tag labels as tidu_enum_parse reads them; then
 * tidu_field_check. An empty string is "absent" (TIDU_MISSING, or 0 for declarations, NULL
 * text). For TEXT fields *text receives a copy (caller frees). */
TIDU_API tidu_code tidu_field_parse(const tidu_field_info *fi, const char *s, int64_t *v,
                                    char **text, tidu_error *err);

/* The Chinese name of a metric: a field of fields.def or a derived metric of the rules'
 * prelude (profit, debt_ratio …); `name` itself when unknown. Static storage. */
TIDU_API const char *tidu_metric_name_zh(const char *name);
/* The English name of the same metrics ("weighted average ROE"); `name` itself when unknown. */
TIDU_API const char *tidu_metric_name_en(const char *name);

/* The name people read for a missing-figure key "roe_weighted[2024]" or "market_cap":
 * "加权平均净资产收益率(2024)" (en = 0), "weighted average ROE (2024)" (en = 1). Returns the
 * length. */
TIDU_API size_t tidu_field_label(const char *key, int en, char *buf, size_t size);

/* The field whose name, Chinese name or alias is nearest to a mistyped `name` ("revnue",
 * "营业收人"), or NULL when none is close. */
TIDU_API const tidu_field_info *tidu_field_suggest(const char *name);

/* Short amounts for tables: "2.1亿", "850万", "3200元" (zh) or "CNY 210mn", "CNY 8.5mn",
 * "CNY 3.2k" (en). Returns the length written. */
TIDU_API size_t tidu_short_yuan(double yuan, const char *lang, char *buf, size_t size);

#endif
