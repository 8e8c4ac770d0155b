#!/usr/bin/env bash
# ACD capacity bench: ./hotline bench acd [SECONDS=600]
#   1. The routing decision (bench/acd/route.sh): the pure engine at 10,000 agents and 5,000
#      waiting calls, p99 of one decision (target: below 100 us).
#   2. End to end, the contract's load shape, for SECONDS (10 minutes by default): a fresh
#      build/hotlined --demo on loopback (SQLite), set up through the REST API like an admin
#      would: 20 agents more than the demo's five (agent6..agent25, extensions 1006-1025), all 25
#      in queue "general" (wrap-up HOTLINE_BENCH_WRAP_UP s), the bench number 84038501 routed to
#      it, every agent set ready. Each agent's phone is a SIPp UAS (agent.xml) registered with
#      digest from its own loopback port: it rings 0.5-4 s, answers, talks 10-40 s and hangs up;
#      2 % of its offers it never answers (the queue's ring timeout cancels them and the ACD sets
#      the agent not ready, no_answer; the bench's watcher sets such agents ready again after
#      HOTLINE_BENCH_READY_AFTER s, like a supervisor). The trunk is a SIPp UAC (caller.xml)
#      from the demo trunk's peer 127.0.0.2 keeping HOTLINE_BENCH_CALLS (60) calls in progress
#      (refilled at up to HOTLINE_BENCH_RATE new calls/s); 70 % of the callers wait until the
#      agent hangs up, 30 % hang up after a patience of 5-60 s (abandoned if no agent took them
#      by then). The wallboard (GET /api/v1/wallboard) is sampled every second: the peak of
#      callers waiting at once. After SECONDS the trunk stops calling (SIGUSR1: SIPp's graceful
#      stop) and the calls drain; then the phones and the daemon stop and the event log in the
#      database is checked:
#        - queue_calls: every visit closed (outcome and left_at set) - outcomes_missing counts
#          the visits without; every call that entered the queue has exactly one final outcome
#          (answered, abandoned, failed, callback, message; overflow is a move, not an end);
#          every trunk call to the bench number entered the queue; every abandoned visit has
#          its missed call (missed_calls);
#        - agent_events: each event's `previous` is the agent's state before it; every change is
#          an allowed transition (docs/acd_engine.md); each talking follows a ringing for the
#          same call; each answered visit has its agent's talking event and the reverse;
#        - agent_states: nobody left ringing or talking.
#      Figures: answered, abandoned (in queue / while ringing), average and p90 wait of the
#      answered, agent occupancy ((talking + wrap-up) / time logged in, over the load),
#      calls/s entering the queue, no-answer rings, SIPp failures on both sides, hotlined's
#      CPU (share of one core over the load) and VmRSS at the end of the load.
#   offered = queue visits (every call that entered the queue; no overflow is configured, so
#   one visit per call). Last line:
#   RESULT route_p99_us=X agents=N waiting=N offered=N outcomes_missing=N
#   (waiting: the peak of callers waiting at once, summed over the queues of the wallboard).
# The checks' failures are printed as CHECK FAILED lines (and make the exit status 1) but do not
# stop the bench: a missing outcome is a finding, reported with the calls it concerns.
# Environment: HOTLINED or HOTLINE_BENCH_HOTLINED (build/hotlined, built when missing),
# HOTLINE_BENCH_SKIP_ROUTE=1 (no route.sh), HOTLINE_BENCH_AGENTS (25, at least 5),
# HOTLINE_BENCH_CALLS (60), HOTLINE_BENCH_RATE (5), HOTLINE_BENCH_WRAP_UP (2),
# HOTLINE_BENCH_READY_AFTER (5), HOTLINE_BENCH_DRAIN_SECONDS (300: longest wait for the calls to
# end after the trunk stopped), HOTLINE_BENCH_LOG_LEVEL (info), HOTLINE_BENCH_KEEP=1 (keep the work
# dir: daemon log, database, SIPp logs, samples).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
duration=${1:-600}
HOTLINED=${HOTLINED:-${HOTLINE_BENCH_HOTLINED:-build/hotlined}}
SKIP_ROUTE=${HOTLINE_BENCH_SKIP_ROUTE:-0}
AGENTS=${HOTLINE_BENCH_AGENTS:-25}
CALLS=${HOTLINE_BENCH_CALLS:-60}
RATE=${HOTLINE_BENCH_RATE:-5}
WRAP_UP=${HOTLINE_BENCH_WRAP_UP:-2}
READY_AFTER=${HOTLINE_BENCH_READY_AFTER:-5}
DRAIN_MAX=${HOTLINE_BENCH_DRAIN_SECONDS:-300}
LOG_LEVEL=${HOTLINE_BENCH_LOG_LEVEL:-info}
KEEP=${HOTLINE_BENCH_KEEP:-0}
SCENARIOS=$PWD/bench/acd
TRUNK_IP=127.0.0.2  # the demo trunk "demo-carrier"
NUMBER=84038501     # the bench's public number, routed to the queue
QUEUE=general
SIP_PASSWORD=Hotline@2026
BUFF=(-buff_size 4194304)
# The scenarios' timed loops: a request arriving between two steps is ignored (not an aborted
# call) and taken when retransmitted (agent.xml).
LOOPS=(-default_behaviors all,-abortunexp)

