#include "model/chart_dependencies.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "checker/finding.h"
#include "checker/text_util.h"
#include "model/go_template.h"
#include "model/repositories.h"
#include "model/semver.h"

namespace syncgate::model {
namespace fs = std::filesystem;
namespace {

std::string TextAt(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

std::optional<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// An `import-values` item (a string, or a map of strings) as Go marshals an interface{} from
/// YAML: maps with sorted keys.
void GoJsonValue(const Node& node, std::string& out) {
  const Node& n = node.Resolved();
  if (n.kind == NodeKind::kMapping) {
    std::map<std::string, const Node*> sorted;
    for (const MapEntry& e : n.entries) sorted[e.key->value] = e.value;
    out += '{';
    bool first = true;
    for (const auto& [key, value] : sorted) {
      if (!first) out += ',';
      first = false;
      AppendGoJsonString(out, key);
      out += ':';
      GoJsonValue(*value, out);
    }
    out += '}';
  } else if (n.kind == NodeKind::kSequence) {
    out += '[';
    for (size_t i = 0; i < n.items.size(); ++i) {
      if (i) out += ',';
      GoJsonValue(*n.items[i], out);
    }
    out += ']';
  } else if (n.type == ScalarType::kNull) {
    out += "null";
  } else if (n.type == ScalarType::kBool || n.type == ScalarType::kInt ||
             n.type == ScalarType::kFloat) {
    out += n.value;
  } else {
    AppendGoJsonString(out, n.value);
  }
}

/// One chart.Dependency as Go's json.Marshal writes it (field order and omitempty of helm's
/// struct: name, version, repository, condition, tags, enabled, import-values, alias).
void GoJsonDependency(const Node& dep, std::string& out) {
  out += "{\"name\":";
  AppendGoJsonString(out, TextAt(dep.Get("name")));
  if (const std::string v = TextAt(dep.Get("version")); !v.empty()) {
    out += ",\"version\":";
    AppendGoJsonString(out, v);
  }
  out += ",\"repository\":";
  AppendGoJsonString(out, TextAt(dep.Get("repository")));
  if (const std::string c = TextAt(dep.Get("condition")); !c.empty()) {
    out += ",\"condition\":";
    AppendGoJsonString(out, c);
  }
  if (const Node* tags = dep.Get("tags");
      tags && tags->IsSeq() && !tags->Resolved().items.empty()) {
    out += ",\"tags\":[";
    const auto& items = tags->Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ',';
      AppendGoJsonString(out, items[i]->Text());
    }
    out += ']';
  }
  if (const Node* enabled = dep.Get("enabled"); enabled && enabled->Text() == "true") {
    out += ",\"enabled\":true";
  }
  if (const Node* imports = dep.Get("import-values");
      imports && imports->IsSeq() && !imports->Resolved().items.empty()) {
    out += ",\"import-values\":";
    GoJsonValue(*imports, out);
  }
  if (const std::string a = TextAt(dep.Get("alias")); !a.empty()) {
    out += ",\"alias\":";
    AppendGoJsonString(out, a);
  }
  out += '}';
}

void GoJsonDependencies(const Node* list, std::string& out) {
  if (!list || !list->IsSeq()) {
    out += "null";
    return;
  }
  out += '[';
  const auto& items = list->Resolved().items;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    if (items[i]->IsMap()) {
      GoJsonDependency(items[i]->Resolved(), out);
    } else {
      out += "null";
    }
  }
  out += ']';
}

/// A dependency's name or version as part of one file name in the cache. Chart.yaml is user input:
/// found by fuzzing, a name "/x" or "../../x" led out of the cache (for reading and for storing
/// a pulled archive). Real chart names and versions hold none of the characters replaced.
std::string FileNamePart(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool plain =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '+';
    out += plain ? c : '_';
  }
  if (!out.empty() && out.front() == '.') out.front() = '_';  // neither "." nor ".."
  return out;
}

