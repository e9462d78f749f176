// helm-dependency-substituted: a chart rendered with a dependency that is not the published one.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-dependency-substituted",
    "A chart was rendered with a dependency from the checked tree, or without an unavailable "
    "dependency its values disable",
    "When a dependency is neither vendored nor cached, syncgate renders with a chart of the same "
    "name from the checked tree (monorepos keep `common` beside its users), and leaves out an "
    "unavailable dependency that the render's values disable (helm would not render it either). "
    "Both make the check possible offline, but the published chart ArgoCD fetches may differ from "
    "the folder used: this says which render was not byte-for-byte ArgoCD's.",
    "Nothing to fix when the folder is the chart's source; to check the published chart, vendor "
    "it, fill the dependency cache, or map its repository to a mirror.",
    Severity::kInfo,
    DocKind::kChart,
    RuleScope::kWorkspace};

class HelmDependencySubstituted final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const Workspace* workspace = ctx.workspace();
    const auto* state = workspace ? workspace->FindExtension<model::RenderState>() : nullptr;
    if (!state || !state->ran) return;
    for (const auto& chart : state->model.charts) {
      if (chart->chart_doc != &doc) continue;
      for (size_t d = 0; d < chart->resolved.size(); ++d) {
        const model::ChartDependency& dep = chart->dependencies.items[d];
        const std::string at = fmt::format("/dependencies/{}/name", dep.index);
        if (chart->resolved[d].source == model::DependencySource::kTree) {
          ctx.Report(at,
                     fmt::format("dependency '{}' is rendered from the chart folder {} ({}) of "
                                 "the checked tree, not from {}",
                                 dep.name, chart->resolved[d].display, chart->resolved[d].version,
                                 dep.repository.empty() ? "a repository" : dep.repository));
        } else if (chart->omitted.count(d)) {
          ctx.Report(
              at, fmt::format("dependency '{}' is not available and every render disables "
                              "it{}: rendered without it",
                              dep.name, dep.condition.empty() ? "" : " (" + dep.condition + ")"));
        }
      }
      return;
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHelmDependencySubstituted() {
  return std::make_unique<HelmDependencySubstituted>();
}

}  // namespace syncgate::rules
