#!/bin/sh
# Benchmarks of issues 2, 4 and 9, run by `make bench`: each line of output is one measurement as
# JSON (also appended to bench/data/results.jsonl), then the ratios measured in this same run,
# then the other benchmarks of issue 9 (per-firm output, CSV reading, import) where present.
#   BENCH_FIRMS=N   population size (default 1000000)
#   BENCH_BIG=M     every rule set over M firms straight from a pack (default 10000000, the
#                   issue's size: a 7.6 GB pack, made once; 0 = skip)
#   BENCH_THREADS=T worker threads for tidu and DuckDB (default 2); the rule-set runs are also
#                   measured on one thread
#   BENCH_OTHERS=0  skip bench/output.sh, bench/csv.sh and bench/import.sh
# Peers: DuckDB through bench/peers (npm); SQLite through the sqlite3 shell. A peer that cannot
# be installed or run is skipped with a note. The machine's load is recorded before and after:
# on a shared machine compare within one run only.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
N=${BENCH_FIRMS:-1000000}
THREADS=${BENCH_THREADS:-2}
BIG=${BENCH_BIG:-10000000}
T=$PWD/$BUILD/tidu
D=bench/data
OUT=$D/results.jsonl
mkdir -p "$D" "$BUILD/bench"
touch "$OUT"
start=$(wc -l <"$OUT")
note() { echo "bench: $*" >&2; }
rec() { tee -a "$OUT"; }

[ -x "$T" ] || { note "build $T first (make CFG=release)"; exit 1; }
cc -std=c17 -D_GNU_SOURCE -O2 -g -Iinclude -o "$BUILD/bench/tidu_star" bench/tidu_star.c \
  "$BUILD/libtidu.a" -ljansson -lsqlite3 -lzip -lexpat -lxlsxwriter -lmicrohttpd -lsodium \
  -lpthread -lm || exit 1
S=$PWD/$BUILD/bench/tidu_star

# ---- data: `tidu gen` long CSV -> `tidu pack`; the STAR columns as a wide CSV ----
CSV=$D/gen-$N.csv
PACK=$D/gen-$N.pack
WIDE=$D/star-$N.csv
if [ ! -s "$PACK" ]; then
  note "generating $N firms"
  "$T" gen "$N" --seed 1 --years 3 --format csv >"$CSV" || exit 1
  "$T" pack "$CSV" -o "$PACK" || exit 1
fi
[ -s "$WIDE" ] || "$S" wide "$PACK" "$WIDE" 2024 || exit 1
echo "{\"data\":{\"firms\":$N,\"long_csv_bytes\":$(stat -L -c %s "$CSV" 2>/dev/null || echo 0),\"pack_bytes\":$(stat -L -c %s "$PACK"),\"wide_csv_bytes\":$(stat -L -c %s "$WIDE")}}" | rec

# ---- peers ----
DUCK=0
if command -v node >/dev/null 2>&1 &&
  { [ -d bench/peers/node_modules/@duckdb/node-api ] ||
    (cd bench/peers && npm ci --no-audit --no-fund >/dev/null 2>&1); }; then
  DUCK=1
else
  note "DuckDB skipped: node or npm package @duckdb/node-api not available"
fi
SQLITE=0
if command -v sqlite3 >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then SQLITE=1
else note "SQLite skipped: sqlite3 shell or node not available"; fi

load() { echo "{\"bench\":\"load\",\"when\":\"$1\",\"date\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"uptime\":\"$(uptime | sed 's/.*load average: //')\",\"cores\":$(nproc)}" | rec; }
load start
"$S" membw | sed 's/^{/{"bench":"membw",/' | rec

# ---- 1. STAR with every per-condition gap ----
"$S" star "$PACK" "$THREADS" | sed 's/^{/{"bench":"star_loaded",/' | rec
"$S" star "$WIDE" "$THREADS" | sed 's/^{/{"bench":"star_from_csv",/' | rec
[ $DUCK = 1 ] && (cd bench/peers && node star_duckdb.js star "../../$WIDE" "$THREADS") |
  sed 's/^{/{"bench":"star",/' | rec
[ $SQLITE = 1 ] && (cd bench/peers && node star_sqlite.js "../../$WIDE" "../../$D/star.db") |
  sed 's/^{/{"bench":"star",/' | rec

