#include "validation/schema_store.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/cache_dir.h"
#include "checker/config.h"
#include "checker/run_settings.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "sources/http_fetch.h"
#include "validation/embedded_schemas.h"

namespace syncgate {
namespace fs = std::filesystem;

namespace {

/// The shared slot for `key` in a map of lazily computed values, created on first use; the caller
/// fills it outside the lock (call_once on the slot's flag).
template <typename Map, typename Key>
typename Map::mapped_type SlotOf(std::mutex& mutex, Map& map, const Key& key) {
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = map[key];
  if (!slot) slot = std::make_shared<typename Map::mapped_type::element_type>();
  return slot;
}

constexpr std::string_view kFolderLayout =
    "{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/"
    "{{.ResourceKind}}{{.KindSuffix}}.json";

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

/// "{{ .ResourceKind }}" and "{{.ResourceKind}}" alike.
std::string CompactTemplate(std::string_view location) {
  std::string out(location);
  ReplaceAll(out, "{{ ", "{{");
  ReplaceAll(out, " }}", "}}");
  return out;
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// CacheDir("schemas"), or a folder under the temporary directory when there is no home.
std::string DefaultCacheDir() {
  const std::string dir = CacheDir("schemas");
  return dir.empty() ? (fs::temp_directory_path() / "syncgate-schemas").string() : dir;
}

/// How the Kubernetes schemas are read: strict (kubeconform's -strict: unknown fields are
/// errors), and a null member is an unset one, as the API server decodes it.
constexpr SchemaDialect kKubernetesDialect{.strict = true, .null_is_unset = true};

SchemaLookup FromJsonText(const std::string& text, const std::string& source) {
  Expected<std::shared_ptr<const CompiledSchema>> compiled =
      CompiledSchema::FromJson(text, source, kKubernetesDialect);
  if (!compiled) return {nullptr, source, compiled.error().message};
  return {*compiled, source, ""};
}

/// Writes `text` to `path` through a temporary file and a rename: a reader on another thread
/// or process never sees half a file.
bool WriteAtomically(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  static std::atomic<unsigned> counter{0};
  const fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter.fetch_add(1));
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

/// The versioned folder of a kubeconform folder location: "<folder>/v1.31.6-standalone-strict".
std::string VersionFolder(std::string_view folder, std::string_view normalized_version) {
  return (fs::path(folder) / (std::string(normalized_version) + "-standalone-strict")).string();
}

/// "apps/v1" → {"apps", "v1"}; "v1" → {"", "v1"}.
std::pair<std::string, std::string> GroupVersion(std::string_view api_version) {
  const size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(api_version)};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1))};
}

}  // namespace

bool IsUrl(std::string_view location) {
  return StartsWith(location, "http://") || StartsWith(location, "https://");
}

bool IsBuiltinApiVersion(std::string_view api_version) {
  const std::string group = GroupVersion(api_version).first;
  return group.find('.') == std::string::npos || EndsWith(group, ".k8s.io");
}

/// The `_definitions.json` of one folder, read and indexed once (null when it has none).
struct SchemaStore::Definitions {
  std::once_flag once;
  std::shared_ptr<const SchemaDefinitions> definitions;
  std::string path;
  std::string error;  // present but unusable
};

struct SchemaStore::Entry {
  std::once_flag once;
  SchemaLookup result;
};

struct SchemaStore::Crd {
  const Node* schema = nullptr;  // openAPIV3Schema, owned by a workspace document
  std::string source;            // file:line of the CRD
  std::once_flag once;
  SchemaLookup result;
};

SchemaStore::SchemaStore(SchemaStoreOptions options) : options_(std::move(options)) {
  if (options_.cache_dir.empty()) options_.cache_dir = DefaultCacheDir();
}
SchemaStore::~SchemaStore() = default;

std::string SchemaStore::EmbeddedName(std::string_view api_version, std::string_view kind) {
  const size_t slash = api_version.find('/');
  const std::string group(slash == std::string_view::npos ? "core" : api_version.substr(0, slash));
  const std::string version(slash == std::string_view::npos ? api_version
                                                            : api_version.substr(slash + 1));
  return fmt::format("{}-{}-{}.json", ToLower(kind), group, version);
}

