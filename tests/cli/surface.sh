#!/bin/sh
# Command tests of the surface a user touches (issue 11, items 10–12, 17, 19, 21): one validation
# path for imports and edits, titles as officials write them, mistyped years, Chinese names in
# explanations and history, explanation wording, "did you mean" for fields and headers.
. "$(dirname "$0")/lib/checks.sh"
plan 34
U=91320505MA1N2K3P9H
DB="$tmp/t.db"
js() { "$T" export --db "$DB" --format json "$tmp/x.json" >/dev/null 2>&1 && cat "$tmp/x.json"; }
printf '%s\n' \
  '统一社会信用代码,企业名称,行政区划代码,行业代码,有效资质,年度,营业收入/万元,扣非后净利润（单位：万元）,职工人数,营业收人' \
  "$U,苏州测试科技有限公司,320505,C3976,专精特新“小巨人”企业；高企,2024,5000,300,120,1" >"$tmp/a.csv"
"$T" db init --db "$DB" >/dev/null 2>&1
"$T" import --db "$DB" "$tmp/a.csv" >"$tmp/out" 2>"$tmp/err"
check "11.21 import maps header synonyms (职工人数, 扣非后净利润, 营业收入/万元)" \
  "$(js | grep -o '"employees":120\|"revenue":50000000\|"net_profit_deducted":3000000' | sort | tr '\n' ' ')" \
  '"employees":120 "net_profit_deducted":3000000 "revenue":50000000 '
check "11.21 an unknown header says what was meant" \
  "$(grep -c '是否为 营业收入' "$tmp/err")" 1
check "11.11 titles as officials write them (专精特新“小巨人”企业, 高企)" \
  "$(js | grep -o '"titles":"[a-z_;]*"')" '"titles":"high_tech;little_giant"'

# 11.10: firm edit applies the checks import applies, and reads labels as import does
"$T" firm edit --db "$DB" $U employees@2024=-5 >/dev/null 2>"$tmp/err"
check "11.10 edit rejects negative employees (exit 1)" "$?" 1
"$T" firm edit --db "$DB" $U revenue@2024=-5万 >/dev/null 2>"$tmp/err"
check "11.10 edit rejects negative revenue" "$?:$(grep -c '不能为负数' "$tmp/err")" "1:1"
printf '%s\n' 'uscc,name,year,revenue' "$U,x,2024,-5" >"$tmp/neg.csv"
"$T" import --db "$DB" "$tmp/neg.csv" >/dev/null 2>"$tmp/err"
check "11.10 import rejects negative revenue too" "$?:$(grep -c '不能为负数' "$tmp/err")" "1:1"
"$T" firm edit --db "$DB" $U titles=高新技术企业 >/dev/null 2>"$tmp/err"
check "11.10 edit accepts the Chinese title label" "$?" 0
"$T" firm edit --db "$DB" $U 'titles=制造业单项冠军企业，专精特新，小巨人' >/dev/null 2>&1
check "11.11 edit reads 制造业单项冠军企业，专精特新，小巨人" \
  "$(js | grep -o '"titles":"[a-z_;]*"')" \
  '"titles":"srdi_sme;little_giant;single_champion"'
"$T" firm edit --db "$DB" $U titles=冠军 >/dev/null 2>"$tmp/err"
check "11.11 an unknown title lists the Chinese names" \
  "$?:$(grep -c '可选：高新技术企业、科技型中小企业、创新型中小企业、专精特新中小企业、专精特新“小巨人”企业、制造业单项冠军企业' "$tmp/err")" "1:1"
check "11.10 the message is whole UTF-8" "$(iconv -f UTF-8 -t UTF-8 "$tmp/err" >/dev/null 2>&1 && echo ok)" ok

# 11.12: a year after the current one warns; a year can be deleted, recorded in the history
next=$(( $(date -u +%Y) + 1 ))
"$T" firm edit --db "$DB" $U "revenue@$next=5000万" >/dev/null 2>"$tmp/err"
check "11.12 a future year warns and names --delete-year" \
  "$?:$(grep -c "年度 $next 晚于今年.*--delete-year $next" "$tmp/err")" "0:1"
"$T" firm edit --db "$DB" $U revenue@2023=4000万 >/dev/null 2>"$tmp/err"
check "11.12 a past year does not warn" "$(grep -c '晚于今年' "$tmp/err")" 0
"$T" firm edit --db "$DB" $U --delete-year "$next" --reason 年度录错 >/dev/null 2>&1
check "11.12 --delete-year removes the year" \
  "$?:$(js | grep -c "\"$next\"")" "0:0"
TZ=Asia/Shanghai "$T" firm history --db "$DB" $U >"$tmp/hist" 2>&1
check "11.12 the deletion is in the history with its reason" \
  "$(grep -c "营业收入($next) revenue@$next .*5000.00万元 → —" "$tmp/hist"):$(grep -c '年度录错' "$tmp/hist")" "1:1"
"$T" firm edit --db "$DB" $U --delete-year 1999 >/dev/null 2>&1
check "11.12 deleting a year that is not on file is an error" "$?" 1
check "11.21 history times are local (+0800 in Asia/Shanghai)" \
  "$(grep -c '^20[0-9-]* [0-9:]* +0800 ' "$tmp/hist" | sed 's/^[1-9][0-9]*$/some/')" some
check "11.17 history shows Chinese field names and title labels" \
  "$(grep -c '有效资质 titles .*制造业单项冠军企业' "$tmp/hist")" 1

