#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then used as another project would (issue 20): the installed keyward
# runs and its man page (gzipped), copyright file and completions are there; the library carries its versioned SONAME; a C program builds
# against the installed header and library through pkg-config, and a CMake project through find_package(keyward);
# both screen requests.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR VERSION [CMAKE_GENERATOR]
# Environment, for both consumers: CC (default cc); KEYWARD_CONSUMER_CFLAGS and KEYWARD_CONSUMER_LDFLAGS (the
# sanitizers of an instrumented build, and their runtimes).
set -euo pipefail
build=$1 source=$2 version=$3 generator=${4:-}
cc=${CC:-cc} cflags="-Wall -Wextra -Werror ${KEYWARD_CONSUMER_CFLAGS:-}"
ldflags=${KEYWARD_CONSUMER_LDFLAGS:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "install_test: $*" >&2; exit 1; }
# shellcheck source=tests/support/scan_smoke.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/scan_smoke.sh"

cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log" >&2; fail "cmake --install failed"; }

# The layout: GNUInstallDirs (lib may be lib/<multiarch>).
[ -x "$prefix/bin/keyward" ] || fail "no bin/keyward"
[ -f "$prefix/include/keyward/keyward_c.h" ] || fail "no include/keyward/keyward_c.h"
gzip -t "$prefix/share/man/man1/keyward.1.gz" 2>/dev/null || fail "no gzipped share/man/man1/keyward.1.gz"
[ -f "$prefix/share/doc/keyward/copyright" ] || fail "no share/doc/keyward/copyright"
for completion in bash-completion/completions/keyward zsh/vendor-completions/_keyward \
  fish/vendor_completions.d/keyward.fish; do
  [ -s "$prefix/share/$completion" ] || fail "no share/$completion"
done
pc=$(find "$prefix" -name keyward.pc)
[ -n "$pc" ] || fail "no keyward.pc"
config=$(find "$prefix" -name keywardConfig.cmake)
[ -n "$config" ] || fail "no keywardConfig.cmake"
libdir=$(dirname "$(dirname "$pc")")
soname=$(objdump -p "$libdir/libkeyward_c.so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libkeyward_c.so.0 ] || fail "SONAME is '$soname', expected libkeyward_c.so.0"
[ -f "$libdir/$soname" ] || fail "no $soname beside libkeyward_c.so"

# The installed binary runs and scans: a made-up key in a file is a finding (exit 1), a clean file is not (exit 0).
"$prefix/bin/keyward" --version | grep -q "$version" || fail "installed keyward --version does not say $version"
scan_smoke "$prefix/bin/keyward" "$work" 20 "installed keyward"

# pkg-config: the same flags any Makefile would use, the library found at run time through its rpath.
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
[ "$(pkg-config --modversion keyward)" = "$version" ] || fail "pkg-config --modversion keyward is not $version"
# shellcheck disable=SC2046  # pkg-config's flags are meant to split into words
# shellcheck disable=SC2086  # so are the extra flags
"$cc" -std=c99 $cflags $ldflags "$source/tests/install/screen.c" -o "$work/screen_pkgconfig" \
  $(pkg-config --cflags --libs keyward) -Wl,-rpath,"$(pkg-config --variable=libdir keyward)"
"$work/screen_pkgconfig" "$version" || fail "the program built through pkg-config got a wrong verdict"

# find_package(keyward) from another CMake project.
cmake -S "$source/tests/install/consumer" -B "$work/consumer" ${generator:+-G "$generator"} \
  -DCMAKE_PREFIX_PATH="$prefix" -DKEYWARD_VERSION="$version" -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
  >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log" >&2; fail "configuring the find_package(keyward) project failed"; }
cmake --build "$work/consumer" >>"$work/consumer.log" 2>&1 || { cat "$work/consumer.log" >&2; fail "building it failed"; }
"$work/consumer/screen" "$version" || fail "the program built through find_package(keyward) got a wrong verdict"
echo "install_test: bin, lib ($soname), include, pkg-config and CMake package all work from $prefix"
