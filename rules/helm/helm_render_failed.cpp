// helm-render-failed: a chart that helm template refuses with a values set or Application.
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-render-failed",
    "helm template fails for a values set or an Application of the chart",
    "ArgoCD renders the chart with helm template before every sync: a template error, a "
    "missing required value or a value of the wrong type stops the sync of the whole "
    "Application (ComparisonError), usually noticed only after the merge.",
    "Fix the template line or the value that Helm's message names; render locally with "
    "`helm template <chart> -f <values>` to check. The render of a chart with nothing but its "
    "own values.yaml (syncgate's stand-in for a deploy) that stops at the chart's own `required` "
    "or `fail` is reported as info: the chart asks its user for that value by design.",
    Severity::kError,
    DocKind::kNone,
    RuleScope::kWorkspace};

class HelmRenderFailed final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    const auto* state = workspace.FindExtension<model::RenderState>();
    if (!state) return;
    // One finding per place and message (and per kind of render), naming every render that
    // fails there.
    std::map<std::tuple<std::string, int, std::string, bool>, std::string> failures;
    for (const model::RenderOutcome& outcome : state->outcomes) {
      if (!outcome.attempted || outcome.status != model::RenderStatus::kFailed) continue;
      const model::RenderPlan& plan = state->model.plans[outcome.plan];
      if (plan.chart->kind != model::SourceKind::kHelm) continue;  // kustomize-build-failed
      // Schema violations are reported at the values line by helm-values-schema.
      if (!plan.chart->schema_file.empty() &&
          outcome.reason.find("don't meet the specifications of the schema") != std::string::npos) {
        continue;
      }
      // `required` or `fail` with nothing but the chart's own values: the chart asks for a
      // value its user must give (a password, a host), by design; no deploy was described.
      const bool demanded = model::IsDefaultValuesRender(plan) &&
                            outcome.reason.find("execution error at (") != std::string::npos;
      const bool in_template = !outcome.template_file.empty() && outcome.template_line > 0;
      auto key = std::make_tuple(in_template ? outcome.template_file : plan.anchor_file,
                                 in_template ? outcome.template_line : plan.anchor_pos.line,
                                 outcome.reason, demanded);
      std::string& labels = failures[key];
      labels += (labels.empty() ? "" : ", ") + plan.label;
    }
    for (const auto& [where, labels] : failures) {
      const auto& [file, line, reason, demanded] = where;
      std::string_view first_line = std::string_view(reason).substr(0, reason.find('\n'));
      if (demanded) {
        ctx.Report("",
                   fmt::format("helm template fails for {} (the chart's default values alone, "
                               "which ask for a value the user must give): {}",
                               labels, first_line),
                   ReportExtra{.severity = Severity::kInfo, .at = {line, 1}, .file = file});
        continue;
      }
      ctx.Report("", fmt::format("helm template fails for {}: {}", labels, first_line),
                 ReportExtra{.at = {line, 1}, .file = file});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHelmRenderFailed() { return std::make_unique<HelmRenderFailed>(); }

}  // namespace syncgate::rules
