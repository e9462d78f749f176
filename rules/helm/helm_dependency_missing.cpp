// helm-dependency-missing: a chart dependency that no place syncgate may look in provides.
#include <fmt/format.h>

#include <filesystem>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/chart_dependencies.h"
#include "model/render_model.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-dependency-missing",
    "A Chart.yaml dependency that cannot be had: not vendored, not in the cache, the tree or a "
    "mirror, and not fetchable",
    "ArgoCD runs `helm dependency build` before rendering a chart whose charts/ lacks a "
    "dependency; when the dependency cannot be fetched (a wrong version, a `file://` path that "
    "does not exist, a repository it cannot reach) the Application goes to ComparisonError and "
    "nothing of the chart is synced. A dependency syncgate cannot have also means the gate never "
    "saw what would deploy: the chart is counted as skipped.",
    "Vendor it (`helm dependency build` and commit charts/), fix its version or `file://` path, "
    "map its repository to a mirror (`--repo-map URL=FOLDER` or `repositories:` in "
    ".syncgate.yaml), or let the run use the network (no --offline).",
    Severity::kError,
    DocKind::kChart,
    RuleScope::kWorkspace};

class HelmDependencyMissing final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  Status Setup(const RunScope& run) override {
    settings_ = run.settings;
    return Ok{};
  }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (doc.source().path() == "<stdin>" || !doc.root().IsMap()) return;
    // After rendering: what a render needed and nothing provided (the network included, when
    // the run may use it).
    const Workspace* workspace = ctx.workspace();
    if (const auto* state = workspace ? workspace->FindExtension<model::RenderState>() : nullptr;
        state && state->ran) {
      for (const auto& chart : state->model.charts) {
        if (chart->chart_doc != &doc) continue;
        for (size_t d : chart->needed_missing)
          Report(chart->dependencies.items[d], chart->resolved[d], ctx);
        return;
      }
    }
    // Without rendering nothing is fetched: report what no place could provide (a `file://`
    // path that is not there, an entry without repository) and, offline, what needs the network.
    const std::string dir = std::filesystem::path(doc.source().path()).parent_path().string();
    const model::ChartDependencies deps =
        model::ReadChartDependencies(doc, dir.empty() ? "." : dir);
    for (const model::ChartDependency& dep : deps.items) {
      const model::ResolvedDependency r =
          model::ResolveDependencyOffline(dep, dir.empty() ? "." : dir, settings_, {});
      if (r.source == model::DependencySource::kMissing && (!r.needs_network || settings_.offline))
        Report(dep, r, ctx);
    }
  }

 private:
  static void Report(const model::ChartDependency& dep, const model::ResolvedDependency& r,
                     RuleContext& ctx) {
    ctx.Report(
        fmt::format("/dependencies/{}/name", dep.index),
        fmt::format("dependency '{}' {} is not available (tried: {})", dep.name,
                    dep.locked_version.empty() ? dep.version : dep.locked_version, r.TriedText()));
  }

  RunSettings settings_;
};

}  // namespace

std::unique_ptr<Rule> MakeHelmDependencyMissing() {
  return std::make_unique<HelmDependencyMissing>();
}

}  // namespace syncgate::rules
