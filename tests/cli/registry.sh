#!/bin/sh
# Command tests of the registry: db, import (CSV, GB18030, XLSX, JSON), history, firm show/list/
# edit/delete, export round trips and bad files. Prints PASS:/FAIL: lines; uses $TIDU_BIN.
# With TIDU_TEST_BACKEND=pg (tests/cli/pg_registry.sh) every registry is a database of a private
# PostgreSQL cluster started here instead of a SQLite file; the checks are the same.
T=${TIDU_BIN:-build/release/tidu}
D=tests/data/store
W=$(mktemp -d)
tmp=$W
trap 'rm -rf "$W"' EXIT
A=91320505MA1N2K3P9H
. tests/cli/lib/pg.sh
. tests/cli/lib/backend.sh

ok() { echo "PASS: $1"; }
no() { echo "FAIL: $1${2:+ ($2)}"; }
check() { if eval "$2"; then ok "$1"; else no "$1" "$3"; fi; }

# 33 single checks and one per bad file (5)
echo "PLAN: $((33 + 5))"
if ! backend_init; then
  echo "FAIL: backend-$BACKEND (cannot start it: $(cat "$W/pg/initdb.log" "$W/pg/server.log" 2>/dev/null | tail -3))"
  exit 1
fi
for n in a g x s n bad rt-csv rt-json rt-xlsx; do
  eval "DB_$(echo $n | tr - _)=\$(backend_db $n)"
done
q() { backend_q "$@"; }


# ---- db init / info / check / backup ----
"$T" db init --db "$DB_a" >"$W/out" 2>&1
check db-init '[ $? -eq 0 ] && grep -q "v5" "$W/out"' "$(cat "$W/out")"
TIDU_DB="$DB_a" "$T" db info >"$W/out" 2>&1
journal=wal
[ "$BACKEND" = pg ] && journal=mvcc
check db-info-env 'grep -q "$journal" "$W/out" && grep -q "firms.*0" "$W/out"'

# ---- import: UTF-8 CSV in 元, GB18030 CSV in 万元, XLSX in 万元 give the same figures ----
"$T" import --db "$DB_a" "$D/firms_yuan.csv" >"$W/out" 2>&1
check import-csv '[ $? -eq 0 ] && grep -q "新增/new 3" "$W/out" && grep -q "added 5" "$W/out"' "$(cat "$W/out")"
"$T" import --db "$DB_g" "$D/firms_wan_gb18030.csv" >/dev/null 2>&1
"$T" import --db "$DB_x" --sheet 企业数据 "$D/firms_wan.xlsx" >/dev/null 2>&1
"$T" export --db "$DB_a" "$W/a.json" 2>/dev/null
"$T" export --db "$DB_g" "$W/g.json" 2>/dev/null
"$T" export --db "$DB_x" "$W/x.json" 2>/dev/null
check gb18030-equals-utf8 'cmp -s "$W/a.json" "$W/g.json"' "$(diff "$W/a.json" "$W/g.json" | head -3)"
check xlsx-wan-equals-utf8 'cmp -s "$W/a.json" "$W/x.json"' "$(diff "$W/a.json" "$W/x.json" | head -3)"
check exact-fen 'grep -q "\"revenue\":123456789.12" "$W/a.json"'

# ---- re-import changes nothing; a changed figure keeps the old one in the history ----
"$T" import --db "$DB_a" "$D/firms_yuan.csv" >"$W/out" 2>&1
check reimport-unchanged 'grep -q "未变/unchanged 3" "$W/out" && grep -q "变更/changed 0" "$W/out"' "$(cat "$W/out")"
sed 's/"123,456,789.12"/125000000/' "$D/firms_yuan.csv" >"$W/changed.csv"
"$T" import --db "$DB_a" "$W/changed.csv" >"$W/out" 2>&1
check reimport-changed 'grep -q "变更/changed 1" "$W/out"' "$(cat "$W/out")"
"$T" firm history --db "$DB_a" $A >"$W/out" 2>&1
check history-old-and-new 'grep -q "revenue@2024" "$W/out" && grep -q "1.23亿元 → 1.25亿元" "$W/out" && grep -q "firms_yuan.csv:2" "$W/out" && grep -q "changed.csv:2" "$W/out"' "$(cat "$W/out")"

