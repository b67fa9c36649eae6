#!/bin/sh
# Benchmark of `tidu serve` with wrk: POST /api/assess and GET /api/firms?… (requests/s, p99)
# beside nginx serving a static JSON file of the same size in the same run, then a mixed load
# (assess, lists, one firm's file, counts, static assets) for SOAK seconds with tidu's RSS sampled.
# Starts and stops its own nginx and tidu on private ports, in a temporary directory.
# Usage: BUILD=build/release sh bench/server.sh [N firms (5000)] [seconds per run (15)]
#        [soak seconds (300)]
set -e
T=$(realpath "${BUILD:-build/release}/tidu")
N=${1:-5000}
DUR=${2:-15}
SOAK=${3:-300}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
W=$(mktemp -d /tmp/tidu-bench-server.XXXXXX)
TIDU_PID=
NGINX_PID=
stop_all() {
  [ -n "$TIDU_PID" ] && kill -TERM "$TIDU_PID" 2>/dev/null && wait "$TIDU_PID" 2>/dev/null
  [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  TIDU_PID=
  NGINX_PID=
}
trap 'stop_all; rm -rf "$W"' EXIT INT TERM
cd "$(dirname "$0")/.."
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

echo "== machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
echo "== registry: $N generated firms (tidu gen $N --seed 2026) + examples/firms.ndjson"
"$T" gen "$N" --seed 2026 >"$W/pop.ndjson"
"$T" import --db "$W/t.db" examples/firms.ndjson "$W/pop.ndjson" >/dev/null
"$T" user add bench --db "$W/t.db" --role admin >/dev/null
TOKEN=$("$T" user token bench --db "$W/t.db" --label bench)

"$T" serve --db "$W/t.db" --listen 127.0.0.1:0 --threads "$THREADS" --assess-rate 0 \
  >"$W/serve.out" 2>"$W/serve.err" &
TIDU_PID=$!
i=0
until grep -q 'http://127.0.0.1:' "$W/serve.out" 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 600 ] && kill -0 "$TIDU_PID" 2>/dev/null || { cat "$W/serve.err" >&2; exit 1; }
  sleep 0.1
done
URL=$(sed -n 's|.*\(http://127.0.0.1:[0-9]*\)/.*|\1|p' "$W/serve.out" | head -1)

# The requests and their replies; nginx serves files of the same sizes.
sed -n 1p examples/firms.ndjson >"$W/firm.json"
LIST='/api/firms?region=32&board=star&sort=gap&per_page=50'
curl -sf -o "$W/assess.reply" -H 'Content-Type: application/json' --data-binary @"$W/firm.json" \
  "$URL/api/assess"
curl -sf -o "$W/list.reply" -H "Authorization: Bearer $TOKEN" "$URL$LIST"
mkdir -p "$W/www" "$W/nginx"
chmod 755 "$W" "$W/www" # nginx's workers run as an unprivileged user
cp "$W/assess.reply" "$W/www/assess.json"
cp "$W/list.reply" "$W/www/list.json"
chmod 644 "$W/www/"*.json
echo "   reply sizes: assess $(wc -c <"$W/assess.reply") B, list $(wc -c <"$W/list.reply") B"
NPORT=$(free_port)
cat >"$W/nginx/nginx.conf" <<EOF
worker_processes $THREADS;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $W/nginx/body;
  proxy_temp_path $W/nginx/proxy;
  fastcgi_temp_path $W/nginx/fastcgi;
  uwsgi_temp_path $W/nginx/uwsgi;
  scgi_temp_path $W/nginx/scgi;
  types { application/json json; }
  server {
    listen 127.0.0.1:$NPORT;
    root $W/www;
    location / { error_page 405 =200 \$uri; }
  }
}
EOF
nginx -p "$W/nginx" -c "$W/nginx/nginx.conf" 2>>"$W/nginx/error.log" &
NGINX_PID=$!
i=0
until curl -sf -o /dev/null "http://127.0.0.1:$NPORT/list.json"; do
  i=$((i + 1))
  [ $i -lt 100 ] || { cat "$W/nginx/error.log" >&2; exit 1; }
  sleep 0.1
done