/// "charts.bitnami.com_bitnami-1a2b3c4d": readable, and unique by the hash of the URL.
std::string RepositoryKey(const std::string& repository) {
  std::string slug;
  std::string_view rest = repository;
  if (size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest = rest.substr(scheme + 3);
  }
  for (char c : rest) {
    slug += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  if (slug.size() > 60) slug.resize(60);
  return slug + "-" + Sha256Hex(repository).substr(0, 8);
}

/// Versions of `name` among `<name>-<version>.tgz` files of a folder.
std::vector<SemVer> ArchiveVersions(const fs::path& folder, const std::string& name) {
  std::vector<SemVer> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (!StartsWith(file, name + "-") || !EndsWith(file, ".tgz")) continue;
    const std::string version = file.substr(name.size() + 1, file.size() - name.size() - 5);
    if (std::optional<SemVer> v = ParseSemVer(version)) out.push_back(*v);
  }
  return out;
}

/// The version to look for: Chart.lock's when it pinned one, else the best match of the
/// constraint among `available`.
std::optional<SemVer> WantedVersion(const ChartDependency& dep,
                                    const std::vector<SemVer>& available) {
  if (!dep.locked_version.empty()) {
    for (const SemVer& v : available) {
      if (v.text == dep.locked_version ||
          (ParseSemVer(dep.locked_version) &&
           CompareSemVer(v, *ParseSemVer(dep.locked_version)) == 0)) {
        return v;
      }
    }
    return std::nullopt;
  }
  return BestMatch(available, dep.version);
}

std::string WantedText(const ChartDependency& dep) {
  if (!dep.locked_version.empty()) return dep.name + " " + dep.locked_version + " (Chart.lock)";
  return dep.name + (dep.version.empty() ? "" : " " + dep.version);
}

/// A chart folder's name and version from its Chart.yaml.
std::optional<std::pair<std::string, std::string>> ChartNameVersion(const fs::path& dir) {
  const std::optional<std::string> text = ReadText(dir / "Chart.yaml");
  if (!text) return std::nullopt;
  LoadResult loaded = LoadYaml(SourceFile::FromText((dir / "Chart.yaml").string(), *text));
  if (loaded.documents.empty() || !loaded.documents.front()->root().IsMap()) return std::nullopt;
  const Node& root = loaded.documents.front()->root();
  return std::make_pair(TextAt(root.Get("name")), TextAt(root.Get("version")));
}

/// A chart in a local folder that may hold chart folders (`<name>/Chart.yaml`), archives
/// (`<name>-<version>.tgz`) or be a Helm repository (index.yaml naming the archives).
std::optional<std::pair<std::string, std::string>> FindInFolder(const ChartDependency& dep,
                                                                const fs::path& folder) {
  std::error_code ec;
  std::vector<SemVer> versions = ArchiveVersions(folder, dep.name);
  // A Helm repository: index.yaml lists the versions and the archive each is in.
  std::map<std::string, std::string> index_urls;
  if (const std::optional<std::string> index = ReadText(folder / "index.yaml")) {
    LoadResult loaded = LoadYaml(SourceFile::FromText((folder / "index.yaml").string(), *index));
    if (!loaded.documents.empty()) {
      const Node* entries = loaded.documents.front()->root().Path({"entries", dep.name});
      if (entries && entries->IsSeq()) {
        for (const Node* e : entries->Resolved().items) {
          const std::string version = TextAt(e->Get("version"));
          const Node* urls = e->Get("urls");
          if (!urls || !urls->IsSeq() || urls->Resolved().items.empty()) continue;
          const std::string url = TextAt(urls->Resolved().items.front());
          if (url.find("://") != std::string::npos) continue;  // only archives in the folder
          if (std::optional<SemVer> v = ParseSemVer(version)) {
            versions.push_back(*v);
            index_urls[v->text] = url;
          }
        }
      }
    }
  }
  if (std::optional<SemVer> v = WantedVersion(dep, versions)) {
    const auto url = index_urls.find(v->text);
    const fs::path file = url != index_urls.end() ? folder / url->second
                                                  : folder / (dep.name + "-" + v->text + ".tgz");
    if (fs::is_regular_file(file, ec)) return std::make_pair(file.string(), v->text);
  }
  // A folder of chart folders.
  const fs::path dir = folder / dep.name;
  if (const auto chart = ChartNameVersion(dir); chart && chart->first == dep.name) {
    const std::optional<SemVer> v = ParseSemVer(chart->second);
    if (v && WantedVersion(dep, {*v})) return std::make_pair(dir.string(), chart->second);
  }
  return std::nullopt;
}

}  // namespace

