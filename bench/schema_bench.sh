#!/usr/bin/env bash
# Schema validation, side by side on the same 2,910 resources and the same Kubernetes 1.31
# schemas: syncgate `schemas validate` on 1 and 2 threads, Python's jsonschema (Debian's
# python3-jsonschema, 1 thread), and kubeconform's reference figures; then syncgate reading the
# schemas from its cache (after one `schemas fetch`) against the same folder given as
# --schema-location.
#   bench/schema_bench.sh [build-dir]      (default build/; ROUNDS=3: the best of 3 runs each)
# Resources: ../shared/data/corpus/kubernetes+examples, the rendered charts ../shared/data/rendered
# and the bitnami renders of ../shared/data/archives/rendered-more.tar.xz (unpacked to a temp
# folder). Wall and CPU are those of the whole process (reading, parsing, schema loading and
# validation), as kubeconform's were measured.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${ROUNDS:-3}
data=../shared/data
schemas="$data/k8s-schemas/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"
[ -d "$data" ] || { echo "schema_bench: $data is missing" >&2; exit 2; }
[ -x "$build/syncgate" ] || { echo "schema_bench: build $build/syncgate first" >&2; exit 2; }
python=/usr/bin/python3  # Debian's, with Debian's jsonschema (not a pip one on PATH)
if ! "$python" -c 'import jsonschema, yaml' 2>/dev/null; then
  echo "schema_bench: installing python3-jsonschema python3-yaml" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq --no-install-recommends python3-jsonschema python3-yaml >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$data/archives/rendered-more.tar.xz" -C "$work"
inputs=("$data/corpus/kubernetes+examples" "$data/rendered" "$work/bitnami")

# Kubeconform v0.6.3 (`kubeconform -n 2 -strict`) on these 2,910 resources, measured once on this
# machine; it cannot be installed here (no package in the registries this machine reaches).
kubeconform_wall=3.16
kubeconform_cpu=5.9

# timed LABEL CMD...: runs CMD $rounds times; prints the best wall and CPU (user+sys) in seconds
# and sets $best_wall, $best_cpu. CMD's own output of the last run goes to $work/out.
TIMEFORMAT='%R %U %S'
user="" sys=""
timed() {
  local label=$1 times wall cpu
  shift
  best_wall="" best_cpu=""
  for ((r = 0; r < rounds; r++)); do
    rm -f "$work/rc"
    times=$({ time { "$@" >"$work/out" 2>&1 || echo $? >"$work/rc"; }; } 2>&1)
    if [ -f "$work/rc" ] && [ "$(cat "$work/rc")" != 1 ]; then  # 1: invalid objects found
      cat "$work/out" >&2
      echo "schema_bench: $label failed (exit $(cat "$work/rc"))" >&2
      exit 2
    fi
    read -r wall user sys <<<"$times"
    cpu=$(echo "$user + $sys" | bc -l)
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc -l)" -eq 1 ]; then
      best_wall=$wall
      best_cpu=$cpu
    fi
  done
  printf '%-44s %6.2f s wall  %6.2f s CPU   (best of %d)\n' "$label" "$best_wall" "$best_cpu" \
    "$rounds"
}

echo "schema_bench: $(nproc) cores; resources of ${inputs[*]}"
echo
timed "syncgate schemas validate -j1" "$build/syncgate" schemas validate --summary -j 1 \
  --kube-version 1.31 --schema-location "$schemas" "${inputs[@]}"
sed 's/^/    /' "$work/out"
j1_cpu=$best_cpu
timed "syncgate schemas validate -j2" "$build/syncgate" schemas validate --summary -j 2 \
  --kube-version 1.31 --schema-location "$schemas" "${inputs[@]}"
sed 's/^/    /' "$work/out"
j2_wall=$best_wall j2_cpu=$best_cpu

