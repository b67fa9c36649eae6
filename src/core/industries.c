/* GB/T 4754-2017 national economic industry classification: sections and divisions. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tidu/codes.h"

typedef struct section {
  char letter;
  int first, last; /* division range */
  const char *name;
} section;

static const section sections[] = {
    {'A', 1, 5, "农、林、牧、渔业"},
    {'B', 6, 12, "采矿业"},
    {'C', 13, 43, "制造业"},
    {'D', 44, 46, "电力、热力、燃气及水生产和供应业"},
    {'E', 47, 50, "建筑业"},
    {'F', 51, 52, "批发和零售业"},
    {'G', 53, 60, "交通运输、仓储和邮政业"},
    {'H', 61, 62, "住宿和餐饮业"},
    {'I', 63, 65, "信息传输、软件和信息技术服务业"},
    {'J', 66, 69, "金融业"},
    {'K', 70, 70, "房地产业"},
    {'L', 71, 72, "租赁和商务服务业"},
    {'M', 73, 75, "科学研究和技术服务业"},
    {'N', 76, 79, "水利、环境和公共设施管理业"},
    {'O', 80, 82, "居民服务、修理和其他服务业"},
    {'P', 83, 83, "教育"},
    {'Q', 84, 85, "卫生和社会工作"},
    {'R', 86, 90, "文化、体育和娱乐业"},
    {'S', 91, 96, "公共管理、社会保障和社会组织"},
    {'T', 97, 97, "国际组织"},
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

/* Division names, indexed by division number (0 unused). */
static const char *const divisions[98] = {
    NULL,
    "农业",
    "林业",
    "畜牧业",
    "渔业",
    "农、林、牧、渔专业及辅助性活动",
    "煤炭开采和洗选业",
    "石油和天然气开采业",
    "黑色金属矿采选业",
    "有色金属矿采选业",
    "非金属矿采选业",
    "开采专业及辅助性活动",
    "其他采矿业",
    "农副食品加工业",
    "食品制造业",
    "酒、饮料和精制茶制造业",
    "烟草制品业",
    "纺织业",
    "纺织服装、服饰业",
    "皮革、毛皮、羽毛及其制品和制鞋业",
    "木材加工和木、竹、藤、棕、草制品业",
    "家具制造业",
    "造纸和纸制品业",
    "印刷和记录媒介复制业",
    "文教、工美、体育和娱乐用品制造业",
    "石油、煤炭及其他燃料加工业",
    "化学原料和化学制品制造业",
    "医药制造业",
    "化学纤维制造业",
    "橡胶和塑料制品业",
    "非金属矿物制品业",
    "黑色金属冶炼和压延加工业",
    "有色金属冶炼和压延加工业",
    "金属制品业",
    "通用设备制造业",
    "专用设备制造业",
    "汽车制造业",
    "铁路、船舶、航空航天和其他运输设备制造业",
    "电气机械和器材制造业",
    "计算机、通信和其他电子设备制造业",
    "仪器仪表制造业",
    "其他制造业",
    "废弃资源综合利用业",
    "金属制品、机械和设备修理业",
    "电力、热力生产和供应业",
    "燃气生产和供应业",
    "水的生产和供应业",
    "房屋建筑业",
    "土木工程建筑业",
    "建筑安装业",
    "建筑装饰、装修和其他建筑业",
    "批发业",
    "零售业",
    "铁路运输业",
    "道路运输业",
    "水上运输业",
    "航空运输业",
    "管道运输业",
    "多式联运和运输代理业",
    "装卸搬运和仓储业",
    "邮政业",
    "住宿业",
    "餐饮业",
    "电信、广播电视和卫星传输服务",
    "互联网和相关服务",
    "软件和信息技术服务业",
    "货币金融服务",
    "资本市场服务",
    "保险业",
    "其他金融业",
    "房地产业",
    "租赁业",
    "商务服务业",
    "研究和试验发展",
    "专业技术服务业",
    "科技推广和应用服务业",
    "水利管理业",
    "生态保护和环境治理业",
    "公共设施管理业",
    "土地管理业",
    "居民服务业",
    "机动车、电子产品和日用产品修理业",
    "其他服务业",
    "教育",
    "卫生",
    "社会工作",
    "新闻和出版业",
    "广播、电视、电影和录音制作业",
    "文化艺术业",
    "体育",
    "娱乐业",
    "中国共产党机关",
    "国家机构",
    "人民政协、民主党派",
    "社会保障",
    "群众团体、社会团体和其他成员组织",
    "基层群众自治组织及其他组织",
    "国际组织",
};

static const section *find_section(char letter) {
  for (size_t i = 0; i < NSECTIONS; i++)
    if (sections[i].letter == letter) return &sections[i];
  return NULL;
}

const char *tidu_industry_section_name(char letter) {
  const section *s = find_section(letter);
  return s ? s->name : NULL;
}

const char *tidu_industry_division_name(int division) {
  return division >= 1 && division <= 97 ? divisions[division] : NULL;
}

char tidu_industry_section_of(int division) {
  for (size_t i = 0; i < NSECTIONS; i++)
    if (division >= sections[i].first && division <= sections[i].last) return sections[i].letter;
  return 0;
}

size_t tidu_industry_describe(const char *code, char *buf, size_t size) {
  if (!buf || size == 0) return 0;
  buf[0] = '\0';
  if (!code || !*code) return 0;
  char letter = (char)toupper((unsigned char)code[0]);
  const section *s = find_section(letter);
  size_t len = strlen(code);
  if (!s || len > 5) return 0;
  for (size_t i = 1; i < len; i++)
    if (!isdigit((unsigned char)code[i])) return 0;
  int n;
  if (len < 3) {
    n = snprintf(buf, size, "%c %s", letter, s->name);
  } else {
    int div = (code[1] - '0') * 10 + (code[2] - '0');
    if (tidu_industry_section_of(div) != letter) return 0;
    n = snprintf(buf, size, "%c %s / %02d %s", letter, s->name, div, divisions[div]);
  }
  return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

size_t tidu_industry_suggest(const char *text, char *buf, size_t size) {
  size_t used = 0, len = text ? strlen(text) : 0;
  if (size) buf[0] = '\0';
  if (len == 0) return 0;
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    if (!strstr(sections[i].name, text)) continue;
    int n = snprintf(buf + used, size - used, "%s%c %s", used ? ", " : "", sections[i].letter,
                     sections[i].name);
    if (n < 0 || (size_t)n >= size - used) return used;
    used += (size_t)n;
  }
  for (int d = 1; d < 98; d++) {
    if (!divisions[d] || !strstr(divisions[d], text)) continue;
    char sec = tidu_industry_section_of(d);
    int n =
        snprintf(buf + used, size - used, "%s%c%02d %s", used ? ", " : "", sec, d, divisions[d]);
    if (n < 0 || (size_t)n >= size - used) return used;
    used += (size_t)n;
  }
  return used;
}
