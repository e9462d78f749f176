#pragma once
// An ArgoCD Application as the rules, rendering, the sealed-secret namespace lookup and the sync
// read it: its sources, destination, project and sync policy. One reader, so that `source` and
// `sources[]` mean the same everywhere; it keeps Node pointers so rules can point at what they
// report (a null pointer is a field that is absent).
//
//   if (auto app = model::ReadApplication(doc)) {           // Application or ApplicationSet
//     for (const model::AppSource& source : app->sources) {  // spec.source, then spec.sources[]
//       if (source.chart) continue;                          // a Helm repository chart
//       Use(model::Text(source.path), source.pointer + "/path");
//     }
//     if (IsYaml11True(app->sync_policy.prune)) ...  // checker/scalar_types.h
//   }

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/document.h"

namespace syncgate::model {

/// `helm:` of a source.
struct HelmSource {
  const Node* node = nullptr;  // the `helm` map; null when absent
  const Node* value_files = nullptr;
  const Node* values = nullptr;         // `values: |`, YAML in a string
  const Node* values_object = nullptr;  // `valuesObject:`, a map (wins over values)
  const Node* parameters = nullptr;
  const Node* release_name = nullptr;
  const Node* namespace_name = nullptr;
  const Node* kube_version = nullptr;
  const Node* skip_crds = nullptr;
  const Node* ignore_missing_value_files = nullptr;
};

/// `directory:` of a source (plain manifests).
struct DirectorySource {
  const Node* node = nullptr;  // the `directory` map; null when absent
  const Node* recurse = nullptr;
  const Node* include = nullptr;
  const Node* exclude = nullptr;
  const Node* jsonnet = nullptr;  // `jsonnet:` options (the *.jsonnet files are evaluated)
};

/// One source: `spec.source` or an entry of `spec.sources[]`.
struct AppSource {
  const Node* node = nullptr;  // the source map (aliases resolved)
  std::string pointer;         // "/spec/source", "/spec/sources/1", under /spec/template for sets
  bool listed = false;         // an entry of `sources[]`
  int index = -1;              // its position in `sources[]`; -1 for `spec.source`
  const Node* repo_url = nullptr;
  const Node* target_revision = nullptr;
  const Node* path = nullptr;
  const Node* chart = nullptr;  // set: a chart from a Helm repository, which has no path
  const Node* ref = nullptr;    // set: other sources name its files as `$ref/...`
  HelmSource helm;
  const Node* kustomize = nullptr;
  const Node* plugin = nullptr;  // `plugin:`: a Config Management Plugin renders the source
  DirectorySource directory;
};

/// `syncPolicy:`.
struct SyncPolicy {
  const Node* node = nullptr;       // the `syncPolicy` map
  const Node* automated = nullptr;  // a map: automated sync (null or absent: manual)
  const Node* automated_enabled = nullptr;
  const Node* prune = nullptr;
  const Node* self_heal = nullptr;
  const Node* allow_empty = nullptr;
  const Node* sync_options = nullptr;
  const Node* retry = nullptr;  // the `retry` map
  const Node* retry_limit = nullptr;
  const Node* backoff = nullptr;  // the `retry.backoff` map
  const Node* backoff_duration = nullptr;
  const Node* backoff_factor = nullptr;
  const Node* backoff_max_duration = nullptr;
};

struct Application {
  const Node* spec = nullptr;  // the spec map (aliases resolved)
  std::string pointer;         // "/spec"; "/spec/template/spec" in an ApplicationSet
  /// `source` and `sources` as written, whatever their kind: for rules about their shape.
  const Node* source_field = nullptr;
  const Node* sources_field = nullptr;
  /// Every source map: `spec.source`, then each map entry of `spec.sources[]`. ArgoCD deploys
  /// only `sources` when that list is not empty (see argocd-source-conflict).
  std::vector<AppSource> sources;
  const Node* project = nullptr;
  const Node* destination = nullptr;
  const Node* destination_server = nullptr;
  const Node* destination_name = nullptr;
  const Node* destination_namespace = nullptr;
  SyncPolicy sync_policy;
};

/// The Application of `doc` (`/spec` of an Application, `/spec/template/spec` of an
/// ApplicationSet), or nothing when `doc` is neither kind or has no spec map.
std::optional<Application> ReadApplication(const Document& doc);

/// The Application view of a spec node; `pointer` is where the spec sits. A null or non-map
/// spec gives a view with every field absent.
Application ReadApplicationSpec(const Node* spec, std::string pointer);

/// The repository a repoURL names, for comparing URLs: "http://Host/root/q-kms.git/" and
/// "git@host:root/q-kms" both become "host/root/q-kms".
std::string NormalizeRepoUrl(std::string_view url);

/// Scalar text, or empty for an absent field or a collection.
std::string_view Text(const Node* node);

}  // namespace syncgate::model
