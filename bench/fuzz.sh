#!/usr/bin/env bash
# Fuzzes the document loader with libFuzzer for a bounded time (default 60 s).
# Usage: bench/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v clang++ >/dev/null || { apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null; }
CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYNCGATE_FUZZ=ON -DSYNCGATE_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target document_fuzz >/dev/null
corpus=$(mktemp -d)
cp examples/*/argocd/*.yaml tests/rules/*/*.yaml "$corpus"/ 2>/dev/null || true
build-fuzz/document_fuzz -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 "$corpus"
echo "fuzz: ${seconds}s without a crash"
