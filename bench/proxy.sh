#!/usr/bin/env bash
# `keyward proxy` on loopback: requests per second and the latency it adds (p50, p99) over calling a stand-in for
# the API directly, at each request size and number of concurrent clients, both measured in the same run; and the
# proxy's own CPU time per request. Bounded: each run stops at REQUESTS requests or MAX_SECONDS, whichever first.
#
#   cmake --build build/release --target keyward keyward_proxy_bench
#   bench/proxy.sh [BUILD_DIR]          # default build/release
#
# Two tables. The first is the closed loop: each client sends its next request as soon as its answer is in, so
# with 64 clients the machine is saturated and the latency is mostly queueing (64 / throughput). The second is the
# open loop: OPEN_CLIENTS connections (default 64) and requests due at a fixed rate per body size whatever the
# answers do, each latency counted from when the request was due; that is the latency the proxy adds at a given
# load, the load being the issue's target of 10,000 requests/s for small bodies.
#
# SIZES (bytes, default "1024 2048 10240 51200"), CONCURRENCY (default "1 64"), REQUESTS (default 20000),
# MAX_SECONDS (default 10), OPEN_RATES (SIZE:RATE pairs, default "1024:10000 2048:10000 10240:5000 51200:1000";
# empty for none) and THREADS (the proxy's --threads, default: one per core) change what is run. The stand-in,
# the load generator and the proxy share the machine's cores, so the machine's load is printed too. All three run
# at the same priority: a stand-in run with `nice` waits behind the proxy whenever the proxy is busy, and the
# proxy then waits for it (with both niced, the open loop's p99 at 10,000/s was 4-10 ms; without, about 2 ms).
set -euo pipefail
build=${1:-build/release}
bench=$build/keyward_proxy_bench
keyward=$build/keyward
SIZES=${SIZES:-"1024 2048 10240 51200"}
CONCURRENCY=${CONCURRENCY:-"1 64"}
REQUESTS=${REQUESTS:-20000}
MAX_SECONDS=${MAX_SECONDS:-10}
THREADS=${THREADS:-0}
OPEN_RATES=${OPEN_RATES-"1024:10000 2048:10000 10240:5000 51200:1000"}
OPEN_CLIENTS=${OPEN_CLIENTS:-64}
for binary in "$bench" "$keyward"; do
  [ -x "$binary" ] || { echo "bench/proxy.sh: build $binary first (cmake --build $build --target keyward keyward_proxy_bench)" >&2; exit 2; }
done
keyward=$(realpath "$keyward")      # run from another directory below

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The stand-in and the proxy say where they listen on a line of their own; read through a FIFO (a real signal,
# with a bound), so nothing is guessed or slept on.
mkfifo "$work/upstream.out" "$work/proxy.err"
"$bench" upstream >"$work/upstream.out" &
pids+=($!)
exec 3<"$work/upstream.out"
read -r -t 30 -u 3 _ upstream_port || { echo "the stand-in did not start" >&2; exit 1; }

config=$work/empty                  # no .keyward.toml from wherever this runs
mkdir "$config"
(cd "$config" && exec "$keyward" proxy --listen 127.0.0.1:0 --upstream "http://127.0.0.1:$upstream_port" \
  --threads "$THREADS" 2>"$work/proxy.err") &
proxy_pid=$!
pids+=("$proxy_pid")
exec 4<"$work/proxy.err"
read -r -t 60 -u 4 line || { echo "keyward proxy did not start" >&2; exit 1; }
proxy_port=$(sed -E 's/.*listening on 127\.0\.0\.1:([0-9]+),.*/\1/' <<<"$line")
cat <&4 >/dev/null &
pids+=($!)
# The subshell exec'd keyward: its PID is the proxy's, whose CPU time /proc gives.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$proxy_pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)

field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
load() { "$bench" load "$1" "$2" "$3" "$REQUESTS" "$MAX_SECONDS" "${4:-0}"; }

out=bench/results/proxy-latest.txt
mkdir -p bench/results
{
  echo "keyward proxy on loopback, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| body | clients | direct req/s | proxy req/s | ratio | direct p50 / p99 µs | proxy p50 / p99 µs | added p50 / p99 µs | proxy CPU µs/req |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for size in $SIZES; do
    for clients in $CONCURRENCY; do
      direct=$(load "$upstream_port" "$clients" "$size")
      before=$(cpu_ticks)
      proxied=$(load "$proxy_port" "$clients" "$size")
      after=$(cpu_ticks)
      awk -v size="$(field body_bytes "$proxied")" -v clients="$clients" \
          -v drps="$(field rps "$direct")" -v prps="$(field rps "$proxied")" \
          -v d50="$(field p50_us "$direct")" -v d99="$(field p99_us "$direct")" \
          -v p50="$(field p50_us "$proxied")" -v p99="$(field p99_us "$proxied")" \
          -v n="$(field requests "$proxied")" -v ticks="$((after - before))" -v hz="$ticks_per_second" \
          'BEGIN { printf "| %d B | %d | %.0f | %.0f | %.2f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f |\n",
                   size, clients, drps, prps, prps / drps, d50, d99, p50, p99, p50 - d50, p99 - d99,
                   ticks / hz * 1e6 / n }'
      for run in "$direct" "$proxied"; do
        [ "$(field errors "$run")" = 0 ] || echo "errors in a run: $run" >&2
      done
    done
  done
  if [ -n "$OPEN_RATES" ]; then
    echo
    echo "Open loop: $OPEN_CLIENTS connections, requests due at a fixed rate, latency from when each was due."
    echo
    echo "| body | rate/s | direct req/s | proxy req/s | direct p50 / p99 / p99.9 µs | proxy p50 / p99 / p99.9 µs | added p50 / p99 µs | proxy CPU µs/req |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for pair in $OPEN_RATES; do
      size=${pair%%:*} rate=${pair##*:}
      direct=$(load "$upstream_port" "$OPEN_CLIENTS" "$size" "$rate")
      before=$(cpu_ticks)
      proxied=$(load "$proxy_port" "$OPEN_CLIENTS" "$size" "$rate")
      after=$(cpu_ticks)
      awk -v size="$(field body_bytes "$proxied")" -v rate="$rate" \
          -v drps="$(field rps "$direct")" -v prps="$(field rps "$proxied")" \
          -v d50="$(field p50_us "$direct")" -v d99="$(field p99_us "$direct")" -v d999="$(field p999_us "$direct")" \
          -v p50="$(field p50_us "$proxied")" -v p99="$(field p99_us "$proxied")" -v p999="$(field p999_us "$proxied")" \
          -v n="$(field requests "$proxied")" -v ticks="$((after - before))" -v hz="$ticks_per_second" \
          'BEGIN { printf "| %d B | %d | %.0f | %.0f | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %.0f / %.0f | %.0f |\n",
                   size, rate, drps, prps, d50, d99, d999, p50, p99, p999, p50 - d50, p99 - d99,
                   ticks / hz * 1e6 / n }'
      for run in "$direct" "$proxied"; do
        [ "$(field errors "$run")" = 0 ] || echo "errors in a run: $run" >&2
      done
    done
  fi
  echo
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
