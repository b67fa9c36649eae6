# The registry's backend for a command test, sourced after pg.sh with $tmp set: SQLite files
# (the default) or, when TIDU_TEST_BACKEND=pg, databases of a private PostgreSQL cluster that
# the test starts itself (stopped by pg.sh's exit trap, even when a check fails).
#   backend_init        starts the cluster when the backend is PostgreSQL; 1 when it cannot
#   backend_db NAME     the --db value of registry NAME: a file in $tmp, or a new database
#   backend_q DB SQL    one query; rows as lines, columns joined by '|' (as sqlite3 prints them)
#   backend_fp DB       a fingerprint of every table's content (rows, not sequence positions)
BACKEND=${TIDU_TEST_BACKEND:-sqlite}

backend_init() {
  [ "$BACKEND" = pg ] || return 0
  pg_available || return 1
  pg_start "$tmp/pg" || return 1
  mkdir -p "$tmp/pgdbs"
  # SQLite's instr(), which the tests' own queries use, so that one query text serves both
  pg_psql -d template1 -c "CREATE FUNCTION instr(text, text) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT strpos(\$1, \$2)'" >/dev/null || return 1
  return 0
}

backend_db() {
  if [ "$BACKEND" != pg ]; then
    echo "$tmp/$1.db"
    return 0
  fi
  name=$(echo "$1" | tr -c 'a-z0-9_\n' '_')
  if [ ! -f "$tmp/pgdbs/$name" ]; then
    pg_psql -d postgres -c "CREATE DATABASE \"$name\" TEMPLATE template1 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null || return 1
    : >"$tmp/pgdbs/$name"
  fi
  echo "postgresql:///$name?host=$PG_SOCK&user=postgres"
}

backend_q() {
  if [ "$BACKEND" = pg ]; then
    "$PG_BIN/psql" -X -q -tA -F '|' -d "$1" -c "$2"
  else
    sqlite3 "$1" "$2"
  fi
}

backend_fp() {
  if [ "$BACKEND" = pg ]; then
    "$PG_BIN/pg_dump" --data-only --no-owner -d "$1" | grep -v -e 'setval' -e '^\\restrict' -e '^\\unrestrict' | md5sum | cut -d' ' -f1
  else
    sqlite3 "$1" .dump | md5sum | cut -d' ' -f1
  fi
}
