// helm-render-empty: a render that produces no object at all.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-render-empty",
    "A values set or Application renders the chart to nothing",
    "An empty render is not an error to Helm, but to ArgoCD it means the desired state is "
    "nothing: with automated prune every resource the Application deployed before is deleted "
    "(allowEmpty guards only automated syncs). It usually comes from a values file that "
    "disables everything or a condition that never holds.",
    "Check the enabled flags and conditions in the values set; if the empty render is wanted, "
    "delete the Application instead. The render of a chart with nothing but its own "
    "values.yaml (syncgate's stand-in for a deploy) is reported as info: many charts deploy "
    "nothing until given values.",
    Severity::kError,
    DocKind::kNone,
    RuleScope::kWorkspace};

class HelmRenderEmpty final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    const auto* state = workspace.FindExtension<model::RenderState>();
    if (!state) return;
    for (const model::RenderOutcome& outcome : state->outcomes) {
      if (!outcome.attempted || !outcome.empty) continue;
      const model::RenderPlan& plan = state->model.plans[outcome.plan];
      if (model::IsDefaultValuesRender(plan)) {
        // A chart whose defaults deploy nothing until given values (a list of Applications to
        // create, a component to enable) is common; no deploy was described here.
        ctx.Report(
            "",
            fmt::format("{} renders no objects: the chart's default values alone deploy "
                        "nothing (an Application with only these values would sync "
                        "nothing)",
                        plan.label),
            ReportExtra{
                .severity = Severity::kInfo, .at = plan.anchor_pos, .file = plan.anchor_file});
        continue;
      }
      ctx.Report("",
                 fmt::format("{} renders no objects: ArgoCD would sync nothing and prune "
                             "what the Application deployed before",
                             plan.label),
                 ReportExtra{.at = plan.anchor_pos, .file = plan.anchor_file});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHelmRenderEmpty() { return std::make_unique<HelmRenderEmpty>(); }

}  // namespace syncgate::rules
