// kustomize-build-failed: a Kustomize folder that kustomize refuses to build, on its own or with
// an Application's kustomize: options.
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "kustomize-build-failed",
    "kustomize build fails for a Kustomize folder or an Application that points at one",
    "ArgoCD builds a Kustomize source with `kustomize build` (after applying the Application's "
    "kustomize: options) before every sync: a resource path that does not exist, a base above "
    "the kustomization's root, a patch for an object that is not there or a malformed "
    "kustomization stops the sync of the whole Application (ComparisonError), usually noticed "
    "only after the merge.",
    "Fix the entry kustomize's message names (the finding points at it when it is a path the "
    "kustomization lists); build locally with `kubectl kustomize <folder>` to check.",
    Severity::kError,
    DocKind::kNone,
    RuleScope::kWorkspace};

class KustomizeBuildFailed final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    const auto* state = workspace.FindExtension<model::RenderState>();
    if (!state) return;
    // One finding per place and message, naming every build that fails there.
    std::map<std::tuple<std::string, int, int, std::string>, std::string> failures;
    for (const model::RenderOutcome& outcome : state->outcomes) {
      if (!outcome.attempted || outcome.status != model::RenderStatus::kFailed) continue;
      const model::RenderPlan& plan = state->model.plans[outcome.plan];
      if (plan.chart->kind != model::SourceKind::kKustomize) continue;
      const bool located = !outcome.template_file.empty() && outcome.template_line > 0;
      auto key = std::make_tuple(located ? outcome.template_file : plan.anchor_file,
                                 located ? outcome.template_line : plan.anchor_pos.line,
                                 located ? outcome.template_column : plan.anchor_pos.column,
                                 outcome.reason);
      std::string& labels = failures[key];
      labels += (labels.empty() ? "" : ", ") + plan.label;
    }
    for (const auto& [where, labels] : failures) {
      const auto& [file, line, column, reason] = where;
      const std::string_view first_line = std::string_view(reason).substr(0, reason.find('\n'));
      ctx.Report("", fmt::format("kustomize build fails for {}: {}", labels, first_line),
                 ReportExtra{.at = {line, column}, .file = file});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeKustomizeBuildFailed() {
  return std::make_unique<KustomizeBuildFailed>();
}

}  // namespace syncgate::rules
