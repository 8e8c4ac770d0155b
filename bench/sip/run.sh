#!/usr/bin/env bash
# SIP benchmark with SIPp (Debian sip-tester): ./hotline bench sip [DURATION_SECONDS] [CPS]
#   a) registrations per second with digest authentication: REGISTER, 401, REGISTER with
#      credentials, 200 (register.xml), extension 1002 (1001's contact must stay the UAS's),
#      a new Call-ID each (SIPp 3.6 cannot take credentials from an injection file); one
#      run of DURATION seconds per rate in HOTLINE_BENCH_REG_RATES, stepping up until a run
#      has failures or falls 10 % behind its rate.
#   b) calls per second through trunk -> hotlined -> agent phone: a SIPp UAS (uas.xml)
#      registered as extension 1001 from the port it answers on, and a SIPp UAC (uac.xml) on
#      the demo trunk's IP peer 127.0.0.2 calling the demo direct line 84038438 at CPS for
#      DURATION seconds, each call held HOTLINE_BENCH_HOLD_MS (1000) then hung up with BYE.
#      The demo trunk's max_channels (30) is raised through the API (HOTLINE_BENCH_MAX_CHANNELS,
#      10000) and the inbound route's record flag is set from HOTLINE_BENCH_RECORD (1: record
#      every answered call, the product default; 0: record=false). When a rate has failed calls
#      the next lower rate of HOTLINE_BENCH_CPS_STEPS is tried, until one has none. Every rate
#      gets a fresh daemon. Per rate: SIPp's failure causes, the status lines received instead
#      of 200, datagrams the kernel dropped on the daemon's SIP socket and on SIPp's (full
#      receive buffer, /proc/net/udp); then the bench waits until the daemon has written every
#      call record (and, recording, linked every compressed recording) and reports how long
#      that took ("drained"). A daemon that dies fails its rate (its fatal log line is shown).
#      Memory per call: hotlined's mean VmRSS over the steady part of the run (from hold + 36 s
#      to the end of sending when DURATION >= hold + 46 s, as dialogs linger 34 s after a call;
#      else from hold + 2 s) minus its VmRSS before the run, divided by the mean of
#      hotline_calls_active (/metrics) over the same samples.
# Starts each daemon on loopback with a fresh data dir, --demo and its own config: every
# message comes from 127.0.0.1 or 127.0.0.2, so the per-source limits that protect a real
# site ([sip] max_messages_per_second = 50, auth_max_failures = 10) would drop or block the
# load generator; they are raised, and keep-alive OPTIONS (which the UAS would not expect) are
# off. Failed calls are reported, not fatal. Last line:
#   RESULT cps=N failed=N reg_per_s=N mem_kb_per_call=N
# (cps: the measured rate of the highest rate tried without a failed call, failed then 0; when
# no rate passed, cps=na and failed is the failures at CPS; mem_kb_per_call: that rate's run)
# Environment: HOTLINED or HOTLINE_BENCH_HOTLINED (build/hotlined, built when missing),
# HOTLINE_BENCH_REG_RATES ("250 500 1000 2000 4000"; a rate may repeat), HOTLINE_BENCH_SKIP_REG=1
# (no part a), HOTLINE_BENCH_SKIP_CALLS=1 (no part b),
# HOTLINE_BENCH_HOLD_MS (1000), HOTLINE_BENCH_RECORD (1), HOTLINE_BENCH_MAX_CHANNELS (10000),
# HOTLINE_BENCH_CPS_STEPS ("1000 750 500 350 250 150 100 50 25 10"), HOTLINE_BENCH_RTP_PORTS
# (20000-29999), HOTLINE_BENCH_LOG_LEVEL (warn), HOTLINE_BENCH_DRAIN_SECONDS (300: longest wait
# for the records), HOTLINE_BENCH_KEEP=1 (keep the work dir: logs, SIPp CSVs, samples),
# HOTLINE_BENCH_AFTER_SECONDS (0: how long to watch VmRSS after each rate has drained),
# HOTLINE_BENCH_SIP_DIRECT=1 (part b without the daemon: UAC straight to UAS, SIPp's own
# ceiling on this machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
duration=${1:-10}
cps=${2:-1000}
HOTLINED=${HOTLINED:-${HOTLINE_BENCH_HOTLINED:-build/hotlined}}
read -r -a REG_RATES <<<"${HOTLINE_BENCH_REG_RATES:-250 500 1000 2000 4000}"
HOLD_MS=${HOTLINE_BENCH_HOLD_MS:-1000}
DIRECT=${HOTLINE_BENCH_SIP_DIRECT:-0}
SKIP_REG=${HOTLINE_BENCH_SKIP_REG:-0}
SKIP_CALLS=${HOTLINE_BENCH_SKIP_CALLS:-0}
RECORD=${HOTLINE_BENCH_RECORD:-1}
MAX_CHANNELS=${HOTLINE_BENCH_MAX_CHANNELS:-10000}
read -r -a CPS_STEPS <<<"${HOTLINE_BENCH_CPS_STEPS:-1000 750 500 350 250 150 100 50 25 10}"
RTP_PORTS=${HOTLINE_BENCH_RTP_PORTS:-20000-29999}
LOG_LEVEL=${HOTLINE_BENCH_LOG_LEVEL:-warn}
DRAIN_MAX=${HOTLINE_BENCH_DRAIN_SECONDS:-300}
KEEP=${HOTLINE_BENCH_KEEP:-0}
AFTER=${HOTLINE_BENCH_AFTER_SECONDS:-0}
SCENARIOS=$PWD/bench/sip
TRUNK_IP=127.0.0.2  # the demo trunk "demo-carrier"
NUMBER=84038438     # the demo direct line, routed to extension 1001
SIP_PASSWORD=Hotline@2026
BUFF=(-buff_size 4194304)  # SIPp's 64 KB default UDP buffers drop packets under load

