// Where syncgate finds helm and kustomize (render/tool_locator.h): --helm, then SYNCGATE_HELM,
// then PATH, then `<prefix>/libexec/syncgate/` beside an installed binary, then the development
// tree's .tools/bin beside the build folder; never the caller's current directory.
// `syncgate version --verbose` names the helm and kustomize a run would use.
#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/test_util.h"

namespace syncgate {
namespace fs = std::filesystem;
using testing::RunShell;
using testing::TempDir;
using testing::WriteFile;

namespace {

/// A stand-in helm that says which copy it is; only `version` is ever run by these tests.
fs::path FakeTool(const fs::path& dir, const std::string& name, const std::string& says) {
  fs::create_directories(dir);
  fs::path tool = dir / name;
  WriteFile(tool, fmt::format("#!/bin/sh\necho {}\n", says));
  chmod(tool.c_str(), 0755);
  return tool;
}

/// The "helm: ..." line of `version --verbose` run by `binary` from `cwd` with `env`.
std::string HelmLine(const std::string& binary, const std::string& env, const fs::path& cwd) {
  const testing::CommandOutput out =
      RunShell(fmt::format("env {} '{}' version --verbose", env, binary), "", cwd.string());
  REQUIRE(out.exit_code == 0);
  const size_t at = out.out.find("  helm: ");
  REQUIRE(at != std::string::npos);
  return out.out.substr(at + 8, out.out.find('\n', at) - at - 8);
}

}  // namespace

TEST_CASE("helm is found by --helm, SYNCGATE_HELM, PATH, then beside the installed binary",
          "[cli][tools]") {
  TempDir dir;
  // PATH without any helm: the system folders only (the CI image has none there).
  const std::string bare_path = "PATH=/usr/bin:/bin";
  if (RunShell("env " + bare_path + " sh -c 'command -v helm'").exit_code == 0) {
    WARN("skipped: this machine has a helm in /usr/bin or /bin, so PATH cannot be without one");
    return;
  }
  FakeTool(dir / "on-path", "helm", "v9.0.1-on-path");
  const fs::path named = FakeTool(dir / "named", "helm", "v9.0.2-named");

  // An installed layout: <prefix>/bin/syncgate with its helm in <prefix>/libexec/syncgate/.
  const fs::path prefix = dir / "prefix";
  fs::create_directories(prefix / "bin");
  fs::copy_file(SYNCGATE_BINARY, prefix / "bin/syncgate");
  FakeTool(prefix / "libexec/syncgate", "helm", "v9.0.3-installed");
  const std::string installed = (prefix / "bin/syncgate").string();

  // Run from a folder that holds a .tools/bin/helm of its own: it is never used.
  FakeTool(dir / "cwd/.tools/bin", "helm", "v9.0.4-cwd");
  const fs::path cwd = dir / "cwd";

  CHECK(HelmLine(installed, bare_path, cwd) ==
        fmt::format("{} (v9.0.3-installed)", (prefix / "libexec/syncgate/helm").string()));
  CHECK(HelmLine(installed, fmt::format("PATH={}:/usr/bin:/bin", (dir / "on-path").string()),
                 cwd) == fmt::format("{} (v9.0.1-on-path)", (dir / "on-path/helm").string()));
  CHECK(HelmLine(installed,
                 fmt::format("SYNCGATE_HELM={} PATH={}:/usr/bin:/bin", named.string(),
                             (dir / "on-path").string()),
                 cwd) == fmt::format("{} (v9.0.2-named)", named.string()));

  // Nothing installed beside it and nothing on PATH: not found, and the message says where it
  // looked and what to do.
  fs::remove(prefix / "libexec/syncgate/helm");
  const std::string missing = HelmLine(installed, bare_path, cwd);
  CHECK_THAT(missing, Catch::StartsWith("not found"));
  CHECK_THAT(missing, Catch::Contains("SYNCGATE_HELM"));

  // --helm wins over everything, and a check that cannot run the named helm says so.
  FakeTool(prefix / "libexec/syncgate", "helm", "v9.0.3-installed");
  const testing::CommandOutput explicit_missing = RunShell(
      fmt::format("{} '{}' check --helm /nonexistent/helm --require-render '{}'", bare_path,
                  installed, (testing::SourceDir() / "examples/charts").string()),
      "", cwd.string());
  CHECK(explicit_missing.exit_code == 2);
  CHECK_THAT(explicit_missing.out + explicit_missing.err, Catch::Contains("/nonexistent/helm"));
}

TEST_CASE("the development build finds the tree's .tools/bin helm from any folder",
          "[cli][tools]") {
  const fs::path tools = testing::SourceDir() / ".tools/bin/helm";
  if (!fs::exists(tools)) {
    WARN("skipped: no .tools/bin/helm (tools/install-helm.sh installs it)");
    return;
  }
  TempDir dir;
  const testing::CommandOutput version =
      RunShell(fmt::format("'{}' version --short", tools.string()));
  REQUIRE(version.exit_code == 0);
  CHECK(HelmLine(SYNCGATE_BINARY, "PATH=/usr/bin:/bin", dir.path()) ==
        fmt::format("{} ({})", fs::canonical(tools).string(),
                    version.out.substr(0, version.out.find('\n'))));
}

TEST_CASE("version --verbose names the commit, the libraries, the renderers and the schemas",
          "[cli][tools]") {
  const testing::CommandOutput out = testing::RunSyncgate("version --verbose");
  REQUIRE(out.exit_code == 0);
  CHECK_THAT(out.out, Catch::StartsWith(fmt::format("syncgate {}\n", SYNCGATE_VERSION)));
  // The commit the binary was built from: 12 hex digits (-dirty for a changed tree), or
  // "unknown" for a tree without git.
  const size_t at = out.out.find("commit: ");
  REQUIRE(at != std::string::npos);
  const std::string commit = out.out.substr(at + 8, out.out.find('\n', at) - at - 8);
  const bool hex = commit.size() >= 12 && commit.find_first_not_of("0123456789abcdef") >= 12;
  CHECK((hex || commit == "unknown"));
  for (const char* line :
       {"  libgit2 1.", "  Botan 2.", "  yaml-cpp ", "  RE2 ", "  {fmt} ", "  nlohmann-json 3.",
        "  CLI11 ", "  helm: ", "  kustomize: ", "  Kubernetes version by default: 1.31\n",
        "  built in: application-argoproj.io-v1alpha1.json"}) {
    CHECK_THAT(out.out, Catch::Contains(line));
  }
  // The plain form stays one line (scripts read it).
  CHECK(testing::RunSyncgate("version").out == fmt::format("syncgate {}\n", SYNCGATE_VERSION));
}

}  // namespace syncgate
