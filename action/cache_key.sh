#!/usr/bin/env bash
# The Action's first step: the cache key of its keyward and the directory it lives in (step outputs `key`, `dir`).
# The key names the runner image (ImageOS, e.g. ubuntu24, else the OS's id and version), the architecture, the
# action's ref, and a hash of every file the binary is built from, so a branch or tag that moved never brings back
# a stale build. Inputs (environment): ImageOS, RUNNER_ARCH, RUNNER_TEMP as GitHub sets them; ACTION_REF, the
# action's ref (empty for `uses: ./`).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
image=${ImageOS:-$(. /etc/os-release && echo "${ID:-linux}${VERSION_ID:-}")}
arch=${RUNNER_ARCH:-$(uname -m)}
ref=${ACTION_REF:-local}
sources=(CMakeLists.txt cmake scanner rules hooks tools .ci/install-deps action/build.sh action/bundle.sh)
hash=$(cd "$source_dir" && find "${sources[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum |
  sha256sum | cut -c1-16)
{
  echo "key=keyward-$image-$arch-$ref-$hash"
  echo "dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyward-action"
} >>"${GITHUB_OUTPUT:?}"