bench_require "apt-get install sip-tester" sipp
if [[ "$DIRECT" != 1 ]]; then bench_build_hotlined; fi
bench_raise_fd_limit

bench_workdir sip
daemon=""
uas=""
uac=""
cleanup() {
  bench_stop $uac $uas $daemon
  bench_drop_work
}
bench_on_exit cleanup

# free_port IP, sipp_stat, rss_kb, api, metric: bench/lib.sh.
now() { date +%s.%N; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.0f}" 'BEGIN { if (b > 0) printf f, a / b; else print "na" }'; }
# udp_drops PORT: datagrams the kernel dropped on the UDP socket bound to PORT (its receive
# buffer was full: the reader fell behind), from /proc/net/udp; 0 when there is none.
udp_drops() {
  awk -v p="$(printf '%04X' "$1")" '{ split($2, a, ":") } a[2] == p { d += $NF } END { print d + 0 }' \
    /proc/net/udp
}
# count_files GLOB: recording files in the data dir (0 before the first one).
count_files() { { find "$work/var/recordings" -name "$1" 2>/dev/null || true; } | wc -l; }
# db SQL: a query on the daemon's SQLite database (WAL: reading beside the writer is fine).
db() { sqlite3 -cmd '.timeout 10000' "$work/var/hotline.db" "$1" 2>/dev/null || true; }

# sipp_run NAME ARGS...: one bounded SIPp run in the foreground; stats in $work/NAME.csv,
# errors in $work/NAME.err, screen in $work/NAME.out. Returns SIPp's exit code.
sipp_run() {
  local name=$1
  shift
  timeout --kill-after=5 $((duration * 3 + 120)) sipp "$@" "${BUFF[@]}" -nostdin \
    -trace_stat -stf "$work/$name.csv" -fd 1 -trace_err -error_file "$work/$name.err" \
    >"$work/$name.out" 2>&1
}

sip_port=""
port=""
starts=0
bench_web_root
cat >"$work/hotline.toml" <<TOML
[sip]
max_messages_per_second = 100000  # default 50 per source address: the generator is one address
auth_max_failures = 100000        # a timed-out handshake under overload must not block 127.0.0.1
keepalive_interval_seconds = 0    # no OPTIONS to the SIPp UAS's contact
nonce_lifetime_seconds = 3600
[calls]
rtp_ports = "$RTP_PORTS"          # two endpoints (RTP+RTCP pairs) per call
TOML

# stop_daemon: SIGTERM to our hotlined and wait for it.
stop_daemon() {
  [[ -n "$daemon" ]] || return 0
  kill "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  daemon=""
}

