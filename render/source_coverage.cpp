#include "render/source_coverage.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "checker/text_util.h"
#include "model/application.h"
#include "model/directory_source.h"

namespace syncgate::render {
namespace fs = std::filesystem;

namespace {

std::string Normalized(std::string_view path) {
  std::string s = NormalizedPath(path);
  return s == "." ? "" : s;
}

/// The checked tree's files, indexed once per run for placing sources.
class TreeIndex {
 public:
  explicit TreeIndex(const Workspace& workspace) : workspace_(workspace) {
    for (const auto& unit : workspace.files()) {
      const std::string& display = unit->input.display_path;
      files_.insert(display);
      for (size_t slash = display.rfind('/'); slash != std::string::npos && slash > 0;
           slash = display.rfind('/', slash - 1)) {
        if (!folders_.insert(display.substr(0, slash)).second) break;  // its parents are in
      }
    }
  }

  /// The display path of the folder of the checked tree that a source's `path` names: the
  /// folder `.syncgate.yaml` maps its repoURL to (under `repositories:`) joined with the path,
  /// else the one folder whose display path is the path or ends with it. Nothing when the
  /// folder holds no checked file or several folders could be it (as for charts in
  /// render/chart_model.cpp).
  std::optional<std::string> SourceFolder(const model::AppSource& source, const Config& config) {
    const std::string path = Normalized(model::Text(source.path));
    if (const Document* doc = config.document()) {
      if (const Node* repos = doc->root().Get("repositories"); repos && repos->IsMap()) {
        if (const Node* folder = repos->Get(model::Text(source.repo_url));
            folder && folder->IsScalar()) {
          const std::string want = CanonicalPath(
              (fs::path(config.root()) / std::string(folder->Text()) / path).string());
          for (const auto& [file, display] : Canonicals()) {
            if (!StartsWith(file, want + "/")) continue;
            const size_t rel = file.size() - want.size();  // "/a/b.yaml"
            if (display.size() <= rel) return std::nullopt;
            return display.substr(0, display.size() - rel);
          }
          return std::nullopt;
        }
      }
    }
    if (path.empty()) return std::nullopt;  // the repository root: not placeable by name
    std::optional<std::string> found;
    for (const std::string& folder : folders_) {
      if (folder != path && !EndsWith(folder, "/" + path)) continue;
      if (found) return std::nullopt;
      found = folder;
    }
    return found;
  }

  /// The display paths of the files below `folder`, sorted.
  std::vector<std::string_view> FilesBelow(const std::string& folder) const {
    std::vector<std::string_view> out;
    const std::string prefix = folder + "/";
    for (auto it = files_.lower_bound(prefix); it != files_.end() && StartsWith(*it, prefix); ++it)
      out.emplace_back(*it);
    return out;
  }

 private:
  /// Canonical filesystem path → display path, made on first use (only `repositories:` needs
  /// it, and it costs a stat per file).
  const std::vector<std::pair<std::string, std::string>>& Canonicals() {
    if (!canonicals_) {
      canonicals_.emplace();
      for (const auto& unit : workspace_.files()) {
        if (!unit->input.fs_path.empty())
          canonicals_->emplace_back(CanonicalPath(unit->input.fs_path), unit->input.display_path);
      }
    }
    return *canonicals_;
  }

  const Workspace& workspace_;
  std::set<std::string, std::less<>> files_;
  std::set<std::string, std::less<>> folders_;
  std::optional<std::vector<std::pair<std::string, std::string>>> canonicals_;
};

/// Whether the folder renders as something other than a directory: a chart or a Kustomize folder
/// of the model (ArgoCD detects those by their files before it reads a folder as a directory).
bool RendersAsChartOrKustomize(const std::string& folder, const model::ChartModel& model) {
  return std::any_of(model.charts.begin(), model.charts.end(),
                     [&](const auto& chart) { return chart->root == folder; });
}

std::string ListFiles(const std::vector<std::string>& files) {
  std::string out;
  for (size_t i = 0; i < files.size() && i < 3; ++i) out += (i ? ", " : "") + files[i];
  if (files.size() > 3) out += fmt::format(" and {} more", files.size() - 3);
  return out;
}

}  // namespace

void AddUnrenderedSources(const std::vector<const Document*>& apps, const Workspace& workspace,
                          const Config& config, model::ChartModel& model) {
  std::optional<TreeIndex> tree;  // only when some Application has a directory source
  for (const Document* app_doc : apps) {
    const Document& app = *app_doc;
    const std::optional<model::Application> view = model::ReadApplication(app);
    if (!view) continue;
    // ArgoCD deploys `sources` when that list is not empty, `source` otherwise.
    const bool multi = std::any_of(view->sources.begin(), view->sources.end(),
                                   [](const model::AppSource& s) { return s.listed; });
    const std::string name(model::Text(app.root().Path({"metadata", "name"})));
    for (const model::AppSource& source : view->sources) {
      if (multi && !source.listed) continue;
      if (!model::Text(source.chart).empty()) continue;  // Helm repositories: chart_model.cpp
      std::string label = "app:" + name;
      if (source.listed) label += "#" + std::to_string(source.index);

      if (source.plugin && !source.plugin->IsNull()) {
        const std::string plugin(model::Text(source.plugin->Get("name")));
        // syncgate's own plugin (integrations/argocd/plugin.yaml: `syncgate`, or `syncgate-v1` as
        // ArgoCD names sidecar plugins) renders exactly what this run checks.
        if (plugin == "syncgate" || StartsWith(plugin, "syncgate-")) continue;
        model.skipped_sources.push_back(
            {app.source().path(), app.PositionOf(source.pointer + "/plugin"),
             SkipKind::kSourceNotRendered, label,
             fmt::format("the Config Management Plugin {} generates this source's manifests "
                         "inside ArgoCD's repo-server; syncgate does not run plugins, so what "
                         "it generates is not checked",
                         plugin.empty() ? "(found by discovery)" : "'" + plugin + "'")});
        continue;
      }
      if (source.helm.node || source.kustomize) continue;  // not a directory source

      const model::DirectoryOptions options = model::ReadDirectoryOptions(source.directory);
      std::vector<std::string> jsonnet_files;
      if (!tree) tree.emplace(workspace);
      const std::optional<std::string> folder = tree->SourceFolder(source, config);
      if (folder && RendersAsChartOrKustomize(*folder, model)) continue;
      if (folder) {
        for (std::string_view display : tree->FilesBelow(*folder)) {
          const std::string_view rel = display.substr(folder->size() + 1);
          if (model::IsJsonnetFile(rel) && model::DirectoryIncludes(options, rel))
            jsonnet_files.emplace_back(display);
        }
      }
      if (jsonnet_files.empty() && !options.jsonnet) continue;
      const std::string pointer =
          source.pointer + (options.jsonnet ? "/directory/jsonnet" : "/path");
      const std::string what =
          jsonnet_files.empty()
              ? std::string("its directory.jsonnet options say ArgoCD evaluates jsonnet here")
              : fmt::format("ArgoCD evaluates {} with jsonnet", ListFiles(jsonnet_files));
      model.skipped_sources.push_back(
          {app.source().path(), app.PositionOf(pointer), SkipKind::kSourceNotRendered, label,
           what + "; syncgate does not evaluate jsonnet, so the objects it generates are not "
                  "checked"});
    }
  }
}

}  // namespace syncgate::render
