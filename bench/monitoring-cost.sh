#!/usr/bin/env bash
# What monitoring costs during load: the same pgbench run (select-only, CLIENTS clients, DURATION s)
# through PoolGuard with the watcher and the alert rules off (watch_interval = 0,
# alert_evaluation_interval = 0) and on at their defaults (5 s each, watch_user set), alternating
# ROUNDS times. Measured from /proc: PoolGuard's CPU, the watcher's own PostgreSQL backend's CPU
# (application_name poolguard-watcher), and TPS. Reports the ratios on/off from the same run.
#
# usage: bench/monitoring-cost.sh
# Variables (defaults): CLIENTS=8 DURATION=30 ROUNDS=2 POOL_SIZE=10
#   POOLGUARD_BIN  an already published `poolguard` (default: publish the working tree)
#   PG_DIR=/tmp/poolguard-bench-pg   the sandbox cluster (shared with e2e.sh)
# Output: bench/results/<date>-monitoring-cost.md. All traffic on 127.0.0.1; every pgbench bounded by timeout.
set -Eeuo pipefail
LOG_TAG=monitoring-cost
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
clear_libpq_env

CLIENTS="${CLIENTS:-8}"; DURATION="${DURATION:-30}"; ROUNDS="${ROUNDS:-2}"; POOL_SIZE="${POOL_SIZE:-10}"
PG_DIR="${PG_DIR:-/tmp/poolguard-bench-pg}"
for v in CLIENTS DURATION ROUNDS POOL_SIZE; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
BENCH_TMP="$(mktemp -d /tmp/poolguard-moncost.XXXXXX)"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

POOLGUARD_LABEL="$(poolguard_label)"
publish_poolguard
start_pg $((POOL_SIZE * 2 + 40))
ensure_pgbench_data

sum_ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(cpu_ticks "$pid"))); done; echo "$t"; }

# run_mode <off|on>: prints "tps poolguard_ticks watcher_ticks watchers"
run_mode() {
  local port settings pids ticks0 wticks0 ticks1 wticks1 tps
  port="$(free_port 16800)"
  if [ "$1" = on ]; then
    settings='"WatchUser": "watch_user", "WatchPassword": "watch_pw",'
  else
    settings='"WatchInterval": "0", "AlertEvaluationInterval": "0",'
  fi
  POOLGUARD_EXTRA_SETTINGS="$settings" start_poolguard "$port" transaction "$POOL_SIZE" $((CLIENTS + 50)) >&2
  sleep 7   # the watcher's first samples, the JIT warm
  pids="$(psql_at "$PG_PORT" "select string_agg(pid::text, ' ') from pg_stat_activity where application_name = 'poolguard-watcher'")"
  ticks0="$(cpu_ticks "$POOLGUARD_PID")"; wticks0="$(sum_ticks $pids)"
  PGPASSWORD="$DB_PASSWORD" timeout $((DURATION + 60)) "$PGBIN/pgbench" -n -S -c "$CLIENTS" -j 2 -T "$DURATION" \
    -h "$BENCH_HOST" -p "$port" -U "$DB_USER" "$DB_NAME" >"$BENCH_TMP/pgbench-$1.log" 2>&1 || { cat "$BENCH_TMP/pgbench-$1.log" >&2; die "pgbench failed"; }
  ticks1="$(cpu_ticks "$POOLGUARD_PID")"; wticks1="$(sum_ticks $pids)"
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$BENCH_TMP/pgbench-$1.log" | head -n 1)"
  stop_pid "$POOLGUARD_PID"
  echo "$tps $((ticks1 - ticks0)) $((wticks1 - wticks0)) $(echo $pids | wc -w)"
}

declare -A TPS TICKS WTICKS
ROWS=()
for round in $(seq 1 "$ROUNDS"); do
  for mode in off on; do
    read -r tps ticks wticks watchers < <(run_mode "$mode")
    say "round $round, monitoring $mode: $tps TPS, PoolGuard $ticks ticks, watcher backends ($watchers) $wticks ticks"
    ROWS+=("| $round | $mode | $tps | $ticks | $wticks |")
    TPS[$mode]="$(awk -v a="${TPS[$mode]:-0}" -v b="$tps" 'BEGIN { printf "%.1f", a + b }')"
    TICKS[$mode]=$(( ${TICKS[$mode]:-0} + ticks )); WTICKS[$mode]=$(( ${WTICKS[$mode]:-0} + wticks ))
  done
done

seconds=$((DURATION * ROUNDS))
pct() { awk -v t="$1" -v s="$seconds" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz / s * 100 }'; }
out="$BENCH_ROOT/bench/results/$(date +%Y-%m-%d-%H%M%S)-monitoring-cost.md"
{
  echo "# Monitoring cost under load: $POOLGUARD_LABEL, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "pgbench -S -c $CLIENTS -j 2 -T $DURATION through PoolGuard (transaction pooling, pool $POOL_SIZE), $ROUNDS rounds alternating;"
  echo "monitoring off = watch_interval 0 and alert_evaluation_interval 0; on = both at their 5 s default, watch_user set."
  echo "CPU from /proc/<pid>/stat over the pgbench runs only, as a share of one core. $(nproc) cores."
  echo
  echo "| monitoring | TPS (mean) | PoolGuard CPU | watcher's PostgreSQL backend CPU |"
  echo "|---|---|---|---|"
  for mode in off on; do
    echo "| $mode | $(awk -v t="${TPS[$mode]}" -v r="$ROUNDS" 'BEGIN { printf "%.0f", t / r }') | $(pct "${TICKS[$mode]}") % | $(pct "${WTICKS[$mode]}") % |"
  done
  echo
  echo "| round | monitoring | TPS | PoolGuard ticks | watcher backend ticks |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Ratios on/off: TPS $(awk -v a="${TPS[on]}" -v b="${TPS[off]}" 'BEGIN { printf "%.3f", a / b }'),"\
    "PoolGuard CPU $(awk -v a="${TICKS[on]}" -v b="${TICKS[off]}" 'BEGIN { printf "%.3f", a / b }');"\
    "monitoring's own cost: PoolGuard $(awk -v a="${TICKS[on]}" -v b="${TICKS[off]}" -v s="$seconds" -v hz="$CLK_TCK" 'BEGIN { printf "%+.2f", (a - b) / hz / s * 100 }') % of a core (on minus off; compare it with the rounds above: runs of one mode differ by a few %),"\
    "PostgreSQL $(pct "${WTICKS[on]}") % of a core."
} >"$out"
cat "$out"