cat >"$W/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$W/firm.json", "r")
wrk.body = f:read("*a")
f:close()
EOF
# run NAME URL [wrk args]: one wrk run; prints requests/s, p99 and errors
run() {
  name=$1
  url=$2
  shift 2
  out="$W/wrk-$(echo "$name" | tr -c 'a-z0-9\n' _).txt"
  wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 30s --latency "$@" "$url" >"$out"
  rps=$(sed -n 's/^Requests\/sec: *//p' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  errs=$(grep -E 'Non-2xx|Socket errors' "$out" | tr '\n' ' ')
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "${errs:-0 errors}"
}
echo "== wrk -t2 -c$CONNS -d${DUR}s, tidu --threads $THREADS, nginx worker_processes $THREADS"
echo "| run | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
run "tidu POST /api/assess" "$URL/api/assess" -s "$W/post.lua"
run "nginx POST, static JSON of the same size" "http://127.0.0.1:$NPORT/assess.json" -s "$W/post.lua"
run "tidu GET $LIST" "$URL$LIST" -H "Authorization: Bearer $TOKEN"
run "nginx GET, static JSON of the same size" "http://127.0.0.1:$NPORT/list.json"
echo "   load after the runs: $(uptime | sed 's/.*load/load/')"

[ "$SOAK" -gt 0 ] || exit 0
# The mixed load: requests of the web UI's pages in turn, RSS of tidu sampled every 5 s.
USCCS=$(head -40 "$W/pop.ndjson" | sed 's/.*"uscc":"\([^"]*\)".*/"\1"/' | paste -sd, -)
cat >"$W/mixed.lua" <<EOF
local f = io.open("$W/firm.json", "r")
local firm = f:read("*a")
f:close()
local auth = "Bearer $TOKEN"
local usccs = { $USCCS }
local regions = { "32", "3205", "31", "61", "3201" }
local boards = { "star", "main", "chinext", "bse", "neeq" }
local sorts = { "gap", "revenue", "name", "uscc" }
local n = 0
request = function()
  n = n + 1
  local k = n % 10
  local h = { ["Authorization"] = auth }
  if k == 0 or k == 5 then
    return wrk.format("POST", "/api/assess", { ["Content-Type"] = "application/json" }, firm)
  elseif k == 1 or k == 6 then
    local path = "/api/firms?region=" .. regions[n % #regions + 1] .. "&board=" ..
      boards[n % #boards + 1] .. "&sort=" .. sorts[n % #sorts + 1] .. "&page=" .. (n % 3 + 1)
    return wrk.format("GET", path, h)
  elseif k == 2 then
    return wrk.format("GET", "/api/firms/" .. usccs[n % #usccs + 1], h)
  elseif k == 3 then
    return wrk.format("GET", "/api/firms/" .. usccs[n % #usccs + 1] .. "/history", h)
  elseif k == 4 then
    return wrk.format("GET", "/api/firms/stats?region=" .. regions[n % #regions + 1], h)
  elseif k == 7 then
    return wrk.format("GET", "/api/rules", h)
  elseif k == 8 then
    return wrk.format("GET", "/", nil)
  else
    return wrk.format("GET", "/api/health", nil)
  end
end
EOF
rss() { awk '/VmRSS/ {print $2}' "/proc/$TIDU_PID/status"; }
echo "== mixed load for ${SOAK}s: wrk -t2 -c$CONNS -s mixed.lua (assess 20%, lists 20%, firm file,"
echo "   history, counts, rules, page, health 10% each); tidu RSS sampled every 5 s"
(
  t=0
  while [ "$t" -le "$SOAK" ]; do
    echo "$t $(rss)"
    sleep 5
    t=$((t + 5))
  done
) >"$W/rss.txt" &
SAMPLER=$!
wrk -t2 -c"$CONNS" -d"${SOAK}s" --timeout 30s --latency -s "$W/mixed.lua" "$URL" >"$W/wrk-mixed.txt"
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
grep -E 'requests in|Requests/sec|Non-2xx|Socket errors|^ +(50|99)%' "$W/wrk-mixed.txt"
echo "   errors (non-2xx + socket): $(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$W/wrk-mixed.txt")"
echo "   tidu RSS (KB) at 5 s, 60 s, the end; max:" \
  "$(awk 'NR == 2 {a = $2} $1 == 60 {b = $2} {c = $2; if ($2 > m) m = $2} END {print a, b, c, m}' "$W/rss.txt")"
echo "   RSS samples (s KB): $(tr '\n' ' ' <"$W/rss.txt")"
echo "   load after the mixed load: $(uptime | sed 's/.*load/load/')"
