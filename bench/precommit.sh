#!/usr/bin/env bash
# Pre-commit benchmark: `keyward git --staged` on a repository with one small staged file: the default rules
# (their database is prebuilt into the binary; no cache directory at all), and the default rules plus one rule
# of the user's own, with its compiled database cached (warm) and without a cache (cold: compiled every run).
# Prints the median wall time of each beside `git diff --cached` (the least a hook can do), in the same run.
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


# One extra rule makes a rule set that is not the prebuilt one: its database is compiled, then cached.
cat >"$work/extra.toml" <<'TOML'
[[rules]]
id = "bench-extra"
description = "A rule of the user's own"
regex = '''bench_extra_[a-z0-9]{24}'''
TOML

export XDG_CACHE_HOME="$work/warm-cache"
"$keyward" git --staged --rules "$work/extra.toml" "$repo" >/dev/null 2>&1 || true  # fills the cache
git_ms=$(median_ms git -C "$repo" diff --cached)
default_ms=$(median_ms env XDG_CACHE_HOME=/proc/keyward-no-cache "$keyward" git --staged "$repo")
warm_ms=$(median_ms "$keyward" git --staged --rules "$work/extra.toml" "$repo")
cold_ms=$(median_ms env XDG_CACHE_HOME=/proc/keyward-no-cache "$keyward" git --staged --rules "$work/extra.toml" \
  "$repo")

printf 'keyward pre-commit benchmark (%s runs, median wall time; %s rules)\n' "$runs" \
  "$("$keyward" rules list | tail -1 | cut -d' ' -f1)"
printf '  git diff --cached                        %8s ms\n' "$git_ms"
printf '  default rules, no cache dir (prebuilt)   %8s ms   (%.1fx git diff --cached; target < 50 ms)\n' \
  "$default_ms" "$(python3 -c "print($default_ms / max($git_ms, 0.1))")"
printf '  + one own rule, warm cache               %8s ms   (target < 50 ms)\n' "$warm_ms"
printf '  + one own rule, no cache                 %8s ms   (the rule database is compiled)\n' "$cold_ms"
