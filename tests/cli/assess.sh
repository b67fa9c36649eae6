#!/bin/sh
# Command tests for `tidu assess`: table, NDJSON (contract §4), CSV, --as-of, --explain, inputs.
. "$(dirname "$0")/lib/checks.sh"
EX=examples/firms.ndjson
D=tests/data/cli

# JSON structure check without a JSON library: braces and brackets balance outside strings.
balanced() {
  awk '{
    d = 0; s = 0; e = 0
    for (i = 1; i <= length($0); i++) {
      c = substr($0, i, 1)
      if (s) { if (e) e = 0; else if (c == "\\") e = 1; else if (c == "\"") s = 0; continue }
      if (c == "\"") s = 1
      else if (c == "{" || c == "[") d++
      else if (c == "}" || c == "]") { d--; if (d < 0) bad = 1 }
    }
    if (d != 0 || s) bad = 1
  } END { exit bad }' "$1"
}

nfirms=$(wc -l <"$EX")

# 29 single checks and one per rule set in the JSON loop (6)
plan $((29 + 6))

# table: header plus one row per firm, exit 0
"$T" assess "$EX" >"$tmp/table" 2>"$tmp/err"
check "assess table exits 0" "$?" 0
check "assess table has a row per firm" "$(grep -cE ' [0-9A-Z]{18}  ' "$tmp/table")" "$nfirms"
if grep -q '苏州芯源微电子' "$tmp/table" && head -1 "$tmp/table" | grep -q '科创板'; then
  ok "assess table shows names and board headers"
else bad "assess table shows names and board headers"; fi
if grep -q '✓' "$tmp/table" && grep -q '✗' "$tmp/table"; then ok "assess table marks pass and fail"
else bad "assess table marks pass and fail"; fi
# the nearest standard's gap: market value 28亿 against star.4's 30亿
if grep '上海浦芯' "$tmp/table" | grep -q '✗ star\.4 差2亿'; then ok "assess table shows the nearest gap"
else bad "assess table shows the nearest gap" "$(grep '上海浦芯' "$tmp/table")"; fi
# missing figures make a board undetermined, with the count of missing figures
if grep '淮安恒远' "$tmp/table" | grep -q '? main\.[123] 缺[0-9]*项'; then ok "assess table marks missing figures"
else bad "assess table marks missing figures" "$(grep '淮安恒远' "$tmp/table")"; fi
if grep -q "$(printf '\033')" "$tmp/table"; then bad "no colour when stdout is not a terminal"
else ok "no colour when stdout is not a terminal"; fi

# json: one line per firm, input order, balanced, verdicts from the contract
"$T" assess --format json "$EX" >"$tmp/json" 2>"$tmp/err"
check "assess json exits 0" "$?" 0
check "assess json: one line per firm" "$(wc -l <"$tmp/json")" "$nfirms"
grep -o '"uscc":"[0-9A-Z]*"' "$EX" >"$tmp/in_order"
sed 's/^{"uscc":"\([0-9A-Z]*\)".*/"uscc":"\1"/' "$tmp/json" >"$tmp/out_order"
if cmp -s "$tmp/in_order" "$tmp/out_order"; then ok "assess json: input order, uscc first"
else bad "assess json: input order, uscc first"; fi
if balanced "$tmp/json"; then ok "assess json: well-formed"; else bad "assess json: well-formed"; fi
if grep -v '"results":\[' "$tmp/json" | grep -q .; then bad "assess json: every line has results"
else ok "assess json: every line has results"; fi
v=$(grep -o '"verdict":"[a-z]*"' "$tmp/json" | sort -u | tr -d '\n')
check "assess json: verdicts are pass/fail/unknown" "$v" '"verdict":"fail""verdict":"pass""verdict":"unknown"'
for id in main chinext star bse neeq innovative_sme; do
  if grep -q "\"id\":\"$id\"" "$tmp/json"; then ok "assess json names rule set $id"
  else bad "assess json names rule set $id"; fi
