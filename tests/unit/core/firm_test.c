/* Tests for the firm model: registry look-ups, enumerations, records and chunk columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tidu/firm.h"

static void registry_finds_english_chinese_and_alias(void **state) {
  (void)state;
  const tidu_field_info *a = tidu_field_find("revenue");
  const tidu_field_info *b = tidu_field_find("营业收入");
  const tidu_field_info *c = tidu_field_find(" 扣非净利润 ");
  assert_non_null(a);
  assert_ptr_equal(a, b);
  assert_int_equal(a->scope, 'Y');
  assert_int_equal(a->type, TIDU_T_MONEY);
  assert_non_null(c);
  assert_string_equal(c->name, "net_profit_deducted");
  assert_null(tidu_field_find("revnue"));
  assert_string_equal(tidu_field_find("统一社会信用代码")->name, "uscc");
}

/* Issue 11.21: the balance-sheet and head-count headers officials write are synonyms. */
static void common_header_synonyms(void **state) {
  (void)state;
  static const char *const pairs[][2] = {
      {"资产总计", "total_assets"},      {"资产合计", "total_assets"},
      {"负债总计", "total_liabilities"}, {"职工人数", "employees"},
      {"从业人数", "employees"},         {"扣非后净利润", "net_profit_deducted"},
      {"股东权益", "net_assets"},        {"研发支出", "rd_expense"},
  };
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    const tidu_field_info *fi = tidu_field_find(pairs[i][0]);
    assert_non_null(fi);
    assert_string_equal(fi->name, pairs[i][1]);
  }
}

/* 1 when `s` holds an identifier-like word: letters or digits joined by an underscore. */
static int has_snake_case(const char *s) {
  for (const char *p = strchr(s, '_'); p; p = strchr(p + 1, '_'))
    if (p > s && p[1] && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9')) &&
        p[1] >= 'a' && p[1] <= 'z')
      return 1;
  return 0;
}

/* Issue 11.17 / 11.2: every field has a Chinese and an English name, and the English name is a
 * phrase, not the identifier; every enumeration value has labels in both languages. */
static void every_field_has_chinese_and_english_names(void **state) {
  (void)state;
  for (int scope = 0; scope < 2; scope++) {
    int n = scope ? TIDU_NYEAR : TIDU_NFIRM;
    for (int i = 0; i < n; i++) {
      const tidu_field_info *fi = scope ? tidu_year_field_info((tidu_year_field)i)
                                        : tidu_firm_field_info((tidu_firm_field)i);
      assert_non_null(fi->zh);
      assert_non_null(fi->en);
      assert_true(fi->zh[0] && fi->en[0]);
      assert_true((unsigned char)fi->zh[0] >= 0x80); /* Chinese, not ASCII */
      if (has_snake_case(fi->en)) fail_msg("field %s: English name '%s'", fi->name, fi->en);
      if (fi->type == TIDU_T_ENUM || fi->type == TIDU_T_TAGS)
        for (int v = 0; v < tidu_enum_count(fi->enum_id); v++) {
          const char *en = tidu_enum_label_en(fi->enum_id, v);
          if (has_snake_case(en)) fail_msg("%s value %d: English label '%s'", fi->name, v, en);
          assert_true((unsigned char)tidu_enum_label_zh(fi->enum_id, v)[0] >= 0x80);
        }
    }
  }
  assert_string_equal(tidu_field_find("roe_weighted")->en, "weighted average ROE");
  int v = tidu_enum_find(TIDU_E_listing_status, "neeq_innovative");
  assert_string_equal(tidu_enum_label_en(TIDU_E_listing_status, v), "NEEQ innovation tier");
}

static void enums_round_trip(void **state) {
  (void)state;
  int v = tidu_enum_find(TIDU_E_listing_status, "neeq_innovative");
  assert_true(v > 0);
  assert_string_equal(tidu_enum_name(TIDU_E_listing_status, v), "neeq_innovative");
  assert_string_equal(tidu_enum_label_zh(TIDU_E_listing_status, v), "新三板创新层");
  assert_int_equal(tidu_enum_find(TIDU_E_titles, "nope"), -1);
  assert_null(tidu_enum_name(TIDU_E_titles, 99));
}

