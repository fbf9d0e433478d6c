#!/usr/bin/env bash
# The man page against --help (issue 20): `man -l keyward.1` shows every command that `keyward --help` and each
# command's --help list, each under a heading of its own ("keyward rules list"), with every option that command's
# --help shows in its "keyward COMMAND options" section (keyward's own: anywhere on the page).
# Usage: man_page_test.sh KEYWARD MAN_PAGE
set -euo pipefail
keyward=$1 page=$2
fail() { echo "man_page_test: $*" >&2; exit 1; }
[ -f "$page" ] || fail "no man page at $page"
shown=$(LC_ALL=C MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)
[ -n "$shown" ] || fail "man -l $page shows nothing"

# The lines of the page's section headed "keyward PATH options:", up to the next heading.
options_section() {
  awk -v heading="keyward $* options:" '
    { line = $0; sub(/^ +/, "", line); match($0, /^[ \t]*/); indent = substr($0, 1, RLENGTH) }
    line == heading { on = 1; next }
    on && line != "" && indent !~ /\t/ && length(indent) <= 3 { on = 0 }
    on' <<<"$shown"
}

checked=0
check_help() {
  local command=("$@") help name option options where
  help=$("$keyward" "${command[@]}" --help)
  where=$shown
  if [ ${#command[@]} -gt 0 ]; then
    grep -qE "^ {0,3}keyward ${command[*]}:\$" <<<"$shown" || fail "no heading 'keyward ${command[*]}' on the man page"
    where=$(options_section "${command[@]}")
    [ -n "$where" ] || fail "no section 'keyward ${command[*]} options' on the man page"
  fi
  options=$(awk '/^Options:/ { on = 1; next } /^[^ ]/ { on = 0 } on' <<<"$help")
  for option in $(grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' <<<"$options" | tr -d ' ,' | sort -u); do
    grep -qE -- "(^|[ ,])$option([ ,]|\$)" <<<"$where" ||
      fail "'keyward ${command[*]} --help' shows $option, its part of the man page does not"
    checked=$((checked + 1))
  done
  for name in $(awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }' <<<"$help"); do
    checked=$((checked + 1))
    check_help "${command[@]}" "$name"
  done
}
check_help
[ "$checked" -gt 20 ] || fail "only $checked commands and options found in --help: is its format still parsed?"
echo "man_page_test: all $checked commands and options of --help are on the man page, each under its command"
