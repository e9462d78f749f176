#include "validation/schema_fetch.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "checker/text_util.h"
#include "sources/http_fetch.h"
#include "validation/embedded_schemas.h"
#include "validation/json_schema.h"
#include "validation/schema_store.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

/// The text at `where` (a URL or a file): nullopt when it is not there (HTTP 404, no such
/// file); an error when it cannot be known (network, another HTTP status, unreadable).
Expected<std::optional<std::string>> ReadAt(const std::string& where, long timeout_seconds) {
  if (IsUrl(where)) {
    Expected<HttpResponse> got = HttpGet(where, timeout_seconds);
    if (!got) return Unexpected(fmt::format("{}: {}", where, got.error().message));
    if (got->status == 404) return std::optional<std::string>();
    if (got->status != 200) return Unexpected(fmt::format("{}: HTTP {}", where, got->status));
    return std::optional<std::string>(std::move(got->body));
  }
  std::error_code ec;
  if (!fs::is_regular_file(where, ec)) return std::optional<std::string>();
  std::ifstream in(where, std::ios::binary);
  if (!in) return Unexpected(fmt::format("{}: cannot read", where));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return std::optional<std::string>(buffer.str());
}

/// Writes through a temporary file and a rename, so that a check running meanwhile never reads
/// half a schema.
Status WriteFileAtomically(const fs::path& path, const std::string& text) {
  static std::atomic<unsigned> counter{0};
  const fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter.fetch_add(1));
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.flush()) return Unexpected(fmt::format("{}: cannot write", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Unexpected(fmt::format("{}: cannot write: {}", path.string(), ec.message()));
  }
  fs::remove(path.string() + ".404", ec);  // a download's "not there" note is stale now
  return Ok{};
}

/// The name of the version folder to fill: what the location's {{.NormalizedKubernetesVersion}}
/// becomes, or, for a template with the version written in it
/// (".../v1.31.6-standalone-strict/{{.ResourceKind}}{{.KindSuffix}}.json"), that version.
std::string FolderVersion(SchemaStore& store, const std::string& location,
                          const std::string& kube_version) {
  const bool template_location = location.find("{{") != std::string::npos;
  if (!template_location || location.find("NormalizedKubernetesVersion") != std::string::npos ||
      std::count(kube_version.begin(), kube_version.end(), '.') >= 2) {
    return store.NormalizedVersion(location);
  }
  const std::string prefix = "v" + kube_version + ".";
  for (size_t at = location.find(prefix); at != std::string::npos;
       at = location.find(prefix, at + 1)) {
    if (at > 0 && location[at - 1] != '/') continue;
    size_t end = at + prefix.size();
    while (end < location.size() && std::isdigit(static_cast<unsigned char>(location[end]))) ++end;
    if (end > at + prefix.size()) return location.substr(at, end - at);
  }
  return "v" + kube_version + ".0";
}

/// "apps/v1" → {"apps", "v1"}; "v1" → {"", "v1"}.
std::pair<std::string, std::string> SplitApiVersion(const std::string& api_version) {
  const size_t slash = api_version.find('/');
  if (slash == std::string::npos) return {"", api_version};
  return {api_version.substr(0, slash), api_version.substr(slash + 1)};
}

bool IsEmbedded(const std::string& api_version, const std::string& kind) {
  const std::string name = SchemaStore::EmbeddedName(api_version, kind);
  for (const auto& [file, text] : EmbeddedSchemas()) {
    if (file == name) return true;
  }
  return false;
}

}  // namespace

