#!/usr/bin/env bash
# Memory of a pooler holding many idle client connections: VmRSS of the PoolGuard (and, when
# installed, PgBouncer) process before and after the clients connect, and the delta per client.
#
# Three cases, each with a fresh pooler process:
#   queued  N clients that finished SSLRequest + startup + SCRAM and sit in the wait queue
#           (pool size QUEUE_POOL, query_wait_timeout 1 h): the first QUEUE_POOL of them are
#           linked to a server, the rest wait. Opened by bench/PoolGuard.IdleClients --mode login.
#   linked  LINKED clients fully logged in, each linked to its own server (pool size LINKED),
#           that ran `select 1` and went idle. Opened with Npgsql (--mode query). This case needs
#           LINKED PostgreSQL backends, so it stays smaller than N on a small machine.
#   txidle  TXIDLE Npgsql clients in transaction mode (pool size QUEUE_POOL) that ran `select 1`
#           and went idle: logged in, holding no server — what an application's connection pool
#           looks like between requests. (queued and linked run in session mode.)
#
# usage: bench/idle-rss.sh
# Variables (defaults):
#   N=1000             clients in the queued case
#   LINKED=200         clients (and servers) in the linked case; capped at N; 0 = skip the case
#   TXIDLE=0           clients in the txidle case; 0 = skip the case
#   QUEUE_POOL=10      pool size in the queued case
#   CONCURRENCY=16     connections opened at once
#   SETTLE=3           seconds to wait after the last client connected before reading VmRSS
#   PG_DIR=/tmp/poolguard-bench-pg  PG_PORT=   sandbox cluster (see bench/e2e.sh)
#   POOLGUARD_BIN=     an already published `poolguard` (default: publish once into a temp dir)
#   SKIP_PGBOUNCER=0   1 = PoolGuard only
#   RESULTS_DIR=bench/results   where <date>-idle-rss.md goes
#   KEEP_TMP=0 KEEP_PG=0
# Output: a Markdown table on stdout, also written to $RESULTS_DIR/<date>-idle-rss.md.
# "server backends" = PostgreSQL backends of the benchmark role while the clients are held;
# "serves after" = a new client can still run `select 1` after the idle clients closed.
set -Eeuo pipefail
LOG_TAG=idle-rss
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
clear_libpq_env

N="${N:-1000}"; LINKED="${LINKED:-200}"; QUEUE_POOL="${QUEUE_POOL:-10}"; TXIDLE="${TXIDLE:-0}"
CONCURRENCY="${CONCURRENCY:-16}"; SETTLE="${SETTLE:-3}"
PG_DIR="${PG_DIR:-/tmp/poolguard-bench-pg}"; RESULTS_DIR="${RESULTS_DIR:-$BENCH_ROOT/bench/results}"
for v in N QUEUE_POOL CONCURRENCY; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ "$LINKED" =~ ^[0-9]+$ ]] || die "LINKED must be an integer"
[[ "$TXIDLE" =~ ^[0-9]+$ ]] || die "TXIDLE must be an integer"
[ "$LINKED" -le "$N" ] || LINKED="$N"
command -v ss >/dev/null || die "ss (iproute2) is needed"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
MOST=$(( N > TXIDLE ? N : TXIDLE ))
[ "$(ulimit -n)" -gt $((MOST + 100)) ] || die "ulimit -n $(ulimit -n) is too low for $MOST clients"
BENCH_TMP="$(mktemp -d /tmp/poolguard-idle.XXXXXX)"
chmod 0711 "$BENCH_TMP"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# Backends: the linked case holds LINKED servers; the queued case QUEUE_POOL; one pooler at a time.
start_pg "$(( (LINKED > QUEUE_POOL ? LINKED : QUEUE_POOL) + 30 ))"
publish_poolguard
say "dotnet publish bench/PoolGuard.IdleClients -c Release"
timeout 600 dotnet publish "$BENCH_ROOT/bench/PoolGuard.IdleClients" -c Release -o "$BENCH_TMP/idle-clients" \
    --nologo -v quiet >"$BENCH_TMP/publish-idle.log" 2>&1 \
  || { tail -n 20 "$BENCH_TMP/publish-idle.log" >&2; die "publish of PoolGuard.IdleClients failed"; }
IDLE_CLIENTS="$BENCH_TMP/idle-clients/PoolGuard.IdleClients"

POOLERS=(poolguard)
if [ "${SKIP_PGBOUNCER:-0}" != 1 ] && have_pgbouncer; then POOLERS+=(pgbouncer); PGB_NOTE="PgBouncer $("$PGBOUNCER" --version | head -n1 | awk '{print $2}')"
else PGB_NOTE="PgBouncer: not run ($( [ "${SKIP_PGBOUNCER:-0}" = 1 ] && echo 'SKIP_PGBOUNCER=1' || echo 'not installed: apt-get install pgbouncer'))"; fi
CASES=(queued); [ "$LINKED" -gt 0 ] && CASES+=(linked); [ "$TXIDLE" -gt 0 ] && CASES+=(txidle)