static void firm_defaults_missing_and_declarations_absent(void **state) {
  (void)state;
  tidu_firm f;
  tidu_firm_init(&f);
  assert_true(f.v[TIDU_F_MARKET_CAP] == TIDU_MISSING);
  assert_int_equal(f.v[TIDU_F_IN_SEI_CATALOG], 0);
  assert_int_equal(f.v[TIDU_F_TITLES], 0);
  assert_int_equal(tidu_firm_latest_year(&f), 0);
  tidu_firm_clear(&f);
}

static void absent_means_missing_default_or_no_text(void **state) {
  (void)state;
  tidu_firm f;
  tidu_firm_init(&f);
  for (int i = 0; i < TIDU_NFIRM; i++)
    assert_true(tidu_field_absent(tidu_firm_field_info(i), f.v[i], f.text[i]));
  const tidu_field_info *cap = tidu_firm_field_info(TIDU_F_MARKET_CAP);
  const tidu_field_info *titles = tidu_firm_field_info(TIDU_F_TITLES);
  const tidu_field_info *name = tidu_firm_field_info(TIDU_F_NAME);
  assert_false(tidu_field_absent(cap, 0, NULL)); /* a figure of 0 is a value */
  assert_false(tidu_field_absent(titles, 1, NULL));
  assert_false(tidu_field_absent(name, TIDU_MISSING, "苏州"));
  tidu_firm_clear(&f);
}

static void years_stay_sorted_newest_first(void **state) {
  (void)state;
  tidu_firm f;
  tidu_firm_init(&f);
  tidu_firm_year(&f, 2022)->v[TIDU_Y_REVENUE] = 100;
  tidu_firm_year(&f, 2024)->v[TIDU_Y_REVENUE] = 300;
  tidu_firm_year(&f, 2023)->v[TIDU_Y_REVENUE] = 200;
  assert_int_equal(f.nyears, 3);
  assert_int_equal(f.years[0].year, 2024);
  assert_int_equal(f.years[2].year, 2022);
  assert_ptr_equal(tidu_firm_year(&f, 2023), tidu_firm_find_year(&f, 2023));
  assert_int_equal(f.nyears, 3);
  tidu_firm g;
  assert_int_equal(tidu_firm_copy(&g, &f), TIDU_OK);
  tidu_firm_clear(&f);
  assert_int_equal(g.years[1].v[TIDU_Y_REVENUE], 200);
  tidu_firm_clear(&g);
}

static void chunk_columns_are_relative_to_base_year(void **state) {
  (void)state;
  tidu_firm f;
  tidu_firm_init(&f);
  tidu_firm_set_text(&f, TIDU_F_NAME, "苏州测试");
  f.v[TIDU_F_MARKET_CAP] = 100000000000LL;
  tidu_firm_year(&f, 2024)->v[TIDU_Y_REVENUE] = 3;
  tidu_firm_year(&f, 2022)->v[TIDU_Y_REVENUE] = 1;
  tidu_chunk *c = tidu_chunk_new(2);
  assert_non_null(c);
  assert_int_equal(tidu_chunk_add(c, &f, 0), TIDU_OK);
  assert_int_equal(tidu_chunk_add(c, &f, 2023), TIDU_OK);
  assert_int_equal(tidu_chunk_add(c, &f, 0), TIDU_ERR_LIMIT);
  assert_int_equal(c->base[0], 2024);
  assert_int_equal(c->yr[TIDU_Y_REVENUE][0][0], 3);
  assert_true(c->yr[TIDU_Y_REVENUE][1][0] == TIDU_MISSING);
  assert_int_equal(c->yr[TIDU_Y_REVENUE][2][0], 1);
  assert_true(c->yr[TIDU_Y_REVENUE][0][1] == TIDU_MISSING);
  assert_int_equal(c->yr[TIDU_Y_REVENUE][1][1], 1);
  assert_string_equal(c->text[TIDU_F_NAME][1], "苏州测试");
  assert_int_equal(c->firm[TIDU_F_MARKET_CAP][0], 100000000000LL);
  tidu_chunk_free(c);
  tidu_firm_clear(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(registry_finds_english_chinese_and_alias),
      cmocka_unit_test(common_header_synonyms),
      cmocka_unit_test(every_field_has_chinese_and_english_names),
      cmocka_unit_test(enums_round_trip),
      cmocka_unit_test(firm_defaults_missing_and_declarations_absent),
      cmocka_unit_test(absent_means_missing_default_or_no_text),
      cmocka_unit_test(years_stay_sorted_newest_first),
      cmocka_unit_test(chunk_columns_are_relative_to_base_year),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
