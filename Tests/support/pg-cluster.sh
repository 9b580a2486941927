#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, the way a user would run one: initdb into a folder,
# pg_ctl start on a free loopback port and a Unix socket in that folder, trust authentication.
#
#   Tests/support/pg-cluster.sh start DIR   # prints the URL (postgres://postgres@127.0.0.1:PORT/postgres)
#   Tests/support/pg-cluster.sh url DIR     # the URL of a running cluster
#   Tests/support/pg-cluster.sh stop DIR    # stops it and removes DIR
#
# `start` on a folder whose cluster runs prints its URL again. As root (CI), the server runs as the
# `postgres` user (PostgreSQL refuses to run as root), which Debian's postgresql package creates.
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|url|stop DIR}
dir=${2:?usage: pg-cluster.sh start|url|stop DIR}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-cluster: PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() {
  local port
  port=$(cat "$dir/port")
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

running() {
  [ -f "$dir/port" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

case "$cmd" in
  start)
    if running; then url; exit 0; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; exit 1; }
    # Small and fast: no fsync (a test cluster), enough connections for two instances and the tests.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    url
    ;;
  url)
    running || { echo "pg-cluster: no cluster running in $dir" >&2; exit 1; }
    url
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-cluster.sh start|url|stop DIR" >&2; exit 2
    ;;
esac
