#pragma once
// Kustomize sources as render plans, beside the charts of render/chart_model.h: every ArgoCD
// Application (or `sources[]` entry) whose path is a Kustomize folder of the checked set, with
// its `kustomize:` options (label "<folder>/app:<app>", "#i" for a multi-source entry), and,
// unless the run renders Applications only, every top-level kustomization of the tree on its own
// ("<folder>/kustomize"). Bases and components are built through what includes them.
//
//   ChartModel model = BuildChartModel(workspace, config, settings);  // calls this at the end
//   AddKustomizePlans(workspace, config, settings, model);
//   for (const RenderPlan& plan : model.plans)
//     if (plan.chart->kind == SourceKind::kKustomize) Build(plan.request);  // request.kustomize
//
// A Kustomize plan's `layers` hold the Application's `kustomize:` block (when it has one), so
// that findings can be traced to the option that set a value.

#include "checker/config.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate::render {

void AddKustomizePlans(const Workspace& workspace, const Config& config,
                       const RunSettings& settings, model::ChartModel& model);

/// The plans of the Applications `apps` whose sources are Kustomize folders of `model` (found by
/// AddKustomizePlans); AddKustomizePlans calls it for the Applications of the workspace, the
/// render stage for Applications that renders produced (app-of-apps).
void AddKustomizeApplicationPlans(const std::vector<const Document*>& apps,
                                  const RunSettings& settings, model::ChartModel& model);

}  // namespace syncgate::render
