#include "render/tool_locator.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "checker/text_util.h"

namespace syncgate::render {
namespace fs = std::filesystem;

namespace {

bool IsExecutable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

/// The folder of the running binary, through /proc so that a symlink to it (a package's
/// /usr/bin entry, a user's ~/bin link) still finds the tools installed beside the real file.
fs::path ExecutableDir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec || self.empty()) return {};
  return self.parent_path();
}

}  // namespace

std::vector<std::string> InstalledToolDirs() {
  const fs::path dir = ExecutableDir();
  if (dir.empty()) return {};
  // <prefix>/bin/syncgate -> <prefix>/libexec/syncgate; build*/syncgate (and the test binary
  // beside it) -> <source>/.tools/bin.
  return {(dir.parent_path() / "libexec" / "syncgate").lexically_normal().string(),
          (dir.parent_path() / ".tools" / "bin").lexically_normal().string()};
}

std::string FindTool(const ToolSearch& search) {
  if (!search.explicit_path.empty()) return search.explicit_path;
  if (!search.env_var.empty()) {
    const char* named = std::getenv(search.env_var.c_str());
    if (named != nullptr && *named != '\0') return named;
  }
  std::vector<fs::path> dirs;
  if (const char* path = std::getenv("PATH")) {
    for (std::string_view dir : Split(path, ':')) {
      // An empty PATH entry means the current directory, which this search never uses.
      if (!dir.empty() && dir != ".") dirs.emplace_back(std::string(dir));
    }
  }
  for (const std::string& name : search.names) {
    for (const fs::path& dir : dirs) {
      if (IsExecutable(dir / name)) return (dir / name).string();
    }
  }
  for (const std::string& dir : InstalledToolDirs()) {
    for (const std::string& name : search.names) {
      if (IsExecutable(fs::path(dir) / name)) return (fs::path(dir) / name).string();
    }
  }
  return "";
}

}  // namespace syncgate::render
