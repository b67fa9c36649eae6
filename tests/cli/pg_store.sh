#!/bin/sh
# The store's unit tests (tests/unit/store, tests/unit/programme) run again against PostgreSQL:
# TIDU_TEST_PG names a database of a private cluster started here, which each test empties and
# uses instead of an in-memory SQLite registry. One check per unit test, plus one per program
# (it ran to the end); a test skipped as SQLite-only counts as a pass.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
B=${BUILD:-build/release}
progs=$(ls "$B"/tests/store/*_test "$B"/tests/programme/*_test 2>/dev/null)
if [ -z "$progs" ] || ! pg_available; then
  plan 1
  bad pg-store "no unit test programs in $B/tests or no PostgreSQL server binaries"
  exit 0
fi
if ! pg_start "$tmp/pg"; then
  plan 1
  bad pg-start "cannot start a cluster: $(tail -3 "$tmp/pg/initdb.log" 2>/dev/null)"
  exit 0
fi
TIDU_TEST_PG=$(pg_createdb unit)
export TIDU_TEST_PG
n=0
total=0
for p in $progs; do
  n=$((n + 1))
  "$p" >"$tmp/out.$n" 2>&1
  echo $? >"$tmp/rc.$n"
  k=$(sed -n 's/^\[==========\] Running \([0-9]*\) test.*/\1/p' "$tmp/out.$n" | head -1)
  total=$((total + ${k:-0} + 1))
done
plan "$total"
n=0
for p in $progs; do
  n=$((n + 1))
  name=$(basename "$(dirname "$p")")/$(basename "$p")
  sed -n 's/^\[ *\(OK\|SKIPPED\) *\] \(test_[A-Za-z0-9_]*\)$/\2/p' "$tmp/out.$n" | sort -u | while read -r t; do ok "$name:$t"; done
  sed -n 's/^\[ *\(FAILED\|ERROR\) *\] \(test_[A-Za-z0-9_]*\)$/\2/p' "$tmp/out.$n" | sort -u | while read -r t; do
    bad "$name:$t" "$(grep -B3 "^\[  \(FAILED\|ERROR\)  \] $t" "$tmp/out.$n" | head -4 | tr '\n' ' ')"
  done
  check "$name:ran-to-the-end" "$(cat "$tmp/rc.$n")" 0
done
