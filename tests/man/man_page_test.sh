#!/usr/bin/env bash
# The man page against --help (issue 20): `man -l keyward.1` shows every command and every option that
# `keyward --help` and each `keyward COMMAND --help` (and their commands', e.g. `keyward rules list --help`) show.
# Usage: man_page_test.sh KEYWARD MAN_PAGE
set -euo pipefail
keyward=$1 page=$2
fail() { echo "man_page_test: $*" >&2; exit 1; }
[ -f "$page" ] || fail "no man page at $page"
shown=$(LC_ALL=C MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)
[ -n "$shown" ] || fail "man -l $page shows nothing"

checked=0
# The options of one --help text (-x and --long-name), then its commands, each checked the same way.
check_help() {
  local command=("$@") help name option
  help=$("$keyward" "${command[@]}" --help)
  for option in $(grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' <<<"$help" | tr -d ' ,' | sort -u); do
    grep -qF -- "$option" <<<"$shown" || fail "'keyward ${command[*]} --help' shows $option, the man page does not"
    checked=$((checked + 1))
  done
  for name in $(awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }' <<<"$help"); do
    grep -qE "(^|[[:space:]])$name([[:space:]]|$)" <<<"$shown" ||
      fail "'keyward ${command[*]} --help' lists the command $name, the man page does not"
    checked=$((checked + 1))
    check_help "${command[@]}" "$name"
  done
}
check_help
[ "$checked" -gt 20 ] || fail "only $checked commands and options found in --help: is its format still parsed?"
echo "man_page_test: all $checked commands and options of --help are on the man page"