std::string HelmLockDigest(const Node& requested, const Node* locked) {
  std::string json = "[";
  GoJsonDependencies(&requested, json);
  json += ',';
  GoJsonDependencies(locked, json);
  json += ']';
  return "sha256:" + Sha256Hex(json);
}

ChartDependencies ReadChartDependencies(const Document& chart_doc, const std::string& chart_dir) {
  ChartDependencies out;
  const Node* deps = chart_doc.root().IsMap() ? chart_doc.root().Get("dependencies") : nullptr;
  if (!deps || !deps->IsSeq()) return out;
  const auto& items = deps->Resolved().items;
  for (size_t i = 0; i < items.size(); ++i) {
    const Node* item = items[i];
    if (!item->IsMap()) continue;
    ChartDependency dep;
    dep.index = i;
    dep.name = TextAt(item->Get("name"));
    if (dep.name.empty()) continue;
    dep.alias = TextAt(item->Get("alias"));
    dep.version = TextAt(item->Get("version"));
    dep.repository = TextAt(item->Get("repository"));
    dep.condition = TextAt(item->Get("condition"));
    if (const Node* tags = item->Get("tags"); tags && tags->IsSeq()) {
      for (const Node* t : tags->Resolved().items) dep.tags.emplace_back(t->Text());
    }
    out.items.push_back(std::move(dep));
  }
  const fs::path lock = fs::path(chart_dir) / "Chart.lock";
  const std::optional<std::string> text = ReadText(lock);
  if (!text) return out;
  LoadResult loaded = LoadYaml(SourceFile::FromText(lock.string(), *text));
  if (loaded.documents.empty() || !loaded.documents.front()->root().IsMap()) return out;
  const Node& root = loaded.documents.front()->root();
  out.has_lock = true;
  out.lock_path = lock.string();
  out.lock_digest = TextAt(root.Get("digest"));
  if (const Node* digest = root.Get("digest")) out.lock_digest_pos = digest->pos;
  const Node* locked = root.Get("dependencies");
  out.computed_digest = HelmLockDigest(*deps, locked);
  // Chart.lock pins by name and repository, in the order `helm dependency update` wrote them.
  if (locked && locked->IsSeq()) {
    for (ChartDependency& dep : out.items) {
      for (const Node* l : locked->Resolved().items) {
        if (TextAt(l->Get("name")) == dep.name && TextAt(l->Get("repository")) == dep.repository) {
          dep.locked_version = TextAt(l->Get("version"));
          break;
        }
      }
    }
  }
  return out;
}

std::string ChartCachePath(const std::string& cache_dir, const std::string& repository,
                           const std::string& name, const std::string& version) {
  return (fs::path(cache_dir) / RepositoryKey(repository) /
          (FileNamePart(name) + "-" + FileNamePart(version) + ".tgz"))
      .string();
}

std::string PullReference(const ChartDependency& dep) {
  if (StartsWith(dep.repository, "oci://")) {
    std::string repo = dep.repository;
    while (EndsWith(repo, "/")) repo.pop_back();
    return repo + "/" + dep.name;
  }
  return dep.name;
}

std::string ResolvedDependency::TriedText() const {
  std::string out;
  for (const std::string& t : tried) out += (out.empty() ? "" : "; ") + t;
  return out;
}

