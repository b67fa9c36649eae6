# Shared start of the command tests, sourced by tests/cli/*.sh: the binary under test ($T), a
# scratch folder ($tmp, removed on exit) and the helpers that print "PASS: …" / "FAIL: …" lines.
# It lives in a subfolder so that tests/run.sh does not run it as a test of its own.
T=${TIDU_BIN:?TIDU_BIN is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1${2:+ ($2)}"; }
# check NAME GOT WANT: passes when the two strings are equal
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
# plan N: announces the number of checks the script will run (tests/run.sh holds it to that)
plan() { echo "PLAN: $1"; }
