#!/bin/sh
# The programme on both backends: the same population and the same commands against a SQLite
# file and a private PostgreSQL cluster give the same review '"applied": [1-9]', layers, shortlist, ladder, missing
# roadshows and targets. Skipped checks count as passes only when PostgreSQL is not installed.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
plan 8

if ! pg_available; then
  for i in 1 2 3 4 5 6 7 8; do ok "skipped-no-postgresql-$i"; done
  exit 0
fi
pg_start "$tmp/pg" || {
  bad pg-start "cannot start a cluster"
  exit 1
}
url=$(pg_createdb prog)
lite="$tmp/p.db"
"$T" gen 800 --seed 5 >"$tmp/pop.ndjson"
# runs one command on both backends; keeps the outputs as NAME.lite / NAME.pg
both() {
  name=$1
  shift
  TIDU_DB="$lite" "$T" "$@" >"$tmp/$name.lite" 2>&1
  TIDU_DB="$url" "$T" "$@" >"$tmp/$name.pg" 2>&1
}
# equal outputs that hold a result (not an error message)
same() {
  if cmp -s "$tmp/$1.lite" "$tmp/$1.pg" && grep -q "$2" "$tmp/$1.lite"; then ok "$1"; else bad "$1" "$(diff "$tmp/$1.lite" "$tmp/$1.pg" | head -5)"; fi
}
both import import "$tmp/pop.ndjson"
both review pool review --year 2024 --scope 32 --apply --format json
same review '"applied": [1-9]'
for u in $(TIDU_DB="$lite" "$T" pool list --state proposed --format csv | tail -n +2 | cut -d, -f1 | head -20); do
  both admit pool admit "$u"
done
both list pool list --format csv
sed 's/,[0-9-]*$//' "$tmp/list.lite" >"$tmp/l.lite"
sed 's/,[0-9-]*$//' "$tmp/list.pg" >"$tmp/l.pg"
same l 已入库
both layers pool layers --year 2024 --format json
same layers '"why"'
both short pool shortlist --year 2024 --count 5 --apply --format json
same short '"rank": 5'
both ladder ladder --year 2024 --by region --format json
same ladder '"above_scale"'
both ev event add --kind roadshow --title 路演 --date 2025-03-05 --chain 集成电路
both miss event missing --month 2025-03 --format json
same miss '^  "'
both load targets --load examples/targets.tsv
both targets targets --year 2024 --format json
same targets '"actual": [1-9]'
both bad pool exit 91320500MA1N2K3P99
check refused-on-both "$(grep -c '' "$tmp/bad.lite"):$(grep -c '' "$tmp/bad.pg")" "1:1"
