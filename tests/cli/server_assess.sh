#!/bin/sh
# The same firms assessed through POST /api/assess and through `tidu assess --format json` give
# the same verdicts, gaps and explanations: generated firms, at two assessment dates, at each
# detail level; GET /api/rules/{id} lists the conditions the replies refer to.
. "$(dirname "$0")/lib/checks.sh"
. "$(dirname "$0")/lib/server.sh"
W=$tmp
echo "PLAN: 9"
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

# detail=summary and detail=all answer as the command line's --detail does; failing is the default
A=2025-12-31
head -12 "$W/firms.ndjson" >"$W/twelve.ndjson"
for level in summary all; do
  "$T" assess --format json --detail $level --as-of $A "$W/twelve.ndjson" >"$W/cli.$level"
  : >"$W/api.$level"
  while IFS= read -r line; do
    printf '%s' "$line" | curl -s -X POST -H 'Content-Type: application/json' --data-binary @- \
      "$URL/api/assess?as_of=$A&detail=$level" >>"$W/api.$level"
    echo >>"$W/api.$level"
  done <"$W/twelve.ndjson"
  check "api detail=$level = cli --detail $level on 12 firms" \
    "$(cmp -s "$W/cli.$level" "$W/api.$level" && echo same)" same
done
head -1 "$W/firms.ndjson" >"$W/one.json"
code=$(curl -s -o "$W/bad.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary @"$W/one.json" "$URL/api/assess?detail=most")
check "an unknown detail is a 400 naming the parameter" \
  "$code:$(grep -c '"detail"' "$W/bad.json")" "400:1"
a=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$W/one.json" "$URL/api/assess" | wc -c)
b=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$W/one.json" "$URL/api/assess?detail=all" | wc -c)
if [ "$a" -gt 0 ] && [ $((a * 4)) -lt "$b" ]; then ok "the default reply is the lighter one ($a bytes against $b with detail=all)"
else bad "the default reply is the lighter one" "$a against $b bytes"; fi
# every ref of the default replies is listed by GET /api/rules/{id} with its source
curl -s "$URL/api/rules/star" >"$W/star.rules"
n=$(node -e '
  const fs = require("fs");
  const rules = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const refs = new Map();
  for (const v of rules.versions) for (const c of v.conditions || []) refs.set(`${v.version} ${c.ref}`, c);
  let seen = 0, bad = 0;
  for (const l of fs.readFileSync(process.argv[2], "utf8").trim().split("\n")) {
    for (const r of JSON.parse(l).results.filter((x) => x.id === "star"))
      for (const s of r.standards) for (const c of s.conditions) {
        seen++;
        const d = refs.get(`${r.version} ${c.ref}`);
        if (!d || d.text !== c.text || !("source" in d)) bad++;
      }
  }
  console.log(seen > 0 && bad === 0 ? "all found" : `${bad} of ${seen} not found`);' \
  "$W/star.rules" "$W/api.2025-12-31")
check "GET /api/rules/star lists every condition the replies refer to" "$n" "all found"
