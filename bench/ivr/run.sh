#!/usr/bin/env bash
# IVR capacity bench: ./hotline bench ivr [CALLERS=1000] [RATE=100]
#   CALLERS citizens call a bench number at RATE calls/s (SIPp, caller.xml, from the demo trunk's
#   IP peer 127.0.0.2) and stay in an IVR flow: a ~10 s welcome prompt, six digits and '#' keyed
#   as RFC 4733 events 2 s into it (type-ahead), a query to an HTTP JSON source that answers in
#   200 ms (node source.mjs), the answer spoken in Chinese, a goodbye, and the IVR hangs up.
#   The callers' media is ivr_phones (ivr_phones.cpp, built here with g++): one UDP port per
#   caller on 127.0.0.2, named in each caller's SDP through SIPp's injection file; it counts
#   the prompt audio received (RTP sequence numbers) and sends the digits.
# Measures: the peak of callers in the IVR at once (hotline_ivr_sessions, sampled each second);
#   lost digits (each call's path log in the call records must hold the six digits keyed:
#   a call without them counts all six as lost); prompt audio loss (RTP packets the phones never
#   received / packets sent, ivr_phones); the query latency's 99th percentile as the daemon saw
#   it (hotline_ivr_query_seconds histogram: the upper bound of the bucket holding the 99th
#   percentile). Last line:
#   RESULT callers=N lost_digits=N loss_pct=X query_p99_ms=Y
#   (callers: the peak of simultaneous IVR callers).
# Environment: HOTLINED (build/hotlined, built when missing), HOTLINE_BENCH_KEEP=1 (keep the work
# dir), HOTLINE_BENCH_LOG_LEVEL (warn), HOTLINE_BENCH_SOURCE_DELAY_MS (200).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
callers=${1:-1000}
rate=${2:-100}
HOTLINED=${HOTLINED:-${HOTLINE_BENCH_HOTLINED:-build/hotlined}}
KEEP=${HOTLINE_BENCH_KEEP:-0}
LOG_LEVEL=${HOTLINE_BENCH_LOG_LEVEL:-warn}
TRUNK_IP=127.0.0.2
NUMBER=84038500
DIGITS=123456

bench_require "./hotline setup" sipp node jq sqlite3 g++ curl
bench_build_hotlined
bench_raise_fd_limit

bench_workdir ivr
daemon="" source_pid="" phones="" sampler=""
cleanup() {
  bench_stop $sampler $phones $source_pid $daemon
  bench_drop_work
}
bench_on_exit cleanup
# free_port, api, metric: bench/lib.sh.

echo "building ivr_phones" >&2
g++ -O2 -std=c++20 -Wall -Wextra -o "$work/ivr_phones" bench/ivr/ivr_phones.cpp

# The data source.
source_port=$(free_port)
node bench/ivr/source.mjs "$source_port" >"$work/source.log" 2>&1 &
source_pid=$!

# The daemon: limits meant for a real site's per-source protection raised (every caller comes
# from one address), RTP range for the callers.
mkdir -p "$work/var"
bench_web_root
cat >"$work/hotline.toml" <<TOML
[sip]
max_messages_per_second = 100000
auth_max_failures = 100000
keepalive_interval_seconds = 0
[calls]
rtp_ports = "20000-29999"
TOML
port=$(free_port)
sip_port=$(free_port)
bench_launch_daemon "$work/daemon.log"
bench_login

# The bench's data source, flow and number, through the API like an admin would.
trunk_id=$(api GET /api/v1/trunks | jq -r '.items[] | select(.name == "demo-carrier") | .id')
api PUT "/api/v1/trunks/$trunk_id" -o /dev/null -d '{"max_channels": 10000}'
api POST /api/v1/ivr/data-sources -o /dev/null -d "$(jq -n --arg url "http://127.0.0.1:$source_port/progress?code={code}" \
  '{name: "bench_http", kind: "http", config: {url: $url, timeout_ms: 3000, max_concurrent: 2000,
    fields: {status: {pointer: "/data/status"}, date: {pointer: "/data/date"}}}}')"
