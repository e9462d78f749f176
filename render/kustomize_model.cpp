#include "render/kustomize_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "model/application.h"
#include "model/kustomization.h"
#include "model/repositories.h"
#include "model/values_text.h"
#include "render/chart_model.h"
#include "render/helm_renderer.h"

namespace syncgate::render {
namespace fs = std::filesystem;
using model::IsKustomizationName;
using model::Kustomization;
using model::KustomizationFileIn;
using model::KustomizeRef;
using model::KustomizeTree;
using model::ReadKustomization;
using model::ReadKustomizeTree;
using model::ReferencesOf;

namespace {

using model::ChartInfo;
using model::RenderPlan;

std::string TextAt(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

/// ArgoCD's Envsubst (Go's os.Expand over the build environment): `$VAR` and `${VAR}` become
/// the variable's value or nothing, `$$` a dollar; a `$` before anything else stays.
std::string Envsubst(std::string_view text, const std::map<std::string, std::string>& env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    const char next = text[i + 1];
    std::string name;
    size_t width = 0;
    if (next == '{') {
      const size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {  // bad syntax: Go eats the brace
        ++i;
        continue;
      }
      name = std::string(text.substr(i + 2, close - i - 2));
      width = close - i;
    } else if (std::string_view("*#$@!?-").find(next) != std::string_view::npos ||
               std::isdigit(static_cast<unsigned char>(next))) {
      name = std::string(1, next);
      width = 1;
    } else {
      size_t end = i + 1;
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
        ++end;
      name = std::string(text.substr(i + 1, end - i - 1));
      width = end - i - 1;
    }
    if (name.empty() && width == 0) {
      out += '$';
      continue;
    }
    if (name == "$") {
      out += '$';
    } else if (auto it = env.find(name); it != env.end()) {
      out += it->second;
    }
    i += width;
  }
  return out;
}

/// The Application's `kustomize:` options as the request's edits (ArgoCD's
/// ApplicationSourceKustomize).
void ReadOptions(const Node* k, const std::map<std::string, std::string>& env,
                 model::RenderRequest::Kustomize& out) {
  if (!k || !k->IsMap()) return;
  out.name_prefix = TextAt(k->Get("namePrefix"));
  out.name_suffix = TextAt(k->Get("nameSuffix"));
  out.namespace_name = TextAt(k->Get("namespace"));
  // Images and label values may name ${ARGOCD_APP_REVISION} and the like; annotations only
  // when commonAnnotationsEnvsubst says so.
  if (const Node* images = k->Get("images"); images && images->IsSeq()) {
    for (const Node* image : images->Resolved().items) {
      if (image->IsScalar()) out.images.push_back(Envsubst(image->Text(), env));
    }
  }
  if (const Node* replicas = k->Get("replicas"); replicas && replicas->IsSeq()) {
    for (const Node* r : replicas->Resolved().items) {
      if (r->IsMap()) out.replicas.emplace_back(TextAt(r->Get("name")), TextAt(r->Get("count")));
    }
  }
  const bool envsubst_annotations = IsYaml11True(k->Get("commonAnnotationsEnvsubst"));
  if (const Node* labels = k->Get("commonLabels"); labels && labels->IsMap()) {
    for (const MapEntry& e : labels->Resolved().entries)
      out.labels.emplace_back(e.key->value, Envsubst(TextAt(e.value), env));
  }
  if (const Node* annotations = k->Get("commonAnnotations"); annotations && annotations->IsMap()) {
    for (const MapEntry& e : annotations->Resolved().entries) {
      const std::string value = TextAt(e.value);
      out.annotations.emplace_back(e.key->value,
                                   envsubst_annotations ? Envsubst(value, env) : value);
    }
  }
  out.force_labels = IsYaml11True(k->Get("forceCommonLabels"));
  out.force_annotations = IsYaml11True(k->Get("forceCommonAnnotations"));
  out.label_without_selector = IsYaml11True(k->Get("labelWithoutSelector"));
  out.label_include_templates = IsYaml11True(k->Get("labelIncludeTemplates"));
  if (const Node* patches = k->Get("patches"); patches && patches->IsSeq()) {
    for (const Node* p : patches->Resolved().items) out.patches.push_back(model::ValuesToYaml(*p));
  }
  if (const Node* components = k->Get("components"); components && components->IsSeq()) {
    for (const Node* c : components->Resolved().items) {
      if (c->IsScalar()) out.components.emplace_back(c->Text());
    }
  }
  out.ignore_missing_components = IsYaml11True(k->Get("ignoreMissingComponents"));
}

class PlanMaker {
 public:
  explicit PlanMaker(const RunSettings& settings) : settings_(settings) {}

