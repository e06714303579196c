#!/usr/bin/env bash
# Starts (or stops) the servers the test suite runs against, on 127.0.0.1 only:
#   PostgreSQL 15 with hypopg  127.0.0.1:${PGTUNE_TEST_PG_PORT:-55432}
#   Redis                      127.0.0.1:${PGTUNE_TEST_REDIS_PORT:-56379}
#   Memcached                  127.0.0.1:${PGTUNE_TEST_MEMCACHED_PORT:-51211}
# Everything lives under $PGTUNE_TEST_ROOT (default /tmp/pgtune-query-test). Readiness is polled
# with a deadline; a server that does not come up fails the script with its log.
#
#   scripts/test-services.sh start | stop | env
set -euo pipefail

root=${PGTUNE_TEST_ROOT:-/tmp/pgtune-query-test}
pg_port=${PGTUNE_TEST_PG_PORT:-55432}
redis_port=${PGTUNE_TEST_REDIS_PORT:-56379}
memcached_port=${PGTUNE_TEST_MEMCACHED_PORT:-51211}
pg_bin=/usr/lib/postgresql/15/bin
deadline_seconds=60

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() { # description, command...
  local what=$1; shift
  local end=$((SECONDS + deadline_seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then echo "test-services: $what did not become ready in ${deadline_seconds}s" >&2; return 1; fi
    sleep 0.2
  done
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_postgres() {
  local data=$root/pg/data
  mkdir -p "$root/pg"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$root/pg"; fi
  if [[ ! -f $data/PG_VERSION ]]; then
    as_postgres "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$root/pg/initdb.log"
  fi
  if as_postgres "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then return 0; fi
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$root/pg/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$root/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=''" \
    >/dev/null || { cat "$root/pg/server.log" >&2; return 1; }
  wait_for "PostgreSQL" "$pg_bin/pg_isready" -h 127.0.0.1 -p "$pg_port" -U postgres
}

start_redis() {
  mkdir -p "$root/redis"
  if tcp_open "$redis_port"; then return 0; fi
  redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --dir "$root/redis" \
    --save '' --appendonly no --pidfile "$root/redis/redis.pid" --logfile "$root/redis/redis.log"
  wait_for "Redis" redis-cli -h 127.0.0.1 -p "$redis_port" ping
}

start_memcached() {
  mkdir -p "$root/memcached"
  if tcp_open "$memcached_port"; then return 0; fi
  local user=()
  if [[ $(id -u) -eq 0 ]]; then user=(-u memcache); id memcache >/dev/null 2>&1 || user=(-u nobody); fi
  # memcached writes its pid file after dropping to that user: let it, or stop cannot find it.
  if ((${#user[@]})); then chown "${user[1]}" "$root/memcached"; fi
  memcached -d -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 "${user[@]}" -P "$root/memcached/memcached.pid"
  wait_for "Memcached" tcp_open "$memcached_port"
}

stop_all() {
  if [[ -f $root/pg/data/postmaster.pid ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$root/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  if [[ -f $root/memcached/memcached.pid ]]; then
    kill "$(cat "$root/memcached/memcached.pid")" 2>/dev/null || true
    rm -f "$root/memcached/memcached.pid"
  fi
  # A daemon started before the pid file could be written (older runs) is found by its command line.
  pkill -f "memcached -d -l 127.0.0.1 -p $memcached_port " 2>/dev/null || true
  # kill and SHUTDOWN return before the daemons have gone: a start right after a stop found the
  # old memcached's port still open, kept it, and the tests met it closing.
  wait_closed "Redis" "$redis_port"
  wait_closed "Memcached" "$memcached_port"
}

wait_closed() { # description, port
  local end=$((SECONDS + deadline_seconds))
  while tcp_open "$2"; do
    if ((SECONDS >= end)); then echo "test-services: $1 still listens on $2 after ${deadline_seconds}s" >&2; return 1; fi
    sleep 0.1
  done
}

print_env() {
  echo "export PGTUNE_TEST_PG_DSN='host=127.0.0.1 port=$pg_port user=postgres dbname=postgres'"
  echo "export PGTUNE_TEST_PG_DATA='$root/pg/data'"
  echo "export PGTUNE_TEST_REDIS_URL='redis://127.0.0.1:$redis_port/0'"
  echo "export PGTUNE_TEST_MEMCACHED_URL='memcached://127.0.0.1:$memcached_port'"
}

case ${1:-} in
  start) start_postgres && start_redis && start_memcached ;;
  stop) stop_all ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
