#!/usr/bin/env bash
# keyward throughput benchmark. On a warm page cache, measures wall time, user+sys CPU and peak RSS of:
#   rg       ripgrep searching one fixed literal (absent from the corpus) in the same files keyward scans:
#            no ignore files, hidden files included, .git/ skipped, binary files skipped (rg's default),
#            files over 10 MiB skipped, symlinks not followed; all cores. The floor: read + memchr.
#   keyward  `keyward scan CORPUS --no-ignore --format json`, with --threads 1 and --threads $(nproc)
# Each is run RUNS times (default 3); the run with the median wall time is reported. Prints a table and the
# ratios keyward-all-cores/rg wall (target <= 2.0) and keyward-1-thread/keyward-all-cores wall (target >= 1.8
# on 2 cores), and writes the same to bench/results/latest.txt.
# Usage: bench/run.sh [CORPUS_DIR] [KEYWARD_BINARY]   (defaults: bench/corpus, build/keyward)
# Env: RUNS (default 3); KEYWARD_EXTRA_ARGS, extra words for every keyward run (e.g. "-r rules/extra.toml").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
corpus="${1:-$here/corpus}"
keyward="${2:-$root/build/keyward}"
runs="${RUNS:-3}"
read -r -a extra_args <<<"${KEYWARD_EXTRA_ARGS:-}"
literal='keyward-benchmark-literal'
cores="$(nproc)"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -d "$corpus" ]] || die "no corpus at $corpus (run bench/make-corpus.sh first)"
[[ -x "$keyward" ]] || die "no keyward binary at $keyward (build it first)"
corpus="$(cd "$corpus" && pwd)"
keyward="$(cd "$(dirname "$keyward")" && pwd)/$(basename "$keyward")"

apt_updated=0
need() {  # need COMMAND PACKAGE: apt-get install PACKAGE if COMMAND is missing
  if ! command -v "$1" >/dev/null 2>&1; then
    log "installing $2"
    if ((apt_updated == 0)); then apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}
need rg ripgrep
[[ -x /usr/bin/time ]] || need /usr/bin/time time
[[ -x /usr/bin/time ]] || die "/usr/bin/time is still missing"
command -v python3 >/dev/null || die "python3 is needed"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
timings="$work/timings.tsv"  # label threads run wall user sys maxrss_kib
: >"$timings"

# The ripgrep baseline; the thread count is appended per run.
rg_cmd=(rg --no-config --no-ignore --hidden --glob '!.git' --max-filesize 10M --stats -c -F "$literal" "$corpus")

