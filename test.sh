#!/usr/bin/env bash
# Build PoolGuard, start the throwaway PostgreSQL sandbox, run every test project, stop
# the sandbox, and print one final line: `tests: N passed, N failed, N skipped`
# (summed from the TRX files' <Counters>; skipped = max(notExecuted, total - executed),
# because VSTest leaves notExecuted at 0 for skipped tests).
#
# usage: ./test.sh [extra dotnet test args]      e.g. ./test.sh --filter "FullyQualifiedName~Scram"
#
# Exit status: non-zero if the build fails, any test fails, any `dotnet test` run fails,
# or a TRX file is missing (a failed run without a failed test, e.g. a test host crash or a
# hang timeout, and a missing TRX each count as 1 failed in the final line).
# env: CI (passed through unchanged; with CI=true a missing PostgreSQL is an error, locally
#      the integration tests are run without POOLGUARD_TEST_PG and skip),
#      POOLGUARD_SKIP_SANDBOX=1 (do not start the sandbox), POOLGUARD_TEST_HANG_TIMEOUT
#      (per-test hang timeout for `dotnet test --blame-hang-timeout`, default 5m; 0 = off),
#      POOLGUARD_TEST_CONSOLE_VERBOSITY (console logger verbosity, default normal),
#      plus the POOLGUARD_SANDBOX_* settings of scripts/pg-sandbox.sh (POOLGUARD_SANDBOX_DIR
#      defaults to /tmp/poolguard-test-<checksum of the checkout path> here).
# Results: TestResults/<project>.trx
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

SOLUTION=PoolGuard.slnx
RESULTS="$root/TestResults"
SANDBOX=(bash "$root/scripts/pg-sandbox.sh")
# One sandbox dir per checkout, so that test runs of two clones on one machine do not
# share (and stop) each other's cluster; the port is picked free by pg-sandbox.sh.
if [ -z "${POOLGUARD_SANDBOX_DIR:-}" ]; then
  POOLGUARD_SANDBOX_DIR="/tmp/poolguard-test-$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
fi
export POOLGUARD_SANDBOX_DIR

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck disable=SC2034  # used by scripts/lib/common.sh
LOG_TAG=test.sh
# shellcheck source=scripts/lib/common.sh
. "$root/scripts/lib/common.sh"

command -v dotnet >/dev/null 2>&1 || die "dotnet not found on PATH (the .NET 10 SDK is required)"

# Tests open ~1000 sockets: raise the soft fd limit to the hard limit.
hard_nofile="$(ulimit -Hn)"
if [ "$hard_nofile" = unlimited ]; then
  ulimit -n 1048576 2>/dev/null || true
else
  ulimit -n "$hard_nofile" 2>/dev/null || true
fi
say "open files limit: $(ulimit -n)"

# --- sandbox lifecycle --------------------------------------------------------
sandbox_up=0
stop_sandbox() {
  if [ "$sandbox_up" = 1 ]; then
    sandbox_up=0
    "${SANDBOX[@]}" stop || say "warning: stopping the PostgreSQL sandbox failed"
  fi
}
trap stop_sandbox EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- test projects --------------------------------------------------------------
is_test_project() {  # explicit <IsTestProject>false wins; else IsTestProject=true or the test SDK
  local f="$1"
  if grep -qiE '<IsTestProject>[[:space:]]*false' "$f"; then return 1; fi
  grep -qiE '<IsTestProject>[[:space:]]*true|"Microsoft\.NET\.Test\.Sdk"' "$f"
}
projects=()
for f in tests/*/*.csproj; do
  [ -f "$f" ] || continue
  if is_test_project "$f"; then projects+=("$f"); fi
done
[ "${#projects[@]}" -gt 0 ] || die "no test projects found under tests/*/*.csproj"

# --- build ----------------------------------------------------------------------
say "dotnet build $SOLUTION -c Release"
dotnet build "$SOLUTION" -c Release --nologo -v minimal || die "build failed"
for p in "${projects[@]}"; do
  if ! grep -qF "\"$p\"" "$SOLUTION"; then   # a test project not (yet) listed in the solution
    say "dotnet build $p -c Release (not in $SOLUTION)"
    dotnet build "$p" -c Release --nologo -v minimal || die "build of $p failed"
  fi
done

# --- PostgreSQL sandbox -----------------------------------------------------------
if [ "${POOLGUARD_SKIP_SANDBOX:-0}" = 1 ]; then
  say "POOLGUARD_SKIP_SANDBOX=1: not starting the PostgreSQL sandbox"
