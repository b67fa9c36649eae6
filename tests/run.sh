#!/bin/sh
# Runs every test of one build (unit tests, then command tests) and ends with "N passed, N failed".
# Unit tests are cmocka programs; command tests are tests/cli/*.sh. A command test prints
# "PLAN: N" (the number of checks it will run) before its first check, then one "PASS: …" or
# "FAIL: …" line per check. It fails as a whole when it exits non-zero, prints no plan, prints a
# check before its plan, runs fewer checks than planned, or runs longer than TIDU_TEST_TIMEOUT
# seconds (default 900); each missing check counts as one failure.
BUILD=${BUILD:-build/release}
export TIDU_BIN="$PWD/$BUILD/tidu" BUILD
limit=${TIDU_TEST_TIMEOUT:-900}
passed=0
failed=0
log=$(mktemp)
for t in $(find "$BUILD/tests" -type f -perm -u+x 2>/dev/null | sort); do
  "$t" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    echo "FAILED: $t" >&2
    grep -E '^\[  (FAILED|ERROR) |ERROR|error|Sanitizer|runtime error' "$log" | head -40 >&2
  fi
done
for s in tests/cli/*.sh; do
  [ -f "$s" ] || continue
  timeout -k 10 "$limit" sh "$s" >"$log" 2>&1
  rc=$?
  p=$(grep -c '^PASS: ' "$log")
  f=$(grep -c '^FAIL: ' "$log")
  plan=$(sed -n 's/^PLAN: \([0-9][0-9]*\)$/\1/p' "$log" | head -1)
  first=$(grep -m1 -E '^(PLAN|PASS|FAIL): ' "$log" | cut -c1-4)
  why=""
  if [ -z "$plan" ]; then
    why="no PLAN line"
    [ "$f" -eq 0 ] && f=1
  elif [ "$first" != PLAN ]; then
    why="a check before the PLAN line"
    [ "$f" -eq 0 ] && f=1
  elif [ $((p + f)) -lt "$plan" ]; then
    why="ran $((p + f)) of $plan planned checks"
    f=$((plan - p))
  fi
  if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then why="${why:+$why; }killed after ${limit} s"
    else why="${why:+$why; }exit status $rc"; fi
    [ "$f" -eq 0 ] && f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    echo "FAILED: $s${why:+ ($why)}" >&2
    grep -v '^PASS: ' "$log" | head -60 >&2
  fi
done
rm -f "$log"
echo "$CFG: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
