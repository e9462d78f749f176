#include "checker/config.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/text_util.h"

namespace syncgate {
namespace fs = std::filesystem;

namespace {

// Sections other subsystems read from the same file; listed so a typo is caught here.
constexpr std::string_view kKnownSections[] = {
    "exclude", "max_file_size",  "rules",        "environments",   "rule_packs",
    "secrets", "sealed_secrets", "repositories", "checklist",      "helm",
    "schemas", "kube_version",   "offline",      "chart_archives", "render"};

Error ConfigError(const SourceFile& source, Position pos, std::string_view message) {
  return Error{fmt::format("{}:{}:{}: {}", source.path(), pos.line, pos.column, message)};
}

Expected<std::vector<std::string>> StringList(const SourceFile& source, const Node& node,
                                              std::string_view what) {
  std::vector<std::string> out;
  const Node& seq = node.Resolved();
  if (seq.kind == NodeKind::kScalar && seq.type == ScalarType::kString) {
    out.emplace_back(seq.value);
    return out;
  }
  if (seq.kind != NodeKind::kSequence) {
    return Unexpected(
        ConfigError(source, node.pos, fmt::format("{} must be a list of strings", what)));
  }
  for (const Node* item : seq.items) {
    if (!item->IsScalar()) {
      return Unexpected(
          ConfigError(source, item->pos, fmt::format("{} entries must be strings", what)));
    }
    out.emplace_back(item->Text());
  }
  return out;
}

}  // namespace

Expected<size_t> ParseSize(const SourceFile& source, const Node& node, std::string_view what) {
  const std::string_view text = node.Text();
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) {
    return Unexpected(
        ConfigError(source, node.pos, fmt::format("{} must be a size such as 16MiB", what)));
  }
  if (const std::optional<std::uintmax_t> size = ParseByteSize(text)) return *size;
  return Unexpected(ConfigError(
      source, node.pos,
      fmt::format("'{}' is not a size: a number, then B, KiB, MiB or GiB (such as 16MiB)", text)));
}