# ---- 2. CSV ingestion ----
"$S" ingest "$WIDE" | sed 's/^{/{"bench":"ingest",/' | rec
[ $DUCK = 1 ] && (cd bench/peers && node star_duckdb.js ingest "../../$WIDE" "$THREADS") |
  sed 's/^{/{"bench":"ingest",/' | rec

# ---- 3. every shipped rule set, from the pack: verdicts only (what --summary counts) on 1 and
# T threads, and with every result column (what per-firm output reads) on T threads ----
"$S" all "$PACK" 1 | sed 's/^{/{"bench":"all_rules",/' | rec
[ "$THREADS" != 1 ] && "$S" all "$PACK" "$THREADS" | sed 's/^{/{"bench":"all_rules",/' | rec
"$S" all "$PACK" "$THREADS" full | sed 's/^{/{"bench":"all_rules",/' | rec
if [ "$BIG" -gt 0 ]; then
  BIGPACK=$D/gen-$BIG.pack
  [ -s "$BIGPACK" ] || "$S" genpack "$BIGPACK" "$BIG" 1 3 || exit 1
  BB=$(stat -L -c %s "$BIGPACK")
  cat "$BIGPACK" >/dev/null # in the page cache, as after it was written
  [ "$THREADS" != 1 ] && "$S" all "$BIGPACK" "$THREADS" | sed "s/^{/{\"bench\":\"all_rules_big\",\"pack_bytes\":$BB,/" | rec
  "$S" all "$BIGPACK" 1 | sed "s/^{/{\"bench\":\"all_rules_big\",\"pack_bytes\":$BB,/" | rec
  "$S" all "$BIGPACK" "$THREADS" full | sed "s/^{/{\"bench\":\"all_rules_big\",\"pack_bytes\":$BB,/" | rec
fi

# ---- 4. what-if main 2023-02-17 -> 2024-04-30 ----
"$S" whatif "$PACK" "$THREADS" | sed 's/^{/{"bench":"whatif",/' | rec

# ---- 5. issue 2: `tidu assess` per firm (NDJSON out) from the long CSV, over the first
# BENCH_PERFIRM firms (default 10000: the per-firm report is large, see RESULTS.md) ----
PF=${BENCH_PERFIRM:-10000}
SUB=$D/gen-$N-first-$PF.csv
[ -s "$SUB" ] || "$T" gen "$PF" --seed 1 --years 3 --format csv >"$SUB"
/usr/bin/time -f '%e %M' -o "$D/time.txt" "$T" assess --format json "$SUB" >"$D/perfirm.ndjson" 2>/dev/null
read -r secs rss <"$D/time.txt"
bytes=$(stat -L -c %s "$D/perfirm.ndjson")
rm -f "$D/perfirm.ndjson"
echo "{\"bench\":\"assess_per_firm\",\"system\":\"tidu\",\"firms\":$PF,\"seconds\":$secs,\"peak_rss_kb\":$rss,\"output_bytes\":$bytes}" | rec
/usr/bin/time -f '%e %M' -o "$D/time.txt" "$T" assess --summary --format json "$PACK" >/dev/null 2>&1
read -r secs rss <"$D/time.txt"
echo "{\"bench\":\"assess_summary_pack\",\"system\":\"tidu\",\"firms\":$N,\"seconds\":$secs,\"peak_rss_kb\":$rss}" | rec

load end
# ---- ratios of this run ----
tail -n +"$((start + 1))" "$OUT" | node bench/ratios.js || note "ratios need node"

# ---- the other benchmarks of issue 9, where present ----
if [ "${BENCH_OTHERS:-1}" != 0 ]; then
  for b in output csv import; do
    [ -f "bench/$b.sh" ] || { note "bench/$b.sh not present: skipped"; continue; }
    echo
    echo "== bench/$b.sh ($(date -u +%H:%M:%SZ), load $(uptime | sed 's/.*load average: //'))"
    case $b in
      output) BUILD=$BUILD BENCH_FIRMS=$N BENCH_THREADS=$THREADS sh bench/output.sh "$PACK" ;;
      import) TIDU_BIN=$T sh bench/import.sh ;;
      *) BUILD=$BUILD BENCH_FIRMS=$N BENCH_THREADS=$THREADS sh "bench/$b.sh" ;;
    esac || note "bench/$b.sh failed"
  done
fi
