#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default 60), as many at once as there are
# cores, on its committed seeds (fuzz/corpus/<target>/) plus what earlier runs found (<build>/corpus/<target>/).
# Fails when any target finds a crash, leak, timeout or sanitizer report; the input is saved as
# <build>/artifacts/<target>-* and the target's log as <build>/logs/<target>.log.
# The build is build/fuzz, configured here; KEYWARD_FUZZ_BUILD names another one already configured with
# KEYWARD_FUZZ=ON (.ci/run uses its sanitizer build, so the suite and the fuzzers share one compile).
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rule_file config filter_json engine scan gitleaks_scan pack)

build=${KEYWARD_FUZZ_BUILD:-build/fuzz}
if [ -z "${KEYWARD_FUZZ_BUILD:-}" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYWARD_FUZZ=ON \
    -DKEYWARD_BUILD_TESTS=OFF >/dev/null
elif ! grep -q '^KEYWARD_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "fuzz/run.sh: $build is not a build configured with -DKEYWARD_FUZZ=ON" >&2
  exit 2
fi
cmake --build "$build" -j"$(nproc)" --target fuzz_targets

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# The filter caches its compiled rules; keep that cache out of the user's home.
export XDG_CACHE_HOME="$PWD/$build/cache"
mkdir -p "$build/artifacts" "$build/logs"

# Seeds a target takes besides its own: the scan target starts from the engine's (one file per rule).
declare -A extra_seeds=([scan]=fuzz/corpus/engine)

run_target() {
  local target=$1
  mkdir -p "$build/corpus/$target"
  "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
    "$build/corpus/$target" "fuzz/corpus/$target" ${extra_seeds[$target]:-} >"$build/logs/$target.log" 2>&1
}

jobs=$(nproc)
declare -A pid_of=()
status=0
finish() {  # waits for one target and reports it
  local target=$1
  if wait "${pid_of[$target]}"; then
    echo "fuzz: $target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/logs/$target.log" | grep -o '[0-9]*$') runs, no finding" >&2
  else
    echo "fuzz: $target FAILED; its log:" >&2
    tail -n 60 "$build/logs/$target.log" >&2
    status=1
  fi
  unset "pid_of[$target]"
}
running=()
for target in "${targets[@]}"; do
  if [ ${#running[@]} -ge "$jobs" ]; then
    finish "${running[0]}"
    running=("${running[@]:1}")
  fi
  echo "fuzz: $target for ${seconds} s" >&2
  run_target "$target" &
  pid_of[$target]=$!
  running+=("$target")
done
for target in "${running[@]}"; do finish "$target"; done
exit $status
