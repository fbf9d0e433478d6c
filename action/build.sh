#!/usr/bin/env bash
# The Action's build step, when its cache has no keyward for this key: a Release keyward from this checkout of the
# action, tests off, then bundled into DIR (action/bundle.sh), which the next step saves to the cache.
# Usage: build.sh DIR
set -euo pipefail
dir=${1:?usage: build.sh DIR}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$source_dir/build/action
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYWARD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target keyward -j"$(nproc)"
"$source_dir/action/bundle.sh" "$build_dir/keyward" "$dir"