  RenderPlan Make(const ChartInfo& folder, std::string label, std::string anchor_file,
                  Position anchor_pos, const model::RenderRequest::Kustomize& options) {
    RenderPlan plan;
    plan.chart = &folder;
    plan.label = std::move(label);
    plan.anchor_file = std::move(anchor_file);
    plan.anchor_pos = anchor_pos;
    model::RenderRequest& req = plan.request;
    req.chart_dir = folder.fs_dir;
    req.kube_version = settings_.kube_version;
    req.kustomize = options;
    const KustomizeTree tree = ReadKustomizeTree(folder.fs_dir, options.components);
    req.kustomize.copy_root = tree.copy_root;
    req.kustomize.inputs = tree.inputs;
    req.kustomize.remote = tree.remote;
    if (tree.helm) {
      req.kustomize.helm_binary = FindHelm(settings_.helm_binary);
      if (req.kustomize.helm_binary.empty()) {
        plan.skip_reason =
            "its helmCharts need helm, which is not installed (tools/install-helm.sh puts "
            "v3.17.2 in .tools/bin; or pass --helm PATH)";
        plan.skip_kind = SkipKind::kRendererUnavailable;
      }
    }
    if (!tree.remote.empty() && settings_.offline) {
      plan.skip_reason = fmt::format(
          "it needs the network for {}{}, and the run is --offline", tree.remote.front(),
          tree.remote.size() > 1 ? fmt::format(" (and {} more)", tree.remote.size() - 1) : "");
      plan.skip_kind = SkipKind::kNetworkForbidden;
    }
    return plan;
  }

