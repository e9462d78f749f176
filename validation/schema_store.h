#pragma once
// Where the schema of an object comes from, in order: the schemas we ship (schemas/*.json,
// embedded), the CustomResourceDefinitions of the checked set (committed, a chart's crds/,
// rendered), then the Kubernetes schemas: --schema-location (kubeconform-compatible folders and
// URL templates), the installed folder and the user cache, and last a download, once per kind
// into the cache.
//
//   SchemaStore store({.kube_version = "1.31", .locations = {"../k8s-schemas"},
//                      .folders = {"/usr/share/syncgate/schemas", cache}, .cache_dir = cache});
//   store.AddCrds(workspace);                      // CRDs found in the checked files
//   SchemaLookup found = store.ForObject("apps/v1", "Deployment");
//   if (found.schema) errors = found.schema->Validate(doc);
//   else if (!found.error.empty()) Report(found.error);   // a schema exists but cannot be used
//
// A local folder that holds `_definitions.json` next to the per-kind files (kubeconform's layout,
// `<folder>/vX.Y.Z-standalone-strict/`) gives each kind's schema from its definition, found by
// `x-kubernetes-group-version-kind`, made strict: per-kind files of some mirrors carry limits
// Kubernetes does not have (`maxLength: 63` on metadata.name). Each schema is compiled once, on
// first use, and shared by all threads.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "checker/run_services.h"
#include "checker/run_settings.h"
#include "validation/json_schema.h"

namespace syncgate {

class Workspace;

/// kubeconform's default location: a self-updating mirror of the Kubernetes OpenAPI schemas, one
/// folder per version.
inline constexpr std::string_view kKubeconformLocation =
    "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/"
    "{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/"
    "{{.ResourceKind}}{{.KindSuffix}}.json";

struct SchemaStoreOptions {
  /// "X.Y" or "X.Y.Z": {{.NormalizedKubernetesVersion}} is "vX.Y.Z" (for X.Y: the newest X.Y.Z
  /// folder present for local paths, X.Y.0 for URLs).
  std::string kube_version{kDefaultKubeVersion};
  /// Folders or templates, tried in order after the embedded schemas and the CRDs.
  std::vector<std::string> locations;
  /// Folders of Kubernetes schemas in kubeconform's layout, tried after `locations`: the
  /// installed folder, then the user cache (RunSettings::schema_folders).
  std::vector<std::string> folders;
  /// A URL template the schema of a kind no folder has is downloaded from, once per kind, into
  /// `<cache_dir>/vX.Y.Z-standalone-strict/`; empty: never. A transport failure stops further
  /// downloads of the store (one failure is enough to know the network is not there).
  std::string download;
  /// Where fetched schemas are kept; empty: CacheDir("schemas") (checker/cache_dir.h).
  std::string cache_dir;
  /// Fetch URLs that are not cached (false: only the cache is read).
  bool allow_network = true;
  long timeout_seconds = 30;
};

struct SchemaLookup {
  std::shared_ptr<const CompiledSchema> schema;  // null when there is none
  std::string
      source;         // "embedded application-argoproj.io-v1alpha1.json", a CRD's file:line, a path
  std::string error;  // a schema was found but cannot be used (bad JSON, fetch failure)
};

class SchemaStore {
 public:
  explicit SchemaStore(SchemaStoreOptions options);
  ~SchemaStore();

  /// Registers the openAPIV3Schema of every CustomResourceDefinition in `workspace` (once per
  /// workspace; later calls with the same workspace return at once). Thread-safe.
  void AddCrds(const Workspace& workspace);
  /// Registers one CRD document (apiextensions.k8s.io v1 or v1beta1). `crd` must outlive the
  /// store's use of it (a workspace document).
  void AddCrd(const Document& crd);
  /// Registers the CRDs of a file the workspace does not hold (a chart's crds/ file, read as
  /// helm reads it): the store keeps its documents. Returns how many CRDs it had.
  int AddCrdFile(const std::string& display_path, std::string text);

