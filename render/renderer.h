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
#include "model/render_model.h"

namespace syncgate::render {

using model::RenderRequest;
using model::RenderStatus;
using model::SetParameter;

struct RenderResult {
  RenderStatus status = RenderStatus::kUnavailable;
  std::string manifest;
  std::string error;
  bool cached = false;
  /// The renderer was stopped at a limit or crashed: a failure that says nothing lasting about
  /// the chart (another run, with other limits or on a quieter machine, may finish), so it is
  /// never cached.
  bool stopped = false;
  /// Kustomize: per document of `manifest`, the file that declared it (relative to the built
  /// kustomization) or the kustomization whose generator made it.
  std::vector<model::RenderOutcome::Origin> origins;
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
