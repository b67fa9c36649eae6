#!/bin/sh
# Golden outputs of `tidu assess` on the bundled examples: every verdict, nearest standard and
# score at two dates (CSV), and full explanations of two firms in Chinese and English.
# TIDU_REGEN=1 rewrites the expected files; review the diff before committing.
. "$(dirname "$0")/lib/checks.sh"
G=tests/golden/assess
EX=examples/firms.ndjson

golden() { # NAME: compares $tmp/NAME with $G/NAME
  if [ "${TIDU_REGEN:-0}" = 1 ]; then
    cp "$tmp/$1" "$G/$1"
    ok "golden $1 (regenerated)"
  elif cmp -s "$tmp/$1" "$G/$1"; then
    ok "golden $1"
  else
    bad "golden $1" "differs: diff $G/$1 <(tidu …)"
    diff "$G/$1" "$tmp/$1" | head -20
  fi
}

# two checks at each of two dates, three explanations, the man page
plan $((2 * 2 + 3 + 1))

for d in 2024-01-15 2025-06-30; do
  "$T" assess --as-of "$d" --format csv --lang en "$EX" >"$tmp/examples-$d.csv" 2>"$tmp/err"
  check "assess csv at $d exits 0 with no messages" "$?:$(cat "$tmp/err")" "0:"
  golden "examples-$d.csv"
done

grep '苏州芯源微电子' "$EX" >"$tmp/star_firm.ndjson"
"$T" assess --as-of 2025-06-30 --explain --only star,star_tech "$tmp/star_firm.ndjson" \
  >"$tmp/explain-star-zh.txt"
golden explain-star-zh.txt
"$T" assess --as-of 2025-06-30 --explain --lang en --only star,star_tech "$tmp/star_firm.ndjson" \
  >"$tmp/explain-star-en.txt"
golden explain-star-en.txt

grep '常州精研传动' "$EX" >"$tmp/tier_firm.ndjson"
"$T" assess --as-of 2025-06-30 --explain --only innovative_sme,bse "$tmp/tier_firm.ndjson" \
  >"$tmp/explain-tier-zh.txt"
golden explain-tier-zh.txt

# The checked-in man page is the generated one (regenerate: tidu help --man > docs/tidu.1).
"$T" help --man >"$tmp/tidu.1"
if cmp -s "$tmp/tidu.1" docs/tidu.1; then ok "docs/tidu.1 is up to date"; else
  bad "docs/tidu.1 is up to date" "run: tidu help --man > docs/tidu.1"
fi
