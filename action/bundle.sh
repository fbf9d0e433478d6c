#!/usr/bin/env bash
# Makes the Action's cached keyward in DIR: bin/keyward; lib/ with every shared library it loads (Hyperscan or
# Vectorscan, RE2, libgit2, ... from .ci/install-deps) but the C and C++ runtimes every runner image has (glibc's
# libraries, libstdc++, libgcc_s); and DIR/keyward, which runs bin/keyward with lib/ first on the library path. A run
# that restores DIR from the cache therefore installs no package. Usage: bundle.sh KEYWARD_BINARY DIR
set -euo pipefail
binary=${1:?usage: bundle.sh KEYWARD_BINARY DIR}
dir=${2:?usage: bundle.sh KEYWARD_BINARY DIR}
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/lib"
cp "$binary" "$dir/bin/keyward"
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
  case "${lib##*/}" in
    ld-linux* | libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | libresolv.so.* | libstdc++.so.* | \
      libgcc_s.so.*) ;;
    *) cp -L "$lib" "$dir/lib/" ;;
  esac
done
cat >"$dir/keyward" <<'LAUNCHER'
#!/bin/sh
# keyward from the GitHub Action's cache, with the shared libraries it was built against (action/bundle.sh).
here=$(dirname "$(readlink -f "$0")")
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/bin/keyward" "$@"
LAUNCHER
chmod +x "$dir/keyward"
"$dir/keyward" --version >/dev/null
