#!/usr/bin/env bash
# Sharding benchmark (issue 16): `syncgate check --shard I/N` for N = 1, 2, 4, the N shards run
# one after another on this machine, each with an empty cache folder (a cold CI job).
# Prints, per tree and N, the wall time and the summed user+sys CPU time of the shards, their ratio
# to N=1 (goal: CPU within 10%), and whether `syncgate merge-reports` of the shards' JSON equals
# the N=1 report exactly (summary and findings).
# Usage: bench/shard_bench.sh [tree...]   (default: ../shared/data/corpus examples)
#        SYNCGATE_BIN=build-x/syncgate JOBS=2 bench/shard_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SYNCGATE_BIN:-build/syncgate}
jobs=${JOBS:-2}
[ -x "$bin" ] || { echo "no $bin: build it first (tools/bootstrap.sh)"; exit 1; }
trees=("$@")
if [ ${#trees[@]} -eq 0 ]; then
  trees=(examples)
  [ -d ../shared/data/corpus ] && trees=(../shared/data/corpus examples)
fi
helm_args=()
[ -x .tools/bin/helm ] && helm_args=(--helm .tools/bin/helm)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tree in "${trees[@]}"; do
  [ -d "$tree" ] || { echo "$tree: not found, skipped"; continue; }
  echo "== $tree (-j$jobs, renders: ${helm_args[*]:-no helm})"
  printf '%-3s %9s %9s %10s %s\n' N wall_s cpu_s cpu_ratio merged
  base_cpu=""
  for n in 1 2 4; do
    out="$work/n$n"
    mkdir -p "$out"
    wall=0 cpu=0
    for i in $(seq 1 "$n"); do
      shard=()
      [ "$n" -gt 1 ] && shard=(--shard "$i/$n")
      rm -rf "$work/cache"  # cold: one path for every run, so that messages naming it agree
      /usr/bin/time -o "$out/time-$i" -f '%e %U %S' "$bin" check "$tree" --offline \
        --no-require-render --fail-on never -j "$jobs" --cache-dir "$work/cache" \
        "${helm_args[@]}" "${shard[@]}" --format "json=$out/shard-$i.json" >/dev/null 2>&1 || {
        echo "shard $i/$n of $tree failed (exit $?)"; exit 1; }
      read -r w u s < "$out/time-$i"
      wall=$(awk -v a="$wall" -v b="$w" 'BEGIN {print a + b}')
      cpu=$(awk -v a="$cpu" -v b="$u" -v c="$s" 'BEGIN {print a + b + c}')
    done
    [ -z "$base_cpu" ] && base_cpu=$cpu
    merged="(reference)"
    if [ "$n" -gt 1 ]; then
      "$bin" merge-reports --fail-on never --format "json=$out/merged.json" "$out"/shard-*.json
      if cmp -s "$out/merged.json" "$work/n1/shard-1.json"; then
        merged="equal to N=1"
      else
        merged="DIFFERS from N=1"
        python3 - "$work/n1/shard-1.json" "$out/merged.json" <<'EOF' || true
import json, sys
full, merged = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda f: (f["file"], f["line"], f["column"], f["rule"], f["message"])
a, b = {key(f) for f in full["findings"]}, {key(f) for f in merged["findings"]}
print("  summary full:  ", full["summary"]); print("  summary merged:", merged["summary"])
for f in sorted(a - b)[:10]: print("  only in full:  ", f)
for f in sorted(b - a)[:10]: print("  only in merged:", f)
EOF
      fi
    fi
    ratio=$(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN {printf "%.2f", a / b}')
    printf '%-3s %9.2f %9.2f %10s %s\n' "$n" "$wall" "$cpu" "$ratio" "$merged"
  done
done
