#!/usr/bin/env bash
# Is `poolguard loadtest` the bottleneck? The same select-only load straight at the sandbox PostgreSQL,
# from pgbench (-S -M prepared -c CLIENTS -j 2) and from `poolguard loadtest select-only --clients CLIENTS
# --warmup WARMUP` (a prepared statement per client, as -M prepared), alternating ROUNDS times in one run.
# Reports each round's TPS and the generator's own CPU per transaction (user + system of its process,
# from bash's `time`), and the ratio loadtest / pgbench of the mean TPS.
#
# usage: bench/loadtest-generator.sh
# Variables (defaults): CLIENTS=8 DURATION=10 ROUNDS=3 WARMUP=2
#   POOLGUARD_BIN  an already published `poolguard` (default: publish the working tree)
#   PG_DIR=/tmp/poolguard-bench-pg   the sandbox cluster (shared with e2e.sh)
# Output: bench/results/<date>-loadtest-generator.md. All traffic on 127.0.0.1; every run bounded by timeout.
set -Eeuo pipefail
LOG_TAG=loadtest-generator
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
clear_libpq_env

CLIENTS="${CLIENTS:-8}"; DURATION="${DURATION:-10}"; ROUNDS="${ROUNDS:-3}"; WARMUP="${WARMUP:-2}"
PG_DIR="${PG_DIR:-/tmp/poolguard-bench-pg}"
for v in CLIENTS DURATION ROUNDS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be whole seconds (got '$WARMUP')"
BENCH_TMP="$(mktemp -d /tmp/poolguard-lgen.XXXXXX)"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

POOLGUARD_LABEL="$(poolguard_label)"
publish_poolguard
start_pg $((CLIENTS + 40))
ensure_pgbench_data

TIMEFORMAT='%U %S'
# run <pgbench|loadtest> <round>: prints "tps cpu_seconds"
run() {
  local log="$BENCH_TMP/$1-$2.log" cpu tps
  if [ "$1" = pgbench ]; then
    cpu="$( { time PGPASSWORD="$DB_PASSWORD" timeout $((DURATION + 60)) "$PGBIN/pgbench" -n -S -M prepared -c "$CLIENTS" -j 2 -T "$DURATION" \
      -h "$BENCH_HOST" -p "$PG_PORT" -U "$DB_USER" "$DB_NAME" >"$log" 2>&1 ; } 2>&1 )" || { cat "$log" >&2; die "pgbench failed"; }
    tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log" | head -n 1)"
  else
    cpu="$( { time PGPASSWORD="$DB_PASSWORD" POOLGUARD_LOADTEST_STORE="$BENCH_TMP/history.db" timeout $((DURATION + WARMUP + 60)) "$POOLGUARD_BIN" loadtest select-only \
      -c "Host=$BENCH_HOST;Port=$PG_PORT;Database=$DB_NAME;Username=$DB_USER" --clients "$CLIENTS" -d "${DURATION}s" --warmup "${WARMUP}s" -q \
      --json "$BENCH_TMP/$1-$2.json" >"$log" 2>&1 ; } 2>&1 )" || { cat "$log" >&2; die "poolguard loadtest failed"; }
    # the result's own "tps" comes before its per-second points
    tps="$(grep -m 1 '"tps"' "$BENCH_TMP/$1-$2.json" | sed 's/[^0-9.]//g')"
  fi
  [ -n "$tps" ] || { cat "$log" >&2; die "no TPS in $1's output"; }
  tps="$(awk -v t="$tps" 'BEGIN { printf "%.0f", t }')"
  echo "$tps $(awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { printf "%.2f", u + s }')"
}

declare -A TPS
ROWS=()
for round in $(seq 1 "$ROUNDS"); do
  for tool in pgbench loadtest; do
    read -r tps cpu < <(run "$tool" "$round")
    # loadtest's process also runs the warm-up; its CPU per transaction counts the measured seconds' share only
    seconds="$DURATION"; [ "$tool" = loadtest ] && seconds=$((DURATION + WARMUP))
    us="$(awk -v c="$cpu" -v t="$tps" -v s="$seconds" 'BEGIN { printf "%.1f", c / (t * s) * 1e6 }')"
    say "round $round, $tool: $tps TPS, $cpu s CPU ($us µs per transaction)"
    ROWS+=("| $round | $tool | $tps | $us |")
    TPS[$tool]="$(awk -v a="${TPS[$tool]:-0}" -v b="$tps" 'BEGIN { printf "%.1f", a + b }')"
  done
done

out="$BENCH_ROOT/bench/results/$(date +%Y-%m-%d-%H%M%S)-loadtest-generator.md"
{
  echo "# poolguard loadtest against pgbench: $POOLGUARD_LABEL, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "select-only straight at PostgreSQL $(psql_at "$PG_PORT" 'show server_version') on $BENCH_HOST:$PG_PORT, $CLIENTS clients, ${DURATION} s measured each,"
  echo "$ROUNDS rounds alternating: \`pgbench -n -S -M prepared -c $CLIENTS -j 2 -T $DURATION\` and"
  echo "\`poolguard loadtest select-only --clients $CLIENTS -d ${DURATION}s --warmup ${WARMUP}s\`. $(nproc) cores shared by PostgreSQL and the generator."
  echo "Generator CPU per transaction: the process's user + system time (loadtest's spread over warm-up and measured seconds alike)."
  echo
  echo "| round | generator | TPS | generator CPU µs per transaction |"
  echo "|---|---|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Mean TPS: pgbench $(awk -v t="${TPS[pgbench]}" -v r="$ROUNDS" 'BEGIN { printf "%.0f", t / r }'),"\
    "loadtest $(awk -v t="${TPS[loadtest]}" -v r="$ROUNDS" 'BEGIN { printf "%.0f", t / r }');"\
    "ratio loadtest / pgbench $(awk -v a="${TPS[loadtest]}" -v b="${TPS[pgbench]}" 'BEGIN { printf "%.3f", a / b }')."
} >"$out"
cat "$out"
