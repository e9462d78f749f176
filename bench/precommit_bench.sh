#!/usr/bin/env bash
# Pre-commit speed: examples/ turned into a git repository, then `syncgate check --staged` as
# the installed hook runs it, 20 times each for
#   1. only a README staged (nothing YAML-related: the fast path)    goal < 50 ms
#   2. one values file of a chart staged (the chart is re-rendered)   goal < 300 ms
# Prints p50 and p95 of the wall time of the whole process.
# Usage: bench/precommit_bench.sh [path/to/syncgate]   (RUNS=20, HELM=.tools/bin/helm)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$root/build/syncgate}")
runs=${RUNS:-20}
helm=${HELM:-$root/.tools/bin/helm}
helm_args=()
[ -x "$helm" ] && helm_args=(--helm "$helm") || echo "note: no helm at $helm; charts are not rendered" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$root/examples" "$tmp/repo"
cd "$tmp/repo"
git init -q -b main
git -c user.email=bench@example.com -c user.name=bench add -A
git -c user.email=bench@example.com -c user.name=bench commit -q --no-verify -m examples

# measure LABEL GOAL_MS: runs the staged check $runs times, prints p50/p95 in milliseconds.
measure() {
  local label=$1 goal=$2 times=() status=0
  "$bin" check --staged "${helm_args[@]}" >/dev/null 2>&1 || status=$?  # warm-up
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    "$bin" check --staged "${helm_args[@]}" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000)))
  done
  mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
  local p50=${sorted[$((runs / 2))]} p95=${sorted[$(((runs * 95 + 99) / 100 - 1))]}
  printf '%-38s exit %d  p50 %6.1f ms  p95 %6.1f ms  (goal < %d ms)\n' "$label" "$status" \
    "$(echo "$p50/1000" | bc -l)" "$(echo "$p95/1000" | bc -l)" "$goal"
}

echo "syncgate pre-commit benchmark: $runs runs each, $(nproc) cores"
echo "docs change" >> README.md 2>/dev/null || echo "# examples" > README.md
git add README.md
measure "README only staged" 50
git reset -q
values=q-sign/helm/keycloak-pqc/values.yaml
[ -f "$values" ] || values=$(git ls-files '*values.yaml' | head -1)
printf '\n# bench: a staged change\nbenchAnnotation: "1"\n' >> "$values"
git add "$values"
measure "one values file staged ($(dirname "$values" | xargs basename))" 300
