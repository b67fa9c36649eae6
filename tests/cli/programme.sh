#!/bin/sh
# A programme year end to end on a generated population: import, review and admit a first
# batch through each source, layer, shortlist 30, record progress, assign institutions, record
# a roadshow, measure targets, produce every report. Expected figures are counted
# independently from the registry with sqlite3 (psql when TIDU_TEST_BACKEND=pg: then the
# registry is a database of a private PostgreSQL cluster, see tests/cli/pg_programme.sh); bad
# input must leave the database unchanged.
. tests/cli/lib/checks.sh
. tests/cli/lib/pg.sh
. tests/cli/lib/backend.sh
plan 50
if ! backend_init; then
  bad "backend-$BACKEND" "cannot start it: $(cat "$tmp/pg/initdb.log" "$tmp/pg/server.log" 2>/dev/null | tail -3)"
  exit 1
fi

db=$(backend_db p)
export TIDU_DB="$db"
Y=2024
# the registry's own figures, independent of the programme code
q() { backend_q "$db" "$1"; }
# a fingerprint of every table, to prove that refused commands change nothing
fp() { backend_fp "$db"; }
# exit status, stderr lines and fingerprint of a command that must be refused
refused() {
  name=$1
  shift
  before=$(fp)
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  after=$(fp)
  lines=$(wc -l <"$tmp/err")
  if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && [ "$before" = "$after" ]; then
    ok "$name"
  else
    bad "$name" "rc=$rc lines=$lines changed=$([ "$before" = "$after" ] && echo no || echo yes): $(cat "$tmp/err")"
  fi
}

"$T" gen 3000 --seed 21 >"$tmp/pop.ndjson"
"$T" import "$tmp/pop.ndjson" >/dev/null 2>&1
check import-firms "$(q 'select count(*) from firms')" 3000

# ---- review: entries computed by pool_entry, applied once, nothing new the second time ----
"$T" pool review --year $Y --scope 32 --apply --who 审核员 >"$tmp/r1" 2>&1
entries=$(q "select count(*) from pool where state = 'proposed' and source = 'review'")
# every proposal declares an intention, lies in Jiangsu and has no red flag
bad_props=$(q "select count(*) from pool p join firms f on f.uscc = p.uscc where not (f.listing_intention = 'yes' and f.region like '32%' and coalesce(f.red_flags, '') = '')")
check review-proposals-meet-the-gates "$bad_props" 0
# firms with a 专精特新 / 小巨人 title, an intention, in Jiangsu, without red flags: all proposed
titled=$(q "select count(*) from firms where listing_intention = 'yes' and region like '32%' and (titles like '%srdi_sme%' or titles like '%little_giant%') and coalesce(red_flags, '') = ''")
titled_in=$(q "select count(*) from firms f join pool p on p.uscc = f.uscc where f.listing_intention = 'yes' and f.region like '32%' and (f.titles like '%srdi_sme%' or f.titles like '%little_giant%') and coalesce(f.red_flags, '') = ''")
check review-takes-every-titled-firm "$titled_in" "$titled"
check review-summary-counts "$(grep -c "^入库/enter" "$tmp/r1")" "$entries"
events1=$(q "select count(*) from events")
"$T" pool review --year $Y --scope 32 --apply >"$tmp/r2" 2>&1
check review-twice-changes-nothing "$(q 'select count(*) from events'):$(grep -c '已记录/recorded 0' "$tmp/r2")" "$events1:1"
[ "$entries" -ge 97 ] && ok review-enough-for-a-first-batch || bad review-enough-for-a-first-batch "$entries"

