#pragma once
// The Helm charts of a checked set, and every way they get rendered: the chart's values.yaml
// alone, each values-<env>.yaml / environments/<env>/ on top of it, and each ArgoCD Application
// whose source points at the chart (with ArgoCD's precedence: parameters > valuesObject >
// values > valueFiles > values.yaml).
//
//   ChartModel model = BuildChartModel(workspace, config, settings);
//   for (const RenderPlan& plan : model.plans) Render(plan.request);
//   // plan.layers: where each value came from, lowest precedence first (for tracing findings)

#include <memory>
#include <string>
#include <vector>

#include "checker/config.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"
#include "model/render_model.h"
#include "render/renderer.h"

namespace syncgate::render {

using model::ChartInfo;
using model::ChartModel;
using model::RenderPlan;
using model::ValuesLayer;

ChartModel BuildChartModel(const Workspace& workspace, const Config& config,
                           const RunSettings& settings);

/// The Application documents of the workspace (not those embedded in another document).
std::vector<const Document*> TopLevelApplications(const Workspace& workspace);

/// Adds to `model` the plans of `apps`, Applications that renders produced (app-of-apps: a chart
/// or Kustomize folder whose objects are Applications), as BuildChartModel plans written ones:
/// sources that are charts or Kustomize folders of the model, Helm-repository charts, and
/// plugin and jsonnet sources counted as skipped.
void AddApplicationPlans(const std::vector<const Document*>& apps, const Workspace& workspace,
                         const Config& config, const RunSettings& settings, ChartModel& model);

}  // namespace syncgate::render
