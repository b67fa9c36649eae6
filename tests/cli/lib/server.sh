# Starting and stopping `tidu serve` for tests: a private registry under $tmp, any free port on
# 127.0.0.1 (the server reports the one it bound), stopped by the EXIT trap even on failure.
# Sourced after checks.sh. Sets $URL, $ADMIN_PW and $SERVER_PID.
server_start() { # DB [extra serve options...]
  db=$1
  shift
  "$T" serve --db "$db" --listen 127.0.0.1:0 "$@" >"$tmp/serve.out" 2>"$tmp/serve.err" &
  SERVER_PID=$!
  trap 'server_stop; rm -rf "$tmp"' EXIT
  i=0
  while ! grep -q 'http://127.0.0.1:' "$tmp/serve.out" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 1200 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server did not start:" >&2
      cat "$tmp/serve.err" >&2
      return 1
    fi
    sleep 0.1
  done
  URL=$(sed -n 's|.*\(http://127.0.0.1:[0-9]*\)/.*|\1|p' "$tmp/serve.out" | head -1)
  ADMIN_PW=$(sed -n 's|.*password: \([0-9a-f]*\).*|\1|p' "$tmp/serve.out" | head -1)
}
server_stop() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null
  fi
  SERVER_PID=
}
