#!/bin/sh
# Command tests for bad input: each bad record gives one FILE:LINE error, the rest is assessed.
. "$(dirname "$0")/lib/checks.sh"
D=tests/data/cli

# one_error NAME FILE LINE FIRMS: exit 1, exactly one error line naming FILE:LINE, FIRMS out
one_error() {
  "$T" assess --format json "$2" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  check "$1: exit 1" "$rc" 1
  check "$1: one error line" "$(wc -l <"$tmp/err" | tr -d ' ')" 1
  if grep -q "^$2:$3[:]" "$tmp/err"; then ok "$1: names file and line"
  else bad "$1: names file and line" "$(cat "$tmp/err")"; fi
  check "$1: other firms still assessed" "$(wc -l <"$tmp/out" | tr -d ' ')" "$4"
}

# one_error: 4 checks, 4 times; usage: 1 check, 11 times; 7 single checks
plan $((4 * 4 + 11 + 7))
one_error "malformed USCC" "$D/bad_uscc.ndjson" 2 2
one_error "text in a number column" "$D/bad_number.csv" 4 2
one_error "short CSV row" "$D/short_row.csv" 5 2
one_error "JSON syntax error" "$D/bad_json.ndjson" 2 2
if grep -q '宝鸡钛科' "$tmp/out" && grep -q '扬州润和' "$tmp/out"; then
  ok "firms after a JSON error are assessed"
else bad "firms after a JSON error are assessed"; fi

# a USCC checksum failure is a warning: reported, exit status unchanged
"$T" assess --format json "$D/uscc_checksum.ndjson" >"$tmp/out" 2>"$tmp/err"
check "checksum warning: exit 0" "$?" 0
if grep -q '警告/warning' "$tmp/err"; then ok "checksum warning is reported"
else bad "checksum warning is reported" "$(cat "$tmp/err")"; fi
check "checksum warning: all firms assessed" "$(wc -l <"$tmp/out" | tr -d ' ')" 3

# a missing file is an input error
"$T" assess "$tmp/no-such-file.csv" >/dev/null 2>"$tmp/err"
check "missing file: exit 1" "$?" 1

# usage errors exit 2
usage() {
  desc=$1
  shift
  "$T" "$@" >/dev/null 2>&1
  check "usage: $desc exits 2" "$?" 2
}
usage "no file" assess
usage "unknown option" assess --frobnicate examples/firms.ndjson
usage "bad date" assess --as-of 2024-02-30 examples/firms.ndjson
usage "bad date text" assess --as-of yesterday examples/firms.ndjson
usage "bad format" assess --format yaml examples/firms.ndjson
usage "bad year" assess --year 24x examples/firms.ndjson
usage "unknown rule set" assess --only nosuchboard examples/firms.ndjson
usage "explain with json" assess --explain --format json examples/firms.ndjson
usage "option without value" assess examples/firms.ndjson --as-of
usage "unknown command" asess examples/firms.ndjson
usage "no command"
"$T" asess 2>&1 | grep -q "assess" && ok "unknown command suggests the nearest" ||
  bad "unknown command suggests the nearest"
"$T" assess --help >/dev/null 2>&1
check "assess --help exits 0" "$?" 0
