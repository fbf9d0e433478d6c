#!/usr/bin/env bash
# The real pre-commit framework (Debian package `pre-commit`) runs keyward's hook from .pre-commit-hooks.yaml:
# `pre-commit try-repo <this working copy> keyward` in a temporary repository blocks a staged secret, and
# passes once it is gone. keyward is found on PATH (language: system), so the build directory goes first.
# Usage: try_repo.sh KEYWARD_BINARY SOURCE_DIR
set -euo pipefail
keyward=$1
source_dir=$2

# try-repo copies the working copy's tracked files (and their uncommitted changes): the hooks file must be tracked.
git -C "$source_dir" ls-files --error-unmatch .pre-commit-hooks.yaml >/dev/null 2>&1 ||
  { echo "FAIL: $source_dir is not a git working copy tracking .pre-commit-hooks.yaml" >&2; exit 1; }
command -v pre-commit >/dev/null || { echo "FAIL: pre-commit is not installed (.ci/install-deps installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$keyward"):$PATH"
export PRE_COMMIT_HOME="$work/cache" HOME="$work" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
[ "$(command -v keyward)" = "$(cd "$(dirname "$keyward")" && pwd)/keyward" ] || { echo "FAIL: keyward on PATH is not the build's" >&2; exit 1; }

repo="$work/repo"
git init -q -b main "$repo"
cd "$repo"
echo hello >README.md
git add README.md
git commit -q -m init
# 32 characters of [A-Za-z0-9] from a fixed seed: made up, never a real key.
key=$(python3 -c "import random,string; r=random.Random(7); print(''.join(r.choice(string.ascii_letters+string.digits) for _ in range(32)))")
printf 'DEBUG=1\nMISTRAL_API_KEY=%s\n' "$key" >app.env
git add app.env

status=0
pre-commit try-repo "$source_dir" keyward >"$work/blocked.out" 2>&1 || status=$?
cat "$work/blocked.out"
[ "$status" -ne 0 ] || { echo "FAIL: pre-commit passed with a staged secret" >&2; exit 1; }
grep -q 'app.env:2:17: mistral-api-key' "$work/blocked.out" || { echo "FAIL: the finding is not shown" >&2; exit 1; }
if grep -q "$key" "$work/blocked.out"; then echo "FAIL: the secret is shown unredacted" >&2; exit 1; fi

printf 'DEBUG=1\nMISTRAL_API_KEY=\n' >app.env
git add app.env
status=0
pre-commit try-repo "$source_dir" keyward >"$work/clean.out" 2>&1 || status=$?
cat "$work/clean.out"
[ "$status" -eq 0 ] || { echo "FAIL: pre-commit blocked a clean change (exit $status)" >&2; exit 1; }
echo "PASS: pre-commit try-repo blocks a staged secret and passes without it"
