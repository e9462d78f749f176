#!/usr/bin/env bash
# Core benchmark (issue 2): `syncgate check` over ../shared/data/corpus at -j1 and -j2, next to
# yaml-cpp's event-parse-only rate on the same YAML files (the ceiling of this design).
# Prints MB/s, documents/s and peak memory. Usage: bench/check_bench.sh [corpus-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/corpus}
[ -d "$corpus" ] || { echo "no corpus at $corpus (needs ../shared/data)"; exit 0; }
[ -x build/syncgate ] && [ -x build/syncgate_parse_bench ] || tools/bootstrap.sh >/dev/null

mapfile -t yaml_files < <(find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' \) -not -path '*/templates/*' | sort)
all_bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
yaml_bytes=$(cat "${yaml_files[@]}" | wc -c)
echo "corpus: $corpus: $(find "$corpus" -type f | wc -l) files, $((all_bytes / 1024)) KiB; ${#yaml_files[@]} YAML files outside templates/, $((yaml_bytes / 1024)) KiB"
echo
build/syncgate_parse_bench "${yaml_files[@]}"
parse_mbs=$(build/syncgate_parse_bench "${yaml_files[@]}" | awk '/parse-only/ {print $(NF-1)}')

# An empty config: every built-in rule at its default, no exclusions. Charts are not rendered
# (helm is the Helm benchmark's subject, bench/helm_bench.sh), and --no-cache keeps the result
# cache (bench/cache_bench.sh measures it) from answering the repeats: this measures the check.
cfg=$(mktemp -d)/.syncgate.yaml
echo "{}" > "$cfg"
run() {  # run JOBS -> "seconds maxrss_kb documents"
  local best=999 rss=0 docs=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -o /tmp/syncgate-bench.time -f '%e %M' build/syncgate check --config "$cfg" \
      --fail-on never --no-cache --helm /nonexistent/helm --format json=/tmp/syncgate-bench.json -j "$1" \
      "$corpus" >/dev/null 2>&1 || true
    out=$(tail -1 /tmp/syncgate-bench.time)
    t=${out% *}; m=${out#* }
    if awk "BEGIN {exit !($t < $best)}"; then best=$t; fi
    rss=$m
  done
  docs=$(python3 -c 'import json;print(json.load(open("/tmp/syncgate-bench.json"))["summary"]["documents"])')
  echo "$best $rss $docs"
}
echo
read -r t1 m1 d < <(run 1)
read -r t2 m2 _ < <(run 2)
awk -v b="$all_bytes" -v y="$yaml_bytes" -v t1="$t1" -v t2="$t2" -v m1="$m1" -v m2="$m2" -v d="$d" -v p="$parse_mbs" 'BEGIN {
  printf "syncgate check -j1: %.2f s  %.1f MB/s (all files)  %.1f MB/s (YAML)  %.0f documents/s  peak %.0f MiB\n", t1, b/1e6/t1, y/1e6/t1, d/t1, m1/1024;
  printf "syncgate check -j2: %.2f s  %.1f MB/s (all files)  %.1f MB/s (YAML)  %.0f documents/s  peak %.0f MiB\n", t2, b/1e6/t2, y/1e6/t2, d/t2, m2/1024;
  printf "whole check at -j1 vs parse-only: %.0f%% (goal >= 75%%)\n", 100*(y/1e6/t1)/p;
  printf "-j2 speed-up over -j1: %.2fx (goal >= 1.7x)\n", t1/t2;
}'