namespace {

Status ParseRuleSetting(const SourceFile& source, const Node& value, RuleSetting& setting) {
  const Node& v = value.Resolved();
  if (v.kind == NodeKind::kScalar) {
    std::string_view text = v.value;
    if (text == "off" || text == "false" || text == "disabled") {
      setting.enabled = false;
    } else if (text == "on" || text == "true" || text == "enabled") {
      setting.enabled = true;
    } else if (auto severity = ParseSeverity(text)) {
      setting.severity = severity;
    } else {
      return Unexpected(ConfigError(source, v.pos,
                                    fmt::format("'{}' is not a rule setting: use off, on, error, "
                                                "warning, info or a map with severity/options",
                                                text)));
    }
    return Ok{};
  }
  if (v.kind != NodeKind::kMapping) {
    return Unexpected(ConfigError(source, v.pos, "a rule setting must be a word or a map"));
  }
  for (const MapEntry& entry : v.entries) {
    const std::string& key = entry.key->value;
    if (key == "enabled") {
      const ScalarType type = entry.value->Resolved().type;
      if (type != ScalarType::kBool) {
        return Unexpected(ConfigError(source, entry.value->pos, "enabled must be true or false"));
      }
      setting.enabled = entry.value->Text() == "true" || entry.value->Text() == "True" ||
                        entry.value->Text() == "TRUE";
    } else if (key == "severity") {
      auto severity = ParseSeverity(entry.value->Text());
      if (!severity) {
        return Unexpected(
            ConfigError(source, entry.value->pos, "severity must be error, warning or info"));
      }
      setting.severity = severity;
    } else if (key == "options") {
      setting.options = entry.value;
    } else {
      return Unexpected(ConfigError(source, entry.key->pos,
                                    fmt::format("unknown rule setting '{}' (expected enabled, "
                                                "severity or options)",
                                                key)));
    }
  }
  return Ok{};
}

/// `rules:`: rule id → setting.
Expected<std::map<std::string, RuleSetting, std::less<>>> ParseRuleSettings(
    const SourceFile& source, const Node& value) {
  if (!value.IsMap())
    return Unexpected(ConfigError(source, value.pos, "rules must map rule ids to settings"));
  std::map<std::string, RuleSetting, std::less<>> rules;
  for (const MapEntry& rule : value.Resolved().entries) {
    RuleSetting setting;
    if (auto status = ParseRuleSetting(source, *rule.value, setting); !status)
      return Unexpected(status.error());
    rules[rule.key->value] = setting;
  }
  return rules;
}

/// One profile of `environments:`.
Expected<EnvironmentProfile> ParseEnvironment(const SourceFile& source, const MapEntry& env) {
  EnvironmentProfile profile;
  profile.name = env.key->value;
  // A profile without a name could never be chosen with --env, and "" means "no environment"
  // to the rules (RuleContext::environment()).
  if (!env.key->IsScalar() || profile.name.empty()) {
    return Unexpected(ConfigError(source, env.key->pos, "an environment needs a name"));
  }
  if (!env.value->IsMap()) {
    return Unexpected(ConfigError(source, env.value->pos,
                                  "an environment is a map of namespaces, applications, "
                                  "paths and production"));
  }
  for (const MapEntry& field : env.value->Resolved().entries) {
    const std::string& f = field.key->value;
    std::vector<std::string>* target = nullptr;
    if (f == "namespaces") target = &profile.namespaces;
    if (f == "applications") target = &profile.applications;
    if (f == "paths") target = &profile.paths;
    if (target) {
      auto list = StringList(source, *field.value, f);
      if (!list) return Unexpected(list.error());
      *target = std::move(*list);
    } else if (f == "labels") {
      if (!field.value->IsMap()) {
        return Unexpected(
            ConfigError(source, field.value->pos, "labels must map label keys to value globs"));
      }
      for (const MapEntry& label : field.value->Resolved().entries) {
        if (!label.value->IsScalar()) {
          return Unexpected(
              ConfigError(source, label.value->pos, "a label value must be a string"));
        }
        profile.labels.emplace_back(label.key->value, std::string(label.value->Text()));
      }
    } else if (f == "production") {
      profile.production = field.value->Text() == "true";
    } else {
      return Unexpected(ConfigError(source, field.key->pos,
                                    fmt::format("unknown environment field '{}' (expected "
                                                "namespaces, applications, paths, labels "
                                                "or production)",
                                                f)));
    }
  }
  return profile;
}

/// `environments:`: name → profile, in the order written.
Expected<std::vector<EnvironmentProfile>> ParseEnvironments(const SourceFile& source,
                                                            const Node& value) {
  if (!value.IsMap()) {
    return Unexpected(
        ConfigError(source, value.pos, "environments must map environment names to selectors"));
  }
  std::vector<EnvironmentProfile> profiles;
  for (const MapEntry& env : value.Resolved().entries) {
    Expected<EnvironmentProfile> profile = ParseEnvironment(source, env);
    if (!profile) return Unexpected(profile.error());
    profiles.push_back(std::move(*profile));
  }
  return profiles;
}

}  // namespace

