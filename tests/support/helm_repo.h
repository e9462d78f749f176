#pragma once
// Helm repositories for tests, made by the real helm: chart folders packaged with `helm package`
// into a folder that `helm repo index` indexes, ready for LoopbackHttpServer to serve. Every
// helm command runs with its own cache, config and data folders under the test's temporary
// folder (HelmEnv), never the user's helm configuration.
//
//   REQUIRE_HELM(helm);
//   TempDir dir;
//   WriteTestChart(dir / "src/web", "web", "0.1.0");
//   Expected<std::vector<fs::path>> packages =
//       BuildHelmRepository(helm, {dir / "src/web"}, dir / "repo", dir / "helm-home");
//   REQUIRE(packages);                  // dir/repo: web-0.1.0.tgz and index.yaml
//   RunShell(HelmEnv(dir / "helm-home") + ShellQuote(helm) + " pull ...");

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "checker/expected.h"

namespace syncgate::testing {

/// `text` single-quoted for /bin/sh.
std::string ShellQuote(std::string_view text);

/// "env HELM_CACHE_HOME=... HELM_CONFIG_HOME=... ... " for a shell command line: helm's cache,
/// config, data, repository and registry files under `home` (created), whatever the caller's
/// environment says.
std::string HelmEnv(const std::filesystem::path& home);

/// A minimal application chart in `dir`: Chart.yaml (apiVersion v2), values.yaml and one
/// ConfigMap template.
void WriteTestChart(const std::filesystem::path& dir, const std::string& name,
                    const std::string& version);

/// `helm package` each of `charts` into `repo_dir`, then `helm repo index repo_dir` (with `--url`
/// when `url` is set; relative chart URLs otherwise, which helm resolves against the repository
/// URL). Returns the packages, in the order of `charts`; helm's message when a step fails.
Expected<std::vector<std::filesystem::path>> BuildHelmRepository(
    const std::string& helm, const std::vector<std::filesystem::path>& charts,
    const std::filesystem::path& repo_dir, const std::filesystem::path& helm_home,
    const std::string& url = "");

}  // namespace syncgate::testing
