#!/usr/bin/env bash
# The gated sync on the examples, end to end: the source repositories are built as local bare
# repositories (tools/example-repos.sh), then `syncgate sync` gates each Application and publishes
# what passed to an environment branch of a gitops-env repository:
#   - q-sign after syncgate's fixes (examples/gated/q-sign): published to env/production/q-sign;
#   - q-kms as the guide writes it (Vault unseal keys and root token in the Application): refused;
#   - q-app (pinned, HTTPS, manual sync): published to env/staging/q-app.
# Then the history of q-sign and the first lines of what ArgoCD would sync from its branch
# (examples/gitops-env/q-sign-production.yaml is the Application that consumes it).
# Usage: examples/sync-demo.sh [build-dir]   (default: build; needs helm, tools/install-helm.sh)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -x "$build/syncgate" ] || { echo "no $build/syncgate: run tools/bootstrap.sh first" >&2; exit 2; }
helm_bin=$(command -v helm || echo "$PWD/.tools/bin/helm")
[ -x "$helm_bin" ] || { echo "no helm: run tools/install-helm.sh (charts that cannot render never publish)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mapfile -t maps < <(tools/example-repos.sh "$work") || exit 2

set -x
"$build/syncgate" sync examples/gated/q-sign/argocd examples/q-kms/argocd examples/q-app/argocd \
  --target "$work/gitops-env.git" "${maps[@]}" --helm "$helm_bin" --cache-dir "$work/cache"
status=$?
{ set +x; } 2>/dev/null
echo "(exit $status: 1 because q-kms was refused)"
echo
"$build/syncgate" history q-sign --target "$work/gitops-env.git"
echo
echo "env/production/q-sign:manifest.yaml, what ArgoCD syncs:"
git -C "$work/gitops-env.git" show env/production/q-sign:manifest.yaml | head -20
echo "..."
[ "$status" -eq 1 ]
