/* Code lists: GB/T 2260 administrative divisions and GB/T 4754-2017 industries, in words. */
#ifndef TIDU_CODES_H
#define TIDU_CODES_H

#include <stddef.h>

#include "tidu/api.h"

/* The name of exactly this 6-digit division code ("320505" -> "虎丘区"), NULL when the code
 * is not in the shipped list (all provinces; every prefecture and county of Jiangsu,
 * Shanghai and Shaanxi). Returns static data. */
TIDU_API const char *tidu_region_name(const char *code);

/* The code with its parents in words: "江苏省苏州市虎丘区". Levels not in the list are left
 * out. Returns the length written (0 when not even the province is known). */
TIDU_API size_t tidu_region_full_name(const char *code, char *buf, size_t size);

/* The section (门类) name for a letter 'A'..'T', NULL otherwise. */
TIDU_API const char *tidu_industry_section_name(char section);

/* The division (大类) name for 1..97 (2017 edition), NULL otherwise. */
TIDU_API const char *tidu_industry_division_name(int division);

/* The section letter a division belongs to ('C' for 39), 0 when unknown. */
TIDU_API char tidu_industry_section_of(int division);

/* Describes a GB/T 4754-2017 code ("C3976", "I65", "C") as
 * "C 制造业 / 39 计算机、通信和其他电子设备制造业". Returns the length written, 0 when the
 * code is malformed or its division does not belong to its section. */
TIDU_API size_t tidu_industry_describe(const char *code, char *buf, size_t size);

/* Region codes whose names start with `text` ("苏州" -> "3205 江苏省苏州市"), as the prefixes
 * filters take, joined by ", ". Returns the length written (0 when none). */
TIDU_API size_t tidu_region_suggest(const char *text, char *buf, size_t size);

/* 1 when some shipped division code starts with `prefix` ("3205"), else 0. */
TIDU_API int tidu_region_prefix_known(const char *prefix);

/* Industry sections and divisions whose names contain `text` ("软件" -> "I65
 * 软件和信息技术服务业"), joined by ", ". Returns the length written (0 when none). */
TIDU_API size_t tidu_industry_suggest(const char *text, char *buf, size_t size);

#endif
