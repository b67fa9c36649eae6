#!/bin/sh
# Per-firm output of `tidu assess`: json at each --detail level, the CSV gap and score columns
# (checked against --explain, and at a threshold exactly and one 分 under), and the table's
# pages on long Chinese names.
. "$(dirname "$0")/lib/checks.sh"
EX=examples/firms.ndjson
A=2025-06-30
G=tests/golden/assess

plan 32

# ---- json: --detail all is the full contract §4 object as it was written before --detail ----
head -3 "$EX" >"$tmp/three.ndjson"
"$T" assess --as-of $A --format json --detail all --only star,innovative_sme "$tmp/three.ndjson" \
  >"$tmp/all3" 2>"$tmp/err"
check "--detail all equals the earlier full output (golden, 3 firms)" \
  "$(cmp -s "$tmp/all3" "$G/detail-all-2025-06-30.ndjson" && echo same):$(cat "$tmp/err")" "same:"

"$T" assess --as-of $A --format json --detail all "$EX" >"$tmp/all" 2>"$tmp/err"
check "--detail all exits 0" "$?:$(cat "$tmp/err")" "0:"
"$T" assess --as-of $A --format json "$EX" >"$tmp/default"
"$T" assess --as-of $A --format json --detail failing "$EX" >"$tmp/failing"
"$T" assess --as-of $A --format json --detail summary "$EX" >"$tmp/summary"
check "the default detail is failing" "$(cmp -s "$tmp/default" "$tmp/failing" && echo same)" same
"$T" assess --as-of $A --format json --detail failing --threads 1 "$EX" >"$tmp/failing1"
check "one thread writes the same lines as several" \
  "$(cmp -s "$tmp/failing1" "$tmp/failing" && echo same)" same
"$T" rules show star --as-of $A --format json >"$tmp/star.json" 2>/dev/null
for id in main chinext bse neeq regional star_tech chinext_growth innovative_sme srdi_sme \
  little_giant single_champion above_scale high_tech gazelle unicorn; do
  "$T" rules show $id --as-of $A --format json >>"$tmp/star.json" 2>/dev/null
done

# Compares the three levels firm by firm (node reads the JSON): prints one word per property.
node -e '
const fs = require("fs");
const rd = (f) => fs.readFileSync(f, "utf8").trim().split("\n").map(JSON.parse);
const [all, fail, sum] = [rd(process.argv[1]), rd(process.argv[2]), rd(process.argv[3])];
const refs = new Map();
for (const l of fs.readFileSync(process.argv[4], "utf8").trim().split("\n")) {
  const rs = JSON.parse(l);
  for (const c of rs.conditions) refs.set(`${rs.version} ${c.ref}`, c); // variants share an id
}
const out = {};
const say = (k, v) => { out[k] = out[k] === undefined ? v : out[k] && v; };
all.forEach((a, i) => {
  const f = fail[i], s = sum[i];
  for (const x of [f, s]) say("contract", x.uscc === a.uscc && x.name === a.name && x.year === a.year
    && x.results.length === a.results.length);
  a.results.forEach((ra, k) => {
    const rf = f.results[k], rsum = s.results[k];
    for (const r of [rf, rsum]) {
      say("verdicts", r.id === ra.id && r.kind === ra.kind && r.name === ra.name
        && r.version === ra.version && r.verdict === ra.verdict && r.nearest === ra.nearest
        && r.score === ra.score && r.pass_score === ra.pass_score
        && JSON.stringify(r.missing) === JSON.stringify(ra.missing));
      say("standards", JSON.stringify((r.standards || []).map((t) => [t.id, t.verdict]))
        === JSON.stringify((ra.standards || []).map((t) => [t.id, t.verdict])));
    }
    say("summary has no conditions", (rsum.standards || []).every((t) => !t.conditions)
      && !rsum.items && !rsum.requires);
    // every failing or unknown condition of a standard at failing detail is the one at all
    (ra.standards || []).forEach((ta, j) => {
      const want = ta.conditions.filter((c) => c.verdict !== "pass" && c.verdict !== "n/a");
      const got = rf.standards[j].conditions;
      say("failing lists the failing and unknown conditions", got.length <= want.length
        && got.every((c) => c.verdict === "fail" || c.verdict === "unknown"));
      got.forEach((c) => {
        const m = want.find((w) => w.text === c.text && w.value === c.value && w.gap === c.gap
          && w.threshold === c.threshold && w.verdict === c.verdict);
        say("each failing condition carries the same value, threshold and gap", !!m);
        const ref = refs.get(`${rf.version} ${c.ref}`);
        say("each ref names a condition of rules show with its source",
          !!ref && ref.text === c.text && ref.standard === ta.id && "source" in ref);
      });
      if (ta.verdict === "fail") say("a failing standard names at least one condition", got.length > 0);
    });
  });
});
say("no condition texts of passing standards at failing detail",
  fail.every((x) => x.results.every((r) => (r.standards || []).every((t) =>
    t.verdict !== "pass" || t.conditions.length === 0))));
