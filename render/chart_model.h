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
#include "render/renderer.h"

namespace syncgate::render {

/// A dependency named in Chart.yaml that is neither in charts/ nor a charts/*.tgz archive.
struct MissingDependency {
  size_t index = 0;  // in Chart.yaml's dependencies
  std::string name;
};

struct ChartInfo {
  std::string root;        // display path of the chart folder
  std::string fs_dir;      // filesystem path of the chart folder
  const FileUnit* chart_file = nullptr;  // Chart.yaml
  const Document* chart_doc = nullptr;   // null when Chart.yaml does not parse
  std::string name;        // Chart.yaml name (the folder name when missing)
  bool library = false;    // type: library (never rendered on its own)
  bool subchart = false;   // inside another chart's charts/: rendered with its parent
  const FileUnit* values = nullptr;      // values.yaml, when present
  std::string schema_file;               // filesystem path of values.schema.json, when present
  std::vector<MissingDependency> missing_dependencies;
};

/// One source of values in a render.
struct ValuesLayer {
  std::string file;            // display path where these values are written
  const Node* root = nullptr;  // the values (a values file, or an Application's inline values)
  /// ArgoCD `parameters`: each value with the position of its `value:` in the Application.
  struct Parameter {
    std::string name;
    std::string value;
    Position pos;
  };
  std::vector<Parameter> parameters;
};

struct RenderPlan {
  const ChartInfo* chart = nullptr;
  std::string label;           // "keycloak-pqc/values-prod.yaml", "keycloak-pqc/app:q-sign"
  std::string anchor_file;     // where findings about the render as a whole go
  Position anchor_pos{1, 1};
  std::vector<ValuesLayer> layers;  // lowest precedence first
  RenderRequest request;
  std::string skip_reason;     // non-empty: this render cannot be done (and why)
};

struct ChartModel {
  std::vector<std::unique_ptr<ChartInfo>> charts;
  std::vector<RenderPlan> plans;
};

ChartModel BuildChartModel(const Workspace& workspace, const Config& config,
                           const RunSettings& settings);

/// Dependencies of a Chart.yaml that the chart folder does not hold.
std::vector<MissingDependency> FindMissingDependencies(const Document& chart_doc,
                                                       const std::string& chart_dir);

}  // namespace syncgate::render
