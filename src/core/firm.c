/* The firm model: field registry, enumerations, one firm's record and chunks of firms as columns.
 */
#include "tidu/firm.h"
#include "tidu/toolkit.h"

#include <stdlib.h>
#include <string.h>

/* ---- field registry ---- */

#define TIDU_FIRM(ID, nm, ty, en, zh, al, eng)                                                     \
  {nm, zh, al, TIDU_T_##ty, TIDU_E_##en, 'F', TIDU_F_##ID, 0, eng},
#define TIDU_JUDGE(ID, nm, ty, en, zh, al, eng)                                                    \
  {nm, zh, al, TIDU_T_##ty, TIDU_E_##en, 'F', TIDU_F_##ID, 1, eng},
static const tidu_field_info firm_fields[TIDU_NFIRM] = {
#include "tidu/fields.def"
};
#undef TIDU_JUDGE
#undef TIDU_FIRM

#define TIDU_YEAR(ID, nm, ty, en, zh, al, eng)                                                     \
  {nm, zh, al, TIDU_T_##ty, TIDU_E_##en, 'Y', TIDU_Y_##ID, 0, eng},
static const tidu_field_info year_fields[TIDU_NYEAR] = {
#include "tidu/fields.def"
};
#undef TIDU_YEAR

const tidu_field_info *tidu_firm_field_info(tidu_firm_field f) {
  return (unsigned)f < TIDU_NFIRM ? &firm_fields[f] : NULL;
}

const tidu_field_info *tidu_year_field_info(tidu_year_field f) {
  return (unsigned)f < TIDU_NYEAR ? &year_fields[f] : NULL;
}

/* True when `name` equals one of the '|'-separated entries of `list`. */
static int in_alias_list(const char *list, const char *name, size_t len) {
  const char *p = list;
  while (p && *p) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == len && memcmp(p, name, len) == 0) return 1;
    p = bar ? bar + 1 : NULL;
  }
  return 0;
}

static int matches(const tidu_field_info *fi, const char *name, size_t len) {
  return (strlen(fi->name) == len && memcmp(fi->name, name, len) == 0) ||
         (strlen(fi->zh) == len && memcmp(fi->zh, name, len) == 0) ||
         in_alias_list(fi->aliases, name, len);
}

const tidu_field_info *tidu_field_find(const char *name) {
  if (!name) return NULL;
  while (*name == ' ' || *name == '\t') name++;
  size_t len = strlen(name);
  while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t')) len--;
  if (len == 0) return NULL;
  for (int i = 0; i < TIDU_NFIRM; i++)
    if (matches(&firm_fields[i], name, len)) return &firm_fields[i];
  for (int i = 0; i < TIDU_NYEAR; i++)
    if (matches(&year_fields[i], name, len)) return &year_fields[i];
  return NULL;
}

int tidu_field_absent(const tidu_field_info *fi, int64_t v, const char *text) {
  if (fi->judge) return v == TIDU_MISSING;
  switch (fi->type) {
  case TIDU_T_TEXT:
    return text == NULL;
  case TIDU_T_BOOL:
  case TIDU_T_ENUM:
  case TIDU_T_TAGS:
    return v == 0;
  default:
    return v == TIDU_MISSING;
  }
}

int64_t tidu_type_scale(tidu_type t) {
  switch (t) {
  case TIDU_T_MONEY:
    return TIDU_SCALE_MONEY;
  case TIDU_T_RATIO:
    return TIDU_SCALE_RATIO;
  case TIDU_T_YEARS:
    return TIDU_SCALE_YEARS;
  case TIDU_T_SCORE:
    return TIDU_SCALE_SCORE;
  default:
    return 1;
  }
}

/* ---- enumerations ---- */

#define TIDU_ENUM(id, ...) static const char *const enum_##id[] = {__VA_ARGS__, NULL};
#include "tidu/fields.def"
#undef TIDU_ENUM

static const char *const *const enums[TIDU_NENUMS] = {
#define TIDU_ENUM(id, ...) enum_##id,
#include "tidu/fields.def"
#undef TIDU_ENUM
};

int tidu_enum_count(tidu_enum_id e) {
  if ((unsigned)e >= TIDU_NENUMS) return 0;
  int n = 0;
  while (enums[e][n]) n++;
  return n;
}

const char *tidu_enum_name(tidu_enum_id e, int value) {
  if (value < 0 || value >= tidu_enum_count(e)) return NULL;
  return enums[e][value];
}

int tidu_enum_find(tidu_enum_id e, const char *name) {
  int n = tidu_enum_count(e);
  for (int i = 0; i < n; i++)
    if (strcmp(enums[e][i], name) == 0) return i;
  return -1;
}

/* Chinese and English labels of enumeration values, by (enumeration, value name). */
static const struct {
  tidu_enum_id e;
  const char *name;
  const char *zh, *en;
} enum_labels[] = {
    {TIDU_E_listing_status, "none", "未挂牌上市", "not listed"},
    {TIDU_E_listing_status, "regional", "区域性股权市场", "regional equity market"},
    {TIDU_E_listing_status, "neeq_basic", "新三板基础层", "NEEQ basic tier"},
    {TIDU_E_listing_status, "neeq_innovative", "新三板创新层", "NEEQ innovation tier"},
    {TIDU_E_listing_status, "bse", "北交所", "Beijing Stock Exchange"},
    {TIDU_E_listing_status, "star", "科创板", "STAR Market"},
    {TIDU_E_listing_status, "chinext", "创业板", "ChiNext"},
    {TIDU_E_listing_status, "main", "主板", "main board"},
    {TIDU_E_product_domain, "none", "其他", "other"},
    {TIDU_E_product_domain, "key_chain", "产业链补短板/锻长板/填空白",
     "key link of an industrial chain"},
    {TIDU_E_product_domain, "six_basics", "工业六基/老字号/链主配套",
     "industrial basics, time-honoured brands or chain-leader supply"},
    {TIDU_E_rd_institution, "none", "无", "none"},
    {TIDU_E_rd_institution, "below_municipal", "市级以下", "below municipal level"},
    {TIDU_E_rd_institution, "municipal", "市级", "municipal"},
    {TIDU_E_rd_institution, "provincial", "省级", "provincial"},
    {TIDU_E_rd_institution, "national", "国家级", "national"},
    {TIDU_E_st_award, "none", "无", "none"},
    {TIDU_E_st_award, "provincial", "省级", "provincial"},
    {TIDU_E_st_award, "national", "国家级", "national"},
    {TIDU_E_maker_china, "none", "无", "none"},
    {TIDU_E_maker_china, "top500", "全国500强", "national top 500"},
    {TIDU_E_maker_china, "top50", "全国50强", "national top 50"},
    {TIDU_E_titles, "high_tech", "高新技术企业", "high-tech enterprise"},
    {TIDU_E_titles, "tech_sme", "科技型中小企业", "tech-based SME"},
    {TIDU_E_titles, "innovative_sme", "创新型中小企业", "innovative SME"},
    {TIDU_E_titles, "srdi_sme", "专精特新中小企业", "specialised and sophisticated SME"},
    {TIDU_E_titles, "little_giant", "专精特新“小巨人”企业", "little giant"},
    {TIDU_E_titles, "single_champion", "制造业单项冠军企业", "manufacturing single champion"},
    {TIDU_E_red_flags, "dishonest", "严重失信", "seriously dishonest"},
    {TIDU_E_red_flags, "abnormal_operation", "经营异常", "abnormal operation"},
    {TIDU_E_red_flags, "major_incident", "重大安全质量环境事故",
     "major safety, quality or environmental incident"},
    {TIDU_E_red_flags, "prohibited_product", "淘汰/禁止类产品", "obsolete or prohibited products"},
    {TIDU_E_red_flags, "lg_related", "与现有小巨人企业存在控股关系或同集团主导产品相近",
     "control link with an existing little giant"},
    {TIDU_E_listing_intention, "none", "未填报", "not stated"},
    {TIDU_E_listing_intention, "yes", "有上市意向", "intends to list"},
    {TIDU_E_listing_intention, "undecided", "尚未确定", "undecided"},
    {TIDU_E_listing_intention, "no", "无上市意向", "no listing intention"},
    {TIDU_E_target_board, "none", "未确定", "undecided"},
    {TIDU_E_target_board, "main", "主板", "main board"},
    {TIDU_E_target_board, "chinext", "创业板", "ChiNext"},
    {TIDU_E_target_board, "star", "科创板", "STAR Market"},
    {TIDU_E_target_board, "bse", "北交所", "Beijing Stock Exchange"},
    {TIDU_E_target_board, "neeq", "新三板", "NEEQ"},
    {TIDU_E_target_board, "regional", "区域性股权市场", "regional equity market"},
    {TIDU_E_target_board, "overseas", "境外", "overseas"},
    {TIDU_E_listing_stage, "none", "未启动", "not started"},
    {TIDU_E_listing_stage, "cultivating", "培育中", "cultivating"},
    {TIDU_E_listing_stage, "restructuring", "股改中", "restructuring"},
    {TIDU_E_listing_stage, "shareholding", "已完成股改", "joint-stock company formed"},
    {TIDU_E_listing_stage, "counselling", "辅导备案", "counselling filed"},
    {TIDU_E_listing_stage, "filed", "已申报", "application filed"},
    {TIDU_E_listing_stage, "registered", "已注册", "registered"},
    {TIDU_E_listing_stage, "listed", "已上市", "listed"},
    {TIDU_E_application_type, "new", "新申报", "new application"},
    {TIDU_E_application_type, "renewal", "复核", "renewal"},
    {TIDU_E_product_domain_lg, "none", "其他", "other"},
    {TIDU_E_product_domain_lg, "six_basics", "工业六基", "industrial basics"},
    {TIDU_E_product_domain_lg, "key_industries", "制造强国战略十大重点产业领域",
     "ten key manufacturing industries"},
    {TIDU_E_product_domain_lg, "cyber", "网络强国建设重要领域", "key cyber domains"},
    {TIDU_E_product_domain_lg, "new_industries", "传统产业改造提升、新兴产业或未来产业领域",
     "upgraded traditional, emerging or future industries"},
};

const char *tidu_enum_label_zh(tidu_enum_id e, int value) {
  const char *name = tidu_enum_name(e, value);
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof enum_labels / sizeof enum_labels[0]; i++)
    if (enum_labels[i].e == e && strcmp(enum_labels[i].name, name) == 0) return enum_labels[i].zh;
  return name;
}

