#!/bin/sh
# Command tests for the population commands: pack, assess --summary, simulate, project.
T=${TIDU_BIN:?TIDU_BIN is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1${2:+ ($2)}"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }

# A number after "KEY": in the first line of FILE that has it.
num() { grep -o "\"$1\": *[0-9]*" "$2" | head -1 | sed 's/.*: *//'; }

# 35 single checks, 9 summary keys, 5 bad --set values
echo "PLAN: $((35 + 9 + 5))"

"$T" gen 2000 --seed 5 >"$tmp/firms.ndjson"
"$T" gen 300 --seed 6 --format csv >"$tmp/more.csv"

# pack: from NDJSON and CSV together, then read back
"$T" pack "$tmp/firms.ndjson" "$tmp/more.csv" -o "$tmp/all.pack" 2>"$tmp/err"
check "pack exits 0" "$?" 0
if grep -q '2300' "$tmp/err"; then ok "pack reports the firm count"
else bad "pack reports the firm count" "$(cat "$tmp/err")"; fi
"$T" pack "$tmp/firms.ndjson" -o "$tmp/firms.pack" 2>/dev/null

# assess --summary: the same aggregates from text and from the pack
"$T" assess --as-of 2025-06-30 --summary --format json "$tmp/firms.ndjson" >"$tmp/s_text.json"
check "assess --summary exits 0" "$?" 0
"$T" assess --as-of 2025-06-30 --summary --format json "$tmp/firms.pack" >"$tmp/s_pack.json"
if cmp -s "$tmp/s_text.json" "$tmp/s_pack.json"; then ok "summary from a pack equals summary from NDJSON"
else bad "summary from a pack equals summary from NDJSON"; fi
check "summary counts every firm" "$(num firms "$tmp/s_text.json")" 2000
for key in '"standards"' '"boards"' '"tiers"' '"by"' '"region"' '"industry"' '"chain"' '"star.1"' '"unknown"'; do
  if grep -q "$key" "$tmp/s_text.json"; then ok "summary has $key"
  else bad "summary has $key"; fi
done
# per board, pass + fail + unknown = firms (scope-free boards)
tr -d ' \n' <"$tmp/s_text.json" | grep -o '"boards":{"main":{[^}]*}' | head -1 >"$tmp/main"
p=$(grep -o '"pass":[0-9]*' "$tmp/main" | cut -d: -f2)
f=$(grep -o '"fail":[0-9]*' "$tmp/main" | cut -d: -f2)
u=$(grep -o '"unknown":[0-9]*' "$tmp/main" | cut -d: -f2)
check "main board: pass + fail + unknown = firms" "$((p + f + u))" 2000

"$T" assess --as-of 2025-06-30 --summary "$tmp/firms.pack" >"$tmp/s_table" 2>&1
if grep -q '2000' "$tmp/s_table" && grep -q 'star' "$tmp/s_table"; then ok "summary table for people"
else bad "summary table for people"; fi

# assess per firm from a pack equals per firm from NDJSON
"$T" assess --as-of 2025-06-30 --only star --format json "$tmp/firms.ndjson" >"$tmp/a_text" 2>/dev/null
"$T" assess --as-of 2025-06-30 --only star --format json "$tmp/firms.pack" >"$tmp/a_pack" 2>/dev/null
if [ -s "$tmp/a_text" ] && cmp -s "$tmp/a_text" "$tmp/a_pack"; then ok "assess reads pack files"
else bad "assess reads pack files"; fi

# simulate: the 2024 main-board change
"$T" simulate --base main@2023-02-17 --with main@2024-04-30 --as-of 2024-04-30 --format json \
  --list "$tmp/firms.pack" >"$tmp/sim.json"
check "simulate exits 0" "$?" 0
check "simulate counts every firm" "$(num firms "$tmp/sim.json")" 2000
if grep -q '"changes"' "$tmp/sim.json" && grep -q '"flips"' "$tmp/sim.json"; then
  ok "simulate lists changes and flips"
else bad "simulate lists changes and flips"; fi
"$T" simulate --base main@2024-04-30 --with main@2024-04-30 --format json "$tmp/firms.pack" >"$tmp/same.json"
if grep -q '"changes": {}' "$tmp/same.json"; then ok "simulate of a version against itself changes nothing"
else bad "simulate of a version against itself changes nothing" "$(head -c 200 "$tmp/same.json")"; fi
"$T" simulate --base main@2023-02-17 "$tmp/firms.pack" >/dev/null 2>&1
check "simulate without --with is a usage error" "$?" 2
"$T" simulate --base main@2023-02-30x --with main@2024-04-30 "$tmp/firms.pack" >/dev/null 2>&1
check "simulate with a bad date is a usage error" "$?" 2

# simulate --set: one threshold edited. Firms where only main.1's "最近一年净利润" decides:
# three years of profit (1亿 in 2022 and 2023), cash flow and revenue high enough under both
# versions, market value too low for main.2 and main.3.
for p0 in 50000000 60000000 80000000 99999999 100000000 120000000; do
  printf '{"name":"P%s","region":"320500","market_cap":1000000000,"years":{' "$p0"
  printf '"2024":{"revenue":700000000,"net_profit":%s,"net_profit_deducted":%s,"operating_cash_flow":100000000},' "$p0" "$p0"
  for y in 2023 2022; do
    printf '"%s":{"revenue":700000000,"net_profit":100000000,"net_profit_deducted":100000000,"operating_cash_flow":100000000}' "$y"
    [ "$y" = 2023 ] && printf ','
  done
  printf '}}\n'
done >"$tmp/p0.ndjson"
"$T" simulate --base main@2023-02-17 --with main@2024-04-30 --list "$tmp/p0.ndjson" >"$tmp/p0_with" 2>&1
check "simulate --with on the profit firms exits 0" "$?" 0
"$T" simulate --base main@2023-02-17 --set main.1.3=1亿 --list "$tmp/p0.ndjson" >"$tmp/p0_set" 2>&1
check "simulate --set exits 0" "$?" 0
grep -P '^\d+\t' "$tmp/p0_with" | cut -f1,4,5 >"$tmp/p0_with.flips"
grep -P '^\d+\t' "$tmp/p0_set" | cut -f1,4,5 >"$tmp/p0_set.flips"
check "the 2024 profit line flips firms 2, 3 and 4" "$(cut -f1 "$tmp/p0_with.flips" | sort -u | tr '\n' ' ')" "2 3 4 "
if [ -s "$tmp/p0_set.flips" ] && cmp -s "$tmp/p0_with.flips" "$tmp/p0_set.flips"; then
  ok "--set main.1.3=1亿 flips exactly the firms main@2024-04-30 flips"
else bad "--set main.1.3=1亿 flips exactly the firms main@2024-04-30 flips" "$(cat "$tmp/p0_set")"; fi
if grep -q 'main.1 #3 最近一年净利润(扣非前后孰低) ≥ 6000万元 → ≥ 1亿元' "$tmp/p0_set"; then ok "simulate --set says what changed"
else bad "simulate --set says what changed" "$(head -2 "$tmp/p0_set")"; fi
"$T" simulate --base main --as-of 2023-06-01 --set main.1.3=1亿 --list "$tmp/p0.ndjson" 2>&1 |
  grep -P '^\d+\t' | cut -f1,4,5 >"$tmp/p0_ids.flips"
if cmp -s "$tmp/p0_ids.flips" "$tmp/p0_set.flips"; then ok "--base IDS takes the versions in force on --as-of"
else bad "--base IDS takes the versions in force on --as-of"; fi
"$T" simulate --base main@2023-02-17 --set main.1.3=6000万 --format json "$tmp/p0.ndjson" >"$tmp/p0_same.json"
if grep -q '"changes": {}' "$tmp/p0_same.json"; then ok "simulate --set to the same value changes nothing"
else bad "simulate --set to the same value changes nothing" "$(head -c 300 "$tmp/p0_same.json")"; fi
if grep -q '"set"' "$tmp/p0_same.json"; then ok "simulate --set JSON lists the change"
else bad "simulate --set JSON lists the change"; fi
"$T" simulate --base main@2023-02-17 --set main.1.3=1亿 --set main.1.2=2亿 "$tmp/p0.ndjson" >"$tmp/p0_two" 2>&1
check "simulate --set is repeatable" "$(grep -c '改动 / changed' "$tmp/p0_two")" 2
for bad_set in main.9.1=1 main.1.9=1 main.1.3=abc main.1.3=12% main.1=1; do
  "$T" simulate --base main@2023-02-17 --set "$bad_set" "$tmp/p0.ndjson" >/dev/null 2>"$tmp/err"
  check "simulate --set $bad_set is a usage error" "$?" 2
done
"$T" simulate --base main@2023-02-17 --set main.9.1=1 "$tmp/p0.ndjson" 2>&1 | grep -q "did you mean 'main.1'"
check "an unknown standard gets a suggestion" "$?" 0
"$T" simulate --base main@2023-02-17 --set main.1.9=1 "$tmp/p0.ndjson" 2>&1 | grep -q "has 5 numeric"
check "N out of range says how many there are" "$?" 0
"$T" simulate --base main@2023-02-17 --with main@2024-04-30 --set main.1.3=1亿 "$tmp/p0.ndjson" >/dev/null 2>&1
check "simulate with both --with and --set is a usage error" "$?" 2
"$T" rules show main --as-of 2024-05-01 >"$tmp/show_main"
if grep -q '#3 最近一年净利润(扣非前后孰低) ≥ 1亿元' "$tmp/show_main"; then ok "rules show numbers the comparisons"
else bad "rules show numbers the comparisons"; fi

# project: one line per firm
"$T" project --as-of 2025-06-30 --only star,main --horizon 4 "$tmp/firms.pack" >"$tmp/proj"
check "project exits 0" "$?" 0
check "project writes a line per firm" "$(wc -l <"$tmp/proj")" 2000
if grep -q '"first_year"' "$tmp/proj" && grep -q '"horizon":4' "$tmp/proj"; then ok "project names first years"
else bad "project names first years"; fi
"$T" project --horizon 99 "$tmp/firms.pack" >/dev/null 2>&1
check "project horizon out of range is a usage error" "$?" 2

# errors
"$T" pack "$tmp/nope.ndjson" -o "$tmp/x.pack" >/dev/null 2>&1
check "pack of a missing file exits 1" "$?" 1
"$T" pack "$tmp/firms.ndjson" >/dev/null 2>&1
check "pack without -o is a usage error" "$?" 2
printf 'TIDUPACK garbage' >"$tmp/bad.pack"
"$T" assess --summary "$tmp/bad.pack" >/dev/null 2>"$tmp/err"
check "a damaged pack exits 1" "$?" 1
if grep -q 'pack' "$tmp/err"; then ok "a damaged pack is named as such"
else bad "a damaged pack is named as such" "$(cat "$tmp/err")"; fi
