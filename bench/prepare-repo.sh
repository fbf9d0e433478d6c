#!/usr/bin/env bash
# Makes a repository for bench/history.sh as a user would have it: a bare clone (with --no-local, so a local
# source is copied as a network clone would be, into a pack of its own), then, unless REPACK=0, repacked hard
# (`git repack -a -d -f --window=50 --depth=50`: long delta chains, trees as deltas of trees), which is what a
# repository that has run `git gc --aggressive` looks like. The clone as it came is the second case worth timing.
# Usage: bench/prepare-repo.sh SOURCE DEST   (SOURCE: https://github.com/git/git, or a local clone)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/prepare-repo.sh SOURCE DEST" >&2; exit 2; }
git clone -q --bare --no-local "$1" "$2"
if [ "${REPACK:-1}" = 1 ]; then
  git -C "$2" repack -q -a -d -f --window=50 --depth=50
fi
echo "$2: $(git -C "$2" rev-list --all --count) commits, $(git -C "$2" count-objects -v | sed -n 's/^size-pack: //p') KiB of pack"
