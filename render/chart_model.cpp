#include "render/chart_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "model/application.h"
#include "model/values_text.h"
#include "render/builtin_apis.h"
#include "render/kustomize_model.h"
#include "render/source_coverage.h"

namespace syncgate::render {
namespace fs = std::filesystem;

namespace {

std::string TextAt(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

const Node* DocRoot(const FileUnit* unit) {
  if (!unit || unit->documents.empty()) return nullptr;
  return &unit->documents.front()->root();
}

/// Index of the loaded files by display path.
using FileIndex = std::map<std::string, const FileUnit*, std::less<>>;

void AddValueSetPlans(const ChartInfo& chart, const FileIndex& files, const RunSettings& settings,
                      std::vector<RenderPlan>& plans) {
  RenderPlan base;
  base.chart = &chart;
  base.request.chart_dir = chart.fs_dir;
  base.request.release_name = ToLower(chart.name);
  base.request.namespace_name =
      settings.default_namespace.empty() ? "default" : settings.default_namespace;
  base.request.kube_version = settings.kube_version;
  base.anchor_file = chart.chart_file->input.display_path;
  if (chart.values)
    base.layers.push_back({chart.values->input.display_path, DocRoot(chart.values), {}});
  base.label = chart.name + "/values.yaml";
  plans.push_back(base);

  // values-<env>.yaml beside values.yaml, and environments/<env>/*.yaml, each on top of it.
  std::map<std::string, std::vector<const FileUnit*>> environments;
  const std::string prefix = chart.root == "." ? "" : chart.root + "/";
  for (auto it = files.lower_bound(prefix); it != files.end() && StartsWith(it->first, prefix);
       ++it) {
    const std::string_view rel = std::string_view(it->first).substr(prefix.size());
    const FileUnit* unit = it->second;
    if (unit->input.chart_root != chart.root) continue;
    const bool yaml = EndsWith(rel, ".yaml") || EndsWith(rel, ".yml");
    if (!yaml) continue;
    if (rel.find('/') == std::string_view::npos && StartsWith(rel, "values-")) {
      environments[std::string(rel)].push_back(unit);
    } else if (StartsWith(rel, "environments/")) {
      const std::string_view env_rel = rel.substr(13);
      const size_t slash = env_rel.find('/');
      if (slash == std::string_view::npos) continue;
      environments["environments/" + std::string(env_rel.substr(0, slash))].push_back(unit);
    }
  }
  for (const auto& [set, units] : environments) {
    RenderPlan plan = base;
    plan.label = chart.name + "/" + set;
    plan.anchor_file = units.front()->input.display_path;
    for (const FileUnit* unit : units) {
      plan.request.value_files.push_back(unit->input.fs_path);
      plan.layers.push_back({unit->input.display_path, DocRoot(unit), {}});
    }
    plans.push_back(std::move(plan));
  }
}

/// The chart an Application source's `path` points at, or null.
const ChartInfo* ChartOfSource(const model::AppSource& source, const ChartModel& model,
                               const Config& config) {
  const std::string path = NormalizedPath(TextAt(source.path));
  if (path.empty() || path == "." || source.chart) return nullptr;
  // `.syncgate.yaml` says which folder holds which repository: then the match is exact.
  if (const Document* doc = config.document()) {
    if (const Node* repos = doc->root().Get("repositories"); repos && repos->IsMap()) {
      if (const Node* folder = repos->Get(TextAt(source.repo_url)); folder && folder->IsScalar()) {
        const std::string want =
            CanonicalPath((fs::path(config.root()) / std::string(folder->Text()) / path).string());
        for (const auto& chart : model.charts) {
          if (chart->kind == model::SourceKind::kHelm && CanonicalPath(chart->fs_dir) == want)
            return chart.get();
        }
        return nullptr;
      }
    }
  }
  // Otherwise the chart folder whose path ends with the source path, when only one does.
  const ChartInfo* found = nullptr;
  for (const auto& chart : model.charts) {
    if (chart->kind != model::SourceKind::kHelm) continue;  // Kustomize: kustomize_model.cpp
    if (chart->root == path || EndsWith(chart->root, "/" + path)) {
      if (found) return nullptr;
      found = chart.get();
    }
  }
  return found;
}

/// Loaded files by filesystem location, indexed on first use: `$ref/...` value files name a
/// file by its repository root, not by the display path it was loaded under.
class FilesByLocation {
 public:
  explicit FilesByLocation(const FileIndex& files) : files_(files) {}

  const FileUnit* Find(const std::string& fs_path) {
    if (!indexed_) {
      for (const auto& [display, unit] : files_) {
        if (!unit->input.fs_path.empty())  // not a link left unfollowed, nor stdin
          by_path_.emplace(CanonicalPath(unit->input.fs_path), unit);
      }
      indexed_ = true;
    }
    auto it = by_path_.find(CanonicalPath(fs_path));
    return it == by_path_.end() ? nullptr : it->second;
  }

 private:
  const FileIndex& files_;
  bool indexed_ = false;
  std::map<std::string, const FileUnit*> by_path_;
};

/// The sources of a multi-source Application that other sources name as `$ref`: ref name → the
/// folder of the checked tree that holds the root of that source's repository (empty when the
/// repository is not in the checked tree).
using RefRoots = std::map<std::string, std::string, std::less<>>;

/// The folder holding the root of `source`'s repository: the folder `.syncgate.yaml` maps its
/// repoURL to under `repositories:`, else the repository of another source of the same
/// Application with that repoURL whose chart path was found in the checked tree (the chart
/// folder less that path). Empty when neither applies.
std::string RepositoryFolder(const model::AppSource& source, const model::Application& view,
                             const ChartModel& model, const Config& config) {
  const std::string url = model::NormalizeRepoUrl(TextAt(source.repo_url));
  if (url.empty()) return "";
  if (const Document* doc = config.document()) {
    if (const Node* repos = doc->root().Get("repositories"); repos && repos->IsMap()) {
      for (const MapEntry& entry : repos->Resolved().entries) {
        if (entry.value->IsScalar() && model::NormalizeRepoUrl(entry.key->value) == url) {
          return (fs::path(config.root()) / std::string(entry.value->Text()))
              .lexically_normal()
              .string();
        }
      }
    }
  }
  for (const model::AppSource& other : view.sources) {
    if (!other.listed || model::NormalizeRepoUrl(TextAt(other.repo_url)) != url) continue;
    const ChartInfo* chart = ChartOfSource(other, model, config);
    if (!chart) continue;
    fs::path root = fs::path(chart->fs_dir).lexically_normal();
    const fs::path rel = NormalizedPath(TextAt(other.path));
    for (auto it = rel.begin(); it != rel.end(); ++it) root = root.parent_path();
    return root.empty() ? "." : root.string();
  }
  return "";
}

RefRoots RefRootsOf(const model::Application& view, const ChartModel& model, const Config& config) {
  RefRoots refs;
  for (const model::AppSource& source : view.sources) {
    const std::string name = TextAt(source.ref);
    if (source.listed && !name.empty())
      refs.emplace(name, RepositoryFolder(source, view, model, config));
  }
  return refs;
}

/// Why the values file `fs_path` (the valueFiles entry `entry`) must not be read: it resolves
/// (through `../` or a symbolic link) outside `root` (the chart folder, or the repository of a
/// `$ref`) and is no file the run checked. ArgoCD refuses value files outside the repository;
/// reading them would hand /etc/passwd to helm. Empty when it may be read (or does not exist).
std::string OutsideRepository(const std::string& entry, const std::string& fs_path,
                              const std::string& root, FilesByLocation& locations) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(fs_path, ec);
  if (ec == std::errc::too_many_symbolic_link_levels) {
    return fmt::format("valueFiles entry '{}' is a symlink that never resolves (a loop): not read",
                       entry);
  }
  if (ec) return "";  // missing: said below, as before
  const fs::path inside = fs::canonical(root, ec);
  if ((!ec && IsWithin(resolved, inside)) || locations.Find(resolved.string())) return "";
  return fmt::format(
      "valueFiles entry '{}' resolves to {}, outside the repository and the checked tree: not read "
      "(ArgoCD refuses such paths too)",
      entry, resolved.string());
}

void AddApplicationPlan(const Document& app, const model::Application& view,
                        const model::AppSource& source, const ChartInfo& chart,
                        const FileIndex& files, const RunSettings& settings, const RefRoots& refs,
                        FilesByLocation& locations, std::vector<RenderPlan>& plans) {
  const Node& root = app.root();
  const std::string app_name = TextAt(root.Path({"metadata", "name"}));
  const model::HelmSource& helm = source.helm;
  RenderPlan plan;
  plan.chart = &chart;
  plan.label = chart.name + "/app:" + app_name;
  if (source.listed) plan.label += "#" + std::to_string(source.index);
  plan.anchor_file = app.source().path();
  plan.anchor_pos = app.PositionOf(source.pointer + (chart.remote ? "/chart" : "/path"));
  RenderRequest& req = plan.request;
  req.chart_dir = chart.fs_dir;
  req.release_name = TextAt(helm.release_name).empty() ? app_name : TextAt(helm.release_name);
  req.namespace_name = TextAt(helm.namespace_name);
  if (req.namespace_name.empty()) req.namespace_name = TextAt(view.destination_namespace);
  if (req.namespace_name.empty()) req.namespace_name = "default";
  req.kube_version =
      TextAt(helm.kube_version).empty() ? settings.kube_version : TextAt(helm.kube_version);
  req.include_crds = !IsYaml11True(helm.skip_crds);
  if (chart.values)
    plan.layers.push_back({chart.values->input.display_path, DocRoot(chart.values), {}});

  const bool ignore_missing = IsYaml11True(helm.ignore_missing_value_files);
  if (const Node* value_files = helm.value_files; value_files && value_files->IsSeq()) {
    for (const Node* item : value_files->Resolved().items) {
      const std::string file(item->Text());
      if (StartsWith(file, "$") && file.find("://") == std::string::npos) {
        // `$ref/path`: a file of the repository of the source named `ref` (ArgoCD 2.6+).
        const size_t slash = file.find('/');
        const std::string_view name =
            std::string_view(file).substr(1, slash == std::string::npos ? file.npos : slash - 1);
        auto ref = refs.find(name);
        if (ref == refs.end()) {
          plan.skip_reason = fmt::format(
              "valueFiles entry '{}' names ${}, but no source of this Application has ref: {}",
              file, name, name);
          break;
        }
        if (ref->second.empty()) {
          plan.skip_reason = fmt::format(
              "valueFiles entry '{}' comes from the source with ref: {}, whose repository is not "
              "in the checked tree (map its repoURL to a folder under repositories: in "
              ".syncgate.yaml)",
              file, name);
          break;
        }
        const std::string rest = slash == std::string::npos ? "" : file.substr(slash + 1);
        const std::string fs_path = (fs::path(ref->second) / rest).lexically_normal().string();
        std::error_code ec;
        if (std::string outside = OutsideRepository(file, fs_path, ref->second, locations);
            !outside.empty()) {
          plan.skip_reason = std::move(outside);
          break;
        }
        if (!fs::is_regular_file(fs_path, ec)) {
          if (ignore_missing) continue;
          plan.skip_reason = fmt::format(
              "valueFiles entry '{}' does not exist ({}); ArgoCD refuses to render it unless "
              "ignoreMissingValueFiles is true",
              file, fs_path);
          break;
        }
        req.value_files.push_back(fs_path);
        const FileUnit* unit = locations.Find(fs_path);
        plan.layers.push_back(
            {unit ? unit->input.display_path : fs_path, unit ? DocRoot(unit) : nullptr, {}});
        continue;
      }
      if (StartsWith(file, "$") || file.find("://") != std::string::npos) {
        plan.skip_reason = fmt::format(
            "valueFiles entry '{}' comes from another source or a URL, which syncgate does not "
            "fetch",
            file);
        break;
      }
      if (chart.remote) {
        // ArgoCD reads these from inside the fetched chart, which syncgate does not unpack.
        plan.skip_reason = fmt::format(
            "valueFiles entry '{}' is a file inside the chart {} from {}, which syncgate does "
            "not read; give it as $ref/... from this repository instead",
            file, chart.remote->name, chart.remote->repository);
        plan.skip_kind = SkipKind::kSourceNotRendered;
        break;
      }
      const std::string fs_path = (fs::path(chart.fs_dir) / file).lexically_normal().string();
      std::error_code ec;
      if (std::string outside = OutsideRepository(file, fs_path, chart.fs_dir, locations);
          !outside.empty()) {
        plan.skip_reason = std::move(outside);
        break;
      }
      if (!fs::exists(fs_path, ec) && ignore_missing) continue;
      req.value_files.push_back(fs_path);
      const std::string display = NormalizedPath(chart.root + "/" + file);
      auto it = files.find(display);
      plan.layers.push_back({display, it == files.end() ? nullptr : DocRoot(it->second), {}});
    }
  }
  // valuesObject replaces values (ArgoCD's ValuesYAML); both come after valueFiles.
  if (const Node* object = helm.values_object; object && object->IsMap()) {
    req.inline_values = model::ValuesToYaml(*object);
    plan.layers.push_back({app.source().path(), object, {}});
  } else if (const Node* values = helm.values; values && values->IsScalar()) {
    req.inline_values = values->Resolved().value;
    const Document* embedded = app.Embedded(*values, source.pointer + "/helm/values");
    plan.layers.push_back({app.source().path(), embedded ? &embedded->root() : nullptr, {}});
  }
  if (const Node* params = helm.parameters; params && params->IsSeq()) {
    ValuesLayer layer{app.source().path(), nullptr, {}};
    for (const Node* p : params->Resolved().items) {
      SetParameter set{TextAt(p->Get("name")), TextAt(p->Get("value")),
                       TextAt(p->Get("forceString")) == "true"};
      if (set.name.empty()) continue;
      const Node* value = p->Get("value");
      layer.parameters.push_back({set.name, set.value, value ? value->pos : p->pos});
      req.parameters.push_back(std::move(set));
    }
    plan.layers.push_back(std::move(layer));
  }
  plans.push_back(std::move(plan));
}

/// The chart an Application's `chart:` source names, as a ChartInfo of its own: `remote` says
/// what to fetch. ArgoCD reads a repoURL without scheme as an OCI registry
/// (`repoURL: public.ecr.aws`, `chart: karpenter/karpenter`).
const ChartInfo& RemoteChart(const Document& app, const model::AppSource& source,
                             const RunSettings& settings, ChartModel& model) {
  auto chart = std::make_unique<ChartInfo>();
  std::string repository = TextAt(source.repo_url);
  std::string name = TextAt(source.chart);
  if (repository.find("://") == std::string::npos) repository = "oci://" + repository;
  while (EndsWith(repository, "/")) repository.pop_back();
  if (const size_t slash = name.rfind('/'); slash != std::string::npos) {
    repository += "/" + name.substr(0, slash);
    name = name.substr(slash + 1);
  }
  model::ChartDependency dep;
  dep.name = name;
  dep.repository = repository;
  dep.version = TextAt(source.target_revision);
  chart->name = name;
  chart->root = fmt::format("{}@chart/{}", app.source().path(), name);
  chart->remote_resolved = model::ResolveDependencyOffline(dep, "", settings, {});
  chart->remote = std::move(dep);
  model.charts.push_back(std::move(chart));
  return *model.charts.back();
}

/// What the CRDs of the checked tree add to helm's `.Capabilities.APIVersions`, as ArgoCD passes
/// the cluster's APIs: "group/version" and "group/version/Kind" for each served version.
std::vector<std::string> CrdApiVersions(const Workspace& workspace) {
  std::set<std::string> apis;
  workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
    const Node& root = doc.root();
    if (!root.IsMap() || TextAt(root.Get("kind")) != "CustomResourceDefinition" ||
        !StartsWith(TextAt(root.Get("apiVersion")), "apiextensions.k8s.io/")) {
      return;
    }
    const std::string group = TextAt(root.Path({"spec", "group"}));
    const std::string kind = TextAt(root.Path({"spec", "names", "kind"}));
    if (group.empty()) return;
    std::vector<std::string> versions;
    if (const Node* list = root.Path({"spec", "versions"}); list && list->IsSeq()) {
      for (const Node* v : list->Resolved().items) versions.push_back(TextAt(v->Get("name")));
    }
    versions.push_back(TextAt(root.Path({"spec", "version"})));  // apiextensions v1beta1
    for (const std::string& version : versions) {
      if (version.empty()) continue;
      apis.insert(group + "/" + version);
      if (!kind.empty()) apis.insert(group + "/" + version + "/" + kind);
    }
  });
  return {apis.begin(), apis.end()};
}

