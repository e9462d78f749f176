#include "tests/support/helm_repo.h"

#include <fmt/format.h>

#include "tests/test_util.h"

namespace syncgate::testing {
namespace fs = std::filesystem;

std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string HelmEnv(const fs::path& home) {
  const fs::path cache = home / "cache", config = home / "config", data = home / "data";
  for (const fs::path& dir : {cache, config, data}) fs::create_directories(dir);
  // The three homes decide every default; the explicit file settings below win over a caller's
  // HELM_REPOSITORY_CONFIG or HELM_REGISTRY_CONFIG, which would otherwise point at real files.
  return fmt::format(
      "env HELM_CACHE_HOME={} HELM_CONFIG_HOME={} HELM_DATA_HOME={} HELM_REPOSITORY_CACHE={} "
      "HELM_REPOSITORY_CONFIG={} HELM_REGISTRY_CONFIG={} ",
      ShellQuote(cache.string()), ShellQuote(config.string()), ShellQuote(data.string()),
      ShellQuote((cache / "repository").string()),
      ShellQuote((config / "repositories.yaml").string()),
      ShellQuote((config / "registry" / "config.json").string()));
}

void WriteTestChart(const fs::path& dir, const std::string& name, const std::string& version) {
  WriteFile(
      dir / "Chart.yaml",
      fmt::format("apiVersion: v2\nname: {}\nversion: {}\ntype: application\n", name, version));
  WriteFile(dir / "values.yaml", "greeting: hello\n");
  WriteFile(dir / "templates" / "configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
            "data:\n  greeting: {{ .Values.greeting | quote }}\n");
}

Expected<std::vector<fs::path>> BuildHelmRepository(const std::string& helm,
                                                    const std::vector<fs::path>& charts,
                                                    const fs::path& repo_dir,
                                                    const fs::path& helm_home,
                                                    const std::string& url) {
  if (helm.empty()) return Unexpected("helm not found: run tools/install-helm.sh");
  fs::create_directories(repo_dir);
  const std::string env = HelmEnv(helm_home);
  std::vector<fs::path> packages;
  for (const fs::path& chart : charts) {
    const CommandOutput out =
        RunShell(fmt::format("{}{} package {} --destination {}", env, ShellQuote(helm),
                             ShellQuote(chart.string()), ShellQuote(repo_dir.string())));
    // "Successfully packaged chart and saved it to: /tmp/.../web-0.1.0.tgz"
    const size_t at = out.out.find(": /");
    if (out.exit_code != 0 || at == std::string::npos) {
      return Unexpected(fmt::format("helm package {}: {}{}", chart.string(), out.err, out.out));
    }
    std::string path = out.out.substr(at + 2);
    while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
    packages.emplace_back(path);
  }
  std::string index =
      fmt::format("{}{} repo index {}", env, ShellQuote(helm), ShellQuote(repo_dir.string()));
  if (!url.empty()) index += " --url " + ShellQuote(url);
  const CommandOutput out = RunShell(index);
  if (out.exit_code != 0) return Unexpected("helm repo index: " + out.err + out.out);
  return packages;
}

}  // namespace syncgate::testing
