#!/bin/sh
# Import benchmark: 1,000,000 firm-years (250,000 firms x 4 years from `tidu gen`) into a fresh
# registry from CSV and from XLSX, against sqlite3's own `.import` of the same CSV in the same run.
# Prints a Markdown table (seconds and peak RSS from /usr/bin/time -v).
#   TIDU_BIN=build/release/tidu nice sh bench/import.sh
set -e
T=${TIDU_BIN:-build/release/tidu}
FIRMS=${FIRMS:-250000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# measure LABEL CMD...: runs CMD under /usr/bin/time -v and prints one table row
measure() {
  label=$1
  shift
  /usr/bin/time -v "$@" >"$W/stdout" 2>"$W/time" || { cat "$W/time" >&2; exit 1; }
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/time" |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  user=$(sed -n 's/.*User time (seconds): //p' "$W/time")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time")
  printf '| %s | %s | %s | %s |\n' "$label" "$secs" "$user" "$((rss / 1024))"
}

"$T" gen "$FIRMS" --years 4 --format csv >"$W/firms.csv"
rows=$(($(wc -l <"$W/firms.csv") - 1))
echo "firm-years: $rows; CSV $(($(stat -c %s "$W/firms.csv") / 1048576)) MiB; $(nproc) cores; $(date -u +%Y-%m-%d)"
echo
echo "| step | wall s | user s | peak RSS MiB |"
echo "|---|---|---|---|"
measure "tidu import CSV" "$T" import --db "$W/csv.db" "$W/firms.csv"
"$T" export --db "$W/csv.db" --format xlsx "$W/firms.xlsx" 2>/dev/null
measure "tidu import XLSX ($(($(stat -c %s "$W/firms.xlsx") / 1048576)) MiB)" \
  "$T" import --db "$W/xlsx.db" "$W/firms.xlsx"
measure "sqlite3 .import CSV (text columns, no checks)" \
  sqlite3 "$W/raw.db" ".mode csv" ".import $W/firms.csv firms"
echo
echo "rows: tidu CSV $(sqlite3 "$W/csv.db" 'select count(*) from firm_years'), tidu XLSX" \
  "$(sqlite3 "$W/xlsx.db" 'select count(*) from firm_years'), sqlite3 $(sqlite3 "$W/raw.db" 'select count(*) from firms')"
