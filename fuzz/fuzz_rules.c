/* libFuzzer entry for the rule language: lex, parse, compile, render errors, dump, evaluate. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/assess.h"
#include "tidu/num.h"
#include "tidu/rules.h"

/* Two firms, built once: one with figures, one blank. */
static tidu_firm firms[2];
static tidu_chunk *chunk;

static void setup(void) {
  for (int i = 0; i < 2; i++) tidu_firm_init(&firms[i]);
  tidu_firm_set_text(&firms[0], TIDU_F_REGION, "320500");
  tidu_firm_set_text(&firms[0], TIDU_F_INDUSTRY, "C3976");
  firms[0].v[TIDU_F_MARKET_CAP] = 150000000000LL;
  firms[0].v[TIDU_F_FOUNDED] = tidu_days_from_civil(2015, 3, 1);
  for (int y = 2024; y >= 2020; y--) {
    tidu_year *yr = tidu_firm_year(&firms[0], y);
    for (int f = 0; yr && f < TIDU_NYEAR; f++)
      yr->v[f] = (int64_t)(y - 2019) * 1234567891LL * (f + 1);
  }
  tidu_firm_year(&firms[1], 2024);
  chunk = tidu_chunk_new(2);
  for (int i = 0; i < 2; i++) tidu_chunk_add(chunk, &firms[i], 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!chunk) setup();
  if (size > 1 << 16) return 0;
  const char *text = (const char *)data;
  tidu_rulebook *rb = tidu_rulebook_new();
  tidu_errlist errs;
  tidu_errlist_init(&errs);
  tidu_rulebook_add_text(rb, "fuzz.tidu", text, size, &errs);
  for (size_t i = 0; i < errs.n; i++) {
    char buf[1024];
    tidu_rules_error_render(rb, &errs.items[i], buf, sizeof buf);
  }
  tidu_errlist_free(&errs);
  for (int mode = TIDU_DUMP_TOKENS; mode <= TIDU_DUMP_TREE; mode++) {
    char *out = NULL;
    tidu_rules_dump_text("fuzz.tidu", text, size, (tidu_dump_mode)mode, &out, NULL);
    free(out);
  }
  if (tidu_rulebook_count(rb)) {
    const tidu_ruleset *rs = tidu_rulebook_get(rb, 0);
    char *out = NULL;
    tidu_ruleset_dump(rs, TIDU_DUMP_PROGRAM, &out, NULL);
    free(out);
    tidu_selection *sel = tidu_rulebook_select(rb, tidu_ruleset_meta(rs)->effective, NULL, NULL);
    tidu_eval *ev = tidu_eval_new();
    if (sel && ev &&
        tidu_assess_chunk(sel, chunk, tidu_days_from_civil(2025, 6, 30), ev, NULL) == TIDU_OK) {
      for (size_t lane = 0; lane < 2; lane++) {
        tidu_result *r = NULL;
        if (tidu_eval_materialise(ev, lane, &r, NULL) != TIDU_OK) continue;
        json_t *j = tidu_report_json(r);
        char *s = j ? json_dumps(j, JSON_REAL_PRECISION(15)) : NULL;
        free(s);
        json_decref(j);
        char *ex = tidu_report_explain(r, lane ? "en" : "zh");
        free(ex);
        tidu_result_free(r);
      }
    }
    tidu_eval_free(ev);
    tidu_selection_free(sel);
  }
  tidu_rulebook_free(rb);
  return 0;
}
