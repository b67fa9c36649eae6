#!/bin/sh
# Output files (issue 13 items 1 and 2): no output path may be the registry, one of its -wal/-shm
# files, a hard or symbolic link to it, or an input of the same command; every output (exports,
# firm show -o, rejects, packs, reports, backups) appears whole or not at all, also when the
# command is killed at a random moment or fails half-way. Prints PLAN, then PASS:/FAIL: lines.
. tests/cli/lib/checks.sh
D=tests/data/store
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
KILLS=${TIDU_KILLS:-8}

plan 19

sum() { sha256sum "$1" 2>/dev/null | cut -c1-64; }
dbsum() { sqlite3 "$1" .dump 2>/dev/null | sha256sum | cut -c1-64; }
# nothing but the files named may be in $tmp/o (no temporary left under any name we check)
partial() { ls -a "$tmp/o" | grep -c '\.tidu-' || true; }

R="$tmp/r.db"
"$T" import --db "$R" "$D/firms_yuan.csv" >/dev/null 2>&1
before=$(dbsum "$R")
fsum=$(sum "$R")

# ---- 1. outputs that are the registry or an input are refused, nothing is touched ----
bad=""
for f in xlsx csv json; do
  "$T" export --db "$R" --format $f "$R" >/dev/null 2>"$tmp/err"
  rc=$?
  [ $rc -eq 2 ] && grep -q "refusing" "$tmp/err" || bad="$bad $f:rc=$rc"
done
check export-onto-registry-refused "$bad" ""
check registry-untouched "$(sum "$R")" "$fsum"
ln "$R" "$tmp/hard.db"
ln -s "$R" "$tmp/sym.db"
"$T" export --db "$R" --format csv "$tmp/hard.db" >/dev/null 2>&1
check export-onto-hard-link-refused $? 2
"$T" export --db "$R" --format xlsx "$tmp/sym.db" >/dev/null 2>&1
check export-onto-symlink-refused $? 2
"$T" export --db "$R" --format json "$R-wal" >/dev/null 2>&1
a=$?
"$T" export --db "$R" --format json "$R-shm" >/dev/null 2>&1
check export-onto-wal-and-shm-refused "$a $?" "2 2"
"$T" firm show --db "$R" -f xlsx -o "$R" 91320505MA1N2K3P9H >/dev/null 2>&1
check firm-show-o-onto-registry-refused $? 2
cp "$D/firms_yuan.csv" "$tmp/in.csv"
insum=$(sum "$tmp/in.csv")
"$T" import --db "$R" --skip-bad "$tmp/in.csv" "$tmp/in.csv" >/dev/null 2>&1
a=$?
"$T" import --db "$R" --skip-bad "$R" "$tmp/in.csv" >/dev/null 2>&1
check rejects-onto-input-or-registry-refused "$a $? $(sum "$tmp/in.csv")" "2 2 $insum"
"$T" db backup --db "$R" "$tmp/hard.db" >/dev/null 2>&1
check backup-onto-registry-refused $? 2
"$T" pack -o "$tmp/in.csv" "$tmp/in.csv" >/dev/null 2>&1
check pack-onto-input-refused "$? $(sum "$tmp/in.csv")" "2 $insum"
"$T" report pool --year 2024 --db "$R" "$R" >/dev/null 2>&1
check report-onto-registry-refused "$? $(sum "$R")" "2 $fsum"
check registry-intact-after-refusals "$(dbsum "$R") $(sqlite3 "$R" 'PRAGMA integrity_check')" "$before ok"

# ---- 2. a failed export keeps the previous file; nothing new appears ----
mkdir "$tmp/o"
echo "previous export" >"$tmp/o/prev.csv"
cp "$R" "$tmp/corrupt.db"
sqlite3 "$tmp/corrupt.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null 2>&1
size=$(stat -c %s "$tmp/corrupt.db")
# overwrite the pages after the first two with garbage: the schema survives, the data does not
head -c $((size - 8192)) /dev/urandom | dd of="$tmp/corrupt.db" bs=4096 seek=2 conv=notrunc 2>/dev/null
"$T" export --db "$tmp/corrupt.db" --format csv "$tmp/o/prev.csv" >/dev/null 2>&1
rc=$?
check failed-export-keeps-previous-file "$rc $(cat "$tmp/o/prev.csv") $(partial)" "1 previous export 0"
"$T" export --db "$tmp/corrupt.db" --format xlsx "$tmp/o/new.xlsx" >/dev/null 2>&1
check failed-export-creates-nothing "$? $(ls "$tmp/o" | tr '\n' ' ')$(partial)" "1 prev.csv 0"

# ---- kills at random moments: the target is the old file or the complete new one ----
"$T" gen 3000 --seed 5 --format csv >"$tmp/big.csv"
B="$tmp/big.db"
"$T" import --db "$B" "$tmp/big.csv" >/dev/null 2>&1
# milliseconds a run of "$@" takes
ms() {
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1
  echo $((($(date +%s%N) - s) / 1000000))
}
# kill_runs NAME TARGET OLD NEW CMD...: runs CMD $KILLS times, killing it after a random part of
# its run time; after each kill TARGET must hold OLD or NEW (sha256), and nothing partial.
kill_runs() {
  name=$1 target=$2 old=$3 new=$4
  shift 4
  took=$(ms "$@")
  cp "$tmp/o/keep" "$target" 2>/dev/null
  n=0 seen_old=0 seen_new=0 wrong=""
  while [ $n -lt "$KILLS" ]; do
    [ "$old" = none ] && rm -f "$target" || cp "$tmp/o/keep" "$target"
    "$@" >/dev/null 2>&1 &
    pid=$!
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    sleep "$(awk -v t="$took" -v r="$r" 'BEGIN { printf "%.3f", t * (r / 65535.0) / 1000 }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    pid=
    got=$(sum "$target")
    [ -z "$got" ] && got=none
    if [ "$got" = "$old" ]; then
      seen_old=$((seen_old + 1))
    elif [ "$got" = "$new" ]; then
      seen_new=$((seen_new + 1))
    else
      wrong="$wrong run$n:$(stat -c %s "$target" 2>/dev/null)B"
    fi
    n=$((n + 1))
  done
  check "$name" "$wrong" ""
  echo "# $name: $KILLS kills over ${took} ms: $seen_old old, $seen_new new" >&2
}

