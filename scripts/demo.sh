#!/bin/sh
# What `make demo` runs: the bundled sample firms assessed as a table, then one firm explained.
set -e
TIDU=${1:-build/release/tidu}
cd "$(dirname "$0")/.."
if [ ! -x "$TIDU" ]; then
  echo "demo: $TIDU not found; run 'make' first" >&2
  exit 2
fi

echo "== tidu assess examples/firms.ndjson =="
echo "   (✓ 达标 pass, ✗ 未达标 fail + 最近标准的差距 gap of the nearest standard, ? 缺数据 missing figures)"
echo
"$TIDU" assess examples/firms.ndjson
echo
echo "== tidu assess --explain (苏州芯源微电子, 科创板 STAR and 科创属性) =="
echo
grep '苏州芯源微电子' examples/firms.ndjson | "$TIDU" assess --explain --only star,star_tech -
echo
echo "== tidu rules list =="
echo
"$TIDU" rules list

# The registry: a sample population in SQLite (一企一档), then questions over it.
DB=build/demo/tidu.db
mkdir -p build/demo
rm -f "$DB" "$DB-wal" "$DB-shm"
echo
echo "== 登记库 / registry: $DB (SQLite) =="
echo
"$TIDU" gen 2000 --seed 2026 > build/demo/population.ndjson
"$TIDU" db init --db "$DB"
"$TIDU" import --db "$DB" examples/firms.ndjson build/demo/population.ndjson
echo
echo "== 苏州(3205)离科创板最近的企业 / Suzhou firms nearest to STAR =="
echo
"$TIDU" firm list --db "$DB" --region 3205 --board star --sort gap -n 10
echo
echo "== 一企一档 / one file per firm =="
echo
"$TIDU" firm show --db "$DB" 苏州芯源微电子科技股份有限公司
echo
echo "== 全体企业汇总 / population summary (tidu assess --summary) =="
echo
"$TIDU" assess --summary build/demo/population.ndjson | head -40
