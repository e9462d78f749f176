#!/usr/bin/env bash
# Builds syncgate with warnings as errors, runs the whole test suite, checks the generated rule
# docs are current, then runs the suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Usage: tools/test.sh            (set SYNCGATE_SKIP_ASAN=1 to skip the sanitizer pass locally)
set -euo pipefail
cd "$(dirname "$0")/.."
extra="clang libclang-rt-14-dev python3 python3-cryptography unzip chromium"
# npm usually comes with the machine's Node.js (whose package conflicts with Debian's npm).
command -v npm >/dev/null || extra="$extra npm"
export SYNCGATE_EXTRA_PACKAGES="$extra"

tools/bootstrap.sh -DSYNCGATE_WERROR=ON
[ -x tools/install-helm.sh ] && tools/install-helm.sh

echo "== tests"
(cd build && ctest --output-on-failure)

echo "== generated docs are current"
tmp=$(mktemp -d)
build/syncgate rules docs "$tmp"
if ! diff -ru docs/rules "$tmp" >/dev/null; then
  diff -ru docs/rules "$tmp" | head -40
  echo "docs/rules is stale: run 'build/syncgate rules docs' and commit the result" >&2
  exit 1
fi
rm -rf "$tmp"

if [ -z "${SYNCGATE_SKIP_ASAN:-}" ]; then
  echo "== tests under ASan+UBSan"
  SYNCGATE_BUILD_DIR=build-asan SYNCGATE_BUILD_TYPE=Debug tools/bootstrap.sh -DSYNCGATE_SANITIZE=ON -DSYNCGATE_WERROR=ON
  suppressions="$PWD/tools/lsan.supp"  # third-party leaks only; see the file
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$suppressions" \
     UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure)
fi
