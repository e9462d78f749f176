#!/bin/sh
# The script of the syncgate GitHub Action (action.yml at the repository root runs this file).
# On a pull request it checks what the pull request changes and reports only findings the base
# did not already have (--diff BASE..HEAD --new-only); on a push, everything. Writes SARIF for
# code scanning and, when GitHub provides one, a Markdown job summary.
#
# Environment (set by action.yml from its inputs):
#   SYNCGATE        the syncgate binary          (default: syncgate)
#   SYNCGATE_PATHS  what to check                (default: .)
#   SYNCGATE_FAIL_ON  error | warning | info | never (default: error)
#   SYNCGATE_SARIF  the SARIF file to write      (default: syncgate.sarif)
#   SYNCGATE_BASE   the pull request's base commit; empty for a full check
#   SYNCGATE_ARGS   more arguments for `syncgate check`
#   SYNCGATE_SHARD  I/N or auto: one shard of a matrix (also writes SYNCGATE_SARIF's name with
#                   .json for `syncgate merge-reports`)
#   GITHUB_STEP_SUMMARY  set by GitHub: the job summary file
set -u
syncgate=${SYNCGATE:-syncgate}
paths=${SYNCGATE_PATHS:-.}
sarif=${SYNCGATE_SARIF:-syncgate.sarif}
rm -f "$sarif"

set --
base=${SYNCGATE_BASE:-}
if [ -n "$base" ]; then
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    git fetch --quiet --depth=1 origin "$base" || true
  fi
  set -- --diff "$base..HEAD" --new-only
fi
if [ -n "${SYNCGATE_SHARD:-}" ]; then
  set -- "$@" --shard "$SYNCGATE_SHARD" "--format=json=${sarif%.sarif}.json"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  set -- "$@" "--format=markdown=$GITHUB_STEP_SUMMARY"
fi

# shellcheck disable=SC2086  # SYNCGATE_PATHS and SYNCGATE_ARGS are word lists
# `--format=` keeps each format to one value (a bare --format would also take the paths).
"$syncgate" check $paths "$@" --fail-on "${SYNCGATE_FAIL_ON:-error}" --format=text \
  "--format=sarif=$sarif" ${SYNCGATE_ARGS:-}
status=$?
if [ "$status" -eq 0 ] && [ ! -f "$sarif" ]; then
  # Nothing syncgate reads changed: an empty SARIF run keeps the upload step meaningful.
  printf '%s\n' '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"syncgate","informationUri":"https://github.com/syncgate/syncgate","rules":[]}},"results":[]}]}' > "$sarif"
fi
exit "$status"
