#include "run/shard.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "checker/shard_scope.h"
#include "checker/text_util.h"
#include "model/application_set.h"
#include "render/chart_model.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

/// A positive number written in digits only ("2", not "+2", "2.0" or "0x2"); 0 when it is not.
int PositiveNumber(std::string_view text) {
  if (text.empty() || text.size() > 6) return 0;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

/// "I/N" (or the index and total of a CI's variables) as a 0-based shard; `what` names where
/// the values came from in the error.
Expected<ShardSpec> ShardOf(std::string_view index_text, std::string_view total_text,
                            const std::string& what) {
  const int index = PositiveNumber(Trim(index_text));
  const int total = PositiveNumber(Trim(total_text));
  if (index == 0 || total == 0) {
    return Unexpected(
        fmt::format("{}: a shard is INDEX/TOTAL, two whole numbers from 1 (e.g. 2/4)", what));
  }
  if (index > total) {
    return Unexpected(
        fmt::format("{}: the shard index must be between 1 and the total, {}", what, total));
  }
  return ShardSpec{index - 1, total};
}

/// The shard a CI's pair of variables names, or nullopt when neither is set.
std::optional<Expected<ShardSpec>> FromVariables(const EnvironmentLookup& getenv,
                                                 const char* index_name, const char* total_name) {
  const char* index = getenv(index_name);
  const char* total = getenv(total_name);
  if (!index && !total) return std::nullopt;
  if (!index || !total) {
    return Expected<ShardSpec>(
        Unexpected(fmt::format("--shard auto: {} is set but {} is not",
                               index ? index_name : total_name, index ? total_name : index_name)));
  }
  return ShardOf(index, total,
                 fmt::format("--shard auto: {}={} {}={}", index_name, index, total_name, total));
}

/// `path` with `.` segments and trailing slashes removed, as display paths are written.
std::string Normalized(std::string_view path) {
  std::string s = NormalizedPath(path);
  return s.empty() ? "." : s;
}

/// The display path of what a generated path stands for: a render is its chart's
/// ("charts/web@rendered/values.yaml" → "charts/web"), a generated Application its
/// ApplicationSet's file, a Helm-repository chart its Application's file.
std::string_view WrittenPath(std::string_view path) {
  size_t cut = path.size();
  for (std::string_view marker : {"@rendered/", "@generated/", "@chart/"}) {
    cut = std::min(cut, path.find(marker));
  }
  return path.substr(0, cut);
}

/// The folder every path of `paths` lies in ("a/b/" for "a/b/c.yaml" and "a/b/d/e.yaml"), empty
/// when they share none.
std::string CommonFolder(const std::vector<std::string_view>& paths) {
  if (paths.empty()) return "";
  std::string_view common = paths.front();
  const size_t last_slash = common.rfind('/');
  common = last_slash == std::string_view::npos ? "" : common.substr(0, last_slash + 1);
  for (std::string_view path : paths) {
    size_t same = 0;
    while (same < common.size() && same < path.size() && common[same] == path[same]) ++same;
    common = common.substr(0, same);
    const size_t slash = common.rfind('/');
    common = slash == std::string_view::npos ? "" : common.substr(0, slash + 1);
  }
  return std::string(common);
}

}  // namespace

Expected<ShardSpec> ParseShardSpec(std::string_view spec, const EnvironmentLookup& getenv) {
  spec = Trim(spec);
  if (spec.empty()) return ShardSpec{};
  if (spec == "auto") {
    // GitLab's `parallel:` sets CI_NODE_INDEX (1-based) and CI_NODE_TOTAL; elsewhere (a GitHub
    // matrix) the workflow sets ours.
    if (auto gitlab = FromVariables(getenv, "CI_NODE_INDEX", "CI_NODE_TOTAL")) return *gitlab;
    if (auto own = FromVariables(getenv, "SYNCGATE_SHARD_INDEX", "SYNCGATE_SHARD_TOTAL"))
      return *own;
    return Unexpected(std::string(
        "--shard auto: neither CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel:) nor "
        "SYNCGATE_SHARD_INDEX/SYNCGATE_SHARD_TOTAL (set them from a GitHub matrix) is set"));
  }
  const size_t slash = spec.find('/');
  if (slash == std::string_view::npos) {
    return Unexpected(fmt::format(
        "--shard '{}': a shard is INDEX/TOTAL, two whole numbers from 1 (e.g. 2/4), or auto",
        spec));
  }
  return ShardOf(spec.substr(0, slash), spec.substr(slash + 1), fmt::format("--shard '{}'", spec));
}