# start_daemon: a fresh hotlined (new data dir, new ports) with the demo data, the SIP passwords
# of 1001 and 1002, the trunk's channel limit raised and the route's record flag set. Each call
# rate gets its own daemon, so one rate's backlog, retained memory or crash does not carry over.
start_daemon() {
  stop_daemon
  starts=$((starts + 1))
  rm -rf "$work/var"
  mkdir -p "$work/var"
  port=$(free_port 127.0.0.1)
  sip_port=$(free_port 127.0.0.1)
  daemon_log=$work/daemon-$starts.log
  bench_launch_daemon "$daemon_log"
  bench_login
  [[ -n "$token" ]] || { echo "admin login failed" >&2; exit 1; }
  # The demo SIP password of agent1 and agent2 (extensions 1001, 1002), set through the API
  # so the bench does not depend on which demo data the daemon has.
  local n id trunk_id route_id record_json=true
  for n in 1 2; do
    id=$(api GET "/api/v1/users?q=agent$n" | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
    [[ -n "$id" ]] || { echo "no demo user agent$n" >&2; exit 1; }
    api PUT "/api/v1/users/$id/sip-password" -o /dev/null -d "{\"password\":\"$SIP_PASSWORD\"}" ||
      { echo "cannot set agent$n's SIP password" >&2; exit 1; }
  done
  # The demo trunk allows 30 channels; at CPS calls/s held HOLD_MS, about CPS x (hold + set-up)
  # are open at once. Raise it (the API's maximum is 10000) and set the route's record flag.
  trunk_id=$(api GET /api/v1/trunks | jq -r '(.items // .)[] | select(.name == "demo-carrier") | .id')
  [[ -n "$trunk_id" ]] || { echo "no demo trunk demo-carrier" >&2; exit 1; }
  api PUT "/api/v1/trunks/$trunk_id" -d "{\"max_channels\":$MAX_CHANNELS}" >/dev/null ||
    { echo "cannot raise the trunk's max_channels" >&2; exit 1; }
  route_id=$(api GET /api/v1/inbound-routes |
    jq -r --arg n "$NUMBER" '(.items // .)[] | select(.number == $n) | .id')
  [[ -n "$route_id" ]] || { echo "no inbound route for $NUMBER" >&2; exit 1; }
  [[ "$RECORD" == 0 ]] && record_json=false
  api PUT "/api/v1/inbound-routes/$route_id" -d "{\"record\":$record_json}" >/dev/null ||
    { echo "cannot set the route's record flag" >&2; exit 1; }
  if [[ "$starts" == 1 ]]; then
    echo "trunk demo-carrier: $(api GET /api/v1/trunks | jq -c --arg id "$trunk_id" \
      '(.items // .)[] | select((.id | tostring) == $id) | {max_channels, addresses}')"
    echo "route $NUMBER: $(api GET /api/v1/inbound-routes | jq -c --arg n "$NUMBER" \
      '(.items // .)[] | select(.number == $n) | {destination_type, destination, record, enabled}')"
  fi
  sleep 1  # the call module reloads its routing tables on telephony.changed
}

# ---- a) registrations per second
reg_per_s=na
if [[ "$DIRECT" != 1 && "$SKIP_REG" != 1 ]]; then
  start_daemon
  echo "== registrations with digest auth: ${duration} s per rate, extension 1002"
  best=0
  for rate in "${REG_RATES[@]}"; do
    total=$((rate * duration))
    start=$(now)
    sipp_run "reg-$rate" "127.0.0.1:$sip_port" -sf "$SCENARIOS/register.xml" \
      -s 1002 -au 1002 -ap "$SIP_PASSWORD" -i 127.0.0.1 -p "$(free_port 127.0.0.1)" -r "$rate" -m "$total" \
      -l $((rate * 5)) -timeout $((duration * 2 + 30))s || true
    wall=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
    ok=$(sipp_stat "$work/reg-$rate.csv" 'SuccessfulCall(C)')
    failed=$(sipp_stat "$work/reg-$rate.csv" 'FailedCall(C)')
    ok=${ok:-0}
    failed=${failed:-$total}
    per_s=$(div "$ok" "$wall" "%.1f")
    # hotlined's VmRSS after each step: it follows the transactions still lingering (32 s after
    # each answer, RFC 3261 Timer J), so repeating a rate shows whether memory keeps growing.
    echo "register rate=$rate sent=$total ok=$ok failed=$failed seconds=$(printf %.2f "$wall") per_s=$per_s rss_kb=$(rss_kb "$daemon")"
    if [[ "$failed" -eq 0 ]] && awk -v p="$per_s" -v b="$best" 'BEGIN { exit !(p > b) }'; then
      best=$per_s
    fi
    if [[ "$failed" -gt 0 ]] || awk -v p="$per_s" -v r="$rate" 'BEGIN { exit !(p < 0.9 * r) }'; then
      if [[ "$failed" -gt 0 ]]; then
        head -n 20 "$work/reg-$rate.err" 2>/dev/null | sed 's/^/  sipp: /' || true
      fi
      break
    fi
  done
  reg_per_s=$(printf %.0f "$best")
fi


if [[ "$SKIP_CALLS" == 1 ]]; then
  echo "RESULT cps=na failed=na reg_per_s=$reg_per_s mem_kb_per_call=na"
  exit 0
fi

# ---- b) calls per second through the trunk, hotlined and a registered agent phone
uas_port=$(free_port 127.0.0.1)
hold_s=$(awk -v h="$HOLD_MS" 'BEGIN { print h / 1000 }')
if [[ "$DIRECT" == 1 ]]; then
  echo "== calls straight from the UAC to the UAS (no daemon): SIPp's own ceiling"
else
  echo "== calls: $TRUNK_IP -> $NUMBER at hotlined -> extension 1001 (SIPp UAS on port $uas_port)," \
    "hold ${HOLD_MS} ms, recording $([[ "$RECORD" == 0 ]] && echo off || echo on)"
fi

# check_daemon: 0 while our hotlined runs; otherwise say how it ended (its first fatal log
# lines) and return 1. A crash under load is a finding: the rate counts as failed.
check_daemon() {
  [[ -z "$daemon" ]] || kill -0 "$daemon" 2>/dev/null && return 0
  local status=0
  wait "$daemon" 2>/dev/null || status=$?
  daemon=""
  echo "  DAEMON DIED (exit status $status):"
  grep -m 3 -i "assert\|terminate\|abort\|critical\|fatal\|segmentation" "$daemon_log" |
    sed 's/^/  log: /' || true
  died=1
  return 1
}

# run_calls RATE: one run of DURATION s at RATE calls/s. Sets ok, failed, calls_per_s, mem_kb.
run_calls() {
  local rate=$1 tag=calls-$1
  local total=$((rate * duration)) target=127.0.0.1:$uas_port
  died=0
  if [[ "$DIRECT" != 1 ]]; then
    start_daemon
    target=127.0.0.1:$sip_port
    # The UAS's contact must be the address the daemon sees: register from the UAS's own port.
    if ! sipp_run "$tag-register" "$target" -sf "$SCENARIOS/register.xml" -s 1001 -au 1001 \
      -ap "$SIP_PASSWORD" -i 127.0.0.1 -p "$uas_port" -m 1 -timeout 20s; then
      echo "registering extension 1001 from port $uas_port failed:" >&2
      tail -n 20 "$work/$tag-register.err" >&2 2>/dev/null || true
      exit 1
    fi
  fi
  timeout --kill-after=5 $((duration * 3 + 120)) sipp -sf "$SCENARIOS/uas.xml" -i 127.0.0.1 \
    -p "$uas_port" -mi 127.0.0.1 "${BUFF[@]}" -nostdin -trace_stat -stf "$work/$tag-uas.csv" -fd 1 \
    -trace_err -error_file "$work/$tag-uas.err" >"$work/$tag-uas.out" 2>&1 &
  uas=$!
  sleep 1
  local idle_rss="" max_id=0 ended_before=0
  if [[ -n "$daemon" ]]; then
    idle_rss=$(rss_kb "$daemon")
    max_id=$(db 'SELECT COALESCE(MAX(id), 0) FROM calls')
    ended_before=$(metric hotline_calls_ended_total)
  fi
  local start uac_port drops_sip=0 drops_uas drops_uac sip_before=0
  uac_port=$(free_port "$TRUNK_IP")
  [[ -n "$sip_port" ]] && sip_before=$(udp_drops "$sip_port")
  start=$(now)
  timeout --kill-after=5 $((duration * 3 + 120)) sipp "$target" -sf "$SCENARIOS/uac.xml" \
    -s "$NUMBER" -i "$TRUNK_IP" -p "$uac_port" -mi "$TRUNK_IP" -d "$HOLD_MS" \
    -r "$rate" -m "$total" -l $((rate * 10 + 100)) "${BUFF[@]}" -nostdin \
    -recv_timeout 32000 -timeout $((duration * 2 + 60))s \
    -trace_stat -stf "$work/$tag-uac.csv" -fd 1 -trace_err -error_file "$work/$tag-uac.err" \
    >"$work/$tag-uac.out" 2>&1 &
  uac=$!
  # Twice a second: seconds since start, hotlined's VmRSS, its calls in progress, SIPp's open calls.
  local samples=$work/$tag-samples.txt
  : >"$samples"
  while kill -0 "$uac" 2>/dev/null; do
    drops_uac=$(udp_drops "$uac_port")
    drops_uas=$(udp_drops "$uas_port")
    [[ -n "$sip_port" ]] && drops_sip=$(udp_drops "$sip_port")
    true
    if [[ -n "$daemon" ]]; then
      echo "$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') $(rss_kb "$daemon")" \
        "$(metric hotline_calls_active) $(sipp_stat "$work/$tag-uac.csv" CurrentCall)" >>"$samples"
    fi
    sleep 0.5
  done
  wait "$uac" || true
  uac=""
  local wall
  wall=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
  sleep 2  # the UAS writes its statistics once a second
  local answered
  answered=$(sipp_stat "$work/$tag-uas.csv" 'IncomingCall(C)')
  kill "$uas" 2>/dev/null || true
  wait "$uas" 2>/dev/null || true
  uas=""

  ok=$(sipp_stat "$work/$tag-uac.csv" 'SuccessfulCall(C)')
  failed=$(sipp_stat "$work/$tag-uac.csv" 'FailedCall(C)')
  ok=${ok:-0}
  failed=${failed:-$total}
  # Successful calls per second of the time it took to complete them: the first second of
  # SIPp's statistics that shows the final count, minus the hold of the last calls (with
  # failures, the timed-out calls' 32 s do not dilute the rate of the ones that worked).
  local done_s
  done_s=$(awk -F';' -v ok="$ok" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "ElapsedTime(C)") e = i;
      if ($i == "SuccessfulCall(C)") c = i }; next }
    $c >= ok { split($e, t, ":"); print t[1] * 3600 + t[2] * 60 + t[3]; exit }' "$work/$tag-uac.csv")
  [[ -n "$done_s" ]] || done_s=$wall
  calls_per_s=$(div "$ok" "$(awk -v w="$done_s" -v h="$hold_s" 'BEGIN { print w - h }')" "%.0f")
  local peak_active=na
  [[ -s "$samples" ]] && peak_active=$(awk '$3 > m { m = $3 } END { print m + 0 }' "$samples")
  echo "calls rate=$rate sent=$total ok=$ok failed=$failed reached_agent=${answered:-0}" \
    "seconds=$(printf %.2f "$wall") per_s=$calls_per_s peak_active=$peak_active" \
    "udp_drops(daemon,uac,uas)=$((drops_sip - sip_before)),${drops_uac:-na},${drops_uas:-na}"
  if [[ "$failed" -gt 0 ]]; then
    local column value first retrans
    for column in FailedUnexpectedMessage FailedMaxUDPRetrans FailedTimeoutOnRecv FailedCallRejected \
      FailedCannotSendMessage FailedOutboundCongestion FailedRegexpDoesntMatch FailedCmdNotSent; do
      value=$(sipp_stat "$work/$tag-uac.csv" "$column(C)")
      [[ "${value:-0}" != 0 ]] && echo "  $column=$value"
    done
    retrans=$(sipp_stat "$work/$tag-uac.csv" 'Retransmissions(C)')
    echo "  uac Retransmissions=${retrans:-na}"
    # What the daemon answered instead of 200: the first unexpected message SIPp saw.
    first=$(grep -m 1 -A 1 -i "unexpected\|aborting" "$work/$tag-uac.err" 2>/dev/null | head -n 2 || true)
    if [[ -n "$first" ]]; then while IFS= read -r l; do echo "  sipp: $l"; done <<<"$first"; fi
    # Status lines the UAC received instead of what it expected, from SIPp's error log.
    grep -o 'SIP/2.0 [1-6][0-9][0-9] [A-Za-z ]*' "$work/$tag-uac.err" 2>/dev/null | sort | uniq -c |
      sort -rn | head -n 5 | sed 's/^/  received: /' || true
  fi
  mem_kb=na
  [[ -n "$daemon" ]] || return 0

  # What the daemon still had to do when the generator finished, and how long it took.
  local since ended_now rows active_rows answered_rows linked wavs mp3s shown=0
  since=$(now)
  while :; do
    check_daemon || break
    read -r rows active_rows answered_rows linked < <(db "SELECT COUNT(*),
      COALESCE(SUM(disposition = 'active'), 0), COALESCE(SUM(disposition = 'answered'), 0),
      COALESCE(SUM(disposition = 'answered' AND recording_id IS NOT NULL), 0)
      FROM calls WHERE id > $max_id" | tr '|' ' ')
    wavs=$(count_files '*.wav')
    mp3s=$(count_files '*.mp3')
    if [[ "$shown" == 0 ]]; then
      shown=1
      echo "  when sending ended (+2 s): call records written=${rows:-0} still active=${active_rows:-0}" \
        "answered=${answered_rows:-0} recording linked=${linked:-0}; files .wav=$wavs .mp3=$mp3s"
    fi
    if [[ "${active_rows:-1}" == 0 && "${rows:-0}" -ge "$ok" ]] &&
      { [[ "$RECORD" == 0 ]] || [[ "${linked:-0}" -ge "${answered_rows:-0}" && "$wavs" == 0 ]]; }; then
      break
    fi
    if awk -v a="$since" -v b="$(now)" -v m="$DRAIN_MAX" 'BEGIN { exit !(b - a > m) }'; then
      echo "  NOT DRAINED after $DRAIN_MAX s"
      break
    fi
    sleep 1
  done
  if [[ "$died" == 1 ]]; then
    failed=$total  # a crash takes every call of the rate with it
    return 0
  fi
  ended_now=$(metric hotline_calls_ended_total)
  echo "  drained $(awk -v a="$since" -v b="$(now)" 'BEGIN { printf "%.0f", b - a + 2 }') s after" \
    "sending ended: records=$rows answered=$answered_rows recordings_linked=$linked" \
    "ended_metric=$((ended_now - ended_before)) wav_left=$wavs mp3_total=$mp3s"
  echo "  dispositions: $(db "SELECT disposition || ':' || COALESCE(cause, '') || '=' || COUNT(*)
    FROM calls WHERE id > $max_id GROUP BY disposition, cause" | tr '\n' ' ')"
  local after_rss steady
  after_rss=$(rss_kb "$daemon")
  if [[ "$AFTER" -gt 0 ]]; then
    # Does the memory come back? Dialogs linger 34 s after a call (late retransmissions).
    local t line=""
    for ((t = 5; t <= AFTER; t += 5)); do
      sleep 5
      line+=" +${t}s=$(rss_kb "$daemon")"
    done
    echo "  VmRSS kB after draining:$line"
  fi
  # Steady state: a call's dialogs linger 34 s after it ends, so memory levels off only from
  # hold + 34 s on: the window is hold + 36 s to the end of sending when the run is that long;
  # otherwise hold + 2 s (calls ending as fast as they start) to the end, which misses most of
  # the linger and gives a lower figure.
  local lo
  lo=$(awk -v h="$hold_s" -v d="$duration" 'BEGIN { print (d >= h + 46) ? h + 36 : h + 2 }')
  steady=$(awk -v lo="$lo" -v hi="$duration" \
    '$1 >= lo && $1 <= hi && $3 > 0 { r += $2; a += $3; n++ }
     END { if (n) printf "%.0f %.0f %d", r / n, a / n, n }' "$samples")
  if [[ -n "$steady" && -n "$idle_rss" ]]; then
    local busy_rss mean_active n
    read -r busy_rss mean_active n <<<"$steady"
    mem_kb=$(div "$((busy_rss - idle_rss))" "$mean_active" "%.1f")
    echo "  memory idle_kb=$idle_rss steady_kb=$busy_rss (mean of $n samples from ${lo} s)" \
      "mean_active_calls=$mean_active kb_per_call=$mem_kb after_drain_kb=$after_rss"
  fi
}

# First CPS; while a rate has failed calls, the next lower rate of HOTLINE_BENCH_CPS_STEPS.
best_cps=na best_failed="" best_mem=na
rate=$cps
while :; do
  run_calls "$rate"
  if [[ "$failed" -eq 0 && "$ok" -gt 0 ]]; then
    best_cps=$calls_per_s best_failed=0 best_mem=$mem_kb
    echo "  -> rate $rate: no failed call"
    break
  fi
  [[ -z "$best_failed" ]] && best_failed=$failed
  next=""
  for s in "${CPS_STEPS[@]}"; do
    if [[ "$s" -lt "$rate" ]]; then
      next=$s
      break
    fi
  done
  if [[ -z "$next" ]]; then
    echo "  -> no rate of HOTLINE_BENCH_CPS_STEPS without failed calls"
    break
  fi
  echo "  -> rate $rate: $failed failed calls, stepping down to $next"
  rate=$next
done
[[ "$best_cps" == na && "$ok" -eq 0 ]] &&
  echo "NOTE: no call completed (first failure above), so cps and mem_kb_per_call are na."
echo "RESULT cps=$best_cps failed=${best_failed:-na} reg_per_s=$reg_per_s mem_kb_per_call=$best_mem"