std::string SchemaStore::ExpandLocation(std::string_view location, std::string_view api_version,
                                        std::string_view kind,
                                        std::string_view normalized_version) {
  std::string tpl = CompactTemplate(location);
  if (tpl.find("{{") == std::string::npos) {
    if (!tpl.empty() && tpl.back() != '/') tpl += '/';
    tpl += kFolderLayout;
  }
  // kubeconform: "apps/v1" → group "apps", version "v1", kind suffix "-apps-v1"; "v1" → "-v1".
  const std::vector<std::string_view> parts = Split(api_version, '/');
  const std::string group(parts.front());
  const std::string version(parts.back());
  std::string suffix = "-" + ToLower(Split(parts.front(), '.').front());
  if (parts.size() > 1) suffix += "-" + ToLower(version);
  ReplaceAll(tpl, "{{.NormalizedKubernetesVersion}}", normalized_version);
  ReplaceAll(tpl, "{{.StandaloneSuffix}}", "-standalone");
  ReplaceAll(tpl, "{{.StrictSuffix}}", "-strict");
  ReplaceAll(tpl, "{{.ResourceKind}}", ToLower(kind));
  ReplaceAll(tpl, "{{.ResourceAPIVersion}}", version);
  ReplaceAll(tpl, "{{.Group}}", group);
  ReplaceAll(tpl, "{{.KindSuffix}}", suffix);
  return tpl;
}

std::string SchemaStore::KindFileName(std::string_view api_version, std::string_view kind) {
  return ExpandLocation("{{.ResourceKind}}{{.KindSuffix}}.json", api_version, kind, "");
}

Expected<std::string> SchemaStore::DefinitionsAt(std::string_view location,
                                                 std::string_view normalized_version) {
  std::string tpl = CompactTemplate(location);
  if (tpl.find("{{") == std::string::npos) {
    return (fs::path(VersionFolder(tpl, normalized_version)) / "_definitions.json").string();
  }
  const size_t slash = tpl.rfind('/');
  const std::string folder = slash == std::string::npos ? "" : tpl.substr(0, slash);
  for (std::string_view per_kind :
       {"{{.ResourceKind}}", "{{.KindSuffix}}", "{{.Group}}", "{{.ResourceAPIVersion}}"}) {
    if (folder.find(per_kind) != std::string::npos) {
      return Unexpected(fmt::format(
          "{}: the kind is part of a folder name, so there is no one folder of this version "
          "that holds _definitions.json (kubeconform's layout puts the kind in the file name)",
          location));
    }
  }
  // Only the version variables are left in the folder part.
  std::string out = folder;
  ReplaceAll(out, "{{.NormalizedKubernetesVersion}}", normalized_version);
  ReplaceAll(out, "{{.StandaloneSuffix}}", "-standalone");
  ReplaceAll(out, "{{.StrictSuffix}}", "-strict");
  return (out.empty() ? std::string() : out + "/") + "_definitions.json";
}

std::string SchemaStore::NormalizedVersion(const std::string& location) {
  const std::string& v = options_.kube_version;
  if (v == "master") return v;
  if (std::count(v.begin(), v.end(), '.') >= 2) return "v" + v;
  if (IsUrl(location)) return "v" + v + ".0";
  // A local X.Y: the newest vX.Y.Z folder next to where the template puts the version.
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = versions_.find(location); it != versions_.end()) return it->second;
  std::string tpl = CompactTemplate(location);
  if (tpl.find("{{") == std::string::npos)
    tpl = (fs::path(tpl) / std::string(kFolderLayout)).string();
  std::string resolved = "v" + v;
  const size_t at = tpl.find("{{.NormalizedKubernetesVersion}}");
  if (at != std::string::npos) {
    const size_t slash = tpl.rfind('/', at);
    const fs::path parent =
        slash == std::string::npos ? fs::path(".") : fs::path(tpl.substr(0, slash + 1));
    const std::string prefix = "v" + v + ".";
    int best = -1;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      const std::string name = entry.path().filename().string();
      if (!StartsWith(name, prefix)) continue;
      size_t digits = prefix.size();
      while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits])))
        ++digits;
      if (digits == prefix.size()) continue;
      const int patch = std::atoi(name.c_str() + prefix.size());
      if (patch > best) {
        best = patch;
        resolved = name.substr(0, digits);
      }
    }
  }
  versions_[location] = resolved;
  return resolved;
}

