#!/bin/sh
# A registry named by a postgresql:// URL is shown without its password: in a failed connection's
# error (user:PASSWORD@ and password=… forms) and in `db info`; SQLite paths are shown as given.
# No server is needed: the URLs point at a socket folder that does not exist.
# Prints PLAN, then PASS:/FAIL: lines.
. tests/cli/lib/checks.sh
plan 6
sock="$tmp/no-such-folder"
"$T" firm list --db "postgresql://zhang:s3cret-pw@/tidu?host=$sock" >/dev/null 2>"$tmp/e1"
rc=$?
check "user:password URL: the error names the registry with the password hidden" \
  "$(grep -c "postgresql://zhang:\*\*\*@/tidu?host=$sock" "$tmp/e1")" 1
check "user:password URL: the password appears nowhere, exit 1" "$(grep -c s3cret "$tmp/e1"):$rc" "0:1"
"$T" firm list --db "postgresql:///tidu?host=$sock&password=s3cret-pw&user=zhang" >/dev/null 2>"$tmp/e2"
check "password= parameter hidden, the others kept" \
  "$(grep -c "password=\*\*\*&user=zhang" "$tmp/e2"):$(grep -c s3cret "$tmp/e2")" "1:0"
"$T" db info --db "postgresql://zhang:s3cret-pw@/tidu?host=$sock" >"$tmp/o3" 2>&1
check "db info: the password appears nowhere" "$(grep -c s3cret "$tmp/o3")" 0
TIDU_DB="postgresql://zhang:s3cret-pw@/tidu?host=$sock" "$T" pool list >/dev/null 2>"$tmp/e4"
check "TIDU_DB: the password appears nowhere" "$(grep -c s3cret "$tmp/e4")" 0
mkdir "$tmp/password=x"
"$T" db init --db "$tmp/password=x/r.db" >"$tmp/o5" 2>&1
check "a SQLite path is shown as given" "$(grep -c "$tmp/password=x/r.db" "$tmp/o5")" 1
