#!/bin/sh
# Import benchmark: 1,000,000 firm-years (250,000 firms x 4 years from `tidu gen`) into a fresh
# registry from CSV — as generated (each firm's rows together) and with the data rows shuffled
# (each firm's rows scattered through the file) — against sqlite3's own `.import` of the same CSV
# in the same run. Prints a Markdown table: wall and CPU seconds and peak RSS from
# /usr/bin/time -v, and each wall time as a ratio to sqlite3's. XLSX=1 adds an XLSX import;
# BASE_BIN=<another build of tidu> adds its two CSV imports (to compare builds in one run).
#   TIDU_BIN=build/release/tidu nice sh bench/import.sh
set -e
T=${TIDU_BIN:-build/release/tidu}
FIRMS=${FIRMS:-250000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# measure LABEL CMD...: runs CMD under /usr/bin/time -v; sets $secs, $cpu and $rss (MiB)
measure() {
  label=$1
  shift
  /usr/bin/time -v "$@" >"$W/stdout" 2>"$W/time" || { cat "$W/time" >&2; exit 1; }
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/time" |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  cpu=$(awk '/User time|System time/ { s += $NF } END { printf "%.2f", s }' "$W/time")
  rss=$(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time") / 1024))
}
row() { printf '| %s | %s | %s | %s | %s |\n' "$1" "$secs" "$cpu" "$rss" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }

"$T" gen "$FIRMS" --years 4 --format csv >"$W/firms.csv"
(head -1 "$W/firms.csv"
  tail -n +2 "$W/firms.csv" | awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort -k1,1 |
    cut -f2-) >"$W/scattered.csv"
rows=$(($(wc -l <"$W/firms.csv") - 1))
echo "firm-years: $rows; CSV $(($(stat -L -c %s "$W/firms.csv") / 1048576)) MiB; $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| step | wall s | CPU s (user+sys) | peak RSS MiB | wall vs sqlite3 .import |"
echo "|---|---|---|---|---|"
measure sqlite sqlite3 "$W/raw.db" ".mode csv" ".import $W/firms.csv firms"
base=$secs
row "sqlite3 .import CSV (text columns, no checks)" "1.00×"
measure tidu "$T" import --db "$W/csv.db" "$W/firms.csv"
row "tidu import CSV, rows of a firm together" "$(ratio "$secs" "$base")"
measure tidu "$T" import --db "$W/scattered.db" "$W/scattered.csv"
row "tidu import CSV, rows of a firm scattered" "$(ratio "$secs" "$base")"
if [ -n "${BASE_BIN:-}" ]; then
  measure base "$BASE_BIN" import --db "$W/base.db" "$W/firms.csv"
  row "previous build ($BASE_BIN), rows of a firm together" "$(ratio "$secs" "$base")"
  measure base "$BASE_BIN" import --db "$W/base2.db" "$W/scattered.csv"
  row "previous build ($BASE_BIN), rows of a firm scattered" "$(ratio "$secs" "$base")"
fi
if [ "${XLSX:-0}" = 1 ]; then
  "$T" export --db "$W/csv.db" --format xlsx "$W/firms.xlsx" 2>/dev/null
  measure tidu "$T" import --db "$W/xlsx.db" "$W/firms.xlsx"
  row "tidu import XLSX ($(($(stat -L -c %s "$W/firms.xlsx") / 1048576)) MiB)" "$(ratio "$secs" "$base")"
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
"$T" export --db "$W/csv.db" --format json "$W/a.json" >/dev/null 2>&1
"$T" export --db "$W/scattered.db" --format json "$W/b.json" >/dev/null 2>&1
echo "rows: tidu $(sqlite3 "$W/csv.db" 'select count(*) from firm_years') and" \
  "$(sqlite3 "$W/scattered.db" 'select count(*) from firm_years') (exports" \
  "$(cmp -s "$W/a.json" "$W/b.json" && echo identical || echo DIFFERENT)), sqlite3" \
  "$(sqlite3 "$W/raw.db" 'select count(*) from firms')"
