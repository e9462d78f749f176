#!/usr/bin/env bash
# Sync benchmark (issue 9): `syncgate sync` of the three example Applications from local bare
# repositories, end to end. Prints wall time per Application and the time spent in fetch,
# render (helm template), check (loading and every rule, render excluded) and publish; the goal
# is the gate's own work (everything but helm template) under 100 ms per Application.
# Usage: bench/sync_bench.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -x "$build/syncgate" ] || { echo "no $build/syncgate: build first"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The source repositories as local bare repositories (q-sign after the fixes, q-kms and q-app).
mapfile -t maps < <(tools/example-repos.sh "$work")

helm_bin=$(command -v helm || true)
[ -n "$helm_bin" ] || helm_bin=$PWD/.tools/bin/helm
[ -x "$helm_bin" ] || echo "note: no helm (tools/install-helm.sh): charts cannot render, so every sync fails closed"

run() {
  SYNCGATE_CACHE_DIR="$work/cache" "$build/syncgate" sync examples/gated/q-sign/argocd examples/q-kms/argocd \
    examples/q-app/argocd --target "$work/gitops-env.git" "${maps[@]}" --helm "$helm_bin" \
    --cache-dir "$work/cache/git" --timings 2>&1 || true
}
echo "== first run (cold fetch and render caches)"
start=$(date +%s.%N); run | grep -E '^[a-z-]+:|timings'; end=$(date +%s.%N)
echo "   total wall: $(awk "BEGIN {printf \"%.0f ms\", ($end - $start) * 1000}")"
echo "== second run (warm caches, nothing changed: no new commit)"
start=$(date +%s.%N); run | grep -E '^[a-z-]+:|timings'; end=$(date +%s.%N)
echo "   total wall: $(awk "BEGIN {printf \"%.0f ms\", ($end - $start) * 1000}")"
echo "== environment branches"
git -C "$work/gitops-env.git" for-each-ref --format='%(refname:short) %(objectname:short)' refs/heads
