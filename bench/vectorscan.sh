#!/usr/bin/env bash
# keyward built against Vectorscan (the Hyperscan port that arm64 runners get for libhyperscan-dev) beside the usual
# Hyperscan build, on this machine, without installing libvectorscan-dev (it conflicts with libhyperscan-dev):
#   1. `apt-get download libvectorscan-dev libvectorscan5`, unpacked with `dpkg -x` into PREFIX, its libhs.pc moved
#      there;
#   2. a Release build in VS_BUILD_DIR configured with PKG_CONFIG_PATH on PREFIX (build rpath: its tests load
#      PREFIX's libhs.so.5, checked with ldd), then the whole test suite (ctest);
#   3. the worktree benchmark for both libraries in one run: `keyward scan CORPUS --no-ignore --format json` on
#      2 threads with the Hyperscan binary (HS_BINARY, built before) and the Vectorscan one, alternated RUNS times
#      (default 5) with ripgrep's baseline (as bench/run.sh runs it) on a warm page cache. Prints median walls, each
#      keyward / rg and Vectorscan / Hyperscan.
# Usage: bench/vectorscan.sh [prefix|build|test|bench|all]   (default all; run it under flock, it builds)
# Env: PREFIX (build/vectorscan-prefix), VS_BUILD_DIR (build/vectorscan), HS_BINARY (build/test/keyward),
#      CORPUS (bench/corpus), RUNS (5).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
prefix="${PREFIX:-$root/build/vectorscan-prefix}"
build="${VS_BUILD_DIR:-$root/build/vectorscan}"
hs_binary="${HS_BINARY:-$root/build/test/keyward}"
corpus="${CORPUS:-$here/corpus}"
runs="${RUNS:-5}"
what="${1:-all}"
multiarch="$(gcc -print-multiarch)"
libdir="$prefix/usr/lib/$multiarch"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

unpack() {
  [[ -f "$libdir/pkgconfig/libhs.pc" ]] && return
  local debs
  debs="$(mktemp -d)"
  chmod 755 "$debs"  # apt downloads as its sandbox user
  (cd "$debs" && apt-get download -qq libvectorscan-dev libvectorscan5)
  mkdir -p "$prefix"
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$prefix"; done
  rm -rf "$debs"
  sed -i "s|=/usr|=$prefix/usr|" "$libdir/pkgconfig/libhs.pc"
  log "Vectorscan $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --modversion libhs) in $prefix"
}

compile() {
  PKG_CONFIG_PATH="$libdir/pkgconfig" cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
  grep -q "^pkgcfg_lib_HYPERSCAN_hs:FILEPATH=$libdir/libhs.so$" "$build/CMakeCache.txt" ||
    die "$build is configured with another libhs: $(grep pkgcfg_lib_HYPERSCAN_hs "$build/CMakeCache.txt")"
  cmake --build "$build" -j"$(nproc)"
  # Both libraries are libhs.so.5: the binary must load the one in the prefix.
  ldd "$build/keyward" | grep -q "libhs.so.5 => $libdir/libhs.so.5" ||
    die "$build/keyward does not load $libdir/libhs.so.5: $(ldd "$build/keyward" | grep libhs)"
}

suite() {
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
}

benchmark() {
  [[ -d "$corpus" ]] || die "no corpus at $corpus (run bench/make-corpus.sh first)"
  [[ -x "$hs_binary" ]] || die "no Hyperscan keyward at $hs_binary (build it first)"
  ldd "$hs_binary" | grep -qE "libhs.so.5 => /(usr/)?lib/" || die "$hs_binary does not load the system's Hyperscan"
  if ! command -v rg >/dev/null || [[ ! -x /usr/bin/time ]]; then  # as bench/run.sh does
    log "installing ripgrep and time"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep time >/dev/null
  fi
  local times
  times="$(mktemp)"
  # One run: prints its wall seconds. Exit 1 (findings) is the corpus's normal answer.
  run() {
    /usr/bin/time -o "$times" -f '%e' "$@" >/dev/null 2>&1 || true
    tail -1 "$times"
  }
  local threads=2 rg=() hs=() vs=()
  log "warming the page cache and the rule caches"
  find "$corpus" -type f -print0 | xargs -0 cat >/dev/null
  run "$hs_binary" scan "$corpus" --no-ignore --format json >/dev/null
  run "$build/keyward" scan "$corpus" --no-ignore --format json >/dev/null
  for i in $(seq "$runs"); do
    rg+=("$(run rg --no-config --no-ignore --hidden --glob '!.git' --max-filesize 10M -c -F keyward-benchmark-literal \
      --threads "$threads" "$corpus")")
    hs+=("$(run "$hs_binary" scan "$corpus" --no-ignore --threads "$threads" --format json)")
    vs+=("$(run "$build/keyward" scan "$corpus" --no-ignore --threads "$threads" --format json)")
    log "run $i: rg ${rg[-1]} s, Hyperscan ${hs[-1]} s, Vectorscan ${vs[-1]} s"
  done
  rm -f "$times"
  median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
  local m_rg m_hs m_vs
  m_rg="$(median "${rg[@]}")" m_hs="$(median "${hs[@]}")" m_vs="$(median "${vs[@]}")"
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD)," \
    "$(du -sh "$corpus" | cut -f1) corpus, $threads threads, median of $runs alternated runs"
  echo "| library | keyward wall | rg wall | keyward / rg |"
  echo "| --- | --- | --- | --- |"
  awk -v r="$m_rg" -v h="$m_hs" -v v="$m_vs" -v hv="$(pkg-config --modversion libhs)" \
    -v vv="$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --modversion libhs)" 'BEGIN {
    printf "| Hyperscan %s (libhyperscan-dev) | %.2f s | %.2f s | %.2f |\n", hv, h, r, h / r
    printf "| Vectorscan %s (libvectorscan-dev) | %.2f s | %.2f s | %.2f |\n", vv, v, r, v / r
    printf "Vectorscan / Hyperscan wall: %.2f\n", v / h }'
}

case "$what" in
  prefix) unpack ;;
  build) unpack && compile ;;
  test) unpack && compile && suite ;;
  bench) benchmark ;;
  all) unpack && compile && suite && benchmark ;;
  *) die "usage: bench/vectorscan.sh [prefix|build|test|bench|all]" ;;
esac
