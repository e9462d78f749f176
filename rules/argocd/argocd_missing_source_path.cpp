// argocd-missing-source-path: an Application pointing at a path or values file that does not
// exist in the repository being checked.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "checker/config.h"
#include "checker/rule.h"
#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {
namespace fs = std::filesystem;

constexpr RuleMeta kMeta{
    "argocd-missing-source-path",
    "An Application path or helm.valueFiles entry that does not exist in the checked repository",
    "When the Application's repoURL is the repository being checked, its path and value files "
    "can be verified before they reach ArgoCD. A renamed chart folder or a values-prod.yaml that "
    "was never committed makes the sync fail with a ComparisonError, or, with "
    "ignoreMissingValueFiles, deploys the chart without the environment's values. The repository "
    "is recognised through the `repositories:` map of .syncgate.yaml (repoURL: folder) or the "
    "checkout's git remotes.",
    "Fix the path or the valueFiles entry (value files are relative to the source path), or "
    "commit the missing file.",
    Severity::kError,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kWorkspace};

class ArgocdMissingSourcePath final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  Status Setup(const RunScope& run) override {
    const Config& config = run.config;
    const fs::path root = config.root().empty() ? fs::path(".") : fs::path(config.root());
    if (const Document* doc = config.document()) {
      if (const Node* repos = doc->root().Get("repositories")) {
        if (!repos->IsMap()) {
          return Unexpected(fmt::format("{}:{}:{}: repositories must map repoURLs to folders",
                                        config.path(), repos->pos.line, repos->pos.column));
        }
        for (const MapEntry& entry : repos->Resolved().entries) {
          if (!entry.value->IsScalar()) {
            return Unexpected(fmt::format("{}:{}:{}: the folder of a repository must be a string",
                                          config.path(), entry.value->pos.line,
                                          entry.value->pos.column));
          }
          roots_[model::NormalizeRepoUrl(entry.key->value)] =
              root / std::string(entry.value->Text());
        }
      }
    }
    AddGitRemotes(root);
    return Ok{};
  }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    for (const model::AppSource& source : app->sources) {
      const Node* url = source.repo_url;
      if (!url || source.chart) continue;  // Helm repository charts have no path
      auto repo = roots_.find(model::NormalizeRepoUrl(url->Text()));
      if (repo == roots_.end()) continue;
      const std::string rel(model::Text(source.path));
      if (rel.find("{{") != std::string::npos) continue;  // ApplicationSet template parameter
      const fs::path folder = repo->second / rel;
      std::error_code ec;
      if (!fs::is_directory(folder, ec)) {
        ctx.Report(source.pointer + "/path",
                   fmt::format("path '{}' does not exist in {} (the checkout of {})", rel,
                               folder.parent_path().generic_string(), url->Text()));
        continue;
      }
      const model::HelmSource& helm = source.helm;
      if (!helm.node || IsYaml11True(helm.ignore_missing_value_files)) continue;
      const Node* files = helm.value_files;
      if (!files || !files->IsSeq()) continue;
      const auto& items = files->Resolved().items;
      for (size_t i = 0; i < items.size(); ++i) {
        const std::string_view file = items[i]->Text();
        if (file.empty() || file[0] == '$' || file.find("://") != std::string_view::npos ||
            file.find_first_of("*?[{") != std::string_view::npos) {
          continue;  // $ref sources, URLs, globs and templates are resolved elsewhere
        }
        if (!fs::is_regular_file(folder / std::string(file), ec)) {
          ctx.Report(
              fmt::format("{}/helm/valueFiles/{}", source.pointer, i),
              fmt::format("value file '{}' does not exist in {}", file, folder.generic_string()));
        }
      }
    }
  }

 private:
  /// The checkout's own remotes (`url = ...` lines of .git/config) map to its top folder.
  void AddGitRemotes(const fs::path& start) {
    std::error_code ec;
    for (fs::path dir = fs::absolute(start, ec); !dir.empty(); dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / ".git" / "config", ec)) {
        std::ifstream in(dir / ".git" / "config");
        std::string line;
        const fs::path top = fs::relative(dir, fs::current_path(), ec);
        while (std::getline(in, line)) {
          std::string_view text = Trim(line);
          if (!StartsWith(text, "url")) continue;
          const size_t eq = text.find('=');
          if (eq == std::string_view::npos) continue;
          roots_.emplace(model::NormalizeRepoUrl(text.substr(eq + 1)), ec ? dir : top);
        }
        return;
      }
      if (dir == dir.root_path()) return;
    }
  }

  std::map<std::string, fs::path> roots_;  // normalised repoURL → folder of its checkout
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdMissingSourcePath() {
  return std::make_unique<ArgocdMissingSourcePath>();
}

}  // namespace syncgate::rules
