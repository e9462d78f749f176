// helm-dependency-missing: a chart dependency that is not vendored in charts/.
#include <fmt/format.h>

#include <filesystem>

#include "checker/rule.h"
#include "model/render_model.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-dependency-missing",
    "A Chart.yaml dependency that is neither a charts/ folder nor a charts/*.tgz archive",
    "helm template and ArgoCD both refuse a chart whose dependencies are not in charts/ (\"found "
    "in Chart.yaml, but missing in charts/ directory\"), whatever the dependency's condition: "
    "the Application goes to ComparisonError and nothing of the chart is checked or synced.",
    "Run `helm dependency build` and commit charts/ (or the .tgz archives), or remove the "
    "dependency from Chart.yaml.",
    Severity::kError,
    DocKind::kChart,
    RuleScope::kWorkspace};

class HelmDependencyMissing final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (doc.source().path() == "<stdin>" || !doc.root().IsMap()) return;
    const std::string dir = std::filesystem::path(doc.source().path()).parent_path().string();
    for (const model::MissingDependency& dep :
         model::FindMissingDependencies(doc, dir.empty() ? "." : dir)) {
      ctx.Report(fmt::format("/dependencies/{}/name", dep.index),
                 fmt::format("dependency '{}' is not in charts/ (neither a folder nor a .tgz); "
                             "run helm dependency build",
                             dep.name));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHelmDependencyMissing() {
  return std::make_unique<HelmDependencyMissing>();
}

}  // namespace syncgate::rules
