/* Writes the XLSX fixtures of tests/data/store with libxlsxwriter (run once; outputs are checked
 * in). cc -o /tmp/mkfix tests/data/store/make_fixtures.c -lxlsxwriter && /tmp/mkfix
 * tests/data/store */
#include <stdio.h>
#include <xlsxwriter.h>

/* One firm-year: the same figures as firms_yuan.csv, in 万元. */
typedef struct row {
  const char *uscc, *name, *region, *industry, *titles;
  int fy, fm, fd; /* founded, 0 = none */
  int year;
  double revenue, profit, deducted, rd;
  int employees;
  double cap; /* 0 = none */
} row;

static const row rows[] = {
    {"91320505MA1N2K3P9H", "苏州测试精密科技有限公司", "320505", "C3976", "high_tech;srdi_sme",
     2015, 6, 18, 2024, 12345.678912, 1500, 1400.00005, 987.654321, 320, 150000},
    {"91320505MA1N2K3P9H", "苏州测试精密科技有限公司", "320505", "C3976", "high_tech;srdi_sme",
     2015, 6, 18, 2023, 9876.54321, 1200, 1100, 800, 300, 150000},
    {"91310115MA1FL5LL6G", "上海样例电子有限公司", "310115", "I6513", "", 0, 0, 0, 2024, 5000, -200,
     -250, 1200, 85, 0},
    {"91610131MA6U123484", "西安示例材料有限公司", "610131", "C2641", "tech_sme", 2009, 11, 2, 2024,
     30000.00005, 4500, 4400, 1500, 560, 400000},
    {"91610131MA6U123484", "西安示例材料有限公司", "610131", "C2641", "tech_sme", 2009, 11, 2, 2023,
     26000, 3800, 3750, 1300, 540, 400000},
};

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  char path[512];
  snprintf(path, sizeof path, "%s/firms_wan.xlsx", dir);
  lxw_workbook *wb = workbook_new(path);
  lxw_worksheet *notes = workbook_add_worksheet(wb, "填报说明");
  lxw_worksheet *ws = workbook_add_worksheet(wb, "企业数据");
  lxw_format *wan = workbook_add_format(wb);
  format_set_num_format(wan, "#,##0.00");
  lxw_format *date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
  worksheet_write_string(notes, 0, 0, "金额单位：万元", NULL);
  const char *headers[] = {"统一社会信用代码",
                           "企业名称",
                           "行政区划代码",
                           "行业代码",
                           "有效资质",
                           "成立日期",
                           "年度",
                           "营业收入(万元)",
                           "净利润(万元)",
                           "扣除非经常性损益后的净利润(万元)",
                           "研发费用(万元)",
                           "职工总数",
                           "预计市值(万元)"};
  for (int c = 0; c < 13; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], NULL);
  for (int i = 0; i < 5; i++) {
    const row *r = &rows[i];
    lxw_row_t y = (lxw_row_t)(i + 1);
    worksheet_write_string(ws, y, 0, r->uscc, NULL);
    worksheet_write_string(ws, y, 1, r->name, NULL);
    worksheet_write_string(ws, y, 2, r->region, NULL);
    worksheet_write_string(ws, y, 3, r->industry, NULL);
    if (r->titles[0]) worksheet_write_string(ws, y, 4, r->titles, NULL);
    if (r->fy) {
      lxw_datetime d = {r->fy, r->fm, r->fd, 0, 0, 0};
      worksheet_write_datetime(ws, y, 5, &d, date);
    }
    worksheet_write_number(ws, y, 6, r->year, NULL);
    worksheet_write_number(ws, y, 7, r->revenue, wan);
    worksheet_write_number(ws, y, 8, r->profit, wan);
    worksheet_write_number(ws, y, 9, r->deducted, wan);
    worksheet_write_number(ws, y, 10, r->rd, wan);
    worksheet_write_number(ws, y, 11, r->employees, NULL);
    if (r->cap) worksheet_write_number(ws, y, 12, r->cap, wan);
  }
  return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
