#!/bin/sh
# CSV to answer (issue 9.2): `tidu assess --only star --summary` straight from the wide CSV of
# bench/run.sh (1M firms) with 1 reader thread and with BENCH_THREADS, against DuckDB reading the
# same CSV and aggregating STAR's counts and gap sums in one query (read_csv + aggregate: the
# "from_csv_decimal" line of bench/peers/star_duckdb.js), all in one run. Prints one JSON line
# per measurement (also appended to bench/data/results.jsonl), then the ratios and the load.
#   BENCH_FIRMS=N    population (default 1000000; bench/data/star-N.csv, made by bench/run.sh)
#   BENCH_THREADS=T  threads for tidu and DuckDB (default 2)
#   BENCH_REPEAT=R   tidu runs per setting, the fastest kept (default 3; DuckDB keeps its best of 3)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
N=${BENCH_FIRMS:-1000000}
THREADS=${BENCH_THREADS:-2}
REPEAT=${BENCH_REPEAT:-3}
T=$PWD/$BUILD/tidu
D=bench/data
WIDE=$D/star-$N.csv
OUT=$D/results.jsonl
note() { echo "bench/csv.sh: $*" >&2; }
[ -x "$T" ] || { note "build $T first (make CFG=release)"; exit 1; }
[ -s "$WIDE" ] || { note "$WIDE is missing: bench/run.sh makes it"; exit 1; }
touch "$OUT"

# tidu: the fastest of REPEAT runs, wall and CPU seconds, peak RSS; the STAR counts as JSON
run_tidu() {
  best=""
  for i in $(seq "$REPEAT"); do
    /usr/bin/time -f '%e %U %S %M' -o "$D/.csv-time" "$T" assess --only star --summary \
      --format json --threads "$1" "$WIDE" >"$D/.csv-tidu-$1.json" 2>/dev/null || exit 1
    read -r wall user sys rss <"$D/.csv-time"
    if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then
      best=$wall
      cpu=$(echo "$user + $sys" | bc)
      peak=$rss
    fi
  done
  star=$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1]));
    process.stdout.write(JSON.stringify({firms: j.firms, board: j.boards.star}));' \
    "$D/.csv-tidu-$1.json")
  echo "{\"bench\":\"csv_to_answer\",\"system\":\"tidu\",\"threads\":$1,\"seconds\":$best,\"cpu_s\":$cpu,\"peak_rss_kb\":$peak,\"star\":$star}"
}
seconds() { echo "$1" | sed 's/.*"seconds":\([0-9.]*\).*/\1/'; }

load=$(uptime | sed 's/.*load average: //')
echo "{\"bench\":\"csv_to_answer\",\"date\":\"$(date -u +%Y-%m-%dT%H:%MZ)\",\"load_before\":\"$load\",\"csv_bytes\":$(stat -L -c %s "$WIDE")}" | tee -a "$OUT"
line=$(run_tidu 1) || exit 1
echo "$line" | tee -a "$OUT"
t1=$(seconds "$line")
line=$(run_tidu "$THREADS") || exit 1
echo "$line" | tee -a "$OUT"
tn=$(seconds "$line")
duck=""
if command -v node >/dev/null 2>&1 &&
  { [ -d bench/peers/node_modules/@duckdb/node-api ] ||
    (cd bench/peers && npm ci --no-audit --no-fund >/dev/null 2>&1); }; then
  line=$(cd bench/peers && node star_duckdb.js star "../../$WIDE" "$THREADS" | grep '"from_csv_decimal"')
  echo "$line" | sed 's/^{/{"bench":"csv_to_answer",/' | tee -a "$OUT"
  duck=$(echo "$line" | sed 's/.*"compute_s":\([0-9.e-]*\).*/\1/')
else
  note "DuckDB skipped: node or npm package @duckdb/node-api not available"
fi
load=$(uptime | sed 's/.*load average: //')
echo "ratios (seconds; lower is faster), load after: $load"
echo "  tidu $THREADS threads / tidu 1 thread: $(echo "scale=2; $tn / $t1" | bc)"
[ -n "$duck" ] && echo "  tidu $THREADS threads / DuckDB read_csv+aggregate ($THREADS threads): $(echo "scale=2; $tn / $duck" | bc)"
[ -n "$duck" ] && echo "  tidu 1 thread / DuckDB read_csv+aggregate ($THREADS threads): $(echo "scale=2; $t1 / $duck" | bc)"
exit 0
