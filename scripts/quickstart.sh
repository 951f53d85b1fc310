#!/usr/bin/env bash
# Builds PoolGuard, starts a throwaway PostgreSQL 15 (scripts/pg-sandbox.sh) and runs the gateway
# in front of it on 127.0.0.1:6432, printing how to connect. Ctrl-C stops the gateway and the sandbox.
#
#   scripts/quickstart.sh            # gateway on 6432, sandbox on a free port
#   POOLGUARD_PORT=7432 scripts/quickstart.sh
#   POOLGUARD_HTTP_PORT=9931 scripts/quickstart.sh        # admin HTTP (metrics, API) on 9931 instead of 9930
#   POOLGUARD_DLL=path/poolguard.dll scripts/quickstart.sh   # run that build instead of publishing one
#
# Installs PostgreSQL 15 from Debian if it is missing (needs root for that).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=${POOLGUARD_PORT:-6432}
http_port=${POOLGUARD_HTTP_PORT:-9930}
export POOLGUARD_SANDBOX_DIR=${POOLGUARD_SANDBOX_DIR:-/tmp/poolguard-quickstart}
export POOLGUARD_SANDBOX_MAX_CONNECTIONS=${POOLGUARD_SANDBOX_MAX_CONNECTIONS:-40}

# shellcheck disable=SC2034  # used by scripts/lib/common.sh
LOG_TAG=quickstart
# shellcheck source=lib/common.sh
. scripts/lib/common.sh

command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"

if [ -n "${POOLGUARD_DLL:-}" ]; then
  poolguard=(dotnet "$POOLGUARD_DLL")
else
  echo "== building PoolGuard"
  dotnet publish src/PoolGuard -c Release -o "$root/out" --nologo -v q
  poolguard=("$root/out/poolguard")
fi

echo "== starting the sandbox PostgreSQL"
bash scripts/pg-sandbox.sh start >/dev/null
# shellcheck disable=SC1091
. "$POOLGUARD_SANDBOX_DIR/sandbox.env"

# The admin console's own login: a fresh password per sandbox, printed below with the line that uses it.
admin_pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
config="$POOLGUARD_SANDBOX_DIR/poolguard.json"
umask 077
cat >"$config" <<JSON
{
  "PoolGuard": {
    "ListenAddress": "127.0.0.1",
    "ListenPort": $port,
    "AdminHttpPort": $http_port,
    "PoolMode": "session",
    "DefaultPoolSize": 10,
    "MaxClientConn": 200,
    "MaxServerConnections": 30,
    "QueryWaitTimeout": "30s",
    "AdminUsers": ["admin"],
    "WatchUser": "watch_user",
    "WatchPassword": "watch_pw",
    "Databases": {
      "app": { "Host": "127.0.0.1", "Port": $POOLGUARD_TEST_PG_PORT },
      "pgbench": { "Host": "127.0.0.1", "Port": $POOLGUARD_TEST_PG_PORT }
    },
    "Users": {
      "app_user": { "Password": "app_pw" },
      "admin": { "Password": "$admin_pw" }
    }
  }
}
JSON

cleanup() {
  echo "== stopping the sandbox"
  bash "$root/scripts/pg-sandbox.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

cat <<MSG

PostgreSQL sandbox : 127.0.0.1:$POOLGUARD_TEST_PG_PORT (max_connections=$POOLGUARD_SANDBOX_MAX_CONNECTIONS)
PoolGuard gateway  : 127.0.0.1:$port  (config: $config)
Metrics and API    : http://127.0.0.1:$http_port/metrics, /api/pools, /api/databases

Connect through the gateway:
  PGPASSWORD=app_pw psql "host=127.0.0.1 port=$port user=app_user dbname=app"
Load it (10 clients, one server each in session mode):
  PGPASSWORD=app_pw pgbench -h 127.0.0.1 -p $port -U app_user -S -c 10 -T 10 pgbench
See PostgreSQL itself as the watcher samples it (every connection, by application, headroom left):
  curl -s http://127.0.0.1:$http_port/api/databases/app
Watch the pools on the admin console (user admin, a password made for this sandbox):
  PGPASSWORD=$admin_pw psql "host=127.0.0.1 port=$port user=admin dbname=pgbouncer" -c 'SHOW POOLS'

Ctrl-C stops the gateway and the sandbox.
MSG
"${poolguard[@]}" run -c "$config"