const char *tidu_enum_label_en(tidu_enum_id e, int value) {
  const char *name = tidu_enum_name(e, value);
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof enum_labels / sizeof enum_labels[0]; i++)
    if (enum_labels[i].e == e && strcmp(enum_labels[i].name, name) == 0) return enum_labels[i].en;
  return name;
}

/* ---- one firm ---- */

/* Declarations default to 0 (absent); measured figures default to missing. */
static int64_t default_value(tidu_type t) {
  return (t == TIDU_T_BOOL || t == TIDU_T_ENUM || t == TIDU_T_TAGS) ? 0 : TIDU_MISSING;
}

void tidu_firm_init(tidu_firm *f) {
  memset(f, 0, sizeof *f);
  for (int i = 0; i < TIDU_NFIRM; i++)
    f->v[i] = firm_fields[i].judge ? TIDU_MISSING : default_value(firm_fields[i].type);
}

void tidu_firm_clear(tidu_firm *f) {
  if (!f) return;
  for (int i = 0; i < TIDU_NFIRM; i++) free(f->text[i]);
  free(f->years);
  tidu_firm_init(f);
}

tidu_code tidu_firm_copy(tidu_firm *dst, const tidu_firm *src) {
  tidu_firm_init(dst);
  memcpy(dst->v, src->v, sizeof dst->v);
  memcpy(dst->clear, src->clear, sizeof dst->clear);
  dst->src_name = src->src_name;
  dst->src_line = src->src_line;
  for (int i = 0; i < TIDU_NFIRM; i++) {
    if (src->text[i] && tidu_firm_set_text(dst, (tidu_firm_field)i, src->text[i]) != TIDU_OK) {
      tidu_firm_clear(dst);
      return TIDU_ERR_NOMEM;
    }
  }
  if (src->nyears) {
    dst->years = tidu_malloc(src->nyears * sizeof *dst->years);
    if (!dst->years) {
      tidu_firm_clear(dst);
      return TIDU_ERR_NOMEM;
    }
    memcpy(dst->years, src->years, src->nyears * sizeof *dst->years);
    dst->nyears = dst->cap_years = src->nyears;
  }
  return TIDU_OK;
}

