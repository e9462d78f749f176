#include "checker/environment.h"

#include "checker/text_util.h"

namespace syncgate {
namespace {

bool AnyGlob(const std::vector<std::string>& patterns, std::string_view value) {
  if (value.empty()) return false;
  for (const std::string& pattern : patterns) {
    if (GlobMatch(pattern, value)) return true;
  }
  return false;
}

std::string RelativeToConfig(const Config& config, std::string_view path) {
  std::string rel(path);
  if (config.root() != "." && StartsWith(rel, config.root() + "/")) {
    rel = rel.substr(config.root().size() + 1);
  }
  return rel;
}

/// values-prod.yaml → "prod"; .../environments/staging/... → "staging".
std::string ConventionalEnvironment(std::string_view path) {
  const std::string_view name = path.substr(path.rfind('/') + 1);
  if (StartsWith(name, "values-")) {
    std::string_view env = name.substr(7);
    env = env.substr(0, env.rfind('.'));
    if (!env.empty()) return std::string(env);
  }
  const size_t at = path.find("environments/");
  if (at != std::string_view::npos && (at == 0 || path[at - 1] == '/')) {
    std::string_view rest = path.substr(at + 13);
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos && slash > 0) return std::string(rest.substr(0, slash));
  }
  return {};
}

/// Every label of the profile is on the object (an Application's own labels count for it).
bool LabelsMatch(const EnvironmentProfile& profile, const Document* doc) {
  if (profile.labels.empty() || !doc) return false;
  const Node* labels = doc->root().Path({"metadata", "labels"});
  if (!labels || !labels->IsMap()) return false;
  for (const auto& [key, pattern] : profile.labels) {
    const Node* value = labels->Get(key);
    if (!value || !GlobMatch(pattern, value->Text())) return false;
  }
  return true;
}

}  // namespace

Environment NamedEnvironment(const Config& config, std::string_view name) {
  Environment env{std::string(name), false};
  for (const EnvironmentProfile& profile : config.environments()) {
    if (profile.name == name) env.production = profile.production;
  }
  if (name == "production" || name == "prod") env.production = true;
  return env;
}

Environment EnvironmentOf(const Config& config, const FileUnit& file, const Document* doc,
                          std::string_view fallback) {
  const std::string rel = RelativeToConfig(config, file.input.display_path);
  std::string_view app_name;
  std::string_view ns;
  if (doc) {
    ns = doc->object().ns;
    if (doc->kind() == DocKind::kApplication) {
      app_name = doc->object().name;
      if (const Node* dest = doc->root().Path({"spec", "destination", "namespace"})) {
        ns = dest->Text();
      }
    }
  }
  for (const EnvironmentProfile& profile : config.environments()) {
    if (AnyGlob(profile.paths, rel) || AnyGlob(profile.applications, app_name) ||
        AnyGlob(profile.namespaces, ns) || LabelsMatch(profile, doc)) {
      return NamedEnvironment(config, profile.name);
    }
  }
  if (std::string conventional = ConventionalEnvironment(rel); !conventional.empty()) {
    return NamedEnvironment(config, conventional);
  }
  return NamedEnvironment(config, fallback);
}

}  // namespace syncgate