bench_require "./hotline setup" sipp jq sqlite3 curl
[[ "$AGENTS" -ge 5 ]] || { echo "HOTLINE_BENCH_AGENTS: at least the demo's 5" >&2; exit 2; }
bench_raise_fd_limit

bench_workdir acd
daemon="" trunk="" sampler="" phones=()
cleanup() {
  bench_stop $sampler $trunk "${phones[@]}" $daemon
  bench_drop_work
}
bench_on_exit cleanup

# ---- 1. the routing decision
route_p99=na
if [[ "$SKIP_ROUTE" != 1 ]]; then
  echo "== routing decision (bench/acd/route.sh)"
  bench/acd/route.sh | tee "$work/route.txt"
  route_p99=$(sed -n 's/^RESULT route_p99_us=\([^ ]*\).*/\1/p' "$work/route.txt")
  route_p99=${route_p99:-na}
fi

# ---- 2. end to end
bench_build_hotlined

# free_port, api, sipp_stat, rss_kb: bench/lib.sh.
# db SQL: a query on the daemon's SQLite database.
db() { sqlite3 -cmd '.timeout 10000' "$work/var/hotline.db" "$1"; }
now_ms() { date +%s%3N; }
# cpu_ticks PID: user + system CPU time of a process, in clock ticks ("" once it is gone).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || true; }

mkdir -p "$work/var"
bench_web_root
# Every phone and the trunk are one or two loopback addresses: the per-source limits that
# protect a real site would drop or block them. Keep-alive OPTIONS would be unexpected calls to
# the SIPp phones. The SIPp phones and callers send no RTP: without media_timeout_seconds = 0
# a caller waiting (and then talking) over 120 s in total would be hung up as a vanished phone.
cat >"$work/hotline.toml" <<TOML
[sip]
max_messages_per_second = 100000
auth_max_failures = 100000
keepalive_interval_seconds = 0
nonce_lifetime_seconds = 3600
[calls]
media_timeout_seconds = 0
TOML
port=$(free_port)
sip_port=$(free_port)
bench_launch_daemon "$work/daemon.log"
bench_login
[[ -n "$token" && "$token" != null ]] || { echo "admin login failed" >&2; exit 1; }

echo "== set-up: $AGENTS agents in queue $QUEUE, number $NUMBER, wrap-up ${WRAP_UP} s"
# The demo trunk allows 30 channels; the bench keeps CALLS open.
trunk_id=$(api GET /api/v1/trunks | jq -r '(.items // .)[] | select(.name == "demo-carrier") | .id')
[[ -n "$trunk_id" ]] || { echo "no demo trunk demo-carrier" >&2; exit 1; }
api PUT "/api/v1/trunks/$trunk_id" -o /dev/null -d "{\"max_channels\": $((CALLS * 2 + 20))}"
# The agents: the demo's agent1..agent5 (1001-1005), then agentN with extension 1000+N.
declare -a user_ids=() extensions=() usernames=()
for ((n = 1; n <= AGENTS; n++)); do
  username=agent$n extension=$((1000 + n))
  if ((n > 5)); then
    api POST /api/v1/users -o /dev/null -d "$(jq -n --arg u "$username" --arg e "$extension" \
      --arg p "$SIP_PASSWORD" --arg d "坐席$n" \
      '{username: $u, display_name: $d, password: $p, roles: ["agent"], extension: $e}')" ||
      { echo "cannot create $username" >&2; exit 1; }
  fi
  id=$(api GET "/api/v1/users?q=$username&page_size=200" |
    jq -r --arg u "$username" '.items[] | select(.username == $u) | .id')
  [[ -n "$id" ]] || { echo "no user $username" >&2; exit 1; }
  api PUT "/api/v1/users/$id/sip-password" -o /dev/null -d "{\"password\": \"$SIP_PASSWORD\"}" ||
    { echo "cannot set $username's SIP password" >&2; exit 1; }
  user_ids+=("$id") extensions+=("$extension") usernames+=("$username")
