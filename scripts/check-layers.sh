#!/bin/sh
# Fails when a source file includes a header of a layer above its own (docs/architecture.md).
#   sh scripts/check-layers.sh [ROOT]     (ROOT: the tree to check, default .)
# The layers, lowest first; a file may include headers of its own layer and of those below:
#   core < rules < assess < io, store < app < programme < server < cli
# io and store share a rank and may not include each other; the CLI may start the server.
# A file's layer is its folder under src/; a public header's layer is named in the table below
# (a header missing from the table is an error, so each new one gets a place).
ROOT=${1:-.}
cd "$ROOT" || exit 2

public_layer() {
  case "$1" in
  api.h | error.h | firm.h | fields.def | num.h | uscc.h | values.h | codes.h | gen.h | toolkit.h | source.h | tmpfiles.h) echo core ;;
  rules.h) echo rules ;;
  assess.h | batch.h) echo assess ;;
  io.h | pack.h | sheet.h | export.h | outfile.h) echo io ;;
  store.h | accounts.h) echo store ;;
  regeval.h | app.h | firmlist.h | import.h) echo app ;;
  programme.h) echo programme ;;
  server.h) echo server ;;
  *) echo "?" ;;
  esac
}

rank() {
  case "$1" in
  core) echo 0 ;; rules) echo 1 ;; assess) echo 2 ;; io | store) echo 3 ;; app) echo 4 ;;
  programme) echo 5 ;; server) echo 6 ;; cli) echo 7 ;; *) echo 99 ;;
  esac
}

bad=0
files=$(find src include -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) 2>/dev/null | sort)
for f in $files; do
  case "$f" in
  include/tidu/*) from=$(public_layer "${f#include/tidu/}") ;;
  src/*/*) from=${f#src/}; from=${from%%/*} ;;
  *) continue ;;
  esac
  if [ "$from" = "?" ]; then
    echo "$f: public header without a layer (add it to scripts/check-layers.sh)"
    bad=1
    continue
  fi
  rf=$(rank "$from")
  # "#include "x"" lines with their numbers
  grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
    num=${line%%:*}
    inc=$(printf '%s\n' "$line" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
    case "$inc" in
    tidu/*) to=$(public_layer "${inc#tidu/}") ;;
    */*) to=${inc%%/*} ;;
    *) to=$from ;; # a header beside the file
    esac
    rt=$(rank "$to")
    if [ "$to" = "?" ] || [ "$rt" -gt "$rf" ] || { [ "$rt" -eq "$rf" ] && [ "$to" != "$from" ]; }; then
      echo "$f:$num: $from includes \"$inc\" ($to): an upward include"
      echo x >&3
    fi
  done 3>>"${TMPDIR:-/tmp}/check-layers.$$"
done
if [ -s "${TMPDIR:-/tmp}/check-layers.$$" ]; then bad=1; fi
rm -f "${TMPDIR:-/tmp}/check-layers.$$"
if [ "$bad" -ne 0 ]; then
  echo "check-layers: upward includes found (core < rules < assess < io, store < app < programme < server < cli)"
  exit 1
fi
echo "check-layers: ok"
