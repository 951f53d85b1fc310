#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015,SC2016
# Throwaway PostgreSQL 15 cluster for PoolGuard's tests.
#
# usage: scripts/pg-sandbox.sh start|stop|env
#   start  create (initdb) and start the cluster, or, if it is already running and
#          healthy with the same settings, do nothing; then print the settings
#   env    print the settings of the running sandbox (exit 1 if none is running)
#   stop   stop the server and remove the sandbox dir (kept if POOLGUARD_SANDBOX_KEEP=1)
#
# The settings are printed on stdout as shell lines (`eval "$(scripts/pg-sandbox.sh start)"`)
# and written to $POOLGUARD_SANDBOX_DIR/sandbox.env (mode 0600):
#   export POOLGUARD_TEST_PG='Host=127.0.0.1;Port=N;Username=postgres;Password=...'
#   export POOLGUARD_TEST_PG_HOST='127.0.0.1'
#   export POOLGUARD_TEST_PG_PORT='N'
#   export POOLGUARD_TEST_PG_SUPERPASS='...'
#   export POOLGUARD_TEST_PG_DIR='/tmp/poolguard-sandbox'    (also the unix socket dir)
#   export POOLGUARD_TEST_PG_MAX_CONNECTIONS='40'
#   export POOLGUARD_TEST_PG_BIN='/usr/lib/postgresql/15/bin' (psql, pgbench, pg_ctl)
#   export POOLGUARD_TEST_PG_CA='/tmp/poolguard-sandbox/tls/ca.crt' (CA of the server's TLS certificate)
# Log messages go to stderr.
#
# env: POOLGUARD_SANDBOX_DIR (default /tmp/poolguard-sandbox), POOLGUARD_SANDBOX_PORT
#      (default: first free port from 54320 up), POOLGUARD_SANDBOX_MAX_CONNECTIONS (40),
#      POOLGUARD_SANDBOX_KEEP=1 (stop keeps the dir), POOLGUARD_SANDBOX_OS_USER (OS user
#      that runs the server; default postgres if it exists, else poolguard-pg, created
#      with useradd --system; when not root: the current user).
#
# Cluster: listen_addresses=127.0.0.1 only, unix socket in the sandbox dir, fsync/
# synchronous_commit/full_page_writes off, superuser_reserved_connections=3,
# shared_buffers=128MB, log in $DIR/postgres.log.
# TLS: ssl=on with a throwaway CA and a server certificate for localhost / 127.0.0.1 made by openssl
# in $DIR/tls (CA: tls/ca.crt); plain TCP stays allowed, so clients choose (sslmode=disable works).
# Auth: local trust; TCP scram-sha-256, except role md5_user (md5).
# Roles: postgres (superuser, random password), scram_user/scram_pw (SCRAM secret),
#        md5_user/md5_pw (md5 hash), app_user/app_pw (SCRAM), watch_user/watch_pw (SCRAM, pg_monitor); databases app and pgbench
#        (owner app_user, CONNECT granted to scram_user and md5_user); pgbench -i -s 1 in pgbench.
# Exit codes: 0 ok, 1 failure, 2 usage, 3 PostgreSQL missing and not root.
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034  # used by lib/common.sh
LOG_TAG=pg-sandbox
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

# Never let the caller's libpq environment (PGHOST, PGUSER, PGOPTIONS, ...) leak in.
clear_libpq_env
export PGCONNECT_TIMEOUT=5

usage() { sed -n '3,9p' "$0" >&2; exit 2; }
[ $# -eq 1 ] || usage
CMD="$1"
case "$CMD" in start|stop|env) ;; *) usage ;; esac

