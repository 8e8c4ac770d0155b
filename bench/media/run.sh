#!/usr/bin/env bash
# Media capacity: ./bench/media/run.sh [N]
#   N calls (two legs each) with the in-process generator described in load_generator.hpp, first
#   through our engine (every call bridged and recorded), then through rtpengine (every call
#   only relayed: rtpengine neither bridges nor records), same generator, same duration, same
#   targets. Without N it steps N upward for each until a target (loss < 0.1 %, added jitter
#   p99 < 5 ms, generator on schedule: >= 95 % offered, lateness p99 < 20 ms) breaks. Prints one line per run, an RTPENGINE line with
#   rtpengine's largest N, then
#   RESULT calls=N loss_pct=X jitter_p99_ms=Y cpu_pct_per_call=Z mem_kb_per_call=W rtpengine_ratio=R
#   for our largest N that met the targets; R = our calls / rtpengine's calls ("na" when
#   rtpengine could not be run or met no step).
#
# rtpengine (Debian rtpengine-daemon; the system service is not used) is started here for each
# run, in userspace mode (--table=-1), in the foreground, on 127.0.0.1 only, with its own
# config, port range and temp dir, and stopped after the run (and on any exit).
# Environment: HOTLINE_BENCH_SECONDS (20), HOTLINE_BENCH_BUILD (build-bench-media),
# HOTLINE_BENCH_RT_PRIORITY (10), HOTLINE_BENCH_RTPENGINE (rtpengine binary; "none" skips it),
# HOTLINE_BENCH_NG_PORT (12223), HOTLINE_BENCH_RTPENGINE_PORTS (10000-19999).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${HOTLINE_BENCH_BUILD:-build-bench-media}
SECONDS_PER_RUN=${HOTLINE_BENCH_SECONDS:-20}
LOSS_TARGET=0.1
JITTER_TARGET=5
STEPS=(100 250 500 750 1000 1250 1500 1750 2000 2500)
RTPENGINE=${HOTLINE_BENCH_RTPENGINE:-rtpengine}
NG_PORT=${HOTLINE_BENCH_NG_PORT:-12223}
RTPENGINE_PORTS=${HOTLINE_BENCH_RTPENGINE_PORTS:-10000-19999}
# Every process started here ends by itself after this long, even if this script is killed.
RUN_LIMIT=$((SECONDS_PER_RUN + 150))

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHOTLINE_TESTS=OFF -DHOTLINE_SANITIZE=OFF \
  -DCMAKE_PROJECT_hotline_INCLUDE="$PWD/bench/media/bench.cmake" >/dev/null
cmake --build "$BUILD" --target media_bench -j2 >/dev/null
ulimit -n 65536 2>/dev/null || true

# Media workers run SCHED_FIFO (as root), as a production install should, so that other work on
# the two cores cannot delay the 20 ms clock. rtpengine gets the same policy and priority for its
# threads (scheduling = fifo in its config), and so does the generator's sending thread (phones
# keep their own time: on a machine shared with compilers an ordinary-priority sender fell
# hundreds of ms behind and burst, which a relay passes on and a jitter buffer must drop).
RT_PRIORITY=${HOTLINE_BENCH_RT_PRIORITY:-10}

