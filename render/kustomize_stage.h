#pragma once
// The Kustomize half of the render stage (render/render_stage.h): building the Kustomize plans
// with the real kustomize (render/kustomize_renderer.h) and adding each build to the workspace
// as "<folder>@rendered/<set>", and tracing findings on those builds back to the file the user
// edits: the same pointer in the file that declared the object (its origin annotation), or the
// overlay patch, `images:`/`replicas:` entry or Application option that set the value.
//
//   std::vector<size_t> todo = ...;  // indexes of Kustomize plans in state.model.plans
//   RenderKustomizePlans(todo, settings, jobs, state, workspace, result, not_rendered, used);
//   ...
//   KustomizeTracer tracer(workspace);  // in the finding mapper
//   if (plan.chart->kind == SourceKind::kKustomize) tracer.Map(plan, outcome, doc, finding);

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/engine.h"
#include "checker/run_settings.h"
#include "model/render_model.h"

namespace syncgate::render {

/// Records that plan `plan` was not rendered, why, whether that fails the run, and its kind.
using NotRendered =
    std::function<void(size_t plan, std::string reason, bool is_error, SkipKind kind)>;

/// The display path of a render of `plan`: "<chart or folder>@rendered/<set>" ("web@rendered/
/// values-prod.yaml", "web@rendered/app:shop"), with "~2", "~3" added when `used` (the paths of
/// the run's renders so far) has it already: two Applications of one name rendered from
/// different parents (app-of-apps).
std::string RenderedDisplayPath(const model::RenderPlan& plan, std::set<std::string>& used);

/// The render of `plan` as a file of the workspace, at RenderedDisplayPath, its manifest parsed;
/// null when it holds no object (an empty render) and parsed without error.
std::unique_ptr<FileUnit> RenderedUnit(const model::RenderPlan& plan, std::string manifest,
                                       std::set<std::string>& used);

/// Builds the Kustomize plans `todo` (indexes in state.model.plans) and fills their outcomes: a
/// build joins the workspace; a failure keeps kustomize's message and the kustomization entry it
/// names; kustomize missing, or a build that needed the network and could not have it, is
/// `not_rendered`. Kustomizations, and the patch files of the builds made, are kustomize's
/// inputs rather than objects of the cluster: their documents become DocKind::kData.
void RenderKustomizePlans(const std::vector<size_t>& todo, const RunSettings& settings, int jobs,
                          model::RenderState& state, Workspace& workspace, RunResult& result,
                          const NotRendered& not_rendered, std::set<std::string>& used_paths);

/// Moves findings on Kustomize builds to the files the user edits. Files that are not in the
/// workspace (a base outside the checked folder) are read from disk once.
class KustomizeTracer {
 public:
  explicit KustomizeTracer(const Workspace& workspace);
  ~KustomizeTracer();
  KustomizeTracer(const KustomizeTracer&) = delete;
  KustomizeTracer& operator=(const KustomizeTracer&) = delete;

  /// Moves `f`, a finding on document `doc` (null: none) of the build `outcome` of `plan`.
  void Map(const model::RenderPlan& plan, const model::RenderOutcome& outcome, const Document* doc,
           Finding& f);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace syncgate::render
