# shellcheck shell=bash
# Helpers for the bench/*.sh scripts, on top of scripts/lib/common.sh (say, die, stop_pid,
# free_port, cpu_ticks, clear_libpq_env, PGBIN). Sourced, not executed. Depends only on this
# repository (scripts/pg-sandbox.sh) and on Debian's postgresql-15 / pgbouncer packages.
# Everything listens on 127.0.0.1 only. Callers set BENCH_TMP and call bench_cleanup from a trap.

BENCH_HOST=127.0.0.1
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/lib/common.sh
. "$BENCH_ROOT/scripts/lib/common.sh"
PGBOUNCER="${PGBOUNCER:-$(command -v pgbouncer 2>/dev/null || echo /usr/sbin/pgbouncer)}"
# shellcheck disable=SC2034  # used by the scripts that source this file
CLK_TCK="$(getconf CLK_TCK)"

# The sandbox's login role and database (created by scripts/pg-sandbox.sh).
DB_USER=app_user DB_PASSWORD=app_pw DB_NAME=pgbench

# Processes and sandbox this run started; bench_cleanup stops exactly those.
BENCH_PIDS=()
BENCH_PGB_PIDFILES=()
BENCH_STARTED_PG=0

bench_cleanup() {
  local pid f i
  for f in "${BENCH_PGB_PIDFILES[@]}"; do stop_pid "$(cat "$f" 2>/dev/null || true)"; done
  for pid in "${BENCH_PIDS[@]}"; do stop_pid "$pid"; done
  if [ "$BENCH_STARTED_PG" = 1 ] && [ "${KEEP_PG:-0}" != 1 ]; then
    POOLGUARD_SANDBOX_DIR="$PG_DIR" "$BENCH_ROOT/scripts/pg-sandbox.sh" stop >/dev/null 2>&1 || true
  fi
  if [ -n "${BENCH_TMP:-}" ] && [ -d "$BENCH_TMP" ]; then
    if [ "${KEEP_TMP:-0}" = 1 ]; then say "kept $BENCH_TMP"; else rm -rf -- "$BENCH_TMP"; fi
  fi
  for i in "${!BENCH_PIDS[@]}"; do unset "BENCH_PIDS[$i]"; done
}

