#!/usr/bin/env bash
# Builds syncgate with warnings as errors, checks the include map (tools/check-layers.sh), runs the
# whole test suite, checks the generated rule docs are current, the formatting (clang-format) and
# the changed C++ files (clang-tidy), then runs the suite again under AddressSanitizer +
# UndefinedBehaviorSanitizer.
# Usage: tools/test.sh            (set SYNCGATE_SKIP_ASAN=1 to skip the sanitizer pass locally)
#   SYNCGATE_FORMAT_CHECK=0       skip the clang-format check
#   SYNCGATE_TIDY_BASE=REV        clang-tidy the C++ files changed since REV (default: HEAD~1)
set -euo pipefail
cd "$(dirname "$0")/.."
# zsh, fish and groff-base: the completion and man page tests check them instead of skipping.
export SYNCGATE_EXTRA_PACKAGES="clang libclang-rt-14-dev clang-format clang-tidy python3 python3-cryptography chromium zsh fish groff-base"
export SYNCGATE_BUILD_TARGET=all  # the test binary too

# Also installs helm and kubectl (.tools/bin) for the rendering tests.
tools/bootstrap.sh -DSYNCGATE_WERROR=ON
tools/install-helm.sh
# The OCI registry of the tests (Debian's docker-registry), installed without its system service.
tools/install-registry.sh

echo "== include map"
tools/check-layers.sh

echo "== tests"
(cd build && ctest --output-on-failure -j"$(nproc)")

echo "== generated docs are current"
tmp=$(mktemp -d)
build/syncgate rules docs "$tmp"
if ! diff -ru docs/rules "$tmp" >/dev/null; then
  diff -ru docs/rules "$tmp" | head -40
  echo "docs/rules is stale: run 'build/syncgate rules docs' and commit the result" >&2
  exit 1
fi
rm -rf "$tmp"

# The project's own C++ sources (never build*/ or .tools/).
sources="checker cli model render reporters rule_packs rules run sealing sources sync validation tests bench"
if [ "${SYNCGATE_FORMAT_CHECK:-1}" != "0" ]; then
  echo "== clang-format"
  # shellcheck disable=SC2086
  find $sources \( -name '*.cpp' -o -name '*.h' \) -print0 2>/dev/null |
    xargs -0 clang-format --dry-run -Werror --style=file
fi

echo "== clang-tidy (C++ files changed since ${SYNCGATE_TIDY_BASE:-HEAD~1})"
# Files changed since the base revision (committed or not) and new files; a changed header brings
# its .cpp. Checked with build/compile_commands.json and .clang-tidy; bugprone-* are errors.
if base=$(git rev-parse -q --verify "${SYNCGATE_TIDY_BASE:-HEAD~1}^{commit}" 2>/dev/null); then
  changed=$({ git diff --name-only --diff-filter=d "$base" -- '*.cpp' '*.h'
              git ls-files --others --exclude-standard -- '*.cpp' '*.h'; } | sed 's/\.h$/.cpp/' | sort -u)
else
  changed=$(git ls-files -- '*.cpp')  # no previous commit: everything
fi
tidy=()
for file in $changed; do
  case "$file" in build*/*|.tools/*) continue ;; esac
  [ -f "$file" ] && grep -qF "\"file\": \"$PWD/$file\"" build/compile_commands.json && tidy+=("$file")
done
if [ ${#tidy[@]} -gt 0 ]; then
  set +e
  printf '%s\0' "${tidy[@]}" | xargs -0 -n 4 -P "$(nproc)" clang-tidy -p build --quiet 2>&1 |
    grep -vE '^[0-9]+ warnings?( and [0-9]+ errors?)? generated\.$'
  status=${PIPESTATUS[1]}
  set -e
  [ "$status" -eq 0 ] || { echo "clang-tidy found errors in the changed files (see above)" >&2; exit 1; }
fi
echo "clang-tidy: ${#tidy[@]} file(s) checked"

echo "== package"
tools/package-test.sh

if [ -z "${SYNCGATE_SKIP_ASAN:-}" ]; then
  echo "== tests under ASan+UBSan"
  SYNCGATE_BUILD_DIR=build-asan SYNCGATE_BUILD_TYPE=Debug tools/bootstrap.sh -DSYNCGATE_SANITIZE=ON -DSYNCGATE_WERROR=ON
  suppressions="$PWD/tools/lsan.supp"  # third-party leaks only; see the file
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$suppressions" \
     UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$(nproc)")
fi
