#!/bin/sh
# The test runner itself: a command test that dies, exits non-zero, runs fewer checks than its
# PLAN, prints no PLAN or hangs is a failure; an honest one passes.
. "$(dirname "$0")/lib/checks.sh"
R="$PWD/tests/run.sh"
plan 7

# run_fake NAME BODY: runs tests/run.sh over one fake command test; prints its closing line
run_fake() {
  rm -rf "$tmp/f"
  mkdir -p "$tmp/f/tests/cli" "$tmp/f/build"
  printf '%s\n' "$2" >"$tmp/f/tests/cli/$1.sh"
  (cd "$tmp/f" && BUILD=build CFG=fake TIDU_TEST_TIMEOUT=3 sh "$R" 2>"$tmp/f/err" | tail -1)
}

check "an honest script passes" "$(run_fake ok 'echo "PLAN: 2"; echo "PASS: a"; echo "PASS: b"')" \
  "fake: 2 passed, 0 failed"
check "dying after the first check fails the missing ones" \
  "$(run_fake dies 'echo "PLAN: 3"; echo "PASS: a"; kill -9 $$')" "fake: 1 passed, 2 failed"
check "a non-zero exit is a failure" "$(run_fake rc 'echo "PLAN: 1"; echo "PASS: a"; exit 3')" \
  "fake: 1 passed, 1 failed"
check "no PLAN line is a failure" "$(run_fake noplan 'echo "PASS: a"')" "fake: 1 passed, 1 failed"
check "a check before the PLAN is a failure" \
  "$(run_fake late 'echo "PASS: a"; echo "PLAN: 1"')" "fake: 1 passed, 1 failed"
check "a hanging script is stopped and fails" \
  "$(run_fake hang 'echo "PLAN: 1"; echo "PASS: a"; sleep 60')" "fake: 1 passed, 1 failed"
if grep -q 'killed after 3 s' "$tmp/f/err"; then ok "the runner says why a script failed"
else bad "the runner says why a script failed" "$(cat "$tmp/f/err")"; fi