SchemaLookup SchemaStore::FromDefinitions(const std::string& folder, const std::string& api_version,
                                          const std::string& kind) {
  const std::shared_ptr<Definitions> slot = SlotOf(mutex_, definitions_, folder);
  std::call_once(slot->once, [&] {
    slot->path = (fs::path(folder) / "_definitions.json").string();
    const std::optional<std::string> text = ReadFile(slot->path);
    if (!text) return;
    Expected<std::shared_ptr<const SchemaDefinitions>> parsed =
        SchemaDefinitions::FromJson(*text, slot->path);
    if (parsed) {
      slot->definitions = *parsed;
    } else {
      slot->error = parsed.error().message;
    }
  });
  if (!slot->error.empty()) return {nullptr, slot->path, slot->error};
  if (!slot->definitions) return {};
  const auto [group, version] = GroupVersion(api_version);
  const std::string definition = slot->definitions->FindKind(group, version, kind);
  if (definition.empty()) return {};
  const std::string source = slot->path + "#/definitions/" + definition;
  Expected<std::shared_ptr<const CompiledSchema>> compiled =
      slot->definitions->Compile(definition, source, kKubernetesDialect);
  if (!compiled) return {nullptr, source, compiled.error().message};
  return {*compiled, source, ""};
}

SchemaLookup SchemaStore::FromLocation(const std::string& location, const std::string& api_version,
                                       const std::string& kind) {
  if (IsUrl(location)) return FromUrl(location, api_version, kind);
  const std::string normalized = NormalizedVersion(location);
  const std::string where = ExpandLocation(location, api_version, kind, normalized);
  // The definitions next to the per-kind file, when there are: they are what the per-kind files
  // were generated from, without the generators' additions.
  if (Expected<std::string> definitions = DefinitionsAt(location, normalized); definitions) {
    SchemaLookup found =
        FromDefinitions(fs::path(*definitions).parent_path().string(), api_version, kind);
    if (found.schema || !found.error.empty()) return found;
  }
  std::optional<std::string> text = ReadFile(where);
  if (!text && CompactTemplate(location).find("{{") == std::string::npos) {
    // A flat folder of kubeconform-named files, without the version folder.
    const std::string flat = (fs::path(location) / KindFileName(api_version, kind)).string();
    if ((text = ReadFile(flat))) return FromJsonText(*text, flat);
  }
  if (!text) return {};
  return FromJsonText(*text, where);
}

SchemaLookup SchemaStore::FromUrl(const std::string& location, const std::string& api_version,
                                  const std::string& kind) {
  const std::string where =
      ExpandLocation(location, api_version, kind, NormalizedVersion(location));
  const fs::path cached = fs::path(options_.cache_dir) / (Sha256Hex(where) + ".json");
  const fs::path missing = fs::path(options_.cache_dir) / (Sha256Hex(where) + ".404");
  if (std::optional<std::string> text = ReadFile(cached)) return FromJsonText(*text, where);
  std::error_code ec;
  if (fs::exists(missing, ec)) return {};
  if (!options_.allow_network) return {};
  Expected<HttpResponse> got = HttpGet(where, options_.timeout_seconds);
  if (!got)
    return {nullptr, where, fmt::format("cannot fetch the schema: {}", got.error().message)};
  if (got->status == 404) {
    WriteAtomically(missing, "");
    return {};
  }
  if (got->status != 200) {
    return {nullptr, where, fmt::format("cannot fetch the schema {}: HTTP {}", where, got->status)};
  }
  WriteAtomically(cached, got->body);
  return FromJsonText(got->body, where);
}

