// helm-dependency-lock: Chart.lock no longer matches Chart.yaml's dependencies.
#include <fmt/format.h>

#include <filesystem>

#include "checker/rule.h"
#include "model/chart_dependencies.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-dependency-lock",
    "Chart.lock's digest does not match Chart.yaml's dependencies",
    "Chart.lock pins the exact dependency versions ArgoCD and `helm dependency build` fetch; its "
    "digest is computed from Chart.yaml's dependencies and the pinned list. When Chart.yaml "
    "changed after the lock was written, `helm dependency build` refuses (\"Chart.lock is out of "
    "sync with Chart.yaml\") and the Application cannot render, or the versions that deploy are "
    "not the ones reviewed.",
    "Run `helm dependency update` in the chart folder and commit Chart.lock (and charts/).",
    Severity::kError,
    DocKind::kChart,
    RuleScope::kWorkspace};  // reads Chart.lock beside the Chart.yaml it checks

class HelmDependencyLock final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (doc.source().path() == "<stdin>" || !doc.root().IsMap()) return;
    const std::string dir = std::filesystem::path(doc.source().path()).parent_path().string();
    const model::ChartDependencies deps =
        model::ReadChartDependencies(doc, dir.empty() ? "." : dir);
    if (deps.lock_in_sync()) return;
    ctx.Report(
        "/dependencies",
        fmt::format("Chart.lock is out of sync with these dependencies: its digest is {}, "
                    "they give {}; run helm dependency update",
                    deps.lock_digest.empty() ? "missing" : deps.lock_digest, deps.computed_digest),
        ReportExtra{.anchor = Anchor::kKey});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHelmDependencyLock() { return std::make_unique<HelmDependencyLock>(); }

}  // namespace syncgate::rules