tidu_code tidu_firm_set_text(tidu_firm *f, tidu_firm_field fld, const char *s) {
  if ((unsigned)fld >= TIDU_NFIRM) return TIDU_ERR_USAGE;
  char *copy = NULL;
  if (s) {
    copy = tidu_strdup(s);
    if (!copy) return TIDU_ERR_NOMEM;
  }
  free(f->text[fld]);
  f->text[fld] = copy;
  return TIDU_OK;
}

tidu_year *tidu_firm_year(tidu_firm *f, int32_t year) {
  size_t i = 0;
  while (i < f->nyears && f->years[i].year > year) i++;
  if (i < f->nyears && f->years[i].year == year) return &f->years[i];
  if (TIDU_PUSH_ROOM(f->years, f->nyears, f->cap_years) != 0) return NULL;
  memmove(&f->years[i + 1], &f->years[i], (f->nyears - i) * sizeof *f->years);
  f->nyears++;
  tidu_year *y = &f->years[i];
  y->year = year;
  y->src_line = 0;
  for (int k = 0; k < TIDU_NYEAR; k++) y->v[k] = TIDU_MISSING;
  memset(y->clear, 0, sizeof y->clear);
  return y;
}

const tidu_year *tidu_firm_find_year(const tidu_firm *f, int32_t year) {
  for (size_t i = 0; i < f->nyears; i++)
    if (f->years[i].year == year) return &f->years[i];
  return NULL;
}

