#!/usr/bin/env bash
# Fuzzes syncgate's parsers with libFuzzer: builds the clang fuzz build (build-fuzz/) once, then
# runs each target (tests/fuzz/<name>_fuzz.cpp; all by default) for the given time, one after the
# other, and prints per target the executions, exec/s, coverage (cov/ft of libFuzzer's final
# stats line) and the crashes found (saved under a temporary folder, paths printed).
# Usage: bench/fuzz.sh [seconds per target, default 60] [target...]   (targets: document config
#        sealed chart schema go_template)
# Environment: SYNCGATE_JOBS build jobs (default 2); SYNCGATE_FUZZ_NO_BUILD=1 runs the binaries
# already in build-fuzz/ (e.g. while another build holds the cores); SYNCGATE_FUZZ_WORK the folder
# for corpora, logs and crashes (default: a new temporary folder).
# Seeds: tests/fuzz/seeds/<target>/, tests/fuzz/regressions/<target>/, files of tests/ and
# ../shared/data picked per target below, copied into a temporary corpus (never into the repo).
# A crash found here: fix it, then add the input to tests/fuzz/regressions/<target>/ (unless it
# holds a secret): the test binary replays that folder (tests/fuzz/fuzz_replay_test.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=()
  for f in tests/fuzz/*_fuzz.cpp; do n=$(basename "$f" _fuzz.cpp); targets+=("$n"); done
fi

if [ -z "${SYNCGATE_FUZZ_NO_BUILD:-}" ]; then  # set: run the binaries of build-fuzz as they are
  if ! command -v clang++ >/dev/null ||
     ! compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
  fi
  # -O1 and line tables only: what fuzzing needs, in far less compile time than -O2 -g.
  CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
    -DSYNCGATE_FUZZ=ON -DSYNCGATE_TESTS=OFF >/dev/null
  cmake --build build-fuzz -j"${SYNCGATE_JOBS:-2}" --target "${targets[@]/%/_fuzz}" >/dev/null
fi

shared=../shared/data
# Seed files of each target: folder, then find(1) -name patterns.
seeds() {
  case "$1" in
    document) find tests/rules examples "$shared/gitops-repos" -name '*.yaml' -size -64k 2>/dev/null | head -3000 ;;
    config) find tests examples "$shared/gitops-repos" rules/packs \( -name '.syncgate.yaml' -o -path '*packs/*.yaml' \) 2>/dev/null ;;
    sealed) find tests/rules/sealed-* "$shared/sealed-secrets-vectors" "$shared/gitops-repos" \( -name '*.yaml' -o -name '*.json' \) -size -64k 2>/dev/null | xargs grep -l -s SealedSecret | head -500 ;;
    chart) find tests examples "$shared/gitops-repos" \( -name 'Chart.yaml' -o -name 'Chart.lock' -o -name 'values*.yaml' \) -size -64k 2>/dev/null | head -2000 ;;
    go_template) find examples tests "$shared/gitops-repos" -name '*.yaml' -size -64k 2>/dev/null | xargs grep -l -s 'kind: ApplicationSet' | head -300 ;;
    schema) find tests "$shared/crds" schemas \( -name '*.json' -o -name '*.yaml' \) -size -256k 2>/dev/null | grep -i -E 'schema|crd' | head -1000 ;;
  esac
}
max_len() {
  case "$1" in
    schema) echo 262144 ;;
    sealed) echo 16384 ;;
    *) echo 65536 ;;
  esac
}

work=${SYNCGATE_FUZZ_WORK:-$(mktemp -d /tmp/syncgate-fuzz.XXXXXX)}
mkdir -p "$work"
echo "fuzz: ${seconds}s per target, work folder $work"
printf '%-10s %12s %8s %7s %7s %8s\n' target executions exec/s cov ft crashes
for t in "${targets[@]}"; do
  corpus="$work/$t/corpus" artifacts="$work/$t/crashes/"
  mkdir -p "$corpus" "$artifacts"
  # One cp for all (a fork per file took minutes); same-named files get numbered copies.
  seeds "$t" | xargs -r -d '\n' cp --backup=numbered -t "$corpus" 2>/dev/null || true
  if [ "$t" = sealed ]; then
    # The sealed values' bytes too, so that mutations reach the envelope behind the base64.
    n=0
    while IFS= read -r v; do
      n=$((n + 1)); base64 -d <<<"$v" >"$corpus/envelope-$n" 2>/dev/null || rm -f "$corpus/envelope-$n"
    done < <(seeds sealed | xargs grep -ohE '[A-Za-z0-9+/]{300,}={0,2}' 2>/dev/null | sort -u | head -50)
  fi
  for d in "tests/fuzz/seeds/$t" "tests/fuzz/regressions/$t"; do
    [ -d "$d" ] && cp "$d"/* "$corpus"/ 2>/dev/null || true
  done
  log="$work/$t/fuzz.log"
  status=0
  "build-fuzz/${t}_fuzz" -max_total_time="$seconds" -max_len="$(max_len "$t")" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1 || status=$?
  # The last stats line ("#123 DONE cov: 456 ft: 789 ... exec/s: 12 ...").
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  execs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  rate=$(grep -oE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  crashes=$(find "$artifacts" -type f | wc -l)
  printf '%-10s %12s %8s %7s %7s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
  find "$artifacts" -type f | sed 's/^/  crash: /'
  [ "$status" -eq 0 ] || [ "$crashes" -gt 0 ] || echo "  $t exited with $status: see $log"
done
echo "fuzz: logs and crashes under $work"