# The same objects with the same per-kind schema files: Python's jsonschema (Draft7Validator,
# libyaml's C parser when present), one thread.
cat >"$work/jsonschema_bench.py" <<'PY'
import json, os, sys, time, yaml
import jsonschema
data, inputs = sys.argv[1], sys.argv[2:]
folder = os.path.join(data, "k8s-schemas", "v1.31.6-standalone-strict")
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
t0 = time.perf_counter()
docs = []
for root in inputs:
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            try:
                with open(os.path.join(dirpath, name)) as f:
                    docs.extend(d for d in yaml.load_all(f, Loader=loader) if isinstance(d, dict))
            except Exception:
                pass  # unparsable files are skipped by both tools
t1 = time.perf_counter()
validators, work, missing = {}, [], 0
for d in docs:
    api, kind = d.get("apiVersion"), d.get("kind")
    if not isinstance(api, str) or not isinstance(kind, str):
        continue
    parts = api.split("/")
    suffix = "-" + parts[0].split(".")[0].lower() + ("-" + parts[-1].lower() if len(parts) > 1 else "")
    path = os.path.join(folder, kind.lower() + suffix + ".json")
    if path not in validators:
        validators[path] = (jsonschema.Draft7Validator(json.load(open(path)))
                            if os.path.exists(path) else None)
    if validators[path] is None:
        missing += 1
    else:
        work.append((validators[path], d))
t2 = time.perf_counter()
invalid = sum(1 for v, d in work if next(v.iter_errors(d), None) is not None)
t3 = time.perf_counter()
print(f"resources: {len(work) + missing}, validated: {len(work)}, invalid: {invalid}, "
      f"without schema: {missing}")
print(f"parse: {t1 - t0:.3f} s; schema load: {t2 - t1:.3f} s; validation: {len(work)} "
      f"validations in {t3 - t2:.3f} s = {len(work) / (t3 - t2):.0f} resources/s (1 thread)")
PY
jsonschema_version=$("$python" -c 'import importlib.metadata as m; print(m.version("jsonschema"))')
timed "python3 jsonschema $jsonschema_version (1 thread)" "$python" "$work/jsonschema_bench.py" \
  "$data" "${inputs[@]}"
sed 's/^/    /' "$work/out"
py_cpu=$best_cpu

printf '%-44s %6.2f s wall  %6.2f s CPU   (reference: measured on this machine, not re-run)\n' \
  "kubeconform v0.6.3 -n 2 -strict" "$kubeconform_wall" "$kubeconform_cpu"
echo
echo "CPU time of the same validation (whole process):"
printf '  kubeconform / syncgate -j2: %5.1fx   kubeconform / syncgate -j1: %5.1fx   (goal >= 10x)\n' \
  "$(echo "$kubeconform_cpu / $j2_cpu" | bc -l)" "$(echo "$kubeconform_cpu / $j1_cpu" | bc -l)"
printf '  jsonschema / syncgate -j1:  %5.1fx   wall kubeconform / syncgate -j2: %5.1fx\n' \
  "$(echo "$py_cpu / $j1_cpu" | bc -l)" "$(echo "$kubeconform_wall / $j2_wall" | bc -l)"

# The same schemas fetched once into a cache, then read with no schema flag, against the same
# folder given as --schema-location: the counts must be equal, and the times close.
echo
"$build/syncgate" schemas fetch --kube-version 1.31 --schema-location "$data/k8s-schemas" \
  --cache "$work/cache/schemas" >/dev/null
SYNCGATE_CACHE_DIR="$work/cache" SYNCGATE_SCHEMA_DIR="$work/none" \
  timed "syncgate -j1 from the cache, no schema flag" "$build/syncgate" schemas validate \
  --summary -j 1 --kube-version 1.31 "${inputs[@]}"
sed 's/^/    /' "$work/out"
SYNCGATE_CACHE_DIR="$work/none" SYNCGATE_SCHEMA_DIR="$work/none" \
  timed "syncgate -j1 --schema-location k8s-schemas/" "$build/syncgate" schemas validate \
  --summary -j 1 --kube-version 1.31 --schema-location "$data/k8s-schemas" "${inputs[@]}"
sed 's/^/    /' "$work/out"
