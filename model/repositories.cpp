#include "model/repositories.h"

#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate::model {
namespace {

/// A Helm repository URL or OCI reference without scheme noise: lower-case host, no trailing
/// slash, no `.git`; "oci://" kept so that an OCI prefix never matches an HTTP repository.
std::string Key(std::string_view url) {
  std::string s(Trim(url));
  while (!s.empty() && s.back() == '/') s.pop_back();
  const bool oci = StartsWith(s, "oci://");
  if (!oci && (StartsWith(s, "http") || StartsWith(s, "git@") || StartsWith(s, "ssh://"))) {
    // A git or Helm repository over HTTP(S)/SSH: compared as a repository.
    return NormalizeRepoUrl(s);
  }
  return ToLower(s);
}

}  // namespace

std::optional<RepositoryMapping> MapRepository(std::string_view url, const RunSettings& settings) {
  const std::string key = Key(url);
  if (key.empty()) return std::nullopt;
  for (const auto& [from, location] : settings.repo_map) {
    const std::string prefix = Key(from);
    if (prefix.empty()) continue;
    if (key == prefix) return RepositoryMapping{location, ""};
    if (StartsWith(key, prefix + "/")) {
      return RepositoryMapping{location, key.substr(prefix.size() + 1)};
    }
  }
  return std::nullopt;
}

}  // namespace syncgate::model
