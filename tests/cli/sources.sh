#!/bin/sh
# docs/sources.md is the rules' only source list: every shipped rule set and version is described
# there, and no rule file or shipped document points to papers the project does not ship.
. "$(dirname "$0")/lib/checks.sh"
S=docs/sources.md

# one check per rule file, one per tag file, plus the two reference checks
nrules=$(ls rules/*/*.tidu | wc -l)
ntags=$(ls rules/tags/*.tags | wc -l)
plan $((nrules + ntags + 2))

# a rule set is described when a "### ID — …" heading names its version and its file
for f in rules/*/*.tidu; do
  id=$(sed -n 's/^ruleset \([A-Za-z0-9_.]*\) .*/\1/p' "$f" | head -1)
  ver=$(sed -n 's/^  version "\([^"]*\)".*/\1/p' "$f" | head -1)
  if grep "^### $id — " "$S" | grep -F "$ver" | grep -qF "$f"; then
    ok "$f ($id $ver) is in $S"
  else
    bad "$f ($id $ver) is in $S" "no '### $id — …' heading with version $ver and the file name"
  fi
done
for f in rules/tags/*.tags; do
  b=$(basename "$f")
  if grep -qF "\`$b\`" "$S"; then ok "$f is in $S"; else bad "$f is in $S" "not mentioned"; fi
done

# nothing under ../shared (or its reference papers by name) in rules and shipped documents
hits=$(grep -rlE '\.\./shared|shared/reference|listing-rules\.md|cultivation-rules\.md' rules docs README.md examples 2>/dev/null)
check "no rule file or shipped document points to ../shared" "$hits" ""
hits=$(grep -rlE 'reference (listing|cultivation)|Encoding decision|reference §|reference S[0-9]' rules 2>/dev/null)
check "rule comments cite docs/sources.md, not the reference papers" "$hits" ""