 private:
  const RunSettings& settings_;
};

}  // namespace

void AddKustomizePlans(const Workspace& workspace, const Config& config,
                       const RunSettings& settings, model::ChartModel& model) {
  (void)config;  // repositories: reach this through settings.repo_map (model/repositories.h)
  // The Kustomize folders of the checked set.
  std::vector<ChartInfo*> folders;
  for (const auto& unit : workspace.files()) {
    if (unit->input.fs_path.empty() || unit->input.kind == FileKind::kTemplate) continue;
    const fs::path display(unit->input.display_path);
    const std::string name = display.filename().string();
    if (!IsKustomizationName(name)) continue;
    std::string fs_dir = fs::path(unit->input.fs_path).parent_path().string();
    if (fs_dir.empty()) fs_dir = ".";
    // kustomize reads the first of its names: another one in the folder is not read.
    if (fs::path(KustomizationFileIn(fs_dir)).filename() != name) continue;
    auto folder = std::make_unique<ChartInfo>();
    folder->kind = model::SourceKind::kKustomize;
    folder->root = display.parent_path().empty() ? "." : display.parent_path().generic_string();
    folder->fs_dir = fs_dir;
    folder->chart_file = unit.get();
    if (!unit->documents.empty() && unit->documents.front()->root().IsMap())
      folder->chart_doc = unit->documents.front().get();
    folder->name = folder->root == "." ? fs::absolute(fs_dir).lexically_normal().filename().string()
                                       : display.parent_path().filename().string();
    if (folder->name.empty()) folder->name = "kustomize";
    folders.push_back(folder.get());
    model.charts.push_back(std::move(folder));
  }
  PlanMaker maker(settings);
  const model::RenderRequest::Kustomize no_options;

  // Each top-level kustomization on its own: one no other kustomization of the set includes,
  // and not a component (a component is applied by what includes it).
  if (!settings.render_applications_only) {
    std::set<std::string> included;
    std::set<const ChartInfo*> components;
    for (const ChartInfo* folder : folders) {
      std::unique_ptr<Kustomization> k = ReadKustomization(KustomizationFileIn(folder->fs_dir));
      if (!k) continue;
      if (k->is_component()) components.insert(folder);
      for (const KustomizeRef& ref : ReferencesOf(*k)) {
        if (ref.builds()) included.insert(CanonicalPath(ref.fs_path));
      }
    }
    for (const ChartInfo* folder : folders) {
      if (components.count(folder) || included.count(CanonicalPath(folder->fs_dir))) continue;
      model.plans.push_back(maker.Make(*folder, folder->name + "/kustomize",
                                       folder->chart_file->input.display_path, {1, 1}, no_options));
    }
  }

  AddKustomizeApplicationPlans(TopLevelApplications(workspace), settings, model);
}

void AddKustomizeApplicationPlans(const std::vector<const Document*>& apps,
                                  const RunSettings& settings, model::ChartModel& model) {
  // The Kustomize folders of the model (AddKustomizePlans found them in the checked set).
  std::vector<const ChartInfo*> folders;
  std::map<std::string, const ChartInfo*> by_location;
  for (const auto& chart : model.charts) {
    if (chart->kind != model::SourceKind::kKustomize) continue;
    folders.push_back(chart.get());
    by_location[CanonicalPath(chart->fs_dir)] = chart.get();
  }
  PlanMaker maker(settings);
  // Every Application source whose path is a Kustomize folder.
  for (const Document* app_doc : apps) {
    const Document& app = *app_doc;
    const std::optional<model::Application> view = model::ReadApplication(app);
    if (!view) continue;
    const std::string app_name = TextAt(app.root().Path({"metadata", "name"}));
    // ArgoCD deploys `sources` when that list is not empty, `source` otherwise.
    const bool multi = std::any_of(view->sources.begin(), view->sources.end(),
                                   [](const model::AppSource& s) { return s.listed; });
    for (const model::AppSource& source : view->sources) {
      if (multi && !source.listed) continue;
      if (source.chart) continue;  // a Helm repository chart (render/chart_model.cpp)
      // An explicit helm: or directory: block makes ArgoCD use that instead.
      if (!source.kustomize && (source.helm.node || source.directory.node)) continue;
      const std::string path = NormalizedPath(TextAt(source.path));
      std::string label = "app:" + app_name;
      if (source.listed) label += "#" + std::to_string(source.index);
      const ChartInfo* folder = nullptr;
      std::string mapped_dir;
      if (auto m = model::MapRepository(TextAt(source.repo_url), settings); m && m->is_folder()) {
        // The repository is a folder of this machine: the match is exact.
        mapped_dir = (fs::path(m->location) / m->rest / path).lexically_normal().string();
        if (auto it = by_location.find(CanonicalPath(mapped_dir)); it != by_location.end())
          folder = it->second;
      } else if (!path.empty() && path != ".") {
        // Otherwise the Kustomize folder whose path ends with the source path, when only one does.
        for (const ChartInfo* candidate : folders) {
          if (candidate->root == path || EndsWith(candidate->root, "/" + path)) {
            if (folder) {
              folder = nullptr;
              break;
            }
            folder = candidate;
          }
        }
      }
      if (!folder) {
        // Known to be Kustomize (a kustomize: block, a kustomization in the mapped folder) but
        // not in the checked set: counted, never silent.
        const bool on_disk = !mapped_dir.empty() && !KustomizationFileIn(mapped_dir).empty();
        if (source.kustomize || on_disk) {
          model.skipped_sources.push_back(
              {app.source().path(), app.PositionOf(source.pointer + "/path"),
               SkipKind::kRenderInput, label,
               on_disk
                   ? fmt::format("its Kustomize folder {} is not in the checked set", mapped_dir)
                   : fmt::format("it has a kustomize: block, but its path '{}' is not a "
                                 "Kustomize folder of the checked set",
                                 path)});
        }
        continue;
      }
      // ArgoCD's build environment, for the options it envsubst-s.
      const std::string revision = TextAt(source.target_revision);
      const std::map<std::string, std::string> env = {
          {"ARGOCD_APP_NAME", app_name},
          {"ARGOCD_APP_NAMESPACE", TextAt(view->destination_namespace)},
          {"ARGOCD_APP_REVISION", revision},
          {"ARGOCD_APP_REVISION_SHORT", revision.substr(0, 7)},
          {"ARGOCD_APP_REVISION_SHORT_8", revision.substr(0, 8)},
          {"ARGOCD_APP_SOURCE_PATH", path},
          {"ARGOCD_APP_SOURCE_REPO_URL", TextAt(source.repo_url)},
          {"ARGOCD_APP_SOURCE_TARGET_REVISION", revision},
          {"KUBE_VERSION", settings.kube_version},
      };
      model::RenderRequest::Kustomize options;
      ReadOptions(source.kustomize, env, options);
      RenderPlan plan = maker.Make(*folder, folder->name + "/" + label, app.source().path(),
                                   app.PositionOf(source.pointer + "/path"), options);
      if (source.kustomize) plan.layers.push_back({app.source().path(), source.kustomize, {}});
      model.plans.push_back(std::move(plan));
    }
  }
}

}  // namespace syncgate::render
