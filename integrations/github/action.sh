#!/bin/sh
# The entry of the syncgate GitHub Action (action.yml): picks the syncgate to run, then runs
# integrations/github/run.sh with it. In this order:
#   1. the `syncgate` input (SYNCGATE_INPUT): that binary, as before the image existed
#   2. the `deb` input (SYNCGATE_DEB): a release .deb, a URL or a path, installed with apt on a
#      Debian 12 runner or job container (the package is built for Debian 12)
#   3. syncgate on PATH (an earlier step or the runner installed it)
#   4. the `image` input (SYNCGATE_IMAGE, default the project's image): run.sh and syncgate
#      from the image, with the workspace mounted at the same path and the runner's uid, so
#      paths, git and the reports' owners are as on the runner; helm comes with the image
# The check's own environment (SYNCGATE_PATHS, SYNCGATE_FAIL_ON, ...) is run.sh's.
set -u
here=$(dirname "$0")

if [ -n "${SYNCGATE_INPUT:-}" ]; then
  export SYNCGATE="$SYNCGATE_INPUT"
  exec sh "$here/run.sh"
fi

if [ -n "${SYNCGATE_DEB:-}" ]; then
  deb=$SYNCGATE_DEB
  case "$deb" in
    http://* | https://*)
      tmp=$(mktemp -d)
      curl -fsSL --retry 3 -o "$tmp/syncgate.deb" "$deb" || {
        echo "syncgate: cannot download $deb" >&2
        exit 2
      }
      deb=$tmp/syncgate.deb
      ;;
    /*) ;;
    *) deb=./$deb ;;  # apt takes a file only as a path
  esac
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "$deb" libcurl4 git ca-certificates >/dev/null || {
    echo "syncgate: cannot install $SYNCGATE_DEB (the package is built for Debian 12)" >&2
    exit 2
  }
  export SYNCGATE=/usr/bin/syncgate
  exec sh "$here/run.sh"
fi

if command -v syncgate >/dev/null 2>&1; then
  export SYNCGATE=syncgate
  exec sh "$here/run.sh"
fi

image=${SYNCGATE_IMAGE:-}
if [ -z "$image" ] || ! command -v docker >/dev/null 2>&1; then
  echo "syncgate: not on PATH and no image to run (set the action's syncgate, deb or image" \
    "input; the image needs docker on the runner)" >&2
  exit 2
fi
workspace=${GITHUB_WORKSPACE:-$PWD}
set -- --rm --user "$(id -u):$(id -g)" --env HOME=/tmp --env CI --workdir "$PWD" \
  --volume "$workspace:$workspace"
# The job summary file lives under RUNNER_TEMP; a SARIF path may too.
if [ -n "${RUNNER_TEMP:-}" ]; then
  set -- "$@" --volume "$RUNNER_TEMP:$RUNNER_TEMP"
fi
for name in SYNCGATE_PATHS SYNCGATE_FAIL_ON SYNCGATE_SARIF SYNCGATE_ARGS SYNCGATE_SHARD \
  SYNCGATE_BASE GITHUB_STEP_SUMMARY; do
  set -- "$@" --env "$name"
done
exec docker run "$@" --entrypoint sh "$image" /usr/share/syncgate/integrations/github/run.sh
