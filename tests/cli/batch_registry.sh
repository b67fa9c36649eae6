#!/bin/sh
# Command tests for population commands reading the registry (`db:PATH` inputs).
T=${TIDU_BIN:?TIDU_BIN is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1${2:+ ($2)}"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }

echo "PLAN: 6"

"$T" gen 300 --seed 9 >"$tmp/firms.ndjson"
"$T" import --db "$tmp/reg.db" "$tmp/firms.ndjson" >/dev/null 2>&1
check "import for the registry test exits 0" "$?" 0

"$T" assess --as-of 2025-06-30 --summary --format json "db:$tmp/reg.db" >"$tmp/s_db.json"
check "assess --summary from the registry exits 0" "$?" 0
"$T" assess --as-of 2025-06-30 --summary --format json "$tmp/firms.ndjson" >"$tmp/s_file.json"
if [ -s "$tmp/s_db.json" ] && cmp -s "$tmp/s_db.json" "$tmp/s_file.json"; then
  ok "summary from the registry equals summary from the file it was imported from"
else bad "summary from the registry equals summary from the file it was imported from"; fi

"$T" pack "db:$tmp/reg.db" -o "$tmp/reg.pack" 2>/dev/null
check "pack from the registry exits 0" "$?" 0
"$T" assess --as-of 2025-06-30 --summary --format json "$tmp/reg.pack" >"$tmp/s_pack.json"
if cmp -s "$tmp/s_db.json" "$tmp/s_pack.json"; then ok "a pack of the registry gives the same summary"
else bad "a pack of the registry gives the same summary"; fi

"$T" assess --summary "db:$tmp/none.db" >/dev/null 2>&1
check "a missing registry exits 1" "$?" 1
