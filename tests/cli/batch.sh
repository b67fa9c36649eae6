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
