#pragma once
// A whole check kept between runs: when nothing a run reads has changed, `check` reports the
// stored result instead of loading, rendering and checking the tree again (the per-file result
// cache, checker/result_store.h, still has to parse every file; this does not).
//
//   WholeRunCache cache(settings, engine.results_identity());
//   WholeRunCache::Inputs read = cache.Read(roots, inputs);       // every file under the roots
//   if (std::optional<RunResult> hit = cache.Get(read, inputs)) return *hit;
//   RunResult result = engine.Run(inputs);
//   cache.Put(read, result);  // only when the run read nothing outside the roots
//
// The key is the run's identity (syncgate's build, configuration, rule packs, settings, rules)
// with the path and SHA-256 of every file under the checked paths (not only the checked ones:
// helm reads `charts/*.tgz` and `.helmignore` too), the helm and kustomize binaries, and the
// listing of the Kubernetes schema folders. A run is kept whole only when it provably read
// nothing else: no input from git or stdin, no error, every render's chart, values files and
// Kustomize inputs inside the checked paths, every chart dependency from the chart's charts/,
// a file:// path or the tree (none from a mirror outside the paths or the network), no remote
// source, no schema URL, and no Kubernetes schema missing that a later run could download.
// Offline, the dependency cache's listing is part of the key, so dependencies found there or
// missing (a render skipped because only the network has its chart) are kept too; online they
// are not (the run may fetch, and the network may come back).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine.h"
#include "checker/result_store.h"
#include "checker/run_settings.h"

namespace syncgate {

class WholeRunCache {
 public:
  /// `identity` empty (results not cached): every Get misses and Put keeps nothing.
  WholeRunCache(const RunSettings& settings, std::string identity);

  /// What a run of `inputs` found under `roots` reads, digested; the texts of the inputs are
  /// kept for the reports of a hit.
  struct Inputs {
    std::string key;                           // empty: this run cannot be kept whole
    std::vector<std::string> roots;            // absolute, normalised
    std::map<std::string, std::string> texts;  // fs path of each input -> its bytes
  };
  Inputs Read(const std::vector<std::string>& roots, const Discovery& inputs) const;

  /// The stored result of the same run, with sources and a workspace of the inputs (their
  /// kinds and texts, no documents) for the reports; nothing on a miss.
  std::optional<RunResult> Get(const Inputs& read, const Discovery& inputs,
                               std::vector<RuleMeta> rules) const;
  /// Keeps `result` when the run stayed inside its roots (see above).
  void Put(const Inputs& read, const RunResult& result) const;

 private:
  const RunSettings& settings_;
  std::string identity_;
  ResultStore store_;
};

}  // namespace syncgate