# 11.21: a bare number for money reads as 元 and warns; a mistyped field suggests the right one
"$T" firm edit --db "$DB" $U revenue@2023=5000 >/dev/null 2>"$tmp/err"
check "11.21 a bare number for money warns about 万元" "$(grep -c '若指万元请写 5000万' "$tmp/err")" 1
"$T" firm edit --db "$DB" $U revnue@2023=5000万 >/dev/null 2>"$tmp/err"
check "11.21 a mistyped field suggests one (exit 2)" "$?:$(grep -c "did you mean 'revenue'" "$tmp/err")" "2:1"

# 11.17 / 11.19: explanations
EX=examples/firms.ndjson
"$T" assess --as-of 2025-06-30 --explain "$EX" >"$tmp/zh" 2>/dev/null
"$T" assess --as-of 2025-06-30 --explain --lang en "$EX" >"$tmp/en" 2>/dev/null
check "11.17 missing figures by Chinese name and year" \
  "$(grep -c '缺少: 加权平均净资产收益率(2024)' "$tmp/zh" | sed 's/^[1-9][0-9]*$/some/'):$(grep -c 'roe_weighted\[' "$tmp/zh")" "some:0"
check "11.19 no 不满足: lines (no false statement, no double negative)" "$(grep -c '不满足:' "$tmp/zh")" 0
check "11.19 a negated condition reads as its answer" \
  "$(grep -c '✓ 被列入严重失信主体名单:否' "$tmp/zh" | sed 's/^[1-9][0-9]*$/some/')" some
check "11.19 years carry their unit; ≤ conditions are exceeded, not short" \
  "$(grep -c '成立日期至今年数 ≤ 5年 8年,需 ≤ 5年,超出 3年' "$tmp/zh" | sed 's/^[1-9][0-9]*$/some/'):$(grep -c 'over by 3 years' "$tmp/en" | sed 's/^[1-9][0-9]*$/some/')" "some:some"
check "11.19 percentages with one precision" "$(grep -cE '[0-9]\.[0-9]{3,}%' "$tmp/zh")" 0
check "11.19 the 扣非孰低 figure is labelled as such" \
  "$(grep -c '最近一年净利润(扣非前后孰低) > 0' "$tmp/zh" | sed 's/^[1-9][0-9]*$/some/')" some

# 11.16: CSV export for Excel: a BOM, units in the headers; it reads back to the same figures
"$T" export --db "$DB" "$tmp/o.csv" >/dev/null 2>&1
check "11.16 CSV export starts with a UTF-8 BOM" "$(head -c 3 "$tmp/o.csv" | od -An -tx1 | tr -d ' ')" efbbbf
check "11.16 CSV headers carry the unit of the values" \
  "$(head -1 "$tmp/o.csv" | grep -c '营业收入(元),.*加权平均净资产收益率(%)')" 1
"$T" db init --db "$tmp/back.db" >/dev/null 2>&1
"$T" import --db "$tmp/back.db" "$tmp/o.csv" >/dev/null 2>&1
js >"$tmp/one.json"
DB="$tmp/back.db" js >"$tmp/two.json"
check "11.16 the CSV export imports back to the same record" "$(cmp -s "$tmp/one.json" "$tmp/two.json" && echo same)" same

# 11.18: the gap in the condition's own unit, and a distance that --gap-below filters on
"$T" firm show --db "$DB" --as-of 2025-06-30 $U >"$tmp/show" 2>&1
check "11.18 firm show gives gaps in the condition's unit and names the distance" \
  "$(grep -c '差[0-9.]*[万亿]' "$tmp/show" | sed 's/^[1-9][0-9]*$/some/'):$(grep -c '相对距离/distance' "$tmp/show" | sed 's/^[1-9][0-9]*$/some/'):$(grep -c '差距/distance' "$tmp/show")" "some:some:0"
"$T" firm list --db "$DB" --as-of 2025-06-30 --board star --format json >"$tmp/list.json" 2>&1
d=$(grep -o '"distance":[0-9.e-]*' "$tmp/list.json" | cut -d: -f2)
above=$(awk -v d="$d" 'BEGIN { printf "%.6f", d + 0.000001 }')
check "11.18 --gap-below keeps a firm whose distance is below X and drops it at X" \
  "$("$T" firm list --db "$DB" --as-of 2025-06-30 --board star --gap-below "$above" --format json 2>/dev/null | grep -c "$U"):$("$T" firm list --db "$DB" --as-of 2025-06-30 --board star --gap-below "$d" --format json 2>/dev/null | grep -c "$U")" "1:0"

# 11.21: filters that match nothing known; honest counts
"$T" firm list --db "$DB" --region 苏州 >/dev/null 2>"$tmp/err"
check "11.21 --region 苏州 suggests 3205 (exit 2)" "$?:$(grep -c '3205 江苏省苏州市' "$tmp/err")" "2:1"
"$T" firm list --db "$DB" --title 小巨人 >"$tmp/out" 2>&1
check "11.21 --title takes the Chinese name" "$(grep -c "$U" "$tmp/out")" 1
"$T" firm list --db "$DB" -n 0 >"$tmp/out" 2>&1
check "11.21 firm list -n counts honestly" "$(grep -c '显示 0 家,共 1 家' "$tmp/out")" 1
"$T" firm delete --db "$DB" 苏州测试 >/dev/null 2>&1
check "11.21 firm delete accepts a name as show does" "$?:$("$T" firm list --db "$DB" | grep -c "$U")" "0:0"
