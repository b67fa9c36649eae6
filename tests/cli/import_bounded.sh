#!/bin/sh
# Import in bounded memory (issue 9 item 5): a long-layout CSV whose rows of each firm are
# scattered through the file is spilled by firm into temporary files and gives the registry,
# history, errors, rejects file and summary of the same rows in sorted order, with a peak RSS
# under the limit; the same file in GB18030 (told or found) is converted as it is read, in the
# same bounded memory. TIDU_SPILL_ABOVE makes a file of a few tens of MB spill (the default is 64 MiB).
# Prints PLAN, then PASS:/FAIL: lines.
. tests/cli/lib/checks.sh
FIRMS=${TIDU_BOUNDED_FIRMS:-25000}
LIMIT_MB=${TIDU_BOUNDED_LIMIT_MB:-120}
# Under AddressSanitizer the measured process is tidu plus ASan's own memory: its quarantine of
# freed blocks (256 MB by default) is turned off for the measured imports, and its redzones and
# shadow memory (about 45% here) are allowed for in the limit.
if [ "${CFG:-}" = asan ]; then
  LIMIT_MB=${TIDU_BOUNDED_LIMIT_MB:-175}
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
  export ASAN_OPTIONS
fi
plan 13

mkdir "$tmp/sorted" "$tmp/scattered" "$tmp/spill"
"$T" gen "$FIRMS" --years 4 --seed 5 --format csv >"$tmp/sorted/firms.csv"
# the same rows, each firm's years far apart: the data rows in a fixed shuffled order
(head -1 "$tmp/sorted/firms.csv"
  tail -n +2 "$tmp/sorted/firms.csv" | awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' |
    sort -k1,1 | cut -f2-) >"$tmp/scattered/firms.csv"
# a second import changing every firm's employees of every year (column "employees")
for d in sorted scattered; do
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "employees") c = i; print; next }
    { if ($c != "") $c = $c + 1; print }' "$tmp/$d/firms.csv" >"$tmp/$d/update.csv"
done

# imp DIR FILE: imports DIR/FILE into DIR/r.db (from DIR, so both registries name the same
# file), spilling; peak RSS in KB goes to DIR/FILE.rss
imp() {
  (cd "$tmp/$1" && TMPDIR="$tmp/spill" TIDU_SPILL_ABOVE=1048576 /usr/bin/time -f %M -o "$2.rss" \
    "$T" import --db r.db "$2" >"$2.out" 2>"$2.err")
}
imp sorted firms.csv
imp scattered firms.csv
check import-ok "$?" 0
check same-summary "$(cat "$tmp/scattered/firms.csv.out")" "$(cat "$tmp/sorted/firms.csv.out")"
rss=$(cat "$tmp/scattered/firms.csv.rss")
if [ "$((rss / 1024))" -lt "$LIMIT_MB" ]; then ok "peak-rss-under-${LIMIT_MB}MB"; else
  bad "peak-rss-under-${LIMIT_MB}MB" "$((rss / 1024)) MB for $(wc -c <"$tmp/scattered/firms.csv") bytes"; fi
"$T" export --db "$tmp/sorted/r.db" --format json "$tmp/sorted.json" >/dev/null 2>&1
"$T" export --db "$tmp/scattered/r.db" --format json "$tmp/scattered.json" >/dev/null 2>&1
check export-identical "$(cmp "$tmp/sorted.json" "$tmp/scattered.json" && echo same)" same
# src_row: each firm-year keeps the line of the scattered file it came from
sqlite3 -separator , "$tmp/scattered/r.db" 'select src_row, uscc, year from firm_years' >"$tmp/rows"
wrong=$(awk -F, 'NR == FNR { want[$1] = $2 "," $3; next }
  FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "year") y = i; next }
  (FNR in want) { if (want[FNR] != $1 "," $y) n++; seen++ }
  END { print n + 0, seen + 0 }' "$tmp/rows" "$tmp/scattered/firms.csv")
check lines-kept "$wrong" "0 $((FIRMS * 4))"

# the scattered file in GB18030, without --encoding (found as a whole-file read finds it) and
# with it: converted while it is spilled, the same registry, memory as bounded
mkdir "$tmp/gb" "$tmp/gb2"
iconv -f UTF-8 -t GB18030 "$tmp/scattered/firms.csv" >"$tmp/gb/firms.csv"
cp "$tmp/gb/firms.csv" "$tmp/gb2/firms.csv"
imp gb firms.csv
(cd "$tmp/gb2" && TMPDIR="$tmp/spill" TIDU_SPILL_ABOVE=1048576 "$T" import --db r.db --encoding gb18030 \
  firms.csv >/dev/null 2>&1)
"$T" export --db "$tmp/gb/r.db" --format json "$tmp/gb.json" >/dev/null 2>&1
"$T" export --db "$tmp/gb2/r.db" --format json "$tmp/gb2.json" >/dev/null 2>&1
check gb18030-export-identical "$(cmp "$tmp/scattered.json" "$tmp/gb.json" &&
  cmp "$tmp/scattered.json" "$tmp/gb2.json" && echo same)" same
rss=$(cat "$tmp/gb/firms.csv.rss")
if [ "$((rss / 1024))" -lt "$LIMIT_MB" ]; then ok "gb18030-peak-rss-under-${LIMIT_MB}MB"; else
  bad "gb18030-peak-rss-under-${LIMIT_MB}MB" "$((rss / 1024)) MB"; fi

imp sorted update.csv
imp scattered update.csv
h='select uscc, year, field, old_value, new_value from value_history order by uscc, year, field'
check history-equal "$(sqlite3 "$tmp/scattered/r.db" "$h" | md5sum)" "$(sqlite3 "$tmp/sorted/r.db" "$h" | md5sum)"
check history-complete "$(sqlite3 "$tmp/scattered/r.db" 'select count(*) from value_history')" \
  "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "employees") c = i; next }
    $c != "" { n++ } END { print n + 0 }' "$tmp/sorted/firms.csv")"
check temp-files-gone "$(ls -A "$tmp/spill" | wc -l)" 0

# a bad figure and a firm with conflicting rows: the same messages, exit status and rejects
# file spilled as read whole
head -20001 "$tmp/scattered/firms.csv" | awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "employees") c = i }
  NR == 500 { $c = "abc" } NR == 1000 { again = $0 } { print }
  END { $0 = again; $c = $c + 7; print }' >"$tmp/bad.csv"
run() {
  mkdir "$tmp/b$1"
  TMPDIR="$tmp/spill" TIDU_SPILL_ABOVE=$1 "$T" import --db "$tmp/b$1/r.db" --skip-bad "$tmp/b$1/rej.csv" \
    "$tmp/bad.csv" >"$tmp/bad$1.out" 2>"$tmp/bad$1.err"
  echo "exit $?" >>"$tmp/bad$1.out"
}
run 1024
run 0
# (the same messages; a spilled file reports its firms grouped by temporary file, so the
# order of the lines may differ)
check bad-same-messages "$(sed "s|$tmp/b1024/|DIR/|" "$tmp/bad1024.err" "$tmp/bad1024.out" | sort)" \
  "$(sed "s|$tmp/b0/|DIR/|" "$tmp/bad0.err" "$tmp/bad0.out" | sort)"
last=$(wc -l <"$tmp/bad.csv")
check bad-both-found "$(grep -c "bad.csv:500:employees\|bad.csv:$last:employees: .*line 1000, " "$tmp/bad1024.err")" 2
check bad-same-rejects "$(cmp "$tmp/b1024/rej.csv" "$tmp/b0/rej.csv" && echo same)" same
