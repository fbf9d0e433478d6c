#!/usr/bin/env bash
# The official Mistral TypeScript SDK through `keyward proxy` (typescript_sdk_test.mjs). The SDK is installed from
# the npm registry into CACHE_DIR once (never into the repository). Without node and npm this test fails, saying
# so; with the registry unreachable it is skipped (exit 77), saying so.
# Usage: typescript_sdk.sh KEYWARD_BINARY CACHE_DIR
set -euo pipefail
keyward=$1
cache=$2
sdk_version=2.7.0   # pinned, so that what the test exercises does not change under it

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "FAIL: node and npm are needed for the Mistral TypeScript SDK test (.ci/install-deps installs them)" >&2
  exit 1
fi
installed=$(node -p "require('$cache/node_modules/@mistralai/mistralai/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$sdk_version" ]; then
  if ! timeout 60 npm ping --loglevel=error >/dev/null 2>&1; then
    echo "SKIPPED: the npm registry ($(npm config get registry)) is unreachable, so @mistralai/mistralai@$sdk_version" \
         "cannot be installed: the TypeScript SDK test did not run" >&2
    exit 77
  fi
  mkdir -p "$cache"
  timeout 300 npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error \
    "@mistralai/mistralai@$sdk_version" >&2
fi
exec node --test-reporter=spec "$(dirname "$0")/typescript_sdk_test.mjs" "$keyward" "$cache"
