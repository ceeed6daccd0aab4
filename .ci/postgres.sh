#!/usr/bin/env bash
# Starts a throw-away local PostgreSQL for the `postgres` feature's tests and
# prints, as its last line, the variable that points the tests at it:
#
#   eval "$(bash .ci/postgres.sh | tail -1)"
#   cargo test --all-features --lib store::postgres
#
# Idempotent: when the cluster is already running it only prints the line.
#
#   PGDATA_DIR  where the cluster lives (default /tmp/userpool-pg); the data
#               directory is "$PGDATA_DIR/data", the Unix socket and the log
#               are in "$PGDATA_DIR" itself
#   PGPORT      the TCP port on 127.0.0.1 (default 54329)
#
# The cluster trusts every local connection and runs with fsync off: it is
# for tests only and must never hold data anyone cares about. The database
# `userpool` is created with an ICU (en-US) default collation when the
# server supports it, so that the tests prove the store's byte-ordered
# listings do not depend on the database's collation.
set -euo pipefail

base=${PGDATA_DIR:-/tmp/userpool-pg}
port=${PGPORT:-54329}
data="$base/data"
url="postgres://postgres@127.0.0.1:$port/userpool"

log() { printf '%s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. The server binaries.
find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then
      printf '%s\n' "$d"
      return 0
    fi
  done
  return 1
}
if ! bin=$(find_bin); then
  log "installing postgresql"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  bin=$(find_bin) || { log "no initdb after installing postgresql"; exit 1; }
fi

# initdb and postgres refuse to run as root: run them as `postgres`.
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    useradd --system --user-group --home-dir "$base" --shell /bin/bash postgres
  fi
  run() { runuser -u postgres -- "$@"; }
else
  run() { "$@"; }
fi

ready() { "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; }

# psql as the superuser, over TCP (trusted).
psql_() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }

ensure_database() {
  if [ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'userpool'")" = 1 ]; then
    return 0
  fi
  if ! psql_ -d postgres -c "CREATE DATABASE userpool TEMPLATE template0 ENCODING 'UTF8' \
      LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'" >&2 2>/dev/null; then
    log "no ICU collation: creating userpool with the default one"
    psql_ -d postgres -c "CREATE DATABASE userpool TEMPLATE template0 ENCODING 'UTF8'" >&2
  fi
}

if ready; then
  ensure_database
  printf 'export USERPOOL_POSTGRES_URL=%s\n' "$url"
  exit 0
fi

# 2. The cluster.
mkdir -p "$base"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$base"
fi
chmod 700 "$base"
if [ ! -s "$data/PG_VERSION" ]; then
  log "initialising a cluster in $data"
  run "$bin/initdb" --pgdata="$data" --username=postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
    || { cat "$base/initdb.log" >&2; exit 1; }
fi

# 3. The server: TCP on 127.0.0.1 only, the socket beside the data directory.
# A stale pid file of a server that died (a rebooted machine) is removed by
# pg_ctl itself when no such process runs.
log "starting PostgreSQL on 127.0.0.1:$port"
run "$bin/pg_ctl" --pgdata="$data" --log="$base/server.log" --wait --timeout=60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$base \
      -c max_connections=200 -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off" start >&2 \
  || { tail -n 50 "$base/server.log" >&2 || true; exit 1; }

for _ in $(seq 1 60); do
  ready && break
  sleep 1
done
if ! ready; then
  log "PostgreSQL did not become ready"
  tail -n 50 "$base/server.log" >&2 || true
  exit 1
fi

# 4. The database.
ensure_database

# 5. Where it is.
printf 'export USERPOOL_POSTGRES_URL=%s\n' "$url"
