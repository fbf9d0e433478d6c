#!/usr/bin/env bash
# What help2man reads as `keyward --help` for keyward.1 (cmake/man_page.cmake): keyward's own --help, then for every
# command, depth first, a section "keyward COMMAND:" holding that command's --help, its headings named after it, so
# each command's options sit under its name on the page. Any other arguments go to keyward unchanged.
# Usage: man_page_help.sh KEYWARD [ARGUMENTS...]
set -euo pipefail
keyward=$1
shift
[ "$*" = --help ] || exec "$keyward" "$@"

# The commands a --help text lists under "Subcommands:".
commands_in() { awk '/^Subcommands:$/ { on = 1; next } /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }' <<<"$1"; }

section() {
  local help name
  help=$("$keyward" "$@" --help)
  printf '\nkeyward %s:\n' "$*"
  # Its description and usage under that heading; its own headings named after it ("keyward scan options:"), so
  # help2man makes each a heading of the page.
  sed -e '1,2s/^/  /' -e '1s/$/\n/' -e "s/^Positionals:\$/keyward $* arguments:/" \
    -e "s/^Options:\$/keyward $* options:/" \
    -e "s/^Subcommands:\$/keyward $* commands:/" <<<"$help"
  for name in $(commands_in "$help"); do section "$@" "$name"; done
}

top=$("$keyward" --help)
printf '%s\n' "$top"
for name in $(commands_in "$top"); do section "$name"; done
