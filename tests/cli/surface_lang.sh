#!/bin/sh
# Command tests of the two languages a user reads (issue 11, items 2, 3, 15, 17, 21): English
# explanations name things in words, header synonyms, English plurals, messages in one language.
. "$(dirname "$0")/lib/checks.sh"
plan 11

# 11.17 / item 2: English explanations of generated firms show phrases, not internal names. Rule
# set and standard ids ("star_tech", "above_scale.services1") are ids people type and may appear;
# everything else that looks like snake_case is a field or binding name leaking through.
"$T" gen 200 --seed 11 >"$tmp/g.ndjson"
"$T" assess --as-of 2026-06-30 --explain --lang en "$tmp/g.ndjson" >"$tmp/en" 2>&1
ids=$("$T" rules list --all 2>/dev/null | awk '{print $1}' | sort -u | tr '\n' '|')
leaks=$(sed -e 's/([a-z_]*)//g' -e 's/standard [a-z_]*\.[a-z0-9_]*//g' \
  -e 's/nearest standard [a-z_]*\.[a-z0-9_]*//g' "$tmp/en" |
  grep -oE '\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b' | grep -vxE "${ids%|}" | sort -u | head -5 | tr '\n' ' ')
check "English explanations of 200 generated firms name no internal field" "$leaks" ""
check "English explanations use field phrases (three-year R&D share, expected market value)" \
  "$(grep -c 'three-year R&D share of revenue\|expected market value' "$tmp/en" | sed 's/^[1-9][0-9]*$/some/')" some

# item 3: 资产总计 is 资产总额, 负债总计 is 负债总额
U=91320505MA1N2K3P9H
printf '%s\n' '统一社会信用代码,企业名称,年度,资产总计,负债总计,营业收入' \
  "$U,苏州测试科技有限公司,2024,8000万,2000万,5000万" >"$tmp/a.csv"
"$T" import --db "$tmp/t.db" "$tmp/a.csv" >/dev/null 2>"$tmp/err"
"$T" export --db "$tmp/t.db" --format json "$tmp/x.json" >/dev/null 2>&1
check "资产总计 and 负债总计 import as total assets and liabilities" \
  "$(grep -o '"total_assets":[0-9]*\|"total_liabilities":[0-9]*' "$tmp/x.json" | tr '\n' ' ')" \
  '"total_assets":80000000 "total_liabilities":20000000 '

# item 3: "1 problem", not "1 problems"; "2 problems" stays plural
printf '%s\n' 'uscc,name,year,revenue' "$U,x,2024,abc" >"$tmp/one.csv"
"$T" import --db "$tmp/t.db" "$tmp/one.csv" >/dev/null 2>"$tmp/err"
check "one problem is 'problem' in English" "$(grep -o '1 problems\?,' "$tmp/err")" "1 problem,"
printf '%s\n' 'uscc,name,year,revenue' "$U,x,2024,abc" "$U,x,2023,def" >"$tmp/two.csv"
"$T" import --db "$tmp/t.db" "$tmp/two.csv" >/dev/null 2>"$tmp/err"
check "two problems are 'problems'" "$(grep -o '2 problems\?,' "$tmp/err")" "2 problems,"

# 11.17: a message has its two language forms apart; --lang picks one, the default shows both
printf '%s\n' 'uscc,name,year,revenue' "$U,x,2024,abc" >"$tmp/bad.csv"
"$T" assess "$tmp/bad.csv" >/dev/null 2>"$tmp/both"
"$T" assess --lang en "$tmp/bad.csv" >/dev/null 2>"$tmp/en1"
"$T" assess --lang zh "$tmp/bad.csv" >/dev/null 2>"$tmp/zh1"
check "an input error by default: both languages"   "$(sed "s|$tmp/||" "$tmp/both")" 'bad.csv:2:4: 营业收入: 不是数字: "abc" / revenue: not a number: "abc"'
check "an input error with --lang en: English only"   "$(sed "s|$tmp/||" "$tmp/en1")" 'bad.csv:2:4: revenue: not a number: "abc"'
check "an input error with --lang zh: Chinese only"   "$(sed "s|$tmp/||" "$tmp/zh1")" 'bad.csv:2:4: 营业收入: 不是数字: "abc"'

# 11.15: the rejects file of a JSON input is the rejected records themselves (NDJSON), each with
# a reason key import ignores, so the corrected file imports as it is
printf '%s\n' '[' '  {"uscc":"91320505MA1N2K3P9H","name":"甲","years":{"2024":{"revenue":1000}}},' \
  '  {"uscc":"91321200MA1T5NX21J",' '   "name":"乙","years":{"2024":{"revenue":"abc","employees":-3}}}' \
  ']' >"$tmp/arr.json"
"$T" import --db "$tmp/j.db" --skip-bad "$tmp/rej.ndjson" "$tmp/arr.json" >/dev/null 2>&1
check "JSON rejects: exit 1, one line, the record as written with its reason first" \
  "$?:$(wc -l <"$tmp/rej.ndjson" | tr -d ' '):$(grep -c '^{"拒绝原因/reject reason":"[^"]*不是数字[^,]*","uscc":"91321200MA1T5NX21J",    "name":"乙","years":{"2024":{"revenue":"abc","employees":-3}}}$' "$tmp/rej.ndjson")" \
  "1:1:1"
sed 's/"abc"/2000/; s/-3}/30}/' "$tmp/rej.ndjson" >"$tmp/fixed.ndjson"
"$T" import --db "$tmp/j.db" "$tmp/fixed.ndjson" >"$tmp/out" 2>"$tmp/err"
check "the corrected rejects file imports as it is, the reason key ignored without a warning" \
  "$?:$(grep -o '新增/new [0-9]*' "$tmp/out"):$(grep -c '警告\|warning' "$tmp/err")" "0:新增/new 1:0"
"$T" export --db "$tmp/j.db" --format json "$tmp/j.json" >/dev/null 2>&1
check "and the corrected figures are stored" \
  "$(grep '91321200MA1T5NX21J' "$tmp/j.json" | grep -o '"revenue":[0-9]*\|"employees":[0-9]*' | tr '\n' ' ')" \
  '"revenue":2000 "employees":30 '
