#!/usr/bin/env bash
# The content filter's speed, two ways:
#   in process  build/keyward_filter_bench screens realistic ~2 KB chat requests on one thread (target: at least
#               50,000 requests/second, 20 us each)
#   one process `keyward filter` on one such request with the rule cache warm: the wall time a gateway pays
#               when it runs keyward as a command per request (median of RUNS runs, default 11)
# Usage: bench/filter.sh [BUILD_DIR] [REQUESTS]   (defaults: build, 200000). Builds keyward_filter_bench if needed.
# Env: RUNS (default 11), the runs of each measurement; the in-process figure is their median and range.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${1:-$root/build}"
requests="${2:-200000}"
runs="${RUNS:-11}"

cmake --build "$build" --target keyward keyward_filter_bench >/dev/null
echo "== in process, one thread, $runs runs of $requests requests"
rates=()
for _ in $(seq "$runs"); do
  out=$(taskset -c 0 "$build/keyward_filter_bench" "$requests" 2>/dev/null || "$build/keyward_filter_bench" "$requests")
  rates+=("$(sed -n 's/^requests\/second: //p' <<<"$out")")
done
head -1 <<<"$out"
sorted=$(printf '%s\n' "${rates[@]}" | sort -n)
echo "requests/second: median $(sed -n "$(((runs + 1) / 2))p" <<<"$sorted"), lowest $(head -1 <<<"$sorted"), highest $(tail -1 <<<"$sorted") (target: at least 50000)"

request="$(mktemp)"
trap 'rm -f "$request"' EXIT
python3 - "$request" <<'PY'
import json, sys
code = ("def load_orders(session, customer_id):\n    rows = session.execute(\"SELECT id, total FROM orders WHERE "
        "customer_id = %s\", (customer_id,))\n    return [Order(id=r[0], total=r[1]) for r in rows]\n")
messages = [{"role": "system", "content": "You are a careful senior Python engineer. Answer with code first."}]
for turn in range(4):
    messages.append({"role": "user", "content": f"Turn {turn}: order ORD-41822{turn} failed at 2024-05-17T10:14:0{turn}Z, "
                     f"job 9c1185a5-c5e9-4b3a-9a1d-2d9f4c7e8a1{turn}. Mail dana.whitfield@northwind-traders.net.\n" + code})
    messages.append({"role": "assistant", "content": "Use keyset pagination on (created_at, id) and commit per page."})
json.dump({"model": "mistral-small-latest", "max_tokens": 1024, "messages": messages}, open(sys.argv[1], "w"))
PY
"$build/keyward" filter <"$request" >/dev/null  # warms the rule cache
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$build/keyward" filter <"$request" >/dev/null
  end=$(date +%s%N)
  times+=($(((end - start) / 1000)))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
echo "== one process, cache warm: keyward filter on a $(wc -c <"$request")-byte request"
echo "wall time (median of $runs): $((median / 1000)).$(printf '%03d' $((median % 1000))) ms"
