#include "render/chart_dependencies.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/finding.h"
#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "model/repositories.h"
#include "render/subprocess.h"

namespace syncgate::render {
namespace fs = std::filesystem;
namespace {

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The host of a URL ("oci://127.0.0.1:5000/charts" → "127.0.0.1").
std::string HostOf(std::string_view url) {
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos)
    url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find('/'));
  if (StartsWith(url, "[")) return std::string(url.substr(1, url.find(']') - 1));
  return std::string(url.substr(0, url.find(':')));
}

bool IsLoopback(std::string_view url) {
  const std::string host = HostOf(url);
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

/// The name helm's own repository configuration gives `url` (so that `helm pull NAME/chart`
/// uses the credentials stored there), or empty.
std::string HelmRepositoryName(const std::string& url) {
  std::string config;
  if (const char* env = std::getenv("HELM_REPOSITORY_CONFIG")) {
    config = env;
  } else if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    config = std::string(xdg) + "/helm/repositories.yaml";
  } else if (const char* home = std::getenv("HOME")) {
    config = std::string(home) + "/.config/helm/repositories.yaml";
  }
  std::error_code ec;
  if (config.empty() || !fs::is_regular_file(config, ec)) return "";
  LoadResult loaded = LoadYaml(SourceFile::FromText(config, ReadText(config)));
  if (loaded.documents.empty()) return "";
  const Node* repos = loaded.documents.front()->root().Get("repositories");
  if (!repos || !repos->IsSeq()) return "";
  auto trimmed = [](std::string_view s) {
    while (EndsWith(s, "/")) s.remove_suffix(1);
    return std::string(s);
  };
  for (const Node* repo : repos->Resolved().items) {
    const Node* name = repo->Get("name");
    const Node* repo_url = repo->Get("url");
    if (name && repo_url && trimmed(repo_url->Text()) == trimmed(url)) {
      return std::string(name->Text());
    }
  }
  return "";
}

/// The value at dotted `path` in `layers` (highest precedence last), or nothing.
std::optional<std::string> ValueAt(const std::vector<model::ValuesLayer>& layers,
                                   std::string_view path) {
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    for (auto p = layer->parameters.rbegin(); p != layer->parameters.rend(); ++p) {
      if (p->name == path) return p->value;
    }
    const Node* node = layer->root;
    for (std::string_view key : Split(path, '.')) {
      if (!node || !node->IsMap()) {
        node = nullptr;
        break;
      }
      node = node->Get(key);
    }
    if (node && node->IsScalar() && !node->IsNull()) return std::string(node->Text());
  }
  return std::nullopt;
}

/// Chart.yaml's text without the dependency entries of `omitted`: the lines from each entry's
/// `- ` to the next entry (or the end of the list). Empty when the list is not in block style.
std::optional<std::string> WithoutDependencies(const Document& chart_doc,
                                               const std::set<size_t>& omitted) {
  const Node* deps = chart_doc.root().Get("dependencies");
  if (!deps || !deps->IsSeq()) return std::nullopt;
  const auto& items = deps->Resolved().items;
  const SourceFile& source = chart_doc.source();
  std::vector<std::string_view> lines = Split(source.text(), '\n');
  std::vector<bool> drop(lines.size() + 1, false);
  for (size_t index : omitted) {
    if (index >= items.size()) continue;
    const int first = items[index]->pos.line;
    if (first < 1 || static_cast<size_t>(first) > lines.size()) return std::nullopt;
    // The entry's `- ` is the first thing on its line (block style); else it is a flow list.
    const std::string_view head = lines[first - 1];
    const size_t dash = head.find_first_not_of(' ');
    if (dash == std::string_view::npos || head[dash] != '-' ||
        static_cast<int>(dash) >= items[index]->pos.column - 1) {
      return std::nullopt;
    }
    const int dash_column = static_cast<int>(dash);
    int last = first;
    while (static_cast<size_t>(last) < lines.size()) {
      const std::string_view next = lines[last];
      const size_t indent = next.find_first_not_of(' ');
      if (indent != std::string_view::npos && next[indent] != '#' &&
          static_cast<int>(indent) <= dash_column) {
        break;
      }
      ++last;
    }
    for (int l = first; l <= last; ++l) drop[l - 1] = true;
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (drop[i]) continue;
    out += lines[i];
    if (i + 1 < lines.size()) out += '\n';
  }
  // Every entry left out: `dependencies:` with nothing under it is null, which helm accepts.
  return out;
}

}  // namespace

