#include "checker/cache_dir.h"

#include <cstdlib>
#include <filesystem>

namespace syncgate {

std::string CacheDir(std::string_view purpose) {
  namespace fs = std::filesystem;
  if (const char* dir = std::getenv("SYNCGATE_CACHE_DIR"); dir && *dir) {
    return (fs::path(dir) / purpose).string();
  }
  if (const char* dir = std::getenv("XDG_CACHE_HOME"); dir && *dir) {
    return (fs::path(dir) / "syncgate" / purpose).string();
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return (fs::path(home) / ".cache" / "syncgate" / purpose).string();
  }
  return "";
}

}  // namespace syncgate
