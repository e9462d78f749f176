#!/usr/bin/env bash
# Very large inputs (issue 18): `syncgate check` on generated trees at 1/4, 1/2 and 1x of
#   values   one chart whose values.yaml is one map of 1,000,000 keys
#   files    a folder of 100,000 YAML files (a ConfigMap each)
#   charts   a monorepo of 10,000 charts (Chart.yaml, values.yaml, a Deployment template each)
# Prints time and peak RSS per size, and the growth from one size to the next (time ratio and
# RSS ratio: about 2.0 each when doubling the input grows them linearly). Charts are checked
# statically (helm's own time is bench/helm_bench.sh's subject), -j2, without caches.
# The trees are generated into a temporary folder and removed at the end; nothing is committed.
# Usage: bench/scale_bench.sh [--scale F] [values|files|charts ...]
#   --scale F   multiplies every size (0.1 for a quick look); default 1
set -euo pipefail
cd "$(dirname "$0")/.."
scale=1
kinds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    values|files|charts) kinds+=("$1"); shift ;;
    *) echo "usage: bench/scale_bench.sh [--scale F] [values|files|charts ...]" >&2; exit 2 ;;
  esac
done
[ ${#kinds[@]} -gt 0 ] || kinds=(values files charts)
[ -x build/syncgate ] || tools/bootstrap.sh >/dev/null
binary=$(pwd)/build/syncgate
work=$(mktemp -d "${TMPDIR:-/tmp}/syncgate-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT

# generate KIND N DIR: the tree of one size (python3: fast enough for a million lines).
generate() {
  python3 - "$1" "$2" "$3" <<'EOF'
import os, sys
kind, n, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(root, exist_ok=True)
def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
if kind == "values":
    write(f"{root}/chart/Chart.yaml", "apiVersion: v2\nname: big\nversion: 0.1.0\n")
    write(f"{root}/chart/templates/cm.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: b\n")
    with open(f"{root}/chart/values.yaml", "w") as f:
        # One flat map, the worst case (real values nest, 1,000 to a map would hide a lookup that
        # scans the map per key); every value a distinct scalar.
        for i in range(n):
            f.write(f"key{i}: value-{i}\n")
elif kind == "files":
    for i in range(n):
        write(f"{root}/manifests/d{i // 1000}/cm-{i}.yaml",
              f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n"
              f"  namespace: apps\ndata:\n  index: \"{i}\"\n")
elif kind == "charts":
    for i in range(n):
        c = f"{root}/charts/g{i // 100}/chart-{i}"
        write(f"{c}/Chart.yaml", f"apiVersion: v2\nname: chart-{i}\nversion: 1.0.{i}\n")
        write(f"{c}/values.yaml", f"replicaCount: 2\nimage:\n  repository: registry.example/app-{i}\n"
              f"  tag: \"1.{i}.0\"\nresources:\n  limits: {{cpu: 100m, memory: 128Mi}}\n")
        write(f"{c}/templates/deployment.yaml",
              "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
              "spec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n"
              "      containers:\n        - name: app\n"
              "          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n")
EOF
  # Large files are the point here, not the default size limit.
  printf 'max_file_size: 256MiB\n' > "$3/.syncgate.yaml"
}

full() {
  case "$1" in values) echo 1000000 ;; files) echo 100000 ;; charts) echo 10000 ;; esac
}

printf '%-7s %10s %9s %10s %12s %11s\n' kind size seconds "peak MiB" "time ratio" "RSS ratio"
for kind in "${kinds[@]}"; do
  base=$(awk -v n="$(full "$kind")" -v s="$scale" 'BEGIN {printf "%d", n * s}')
  prev_t="" prev_m=""
  for div in 4 2 1; do
    n=$((base / div))
    dir="$work/$kind-$n"
    generate "$kind" "$n" "$dir"
    code=0
    (cd "$dir" && /usr/bin/time -o "$work/time" -f '%e %M' "$binary" check . --fail-on never \
      --no-cache --offline --helm /nonexistent/helm -j 2 --format json="$work/report.json" \
      >/dev/null 2>"$work/stderr") || code=$?
    read -r t m < <(tail -1 "$work/time")
    if [ "$code" -ne 0 ]; then
      echo "$kind $n: syncgate check exited $code:" >&2
      tail -5 "$work/stderr" >&2
    fi
    tr="-" mr="-"
    if [ -n "$prev_t" ]; then
      tr=$(awk -v a="$t" -v b="$prev_t" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
      mr=$(awk -v a="$m" -v b="$prev_m" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
    fi
    printf '%-7s %10d %9.2f %10.0f %12s %11s\n' "$kind" "$n" "$t" "$((m / 1024))" "$tr" "$mr"
    prev_t=$t prev_m=$m
    rm -rf "$dir"
  done
done
