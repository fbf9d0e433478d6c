#!/usr/bin/env bash
# action.yml and every .github/workflows/*.yml, checked against the Actions schemas by @action-validator/cli (npm),
# which must accept each of them and reject a copy of each with a misspelt key (so a validator that checks nothing
# fails this test). The validator is installed into CACHE_DIR once; without npm this test fails, saying so.
# Usage: validate.sh SOURCE_DIR CACHE_DIR
set -euo pipefail
source_dir=$1
cache=$2
version=0.6.0

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "FAIL: node and npm are needed for the Actions schema validator (.ci/install-deps installs them)" >&2
  exit 1
fi
validator="$cache/node_modules/.bin/action-validator"
if [ ! -e "$validator" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "@action-validator/cli@$version" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$source_dir"  # the validator checks workflow paths against the files around it
files=(action.yml .github/workflows/*.yml)
[ -f .github/workflows/ci.yml ] || { echo "FAIL: no .github/workflows/ci.yml" >&2; exit 1; }
for file in "${files[@]}"; do
  if ! "$validator" "$file" >"$work/out" 2>&1; then
    cat "$work/out" >&2
    echo "FAIL: $file does not pass the schema validator" >&2
    exit 1
  fi
  # The same file with its first `runs:` or `jobs:` key misspelt must be rejected.
  broken="$work/broken-$(basename "$file")"
  sed -E '0,/^(runs|jobs):/s//\1x:/' "$file" >"$broken"
  cmp -s "$file" "$broken" && { echo "FAIL: found no runs: or jobs: key to break in $file" >&2; exit 1; }
  if "$validator" "$broken" >/dev/null 2>&1; then
    echo "FAIL: the validator accepts a broken copy of $file: it checks nothing" >&2
    exit 1
  fi
  echo "valid: $file"
done
echo "PASS: ${#files[@]} file(s) pass @action-validator/cli $version; broken copies are rejected"