done
queue_id=$(api GET /api/v1/queues | jq -r --arg q "$QUEUE" '.items[] | select(.name == $q) | .id')
[[ -n "$queue_id" ]] || { echo "no queue $QUEUE" >&2; exit 1; }
api PUT "/api/v1/queues/$queue_id/members" -o /dev/null \
  -d "$(printf '%s\n' "${user_ids[@]}" | jq -s '[.[] | {user_id: ., tier: 1, level: 5}]')"
api PUT "/api/v1/queues/$queue_id" -o /dev/null -d "{\"wrap_up_seconds\": $WRAP_UP}"
api POST /api/v1/inbound-routes -o /dev/null \
  -d "{\"number\": \"$NUMBER\", \"destination_type\": \"queue\", \"destination\": \"$QUEUE\"}"
echo "queue $QUEUE: $(api GET "/api/v1/queues/$queue_id" | jq -c '{strategy, ring_timeout_seconds,
  wrap_up_seconds, announce_interval_seconds, max_wait_seconds, members: (.members | length)}')"
echo "route $NUMBER: $(api GET /api/v1/inbound-routes | jq -c --arg n "$NUMBER" \
  '(.items // .)[] | select(.number == $n) | {destination_type, destination, record, enabled}')"
sleep 1  # the call module and the ACD reload on telephony.changed / acd.changed

# The phones: register each extension from its own port, then answer there.
echo "== registering and starting $AGENTS agent phones"
for ((i = 0; i < AGENTS; i++)); do
  ext=${extensions[$i]}
  phone_port=$(free_port)
  if ! sipp "127.0.0.1:$sip_port" -sf bench/sip/register.xml -s "$ext" -au "$ext" \
    -ap "$SIP_PASSWORD" -i 127.0.0.1 -p "$phone_port" -m 1 -timeout 20s -nostdin \
    -trace_err -error_file "$work/register-$ext.err" >"$work/register-$ext.out" 2>&1; then
    echo "registering $ext from port $phone_port failed:" >&2
    tail -n 20 "$work/register-$ext.err" >&2 2>/dev/null || true
    exit 1
  fi
  sipp -sf "$SCENARIOS/agent.xml" -set skip "$i" -i 127.0.0.1 -p "$phone_port" -mi 127.0.0.1 \
    "${BUFF[@]}" "${LOOPS[@]}" -nostdin -trace_stat -stf "$work/phone-$ext.csv" -fd 5 -trace_err \
    -error_file "$work/phone-$ext.err" >"$work/phone-$ext.out" 2>&1 &
  phones+=($!)
done
sleep 1
registered=$(api GET /api/v1/sip/registrations |
  jq '[(.items // .)[] | select((.contacts // []) | length > 0)] | length' 2>/dev/null || echo na)
echo "extensions registered: $registered"
for username in "${usernames[@]}"; do
  api PUT "/api/v1/agents/$username/state" -o /dev/null -d '{"state": "ready"}' ||
    { echo "cannot set $username ready" >&2; exit 1; }
done
echo "agents: $(api GET /api/v1/agents | jq -c '[.items[].state] | group_by(.) | map({(.[0]): length}) | add' || echo na)"

