#!/usr/bin/env bash
# The include map of the house, checked with grep: which top-level folder may include headers of
# which, and which one file wraps each third-party library. Prints every offending include as
# `file:line: <why>` and exits 1 when there is one; 0 when the map holds.
# Usage: tools/check-layers.sh            (from anywhere; checks the tree the script lives in)
# tools/test.sh runs it right after the build, and tests/tools/check_layers_test.cpp runs it in
# the suite. See docs/architecture.md for the layers.
set -uo pipefail
cd "$(dirname "$0")/.."

# Every folder whose headers are the project's own (an include "<folder>/..." is one of ours).
project="checker cli model render reporters rule_packs rules run sealing sources sync validation"
failed=0

# Prints the project includes of the sources under $1 (file:line:<header path>).
includes() {
  [ -d "$1" ] || return 0
  grep -rnE --include='*.cpp' --include='*.h' --include='*.inc' \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<][a-z_0-9]+/' "$1" |
    sed -E 's/^([^:]*:[0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]*)[">].*/\1:\2/'
}

# deny LAYER "FOLDER..." WHY: LAYER/ includes no header from the listed folders.
deny() {
  local layer=$1 denied=" $2 " why=$3 where header top
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    header=${line##*:}
    where=${line%:*}
    top=${header%%/*}
    if [[ "$denied" == *" $top "* ]]; then
      echo "$where: $layer/ must not include $header ($why)"
      failed=1
    fi
  done < <(includes "$layer")
}

# only LAYER "FOLDER..." WHY: LAYER/ includes project headers only from itself and the listed
# folders (third-party headers are checked below).
only() {
  local layer=$1 why=$3 denied="" folder
  local allowed=" $layer $2 "
  for folder in $project; do
    [[ "$allowed" == *" $folder "* ]] || denied="$denied $folder"
  done
  deny "$layer" "$denied" "$why"
}

# The map (architecture.md, issue 13). Arrows point one way: cli → sync/run → render, rules,
# reporters → model → checker.
only checker "" \
  "checker/ is the core: it includes only checker/ headers and third-party libraries"
deny rules "render sync run reporters cli" \
  "rules see documents and the model, not render/sync/run internals, reporters or the CLI"
deny sync "rules" \
  "the sync engine runs a check run; it knows no rule implementation, nor rules/registry.h"
deny model "rules render sync run cli reporters" \
  "the object model sits between checker/ and its users"
only sealing "checker" \
  "sealing/ is the Botan wrapper: checker/ basics (expected.h, text_util.h) only"
deny render "rules sync run cli" \
  "rendering feeds rules through the model; it does not know rules, the sync or the CLI"
deny reporters "rules render sync run cli" \
  "reporters see only the sorted, read-only run result"
for layer in rule_packs run sources sync validation; do  # the others deny cli/ above
  deny "$layer" "cli" "only cli/ knows about argv, exit codes and terminals"
done

# One file wraps each third-party library; everything else sees the project's own types.
# (tests/ and bench/ may use a library directly, e.g. valijson to validate SARIF output.)
wrapper() {
  local library=$1 pattern=$2 allowed=$3 line
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    if [ "${line%%:*}" != "$allowed" ]; then
      echo "${line%:*}: only $allowed includes $library headers (${line##*:})"
      failed=1
    fi
  done < <(grep -rnE --include='*.cpp' --include='*.h' --include='*.inc' \
             "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]$pattern" $project 2>/dev/null |
           sed -E 's/^([^:]*:[0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]*)[">].*/\1:\2/')
}
wrapper yaml-cpp 'yaml-cpp/' checker/document.cpp
wrapper valijson 'valijson/' validation/json_schema.cpp
wrapper libgit2 'git2' sources/git_source.cpp
wrapper Botan 'botan/' sealing/sealed_secrets.cpp
wrapper zlib 'zlib.h' render/chart_archive.cpp

if [ "$failed" -ne 0 ]; then
  echo "tools/check-layers.sh: the include map is broken (see above)" >&2
  exit 1
fi
