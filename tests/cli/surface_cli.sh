#!/bin/sh
# Command tests of the command line itself (issue 11, items 16, 20, 21): help texts, "did you
# mean" for options, rule versions' end dates, CSV for Excel (GB18030, Chinese headers).
. "$(dirname "$0")/lib/checks.sh"
plan 28
EX=examples/firms.ndjson

# 11.21: help --help, and every help text ends with a newline
"$T" help --help >"$tmp/out" 2>&1
check "11.21 help --help shows the help of help (exit 0)" \
  "$?:$(grep -c 'tidu help \[COMMAND | --man\]' "$tmp/out")" "0:1"
ends=ok
for c in assess rules gen import firm export db pack simulate project serve user pool ladder \
  transitions progress inst finance event targets report events; do
  "$T" "$c" --help >"$tmp/h" 2>&1
  [ "$(tail -c 1 "$tmp/h" | od -An -c | tr -d ' ')" = '\n' ] || ends="$c"
done
check "11.21 every command's --help ends with a newline" "$ends" ok

# 11.21: a mistyped option names the one meant
"$T" assess --asof 2025-06-30 "$EX" >/dev/null 2>"$tmp/err"
check "11.21 --asof suggests --as-of (exit 2)" "$?:$(grep -c 'did you mean --as-of' "$tmp/err")" "2:1"
"$T" firm list --regoin 3205 >/dev/null 2>"$tmp/err"
check "11.21 --regoin suggests --region" "$(grep -c '是否为 --region' "$tmp/err")" 1
"$T" --colour help >/dev/null 2>"$tmp/err"
check "11.21 a mistyped global option suggests --color" "$?:$(grep -c "did you mean '--color'" "$tmp/err")" "2:1"
"$T" assess --zzzz "$EX" >/dev/null 2>"$tmp/err"
check "11.21 an option far from every other gets no suggestion" "$(grep -c 'did you mean' "$tmp/err")" 0

# 11.21: rules list --all gives each superseded version its end (the next version's start)
"$T" rules list --all >"$tmp/all"
check "11.21 rules list --all: chinext 2020-06 ends when 2024-04 takes effect" \
  "$(grep '^chinext .* 2020-06 ' "$tmp/all" | awk '{print $6}'):$(grep '^chinext .* 2024-04 ' "$tmp/all" | awk '{print $6}')" \
  "2024-04-30:—"

# 11.17: every metric rules can use has a Chinese name
"$T" rules fields >"$tmp/fields"
check "11.17 rules fields: no metric without a Chinese name" \
  "$(awk 'NR > 1 && NF >= 4 && $2 == $1' "$tmp/fields" | wc -l | tr -d ' ')" 0

# 11.16: assess CSV headers in Chinese with --lang zh (the default), ids with --lang en
"$T" assess --as-of 2025-06-30 --format csv "$EX" >"$tmp/zh.csv" 2>/dev/null
"$T" assess --as-of 2025-06-30 --format csv --lang en "$EX" >"$tmp/en.csv" 2>/dev/null
check "11.16 assess CSV headers are Chinese by default" \
  "$(head -1 "$tmp/zh.csv" | cut -d, -f1-5)" "统一社会信用代码,企业名称,年度,主板,主板最近标准"
check "11.16 assess CSV with --lang en keeps the ids" \
  "$(head -1 "$tmp/en.csv" | cut -d, -f1-5)" "uscc,name,year,main,main_nearest"
check "11.16 only the header differs between the two" \
  "$(tail -n +2 "$tmp/zh.csv" | cksum)" "$(tail -n +2 "$tmp/en.csv" | cksum)"

# 11.16: CSV export in GB18030 for Excel on Chinese Windows: no BOM, same text, imports back
DB="$tmp/t.db"
"$T" db init --db "$DB" >/dev/null 2>&1
"$T" import --db "$DB" "$EX" >/dev/null 2>&1
"$T" export --db "$DB" --as-of 2025-06-30 "$tmp/u.csv" >/dev/null 2>&1
"$T" export --db "$DB" --as-of 2025-06-30 --encoding gb18030 "$tmp/g.csv" >/dev/null 2>&1
check "11.16 --encoding gb18030 writes GB18030 (no BOM), the same text as the UTF-8 export" \
  "$(head -c 2 "$tmp/g.csv" | od -An -tx1 | tr -d ' '):$(iconv -f GB18030 -t UTF-8 "$tmp/g.csv" | cksum)" \
  "cdb3:$(tail -c +4 "$tmp/u.csv" | cksum)"
"$T" db init --db "$tmp/back.db" >/dev/null 2>&1
"$T" import --db "$tmp/back.db" "$tmp/g.csv" >/dev/null 2>&1
"$T" export --db "$tmp/back.db" --format json "$tmp/back.json" >/dev/null 2>&1
"$T" export --db "$DB" --format json "$tmp/orig.json" >/dev/null 2>&1
check "11.16 the GB18030 export imports back to the same firms" \
  "$(cmp -s "$tmp/orig.json" "$tmp/back.json" && echo same)" same
