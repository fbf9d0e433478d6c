#!/usr/bin/env bash
# History-scan benchmark: `keyward git REPO` (every unique blob once, all refs) at 2 threads, beside what any
# history scanner must at least do in the same run: `git cat-file --batch-all-objects --batch --unordered`
# (every object inflated once, in pack order) and `git log -p --all` (what patch-based scanners read first).
# With RANGE=A..B, `keyward git --range A..B` beside `git log -p A..B` instead (a pull request's scan).
# Wall time, CPU and peak RSS of each, warm cache, median of RUNS (default 3; the full `git log -p --all` runs
# once, or not at all with LOG_P=0: on git/git it takes minutes).
# Usage: bench/history.sh [REPO] [KEYWARD_BINARY]; REPO defaults to bench/history.git, built by
# bench/make-history.py when missing (20,000 commits, ~1 GB of unique blob content). Real repositories:
# bench/prepare-repo.sh https://github.com/git/git git.git (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="${1:-bench/history.git}"
keyward="$(realpath "${2:-build/keyward}")"
runs="${RUNS:-3}"
range="${RANGE:-}"
[ -x "$keyward" ] || { echo "history.sh: no keyward binary at $keyward (build it first)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
[ -e "$repo" ] || python3 bench/make-history.py "$repo"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: appends "NAME wall user sys maxrss_kib" for one run.
measure() {
  local name="$1"
  shift
  /usr/bin/time -f "$name %e %U %S %M" -a -o "$work/times" "$@" >/dev/null 2>&1 || true
}

git -C "$repo" cat-file --batch-all-objects --batch --unordered >/dev/null  # warm the page cache
if [ -n "$range" ]; then
  for ((i = 1; i <= runs; i++)); do
    measure log-p git -C "$repo" log -p "$range"
    measure keyward "$keyward" git "$repo" --range "$range" --threads 2 --no-progress --format json \
      --report-path "$work/report.json"
  done
else
  for ((i = 1; i <= runs; i++)); do
    measure cat-file git -C "$repo" cat-file --batch-all-objects --batch --unordered
    measure keyward "$keyward" git "$repo" --threads 2 --no-progress --format json --report-path "$work/report.json"
  done
  [ "${LOG_P:-1}" = 0 ] || measure log-p git -C "$repo" log -p --all
fi

python3 - "$work/times" "$work/report.json" "$repo" "$range" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("Command"):  # time's note of a non-zero exit (findings)
        continue
    name, wall, user, sys_, rss = line.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
stats = json.load(open(sys.argv[2]))["stats"]
med = {k: tuple(statistics.median(x[i] for x in v) for i in range(3)) for k, v in rows.items()}
print(f"history benchmark on {sys.argv[3]}: {stats['commits']} commits, {stats['files']} blobs and messages, "
      f"{stats['bytes'] / 1e9:.2f} GB scanned")
print(f"{'what':<28} {'wall s':>8} {'cpu s':>8} {'rss MiB':>8}")
labels = (("cat-file", "git cat-file --batch-all"), ("log-p", "git log -p " + (sys.argv[4] or "--all")),
          ("keyward", "keyward git (2 threads)"))
for name, label in labels:
    if name in med:
        w, c, r = med[name]
        print(f"{label:<28} {w:8.2f} {c:8.2f} {r:8.1f}")
kw = med["keyward"][0]
if "cat-file" in med:
    print(f"keyward / cat-file wall = {kw / med['cat-file'][0]:.2f} (target <= 1.5 on real repositories)")
if "log-p" in med:
    target = "<= 1.0" if sys.argv[4] else "< 0.5"
    print(f"keyward / git log -p wall = {kw / med['log-p'][0]:.2f} (target {target})")
PY
