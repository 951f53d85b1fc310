#!/usr/bin/env bash
# End-to-end pgbench comparison on one machine, in one run: PostgreSQL direct vs PgBouncer vs
# PoolGuard, `pgbench -n -S` (select-only) for each protocol mode, same database behind all three.
#
# usage: bench/e2e.sh            (run from anywhere; as root or as a non-root user)
#
# Variables (defaults):
#   CLIENTS=100          pgbench clients (-c)
#   DURATION=15          seconds per run (-T)
#   JOBS=2               pgbench threads (-j)
#   MODES="simple extended"   pgbench -M modes to run
#   SCALE=10             pgbench scale; the database is re-initialised when it differs
#   POOL_MODE=session    pool mode of both poolers (session | transaction)
#   POOL_SIZE=           server connections per pool, the same for both poolers;
#                        default CLIENTS in session mode (each client holds a server), 20 otherwise
#   PG_MAX_CONNECTIONS=  default CLIENTS + 2 * POOL_SIZE + 20, at least 250 (both poolers keep
#                        their servers open between runs, next to the direct run's backends)
#   WARMUP=5             seconds of unmeasured pgbench load before each measured run (same
#                        target, mode and clients): PoolGuard's JIT reaches its optimised code
#                        and every pooler its full pool before the clock starts; 0 = off
#   P99=1                log every transaction (pgbench -l) to compute the p99 latency; 0 = off
#   PG_DIR=/tmp/poolguard-bench-pg   sandbox cluster dir (scripts/pg-sandbox.sh); reused when it
#                        runs with the same settings; stopped at the end only if this run started it
#   PG_PORT=             sandbox port (default: first free from 54320)
#   PGB_PORT=16432 PG_GUARD_PORT=16532   first ports tried for PgBouncer and PoolGuard
#   POOLGUARD_BIN=       an already published `poolguard` (default: dotnet publish src/PoolGuard
#                        -c Release into a temp dir, once)
#   SKIP_PGBOUNCER=0     1 = leave PgBouncer out (it is left out anyway when not installed)
#   RESULTS_DIR=bench/results   where <date>-e2e.md goes
#   KEEP_TMP=0 KEEP_PG=0 keep the temp dir (pgbench logs, configs, pooler logs) / the cluster
#
# Output: a Markdown table on stdout (TPS, average and p99 latency, failed transactions, the
# pooler's CPU as % of one core from /proc/PID/stat over the run) plus ratios PoolGuard/PgBouncer
# and PoolGuard/direct, also written to $RESULTS_DIR/<date>-e2e.md.
# Every pgbench call is bounded by `timeout`; the poolers and (if started here) the cluster are
# stopped on exit. All traffic stays on 127.0.0.1.
set -Eeuo pipefail
LOG_TAG=e2e
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# Never let the caller's libpq environment leak into psql/pgbench.
clear_libpq_env

CLIENTS="${CLIENTS:-100}"; DURATION="${DURATION:-15}"; JOBS="${JOBS:-2}"
MODES="${MODES:-simple extended}"; SCALE="${SCALE:-10}"; POOL_MODE="${POOL_MODE:-session}"
if [ "$POOL_MODE" = session ]; then POOL_SIZE="${POOL_SIZE:-$CLIENTS}"; else POOL_SIZE="${POOL_SIZE:-20}"; fi
PG_MAX_CONNECTIONS="${PG_MAX_CONNECTIONS:-$((CLIENTS + 2 * POOL_SIZE + 20))}"
[ "$PG_MAX_CONNECTIONS" -ge 250 ] || PG_MAX_CONNECTIONS=250
P99="${P99:-1}"; WARMUP="${WARMUP:-5}"; PG_DIR="${PG_DIR:-/tmp/poolguard-bench-pg}"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_ROOT/bench/results}"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number of seconds (got '$WARMUP')"
for v in CLIENTS DURATION JOBS SCALE POOL_SIZE PG_MAX_CONNECTIONS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
case "$POOL_MODE" in session|transaction) ;; *) die "POOL_MODE must be session or transaction" ;; esac
if [ "$POOL_MODE" = session ] && [ "$POOL_SIZE" -lt "$CLIENTS" ]; then
  say "WARNING: session mode with POOL_SIZE $POOL_SIZE < CLIENTS $CLIENTS: clients beyond the pool wait for a server for the whole run"
