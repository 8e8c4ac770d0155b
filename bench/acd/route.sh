#!/usr/bin/env bash
# ACD routing decisions: ./bench/acd/route.sh [benchmark options]
#   Builds the pure engine in Release (build-bench-acd/, or HOTLINE_BENCH_BUILD) and times one
#   routing decision at 10,000 agents (each in 1-3 of 50 queues) and 5,000 waiting calls:
#   (a) an agent becomes ready and is offered a call, (b) a call is enqueued and offered to a
#   ready agent. Prints p50/p99 per operation, then
#   RESULT route_p99_us=X agents=10000 waiting=5000   (X: the worse p99 of the two)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${HOTLINE_BENCH_BUILD:-build-bench-acd}

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHOTLINE_TESTS=OFF -DHOTLINE_SANITIZE=OFF \
  -DCMAKE_PROJECT_hotline_INCLUDE="$PWD/bench/acd/route_bench.cmake" >/dev/null
cmake --build "$BUILD" --target acd_route_bench -j2 >/dev/null
"$BUILD/bench/acd/acd_route_bench" "$@"
