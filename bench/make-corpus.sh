#!/usr/bin/env bash
# Builds the benchmark corpus: at least 500 MB of realistic source trees, many small files and some large
# ones, all on local disk so runs are self-contained:
#   DIR/npm          big popular npm packages and their dependencies (npm install --ignore-scripts)
#   DIR/usr-include  a copy of /usr/include (C and C++ headers)
#   DIR/usr-share-doc  a copy of /usr/share/doc, only if the two above come to less than 500 MB
# Idempotent: each part is built once (a finished part is marked, a half-built one is redone).
# Usage: bench/make-corpus.sh [DIR]     (default DIR: bench/corpus, which git ignores)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-$here/corpus}"
min_bytes=$((500 * 1000 * 1000))

# Big, popular, mostly-JavaScript packages. Install scripts are not run, so nothing downloads a native
# binary at install time; binaries shipped inside registry packages (e.g. next's swc) still come along,
# which is realistic: a scanner must skip them.
npm_packages=(
  typescript @babel/core webpack eslint next react-dom lodash rxjs @angular/core three aws-sdk
  googleapis @mui/material monaco-editor pdfjs-dist prettier
)

log() { printf 'make-corpus: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

mkdir -p "$dir"

# --- npm packages -----------------------------------------------------------------------------------
npm_marker="$dir/npm/.corpus-done"
npm_list="${npm_packages[*]}"
if [[ -f "$npm_marker" && "$(cat "$npm_marker")" == "$npm_list" ]]; then
  log "npm packages: already installed"
else
  command -v npm >/dev/null || die "npm not found (apt-get install -y npm)"
  log "npm packages: installing ${#npm_packages[@]} packages into $dir/npm"
  mkdir -p "$dir/npm"
  [[ -f "$dir/npm/package.json" ]] || printf '{ "name": "keyward-bench-corpus", "private": true }\n' >"$dir/npm/package.json"
  rm -f "$npm_marker"
  (cd "$dir/npm" && npm install --ignore-scripts --no-audit --no-fund --legacy-peer-deps --loglevel=error \
    "${npm_packages[@]}") || die "npm install failed"
  printf '%s\n' "$npm_list" >"$npm_marker"
fi

# --- copies of on-disk trees -------------------------------------------------------------------------
copy_tree() {  # copy_tree SRC NAME: cp -r SRC to DIR/NAME once, via a temporary name
  local src="$1" dst="$dir/$2"
  if [[ -d "$dst" ]]; then
    log "$2: already copied"
    return
  fi
  [[ -d "$src" ]] || die "$src does not exist"
  log "$2: copying $src"
  rm -rf "$dst.partial"
  cp -r "$src" "$dst.partial"
  mv "$dst.partial" "$dst"
}

copy_tree /usr/include usr-include

size_of() { du -sb "$dir" | cut -f1; }

if (($(size_of) < min_bytes)); then
  copy_tree /usr/share/doc usr-share-doc
fi

# --- summary -----------------------------------------------------------------------------------------
bytes="$(size_of)"
files="$(find "$dir" -type f | wc -l)"
printf 'corpus: %s\n' "$dir"
printf 'size:   %s bytes (%s MB)\n' "$bytes" "$((bytes / 1000000))"
printf 'files:  %s\n' "$files"
for part in "$dir"/*/; do
  printf '  %-16s %6s MB  %7s files\n' "$(basename "$part")" "$(($(du -sb "$part" | cut -f1) / 1000000))" \
    "$(find "$part" -type f | wc -l)"
done
((bytes >= min_bytes)) || die "corpus is only $bytes bytes, under the $min_bytes needed"
