#!/usr/bin/env bash
# Pre-commit benchmark: `keyward git --staged` on a repository with one small staged file, the default rules,
# warm (compiled database cached) and cold (an empty cache directory each run). Prints the median wall time of
# each beside `git diff --cached` (the least a hook can do) measured in the same run.
# Usage: bench/precommit.sh [KEYWARD_BINARY] (default build/keyward); RUNS=N (default 21).
set -euo pipefail
cd "$(dirname "$0")/.."
keyward="$(realpath "${1:-build/keyward}")"
runs="${RUNS:-21}"
[ -x "$keyward" ] || { echo "precommit.sh: no keyward binary at $keyward (build it first)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
git init -q "$repo"
git -C "$repo" -c user.name=bench -c user.email=bench@example.com commit -q --allow-empty -m init
printf 'import os\n\nDEBUG = os.environ.get("DEBUG") == "1"\nTIMEOUT_SECONDS = 30\n' >"$repo/settings.py"
git -C "$repo" add settings.py

# median_ms CMD...: runs CMD $runs times, prints the median wall time in milliseconds.
median_ms() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"{times[len(times) // 2]:.1f}")
PY
}

export XDG_CACHE_HOME="$work/warm-cache"
"$keyward" git --staged "$repo" >/dev/null 2>&1 || true  # fills the cache
git_ms=$(median_ms git -C "$repo" diff --cached)
warm_ms=$(median_ms "$keyward" git --staged "$repo")
cold_ms=$(median_ms env XDG_CACHE_HOME=/proc/keyward-no-cache "$keyward" git --staged "$repo")

printf 'keyward pre-commit benchmark (%s runs, median wall time; %s rules)\n' "$runs" \
  "$("$keyward" rules list | tail -1 | cut -d' ' -f1)"
printf '  git diff --cached          %8s ms\n' "$git_ms"
printf '  keyward git --staged warm  %8s ms   (%.1fx git diff --cached; target < 50 ms)\n' "$warm_ms" \
  "$(python3 -c "print($warm_ms / max($git_ms, 0.1))")"
printf '  keyward git --staged cold  %8s ms   (no cache: the rule database is compiled)\n' "$cold_ms"
