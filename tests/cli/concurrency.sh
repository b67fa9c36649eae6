#!/bin/sh
# Several tidu processes on one registry (issue 13 items 9 and 10): first use of a new registry
# and the upgrade of an old one by processes racing, imports, edits, deletes, dry runs and
# readers at once — all succeed or wait saying who holds the registry; integrity stays ok and
# the history is complete. Kills at random moments during a schema upgrade and firm delete.
# Prints PLAN, then PASS:/FAIL: lines.
. tests/cli/lib/checks.sh
D=tests/data/store
pids=""
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
A=91320505MA1N2K3P9H
N=${TIDU_PROCS:-6}
KILLS=${TIDU_KILLS:-8}

plan 14

# disjoint firm sets, one file per process
"$T" gen $((N * 200)) --seed 11 --format csv >"$tmp/all.csv"
i=0
while [ $i -lt "$N" ]; do
  awk -F, -v i=$i -v n="$N" 'NR == 1 || (NR - 2) % n == i' "$tmp/all.csv" >"$tmp/part$i.csv"
  i=$((i + 1))
done
want_firms=$(tail -n +2 "$tmp/all.csv" | cut -d, -f1 | sort -u | wc -l)

# wait_all: waits for $pids; sets $bad to the exit statuses that were not 0
wait_all() {
  bad=""
  for p in $pids; do
    wait $p || bad="$bad $p:$?"
  done
  pids=""
}

# ---- 9. first use of a new registry by N importers at once ----
i=0
while [ $i -lt "$N" ]; do
  "$T" import --db "$tmp/new.db" "$tmp/part$i.csv" >"$tmp/first$i.out" 2>&1 &
  pids="$pids $!"
  i=$((i + 1))
done
wait_all
check first-use-all-succeed "$bad" ""
check first-use-all-firms "$(sqlite3 "$tmp/new.db" 'select count(*) from firms')" "$want_firms"
check first-use-integrity "$("$T" db check --db "$tmp/new.db" 2>&1 | head -1) $(sqlite3 "$tmp/new.db" 'select count(*) from imports')" "ok $N"
check first-use-no-table-exists-error "$(cat "$tmp"/first*.out | grep -c 'already exists')" 0

# ---- 9. the upgrade of a version-1 registry by N processes at once ----
v1() {
  rm -f "$1" "$1-wal" "$1-shm"
  sqlite3 "$1" "CREATE TABLE imports ( id INTEGER PRIMARY KEY, file TEXT NOT NULL, sheet TEXT,
    started_at TEXT NOT NULL, finished_at TEXT, records BIGINT NOT NULL DEFAULT 0, summary TEXT);
    CREATE TABLE firms ( uscc TEXT PRIMARY KEY, name TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, deleted_at TEXT, import_id BIGINT REFERENCES imports(id),
    src_row BIGINT);
    CREATE TABLE firm_years ( uscc TEXT NOT NULL REFERENCES firms(uscc), year BIGINT NOT NULL,
    import_id BIGINT REFERENCES imports(id), src_row BIGINT, PRIMARY KEY (uscc, year));
    CREATE TABLE value_history ( id INTEGER PRIMARY KEY, uscc TEXT NOT NULL REFERENCES
    firms(uscc), year BIGINT, field TEXT NOT NULL, old_value TEXT, new_value TEXT,
    import_id BIGINT REFERENCES imports(id), src_row BIGINT, changed_at TEXT NOT NULL);
    CREATE INDEX firms_name ON firms (name);
    INSERT INTO firms (uscc, name, created_at, updated_at) VALUES
      ('91320505MA1N2K3P9H', '旧版本企业', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');
    PRAGMA user_version = 1;"
}
v1 "$tmp/old.db"
i=0
while [ $i -lt "$N" ]; do
  if [ $((i % 2)) = 0 ]; then
    "$T" import --db "$tmp/old.db" "$tmp/part$i.csv" >"$tmp/up$i.out" 2>&1 &
  else
    "$T" firm list --db "$tmp/old.db" >"$tmp/up$i.out" 2>&1 &
  fi
  pids="$pids $!"
  i=$((i + 1))
