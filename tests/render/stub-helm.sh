#!/bin/sh
# A stand-in for helm, only for the failure modes real helm does not produce on demand.
# STUB_HELM_MODE=empty: `helm template` succeeds with no output at all.
# STUB_HELM_MODE=crash: `helm template` dies of SIGSEGV, as a crashing binary would.
# STUB_HELM_MODE=schema: `helm template` refuses the values against values.schema.json (what
#   helm does when its schema reader disagrees with syncgate's).
case "$1" in
  version) echo "v0.0.0-stub"; exit 0 ;;
  template) ;;
  *) echo "stub-helm: unsupported command $1" >&2; exit 64 ;;
esac
case "${STUB_HELM_MODE:-}" in
  empty) exit 0 ;;
  crash) kill -SEGV $$ ;;
  schema)
    printf '%s\n' "Error: values don't meet the specifications of the schema(s) in the following chart(s):" \
      "webshop:" "- replicaCount: Must be less than or equal to 9" >&2
    exit 1 ;;
  *) echo "stub-helm: set STUB_HELM_MODE to empty, crash or schema" >&2; exit 64 ;;
esac
