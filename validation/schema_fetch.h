#pragma once
// Filling a folder with the Kubernetes schemas of one version, in kubeconform's layout
// (`<into>/vX.Y.Z-standalone-strict/`), from a location (a folder or a URL template):
// `_definitions.json` and the per-kind file of every kind it defines, or of the kinds given.
// What `syncgate schemas fetch` does, into the user cache or (tools/fetch-schemas.sh, at package
// build time) into `<prefix>/share/syncgate/schemas`; `syncgate check` then finds them there.
//
//   Expected<SchemaFetchResult> done = FetchKubernetesSchemas(
//       {.kube_version = "1.31", .locations = {std::string(kKubeconformLocation)},
//        .into = "/usr/share/syncgate/schemas"});
//   if (!done) Fail(done.error().message);          // no _definitions.json, bad location
//   else Print(done->folder, done->written, done->errors);

#include <string>
#include <utility>
#include <vector>

#include "checker/expected.h"

namespace syncgate {

struct SchemaFetchRequest {
  std::string kube_version;            // "1.31" or "1.31.6"
  std::vector<std::string> locations;  // folders or URL templates, tried in order for each file
  std::string into;                    // receives vX.Y.Z-standalone-strict/
  /// Only these (apiVersion, kind); empty: every kind `_definitions.json` defines (which must
  /// then be at a location).
  std::vector<std::pair<std::string, std::string>> kinds;
  long timeout_seconds = 30;  // per download
  int jobs = 8;               // downloads at once
};

struct SchemaFetchResult {
  std::string version;  // "v1.31.6": the version folder's name without "-standalone-strict"
  std::string folder;   // <into>/v1.31.6-standalone-strict
  std::string definitions_from;  // where _definitions.json came from; empty when nowhere
  int kinds = 0;                 // kinds asked for
  int written = 0;               // per-kind files written
  /// Kinds with no per-kind file at any location that `_definitions.json` defines ("v1
  /// WatchEvent"): validated from it all the same.
  std::vector<std::string> defined_only;
  /// Kinds nowhere at the location ("example.com/v1 Widget"): custom resources, usually.
  std::vector<std::string> not_there;
  std::vector<std::string> errors;  // files that could not be fetched or written, and why
};

/// Fetches and writes. An error when nothing can be fetched (no `_definitions.json` to list
/// every kind, a location that is neither a folder nor a template, an unwritable folder).
Expected<SchemaFetchResult> FetchKubernetesSchemas(const SchemaFetchRequest& request);

}  // namespace syncgate