/// What ArgoCD passes as `--api-versions` for a render: the APIs the cluster serves by itself
/// at the render's Kubernetes version (helm alone lacks kinds and some groups: builtin_apis.h),
/// then those the CRDs of the checked tree add.
std::vector<std::string> ClusterApiVersions(const std::vector<std::string>& crd_apis,
                                            const RenderRequest& request) {
  std::vector<std::string> apis = BuiltinApiVersions(request.kube_version);
  apis.insert(apis.end(), crd_apis.begin(), crd_apis.end());
  return apis;
}

/// Where each chart's dependencies are found without the network; the other charts of the tree
/// are candidates for dependencies of the same name.
void ResolveDependenciesOffline(ChartModel& model, const RunSettings& settings) {
  std::vector<model::TreeChart> tree;
  for (const auto& chart : model.charts) {
    if (chart->kind != model::SourceKind::kHelm || !chart->chart_doc) continue;
    tree.push_back(
        {chart->name, TextAt(chart->chart_doc->root().Get("version")), chart->fs_dir, chart->root});
  }
  for (const auto& chart : model.charts) {
    chart->resolved.clear();
    for (const model::ChartDependency& dep : chart->dependencies.items) {
      chart->resolved.push_back(
          model::ResolveDependencyOffline(dep, chart->fs_dir, settings, tree));
    }
  }
}

