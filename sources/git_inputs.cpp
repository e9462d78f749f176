#include "sources/git_inputs.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate {
namespace fs = std::filesystem;
namespace {

bool IsYamlName(std::string_view path) { return EndsWith(path, ".yaml") || EndsWith(path, ".yml"); }

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// The nearest chart folder containing `path`, or empty.
std::string ChartOf(std::string_view path, const std::vector<std::string>& chart_roots) {
  std::string best;
  bool found = false;
  for (const std::string& root : chart_roots) {
    const bool inside = root == "." || (StartsWith(path, root) && path.size() > root.size() &&
                                        path[root.size()] == '/');
    if (inside && (!found || root.size() > best.size())) {
      best = root;
      found = true;
    }
  }
  return best;
}

bool InScope(std::string_view path, const std::vector<std::string>& scope) {
  if (scope.empty()) return true;
  for (const std::string& prefix : scope) {
    if (prefix.empty() || prefix == "." || path == prefix ||
        (StartsWith(path, prefix) && path[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

/// The source paths (`spec.source.path`, `spec.sources[].path`) of the Applications in a file.
std::vector<std::string> ApplicationSourcePaths(const std::string& path, std::string text) {
  std::vector<std::string> out;
  // Cheap test first: most YAML files are not Applications and need no parse.
  if (text.find("argoproj.io") == std::string::npos ||
      text.find("Application") == std::string::npos) {
    return out;
  }
  LoadResult loaded = LoadYaml(SourceFile::FromText(path, std::move(text)));
  for (const auto& doc : loaded.documents) {
    if (doc->kind() != DocKind::kApplication) continue;
    const std::optional<model::Application> app = model::ReadApplication(*doc);
    if (!app) continue;
    for (const model::AppSource& source : app->sources) {
      std::string value(model::Text(source.path));
      while (StartsWith(value, "./")) value = value.substr(2);
      while (!value.empty() && value.back() == '/') value.pop_back();
      if (!value.empty()) out.push_back(value);
    }
  }
  return out;
}

/// Whether an Application source path names this chart folder. The path is relative to the
/// Application's repository, which may be a sub-folder of this checkout (see `repositories:`
/// in .syncgate.yaml), so a chart folder that ends with the path matches.
bool PathNamesChart(std::string_view source_path, std::string_view chart_root) {
  return chart_root == source_path ||
         (EndsWith(chart_root, source_path) &&
          chart_root[chart_root.size() - source_path.size() - 1] == '/');
}

}  // namespace

bool IsYamlRelated(std::string_view path, const std::vector<std::string>& chart_roots) {
  return IsYamlName(path) || BaseName(path) == ".syncgate.yaml" ||
         !ChartOf(path, chart_roots).empty();
}

std::vector<std::string> ChartRoots(const std::vector<GitEntry>& snapshot) {
  std::set<std::string> roots;
  for (const GitEntry& entry : snapshot) {
    if (BaseName(entry.path) != "Chart.yaml") continue;
    const size_t slash = entry.path.rfind('/');
    roots.insert(slash == std::string::npos ? "." : entry.path.substr(0, slash));
  }
  return {roots.begin(), roots.end()};
}

GitSelection SelectAffected(const GitRepository& repo, const std::vector<GitEntry>& snapshot,
                            const std::vector<std::string>& changed,
                            const std::vector<std::string>& scope) {
  GitSelection out;
  const std::vector<std::string> chart_roots = ChartRoots(snapshot);
  std::set<std::string> present;
  for (const GitEntry& entry : snapshot) present.insert(entry.path);

  std::set<std::string> charts;
  std::set<std::string> files;
  bool config_changed = false;
  for (const std::string& path : changed) {
    if (!InScope(path, scope) || !IsYamlRelated(path, chart_roots)) continue;
    out.changed.push_back(path);
    if (BaseName(path) == ".syncgate.yaml") config_changed = true;
    if (std::string chart = ChartOf(path, chart_roots); !chart.empty()) {
      charts.insert(chart);
    } else if (present.count(path)) {
      files.insert(path);
    }
  }
  if (out.changed.empty()) return out;

  if (config_changed) {
    // What every rule checks may have changed: the whole snapshot is in question.
    for (const GitEntry& entry : snapshot) {
      if (InScope(entry.path, scope)) files.insert(entry.path);
    }
  } else {
    // Applications and the charts they deploy go together: a changed chart is checked with
    // the Applications that render it, and a changed Application with its chart.
    for (const GitEntry& entry : snapshot) {
      if (!IsYamlName(entry.path) || !ChartOf(entry.path, chart_roots).empty()) continue;
      if (!InScope(entry.path, scope)) continue;
      Expected<std::string> text = repo.ReadBlob(entry.blob);
      if (!text) continue;
      const std::vector<std::string> sources = ApplicationSourcePaths(entry.path, std::move(*text));
      const bool app_selected = files.count(entry.path) > 0;
      for (const std::string& source : sources) {
        for (const std::string& root : chart_roots) {
          if (!PathNamesChart(source, root)) continue;
          if (app_selected) charts.insert(root);
          if (charts.count(root)) files.insert(entry.path);
        }
      }
    }
    for (const GitEntry& entry : snapshot) {
      const std::string chart = ChartOf(entry.path, chart_roots);
      if (!chart.empty() && charts.count(chart)) files.insert(entry.path);
    }
  }
  out.paths.assign(files.begin(), files.end());
  out.charts.assign(charts.begin(), charts.end());
  return out;
}

ScratchTree::ScratchTree() {
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / "syncgate-git-XXXXXX").string();
  if (ec) pattern = "/tmp/syncgate-git-XXXXXX";
  if (mkdtemp(pattern.data())) path_ = pattern;
}

ScratchTree::~ScratchTree() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Expected<Discovery> LoadSnapshot(const GitRepository& repo, const std::vector<GitEntry>& snapshot,
                                 const std::vector<std::string>& paths, const ScratchTree& scratch,
                                 const Config& config) {
  if (scratch.path().empty()) {
    return Unexpected("cannot create a temporary folder for the files read from git");
  }
  const std::vector<std::string> chart_roots = ChartRoots(snapshot);
  std::map<std::string_view, const GitEntry*> by_path;
  for (const GitEntry& entry : snapshot) by_path.emplace(entry.path, &entry);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);

  std::vector<InputFile> files;
  for (const std::string& path : paths) {
    auto it = by_path.find(path);
    if (it == by_path.end()) continue;
    Expected<std::string> text = repo.ReadBlob(it->second->blob);
    if (!text) return Unexpected(text.error());
    InputFile input;
    // Display paths as disk discovery makes them: relative to the working directory when the
    // file is below it, absolute otherwise.
    const fs::path absolute = fs::path(repo.workdir()) / path;
    const fs::path relative = absolute.lexically_relative(cwd);
    input.display_path = !relative.empty() && !StartsWith(relative.generic_string(), "..")
                             ? relative.generic_string()
                             : absolute.generic_string();
    if (!ChartOf(path, chart_roots).empty()) {
      const fs::path copy = fs::path(scratch.path()) / path;
      fs::create_directories(copy.parent_path(), ec);
      std::ofstream out(copy, std::ios::binary);
      out << *text;
      if (!out.flush()) {
        return Unexpected(fmt::format("cannot write {} to {}", path, copy.string()));
      }
      input.fs_path = copy.string();
    }
    input.content = std::move(*text);
    files.push_back(std::move(input));
  }
  return ClassifyInputs(std::move(files), config);
}

}  // namespace syncgate
