#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build/fuzz and runs each for SECONDS (default 60), one after the
# other, on its committed seeds (fuzz/corpus/<target>/) plus what earlier runs found (build/fuzz/corpus/<target>/).
# Fails on the first crash, leak, timeout or sanitizer report; the input is saved as build/fuzz/artifacts/<target>-*.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rule_file config filter_json engine)

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYWARD_FUZZ=ON \
  -DKEYWARD_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target fuzz_targets

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# The filter caches its compiled rules; keep that cache out of the user's home.
export XDG_CACHE_HOME="$PWD/build/fuzz/cache"
mkdir -p build/fuzz/artifacts
for target in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$target"
  echo "fuzz: $target for ${seconds} s" >&2
  build/fuzz/fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$target-" \
    "build/fuzz/corpus/$target" "fuzz/corpus/$target"
done
