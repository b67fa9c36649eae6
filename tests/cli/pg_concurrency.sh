#!/bin/sh
# Writers racing on one PostgreSQL registry: two `tidu import` processes and a `firm edit`
# changing the same figure at once serialise — no update is lost, the history holds every change
# with each "before" equal to the previous "after". A reader during an import sees the registry
# as it was; SIGKILL of an import in the middle leaves no row of it behind.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
plan 12
pids=""
if ! pg_available || ! pg_start "$tmp/pg"; then
  bad pg-start "cannot start a cluster: $(cat "$tmp/pg/initdb.log" "$tmp/pg/server.log" 2>/dev/null | tail -3)"
  exit 1
fi
# the exit trap of pg.sh also ends the writers still running
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; pg_stop_all; rm -rf "$tmp"' EXIT
db=$(pg_createdb race)
A=91320505MA1N2K3P9H
q() { "$PG_BIN/psql" -X -q -tA -F '|' -d "$db" -c "$1"; }
"$T" import --db "$db" tests/data/store/firms_yuan.csv >/dev/null 2>&1
"$T" gen 1500 --seed 31 --format csv >"$tmp/p1.csv"
"$T" gen 1500 --seed 32 --format csv >"$tmp/p2.csv"
printf 'uscc,year,revenue,employees\n%s,2024,111111111,401\n' $A >"$tmp/a1.csv"
printf 'uscc,year,revenue\n%s,2024,222222222\n' $A >"$tmp/a2.csv"

# ---- two imports and an edit at once ----
"$T" import --db "$db" "$tmp/p1.csv" "$tmp/a1.csv" >"$tmp/o1" 2>&1 &
p1=$!
"$T" import --db "$db" "$tmp/p2.csv" "$tmp/a2.csv" >"$tmp/o2" 2>&1 &
p2=$!
pids="$p1 $p2"
"$T" firm edit --db "$db" --by wang --reason 核对 $A revenue@2024=333333333 >"$tmp/o3" 2>&1
r3=$?
wait $p1
r1=$?
wait $p2
r2=$?
pids=""
check all-three-succeed "$r1:$r2:$r3" "0:0:0"
check both-imports-whole "$(q "select count(*) from firms")" 3003
chain=$(q "select coalesce(old_value, '-') || '>' || new_value from value_history where uscc = '$A' and field = 'revenue' and year = 2024 order by id")
# each change starts from the value the previous one left: no write worked on a stale value
prev=12345678912
broken=0
for step in $chain; do
  [ "${step%>*}" = "$prev" ] || broken=1
  prev=${step#*>}
done
check history-is-one-chain "$broken:$(echo "$chain" | wc -l)" "0:3"
check every-value-in-history "$(echo "$chain" | sed 's/.*>//' | sort | paste -sd,)" "11111111100,22222222200,33333333300"
check last-change-is-on-file "$(q "select revenue from firm_years where uscc = '$A' and year = 2024")" "$prev"
check edit-event-and-imports "$(q "select count(*) from events where action = 'edit'"):$(q "select count(*) from imports where finished_at is not null")" "1:5"

# ---- SIGKILL in the middle of a large import ----
before=$("$PG_BIN/pg_dump" --data-only -d "$db" | grep -v -e setval -e '^\\restrict' -e '^\\unrestrict' | md5sum)
counts="$(q "select (select count(*) from firms), (select count(*) from firm_years), (select count(*) from value_history), (select count(*) from imports)")"
"$T" gen 20000 --seed 33 >"$tmp/big.ndjson"
"$T" import --db "$db" "$tmp/big.ndjson" >"$tmp/o4" 2>&1 &
pk=$!
pids=$pk
# in the middle: the import holds the writers' lock and has written rows not yet committed
i=0
while [ $i -lt 600 ]; do
  n=$(q "select count(*) from pg_stat_activity a join pg_locks l on l.pid = a.pid where l.locktype = 'advisory' and l.granted and a.xact_start < now() - interval '1 second'")
  [ "$n" = 1 ] && break
  kill -0 $pk 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
if kill -0 $pk 2>/dev/null && [ "$n" = 1 ]; then ok import-running-mid-transaction; else bad import-running-mid-transaction "ended before it could be interrupted: $(cat "$tmp/o4")"; fi
n=$("$T" firm list --db "$db" --format json 2>"$tmp/err" | wc -l)
check reader-sees-before "$n" 3003
kill -9 $pk
wait $pk 2>/dev/null
pids=""
after=$("$PG_BIN/pg_dump" --data-only -d "$db" | grep -v -e setval -e '^\\restrict' -e '^\\unrestrict' | md5sum)
check sigkill-no-rows-left "$(q "select (select count(*) from firms), (select count(*) from firm_years), (select count(*) from value_history), (select count(*) from imports)")" "$counts"
check sigkill-content-unchanged "$after" "$before"
"$T" db check --db "$db" >"$tmp/chk" 2>&1
check sigkill-db-check "$?:$(cat "$tmp/chk")" "0:ok"
# the lock died with the killed import: the next writer goes ahead
"$T" firm edit --db "$db" --by wang $A employees@2024=402 >/dev/null 2>&1
check next-writer-proceeds "$?:$(q "select employees from firm_years where uscc = '$A' and year = 2024")" "0:402"
