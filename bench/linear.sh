#!/usr/bin/env bash
# Linear-time benchmark (not a test): builds keyward_linear_bench in build/ and runs it. For every built-in rule,
# three adversarial inputs from its own example (a run of its alphabet, a near-miss per line, its prefix repeated)
# at 1 MB and 10 MB, the slowest 8 again at 100 MB; prints ms per MB at each size. Flat rows = linear time.
# Usage: bench/linear.sh [WORST_N_AT_100MB] [RULE_ID_SUBSTRING]; output also in bench/results/linear.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target keyward_linear_bench >/dev/null
mkdir -p bench/results
build/keyward_linear_bench "$@" | tee bench/results/linear.txt
