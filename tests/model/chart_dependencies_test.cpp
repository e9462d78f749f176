// Chart dependencies: Helm's version constraints, Chart.lock digests as helm computes them (the
// corpus's real Chart.lock files are the oracle), and the offline places a dependency is found.
#include "model/chart_dependencies.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/semver.h"
#include "tests/test_util.h"

namespace syncgate {
namespace fs = std::filesystem;
namespace {

bool Satisfies(std::string_view version, std::string_view constraint) {
  const std::optional<model::SemVer> v = model::ParseSemVer(version);
  REQUIRE(v.has_value());
  return model::SatisfiesConstraint(*v, constraint);
}

std::unique_ptr<Document> LoadChart(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  LoadResult loaded = LoadYaml(SourceFile::FromText(path.string(), ss.str()));
  REQUIRE(!loaded.documents.empty());
  return std::move(loaded.documents.front());
}

}  // namespace

TEST_CASE("Helm version constraints", "[model][helm]") {
  CHECK(Satisfies("1.42.0", "1.42.*"));
  CHECK(Satisfies("1.42.9", "1.42.x"));
  CHECK_FALSE(Satisfies("1.43.0", "1.42.*"));
  CHECK(Satisfies("0.12.8", "0.12.*"));
  CHECK(Satisfies("2.3.1", "2.x"));
  CHECK_FALSE(Satisfies("3.0.0", "2.x"));
  CHECK(Satisfies("1.9.0", "^1.2.0"));
  CHECK_FALSE(Satisfies("2.0.0", "^1.2.0"));
  CHECK(Satisfies("0.2.9", "^0.2.3"));
  CHECK_FALSE(Satisfies("0.3.0", "^0.2.3"));
  CHECK(Satisfies("1.2.9", "~1.2.3"));
  CHECK_FALSE(Satisfies("1.3.0", "~1.2.3"));
  CHECK(Satisfies("1.5.0", ">=1.0.0 <2.0.0"));
  CHECK(Satisfies("1.5.0", ">= 1.0, < 2"));
  CHECK_FALSE(Satisfies("2.0.0", ">=1.0.0 <2.0.0"));
  CHECK(Satisfies("1.4.7", "1.2 - 1.4"));
  CHECK_FALSE(Satisfies("1.5.0", "1.2 - 1.4"));
  CHECK(Satisfies("3.1.0", "^1 || ^3"));
  CHECK(Satisfies("17.0.0", "17.0.0"));
  CHECK_FALSE(Satisfies("17.0.1", "17.0.0"));
  CHECK(Satisfies("4.38.0", ""));
  // A prerelease only satisfies a constraint that names a prerelease of the same version.
  CHECK_FALSE(Satisfies("2.0.0-rc.1", ">=1.0.0"));
  CHECK(Satisfies("2.0.0-rc.2", ">=2.0.0-rc.1"));
  CHECK(model::CompareSemVer(*model::ParseSemVer("1.0.0-alpha"),
                             *model::ParseSemVer("1.0.0-alpha.1")) < 0);
  CHECK(model::CompareSemVer(*model::ParseSemVer("1.0.0-rc.1"), *model::ParseSemVer("1.0.0")) < 0);
  CHECK_FALSE(model::ParseSemVer("latest").has_value());
}

TEST_CASE("Chart.lock digests are computed as helm computes them", "[model][helm][corpus]") {
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data is absent: Chart.lock digest test skipped");
    return;
  }
  // Chart.lock files written by `helm dependency update` upstream: their digest must match.
  for (const std::string chart :
       {"argoproj+argo-helm/charts/argo-cd", "prometheus-community+helm-charts/charts/prometheus",
        "prometheus-community+helm-charts/charts/prometheus-kafka-exporter"}) {
    const fs::path dir = data / "corpus" / chart;
    INFO(chart);
    const std::unique_ptr<Document> doc = LoadChart(dir / "Chart.yaml");
    const model::ChartDependencies deps = model::ReadChartDependencies(*doc, dir.string());
    REQUIRE(deps.has_lock);
    CHECK(deps.computed_digest == deps.lock_digest);
    CHECK(deps.lock_in_sync());
    for (const model::ChartDependency& dep : deps.items) CHECK_FALSE(dep.locked_version.empty());
  }
}

