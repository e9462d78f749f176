#!/usr/bin/env bash
# Builds the release .deb and tests it the way the container image and a user install it:
#   1. release build (-DSYNCGATE_RELEASE=ON, no tests) into build-release/, `cpack -G DEB`
#   2. the package's metadata: Depends computed by dpkg-shlibdeps, the Recommends, the file list
#   3. `dpkg -x` into a scratch root, helm and kubectl into its usr/libexec/syncgate (checksummed by
#      tools/install-helm.sh), as the Containerfile does
#   4. the installed `syncgate check examples/` with a PATH that has no helm: its summary line must
#      equal the one of the build tree's binary given helm explicitly (every chart rendered); and
#      with usr/libexec/syncgate moved away, the same run must skip charts ("helm not found")
#   5. the installed GitLab CI script (the path the template uses) on examples/: exit status and
#      the three reports
#   6. the installed completions parse and the man page renders
# Prints what it checked; exits non-zero at the first failure.
# Usage: tools/package-test.sh     (SYNCGATE_PACKAGE_BUILD_DIR=build-release)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
build=${SYNCGATE_PACKAGE_BUILD_DIR:-build-release}

fail() {
  echo "package-test: FAIL: $*" >&2
  exit 1
}
ok() { echo "package-test: ok: $*"; }

# cpack's DEB generator runs dpkg-shlibdeps (dpkg-dev) and file(1) to compute Depends.
missing=()
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
command -v file >/dev/null || missing+=(file)
if [ ${#missing[@]} -gt 0 ]; then
  echo "package-test: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

echo "== release build and .deb ($build)"
cmake -S . -B "$build" -DSYNCGATE_RELEASE=ON -DSYNCGATE_TESTS=OFF >/dev/null
set +e
cmake --build "$build" -j"$(nproc)" --target syncgate syncgate_cli_docs 2>&1 |
  grep -vE '^\[ *[0-9]+%\]|^make|^Consolidate|^-- '
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail "the release build failed"
rm -f "$build"/syncgate_*.deb
(cd "$build" && cpack -G DEB >/dev/null) || fail "cpack -G DEB failed"
debs=("$build"/syncgate_*.deb)
[ -f "${debs[0]}" ] || fail "cpack wrote no $build/syncgate_*.deb"
deb=${debs[0]}
ok "built $deb ($(du -k "$deb" | cut -f1) KiB; binary $(du -k "$build/syncgate" | cut -f1) KiB)"

echo "== package metadata"
info=$(dpkg-deb --info "$deb")
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
recommends=$(sed -n 's/^ Recommends: //p' <<<"$info")
# shlibdeps names the libraries the binary links, with versions from their symbols files.
[[ $depends == *"libc6 (>="* && $depends == *"libgit2"* && $depends == *"libfmt"* ]] ||
  fail "Depends is not the one dpkg-shlibdeps computes: '$depends'"
# yaml-cpp, RE2 and Botan are linked from their archives (CMakeLists.txt, SYNCGATE_RELEASE): the
# package must not depend on their shared libraries, nor on what only Botan's pulls in.
for static in libyaml-cpp libre2 libbotan libtspi libsqlite3; do
  [[ $depends != *"$static"* ]] || fail "Depends names $static, which the release links statically"
done
ok "Depends (dpkg-shlibdeps): $depends"
[ "$recommends" = "libcurl4, git, ca-certificates" ] || fail "Recommends is '$recommends'"
ok "Recommends: $recommends"
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for path in ./usr/bin/syncgate \
  ./usr/share/syncgate/integrations/gitlab/syncgate-ci.sh \
  ./usr/share/syncgate/integrations/gitlab/syncgate.gitlab-ci.yml \
  ./usr/share/syncgate/integrations/github/run.sh \
  ./usr/share/syncgate/integrations/pre-commit/syncgate-pre-commit.sh \
  ./usr/share/syncgate/integrations/argocd/plugin.yaml \
  ./usr/share/doc/syncgate/README.md ./usr/share/doc/syncgate/CHANGELOG.md \
  ./usr/share/doc/syncgate/rules/README.md \
  ./usr/share/bash-completion/completions/syncgate \
  ./usr/share/zsh/vendor-completions/_syncgate \
  ./usr/share/fish/vendor_completions.d/syncgate.fish \
  ./usr/share/man/man1/syncgate.1.gz; do
  grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done
! grep -q '\.debug$' <<<"$contents" || fail "the package carries debug info"
ok "$(wc -l <<<"$contents") paths, layout as expected, no .debug file"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
dpkg -x "$deb" "$root"
bin=$root/usr/bin/syncgate
if ! file "$bin" | grep -q ', stripped'; then
  fail "the installed binary is not stripped: $(file "$bin")"
fi
ok "dpkg -x into a scratch root; $(file -b "$bin" | cut -d, -f1,2,7-)"

echo "== helm and kubectl beside the installed binary"
tools/install-helm.sh "$root/usr/libexec/syncgate" | sed 's/^/  /'
for tool in helm kubectl; do
  [ -x "$root/usr/libexec/syncgate/$tool" ] ||
    fail "tools/install-helm.sh did not install $tool into $root/usr/libexec/syncgate"
done
tools/install-helm.sh >/dev/null  # the build tree's copy, for the reference run

# The installed binary must find helm by itself: nothing on its PATH provides helm, kubectl or
# kustomize. The PATH is the system's commands minus those (a machine may have kubectl in
# /usr/bin, e.g. from the Google Cloud SDK).
clean_path=$tmp/path
mkdir -p "$clean_path"
for dir in /usr/local/bin /usr/bin /bin; do
  for cmd in "$dir"/*; do
    name=${cmd##*/}
    case "$name" in helm | kubectl | kustomize) continue ;; esac
    [ -e "$clean_path/$name" ] || [ -L "$clean_path/$name" ] || ln -s "$cmd" "$clean_path/$name"
  done
