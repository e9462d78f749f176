#pragma once
// Splitting one check across CI jobs (`syncgate check --shard I/N`). The tree is cut into units:
// a chart folder with its values files, the Applications that render it, the files its renders
// trace findings to (a `$ref` values file, a tree dependency, a Kustomize base) and the
// ApplicationSets that generate those Applications; any other file is a unit of its own. A unit
// belongs to shard FNV-1a(its key) mod N, its key being the unit's smallest path relative to
// the checked root, so every machine cuts the same tree the same way. A shard loads every file
// (rules that look across files see them all) but renders, checks, counts and reports only its
// units; `syncgate merge-reports` adds the shards' reports up to the full run's.
//
//   Expected<ShardSpec> spec = ParseShardSpec("2/4", EnvironmentLookup());  // {1, 4}
//   AddSharding(engine, config, settings);  // run/check_run.cpp: before the render stage
//
// Limits (README, "Sharding"): a workspace rule that relates *rendered* objects of two units
// (a Service rendered by one chart selecting pods rendered by another, a custom resource whose
// CRD only another chart's render makes) sees only its own shard's renders, and Applications
// that a render produces (app-of-apps) are rendered in the shard of the chart that produced them.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "checker/config.h"
#include "checker/engine.h"
#include "checker/expected.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate {

/// The 0-based shard `index` of `count`.
struct ShardSpec {
  int index = 0;
  int count = 1;
};

/// Reads an environment variable (null when unset); tests pass their own.
using EnvironmentLookup = std::function<const char*(const char* name)>;

/// `--shard` as given: "I/N" (1 <= I <= N), "auto" (GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, else
/// SYNCGATE_SHARD_INDEX/SYNCGATE_SHARD_TOTAL, both 1-based), or empty (one shard). An error says
/// what is wrong with the value or which variables are missing.
Expected<ShardSpec> ParseShardSpec(std::string_view spec, const EnvironmentLookup& getenv);

/// The shard (0-based, of `count`) a unit with this key belongs to: FNV-1a 64 of the key, never
/// std::hash, so that it is the same on every machine and compiler.
int ShardOfUnit(std::string_view unit_key, int count);

/// The units of a checked tree: which unit each display path belongs to.
class ShardUnits {
 public:
  /// The units of `workspace` (loaded, ApplicationSets expanded, not yet rendered) whose charts,
  /// Kustomize folders and render plans `model` describes.
  static ShardUnits Build(const Workspace& workspace, const model::ChartModel& model);

  /// The key of the unit `display_path` (a file, a chart folder, "root/" of a skipped chart)
  /// belongs to, relative to the checked root; empty for an empty path (run-level findings).
  std::string UnitOf(std::string_view display_path) const;

 private:
  /// The folder unit a path falls in (the longest registered folder holding it), else the path.
  std::string BaseKey(std::string_view display_path) const;
  std::string Find(const std::string& key) const;
  void Union(std::string_view a, std::string_view b);

  std::set<std::string, std::less<>> folders_;  // chart and Kustomize folders, Kustomize inputs
  mutable std::map<std::string, std::string, std::less<>> parent_;  // union-find
  std::string common_prefix_;  // "dir/" that every loaded path shares, stripped from keys
};

/// Registers the stage that decides the shard's units when `settings.shard_count` > 1: it must
/// run after the ApplicationSet stage and before rendering. `config` must outlive the engine.
void AddSharding(Engine& engine, const Config& config, const RunSettings& settings);

}  // namespace syncgate