# ---- a first batch: 97 review proposals admitted, plus one firm through each source ----
q "select uscc from pool where state = 'proposed' order by uscc limit 97" >"$tmp/batch"
while read -r u; do "$T" pool admit "$u" --who 审核员 >/dev/null 2>&1; done <"$tmp/batch"
q "select uscc from firms where region like '32%' and uscc not in (select uscc from pool) order by uscc limit 3" >"$tmp/three"
L=$(sed -n 1p "$tmp/three")
I=$(sed -n 2p "$tmp/three")
S=$(sed -n 3p "$tmp/three")
"$T" pool add "$L" --source local --by 苏州市工信局 >/dev/null 2>&1
"$T" pool add "$I" --source institution --by 华泰证券 >/dev/null 2>&1
"$T" pool add "$S" --source self --note 企业自愿申报 >/dev/null 2>&1
for u in "$L" "$I" "$S"; do "$T" pool admit "$u" >/dev/null 2>&1; done
check first-batch-admitted "$(q "select count(*) from pool where state = 'admitted'")" 100
check each-source-once "$(q "select source from pool where state = 'admitted' and source <> 'review' order by source" | paste -sd,)" "institution,local,self"
"$T" pool list --state admitted --format json >"$tmp/list.json"
check pool-list-json "$(grep -c '"state": "admitted"' "$tmp/list.json")" 100
"$T" pool list --state admitted --format csv >"$tmp/list.csv"
check pool-list-csv "$(($(wc -l <"$tmp/list.csv") - 1))" 100

# ---- one exit with a reason; the history keeps every step ----
X=$(sed -n 5p "$tmp/batch")
"$T" pool exit "$X" --reason withdrawn --why 企业书面放弃 >/dev/null 2>&1
check exit-recorded "$(q "select state || ':' || exit_reason from pool where uscc = '$X'")" "exited:withdrawn"
"$T" pool history "$X" >"$tmp/h"
check history-three-steps "$(grep -c 'pool\.' "$tmp/h")" 3
check history-who-and-why "$(grep -c '审核员' "$tmp/h"):$(grep -c '企业书面放弃' "$tmp/h")" "2:1"
"$T" pool admit "$X" >/dev/null 2>"$tmp/err"
check exited-cannot-be-admitted "$?:$(grep -c '已出库' "$tmp/err")" "1:1"

# ---- layering: every admitted firm on exactly one board ----
"$T" pool layers --year $Y --format json >"$tmp/layers.json"
sum=$(tr -d ' \n' <"$tmp/layers.json" | sed 's/.*"counts":{\([^}]*\)}.*/\1/' | tr ',' '\n' | sed 's/.*://' | paste -sd+ | bc)
check layers-cover-the-pool "$sum" 99
check layers-give-reasons "$(grep -c '"why": "' "$tmp/layers.json")" 99

# ---- key firms: 30, within two per chain, recorded with reasons ----
"$T" pool shortlist --year $Y --count 30 --per-chain 2 --apply --format json >"$tmp/key.json"
check shortlist-thirty "$(q "select count(*) from key_firms where year = $Y")" 30
over=$(q "select count(*) from (select substr(f.chains, 1, instr(f.chains || ';', ';') - 1) c from key_firms k join firms f on f.uscc = k.uscc where k.year = $Y and f.chains is not null group by c having count(*) > 2) t")
check shortlist-per-chain-limit "$over" 0
check shortlist-only-admitted "$(q "select count(*) from key_firms k join pool p on p.uscc = k.uscc where k.year = $Y and p.state = 'admitted'")" 30
desc=$(q "select count(*) from key_firms a join key_firms b on a.year = b.year and b.pos = a.pos + 1 where a.year = $Y and b.score > a.score")
check shortlist-ranked-by-score "$desc" 0
K=$(q "select uscc from key_firms where year = $Y and pos = 1")
"$T" pool assign "$K" --officer 王敏 >/dev/null 2>&1
"$T" pool log "$K" "首次上门辅导:梳理股权结构" --date 2025-01-08 >/dev/null 2>&1
check key-firm-officer-and-log "$(q "select officer from pool where uscc = '$K'"):$(q "select count(*) from consult_log where uscc = '$K'")" "王敏:1"