# measure LABEL THREADS RUN OK_CODES -- COMMAND...: runs COMMAND under /usr/bin/time, appends to $timings.
# OK_CODES: exit codes that are not errors (e.g. "0 1"). Command stdout/stderr go to $work/LABEL-THREADS.*
measure() {
  local label="$1" threads="$2" run="$3" ok="$4"
  shift 5
  local out="$work/$label-$threads"
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$out.time" "$@" >"$out.stdout" 2>"$out.stderr" || rc=$?
  if [[ " $ok " != *" $rc "* ]]; then
    cat "$out.stderr" >&2
    die "$label (threads $threads) exited with $rc"
  fi
  local wall user sys rss
  read -r wall user sys rss < <(tail -n 1 "$out.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$threads" "$run" "$wall" "$user" "$sys" "$rss" >>"$timings"
  log "$(printf '%-8s threads %-3s run %s: %6.2f s wall' "$label" "$threads" "$run" "$wall")"
}

# busy_percent: how busy the cores are over one second, before we start (anything else running skews walls)
busy_percent() {
  python3 -c '
import time
def sample():
    f = open("/proc/stat").readline().split()[1:]
    v = [int(x) for x in f]
    return sum(v), v[3] + v[4]  # total, idle + iowait
t0, i0 = sample(); time.sleep(1); t1, i1 = sample()
print(round(100 * (1 - (i1 - i0) / max(t1 - t0, 1))))'
}

log "corpus $corpus"
log "warming the page cache (reading every file once)"
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null
busy_before="$(busy_percent)"
((busy_before <= 10)) || log "warning: the cores are already ${busy_before}% busy: wall times will be inflated"

for ((i = 1; i <= runs; i++)); do
  measure rg "$cores" "$i" "0 1" -- "${rg_cmd[@]}" --threads "$cores"
  measure rg 1 "$i" "0 1" -- "${rg_cmd[@]}" --threads 1
  measure keyward 1 "$i" "0 1" -- "$keyward" scan "$corpus" --no-ignore --threads 1 --format json \
    --report-path "$work/keyward-1.json" "${extra_args[@]}"
  measure keyward "$cores" "$i" "0 1" -- "$keyward" scan "$corpus" --no-ignore --threads "$cores" --format json \
    --report-path "$work/keyward-$cores.json" "${extra_args[@]}"
done

busy_after="$(busy_percent)"
mkdir -p "$here/results"
rules="$("$keyward" rules list "${extra_args[@]}" 2>&1 | tail -n 1 || true)"
summary="$(grep '^keyward: [0-9]' "$work/keyward-$cores.stderr" | tail -n 1 || true)"

python3 - "$timings" "$work" "$cores" "$corpus" "$keyward" "$rules" "$summary" "$runs" "${KEYWARD_EXTRA_ARGS:-}" \
  "$busy_before" "$busy_after" \
  <<'PY' | tee "$here/results/latest.txt"
import json, os, platform, re, sys, time

timings, work, cores, corpus, keyward, rules, summary, runs, extra, busy_before, busy_after = sys.argv[1:]
rows = {}
for line in open(timings):
    label, threads, run, wall, user, sys_, rss = line.split("\t")
    rows.setdefault((label, threads), []).append(
        {"wall": float(wall), "cpu": float(user) + float(sys_), "rss": int(rss) / 1024.0})

def median_run(key):
    runs_ = sorted(rows[key], key=lambda r: r["wall"])
    return runs_[(len(runs_) - 1) // 2]  # the middle run; with an even count, the faster of the two

stats = json.load(open(os.path.join(work, f"keyward-{cores}.json")))["stats"]
stats1 = json.load(open(os.path.join(work, "keyward-1.json")))["stats"]
findings = len(json.load(open(os.path.join(work, f"keyward-{cores}.json"))).get("findings", []))
scanned = stats["bytes"]

rg_bytes = None
m = re.search(r"^(\d+) bytes searched", open(os.path.join(work, f"rg-{cores}.stdout")).read(), re.M)
if m:
    rg_bytes = int(m.group(1))

out = []
p = out.append
p(f"keyward benchmark  {time.strftime('%Y-%m-%d %H:%M:%S')}  {platform.node()}  {cores} cores")
p(f"corpus:  {corpus}")
p(f"binary:  {keyward}  ({rules}{', extra args: ' + extra if extra else ''})")
p(f"keyward stats: files {stats['files']}, bytes {stats['bytes']} ({stats['bytes'] / 1e6:.1f} MB), "
  f"skipped {stats['skipped']['total']} "
  f"({', '.join(f'{k} {v}' for k, v in stats['skipped'].items() if k != 'total' and v)}), findings {findings}")
if stats1["files"] != stats["files"] or stats1["bytes"] != stats["bytes"]:
    p(f"WARNING: 1-thread run saw files {stats1['files']}, bytes {stats1['bytes']}")
if rg_bytes is not None:
    p(f"rg stats: bytes searched {rg_bytes} ({rg_bytes / 1e6:.1f} MB; rg stops reading a binary file at its first NUL)")
if summary:
    p(f"last summary line: {summary}")
p(f"other load: cores {busy_before}% busy before the runs, {busy_after}% after"
  + ("  -- WARNING: the machine was not idle, walls are inflated; compare CPU s instead" if max(int(busy_before), int(busy_after)) > 10 else ""))
p(f"median of {runs} runs; MB/s = keyward's scanned bytes / wall (1 MB = 10^6 bytes)")
p("")
p(f"{'tool':<8} {'threads':>7} {'wall s':>8} {'cpu s':>8} {'rss MiB':>8} {'MB/s':>8}   walls")
med = {}
for key in [("rg", "1"), ("rg", cores), ("keyward", "1"), ("keyward", cores)]:
    r = median_run(key)
    med[key] = r
    walls = " ".join(f"{x['wall']:.2f}" for x in rows[key])
    p(f"{key[0]:<8} {key[1]:>7} {r['wall']:>8.2f} {r['cpu']:>8.2f} {r['rss']:>8.1f} "
      f"{scanned / 1e6 / max(r['wall'], 1e-9):>8.1f}   {walls}")
p("")
kw_all = med[("keyward", cores)]["wall"]
ratio_rg = kw_all / max(med[("rg", cores)]["wall"], 1e-9)
ratio_sc = med[("keyward", "1")]["wall"] / max(kw_all, 1e-9)
p(f"keyward {cores}-thread wall / rg wall          = {ratio_rg:.2f}  (target <= 2.0: "
  f"{'met' if ratio_rg <= 2.0 else 'MISSED'})")
p(f"keyward 1-thread wall / {cores}-thread wall    = {ratio_sc:.2f}  (target >= 1.8 on 2 cores: "
  f"{'met' if ratio_sc >= 1.8 else 'MISSED'})")
p(f"rg 1-thread wall / {cores}-thread wall         = {med[('rg', '1')]['wall'] / max(med[('rg', cores)]['wall'], 1e-9):.2f}  "
  f"(this machine's own scaling for a scan, measured on ripgrep)")
p(f"keyward {cores}-thread cpu / rg cpu            = "
  f"{med[('keyward', cores)]['cpu'] / max(med[('rg', cores)]['cpu'], 1e-9):.2f}  (informational: robust to other load)")
print("\n".join(out))
PY
log "written to $here/results/latest.txt"
