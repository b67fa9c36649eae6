#!/bin/sh
# Command tests for `tidu gen`: deterministic, seed-dependent, valid input for assess.
. "$(dirname "$0")/lib/checks.sh"

plan 19

a=$("$T" gen 500 --seed 42 | cksum)
b=$("$T" gen 500 --seed 42 | cksum)
c=$("$T" gen 500 --seed 43 | cksum)
check "gen: same seed, same bytes" "$a" "$b"
if [ "$a" != "$c" ]; then ok "gen: different seeds differ"; else bad "gen: different seeds differ"; fi
a=$("$T" gen 50 --seed 9 --format csv | cksum)
b=$("$T" gen 50 --seed 9 --format csv | cksum)
check "gen csv: same seed, same bytes" "$a" "$b"

# a prefix of a population is the smaller population
"$T" gen 100 --seed 5 | head -40 >"$tmp/a"
"$T" gen 40 --seed 5 >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b"; then ok "gen: firm i does not depend on N"; else bad "gen: firm i does not depend on N"; fi

"$T" gen 300 --seed 7 >"$tmp/p.ndjson"
check "gen: one line per firm" "$(wc -l <"$tmp/p.ndjson" | tr -d ' ')" 300
n=$(grep -c '"uscc":"9[0-9A-HJ-NPQRTUWXY]\{17\}"' "$tmp/p.ndjson")
check "gen: every firm has a USCC" "$n" 300
dup=$(grep -o '"uscc":"[^"]*"' "$tmp/p.ndjson" | sort | uniq -d | wc -l | tr -d ' ')
check "gen: USCCs are unique" "$dup" 0
if grep -q '"region":"32' "$tmp/p.ndjson" && grep -q '"region":"31' "$tmp/p.ndjson" &&
  grep -q '"region":"61' "$tmp/p.ndjson"; then ok "gen: Jiangsu, Shanghai and Shaanxi"
else bad "gen: Jiangsu, Shanghai and Shaanxi"; fi
loss=$(grep -o '"2024":{[^}]*}' "$tmp/p.ndjson" | grep -c '"net_profit":-')
if [ "$loss" -ge 20 ] && [ "$loss" -le 110 ]; then ok "gen: some firms make losses ($loss/300)"
else bad "gen: some firms make losses" "$loss/300"; fi

# assess accepts the generated population without any error or warning
"$T" assess --format json "$tmp/p.ndjson" >"$tmp/out" 2>"$tmp/err"
check "gen | assess: exit 0" "$?" 0
check "gen | assess: no messages" "$(wc -c <"$tmp/err" | tr -d ' ')" 0
check "gen | assess: every firm assessed" "$(wc -l <"$tmp/out" | tr -d ' ')" 300
"$T" gen 100 --seed 8 --format csv >"$tmp/p.csv"
"$T" assess --format csv "$tmp/p.csv" >"$tmp/out" 2>"$tmp/err"
check "gen csv | assess: exit 0" "$?" 0
check "gen csv | assess: no messages" "$(wc -c <"$tmp/err" | tr -d ' ')" 0
check "gen csv | assess: every firm assessed" "$(wc -l <"$tmp/out" | tr -d ' ')" 101

# --years fixes the number of fiscal years
"$T" gen 20 --years 3 --last-year 2023 >"$tmp/y"
n=$(grep -o '"20[0-9][0-9]":{' "$tmp/y" | sort -u | tr -d '\n')
check "gen --years 3 --last-year 2023" "$n" '"2021":{"2022":{"2023":{'

"$T" gen >/dev/null 2>&1
check "gen without N: exit 2" "$?" 2
"$T" gen ten >/dev/null 2>&1
check "gen with a bad N: exit 2" "$?" 2
"$T" gen 5 --years 99 >/dev/null 2>&1
check "gen with bad --years: exit 2" "$?" 2
