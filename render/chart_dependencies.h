#pragma once
// Chart dependencies at render time: fetching what no offline place had (helm pull into the
// dependency cache, only when the run may use the network), deciding per render which missing
// dependencies do not matter (their condition or tags disable them, so helm would not render
// them either), and staging a private copy of the chart whose charts/ holds every dependency
// that is not vendored, for helm to render. The user's tree is never written to.
//
//   DependencyFetcher fetcher(settings, helm_binary);
//   fetcher.Complete(chart);                    // fills chart.resolved from the network if allowed
//   ChartStager stager;                         // temp folder, removed when it goes away
//   Expected<std::string> dir = stager.Stage(chart, /*omitted=*/{2});
//   request.chart_dir = *dir;

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checker/expected.h"
#include "checker/run_settings.h"
#include "model/render_model.h"

namespace syncgate::render {

/// Fetches dependencies that need the network into the dependency cache with helm itself
/// (`helm pull`, credentials from helm's own repository and registry configuration).
class DependencyFetcher {
 public:
  DependencyFetcher(const RunSettings& settings, std::string helm_binary);
  /// For each dependency of `chart` that is missing offline (and the chart itself, for a chart
  /// from a Helm repository): fetch it when allowed, then resolve it again from the cache. Each
  /// repository/name/version is fetched once per run.
  void Complete(model::ChartInfo& chart);

 private:
  void CompleteOne(const model::ChartDependency& dep, const std::string& chart_dir,
                   model::ResolvedDependency& resolved);
  Status Fetch(const model::ChartDependency& dep, const std::string& repository);
  const RunSettings& settings_;
  std::string helm_;
  std::map<std::string, Status> fetched_;  // by repository + name + constraint
};

/// Whether helm would render dependency `dep` with the values of `layers` (highest precedence
/// last): its `condition` (the first path that is set decides), else its `tags`, else true.
bool DependencyEnabled(const model::ChartDependency& dep,
                       const std::vector<model::ValuesLayer>& layers);

/// Private copies of charts with their dependencies in charts/, for helm.
class ChartStager {
 public:
  ChartStager();
  ~ChartStager();
  ChartStager(const ChartStager&) = delete;
  ChartStager& operator=(const ChartStager&) = delete;

  /// A copy of `chart` whose charts/ also holds each resolved dependency that is not vendored
  /// and whose Chart.yaml lists no dependency of `omitted` (indexes in Chart.yaml). The same
  /// chart and omissions give the same folder within a run. The chart's own folder when there is
  /// nothing to add or omit.
  Expected<std::string> Stage(const model::ChartInfo& chart, const std::set<size_t>& omitted);

  /// Says whether a file (a canonical path) is one the run checked. helm follows symbolic links
  /// in a chart folder: a chart holding a link that leaves it is staged, and in the copy a link
  /// stays only when it leads to a checked file (then as a copy of it); others are dropped
  /// (input-symlink-outside reports them). Without it every link leaving the chart is dropped.
  void SetChecked(std::function<bool(const std::string&)> checked) {
    checked_ = std::move(checked);
  }

 private:
  /// Whether `dir` holds a symbolic link that leads out of it (or never resolves); walked once.
  bool HoldsLeavingLink(const std::string& dir);
  /// Replaces, in the copy `dir` of `from`, each link that leaves `dir`: by a copy of the file it
  /// leads to when that is a checked file, else by nothing.
  void SettleLinks(const std::filesystem::path& from, const std::filesystem::path& dir) const;

  std::function<bool(const std::string&)> checked_;
  std::map<std::string, bool> leaving_;  // chart folder → HoldsLeavingLink
  std::string root_;
  std::map<std::string, std::string> staged_;
  int next_ = 0;
};

}  // namespace syncgate::render