/// Plans for each Application of `apps` whose source is a chart: of the model (found by path) or
/// of a Helm repository (a ChartInfo of its own, added to the model).
void AddHelmApplicationPlans(const std::vector<const Document*>& apps, const FileIndex& files,
                             const Config& config, const RunSettings& settings, ChartModel& model) {
  FilesByLocation locations(files);
  for (const Document* app : apps) {
    const std::optional<model::Application> view = model::ReadApplication(*app);
    if (!view) continue;
    // ArgoCD deploys `sources` when that list is not empty, `source` otherwise.
    const bool multi = std::any_of(view->sources.begin(), view->sources.end(),
                                   [](const model::AppSource& s) { return s.listed; });
    const RefRoots refs = multi ? RefRootsOf(*view, model, config) : RefRoots{};
    for (const model::AppSource& source : view->sources) {
      if (multi && !source.listed) continue;
      if (!TextAt(source.chart).empty()) {
        // A chart from a Helm repository or OCI registry: found in the cache, a mirror or the
        // network at render time, rendered like a chart of the tree.
        const ChartInfo& chart = RemoteChart(*app, source, settings, model);
        AddApplicationPlan(*app, *view, source, chart, files, settings, refs, locations,
                           model.plans);
        continue;
      }
      const ChartInfo* chart = ChartOfSource(source, model, config);
      if (chart && !chart->library && !chart->subchart) {
        AddApplicationPlan(*app, *view, source, *chart, files, settings, refs, locations,
                           model.plans);
      }
    }
  }
}

