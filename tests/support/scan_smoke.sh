# shellcheck shell=bash
# Sourced by the install and package tests: an installed or packaged keyward binary scans. A made-up Mistral key
# in a file is a mistral-api-key finding and exit 1; the same file made clean is exit 0.
# scan_smoke BINARY WORK_DIR SEED WHAT: WHAT names the binary in messages ("installed keyward"); fail() is the
# caller's.
scan_smoke() {
  local binary=$1 work=$2 seed=$3 what=$4 key status=0
  mkdir -p "$work/scan"
  # 32 characters of [A-Za-z0-9] from a fixed seed: made up here, never a real key.
  key=$(python3 -c "import random, string; r = random.Random($seed); print(''.join(r.choice(string.ascii_letters + string.digits) for _ in range(32)))")
  echo "MISTRAL_API_KEY=$key" >"$work/scan/settings.env"
  "$binary" scan "$work/scan" >"$work/scan.out" 2>&1 || status=$?
  [ "$status" = 1 ] || { cat "$work/scan.out" >&2; fail "$what scan exited $status on a key, expected 1"; }
  grep -q mistral-api-key "$work/scan.out" || { cat "$work/scan.out" >&2; fail "$what: the finding is not mistral-api-key"; }
  echo "nothing here" >"$work/scan/settings.env"
  "$binary" scan "$work/scan" >"$work/scan.out" 2>&1 || { cat "$work/scan.out" >&2; fail "$what scan of a clean file failed"; }
}