done

# --as-of picks the rule version: the Nantong firm passes the 2023 main-board standard
# (profit 1.95亿 over 3 years, 8500万 last year) but not the 2024 one (2亿 and 1亿)
old=$("$T" assess --as-of 2024-01-15 --only main --format csv "$EX" | grep '南通海川' | cut -d, -f4)
new=$("$T" assess --as-of 2025-06-30 --only main --format csv "$EX" | grep '南通海川' | cut -d, -f4)
check "as-of 2024-01-15: main board passes" "$old" pass
check "as-of 2025-06-30: main board fails" "$new" fail

# csv: header and one row per firm
"$T" assess --format csv --lang en "$EX" >"$tmp/csv"
check "assess csv has a row per firm" "$(wc -l <"$tmp/csv")" $((nfirms + 1))
if head -1 "$tmp/csv" | grep -q '^uscc,name,year,main,main_nearest,'; then ok "assess csv header"
else bad "assess csv header" "$(head -1 "$tmp/csv")"; fi

# --only restricts the rule sets
"$T" assess --only star,bse --format json "$EX" >"$tmp/only"
if grep -q '"id":"main"' "$tmp/only"; then bad "--only leaves other rule sets out"
else ok "--only leaves other rule sets out"; fi

# --explain: each standard and its conditions with citations, after the firm's row
"$T" assess --explain --only star "$EX" >"$tmp/explain"
check "assess --explain exits 0" "$?" 0
if grep -q 'star\.4' "$tmp/explain" && [ "$(wc -l <"$tmp/explain")" -gt $((nfirms * 5)) ]; then
  ok "assess --explain lists standards"
else bad "assess --explain lists standards"; fi

# --lang en
if "$T" assess --lang en "$EX" | head -1 | grep -q 'Firm'; then ok "assess --lang en headers"
else bad "assess --lang en headers"; fi

# other inputs: long CSV, Chinese headers with 万元, standard input
"$T" assess --format json "$D/firms.csv" >"$tmp/c" 2>"$tmp/err"
check "assess reads a long CSV" "$?:$(wc -l <"$tmp/c")" "0:3"
"$T" assess --format json "$D/firms_zh.csv" >"$tmp/z" 2>"$tmp/err"
check "assess reads Chinese headers" "$?:$(wc -l <"$tmp/z")" "0:2"
"$T" assess --format json "$D/firms_zh.xlsx" >"$tmp/x" 2>"$tmp/err"
check "assess reads XLSX" "$?:$(wc -l <"$tmp/x")" "0:2"
"$T" assess --format json - <"$EX" >"$tmp/s" 2>"$tmp/err"
check "assess reads standard input" "$?:$(wc -l <"$tmp/s")" "0:$nfirms"
"$T" assess --format json "$EX" "$D/firms.csv" >"$tmp/two" 2>"$tmp/err"
check "assess reads several files in turn" "$(wc -l <"$tmp/two")" $((nfirms + 3))

# --summary (population totals)
"$T" assess --summary "$EX" >"$tmp/sum" 2>"$tmp/err"
check "assess --summary exits 0" "$?" 0

# --color forces colour even when stdout is not a terminal
if "$T" --color assess --only star "$EX" | grep -q "$(printf '\033')\[3"; then ok "--color forces colour"
else bad "--color forces colour"; fi

# a pack file gives the same results as the text it was made from
"$T" pack -o "$tmp/ex.pack" "$EX" >/dev/null 2>&1
"$T" assess --format csv "$EX" >"$tmp/from_text"
"$T" assess --format csv "$tmp/ex.pack" >"$tmp/from_pack" 2>"$tmp/err"
if cmp -s "$tmp/from_text" "$tmp/from_pack"; then ok "assess reads a pack file"
else bad "assess reads a pack file"; fi
