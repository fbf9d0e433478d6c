#!/usr/bin/env bash
# Real-code false-alarm benchmark (issue 17): public repositories and an npm install of common packages, checked
# out under WORKDIR (never committed), scanned with `keyward scan --format json`, and summarised by
# bench/realcode_summary.py: findings by rule, split into test fixtures / documentation and the rest, and any
# finding whose secret is shaped like code (an identifier, a path, a route, a format string, a template).
# Usage: bench/realcode.sh [KEYWARD_BINARY] [WORKDIR] [OUT_JSON]
#   KEYWARD_BINARY  default build/keyward
#   WORKDIR         default /tmp/keyward-realcode (the checkouts stay there between runs; delete it to refresh)
#   OUT_JSON        default WORKDIR/summary.json (the summary, also printed as Markdown)
# Repositories come from bare mirrors under /work/.mirror/<owner>+<name>/repo (MIRRORS overrides the directory);
# a missing mirror is skipped with a note. Secrets are never printed in full: the summary keeps 4 characters.
set -euo pipefail
cd "$(dirname "$0")/.."
keyward="$(realpath "${1:-build/keyward}")"
work="${2:-/tmp/keyward-realcode}"
out="${3:-$work/summary.json}"
mirrors="${MIRRORS:-/work/.mirror}"
repos=(rails+rails ansible+ansible hashicorp+terraform git+git redis+redis nginx+nginx libgit2+libgit2)
npm_packages=(express react react-dom next lodash axios moment typescript webpack eslint @babel/core jest prettier
  vue rxjs @angular/core three chalk commander yargs dotenv aws-sdk googleapis @mui/material monaco-editor pdfjs-dist)
[ -x "$keyward" ] || { echo "realcode.sh: no keyward binary at $keyward (build it first)" >&2; exit 2; }
mkdir -p "$work/src" "$work/reports"

# Each repository's HEAD as plain files (git archive: no .git, nothing registered in the mirror).
for repo in "${repos[@]}"; do
  dest="$work/src/${repo#*+}"
  [ -d "$dest" ] && continue
  if [ ! -d "$mirrors/$repo/repo" ]; then
    echo "realcode.sh: no mirror $mirrors/$repo/repo, skipped" >&2
    continue
  fi
  mkdir -p "$dest.tmp"
  git --git-dir="$mirrors/$repo/repo" archive --format=tar HEAD | tar -x -C "$dest.tmp"
  git --git-dir="$mirrors/$repo/repo" rev-parse HEAD >"$dest.tmp/.realcode-commit"
  mv "$dest.tmp" "$dest"
done

# Common npm packages and their dependencies, install scripts off.
if [ ! -d "$work/src/npm/node_modules" ] && command -v npm >/dev/null; then
  mkdir -p "$work/src/npm"
  (cd "$work/src/npm" && echo '{"name":"realcode","private":true}' >package.json &&
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error "${npm_packages[@]}" >/dev/null)
fi

# Scanned one directory at a time so a finding's path says which tree it came from. --no-ignore: vendored and
# generated files are part of what a scanner meets (node_modules is in the npm tree's .gitignore-free checkout).
for dir in "$work"/src/*/; do
  name="$(basename "$dir")"
  nice "$keyward" scan "$dir" --no-ignore --threads 2 --format json --no-redact \
    --report-path "$work/reports/$name.json" >/dev/null 2>&1 || [ $? -eq 1 ]
done
python3 bench/realcode_summary.py "$work/reports" "$out"