ROWS=()
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
measure() {  # measure <pooler> <case>
  local pooler="$1" kind="$2" count pool mode port pid pool_mode=session
  case "$kind" in
    queued) count="$N"; pool="$QUEUE_POOL"; mode=login ;;
    linked) count="$LINKED"; pool="$LINKED"; mode=query ;;
    txidle) count="$TXIDLE"; pool="$QUEUE_POOL"; mode=query; pool_mode=transaction ;;
  esac
  port="$(free_port 16732)"
  if [ "$pooler" = poolguard ]; then
    start_poolguard "$port" "$pool_mode" "$pool" $((count + 100)) 1h; pid="$POOLGUARD_PID"
  else
    start_pgbouncer "$port" "$pool_mode" "$pool" $((count + 100)) 3600; pid="$PGBOUNCER_PID"
  fi
  # Warm up (one login and query, as the clients will do) so that "before" includes the code paths.
  psql_at "$port" 'select 1' >/dev/null
  sleep 1
  local before; before="$(rss_kb "$pid")"

  local out="$BENCH_TMP/$pooler-$kind.out" err="$BENCH_TMP/$pooler-$kind.err" clients ready=""
  "$IDLE_CLIENTS" --port "$port" --user "$DB_USER" --password "$DB_PASSWORD" --database "$DB_NAME" \
      --count "$count" --concurrency "$CONCURRENCY" --mode "$mode" --timeout 60 --hold 1800 >"$out" 2>"$err" &
  clients=$!
  BENCH_PIDS+=("$clients")
  local deadline=$((SECONDS + 120 + count / 10))
  while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$clients" 2>/dev/null; do
    ready="$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$out")"
    [ -n "$ready" ] && break
    sleep 0.5
  done
  [ -n "$ready" ] || { tail -n 5 "$err" >&2; die "$pooler $kind: clients did not get ready in time"; }
  sleep "$SETTLE"
  local with hwm established
  with="$(rss_kb "$pid")"; hwm="$(hwm_kb "$pid")"
  established="$(ss -Htn state established "( sport = :$port )" | wc -l)"
  local backends; backends="$(psql_at "$PG_PORT" "select count(*) from pg_stat_activity where usename = '$DB_USER' and pid <> pg_backend_pid()" 2>/dev/null || echo '?')"
  local failed; failed="$(grep -oP '\K[0-9]+(?= of [0-9]+ connections failed)' "$err" || echo 0)"

  stop_tracked "$clients"
  sleep 2
  local after serves
  after="$(rss_kb "$pid")"
  serves="$( [ "$(psql_at "$port" 'select 1' 2>/dev/null)" = 1 ] && echo yes || echo NO)"
  if [ "$pooler" = poolguard ]; then stop_tracked "$pid"; else stop_pgbouncer; fi

  local per; per="$(awk -v a="$before" -v b="$with" -v n="$ready" 'BEGIN{ if (n > 0) printf "%.1f", (b-a)/n; else print "-"}')"
  ROWS+=("| $pooler | $kind | $ready | $failed | $pool | $established | $backends | $(mb "$before") | $(mb "$with") | $(mb "$hwm") | $per | $(mb "$after") | $serves |")
  say "$pooler $kind: $ready clients ($failed failed), RSS ${before} kB -> ${with} kB ($per kB per client), ${after} kB after they left; serves after: $serves"
}

for kind in "${CASES[@]}"; do
  for pooler in "${POOLERS[@]}"; do measure "$pooler" "$kind"; done
done

report() {
  echo "# Idle client connections: pooler RSS"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(uname -sr), $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "- PostgreSQL $(psql_at "$PG_PORT" 'show server_version'); $PGB_NOTE; PoolGuard $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '(uncommitted tree)') (dotnet publish -c Release, default GC settings of src/PoolGuard)"
  echo "- SCRAM-SHA-256, 127.0.0.1; queued (session mode): clients logged in (SSLRequest 'N', startup, SCRAM) waiting for one of $QUEUE_POOL servers; linked (session mode): Npgsql clients (Pooling=false) each with its own server, idle after \`select 1\`; txidle (transaction mode, pool $QUEUE_POOL): Npgsql clients idle after \`select 1\`, holding no server"
  echo "- RSS = VmRSS of the pooler process: before = after start and one warm-up query; with = $SETTLE s after the last client connected; peak = VmHWM; after = 2 s after the clients closed"
  echo "- reproduce: \`N=$N LINKED=$LINKED TXIDLE=$TXIDLE QUEUE_POOL=$QUEUE_POOL bench/idle-rss.sh\`"
  echo
  echo "| pooler | case | clients held | failed | pool size | client sockets (ss) | server backends | RSS before MB | RSS with clients MB | peak MB | per client kB | RSS after close MB | serves after |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${ROWS[@]}"
}
mkdir -p "$RESULTS_DIR"
RESULT_FILE="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M%S)-idle-rss.md"
report | tee "$RESULT_FILE"
say "written to $RESULT_FILE"
