#!/bin/sh
# `tidu user`: each subcommand does what it says to the registry's accounts, and a mistyped
# subcommand, a missing NAME or a bad role is a usage error (exit 2) that changes nothing.
# Prints PLAN, then PASS:/FAIL: lines.
. tests/cli/lib/checks.sh
plan 14
DB="$tmp/r.db"
"$T" db init --db "$DB" >/dev/null 2>&1
users() { sqlite3 "$DB" "SELECT name || ' ' || role || ' ' || coalesce(scope, '-') || ' ' || disabled FROM users ORDER BY name"; }
hash() { sqlite3 "$DB" "SELECT pw_hash FROM users WHERE name = '$1'"; }

out=$("$T" user add zhang --role official --scope 3205 --db "$DB" 2>&1)
check "add: exit 0" "$?" 0
check "add: shows the generated password once" "$(echo "$out" | grep -c '^口令 / password: [0-9a-f]\{16\}$')" 1
echo 'a-long-password-1' | "$T" user add li --role admin --password-stdin --db "$DB" >"$tmp/out" 2>&1
check "add --password-stdin: exit 0, no password shown" "$?:$(grep -c password "$tmp/out")" "0:0"
check "the accounts are stored with role and scope" "$(users | tr '\n' ';')" "li admin - 0;zhang official 3205 0;"
check "list names both" "$("$T" user list --db "$DB" | awk '{print $1 "/" $2}' | tr '\n' ' ')" "li/admin zhang/official "

"$T" user disable zhang --db "$DB" >/dev/null 2>&1
check "disable" "$(sqlite3 "$DB" "SELECT disabled FROM users WHERE name = 'zhang'")" 1
check "list marks the disabled account" "$("$T" user list --db "$DB" | grep zhang | grep -c disabled)" 1
"$T" user enable zhang --db "$DB" >/dev/null 2>&1
check "enable" "$(sqlite3 "$DB" "SELECT disabled FROM users WHERE name = 'zhang'")" 0

before=$(hash zhang)
out=$("$T" user passwd zhang --db "$DB" 2>&1)
if [ "$(hash zhang)" != "$before" ] && echo "$out" | grep -q '^新口令 / new password: [0-9a-f]\{16\}$'; then
  ok "passwd sets and shows a new password"
else bad "passwd sets and shows a new password" "$out"; fi

tok=$("$T" user token zhang --label reporting --db "$DB" 2>/dev/null)
check "token: one secret, stored" "$(echo "$tok" | grep -c '^[0-9a-f]\{64\}$'):$(sqlite3 "$DB" "SELECT count(*) FROM api_tokens")" "1:1"

before=$(sqlite3 "$DB" .dump | sha256sum)
"$T" user frob zhang --db "$DB" >/dev/null 2>"$tmp/err"
check "unknown subcommand: exit 2, named" "$?:$(grep -c "unknown subcommand 'frob'" "$tmp/err")" "2:1"
"$T" user disable --db "$DB" >/dev/null 2>"$tmp/err"
check "missing NAME: exit 2 with the usage" "$?:$(grep -c 'usage: tidu user' "$tmp/err")" "2:1"
"$T" user add wang --role boss --db "$DB" >/dev/null 2>"$tmp/err"
check "bad role: exit 2, the roles listed" "$?:$(grep -c 'admin|official|institution|enterprise' "$tmp/err")" "2:1"
check "the refused commands changed nothing" "$(sqlite3 "$DB" .dump | sha256sum)" "$before"
