#!/bin/sh
# Runs every test of one build (unit tests, then command tests) and ends with "N passed, N failed".
# Unit tests are cmocka programs; command tests are tests/cli/*.sh printing "PASS: …"/"FAIL: …".
BUILD=${BUILD:-build/release}
export TIDU_BIN="$PWD/$BUILD/tidu" BUILD
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
  sh "$s" >"$log" 2>&1
  p=$(grep -c '^PASS: ' "$log")
  f=$(grep -c '^FAIL: ' "$log")
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    echo "FAILED: $s" >&2
    grep -v '^PASS: ' "$log" | head -60 >&2
  fi
done
rm -f "$log"
echo "$CFG: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