"$T" export --db "$DB" --encoding gb18030 "$tmp/x.xlsx" >/dev/null 2>"$tmp/err"
check "11.16 --encoding is refused for XLSX (exit 2)" "$?" 2

# 11.20: the assess table: a USCC column, tiers in ladder order, 160 columns, --wide, --firm
width() { python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(max(w(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$1"; }
COLUMNS=160 "$T" assess --as-of 2025-06-30 "$EX" >"$tmp/t160" 2>/dev/null
check "11.20 the table has a USCC column with every firm's code" \
  "$(head -1 "$tmp/t160" | grep -c USCC):$(grep -cE ' [0-9A-Z]{18}  2024 ' "$tmp/t160")" "1:$(wc -l <"$EX" | tr -d ' ')"
check "11.20 the table fits 160 columns" "$([ "$(width "$tmp/t160")" -le 160 ] && echo fits)" fits
check "11.20 tiers in ladder order: 创新型, 专精特新, 小巨人, 单项冠军" \
  "$(grep -c '创新型 .*专精特新 .*小巨人 .*单项冠军 ' "$tmp/t160")" "$(wc -l <"$EX" | tr -d ' ')"
"$T" assess --as-of 2025-06-30 --wide "$EX" >"$tmp/wide" 2>/dev/null
check "11.20 --wide: one line per firm, names in full" \
  "$(wc -l <"$tmp/wide" | tr -d ' '):$(grep -c '^苏州芯源微电子科技股份有限公司 ' "$tmp/wide")" \
  "$(($(wc -l <"$EX") + 1)):1"
"$T" assess --as-of 2025-06-30 --explain --firm 91320400MA1Q2BT40J "$EX" >"$tmp/one" 2>&1
check "11.20 --explain --firm USCC explains that firm only" \
  "$?:$(grep -cE ' [0-9A-Z]{18}  2024 ' "$tmp/one"):$(grep -c '^91320400MA1Q2BT40J 常州精研传动' "$tmp/one")" "0:1:1"
"$T" assess --as-of 2025-06-30 --explain --firm 常州精研 "$EX" >"$tmp/byname" 2>&1
check "11.20 --firm takes part of a name as well" "$(cmp -s "$tmp/one" "$tmp/byname" && echo same)" same
"$T" assess --as-of 2025-06-30 --firm 不存在的企业 "$EX" >/dev/null 2>"$tmp/err"
check "11.20 --firm that matches no firm says so (exit 1)" "$?:$(grep -c '不存在的企业' "$tmp/err")" "1:1"

# 11.19: a valuation in US dollars is compared with US dollars in both languages
head -1 "$EX" | sed 's/^{/{"valuation_usd":1500000000,/' >"$tmp/uni.ndjson"
"$T" assess --as-of 2025-06-30 --explain --only unicorn --lang en "$tmp/uni.ndjson" >"$tmp/uni_en" 2>&1
"$T" assess --as-of 2025-06-30 --explain --only unicorn "$tmp/uni.ndjson" >"$tmp/uni_zh" 2>&1
check "11.19 valuations in USD: 'valuation (USD) ≥ USD 1000 mn' and 15.00亿美元" \
  "$(grep -c 'valuation (USD) ≥ USD 1000 mn: USD 1500.00 mn' "$tmp/uni_en"):$(grep -c 'CNY' "$tmp/uni_en"):$(grep -c '15.00亿美元,需 ≥ 10.00亿美元' "$tmp/uni_zh")" "1:0:1"

# 11.17 / 11.19: firm show and firm edit name fields in Chinese, values with Chinese labels
"$T" firm edit --db "$DB" 91320400MA1Q2BT40J roe_weighted@2024=abc >/dev/null 2>"$tmp/err"
check "11.17 an edit error names the field in Chinese with its year" \
  "$?:$(grep -c '加权平均净资产收益率(2024) roe_weighted@2024=abc: 不是数字' "$tmp/err")" "1:1"
"$T" firm show --db "$DB" --as-of 2025-06-30 91320400MA1Q2BT40J >"$tmp/show" 2>&1
check "11.19 firm show: enumerations in Chinese (主导产品所属领域(小巨人) 工业六基)" \
  "$(grep -c 'product_domain_lg  *工业六基$' "$tmp/show"):$(grep -c 'six_basics' "$tmp/show")" "1:0"
check "11.19 firm show: every label is set off from its value" \
  "$(grep -cE ' / [a-z_0-9]+[^ a-z_0-9]' "$tmp/show")" 0
"$T" firm list --db "$DB" --as-of 2025-06-30 --board star >"$tmp/list" 2>&1
check "11.17 firm list --board names the board in Chinese" "$(head -1 "$tmp/list" | grep -c '科创板结论')" 1
"$T" simulate --base main@2025-06-30 --set main.1.3=5000 "$EX" >/dev/null 2>"$tmp/err"
check "11.21 simulate --set with a bare amount warns about 万元" "$(grep -c '若指万元请写 5000万' "$tmp/err")" 1
"$T" simulate --base main@2025-06-30 --set main.1.3=5000万 "$EX" >/dev/null 2>"$tmp/err"
check "11.21 simulate --set 5000万 does not warn" "$(grep -c '若指万元' "$tmp/err")" 0
