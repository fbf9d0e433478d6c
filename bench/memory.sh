#!/usr/bin/env bash
# Bounded-memory benchmark (not a test): peak RSS of
#   1. `keyward git REPO` (full history, 2 threads) on bench/history.git (20,000 commits, bench/make-history.py)
#      and on its first half (--branch main~10000 equivalent: the first 10,000 commits), to show whether the peak
#      grows with history length;
#   2. `keyward scan` of a tree of FILES small files (default 200,000; a million takes long to create and the
#      walk holds one directory's names at a time, so the figure per file is what matters), made once in
#      bench/results/small-files/.
# Usage: bench/memory.sh [REPO] [FILES] [KEYWARD_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(realpath "${1:-bench/history.git}")"
files="${2:-200000}"
keyward="$(realpath "${3:-build/keyward}")"
[ -x "$keyward" ] || { echo "memory.sh: no keyward binary at $keyward (build it first)" >&2; exit 2; }
[ -e "$repo" ] || python3 bench/make-history.py "$repo"

# peak NAME CMD...: prints NAME, wall seconds, peak RSS (VmHWM) and peak anonymous RSS (RssAnon, sampled every
# 10 ms) in MiB. The anonymous part is what keyward allocates; the rest is mapped files (the binary, and for
# history the pack files, which the kernel pages in and may drop again).
peak() {
  local name="$1"
  shift
  local start hwm=0 anon=0 line value
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 &
  local pid=$!
  while [ -r "/proc/$pid/status" ]; do
    while read -r line value _; do
      case "$line" in
        VmHWM:) [ "$value" -gt "$hwm" ] && hwm=$value ;;
        RssAnon:) [ "$value" -gt "$anon" ] && anon=$value ;;
      esac
    done <"/proc/$pid/status" 2>/dev/null || true
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  wait "$pid" || true
  printf '%-48s %6.1f s %8.1f MiB peak %8.1f MiB anonymous\n' "$name" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
    "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')" "$(awk -v k="$anon" 'BEGIN { print k / 1024 }')"
}

commits=$(git -C "$repo" rev-list --count --all)
blobs=$(git -C "$repo" cat-file --batch-all-objects --batch-check | grep -c ' blob ' || true)
half=$(git -C "$repo" rev-list --all --reverse | sed -n "$((commits / 2))p")
quarter=$(git -C "$repo" rev-list --all --reverse | sed -n "$((commits / 4))p")
echo "history: $repo, $commits commits, $blobs blobs"
peak "keyward git (all $commits commits)" "$keyward" git "$repo" --threads 2 --no-progress --format json
peak "keyward git --branch <commit $((commits / 4))> (quarter)" "$keyward" git "$repo" --branch "$quarter" \
  --threads 2 --no-progress --format json
peak "keyward git --branch <commit $((commits / 2))> (half)" "$keyward" git "$repo" --branch "$half" --threads 2 \
  --no-progress --format json

tree=bench/results/small-files
if [ "$(cat "$tree/.count" 2>/dev/null)" != "$files" ]; then
  rm -rf "$tree"
  python3 - "$tree" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, f"d{i // 1000:04d}")
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:07d}.txt"), "w") as f:
        f.write(f"line one of file {i}\nconfig_value = {i * 7919 % 100003}\n")
with open(os.path.join(root, ".count"), "w") as f:
    f.write(str(n))
PY
fi
peak "keyward scan ($files small files, 2 threads)" "$keyward" scan "$tree" --no-ignore --threads 2 --format json
peak "keyward scan (the first 10,000 of them)" "$keyward" scan "$tree"/d000? --no-ignore --threads 2 --format json