fi
[ "$JOBS" -le "$CLIENTS" ] || JOBS="$CLIENTS"
command -v ss >/dev/null || die "ss (iproute2) is needed"
[ -x "$PGBIN/pgbench" ] || die "pgbench not found in $PGBIN (Debian package postgresql-15; scripts/pg-sandbox.sh installs it as root)"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BENCH_TMP="$(mktemp -d /tmp/poolguard-e2e.XXXXXX)"
chmod 0711 "$BENCH_TMP"   # PgBouncer runs as the cluster's OS user and needs its own subdir
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# --- set up -------------------------------------------------------------------------------
start_pg "$PG_MAX_CONNECTIONS"
have_scale="$(psql_at "$PG_PORT" 'select count(*) from pgbench_branches' 2>/dev/null || echo 0)"
if [ "$have_scale" != "$SCALE" ]; then
  say "pgbench -i -s $SCALE"
  PGPASSWORD="$DB_PASSWORD" timeout 1800 "$PGBIN/pgbench" -h "$BENCH_HOST" -p "$PG_PORT" -U "$DB_USER" \
      -i -s "$SCALE" -q "$DB_NAME" >"$BENCH_TMP/init.log" 2>&1 || { cat "$BENCH_TMP/init.log" >&2; die "pgbench -i failed"; }
fi
publish_poolguard

MAX_CLIENT_CONN=$((CLIENTS + 100))
TARGETS=(direct)
declare -A PORT PID
PORT[direct]="$PG_PORT"
if [ "${SKIP_PGBOUNCER:-0}" != 1 ] && have_pgbouncer; then
  PORT[pgbouncer]="$(free_port "${PGB_PORT:-16432}")"
  start_pgbouncer "${PORT[pgbouncer]}" "$POOL_MODE" "$POOL_SIZE" "$MAX_CLIENT_CONN"
  PID[pgbouncer]="$PGBOUNCER_PID"
  TARGETS+=(pgbouncer)
  PGB_NOTE="PgBouncer $("$PGBOUNCER" --version | head -n1 | awk '{print $2}')"
else
  PGB_NOTE="PgBouncer: not run ($( [ "${SKIP_PGBOUNCER:-0}" = 1 ] && echo 'SKIP_PGBOUNCER=1' || echo "not installed: apt-get install pgbouncer"))"
  say "$PGB_NOTE"
fi
PORT[poolguard]="$(free_port "${PG_GUARD_PORT:-16532}")"
start_poolguard "${PORT[poolguard]}" "$POOL_MODE" "$POOL_SIZE" "$MAX_CLIENT_CONN"
PID[poolguard]="$POOLGUARD_PID"
TARGETS+=(poolguard)

