# Shared plumbing of the benches that drive a real hotlined (bench/acd, bench/ivr, bench/sip):
# tool checks, building the daemon, the work dir and its clean-up, free ports, starting the
# daemon and waiting for it, the admin's token, and the small helpers they all use.
# Sourced by the scripts after `set -euo pipefail` and `cd` to the repository root; it sets no
# shell options and starts nothing by itself. Variables the functions read: HOTLINED, KEEP,
# LOG_LEVEL, work, port, sip_port, base, token (each script sets them as before).
# shellcheck shell=bash
# The variables above, and daemon / base / token set here, belong to the sourcing script:
# shellcheck disable=SC2034,SC2154

# bench_require HINT TOOL...: exits 1 when a tool is missing, saying how to get it.
bench_require() {
  local hint=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed ($hint)" >&2; exit 1; }
  done
}

# bench_build_hotlined: builds build/hotlined (RelWithDebInfo, no tests) when $HOTLINED is not
# an executable yet.
bench_build_hotlined() {
  if [[ ! -x "$HOTLINED" ]]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_TESTS=OFF >/dev/null
    cmake --build build --target hotlined -j2 >/dev/null
  fi
}

# bench_raise_fd_limit: thousands of calls need thousands of sockets; ignored when not allowed.
bench_raise_fd_limit() {
  ulimit -n 65536 2>/dev/null || true
}

# bench_workdir NAME: sets work to a fresh /tmp/hotline-bench-NAME.XXXXXX.
bench_workdir() {
  work=$(mktemp -d "/tmp/hotline-bench-$1.XXXXXX")
}

# bench_on_exit FUNCTION: FUNCTION (the script's clean-up) runs on exit; Ctrl-C and friends exit
# with 130 so that it runs then too.
bench_on_exit() {
  # shellcheck disable=SC2064 # the function's name is meant to be fixed now
  trap "$1" EXIT
  trap 'exit 130' INT TERM HUP
}

# bench_stop PID...: SIGTERM to each process, then waits for them all (empty arguments skipped:
# callers pass their pid variables unquoted or as arrays that may be empty).
bench_stop() {
  local pid
  for pid in "$@"; do [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; }; done
  for pid in "$@"; do [[ -n "$pid" ]] && { wait "$pid" 2>/dev/null || true; }; done
  return 0
}

# bench_drop_work: removes the work dir, or with HOTLINE_BENCH_KEEP=1 (KEEP) says where it is.
bench_drop_work() {
  if [[ "$KEEP" == 1 ]]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}

# free_port [IP]: a port not in use on the machine a moment ago (any state, UDP or TCP), from
# 30000-32767: above the daemon's RTP range (20000-29999 by default), below the kernel's
# ephemeral ports (32768 up, where curl's and SIPp's own sockets could take it first) and away
# from SIPp's media ports (6000 up). IP only names the address in the error message.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((30000 + RANDOM % 2768))
    if [[ -z "$(ss -Hantu "( sport = :$port )" 2>/dev/null)" ]]; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port${1:+ on $1}" >&2
  return 1
}

# bench_web_root: the placeholder web root the daemon serves ($work/web).
bench_web_root() {
  mkdir -p "$work/web"
  echo '<!doctype html><title>Hotline</title>' >"$work/web/index.html"
}

# bench_launch_daemon LOG: starts "$HOTLINED" --demo on loopback with $work/hotline.toml, data in
# $work/var, the ports in $port (HTTP) and $sip_port (SIP) and LOG_LEVEL, output to LOG; sets
# daemon (its pid) and base, then waits up to 20 s for /healthz and exits 1 with the log when it
# does not answer.
bench_launch_daemon() {
  local log=$1
  "$HOTLINED" --config "$work/hotline.toml" --demo --data-dir "$work/var" \
    --http "127.0.0.1:$port" --sip "127.0.0.1:$sip_port" --web-root "$work/web" \
    --log-level "$LOG_LEVEL" >"$log" 2>&1 &
  daemon=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 200); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "$base/healthz" >/dev/null || { cat "$log" >&2; exit 1; }
}

# bench_login: sets token to the demo admin's session token ("" when the answer has none).
bench_login() {
  token=$(curl -sf -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"Hotline@2026"}' "$base/api/v1/auth/login" | jq -r '.token // empty')
}

# api METHOD PATH [CURL_ARGS...]: the REST API as the demo admin.
api() {
  local method=$1 path=$2
  shift 2
  curl -sf -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "$@" "$base$path"
}

# metric NAME: the sum of a metric's samples in /metrics (0 when absent).
metric() {
  curl -sf "$base/metrics" 2>/dev/null |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $NF } END { printf "%.0f", s }'
}

# sipp_stat FILE COLUMN: COLUMN of the last line of a SIPp -trace_stat file (";"-separated, header
# first), empty when there is none.
sipp_stat() {
  [[ -s "$1" ]] || return 0
  awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    { last = $c } END { if (c) print last }' "$1"
}

# rss_kb PID: a process's VmRSS in kB ("" once it is gone).
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
