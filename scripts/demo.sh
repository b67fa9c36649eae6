#!/bin/sh
# What `make demo` runs: the bundled sample firms assessed and explained, then a demo registry of
# about 5,000 generated firms (Jiangsu, Shanghai, Shaanxi) with the cultivation programme's pool,
# key firms, institutions, financing, roadshows and targets, served in the browser by `tidu serve`
# until Ctrl-C. DEMO_NO_SERVE=1 stops after loading; DEMO_PORT picks the port (default 8080).
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
"$TIDU" gen 5000 --seed 2026 > build/demo/population.ndjson
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

# The programme over the registry: the rule review proposes entries; the demo admits the first
# 150 proposals and rejects a few, then records institutions, financing, a roadshow, listing
# progress, targets and the key-firm shortlist — each an audit event by "demo".
echo
echo "== 后备库 / reserve pool: 按规则复核 / rule review =="
echo
Y=2024
"$TIDU" pool review --db "$DB" --year $Y --apply --who demo | tail -1
"$TIDU" pool list --db "$DB" --state proposed --format csv | tail -n +2 | cut -d, -f1 >build/demo/proposed.txt
head -150 build/demo/proposed.txt | while read -r u; do
  "$TIDU" pool admit --db "$DB" "$u" --who demo --why "演示:复核通过" >/dev/null
done
sed -n '151,160p' build/demo/proposed.txt | while read -r u; do
  "$TIDU" pool reject --db "$DB" "$u" --who demo --why "演示:材料不全" >/dev/null
done
"$TIDU" pool layers --db "$DB" --year $Y | tail -3
FIRST=$(head -1 build/demo/proposed.txt)
SECOND=$(sed -n 2p build/demo/proposed.txt)
"$TIDU" inst add --db "$DB" "华泰联合证券" --type broker --region 32 --boards "star;chinext" --who demo >/dev/null
"$TIDU" inst add --db "$DB" "立信会计师事务所" --type accountant --region 31 --who demo >/dev/null
"$TIDU" inst add --db "$DB" "西部证券" --type broker --region 61 --boards "bse;neeq" --who demo >/dev/null
"$TIDU" inst assign --db "$DB" "华泰联合证券" "$FIRST" --role sponsor --who demo >/dev/null
"$TIDU" inst assign --db "$DB" "立信会计师事务所" "$FIRST" --role auditor --who demo >/dev/null
"$TIDU" finance add --db "$DB" "$FIRST" --amount 8000万 --round B --use "扩产" --who demo >/dev/null
"$TIDU" finance add --db "$DB" "$SECOND" --amount 3000万 --round A --use "研发" --who demo >/dev/null
"$TIDU" progress --db "$DB" "$FIRST" shareholding --date 2024-03-15 --who demo >/dev/null
"$TIDU" progress --db "$DB" "$FIRST" counselling --date 2024-09-20 --board star --who demo >/dev/null
"$TIDU" event add --db "$DB" --kind roadshow --title "集成电路产业链路演" --date 2025-03-18 --chain 集成电路 --who demo >/dev/null
"$TIDU" event attend --db "$DB" 1 "$FIRST" --role presenter --interest 3 --who demo >/dev/null
"$TIDU" targets --db "$DB" --year $Y --load examples/targets.tsv --who demo >/dev/null
"$TIDU" pool shortlist --db "$DB" --year $Y --count 30 --apply --who demo >/dev/null
echo
echo "== 梯度 / ladder $Y =="
echo
"$TIDU" ladder --db "$DB" --year $Y | head -14

# Accounts for the browser: an admin, and an official who sees Suzhou (3205) only.
ADMIN_PW=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
OFFICIAL_PW=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$ADMIN_PW" | "$TIDU" user add admin --db "$DB" --role admin --password-stdin
printf '%s\n' "$OFFICIAL_PW" | "$TIDU" user add suzhou --db "$DB" --role official --scope 3205 --password-stdin
PORT=${DEMO_PORT:-8080}
echo
echo "== 网页 / web: http://127.0.0.1:$PORT/ =="
echo "   管理员 / admin:            admin  / $ADMIN_PW"
echo "   苏州主管部门 / Suzhou official: suzhou / $OFFICIAL_PW"
echo "   上市成熟度测评无需登录 / the self-assessment needs no sign-in"
if [ -n "$DEMO_NO_SERVE" ]; then
  echo "(DEMO_NO_SERVE: 不启动服务 / not serving)"
  exit 0
fi
echo "   Ctrl-C 停止 / to stop"
exec "$TIDU" serve --db "$DB" --listen 127.0.0.1:"$PORT"
