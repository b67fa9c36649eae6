/* Which firm and year fields a selection of rule sets reads, so that scans fetch only those. */
#include <string.h>

#include "rules/rules_int.h"

static void mark_prog(const tidu_prog *p, unsigned char *firm, unsigned char *year) {
  for (size_t i = 0; i < p->ncode; i++) {
    const tidu_instr *in = &p->code[i];
    switch (in->op) {
    case OP_LOADY:
      if (in->b >= 0 && in->b < TIDU_NYEAR) year[in->b] = 1;
      break;
    case OP_LOADF:
    case OP_YSINCE:
    case OP_MSINCE:
    case OP_IN:
    case OP_HAS:
    case OP_STARTS:
    case OP_BOOLF:
      if (in->b >= 0 && in->b < TIDU_NFIRM) firm[in->b] = 1;
      break;
    default:
      break;
    }
  }
}

void tidu_selection_fields(const tidu_selection *sel, unsigned char firm[TIDU_NFIRM],
                           unsigned char year[TIDU_NYEAR]) {
  /* the region decides which variants apply; the USCC names the firm */
  firm[TIDU_F_REGION] = 1;
  firm[TIDU_F_USCC] = 1;
  if (!sel) return;
  for (size_t k = 0; k < tidu_selection_count(sel); k++)
    mark_prog(&tidu_selection_get(sel, k)->prog, firm, year);
}
