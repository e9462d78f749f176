#!/bin/sh
# What secret scanning costs: `syncgate check` over the shared corpus with and without the
# secret-* rules, and secretlint (npm, preset-recommend) over the same files, side by side.
#
#   bench/secrets_bench.sh [path/to/syncgate] [runs]    # default: build/syncgate, 3
#
# Prints the best of `runs` wall-clock times of each, and the overhead of the secret rules.
# secretlint is installed once into $SECRETLINT_PREFIX (default /tmp/syncgate-secretlint) with
# npm; without network that part is reported as not run.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/syncgate}
RUNS=${2:-3}
CORPUS=$ROOT/../shared/data/corpus
PREFIX=${SECRETLINT_PREFIX:-/tmp/syncgate-secretlint}
if [ ! -d "$CORPUS" ]; then echo "SKIP: $CORPUS not found"; exit 0; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The same configuration for both runs but for the secret rules (and no rendering differences:
# both runs check the same files with the same rules otherwise).
: > "$WORK/with.yaml"
cat > "$WORK/without.yaml" <<'CFG'
rules:
  secret-k8s-plaintext: off
  secret-password-value: off
  secret-private-key: off
  secret-token: off
  secret-vault-token: off
  secret-vault-unseal-key: off
CFG

now() { python3 -c 'import time; print(time.monotonic())'; }
best() {  # best of RUNS wall-clock seconds of "$@"
  b=""
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    t0=$(now); "$@" > "$WORK/out" 2> "$WORK/err" || true; t1=$(now)
    t=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
    if [ -z "$b" ] || python3 -c "import sys; sys.exit(0 if $t < $b else 1)"; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}

FILES=$(find "$CORPUS" -type f | wc -l)
BYTES=$(du -sb "$CORPUS" | cut -f1)
echo "corpus: $CORPUS ($FILES files, $BYTES bytes), best of $RUNS runs"
cd "$ROOT/.."
WITHOUT=$(best "$BIN" check --fail-on never --no-cache --format json --config "$WORK/without.yaml" shared/data/corpus)
WITH=$(best "$BIN" check --fail-on never --no-cache --format json --config "$WORK/with.yaml" shared/data/corpus)
FOUND=$(python3 -c "import json,sys; r=json.load(open('$WORK/out')); print(sum(1 for f in r['findings'] if f['rule'].startswith('secret-')))" 2>/dev/null || echo "?")
echo "syncgate check, secret rules off: ${WITHOUT}s"
echo "syncgate check, secret rules on:  ${WITH}s  ($FOUND secret findings)"
python3 -c "print(f'secret scanning overhead: {100 * ($WITH - $WITHOUT) / $WITHOUT:+.1f}% (goal: <= 20%)')"

if [ ! -x "$PREFIX/node_modules/.bin/secretlint" ]; then
  npm install --silent --prefix "$PREFIX" secretlint @secretlint/secretlint-rule-preset-recommend \
    > "$WORK/npm.log" 2>&1 || { echo "secretlint: not run (npm install failed: $(tail -1 "$WORK/npm.log"))"; exit 0; }
fi
cat > "$WORK/.secretlintrc.json" <<'CFG'
{"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}
CFG
LINT=$(best "$PREFIX/node_modules/.bin/secretlint" --secretlintrc "$WORK/.secretlintrc.json" \
  --format json "shared/data/corpus/**/*")
LINT_FOUND=$(python3 -c "import json; r=json.load(open('$WORK/out')); print(sum(len(f['messages']) for f in r))" 2>/dev/null || echo "?")
echo "secretlint (preset-recommend):     ${LINT}s  ($LINT_FOUND findings)"