# ---- errors: nothing written, every problem listed with file, row and column ----
printf 'uscc,name,year,revenue,employees\n%s,A,2024,abc,10\n91310115MA1FL5LL6G,B,2024,100,-5\n91610131MA6U123484,C,2024,200,7\n' $A >"$W/bad.csv"
before=$(q "$DB_a" "select count(*), sum(revenue) from firm_years")
"$T" import --db "$DB_a" "$W/bad.csv" >"$W/out" 2>"$W/err"
rc=$?
after=$(q "$DB_a" "select count(*), sum(revenue) from firm_years")
check errors-write-nothing '[ $rc -eq 1 ] && [ "$before" = "$after" ]' "rc=$rc $before/$after"
check errors-listed 'grep -q "bad.csv:2:revenue" "$W/err" && grep -q "bad.csv:3:employees" "$W/err"' "$(cat "$W/err")"
"$T" import --db "$DB_s" --skip-bad "$W/rejects.csv" "$W/bad.csv" >"$W/out" 2>&1
check skip-bad-writes-good '[ "$(q "$DB_s" "select count(*) from firms")" = 1 ]'
check skip-bad-rejects-csv 'grep -q "^.*uscc,name,year,revenue,employees,拒绝原因/reject reason" "$W/rejects.csv" && grep -q "abc" "$W/rejects.csv" && [ "$(grep -c bad.csv "$W/rejects.csv")" = 2 ]' "$(cat "$W/rejects.csv")"
"$T" import --db "$DB_n" --dry-run "$D/firms_yuan.csv" >"$W/out" 2>&1
# a dry run writes nothing: no SQLite file is created, a PostgreSQL database stays empty
check dry-run 'case "$DB_n" in postgres*) [ "$(q "$DB_n" "select count(*) from firms")" = 0 ] ;; *) [ ! -e "$DB_n" ] ;; esac && grep -q "新增/new 3" "$W/out"'

# ---- bad files: clear errors, no crash, bounded memory ----
head -c 10485760 /dev/zero | tr '\0' 'a' >"$W/longline.csv"
for f in "$D/truncated.xlsx" "$D/garbage.xlsx" "$D/bomb_sst.xlsx" "$D/mixed_encoding.csv" "$W/longline.csv"; do
  name=$(basename "$f")
  /usr/bin/time -f "%M" -o "$W/rss" "$T" import --db "$DB_bad" "$f" >"$W/out" 2>"$W/err"
  rc=$?
  rss=$(tail -1 "$W/rss")
  check "bad-file-$name" '[ $rc -eq 1 ] && [ -s "$W/err" ] && [ "$rss" -lt 300000 ]' "rc=$rc rss=${rss}KB $(head -2 "$W/err")"
done
check bomb-message '"$T" import --db "$DB_bad" "$D/bomb_sst.xlsx" 2>&1 | grep -q "zip bomb"'
check bad-files-wrote-nothing '[ "$(q "$DB_bad" "select count(*) from firms")" = 0 ]'