int ShardOfUnit(std::string_view unit_key, int count) {
  if (count <= 1) return 0;
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64
  for (const char c : unit_key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return static_cast<int>(hash % static_cast<std::uint64_t>(count));
}

ShardUnits ShardUnits::Build(const Workspace& workspace, const model::ChartModel& model) {
  ShardUnits units;
  std::vector<std::string_view> tree_paths;
  for (const auto& file : workspace.files()) {
    if (!file->input.fs_path.empty()) tree_paths.push_back(file->input.display_path);
  }
  units.common_prefix_ = CommonFolder(tree_paths);

  // 1. Folders that are units: charts and Kustomize folders, and the folders Kustomize builds
  // read (a base shared by overlays). Registered before any union: they decide BaseKey.
  std::vector<std::pair<std::string, std::string>> together;  // pairs of paths in one unit
  for (const auto& chart : model.charts) {
    if (chart->remote) continue;  // an Application's chart: a path of its file
    units.folders_.insert(Normalized(chart->root));
  }
  for (const model::RenderPlan& plan : model.plans) {
    const model::ChartInfo& chart = *plan.chart;
    together.emplace_back(chart.root, plan.anchor_file);
    for (const model::ValuesLayer& layer : plan.layers) {
      if (!layer.file.empty()) together.emplace_back(chart.root, layer.file);
    }
    if (chart.kind != model::SourceKind::kKustomize) continue;
    // What the build reads, as display paths: relative to the folder, below its display path.
    const fs::path folder = fs::absolute(chart.fs_dir).lexically_normal();
    for (const std::string& input : plan.request.kustomize.inputs) {
      const fs::path rel = fs::absolute(input).lexically_normal().lexically_relative(folder);
      if (rel.empty()) continue;
      const std::string display = Normalized(
          chart.root == "." ? rel.generic_string() : chart.root + "/" + rel.generic_string());
      std::error_code ec;
      if (fs::is_directory(input, ec)) units.folders_.insert(display);
      together.emplace_back(chart.root, display);
    }
  }
  // 2. A chart with its subcharts (in its charts/ folder) and the tree charts it depends on:
  // their templates are where findings in its renders go. (Kustomize folders inside one another
  // are separate builds: what one reads of another is in its inputs above.)
  for (const auto& chart : model.charts) {
    if (chart->remote || chart->kind != model::SourceKind::kHelm) continue;
    for (const auto& other : model.charts) {
      if (chart->subchart && other != chart && other->kind == model::SourceKind::kHelm &&
          !other->remote &&
          StartsWith(chart->root, other->root == "." ? "charts/" : other->root + "/charts/")) {
        together.emplace_back(chart->root, other->root);
      }
    }
    for (const model::ResolvedDependency& dep : chart->resolved) {
      if (dep.source == model::DependencySource::kTree && !dep.display.empty())
        together.emplace_back(chart->root, dep.display);
    }
  }
  // 3. Applications an ApplicationSet generated: findings in them go to the ApplicationSet.
  if (const auto* generated = workspace.FindExtension<model::ApplicationSetState>()) {
    for (const auto& [path, app] : generated->generated)
      together.emplace_back(path, app.appset_file);
  }
  for (const auto& [a, b] : together) units.Union(a, b);
  // Every key straight to its root: lookups during the run are read-only (and thread-safe).
  for (auto& [key, root] : units.parent_) root = units.Find(root);
  return units;
}

std::string ShardUnits::BaseKey(std::string_view display_path) const {
  const std::string path = Normalized(WrittenPath(display_path));
  for (std::string_view at = path;;) {
    if (folders_.count(at)) return std::string(at);
    const size_t slash = at.rfind('/');
    if (slash == std::string_view::npos) break;
    at = at.substr(0, slash);
  }
  return folders_.count(".") ? "." : path;
}

std::string ShardUnits::Find(const std::string& key) const {
  std::string at = key;
  for (auto it = parent_.find(at); it != parent_.end() && it->second != at; it = parent_.find(at)) {
    at = it->second;
  }
  return at;
}

void ShardUnits::Union(std::string_view a, std::string_view b) {
  const std::string root_a = Find(BaseKey(a));
  const std::string root_b = Find(BaseKey(b));
  if (root_a == root_b) return;
  // The smaller path stands for the unit: the same whatever order the pairs came in.
  const auto& [smaller, larger] = std::minmax(root_a, root_b);
  parent_[larger] = smaller;
  parent_.try_emplace(smaller, smaller);
}

std::string ShardUnits::UnitOf(std::string_view display_path) const {
  if (display_path.empty()) return "";
  std::string key = Find(BaseKey(display_path));
  if (!common_prefix_.empty() && StartsWith(key, common_prefix_))
    key.erase(0, common_prefix_.size());
  return key;
}

void AddSharding(Engine& engine, const Config& config, const RunSettings& settings) {
  if (settings.shard_count <= 1) return;
  engine.AddStage([&config, settings](Workspace& workspace, RunResult&) {
    const model::ChartModel model = render::BuildChartModel(workspace, config, settings);
    auto units = std::make_shared<const ShardUnits>(ShardUnits::Build(workspace, model));
    const int index = settings.shard_index;
    const int count = settings.shard_count;
    workspace.Extension<ShardScope>().owns = [units, index, count](std::string_view path) {
      // A render is made only by the shard its plan belongs to (render_stage.cpp): whatever
      // stays in it is that shard's.
      if (path.find("@rendered/") != std::string_view::npos) return true;
      return ShardOfUnit(units->UnitOf(path), count) == index;
    };
  });
}

}  // namespace syncgate