for f in csv json; do
  "$T" export --db "$B" --format $f "$tmp/o/ref.$f" >/dev/null 2>&1
  echo "old $f export" >"$tmp/o/keep"
  old=$(sum "$tmp/o/keep")
  kill_runs kill-export-$f "$tmp/o/x.$f" "$old" "$(sum "$tmp/o/ref.$f")" \
    "$T" export --db "$B" --format $f "$tmp/o/x.$f"
done

# XLSX carries its creation time, so a complete workbook is one that imports all 3000 firms
n=0 wrong=""
"$T" export --db "$B" --format xlsx "$tmp/o/ref.xlsx" >/dev/null 2>&1
took=$(ms "$T" export --db "$B" --format xlsx "$tmp/o/t.xlsx")
echo "old xlsx export" >"$tmp/o/keep"
while [ $n -lt "$KILLS" ]; do
  cp "$tmp/o/keep" "$tmp/o/x.xlsx"
  "$T" export --db "$B" --format xlsx "$tmp/o/x.xlsx" >/dev/null 2>&1 &
  pid=$!
  r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  sleep "$(awk -v t="$took" -v r="$r" 'BEGIN { printf "%.3f", t * (r / 65535.0) / 1000 }')"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  pid=
  if ! cmp -s "$tmp/o/x.xlsx" "$tmp/o/keep"; then
    rm -f "$tmp/x.db"
    c=$("$T" import --db "$tmp/x.db" "$tmp/o/x.xlsx" 2>/dev/null | grep -c "新增/new 3000")
    [ "$c" = 1 ] || wrong="$wrong run$n"
  fi
  n=$((n + 1))
done
check kill-export-xlsx "$wrong" ""

# db backup: the target is absent (first backup) or a complete copy that opens with every firm
rm -f "$tmp/o/bk.db"
n=0 wrong="" took=$(ms "$T" db backup --db "$B" "$tmp/o/ref.db")
want=$(sqlite3 "$B" 'select count(*) from firms')
while [ $n -lt "$KILLS" ]; do
  "$T" db backup --db "$B" "$tmp/o/bk.db" >/dev/null 2>&1 &
  pid=$!
  r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  sleep "$(awk -v t="$took" -v r="$r" 'BEGIN { printf "%.3f", t * 1.5 * (r / 65535.0) / 1000 }')"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  pid=
  if [ -e "$tmp/o/bk.db" ]; then
    c=$("$T" db info --db "$tmp/o/bk.db" 2>/dev/null | sed -n 's/^企业.firms *\([0-9]*\).*/\1/p')
    [ "$c" = "$want" ] && [ ! -e "$tmp/o/bk.db-journal" ] || wrong="$wrong run$n:firms=$c"
  fi
  n=$((n + 1))
done
check kill-backup-complete-or-absent "$wrong" ""

# the rejects file of import --skip-bad: the old one or the complete new one; the registry
# holds all good firms of the file or none
awk -F, 'NR > 1 && NR % 50 == 0 { $0 = $1 ",x" $2 } { print }' OFS=, "$tmp/big.csv" >"$tmp/bad.csv"
rm -f "$tmp/ref.db"
"$T" import --db "$tmp/ref.db" --skip-bad "$tmp/o/ref.rej" "$tmp/bad.csv" >/dev/null 2>&1
echo "old rejects" >"$tmp/o/keep"
n=0 wrong="" took=$(ms "$T" import --db "$tmp/t.db" --skip-bad "$tmp/o/t.rej" "$tmp/bad.csv")
want=$(sqlite3 "$tmp/ref.db" 'select count(*) from firms')
while [ $n -lt "$KILLS" ]; do
  cp "$tmp/o/keep" "$tmp/o/x.rej"
  rm -f "$tmp/k.db" "$tmp/k.db-wal" "$tmp/k.db-shm"
  "$T" db init --db "$tmp/k.db" >/dev/null 2>&1
  "$T" import --db "$tmp/k.db" --skip-bad "$tmp/o/x.rej" "$tmp/bad.csv" >/dev/null 2>&1 &
  pid=$!
  r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  sleep "$(awk -v t="$took" -v r="$r" 'BEGIN { printf "%.3f", t * (r / 65535.0) / 1000 }')"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  pid=
  c=$(sqlite3 "$tmp/k.db" 'select count(*) from firms')
  cmp -s "$tmp/o/x.rej" "$tmp/o/keep" || cmp -s "$tmp/o/x.rej" "$tmp/o/ref.rej" ||
    wrong="$wrong run$n:rejects"
  [ "$c" = 0 ] || [ "$c" = "$want" ] || wrong="$wrong run$n:firms=$c"
  n=$((n + 1))
done
check kill-rejects-old-or-complete "$wrong" ""
check kill-leaves-no-partial-target "$(ls "$tmp/o" | grep -v '^\(keep\|prev.csv\|ref\..*\|t\..*\|x\..*\|bk.db\)$' | tr '\n' ' ')" ""
