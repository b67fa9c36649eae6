#!/bin/sh
# A primary and a streaming replica made by pg_basebackup -R: read-only work sent to the replica
# with --db-read (or TIDU_DB_READ) gives what the primary gives — population assessment, lists,
# exports — while writes given --db-read still go to the primary and reach the replica.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
plan 9
if ! pg_available || ! pg_start "$tmp/pg"; then
  bad pg-start "cannot start a cluster: $(cat "$tmp/pg/initdb.log" "$tmp/pg/server.log" 2>/dev/null | tail -3)"
  exit 1
fi
primary=$(pg_createdb reg)
"$T" import --db "$primary" tests/data/store/firms_yuan.csv >/dev/null 2>&1
"$T" gen 1000 --seed 41 >"$tmp/pop.ndjson"
"$T" import --db "$primary" "$tmp/pop.ndjson" >/dev/null 2>&1
if ! pg_start_replica "$tmp/rep" "$tmp/pg"; then
  bad replica-start "$(tail -3 "$tmp/rep/basebackup.log" "$tmp/rep/server.log" 2>/dev/null)"
  exit 1
fi
replica="postgresql:///reg?host=$REPLICA_SOCK&user=postgres"
pg_caught_up "$tmp/pg" "$tmp/rep" && ok replica-caught-up || bad replica-caught-up
"$T" db info --db "$replica" >"$tmp/info" 2>&1
check replica-is-a-standby "$(grep -c 'standby' "$tmp/info")" 1

A="2025-06-30"
TIDU_DB="$primary" "$T" assess --summary --as-of $A db: >"$tmp/sum.primary" 2>&1
TIDU_DB="$primary" "$T" --db-read "$replica" assess --summary --as-of $A db: >"$tmp/sum.replica" 2>&1
if cmp -s "$tmp/sum.primary" "$tmp/sum.replica" && grep -q 1003 "$tmp/sum.primary"; then ok summary-same-on-replica; else bad summary-same-on-replica "$(diff "$tmp/sum.primary" "$tmp/sum.replica" | head -5)"; fi
# the replica is the one read: stop it and the same command fails
TIDU_DB="$primary" TIDU_DB_READ="$replica" "$T" firm list --region 32 --format json >"$tmp/list.replica" 2>&1
"$T" firm list --db "$primary" --region 32 --format json >"$tmp/list.primary" 2>&1
check list-same-on-replica "$(cmp -s "$tmp/list.primary" "$tmp/list.replica" && wc -l <"$tmp/list.primary" | sed 's/^0$/empty/;s/^[1-9][0-9]*$/same/')" same
"$T" --db-read "$replica" export --db "$primary" --as-of $A --format json "$tmp/ex.replica" >/dev/null 2>&1
"$T" export --db "$primary" --as-of $A --format json "$tmp/ex.primary" >/dev/null 2>&1
check export-same-on-replica "$(cmp -s "$tmp/ex.primary" "$tmp/ex.replica" && echo same)" same

# a write given --db-read goes to the primary, and streams to the replica
U=91320505MA1N2K3P9H
"$T" --db-read "$replica" firm edit --db "$primary" --by wang $U employees@2024=333 >"$tmp/edit" 2>&1
check write-goes-to-primary "$?" 0
pg_caught_up "$tmp/pg" "$tmp/rep"
"$T" --db-read "$replica" firm show --db "$primary" --format json $U >"$tmp/show" 2>&1
check replica-sees-the-write "$(grep -c '"employees":333' "$tmp/show")" 1
# reading really goes to the replica: with it stopped, the same read fails
pg_stop "$tmp/rep"
TIDU_DB="$primary" "$T" --db-read "$replica" assess --summary --as-of $A db: >/dev/null 2>&1
check reads-go-to-the-replica "$?" 1
TIDU_DB="$primary" "$T" assess --summary --as-of $A db: >"$tmp/sum.after" 2>&1
check primary-still-answers "$(cmp -s "$tmp/sum.primary" "$tmp/sum.after" && echo same)" same
