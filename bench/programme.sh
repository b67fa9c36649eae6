#!/bin/sh
# Benchmark of the programme over a registry of N generated firms (default 1,000,000): pool
# review (every firm assessed against the boards, tiers and programme rules), the ladder, and
# the key-firm shortlist over the admitted pool, transitions, layers and the population summary
# of `tidu assess --summary db:`. Prints time, peak memory and the load average of each step.
# Usage: BUILD=build/release sh bench/programme.sh [N]
set -e
T=${BUILD:-build/release}/tidu
N=${1:-1000000}
D=bench/data
mkdir -p "$D"
db="$D/programme-$N.db"
pop="$D/gen-$N.ndjson"
[ -f "$pop" ] || "$T" gen "$N" --seed 7 >"$pop"
if [ ! -f "$db" ]; then
  /usr/bin/time -f "import: %e s wall, %U s user, %S s sys, %M KB peak" "$T" import --db "$db" "$pop" >/dev/null
fi
sqlite3 "$db" "DELETE FROM key_firms; DELETE FROM pool; DELETE FROM events WHERE action LIKE 'pool.%';"
step() {
  name=$1
  shift
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KB peak" "$@" >"$D/out-$name.txt"
  tail -1 "$D/out-$name.txt"
  echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
step review "$T" pool review --db "$db" --year 2024 --scope 32 --apply
# setup, not measured: admit every proposal (a province admits after its own procedure)
sqlite3 "$db" "UPDATE pool SET state = 'admitted' WHERE state = 'proposed';"
echo "admitted: $(sqlite3 "$db" "SELECT count(*) FROM pool WHERE state = 'admitted'")"
step review-again "$T" pool review --db "$db" --year 2024 --scope 32
step ladder "$T" ladder --db "$db" --year 2024 --by region
step transitions "$T" transitions --db "$db" --year 2024
step shortlist "$T" pool shortlist --db "$db" --year 2024 --count 30 --per-chain 3
step layers "$T" pool layers --db "$db" --year 2024
step assess-summary "$T" assess --summary db:"$db"