  /// The schema of a Kubernetes object. Thread-safe; compiled once.
  SchemaLookup ForObject(std::string_view api_version, std::string_view kind);
  /// One of our shipped schemas by file name ("chart-v2.json").
  SchemaLookup Embedded(std::string_view file_name);

  /// Only the Kubernetes schema sources (locations, folders, download), not ours nor CRDs.
  SchemaLookup FromLocations(std::string_view api_version, std::string_view kind);

  const SchemaStoreOptions& options() const { return options_; }
  /// Where the Kubernetes schemas were looked for, for messages: "--schema-location X,
  /// /usr/share/syncgate/schemas, ~/.cache/syncgate/schemas; the download failed: ...".
  std::string SearchedPlaces();

  /// The "vX.Y.Z" a location gives {{.NormalizedKubernetesVersion}} for the store's version: for
  /// X.Y, the newest vX.Y.Z folder present for a local location, X.Y.0 for a URL.
  std::string NormalizedVersion(const std::string& location);

  /// A location template with kubeconform's variables filled in. A location without `{{` is a
  /// folder: `<folder>/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/
  /// {{.ResourceKind}}{{.KindSuffix}}.json`.
  static std::string ExpandLocation(std::string_view location, std::string_view api_version,
                                    std::string_view kind, std::string_view normalized_version);
  /// Where a location keeps `_definitions.json` (next to the per-kind files); an error when the
  /// template puts the kind in a folder name rather than the file name.
  static Expected<std::string> DefinitionsAt(std::string_view location,
                                             std::string_view normalized_version);
  /// kubeconform's file name of a kind: "deployment-apps-v1.json", "service-v1.json".
  static std::string KindFileName(std::string_view api_version, std::string_view kind);
  /// The embedded schema file for an apiVersion and kind ("application-argoproj.io-v1alpha1.json").
  static std::string EmbeddedName(std::string_view api_version, std::string_view kind);

 private:
  struct Entry;
  struct Crd;
  struct Definitions;
  SchemaLookup Resolve(const std::string& api_version, const std::string& kind,
                       bool locations_only);
  SchemaLookup FromLocation(const std::string& location, const std::string& api_version,
                            const std::string& kind);
  SchemaLookup FromUrl(const std::string& location, const std::string& api_version,
                       const std::string& kind);
  SchemaLookup FromDownload(const std::string& api_version, const std::string& kind);
  /// The compiled schema of a kind from the `_definitions.json` of `folder`, if it has one that
  /// defines the kind.
  SchemaLookup FromDefinitions(const std::string& folder, const std::string& api_version,
                               const std::string& kind);

  SchemaStoreOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // "apiVersion/kind" → lazily compiled
  std::map<std::string, std::shared_ptr<Crd>> crds_;       // "group/version/Kind" → schema node
  /// Per workspace: its CRDs are registered once, and every caller waits until they are.
  std::map<const Workspace*, std::shared_ptr<std::once_flag>> scanned_;
  std::map<std::string, std::string> versions_;  // location → resolved "vX.Y.Z"
  std::map<std::string, std::shared_ptr<Definitions>> definitions_;  // folder → its definitions
  std::vector<std::shared_ptr<void>> owned_;  // documents of AddCrdFile, kept for the CRD nodes
  std::atomic<bool> download_failed_{false};
  std::string download_error_;  // the first failure (under mutex_)
};

/// The store of a run, shared by the schema rules through the run's services (made on first
/// use from the run's resolved settings).
std::shared_ptr<SchemaStore> SharedSchemaStore(const RunScope& run);

/// Whether a schema location is a URL template rather than a folder.
bool IsUrl(std::string_view location);

/// Whether an apiVersion belongs to Kubernetes itself ("v1", "apps/v1", "networking.k8s.io/v1",
/// "extensions/v1beta1"): no group, a group without a dot, or one under k8s.io. Its schema comes
/// from the Kubernetes schemas, not from a CRD.
bool IsBuiltinApiVersion(std::string_view api_version);

}  // namespace syncgate
