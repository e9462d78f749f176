#include "render/kustomize_stage.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "checker/text_util.h"
#include "model/kustomization.h"
#include "render/kustomize_renderer.h"

namespace syncgate::render {
namespace fs = std::filesystem;
using model::KustomizeDisplayPath;
using model::KustomizeRef;
using model::KustomizeTree;
using model::ReadKustomizeTree;
using model::ReferencesOf;

namespace {

/// A build that fetched something (a remote base, a chart from a Helm repository) and failed
/// because the network was not there: the environment's matter, not the user's.
bool IsNetworkFailure(std::string_view error) {
  for (std::string_view sign :
       {"dial tcp", "no such host", "Could not resolve host", "could not resolve host",
        "Temporary failure in name resolution", "connection refused", "network is unreachable",
        "i/o timeout", "TLS handshake timeout", "unable to access", "failed to run '", "git fetch",
        "git clone", "context deadline exceeded", "looks like \"http"}) {
    if (error.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

struct ErrorPlace {
  std::string file;
  Position pos;
};

/// The entry of a kustomization of the build that kustomize's message names: of the paths the
/// kustomizations list, the one quoted last in the message (kustomize nests its messages from
/// the outermost kustomization in: "accumulating resources from '../base': ... '../x'"), in the
/// innermost kustomization that lists it.
std::optional<ErrorPlace> LocateBuildError(const model::RenderPlan& plan,
                                           const std::string& error) {
  const KustomizeTree tree =
      ReadKustomizeTree(plan.chart->fs_dir, plan.request.kustomize.components);
  std::optional<ErrorPlace> best;
  size_t best_at = 0;
  for (auto k = tree.kustomizations.rbegin(); k != tree.kustomizations.rend(); ++k) {
    const Node* root = (*k)->root();
    if (!root) continue;
    std::string pointer;
    WalkTree(*root, pointer, [&](const Node& node, const std::string&) {
      if (node.kind != NodeKind::kScalar || node.value.empty() ||
          node.value.find('\n') != std::string::npos) {
        return true;
      }
      for (const std::string& quoted :
           {"'" + node.value + "'", "in File: " + node.value, "path(" + node.value + ")"}) {
        const size_t at = error.rfind(quoted);
        if (at == std::string::npos || (best && at + quoted.size() <= best_at)) continue;
        best_at = at + quoted.size();
        best = ErrorPlace{KustomizeDisplayPath(plan.chart->root, plan.chart->fs_dir, (*k)->file),
                          node.pos};
      }
      return true;
    });
  }
  return best;
}

bool HasObjects(const FileUnit& unit) {
  return std::any_of(unit.documents.begin(), unit.documents.end(),
                     [](const auto& doc) { return !doc->root().IsNull(); });
}

}  // namespace

std::string RenderedDisplayPath(const model::RenderPlan& plan, std::set<std::string>& used) {
  const std::string set = plan.label.substr(plan.chart->name.size() + 1);
  const std::string path = fmt::format("{}@rendered/{}", plan.chart->root, set);
  std::string unique = path;
  for (int n = 2; !used.insert(unique).second; ++n) unique = fmt::format("{}~{}", path, n);
  return unique;
}

std::unique_ptr<FileUnit> RenderedUnit(const model::RenderPlan& plan, std::string manifest,
                                       std::set<std::string>& used) {
  auto unit = std::make_unique<FileUnit>();
  unit->input.display_path = RenderedDisplayPath(plan, used);
  unit->input.kind = FileKind::kYaml;
  unit->source = SourceFile::FromText(unit->input.display_path, std::move(manifest));
  LoadResult loaded = LoadYaml(unit->source);
  unit->documents = std::move(loaded.documents);
  unit->parse_error = std::move(loaded.error);
  if (!HasObjects(*unit) && !unit->parse_error) return nullptr;
  return unit;
}

void RenderKustomizePlans(const std::vector<size_t>& todo, const RunSettings& settings, int jobs,
                          model::RenderState& state, Workspace& workspace, RunResult& result,
                          const NotRendered& not_rendered, std::set<std::string>& used_paths) {
  // A kustomization is kustomize's input, never an object of the cluster (whatever apiVersion
  // it names): its documents are data, not manifests.
  std::map<std::string, FileUnit*, std::less<>> units;
  for (const auto& unit : workspace.files()) units.emplace(unit->input.display_path, unit.get());
  for (const auto& chart : state.model.charts) {
    if (chart->kind != model::SourceKind::kKustomize || !chart->chart_file) continue;
    if (auto it = units.find(chart->chart_file->input.display_path); it != units.end()) {
      for (auto& doc : it->second->documents) {
        if (doc->kind() == DocKind::kManifest) doc->set_kind(DocKind::kData);
      }
    }
  }
  if (todo.empty()) return;
  const bool require_render = settings.require_render.value_or(false);
  auto renderer = MakeKustomizeRenderer({.binary = FindKustomize(settings.kustomize_binary),
                                         .cache_dir = settings.render_cache_dir,
                                         .limits = settings.render_limits,
                                         .cache_max_bytes = settings.result_cache_max_bytes});
  if (Status ok = renderer->Available(); !ok) {
    for (size_t i : todo)
      not_rendered(i, ok.error().message, require_render, SkipKind::kRendererUnavailable);
    return;
  }
  state.renderer += (state.renderer.empty() ? "" : ", ") + renderer->Describe();
  std::vector<RenderRequest> requests;
  requests.reserve(todo.size());
  for (size_t i : todo) requests.push_back(state.model.plans[i].request);
  std::vector<RenderResult> built = renderer->RenderAll(requests, jobs);
  std::vector<size_t> built_plans;
  for (size_t k = 0; k < todo.size(); ++k) {
    const size_t i = todo[k];
    const model::RenderPlan& plan = state.model.plans[i];
    model::RenderOutcome& outcome = state.outcomes[i];
    RenderResult& r = built[k];
    outcome.status = r.status;
    outcome.stopped = r.stopped;
    if (r.status == RenderStatus::kUnavailable) {
      not_rendered(i, r.error, require_render, SkipKind::kRendererUnavailable);
      continue;
    }
    if (r.status == RenderStatus::kFailed && !plan.request.kustomize.remote.empty() &&
        IsNetworkFailure(r.error)) {
      outcome.status = RenderStatus::kUnavailable;
      not_rendered(i,
                   fmt::format("it fetches {} and the network failed: {}",
                               plan.request.kustomize.remote.front(),
                               std::string_view(r.error).substr(0, r.error.find('\n'))),
                   require_render, SkipKind::kDependencyUnavailable);
      continue;
    }
    outcome.attempted = true;
    if (r.status == RenderStatus::kFailed) {
      outcome.reason = r.error;
      if (std::optional<ErrorPlace> place = LocateBuildError(plan, r.error)) {
        outcome.template_file = place->file;
        outcome.template_line = place->pos.line;
        outcome.template_column = place->pos.column;
      }
      continue;
    }
    std::unique_ptr<FileUnit> unit = RenderedUnit(plan, std::move(r.manifest), used_paths);
    if (!unit) {
      outcome.empty = true;
      continue;
    }
    for (model::RenderOutcome::Origin& origin : r.origins) {
      if (!origin.file.empty())
        origin.file = KustomizeDisplayPath(
            plan.chart->root, plan.chart->fs_dir,
            (fs::path(plan.chart->fs_dir) / origin.file).lexically_normal().string());
    }
    outcome.origins = std::move(r.origins);
    outcome.rendered_path = unit->input.display_path;
    workspace.files().push_back(std::move(unit));
    ++result.summary.rendered;
    built_plans.push_back(i);
  }
  // A patch file is not an object ArgoCD applies, only a part of one: once a build that reads
  // it is checked, its documents are data (rules about whole objects would misread the part).
  for (size_t i : built_plans) {
    const model::RenderPlan& plan = state.model.plans[i];
    const KustomizeTree tree =
        ReadKustomizeTree(plan.chart->fs_dir, plan.request.kustomize.components);
    for (const auto& k : tree.kustomizations) {
      for (const KustomizeRef& ref : ReferencesOf(*k)) {
        if (ref.kind != KustomizeRef::Kind::kFile ||
            (ref.field != "patches" && ref.field != "patchesStrategicMerge" &&
             ref.field != "patchesJson6902")) {
          continue;
        }
        auto it =
            units.find(KustomizeDisplayPath(plan.chart->root, plan.chart->fs_dir, ref.fs_path));
        if (it == units.end()) continue;
        for (auto& doc : it->second->documents) {
          if (doc->kind() == DocKind::kManifest) doc->set_kind(DocKind::kData);
        }
      }
    }
  }
}

}  // namespace syncgate::render
