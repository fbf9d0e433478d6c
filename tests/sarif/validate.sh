#!/usr/bin/env bash
# keyward's SARIF, checked by Microsoft's SARIF validator (npm @microsoft/sarif-multitool, `validate`): a tree
# with findings (fake keys made here, a git range too) is scanned with --format sarif and the validator must
# report no error. The validator is installed into CACHE_DIR once; without npm this test fails, saying so.
# Usage: validate.sh KEYWARD_BINARY CACHE_DIR
set -euo pipefail
keyward=$1
cache=$2

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "FAIL: node and npm are needed for the SARIF validator (.ci/install-deps installs them)" >&2
  exit 1
fi
tool="$cache/node_modules/.bin/sarif-multitool"
if [ ! -e "$tool" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool >&2
fi
# npm may skip the package's install script, which only makes the native binary executable.
chmod u+x "$cache"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 32 characters of [A-Za-z0-9] from a fixed seed: made up, never a real key.
fake() { python3 -c "import random,string,sys; r=random.Random(int(sys.argv[1])); print(''.join(r.choice(string.ascii_letters+string.digits) for _ in range(32)))" "$1"; }

mkdir -p "$work/tree/app" "$work/tree/dir with space"
printf 'DEBUG=1\nMISTRAL_API_KEY=%s\n' "$(fake 1)" >"$work/tree/.env"
printf 'from mistralai import Mistral\nclient = Mistral(api_key="%s")\n' "$(fake 2)" >"$work/tree/app/main.py"
printf 'MISTRAL_API_KEY=%s\n' "$(fake 3)" >"$work/tree/dir with space/%odd.env"

status=0
"$keyward" scan --format sarif -o "$work/scan.sarif" "$work/tree" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: keyward scan exited $status, expected 1 (findings)" >&2; exit 1; }

# A git source too: results carry commit properties.
repo="$work/repo"
git init -q "$repo"
git -C "$repo" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m base
printf 'MISTRAL_API_KEY=%s\n' "$(fake 4)" >"$repo/.env.local"
git -C "$repo" add .env.local
git -C "$repo" -c user.name=t -c user.email=t@example.com commit -q -m key
status=0
"$keyward" git --range HEAD~1..HEAD --no-progress --format sarif -o "$work/git.sarif" "$repo" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: keyward git exited $status, expected 1 (findings)" >&2; exit 1; }
grep -q '"ruleId": "mistral-api-key"' "$work/git.sarif" || { echo "FAIL: no mistral-api-key result" >&2; exit 1; }
grep -q '"commit"' "$work/git.sarif" || { echo "FAIL: no commit properties in git SARIF" >&2; exit 1; }
# The audit's findings are about whole files: locations without a region.
status=0
"$keyward" audit --format sarif -o "$work/audit.sarif" "$repo" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: keyward audit exited $status, expected 1 (a tracked .env.local)" >&2; exit 1; }

for file in "$work/scan.sarif" "$work/git.sarif" "$work/audit.sarif"; do
  grep -q '"ruleId": "' "$file" || { echo "FAIL: no result in $file" >&2; exit 1; }
  if grep -q "$(fake 1)" "$file"; then echo "FAIL: a secret is not redacted in $file" >&2; exit 1; fi
  rm -f "$work/validation.sarif"
  "$tool" validate --output "$work/validation.sarif" "$file" >"$work/validator.out" 2>&1 || true
  grep -c ': warning ' "$work/validator.out" | sed "s|^|$(basename "$file"): validator warnings: |"
  errors=$(python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
print(sum(1 for run in log["runs"] for r in run.get("results", []) if r.get("level", "warning") == "error"))
' "$work/validation.sarif")
  if [ "$errors" != 0 ] || grep -q ': error ' "$work/validator.out"; then
    cat "$work/validator.out"
    echo "FAIL: the SARIF validator reports $errors error(s) in $(basename "$file")" >&2
    exit 1
  fi
  grep -q 'Analysis completed successfully' "$work/validator.out" || { echo "FAIL: the validator did not finish" >&2; exit 1; }
done
echo "PASS: SARIF valid (no validator errors)"
