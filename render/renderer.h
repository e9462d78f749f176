#pragma once
// Turning a chart plus values into manifests, behind one interface: the first implementation
// runs a real `helm template` (render/helm_renderer.h); a native renderer plugs in later.
//
//   std::unique_ptr<Renderer> renderer = MakeHelmRenderer({.binary = "helm"});
//   if (Status ok = renderer->Available(); !ok) Skip(ok.error().message);
//   RenderRequest req{.chart_dir = "charts/web", .release_name = "web", .namespace_name = "prod",
//                     .value_files = {"charts/web/values-prod.yaml"}};
//   std::vector<RenderResult> out = renderer->RenderAll({req}, /*jobs=*/2);
//   if (out[0].status == RenderStatus::kOk) Parse(out[0].manifest);

#include <memory>
#include <string>
#include <vector>

#include "checker/expected.h"

namespace syncgate::render {

/// `--set name=value` (or `--set-string` when force_string), as an ArgoCD `parameters` entry.
struct SetParameter {
  std::string name;
  std::string value;
  bool force_string = false;
};

/// Everything that decides a render, in ArgoCD's order: the chart's values.yaml, then
/// value_files in order, then inline_values, then parameters (later wins).
struct RenderRequest {
  std::string chart_dir;       // filesystem path of the chart folder
  std::string release_name;
  std::string namespace_name;
  std::vector<std::string> value_files;  // filesystem paths
  std::string inline_values;   // YAML text (an Application's values / valuesObject)
  std::vector<SetParameter> parameters;
  std::string kube_version;    // "1.31"
  bool include_crds = true;    // ArgoCD renders CRDs unless skipCrds
};

enum class RenderStatus {
  kOk,           // rendered; manifest holds the stream
  kFailed,       // the chart or its values are wrong: error holds the renderer's message
  kUnavailable,  // the renderer could not do its job (not installed, crashed, timed out)
};

struct RenderResult {
  RenderStatus status = RenderStatus::kUnavailable;
  std::string manifest;
  std::string error;
  bool cached = false;
};

class Renderer {
 public:
  virtual ~Renderer() = default;
  /// "helm v3.17.2" and the like, for messages.
  virtual std::string Describe() const = 0;
  /// Whether the renderer can run at all; the error says why not and what to do.
  virtual Status Available() = 0;
  /// Renders each request, up to `jobs` at a time; results are parallel to `requests`.
  virtual std::vector<RenderResult> RenderAll(const std::vector<RenderRequest>& requests,
                                              int jobs) = 0;
};

}  // namespace syncgate::render