SchemaLookup SchemaStore::FromDownload(const std::string& api_version, const std::string& kind) {
  // The mirrors of the Kubernetes schemas have no custom resources: asking is a sure 404.
  if (options_.download.empty() || !IsBuiltinApiVersion(api_version)) return {};
  // Into the cache in kubeconform's layout, where the cache folder lookup finds it next time
  // (and this one, when that lookup settled on another patch folder of the version).
  const std::string normalized = NormalizedVersion(options_.download);
  const fs::path target =
      fs::path(VersionFolder(options_.cache_dir, normalized)) / KindFileName(api_version, kind);
  if (std::optional<std::string> text = ReadFile(target)) {
    return FromJsonText(*text, target.string());
  }
  const fs::path missing = target.string() + ".404";
  std::error_code ec;
  if (!options_.allow_network || download_failed_ || fs::exists(missing, ec)) return {};
  const std::string url = ExpandLocation(options_.download, api_version, kind, normalized);
  Expected<HttpResponse> got = HttpGet(url, options_.timeout_seconds);
  if (!got || (got->status != 200 && got->status != 404)) {
    // Not this kind's problem: the network or the mirror. Said once, by whoever reports the
    // objects left without a schema (SearchedPlaces).
    std::lock_guard<std::mutex> lock(mutex_);
    if (!download_failed_.exchange(true)) {
      download_error_ = got ? fmt::format("{}: HTTP {}", url, got->status)
                            : fmt::format("{}: {}", url, got.error().message);
    }
    return {};
  }
  if (got->status == 404) {
    WriteAtomically(missing, "");
    return {};
  }
  WriteAtomically(target, got->body);
  return FromJsonText(got->body, url);
}

std::string SchemaStore::SearchedPlaces() {
  std::vector<std::string> places;
  for (const std::string& location : options_.locations) places.push_back(location);
  for (const std::string& folder : options_.folders) places.push_back(folder);
  std::string out;
  for (const std::string& place : places) out += (out.empty() ? "" : ", ") + place;
  if (out.empty()) out = "no schema location or folder";
  if (!options_.allow_network) {
    out += "; no download: the run is offline";
  } else if (options_.download.empty()) {
    out += "; no download";
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    if (download_failed_) out += "; the download failed: " + download_error_;
  }
  return out;
}

SchemaLookup SchemaStore::Embedded(std::string_view file_name) {
  const std::string key = "embedded:" + std::string(file_name);
  const std::shared_ptr<Entry> entry = SlotOf(mutex_, entries_, key);
  std::call_once(entry->once, [&] {
    for (const auto& [name, text] : EmbeddedSchemas()) {
      if (name != file_name) continue;
      const std::string source = "embedded " + std::string(name);
      Expected<std::shared_ptr<const CompiledSchema>> compiled =
          CompiledSchema::FromJson(text, source);
      entry->result = compiled ? SchemaLookup{*compiled, source, ""}
                               : SchemaLookup{nullptr, source, compiled.error().message};
    }
  });
  return entry->result;
}

void SchemaStore::AddCrds(const Workspace& workspace) {
  const std::shared_ptr<std::once_flag> once = SlotOf(mutex_, scanned_, &workspace);
  // Not "mark as scanned, then scan": a second thread would validate a custom resource before
  // its CRD is registered and call its schema missing. call_once makes it wait.
  std::call_once(*once, [&] {
    workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
      if (doc.object().kind == "CustomResourceDefinition" &&
          StartsWith(doc.object().api_version, "apiextensions.k8s.io/")) {
        AddCrd(doc);
      }
    });
  });
}

void SchemaStore::AddCrd(const Document& crd) {
  const Node* spec = crd.root().Get("spec");
  if (!spec) return;
  const std::string group(spec->Get("group") ? spec->Get("group")->Text() : "");
  const Node* kind = spec->Path({"names", "kind"});
  if (group.empty() || !kind || kind->Text().empty()) return;
  auto add = [&](std::string_view version, const Node* schema, std::string_view pointer) {
    if (!schema || !schema->IsMap()) return;
    auto crd_entry = std::make_shared<Crd>();
    crd_entry->schema = schema;
    const Position pos = crd.PositionOf(pointer);
    crd_entry->source = fmt::format("{}:{}", crd.source().path(), pos.line);
    std::lock_guard<std::mutex> lock(mutex_);
    crds_.emplace(fmt::format("{}/{}/{}", group, version, kind->Text()), std::move(crd_entry));
  };
  // v1: spec.versions[].schema.openAPIV3Schema; v1beta1: also spec.validation for all versions.
  const Node* shared = spec->Path({"validation", "openAPIV3Schema"});
  if (const Node* versions = spec->Get("versions"); versions && versions->IsSeq()) {
    const auto& items = versions->Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      const Node* name = items[i]->Get("name");
      if (!name) continue;
      const Node* own = items[i]->Path({"schema", "openAPIV3Schema"});
      add(name->Text(), own ? own : shared,
          own ? fmt::format("/spec/versions/{}/schema/openAPIV3Schema", i)
              : std::string("/spec/validation/openAPIV3Schema"));
    }
  } else if (const Node* version = spec->Get("version"); version && shared) {
    add(version->Text(), shared, "/spec/validation/openAPIV3Schema");
  }
}

