#!/usr/bin/env bash
# The action's build step: a Release keyward from this checkout of the action (the build directory is cached
# by the workflow's actions/cache step, so a warm run only relinks or does nothing), then its directory on PATH.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${KEYWARD_BUILD_DIR:-$source_dir/build/action}
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYWARD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target keyward -j"$(nproc)"
echo "$build_dir" >>"${GITHUB_PATH:?}"
