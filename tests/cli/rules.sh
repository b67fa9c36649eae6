#!/bin/sh
# Command tests for `tidu rules` and `tidu help`: listing, showing, checking, fields, man page.
. "$(dirname "$0")/lib/checks.sh"

# 24 single checks, 7 rule sets listed, 3 dump modes
plan $((24 + 7 + 3))

"$T" rules list >"$tmp/list"
check "rules list exits 0" "$?" 0
for id in main chinext star bse neeq innovative_sme srdi_sme; do
  if grep -q "^$id " "$tmp/list"; then ok "rules list shows $id"; else bad "rules list shows $id"; fi
done
check "rules list: one version of main in force" "$(grep -c '^main ' "$tmp/list")" 1
"$T" rules list --all >"$tmp/all"
if [ "$(grep -c '^main ' "$tmp/all")" -ge 2 ]; then ok "rules list --all shows every version"
else bad "rules list --all shows every version"; fi
old=$("$T" rules list --as-of 2024-01-15 | grep '^main ' | awk '{print $5}')
new=$("$T" rules list --as-of 2025-06-30 | grep '^main ' | awk '{print $5}')
if [ -n "$old" ] && [ "$old" != "$new" ]; then ok "rules list --as-of picks the version"
else bad "rules list --as-of picks the version" "$old / $new"; fi

"$T" rules show star >"$tmp/show"
check "rules show exits 0" "$?" 0
if grep -q 'star\.1' "$tmp/show" && grep -q 'star\.5' "$tmp/show" && grep -q '科创板' "$tmp/show"; then
  ok "rules show lists the standards"
else bad "rules show lists the standards"; fi
if grep -q '10亿' "$tmp/show"; then ok "rules show states thresholds in words"
else bad "rules show states thresholds in words"; fi
for m in tokens tree program; do
  "$T" rules show star --dump "$m" >"$tmp/dump" 2>&1
  if [ $? -eq 0 ] && [ -s "$tmp/dump" ]; then ok "rules show --dump $m"; else bad "rules show --dump $m"; fi
done
"$T" rules show nosuch >/dev/null 2>&1
check "rules show of an unknown id exits 2" "$?" 2
"$T" rules show star --dump bytes >/dev/null 2>&1
check "rules show --dump with a bad mode exits 2" "$?" 2

"$T" rules check >"$tmp/check" 2>&1
check "rules check of the built-in rules exits 0" "$?" 0

mkdir "$tmp/r"
cat >"$tmp/r/broken.tidu" <<'RULE'
ruleset broken "测试" kind board
  effective 2024-01-01

standard broken.1 "营业收入" {
  revnue[0] >= 1亿
}
RULE
"$T" rules check "$tmp/r" >"$tmp/out" 2>"$tmp/err"
check "rules check of a broken file exits 1" "$?" 1
if grep -q "broken.tidu:5:3: " "$tmp/err"; then ok "rules check names file:line:col"
else bad "rules check names file:line:col" "$(head -1 "$tmp/err")"; fi
if grep -q '^ *| *\^' "$tmp/err"; then ok "rules check draws a caret"
else bad "rules check draws a caret"; fi
if grep -q "revenue" "$tmp/err"; then ok "rules check suggests a name"; else bad "rules check suggests a name"; fi
"$T" assess --rules "$tmp/r" examples/firms.ndjson >/dev/null 2>&1
check "assess with broken rules exits 1" "$?" 1

"$T" rules fields >"$tmp/fields"
check "rules fields exits 0" "$?" 0
if grep -q '^revenue  *营业收入' "$tmp/fields" && grep -q '^profit ' "$tmp/fields"; then
  ok "rules fields lists fields and derived series"
else bad "rules fields lists fields and derived series"; fi

"$T" rules >/dev/null 2>&1
check "rules without a subcommand exits 2" "$?" 2
"$T" rules frob >/dev/null 2>&1
check "rules with an unknown subcommand exits 2" "$?" 2

# help and the man page come from the same tables
"$T" --help >"$tmp/help"
check "tidu --help exits 0" "$?" 0
"$T" help --man >"$tmp/man"
if head -2 "$tmp/man" | grep -q '^\.TH TIDU 1'; then ok "help --man is a man page"
else bad "help --man is a man page"; fi
missing=""
for c in $(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$tmp/help"); do
  grep -q "^\.B $c\$" "$tmp/man" || missing="$missing $c"
done
check "help --man names every command" "$missing" ""
if grep -q 'as\\-of' "$tmp/man"; then ok "help --man lists options"; else bad "help --man lists options"; fi
"$T" --version | grep -q '^tidu ' && ok "tidu --version" || bad "tidu --version"