flow_id=$(api POST /api/v1/ivr/flows -d "$(jq -n '{name: "bench", draft: {name: "bench", start: "welcome", nodes: {
  welcome: {type: "play", name: "欢迎", prompts: [{text: "您好，欢迎致电社会保险服务热线。这里是系统容量测试，请在听到提示后输入六位查询号码，并以井号键结束，谢谢您的配合。"}], exits: {next: "code"}},
  code: {type: "collect", name: "查询号码", prompts: [{text: "请输入六位查询号码，以井号键结束。"}], min_length: 6, max_length: 6,
         terminator: "#", validate: "digits", variable: "code", attempts: 1, first_digit_timeout_ms: 10000,
         inter_digit_timeout_ms: 3000, exits: {ok: "query", failed: "bye"}},
  query: {type: "data_query", name: "查询", source: "bench_http", params: {code: "{code}"}, result_variable: "r",
          timeout_ms: 5000, exits: {found: "say", not_found: "bye", error: "bye"}},
  say: {type: "say_result", name: "播报", text: "您查询的业务{status}，办结日期是{date:date}。", result_variable: "r", exits: {next: "bye"}},
  bye: {type: "hangup", name: "结束", prompts: [{text: "感谢您的来电，再见。"}]}}}}')" | jq -r .id)
api POST "/api/v1/ivr/flows/$flow_id/publish" -o /dev/null -d '{"note": "bench"}'
api POST /api/v1/inbound-routes -o /dev/null \
  -d "{\"number\": \"$NUMBER\", \"destination_type\": \"ivr\", \"destination\": \"bench\", \"record\": false}"
sleep 2  # the IVR catalog reloads and synthesizes the flow's prompts

# The phones, then the callers.
"$work/ivr_phones" --callers "$callers" --ports-file "$work/ports.csv" --digits "${DIGITS}#" \
  --key-after-ms 2000 --max-seconds $((callers / rate + 120)) >"$work/phones.log" 2>&1 &
phones=$!
for _ in $(seq 1 100); do grep -q READY "$work/phones.log" && break; sleep 0.1; done
grep -q READY "$work/phones.log" || { cat "$work/phones.log" >&2; exit 1; }
( while sleep 1; do echo "$(date +%s) $(metric hotline_ivr_sessions)"; done ) >"$work/sessions.txt" &
sampler=$!
echo "calling: $callers callers at $rate/s" >&2
sipp_port=$(free_port)
timeout --kill-after=5 $((callers / rate + 180)) sipp "127.0.0.1:$sip_port" \
  -sf bench/ivr/caller.xml -inf "$work/ports.csv" -s "$NUMBER" -i "$TRUNK_IP" -p "$sipp_port" \
  -m "$callers" -l "$callers" -r "$rate" -buff_size 4194304 -nostdin \
  -trace_stat -stf "$work/sipp.csv" -trace_err -error_file "$work/sipp.err" >"$work/sipp.out" 2>&1 ||
  echo "SIPp exited with failures (see below)" >&2
wait "$phones" || true
phones=""
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""

# Figures.
phones_line=$(grep '^PHONES' "$work/phones.log" || echo "PHONES loss_pct=na")
loss_pct=$(sed -n 's/.*loss_pct=\([^ ]*\).*/\1/p' <<<"$phones_line")
peak=$(awk '{ if ($2 > m) m = $2 } END { print m + 0 }' "$work/sessions.txt")
sleep 3  # the last call records
db() { sqlite3 -cmd '.timeout 10000' "$work/var/hotline.db" "$1"; }
calls=$(db "SELECT COUNT(*) FROM call_ivr WHERE flow = 'bench'")
lost_digits=$(db "SELECT path FROM call_ivr WHERE flow = 'bench'" |
  jq -s --arg d "$DIGITS" '[.[] | if ([.events[] | select(.event == "digits") | .value] | index($d)) then 0 else ($d | length) end] | add // 0')
failed_sipp=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "FailedCall(C)") c = i; next }
  { v = $c } END { print v + 0 }' "$work/sipp.csv" 2>/dev/null || echo na)
p99=$(curl -sf "$base/metrics" | awk '
  /^hotline_ivr_query_seconds_bucket/ { match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5);
    n[++k] = le; c[k] = $NF }
  END { total = c[k]; for (i = 1; i <= k; i++) if (c[i] >= 0.99 * total) { if (n[i] == "+Inf") print "inf"; else printf "%.0f", n[i] * 1000; exit } print "na" }')
echo "phones: $phones_line" >&2
echo "ivr records: $calls calls of flow bench; SIPp failed calls: $failed_sipp; peak IVR sessions: $peak" >&2
echo "source: $(kill -TERM "$source_pid" 2>/dev/null; wait "$source_pid" 2>/dev/null; tail -n 1 "$work/source.log")" >&2
source_pid=""
echo "RESULT callers=$peak lost_digits=$lost_digits loss_pct=$loss_pct query_p99_ms=$p99"