Expected<Config> Config::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(fmt::format("{}: cannot read the configuration file", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string display = path;
  if (display.rfind("./", 0) == 0) display = display.substr(2);
  return Parse(SourceFile::FromText(display, buffer.str()));
}

Expected<Config> Config::Parse(std::shared_ptr<const SourceFile> source) {
  Config config;
  config.path_ = source->path();
  const fs::path parent = fs::path(source->path()).parent_path();
  config.root_ = parent.empty() ? "." : parent.generic_string();
  LoadResult loaded = LoadYaml(source);
  if (loaded.error)
    return Unexpected(ConfigError(*source, loaded.error->pos, loaded.error->message));
  if (loaded.documents.empty() || loaded.documents[0]->root().IsNull()) return config;
  if (loaded.documents.size() > 1) {
    return Unexpected(ConfigError(*source, loaded.documents[1]->start(),
                                  "the configuration must be a single YAML document"));
  }
  config.doc_ = std::shared_ptr<Document>(std::move(loaded.documents[0]));
  const Node& root = config.doc_->root();
  if (!root.IsMap()) {
    return Unexpected(ConfigError(*source, root.pos, "the configuration must be a YAML mapping"));
  }
  for (const MapEntry& entry : root.Resolved().entries) {
    const std::string& key = entry.key->value;
    const Node& value = *entry.value;
    if (key == "exclude") {
      auto list = StringList(*source, value, "exclude");
      if (!list) return Unexpected(list.error());
      config.exclude_ = std::move(*list);
    } else if (key == "rule_packs") {
      auto list = StringList(*source, value, "rule_packs");
      if (!list) return Unexpected(list.error());
      config.rule_packs_ = std::move(*list);
    } else if (key == "max_file_size") {
      auto size = ParseSize(*source, value, "max_file_size");
      if (!size) return Unexpected(size.error());
      config.max_file_size_ = *size;
    } else if (key == "rules") {
      auto rules = ParseRuleSettings(*source, value);
      if (!rules) return Unexpected(rules.error());
      config.rules_ = std::move(*rules);
    } else if (key == "environments") {
      auto environments = ParseEnvironments(*source, value);
      if (!environments) return Unexpected(environments.error());
      config.environments_ = std::move(*environments);
    } else {
      bool known = false;
      for (std::string_view section : kKnownSections) known |= section == key;
      if (!known) {
        std::vector<std::string_view> candidates(std::begin(kKnownSections),
                                                 std::end(kKnownSections));
        std::string hint = DidYouMean(key, candidates);
        return Unexpected(
            ConfigError(*source, entry.key->pos,
                        fmt::format("unknown configuration section '{}'{}", key, hint)));
      }
    }
  }
  return config;
}

std::string Config::FindUpward(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start.empty() ? "." : start, ec);
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  while (!dir.empty()) {
    fs::path candidate = dir / ".syncgate.yaml";
    if (fs::is_regular_file(candidate, ec)) {
      fs::path rel = fs::relative(candidate, fs::current_path(), ec);
      const bool outside = ec || rel.empty() || rel.generic_string().rfind("..", 0) == 0;
      return outside ? candidate.generic_string() : rel.generic_string();
    }
    if (fs::exists(dir / ".git", ec)) break;  // do not leave the repository
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return {};
}

bool Config::IsExcluded(std::string_view display_path) const {
  std::string rel(display_path);
  if (root_ != "." && rel.rfind(root_ + "/", 0) == 0) rel = rel.substr(root_.size() + 1);
  const std::string_view base = std::string_view(rel).substr(rel.rfind('/') + 1);
  for (const std::string& pattern : exclude_) {
    // As in .gitignore, a pattern without '/' matches a file or folder name at any depth.
    if (pattern.find('/') == std::string::npos) {
      if (GlobMatch(pattern, base)) return true;
      size_t start = 0;
      for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', start)) {
        if (GlobMatch(pattern, std::string_view(rel).substr(start, slash - start))) return true;
        start = slash + 1;
      }
    } else if (GlobMatch(pattern, rel) || GlobMatch(pattern, display_path)) {
      return true;
    }
  }
  return false;
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  // Iterative matcher with backtracking for '*' and '**'.
  if (pattern.empty()) return path.empty();
  if (pattern.substr(0, 3) == "**/") {
    if (GlobMatch(pattern.substr(3), path)) return true;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '/' && GlobMatch(pattern.substr(3), path.substr(i + 1))) return true;
    }
    return false;
  }
  if (pattern == "**") return true;
  if (pattern.substr(0, 2) == "**") {
    for (size_t i = 0; i <= path.size(); ++i) {
      if (GlobMatch(pattern.substr(2), path.substr(i))) return true;
    }
    return false;
  }
  const char p = pattern[0];
  if (p == '*') {
    for (size_t i = 0; i <= path.size(); ++i) {
      if (GlobMatch(pattern.substr(1), path.substr(i))) return true;
      if (i < path.size() && path[i] == '/') break;
    }
    return false;
  }
  if (path.empty()) return pattern == "/**";  // "dir/**" also matches "dir" itself
  if (p == '?') return path[0] != '/' && GlobMatch(pattern.substr(1), path.substr(1));
  if (p != path[0]) return false;
  return GlobMatch(pattern.substr(1), path.substr(1));
}

}  // namespace syncgate
