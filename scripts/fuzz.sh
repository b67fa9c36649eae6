#!/bin/sh
# Builds every libFuzzer target fuzz/*.c against the library sources and runs each for $1
# seconds (default 60) on a copy of its corpus fuzz/corpus/<name without fuzz_>/. Fails when a
# target crashes; the crashing input is left in build/fuzz/ (add it to the corpus once fixed).
set -u
SECS=${1:-60}
GEN=build/release/gen
OUT=build/fuzz
CC=${FUZZ_CC:-clang}
FLAGS="-std=c17 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc -I$GEN $(pkg-config --cflags libpq 2>/dev/null)"
SAN=fuzzer,address,undefined
LIBS="-ljansson -lsqlite3 -lpq -lzip -lexpat -lxlsxwriter -lmicrohttpd -lsodium -lpthread -lm"

make --no-print-directory CFG=release BUILD=build/release "$GEN/builtin_rules.c" || exit 1
mkdir -p "$OUT/obj"

# The library below the server, instrumented once, as an archive.
objs=""
for src in src/core/*.c src/rules/*.c src/assess/*.c src/io/*.c src/store/*.c src/app/*.c \
  src/programme/*.c "$GEN/builtin_rules.c"; do
  [ -f "$src" ] || continue
  obj="$OUT/obj/$(echo "$src" | tr '/' '_').o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find include src -name '*.h' -newer "$obj" | head -1)" ]; then
    $CC $FLAGS -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$obj" || exit 1
  fi
  objs="$objs $obj"
done

# an archive, so that each target links only the objects it needs
rm -f "$OUT/libtidu-fuzz.a"
# shellcheck disable=SC2086
ar rcs "$OUT/libtidu-fuzz.a" $objs || exit 1

status=0
for f in fuzz/*.c; do
  name=$(basename "$f" .c)
  short=${name#fuzz_}
  echo "== $name: build"
  # shellcheck disable=SC2086
  $CC $FLAGS -fsanitize=$SAN -o "$OUT/$name" "$f" "$OUT/libtidu-fuzz.a" $LIBS || exit 1
  work="$OUT/corpus-$short"
  rm -rf "$work"
  mkdir -p "$work" "fuzz/corpus/$short"
  cp -R "fuzz/corpus/$short/." "$work/" 2>/dev/null
  echo "== $name: ${SECS}s on $(ls "$work" | wc -l) seed(s)"
  if ! "$OUT/$name" -max_total_time="$SECS" -timeout=60 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$OUT/$name-" -print_final_stats=1 "$work" >"$OUT/$name.log" 2>&1; then
    echo "FAIL: $name crashed; see $OUT/$name.log and $OUT/$name-*" >&2
    tail -40 "$OUT/$name.log" >&2
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$OUT/$name.log" | tail -1
    echo "PASS: $name"
  fi
done
exit $status