else
  envfile="$(mktemp)"
  sandbox_rc=0
  "${SANDBOX[@]}" start >"$envfile" || sandbox_rc=$?
  case "$sandbox_rc" in
    0)
      sandbox_up=1
      set -a
      # shellcheck disable=SC1090
      . "$envfile"
      set +a
      rm -f "$envfile"
      say "PostgreSQL sandbox on $POOLGUARD_TEST_PG_HOST:$POOLGUARD_TEST_PG_PORT (dir $POOLGUARD_TEST_PG_DIR)"
      ;;
    3)
      rm -f "$envfile"
      if [ "${CI:-}" = true ]; then die "PostgreSQL is not available and CI=true"; fi
      say "warning: PostgreSQL is not available; tests that need it will skip"
      ;;
    *)
      rm -f "$envfile"
      die "starting the PostgreSQL sandbox failed (rc=$sandbox_rc)"
      ;;
  esac
fi

# --- run the tests, one TRX per project ----------------------------------------
rm -rf "$RESULTS"   # build output (gitignored): no stale TRX or blame attachments
mkdir -p "$RESULTS"
hang_args=()
hang="${POOLGUARD_TEST_HANG_TIMEOUT:-5m}"
if [ "$hang" != 0 ] && [ -n "$hang" ]; then
  hang_args=(--blame-hang-timeout "$hang" --blame-hang-dump-type none)
fi
console_verbosity="${POOLGUARD_TEST_CONSOLE_VERBOSITY:-normal}"

problems=()
failed_runs=()
for p in "${projects[@]}"; do
  name="$(basename "$p" .csproj)"
  rm -f "$RESULTS/$name.trx"
  say "dotnet test $name"
  rc=0
  dotnet test "$p" -c Release --no-build --nologo -v minimal \
    --results-directory "$RESULTS" \
    --logger "trx;LogFileName=$name.trx" \
    --logger "console;verbosity=$console_verbosity" \
    "${hang_args[@]}" "$@" || rc=$?
  if [ "$rc" != 0 ]; then problems+=("dotnet test $name exited with $rc"); failed_runs+=("$name"); fi
done

stop_sandbox

# --- summary from the TRX counters ---------------------------------------------------
counter() {  # counter <Counters element> <attribute>
  local v
  v="$(printf '%s\n' "$1" | sed -n "s/.*[[:space:]]$2=\"\([0-9][0-9]*\)\".*/\1/p")"
  echo "${v:-0}"
}
passed=0 failed=0 skipped=0
for p in "${projects[@]}"; do
  name="$(basename "$p" .csproj)"
  trx="$RESULTS/$name.trx"
  if [ ! -f "$trx" ]; then problems+=("missing $trx (counted as 1 failed)"); failed=$((failed + 1)); continue; fi
  c="$(grep -o '<Counters[[:space:]][^>]*>' "$trx" | head -n1 || true)"
  if [ -z "$c" ]; then problems+=("no <Counters> in $trx (counted as 1 failed)"); failed=$((failed + 1)); continue; fi
  p_=$(counter "$c" passed)
  f_=$(( $(counter "$c" failed) + $(counter "$c" error) + $(counter "$c" timeout) + $(counter "$c" aborted) ))
  # VSTest writes skipped tests as outcome="NotExecuted" results but leaves the
  # notExecuted counter at 0: skipped = max(notExecuted, total - executed).
  s_=$(counter "$c" notExecuted)
  t_=$(( $(counter "$c" total) - $(counter "$c" executed) ))
  [ "$t_" -le "$s_" ] || s_=$t_
  say "$name: $p_ passed, $f_ failed, $s_ skipped (total $(counter "$c" total))"
  # A run that failed without a failed test (test host crash, hang timeout, ...)
  # counts as one failure, so that the final line agrees with the exit status.
  if [ "$f_" = 0 ] && [[ " ${failed_runs[*]+"${failed_runs[*]}"} " == *" $name "* ]]; then
    problems+=("$name: the run failed without a failed test (crash/abort?); counted as 1 failed")
    f_=1
  fi
  passed=$((passed + p_)); failed=$((failed + f_)); skipped=$((skipped + s_))
done

# --- the failed tests by name, with the first lines of their messages -------------
# (CI keeps only the log's tail: the names have to be near the end to be seen.)
list_failed() {  # list_failed <trx>
  awk '
    /<UnitTestResult / && /outcome="Failed"/ {
      name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
      gsub(/&quot;/, "\"", name); gsub(/&amp;/, "\\&", name)
      print "  FAILED " name; want = 1; shown = 0; next
    }
    want && /<Message>/ { msg = 1; sub(/.*<Message>/, "") }
    want && msg {
      line = $0; done = sub(/<\/Message>.*/, "", line)
      gsub(/&quot;/, "\"", line); gsub(/&apos;/, "\047", line); gsub(/&lt;/, "<", line)
      gsub(/&gt;/, ">", line); gsub(/&amp;/, "\\&", line)
      if (shown < 6 && line != "") { print "      " line; shown++ }
      if (done) { msg = 0; want = 0 }
    }
  ' "$1"
}
for p in "${projects[@]}"; do
  trx="$RESULTS/$(basename "$p" .csproj).trx"
  [ -f "$trx" ] || continue
  list_failed "$trx"
done

status=0
for m in "${problems[@]+"${problems[@]}"}"; do say "problem: $m"; status=1; done
[ "$failed" = 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
