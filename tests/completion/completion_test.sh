#!/usr/bin/env bash
# Shell completions against --help (issue 20). bash, for real: the script the build wrote is loaded and asked, as
# bash asks it, for every command's options and commands, which must be exactly the ones its --help shows; after an
# option that takes a value it offers nothing, so bash completes file names. zsh and fish: a few of the same
# questions asked of their scripts in those shells.
# Usage: completion_test.sh KEYWARD COMPLETIONS_DIR
set -euo pipefail
keyward=$1 dir=$2
fail() { echo "completion_test: $*" >&2; exit 1; }
for file in bash/keyward zsh/_keyward fish/keyward.fish; do [ -s "$dir/$file" ] || fail "no $dir/$file"; done
# shellcheck source=/dev/null
source "$dir/bash/keyward"

# What bash's completion offers for the words typed (the last one is the word being completed), sorted.
offered() {
  COMP_WORDS=(keyward "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _keyward
  [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

checked=0
check_command() {
  local command=("$@") help want got
  help=$("$keyward" "${command[@]}" --help)
  want=$(grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' <<<"$(awk '/^Options:/ { on = 1; next } /^[^ ]/ { on = 0 } on' <<<"$help")" |
    tr -d ' ,' | sort -u)
  got=$(offered "${command[@]}" -)
  [ "$got" = "$want" ] || fail "keyward ${command[*]} -<TAB> offers [${got//$'\n'/ }], --help shows [${want//$'\n'/ }]"
  want=$(awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }' <<<"$help" | sort)
  got=$(offered "${command[@]}" "")
  [ "$got" = "$want" ] || fail "keyward ${command[*]} <TAB> offers [${got//$'\n'/ }], --help lists [${want//$'\n'/ }]"
  checked=$((checked + 1))
  local name
  for name in $want; do check_command "${command[@]}" "$name"; done
}
check_command
[ "$checked" -ge 10 ] || fail "only $checked commands found in --help: is its format still parsed?"

# A prefix narrows; after an option that takes a value nothing is offered (file names, from complete -o default).
[ "$(offered sc)" = scan ] || fail "keyward sc<TAB> does not offer just scan"
[ "$(offered scan --conf)" = --config ] || fail "keyward scan --conf<TAB> does not offer --config"
[ -z "$(offered scan --config "")" ] || fail "keyward scan --config <TAB> offers words, not file names"
[ "$(offered rules list --f)" = --format ] || fail "keyward rules list --f<TAB> does not offer --format"
[ "$(complete -p keyward)" = "complete -o default -F _keyward keyward" ] || fail "bash does not complete keyward with _keyward"

# zsh: the script asked as zsh's completion system would, with compadd (which keeps the words the typed prefix
# starts) and _files standing in for it, both printing.
zsh_offers() {
  zsh -fc 'compadd() { shift; local w; for w; do [[ $w == ${PREFIX}* ]] && print -r -- $w; done; return 0; }
    _files() { print -r -- "<files>"; }
    script=$1; shift; words=("${(@)argv[1,-2]}"); CURRENT=$(( $# - 1 )); PREFIX=${argv[-1]}; source "$script"' \
    zsh "$dir/zsh/_keyward" keyward "$@" "${@: -1}" | sort | tr '\n' ' '
}
[ "$(zsh_offers rules "")" = "check list " ] || fail "zsh: keyward rules <TAB> offers [$(zsh_offers rules "")]"
[ "$(zsh_offers scan --conf)" = "--config " ] || fail "zsh: keyward scan --conf<TAB> offers [$(zsh_offers scan --conf)]"
[ "$(zsh_offers scan --config "")" = "<files> " ] || fail "zsh: keyward scan --config <TAB> does not offer files"
# fish: its own completion engine, asked with complete -C.
fish_offers() { fish -c "source '$dir/fish/keyward.fish'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '; }
[ "$(fish_offers "keyward rules ")" = "check list " ] || fail "fish: keyward rules <TAB> offers [$(fish_offers "keyward rules ")]"
[ "$(fish_offers "keyward scan --conf")" = "--config " ] || fail "fish: keyward scan --conf<TAB> offers [$(fish_offers "keyward scan --conf")]"
echo "completion_test: bash offers exactly --help's options and commands for all $checked commands; zsh and fish agree"