int32_t tidu_firm_latest_year(const tidu_firm *f) {
  return f->nyears ? f->years[0].year : 0;
}

/* ---- chunks of firms as columns ---- */

tidu_chunk *tidu_chunk_new(size_t cap) {
  tidu_chunk *c = tidu_calloc(1, sizeof *c);
  if (!c) return NULL;
  c->cap = cap;
  int ok = (c->base = tidu_malloc(cap * sizeof *c->base)) != NULL;
  for (int i = 0; ok && i < TIDU_NFIRM; i++) {
    if (firm_fields[i].type == TIDU_T_TEXT)
      ok = (c->text[i] = tidu_malloc(cap * sizeof *c->text[i])) != NULL;
    else
      ok = (c->firm[i] = tidu_malloc(cap * sizeof *c->firm[i])) != NULL;
  }
  for (int i = 0; ok && i < TIDU_NYEAR; i++)
    for (int k = 0; ok && k < TIDU_CHUNK_YEARS; k++)
      ok = (c->yr[i][k] = tidu_malloc(cap * sizeof *c->yr[i][k])) != NULL;
  if (!ok) {
    tidu_chunk_free(c);
    return NULL;
  }
  return c;
}

void tidu_chunk_free(tidu_chunk *c) {
  if (!c) return;
  free(c->base);
  for (int i = 0; i < TIDU_NFIRM; i++) {
    free(c->firm[i]);
    free((void *)c->text[i]);
  }
  for (int i = 0; i < TIDU_NYEAR; i++)
    for (int k = 0; k < TIDU_CHUNK_YEARS; k++) free(c->yr[i][k]);
  free(c);
}

void tidu_chunk_reset(tidu_chunk *c) {
  c->n = 0;
}

tidu_code tidu_chunk_add(tidu_chunk *c, const tidu_firm *f, int32_t year) {
  if (c->n >= c->cap) return TIDU_ERR_LIMIT;
  size_t i = c->n++;
  int32_t base = year ? year : tidu_firm_latest_year(f);
  c->base[i] = base;
  for (int k = 0; k < TIDU_NFIRM; k++) {
    if (c->text[k])
      c->text[k][i] = f->text[k];
    else
      c->firm[k][i] = f->v[k];
  }
  /* years are sorted newest first: walk them once against the offsets */
  size_t y = 0;
  for (int k = 0; k < TIDU_CHUNK_YEARS; k++) {
    int32_t want = base - k;
    while (y < f->nyears && f->years[y].year > want) y++;
    const tidu_year *yr = (y < f->nyears && f->years[y].year == want) ? &f->years[y] : NULL;
    for (int fld = 0; fld < TIDU_NYEAR; fld++) c->yr[fld][k][i] = yr ? yr->v[fld] : TIDU_MISSING;
  }
  return TIDU_OK;
}
