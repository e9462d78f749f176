#pragma once
// A chart's dependencies and where each one can be had without the network, in the order helm
// and ArgoCD would take them, offline first:
//   1. vendored in the chart's charts/ (a folder or a .tgz),
//   2. a `file://` path relative to the chart,
//   3. the dependency cache (`<chart_cache_dir>/<repository key>/<name>-<version>.tgz`),
//   4. a chart of the same name in the checked tree whose version satisfies the constraint
//      (reported as info: it is not the published chart),
//   5. a mirror: `--repo-map` / `repositories:` mapping the repository to a folder of charts or a
//      local Helm repository (index.yaml).
// The network (helm pull into the cache) is render/'s business; this file never fetches.
//
//   ChartDependencies deps = model::ReadChartDependencies(chart_doc, chart_dir);
//   for (const ChartDependency& dep : deps.items) {
//     ResolvedDependency r = model::ResolveDependencyOffline(dep, chart_dir, settings, tree);
//     if (r.source == DependencySource::kMissing) Report(dep.index, r.TriedText());
//   }

#include <optional>
#include <string>
#include <vector>

#include "checker/document.h"
#include "checker/run_settings.h"

namespace syncgate::model {

/// One entry of Chart.yaml `dependencies:`, with what Chart.lock pinned for it.
struct ChartDependency {
  size_t index = 0;  // in Chart.yaml's dependencies
  std::string name;
  std::string alias;
  std::string version;  // the constraint as written ("4.56.*")
  std::string repository;
  std::string condition;  // "a.enabled,b.enabled": the first path that exists decides
  std::vector<std::string> tags;
  std::string locked_version;  // from Chart.lock; empty without one
  /// The key its values live under in the parent (the alias, else the name).
  const std::string& values_key() const { return alias.empty() ? name : alias; }
};

struct ChartDependencies {
  std::vector<ChartDependency> items;
  /// Chart.lock, when the chart has one: its `digest:` and the digest helm computes from
  /// Chart.yaml's dependencies and the lock's (helm's resolver.HashReq). They differ when
  /// Chart.yaml changed after `helm dependency update`: helm dependency build refuses then.
  bool has_lock = false;
  std::string lock_path;  // filesystem path of Chart.lock
  std::string lock_digest;
  std::string computed_digest;
  Position lock_digest_pos{1, 1};
  bool lock_in_sync() const { return !has_lock || lock_digest == computed_digest; }
};

/// Chart.yaml's dependencies, and Chart.lock (read from beside it) when present.
ChartDependencies ReadChartDependencies(const Document& chart_doc, const std::string& chart_dir);

/// helm's Chart.lock digest of `requested` (Chart.yaml's entries) and `locked` (Chart.lock's):
/// "sha256:" + hex of the Go JSON encoding of the two lists.
std::string HelmLockDigest(const Node& requested, const Node* locked);

enum class DependencySource {
  kVendored,  // charts/ of the chart
  kFileRef,   // file://
  kCache,     // the dependency cache (fetched by an earlier run, or now)
  kTree,      // a chart of the same name in the checked tree
  kMirror,    // a folder mapped by --repo-map / repositories:
  kMissing,   // none of the above
};

/// A chart of the checked tree, as a candidate for a dependency of the same name.
struct TreeChart {
  std::string name;
  std::string version;
  std::string fs_dir;
  std::string root;  // display path
};

struct ResolvedDependency {
  DependencySource source = DependencySource::kMissing;
  std::string location;            // a chart folder or a .tgz (empty for kVendored and kMissing)
  std::string version;             // the version found
  std::string display;             // where it came from, for messages ("charts/common of the tree")
  std::vector<std::string> tried;  // each place looked at, and what was (not) there
  /// The repository is a URL no mirror maps: only the network can provide it.
  bool needs_network = false;
  std::string TriedText() const;
};

/// Where `dep` of the chart at `chart_dir` can be had offline (places 1 to 5 above).
ResolvedDependency ResolveDependencyOffline(const ChartDependency& dep,
                                            const std::string& chart_dir,
                                            const RunSettings& settings,
                                            const std::vector<TreeChart>& tree);

/// The dependency cache's file for a chart: `<cache>/<repository key>/<name>-<version>.tgz`,
/// the repository key readable and unique ("charts.bitnami.com_bitnami-1a2b3c4d").
std::string ChartCachePath(const std::string& cache_dir, const std::string& repository,
                           const std::string& name, const std::string& version);

/// The chart reference helm pulls for `dep`: "oci://host/ns/name" for OCI repositories, else
/// the chart name (pulled with --repo).
std::string PullReference(const ChartDependency& dep);

}  // namespace syncgate::model