DependencyFetcher::DependencyFetcher(const RunSettings& settings, std::string helm_binary)
    : settings_(settings), helm_(std::move(helm_binary)) {}

Status DependencyFetcher::Fetch(const model::ChartDependency& dep, const std::string& repository) {
  if (helm_.empty()) {
    return Unexpected(
        Error{"helm is not installed, so nothing can be fetched (tools/install-helm.sh)"});
  }
  const std::string key =
      repository + "\n" + dep.name + "\n" + dep.version + "\n" + dep.locked_version;
  if (auto it = fetched_.find(key); it != fetched_.end()) return it->second;
  auto remember = [&](Status status) {
    fetched_.insert_or_assign(key, status);
    return status;
  };
  std::error_code ec;
  const fs::path tmp =
      fs::path(settings_.chart_cache_dir) / fmt::format(".pull-{}-{}", getpid(), fetched_.size());
  fs::create_directories(tmp, ec);
  if (ec) {
    return remember(Unexpected(Error{fmt::format("cannot create the dependency cache {}: {}",
                                                 settings_.chart_cache_dir, ec.message())}));
  }
  const std::string version = dep.locked_version.empty() ? dep.version : dep.locked_version;
  std::vector<std::string> argv = {helm_, "pull"};
  const bool oci = StartsWith(repository, "oci://");
  model::ChartDependency from = dep;
  from.repository = repository;
  if (oci) {
    argv.push_back(model::PullReference(from));
    if (IsLoopback(repository)) argv.push_back("--plain-http");
  } else if (const std::string name = HelmRepositoryName(repository); !name.empty()) {
    // A repository helm knows: its stored credentials apply. Its index must be current.
    RunProcess({helm_, "repo", "update", name}, "", settings_.render_limits);
    argv.push_back(name + "/" + dep.name);
  } else {
    argv.insert(argv.end(), {dep.name, "--repo", repository});
  }
  if (!version.empty()) argv.insert(argv.end(), {"--version", version});
  argv.insert(argv.end(), {"--destination", tmp.string()});
  // A fetch is a helm run like a render, under the same limits: a registry that accepts and
  // never answers must not hold the gate.
  ProcessResult p = RunProcess(argv, "", settings_.render_limits);
  Status result = Ok{};
  if (!p.started || p.exit_code != 0) {
    std::string why = p.started ? std::string(Trim(p.err.empty() ? p.out : p.err)) : p.error;
    if (std::string stopped = StoppedReason(p, "helm pull", settings_.render_limits);
        !stopped.empty()) {
      why = std::move(stopped);
    }
    if (StartsWith(why, "Error: ")) why = why.substr(7);
    result = Unexpected(Error{
        fmt::format("helm pull {} {} from {} failed: {}", dep.name, version, repository, why)});
  } else {
    // helm names the archive <name>-<version>.tgz: keep it under the original repository's key
    // (a mirror stands in for it), atomically.
    bool moved = false;
    for (auto it = fs::directory_iterator(tmp, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      const std::string file = it->path().filename().string();
      if (!StartsWith(file, dep.name + "-") || !EndsWith(file, ".tgz")) continue;
      const std::string got = file.substr(dep.name.size() + 1, file.size() - dep.name.size() - 5);
      const fs::path target =
          model::ChartCachePath(settings_.chart_cache_dir, dep.repository, dep.name, got);
      fs::create_directories(target.parent_path(), ec);
      fs::rename(it->path(), target, ec);
      moved = !ec;
      break;
    }
    if (!moved) {
      result = Unexpected(Error{fmt::format("helm pull {} {} from {} wrote no {}-*.tgz", dep.name,
                                            version, repository, dep.name)});
    }
  }
  fs::remove_all(tmp, ec);
  return remember(result);
}

void DependencyFetcher::Complete(model::ChartInfo& chart) {
  for (size_t i = 0; i < chart.dependencies.items.size() && i < chart.resolved.size(); ++i) {
    CompleteOne(chart.dependencies.items[i], chart.fs_dir, chart.resolved[i]);
  }
  if (chart.remote) CompleteOne(*chart.remote, "", chart.remote_resolved);
}

void DependencyFetcher::CompleteOne(const model::ChartDependency& dep, const std::string& chart_dir,
                                    model::ResolvedDependency& r) {
  if (r.source != model::DependencySource::kMissing || !r.needs_network) return;
  // A mirror URL stands in for the repository; else the repository itself.
  std::string repository = dep.repository;
  if (const auto m = model::MapRepository(dep.repository, settings_); m && !m->is_folder()) {
    repository = m->location + (m->rest.empty() ? "" : "/" + m->rest);
  }
  if (settings_.offline) {
    r.tried.push_back(
        fmt::format("the network ({} is not fetched: --offline / offline: true)", repository));
    return;
  }
  if (Status fetched = Fetch(dep, repository); !fetched) {
    r.tried.push_back("the network (" + fetched.error().message + ")");
    r.needs_network = false;  // tried, and failed: not a matter of permission
    return;
  }
  // Now in the cache: resolved from there like any cached chart.
  model::ResolvedDependency again = model::ResolveDependencyOffline(dep, chart_dir, settings_, {});
  if (again.source == model::DependencySource::kCache) {
    again.display = "the dependency cache (fetched from " + repository + ")";
    r = std::move(again);
  } else {
    r.tried.push_back(fmt::format(
        "the network ({} fetched, but not the version Chart.lock or the constraint asks for)",
        repository));
    r.needs_network = false;
  }
}

bool DependencyEnabled(const model::ChartDependency& dep,
                       const std::vector<model::ValuesLayer>& layers) {
  for (std::string_view path : Split(dep.condition, ',')) {
    path = Trim(path);
    if (path.empty()) continue;
    if (const std::optional<std::string> value = ValueAt(layers, path)) {
      // helm ignores (with a warning) a condition that is not a boolean.
      if (ResolveYaml11(*value) == ScalarType::kBool) {
        return EqualsIgnoreCase(*value, "true") || EqualsIgnoreCase(*value, "yes") ||
               EqualsIgnoreCase(*value, "on");
      }
      break;
    }
  }
  bool any_set = false;
  for (const std::string& tag : dep.tags) {
    if (const std::optional<std::string> value = ValueAt(layers, "tags." + tag)) {
      any_set = true;
      if (EqualsIgnoreCase(*value, "true")) return true;
    }
  }
  return !any_set;
}

ChartStager::ChartStager() {
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / "syncgate-stage-XXXXXX").string();
  if (mkdtemp(pattern.data())) root_ = pattern;
}

