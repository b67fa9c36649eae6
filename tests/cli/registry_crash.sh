#!/bin/sh
# The registry under a large import: a reader is not blocked (WAL), and SIGKILL in the middle
# leaves the file exactly as before (integrity ok, same content). Prints PASS:/FAIL: lines.
T=${TIDU_BIN:-build/release/tidu}
W=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$W"' EXIT
DB="$W/r.db"

ok() { echo "PASS: $1"; }
no() { echo "FAIL: $1${2:+ ($2)}"; }

echo "PLAN: 6"

"$T" import --db "$DB" tests/data/store/firms_yuan.csv >/dev/null 2>&1
"$T" firm edit --db "$DB" 91320505MA1N2K3P9H employees@2024=321 >/dev/null 2>&1
hash_before=$(sqlite3 "$DB" .dump | sha256sum)
"$T" gen 60000 --format csv >"$W/big.csv"

# A small page cache makes the import spill pages to the WAL long before it commits; once the
# WAL has grown, the import is frozen (SIGSTOP) in the middle of its transaction, so the checks
# below do not race with its commit however fast the machine is.
TIDU_IMPORT_CACHE_MB=1 "$T" import --db "$DB" "$W/big.csv" >"$W/out" 2>&1 &
pid=$!
# wait until the import has written pages to the WAL, i.e. is in the middle of its transaction
i=0
while [ $i -lt 1800 ]; do
  s=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
  [ "$s" -gt 1048576 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
  i=$((i + 1))
done
kill -STOP $pid 2>/dev/null
if kill -0 $pid 2>/dev/null; then
  ok import-running-mid-transaction
else
  no import-running-mid-transaction "the import ended before it could be interrupted"
fi

# a reader during the import: not blocked, and sees the state before the import
start=$(date +%s)
n=$("$T" firm list --db "$DB" --format json 2>"$W/err" | wc -l)
took=$(($(date +%s) - start))
if [ "$n" = 3 ] && [ $took -lt 5 ] && kill -0 $pid 2>/dev/null; then
  ok reader-not-blocked
else
  no reader-not-blocked "firms=$n took=${took}s $(head -2 "$W/err")"
fi
c=$(sqlite3 "$DB" "select count(*) from firms" 2>&1)
if [ "$c" = 3 ]; then ok sqlite-reader-during-import; else no sqlite-reader-during-import "$c"; fi

kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
pid=
check=$(sqlite3 "$DB" "PRAGMA integrity_check")
if [ "$check" = ok ]; then ok sigkill-integrity; else no sigkill-integrity "$check"; fi
hash_after=$(sqlite3 "$DB" .dump | sha256sum)
if [ "$hash_before" = "$hash_after" ]; then ok sigkill-content-unchanged; else no sigkill-content-unchanged; fi
if "$T" db check --db "$DB" >/dev/null 2>&1; then ok sigkill-db-check; else no sigkill-db-check; fi