for (const k of Object.keys(out).sort()) console.log(`${k}: ${out[k] ? "yes" : "no"}`);
' "$tmp/all" "$tmp/failing" "$tmp/summary" "$tmp/star.json" >"$tmp/props" 2>&1
for p in "contract" "verdicts" "standards" "summary has no conditions" \
  "failing lists the failing and unknown conditions" \
  "each failing condition carries the same value, threshold and gap" \
  "each ref names a condition of rules show with its source" \
  "a failing standard names at least one condition" \
  "no condition texts of passing standards at failing detail"; do
  check "json levels: $p" "$(grep "^$p: " "$tmp/props")" "$p: yes"
done
sa=$(wc -c <"$tmp/all")
sf=$(wc -c <"$tmp/failing")
ss=$(wc -c <"$tmp/summary")
if [ "$ss" -lt "$sf" ] && [ $((sf * 4)) -lt "$sa" ]; then
  ok "summary < failing < a quarter of all ($ss < $sf < $sa bytes)"
else bad "summary < failing < a quarter of all" "$ss $sf $sa"; fi
"$T" assess --format csv --detail summary "$EX" >/dev/null 2>&1
check "--detail goes with json only (exit 2)" "$?" 2
"$T" assess --format json --detail most "$EX" >/dev/null 2>"$tmp/err"
check "an unknown --detail is a usage error naming the levels" \
  "$?:$(grep -c 'summary, failing, all' "$tmp/err")" "2:1"

# ---- CSV: the nearest standard's gap per board, the score per tier ----
grep '上海浦芯' "$EX" >"$tmp/pu.ndjson"
"$T" assess --as-of $A --format csv --lang en --only star,innovative_sme "$tmp/pu.ndjson" >"$tmp/pu.csv"
"$T" assess --as-of $A --explain --only star,innovative_sme "$tmp/pu.ndjson" >"$tmp/pu.txt"
check "csv columns per board and tier" "$(head -1 "$tmp/pu.csv")" \
  "uscc,name,year,star,star_nearest,star_gap,star_gap_condition,innovative_sme,innovative_sme_score"
# --explain: ✗ 预计市值不低于30亿元 28.00亿元,需 ≥ 30.00亿元,差 2.00亿元 under standard star.4
check "csv gap of star.4 is the one --explain gives (差 2.00亿元 = 200000000)" \
  "$(tail -1 "$tmp/pu.csv" | cut -d, -f4-7):$(grep -c '预计市值不低于30亿元 28.00亿元,需 ≥ 30.00亿元,差 2.00亿元' "$tmp/pu.txt")" \
  "fail,star.4,200000000,预计市值不低于30亿元:1"
score=$(sed -n '/创新型中小企业 (innovative_sme)/,$p' "$tmp/pu.txt" | grep -m1 -o '总分 [0-9.]*' | cut -d' ' -f2)
check "csv score of innovative_sme is the one --explain gives (总分 $score)" \
  "$(tail -1 "$tmp/pu.csv" | cut -d, -f8-9)" "pass,${score:-none}"

# a firm exactly at star.4's 30亿 passes with gap 0; one 分 under fails by 0.01
sed 's/"market_cap":2800000000/"market_cap":3000000000/' "$tmp/pu.ndjson" >"$tmp/at.ndjson"
sed 's/"market_cap":2800000000/"market_cap":2999999999.99/' "$tmp/pu.ndjson" >"$tmp/under.ndjson"
check "csv: market value exactly 30亿 passes star.4 with gap 0" \
  "$("$T" assess --as-of $A --format csv --only star "$tmp/at.ndjson" | tail -1 | cut -d, -f4-7)" \
  "pass,star.4,0,"
