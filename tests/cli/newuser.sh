#!/bin/sh
# An official's own workbook, tried as a new user would (issue 11, "tried again as a new user"):
# instructions on the first sheet, a title and a units row above the header, 万元 columns,
# header synonyms and a typo, a Chinese-quoted name, styled blanks, a date cell. Import it as the
# messages say, then look at firm show, assess --explain and export, and re-import the export.
. "$(dirname "$0")/lib/checks.sh"
plan 13
B=tests/data/io/xlsx/official.xlsx # written by tests/data/io/make_books.py
DB="$tmp/o.db"
A=91320505MA1N2K3P9H
C=91321200MA1T5NX21J
"$T" db init --db "$DB" >/dev/null 2>&1

"$T" import --db "$DB" "$B" >"$tmp/out" 2>"$tmp/err"
check "first try: exit 1, and the message says which sheet and header row to use" \
  "$?:$(grep -c '请加 --sheet 申报汇总 --header-row 3 / .*add --sheet 申报汇总 --header-row 3' "$tmp/err")" "1:1"

"$T" import --db "$DB" --sheet 申报汇总 --header-row 3 "$B" >"$tmp/out" 2>"$tmp/err"
check "as told: exit 0, three firms" "$?:$(grep -o '新增/new [0-9]*' "$tmp/out")" "0:新增/new 3"
check "序号 is skipped without a warning; the mistyped 营业收人 gets did-you-mean 营业收入" \
  "$(grep -c '序号' "$tmp/err"):$(grep -c '2022年营业收人(万元): 未知的列，已忽略（是否为 营业收入？）' "$tmp/err"):$(grep -c '警告/warning' "$tmp/err")" "0:1:1"

"$T" export --db "$DB" --format json "$tmp/x.json" >/dev/null 2>&1
js() { grep "\"uscc\":\"$1\"" "$tmp/x.json" | tr ',' '\n'; }
check "万元 columns and 资产总计 read as 元 (9650.5万 revenue, 7300万 total assets)" \
  "$(js $A | grep -c '"revenue":96505000$\|"total_assets":73000000$\|"total_liabilities":29000000$')" 3
check "the Chinese-quoted name, the date cell and the titles are kept" \
  "$(js $A | grep -c '"name":"苏州“精工”传动科技有限公司"\|"founded":"2015-03-16"\|"titles":"high_tech;little_giant"')" 3
check "styled blanks are no figure: no net profit, assets or liabilities for the third firm" \
  "$(js $C | grep -c '"net_profit_deducted"\|"total_assets"\|"total_liabilities"'):$(js $C | grep -c '"net_profit":2100000')" "0:1"

"$T" firm show --db "$DB" $C >"$tmp/show" 2>&1
check "firm show: figures in 万元, blanks as —, no internal names" \
  "$(grep -c '3550.00万元' "$tmp/show"):$(grep -c '资产总额' "$tmp/show"):$(sed 's/([a-z_]*)//g; s/[a-z_]*\.[a-z0-9_]*//g' "$tmp/show" | grep -oE '\b[a-z]+(_[a-z0-9]+)+\b' | head -1)" "1:0:"

"$T" assess --explain --firm 精工 --only srdi_sme,little_giant db:"$DB" >"$tmp/ex" 2>&1
check "assess --explain --firm finds the quoted name and explains in Chinese" \
  "$?:$(grep -c '苏州“精工”传动科技有限公司 (2024)' "$tmp/ex"):$(grep -c '上年度营业收入总额不低于5000万元 9650.50万元' "$tmp/ex")" "0:1:1"
check "the SME size test shows the row that applies, not the other industries' rows" \
  "$(grep -c '工业：从业人员低于1000人或营业收入低于4亿元' "$tmp/ex"):$(grep -c '行业代码 以 A 开头' "$tmp/ex"):$(grep -c '… 另有 13 项前提不符、不适用的选项，从略' "$tmp/ex")" "2:0:2"
check "the explanation shows no internal field name" \
  "$(sed 's/([a-z_]*)//g; s/标准 [a-z_]*\.[a-z0-9_]*//g' "$tmp/ex" | grep -oE '\b[a-z]+(_[a-z0-9]+)+\b' | head -3 | tr '\n' ' ')" ""

"$T" export --db "$DB" "$tmp/out.csv" >/dev/null 2>"$tmp/err"
check "export CSV: UTF-8 with BOM, Chinese headers with units" \
  "$(head -c 3 "$tmp/out.csv" | od -An -tx1 | tr -d ' '):$(head -1 "$tmp/out.csv" | grep -c '营业收入_2024(元)\|2024年营业收入(元)\|营业收入')" "efbbbf:1"
"$T" import --db "$DB" "$tmp/out.csv" >"$tmp/out" 2>"$tmp/err"
check "the export re-imports with nothing changed" \
  "$?:$(grep -o '更新/updated [0-9]*, 未变/unchanged [0-9]*' "$tmp/out")" "0:更新/updated 0, 未变/unchanged 3"
"$T" firm list --db "$DB" >"$tmp/list" 2>&1
check "firm list: three firms, and says so in both languages" "$(tail -1 "$tmp/list")" "共 3 家 / 3 firms"
