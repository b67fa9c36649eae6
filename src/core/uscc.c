/* 统一社会信用代码 (USCC, GB 32100-2015) validation: charset, region digits and both checks. */
#include "tidu/uscc.h"

#include <stdio.h>
#include <string.h>

/* The 31 characters of GB 32100, valued 0..30 in this order (no I, O, S, V, Z). */
static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Weights 3^(i-1) mod 31 for positions 1..17. */
static const int weights18[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* GB 11714 weights for the 8-character organisation body. */
static const int weights17[8] = {3, 7, 9, 10, 5, 8, 4, 2};

static char upper(char c) {
  return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Value 0..30 of a code character, or -1 when it is not in the charset. */
static int value31(char c) {
  c = upper(c);
  if (c == '\0') return -1;
  const char *p = strchr(charset, c);
  return p ? (int)(p - charset) : -1;
}

char tidu_uscc_check_char(const char *first17) {
  if (!first17) return 0;
  int sum = 0;
  for (int i = 0; i < 17; i++) {
    int v = value31(first17[i]);
    if (v < 0) return 0;
    sum += v * weights18[i];
  }
  int c = 31 - sum % 31;
  return charset[c == 31 ? 0 : c];
}

char tidu_uscc_org_check_char(const char *body8) {
  if (!body8) return 0;
  int sum = 0;
  for (int i = 0; i < 8; i++) {
    char c = upper(body8[i]);
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'A' && c <= 'Z')
      v = c - 'A' + 10; /* GB 11714 values letters over the full alphabet */
    else
      return 0;
    sum += v * weights17[i];
  }
  int c = 11 - sum % 11;
  return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* Describes why `code` is malformed into why_zh / why_en; returns 1 when it is. */
static int malformed(const char *code, char *why_zh, char *why_en, size_t size) {
  size_t len = strlen(code);
  if (len != 18) {
    snprintf(why_zh, size, "应为18位，实为%zu字节", len);
    snprintf(why_en, size, "must be 18 characters, got %zu bytes", len);
    return 1;
  }
  for (int i = 0; i < 18; i++) {
    if (value31(code[i]) < 0) {
      snprintf(why_zh, size, "第%d位字符不允许", i + 1);
      snprintf(why_en, size, "character %d is not allowed", i + 1);
      return 1;
    }
    if (i >= 2 && i < 8 && !(code[i] >= '0' && code[i] <= '9')) {
      snprintf(why_zh, size, "第%d位应为行政区划数字", i + 1);
      snprintf(why_en, size, "character %d must be a region digit", i + 1);
      return 1;
    }
  }
  return 0;
}

/* Copies up to 40 bytes of the code for messages, replacing control bytes. */
static void show_code(const char *code, char out[48]) {
  size_t n = 0;
  for (; code[n] && n < 40; n++) out[n] = (unsigned char)code[n] < 0x20 ? '?' : code[n];
  out[n] = '\0';
}

tidu_uscc_status tidu_uscc_check(const char *code, tidu_error *err) {
  char shown[48], zh[96], en[96];
  if (!code) code = "";
  show_code(code, shown);
  if (malformed(code, zh, en, sizeof zh)) {
    tidu_error_set(err, TIDU_ERR_INPUT, NULL, 0, 0,
                   "统一社会信用代码格式错误 \"%s\"（%s） / malformed USCC \"%s\" (%s)", shown, zh,
                   shown, en);
    return TIDU_USCC_MALFORMED;
  }
  char org = tidu_uscc_org_check_char(code + 8);
  if (upper(code[16]) != org) {
    tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                   "统一社会信用代码第17位校验不符 \"%s\"（应为 %c） / USCC \"%s\": position 17 "
                   "(GB 11714) check fails (expected %c)",
                   shown, org, shown, org);
    if (err) err->warning = 1;
    return TIDU_USCC_BAD_ORG_CHECK;
  }
  char c18 = tidu_uscc_check_char(code);
  if (upper(code[17]) != c18) {
    tidu_error_set(err, TIDU_ERR_DATA, NULL, 0, 0,
                   "统一社会信用代码校验码不符 \"%s\"（应为 %c） / USCC \"%s\": check character "
                   "fails (expected %c)",
                   shown, c18, shown, c18);
    if (err) err->warning = 1;
    return TIDU_USCC_BAD_CHECK;
  }
  return TIDU_USCC_VALID;
}
