#!/usr/bin/env bash
# Durability tests: userpool-server (server/) with persistent storage,
# driven by boto3.
#
#   bash tests/durability/run.sh                     # every scenario
#   bash tests/durability/run.sh restart crash       # some: restart crash two_servers
#
#   restart      SQLite (--data-dir): stop with SIGTERM, start again, compare
#                everything; a wrong master key is refused without changes
#   crash        SQLite: SIGKILL under 8 threads of sign-ups, three times;
#                every acknowledged sign-up survives, PRAGMA integrity_check ok
#   two_servers  PostgreSQL (--postgres): two servers on one database share
#                pools, clients, users, lockout counters and revocations
#
# Builds userpool-server once (--release, reusing target/), installs the
# pinned Python clients into target/interop-venv (tests/interop/requirements.txt,
# shared with tests/interop/run.sh), runs one Python script per scenario (each
# starts, kills and restarts its own servers on free 127.0.0.1 ports with
# --hashing test), and ends with "N passed, M failed". Exits non-zero on any
# failure.
#
# PostgreSQL: USERPOOL_POSTGRES_URL names a server where the tests may CREATE
# DATABASE (each run uses a fresh durability_<random> database and drops it).
# When it is unset and .ci/postgres.sh exists, that script starts a local
# throw-away PostgreSQL (stopped again at the end if this run started it,
# unless DURABILITY_KEEP_POSTGRES=1); DURABILITY_NO_LOCAL_POSTGRES=1 skips
# that. Without PostgreSQL the two_servers scenario is skipped with a loud
# message, or fails when USERPOOL_REQUIRE_POSTGRES=1.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
INTEROP=$ROOT/tests/interop
cd "$ROOT"

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=$TARGET_DIR/interop-venv
SERVER_BIN=$TARGET_DIR/release/userpool-server
WORK=$(mktemp -d "${TMPDIR:-/tmp}/userpool-durability.XXXXXX")
PIP_PID=
PG_STARTED_BY_US=

ALL_SUITES=(restart crash two_servers)
if [ $# -gt 0 ]; then SUITES=("$@"); else SUITES=("${ALL_SUITES[@]}"); fi
for s in "${SUITES[@]}"; do
  case " ${ALL_SUITES[*]} " in *" $s "*) ;; *) echo "unknown scenario: $s (have: ${ALL_SUITES[*]})" >&2; exit 2 ;; esac
done
wants() { local s; for s in "${SUITES[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

say() { printf '\n==> %s\n' "$*"; }

# The servers the Python scripts started and did not reap (a script killed by
# its timeout): $WORK/pids/<pid>, checked to still be a userpool-server.
stop_leftover_servers() {
  local f pid
  for f in "$WORK"/pids/*; do
    [ -e "$f" ] || continue
    pid=${f##*/}
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q userpool-server; then
      echo "stopping leftover server pid $pid ($(cat "$f"))"
      kill -KILL "$pid" 2>/dev/null
    fi
  done
}

# The databases a script created and could not drop.
drop_leftover_databases() {
  local db
  [ -s "$WORK/pg-databases" ] && [ -n "${USERPOOL_POSTGRES_URL:-}" ] || return 0
  while read -r db; do
    [ -n "$db" ] || continue
    PGCONNECT_TIMEOUT=10 timeout 60 psql -X -q -v ON_ERROR_STOP=1 -d "$USERPOOL_POSTGRES_URL" \
      -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
      echo "could not drop database $db" >&2
  done <"$WORK/pg-databases"
}

# Stops the cluster .ci/postgres.sh started for this run (same defaults).
stop_local_postgres() {
  [ -n "$PG_STARTED_BY_US" ] && [ "${DURABILITY_KEEP_POSTGRES:-}" != 1 ] || return 0
  local bin data=${PGDATA_DIR:-/tmp/userpool-pg}/data
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -n1)
  [ -x "$bin/pg_ctl" ] || return 0
  echo "stopping the local PostgreSQL this run started ($data)"
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$bin/pg_ctl" --pgdata="$data" --mode=fast --wait --timeout=30 stop >/dev/null 2>&1
  else
    "$bin/pg_ctl" --pgdata="$data" --mode=fast --wait --timeout=30 stop >/dev/null 2>&1
  fi
}

cleanup() {
  if [ -n "$PIP_PID" ] && kill -0 "$PIP_PID" 2>/dev/null; then
    kill -TERM "$PIP_PID" 2>/dev/null
    wait "$PIP_PID" 2>/dev/null
  fi
  stop_leftover_servers
  drop_leftover_databases
  stop_local_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The same venv as tests/interop/run.sh.
# shellcheck source=../interop/venv.sh
. "$INTEROP/venv.sh"

say "clients: pinned Python packages (target/interop-venv)"
install_python "$VENV" "$INTEROP/requirements.txt" >"$WORK/pip.log" 2>&1 &
PIP_PID=$!

say "build: cargo build --release -p userpool-server"
if ! cargo build --release -p userpool-server; then
  echo "userpool-server does not build" >&2
  echo
  echo "0 passed, 1 failed"
  exit 1
fi
if ! wait "$PIP_PID"; then
  PIP_PID=
  cat "$WORK/pip.log" >&2
  echo "pip install failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
PIP_PID=
cat "$WORK/pip.log"

if wants two_servers && [ -z "${USERPOOL_POSTGRES_URL:-}" ] && [ -f "$ROOT/.ci/postgres.sh" ] &&
  [ "${DURABILITY_NO_LOCAL_POSTGRES:-}" != 1 ]; then
  say "PostgreSQL: .ci/postgres.sh"
  if ! pg_isready -q -h 127.0.0.1 -p "${PGPORT:-54329}" 2>/dev/null; then
    PG_STARTED_BY_US=1
  fi
  if line=$(timeout 300 bash "$ROOT/.ci/postgres.sh" 2>"$WORK/postgres.log" | tail -n1) &&
    [[ $line == "export USERPOOL_POSTGRES_URL="* ]]; then
    eval "$line"
    echo "USERPOOL_POSTGRES_URL=$USERPOOL_POSTGRES_URL"
  else
    tail -n 20 "$WORK/postgres.log" >&2
    echo ".ci/postgres.sh did not start PostgreSQL; the two_servers scenario will be skipped" >&2
  fi
fi

export USERPOOL_SERVER_BIN=$SERVER_BIN DURABILITY_WORK=$WORK
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$WORK/no-aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/no-aws-credentials
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL USERPOOL_MASTER_KEY
export PATH=$VENV/bin:$PATH
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

PASSED=0
FAILED=0
SKIPPED=0
suite() {
  local name=$1 limit=$2; shift 2
  say "scenario: $name (time limit ${limit}s)"
  local out=$WORK/$name.out rc started=$SECONDS
  (cd "$HERE" && timeout -k 10 "$limit" "$@") 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  local p f s
  p=$(grep -c '^PASS ' "$out")
  f=$(grep -c '^FAIL ' "$out")
  s=$(grep -c '^SKIP ' "$out")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "FAIL $name: the scenario did not finish within ${limit}s"
    f=$((f + 1))
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $name: the scenario exited with status $rc"
    f=1
  fi
  echo "($name: $p passed, $f failed, $s skipped in $((SECONDS - started))s)"
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  SKIPPED=$((SKIPPED + s))
}

wants restart && suite restart 90 python test_restart.py
wants crash && suite crash 120 python test_crash.py
wants two_servers && suite two_servers 90 python test_two_servers.py

echo
[ "$SKIPPED" -eq 0 ] || echo "$SKIPPED skipped (see the SKIP lines above)"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