done
wait_all
check upgrade-race-all-succeed "$bad" ""
check upgrade-race-once "$(sqlite3 "$tmp/old.db" 'PRAGMA user_version') $(sqlite3 "$tmp/old.db" 'PRAGMA integrity_check') $(sqlite3 "$tmp/old.db" "select name from firms where uscc = '91320505MA1N2K3P9H'")" "5 ok 旧版本企业"

# ---- 10. writers wait, saying who holds the registry; readers and dry runs do not wait ----
R="$tmp/r.db"
"$T" import --db "$R" "$D/firms_yuan.csv" >/dev/null 2>&1
"$T" gen 30000 --seed 12 --format csv >"$tmp/big.csv"
"$T" import --db "$R" "$tmp/big.csv" >"$tmp/big.out" 2>&1 &
big=$!
pids="$big"
# until the import holds the write lock
i=0
while [ $i -lt 600 ] && [ ! -e "$R-writer" ]; do sleep 0.05; i=$((i + 1)); done
s=$(date +%s%N)
"$T" firm edit --db "$R" --wait 1 91310115MA1FL5LL6G employees@2024=86 >/dev/null 2>"$tmp/gave_up"
rc=$?
took=$((($(date +%s%N) - s) / 1000000))
# one line says it waits, one that it gave up: both name the import and its pid
check wait-limit-names-holder "$rc $(grep -c "tidu import (pid $big" "$tmp/gave_up") $(grep -c 'gave up after 1 s' "$tmp/gave_up")" "1 2 1"
s=$(date +%s%N)
"$T" import --db "$R" --dry-run "$D/firms_yuan.csv" >"$tmp/dry.out" 2>&1
rc=$?
dry_ms=$((($(date +%s%N) - s) / 1000000))
s=$(date +%s%N)
"$T" firm list --db "$R" --format json >/dev/null 2>&1
read_ms=$((($(date +%s%N) - s) / 1000000))
still=$(kill -0 $big 2>/dev/null && echo running)
check dry-run-and-reader-do-not-wait "$rc $still $(grep -c 'waiting' "$tmp/dry.out")" "0 running 0"
echo "# gave up after ${took} ms; dry run ${dry_ms} ms, reader ${read_ms} ms while the import ran" >&2

# edits, deletes, dry runs, readers and more imports while the big import runs
edits=0 deletes=0
i=0
for u in $(tail -n +2 "$tmp/part0.csv" | cut -d, -f1 | sort -u | head -6); do
  "$T" firm edit --db "$tmp/new.db" --by p$i --reason 并发 "$u" employees@2024=$((100 + i)) >"$tmp/e$i.out" 2>&1 &
  pids="$pids $!"
  edits=$((edits + 1))
  i=$((i + 1))
done
for u in $(tail -n +2 "$tmp/part1.csv" | cut -d, -f1 | sort -u | head -3); do
  "$T" firm delete --db "$tmp/new.db" --by d --reason 并发 "$u" >"$tmp/d$i.out" 2>&1 &
  pids="$pids $!"
  deletes=$((deletes + 1))
  i=$((i + 1))
done
"$T" import --db "$tmp/new.db" "$D/firms_yuan.csv" >"$tmp/i$i.out" 2>&1 &
pids="$pids $!"
"$T" import --db "$tmp/new.db" --dry-run "$tmp/part2.csv" >/dev/null 2>&1 &
pids="$pids $!"
"$T" firm list --db "$tmp/new.db" >/dev/null 2>&1 &
pids="$pids $!"
"$T" export --db "$tmp/new.db" "$tmp/during.json" >/dev/null 2>&1 &
pids="$pids $!"
# and on the busy registry: an edit that waits for the big import with the message
"$T" firm edit --db "$R" --by w --reason 等待 91310115MA1FL5LL6G employees@2024=87 >/dev/null 2>"$tmp/waited" &
pids="$pids $!"
wait_all
check mixed-all-succeed "$bad" ""
check waiting-writer-said-so "$(grep -c "is writing to the registry; waiting" "$tmp/waited") $(sqlite3 "$R" "select employees from firm_years where uscc = '91310115MA1FL5LL6G' and year = 2024")" "1 87"
check mixed-integrity "$("$T" db check --db "$tmp/new.db" 2>&1 | head -1) $("$T" db check --db "$R" 2>&1 | head -1)" "ok ok"
check history-complete "$(sqlite3 "$tmp/new.db" "select count(*) from value_history h join events e on h.event_id = e.id where e.action = 'edit' and e.why = '并发'") $(sqlite3 "$tmp/new.db" "select count(*) from events where action = 'delete'") $(sqlite3 "$tmp/new.db" "select count(*) from firms where deleted_at is not null")" "$edits $deletes $deletes"

# ---- kills at random moments: schema upgrade and firm delete ----
ms() {
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1
  echo $((($(date +%s%N) - s) / 1000000))
}
v1 "$tmp/m.db"
cp "$tmp/m.db" "$tmp/m0.db"
took=$(ms "$T" db migrate --db "$tmp/m.db")
n=0 wrong="" seen=""
while [ $n -lt "$KILLS" ]; do
  v1 "$tmp/m.db"
  "$T" db migrate --db "$tmp/m.db" >/dev/null 2>&1 &
  p=$!
  r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  sleep "$(awk -v t="$took" -v r="$r" 'BEGIN { printf "%.3f", t * 1.2 * (r / 65535.0) / 1000 }')"
  kill -9 $p 2>/dev/null
  wait $p 2>/dev/null
  v=$(sqlite3 "$tmp/m.db" 'PRAGMA user_version')
  ic=$(sqlite3 "$tmp/m.db" 'PRAGMA integrity_check')
  nm=$(sqlite3 "$tmp/m.db" 'select name from firms')
  seen="$seen $v"
  { [ "$v" = 1 ] || [ "$v" = 5 ]; } && [ "$ic" = ok ] && [ "$nm" = 旧版本企业 ] || wrong="$wrong run$n:v=$v,$ic"
  n=$((n + 1))
done
check kill-during-upgrade "$wrong" ""
echo "# upgrade kills over ${took} ms left versions:$seen" >&2

"$T" import --db "$tmp/k.db" "$D/firms_yuan.csv" >/dev/null 2>&1
took=$(ms "$T" firm list --db "$tmp/k.db")
n=0 wrong="" seen=""
while [ $n -lt "$KILLS" ]; do
  "$T" firm undelete --db "$tmp/k.db" $A >/dev/null 2>&1
  ev=$(sqlite3 "$tmp/k.db" "select count(*) from events where action = 'delete'")
  "$T" firm delete --db "$tmp/k.db" --reason kill 91320505MA1N2K3P9H >/dev/null 2>&1 &
  p=$!
  r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  sleep "$(awk -v t="$took" -v r="$r" 'BEGIN { printf "%.3f", t * 1.5 * (r / 65535.0) / 1000 }')"
  kill -9 $p 2>/dev/null
  wait $p 2>/dev/null
  del=$(sqlite3 "$tmp/k.db" "select deleted_at is not null from firms where uscc = '91320505MA1N2K3P9H'")
  ev2=$(sqlite3 "$tmp/k.db" "select count(*) from events where action = 'delete'")
  ic=$(sqlite3 "$tmp/k.db" 'PRAGMA integrity_check')
  seen="$seen $del"
  # deleted with its event, or not deleted and no event
  { [ "$del" = 1 ] && [ "$ev2" = $((ev + 1)) ]; } || { [ "$del" = 0 ] && [ "$ev2" = "$ev" ]; } || wrong="$wrong run$n:del=$del,ev=$ev->$ev2"
  [ "$ic" = ok ] || wrong="$wrong run$n:$ic"
  n=$((n + 1))
done
check kill-during-firm-delete "$wrong" ""
echo "# delete kills over ${took} ms left deleted:$seen" >&2
