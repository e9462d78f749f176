#pragma once
// `.syncgate.yaml`: which rules run, at which severity, with which options, and what is skipped.
//
//   # .syncgate.yaml
//   exclude: ["vendor/**", "**/testdata/**"]
//   max_file_size: 16MiB
//   rules:
//     workload-missing-probes: off
//     yaml-ambiguous-boolean: {severity: error}
//     workload-image-mutable-tag: {options: {allowed_tags: [stable]}}
//
//   Expected<Config> config = Config::Load("repo/.syncgate.yaml");
//   if (!config) Fail(config.error().message);  // "repo/.syncgate.yaml:3:5: ..."

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/document.h"
#include "checker/expected.h"
#include "checker/finding.h"

namespace syncgate {

struct RuleSetting {
  std::optional<bool> enabled;
  std::optional<Severity> severity;
  const Node* options = nullptr;  // owned by the Config's document
};

/// Environment profile: which subjects belong to an environment (see `environments:`).
struct EnvironmentProfile {
  std::string name;
  std::vector<std::string> namespaces;    // destination / metadata namespaces, globs
  std::vector<std::string> applications;  // Application names, globs
  std::vector<std::string> paths;         // file globs (values-prod.yaml, environments/prod/**)
  /// Object labels: every key must be present with a value matching its glob (env: prod).
  std::vector<std::pair<std::string, std::string>> labels;
  bool production = false;
};

class Config {
 public:
  /// Parses a config file. Errors name the file, line and column.
  static Expected<Config> Load(const std::string& path);
  /// Parses config text (for tests and stdin).
  static Expected<Config> Parse(std::shared_ptr<const SourceFile> source);
  /// Finds `.syncgate.yaml` in `start` or its parents; empty when there is none.
  static std::string FindUpward(const std::string& start);

  const std::string& path() const { return path_; }
  /// The folder the config lives in: exclude globs and paths are relative to it.
  const std::string& root() const { return root_; }
  const std::vector<std::string>& exclude() const { return exclude_; }
  const std::map<std::string, RuleSetting, std::less<>>& rules() const { return rules_; }
  const std::vector<EnvironmentProfile>& environments() const { return environments_; }
  const std::vector<std::string>& rule_packs() const { return rule_packs_; }
  size_t max_file_size() const { return max_file_size_; }
  /// The config document, for subsystems that read their own sections.
  const Document* document() const { return doc_.get(); }

  /// Whether `display_path` (relative to the working directory) is excluded.
  bool IsExcluded(std::string_view display_path) const;

 private:
  std::string path_;
  std::string root_;
  std::vector<std::string> exclude_;
  std::map<std::string, RuleSetting, std::less<>> rules_;
  std::vector<EnvironmentProfile> environments_;
  std::vector<std::string> rule_packs_;
  size_t max_file_size_ = 16u << 20;
  std::shared_ptr<Document> doc_;
};

/// A size setting ("16MiB", "512KiB", "100"): bytes. `what` names the setting in the error.
Expected<size_t> ParseSize(const SourceFile& source, const Node& node, std::string_view what);

/// Glob match with `*` (within a path segment), `**` (any number of segments) and `?`.
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace syncgate
