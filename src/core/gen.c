/* Synthetic firm populations: realistic distributions from a seeded PRNG, and fast writers. */
#include "tidu/gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidu/toolkit.h"
#include "tidu/uscc.h"

/* ---- Random numbers: splitmix64, one independent stream per firm ---- */

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t next_u64(rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double unif(rng *r) {
  return (double)(next_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double unif_in(rng *r, double lo, double hi) {
  return lo + (hi - lo) * unif(r);
}

/* Uniform integer in [0, n). */
static uint32_t pick(rng *r, uint32_t n) {
  return (uint32_t)(((next_u64(r) >> 32) * (uint64_t)n) >> 32);
}

static int chance(rng *r, double p) {
  return unif(r) < p;
}

/* Standard normal (Box-Muller; the second value is dropped to keep streams simple). */
static double normal(rng *r) {
  double u = unif(r);
  double v = unif(r);
  if (u < 1e-300) u = 1e-300;
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static double clamp(double x, double lo, double hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* ---- Tables: regions (GB/T 2260), industries (GB/T 4754-2017), names, chains ---- */

typedef struct region {
  const char *code;
  const char *city;
} region;

/* Real county-level codes of Jiangsu (32), Shanghai (31) and Shaanxi (61). */
static const region REGIONS[] = {
    {"320102", "南京"},   {"320105", "南京"},   {"320106", "南京"}, {"320111", "南京"},
    {"320113", "南京"},   {"320114", "南京"},   {"320115", "南京"}, {"320117", "南京"},
    {"320205", "无锡"},   {"320206", "无锡"},   {"320211", "无锡"}, {"320213", "无锡"},
    {"320214", "无锡"},   {"320281", "江阴"},   {"320282", "宜兴"}, {"320302", "徐州"},
    {"320311", "徐州"},   {"320312", "徐州"},   {"320402", "常州"}, {"320404", "常州"},
    {"320411", "常州"},   {"320412", "常州"},   {"320481", "溧阳"}, {"320505", "苏州"},
    {"320506", "苏州"},   {"320507", "苏州"},   {"320508", "苏州"}, {"320509", "苏州"},
    {"320581", "常熟"},   {"320582", "张家港"}, {"320583", "昆山"}, {"320585", "太仓"},
    {"320612", "南通"},   {"320613", "南通"},   {"320681", "启东"}, {"320685", "海安"},
    {"320703", "连云港"}, {"320812", "淮安"},   {"320902", "盐城"}, {"320903", "盐城"},
    {"321002", "扬州"},   {"321003", "扬州"},   {"321012", "扬州"}, {"321102", "镇江"},
    {"321181", "丹阳"},   {"321202", "泰州"},   {"321282", "靖江"}, {"321302", "宿迁"},
    {"310101", "上海"},   {"310104", "上海"},   {"310105", "上海"}, {"310106", "上海"},
    {"310107", "上海"},   {"310110", "上海"},   {"310112", "上海"}, {"310113", "上海"},
    {"310114", "上海"},   {"310115", "上海"},   {"310115", "上海"}, {"310116", "上海"},
    {"310117", "上海"},   {"310118", "上海"},   {"310120", "上海"}, {"310151", "上海"},
    {"610102", "西安"},   {"610103", "西安"},   {"610104", "西安"}, {"610111", "西安"},
    {"610112", "西安"},   {"610113", "西安"},   {"610113", "西安"}, {"610116", "西安"},
    {"610117", "西安"},   {"610302", "宝鸡"},   {"610303", "宝鸡"}, {"610402", "咸阳"},
    {"610403", "杨凌"},   {"610502", "渭南"},   {"610602", "延安"}, {"610702", "汉中"},
    {"610802", "榆林"},   {"610881", "神木"},
};
#define NREGIONS (sizeof REGIONS / sizeof REGIONS[0])

typedef struct industry {
  const char *code;
  int weight;       /* relative frequency */
  int rd_heavy;     /* 1 for C39, C35, I65, M73 and the like: R&D intensity is higher */
  const char *word; /* the business word in a generated name */
  int chain;        /* index into CHAINS */
} industry;

static const industry INDUSTRIES[] = {
    {"C3973", 3, 1, "集成电路", 0},  {"C3976", 3, 1, "光电子", 0},
    {"C3982", 4, 1, "电子电路", 1},  {"C3562", 3, 1, "半导体装备", 0},
    {"C3421", 4, 1, "数控机床", 2},  {"C3484", 5, 0, "精密机械", 2},
    {"C3511", 3, 1, "矿山机械", 2},  {"C3581", 3, 1, "医疗器械", 3},
    {"C2720", 3, 1, "药业", 3},      {"C2761", 2, 1, "生物", 3},
    {"C3670", 6, 0, "汽车部件", 4},  {"C3841", 3, 1, "新能源", 5},
    {"C3825", 3, 0, "光伏", 5},      {"C2651", 3, 0, "新材料", 6},
    {"C3399", 5, 0, "金属制品", 6},  {"C1713", 3, 0, "纺织", 7},
    {"C3311", 4, 0, "钢构", 2},      {"I6513", 6, 1, "软件", 8},
    {"I6520", 3, 1, "芯片设计", 0},  {"I6531", 4, 1, "信息技术", 8},
    {"I6550", 2, 1, "数据科技", 8},  {"M7320", 4, 1, "科技研发", 9},
    {"M7340", 2, 1, "医药研究", 3},  {"M7452", 2, 0, "检测技术", 9},
    {"F5179", 4, 0, "机电贸易", 10}, {"F5165", 3, 0, "建材贸易", 10},
    {"F5124", 2, 0, "商贸", 10},
};
#define NINDUSTRIES (sizeof INDUSTRIES / sizeof INDUSTRIES[0])

/* Chain tags by province: Jiangsu, Shanghai, Shaanxi. */
static const char *const CHAINS[][3] = {
    {"集成电路", "集成电路", "半导体"},
    {"新型显示", "电子信息", "电子信息"},
    {"高端装备", "高端装备", "高端装备"},
    {"生物医药和新型医疗器械", "生物医药", "生物医药"},
    {"汽车及零部件", "新能源汽车", "汽车"},
    {"新型电力装备", "新能源", "光伏"},
    {"前沿新材料", "新材料", "新材料"},
    {"高端纺织", "时尚消费品", "纺织服装"},
    {"软件和信息服务", "人工智能", "软件和信息服务"},
    {"物联网", "人工智能", "航空航天"},
    {"现代商贸", "现代商贸", "现代物流"},
};

static const char *const BRANDS[] = {
    "恒", "盛", "创", "华", "瑞", "新", "远", "博", "亿", "中", "天", "宏", "科", "德", "鼎",
    "睿", "诚", "精", "卓", "汇", "立", "信", "达", "晟", "峰", "源", "航", "锐", "芯", "智",
};
#define NBRANDS (sizeof BRANDS / sizeof BRANDS[0])

static const char *const SUFFIXES[] = {"科技有限公司", "股份有限公司", "有限公司", "技术有限公司"};

/* ---- Dates (days since 1970-01-01; proleptic Gregorian) ---- */

static int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ---- One firm ---- */

/* The firm-level traits that its yearly figures are drawn from. */
typedef struct traits {
  const industry *ind;
  double revenue0; /* latest year's revenue, 元 */
  double growth;   /* typical yearly growth */
  double margin;   /* typical net margin */
  double rd;       /* typical R&D intensity */
  double per_head; /* revenue per employee, 元 */
  double leverage; /* liabilities / assets */
  double turnover; /* assets / revenue */
} traits;

/* Summed on each call, not cached in a lazily set static: generators run on several threads. */
static const industry *pick_industry(rng *r) {
  int total = 0;
  for (size_t i = 0; i < NINDUSTRIES; i++) total += INDUSTRIES[i].weight;
  int k = (int)pick(r, (uint32_t)total);
  for (size_t i = 0; i < NINDUSTRIES; i++) {
    k -= INDUSTRIES[i].weight;
    if (k < 0) return &INDUSTRIES[i];
  }
  return &INDUSTRIES[0];
}

static int64_t fen(double yuan) {
  return (int64_t)llround(yuan * 100.0);
}

static int64_t ratio_units(double x) {
  return (int64_t)llround(x * (double)TIDU_SCALE_RATIO);
}

/* Base-31 digits of the GB 32100 character set, for organisation code bodies. */
static const char USCC_CHARS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Builds a valid 18-character code: 91 + registration region + body + both check characters.
 * The body encodes the index bijectively so codes do not repeat within 31^6 firms. */
static void make_uscc(uint64_t index, uint64_t seed, const char *reg_code, int modern,
                      char out[19]) {
  char body[9];
  rng mix = {seed};
  uint64_t offset = next_u64(&mix);
  if (modern) {
    uint64_t x = (index * 2654435761ULL + offset % 887503681ULL) % 887503681ULL; /* 31^6 */
    body[0] = 'M';
    body[1] = 'A';
    for (int i = 7; i >= 2; i--) {
      body[i] = USCC_CHARS[x % 31];
      x /= 31;
    }
  } else {
    uint64_t x = (index * 2654435761ULL + offset % 100000000ULL) % 100000000ULL;
    for (int i = 7; i >= 0; i--) {
      body[i] = (char)('0' + x % 10);
      x /= 10;
    }
  }
  body[8] = 0;
  memcpy(out, "91", 2);
  memcpy(out + 2, reg_code, 4);
  memcpy(out + 6, "00", 2); /* registered at the prefecture's authority */
  memcpy(out + 8, body, 8);
  out[16] = tidu_uscc_org_check_char(body);
  out[17] = 0;
  out[17] = tidu_uscc_check_char(out);
  out[18] = 0;
}

static tidu_code set_text(tidu_firm *f, tidu_firm_field fld, const char *s, tidu_error *err) {
  if (tidu_firm_set_text(f, fld, s) != TIDU_OK)
    return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  return TIDU_OK;
}

static tidu_code gen_identity(rng *r, const tidu_gen_options *opt, uint64_t index, const traits *t,
                              int32_t first_year, tidu_firm *f, tidu_error *err) {
  const region *reg = &REGIONS[pick(r, NREGIONS)];
  int prov = reg->code[0] == '3' ? (reg->code[1] == '2' ? 0 : 1) : 2;
  int fy = 1995 + (int)pick(r, (uint32_t)(first_year - 1995 > 1 ? first_year - 1995 : 1));
  int64_t founded = days_from_civil(fy, 1 + (int)pick(r, 12), 1 + (int)pick(r, 28));
  char uscc[19];
  make_uscc(index, opt->seed, reg->code, fy >= 2016 || chance(r, 0.3), uscc);
  char name[256];
  const char *word = t->ind->word;
  size_t wl = strlen(word);
  int techy = wl >= 6 && (!strcmp(word + wl - 6, "技术") || !strcmp(word + wl - 6, "科技"));
  snprintf(name, sizeof name, "%s%s%s%s%s", reg->city, BRANDS[pick(r, NBRANDS)],
           BRANDS[pick(r, NBRANDS)], word, SUFFIXES[techy ? 1 + pick(r, 2) : pick(r, 4)]);
  char chains[128];
  snprintf(chains, sizeof chains, "%s", CHAINS[t->ind->chain][prov]);
  f->v[TIDU_F_FOUNDED] = founded;
  tidu_code rc = set_text(f, TIDU_F_USCC, uscc, err);
  if (rc == TIDU_OK) rc = set_text(f, TIDU_F_NAME, name, err);
  if (rc == TIDU_OK) rc = set_text(f, TIDU_F_REGION, reg->code, err);
  if (rc == TIDU_OK) rc = set_text(f, TIDU_F_INDUSTRY, t->ind->code, err);
  if (rc == TIDU_OK && chance(r, 0.7)) rc = set_text(f, TIDU_F_CHAINS, chains, err);
  return rc;
}

/* Declarations and firm-level figures: titles, listing status, market value, … */
static void gen_declarations(rng *r, const traits *t, int32_t last_year, tidu_firm *f) {
  int64_t titles = 0;
  double tech = t->rd * 5.0 + (t->ind->rd_heavy ? 0.2 : 0.0);
  if (chance(r, clamp(0.15 + tech, 0, 0.8))) titles |= 1 << 0; /* high_tech */
  if (chance(r, clamp(0.25 + tech, 0, 0.8))) titles |= 1 << 1; /* tech_sme */
  if (chance(r, clamp(0.15 + tech * 0.8, 0, 0.7))) titles |= 1 << 2;
  if ((titles & (1 << 2)) && chance(r, 0.35)) titles |= 1 << 3;
  if ((titles & (1 << 3)) && chance(r, 0.15)) titles |= 1 << 4;
  if ((titles & (1 << 4)) && chance(r, 0.1)) titles |= 1 << 5;
  f->v[TIDU_F_TITLES] = titles;
  double u = unif(r);
  f->v[TIDU_F_LISTING_STATUS] = u < 0.87 ? 0 : (u < 0.92 ? 1 : (u < 0.975 ? 2 : 3));
  if (f->v[TIDU_F_LISTING_STATUS] >= 2) {
    int y = last_year - 1 - (int)pick(r, 6);
    f->v[TIDU_F_NEEQ_LISTED_ON] = days_from_civil(y, 1 + (int)pick(r, 12), 1 + (int)pick(r, 28));
  }
  f->v[TIDU_F_NICHE_YEARS] = (int64_t)(1 + pick(r, 20)) * TIDU_SCALE_YEARS;
  f->v[TIDU_F_IN_SEI_CATALOG] = chance(r, t->ind->rd_heavy ? 0.6 : 0.2);
  f->v[TIDU_F_PRODUCT_DOMAIN] = pick(r, 3);
  f->v[TIDU_F_DIGITAL_LEVEL] = 1 + pick(r, 4);
  f->v[TIDU_F_ISO9001] = chance(r, 0.6);
  f->v[TIDU_F_OWN_BRAND] = chance(r, 0.5);
  f->v[TIDU_F_STANDARDS_DRAFTED] = chance(r, 0.15);
  f->v[TIDU_F_QUALITY_AWARD] = chance(r, 0.05);
  f->v[TIDU_F_RD_INSTITUTION] = chance(r, 0.5) ? pick(r, 5) : 0;
  f->v[TIDU_F_MODERN_INDUSTRY] = chance(r, t->ind->rd_heavy ? 0.7 : 0.3);
  if (chance(r, 0.4)) {
    f->v[TIDU_F_MARKET_SHARE] = ratio_units(clamp(exp(normal(r) - 3.5), 0.001, 0.6));
    f->v[TIDU_F_MARKET_RANK] = 1 + pick(r, 30);
  }
  if (chance(r, 0.02)) f->v[TIDU_F_RED_FLAGS] = 1 << pick(r, 4);
  f->v[TIDU_F_CORE_IP_OWNED] = chance(r, clamp(0.3 + tech, 0, 0.95));
  f->v[TIDU_F_HIGHTECH_DOMAIN] = chance(r, t->ind->rd_heavy ? 0.8 : 0.2);
  if (titles & 1) f->v[TIDU_F_HNTE_SCORE] = (int64_t)(60 + pick(r, 35)) * TIDU_SCALE_SCORE;
  if (titles & (1 << 3))
    f->v[TIDU_F_SRDI_EVAL_SCORE] = (int64_t)(45 + pick(r, 50)) * TIDU_SCALE_SCORE;
  /* Expected market value for firms that are preparing a listing. */
  if (chance(r, 0.3)) {
    double profit = t->revenue0 * t->margin;
    double cap = profit > 0 ? profit * unif_in(r, 15, 40) : t->revenue0 * unif_in(r, 2, 10);
    f->v[TIDU_F_MARKET_CAP] = fen(floor(cap / 1e4) * 1e4);
  }
}

/* The programme's declarations (issue 7): listing intention, target board and stage, drawn
 * from a stream of their own so that the other fields of a firm do not change. Proportions:
 * about 6 % of small firms and up to a third of large or titled ones declare an intention;
 * NEEQ / regional firms have at least completed the joint-stock reform (股改). */
static void gen_programme(uint64_t seed, uint64_t index, const traits *t, tidu_firm *f) {
  rng r = {seed ^ (index * 0x9E3779B97F4A7C15ULL) ^ 0x5EEDF00DULL};
  next_u64(&r);
  int64_t titles = f->v[TIDU_F_TITLES];
  int64_t status = f->v[TIDU_F_LISTING_STATUS];
  double size = clamp(log10(fmax(t->revenue0, 1e6) / 1e7) / 2.0, 0.0, 1.0); /* 1000万 .. 10亿 */
  double p_yes = 0.04 + 0.20 * size + ((titles >> 3) & 1 ? 0.12 : 0) +
                 ((titles >> 4) & 1 ? 0.15 : 0) + (status >= 2 ? 0.25 : 0);
  double u = unif(&r);
  int intention = u < p_yes ? 1 : (u < p_yes + 0.10 ? 2 : (u < p_yes + 0.35 ? 3 : 0));
  f->v[TIDU_F_LISTING_INTENTION] = intention; /* none, yes, undecided, no */
  if (intention != 1 && status < 2) return;
  /* target board: none main chinext star bse neeq regional overseas */
  int board;
  double b = unif(&r);
  if (t->revenue0 >= 5e8)
    board = b < 0.45 ? 1 : (b < 0.75 ? 2 : (b < 0.9 ? 3 : 7));
  else if (t->ind->rd_heavy)
    board = b < 0.35 ? 3 : (b < 0.6 ? 2 : (b < 0.85 ? 4 : 5));
  else
    board = b < 0.35 ? 4 : (b < 0.6 ? 5 : (b < 0.8 ? 2 : 6));
  f->v[TIDU_F_TARGET_BOARD] = board;
  /* stage: none cultivating restructuring shareholding counselling filed registered listed */
  double s = unif(&r);
  int stage = s < 0.45 ? 1 : (s < 0.65 ? 2 : (s < 0.82 ? 3 : (s < 0.93 ? 4 : (s < 0.98 ? 5 : 6))));
  if (status >= 1 && stage < 3) stage = 3;
  f->v[TIDU_F_LISTING_STAGE] = stage;
}

/* Missing figures: about 2 % of the year figures are not on file. */
static int64_t maybe(rng *r, int64_t v) {
  return chance(r, 0.02) ? TIDU_MISSING : v;
}

static tidu_code gen_year(rng *r, const traits *t, int32_t year, double revenue, int first,
                          tidu_firm *f, tidu_error *err) {
  tidu_year *y = tidu_firm_year(f, year);
  if (!y) return tidu_error_set(err, TIDU_ERR_NOMEM, NULL, 0, 0, "内存不足 / out of memory");
  double margin = t->margin + normal(r) * 0.03;
  double np = revenue * margin;
  double npd = np - fabs(np) * unif_in(r, 0.0, 0.12) - revenue * unif_in(r, 0.0, 0.004);
  double rd = revenue * clamp(t->rd + normal(r) * 0.01, 0.0, 0.35);
  double assets = revenue * t->turnover * unif_in(r, 0.95, 1.05);
  double liabilities = assets * clamp(t->leverage + normal(r) * 0.03, 0.05, 0.95);
  double net_assets = assets - liabilities;
  double employees = fmax(5.0, revenue / t->per_head);
  double rd_staff = employees * clamp(t->rd * 2.0 + unif_in(r, 0.02, 0.1), 0.01, 0.8);
  double ip = rd / 8e5 * unif_in(r, 0.5, 1.5) + (first ? 0 : 1);
  int64_t *v = y->v;
  v[TIDU_Y_REVENUE] = maybe(r, fen(revenue));
  v[TIDU_Y_MAIN_BUSINESS_REVENUE] = maybe(r, fen(revenue * unif_in(r, 0.85, 1.0)));
  v[TIDU_Y_NET_PROFIT] = maybe(r, fen(np));
  v[TIDU_Y_NET_PROFIT_DEDUCTED] = maybe(r, fen(npd));
  v[TIDU_Y_OPERATING_CASH_FLOW] =
      maybe(r, fen(np * unif_in(r, 0.4, 1.5) + revenue * normal(r) * 0.03));
  v[TIDU_Y_RD_EXPENSE] = maybe(r, fen(rd));
  v[TIDU_Y_TOTAL_ASSETS] = maybe(r, fen(assets));
  v[TIDU_Y_TOTAL_LIABILITIES] = maybe(r, fen(liabilities));
  v[TIDU_Y_NET_ASSETS] = maybe(r, fen(net_assets));
  if (net_assets > 0) v[TIDU_Y_ROE_WEIGHTED] = maybe(r, ratio_units(fmin(np, npd) / net_assets));
  v[TIDU_Y_EMPLOYEES] = maybe(r, (int64_t)employees);
  v[TIDU_Y_RD_STAFF] = maybe(r, (int64_t)rd_staff);
  v[TIDU_Y_CLASS1_IP] = maybe(r, (int64_t)ip);
  v[TIDU_Y_CLASS2_IP] = maybe(r, (int64_t)(ip * unif_in(r, 1.0, 4.0)));
  v[TIDU_Y_INVENTION_PATENTS_CORE] = maybe(r, (int64_t)(ip * unif_in(r, 0.3, 0.9)));
  v[TIDU_Y_CLASS1_IP_SELFDEV] = maybe(r, (int64_t)(ip * unif_in(r, 0.6, 1.0)));
  v[TIDU_Y_CLASS1_IP_HIGH_VALUE] = maybe(r, (int64_t)(ip * unif_in(r, 0.0, 0.5)));
  v[TIDU_Y_TECH_STAFF] = maybe(r, (int64_t)fmin(employees, rd_staff + employees * 0.06));
  v[TIDU_Y_RD_EXPENSE_DOMESTIC] = maybe(r, fen(rd * unif_in(r, 0.85, 1.0)));
  if (f->v[TIDU_F_TITLES] & 1) /* high_tech */
    v[TIDU_Y_HIGHTECH_REVENUE] = maybe(r, fen(revenue * unif_in(r, 0.5, 0.95)));
  double equity = chance(r, 0.05) ? floor(revenue * unif_in(r, 0.05, 0.5)) : 0.0;
  v[TIDU_Y_EQUITY_FINANCING] = maybe(r, fen(equity));
  return TIDU_OK;
}

static void gen_traits(rng *r, traits *t) {
  t->ind = pick_industry(r);
  /* log-normal around 5000万: most firms 500万–5亿, a few over 10亿 */
  t->revenue0 = floor(5e7 * exp(1.2 * normal(r)));
  if (t->revenue0 < 1e6) t->revenue0 = 1e6 + floor(unif(r) * 1e6);
  t->growth = 0.10 + 0.25 * normal(r);
  t->margin = 0.07 + 0.09 * normal(r);
  t->rd = t->ind->rd_heavy ? unif_in(r, 0.03, 0.20) : unif_in(r, 0.0, 0.06);
  if (t->ind->code[0] == 'F') t->rd = unif_in(r, 0.0, 0.01);
  t->per_head = 8e5 * exp(0.5 * normal(r));
  t->leverage = unif_in(r, 0.15, 0.6);
  t->turnover = unif_in(r, 0.8, 2.0);
}

tidu_code tidu_gen_firm(const tidu_gen_options *opt, uint64_t index, tidu_firm *f,
                        tidu_error *err) {
  if (!opt || !f || opt->years < 0 || opt->years > TIDU_GEN_MAX_YEARS)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "年数须在 1–%d 之间 / years must be 1–%d", TIDU_GEN_MAX_YEARS,
                          TIDU_GEN_MAX_YEARS);
  int32_t last = opt->last_year ? opt->last_year : 2024;
  rng r = {opt->seed ^ (index * 0xD1B54A32D192ED03ULL)};
  next_u64(&r);
  tidu_firm_clear(f);
  traits t;
  gen_traits(&r, &t);
  int nyears = opt->years ? opt->years : 3 + (int)pick(&r, 3);
  tidu_code rc = gen_identity(&r, opt, index, &t, last - nyears + 1, f, err);
  if (rc != TIDU_OK) return rc;
  gen_declarations(&r, &t, last, f);
  gen_programme(opt->seed, index, &t, f);
  double revenue = t.revenue0;
  for (int k = 0; k < nyears && rc == TIDU_OK; k++) {
    rc = gen_year(&r, &t, last - k, revenue, k == nyears - 1, f, err);
    double g = clamp(t.growth + 0.12 * normal(&r), -0.6, 2.0);
    revenue = floor(revenue / (1.0 + g) * 100.0) / 100.0;
  }
  return rc;
}

/* ---- Writers ---- */

void tidu_gen_buf_free(tidu_gen_buf *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static int reserve(tidu_gen_buf *b, size_t extra) {
  return TIDU_RESERVE(b->data, b->cap, b->len + extra + 1) == 0;
}

/* The writers reserve generously per value, so the append helpers below cannot overflow. */
#define VALUE_ROOM 64

static void put(tidu_gen_buf *b, const char *s, size_t n) {
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

static void puts_(tidu_gen_buf *b, const char *s) {
  put(b, s, strlen(s));
}

static const char DIGIT_PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930"
                                  "31323334353637383940414243444546474849505152535455565758596061"
                                  "62636465666768697071727374757677787980818283848586878889909192"
                                  "93949596979899";

/* Appends an unsigned decimal, two digits at a time (the writers' hot spot). */
static void put_uint(tidu_gen_buf *b, uint64_t u) {
  char tmp[24];
  int n = sizeof tmp;
  while (u >= 100) {
    const char *d = &DIGIT_PAIRS[(u % 100) * 2];
    u /= 100;
    tmp[--n] = d[1];
    tmp[--n] = d[0];
  }
  if (u >= 10) {
    tmp[--n] = DIGIT_PAIRS[u * 2 + 1];
    tmp[--n] = DIGIT_PAIRS[u * 2];
  } else {
    tmp[--n] = (char)('0' + u);
  }
  put(b, tmp + n, sizeof tmp - (size_t)n);
}

/* Writes v / scale as an exact decimal with trailing zeros dropped; scale is a power of 10. */
static void put_scaled(tidu_gen_buf *b, int64_t v, int64_t scale) {
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  if (v < 0) put(b, "-", 1);
  put_uint(b, u / (uint64_t)scale);
  uint64_t frac = u % (uint64_t)scale;
  if (!frac) return;
  char digits[24];
  int n = 0;
  for (uint64_t s = (uint64_t)scale / 10; s; s /= 10) digits[n++] = (char)('0' + frac / s % 10);
  while (n && digits[n - 1] == '0') n--;
  put(b, ".", 1);
  put(b, digits, (size_t)n);
}

static void put_date(tidu_gen_buf *b, int64_t days) {
  int y, m, d;
  civil_from_days(days, &y, &m, &d);
  char tmp[16];
  int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
  put(b, tmp, (size_t)n);
}

/* Appends a JSON string literal, escaping what JSON requires. */
static int put_json_string(tidu_gen_buf *b, const char *s) {
  size_t n = strlen(s);
  if (!reserve(b, n * 6 + 2)) return 0;
  b->data[b->len++] = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      b->data[b->len++] = '\\';
      b->data[b->len++] = (char)*p;
    } else if (*p < 0x20) {
      b->len += (size_t)snprintf(b->data + b->len, 7, "\\u%04x", *p);
    } else {
      b->data[b->len++] = (char)*p;
    }
  }
  b->data[b->len++] = '"';
  b->data[b->len] = 0;
  return 1;
}

/* Appends a tag set as "a;b;c" (no quoting). */
static int put_tags(tidu_gen_buf *b, tidu_enum_id e, int64_t bits) {
  int first = 1;
  for (int i = 0; i < tidu_enum_count(e) && i < 63; i++) {
    if (!(bits & ((int64_t)1 << i))) continue;
    const char *name = tidu_enum_name(e, i);
    if (!reserve(b, strlen(name) + 2)) return 0;
    if (!first) put(b, ";", 1);
    puts_(b, name);
    first = 0;
  }
  return 1;
}

/* Is a value worth writing? Missing figures and absent declarations are left out. */
static int present(const tidu_field_info *fi, int64_t v) {
  switch (fi->type) {
  case TIDU_T_BOOL:
  case TIDU_T_ENUM:
  case TIDU_T_TAGS:
    return v != 0;
  default:
    return v != TIDU_MISSING;
  }
}

/* Appends one non-text value in JSON form (csv = 1: bare, for a CSV cell). */
static int put_value(tidu_gen_buf *b, const tidu_field_info *fi, int64_t v, int csv) {
  if (!reserve(b, VALUE_ROOM)) return 0;
  switch (fi->type) {
  case TIDU_T_MONEY:
    put_scaled(b, v, TIDU_SCALE_MONEY);
    return 1;
  case TIDU_T_RATIO:
    put_scaled(b, v, TIDU_SCALE_RATIO);
    return 1;
  case TIDU_T_YEARS:
    put_scaled(b, v, TIDU_SCALE_YEARS);
    return 1;
  case TIDU_T_SCORE:
    put_scaled(b, v, TIDU_SCALE_SCORE);
    return 1;
  case TIDU_T_BOOL:
    puts_(b, v ? "true" : "false");
    return 1;
  case TIDU_T_DATE:
    if (!csv) put(b, "\"", 1);
    put_date(b, v);
    if (!csv) put(b, "\"", 1);
    return 1;
  case TIDU_T_ENUM:
    if (csv) {
      puts_(b, tidu_enum_name(fi->enum_id, (int)v));
      return 1;
    }
    return put_json_string(b, tidu_enum_name(fi->enum_id, (int)v));
  case TIDU_T_TAGS:
    if (!csv) put(b, "\"", 1);
    if (!put_tags(b, fi->enum_id, v) || !reserve(b, 2)) return 0;
    if (!csv) put(b, "\"", 1);
    return 1;
  default:
    put_scaled(b, v, 1);
    return 1;
  }
}

static int put_key(tidu_gen_buf *b, const char *name, int *first) {
  if (!reserve(b, strlen(name) + 8)) return 0;
  if (!*first) put(b, ",", 1);
  *first = 0;
  put(b, "\"", 1);
  puts_(b, name);
  put(b, "\":", 2);
  return 1;
}

static int put_firm_fields(tidu_gen_buf *b, const tidu_firm *f, int *first) {
  for (int i = 0; i < TIDU_NFIRM; i++) {
    const tidu_field_info *fi = tidu_firm_field_info((tidu_firm_field)i);
    if (fi->type == TIDU_T_TEXT) {
      if (!f->text[i]) continue;
      if (!put_key(b, fi->name, first) || !put_json_string(b, f->text[i])) return 0;
    } else if (present(fi, f->v[i])) {
      if (!put_key(b, fi->name, first) || !put_value(b, fi, f->v[i], 0)) return 0;
    }
  }
  return 1;
}

static int put_year(tidu_gen_buf *b, const tidu_year *y) {
  int first = 1;
  if (!reserve(b, 16)) return 0;
  put(b, "\"", 1);
  put_uint(b, (uint64_t)y->year);
  put(b, "\":{", 3);
  for (int i = 0; i < TIDU_NYEAR; i++) {
    const tidu_field_info *fi = tidu_year_field_info((tidu_year_field)i);
    if (!present(fi, y->v[i])) continue;
    if (!put_key(b, fi->name, &first) || !put_value(b, fi, y->v[i], 0)) return 0;
  }
  if (!reserve(b, 2)) return 0;
  put(b, "}", 1);
  return 1;
}

tidu_code tidu_gen_write_ndjson(const tidu_firm *f, tidu_gen_buf *out) {
  int first = 1;
  if (!reserve(out, 2)) return TIDU_ERR_NOMEM;
  put(out, "{", 1);
  if (!put_firm_fields(out, f, &first)) return TIDU_ERR_NOMEM;
  if (f->nyears) {
    if (!put_key(out, "years", &first) || !reserve(out, 2)) return TIDU_ERR_NOMEM;
    put(out, "{", 1);
    for (size_t k = 0; k < f->nyears; k++) {
      if (!reserve(out, 2)) return TIDU_ERR_NOMEM;
      if (k) put(out, ",", 1);
      if (!put_year(out, &f->years[k])) return TIDU_ERR_NOMEM;
    }
    if (!reserve(out, 2)) return TIDU_ERR_NOMEM;
    put(out, "}", 1);
  }
  if (!reserve(out, 3)) return TIDU_ERR_NOMEM;
  put(out, "}\n", 2);
  return TIDU_OK;
}

tidu_code tidu_gen_write_csv_header(tidu_gen_buf *out) {
  for (int i = 0; i < TIDU_NFIRM; i++) {
    const char *name = tidu_firm_field_info((tidu_firm_field)i)->name;
    if (!reserve(out, strlen(name) + 2)) return TIDU_ERR_NOMEM;
    puts_(out, name);
    put(out, ",", 1);
  }
  if (!reserve(out, 8)) return TIDU_ERR_NOMEM;
  puts_(out, "year");
  for (int i = 0; i < TIDU_NYEAR; i++) {
    const char *name = tidu_year_field_info((tidu_year_field)i)->name;
    if (!reserve(out, strlen(name) + 2)) return TIDU_ERR_NOMEM;
    put(out, ",", 1);
    puts_(out, name);
  }
  if (!reserve(out, 2)) return TIDU_ERR_NOMEM;
  put(out, "\n", 1);
  return TIDU_OK;
}

/* Appends a text cell, quoted when it holds a comma, quote or line break (RFC 4180). */
static int put_csv_text(tidu_gen_buf *b, const char *s) {
  size_t n = strlen(s);
  if (!reserve(b, n * 2 + 2)) return 0;
  if (!strpbrk(s, ",\"\r\n")) {
    put(b, s, n);
    return 1;
  }
  b->data[b->len++] = '"';
  for (; *s; s++) {
    if (*s == '"') b->data[b->len++] = '"';
    b->data[b->len++] = *s;
  }
  b->data[b->len++] = '"';
  b->data[b->len] = 0;
  return 1;
}

static int put_csv_firm_cells(tidu_gen_buf *b, const tidu_firm *f) {
  for (int i = 0; i < TIDU_NFIRM; i++) {
    const tidu_field_info *fi = tidu_firm_field_info((tidu_firm_field)i);
    if (fi->type == TIDU_T_TEXT) {
      if (f->text[i] && !put_csv_text(b, f->text[i])) return 0;
    } else if (present(fi, f->v[i])) {
      if (!put_value(b, fi, f->v[i], 1)) return 0;
    }
    if (!reserve(b, 2)) return 0;
    put(b, ",", 1);
  }
  return 1;
}

tidu_code tidu_gen_write_csv(const tidu_firm *f, tidu_gen_buf *out) {
  for (size_t k = 0; k < f->nyears; k++) {
    const tidu_year *y = &f->years[k];
    if (!put_csv_firm_cells(out, f) || !reserve(out, 16)) return TIDU_ERR_NOMEM;
    put_uint(out, (uint64_t)y->year);
    for (int i = 0; i < TIDU_NYEAR; i++) {
      const tidu_field_info *fi = tidu_year_field_info((tidu_year_field)i);
      if (!reserve(out, 2)) return TIDU_ERR_NOMEM;
      put(out, ",", 1);
      if (present(fi, y->v[i]) && !put_value(out, fi, y->v[i], 1)) return TIDU_ERR_NOMEM;
    }
    if (!reserve(out, 2)) return TIDU_ERR_NOMEM;
    put(out, "\n", 1);
  }
  return TIDU_OK;
}
