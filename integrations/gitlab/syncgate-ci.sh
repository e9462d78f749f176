#!/bin/sh
# The script of the syncgate GitLab CI job (syncgate.gitlab-ci.yml runs exactly this file).
# One run writes the three reports GitLab reads:
#   gl-code-quality.json  artifacts:reports:codequality (merge request widget, diff annotations)
#   syncgate-junit.xml    artifacts:reports:junit (the pipeline's Tests tab)
#   syncgate.sarif        SARIF 2.1.0, for security dashboards and other tools
# In a merge request pipeline it checks what the merge request changes and reports only the
# findings the target branch did not already have (--diff BASE..HEAD --new-only); elsewhere
# (the default branch, tags, schedules) it checks everything.
#
# Variables (all optional):
#   SYNCGATE             the syncgate binary                       (default: syncgate)
#   SYNCGATE_PATHS       what to check, space-separated            (default: .)
#   SYNCGATE_FAIL_ON     error | warning | info | never            (default: error)
#   SYNCGATE_REPORT_DIR  where the reports are written             (default: .)
#   SYNCGATE_FULL        1: check everything even in merge requests
#   SYNCGATE_ARGS        more arguments for `syncgate check` (--env prod, --kube-version 1.31)
#   SYNCGATE_CACHE_DIR   --cache-dir: renders and findings kept between pipelines (GitLab cache:)
#   SYNCGATE_SHARD       auto (or I/N): this job is one shard of a `parallel:` check; it writes
#                        its four reports to $SYNCGATE_REPORT_DIR/syncgate-shards/ and leaves
#                        --fail-on to the merge job
#   SYNCGATE_MERGE       1: this job merges the shards' reports (syncgate merge-reports) into
#                        the three reports below, and fails as SYNCGATE_FAIL_ON says
#   CI_MERGE_REQUEST_DIFF_BASE_SHA, CI_COMMIT_SHA, CI_NODE_INDEX, CI_NODE_TOTAL   set by GitLab
set -u
syncgate=${SYNCGATE:-syncgate}
paths=${SYNCGATE_PATHS:-.}
fail_on=${SYNCGATE_FAIL_ON:-error}
dir=${SYNCGATE_REPORT_DIR:-.}
mkdir -p "$dir"
codequality="$dir/gl-code-quality.json"
junit="$dir/syncgate-junit.xml"
sarif="$dir/syncgate.sarif"
rm -f "$codequality" "$junit" "$sarif"
shards="$dir/syncgate-shards"

if [ "${SYNCGATE_MERGE:-}" = "1" ]; then
  # The merge job of the parallel variant: every shard's reports, recognised by content.
  echo "syncgate: merging the reports of $(ls "$shards" | wc -l | tr -d ' ') shard files"
  "$syncgate" merge-reports --fail-on "$fail_on" "--format=gitlab=$codequality" \
    "--format=junit=$junit" "--format=sarif=$sarif" "--format=json=$dir/syncgate.json" \
    "$shards"/*
  exit $?
fi

set --
base=${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}
if [ -n "$base" ] && [ "${SYNCGATE_FULL:-}" != "1" ]; then
  # Shallow clones may lack the merge base: fetch it rather than fail or check everything.
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    git fetch --quiet --depth=1 origin "$base" || true
  fi
  set -- --diff "$base..${CI_COMMIT_SHA:-HEAD}" --new-only
  echo "syncgate: merge request: checking what changed since $base (new findings only)"
else
  echo "syncgate: full check of $paths"
fi

if [ -n "${SYNCGATE_CACHE_DIR:-}" ]; then
  set -- "$@" --cache-dir "$SYNCGATE_CACHE_DIR"
fi
if [ -n "${SYNCGATE_SHARD:-}" ]; then
  # One shard: its reports under names of its own (the merge job downloads them all into one
  # folder); findings fail the pipeline in the merge job, tool errors (exit 2) here.
  mkdir -p "$shards"
  name="$shards/shard-${CI_NODE_INDEX:-1}"
  codequality="$name.gitlab.json" junit="$name.junit.xml" sarif="$name.sarif"
  set -- "$@" --shard "$SYNCGATE_SHARD" "--format=json=$name.json"
  fail_on=never
fi

# shellcheck disable=SC2086  # SYNCGATE_PATHS and SYNCGATE_ARGS are word lists
# `--format=` keeps each format to one value (a bare --format would also take the paths).
"$syncgate" check $paths "$@" --fail-on "$fail_on" --format=text \
  "--format=gitlab=$codequality" "--format=junit=$junit" "--format=sarif=$sarif" \
  ${SYNCGATE_ARGS:-}
status=$?

# A merge request that changes nothing syncgate reads exits before writing reports; GitLab
# still wants the files, so write empty, valid ones.
if [ "$status" -eq 0 ]; then
  [ -f "$codequality" ] || echo '[]' > "$codequality"
  [ -f "$junit" ] || printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
    '<testsuites name="syncgate" tests="0" failures="0" errors="0">' \
    '  <testsuite name="syncgate" tests="0" failures="0" errors="0" skipped="0">' \
    '  </testsuite>' '</testsuites>' > "$junit"
  if [ -n "${SYNCGATE_SHARD:-}" ] && [ ! -f "$name.json" ]; then
    echo '{"summary": {}, "findings": []}' > "$name.json"
  fi
  [ -f "$sarif" ] || printf '%s\n' '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"syncgate","informationUri":"https://github.com/syncgate/syncgate","rules":[]}},"results":[]}]}' > "$sarif"
fi
exit "$status"
