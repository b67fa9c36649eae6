#!/bin/sh
# Command tests of the readers on real workbooks and damaged files (issue 11 items 1, 2, 13, 14;
# issue 13 items 4, 6): what import and assess say about them, and what reaches the registry.
. "$(dirname "$0")/lib/checks.sh"
X=tests/data/io/xlsx
DB=$tmp/t.db

# has NAME FILE TEXT: passes when FILE contains TEXT
has() { if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1" "$(head -c 600 "$2")"; fi; }
# lacks NAME FILE TEXT: passes when FILE does not contain TEXT
lacks() { if grep -qF -- "$3" "$2"; then bad "$1" "$(head -c 600 "$2")"; else ok "$1"; fi; }
imp() { "$T" import --db "$DB" "$@" >"$tmp/out" 2>"$tmp/err"; }
stored() { "$T" export --db "$DB" --format json "$tmp/x.json" >/dev/null 2>&1 && cat "$tmp/x.json"; }

plan 49
"$T" db init --db "$DB" >/dev/null 2>&1

# ---- item 1: a blank keeps the stored figure, "#清除" clears it, history records old -> none
imp "$X/blanks.xlsx"
check "blanks.xlsx imports" "$?" 0
"$T" firm edit --db "$DB" 91320505MA1N2K3P9H net_profit@2024=300万 rd_expense@2024=100万 \
  >/dev/null 2>&1
imp "$X/clear.xlsx"
check "clear.xlsx imports" "$?" 0
"$T" firm show --db "$DB" --lang en --format json 91320505MA1N2K3P9H >"$tmp/show" 2>&1 ||
  "$T" firm show --db "$DB" 91320505MA1N2K3P9H >"$tmp/show" 2>&1
"$T" firm history --db "$DB" 91320505MA1N2K3P9H >"$tmp/hist" 2>&1
has "#清除 clears net profit: history old -> none" "$tmp/hist" "300.00万元 → —"
has "the clear names its file and row" "$tmp/hist" "clear.xlsx:2"
lacks "a blank research expense is not cleared" "$tmp/hist" "100.00万元 → —"
has "revenue changed by the re-import" "$tmp/hist" "5000.00万元 → 5100.00万元"
"$T" firm show --db "$DB" 91320505MA1N2K3P9H >"$tmp/show" 2>&1
has "research expense still 100万 after a blank" "$tmp/show" "100.00万元"
printf 'uscc,rd_expense_2024\n91320505MA1N2K3P9H,#clear\n' >"$tmp/clear.csv"
imp "$tmp/clear.csv"
check "#clear in a CSV imports" "$?" 0
"$T" firm history --db "$DB" 91320505MA1N2K3P9H >"$tmp/hist" 2>&1
has "#clear clears research expense" "$tmp/hist" "100.00万元 → —"
printf 'uscc,name\n#清除,A\n' >"$tmp/clear_uscc.csv"
imp "$tmp/clear_uscc.csv"
check "clearing the uscc: exit 1" "$?" 1
has "clearing the uscc is refused" "$tmp/err" "the uscc cannot be cleared"

# ---- item 2: a USCC stored as a number is an error naming sheet!cell
imp "$X/uscc_number.xlsx"
check "numeric USCC: exit 1" "$?" 1
has "numeric USCC names the cell (zh)" "$tmp/err" "单元格 企业!A2 是数字 \"913204111347102000\"，应为文本"
has "numeric USCC names the cell (en)" "$tmp/err" "cell 企业!A2 holds the number"
has "numeric name names the cell" "$tmp/err" "cell 企业!B3 holds the number \"12345\""
lacks "nothing stored under the wrong code" "$tmp/out" "新增/new 1"

# ---- item 13: title row, instructions sheet, empty and header-only files
imp "$X/title_row.xlsx"
check "title row: exit 1" "$?" 1
has "title row: where the header is" "$tmp/err" "the header is on row 3: add --header-row 3"
lacks "title row: no CSV hint for an XLSX" "$tmp/err" "unquoted comma"
check "title row: one problem line" "$(grep -c 'xlsx' "$tmp/err")" 1
imp --header-row 3 "$X/title_row.xlsx"
check "--header-row 3 imports" "$?" 0
has "--header-row 3: one record read" "$tmp/out" "记录/records 1;"
imp "$X/instructions_first.xlsx"
check "instructions sheet: exit 1" "$?" 1
has "instructions sheet: names the sheet to read" "$tmp/err" "add --sheet 企业信息"
imp --sheet 企业信息 "$X/instructions_first.xlsx"
check "--sheet reads the firms" "$?" 0
"$T" assess "$X/empty.xlsx" >"$tmp/out" 2>"$tmp/err"
check "empty workbook: exit 1" "$?" 1
has "empty workbook: said" "$tmp/err" "sheet \"Sheet1\" is empty"
: >"$tmp/empty.csv"
"$T" assess "$tmp/empty.csv" >"$tmp/out" 2>"$tmp/err"
check "empty CSV: exit 1" "$?" 1
has "empty CSV: said" "$tmp/err" "the file is empty"
imp "$X/header_only.xlsx"
check "header-only workbook: exit 1" "$?" 1
has "header-only workbook: said" "$tmp/err" "only a header row (row 1), no firms below it"
"$T" assess --header-row 0 "$X/title_row.xlsx" >/dev/null 2>"$tmp/err"
check "--header-row 0 is a usage error" "$?" 2

# ---- item 14: the same USCC twice in one wide file (XLSX and CSV)
imp "$X/dup_uscc.xlsx"
check "duplicate USCC in XLSX: exit 1" "$?" 1
has "duplicate USCC in XLSX: both rows" "$tmp/err" "appears twice in this file: rows 2 and 4"
printf 'uscc,name,revenue_2024\n91321200MA1T5NX21J,B,1\n91320505MA1N2K3P9H,A,2\n91321200MA1T5NX21J,B,3\n' \
  >"$tmp/dup.csv"
imp "$tmp/dup.csv"
check "duplicate USCC in CSV: exit 1" "$?" 1
has "duplicate USCC in CSV: file, row, both rows" "$tmp/err" "dup.csv:4:"
has "duplicate USCC in CSV: rows 2 and 4" "$tmp/err" "第 2 行和第 4 行"

# ---- issue 13 item 4: one damaged byte of a UTF-8 file is an error at its place
printf 'uscc,name,revenue_2024\n91320505MA1N2K3P9H,苏州\377例科技,5\n' >"$tmp/damaged.csv"
"$T" assess "$tmp/damaged.csv" >"$tmp/out" 2>"$tmp/err"
check "damaged UTF-8: exit 1" "$?" 1
has "damaged UTF-8: line and column" "$tmp/err" "invalid UTF-8 at line 2, column 22"
lacks "damaged UTF-8: not re-read as GB18030" "$tmp/out" "91320505MA1N2K3P9H"
"$T" assess --encoding gb18030 tests/data/io/gb18030.csv >"$tmp/out" 2>"$tmp/err"
check "--encoding gb18030 reads a GB18030 file" "$?" 0
"$T" assess tests/data/io/gb18030.csv >"$tmp/out2" 2>&1
check "GB18030 without --encoding reads the same" "$(cat "$tmp/out2")" "$(cat "$tmp/out")"

# ---- issue 13 item 12: names are capped at 500 bytes and kept whole in exports and history
long=$(printf '%0166d' 0 | sed 's/0/名/g') # 166 characters, 498 bytes
printf 'uscc,name\n91320505MA1N2K3P9H,%s\n' "$long" >"$tmp/long.csv"
imp "$tmp/long.csv"
check "a 498-byte name imports" "$?" 0
"$T" export --db "$DB" --format csv "$tmp/x.csv" >/dev/null 2>&1
has "the CSV export holds the whole name" "$tmp/x.csv" ",$long,"
"$T" export --db "$DB" --format json "$tmp/x.json" >/dev/null 2>&1
has "the JSON export holds the whole name" "$tmp/x.json" "\"$long\""
"$T" firm history --db "$DB" 91320505MA1N2K3P9H >"$tmp/hist" 2>&1
has "the history holds the whole name" "$tmp/hist" "$long"
printf 'uscc,name\n91320505MA1N2K3P9H,%s名名\n' "$long" >"$tmp/longer.csv"
imp "$tmp/longer.csv"
check "a 504-byte name: exit 1" "$?" 1
has "a 504-byte name is too long" "$tmp/err" "too long: 504 bytes, at most 500"
if LC_ALL=C grep -q "$(printf '\342\200\246')\"" "$tmp/err" && iconv -f UTF-8 -t UTF-8 "$tmp/err" >/dev/null 2>&1
then ok "the quoted name is cut on a character boundary"
else bad "the quoted name is cut on a character boundary" "$(head -c 300 "$tmp/err")"; fi
