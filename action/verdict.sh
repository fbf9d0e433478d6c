#!/usr/bin/env bash
# The action's last step: fails the job on findings (when fail-on-findings is true) or on a keyward error, after
# the SARIF has been uploaded. Inputs (environment): KEYWARD_EXIT_CODE, INPUT_FAIL_ON_FINDINGS.
set -euo pipefail
code=${KEYWARD_EXIT_CODE:-2}
case "$code" in
  0) echo "keyward: no secrets found" ;;
  1)
    if [ "${INPUT_FAIL_ON_FINDINGS:-true}" = true ]; then
      echo "::error title=keyward::secrets found: see the annotations and the code scanning alerts"
      exit 1
    fi
    echo "::warning title=keyward::secrets found (fail-on-findings is false)"
    ;;
  *)
    echo "::error title=keyward::keyward failed (exit $code): see the scan step's log"
    exit 2
    ;;
esac
