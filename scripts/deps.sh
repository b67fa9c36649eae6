#!/bin/sh
# Installs the Debian and npm packages tidu needs, when missing. Safe to run repeatedly.
set -e
PKGS="gcc make clang libclang-rt-14-dev clang-format pkg-config libjansson-dev libcmocka-dev \
libsqlite3-dev sqlite3 libpq-dev postgresql-15 libzip-dev libexpat1-dev libxlsxwriter-dev libmicrohttpd-dev libsodium-dev \
zip unzip chromium fonts-wqy-microhei wrk nginx-light time"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps: installing$missing" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
# Node and npm (Debian's, unless some node is already there) for the web UI's pinned packages:
# ECharts, embedded in the binary, and playwright-core, which drives Debian's chromium in tests.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
cd "$(dirname "$0")/../web"
if [ ! -f node_modules/.tidu-stamp ] || [ package-lock.json -nt node_modules/.tidu-stamp ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.tidu-stamp
fi
