#!/bin/sh
# `tidu serve --db-read` (issue 10 item 5) on a primary and a streaming replica made by
# pg_basebackup -R: lists, stats, exports and ladder reports come from the replica and equal the
# primary's; sign-in, one firm's file and every write stay on the primary, and a write reaches
# the replica's lists once replayed. With the replica stopped the replica's routes fail while
# the rest goes on. Prints PLAN, then PASS:/FAIL: lines.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
plan 10
SP=
if ! pg_available || ! pg_start "$tmp/pg"; then
  bad pg-start "cannot start a cluster: $(cat "$tmp/pg/initdb.log" "$tmp/pg/server.log" 2>/dev/null | tail -3)"
  exit 1
fi
trap '[ -n "$SP" ] && kill -9 $SP 2>/dev/null; pg_stop_all; rm -rf "$tmp"' EXIT
primary=$(pg_createdb reg)
"$T" import --db "$primary" tests/data/store/firms_yuan.csv >/dev/null 2>&1
"$T" gen 300 --seed 43 >"$tmp/pop.ndjson"
"$T" import --db "$primary" "$tmp/pop.ndjson" >/dev/null 2>&1
"$T" user add api --role admin --db "$primary" >/dev/null 2>&1
TOKEN=$("$T" user token api --db "$primary" 2>/dev/null)
if ! pg_start_replica "$tmp/rep" "$tmp/pg"; then
  bad replica-start "$(tail -3 "$tmp/rep/basebackup.log" "$tmp/rep/server.log" 2>/dev/null)"
  exit 1
fi
replica="postgresql:///reg?host=$REPLICA_SOCK&user=postgres"
pg_caught_up "$tmp/pg" "$tmp/rep" && ok replica-caught-up || bad replica-caught-up

# serve PRIMARY_URL [--db-read URL]: starts a server on a free port, sets $URL
serve() {
  "$T" serve --listen 127.0.0.1:0 --db "$@" >"$tmp/serve.out" 2>"$tmp/serve.err" &
  SP=$!
  i=0
  while ! grep -q 'http://127.0.0.1:' "$tmp/serve.out" 2>/dev/null && [ $i -lt 600 ] && kill -0 $SP 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
  done
  URL=$(sed -n 's|.*\(http://127.0.0.1:[0-9]*\)/.*|\1|p' "$tmp/serve.out" | head -1)
}
stop() {
  kill -TERM $SP 2>/dev/null
  wait $SP 2>/dev/null
  SP=
}
get() { curl -s --max-time 60 -H "Authorization: Bearer $TOKEN" -o "$tmp/$2" -w '%{http_code}' "$URL$1"; }
routes="/api/firms?per_page=500 /api/firms/stats /api/export?format=json /api/ladder?year=2024"
fetch_all() { # SUFFIX: every replica route into $tmp/rN.SUFFIX, statuses printed
  n=0
  for r in $routes; do
    n=$((n + 1))
    printf '%s ' "$(get "$r" "r$n.$1")"
  done
}

serve "$primary"
want=$(fetch_all primary)
stop
serve "$primary" --db-read "$replica"
got=$(fetch_all replica)
check replica-routes-answer "$got" "$want"
same=""
n=0
for r in $routes; do
  n=$((n + 1))
  cmp -s "$tmp/r$n.primary" "$tmp/r$n.replica" || same="$same $r"
done
check replica-routes-same-as-primary "$same" ""
check list-has-every-firm "$(sed -n 's/^{"total":\([0-9]*\).*/\1/p' "$tmp/r1.replica")" 303

# a write through the server goes to the primary, and reaches the replica's list once replayed
U=91320505MA1N2K3P9H
c=$(curl -s --max-time 60 -o "$tmp/edit" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"changes":[{"field":"employees","year":2024,"value":321}],"why":"核对"}' "$URL/api/firms/$U")
check write-through-server "$c $("$PG_BIN/psql" -X -q -tA -d "$primary" -c "select count(*) from value_history where uscc = '$U' and new_value = '321'")" "200 1"
pg_caught_up "$tmp/pg" "$tmp/rep"
check replica-export-sees-write "$(get "/api/export?format=json" lw) $(grep "$U" "$tmp/lw" | grep -c '"2024":{[^}]*"employees":321')" "200 1"
check export-audited-on-primary "$("$PG_BIN/psql" -X -q -tA -d "$primary" -c "select count(*) > 0 from events where action = 'export'")" t

# the replica is what those routes read: with it stopped they fail, the primary's routes go on
pg_stop "$tmp/rep"
check replica-routes-fail-without-replica "$(get '/api/firms/stats' x1)" 500
check firm-file-still-from-primary "$(get "/api/firms/$U" x2)" 200
stop
# a replica that cannot be reached is refused at start, naming it
"$T" serve --listen 127.0.0.1:0 --db "$primary" --db-read "$replica" >"$tmp/s2.out" 2>"$tmp/s2.err" &
SP=$!
i=0
while kill -0 $SP 2>/dev/null && [ $i -lt 300 ]; do
  sleep 0.1
  i=$((i + 1))
done
wait $SP
check unreachable-replica-refused-at-start "$? $(grep -c 'cannot connect' "$tmp/s2.err")" "1 1"
SP=