SANDBOX_DIR="${POOLGUARD_SANDBOX_DIR:-/tmp/poolguard-sandbox}"
case "$SANDBOX_DIR" in /*) ;; *) SANDBOX_DIR="$PWD/$SANDBOX_DIR" ;; esac
SANDBOX_DIR="${SANDBOX_DIR%/}"
[ -n "$SANDBOX_DIR" ] && [ "$SANDBOX_DIR" != "/" ] || die "bad POOLGUARD_SANDBOX_DIR"
# the unix socket path ($DIR/.s.PGSQL.NNNNN) must fit in sun_path (107 bytes)
[ "${#SANDBOX_DIR}" -le 88 ] || die "POOLGUARD_SANDBOX_DIR too long for a unix socket path (max 88 chars): $SANDBOX_DIR"

DATA="$SANDBOX_DIR/data"
LOGFILE="$SANDBOX_DIR/postgres.log"
ENVFILE="$SANDBOX_DIR/sandbox.env"
PWFILE="$SANDBOX_DIR/superuser.pw"
PORTFILE="$SANDBOX_DIR/port"
USERFILE="$SANDBOX_DIR/os_user"
PARAMSFILE="$SANDBOX_DIR/params"
MARKER="$SANDBOX_DIR/.poolguard-sandbox"
READY="$SANDBOX_DIR/.ready"
TLS_DIR="$SANDBOX_DIR/tls"
HOST=127.0.0.1
MAXCONN="${POOLGUARD_SANDBOX_MAX_CONNECTIONS:-40}"
REQ_PORT="${POOLGUARD_SANDBOX_PORT:-}"
PORT_FIRST=54320
PORT_LAST=54419

[[ "$MAXCONN" =~ ^[0-9]+$ ]] && [ "$MAXCONN" -ge 5 ] || die "POOLGUARD_SANDBOX_MAX_CONNECTIONS must be an integer >= 5"
if [ -n "$REQ_PORT" ]; then
  [[ "$REQ_PORT" =~ ^[0-9]+$ ]] && [ "$REQ_PORT" -ge 1024 ] && [ "$REQ_PORT" -le 65535 ] \
    || die "POOLGUARD_SANDBOX_PORT must be a port number in 1024..65535"
fi

OS_USER=""

# --- helpers ------------------------------------------------------------------

log_tail() {
  if [ -f "$LOGFILE" ]; then
    say "---- last lines of $LOGFILE ----"
    tail -n 30 "$LOGFILE" >&2 || true
    say "---- end of server log ----"
  fi
}

fail() { say "ERROR: $*"; log_tail; exit 1; }

choose_os_user() {
  if [ -f "$USERFILE" ] && [ "$CMD" != start ]; then
    OS_USER="$(cat "$USERFILE")"
  elif [ -n "${POOLGUARD_SANDBOX_OS_USER:-}" ]; then
    OS_USER="$POOLGUARD_SANDBOX_OS_USER"
  elif is_root; then
    if id postgres >/dev/null 2>&1; then OS_USER=postgres; else OS_USER=poolguard-pg; fi
  else
    OS_USER="$(id -un)"
  fi
  if ! is_root && [ "$OS_USER" != "$(id -un)" ]; then
    die "not root: the server can only run as the current user ($(id -un)), not $OS_USER"
  fi
  [ "$OS_USER" != root ] || die "PostgreSQL refuses to run as root; pick another POOLGUARD_SANDBOX_OS_USER"
}

ensure_os_user() {
  id "$OS_USER" >/dev/null 2>&1 && return 0
  is_root || die "OS user $OS_USER does not exist"
  say "creating system user $OS_USER"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
          --shell /usr/sbin/nologin "$OS_USER" || die "useradd $OS_USER failed"
}

# Run a command as the server's OS user, from /, with the soft fd limit raised
# to the hard one (runuser's pam_limits would otherwise reset it to 1024).
# fd 9 (our lock) is closed so that the postmaster does not inherit the lock.
as_user() {
  if [ "$(id -un)" = "$OS_USER" ]; then
    ( cd / && { ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; } && exec "$@" ) 9>&-
  else
    runuser -u "$OS_USER" -- bash -c 'cd / && { ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; }; exec "$@"' bash "$@" 9>&-
  fi
}

# Install a root-made file as the OS user's file (mode $3).
put_user_file() {  # put_user_file <src> <dst> <mode>
  if is_root && [ "$OS_USER" != root ]; then
    install -m "$3" -o "$OS_USER" -g "$(id -gn "$OS_USER")" "$1" "$2"
  else
    install -m "$3" "$1" "$2"
  fi
  rm -f "$1"
}

postmaster_pid() {
  [ -f "$DATA/postmaster.pid" ] || return 1
  local pid; pid="$(head -n1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/comm" ]; then
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in postgres|postmaster) ;; *) return 1 ;; esac
  fi
  echo "$pid"
}

server_running() { postmaster_pid >/dev/null; }

# psql over TCP with a password; prints the query's result.
tcp_psql() {  # tcp_psql <port> <user> <password> <db> <sql>
  PGPASSWORD="$3" "$PGBIN/psql" -X -q -w -tA -h "$HOST" -p "$1" -U "$2" -d "$4" -c "$5"
}

healthy() {
  [ -f "$READY" ] && [ -f "$PORTFILE" ] && [ -f "$PWFILE" ] && [ -f "$ENVFILE" ] || return 1
  server_running || return 1
  local out
  out="$(tcp_psql "$(cat "$PORTFILE")" postgres "$(cat "$PWFILE")" postgres 'select 1' 2>/dev/null)" || return 1
  [ "$out" = 1 ]
}

wanted_params() { printf 'maxconn=%s port=%s user=%s pgbin=%s tls=1 roles=2\n' "$MAXCONN" "${REQ_PORT:-auto}" "$OS_USER" "$PGBIN"; }

stop_server() {
  local pid
  pid="$(postmaster_pid)" || return 0
  say "stopping server (pid $pid)"
  if as_user "$PGBIN/pg_ctl" -D "$DATA" stop -m fast -w -t 30 >/dev/null 2>&1; then return 0; fi
  say "fast shutdown did not finish in 30 s; trying immediate"
  if as_user "$PGBIN/pg_ctl" -D "$DATA" stop -m immediate -w -t 10 >/dev/null 2>&1; then return 0; fi
  pid="$(postmaster_pid)" || return 0
  say "killing postmaster $pid"
  kill -KILL "$pid" 2>/dev/null || true
  local _
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  die "could not stop postmaster $pid"
}

wipe_dir() {
  [ -e "$SANDBOX_DIR" ] || return 0
  if [ -f "$MARKER" ] || [ -z "$(ls -A "$SANDBOX_DIR" 2>/dev/null)" ]; then
    rm -rf -- "$SANDBOX_DIR"
  else
    die "refusing to remove $SANDBOX_DIR: it is not a PoolGuard sandbox (no $MARKER)"
  fi
}

lock() {
  mkdir -p "$(dirname "$SANDBOX_DIR")"
  exec 9>"$SANDBOX_DIR.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 120 9 || die "another pg-sandbox.sh holds $SANDBOX_DIR.lock for more than 120 s"
  fi
}

print_env() { cat "$ENVFILE"; }

# --- start ----------------------------------------------------------------------

write_conf() {  # write_conf <port>
  local tmp; tmp="$(mktemp "$SANDBOX_DIR/conf.XXXXXX")"
  cat >"$tmp" <<EOF
# generated by scripts/pg-sandbox.sh -- throwaway test cluster
listen_addresses = '$HOST'
port = $1
unix_socket_directories = '$SANDBOX_DIR'
unix_socket_permissions = 0700
max_connections = $MAXCONN
superuser_reserved_connections = 3
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
log_connections = off
log_disconnections = off
log_timezone = 'UTC'
timezone = 'UTC'
ssl = on
ssl_cert_file = '$TLS_DIR/server.crt'
ssl_key_file = '$TLS_DIR/server.key'
ssl_ca_file = '$TLS_DIR/ca.crt'
EOF
  put_user_file "$tmp" "$DATA/poolguard.conf" 0600
}

write_hba() {
  local tmp; tmp="$(mktemp "$SANDBOX_DIR/hba.XXXXXX")"
  cat >"$tmp" <<'EOF'
# generated by scripts/pg-sandbox.sh
# TYPE  DATABASE  USER      ADDRESS         METHOD
local   all       all                       trust
host    all       md5_user    127.0.0.1/32    md5
host    all       all       127.0.0.1/32    scram-sha-256
EOF
  put_user_file "$tmp" "$DATA/pg_hba.conf" 0600
}

create_cluster() {
  mkdir -p "$SANDBOX_DIR"
  : >"$MARKER"
  if is_root; then chown "$OS_USER:$(id -gn "$OS_USER")" "$SANDBOX_DIR"; fi
  chmod 0700 "$SANDBOX_DIR"
  as_user test -w "$SANDBOX_DIR" -a -x "$SANDBOX_DIR" \
    || die "OS user $OS_USER cannot use $SANDBOX_DIR (is a parent directory not searchable?); set POOLGUARD_SANDBOX_DIR to a dir under /tmp"
  echo "$OS_USER" >"$USERFILE"
  wanted_params >"$PARAMSFILE"

  local tmp pw
  pw="$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-24)"
  [ "${#pw}" -ge 16 ] || die "could not generate a password"
  tmp="$(mktemp "$SANDBOX_DIR/pw.XXXXXX")"
  printf '%s\n' "$pw" >"$tmp"
  put_user_file "$tmp" "$PWFILE" 0600

  say "initdb $DATA (OS user $OS_USER)"
  as_user "$PGBIN/initdb" -D "$DATA" -U postgres --pwfile="$PWFILE" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync --no-instructions \
      >"$SANDBOX_DIR/initdb.log" 2>&1 \
    || { cat "$SANDBOX_DIR/initdb.log" >&2; die "initdb failed"; }
  as_user bash -c "printf '%s\n' \"include 'poolguard.conf'\" >> '$DATA/postgresql.conf'"
  write_hba
}

# A throwaway CA and a server certificate it signs, for localhost and 127.0.0.1 (tests that check the
# host name use either). EC P-256: quick to make. The CA key stays in the sandbox dir and dies with it.
make_tls() {
  local tmp; tmp="$(mktemp -d "$SANDBOX_DIR/tls.XXXXXX")"
  say "making a throwaway CA and server certificate in $TLS_DIR"
  (
    cd "$tmp"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
      -subj "/CN=PoolGuard sandbox CA" -keyout ca.key -out ca.crt \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -subj "/CN=localhost" -keyout server.key -out server.csr
    printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' 'basicConstraints=CA:FALSE' \
      'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -extfile server.ext -out server.crt
  ) >"$SANDBOX_DIR/tls.log" 2>&1 || { cat "$SANDBOX_DIR/tls.log" >&2; die "openssl could not make the sandbox certificates"; }
  mkdir -p "$TLS_DIR"
  chmod 0755 "$TLS_DIR"
  install -m 0644 "$tmp/ca.crt" "$TLS_DIR/ca.crt"
  install -m 0600 "$tmp/ca.key" "$TLS_DIR/ca.key"
  put_user_file "$tmp/server.crt" "$TLS_DIR/server.crt" 0644
  # PostgreSQL refuses a key that others can read.
  put_user_file "$tmp/server.key" "$TLS_DIR/server.key" 0600
  rm -rf -- "$tmp"
}

start_server() {
  local ports port out
  if [ -n "$REQ_PORT" ]; then ports="$REQ_PORT"; else ports="$(seq "$PORT_FIRST" "$PORT_LAST")"; fi
  for port in $ports; do
    if ! port_free "$port"; then
      [ -z "$REQ_PORT" ] || die "POOLGUARD_SANDBOX_PORT=$REQ_PORT is already in use on $HOST"
      continue
    fi
    write_conf "$port"
    local before=0
    [ -f "$LOGFILE" ] && before="$(wc -l <"$LOGFILE")"
    say "starting PostgreSQL on $HOST:$port (max_connections=$MAXCONN)"
    if out="$(as_user "$PGBIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 30 start 2>&1)"; then
      echo "$port" >"$PORTFILE"
      return 0
    fi
    # lost a race for the port: try the next one
    if [ -z "$REQ_PORT" ] && ! server_running \
       && tail -n +"$((before + 1))" "$LOGFILE" 2>/dev/null | grep -q 'Address already in use'; then
      say "port $port was taken meanwhile; trying the next one"
      continue
    fi
    printf '%s\n' "$out" >&2
    stop_server || true
    fail "pg_ctl start failed (port $port)"
  done
  die "no free TCP port in $PORT_FIRST..$PORT_LAST on $HOST"
}

setup_roles() {
  local port; port="$(cat "$PORTFILE")"
  say "creating roles scram_user, md5_user, app_user, watch_user and databases app, pgbench"
  "$PGBIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h "$SANDBOX_DIR" -p "$port" -U postgres -d postgres \
      >"$SANDBOX_DIR/setup.log" 2>&1 <<'SQL' || { cat "$SANDBOX_DIR/setup.log" >&2; return 1; }
SET password_encryption = 'scram-sha-256';
CREATE ROLE scram_user LOGIN PASSWORD 'scram_pw';
CREATE ROLE app_user LOGIN PASSWORD 'app_pw';
-- The database watcher's login: pg_monitor sees every session's state and wait, as a real one would.
CREATE ROLE watch_user LOGIN PASSWORD 'watch_pw';
GRANT pg_monitor TO watch_user;
-- md5_user's password is stored as an md5 hash, so the gateway's md5 paths meet a real one.
SET password_encryption = 'md5';
CREATE ROLE md5_user LOGIN PASSWORD 'md5_pw';
RESET password_encryption;
CREATE DATABASE app OWNER app_user;
CREATE DATABASE pgbench OWNER app_user;
GRANT CONNECT ON DATABASE app, pgbench TO scram_user, md5_user;
SQL
  say "pgbench -i -s 1 -q (database pgbench, as app_user)"
  PGPASSWORD=app_pw "$PGBIN/pgbench" -h "$HOST" -p "$port" -U app_user -i -s 1 -q pgbench \
      >"$SANDBOX_DIR/pgbench-init.log" 2>&1 \
    || { cat "$SANDBOX_DIR/pgbench-init.log" >&2; return 1; }

  # Check every login path over TCP (hba + stored password formats).
  local u pw db
  for u in postgres:"$(cat "$PWFILE")":postgres scram_user:scram_pw:app md5_user:md5_pw:app app_user:app_pw:pgbench watch_user:watch_pw:app; do
    IFS=: read -r u pw db <<<"$u"
    [ "$(tcp_psql "$port" "$u" "$pw" "$db" 'select 1' 2>&1)" = 1 ] \
      || { say "login check failed: $u@$db over TCP"; return 1; }
  done
  local kinds
  kinds="$("$PGBIN/psql" -X -q -w -tA -h "$SANDBOX_DIR" -p "$port" -U postgres -d postgres -c \
    "select string_agg(rolname || '=' || split_part(rolpassword, '\$', 1), ' ' order by rolname) from pg_authid where rolname in ('scram_user','md5_user')")"
  case "$kinds" in
    "md5_user=md5"*" scram_user=SCRAM-SHA-256") ;;
    *) say "unexpected password formats: $kinds"; return 1 ;;
  esac
}

write_env() {
  local port pw tmp
  port="$(cat "$PORTFILE")"; pw="$(cat "$PWFILE")"
  tmp="$(mktemp "$SANDBOX_DIR/env.XXXXXX")"
  cat >"$tmp" <<EOF
export POOLGUARD_TEST_PG='Host=$HOST;Port=$port;Username=postgres;Password=$pw'
export POOLGUARD_TEST_PG_HOST='$HOST'
export POOLGUARD_TEST_PG_PORT='$port'
export POOLGUARD_TEST_PG_SUPERPASS='$pw'
export POOLGUARD_TEST_PG_DIR='$SANDBOX_DIR'
export POOLGUARD_TEST_PG_MAX_CONNECTIONS='$MAXCONN'
export POOLGUARD_TEST_PG_BIN='$PGBIN'
export POOLGUARD_TEST_PG_CA='$TLS_DIR/ca.crt'
EOF
  chmod 0600 "$tmp"
  mv -f "$tmp" "$ENVFILE"
}

on_start_error() {
  local rc=$?
  trap - ERR
  say "ERROR: start failed (rc=$rc, line ${1:-?}); the server is stopped, $SANDBOX_DIR is kept for inspection"
  log_tail
  stop_server >/dev/null 2>&1 || true
  exit 1
}

cmd_start() {
  lock
  choose_os_user
  if [ -f "$MARKER" ] && [ "$(cat "$PARAMSFILE" 2>/dev/null || true)" = "$(wanted_params)" ] && healthy; then
    say "sandbox already running in $SANDBOX_DIR on $HOST:$(cat "$PORTFILE")"
    print_env
    return 0
  fi
  if [ -e "$SANDBOX_DIR" ]; then
    [ -f "$MARKER" ] || [ -z "$(ls -A "$SANDBOX_DIR" 2>/dev/null)" ] \
      || die "$SANDBOX_DIR exists and is not a PoolGuard sandbox; remove it or set POOLGUARD_SANDBOX_DIR"
    say "recreating sandbox in $SANDBOX_DIR (stale, incomplete or different settings)"
    # stop with the OS user that created it
    local want="$OS_USER"
    [ -f "$USERFILE" ] && OS_USER="$(cat "$USERFILE")"
    if id "$OS_USER" >/dev/null 2>&1; then stop_server; fi
    OS_USER="$want"
    wipe_dir
  fi
  ensure_postgres_installed
  ensure_openssl_installed
  ensure_pgbouncer_exporter_installed
  ensure_os_user
  trap 'on_start_error $LINENO' ERR
  create_cluster
  make_tls
  start_server
  setup_roles
  write_env
  : >"$READY"
  trap - ERR
  say "sandbox ready: $HOST:$(cat "$PORTFILE"), dir $SANDBOX_DIR, log $LOGFILE"
  print_env
}

cmd_env() {
  [ -f "$MARKER" ] || die "no sandbox in $SANDBOX_DIR (run: scripts/pg-sandbox.sh start)"
  healthy || die "the sandbox in $SANDBOX_DIR is not running or not healthy (run: scripts/pg-sandbox.sh start)"
  print_env
}

cmd_stop() {
  lock
  if [ ! -e "$SANDBOX_DIR" ]; then
    say "no sandbox in $SANDBOX_DIR"
    return 0
  fi
  [ -f "$MARKER" ] || [ -z "$(ls -A "$SANDBOX_DIR" 2>/dev/null)" ] \
    || die "$SANDBOX_DIR is not a PoolGuard sandbox; not touching it"
  choose_os_user
  if id "$OS_USER" >/dev/null 2>&1; then stop_server; fi
  if [ "${POOLGUARD_SANDBOX_KEEP:-0}" = 1 ]; then
    rm -f "$READY"
    say "stopped; keeping $SANDBOX_DIR (POOLGUARD_SANDBOX_KEEP=1)"
  else
    wipe_dir
    say "stopped and removed $SANDBOX_DIR"
  fi
}

case "$CMD" in
  start) cmd_start ;;
  env) cmd_env ;;
  stop) cmd_stop ;;
esac