Expected<SchemaFetchResult> FetchKubernetesSchemas(const SchemaFetchRequest& request) {
  if (request.locations.empty()) return Unexpected("no schema location to fetch from");
  if (request.into.empty()) return Unexpected("no folder to fetch the schemas into");
  SchemaStore store({.kube_version = request.kube_version, .allow_network = false});
  std::vector<std::string> versions;  // per location: its {{.NormalizedKubernetesVersion}}
  for (const std::string& location : request.locations) {
    versions.push_back(store.NormalizedVersion(location));
  }
  SchemaFetchResult result;
  result.version = FolderVersion(store, request.locations.front(), request.kube_version);
  result.folder = (fs::path(request.into) / (result.version + "-standalone-strict")).string();
  std::error_code ec;
  fs::create_directories(result.folder, ec);
  if (ec) return Unexpected(fmt::format("{}: cannot create: {}", result.folder, ec.message()));

  // 1. _definitions.json, from the first location that has it: every kind's schema, and the list
  // of the version's kinds.
  std::shared_ptr<const SchemaDefinitions> definitions;
  std::vector<std::string> looked;
  for (size_t i = 0; i < request.locations.size() && !definitions; ++i) {
    Expected<std::string> where = SchemaStore::DefinitionsAt(request.locations[i], versions[i]);
    if (!where) {
      looked.push_back(where.error().message);
      continue;
    }
    looked.push_back(*where);
    Expected<std::optional<std::string>> text = ReadAt(*where, request.timeout_seconds);
    if (!text) return Unexpected(fmt::format("cannot fetch {}", text.error().message));
    if (!*text) continue;
    Expected<std::shared_ptr<const SchemaDefinitions>> parsed =
        SchemaDefinitions::FromJson(**text, *where);
    if (!parsed) return Unexpected(parsed.error().message);
    if (Status written = WriteFileAtomically(fs::path(result.folder) / "_definitions.json", **text);
        !written) {
      return Unexpected(written.error().message);
    }
    definitions = *parsed;
    result.definitions_from = *where;
  }

  // 2. The kinds: those asked for, else every kind of the definitions.
  std::vector<std::pair<std::string, std::string>> kinds = request.kinds;
  if (kinds.empty()) {
    if (!definitions) {
      std::string places;
      for (const std::string& place : looked) places += (places.empty() ? "" : "; ") + place;
      return Unexpected(fmt::format(
          "no _definitions.json for Kubernetes {} at the location ({}): it lists the kinds of "
          "the version (name PATHs to fetch only the kinds they use)",
          request.kube_version, places));
    }
    for (const auto& [group, version, kind] : definitions->Kinds()) {
      kinds.emplace_back(group.empty() ? version : group + "/" + version, kind);
    }
  }
  kinds.erase(std::remove_if(kinds.begin(), kinds.end(),
                             [](const auto& k) { return IsEmbedded(k.first, k.second); }),
              kinds.end());
  result.kinds = static_cast<int>(kinds.size());

  // 3. Each kind's own file (kubeconform reads these; syncgate falls back on them when a folder
  // has no _definitions.json), a few downloads at once. The first network failure stops the rest:
  // the other kinds would fail the same way, each after its timeout.
  std::mutex mutex;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto work = [&] {
    for (size_t i = next++; i < kinds.size() && !stop; i = next++) {
      const auto& [api_version, kind] = kinds[i];
      std::optional<std::string> text;
      std::string problem;
      for (size_t l = 0; l < request.locations.size() && !text && problem.empty(); ++l) {
        const std::string where =
            SchemaStore::ExpandLocation(request.locations[l], api_version, kind, versions[l]);
        Expected<std::optional<std::string>> got = ReadAt(where, request.timeout_seconds);
        if (!got) {
          problem = got.error().message;
          if (IsUrl(where) && got.error().message.find(": HTTP ") == std::string::npos) stop = true;
        } else {
          text = std::move(*got);
        }
      }
      Status written = Ok{};
      if (text) {
        written = WriteFileAtomically(
            fs::path(result.folder) / SchemaStore::KindFileName(api_version, kind), *text);
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!problem.empty()) {
        result.errors.push_back(problem);
      } else if (!written) {
        result.errors.push_back(written.error().message);
      } else if (text) {
        ++result.written;
      } else {
        const auto [group, version] = SplitApiVersion(api_version);
        const bool defined = definitions && !definitions->FindKind(group, version, kind).empty();
        (defined ? result.defined_only : result.not_there).push_back(api_version + " " + kind);
      }
    }
  };
  const size_t threads = std::clamp<size_t>(static_cast<size_t>(std::max(request.jobs, 1)), 1,
                                            std::max<size_t>(kinds.size(), 1));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  if (stop) {
    result.errors.push_back(fmt::format(
        "stopped after a network failure: {} of {} kinds done",
        result.written + result.defined_only.size() + result.not_there.size(), kinds.size()));
  }
  std::sort(result.defined_only.begin(), result.defined_only.end());
  std::sort(result.not_there.begin(), result.not_there.end());
  std::sort(result.errors.begin(), result.errors.end());
  return result;
}

}  // namespace syncgate