check "csv: one 分 under 30亿 fails star.4 by 0.01 元" \
  "$("$T" assess --as-of $A --format csv --only star "$tmp/under.ndjson" | tail -1 | cut -d, -f4-7)" \
  "fail,star.4,0.01,预计市值不低于30亿元"
if "$T" assess --as-of $A --only star "$tmp/under.ndjson" | grep -q '✗ star\.4 差0\.01元'; then
  ok "table: one 分 under reads 差0.01元"
else bad "table: one 分 under reads 差0.01元" "$("$T" assess --as-of $A --only star "$tmp/under.ndjson" | tail -1)"; fi

# ---- a tier failed by a require block while its score passes names the block ----
F=91320500MA1MX3K71M
"$T" assess --as-of $A --only innovative_sme --firm $F "$EX" >"$tmp/tier.txt"
check "table: a full score failed by the basic conditions says so (创新型 ✗100 基本条件)" \
  "$(grep -c '创新型 ✗100 基本条件' "$tmp/tier.txt")" 1
check "--explain shows the same block failing" \
  "$("$T" assess --as-of $A --explain --only innovative_sme --firm $F "$EX" | grep -c '^  ✗ 基本条件$')" 1
check "table in English: innov ✗100 common" \
  "$("$T" assess --lang en --as-of $A --only innovative_sme --firm $F "$EX" | grep -c 'innov ✗100 common')" 1

# ---- the table: pages of 256 firms, long Chinese names cut by display width ----
long='江苏省苏州市工业园区超长名称新一代集成电路装备与精密制造研究院股份有限公司'
awk -v long="$long" '{ for (i = 0; i < 15; i++) { s = $0; sub(/"name":"[^"]*"/, "\"name\":\"" long i "\"", s); print s } }' \
  "$EX" >"$tmp/long.ndjson" # 300 firms
"$T" assess --as-of $A "$tmp/long.ndjson" >"$tmp/long.txt" 2>"$tmp/err"
check "table on 300 firms exits 0" "$?:$(cat "$tmp/err")" "0:"
check "table: every firm has its row" "$(grep -cE ' [0-9A-Z]{18}  ' "$tmp/long.txt")" 300
check "table: a header for each page of 256 firms" "$(grep -c '^企业 ' "$tmp/long.txt")" 2
widest=$(python3 -c '
import sys, unicodedata
w = 0
for line in open(sys.argv[1], encoding="utf-8"):
    w = max(w, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line.rstrip("\n")))
print(w)' "$tmp/long.txt")
if [ "$widest" -le 160 ]; then ok "table: no line wider than 160 columns (widest $widest)"
else bad "table: no line wider than 160 columns" "widest $widest"; fi
check "table: every long name is cut by display width and ends in …" \
  "$(grep -c '^江苏省苏州市[^ ]*…  *[0-9A-Z]\{18\}  ' "$tmp/long.txt")" 300
# each row's columns line up with its own page's header (display columns, CJK counted as two)
aligned=$(python3 -c '
import re, sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
head = None
bad = rows = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("企业 "):
        head = [w(line[:line.index(t)]) for t in ("USCC", "年度", "主板")]
        continue
    m = re.search(r" ([0-9A-Z]{18})  ", line)
    if not m or head is None: continue
    rows += 1
    starts = (m.start(1), m.end(1) + 2, m.end(1) + 2 + 6)  # USCC, year (4 + 2), first board
    if [w(line[:i]) for i in starts] != head: bad += 1
print(f"{rows - bad}/{rows}")' "$tmp/long.txt")
check "table: every row lines up with its page's header" "$aligned" "300/300"
# --firm: matches on both pages, the output still starts with the header (no blank line)
"$T" assess --as-of $A --firm "${long}14" "$tmp/long.ndjson" >"$tmp/firm.txt" 2>"$tmp/err"
check "--firm over two pages: header first, its 20 firms, no blank line" \
  "$(head -1 "$tmp/firm.txt" | cut -c1-6):$(grep -cE ' [0-9A-Z]{18}  ' "$tmp/firm.txt"):$(grep -c '^$' "$tmp/firm.txt")" "企业:20:0"
