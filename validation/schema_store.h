#pragma once
// Where the schema of an object comes from, in order: the schemas we ship (schemas/*.json,
// embedded), the CustomResourceDefinitions of the checked set, then --schema-location
// (kubeconform-compatible folders and URL templates; URLs only when given, through a cache).
//
//   SchemaStore store({.kube_version = "1.31", .locations = {"../k8s-schemas"}});
//   store.AddCrds(workspace);                      // CRDs found in the checked files
//   SchemaLookup found = store.ForObject("apps/v1", "Deployment");
//   if (found.schema) errors = found.schema->Validate(doc);
//   else if (!found.error.empty()) Report(found.error);   // a schema exists but cannot be used
//
// Each schema is compiled once, on first use, and shared by all threads.

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

struct SchemaStoreOptions {
  /// "X.Y" or "X.Y.Z": {{.NormalizedKubernetesVersion}} is "vX.Y.Z" (for X.Y: the newest X.Y.Z
  /// folder present for local paths, X.Y.0 for URLs).
  std::string kube_version{kDefaultKubeVersion};
  /// Folders or templates, tried in order after the embedded schemas and the CRDs.
  std::vector<std::string> locations;
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
  /// Registers one CRD document (apiextensions.k8s.io v1 or v1beta1).
  void AddCrd(const Document& crd);

  /// The schema of a Kubernetes object. Thread-safe; compiled once.
  SchemaLookup ForObject(std::string_view api_version, std::string_view kind);
  /// One of our shipped schemas by file name ("chart-v2.json").
  SchemaLookup Embedded(std::string_view file_name);

  /// Only the `--schema-location` sources (used by `syncgate schemas fetch`).
  SchemaLookup FromLocations(std::string_view api_version, std::string_view kind);

  const SchemaStoreOptions& options() const { return options_; }

  /// A location template with kubeconform's variables filled in. A location without `{{` is a
  /// folder: `<folder>/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/
  /// {{.ResourceKind}}{{.KindSuffix}}.json`.
  static std::string ExpandLocation(std::string_view location, std::string_view api_version,
                                    std::string_view kind, std::string_view normalized_version);
  /// The embedded schema file for an apiVersion and kind ("application-argoproj.io-v1alpha1.json").
  static std::string EmbeddedName(std::string_view api_version, std::string_view kind);

 private:
  struct Entry;
  struct Crd;
  SchemaLookup Resolve(const std::string& api_version, const std::string& kind,
                       bool locations_only);
  SchemaLookup FromLocation(const std::string& location, const std::string& api_version,
                            const std::string& kind);
  std::string NormalizedVersion(const std::string& location, bool url);

  SchemaStoreOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // "apiVersion/kind" → lazily compiled
  std::map<std::string, std::shared_ptr<Crd>> crds_;       // "group/version/Kind" → schema node
  /// Per workspace: its CRDs are registered once, and every caller waits until they are.
  std::map<const Workspace*, std::shared_ptr<std::once_flag>> scanned_;
  std::map<std::string, std::string> versions_;  // location → resolved "vX.Y.Z"
};

/// The store of a run, shared by the schema rules through the run's services (made on first
/// use from the run's resolved settings).
std::shared_ptr<SchemaStore> SharedSchemaStore(const RunScope& run);

/// Whether a schema location is a URL template rather than a folder.
bool IsUrl(std::string_view location);

}  // namespace syncgate
