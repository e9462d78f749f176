#!/usr/bin/env bash
# Builds the example Applications' source repositories as local bare repositories, as they would
# sit on the GitLab, and an empty gitops-env repository for the environment branches. Prints the
# `--repo-map URL=PATH` arguments for `syncgate sync`, one per line.
# Usage: tools/example-repos.sh DIR   (used by examples/sync-demo.sh and bench/sync_bench.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: tools/example-repos.sh DIR}
mkdir -p "$dir"
git_() { git -c user.name=syncgate-example -c user.email=example@syncgate.invalid \
             -c init.defaultBranch=main -c commit.gpgsign=false -c tag.gpgsign=false "$@"; }

# name | folder of this repository that is the repository's root | repoURL | tag its Application pins
repos=(
  "q-sign|examples/gated/q-sign|https://gitlab.qsign.example/root/q-sign.git|v1.0.2"
  "q-kms|examples/q-kms|http://192.168.0.11:7780/root/q-kms.git|"
  "q-app|examples/q-app|https://gitlab.qsign.example/root/q-app.git|v1.4.2"
)
for entry in "${repos[@]}"; do
  IFS='|' read -r name folder url tag <<<"$entry"
  src="$dir/src/$name"
  rm -rf "$src" "$dir/$name.git"
  mkdir -p "$src"
  cp -r "$folder/." "$src/"
  git_ -C "$src" init -q
  git_ -C "$src" add -A
  git_ -C "$src" commit -q -m "$name as in $folder"
  [ -z "$tag" ] || git_ -C "$src" tag "$tag"
  git_ clone -q --bare "$src" "$dir/$name.git"
  echo "--repo-map"
  echo "$url=$dir/$name.git"
done
[ -d "$dir/gitops-env.git" ] || git_ init -q --bare "$dir/gitops-env.git"
