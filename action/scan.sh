#!/usr/bin/env bash
# The action's scan step (action.yml runs exactly this): picks the commits to scan from the GitHub event, writes
# SARIF for code scanning, prints the report in the chosen format (default: `::error` annotations), and records
# keyward's exit code as the step output `exit-code` for the verdict step, so the SARIF is uploaded first.
#
# Event -> what is scanned:
#   pull_request, pull_request_target: the lines the PR's commits add, pull_request.base.sha..pull_request.head.sha
#   push:                              before..after; a new branch (before is all zeros): all history of after
#   anything else:                     all history of HEAD
# Inputs (environment): INPUT_CONFIG, INPUT_FORMAT, INPUT_EXTRA_ARGS; GITHUB_EVENT_NAME, GITHUB_EVENT_PATH,
# GITHUB_WORKSPACE, GITHUB_OUTPUT, RUNNER_TEMP as GitHub sets them. keyward is found on PATH.
set -euo pipefail

workspace=${GITHUB_WORKSPACE:-$PWD}
event_name=${GITHUB_EVENT_NAME:-}
event_path=${GITHUB_EVENT_PATH:-}
format=${INPUT_FORMAT:-github}
sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyward.sarif"

event_field() {  # a dotted path into the event payload, or nothing
  [ -n "$event_path" ] && [ -f "$event_path" ] || return 0
  python3 - "$event_path" "$1" <<'PY'
import json, sys
value = json.load(open(sys.argv[1], encoding="utf-8"))
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print(value if isinstance(value, str) else "")
PY
}

# Fetches a commit a shallow checkout lacks; keyward then says what is missing if this did not help.
ensure_commit() {
  git -C "$workspace" cat-file -e "$1^{commit}" 2>/dev/null ||
    git -C "$workspace" fetch --no-tags --quiet origin "$1" 2>/dev/null || true
}

source_args=()
case "$event_name" in
  pull_request | pull_request_target)
    base=$(event_field pull_request.base.sha)
    head=$(event_field pull_request.head.sha)
    [ -n "$base" ] && [ -n "$head" ] || { echo "::error title=keyward::no pull_request.base.sha/head.sha in $event_path"; exit 2; }
    ensure_commit "$base"
    ensure_commit "$head"
    source_args=(--range "$base..$head")
    ;;
  push)
    before=$(event_field before)
    after=$(event_field after)
    [ -n "$after" ] || { echo "::error title=keyward::no 'after' in $event_path"; exit 2; }
    ensure_commit "$after"
    if [ -z "$before" ] || [ "$before" = 0000000000000000000000000000000000000000 ]; then
      source_args=(--branch "$after")
    else
      ensure_commit "$before"
      source_args=(--range "$before..$after")
    fi
    ;;
esac

common=(git --no-progress "${source_args[@]}")
[ -n "${INPUT_CONFIG:-}" ] && common+=(--config "$INPUT_CONFIG")
# Extra arguments are split on whitespace, as a user writes them on one line.
read -r -a extra <<<"${INPUT_EXTRA_ARGS:-}"
common+=("${extra[@]}")

echo "keyward ${common[*]} $workspace" >&2
status=0
(cd "$workspace" && keyward "${common[@]}" --format sarif --report-path "$sarif" .) || status=$?
if [ "$status" -le 1 ]; then
  # The same scan again, for people: annotations on the pull request (or text, or JSON) in the log.
  (cd "$workspace" && keyward "${common[@]}" --format "$format" .) || true
fi
{
  echo "exit-code=$status"
  [ -f "$sarif" ] && echo "sarif=$sarif"
} >>"${GITHUB_OUTPUT:?}"
exit 0
