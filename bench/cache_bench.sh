#!/usr/bin/env bash
# Result cache benchmark (issue 16): `syncgate check -j2` over a copy of ../shared/data/corpus,
# cold (empty cache), warm with nothing changed, and warm after one chart's values file changed;
# with the charts rendered by helm and without. Prints wall and CPU seconds, the speed-ups
# (goals: warm >= 10x cold with nothing changed, >= 5x with one values file changed), and
# whether the warm findings equal the cold ones exactly. --offline: no schema or chart download
# (a run that may download what it missed is not kept whole).
# Usage: bench/cache_bench.sh [corpus-dir] [runs]     (best of `runs`, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/corpus}
runs=${2:-3}
[ -d "$corpus" ] || { echo "no corpus at $corpus (needs ../shared/data)"; exit 0; }
[ -x build/syncgate ] || tools/bootstrap.sh >/dev/null
helm=$PWD/.tools/bin/helm
[ -x "$helm" ] || helm=$(command -v helm || true)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/tree"
echo "{}" > "$work/tree/.syncgate.yaml"
# The values file edited by the "one chart changed" case: the first chart's values.yaml.
values=$(find "$work/tree" -name values.yaml -path '*/values.yaml' | sort | head -1)

# run CACHE HELM -> "wall cpu" (best of $runs for warm runs; cold runs start from an empty cache)
check() {  # check CACHE HELM OUT
  /usr/bin/time -o "$work/time" -f '%e %U %S' build/syncgate check -j2 --offline --fail-on never \
    --config "$work/tree/.syncgate.yaml" --helm "$2" --cache-dir "$1" --format "json=$3" \
    "$work/tree" >/dev/null 2>&1 || true
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$work/time"
}
best() {  # best CACHE HELM OUT [fresh] -> best "wall cpu" of $runs
  local b="" bw=999999 line w
  for _ in $(seq "$runs"); do
    [ "${4:-}" = fresh ] && rm -rf "$1"
    line=$(check "$1" "$2" "$3")
    w=${line% *}
    if awk "BEGIN {exit !($w < $bw)}"; then bw=$w; b=$line; fi
  done
  echo "$b"
}
same() {  # same A.json B.json -> "yes"/"NO"
  python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print("yes" if a["findings"] == b["findings"] and a["summary"] == b["summary"] else "NO")
EOF
}

echo "corpus: $corpus ($(find "$work/tree" -type f | wc -l) files), syncgate check -j2, best of $runs"
for mode in "without helm" "with helm"; do
  h=/nonexistent/helm
  if [ "$mode" = "with helm" ]; then
    [ -n "$helm" ] || { echo "$mode: skipped (no helm; run tools/install-helm.sh)"; continue; }
    h=$helm
  fi
  cache="$work/cache"
  read -r cw cc < <(best "$cache" "$h" "$work/cold.json" fresh)
  read -r ww wc < <(best "$cache" "$h" "$work/warm.json")
  cached=$(find "$cache/results" -name '*.findings' | wc -l); whole=$(find "$cache/results" -name '*.run' | wc -l)
  # One chart's values changed: a new key each time, so every run misses that chart only.
  one_best=999999; one=""
  for i in $(seq "$runs"); do
    cp "$values" "$work/values.orig"
    printf '\nsyncgateBench%s: %s\n' "$i" "$RANDOM" >> "$values"
    line=$(check "$cache" "$h" "$work/one.json")
    cp "$work/values.orig" "$values"
    w=${line% *}
    if awk "BEGIN {exit !($w < $one_best)}"; then one_best=$w; one=$line; fi
  done
  read -r ow oc <<< "$one"
  echo
  echo "$mode:"
  printf '  cold (empty cache)       %7.3f s wall  %7.3f s CPU\n' "$cw" "$cc"
  printf '  warm, nothing changed    %7.3f s wall  %7.3f s CPU  findings of %s files cached, whole run kept: %s; findings equal cold: %s\n' \
    "$ww" "$wc" "$cached" "$([ "$whole" -gt 0 ] && echo yes || echo no)" "$(same "$work/cold.json" "$work/warm.json")"
  printf '  warm, one values changed %7.3f s wall  %7.3f s CPU\n' "$ow" "$oc"
  awk -v c="$cw" -v w="$ww" -v o="$ow" 'BEGIN {
    printf "  speed-up nothing changed: %.1fx (goal >= 10x); one values file changed: %.1fx (goal >= 5x)\n", c/w, c/o }'
  rm -rf "$cache"
done