TEST_CASE("a dependency's name or version never leads out of the chart cache", "[model][fuzz]") {
  // Found by fuzzing: the name "/ray-project.git14" gave "/ray-project.git14-0.tgz".
  const std::string repo = "https://charts.example.invalid";
  const std::string in_cache = model::ChartCachePath("/cache", repo, "web", "1.0.0");
  const std::string folder = fs::path(in_cache).parent_path().string();
  CHECK(in_cache == folder + "/web-1.0.0.tgz");
  CHECK(folder.rfind("/cache/charts.example.invalid-", 0) == 0);
  CHECK(model::ChartCachePath("/cache", repo, "/etc/x", "1.0.0") == folder + "/_etc_x-1.0.0.tgz");
  CHECK(model::ChartCachePath("/cache", repo, "../../x", "..") == folder + "/_._.._x-_..tgz");
  CHECK(model::ChartCachePath("/cache", repo, "web", "1.0.0+build/../x") ==
        folder + "/web-1.0.0+build_.._x.tgz");
}

TEST_CASE("dependencies are found offline in order: charts/, file://, cache, tree, mirror",
          "[model][helm]") {
  testing::TempDir dir;
  const fs::path chart = dir / "app";
  testing::WriteFile(chart / "Chart.yaml", R"(apiVersion: v2
name: app
version: 1.0.0
dependencies:
  - name: vendored
    version: 1.0.0
    repository: https://charts.example.invalid
  - name: local
    version: 1.0.0
    repository: file://../local
  - name: cached
    version: 2.x
    repository: oci://registry.example.invalid/charts
  - name: common
    version: ^2.0.0
    repository: https://charts.example.invalid
  - name: mirrored
    version: 3.1.*
    repository: https://mirror-me.example.invalid/stable
  - name: nowhere
    version: 1.0.0
    repository: https://charts.example.invalid
)");
  testing::WriteFile(chart / "charts" / "vendored" / "Chart.yaml",
                     "name: vendored\nversion: 1.0.0\n");
  testing::WriteFile(dir / "local" / "Chart.yaml", "name: local\nversion: 1.0.0\n");
  const fs::path cache = dir / "cache";
  testing::WriteFile(model::ChartCachePath(cache.string(), "oci://registry.example.invalid/charts",
                                           "cached", "2.4.0"),
                     "not read");
  testing::WriteFile(model::ChartCachePath(cache.string(), "oci://registry.example.invalid/charts",
                                           "cached", "2.1.0"),
                     "not read");
  testing::WriteFile(dir / "mirror" / "index.yaml", R"(apiVersion: v1
entries:
  mirrored:
    - version: 3.1.4
      urls: [mirrored-3.1.4.tgz]
    - version: 3.2.0
      urls: [mirrored-3.2.0.tgz]
)");
  testing::WriteFile(dir / "mirror" / "mirrored-3.1.4.tgz", "archive");
  testing::WriteFile(dir / "mirror" / "mirrored-3.2.0.tgz", "archive");

  RunSettings settings;
  settings.chart_cache_dir = cache.string();
  settings.repo_map = {{"https://MIRROR-me.example.invalid/stable/", (dir / "mirror").string()}};
  const std::vector<model::TreeChart> tree = {
      {"common", "1.9.0", (dir / "old-common").string(), "libs/old-common"},
      {"common", "2.3.0", (dir / "common").string(), "libs/common"}};
  const std::unique_ptr<Document> doc = LoadChart(chart / "Chart.yaml");
  const model::ChartDependencies deps = model::ReadChartDependencies(*doc, chart.string());
  REQUIRE(deps.items.size() == 6);
  CHECK_FALSE(deps.has_lock);
  std::vector<model::ResolvedDependency> r;
  for (const auto& dep : deps.items)
    r.push_back(model::ResolveDependencyOffline(dep, chart.string(), settings, tree));
  CHECK(r[0].source == model::DependencySource::kVendored);
  CHECK(r[1].source == model::DependencySource::kFileRef);
  CHECK(r[2].source == model::DependencySource::kCache);
  CHECK(r[2].version == "2.4.0");  // the highest cached version the constraint accepts
  CHECK(r[3].source == model::DependencySource::kTree);
  CHECK(r[3].display == "libs/common");
  CHECK(r[4].source == model::DependencySource::kMirror);
  CHECK(r[4].version == "3.1.4");
  CHECK(fs::path(r[4].location).filename() == "mirrored-3.1.4.tgz");
  CHECK(r[5].source == model::DependencySource::kMissing);
  CHECK(r[5].needs_network);
  CHECK_THAT(r[5].TriedText(),
             Catch::Contains("charts/ (not vendored)") && Catch::Contains("the dependency cache") &&
                 Catch::Contains("the checked tree (no chart nowhere satisfying '1.0.0')") &&
                 Catch::Contains("no mirror for https://charts.example.invalid"));
  CHECK(model::PullReference(deps.items[2]) == "oci://registry.example.invalid/charts/cached");
  CHECK(model::PullReference(deps.items[5]) == "nowhere");
}

}  // namespace syncgate
