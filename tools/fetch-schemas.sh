#!/usr/bin/env bash
# Installs the Kubernetes schemas of one version where an installed syncgate finds them with no
# flag and no network: PREFIX/share/syncgate/schemas/vX.Y.Z-standalone-strict/ (_definitions.json
# and every kind's file, kubeconform's layout). The packaging (the .deb and the image, issue 17)
# runs it at build time, once per supported Kubernetes version; `syncgate check` looks there
# after --schema-location and before the user cache and the network.
#
# Usage: tools/fetch-schemas.sh PREFIX VERSION [LOCATION]
#   PREFIX    the install prefix the binary lands in as PREFIX/bin/syncgate (/usr; when staging
#             a package, DESTDIR/usr: the binary finds /usr/share/... once installed)
#   VERSION   Kubernetes X.Y or X.Y.Z
#   LOCATION  where from: a folder or a URL template in kubeconform's layout (default:
#             kubeconform's default location on GitHub)
# Environment: SYNCGATE  the syncgate binary to fetch with (default: build/syncgate, else the one
#                        on PATH)
# Example: tools/fetch-schemas.sh debian/syncgate/usr 1.31
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  sed -n '8,16p' "$0" >&2
  exit 2
fi
prefix=$1
version=$2
location=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
syncgate=${SYNCGATE:-}
if [ -z "$syncgate" ]; then
  if [ -x "$here/build/syncgate" ]; then syncgate="$here/build/syncgate"; else syncgate=syncgate; fi
fi
args=(schemas fetch --kube-version "$version" --cache "$prefix/share/syncgate/schemas")
[ -n "$location" ] && args+=(--schema-location "$location")
"$syncgate" "${args[@]}"
# What the installed binary needs: the definitions of the version (every kind is built from them).
if ! ls "$prefix"/share/syncgate/schemas/v"$version"*-standalone-strict/_definitions.json >/dev/null 2>&1; then
  echo "fetch-schemas: no _definitions.json for Kubernetes $version under $prefix/share/syncgate/schemas" >&2
  exit 1
fi
