#!/usr/bin/env bash
# How long `poolguard check` takes on a large repository: a generated tree of FILES files (not committed),
# the shape of a monorepo — per service an appsettings.json, a .env, a Kubernetes Deployment + HPA +
# ConfigMap, a Spring application.properties or a Django settings.py — and the rest ordinary source files
# that no reader takes, plus one .poolguard-check.yml. Runs the check RUNS times (the first warms the
# page cache) and reports each wall time, the files read and the findings, all from the same run.
#
# usage: bench/check-tree.sh
# Variables (defaults): FILES=10000 SERVICES=400 RUNS=5
#   POOLGUARD_BIN  an already published `poolguard` (default: publish the working tree)
# Output: bench/results/<date>-check-tree.md. No network at all.
set -Eeuo pipefail
LOG_TAG=check-tree
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

FILES="${FILES:-10000}"; SERVICES="${SERVICES:-400}"; RUNS="${RUNS:-5}"
for v in FILES SERVICES RUNS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
BENCH_TMP="$(mktemp -d /tmp/poolguard-check-tree.XXXXXX)"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

POOLGUARD_LABEL="$(poolguard_label)"
publish_poolguard

tree="$BENCH_TMP/repo"
say "generating $FILES files ($SERVICES services) under $tree"
mkdir -p "$tree"
printf 'max_connections: 2000\nreserve: 20\n' > "$tree/.poolguard-check.yml"
written=1
for ((s = 0; s < SERVICES && written < FILES; s++)); do
  d="$tree/services/svc-$s"
  mkdir -p "$d/config" "$d/deploy" "$d/src"
  if ((s % 2 == 0)); then
    printf '{\n  "ConnectionStrings": {\n    "Main": "Host=db.internal;Database=shop;Username=svc%d;Maximum Pool Size=%d;Timeout=15"\n  }\n}\n' "$s" $((s % 7 + 3)) > "$d/appsettings.json"
  elif ((s % 4 == 1)); then
    printf 'spring.datasource.url=jdbc:postgresql://db.internal:5432/shop\nspring.datasource.hikari.maximum-pool-size=%d\n' $((s % 5 + 2)) > "$d/config/application.properties"
  else
    printf 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "HOST": "db.internal",\n        "NAME": "shop",\n        "OPTIONS": {"pool": {"min_size": 1, "max_size": %d}},\n    },\n}\n' $((s % 4 + 2)) > "$d/src/settings.py"
  fi
  printf 'LOG_LEVEL=info\nFEATURE_X=on\n' > "$d/.env"
  cat > "$d/deploy/k8s.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-$s
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: shop/svc-$s:1
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: svc-$s
spec:
  scaleTargetRef: { kind: Deployment, name: svc-$s }
  maxReplicas: 3
YAML
  written=$((written + 3))
done
# The rest: source files and docs no reader takes, as most of a repository is.
n=0
while ((written < FILES)); do
  d="$tree/services/svc-$((n % SERVICES))/src/pkg$((n / 1000))"
  mkdir -p "$d"
  printf 'namespace Svc;\n// file %d\npublic static class C%d { public const int V = %d; }\n' "$n" "$n" "$n" > "$d/File$n.cs"
  n=$((n + 1)); written=$((written + 1))
done
total=$(find "$tree" -type f | wc -l)
say "$total files"

out="$BENCH_ROOT/bench/results/$(date -u +%Y-%m-%d-%H%M%S)-check-tree.md"
times=()
for ((r = 1; r <= RUNS; r++)); do
  start=$(date +%s%N)
  set +e
  "$POOLGUARD_BIN" check "$tree" --format json > "$BENCH_TMP/out.json" 2> "$BENCH_TMP/err.txt"
  code=$?
  set -e
  end=$(date +%s%N)
  [ "$code" -le 1 ] || die "check exited $code: $(cat "$BENCH_TMP/err.txt")"
  ms=$(((end - start) / 1000000))
  times+=("$ms")
  say "run $r: ${ms} ms (exit $code)"
done
read_files=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["files_read"], len(d["pools"]), len(d["findings"]))' "$BENCH_TMP/out.json")
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(((RUNS + 1) / 2))p")
{
  echo "# poolguard check on a generated tree — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "PoolGuard: $POOLGUARD_LABEL. Machine: $(nproc) cores. Tree: $total files, $SERVICES services."
  echo "Files read, pools, findings: $read_files. Command: \`poolguard check TREE --format json\`, wall time per run, process start included (the tree was just written, so it is in the page cache)."
  echo
  echo "| run | wall ms |"
  echo "|---:|---:|"
  for ((r = 0; r < RUNS; r++)); do echo "| $((r + 1)) | ${times[$r]} |"; done
  echo
  echo "Median: **${median} ms** (target < 2000 ms)."
} > "$out"
say "median ${median} ms; wrote $out"
cat "$out"
