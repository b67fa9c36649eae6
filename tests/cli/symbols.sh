#!/bin/sh
# The shared library exports its public interface and nothing else: every symbol libtidu.so
# defines for others is a function marked TIDU_API in include/tidu/*.h, every such function is
# there, internals stay hidden, and a program built against the public headers alone links to it.
. "$(dirname "$0")/lib/checks.sh"
plan 5

so=$(dirname "$T")/libtidu.so
check "libtidu.so is built beside the command" "$([ -f "$so" ] && echo yes)" "yes"

# exported, defined symbols (names with a leading underscore belong to the compiler's runtime)
nm -D --defined-only "$so" 2>/dev/null | awk '{print $NF}' | grep -v '^_' | sort -u >"$tmp/exported"
# the public interface: the name before "(" on each line marked TIDU_API
grep -h 'TIDU_API' include/tidu/*.h | grep -v '#define' |
  sed -n 's/^TIDU_API[^(]*[^a-zA-Z0-9_(]\([a-zA-Z_][a-zA-Z0-9_]*\)(.*/\1/p' | sort -u >"$tmp/public"

internal=$(comm -23 "$tmp/exported" "$tmp/public" | tr '\n' ' ')
check "no internal symbol is exported" "$internal" ""
missing=$(comm -13 "$tmp/exported" "$tmp/public" | tr '\n' ' ')
check "every public function is exported" "$missing" ""

# functions shared between the library's own files only (internal headers under src/)
hidden=""
for sym in tidu_io_reserve srv_snap_get tidu_sql_prepare tidu_builtin_rules tidu_web_files; do
  grep -qx "$sym" "$tmp/exported" && hidden="$hidden $sym"
done
check "internals such as tidu_io_reserve and srv_snap_get are hidden" "$hidden" ""

cat >"$tmp/use.c" <<'C'
/* uses libtidu through its public headers only */
#include <stdio.h>
#include "tidu/toolkit.h"
#include "tidu/uscc.h"
int main(void) {
  tidu_error err;
  tidu_error_clear(&err);
  printf("%zu %d\n", tidu_edit_distance("revenue", "revnue"),
         tidu_uscc_check("91320505MA1N2K3P9H", &err) == TIDU_USCC_VALID);
  return 0;
}
C
got=$(${CC:-cc} -std=c17 -Iinclude -o "$tmp/use" "$tmp/use.c" -L"$(dirname "$so")" -ltidu \
  $(case "$T" in *asan*) echo -fsanitize=address,undefined ;; esac) 2>&1 &&
  LD_LIBRARY_PATH="$(dirname "$so")" "$tmp/use" 2>&1)
check "a program built on the public headers links to libtidu.so and runs" "$got" "1 1"
