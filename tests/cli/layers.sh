#!/bin/sh
# The layering check (scripts/check-layers.sh): the tree passes, and the check itself catches an
# upward include, a header of a sibling layer and a public header with no layer.
. "$(dirname "$0")/lib/checks.sh"
plan 6

out=$(sh scripts/check-layers.sh . 2>&1)
check "the tree has no upward include" "$?:$out" "0:check-layers: ok"

# a small tree of our own, first clean, then with one fault at a time
mk() {
  rm -rf "$tmp/t"
  mkdir -p "$tmp/t/src/core" "$tmp/t/src/assess" "$tmp/t/src/io" "$tmp/t/src/store" "$tmp/t/src/cli" \
    "$tmp/t/include/tidu"
  printf '/* x */\n#include "tidu/firm.h"\n' >"$tmp/t/include/tidu/batch.h"
  printf '/* x */\n#include "tidu/error.h"\n' >"$tmp/t/include/tidu/firm.h"
  printf '/* x */\n#include "tidu/batch.h"\n#include "core_int.h"\n' >"$tmp/t/src/assess/a.c"
  printf '/* x */\n#include "tidu/batch.h"\n#include "tidu/store.h"\n' >"$tmp/t/src/cli/main.c"
  printf '/* x */\n#include "tidu/firm.h"\n' >"$tmp/t/src/store/s.c"
}
mk
sh scripts/check-layers.sh "$tmp/t" >/dev/null 2>&1
check "a clean tree passes" "$?" "0"

mk
printf '#include "tidu/io.h"\n' >>"$tmp/t/include/tidu/batch.h"
out=$(sh scripts/check-layers.sh "$tmp/t" 2>&1)
rc=$?
check "assess including io fails, naming file and line" \
  "$rc:$(echo "$out" | head -1)" \
  '1:include/tidu/batch.h:3: assess includes "tidu/io.h" (io): an upward include'

mk
printf '  #  include "store/store_int.h"\n' >>"$tmp/t/src/core/x.c"
sh scripts/check-layers.sh "$tmp/t" >/dev/null 2>&1
check "core including a store header fails (spaces in the directive)" "$?" "1"

mk
printf '#include "io/internal.h"\n' >>"$tmp/t/src/store/s.c"
out=$(sh scripts/check-layers.sh "$tmp/t" 2>&1)
check "store including io (same rank) fails" "$?:$(echo "$out" | head -1)" \
  '1:src/store/s.c:3: store includes "io/internal.h" (io): an upward include'

mk
printf '/* x */\n' >"$tmp/t/include/tidu/mystery.h"
out=$(sh scripts/check-layers.sh "$tmp/t" 2>&1)
check "a public header without a layer fails" "$?:$(echo "$out" | head -1)" \
  "1:include/tidu/mystery.h: public header without a layer (add it to scripts/check-layers.sh)"
