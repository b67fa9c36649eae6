#!/bin/sh
# Errors from tidu serve in the user's language (issue 11.17): `message` follows ?lang= or
# Accept-Language and holds both languages when none is asked for; message_zh and message_en are
# always there, for route errors, library errors and each problem of an import report.
. "$(dirname "$0")/lib/checks.sh"
. "$(dirname "$0")/lib/server.sh"
W=$tmp
echo "PLAN: 8"
"$T" db init --db "$W/t.db" >/dev/null 2>&1
server_start "$W/t.db" || { bad "server starts"; exit 1; }
code() {
  m=$1
  p=$2
  shift 2
  curl -s -o "$W/body" -w '%{http_code}' -X "$m" "$@" "$URL$p"
}
cjk() { LC_ALL=C grep -c '[^ -~]'; } # lines with a character outside printable ASCII
jget() { node -e 'const d=JSON.parse(require("fs").readFileSync(0,"utf8"));const v=eval("d"+process.argv[1]);console.log(typeof v==="object"?JSON.stringify(v):v)' "$1" <"$W/body"; }

c=$(code GET /api/nothing-here)
check "no language asked: message holds both, each form apart" \
  "$c|$(jget .error.message)|$(jget .error.message_zh)|$(jget .error.message_en)" \
  "404|没有这个接口 / no such API route|没有这个接口|no such API route"
c=$(code GET /api/nothing-here -H 'Accept-Language: en-GB,en;q=0.9')
check "Accept-Language en: message in English" "$c|$(jget .error.message)" "404|no such API route"
c=$(code GET /api/nothing-here -H 'Accept-Language: fr-FR, zh-CN;q=0.8, en;q=0.5')
check "Accept-Language naming zh before en: message in Chinese" "$c|$(jget .error.message)" \
  "404|没有这个接口"
c=$(code GET '/api/nothing-here?lang=en' -H 'Accept-Language: zh-CN')
check "?lang=en wins over Accept-Language" "$c|$(jget .error.message)" "404|no such API route"

# a library error (wrong password) passes through in one language
c=$(code POST /api/session -H 'Accept-Language: en' -H 'Content-Type: application/json' \
  -d '{"name":"admin","password":"nope"}')
check "a library error in English has no Chinese" \
  "$c|$(jget .error.message | cjk)|$(jget .error.message_zh | cjk)" "401|0|1"

# malformed JSON keeps line and column in both forms
c=$(code POST /api/session -H 'Accept-Language: zh-CN' -H 'Content-Type: application/json' -d '{"name":')
check "malformed JSON: Chinese message with line and column, English beside it" \
  "$c|$(jget .error.message | grep -c '^JSON 格式错误:第 1 行')|$(jget .error.message_en | grep -c '^malformed JSON at line 1')|$(jget .error.line)" \
  "400|1|1|1"

# each problem of an import report carries both forms
ADMIN=$(curl -s -c "$W/jar" -H 'Content-Type: application/json' \
  -d "{\"name\":\"admin\",\"password\":\"$ADMIN_PW\"}" "$URL/api/session" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).csrf)')
printf '%s\n' 'uscc,name,year,revenue' '91320505MA1N2K3P9H,x,2024,abc' >"$W/bad.csv"
c=$(code POST '/api/import?name=bad.csv' -b "$W/jar" -H "X-CSRF-Token: $ADMIN" \
  -H 'Accept-Language: en' --data-binary @"$W/bad.csv")
check "import problem: message in English, both forms beside it" \
  "$c|$(jget '.problems[0].message' | cjk)|$(jget '.problems[0].message_zh' | cjk)|$(jget '.problems[0].message_en' | grep -c 'revenue')" \
  "422|0|1|1"
c=$(code POST '/api/import?name=bad.csv' -b "$W/jar" -H "X-CSRF-Token: $ADMIN" \
  --data-binary @"$W/bad.csv")
check "import problem without a language: message holds both" \
  "$c|$(jget '.problems[0].message' | LC_ALL=C grep -c '[^ -~].* / .*revenue')" "422|1"