# ---- listing progress in order; an out-of-order stage is refused unless forced ----
P=$(q "select uscc from pool where state = 'admitted' and uscc in (select uscc from firms where coalesce(listing_status, '') = '') order by uscc limit 1")
"$T" progress "$P" shareholding --date 2023-03-01 >/dev/null 2>&1
"$T" progress "$P" counselling --board star --date 2023-09-01 >/dev/null 2>&1
"$T" progress "$P" filed --board star --date 2024-02-01 >/dev/null 2>&1
"$T" progress "$P" accepted --board star --date 2024-02-10 >/dev/null 2>&1
"$T" progress "$P" inquiry --board star --date 2024-03-20 >/dev/null 2>&1
"$T" progress "$P" committee --board star --date 2024-07-05 >/dev/null 2>&1
"$T" progress "$P" registered --board star --date 2024-08-01 >/dev/null 2>&1
"$T" progress "$P" listed --board star --date 2024-09-18 >/dev/null 2>&1
check progress-eight-stages "$(q "select count(*) from progress where uscc = '$P'")" 8
"$T" progress "$P" inquiry --board star --date 2024-10-01 --force --reason 补充问询 >/dev/null 2>&1
check progress-forced-with-reason "$(q "select forced || ':' || reason from progress where uscc = '$P' and on_date = '2024-10-01'")" "1:补充问询"

# ---- institutions: admitted, assigned in roles, suggested ----
"$T" inst add 华泰联合证券 --type broker --region 32 --industries "C39;集成电路" --boards "star;bse" >/dev/null 2>&1
"$T" inst add 天衡会计师事务所 --type accountant --region 32 >/dev/null 2>&1
"$T" inst add 北方律师事务所 --type law_firm --region 11 >/dev/null 2>&1
"$T" inst assign 华泰联合证券 "$P" --role sponsor >/dev/null 2>&1
"$T" inst assign 天衡会计师事务所 "$P" --role auditor >/dev/null 2>&1
"$T" inst assign 1 "$K" --role sponsor >/dev/null 2>&1
check inst-assignments "$(q "select count(*) from inst_assignments where inst_id = 1")" 2
"$T" inst suggest "$P" --board star --format json >"$tmp/sug.json"
check inst-suggest-ranks-local-broker-first "$(grep -m1 '"name"' "$tmp/sug.json" | grep -c 华泰联合证券)" 1
"$T" inst suspend 北方律师事务所 --reason 年度考核不合格 >/dev/null 2>&1
"$T" inst assign 北方律师事务所 "$P" --role lawyer >/dev/null 2>"$tmp/err"
check suspended-cannot-be-assigned "$?:$(q "select count(*) from inst_assignments where inst_id = 3")" "1:0"

# ---- financing and a roadshow; which chains had no roadshow this month ----
"$T" finance add "$K" --amount 8000万 --round B --use 扩产 >/dev/null 2>&1
check finance-in-fen "$(q "select amount from financing where uscc = '$K'")" 8000000000
"$T" event add --kind roadshow --title 集成电路专场路演 --date 2025-03-12 --chain 集成电路 >/dev/null 2>&1
"$T" event attend 1 "$K" --role presenter --interest 3 --closed 2000万 >/dev/null 2>&1
chains=$(q "select chains from pool p join firms f on f.uscc = p.uscc where p.state = 'admitted' and f.chains is not null" | tr ';' '\n' | sort -u | grep -v '^$')
want=$(printf '%s\n' "$chains" | grep -vx 集成电路 | wc -l)
"$T" event missing --month 2025-03 --format json >"$tmp/miss.json"
check missing-roadshows "$(grep -c '^  "' "$tmp/miss.json")" "$want"
check roadshow-chain-not-missing "$(grep -c '"集成电路"' "$tmp/miss.json")" 0