# Temp dir for rtpengine's config, pid file and log, and each run's output line.
WORK_DIR=$(mktemp -d /tmp/hotline-bench-media.XXXXXX)
BENCH_PID=""
RTPENGINE_PID=""
RTPENGINE_WRAPPER=""
stop_rtpengine() {
  [[ -n "$RTPENGINE_WRAPPER" ]] || return 0
  if [[ -n "$RTPENGINE_PID" ]]; then
    kill "$RTPENGINE_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$RTPENGINE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$RTPENGINE_PID" 2>/dev/null || true
  fi
  kill "$RTPENGINE_WRAPPER" 2>/dev/null || true
  wait "$RTPENGINE_WRAPPER" 2>/dev/null || true
  RTPENGINE_PID=""
  RTPENGINE_WRAPPER=""
}
cleanup() {
  if [[ -n "$BENCH_PID" ]]; then  # the timeout wrapper passes the signal on to media_bench
    kill "$BENCH_PID" 2>/dev/null || true
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  stop_rtpengine
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Starts a fresh rtpengine (so memory per call starts from a clean process); sets
# RTPENGINE_PID to the rtpengine process itself (its parent is a timeout wrapper that ends it
# after RUN_LIMIT seconds whatever happens to this script).
start_rtpengine() {
  rm -f "$WORK_DIR/rtpengine.pid"
  # Our own config file, so /etc/rtpengine/rtpengine.conf (kernel table, HTTP and CLI
  # listeners) is never read. num-threads is left at its default, one per core.
  cat >"$WORK_DIR/rtpengine.conf" <<CONF
[rtpengine]
table = -1
interface = 127.0.0.1
listen-ng = 127.0.0.1:$NG_PORT
port-min = ${RTPENGINE_PORTS%-*}
port-max = ${RTPENGINE_PORTS#*-}
pidfile = $WORK_DIR/rtpengine.pid
delete-delay = 0
timeout = 60
log-stderr = true
log-level = 4
scheduling = fifo
priority = $RT_PRIORITY
CONF
  timeout --kill-after=5 "$RUN_LIMIT" "$RTPENGINE" --config-file="$WORK_DIR/rtpengine.conf" \
    --config-section=rtpengine --table=-1 --foreground --interface=127.0.0.1 \
    --listen-ng="127.0.0.1:$NG_PORT" >>"$WORK_DIR/rtpengine.log" 2>&1 &
  RTPENGINE_WRAPPER=$!
  for _ in $(seq 100); do
    if [[ -s "$WORK_DIR/rtpengine.pid" ]]; then
      RTPENGINE_PID=$(cat "$WORK_DIR/rtpengine.pid")
      return 0
    fi
    kill -0 "$RTPENGINE_WRAPPER" 2>/dev/null || break
    sleep 0.1
  done
  stop_rtpengine
  echo "rtpengine did not start; its log:" >&2
  tail -n 20 "$WORK_DIR/rtpengine.log" >&2 || true
  return 1
}

line=""
# media_bench ARGS: one bounded run, in the background so that a signal to this script is
# handled at once (bash runs traps only between foreground commands); sets line.
media_bench() {
  : >"$WORK_DIR/line"
  timeout --kill-after=5 "$RUN_LIMIT" "$BUILD/bench/media/media_bench" "$@" >"$WORK_DIR/line" &
  BENCH_PID=$!
  wait "$BENCH_PID" || true
  BENCH_PID=""
  line=$(cat "$WORK_DIR/line")
}
run() {  # TARGET N: one run; sets line and prints it
  local target=$1 n=$2
  line=""
  if [[ "$target" == engine ]]; then
    media_bench --target engine --calls "$n" --seconds "$SECONDS_PER_RUN" \
      --realtime-priority "$RT_PRIORITY" --generator-priority "$RT_PRIORITY"
  elif start_rtpengine; then
    media_bench --target rtpengine --calls "$n" --seconds "$SECONDS_PER_RUN" \
      --generator-priority "$RT_PRIORITY" --ng "127.0.0.1:$NG_PORT" \
      --rtpengine-pid "$RTPENGINE_PID"
    stop_rtpengine
    # What rtpengine logged at warning level or above during the run.
    grep -v '^[[:space:]]*$' "$WORK_DIR/rtpengine.log" | tail -n 5 >&2 || true
    : >"$WORK_DIR/rtpengine.log"
  fi
  line=${line:-"target=$target calls=$n failed=yes"}
  echo "$line"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
# Targets: loss, added jitter p99, and the generator on schedule: at least 95 % of its load
# offered over the window and its p99 lateness under one packet time (20 ms).
meets() {  # loss jitter_p99 offered_pct generator_late_p99
  awk -v l="$1" -v j="$2" -v o="$3" -v g="$4" -v lt="$LOSS_TARGET" -v jt="$JITTER_TARGET" \
    'BEGIN { exit !(l != "" && j != "" && o != "" && g != "" && l < lt && j < jt && o >= 95 && g < 20) }'
}
check() {
  meets "$(field loss_pct <<<"$1")" "$(field jitter_p99_ms <<<"$1")" \
    "$(field offered_pct <<<"$1")" "$(field generator_late_p99_ms <<<"$1")"
}

best=""
step() {  # TARGET [N]: sets best to the line of the largest N that met the targets
  local target=$1 n
  best=""
  if [[ -n "${2:-}" ]]; then
    run "$target" "$2"
    if check "$line"; then best=$line; fi
  else
    for n in "${STEPS[@]}"; do
      run "$target" "$n"
      if check "$line"; then best=$line; else break; fi
    done
  fi
}

step engine "${1:-}"
ours=$best

theirs=""
if [[ "$RTPENGINE" == none ]]; then
  echo "RTPENGINE skipped (HOTLINE_BENCH_RTPENGINE=none)"
elif ! command -v "$RTPENGINE" >/dev/null; then
  echo "RTPENGINE not run: no $RTPENGINE binary" \
    "(apt-get install -y --no-install-recommends rtpengine-daemon)"
else
  step rtpengine "${1:-}"
  theirs=$best
  if [[ -n "$theirs" ]]; then
    top=""
    if [[ -z "${1:-}" && "$(field calls <<<"$theirs")" == "${STEPS[-1]}" ]]; then
      top=" (largest step: it may carry more)"
    fi
    echo "RTPENGINE calls=$(field calls <<<"$theirs") loss_pct=$(field loss_pct <<<"$theirs")" \
      "jitter_p99_ms=$(field jitter_p99_ms <<<"$theirs")" \
      "cpu_pct_per_call=$(field cpu_pct_per_call <<<"$theirs")" \
      "mem_kb_per_call=$(field mem_kb_per_call <<<"$theirs")$top" \
      "-- relayed only (no bridge, no recording) vs our bridged+recorded calls"
  else
    echo "RTPENGINE calls=0: no step met the targets"
  fi
fi

ours_calls=$(field calls <<<"$ours")
theirs_calls=$(field calls <<<"$theirs")
ratio=$(awk -v a="${ours_calls:-0}" -v b="${theirs_calls:-0}" \
  'BEGIN { if (b > 0) printf "%.2f", a / b; else print "na" }')
if [[ -z "$ours" ]]; then
  echo "RESULT calls=0 loss_pct=na jitter_p99_ms=na cpu_pct_per_call=na mem_kb_per_call=na rtpengine_ratio=$ratio"
  exit 1
fi
echo "RESULT calls=$ours_calls loss_pct=$(field loss_pct <<<"$ours")" \
  "jitter_p99_ms=$(field jitter_p99_ms <<<"$ours") cpu_pct_per_call=$(field cpu_pct_per_call <<<"$ours")" \
  "mem_kb_per_call=$(field mem_kb_per_call <<<"$ours") rtpengine_ratio=$ratio"