ResolvedDependency ResolveDependencyOffline(const ChartDependency& dep,
                                            const std::string& chart_dir,
                                            const RunSettings& settings,
                                            const std::vector<TreeChart>& tree) {
  ResolvedDependency r;
  std::error_code ec;
  const fs::path charts = fs::path(chart_dir) / "charts";
  // 1. Vendored: charts/<name>/ or an archive charts/<name>-<version>.tgz. (An Application's
  // chart from a Helm repository has no chart folder: it starts at the cache.)
  if (chart_dir.empty()) {
    // nothing vendored
  } else if (fs::exists(charts / dep.name / "Chart.yaml", ec)) {
    r.source = DependencySource::kVendored;
    r.display = "charts/" + dep.name;
    return r;
  }
  for (auto it = fs::directory_iterator(charts, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string file = it->path().filename().string();
    // helm knows a vendored subchart by its Chart.yaml name, not its folder's
    // (charts/subchartA holding `name: subcharta`).
    const auto chart = it->is_directory(ec) ? ChartNameVersion(it->path()) : std::nullopt;
    const bool named = chart && chart->first == dep.name;
    if (named || (EndsWith(file, ".tgz") &&
                  (StartsWith(file, dep.name + "-") || file == dep.name + ".tgz"))) {
      r.source = DependencySource::kVendored;
      r.display = "charts/" + file;
      return r;
    }
  }
  if (!chart_dir.empty()) r.tried.push_back("charts/ (not vendored)");
  // 2. file://: a folder relative to the chart, as helm resolves it.
  if (StartsWith(dep.repository, "file://")) {
    const fs::path dir = (fs::path(chart_dir) / dep.repository.substr(7)).lexically_normal();
    if (fs::exists(dir / "Chart.yaml", ec)) {
      r.source = DependencySource::kFileRef;
      r.location = dir.string();
      r.display = dep.repository;
      return r;
    }
    r.tried.push_back(fmt::format("{} (no Chart.yaml at {})", dep.repository, dir.string()));
    return r;  // helm looks nowhere else for a file:// dependency
  }
  // 3. The dependency cache.
  if (!settings.chart_cache_dir.empty() && !dep.repository.empty()) {
    const fs::path folder =
        fs::path(ChartCachePath(settings.chart_cache_dir, dep.repository, dep.name, "0"))
            .parent_path();
    if (std::optional<SemVer> v =
            WantedVersion(dep, ArchiveVersions(folder, FileNamePart(dep.name)))) {
      r.source = DependencySource::kCache;
      r.version = v->text;
      r.location = ChartCachePath(settings.chart_cache_dir, dep.repository, dep.name, v->text);
      r.display = "the dependency cache";
      return r;
    }
    r.tried.push_back(
        fmt::format("the dependency cache {} (no {})", folder.string(), WantedText(dep)));
  }
  // 4. A chart of the same name in the checked tree (monorepos keep `common` beside its users).
  const fs::path self = chart_dir.empty() ? fs::path() : fs::weakly_canonical(chart_dir, ec);
  const TreeChart* best = nullptr;
  std::optional<SemVer> best_version;
  for (const TreeChart& chart : tree) {
    if (chart.name != dep.name) continue;
    std::error_code ec2;
    if (fs::weakly_canonical(chart.fs_dir, ec2) == self) continue;
    const std::optional<SemVer> v = ParseSemVer(chart.version);
    if (!v || !SatisfiesConstraint(*v, dep.version)) continue;
    if (!best || CompareSemVer(*v, *best_version) > 0) {
      best = &chart;
      best_version = v;
    }
  }
  if (best) {
    r.source = DependencySource::kTree;
    r.location = best->fs_dir;
    r.version = best->version;
    r.display = best->root;
    return r;
  }
  if (!tree.empty() || !chart_dir.empty()) {
    r.tried.push_back(fmt::format("the checked tree (no chart {} satisfying '{}')", dep.name,
                                  dep.version.empty() ? "*" : dep.version));
  }
  // 5. A mirror folder.
  if (const std::optional<RepositoryMapping> m = MapRepository(dep.repository, settings)) {
    if (m->is_folder()) {
      const fs::path folder = fs::path(m->location) / m->rest;
      if (const auto found = FindInFolder(dep, folder)) {
        r.source = DependencySource::kMirror;
        r.location = found->first;
        r.version = found->second;
        r.display = "the mirror " + m->location;
        return r;
      }
      r.tried.push_back(fmt::format("the mirror {} (no {})", folder.string(), WantedText(dep)));
      return r;
    }
    // A mirror URL (another registry or Helm repository): fetched like the network.
    r.needs_network = true;
    return r;
  }
  r.tried.push_back(fmt::format("repositories: / --repo-map (no mirror for {})",
                                dep.repository.empty() ? "this dependency" : dep.repository));
  r.needs_network = !dep.repository.empty();
  return r;
}

}  // namespace syncgate::model
