#!/usr/bin/env bash
# What decoding costs on the worktree benchmark: `keyward scan CORPUS --no-ignore --format json` with decoding
# off (`--max-decode-depth 0`) and at its default depth (`--max-decode-depth 2`), alternated RUNS times (default
# 8) on a warm page cache, so a noisy machine slows both alike. Prints the lowest and median wall and CPU (user+sys) time of each and the
# ratios on/off (target: wall at most 1.15).
# Usage: bench/decode.sh [CORPUS_DIR] [KEYWARD_BINARY]   (defaults: bench/corpus, build/release/keyward)
# Env: RUNS (default 8).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
corpus="${1:-$here/corpus}"
keyward="${2:-$root/build/release/keyward}"
runs="${RUNS:-8}"
[[ -d "$corpus" ]] || { echo "bench: no corpus at $corpus (run bench/make-corpus.sh first)" >&2; exit 1; }
[[ -x "$keyward" ]] || { echo "bench: no keyward binary at $keyward (build it first)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

# One run: prints "wall cpu" in seconds. Exit 1 (findings) is the corpus's normal answer.
times="$(mktemp)"
trap 'rm -f "$times"' EXIT
run() {
  /usr/bin/time -o "$times" -f '%e %U %S' "$keyward" scan "$corpus" --no-ignore --format json "$@" >/dev/null 2>&1 || true
  tail -1 "$times" | awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
}

run >/dev/null  # warms the page cache and the rule cache
off=() on=()
for _ in $(seq "$runs"); do
  off+=("$(run --max-decode-depth 0)")
  on+=("$(run --max-decode-depth 2)")
done

# stats LABEL RUN...: the label, then the lowest and median wall, then the lowest and median CPU.
stats() {
  local label=$1
  shift
  local walls cpus mid=$((($# + 1) / 2))
  walls=$(printf '%s\n' "$@" | awk '{ print $1 }' | sort -n)
  cpus=$(printf '%s\n' "$@" | awk '{ print $2 }' | sort -n)
  echo "$label $(head -1 <<<"$walls") $(sed -n "${mid}p" <<<"$walls") $(head -1 <<<"$cpus") $(sed -n "${mid}p" <<<"$cpus")"
}
{
  stats off "${off[@]}"
  stats on "${on[@]}"
} | awk '
  { label[NR] = $1; wl[NR] = $2; wm[NR] = $3; cl[NR] = $4; cm[NR] = $5 }
  END {
    print "| run | wall, lowest | wall, median | CPU, lowest | CPU, median |"
    print "| --- | --- | --- | --- | --- |"
    printf "| `--max-decode-depth 0` (off) | %.2f s | %.2f s | %.2f s | %.2f s |\n", wl[1], wm[1], cl[1], cm[1]
    printf "| `--max-decode-depth 2` (default) | %.2f s | %.2f s | %.2f s | %.2f s |\n", wl[2], wm[2], cl[2], cm[2]
    printf "on / off: wall %.3f (lowest) %.3f (median), CPU %.3f (lowest) %.3f (median); target: wall at most 1.15\n",
           wl[2] / wl[1], wm[2] / wm[1], cl[2] / cl[1], cm[2] / cm[1]
  }'
