#!/usr/bin/env bash
# Media capacity: ./bench/media/run.sh [N]
#   N calls (two legs each, bridged and recorded) through the engine with the in-process
#   generator described in media_bench.cpp. Without N it steps N upward until the target
#   (loss < 0.1 %, added jitter p99 < 5 ms, generator on schedule) breaks. Prints one line per N, then
#   RESULT calls=N loss_pct=X jitter_p99_ms=Y cpu_pct_per_call=Z mem_kb_per_call=W rtpengine_ratio=R
#   for the largest N that met the target. rtpengine is not run yet: R is "na".
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${HOTLINE_BENCH_BUILD:-build-bench-media}
SECONDS_PER_RUN=${HOTLINE_BENCH_SECONDS:-20}
LOSS_TARGET=0.1
JITTER_TARGET=5

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHOTLINE_TESTS=OFF -DHOTLINE_SANITIZE=OFF \
  -DCMAKE_PROJECT_hotline_INCLUDE="$PWD/bench/media/bench.cmake" >/dev/null
cmake --build "$BUILD" --target media_bench -j2 >/dev/null
ulimit -n 65536 2>/dev/null || true

# Media workers run SCHED_FIFO (as root), as a production install should: the generator shares
# the two cores and must not be able to delay the 20 ms clock.
RT_PRIORITY=${HOTLINE_BENCH_RT_PRIORITY:-10}
run() {
  "$BUILD/bench/media/media_bench" --calls "$1" --seconds "$SECONDS_PER_RUN" \
    --realtime-priority "$RT_PRIORITY"
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
meets() {  # loss, jitter p99, offered load (the generator must have kept its schedule)
  awk -v l="$1" -v j="$2" -v o="$3" -v lt="$LOSS_TARGET" -v jt="$JITTER_TARGET" \
    'BEGIN { exit !(l < lt && j < jt && o >= 95) }'
}
check() { meets "$(field loss_pct <<<"$1")" "$(field jitter_p99_ms <<<"$1")" "$(field offered_pct <<<"$1")"; }

best=""
if [[ $# -ge 1 ]]; then
  line=$(run "$1"); echo "$line"
  if check "$line"; then best=$line; fi
else
  for n in 100 250 500 750 1000 1250 1500 1750 2000 2500; do
    line=$(run "$n"); echo "$line"
    if check "$line"; then best=$line; else break; fi
  done
fi
if [[ -z "$best" ]]; then
  echo "RESULT calls=0 loss_pct=na jitter_p99_ms=na cpu_pct_per_call=na mem_kb_per_call=na rtpengine_ratio=na"
  exit 1
fi
echo "RESULT calls=$(field calls <<<"$best") loss_pct=$(field loss_pct <<<"$best")" \
  "jitter_p99_ms=$(field jitter_p99_ms <<<"$best") cpu_pct_per_call=$(field cpu_pct_per_call <<<"$best")" \
  "mem_kb_per_call=$(field mem_kb_per_call <<<"$best") rtpengine_ratio=na"
