#!/usr/bin/env bash
# A PostgreSQL server of the tests' own: a cluster initialised in DIR (initdb), run by an
# unprivileged user (nobody, when the tests run as root), listening on a Unix socket in DIR only
# (no TCP port), with trust for local connections as user hxctl. Torn down by `stop`.
#   tests/ha/postgres.sh start|stop|restart DIR
set -euo pipefail
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server (apt-get install postgresql)"; exit 1; }
as() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
pgctl() { as "$bin/pg_ctl" -D "$dir/data" "$@"; }
start() {
  pgctl -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir ${HX_PG_OPTIONS--c fsync=off -c synchronous_commit=off}" start >/dev/null
}
case "$cmd" in
  start)
    if [ -f "$dir/data/postmaster.pid" ]; then pgctl -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; fi
    as "$bin/initdb" -D "$dir/data" -U hxctl --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log"; exit 1; }
    start
    ;;
  restart)
    pgctl -m fast stop >/dev/null
    start
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then pgctl -m fast stop >/dev/null; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start|stop|restart DIR"
    exit 2
    ;;
esac
