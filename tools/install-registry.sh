#!/usr/bin/env bash
# Installs Debian's docker-registry (the OCI registry the tests start on a free 127.0.0.1 port,
# tests/support/oci_registry.h) when it is missing, without the system service the package
# brings: its postinst starts and enables `docker-registry` on :5000, all interfaces, wherever an
# init system runs services. The tests never use that service, and the test command must not
# leave a network service behind, so a fresh install here is made with policy-rc.d denying the
# start (Debian's mechanism for exactly this; containers usually have one already), and the
# systemd unit is disabled afterwards. An existing installation is left as it is. Idempotent.
# Usage: tools/install-registry.sh      (tools/test.sh runs it)
set -euo pipefail

if dpkg-query -W -f='${Status}' docker-registry 2>/dev/null | grep -q "install ok installed"; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
policy=/usr/sbin/policy-rc.d
guard=""
if [ ! -e "$policy" ]; then
  guard=$policy
  trap '$sudo rm -f "$guard"' EXIT
  printf '#!/bin/sh\n# tools/install-registry.sh: no service starts while it installs\nexit 101\n' |
    $sudo tee "$policy" >/dev/null
  $sudo chmod 0755 "$policy"
fi
echo "install-registry: installing docker-registry (no service started)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
if [ -d /run/systemd/system ]; then
  $sudo systemctl disable --quiet docker-registry.service 2>/dev/null || true
elif command -v update-rc.d >/dev/null; then
  $sudo update-rc.d docker-registry disable >/dev/null 2>&1 || true
fi
