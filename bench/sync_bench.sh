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
git_() { git -c user.name=bench -c user.email=bench@example.com -c init.defaultBranch=main \
             -c commit.gpgsign=false "$@"; }

# One bare repository per example, holding that folder's files as its root (as on the GitLab).
declare -A url=(
  [q-sign]=http://192.168.0.11:7780/root/q-sign.git
  [q-kms]=http://192.168.0.11:7780/root/q-kms.git
  [q-app]=https://gitlab.qsign.example/root/q-app.git
)
maps=()
for app in q-sign q-kms q-app; do
  mkdir -p "$work/src/$app"
  cp -r "examples/$app/." "$work/src/$app/"
  git_ -C "$work/src/$app" init -q
  git_ -C "$work/src/$app" add -A
  git_ -C "$work/src/$app" commit -q -m "example $app"
  git_ -C "$work/src/$app" tag v1.4.2
  git_ clone -q --bare "$work/src/$app" "$work/$app.git"
  maps+=(--repo-map "${url[$app]}=$work/$app.git")
done
git_ init -q --bare "$work/gitops-env.git"

helm_bin=$(command -v helm || true)
[ -n "$helm_bin" ] || helm_bin=$PWD/.tools/bin/helm
[ -x "$helm_bin" ] || echo "note: no helm (tools/install-helm.sh): charts cannot render, so every sync fails closed"

run() {
  SYNCGATE_CACHE_DIR="$work/cache" "$build/syncgate" sync examples/q-sign/argocd examples/q-kms/argocd \
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
