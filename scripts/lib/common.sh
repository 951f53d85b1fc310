# shellcheck shell=bash
# The one shell library: sourced (never executed) by test.sh, .ci/run, scripts/*.sh and
# bench/lib.sh. Logging, process and port helpers, and installing PostgreSQL and the other
# Debian packages the tests need. Depends only on the repository itself (never on ../shared).
# Callers set LOG_TAG (the name in each log line) before or after sourcing it.

PG_MAJOR="${POOLGUARD_PG_MAJOR:-15}"
PGBIN="${POOLGUARD_PGBIN:-/usr/lib/postgresql/${PG_MAJOR}/bin}"

# One log line on stderr: `[12:34:56] tag: message`. die's second argument is the exit status.
say() { printf '[%s] %s: %s\n' "$(date +%H:%M:%S)" "${LOG_TAG:-poolguard}" "$*" >&2; }
die() { say "ERROR: $1"; exit "${2:-1}"; }
is_root() { [ "$(id -u)" = 0 ]; }

# Unset every PG* variable of the caller's environment (PGHOST, PGUSER, PGOPTIONS, ...), so
# that libpq tools reach exactly the server they are given; names passed as arguments are kept.
clear_libpq_env() {  # clear_libpq_env [NAME...]
  local v keep
  while IFS= read -r v; do
    case "$v" in PG*) ;; *) continue ;; esac
    for keep in "$@"; do [ "$v" = "$keep" ] && continue 2; done
    unset "$v"
  done < <(compgen -e)
}

# Nothing listens on or is bound to 127.0.0.1:<port>. TIME_WAIT leftovers do not count: every
# listener started here (PostgreSQL, PoolGuard, PgBouncer) sets SO_REUSEADDR.
port_free() {  # port_free <port>
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 1; fi
  if command -v ss >/dev/null 2>&1; then
    [ -z "$(ss -Htan exclude time-wait "( sport = :$1 )" 2>/dev/null)" ] || return 1
  fi
  return 0
}

free_port() {  # free_port <first>: the first port from <first> on that nothing uses
  local p="$1"
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}

# SIGTERM, up to 10 s grace, then SIGKILL. Only ever called with pids the caller started.
stop_pid() {  # stop_pid <pid>
  local pid="$1" i
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# CPU clock ticks a process has used: "user system" (utime, stime from /proc/PID/stat).
cpu_ticks_split() { awk '{print $14, $15}' "/proc/$1/stat" 2>/dev/null || echo "0 0"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# apt-get update at most once per process.
_POOLGUARD_APT_UPDATED=0
apt_install() {  # apt_install <package>...
  is_root || die "cannot install $* without root"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: $*"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$_POOLGUARD_APT_UPDATED" = 0 ]; then
    say "apt-get update"
    apt-get update -q >/dev/null || die "apt-get update failed"
    _POOLGUARD_APT_UPDATED=1
  fi
  say "apt-get install -y $*"
  # Note: on Debian this also creates (and, where policy allows, starts) the
  # package's own 15/main cluster on 5432; the sandbox ignores it.
  local rc=0
  apt-get install -y -q "$@" >/dev/null || rc=$?
  [ "$rc" = 0 ] || die "apt-get install $* failed (rc=$rc)"
}

# The Debian package that ships the real pgbench binary (on Debian /usr/bin/pgbench
# is postgresql-common's pg_wrapper, so look at the versioned binary too).
pgbench_package() {
  local f pkg
  for f in "$PGBIN/pgbench" "$(readlink -f /usr/bin/pgbench 2>/dev/null || true)"; do
    if [ -z "$f" ] || [ ! -e "$f" ]; then continue; fi
    pkg="$(dpkg -S "$f" 2>/dev/null | head -n1 | cut -d: -f1)" || true
    case "$pkg" in postgresql-[0-9]*) echo "$pkg"; return 0 ;; esac
  done
  echo "postgresql-${PG_MAJOR}"   # PostgreSQL 15 on Debian 12: pgbench is in postgresql-15
}

# Make sure the PostgreSQL server, psql and pgbench binaries exist.
# Installs them when root; otherwise exits 3 with a clear message.
ensure_postgres_installed() {
  local missing=()
  [ -x "$PGBIN/postgres" ] && [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] || missing+=("postgresql-${PG_MAJOR}")
  [ -x "$PGBIN/psql" ] || missing+=("postgresql-client-${PG_MAJOR}")
  if [ "${#missing[@]}" -gt 0 ]; then
    if ! is_root; then
      say "PostgreSQL ${PG_MAJOR} is not installed ($PGBIN/postgres missing) and we are not root."
      say "Install it with: sudo apt-get install postgresql-${PG_MAJOR} postgresql-client-${PG_MAJOR}"
      exit 3
    fi
    apt_install "postgresql-${PG_MAJOR}" "postgresql-client-${PG_MAJOR}"
  fi
  if [ ! -x "$PGBIN/pgbench" ]; then
    local pkg; pkg="$(pgbench_package)"
    if ! is_root; then
      say "pgbench missing ($PGBIN/pgbench); install package $pkg"
      exit 3
    fi
    apt_install "$pkg"
  fi
  local b
  for b in postgres initdb pg_ctl psql pgbench; do
    [ -x "$PGBIN/$b" ] || die "$PGBIN/$b still missing after installing PostgreSQL ${PG_MAJOR}"
  done
}

# openssl makes the sandbox's throwaway TLS certificates (scripts/pg-sandbox.sh).
ensure_openssl_installed() {
  command -v openssl >/dev/null 2>&1 && return 0
  is_root || die "openssl is not installed and we are not root; install it with: sudo apt-get install openssl" 3
  apt_install openssl
}

# Debian's prometheus-pgbouncer-exporter: the integration test that scrapes PoolGuard's admin
# console with it (tests/PoolGuard.IntegrationTests/Http/AdminHttpProcessTests.cs). Optional: the
# test skips with a reason when it is missing, so a failed install only logs.
ensure_pgbouncer_exporter_installed() {
  [ -x /usr/bin/prometheus-pgbouncer-exporter ] && return 0
  if ! is_root; then
    say "prometheus-pgbouncer-exporter missing; its test will skip (install: sudo apt-get install prometheus-pgbouncer-exporter)"
    return 0
  fi
  # In a subshell: apt_install exits on failure, and this package must not fail the sandbox.
  ( apt_install prometheus-pgbouncer-exporter ) || say "prometheus-pgbouncer-exporter could not be installed; its test will skip"
}
