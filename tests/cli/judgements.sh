#!/bin/sh
# Issue 11 items 4 and 8: a judgement not declared is unknown (and named), declared no fails, and
# the difference survives the registry, an export and a re-import; no rule in force on a date is
# an error (exit 1) naming the rule set and the dates covered.
. "$(dirname "$0")/lib/checks.sh"
plan 11

# two firms alike but for market_leading: blank (not declared) and 否 (declared no)
cat >"$tmp/f.csv" <<'CSV'
uscc,name,industry,region,founded,titles,niche_years,market_leading,srdi_eval_score,year,revenue,main_business_revenue,rd_expense,total_assets,total_liabilities,employees,class1_ip,equity_financing
91320500MA1N2K3P99,未申报企业,C3976,320500,2015-03-01,innovative_sme,3,,50,2025,15000000,12000000,1000000,10000000,8000000,200,1,0
91320500MA1N2K3P99,未申报企业,C3976,320500,2015-03-01,innovative_sme,3,,50,2024,15000000,,1000000,,,,,0
91610131MA6W8B2Q6N,申报否企业,C3976,610131,2015-03-01,innovative_sme,3,否,50,2025,15000000,12000000,1000000,10000000,8000000,200,1,0
91610131MA6W8B2Q6N,申报否企业,C3976,610131,2015-03-01,innovative_sme,3,否,50,2024,15000000,,1000000,,,,,0
CSV
verdicts() { # FILE: "name verdict" of srdi_sme per firm (CSV columns 2 and 4)
  "$T" assess --as-of 2026-06-30 --only srdi_sme --format csv "$1" 2>/dev/null |
    awk -F, 'NR > 1 { print $2 " " $4 }' | sort | tr '\n' ';'
}
check "from the file: not declared is unknown, declared no fails" "$(verdicts "$tmp/f.csv")" \
  "未申报企业 unknown;申报否企业 fail;"
"$T" assess --as-of 2026-06-30 --only srdi_sme --explain "$tmp/f.csv" >"$tmp/explain" 2>&1
grep -q '缺少: 主导产品市场地位较为靠前' "$tmp/explain"
check "the explanation names the undeclared judgement" "$?" 0

db="$tmp/t.db"
"$T" db init --db "$db" >/dev/null 2>&1
"$T" import --db "$db" "$tmp/f.csv" >/dev/null 2>&1
check "import exits 0" "$?" 0
"$T" export --db "$db" --format json "$tmp/out.json" >/dev/null 2>&1
check "export exits 0" "$?" 0
grep '申报否企业' "$tmp/out.json" | grep -q '"market_leading":false'
check "export writes a declared no as false" "$?" 0
grep '未申报企业' "$tmp/out.json" | grep -q '"market_leading"'
check "export leaves an undeclared judgement out" "$?" 1
check "after the registry and an export: the same verdicts" "$(verdicts "$tmp/out.json")" \
  "未申报企业 unknown;申报否企业 fail;"

# no version in force
"$T" assess --as-of 2010-01-01 "$tmp/f.csv" >"$tmp/o" 2>"$tmp/e"
check "assess --as-of 2010-01-01 exits 1" "$?" 1
grep -q 'no rule set was in force on 2010-01-01' "$tmp/e"
check "and says no rule set was in force, with the earliest date" "$?:$(grep -c 2011-01-01 "$tmp/e")" "0:1"
"$T" simulate --base main@2010-01-01 --with main@2024-06-01 "$tmp/f.csv" >"$tmp/o" 2>"$tmp/e"
check "simulate --base main@2010-01-01 exits 1 naming main" "$?:$(grep -c 'no version of main was in force on 2010-01-01' "$tmp/e")" "1:1"
"$T" assess --as-of 2015-06-30 --only srdi_sme "$tmp/f.csv" >"$tmp/o" 2>"$tmp/e"
check "assess --only srdi_sme before 2022-08-01 exits 1 naming srdi_sme" "$?:$(grep -c 'no version of srdi_sme' "$tmp/e")" "1:1"
