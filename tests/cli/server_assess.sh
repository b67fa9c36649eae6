#!/bin/sh
# The same firms assessed through POST /api/assess and through `tidu assess --format json` give
# the same verdicts, gaps and explanations: generated firms, at two assessment dates.
. "$(dirname "$0")/lib/checks.sh"
. "$(dirname "$0")/lib/server.sh"
W=$tmp
echo "PLAN: 4"
"$T" gen 120 --seed 808 >"$W/firms.ndjson"
server_start "$W/t.db" --assess-rate 0 || { bad "server starts"; exit 1; }
for as_of in 2023-06-30 2025-12-31; do
  "$T" assess --format json --as-of "$as_of" "$W/firms.ndjson" >"$W/cli.$as_of"
  : >"$W/api.$as_of"
  while IFS= read -r line; do
    printf '%s' "$line" | curl -s -X POST -H 'Content-Type: application/json' --data-binary @- \
      "$URL/api/assess?as_of=$as_of" >>"$W/api.$as_of"
    echo >>"$W/api.$as_of"
  done <"$W/firms.ndjson"
  check "api = cli on 120 generated firms at $as_of (whole §4 JSON)" \
    "$(cmp -s "$W/cli.$as_of" "$W/api.$as_of" && echo same)" same
  n=$(node -e '
    const fs = require("fs");
    const a = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const b = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
    let same = 0;
    a.forEach((x, i) => {
      const key = (r) => JSON.stringify(r.results.map((s) => [s.id, s.verdict, s.nearest,
        (s.standards || []).map((t) => t.conditions.map((c) => [c.verdict, c.gap]))]));
      if (key(x) === key(b[i])) same++;
    });
    console.log(`${same}/${a.length}`);' "$W/cli.$as_of" "$W/api.$as_of")
  check "verdicts, nearest standards and gaps agree firm by firm at $as_of" "$n" "120/120"
done
