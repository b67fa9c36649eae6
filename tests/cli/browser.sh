#!/bin/sh
# The web UI in a real browser (Debian chromium + playwright-core): self-assessment, sign-in,
# firm list and file with charts, XLSX import with a bad row, export download, rules what-if.
. "$(dirname "$0")/lib/checks.sh"
. "$(dirname "$0")/lib/server.sh"
W=$tmp
"$T" import --db "$W/t.db" examples/firms.ndjson >/dev/null
"$T" gen 300 --seed 11 >"$W/pop.ndjson"
"$T" import --db "$W/t.db" "$W/pop.ndjson" >/dev/null
server_start "$W/t.db" || { echo "PLAN: 1"; bad "server starts"; exit 1; }
SHOTS=${BUILD:-build/release}/browser node tests/browser/run.mjs "$URL" "$ADMIN_PW" "$W" "$T"
