#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages), then configures and builds syncgate into build/.
# Usage: tools/bootstrap.sh [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config ccache git
          libyaml-cpp-dev libvalijson-dev libre2-dev libgit2-dev libbotan-2-dev
          catch2 libcli11-dev libfmt-dev nlohmann-json3-dev
          libcurl4-openssl-dev)
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

build_dir=${SYNCGATE_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${SYNCGATE_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
set +e
cmake --build "$build_dir" -j"$(nproc)" 2>&1 | grep -vE '^\[ *[0-9]+%\]|^make|^Consolidate|^-- '
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] && [ -x "$build_dir/syncgate" ] || { echo "bootstrap: build failed" >&2; exit 2; }