done
for tool in helm kubectl kustomize; do
  ! PATH=$clean_path command -v "$tool" >/dev/null || fail "$tool is on the test's PATH"
done
ok "no helm, kubectl or kustomize on the installed binary's PATH"

summary() { grep -E '^[0-9]+ files, [0-9]+ documents, [0-9]+ rendered, ' "$1" | tail -1; }
# Fresh caches for each run, so neither reuses the other's renders or findings.
unset_tools=(-u SYNCGATE_HELM -u SYNCGATE_KUSTOMIZE -u SYNCGATE_KUBECTL)

echo "== reference: the build tree's binary with helm given explicitly"
set +e
env "${unset_tools[@]}" SYNCGATE_CACHE_DIR="$tmp/cache-ref" "$build/syncgate" check examples/ \
  --no-color --helm "$repo/.tools/bin/helm" --kustomize "$repo/.tools/bin/kubectl" \
  >"$tmp/ref.txt" 2>&1
ref_status=$?
set -e
ref=$(summary "$tmp/ref.txt")
[ -n "$ref" ] || { tail -20 "$tmp/ref.txt"; fail "the reference run printed no summary line"; }
[ "$ref_status" -ne 2 ] || { tail -20 "$tmp/ref.txt"; fail "the reference run failed (exit 2)"; }
rendered=$(sed -E 's/^.* documents, ([0-9]+) rendered, .*$/\1/' <<<"$ref")
[ "$rendered" -gt 0 ] || fail "the reference run rendered nothing: $ref"
ok "reference (exit $ref_status): $ref"

echo "== the installed syncgate check examples/ (no helm on PATH)"
set +e
env "${unset_tools[@]}" PATH="$clean_path" SYNCGATE_CACHE_DIR="$tmp/cache-installed" \
  "$bin" check examples/ --no-color >"$tmp/installed.txt" 2>&1
installed_status=$?
set -e
installed=$(summary "$tmp/installed.txt")
[ "$installed" = "$ref" ] || {
  grep -iE 'not found|skipped' "$tmp/installed.txt" | head -5
  fail "installed: '$installed' but the reference says '$ref'"
}
[ "$installed_status" -eq "$ref_status" ] ||
  fail "installed exit $installed_status, reference exit $ref_status"
ok "installed (exit $installed_status): $installed"
# The control: without its libexec copy the same run skips every chart ("helm not found"), so the
# renders above came from there (and not from a path relative to the current folder).
mv "$root/usr/libexec/syncgate" "$root/usr/libexec/syncgate.off"
set +e
env "${unset_tools[@]}" -u CI PATH="$clean_path" SYNCGATE_CACHE_DIR="$tmp/cache-control" \
  "$bin" check examples/ --no-color >"$tmp/control.txt" 2>&1
