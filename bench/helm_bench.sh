#!/usr/bin/env bash
# Charts per second on the shared corpus (prometheus-community + argo-helm, default values):
#   1. a plain loop of `helm lint` + `helm template` over every chart (the baseline);
#   2. `syncgate check` of the same charts, cold cache (render + every rule + schemas + secrets);
#   3. the same check again with the render cache warm (goal: >= 10x faster than 2).
# Usage: bench/helm_bench.sh   (SYNCGATE_BIN=build/syncgate HELM=.tools/bin/helm JOBS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SYNCGATE_BIN:-build/syncgate}
HELM=${HELM:-.tools/bin/helm}
JOBS=${JOBS:-2}
DATA=../shared/data/corpus
repos=("$DATA/prometheus-community+helm-charts/charts" "$DATA/argoproj+argo-helm/charts")
for r in "${repos[@]}"; do
  [ -d "$r" ] || { echo "helm_bench: $r is missing (needs ../shared/data)" >&2; exit 1; }
done
[ -x "$HELM" ] || { echo "helm_bench: no helm at $HELM (run tools/install-helm.sh)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "helm_bench: no syncgate at $BIN (build it first)" >&2; exit 1; }

charts=()
for r in "${repos[@]}"; do
  for c in "$r"/*/; do [ -f "$c/Chart.yaml" ] && charts+=("${c%/}"); done
done
n=${#charts[@]}
now() { date +%s.%N; }
rate() { awk -v n="$n" -v s="$1" 'BEGIN { printf "%.2f", n / s }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "charts: $n, jobs: $JOBS, helm: $("$HELM" version --short)"

t0=$(now)
ok=0
for c in "${charts[@]}"; do
  "$HELM" lint "$c" >/dev/null 2>&1 || true
  if "$HELM" template "$(basename "$c")" "$c" >/dev/null 2>&1; then ok=$((ok + 1)); fi
done
t1=$(now)
loop=$(secs "$t0" "$t1")
echo "helm lint + helm template loop: ${loop}s, $(rate "$loop") charts/s ($ok rendered)"

cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
# --offline, as the helm loop is: `helm template` never fetches a missing dependency either, and
# a run that may download what it missed (kube-prometheus-stack's grafana) is not kept whole.
run_check() {
  SYNCGATE_CACHE_DIR="$cache" "$BIN" check "${repos[@]}" -j "$JOBS" --helm "$HELM" --offline \
    --fail-on never --no-require-render --format json 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["rendered"], s["skipped"], s["findings"])'
}
t0=$(now); cold_out=$(run_check); t1=$(now)
cold=$(secs "$t0" "$t1")
read -r rendered skipped findings <<<"$cold_out"
echo "syncgate check, cold cache:     ${cold}s, $(rate "$cold") charts/s ($rendered rendered, $skipped skipped, $findings findings)"
t0=$(now); run_check >/dev/null; t1=$(now)
warm=$(secs "$t0" "$t1")
echo "syncgate check, warm cache:     ${warm}s, $(rate "$warm") charts/s"
awk -v l="$loop" -v c="$cold" -v w="$warm" \
  'BEGIN { printf "cold check vs helm loop: %.2fx faster; warm vs cold: %.1fx faster\n", l / c, c / w }'