/// The loaded files of the checked tree (renders excluded) by display path.
FileIndex TreeFiles(const Workspace& workspace) {
  FileIndex files;
  for (const auto& unit : workspace.files()) {
    if (!unit->input.fs_path.empty()) files.emplace(unit->input.display_path, unit.get());
  }
  return files;
}

}  // namespace

std::vector<const Document*> TopLevelApplications(const Workspace& workspace) {
  std::vector<const Document*> apps;
  workspace.ForEachDocument(DocKind::kApplication, [&](const Document& app) {
    if (!app.parent()) apps.push_back(&app);
  });
  return apps;
}

void AddApplicationPlans(const std::vector<const Document*>& apps, const Workspace& workspace,
                         const Config& config, const RunSettings& settings, ChartModel& model) {
  const size_t first = model.plans.size();
  AddHelmApplicationPlans(apps, TreeFiles(workspace), config, settings, model);
  AddKustomizeApplicationPlans(apps, settings, model);
  const std::vector<std::string> apis = CrdApiVersions(workspace);
  for (size_t i = first; i < model.plans.size(); ++i)
    model.plans[i].request.api_versions = ClusterApiVersions(apis, model.plans[i].request);
  AddUnrenderedSources(apps, workspace, config, model);
}

ChartModel BuildChartModel(const Workspace& workspace, const Config& config,
                           const RunSettings& settings) {
  ChartModel model;
  const FileIndex files = TreeFiles(workspace);
  for (const auto& [path, unit] : files) {
    if (unit->input.kind != FileKind::kChartMeta) continue;
    auto chart = std::make_unique<ChartInfo>();
    chart->root = unit->input.chart_root.empty() ? "." : unit->input.chart_root;
    chart->fs_dir = fs::path(unit->input.fs_path).parent_path().string();
    if (chart->fs_dir.empty()) chart->fs_dir = ".";
    chart->chart_file = unit;
    if (!unit->documents.empty() && unit->documents.front()->root().IsMap()) {
      chart->chart_doc = unit->documents.front().get();
    }
    const Node* root = chart->chart_doc ? &chart->chart_doc->root() : nullptr;
    chart->name = root ? TextAt(root->Get("name")) : "";
    if (chart->name.empty()) chart->name = fs::path(chart->fs_dir).filename().string();
    chart->library = root && TextAt(root->Get("type")) == "library";
    const std::string values_path = (chart->root == "." ? "" : chart->root + "/") + "values.yaml";
    if (auto it = files.find(values_path); it != files.end()) chart->values = it->second;
    std::error_code ec;
    const fs::path schema = fs::path(chart->fs_dir) / "values.schema.json";
    if (fs::exists(schema, ec)) chart->schema_file = schema.string();
    if (chart->chart_doc)
      chart->dependencies = model::ReadChartDependencies(*chart->chart_doc, chart->fs_dir);
    model.charts.push_back(std::move(chart));
  }
  ResolveDependenciesOffline(model, settings);
  // A subchart sits in another chart's charts/ folder, at any depth. Each `charts/` step of its
  // path is looked up among the roots (not every pair of charts compared: a monorepo of 10,000
  // charts made that quadratic).
  std::set<std::string, std::less<>> roots;
  for (const auto& chart : model.charts) roots.insert(chart->root);
  for (const auto& chart : model.charts) {
    const std::string& r = chart->root;
    if (roots.count(".") && r != "." && StartsWith(r, "charts/")) chart->subchart = true;
    for (size_t at = r.find("/charts/"); at != std::string::npos && !chart->subchart;
         at = r.find("/charts/", at + 1)) {
      if (roots.count(std::string_view(r).substr(0, at))) chart->subchart = true;
    }
  }
  for (const auto& chart : model.charts) {
    if (!chart->library && !chart->subchart && !settings.render_applications_only) {
      AddValueSetPlans(*chart, files, settings, model.plans);
    }
  }
  AddHelmApplicationPlans(TopLevelApplications(workspace), files, config, settings, model);
  AddKustomizePlans(workspace, config, settings, model);  // Kustomize folders: kustomize_model.h
  const std::vector<std::string> apis = CrdApiVersions(workspace);
  for (RenderPlan& plan : model.plans)
    plan.request.api_versions = ClusterApiVersions(apis, plan.request);
  // Plugin and jsonnet sources: skipped, counted.
  AddUnrenderedSources(TopLevelApplications(workspace), workspace, config, model);
  return model;
}

}  // namespace syncgate::render
