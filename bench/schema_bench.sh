#!/usr/bin/env bash
# Schema validation throughput: syncgate against Python's jsonschema, same resources, same
# Kubernetes 1.31 schemas, one core each, one run.
#   bench/schema_bench.sh [build-dir]      (default build/)
# Resources: ../shared/data/corpus/kubernetes+examples plus the rendered charts of the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
data=../shared/data
schemas="$data/k8s-schemas/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"
[ -d "$data" ] || { echo "schema_bench: $data is missing" >&2; exit 2; }
[ -x "$build/syncgate" ] || { echo "schema_bench: build $build/syncgate first" >&2; exit 2; }
if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  echo "schema_bench: installing python3-jsonschema python3-yaml" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq --no-install-recommends python3-jsonschema python3-yaml >/dev/null
fi
inputs=("$data/corpus/kubernetes+examples" "$data/rendered")

echo "== syncgate (valijson over our Document, RE2 patterns; 1 thread, 5 rounds)"
taskset -c 0 "$build/syncgate" schemas validate --kube-version 1.31 --schema-location "$schemas" \
  --repeat 5 "${inputs[@]}" || [ $? -eq 1 ]

echo "== python3 jsonschema $(python3 -c 'import importlib.metadata as m; print(m.version("jsonschema"))') (Draft7Validator; 1 thread, 1 round)"
taskset -c 0 python3 - "$data" "${inputs[@]}" <<'PY'
import json, os, sys, time, yaml
import jsonschema
data, inputs = sys.argv[1], sys.argv[2:]
folder = os.path.join(data, "k8s-schemas", "v1.31.6-standalone-strict")
docs = []
for root in inputs:
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            try:
                with open(os.path.join(dirpath, name)) as f:
                    docs.extend(d for d in yaml.safe_load_all(f) if isinstance(d, dict))
            except Exception:
                pass  # unparsable files are skipped by both tools
validators, work, missing = {}, [], 0
t0 = time.perf_counter()
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
t1 = time.perf_counter()
invalid = sum(1 for v, d in work if next(v.iter_errors(d), None) is not None)
t2 = time.perf_counter()
print(f"resources: {len(work) + missing}, validated: {len(work)}, invalid: {invalid}, "
      f"without schema: {missing}")
print(f"schema load: {t1 - t0:.3f} s; validation: {len(work)} validations in {t2 - t1:.3f} s = "
      f"{len(work) / (t2 - t1):.0f} resources/s (1 thread)")
PY
