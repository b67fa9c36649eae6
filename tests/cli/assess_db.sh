#!/bin/sh
# `tidu assess db:PATH` reads the registry like any other input (issue 12): the same results as
# the file the registry was imported from, mixed with files, and a clear error when it is missing.
. "$(dirname "$0")/lib/checks.sh"
plan 6

"$T" gen 40 --seed 9 >"$tmp/firms.ndjson"
"$T" import --db "$tmp/reg.db" "$tmp/firms.ndjson" >/dev/null 2>&1
check "import for the test exits 0" "$?" 0

"$T" assess --as-of 2025-06-30 --format json "db:$tmp/reg.db" >"$tmp/db.json" 2>"$tmp/db.err"
check "assess db:PATH exits 0" "$?" 0
check "every registry firm is assessed once" "$(wc -l <"$tmp/db.json" | tr -d ' ')" 40
"$T" assess --as-of 2025-06-30 --format json "$tmp/firms.ndjson" >"$tmp/file.json"
if [ "$(sort "$tmp/db.json")" = "$(sort "$tmp/file.json")" ]; then
  ok "registry results equal the results of the imported file (in USCC order)"
else bad "registry results equal the results of the imported file (in USCC order)"; fi

"$T" assess --as-of 2025-06-30 --format json "$tmp/firms.ndjson" "db:$tmp/reg.db" >"$tmp/both.json"
check "a file and a registry in one call give both" "$(wc -l <"$tmp/both.json" | tr -d ' ')" 80

"$T" assess "db:$tmp/none.db" >/dev/null 2>"$tmp/none.err"
check "a missing registry exits 1 naming it" "$?:$(grep -c "none.db" "$tmp/none.err")" "1:1"
