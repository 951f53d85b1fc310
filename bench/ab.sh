#!/usr/bin/env bash
# A/B of two PoolGuard builds under the same load, alternating run by run so that the box's drift
# hits both alike: `pgbench -n -S -c CLIENTS -j 2 -T DURATION` against each in turn, ROUNDS times,
# transaction mode, pool 20. Reports TPS and the pooler's user and system CPU µs per transaction
# (utime/stime from /proc/PID/stat): on this 2-core box a change of a few percent is only visible
# this way, never in two separate e2e runs.
#
# usage: A_REF=<commit> bench/ab.sh           (B defaults to the working tree)
#        A_BIN=/path/poolguard B_BIN=/path/poolguard bench/ab.sh
# Variables (defaults): CLIENTS=100 DURATION=10 ROUNDS=6 MODE=simple POOL_SIZE=20
#   A_REF / B_REF   a git commit to publish (in a temporary worktree); B_REF unset = working tree
#   A_BIN / B_BIN   an already published `poolguard` instead
#   PG_DIR=/tmp/poolguard-bench-pg   the sandbox cluster (shared with e2e.sh)
# Output: bench/results/<date>-ab.md. All traffic on 127.0.0.1; every pgbench bounded by timeout.
set -Eeuo pipefail
LOG_TAG=ab
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
clear_libpq_env

CLIENTS="${CLIENTS:-100}"; DURATION="${DURATION:-10}"; ROUNDS="${ROUNDS:-6}"; MODE="${MODE:-simple}"
POOL_SIZE="${POOL_SIZE:-20}"; PG_DIR="${PG_DIR:-/tmp/poolguard-bench-pg}"
for v in CLIENTS DURATION ROUNDS POOL_SIZE; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[ -n "${A_BIN:-}${A_REF:-}" ] || die "set A_REF=<commit> or A_BIN=<published poolguard>"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BENCH_TMP="$(mktemp -d /tmp/poolguard-ab.XXXXXX)"
WORKTREES=()
cleanup() {
  local w
  bench_cleanup
  for w in "${WORKTREES[@]}"; do git -C "$BENCH_ROOT" worktree remove --force "$w" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# build <A|B> <ref or empty>: sets BIN_<side> (a given binary, a published commit, or the working tree)
build() {
  local side="$1" ref="$2" given="$3" src="$BENCH_ROOT" out="$BENCH_TMP/bin-$1"
  if [ -n "$given" ]; then eval "BIN_$side=\$given"; return; fi
  if [ -n "$ref" ]; then
    src="$BENCH_TMP/src-$side"
    git -C "$BENCH_ROOT" worktree add --detach "$src" "$ref" >/dev/null 2>&1 || die "no such commit: $ref"
    WORKTREES+=("$src")
  fi
  say "dotnet publish $side (${ref:-working tree})"
  timeout 600 dotnet publish "$src/src/PoolGuard" -c Release -o "$out" --nologo -v quiet >"$BENCH_TMP/publish-$side.log" 2>&1 \
    || { tail -n 20 "$BENCH_TMP/publish-$side.log" >&2; die "publish of $side failed"; }
  eval "BIN_$side=\$out/poolguard"
}
build A "${A_REF:-}" "${A_BIN:-}"
build B "${B_REF:-}" "${B_BIN:-}"

start_pg $((POOL_SIZE * 2 + 40))
ensure_pgbench_data
declare -A PORT PID
for side in A B; do
  # shellcheck disable=SC2034  # read by start_poolguard (lib.sh)
  POOLGUARD_BIN="$(eval echo "\$BIN_$side")"
  if [ "$side" = A ]; then PORT[$side]="$(free_port 16600)"; else PORT[$side]="$(free_port $((PORT[A] + 1)))"; fi
  start_poolguard "${PORT[$side]}" transaction "$POOL_SIZE" $((CLIENTS + 50))
  PID[$side]="$POOLGUARD_PID"
done

pgbench_run() {  # pgbench_run <port> <seconds>: prints transactions processed
  PGPASSWORD="$DB_PASSWORD" timeout -k 5 $(($2 + 60)) "$PGBIN/pgbench" -h "$BENCH_HOST" -p "$1" -U "$DB_USER" \
    -n -S -M "$MODE" -c "$CLIENTS" -j 2 -T "$2" "$DB_NAME" 2>/dev/null \
    | grep -m1 -oP 'number of transactions actually processed: \K[0-9]+' || echo 0
}
LINES=()
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    pgbench_run "${PORT[$side]}" 3 >/dev/null   # warm-up
    read -r u0 s0 < <(cpu_ticks_split "${PID[$side]}")
    n="$(pgbench_run "${PORT[$side]}" "$DURATION")"
    read -r u1 s1 < <(cpu_ticks_split "${PID[$side]}")
    line="$(awk -v side="$side" -v r="$round" -v n="$n" -v t="$DURATION" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$CLK_TCK" \
      'BEGIN{ if (n == 0) n = 1; printf "| %s | %d | %.0f | %.1f | %.1f | %.1f |", side, r, n/t, u/hz*1e6/n, s/hz*1e6/n, (u+s)/hz*1e6/n }')"
    say "$line"
    LINES+=("$line")
  done
done

report() {
  echo "# PoolGuard A/B: pgbench -S -M $MODE, $CLIENTS clients, transaction mode, pool $POOL_SIZE"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(uname -sr), $(nproc) CPUs"
  echo "- A: ${A_REF:-${A_BIN:-}}; B: ${B_REF:-${B_BIN:-working tree at $(git -C "$BENCH_ROOT" rev-parse --short HEAD)}}"
  echo "- reproduce: \`CLIENTS=$CLIENTS DURATION=$DURATION ROUNDS=$ROUNDS MODE=$MODE A_REF=${A_REF:-…} bench/ab.sh\`"
  echo
  echo "| build | round | TPS | pooler user µs/tx | pooler sys µs/tx | pooler total µs/tx |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${LINES[@]}"
  echo
  echo "| build | mean TPS | mean pooler user µs/tx | mean pooler total µs/tx |"
  echo "|---|---:|---:|---:|"
  # Fields of a row split on '|': 2 build, 4 TPS, 5 user, 7 total.
  printf '%s\n' "${LINES[@]}" | awk -F'|' '{gsub(/ /, "", $2); n[$2]++; tps[$2] += $4; user[$2] += $5; cpu[$2] += $7}
    END { for (b in n) printf "| %s | %.0f | %.1f | %.1f |\n", b, tps[b]/n[b], user[b]/n[b], cpu[b]/n[b] }' | sort
}
mkdir -p "$BENCH_ROOT/bench/results"
RESULT_FILE="$BENCH_ROOT/bench/results/$(date +%Y-%m-%d-%H%M%S)-ab.md"
report | tee "$RESULT_FILE"
say "written to $RESULT_FILE"
