#pragma once
// What rendering a chart means to the rest of syncgate: the charts of a checked set, every way
// each is rendered (values sets and Applications, with their values layers), and what came of
// each render. render/ builds and fills these; rules (helm-*) and the sync read them here, never
// render/'s internals.
//
//   const RenderState* state = workspace.FindExtension<model::RenderState>();
//   for (const RenderOutcome& o : state->outcomes) {
//     const RenderPlan& plan = state->model.plans[o.plan];
//     if (o.status == RenderStatus::kFailed) Report(plan.anchor_file, o.reason);
//   }

#include <memory>
#include <string>
#include <vector>

#include "checker/document.h"
#include "checker/workspace.h"

namespace syncgate::model {

/// `--set name=value` (or `--set-string` when force_string), as an ArgoCD `parameters` entry.
struct SetParameter {
  std::string name;
  std::string value;
  bool force_string = false;
};

/// Everything that decides a render, in ArgoCD's order: the chart's values.yaml, then
/// value_files in order, then inline_values, then parameters (later wins).
struct RenderRequest {
  std::string chart_dir;  // filesystem path of the chart folder
  std::string release_name;
  std::string namespace_name;
  std::vector<std::string> value_files;  // filesystem paths
  std::string inline_values;             // YAML text (an Application's values / valuesObject)
  std::vector<SetParameter> parameters;
  std::string kube_version;  // "1.31"
  /// `--api-versions`: what `.Capabilities.APIVersions.Has` finds besides helm's built-in
  /// APIs, the CRDs of the checked tree ("example.com/v1" and "example.com/v1/Widget").
  std::vector<std::string> api_versions;
  bool include_crds = true;  // ArgoCD renders CRDs unless skipCrds
};

enum class RenderStatus {
  kOk,           // rendered; manifest holds the stream
  kFailed,       // the chart or its values are wrong: error holds the renderer's message
  kUnavailable,  // the renderer could not do its job (not installed, crashed, timed out)
};

/// A dependency named in Chart.yaml that is neither in charts/ nor a charts/*.tgz archive.
struct MissingDependency {
  size_t index = 0;  // in Chart.yaml's dependencies
  std::string name;
};

struct ChartInfo {
  std::string root;                      // display path of the chart folder
  std::string fs_dir;                    // filesystem path of the chart folder
  const FileUnit* chart_file = nullptr;  // Chart.yaml
  const Document* chart_doc = nullptr;   // null when Chart.yaml does not parse
  std::string name;                      // Chart.yaml name (the folder name when missing)
  bool library = false;                  // type: library (never rendered on its own)
  bool subchart = false;                 // inside another chart's charts/: rendered with its parent
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
  /// "keycloak-pqc/values-prod.yaml", "keycloak-pqc/app:q-sign"; "web/app:shop#1" for the
  /// entry 1 of a multi-source Application's `sources[]`
  std::string label;
  std::string anchor_file;  // where findings about the render as a whole go
  Position anchor_pos{1, 1};
  std::vector<ValuesLayer> layers;  // lowest precedence first
  RenderRequest request;
  std::string skip_reason;  // non-empty: this render cannot be done (and why)
};

/// An Application source that names something to render which is not rendered (a chart from a
/// Helm repository: no chart cache or network is used yet). Counted as skipped, never ignored.
struct SkippedSource {
  std::string file;  // display path of the Application
  Position pos{1, 1};
  std::string label;  // "app:quarkus", "app:quarkus#0" (the first entry of sources[])
  std::string reason;
};

struct ChartModel {
  std::vector<std::unique_ptr<ChartInfo>> charts;
  std::vector<RenderPlan> plans;
  std::vector<SkippedSource> skipped_sources;
};

/// What happened to one render plan.
struct RenderOutcome {
  size_t plan = 0;  // index in ChartModel::plans
  RenderStatus status = RenderStatus::kUnavailable;
  bool attempted = false;     // false: skipped before rendering (see reason)
  bool empty = false;         // rendered, but no object came out
  std::string reason;         // renderer error, or why it was not attempted
  std::string template_file;  // display path of the template Helm's error names, if any
  int template_line = 0;
  std::string rendered_path;  // display path of the rendered file in the workspace
};

/// Left in the workspace (Workspace::Extension) by the render stage.
struct RenderState {
  bool ran = false;
  ChartModel model;
  std::vector<RenderOutcome> outcomes;  // parallel to model.plans
  std::string renderer;                 // "helm v3.17.2+g..."
};

/// Dependencies of a Chart.yaml that the chart folder does not hold.
std::vector<MissingDependency> FindMissingDependencies(const Document& chart_doc,
                                                       const std::string& chart_dir);

}  // namespace syncgate::model
