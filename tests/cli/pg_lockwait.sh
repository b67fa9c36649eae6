#!/bin/sh
# Waiting for another writer on PostgreSQL (issue 13 item 10), as on SQLite: each tidu command
# names itself in application_name; a writer that finds the writers' lock taken says who holds
# it (application_name, backend pid, since when), waits up to --wait seconds, and then either
# writes or fails naming the holder, having written nothing. --wait 0 does not wait.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
plan 8
hp=
if ! pg_available || ! pg_start "$tmp/pg"; then
  bad pg-start "cannot start a cluster: $(cat "$tmp/pg/initdb.log" "$tmp/pg/server.log" 2>/dev/null | tail -3)"
  exit 1
fi
trap '[ -n "$hp" ] && kill -9 $hp 2>/dev/null; pg_stop_all; rm -rf "$tmp"' EXIT
db=$(pg_createdb reg)
A=91320505MA1N2K3P9H
q() { "$PG_BIN/psql" -X -q -tA -d "$db" -c "$1"; }
"$T" import --db "$db" tests/data/store/firms_yuan.csv >/dev/null 2>&1
rev() { q "select count(*) from value_history where uscc = '$A' and field = 'employees'"; }
before=$(rev)

# hold: a session named "tidu import" holding the writers' lock for $1 seconds
hold() {
  PGAPPNAME="tidu import" "$PG_BIN/psql" -X -q -d "$db" \
    -c "BEGIN; SELECT pg_advisory_xact_lock(7596431779212034048); SELECT pg_sleep($1); COMMIT;" >/dev/null 2>&1 &
  hp=$!
  i=0
  while [ "$(q "select count(*) from pg_locks where locktype = 'advisory' and granted")" != 1 ] && [ $i -lt 500 ]; do
    sleep 0.02
    i=$((i + 1))
  done
}

hold 8
s=$(date +%s%N)
"$T" firm edit --db "$db" --wait 2 --by wang $A employees@2024=777 >"$tmp/out" 2>"$tmp/err"
rc=$?
took=$((($(date +%s%N) - s) / 10000000))
check wait-2-gives-up "$rc $([ $took -ge 190 ] && [ $took -lt 600 ] && echo in-time)" "1 in-time"
check names-holder-while-waiting "$(grep -c 'tidu import (backend pid [0-9]*, since 20[0-9-]*T[0-9:]*Z) is writing to the registry; waiting (up to 2 s' "$tmp/err")" 1
check names-holder-when-giving-up "$(grep -c 'tidu import (backend pid [0-9]*, since .*) is writing to the registry; gave up after 2 s' "$tmp/err")" 1
check nothing-written-after-giving-up "$(rev)" "$before"

s=$(date +%s%N)
"$T" firm edit --db "$db" --wait 0 --by wang $A employees@2024=777 >/dev/null 2>"$tmp/err0"
rc=$?
took=$((($(date +%s%N) - s) / 10000000))
check wait-0-fails-at-once "$rc $([ $took -lt 150 ] && echo quick) $(grep -c 'gave up after 0 s' "$tmp/err0")" "1 quick 1"

# the waiting writer is visible to the DBA under its own name
"$T" firm edit --db "$db" --wait 30 --by wang $A employees@2024=777 >"$tmp/out" 2>"$tmp/err" &
ep=$!
i=0
while [ "$(q "select count(*) from pg_stat_activity where application_name = 'tidu firm' and wait_event_type = 'Lock'")" != 1 ] && [ $i -lt 250 ]; do
  sleep 0.02
  i=$((i + 1))
done
check application-name-set "$(q "select count(*) from pg_stat_activity where application_name = 'tidu firm'")" 1
wait $ep
rc=$?
wait $hp
hp=
check waits-then-writes "$rc $(grep -c 'waiting (up to 30 s' "$tmp/err")" "0 1"
check written-once "$(rev)" "$((before + 1))"
