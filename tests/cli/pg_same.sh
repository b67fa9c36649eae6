#!/bin/sh
# The same imports and edits on SQLite and on PostgreSQL give the same registry: identical
# import summaries, `export --format json`, `firm history` (times masked: they are the clock's)
# and `db info` counts. The imports overlap (a later file changes figures and firm fields of
# firms on file) and one file names some firms twice with different values.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
plan 12
if ! pg_available || ! pg_start "$tmp/pg"; then
  bad pg-start "cannot start a cluster: $(cat "$tmp/pg/initdb.log" "$tmp/pg/server.log" 2>/dev/null | tail -3)"
  exit 1
fi
lite="$tmp/r.db"
pg=$(pg_createdb same)
D=tests/data/store
A=91320505MA1N2K3P9H
"$T" gen 300 --seed 7 --format csv --last-year 2023 -y 3 >"$tmp/one.csv"
"$T" gen 300 --seed 7 --format csv --last-year 2024 -y 3 >"$tmp/two.csv"
# the second population again, then 20 firms of the first: the same firms twice in one file
"$T" gen 300 --seed 7 --last-year 2023 -y 3 | head -20 >"$tmp/tail.ndjson"
("$T" gen 300 --seed 7 --last-year 2024 -y 3 && cat "$tmp/tail.ndjson") >"$tmp/three.ndjson"
sed 's/"123,456,789.12"/125000000/' "$D/firms_yuan.csv" >"$tmp/changed.csv"

# runs one command on both backends; keeps stdout+stderr as NAME.lite / NAME.pg
both() {
  name=$1
  shift
  "$T" "$@" --db "$lite" >"$tmp/$name.lite" 2>&1
  "$T" "$@" --db "$pg" >"$tmp/$name.pg" 2>&1
}
# equal outputs that hold what a result holds (not an error message)
same() {
  if cmp -s "$tmp/$1.lite" "$tmp/$1.pg" && grep -q "$2" "$tmp/$1.lite"; then ok "$1"; else bad "$1" "$(diff "$tmp/$1.lite" "$tmp/$1.pg" | head -5)"; fi
}
# the SQLite file is made first: a first import there says on stderr that it created the file
"$T" db init --db "$lite" >/dev/null 2>&1
both i1 import "$tmp/one.csv"
same i1 '新增/new 300'
both i2 import "$tmp/two.csv"
same i2 '更新/updated [1-9]'
both i3 import "$tmp/three.ndjson"
same i3 '更新/updated [1-9]'
both i4 import "$D/firms_yuan.csv"
both i5 import "$D/firms_wan.xlsx" --sheet 企业数据
same i5 "未变/unchanged 3"
both i6 import "$tmp/changed.csv"
same i6 '变更/changed 1'
both edit firm edit --by wang --reason 年报更正 $A employees@2024=330 listing_stage=counselling
same edit 'updated'
both del firm delete 91310115MA1FL5LL6G --by wang --reason 注销
"$T" export --db "$lite" --as-of 2025-06-30 --format json --deleted "$tmp/ex.lite" >/dev/null 2>&1
"$T" export --db "$pg" --as-of 2025-06-30 --format json --deleted "$tmp/ex.pg" >/dev/null 2>&1
same ex '"uscc"'
check export-all-firms "$(wc -l <"$tmp/ex.pg")" 304

# history of the firm edited and of firms changed by each import, times masked
mask() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}( \+0000|Z)?/TIME/g'; }
for u in $A $(cut -c10-27 "$tmp/tail.ndjson" | sort -u | head -4) $(sed -n '200,$p' "$tmp/two.csv" | cut -d, -f1 | sort -u | head -2); do
  "$T" firm history --db "$lite" "$u" 2>&1 | mask >>"$tmp/h.lite"
  "$T" firm history --db "$pg" "$u" 2>&1 | mask >>"$tmp/h.pg"
done
same h 'import #3'
check history-has-both-sources "$(grep -c 'three.ndjson' "$tmp/h.pg" | sed 's/^0$/none/' | sed 's/^[1-9][0-9]*$/some/')" some
check history-edit-who "$(grep -c 'wang' "$tmp/h.pg")" 2
# the counts of db info (the backend's own lines aside)
"$T" db info --db "$lite" 2>&1 | grep -v -e '^文件' -e '^后端' -e '^日志' >"$tmp/info.lite"
"$T" db info --db "$pg" 2>&1 | grep -v -e '^文件' -e '^后端' -e '^日志' >"$tmp/info.pg"
same info '历史/history *[1-9]'
