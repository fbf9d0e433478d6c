#!/usr/bin/env bash
# `cpack -G DEB` (issue 20): the .deb's Depends are computed (dpkg-shlibdeps) and name the runtime packages of the
# libraries keyward loads, and apt could install it here (simulated); unpacked with dpkg-deb -x, the packaged keyward
# says its version and scans, the packaged libkeyward_c.so.0 is there with its SONAME, and the man page (gzipped)
# and the copyright file are where Debian policy has them. The package is made in a
# temporary directory, not the build's.
# Usage: deb_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "deb_test: $*" >&2; exit 1; }
# shellcheck source=tests/support/scan_smoke.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/scan_smoke.sh"

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
debs=("$work"/out/keyward_"$version"_*.deb)
[ -f "${debs[0]}" ] || { cat "$work/cpack.log" >&2; fail "no keyward_${version}_*.deb"; }
deb=${debs[0]}

# Depends: computed from the binary's and the library's NEEDED entries, so the package of each library the
# packaged keyward loads is there (dpkg -S on the file ldd resolves, with or without /usr: Debian 12 is /usr-merged).
[ "$(dpkg-deb -f "$deb" Package)" = keyward ] || fail "Package is not keyward"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
dpkg-deb -x "$deb" "$work/root"
keyward=$work/root/usr/bin/keyward
[ -x "$keyward" ] || fail "no usr/bin/keyward in the package"
owner_of() {
  local candidate
  for candidate in "$1" "$(readlink -f "$1")" "${1#/usr}" "/usr$1"; do
    dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 && return
  done
}
for library in libhs.so libre2.so libgit2.so libc.so.6 libstdc++.so.6; do
  path=$(ldd "$keyward" | awk -v l="$library" 'index($1, l) == 1 { print $3; exit }')
  [ -n "$path" ] || fail "the packaged keyward does not load $library"
  owner=$(owner_of "$path")
  [ -n "$owner" ] || fail "no installed package holds $path"
  [[ ", $depends," == *", $owner "* || ", $depends," == *", $owner,"* ]] || fail "Depends lacks $owner (for $path)"
done

# apt resolves every Depends here (a simulation: the suite never changes the machine it runs on).
apt-get install --simulate "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get cannot install it"; }
grep -q '^Inst keyward ' "$work/apt.log" || { cat "$work/apt.log" >&2; fail "apt-get would not install keyward"; }

# Unpacked: the packaged binary runs from the package's tree, the library beside it in /usr/lib.
lib=$(find "$work/root/usr" -name libkeyward_c.so.0 | head -1)
[ -n "$lib" ] || fail "no libkeyward_c.so.0 in the package"
[ "$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')" = libkeyward_c.so.0 ] || fail "wrong SONAME in $lib"
[ -f "$work/root/usr/include/keyward/keyward_c.h" ] || fail "no usr/include/keyward/keyward_c.h in the package"
# Debian policy: the man page gzipped (gzip -9n) under usr/share/man/man1, and a copyright file in the
# package's doc directory.
page=$work/root/usr/share/man/man1/keyward.1.gz
gzip -t "$page" 2>/dev/null || fail "no gzipped usr/share/man/man1/keyward.1.gz in the package"
[ ! -e "$work/root/usr/share/man/man1/keyward.1" ] || fail "an uncompressed usr/share/man/man1/keyward.1 in the package"
gzip -dc "$page" | grep -q '^\.TH KEYWARD "1"' || fail "keyward.1.gz is not keyward's section 1 page"
man -l "$page" 2>/dev/null | grep -q 'keyward scan' || fail "man -l cannot show keyward.1.gz"
copyright=$work/root/usr/share/doc/keyward/copyright
[ -f "$copyright" ] || fail "no usr/share/doc/keyward/copyright in the package"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$copyright" ||
  fail "usr/share/doc/keyward/copyright is not in the machine-readable format"
grep -q '^License: ' "$copyright" || fail "usr/share/doc/keyward/copyright names no license"
"$keyward" --version >"$work/version.out" || fail "packaged keyward --version failed"
cat "$work/version.out"
head -1 "$work/version.out" | grep -qx "keyward $version" || fail "packaged keyward --version does not say $version"
grep -q '^Hyperscan ' "$work/version.out" || fail "packaged keyward --version does not name Hyperscan"
grep -q '^libgit2 ' "$work/version.out" || fail "packaged keyward --version does not name libgit2"

scan_smoke "$keyward" "$work" 21 "packaged keyward"
echo "deb_test: $(basename "$deb") unpacked: --version and a scan work"
