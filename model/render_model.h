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

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checker/document.h"
#include "checker/workspace.h"
#include "model/chart_dependencies.h"

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
  /// Kind kKustomize: `chart_dir` is the kustomization folder, built as this says.
  struct Kustomize {
    /// Every local file and folder the build reads (filesystem paths), all below `copy_root`:
    /// the build runs in a private copy of them, never in the user's tree.
    std::string copy_root;
    std::vector<std::string> inputs;
    std::vector<std::string> remote;  // what the build fetches (remote bases, Helm charts)
    std::string helm_binary;          // helmCharts: --enable-helm --helm-command this; empty: none
    /// An Application's `kustomize:` options, as ArgoCD's `kustomize edit` applies them to the
    /// kustomization before the build (values already envsubst-ed as ArgoCD does).
    std::string name_prefix;
    std::string name_suffix;
    std::string namespace_name;
    std::vector<std::string> images;                               // "name=new:tag", "name:tag"
    std::vector<std::pair<std::string, std::string>> replicas;     // name, count
    std::vector<std::pair<std::string, std::string>> labels;       // commonLabels
    std::vector<std::pair<std::string, std::string>> annotations;  // commonAnnotations
    bool force_labels = false;
    bool force_annotations = false;
    bool label_without_selector = false;
    bool label_include_templates = false;
    std::vector<std::string> patches;  // each a patch entry as YAML (flow) text
    std::vector<std::string> components;
    bool ignore_missing_components = false;
  } kustomize;
};

enum class RenderStatus {
  kOk,           // rendered; manifest holds the stream
  kFailed,       // the chart or its values are wrong: error holds the renderer's message
  kUnavailable,  // the renderer could not do its job (not installed, crashed, timed out)
};

/// What a render source is built with.
enum class SourceKind {
  kHelm,       // a chart folder (Chart.yaml): helm template
  kKustomize,  // a folder with kustomization.yaml: kustomize build
};

/// A folder that renders: a Helm chart, or (kind kKustomize) a Kustomize folder, whose
/// `chart_file` is its kustomization.yaml and `name` its folder name.
struct ChartInfo {
  SourceKind kind = SourceKind::kHelm;
  std::string root;                      // display path of the chart folder
  std::string fs_dir;                    // filesystem path of the chart folder
  const FileUnit* chart_file = nullptr;  // Chart.yaml
  const Document* chart_doc = nullptr;   // null when Chart.yaml does not parse
  std::string name;                      // Chart.yaml name (the folder name when missing)
  bool library = false;                  // type: library (never rendered on its own)
  bool subchart = false;                 // inside another chart's charts/: rendered with its parent
  const FileUnit* values = nullptr;      // values.yaml, when present
  std::string schema_file;               // filesystem path of values.schema.json, when present
  /// Chart.yaml's dependencies (with Chart.lock's pins), and where each was found: parallel
  /// lists (model/chart_dependencies.h).
  ChartDependencies dependencies;
  std::vector<ResolvedDependency> resolved;
  /// Dependencies that some render of this chart needed and could not have (indexes in
  /// `dependencies.items`), and those left out of every render because they were unavailable
  /// and disabled there: filled by the render stage.
  std::set<size_t> needed_missing;
  std::set<size_t> omitted;
  /// A chart from a Helm repository or an OCI registry (an Application's `chart:` source), not a
  /// folder of the tree: what to fetch (repository, chart name, targetRevision as the version)
  /// and where it was found (a .tgz in the dependency cache or a mirror).
  std::optional<ChartDependency> remote;
  ResolvedDependency remote_resolved;
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
  SkipKind skip_kind = SkipKind::kRenderInput;
  /// Subcharts rendered from a folder of the tree rather than from charts/ (a dependency found
  /// in the tree): chart name → its display path, so findings in their templates go there.
  std::map<std::string, std::string> subchart_roots;
};

/// An Application source that names something to render which is not rendered (a chart from a
/// Helm repository: no chart cache or network is used yet). Counted as skipped, never ignored.
struct SkippedSource {
  std::string file;  // display path of the Application
  Position pos{1, 1};
  SkipKind kind = SkipKind::kSourceNotRendered;
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
  bool stopped = false;       // failed at a time or output limit, or the renderer crashed
  std::string reason;         // renderer error, or why it was not attempted
  std::string template_file;  // display path of the template Helm's error names, if any
  int template_line = 0;      // (Kustomize: the kustomization entry the build error names)
  int template_column = 0;
  std::string rendered_path;  // display path of the rendered file in the workspace
  /// Kustomize: per document of the rendered file, where it was declared (its
  /// config.kubernetes.io/origin, stripped from the manifest unless the user asked for it).
  struct Origin {
    std::string file;       // display path of the resource file, or of the kustomization whose
                            // generator made it; empty for a remote resource
    std::string generator;  // "HelmChartInflationGenerator", "ConfigMapGenerator"; "": a file
  };
  std::vector<Origin> origins;
};

/// Left in the workspace (Workspace::Extension) by the render stage.
struct RenderState {
  bool ran = false;
  ChartModel model;
  std::vector<RenderOutcome> outcomes;  // parallel to model.plans
  std::string renderer;                 // "helm v3.17.2+g..."
};

/// Whether `plan` renders a Helm chart of the tree with nothing but its own values.yaml: no
/// values file, inline values or parameters, and no Application. syncgate renders every chart
/// so, as a stand-in for a deploy; what the chart's defaults alone do (render nothing, stop at a
/// `required` value) is the chart's design, not a deploy that fails.
inline bool IsDefaultValuesRender(const RenderPlan& plan) {
  return plan.chart && plan.chart->kind == SourceKind::kHelm && !plan.chart->remote &&
         plan.label.find("/app:") == std::string::npos && plan.request.value_files.empty() &&
         plan.request.inline_values.empty() && plan.request.parameters.empty();
}

}  // namespace syncgate::model