# The wallboard each second: "epoch_ms waiting ready not_ready ringing talking wrap_up". Agents
# not ready (a ring they did not answer) for READY_AFTER s are set ready again.
sample_loop() {
  local board line
  while sleep 1; do
    board=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/wallboard") || continue
    line=$(jq -r '([.queues[].waiting] | add // 0) as $w |
      (.agents | map(.state) | group_by(.) | map({(.[0]): length}) | add // {}) as $s |
      "\($w) \($s.ready // 0) \($s.not_ready // 0) \($s.ringing // 0) \($s.talking // 0) \($s.wrap_up // 0)"' \
      <<<"$board") || continue
    echo "$(now_ms) $line"
    local stale
    stale=$(jq -r --argjson after "$READY_AFTER" '.agents[] | select(.state == "not_ready") |
      select((now - (.since | sub("\\.[0-9]+"; "") | fromdateiso8601)) >= $after) | .username' <<<"$board" 2>/dev/null) || stale=""
    for u in $stale; do
      curl -sf -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d '{"state": "ready"}' "$base/api/v1/agents/$u/state" -o /dev/null &&
        echo "$(now_ms) $u" >>"$work/re_ready.txt"
    done
  done
}
: >"$work/re_ready.txt"
sample_loop >"$work/wallboard.txt" 2>/dev/null &
sampler=$!

# ---- the trunk
echo "== trunk: $CALLS calls in progress to $NUMBER for ${duration} s (new calls at up to $RATE/s)"
trunk_port=$(free_port)
load_start=$(now_ms)
cpu_start=$(cpu_ticks "$daemon")
sipp "127.0.0.1:$sip_port" -sf "$SCENARIOS/caller.xml" -s "$NUMBER" -i "$TRUNK_IP" \
  -p "$trunk_port" -mi "$TRUNK_IP" -l "$CALLS" -r "$RATE" "${BUFF[@]}" "${LOOPS[@]}" -nostdin \
  -timeout $((duration + DRAIN_MAX + 60))s -trace_stat -stf "$work/trunk.csv" -fd 5 \
  -trace_err -error_file "$work/trunk.err" >"$work/trunk.out" 2>&1 &
trunk=$!
end=$((SECONDS + duration))
next_report=$((SECONDS + 60))
while ((SECONDS < end)); do
  sleep 1
  if ! kill -0 "$daemon" 2>/dev/null; then
    echo "DAEMON DIED:" >&2
    grep -m 5 -i "assert\|terminate\|abort\|critical\|fatal\|segmentation" "$work/daemon.log" >&2 || true
    break
  fi
  kill -0 "$trunk" 2>/dev/null || { echo "the trunk's SIPp ended early (see $work/trunk.out)" >&2; break; }
  if ((SECONDS >= next_report)); then
    next_report=$((SECONDS + 60))
    echo "  +$((duration - end + SECONDS)) s: wallboard (waiting ready not_ready ringing talking wrap_up):" \
      "$(tail -n 1 "$work/wallboard.txt" | cut -d' ' -f2-); trunk calls open $(sipp_stat "$work/trunk.csv" CurrentCall)," \
      "done $(sipp_stat "$work/trunk.csv" 'SuccessfulCall(C)'), failed $(sipp_stat "$work/trunk.csv" 'FailedCall(C)')"
  fi
done
load_end=$(now_ms)
cpu_end=$(cpu_ticks "$daemon")
rss_end=$(rss_kb "$daemon")
echo "== stopping the trunk (no new calls) and draining"
kill -USR1 "$trunk" 2>/dev/null || true
drain_start=$SECONDS
while kill -0 "$trunk" 2>/dev/null && ((SECONDS - drain_start < DRAIN_MAX)); do sleep 1; done
if kill -0 "$trunk" 2>/dev/null; then
  echo "NOT DRAINED: the trunk still had $(sipp_stat "$work/trunk.csv" CurrentCall) calls after $DRAIN_MAX s"
  kill "$trunk" 2>/dev/null || true
fi
wait "$trunk" 2>/dev/null || true
trunk=""
echo "trunk drained in $((SECONDS - drain_start)) s"
# Wrap-ups end, late CANCELs and BYEs settle.
for _ in $(seq 1 $((WRAP_UP + 10))); do
  busy=$(tail -n 1 "$work/wallboard.txt" | awk '{ print $2 + $5 + $6 + $7 }')
  [[ "${busy:-1}" == 0 ]] && break
  sleep 1
done
sleep 2
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""
live_agents=$(api GET /api/v1/agents | jq -c '[.items[] | select(.username | startswith("agent")) | .state] |
  group_by(.) | map({(.[0]): length}) | add' || echo na)
live_calls=$(curl -sf "$base/metrics" | awk '$1 == "hotline_calls_active" { print $2 }' || true)
echo "after draining: agents $live_agents, calls in progress ${live_calls:-na}"
stuck=$(db "SELECT s.user_id || ':' || s.state || ':' || s.call_uuid FROM agent_states s
  WHERE s.state IN ('ringing', 'talking')")
for pid in "${phones[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${phones[@]}"; do wait "$pid" 2>/dev/null || true; done
phones=()
kill "$daemon" 2>/dev/null || true
daemon_status=0
wait "$daemon" 2>/dev/null || daemon_status=$?
daemon=""
echo "daemon stopped (exit status $daemon_status)"

# ---- figures and checks from the event log
failures=0
check() {  # check NAME VALUE: VALUE must be 0
  if [[ "$2" != 0 ]]; then
    echo "CHECK FAILED: $1 = $2"
    failures=$((failures + 1))
  fi
}
seconds=$(awk -v a="$load_start" -v b="$load_end" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
read -r offered calls_queued outcomes_missing answered abandoned failed_visits overflow < <(db "
  SELECT COUNT(*), COUNT(DISTINCT call_uuid),
    COALESCE(SUM(outcome IS NULL OR left_at IS NULL), 0), COALESCE(SUM(outcome = 'answered'), 0),
    COALESCE(SUM(outcome = 'abandoned'), 0), COALESCE(SUM(outcome = 'failed'), 0),
    COALESCE(SUM(outcome = 'overflow'), 0)
  FROM queue_calls" | tr '|' ' ')
not_one_outcome=$(db "SELECT COUNT(*) FROM (SELECT call_uuid, COALESCE(SUM(outcome IN
  ('answered', 'abandoned', 'failed', 'callback', 'message')), 0) AS n FROM queue_calls
  GROUP BY call_uuid) WHERE n <> 1")
trunk_calls=$(db "SELECT COUNT(*) FROM calls WHERE did = '$NUMBER'")
not_queued=$(db "SELECT COUNT(*) FROM calls WHERE did = '$NUMBER'
  AND uuid NOT IN (SELECT call_uuid FROM queue_calls)")
calls_active=$(db "SELECT COUNT(*) FROM calls WHERE disposition = 'active'")
read -r wait_avg wait_p90 wait_max < <(db "
  WITH a AS (SELECT wait_ms FROM queue_calls WHERE outcome = 'answered')
  SELECT printf('%.1f', COALESCE(AVG(wait_ms), 0) / 1000.0),
    printf('%.1f', COALESCE((SELECT wait_ms FROM a ORDER BY wait_ms
      LIMIT 1 OFFSET (SELECT CAST(COUNT(*) * 0.9 AS INTEGER) FROM a)), 0) / 1000.0),
    printf('%.1f', COALESCE(MAX(wait_ms), 0) / 1000.0) FROM a" | tr '|' ' ')
abandon_wait=$(db "SELECT printf('%.1f', COALESCE(AVG(wait_ms), 0) / 1000.0) FROM queue_calls
  WHERE outcome = 'abandoned'")
missed=$(db "SELECT lost_in || '=' || COUNT(*) FROM missed_calls GROUP BY lost_in" | tr '\n' ' ')
missed_total=$(db "SELECT COUNT(*) FROM missed_calls")
offers_total=$(db "SELECT COALESCE(SUM(offers), 0) FROM queue_calls")
dispositions=$(db "SELECT disposition || ':' || cause || '=' || COUNT(*) FROM calls
  WHERE did = '$NUMBER' GROUP BY disposition, cause ORDER BY COUNT(*) DESC" | tr '\n' ' ')
# agent_events: the chain of states per agent, the transition table, talking after ringing.
chain_breaks=$(db "SELECT COUNT(*) FROM (SELECT previous, LAG(state) OVER w AS before
  FROM agent_events WINDOW w AS (PARTITION BY user_id ORDER BY id)) WHERE before IS NOT NULL
  AND previous <> before")
bad_transitions=$(db "SELECT COUNT(*) FROM agent_events WHERE previous || '>' || state NOT IN (
  'logged_out>ready', 'logged_out>not_ready', 'ready>not_ready', 'ready>logged_out',
  'ready>ringing', 'not_ready>ready', 'not_ready>not_ready', 'not_ready>logged_out',
  'ringing>talking', 'ringing>ready', 'ringing>not_ready', 'talking>wrap_up', 'talking>ready',
  'talking>not_ready', 'talking>logged_out', 'wrap_up>ready', 'wrap_up>not_ready',
  'wrap_up>logged_out')")
talk_without_ring=$(db "SELECT COUNT(*) FROM (SELECT state, call_uuid, LAG(state) OVER w AS ps,
  LAG(call_uuid) OVER w AS pc FROM agent_events WINDOW w AS (PARTITION BY user_id ORDER BY id))
  WHERE state = 'talking' AND (ps IS NOT 'ringing' OR pc IS NOT call_uuid)")
answered_no_talk=$(db "SELECT COUNT(*) FROM queue_calls q WHERE q.outcome = 'answered' AND NOT
  EXISTS (SELECT 1 FROM agent_events e WHERE e.state = 'talking' AND e.call_uuid = q.call_uuid
  AND e.user_id = q.agent_id)")
talk_no_answer=$(db "SELECT COUNT(*) FROM agent_events e WHERE e.state = 'talking' AND NOT EXISTS
  (SELECT 1 FROM queue_calls q WHERE q.outcome = 'answered' AND q.call_uuid = e.call_uuid
  AND q.agent_id = e.user_id)")
no_answer_rings=$(db "SELECT COUNT(*) FROM agent_events WHERE state = 'not_ready'
  AND previous = 'ringing'")
withdrawn_rings=$(db "SELECT reason || '=' || COUNT(*) FROM agent_events WHERE previous = 'ringing'
  AND state <> 'talking' GROUP BY reason" | tr '\n' ' ')
# Occupancy over the load: time per state from each event's previous_ms (the state it ended),
# clipped to [load_start, load_end].
read -r occupancy talk_share < <(db "
  WITH spans AS (SELECT previous AS state, MAX(at - previous_ms, $load_start) AS s,
    MIN(at, $load_end) AS e FROM agent_events WHERE at > $load_start),
  t AS (SELECT state, SUM(MAX(e - s, 0)) AS ms FROM spans GROUP BY state)
  SELECT printf('%.1f', 100.0 * COALESCE(SUM(CASE WHEN state IN ('talking', 'wrap_up') THEN ms END), 0)
      / MAX(SUM(CASE WHEN state <> 'logged_out' THEN ms END), 1)),
    printf('%.1f', 100.0 * COALESCE(SUM(CASE WHEN state = 'talking' THEN ms END), 0)
      / MAX(SUM(CASE WHEN state <> 'logged_out' THEN ms END), 1)) FROM t" | tr '|' ' ')
peak_waiting=$(awk '$1 >= a && $2 > m { m = $2 } END { print m + 0 }' a="$load_start" "$work/wallboard.txt")
mean_waiting=$(awk '$1 >= a && $1 <= b { s += $2; n++ } END { if (n) printf "%.1f", s / n; else print "na" }' \
  a="$load_start" b="$load_end" "$work/wallboard.txt")
re_ready=$(wc -l <"$work/re_ready.txt")
calls_per_s=$(awk -v n="$offered" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.2f", n / s; else print "na" }')
trunk_ok=$(sipp_stat "$work/trunk.csv" 'SuccessfulCall(C)')
trunk_failed=$(sipp_stat "$work/trunk.csv" 'FailedCall(C)')
phones_ok=0 phones_failed=0
for ext in "${extensions[@]}"; do
  v=$(sipp_stat "$work/phone-$ext.csv" 'SuccessfulCall(C)')
  phones_ok=$((phones_ok + ${v:-0}))
  v=$(sipp_stat "$work/phone-$ext.csv" 'FailedCall(C)')
  phones_failed=$((phones_failed + ${v:-0}))
done

echo "== figures (load ${seconds} s, $AGENTS agents, $CALLS calls kept in progress)"
echo "queue: offered=$offered (calls $calls_queued, $calls_per_s/s) answered=$answered" \
  "abandoned=$abandoned failed=$failed_visits overflow=$overflow offers=$offers_total"
echo "wait of the answered: avg ${wait_avg} s, p90 ${wait_p90} s, max ${wait_max} s;" \
  "abandoned after avg ${abandon_wait} s; missed calls: ${missed:-none}"
echo "waiting callers: peak $peak_waiting, mean $mean_waiting (wallboard, each second)"
echo "agents: occupancy ${occupancy} % ((talking + wrap-up) / logged in), talking ${talk_share} %;" \
  "rings not answered (not ready after ringing) $no_answer_rings, set ready again by the bench $re_ready;" \
  "rings ended without talking: ${withdrawn_rings:-none}"
daemon_cpu=$(awk -v a="${cpu_start:-}" -v b="${cpu_end:-}" -v hz="$(getconf CLK_TCK)" -v s="$seconds" \
  'BEGIN { if (a != "" && b != "" && s > 0) printf "%.1f", 100 * (b - a) / hz / s; else print "na" }')
echo "hotlined: ${daemon_cpu} % of one core over the load, VmRSS ${rss_end:-na} kB at its end"
echo "trunk calls to $NUMBER: $trunk_calls records ($dispositions); SIPp trunk: ok=${trunk_ok:-na}" \
  "failed=${trunk_failed:-na}; SIPp phones: ok=$phones_ok failed=$phones_failed"
# sipp_errors FILE...: SIPp's error log entries (one per line; the loops' receive timeouts left
# out), Call-IDs removed, most frequent first.
sipp_errors() {
  cat "$@" 2>/dev/null | sed -E 's/(20[0-9]{2}-[0-9]{2}-[0-9]{2}	)/\n\1/g' |
    grep -v 'receive timeout on message\|The following events occurred\|^$' |
    sed -E 's/^.*[0-9]{10}\.[0-9]{6}: //; s/(call|Call-Id): *[^ ,]+/\1: ID/g' | sort | uniq -c | sort -rn | head -n 5 || true
}
[[ "${trunk_failed:-0}" != 0 ]] && sipp_errors "$work/trunk.err" | sed 's/^/  trunk: /'
[[ "$phones_failed" != 0 ]] && sipp_errors "$work"/phone-*.err | sed 's/^/  phones: /'
# The daemon's log lines above info (the demo's own warning aside), most frequent first.
grep -E '^[^ ]+ (warning|error|critical) ' "$work/daemon.log" | grep -v 'DEMO ACCOUNTS' >"$work/log_problems.txt" || true
echo "daemon log: $(grep -c ' warning ' "$work/log_problems.txt" || true) warnings," \
  "$(grep -cE ' (error|critical) ' "$work/log_problems.txt" || true) errors"
cut -d' ' -f2- "$work/log_problems.txt" | sed -E 's/\[[0-9]+\] //; s/[0-9a-f]{8}-[0-9a-f-]{27}/UUID/g' |
  sort | uniq -c | sort -rn | head -n 8 | sed 's/^/  log: /' || true
check outcomes_missing "$outcomes_missing"
if [[ "$outcomes_missing" != 0 ]]; then
  db "SELECT call_uuid, queue, entered_at, offers FROM queue_calls WHERE outcome IS NULL
    OR left_at IS NULL LIMIT 10" | sed 's/^/  open visit: /'
fi
check calls_without_one_final_outcome "$not_one_outcome"
check abandoned_without_missed_call "$((abandoned - missed_total))"
check trunk_calls_not_queued "$not_queued"
check call_records_still_active "$calls_active"
check agent_event_chain_breaks "$chain_breaks"
check agent_bad_transitions "$bad_transitions"
check talking_without_ringing "$talk_without_ring"
check answered_without_talking "$answered_no_talk"
check talking_without_answered "$talk_no_answer"
check agents_stuck_ringing_or_talking "$(grep -c . <<<"$stuck" || true)"
[[ -n "$stuck" ]] && sed 's/^/  stuck agent (user:state:call): /' <<<"$stuck"
check daemon_exit_status "$daemon_status"
[[ "$failures" == 0 ]] && echo "checks: all passed"
echo "RESULT route_p99_us=$route_p99 agents=$AGENTS waiting=$peak_waiting offered=$offered outcomes_missing=$outcomes_missing"
[[ "$failures" == 0 ]]