set -e
mv "$root/usr/libexec/syncgate.off" "$root/usr/libexec/syncgate"
control=$(summary "$tmp/control.txt")
if [ "$control" = "$ref" ] || ! grep -q 'helm not found' "$tmp/control.txt"; then
  fail "without usr/libexec/syncgate the installed binary still rendered: '$control'"
fi
ok "control, libexec/syncgate moved away: $control"

echo "== the installed GitLab CI script on examples/"
# The template's default script path, read from the installed template itself.
template=$root/usr/share/syncgate/integrations/gitlab/syncgate.gitlab-ci.yml
ci_script=$(sed -n 's/^ *SYNCGATE_CI_SCRIPT: "\(.*\)"$/\1/p' "$template")
[ "$ci_script" = /usr/share/syncgate/integrations/gitlab/syncgate-ci.sh ] ||
  fail "the template's SYNCGATE_CI_SCRIPT is '$ci_script'"
[ -f "$root$ci_script" ] || fail "the package has no $ci_script"
reports=$tmp/reports
set +e
# As in the image: syncgate on PATH, GitLab's variables for a branch pipeline (full check).
env "${unset_tools[@]}" -u SYNCGATE -u SYNCGATE_SHARD -u SYNCGATE_MERGE -u SYNCGATE_FULL \
  -u CI_MERGE_REQUEST_DIFF_BASE_SHA PATH="$root/usr/bin:$clean_path" \
  SYNCGATE_CACHE_DIR="$tmp/cache-ci" SYNCGATE_PATHS=examples SYNCGATE_REPORT_DIR="$reports" \
  sh "$root$ci_script" >"$tmp/ci.txt" 2>&1
ci_status=$?
set -e
[ "$ci_status" -eq "$ref_status" ] || {
  tail -20 "$tmp/ci.txt"
  fail "the GitLab script exited $ci_status, the check $ref_status"
}
ci_summary=$(summary "$tmp/ci.txt")
[ "$ci_summary" = "$ref" ] || fail "the GitLab script's run: '$ci_summary', reference '$ref'"
for report in gl-code-quality.json syncgate-junit.xml syncgate.sarif; do
  [ -s "$reports/$report" ] || fail "the GitLab script wrote no $report"
done
python3 -c 'import json, sys
cq = json.load(open(sys.argv[1])); sarif = json.load(open(sys.argv[2]))
assert isinstance(cq, list) and cq, "empty code quality report"
assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"], "empty SARIF run"' \
  "$reports/gl-code-quality.json" "$reports/syncgate.sarif" ||
  fail "the GitLab script's JSON reports do not parse or are empty"
grep -q '<testsuites' "$reports/syncgate-junit.xml" || fail "syncgate-junit.xml is not JUnit"
ok "GitLab script (exit $ci_status): $ci_summary"
ok "reports: $(cd "$reports" && wc -c gl-code-quality.json syncgate-junit.xml syncgate.sarif |
  head -3 | awk '{printf "%s %s B; ", $2, $1}')"

echo "== completions and man page as installed"
bash -n "$root/usr/share/bash-completion/completions/syncgate" || fail "bash completion: syntax"
parsed="bash"
if command -v zsh >/dev/null; then
  zsh -n "$root/usr/share/zsh/vendor-completions/_syncgate" || fail "zsh completion: syntax"
  parsed="$parsed, zsh"
else
  echo "package-test: skipped: zsh not installed (zsh completion syntax not checked)"
fi
if command -v fish >/dev/null; then
  fish -n "$root/usr/share/fish/vendor_completions.d/syncgate.fish" || fail "fish completion: syntax"
  parsed="$parsed, fish"
else
  echo "package-test: skipped: fish not installed (fish completion syntax not checked)"
fi
if command -v groff >/dev/null; then
  page=$(zcat "$root/usr/share/man/man1/syncgate.1.gz" | groff -man -Tutf8 -P-cbou -ww 2>"$tmp/groff.err")
  [ ! -s "$tmp/groff.err" ] || { cat "$tmp/groff.err"; fail "groff warns about the man page"; }
  grep -q 'syncgate check' <<<"$page" || fail "the rendered man page lacks 'syncgate check'"
  ok "completions parse ($parsed); man page renders ($(wc -l <<<"$page") lines)"
else
  echo "package-test: skipped: groff not installed (man page not rendered)"
  ok "completions parse ($parsed)"
fi
echo "package-test: all checks passed ($deb, ${SECONDS}s)"
