#!/bin/sh
# The registry on SQLite and on PostgreSQL, side by side in one run: `tidu import` of 1,000,000
# firm-years (`tidu gen 1000000 --years 1`, long CSV: 1M firms, one year each) into a fresh
# registry, then `tidu assess --summary db:` over those 1M registry firms. PostgreSQL is a
# private cluster started here (as tests/cli/lib/pg.sh does, Unix socket only) with fsync and
# full-page writes on, default memory settings (shared_buffers 128 MB). Seconds and the tidu
# process's peak RSS from /usr/bin/time -v (the PostgreSQL server's own memory is not in it).
# Prints a Markdown table; the two summaries must be equal.
#   BUILD=build/release nice sh bench/pg.sh      (FIRMS=N for another size)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
T=$PWD/$BUILD/tidu
FIRMS=${FIRMS:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/cli/lib/pg.sh
PG_EXTRA_CONF="fsync = on
full_page_writes = on"
pg_start "$tmp/pg" || { echo "bench: cannot start PostgreSQL" >&2; exit 1; }
url=$(pg_createdb bench)
lite="$tmp/r.db"

measure() {
  label=$1
  backend=$2
  shift 2
  /usr/bin/time -v "$@" >"$tmp/stdout" 2>"$tmp/time" || { tail -5 "$tmp/time" >&2; exit 1; }
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time" |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  user=$(sed -n 's/.*User time (seconds): //p' "$tmp/time")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$backend" "$secs" "$user" "$((rss / 1024))"
}

"$T" gen "$FIRMS" --years 1 --format csv --seed 11 >"$tmp/firms.csv"
rows=$(($(wc -l <"$tmp/firms.csv") - 1))
echo "firm-years: $rows; CSV $(($(stat -L -c %s "$tmp/firms.csv") / 1048576)) MiB; $(nproc) cores;" \
  "$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo | awk '{printf "%d GB", $1 / 1048576}');" \
  "$("$PG_BIN/postgres" --version); sqlite $(sqlite3 --version | cut -d' ' -f1); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| step | backend | wall s | user s | tidu peak RSS MiB |"
echo "|---|---|---|---|---|"
measure "import $rows firm-years" SQLite "$T" import --db "$lite" "$tmp/firms.csv"
measure "import $rows firm-years" PostgreSQL "$T" import --db "$url" "$tmp/firms.csv"
measure "assess --summary db: ($rows firms)" SQLite "$T" assess --summary --as-of 2025-06-30 "db:$lite"
cp "$tmp/stdout" "$tmp/sum.lite"
measure "assess --summary db: ($rows firms)" PostgreSQL "$T" assess --summary --as-of 2025-06-30 "db:$url"
cp "$tmp/stdout" "$tmp/sum.pg"
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "firms on file: SQLite $(sqlite3 "$lite" 'select count(*) from firms')," \
  "PostgreSQL $(pg_psql -d bench -tA -c 'select count(*) from firms');" \
  "summaries $(cmp -s "$tmp/sum.lite" "$tmp/sum.pg" && echo equal || echo DIFFERENT)"
