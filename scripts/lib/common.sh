# shellcheck shell=bash
# Helpers shared by scripts/pg-sandbox.sh, test.sh and .ci/run. Sourced, not executed.
# Everything here depends only on the repository itself (never on ../shared).

PG_MAJOR="${POOLGUARD_PG_MAJOR:-15}"
PGBIN="${POOLGUARD_PGBIN:-/usr/lib/postgresql/${PG_MAJOR}/bin}"

pg_log() { printf '[%s] %s: %s\n' "$(date +%H:%M:%S)" "${PG_LOG_TAG:-poolguard}" "$*" >&2; }
pg_die() { pg_log "ERROR: $*"; exit "${2:-1}"; }
is_root() { [ "$(id -u)" = 0 ]; }

# apt-get update at most once per process.
_POOLGUARD_APT_UPDATED=0
apt_install() {  # apt_install <package>...
  is_root || pg_die "cannot install $* without root"
  command -v apt-get >/dev/null 2>&1 || pg_die "apt-get not found; install manually: $*"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$_POOLGUARD_APT_UPDATED" = 0 ]; then
    pg_log "apt-get update"
    apt-get update -q >/dev/null || pg_die "apt-get update failed"
    _POOLGUARD_APT_UPDATED=1
  fi
  pg_log "apt-get install -y $*"
  # Note: on Debian this also creates (and, where policy allows, starts) the
  # package's own 15/main cluster on 5432; the sandbox ignores it.
  local rc=0
  apt-get install -y -q "$@" >/dev/null || rc=$?
  [ "$rc" = 0 ] || pg_die "apt-get install $* failed (rc=$rc)"
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
      pg_log "PostgreSQL ${PG_MAJOR} is not installed ($PGBIN/postgres missing) and we are not root."
      pg_log "Install it with: sudo apt-get install postgresql-${PG_MAJOR} postgresql-client-${PG_MAJOR}"
      exit 3
    fi
    apt_install "postgresql-${PG_MAJOR}" "postgresql-client-${PG_MAJOR}"
  fi
  if [ ! -x "$PGBIN/pgbench" ]; then
    local pkg; pkg="$(pgbench_package)"
    if ! is_root; then
      pg_log "pgbench missing ($PGBIN/pgbench); install package $pkg"
      exit 3
    fi
    apt_install "$pkg"
  fi
  local b
  for b in postgres initdb pg_ctl psql pgbench; do
    [ -x "$PGBIN/$b" ] || pg_die "$PGBIN/$b still missing after installing PostgreSQL ${PG_MAJOR}"
  done
}

# openssl makes the sandbox's throwaway TLS certificates (scripts/pg-sandbox.sh).
ensure_openssl_installed() {
  command -v openssl >/dev/null 2>&1 && return 0
  is_root || pg_die "openssl is not installed and we are not root; install it with: sudo apt-get install openssl" 3
  apt_install openssl
}

# Debian's prometheus-pgbouncer-exporter: the integration test that scrapes PoolGuard's admin
# console with it (tests/PoolGuard.IntegrationTests/Http/AdminHttpProcessTests.cs). Optional: the
# test skips with a reason when it is missing, so a failed install only logs.
ensure_pgbouncer_exporter_installed() {
  [ -x /usr/bin/prometheus-pgbouncer-exporter ] && return 0
  if ! is_root; then
    pg_log "prometheus-pgbouncer-exporter missing; its test will skip (install: sudo apt-get install prometheus-pgbouncer-exporter)"
    return 0
  fi
  # In a subshell: apt_install exits on failure, and this package must not fail the sandbox.
  ( apt_install prometheus-pgbouncer-exporter ) || pg_log "prometheus-pgbouncer-exporter could not be installed; its test will skip"
}
