# A private PostgreSQL cluster for the command tests, sourced after checks.sh (or with $tmp set):
# initdb + pg_ctl in a temporary folder, Unix socket only (no TCP port), stopped on exit even
# when a test fails. PostgreSQL refuses to run as root: then the server runs as `postgres`.
# initdb runs once per build folder: its fresh data folder is kept in $BUILD/pg-initdb and
# copied for each cluster (initdb takes seconds; a copy of its result is the same cluster).
#   pg_start DIR      starts a cluster in DIR (created), sets PG_URL_BASE (append a database name)
#   pg_createdb NAME  creates a UTF-8 database and prints its URL
#   pg_stop DIR       stops it (also done by the exit trap)
#   pg_start_replica DIR PRIMARY_DIR
#                     a streaming replica of the running cluster PRIMARY_DIR: pg_basebackup -R
#                     into DIR, its own socket folder DIR; sets REPLICA_SOCK
#   pg_caught_up PRIMARY_DIR REPLICA_DIR   waits (up to 60 s) until the replica has replayed
#                     everything the primary wrote so far; 1 when it has not
#   pg_available      0 when the server binaries are installed
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIRS=""

pg_available() { [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; }

# Runs a server program as the owner of the cluster.
pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_stop() {
  [ -f "$1/data/postmaster.pid" ] && pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1
  return 0
}

pg_stop_all() {
  for d in $PG_DIRS; do pg_stop "$d"; done
}

pg_start() {
  dir=$1
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$dir" "$(dirname "$dir")"
    chown postgres "$dir"
  fi
  tpl=${BUILD:-build/release}/pg-initdb
  if [ ! -f "$tpl/PG_VERSION" ]; then
    # a fresh initdb, then kept as the template (moved into place whole, so never half-made)
    rm -rf "$dir/data"
    pg_as "$PG_BIN/initdb" -N -D "$dir/data" -U postgres -E UTF8 --locale=C --auth=trust >"$dir/initdb.log" 2>&1 || return 1
    mkdir -p "$(dirname "$tpl")" && rm -rf "$tpl.$$" && cp -a "$dir/data" "$tpl.$$" && mv -T "$tpl.$$" "$tpl" 2>/dev/null
    rm -rf "$tpl.$$"
  else
    cp -a "$tpl" "$dir/data" || return 1
  fi
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
wal_level = replica
max_wal_senders = 4
hot_standby = on
CONF
  # settings of the caller (bench/pg.sh puts durability back: fsync and full-page writes on)
  [ -n "${PG_EXTRA_CONF:-}" ] && printf '%s\n' "$PG_EXTRA_CONF" >>"$dir/data/postgresql.conf"
  PG_DIRS="$PG_DIRS $dir"
  trap 'pg_stop_all; rm -rf "$tmp"' EXIT
  pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null 2>&1 || {
    cat "$dir/server.log" >&2
    return 1
  }
  PG_URL_BASE="postgresql:///?host=$dir&user=postgres"
  PG_SOCK=$dir
}

pg_start_replica() {
  rdir=$1
  mkdir -p "$rdir"
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$rdir"
    chown postgres "$rdir"
  fi
  pg_as "$PG_BIN/pg_basebackup" -D "$rdir/data" -R -X stream -h "$2" -U postgres >"$rdir/basebackup.log" 2>&1 || return 1
  echo "unix_socket_directories = '$rdir'" >>"$rdir/data/postgresql.conf"
  PG_DIRS="$PG_DIRS $rdir"
  pg_as "$PG_BIN/pg_ctl" -D "$rdir/data" -l "$rdir/server.log" -w start >/dev/null 2>&1 || {
    cat "$rdir/server.log" >&2
    return 1
  }
  REPLICA_SOCK=$rdir
}

pg_caught_up() {
  want=$("$PG_BIN/psql" -X -tA -h "$1" -U postgres -d postgres -c "SELECT pg_current_wal_lsn()")
  n=0
  while [ $n -lt 600 ]; do
    behind=$("$PG_BIN/psql" -X -tA -h "$2" -U postgres -d postgres -c "SELECT pg_wal_lsn_diff('$want', pg_last_wal_replay_lsn()) > 0")
    [ "$behind" = f ] && return 0
    sleep 0.1
    n=$((n + 1))
  done
  return 1
}

pg_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -U postgres "$@"; }

pg_createdb() {
  pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null || return 1
  echo "postgresql:///$1?host=$PG_SOCK&user=postgres"
}