ChartStager::~ChartStager() {
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

bool ChartStager::HoldsLeavingLink(const std::string& dir) {
  auto [known, fresh] = leaving_.try_emplace(dir, false);
  if (!fresh) return known->second;
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (LinkEscape(it->path(), root)) return known->second = true;
  }
  return false;
}

void ChartStager::SettleLinks(const fs::path& from, const fs::path& dir) const {
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec) return;
  std::vector<fs::path> leaving;  // not removed while iterating
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // A relative link to a file of the repository beside the chart (../shared/values.yaml)
    // names nothing in the copy: it is settled like one that leaves, or helm fails on it.
    std::error_code link_ec;
    if (LinkEscape(it->path(), root) ||
        (it->is_symlink(link_ec) && !fs::exists(it->path(), link_ec))) {
      leaving.push_back(it->path());
    }
  }
  for (const fs::path& link : leaving) {
    fs::remove(link, ec);
    // The same link in the chart's own folder: a copy of its file when the run checked that file
    // (a values.yaml shared with another chart of the repository). Dependencies copied from
    // elsewhere are not under `from`: their leaving links are dropped.
    const fs::path original = from / link.lexically_relative(root);
    const std::string target = fs::canonical(original, ec).string();
    if (!ec && checked_ && checked_(target)) fs::copy_file(target, link, ec);
  }
}