# --- one pgbench run ------------------------------------------------------------------------
declare -A TPS LAT P99MS FAILED ABORTED RC CPU BUSY PERTX PGTX
# CPU of PostgreSQL in clock ticks: the postmaster's own and its reaped backends' (utime, stime,
# cutime, cstime), plus the backends alive now — so backends that come and go (direct runs) count too.
pg_cpu_ticks() {
  local pm t p; pm="$(postmaster_pid)"
  [ -n "$pm" ] || { echo 0; return; }
  t="$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat" 2>/dev/null || echo 0)"
  for p in $(pgrep -P "$pm"); do t=$((t + $(cpu_ticks "$p"))); done
  echo "$t"
}
p99_ms() {  # p99 of column 3 (latency, us) of pgbench -l logs, in ms
  cat "$@" 2>/dev/null | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n -S 64M \
    | awk '{v[NR]=$1} END {if (NR == 0) {print "-"; exit} i=int(NR*0.99); if (i < NR*0.99) i++; if (i < 1) i=1; printf "%.3f", v[i]/1000}'
}
run_pgbench() {  # run_pgbench <target> <mode>
  local t="$1" mode="$2" key="$1/$2" out="$BENCH_TMP/$1-$2" rc=0
  local args=(-h "$BENCH_HOST" -p "${PORT[$t]}" -U "$DB_USER" -n -S -M "$mode" -c "$CLIENTS" -j "$JOBS" -T "$DURATION")
  [ "$P99" = 1 ] && { mkdir -p "$out.log.d"; args+=(-l --log-prefix="$out.log.d/tx"); }
  local pid="${PID[$t]:-}" c0=0 c1=0 b0 t0 b1 t1 w0 w1
  if [ "$WARMUP" -gt 0 ]; then
    PGPASSWORD="$DB_PASSWORD" timeout -k 5 $((WARMUP + 60 + CLIENTS / 10)) "$PGBIN/pgbench" \
      -h "$BENCH_HOST" -p "${PORT[$t]}" -U "$DB_USER" -n -S -M "$mode" -c "$CLIENTS" -j "$JOBS" -T "$WARMUP" \
      "$DB_NAME" >/dev/null 2>&1 || true
  fi
  [ -n "$pid" ] && c0="$(cpu_ticks "$pid")"
  local g0 g1; g0="$(pg_cpu_ticks)"
  read -r b0 t0 < <(box_jiffies); w0="$(date +%s.%N)"
  PGPASSWORD="$DB_PASSWORD" timeout -k 5 $((DURATION + 60 + CLIENTS / 10)) \
    "$PGBIN/pgbench" "${args[@]}" "$DB_NAME" >"$out.out" 2>"$out.err" || rc=$?
  w1="$(date +%s.%N)"; read -r b1 t1 < <(box_jiffies)
  [ -n "$pid" ] && c1="$(cpu_ticks "$pid")"
  g1="$(pg_cpu_ticks)"
  TPS[$key]="$(grep -m1 -oP '^tps = \K[0-9.]+' "$out.out" | xargs -r printf '%.0f' || true)"
  LAT[$key]="$(grep -m1 -oP 'latency average = \K[0-9.]+' "$out.out" || true)"
  FAILED[$key]="$(grep -m1 -oP 'number of failed transactions: \K[0-9]+' "$out.out" || true)"
  # stderr lines of two threads can interleave: count matches, not lines
  ABORTED[$key]="$({ grep -oP 'client [0-9]+ (script [0-9]+ )?aborted' "$out.err" || true; } | wc -l)"
  RC[$key]="$rc"
  P99MS[$key]="-"; [ "$P99" = 1 ] && P99MS[$key]="$(p99_ms "$out.log.d"/tx.*)"
  CPU[$key]="-"
  [ -n "$pid" ] && CPU[$key]="$(awk -v a="$c0" -v b="$c1" -v s="$w0" -v e="$w1" -v hz="$CLK_TCK" 'BEGIN{printf "%.0f", 100*(b-a)/hz/(e-s)}')"
  # CPU time per transaction (µs): what each process spends on one transaction, the budget the TPS comes out of.
  local n; n="$(grep -m1 -oP 'number of transactions actually processed: \K[0-9]+' "$out.out" || echo 0)"
  PERTX[$key]="$(awk -v a="$c0" -v b="$c1" -v n="$n" -v hz="$CLK_TCK" -v p="$pid" 'BEGIN{ if (p != "" && n > 0) printf "%.1f", (b-a)/hz*1e6/n; else print "-"}')"
  PGTX[$key]="$(awk -v a="$g0" -v b="$g1" -v n="$n" -v hz="$CLK_TCK" 'BEGIN{ if (n > 0) printf "%.1f", (b-a)/hz*1e6/n; else print "-"}')"
  BUSY[$key]="$(awk -v a="$b0" -v b="$b1" -v x="$t0" -v y="$t1" 'BEGIN{ if (y > x) printf "%.0f", 100*(b-a)/(y-x); else print "-"}')"
  rm -rf "$out.log.d"   # up to millions of lines; the p99 is all we keep
  say "$t $mode: tps ${TPS[$key]:--} avg ${LAT[$key]:--} ms p99 ${P99MS[$key]} ms failed ${FAILED[$key]:--} aborted ${ABORTED[$key]} rc $rc pooler cpu ${CPU[$key]}%"
  if [ "$rc" != 0 ]; then
    { grep -E '(FATAL|ERROR|error):' "$out.err" || true; } | head -n 3 | sed 's/^/    /' >&2
  fi
}

