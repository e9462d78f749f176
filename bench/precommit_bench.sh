#!/usr/bin/env bash
# Pre-commit speed: examples/ turned into a git repository, then `syncgate check --staged` as
# the installed hook runs it, 20 times each for
#   1. only a README staged (nothing YAML-related: the fast path)    goal < 15 ms
#   2. one values file of a chart staged (the chart is re-rendered)   goal < 200 ms
# and, for the floor under both, `syncgate version` (start-up alone) and `git --version`.
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

# timed LABEL GOAL_MS CMD...: runs CMD $runs times after a warm-up, prints p50/p95 in ms.
timed() {
  local label=$1 goal=$2 times=() status=0
  shift 2
  "$@" >/dev/null 2>&1 || status=$?  # warm-up
  for ((i = 0; i < runs; i++)); do
    # bash's own clock: a `$(date ...)` would add a fork and exec (several ms here) to each run.
    local t0 t1
    t0=${EPOCHREALTIME//[.,]/}
    "$@" >/dev/null 2>&1 || true
    t1=${EPOCHREALTIME//[.,]/}
    times+=($((t1 - t0)))
  done
  mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
  local p50=${sorted[$((runs / 2))]} p95=${sorted[$(((runs * 95 + 99) / 100 - 1))]}
  printf '%-38s exit %d  p50 %6.1f ms  p95 %6.1f ms%s\n' "$label" "$status" \
    "$(echo "$p50/1000" | bc -l)" "$(echo "$p95/1000" | bc -l)" \
    "$([ "$goal" -gt 0 ] && echo "  (goal < $goal ms)")"
}

# measure LABEL GOAL_MS: the staged check as the hook runs it.
measure() { timed "$1" "$2" "$bin" check --staged "${helm_args[@]}"; }

echo "syncgate pre-commit benchmark: $runs runs each, $(nproc) cores, $bin"
timed "git --version (reference)" 0 git --version
timed "syncgate version (start-up alone)" 0 "$bin" version
echo "docs change" >> README.md 2>/dev/null || echo "# examples" > README.md
git add README.md
measure "README only staged" 15
git reset -q
values=q-sign/helm/keycloak-pqc/values.yaml
[ -f "$values" ] || values=$(git ls-files '*values.yaml' | head -1)
printf '\n# bench: a staged change\nbenchAnnotation: "1"\n' >> "$values"
git add "$values"
measure "one values file staged ($(dirname "$values" | xargs basename))" 200