# VmRSS / VmHWM of a process in kB.
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kb() { awk '/^VmHWM:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Whole-box busy jiffies and total jiffies.
box_jiffies() { awk '/^cpu /{idle=$5+$6; t=0; for(i=2;i<=NF;i++) t+=$i; print t-idle, t}' /proc/stat; }

psql_at() {  # psql_at <port> <sql>: one value, as the benchmark role, bounded
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=10 timeout 30 "$PGBIN/psql" -X -q -w -tA \
    -h "$BENCH_HOST" -p "$1" -U "$DB_USER" -d "$DB_NAME" -c "$2"
}

wait_ready() {  # wait_ready <port> <seconds>: until `select 1` works through it
  local i
  for i in $(seq 1 "$(($2 * 2))"); do
    [ "$(psql_at "$1" 'select 1' 2>/dev/null)" = 1 ] && return 0
    sleep 0.5
  done
  return 1
}

# --- PostgreSQL ---------------------------------------------------------------------------
# start_pg <max_connections>: the repository's sandbox in $PG_DIR (reused when it already runs
# with the same settings); sets PG_PORT and PG_OS_USER.
start_pg() {
  local before envtext
  before="$(postmaster_pid)"
  envtext="$(POOLGUARD_SANDBOX_DIR="$PG_DIR" POOLGUARD_SANDBOX_MAX_CONNECTIONS="$1" \
             POOLGUARD_SANDBOX_PORT="${PG_PORT:-}" timeout 300 "$BENCH_ROOT/scripts/pg-sandbox.sh" start)" \
    || die "could not start the PostgreSQL sandbox in $PG_DIR"
  # A new postmaster (none before, or recreated with other settings) is ours to stop at the end.
  [ "$(postmaster_pid)" = "$before" ] || BENCH_STARTED_PG=1
  PG_PORT="$(printf '%s\n' "$envtext" | sed -n "s/^export POOLGUARD_TEST_PG_PORT='\([0-9]*\)'$/\1/p")"
  [ -n "$PG_PORT" ] || die "sandbox did not report its port"
  PG_OS_USER="$(cat "$PG_DIR/os_user")"
  say "PostgreSQL $(psql_at "$PG_PORT" 'show server_version') on $BENCH_HOST:$PG_PORT (max_connections $(psql_at "$PG_PORT" 'show max_connections'))$( [ "$BENCH_STARTED_PG" = 1 ] || echo ', reused')"
}

postmaster_pid() { head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true; }

# ensure_pgbench_data: pgbench -i -s 10 into $DB_NAME once (a reused sandbox keeps its tables).
ensure_pgbench_data() {
  [ "$(psql_at "$PG_PORT" 'select count(*) from pgbench_branches' 2>/dev/null || echo 0)" != 0 ] && return 0
  say "pgbench -i -s 10"
  PGPASSWORD="$DB_PASSWORD" timeout 1800 "$PGBIN/pgbench" -h "$BENCH_HOST" -p "$PG_PORT" -U "$DB_USER" -i -s 10 -q "$DB_NAME" >/dev/null 2>&1
}

# --- PoolGuard ------------------------------------------------------------------------------
# poolguard_label: which PoolGuard a result is about: the binary given, or the working tree's commit.
poolguard_label() {
  if [ -n "${POOLGUARD_BIN:-}" ]; then echo "binary $POOLGUARD_BIN"; return; fi
  echo "$(git -C "$BENCH_ROOT" rev-parse --short HEAD)$(git -C "$BENCH_ROOT" diff --quiet || echo '+changes')"
}

# publish_poolguard: sets POOLGUARD_BIN (given, or published once into $BENCH_TMP/poolguard).
publish_poolguard() {
  if [ -n "${POOLGUARD_BIN:-}" ]; then
    [ -x "$POOLGUARD_BIN" ] || die "POOLGUARD_BIN=$POOLGUARD_BIN is not executable"
    return 0
  fi
  local out="$BENCH_TMP/poolguard" try
  say "dotnet publish src/PoolGuard -c Release"
  # Other builds may hold the same obj/ files for a moment: retry a few times.
  for try in 1 2 3; do
    if timeout 600 dotnet publish "$BENCH_ROOT/src/PoolGuard" -c Release -o "$out" --nologo -v quiet \
         >"$BENCH_TMP/publish.log" 2>&1; then
      POOLGUARD_BIN="$out/poolguard"
      return 0
    fi
    say "publish failed (try $try); retrying in 5 s"
    sleep 5
  done
  tail -n 20 "$BENCH_TMP/publish.log" >&2
  die "dotnet publish src/PoolGuard failed"
}

# start_poolguard <port> <pool_mode> <pool_size> <max_client_conn> [query_wait_timeout]
# Sets POOLGUARD_PID. POOLGUARD_EXTRA_SETTINGS: more JSON members, each followed by a comma.
start_poolguard() {
  local port="$1" dir="$BENCH_TMP/poolguard-$1"
  mkdir -p "$dir"
  cat >"$dir/poolguard.json" <<JSON
{
  "PoolGuard": {
    "ListenAddress": "$BENCH_HOST",
    "ListenPort": $port,
    "PoolMode": "$2",
    "DefaultPoolSize": $3,
    "MaxClientConn": $4,
    "QueryWaitTimeout": "${5:-120s}",
    "AdminHttpPort": 0,${POOLGUARD_EXTRA_SETTINGS:+
    $POOLGUARD_EXTRA_SETTINGS}
    "Databases": { "$DB_NAME": { "Host": "$BENCH_HOST", "Port": $PG_PORT } },
    "Users": { "$DB_USER": { "Password": "$DB_PASSWORD" } }
  }
}
JSON
  "$POOLGUARD_BIN" run -c "$dir/poolguard.json" >"$dir/poolguard.log" 2>&1 &
  POOLGUARD_PID=$!
  BENCH_PIDS+=("$POOLGUARD_PID")
  if ! wait_ready "$port" 30; then
    tail -n 20 "$dir/poolguard.log" >&2
    die "PoolGuard did not answer on $BENCH_HOST:$port"
  fi
  say "PoolGuard pid $POOLGUARD_PID on $BENCH_HOST:$port ($2 mode, pool $3, max_client_conn $4)"
}

# --- PgBouncer ------------------------------------------------------------------------------
have_pgbouncer() { [ -x "$PGBOUNCER" ]; }

# start_pgbouncer <port> <pool_mode> <pool_size> <max_client_conn> [query_wait_timeout_s]
# Runs as the sandbox's OS user (PgBouncer refuses root). Sets PGBOUNCER_PID.
start_pgbouncer() {
  local port="$1" dir="$BENCH_TMP/pgbouncer-$1"
  mkdir -p "$dir"
  # auth_file with the plaintext password: PgBouncer runs SCRAM against clients and server itself.
  printf '"%s" "%s"\n' "$DB_USER" "$DB_PASSWORD" >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
$DB_NAME = host=$BENCH_HOST port=$PG_PORT dbname=$DB_NAME

[pgbouncer]
listen_addr = $BENCH_HOST
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = $2
default_pool_size = $3
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = $4
max_db_connections = 0
query_wait_timeout = ${5:-120}
listen_backlog = 4096
server_login_retry = 2
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
log_connections = 0
log_disconnections = 0
INI
  chmod 0600 "$dir/userlist.txt" "$dir/pgbouncer.ini"
  BENCH_PGB_PIDFILES+=("$dir/pgbouncer.pid")
  # The soft fd limit is raised to the hard one: PgBouncer needs max_client_conn + pool fds,
  # and runuser's pam_limits would reset it to 1024.
  if [ "$(id -u)" = 0 ]; then
    chown -R "$PG_OS_USER" "$dir"
    # shellcheck disable=SC2016  # expanded by the inner shell
    runuser -u "$PG_OS_USER" -- bash -c 'ulimit -n "$(ulimit -Hn)"; cd /; exec "$0" -d "$1"' "$PGBOUNCER" "$dir/pgbouncer.ini" \
      >"$dir/start.log" 2>&1 || { cat "$dir/start.log" >&2; die "pgbouncer did not start"; }
  else
    "$PGBOUNCER" -d "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1 || { cat "$dir/start.log" >&2; die "pgbouncer did not start"; }
  fi
  local i
  for i in $(seq 1 50); do [ -s "$dir/pgbouncer.pid" ] && break; sleep 0.1; done
  PGBOUNCER_PID="$(cat "$dir/pgbouncer.pid" 2>/dev/null || true)"
  if [ -z "$PGBOUNCER_PID" ] || ! wait_ready "$port" 30; then
    tail -n 20 "$dir/pgbouncer.log" >&2
    die "PgBouncer did not answer on $BENCH_HOST:$port"
  fi
  say "PgBouncer pid $PGBOUNCER_PID on $BENCH_HOST:$port ($2 mode, pool $3, max_client_conn $4)"
}

# stop_tracked <pid>: stop a process this run started and stop tracking it (no later kill of a reused pid).
stop_tracked() {
  local i
  stop_pid "$1"
  for i in "${!BENCH_PIDS[@]}"; do [ "${BENCH_PIDS[$i]}" != "$1" ] || unset "BENCH_PIDS[$i]"; done
}

stop_pgbouncer() {
  local i
  stop_pid "$PGBOUNCER_PID"
  for i in "${!BENCH_PGB_PIDFILES[@]}"; do
    [ "$(cat "${BENCH_PGB_PIDFILES[$i]}" 2>/dev/null || true)" != "$PGBOUNCER_PID" ] || unset "BENCH_PGB_PIDFILES[$i]"
  done
}
