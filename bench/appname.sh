#!/usr/bin/env bash
# What a per-client application_name costs in transaction pooling: CLIENTS single-client pgbench
# processes (`pgbench -n -S -c 1 -T DURATION`) at once, each with its own PGAPPNAME ("distinct") or
# all with the same one ("shared"), through PoolGuard and PgBouncer with the same pool. Distinct
# names make nearly every transaction land on a server last set up for another client, so each
# pooler must carry the name over; the ratio distinct/shared is what that costs.
#
# usage: bench/appname.sh
# Variables (defaults): CLIENTS=20 DURATION=10 ROUNDS=2 POOL_SIZE=10
#   POOLGUARD_BIN  an already published `poolguard` (default: publish the working tree)
#   PGBOUNCER      the PgBouncer binary (default: Debian's; ../shared/peers/pgbouncer-1.25/pgbouncer for 1.25)
#   PG_DIR=/tmp/poolguard-bench-pg   the sandbox cluster (shared with e2e.sh)
# Output: bench/results/<date>-appname.md. All traffic on 127.0.0.1; every pgbench bounded by timeout.
set -Eeuo pipefail
LOG_TAG=appname
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
clear_libpq_env PGBOUNCER

CLIENTS="${CLIENTS:-20}"; DURATION="${DURATION:-10}"; ROUNDS="${ROUNDS:-2}"; POOL_SIZE="${POOL_SIZE:-10}"
PG_DIR="${PG_DIR:-/tmp/poolguard-bench-pg}"
for v in CLIENTS DURATION ROUNDS POOL_SIZE; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BENCH_TMP="$(mktemp -d /tmp/poolguard-appname.XXXXXX)"
chmod 0711 "$BENCH_TMP"   # PgBouncer runs as the cluster's OS user and needs its own subdir
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# Which PoolGuard the table is about: the binary given, or the working tree published here.
POOLGUARD_LABEL="$(poolguard_label)"
publish_poolguard
start_pg $((POOL_SIZE * 2 + 40))
ensure_pgbench_data
declare -A PORT
PORT[poolguard]="$(free_port 16700)"
start_poolguard "${PORT[poolguard]}" transaction "$POOL_SIZE" $((CLIENTS + 50))
POOLERS=(poolguard)
if have_pgbouncer; then
  PORT[pgbouncer]="$(free_port $((PORT[poolguard] + 1)))"
  start_pgbouncer "${PORT[pgbouncer]}" transaction "$POOL_SIZE" $((CLIENTS + 50))
  POOLERS+=(pgbouncer)
  PGB_VERSION="$("$PGBOUNCER" --version | head -n 1)"
else
  say "PgBouncer not found ($PGBOUNCER): PoolGuard only"
fi

run_case() {  # run_case <port> <distinct|shared>: prints the summed TPS of CLIENTS processes
  local port="$1" names="$2" i pids=() total=0 tps
  for i in $(seq 1 "$CLIENTS"); do
    local app=bench; [ "$names" = distinct ] && app="client-$i"
    PGPASSWORD="$DB_PASSWORD" PGAPPNAME="$app" timeout $((DURATION + 60)) "$PGBIN/pgbench" -n -S -c 1 -j 1 -T "$DURATION" \
      -h "$BENCH_HOST" -p "$port" -U "$DB_USER" "$DB_NAME" >"$BENCH_TMP/run-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { cat "$BENCH_TMP/run-$((i + 1)).log" >&2; die "pgbench failed"; }; done
  for i in $(seq 1 "$CLIENTS"); do
    tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$BENCH_TMP/run-$i.log" | head -n 1)"
    total="$(awk -v a="$total" -v b="${tps:-0}" 'BEGIN { printf "%.1f", a + b }')"
  done
  echo "$total"
}

declare -A SUM
for round in $(seq 1 "$ROUNDS"); do
  for names in shared distinct; do
    for pooler in "${POOLERS[@]}"; do
      tps="$(run_case "${PORT[$pooler]}" "$names")"
      say "round $round, $names names, $pooler: $tps TPS"
      SUM[$pooler-$names]="$(awk -v a="${SUM[$pooler-$names]:-0}" -v b="$tps" 'BEGIN { printf "%.1f", a + b }')"
    done
  done
done

out="$BENCH_ROOT/bench/results/$(date +%Y-%m-%d-%H%M%S)-appname.md"
{
  echo "# application_name per client, transaction pooling"
  echo
  echo "$CLIENTS processes of \`pgbench -n -S -c 1 -T $DURATION\` at once, pool $POOL_SIZE, SCRAM, mean of $ROUNDS interleaved rounds."
  echo "PoolGuard ${POOLGUARD_LABEL}; ${PGB_VERSION:-no PgBouncer}."
  echo
  echo "| pooler | shared name TPS | distinct names TPS | distinct / shared |"
  echo "|---|---:|---:|---:|"
  for pooler in "${POOLERS[@]}"; do
    s="$(awk -v a="${SUM[$pooler-shared]}" -v n="$ROUNDS" 'BEGIN { printf "%.0f", a / n }')"
    d="$(awk -v a="${SUM[$pooler-distinct]}" -v n="$ROUNDS" 'BEGIN { printf "%.0f", a / n }')"
    echo "| $pooler | $s | $d | $(awk -v a="$d" -v b="$s" 'BEGIN { printf "%.2f", a / b }') |"
  done
} >"$out"
cat "$out"
say "written to $out"