Expected<std::string> ChartStager::Stage(const model::ChartInfo& chart,
                                         const std::set<size_t>& omitted) {
  bool borrowed = false;
  for (size_t i = 0; i < chart.resolved.size(); ++i) {
    const auto source = chart.resolved[i].source;
    if (!omitted.count(i) && source != model::DependencySource::kVendored &&
        source != model::DependencySource::kMissing) {
      borrowed = true;
    }
  }
  if (!borrowed && omitted.empty() && !HoldsLeavingLink(chart.fs_dir)) return chart.fs_dir;
  std::string key = chart.fs_dir;
  for (size_t i : omitted) key += fmt::format(" -{}", i);
  if (auto it = staged_.find(key); it != staged_.end()) return it->second;
  if (root_.empty())
    return Unexpected(Error{"cannot create a temporary folder to stage the chart"});

  // The copy is named like the chart folder: helm reads the chart's name from Chart.yaml, but
  // keep error messages recognisable.
  const fs::path dir =
      fs::path(root_) / std::to_string(next_++) / fs::path(chart.fs_dir).filename();
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  fs::copy(chart.fs_dir, dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    return Unexpected(Error{
        fmt::format("cannot copy {} to stage its dependencies: {}", chart.fs_dir, ec.message())});
  }
  fs::create_directories(dir / "charts", ec);
  for (size_t i = 0; i < chart.resolved.size(); ++i) {
    const model::ResolvedDependency& r = chart.resolved[i];
    if (omitted.count(i) || r.location.empty()) continue;
    const fs::path from(r.location);
    fs::path to = dir / "charts" / from.filename();
    // Two dependencies may come from one folder (the same chart under an alias), and charts/
    // may already hold an entry of that file name: helm knows subcharts by their Chart.yaml
    // name, so the copy goes beside it under a name of its own (never a hidden one).
    if (fs::exists(to, ec) || from.filename().string().starts_with(".")) {
      to = dir / "charts" /
           fmt::format("syncgate-dependency-{}-{}{}", i, chart.dependencies.items[i].name,
                       fs::is_directory(from, ec) ? "" : from.extension().string());
    }
    if (fs::is_directory(from, ec)) {
      fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    } else {
      fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) {
      return Unexpected(
          Error{fmt::format("cannot stage dependency {} from {}: {}",
                            chart.dependencies.items[i].name, r.location, ec.message())});
    }
  }
  SettleLinks(chart.fs_dir, dir);
  if (!omitted.empty() && chart.chart_doc) {
    const std::optional<std::string> text = WithoutDependencies(*chart.chart_doc, omitted);
    if (!text) {
      return Unexpected(Error{fmt::format(
          "{}: dependencies is not a block list, so the unavailable disabled dependencies cannot "
          "be left out for rendering",
          chart.chart_file->input.display_path)});
    }
    std::ofstream(dir / "Chart.yaml", std::ios::binary | std::ios::trunc) << *text;
  }
  staged_.emplace(key, dir.string());
  return dir.string();
}

}  // namespace syncgate::render
