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