# ---- ladder, transitions and the 小升规 reward ----
"$T" ladder --year $Y --format json >"$tmp/ladder.json"
listed=$(q "select count(*) from firms where listing_status in ('bse','star','chinext','main')")
check ladder-listed "$(grep '"listed"' "$tmp/ladder.json" | head -1 | tr -dc 0-9)" "$((listed + 1))"
total=$(sed -n 's/.*"firms": \([0-9]*\).*/\1/p' "$tmp/ladder.json")
check ladder-counts-every-firm "$total" 3000
# the reward: Shanghai industrial or software firms above scale in 2024 and not in 2023
# (main-business revenue for B/C/D, operating revenue for I, 2000万 = 2,000,000,000 分)
reward=$(q "select count(*) from firms f join firm_years a on a.uscc = f.uscc and a.year = 2024 join firm_years b on b.uscc = f.uscc and b.year = 2023 where f.region like '31%' and ((substr(f.industry,1,1) in ('B','C','D') and a.main_business_revenue >= 2000000000 and b.main_business_revenue < 2000000000) or ((f.industry like 'I64%' or f.industry like 'I65%') and a.revenue >= 2000000000 and b.revenue < 2000000000))")
"$T" transitions --year $Y --format json >"$tmp/tr.json"
check reward-candidates "$(sed -n 's/^  "rewards": \([0-9]*\).*/\1/p' "$tmp/tr.json")" "$reward"
check reward-total "$(sed -n 's/^  "reward_total_yuan": "\([0-9.]*\)".*/\1/p' "$tmp/tr.json")" "$((reward * 500000)).00"

# ---- targets: the seed file, measured from the registry ----
"$T" targets --load examples/targets.tsv >/dev/null 2>&1
"$T" targets --year $Y --format json >"$tmp/targets.json"
actual() { grep -A8 "\"label\": \"$1" "$tmp/targets.json" | sed -n 's/.*"actual": \([0-9]*\).*/\1/p'; }
check target-pool-size "$(actual 江苏:上市后备企业库)" 99
check target-first-batch "$(actual 江苏:首批入库)" 100
check target-key-firms "$(actual 江苏:每年重点培育)" 30
check target-srdi-shanghai "$(actual 上海:专精特新)" "$(q "select count(*) from firms where region like '31%' and titles like '%srdi_sme%'")"
check target-ipos-jiangsu "$(actual 江苏:境内外上市)" "$(($(q "select count(*) from firms where region like '32%' and listing_status in ('bse','star','chinext','main')") + 1))"

# ---- every report, in every format ----
for k in pool layers ladder key-firms targets institutions events; do
  "$T" report "$k" --year $Y "$tmp/$k.xlsx" >/dev/null 2>&1
done
n=0
for k in pool layers ladder key-firms targets institutions events; do
  unzip -p "$tmp/$k.xlsx" xl/workbook.xml >/dev/null 2>&1 && n=$((n + 1))
done
check reports-xlsx-all-seven "$n" 7
check report-xlsx-chinese-headers "$(unzip -p "$tmp/pool.xlsx" xl/sharedStrings.xml | grep -c 统一社会信用代码)" 1
"$T" report pool --year $Y "$tmp/pool.csv" >/dev/null 2>&1
check report-csv-rows "$(($(wc -l <"$tmp/pool.csv") - 1))" "$(q 'select count(*) from pool')"
"$T" report events --year 2025 --format json "$tmp/events.json" >/dev/null 2>&1
check report-events-wan "$(grep -c '"成交金额(万元)": 2000.0' "$tmp/events.json")" 1

# ---- every change is an event ----
rows=$(q "select count(*) from pool")
check events-for-pool "$(q "select count(*) from events where action like 'pool.%'")" "$((rows + 100 + 1 + 31 + 1 + 1))"
"$T" events --action progress --format json >"$tmp/ev.json"
check events-progress "$(grep -c '"action": "progress"' "$tmp/ev.json")" 9

# ---- bad input: one line, exit status 1, nothing written ----
refused bad-unknown-uscc "$T" pool add 91320500MA1N2K3P99 --source local
refused bad-exit-without-reason "$T" pool exit "$(sed -n 6p "$tmp/batch")"
refused bad-stage-out-of-order "$T" progress "$P" counselling --board star --date 2024-12-01
refused bad-unknown-institution "$T" inst assign 不存在的机构 "$P" --role sponsor
refused bad-unknown-metric "$T" targets --add --region 32 --metric listings --target 5 --deadline 2027-12-31
refused bad-shortlist-count "$T" pool shortlist --year $Y --count 0
