#!/usr/bin/env bash
# Writes the pack reader's seeds (fuzz/corpus/pack/): small repositories made with git whose objects are stored as
# whole objects, OFS deltas and REF deltas, in chains, each as fuzz_pack reads its input (a 4-byte little-endian
# .idx length, the .idx, then the .pack). Run it again to remake them; the contents are made up.
# Usage: fuzz/make_pack_seeds.sh [OUT_DIR]
set -euo pipefail
out=$(realpath -m "${1:-$(dirname "$0")/corpus/pack}")
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=seed GIT_AUTHOR_EMAIL=seed@example.com GIT_COMMITTER_NAME=seed \
  GIT_COMMITTER_EMAIL=seed@example.com GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000' \
  GIT_CONFIG_NOSYSTEM=1 HOME="$work"

# seed NAME: the one pack of the repository in $work/repo, as NAME.
seed() {
  local idx pack
  idx=$(ls "$work"/repo/.git/objects/pack/*.idx)
  pack=${idx%.idx}.pack
  python3 - "$idx" "$pack" "$out/$1" <<'PY'
import struct, sys
idx = open(sys.argv[1], 'rb').read()
pack = open(sys.argv[2], 'rb').read()
open(sys.argv[3], 'wb').write(struct.pack('<I', len(idx)) + idx + pack)
PY
}

# repo VERSIONS: a repository whose notes.txt (and app.env every third version) changes VERSIONS times.
repo() {
  rm -rf "$work/repo"
  git init -q "$work/repo"
  local notes="" env=""
  for i in $(seq 1 "$1"); do
    notes+="line $i: the quick brown fox jumps over the lazy dog"$'\n'
    printf '%s' "$notes" >"$work/repo/notes.txt"
    if (( i % 3 == 1 )); then
      env="VERSION=$i"$'\n'"NAME=service"$'\n'"$env"
      printf '%s' "$env" >"$work/repo/app.env"
    fi
    git -C "$work/repo" add -A
    git -C "$work/repo" commit -qm "edit $i"
  done
}

repo 3
git -C "$work/repo" repack -adq --window=0       # whole objects only
seed whole
repo 8
git -C "$work/repo" repack -adfq --depth=50 --window=50   # OFS deltas in chains
seed ofs-chain
# REF deltas: pack-objects without --delta-base-offset names each base by its id.
pack_dir="$work/repo/.git/objects/pack"
name=$(git -C "$work/repo" rev-list --objects --all |
  git -C "$work/repo" pack-objects -q --window=50 --depth=50 "$work/ref")
rm -f "$pack_dir"/*
mv "$work/ref-$name.pack" "$work/ref-$name.idx" "$pack_dir/"
seed ref-chain
repo 2
printf '%s' "$(head -c 3000 /dev/zero | tr '\0' 'x')" >"$work/repo/big.txt"   # one object with a large zlib ratio
git -C "$work/repo" add -A && git -C "$work/repo" commit -qm big
git -C "$work/repo" repack -adfq
seed zlib-ratio
ls -l "$out"