say "runs: targets [${TARGETS[*]}], modes [$MODES], $CLIENTS clients, $JOBS jobs, ${DURATION}s each, scale $SCALE, $POOL_MODE mode, pool $POOL_SIZE"
# Interleaved (each mode: all targets back to back) so that drift hits every target alike.
for mode in $MODES; do
  for t in "${TARGETS[@]}"; do run_pgbench "$t" "$mode"; done
done

# --- report ---------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a/b; else print "-"}'; }
report() {
  echo "# PoolGuard end-to-end: pgbench -S, $CLIENTS clients, ${DURATION} s, $POOL_MODE pooling"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(uname -sr), $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "- PostgreSQL $(psql_at "$PG_PORT" 'show server_version') (max_connections $(psql_at "$PG_PORT" 'show max_connections'), scripts/pg-sandbox.sh: fsync off), pgbench $("$PGBIN/pgbench" --version | awk '{print $3}') scale $SCALE; $PGB_NOTE; PoolGuard $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '(uncommitted tree)')"
  echo "- both poolers: $POOL_MODE mode, pool size $POOL_SIZE, max_client_conn $MAX_CLIENT_CONN, SCRAM-SHA-256 with the plaintext password in their config, 127.0.0.1"
  echo "- CPU µs/tx: utime+stime per processed transaction, of the pooler process and of PostgreSQL (postmaster and all backends); on a CPU-bound box the TPS is the box's CPU divided by the sum of what every process spends per transaction"
  echo "- command: \`pgbench -n -S -M MODE -c $CLIENTS -j $JOBS -T $DURATION$( [ "$P99" = 1 ] && echo ' -l')\`; each measured run preceded by $WARMUP s of the same load, unmeasured; p99 from the per-transaction log; CPU % = the pooler's utime+stime over the run, in % of one core; box % = all CPUs busy"
  echo "- reproduce: \`CLIENTS=$CLIENTS DURATION=$DURATION JOBS=$JOBS MODES=\"$MODES\" SCALE=$SCALE POOL_MODE=$POOL_MODE POOL_SIZE=$POOL_SIZE WARMUP=$WARMUP bench/e2e.sh\`"
  echo
  echo "| target | mode | TPS | avg latency ms | p99 latency ms | failed tx | aborted clients | pgbench rc | pooler CPU % | box CPU % | pooler CPU µs/tx | PostgreSQL CPU µs/tx |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local mode t k
  for mode in $MODES; do
    for t in "${TARGETS[@]}"; do
      k="$t/$mode"
      echo "| $t | $mode | ${TPS[$k]:--} | ${LAT[$k]:--} | ${P99MS[$k]} | ${FAILED[$k]:--} | ${ABORTED[$k]} | ${RC[$k]} | ${CPU[$k]} | ${BUSY[$k]} | ${PERTX[$k]} | ${PGTX[$k]} |"
    done
  done
  echo
  echo "| mode | TPS PoolGuard/PgBouncer | TPS PoolGuard/direct | p99 PoolGuard/PgBouncer | p99 PoolGuard/direct |"
  echo "|---|---:|---:|---:|---:|"
  for mode in $MODES; do
    echo "| $mode | $(ratio "${TPS[poolguard/$mode]:-}" "${TPS[pgbouncer/$mode]:-}") | $(ratio "${TPS[poolguard/$mode]:-}" "${TPS[direct/$mode]:-}") | $(ratio "${P99MS[poolguard/$mode]:-}" "${P99MS[pgbouncer/$mode]:-}") | $(ratio "${P99MS[poolguard/$mode]:-}" "${P99MS[direct/$mode]:-}") |"
  done
  echo
  echo "Caveat: pgbench, the pooler and PostgreSQL share this machine's $(nproc) CPUs; a pooler's own CPU is"
  echo "taken from pgbench and the server, so absolute numbers are not what a dedicated pooler host gives."
  echo "A run with rc != 0, failed transactions or aborted clients is not a valid TPS figure."
}
mkdir -p "$RESULTS_DIR"
RESULT_FILE="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M%S)-e2e.md"
report | tee "$RESULT_FILE"
say "written to $RESULT_FILE"