int SchemaStore::AddCrdFile(const std::string& display_path, std::string text) {
  auto loaded =
      std::make_shared<LoadResult>(LoadYaml(SourceFile::FromText(display_path, std::move(text))));
  int added = 0;
  for (const auto& doc : loaded->documents) {
    if (doc->object().kind == "CustomResourceDefinition" &&
        StartsWith(doc->object().api_version, "apiextensions.k8s.io/")) {
      AddCrd(*doc);
      ++added;
    }
  }
  if (added) {
    std::lock_guard<std::mutex> lock(mutex_);
    owned_.push_back(std::move(loaded));
  }
  return added;
}

SchemaLookup SchemaStore::ForObject(std::string_view api_version, std::string_view kind) {
  return Resolve(std::string(api_version), std::string(kind), false);
}

SchemaLookup SchemaStore::FromLocations(std::string_view api_version, std::string_view kind) {
  return Resolve(std::string(api_version), std::string(kind), true);
}

SchemaLookup SchemaStore::Resolve(const std::string& api_version, const std::string& kind,
                                  bool locations_only) {
  const std::string key = (locations_only ? "loc:" : "obj:") + api_version + "/" + kind;
  const std::shared_ptr<Entry> entry = SlotOf(mutex_, entries_, key);
  std::call_once(entry->once, [&] {
    if (!locations_only) {
      // 1. Ours.
      const std::string embedded = EmbeddedName(api_version, kind);
      for (const auto& [name, text] : EmbeddedSchemas()) {
        if (name == embedded) {
          entry->result = Embedded(embedded);
          return;
        }
      }
      // 2. CRDs of the checked set.
      std::shared_ptr<Crd> crd;
      {
        const size_t slash = api_version.find('/');
        const std::string crd_key = slash == std::string::npos ? "" : api_version + "/" + kind;
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto it = crds_.find(crd_key); it != crds_.end()) crd = it->second;
      }
      if (crd) {
        std::call_once(crd->once, [&] {
          const std::string source = "CRD " + crd->source;
          Expected<std::shared_ptr<const CompiledSchema>> compiled = CompiledSchema::FromNode(
              *crd->schema, source, {.kubernetes_openapi = true, .strict = true});
          crd->result = compiled ? SchemaLookup{*compiled, source, ""}
                                 : SchemaLookup{nullptr, source, compiled.error().message};
        });
        entry->result = crd->result;
        return;
      }
    }
    // 3. The Kubernetes schemas: --schema-location, the installed folder, the cache, in order;
    // then the download.
    for (const std::vector<std::string>* list : {&options_.locations, &options_.folders}) {
      for (const std::string& location : *list) {
        SchemaLookup found = FromLocation(location, api_version, kind);
        if (found.schema || !found.error.empty()) {
          entry->result = std::move(found);
          return;
        }
      }
    }
    entry->result = FromDownload(api_version, kind);
  });
  return entry->result;
}

std::shared_ptr<SchemaStore> SharedSchemaStore(const RunScope& run) {
  return run.services.Get<SchemaStore>("schema-store", [&] {
    const RunSettings& settings = run.settings;
    return std::make_shared<SchemaStore>(
        SchemaStoreOptions{.kube_version = settings.kube_version,
                           .locations = settings.schema_locations,
                           .folders = settings.schema_folders.value_or(std::vector<std::string>{}),
                           .download = settings.schema_download.value_or(""),
                           .cache_dir = settings.schema_cache_dir,
                           .allow_network = !settings.offline});
  });
}

}  // namespace syncgate
