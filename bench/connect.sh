#!/usr/bin/env bash
# Clients that connect per transaction, many more than servers, in session pooling:
# `pgbench -n -S -c CLIENTS -j 2 -T DURATION --connect` through PoolGuard and PgBouncer, pool POOL_SIZE.
# pgbench connects synchronously inside each of its threads, so a pooler that makes a connect wait
# for a server stalls every other client of that thread, those holding the servers included.
#
# usage: bench/connect.sh
# Variables (defaults): CLIENTS=200 DURATION=8 POOL_SIZE=10 WAIT_TIMEOUT=20 (query_wait_timeout, s)
#   POOLGUARD_BIN  an already published `poolguard` (default: publish the working tree)
#   PGBOUNCER      the PgBouncer binary (default: Debian's; ../shared/peers/pgbouncer-1.25/pgbouncer for 1.25)
#   PG_DIR=/tmp/poolguard-bench-pg   the sandbox cluster (shared with e2e.sh)
# Output: bench/results/<date>-connect.md. All traffic on 127.0.0.1; every pgbench bounded by timeout.
set -Eeuo pipefail
LOG_TAG=connect
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
clear_libpq_env PGBOUNCER

CLIENTS="${CLIENTS:-200}"; DURATION="${DURATION:-8}"; POOL_SIZE="${POOL_SIZE:-10}"; WAIT_TIMEOUT="${WAIT_TIMEOUT:-20}"
PG_DIR="${PG_DIR:-/tmp/poolguard-bench-pg}"
for v in CLIENTS DURATION POOL_SIZE WAIT_TIMEOUT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BENCH_TMP="$(mktemp -d /tmp/poolguard-connect.XXXXXX)"
chmod 0711 "$BENCH_TMP"   # PgBouncer runs as the cluster's OS user and needs its own subdir
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# Which PoolGuard the table is about: the binary given, or the working tree published here.
POOLGUARD_LABEL="$(poolguard_label)"
publish_poolguard
start_pg $((POOL_SIZE * 2 + 40))
declare -A PORT
PORT[poolguard]="$(free_port 16800)"
start_poolguard "${PORT[poolguard]}" session "$POOL_SIZE" $((CLIENTS + 50)) "${WAIT_TIMEOUT}s"
POOLERS=(poolguard)
if have_pgbouncer; then
  PORT[pgbouncer]="$(free_port $((PORT[poolguard] + 1)))"
  start_pgbouncer "${PORT[pgbouncer]}" session "$POOL_SIZE" $((CLIENTS + 50)) "$WAIT_TIMEOUT"
  POOLERS+=(pgbouncer)
  PGB_VERSION="$("$PGBOUNCER" --version | head -n 1)"
fi

out="$BENCH_ROOT/bench/results/$(date +%Y-%m-%d-%H%M%S)-connect.md"
{
  echo "# Connect per transaction, session pooling"
  echo
  echo "\`pgbench -n -S -c $CLIENTS -j 2 -T $DURATION --connect\`, pool $POOL_SIZE, query_wait_timeout $WAIT_TIMEOUT s, SCRAM."
  echo "PoolGuard ${POOLGUARD_LABEL}; ${PGB_VERSION:-no PgBouncer}."
  echo
  echo "| pooler | transactions | failed | TPS (including connection time) | wall s | exit |"
  echo "|---|---:|---:|---:|---:|---:|"
} >"$out"
for pooler in "${POOLERS[@]}"; do
  start=$(date +%s)
  rc=0
  PGPASSWORD="$DB_PASSWORD" timeout $((DURATION + WAIT_TIMEOUT + 60)) "$PGBIN/pgbench" -n -S -c "$CLIENTS" -j 2 -T "$DURATION" --connect \
    -h "$BENCH_HOST" -p "${PORT[$pooler]}" -U "$DB_USER" "$DB_NAME" >"$BENCH_TMP/$pooler.log" 2>&1 || rc=$?
  wall=$(( $(date +%s) - start ))
  processed="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$BENCH_TMP/$pooler.log")"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$BENCH_TMP/$pooler.log")"
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$BENCH_TMP/$pooler.log" | head -n 1)"
  say "$pooler: ${processed:-?} transactions, ${failed:-?} failed, ${tps:-?} TPS, ${wall} s, exit $rc"
  echo "| $pooler | ${processed:-?} | ${failed:-?} | ${tps:-?} | $wall | $rc |" >>"$out"
done
cat "$out"
say "written to $out"
