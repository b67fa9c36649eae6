#!/bin/sh
# What a stopped command leaves behind (issue 13 items 2 and 7): an export stopped by SIGINT,
# SIGTERM or SIGHUP removes its temporary file and keeps the previous file; after SIGKILL the
# next write to the same target removes the dead process's temporary file (but not a live
# one's); `db backup` on a registry another process keeps locked waits as --wait says, names
# the wait, fails with a clear message and no file when the wait is over, and does not spin.
# Prints PLAN, then PASS:/FAIL: lines.
. tests/cli/lib/checks.sh
pid=
lk=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; [ -n "$lk" ] && kill -9 $lk 2>/dev/null; rm -rf "$tmp"' EXIT

plan 11

R="$tmp/r.db"
"$T" gen 20000 --seed 7 --format csv >"$tmp/big.csv"
"$T" import --db "$R" "$tmp/big.csv" >/dev/null 2>&1
mkdir "$tmp/o"
temps() { ls -a "$tmp/o" | grep -c '\.tidu-' || true; }
# waits (up to 20 s) until the export has its temporary file, i.e. is writing
writing() {
  i=0
  while [ "$(temps)" = 0 ] && [ $i -lt 2000 ]; do
    sleep 0.01
    i=$((i + 1))
  done
}

# ---- 1. SIGINT, SIGTERM, SIGHUP: the temporary file goes, the previous file stays ----
echo "previous" >"$tmp/o/x.csv"
res=""
for sig in INT TERM HUP; do
  # a background job of a script starts with SIGINT ignored; give it the default back
  env --default-signal=INT "$T" export --db "$R" --format csv "$tmp/o/x.csv" >/dev/null 2>&1 &
  pid=$!
  writing
  kill -$sig $pid
  wait $pid
  rc=$?
  pid=
  res="$res $sig:$rc:$(temps):$(cat "$tmp/o/x.csv")"
done
check signals-remove-temp-keep-previous "$res" " INT:130:0:previous TERM:143:0:previous HUP:129:0:previous"

# ---- 2. SIGKILL leaves the temporary file; the next write to that target removes it ----
"$T" export --db "$R" --format csv "$tmp/o/x.csv" >/dev/null 2>&1 &
pid=$!
writing
kill -9 $pid
wait $pid 2>/dev/null
pid=
left=$(ls -a "$tmp/o" | grep '\.tidu-')
check sigkill-leaves-temp-with-pid "$(temps) $(echo "$left" | grep -c "^\.x\.csv\.tidu-[0-9][0-9]*-")" "1 1"
# a temporary file of a live process (this shell) and one of another target are left alone
live=".x.csv.tidu-$$-abcdef"
: >"$tmp/o/$live"
: >"$tmp/o/.y.csv.tidu-999999999-abcdef"
"$T" export --db "$R" --format csv "$tmp/o/x.csv" >/dev/null 2>&1
check next-write-removes-dead-temp "$(ls -a "$tmp/o" | grep -c "^$left\$")" 0
check live-and-other-temps-kept "$(ls -a "$tmp/o" | grep '\.tidu-' | sort | tr '\n' ' ')" \
  "$live .y.csv.tidu-999999999-abcdef "
check export-complete-after-kill "$(wc -l <"$tmp/o/x.csv")" "$("$T" export --db "$R" --format csv - 2>/dev/null | wc -l)"
rm -f "$tmp/o/$live" "$tmp/o/.y.csv.tidu-999999999-abcdef"

# a killed backup's temporary file and its journal go with the next backup to that target
dead=$(sh -c 'echo $$')
: >"$tmp/o/.bk.db.tidu-backup-$dead-0"
: >"$tmp/o/.bk.db.tidu-backup-$dead-0-journal"
"$T" db backup --db "$R" "$tmp/o/bk.db" >/dev/null 2>&1
check next-backup-removes-dead-temps "$? $(temps)" "0 0"

# ---- 3. db backup of a registry another process keeps locked ----
# a foreign process (the sqlite3 shell) holding the registry's exclusive lock for 6 s
lock() {
  printf '.timeout 30000\nPRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nUPDATE firms SET name = name WHERE rowid = 1;\n.shell sleep %s\nCOMMIT;\n' "$1" |
    sqlite3 "$R" >/dev/null 2>&1 &
  lk=$!
  # wait until the lock is taken: a read then fails at once
  i=0
  while sqlite3 "$R" 'select count(*) from firms' >/dev/null 2>&1 && [ $i -lt 500 ]; do
    sleep 0.01
    i=$((i + 1))
  done
}
# user+system CPU seconds ×100 of a command, its exit status and wall seconds ×100
cpu() {
  /usr/bin/time -f '%U %S %e' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  awk -v rc=$rc '{ printf "%d %d %d\n", rc, ($1 + $2) * 100, $3 * 100 }' "$tmp/time" | tail -1
}
rm -f "$tmp/o/bk.db"
lock 6
set -- $(cpu "$T" db backup --db "$R" --wait 2 "$tmp/o/bk.db")
rc=$1 cpu=$2 wall=$3
check backup-locked-gives-up-after-wait "$rc $([ "$wall" -ge 190 ] && [ "$wall" -lt 500 ] && echo in-time)" "1 in-time"
check backup-locked-message "$(grep -c 'gave up after 2 s' "$tmp/err") $(grep -c 'waiting (up to 2 s' "$tmp/err")" "1 1"
check backup-locked-no-file-no-temp "$(ls -a "$tmp/o" | grep -c 'bk')" 0
# the wait sleeps: far less CPU than wall time (a spinning loop would use about all of it)
check backup-locked-does-not-spin "$([ "$cpu" -lt 50 ] && echo low)" low
# waiting longer than the lock is held: the backup is made once the lock is released
set -- $(cpu "$T" db backup --db "$R" --wait 30 "$tmp/o/bk.db")
wait $lk
lk=
check backup-waits-then-succeeds "$1 $("$T" db check --db "$tmp/o/bk.db" >/dev/null 2>&1 && echo ok) $(grep -c 'waiting (up to 30 s' "$tmp/err")" "0 ok 1"
