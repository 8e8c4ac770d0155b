#!/usr/bin/env bash
# A private PostgreSQL 15 instance on loopback for the test suite (never the system service).
#   pg-cluster.sh start STATE_DIR   initdb + pg_ctl start; writes STATE_DIR/url
#   pg-cluster.sh stop STATE_DIR    pg_ctl stop; removes the cluster
# As root (CI, sessions), PostgreSQL runs as the 'postgres' system user, which initdb demands.
set -euo pipefail
action=${1:?start|stop}
state=${2:?state dir}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo 55432
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

case "$action" in
  start)
    mkdir -p "$state"
    if [ -f "$state/cluster" ]; then "$0" stop "$state" || true; fi
    cluster=$(mktemp -d /tmp/hotline-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$cluster"
    echo "$cluster" > "$state/cluster"
    port=$(free_port)
    as_pg "$bindir/initdb" -D "$cluster/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 \
      || { cat "$state/initdb.log" >&2; exit 1; }
    as_pg "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$cluster/server.log" >&2; exit 1; }
    as_pg "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc \
      "CREATE ROLE hotline LOGIN SUPERUSER PASSWORD 'hotline-test'" >/dev/null
    echo "postgresql://hotline:hotline-test@127.0.0.1:$port/postgres" > "$state/url"
    echo "pg-cluster: PostgreSQL on 127.0.0.1:$port ($cluster)"
    ;;
  stop)
    [ -f "$state/cluster" ] || exit 0
    cluster=$(cat "$state/cluster")
    as_pg "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$cluster" "$state/cluster" "$state/url"
    echo "pg-cluster: stopped"
    ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