# ---- firm show / list / edit / delete ----
"$T" firm show --db "$DB_a" 示例材料 >"$W/out" 2>&1
check show-by-name 'grep -q "陕西省西安市" "$W/out" && grep -q "C 制造业 / 26" "$W/out" && grep -q "科创板" "$W/out" && grep -q "增长率" "$W/out"' "$(head -20 "$W/out")"
"$T" firm show --db "$DB_a" --format json $A >"$W/out" 2>&1
check show-json 'grep -q "\"region_name\":\"江苏省苏州市虎丘区\"" "$W/out" && grep -q "\"results\"" "$W/out"'
"$T" firm show --db "$DB_a" --format xlsx -o "$W/one.xlsx" $A >/dev/null 2>&1
check show-xlsx 'unzip -p "$W/one.xlsx" xl/workbook.xml | grep -q "企业档案"'
"$T" firm list --db "$DB_a" --region 32 >"$W/out" 2>&1
check list-region 'grep -q "$A" "$W/out" && ! grep -q 91610131MA6U123484 "$W/out"'
"$T" firm list --db "$DB_a" --title tech_sme --format json >"$W/out" 2>&1
check list-title '[ "$(wc -l <"$W/out")" = 1 ] && grep -q 91610131MA6U123484 "$W/out"'
"$T" firm list --db "$DB_a" --board star --verdict pass >"$W/out" 2>&1
check list-board-verdict 'grep -q "$A" "$W/out"' "$(cat "$W/out")"
"$T" firm list --db "$DB_a" --board star --sort gap --gap-below 5 --format json >"$W/out" 2>&1
check list-gap-sorted 'head -1 "$W/out" | grep -q "\"distance\":0"' "$(cat "$W/out")"
"$T" firm edit --db "$DB_a" --by wang --reason 年报更正 $A employees@2024=330 listing_stage=counselling >"$W/out" 2>&1
"$T" firm history --db "$DB_a" $A >"$W/out" 2>&1
check edit-in-history 'grep -q "employees@2024" "$W/out" && grep -q "wang" "$W/out" && grep -q "年报更正" "$W/out" && grep -q "辅导备案" "$W/out"' "$(cat "$W/out")"
"$T" firm edit --db "$DB_a" $A nosuchfield=1 >/dev/null 2>&1
check edit-unknown-field '[ $? -eq 2 ]'
"$T" firm delete --db "$DB_a" $A >/dev/null 2>&1
"$T" firm list --db "$DB_a" >"$W/out" 2>&1
check delete-hides '! grep -q "$A" "$W/out"'
"$T" firm undelete --db "$DB_a" $A >/dev/null 2>&1
"$T" firm list --db "$DB_a" >"$W/out" 2>&1
check undelete-restores 'grep -q "$A" "$W/out"'

# ---- round trips: export, import into a fresh registry, export again ----
for fmt in csv json xlsx; do
  "$T" export --db "$DB_a" "$W/r1.$fmt" 2>/dev/null
  "$T" import --db "$(backend_db rt-$fmt)" "$W/r1.$fmt" >/dev/null 2>&1
  "$T" export --db "$(backend_db rt-$fmt)" "$W/r2.$fmt" 2>/dev/null
done
check roundtrip-csv 'cmp -s "$W/r1.csv" "$W/r2.csv"'
check roundtrip-json 'cmp -s "$W/r1.json" "$W/r2.json"'
same=1
for p in $(unzip -Z1 "$W/r1.xlsx" | grep -E '^xl/(worksheets/|sharedStrings)'); do
  unzip -p "$W/r1.xlsx" "$p" >"$W/p1"
  unzip -p "$W/r2.xlsx" "$p" >"$W/p2"
  cmp -s "$W/p1" "$W/p2" || same=0
done
check roundtrip-xlsx-cells '[ $same -eq 1 ] && [ "$(unzip -Z1 "$W/r1.xlsx" | grep -c worksheets/sheet)" -gt 2 ]'
check xlsx-layout 'unzip -p "$W/r1.xlsx" xl/worksheets/sheet1.xml | grep -q "autoFilter" && unzip -p "$W/r1.xlsx" xl/worksheets/sheet1.xml | grep -q "frozen" && unzip -p "$W/r1.xlsx" xl/styles.xml | grep -q "#,##0.00"'
check csv-has-verdicts 'head -1 "$W/r1.csv" | grep -q "科创板结论"'

# ---- backup and check ----
"$T" db backup --db "$DB_a" "$W/b.db" >/dev/null 2>&1
if [ "$BACKEND" = pg ]; then
  # pg_dump's custom format: restored with pg_restore into a new database
  DB_b=$(backend_db b)
  "$PG_BIN/pg_restore" --no-owner -d "$DB_b" "$W/b.db" 2>"$W/err"
else
  DB_b="$W/b.db"
fi
check backup '[ "$(q "$DB_b" "select count(*) from firms")" = 3 ] && "$T" db check --db "$DB_b" >/dev/null' "$(head -3 "$W/err")"
