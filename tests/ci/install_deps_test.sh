#!/usr/bin/env bash
# .ci/install-deps's own options (issue 20): -h and --help print its usage on stdout and exit 0; an unknown option
# is one line on stderr naming it, and exit 2, not a missing package named after it. Both stop before apt is asked
# anything, so this changes nothing on the machine.
# Usage: install_deps_test.sh INSTALL_DEPS
set -euo pipefail
script=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install_deps_test: $*" >&2; exit 1; }

# Help wherever it stands: after --build-only, or after a package name, it is still help and never a package.
for option in --help -h "--build-only --help" "clang -h"; do
  status=0
  # shellcheck disable=SC2086 # the two-word cases are two arguments
  "$script" $option >"$work/out" 2>"$work/err" || status=$?
  [ "$status" = 0 ] || { cat "$work/err" >&2; fail "$option exited $status, expected 0"; }
  [ ! -s "$work/err" ] || { cat "$work/err" >&2; fail "$option wrote to stderr"; }
  grep -q '^ *\.ci/install-deps --build-only ' "$work/out" || { cat "$work/out" >&2; fail "$option shows no usage"; }
done

# A bad option anywhere, or --build-only out of its place: one line naming it, exit 2, before apt is asked.
for case in "--no-such-option:--no-such-option" "--build-only --no-such-option:--no-such-option" \
  "clang --build-only:--build-only" "--build-only --build-only:--build-only"; do
  option=${case%%:*} named=${case#*:}
  status=0
  # shellcheck disable=SC2086 # the two-word cases are two arguments
  "$script" $option >"$work/out" 2>"$work/err" || status=$?
  [ "$status" = 2 ] || { cat "$work/err" >&2; fail "'$option' exited $status, expected 2"; }
  [ ! -s "$work/out" ] || { cat "$work/out" >&2; fail "'$option' wrote to stdout"; }
  [ "$(wc -l <"$work/err")" = 1 ] || { cat "$work/err" >&2; fail "'$option' is not one line on stderr"; }
  grep -q -- "$named" "$work/err" || { cat "$work/err" >&2; fail "the error for '$option' does not name $named"; }
done
echo "install_deps_test: --help, -h and bad options behave wherever they stand"
