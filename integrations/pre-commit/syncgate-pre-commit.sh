#!/bin/sh
# The pre-commit framework's entry for syncgate (see .pre-commit-hooks.yaml at the repository
# root): checks what is about to be committed, read from the git index. syncgate exits 0 at
# once when nothing YAML-related is staged. `git commit --no-verify` skips it.
#   SYNCGATE   the syncgate binary (default: syncgate on PATH)
#   extra arguments are passed to `syncgate check` (e.g. args: [--fail-on, warning])
syncgate=${SYNCGATE:-syncgate}
if ! command -v "$syncgate" >/dev/null 2>&1; then
  echo "syncgate: binary not found (install syncgate or set SYNCGATE=/path/to/syncgate)" >&2
  exit 1
fi
exec "$syncgate" check --staged "$@"
