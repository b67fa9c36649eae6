#!/bin/sh
# The parallel CSV reader through the commands: assess (per firm and --summary) and pack give
# the same firms, errors and line numbers with 1, 2 and 4 threads (--threads and TIDU_THREADS)
# on wide files with quoted line breaks, a BOM and CRLF, bad values and duplicate USCCs; and
# project, simulate and per-firm CSV on narrow rows (more rows to a part than to a chunk).
. "$(dirname "$0")/lib/checks.sh"
plan 18

# $1 = line end: 3000 firms (about 170 KB: several 64 KiB parts), every 7th name quoted over
# two lines, a bad value every 101st row, a duplicate USCC, a last row with a bad value.
make_csv() {
  awk -v nl="$1" 'BEGIN {
    printf "uscc,企业名称,region,revenue_2024,revenue_2023,net_profit_2024,rd_expense_2024%s", nl
    for (i = 1; i <= 3000; i++) {
      name = "企业" i
      if (i % 7 == 0) name = "\"企业" i nl "（第二行, \"\"引号\"\"）\""
      u = (i == 10 || i == 2500) ? "91321100008224658L" : ""
      rev = (i % 101 == 0) ? "abc" : sprintf("%d.%02d", i * 1234 % 99991, i % 100)
      printf "%s,%s,320106,%s,%d,%d,%d%s", u, name, rev, i * 77 % 5000, i % 300 - 100, i % 50, nl
    }
    printf ",最后企业,320106,x,1,2,3%s", nl
  }'
}
make_csv '\n' >"$tmp/lf.csv"
{ printf '\357\273\277'; make_csv '\r\n'; } >"$tmp/crlf.csv"

for f in lf crlf; do
  "$T" assess --threads 1 --format json "$tmp/$f.csv" >"$tmp/$f.1.out" 2>"$tmp/$f.1.err"
  for n in 2 4; do
    "$T" assess --threads $n --format json "$tmp/$f.csv" >"$tmp/$f.$n.out" 2>"$tmp/$f.$n.err"
    if cmp -s "$tmp/$f.1.out" "$tmp/$f.$n.out" && cmp -s "$tmp/$f.1.err" "$tmp/$f.$n.err"; then
      ok "$f: assess --format json, $n threads = 1 thread (firms and errors)"
    else
      bad "$f: assess --format json, $n threads = 1 thread" "$(diff "$tmp/$f.1.err" "$tmp/$f.$n.err" | head -3)"
    fi
  done
  "$T" assess --threads 1 --summary "$tmp/$f.csv" >"$tmp/$f.s1" 2>&1
  TIDU_THREADS=2 "$T" assess --summary "$tmp/$f.csv" >"$tmp/$f.s2" 2>&1
  check "$f: assess --summary with TIDU_THREADS=2 = 1 thread" "$(cmp -s "$tmp/$f.s1" "$tmp/$f.s2" && echo same)" same
  lines=$(wc -l <"$tmp/$f.csv" | tr -d ' ')
  check "$f: the last row's error names its line ($lines) after 428 quoted line breaks" \
    "$(grep -c "$f.csv:$lines:4:" "$tmp/$f.4.err")" 1
  dup=$(grep -c 'appears twice in this file' "$tmp/$f.4.err")
  check "$f: the duplicate USCC is one error with 4 threads" "$dup" 1
  firms=$(wc -l <"$tmp/$f.4.out" | tr -d ' ')
  check "$f: 4 threads read 3001 rows less 30 bad values and 1 duplicate" "$firms" 2970
  TIDU_THREADS=4 "$T" pack "$tmp/$f.csv" -o "$tmp/$f.pack" >/dev/null 2>"$tmp/$f.pack.err"
  "$T" assess --summary "$tmp/$f.pack" >"$tmp/$f.sp" 2>&1
  check "$f: pack read with 4 threads assesses as the CSV read with 1" \
    "$(sed -n '1,200p' "$tmp/$f.sp" | grep -v '^$' | head -20 | md5sum)" \
    "$(grep -v '^$' "$tmp/$f.s1" | grep -v 'csv:' | head -20 | md5sum)"
done

# narrow rows: about 60 bytes each, so a part of the text holds several chunks' worth of firms
awk 'BEGIN {
  print "name,market_cap,revenue_2024,revenue_2023,revenue_2022,net_profit_2024,net_profit_2023"
  for (i = 1; i <= 40000; i++)
    printf "f%d,2000000000,%d,%d,%d,%d,500\n", i, i * 7919 % 200000000, i * 7907 % 150000000,
      i * 7901 % 100000000, i % 5 ? 1000 : -1000
}' >"$tmp/narrow.csv"
"$T" assess --threads 1 --format csv "$tmp/narrow.csv" >"$tmp/n.c1" 2>&1
"$T" assess --threads 2 --format csv "$tmp/narrow.csv" >"$tmp/n.c2" 2>&1
check "narrow rows: assess --format csv, 2 threads = 1 thread" \
  "$(cmp -s "$tmp/n.c1" "$tmp/n.c2" && wc -l <"$tmp/n.c2" | tr -d ' ')" 40001
"$T" project --threads 1 "$tmp/narrow.csv" >"$tmp/n.p1" 2>&1
"$T" project --threads 2 "$tmp/narrow.csv" >"$tmp/n.p2" 2>&1
check "narrow rows: project, 2 threads = 1 thread" \
  "$(cmp -s "$tmp/n.p1" "$tmp/n.p2" && wc -l <"$tmp/n.p2" | tr -d ' ')" 40000
sim() { "$T" simulate --base star --set star.1.5=5000万 --format json --threads "$1" "$tmp/narrow.csv"; }
sim 1 >"$tmp/n.s1" 2>&1
sim 2 >"$tmp/n.s2" 2>&1
check "narrow rows: simulate (some firms change), 2 threads = 1 thread" \
  "$(cmp -s "$tmp/n.s1" "$tmp/n.s2" && grep -m1 -o '"fail->unknown": [0-9]*' "$tmp/n.s2")" \
  '"fail->unknown": 10102'
"$T" assess --threads 1 --summary --format json "$tmp/narrow.csv" >"$tmp/n.j1" 2>&1
"$T" assess --threads 2 --summary --format json "$tmp/narrow.csv" >"$tmp/n.j2" 2>&1
check "narrow rows: assess --summary, 2 threads = 1 thread" "$(cmp -s "$tmp/n.j1" "$tmp/n.j2" && echo same)" same
