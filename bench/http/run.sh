#!/usr/bin/env bash
# HTTP API benchmark: logins and authenticated reads under concurrent load, with wrk.
# Usage: ./hotline bench http [DURATION_SECONDS] [CONNECTIONS]
# Starts build/hotlined with demo data on a free loopback port and a fresh data dir,
# measures, stops it. Last line: RESULT login_per_s=N read_per_s=N read_p99_ms=X
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
connections=${2:-16}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

workdir=$(mktemp -d /tmp/hotline-bench.XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo 18080)
sip_port=$((port + 1))
build/hotlined --demo --data-dir "$workdir/var" --http "127.0.0.1:$port" --sip "127.0.0.1:$sip_port" --log-level warn \
  --web-root web/dist >"$workdir/daemon.log" 2>&1 &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$workdir"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$base/healthz" >/dev/null || { cat "$workdir/daemon.log" >&2; exit 1; }

token=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"admin","password":"Hotline@2026"}' \
  "$base/api/v1/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "login failed" >&2; exit 1; }

echo "== logins: wrk -t2 -c4 -d${duration}s (argon2id verification dominates)"
login_out=$(wrk -t2 -c4 -d"${duration}s" -s bench/http/login.lua "$base/api/v1/auth/login")
echo "$login_out"
echo "== authenticated reads: GET /api/v1/users, wrk -t2 -c${connections} -d${duration}s --latency"
read_out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base/api/v1/users")
echo "$read_out"

login_rps=$(echo "$login_out" | awk '/Requests\/sec/ {print $2}')
read_rps=$(echo "$read_out" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$read_out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}')
non2xx=$(echo "$read_out$login_out" | awk '/Non-2xx/ {s+=$NF} END {print s+0}')
[ "$non2xx" -eq 0 ] || echo "warning: $non2xx non-2xx responses" >&2
echo "RESULT login_per_s=$login_rps read_per_s=$read_rps read_p99_ms=$p99"
