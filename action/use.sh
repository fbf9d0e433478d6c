#!/usr/bin/env bash
# The Action's step after the cache or the build: checks that the keyward in DIR runs here and puts DIR on PATH for
# the scan step. Usage: use.sh DIR
set -euo pipefail
dir=${1:?usage: use.sh DIR}
if ! version=$("$dir/keyward" --version 2>&1); then
  echo "::error title=keyward::the keyward in $dir does not run on this runner ($version): delete its cache" \
    "entry (gh cache delete KEY, the key is in the restore step's log) and run the job again"
  exit 2
fi
echo "keyward $version: $dir"
echo "$dir" >>"${GITHUB_PATH:?}"
