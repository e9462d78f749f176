#pragma once
// Application sources whose manifests come from something syncgate does not run, counted as
// skipped (never silently left out): a Config Management Plugin (`plugin:`), and jsonnet in a
// directory source (`*.jsonnet` files among those ArgoCD reads there, or `directory.jsonnet`
// options). BuildChartModel (render/chart_model.cpp) calls it once the charts are known, so a
// source that is a chart or a Kustomize folder is not mistaken for a directory.
//
//   ChartModel model = ...;
//   AddUnrenderedSources(TopLevelApplications(workspace), workspace, config, model);
//   for (const model::SkippedSource& s : model.skipped_sources) Count(s);  // app:<name>[#i]

#include "checker/config.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate::render {

/// Appends to `model.skipped_sources` one entry (kind kSourceNotRendered, positioned at the
/// source in its Application) per plugin source and per directory source with jsonnet, for each
/// Application of `apps`, with the sources ArgoCD deploys (`sources[]` when not empty).
void AddUnrenderedSources(const std::vector<const Document*>& apps, const Workspace& workspace,
                          const Config& config, model::ChartModel& model);

}  // namespace syncgate::render
