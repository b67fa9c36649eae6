#!/bin/sh
# Per-firm output of `tidu assess` from a pack (issue 9.4), against `tidu assess --summary` on the
# same pack in the same run: CSV and NDJSON (--detail summary, optionally failing), all rule sets.
# Prints one JSON line per measurement (also appended to bench/data/results.jsonl), then the
# ratios to --summary in wall and CPU time. Each command keeps its best of BENCH_REPEAT runs.
#   BENCH_FIRMS=N     population size (default 1000000); the pack is bench/data/gen-N.pack,
#                     made as bench/run.sh makes it when missing (or give its path as $1)
#   BENCH_THREADS=T   worker threads (default 2)
#   BENCH_REPEAT=R    runs per command (default 3)
#   BENCH_FAILING=1   also time --detail failing (slow: about 200 µs of CPU per firm)
#   BENCH_AS_OF=DATE  assessment date (default 2025-11-08)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
N=${BENCH_FIRMS:-1000000}
THREADS=${BENCH_THREADS:-2}
R=${BENCH_REPEAT:-3}
AS_OF=${BENCH_AS_OF:-2025-11-08}
T=$PWD/$BUILD/tidu
D=bench/data
OUT=$D/results.jsonl
mkdir -p "$D"
note() { echo "bench: $*" >&2; }
[ -x "$T" ] || { note "build $T first (make CFG=release)"; exit 1; }
command -v /usr/bin/time >/dev/null 2>&1 || { note "needs /usr/bin/time (Debian package time)"; exit 1; }

PACK=${1:-$D/gen-$N.pack}
if [ ! -s "$PACK" ]; then
  note "generating $N firms into $PACK"
  "$T" gen "$N" --seed 1 --years 3 --format csv >"$D/gen-$N.csv" || exit 1
  "$T" pack "$D/gen-$N.csv" -o "$PACK" || exit 1
fi
FIRMS=$("$T" assess --summary --format json --threads "$THREADS" --as-of "$AS_OF" "$PACK" 2>/dev/null |
  sed -n 's/^ *"firms": *\([0-9]*\).*/\1/p' | head -1)
[ -n "$FIRMS" ] || { note "cannot read $PACK"; exit 1; }
LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
note "$FIRMS firms from $PACK, $THREADS threads, best of $R; load average $LOAD_BEFORE"
tf=$(mktemp)
trap 'rm -f "$tf"' EXIT

# measure NAME ARGS...: best wall and best CPU (user + system) of R runs; bytes written
measure() {
  name=$1
  shift
  best_wall=""
  best_cpu=""
  bytes=0
  i=0
  while [ $i -lt "$R" ]; do
    bytes=$(/usr/bin/time -f '%e %U %S %M' -o "$tf" "$T" assess --as-of "$AS_OF" --threads "$THREADS" \
      "$@" "$PACK" 2>/dev/null | wc -c)
    wall=$(tail -1 "$tf" | cut -d' ' -f1)
    cpu=$(tail -1 "$tf" | awk '{ printf "%.2f", $2 + $3 }')
    rss=$(tail -1 "$tf" | cut -d' ' -f4)
    if [ -z "$best_wall" ] || awk "BEGIN { exit !($wall < $best_wall) }"; then best_wall=$wall; fi
    if [ -z "$best_cpu" ] || awk "BEGIN { exit !($cpu < $best_cpu) }"; then best_cpu=$cpu; fi
    i=$((i + 1))
  done
  line="{\"bench\":\"assess_output\",\"system\":\"tidu\",\"output\":\"$name\",\"firms\":$FIRMS,\"threads\":$THREADS,\"wall_s\":$best_wall,\"cpu_s\":$best_cpu,\"peak_rss_kb\":$rss,\"bytes\":$bytes,\"date\":\"$(date -u +%FT%TZ)\"}"
  echo "$line" | tee -a "$OUT"
  eval "wall_$name=$best_wall cpu_$name=$best_cpu bytes_$name=$bytes"
}

measure summary --summary --format json
measure csv --format csv
measure json_summary --format json --detail summary
[ "${BENCH_FAILING:-0}" = 1 ] && measure json_failing --format json --detail failing
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
echo
echo "tidu assess per-firm output over $FIRMS firms from a pack, all rule sets in force on $AS_OF,"
echo "$THREADS threads, best of $R; peer: tidu assess --summary in the same run"
echo "load average before: $LOAD_BEFORE; after: $LOAD_AFTER"
printf '%-28s %9s %9s %11s %11s %14s\n' output "wall s" "cpu s" "wall ratio" "cpu ratio" "bytes/firm"
for name in summary csv json_summary json_failing; do
  eval "w=\${wall_$name:-}; c=\${cpu_$name:-}; b=\${bytes_$name:-0}"
  [ -n "$w" ] || continue
  printf '%-28s %9s %9s %10sx %10sx %14s\n' "$name" "$w" "$c" "$(ratio "$w" "$wall_summary")" \
    "$(ratio "$c" "$cpu_summary")" "$(awk "BEGIN { printf \"%.0f\", $b / $FIRMS }")"
done
echo "targets: csv within 2x of --summary, json --detail summary within 3x"
