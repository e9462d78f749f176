#pragma once
// Helpers shared by the tests: running the engine like the CLI does, temporary folders, the
// CLI binary, and the shared data folder (tests that need it skip when it is absent).

#include <filesystem>
#include <string>
#include <vector>

#include "checker/engine.h"
#include "run/check_run.h"

namespace syncgate::testing {

/// The repository root (tests run from there).
std::filesystem::path SourceDir();
/// `../shared/data` next to the repository, or empty when absent.
std::filesystem::path SharedData();

/// Makes the run `request` describes (run/check_run.h, as every command does) and checks `paths`
/// with it. A configuration error throws. Unless the request says otherwise, a chart that cannot
/// be rendered is skipped (the tests run with CI set).
RunResult CheckWith(RunRequest request, const std::vector<std::string>& paths);

/// Runs every built-in rule over `paths` with the config found upward from the first path
/// (or `config_path`), without rendering charts.
RunResult Check(const std::vector<std::string>& paths, const std::string& config_path = "",
                int jobs = 1);
/// Like Check, with the charts rendered by the real helm as `syncgate check` does (render/),
/// without a render cache. Empty `helm`: .tools/bin/helm or helm on PATH.
RunResult CheckRendered(const std::vector<std::string>& paths, const std::string& helm = "");
/// The helm CheckRendered uses; empty when there is none (tests then skip).
std::string TestHelm();
/// What CheckRendered builds Kustomize sources with: .tools/bin/kubectl, else kustomize or
/// kubectl on PATH; empty when there is none (tests then skip).
std::string TestKustomize();

/// Declares `helm` as the real helm binary, or warns and leaves the test when there is none.
#define REQUIRE_HELM(helm)                                                                \
  const std::string helm = ::syncgate::testing::TestHelm();                               \
  if (helm.empty()) {                                                                     \
    WARN("helm not found: run tools/install-helm.sh (installs v3.17.2 into .tools/bin)"); \
    return;                                                                               \
  }

/// Writes `text` to `path`, creating folders.
void WriteFile(const std::filesystem::path& path, const std::string& text);
/// The whole content of `path` (empty when it cannot be read).
std::string ReadText(const std::filesystem::path& path);

/// A fresh temporary folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

/// Result of running the syncgate binary.
struct CommandOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};
/// Runs `build/syncgate <args>` (through /bin/sh; quote arguments yourself) with optional stdin.
CommandOutput RunSyncgate(const std::string& args, const std::string& stdin_text = "",
                          const std::string& cwd = "");
/// Runs a shell command line, capturing stdout and stderr.
CommandOutput RunShell(const std::string& command, const std::string& stdin_text = "",
                       const std::string& cwd = "");

}  // namespace syncgate::testing
