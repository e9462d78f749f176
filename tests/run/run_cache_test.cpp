// The whole-run cache (run/run_cache.h): a check whose inputs did not change is read whole and
// reports exactly what the run it stored reported; anything the run read that changed, or a run
// that read outside its roots, is checked anew.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "model/chart_dependencies.h"
#include "run/check_run.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

RunResult Reports(const fs::path& tree, const fs::path& cache, const std::string& helm) {
  RunRequest request;
  request.jobs = 2;
  request.config_search_start = tree.string();
  request.settings.cache_dir = cache.string();
  request.settings.offline = true;
  request.settings.helm_binary = helm;
  request.settings.schema_folders = std::vector<std::string>{};  // the same on every machine
  // CI=true would turn --require-render on, and a run that fails on a skipped chart is never kept.
  request.settings.require_render = false;
  Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
  REQUIRE(run);
  return (*run)->RunReports({tree.string()}, (*run)->Discover({tree.string()}));
}

/// Every field of every finding, and the summary, for exact comparison.
std::vector<std::string> Exact(const RunResult& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) {
    out.push_back(fmt::format("{}|{}|{}|{}:{}:{}|{}|{}|{}|{}", f.rule, SeverityName(f.severity),
                              f.message, f.file, f.line, f.column, f.pointer, f.document,
                              f.fingerprint, f.redact_length));
  }
  const RunSummary& s = r.summary;
  out.push_back(fmt::format("{} {} {} {} {} {} {} {} {}", s.files, s.documents, s.rendered,
                            s.skipped, s.suppressed, s.findings, s.by_severity[0], s.by_severity[1],
                            s.by_severity[2]));
  for (const auto& [name, n] : s.counters) out.push_back(fmt::format("{}={}", name, n));
  for (const SkippedFile& skip : r.skipped) out.push_back(skip.display_path + ": " + skip.reason);
  return out;
}

/// Whether the result was read whole: the workspace holds the inputs without documents.
bool ReadWhole(const RunResult& r) {
  for (const auto& file : r.workspace->files()) {
    if (!file->documents.empty()) return false;
  }
  return !r.workspace->files().empty();
}

void WriteChart(const fs::path& tree) {
  WriteFile(tree / ".syncgate.yaml", "{}\n");
  WriteFile(tree / "web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
  WriteFile(tree / "web/values.yaml", "image: registry.example/web:latest\nreplicas: 1\n");
  WriteFile(tree / "web/templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
            "  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels: {app: web}\n"
            "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n"
            "        - name: web\n          image: {{ .Values.image }}\n");
  WriteFile(
      tree / "apps/web.yaml",
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n"
      "  namespace: argocd\nspec:\n  project: web\n  source:\n"
      "    repoURL: https://git.example.com/platform.git\n    path: web\n"
      "    targetRevision: v1.0.0\n  destination:\n    server: https://kubernetes.default.svc\n"
      "    namespace: web\n");
}

TEST_CASE("whole-run cache: an unchanged tree is read whole, with the same result", "[cache]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  WriteChart(dir / "tree");
  const RunResult cold = Reports(dir / "tree", dir / "cache", helm);
  REQUIRE(cold.summary.rendered ==
          2);  // the chart with its values.yaml, and as the Application renders it
  REQUIRE_FALSE(cold.findings.empty());
  CHECK_FALSE(ReadWhole(cold));
  const RunResult warm = Reports(dir / "tree", dir / "cache", helm);
  CHECK(ReadWhole(warm));
  CHECK(Exact(warm) == Exact(cold));
  // The sources the reports show: the inputs and the render, with their texts.
  REQUIRE(warm.sources.size() == cold.sources.size());
  for (const auto& [path, source] : cold.sources) {
    REQUIRE(warm.Source(path));
    CHECK(warm.Source(path)->text() == source->text());
  }
  CHECK(warm.rules.size() == cold.rules.size());

  SECTION("a changed input is checked anew") {
    WriteFile(dir / "tree/web/values.yaml", "image: registry.example/web:1.2.3\nreplicas: 1\n");
    const RunResult changed = Reports(dir / "tree", dir / "cache", helm);
    CHECK_FALSE(ReadWhole(changed));
    CHECK(changed.findings.size() < cold.findings.size());  // no mutable tag any more
  }
  SECTION("a file helm reads that is not checked is part of the key") {
    // .helmignore is not a checked input, but helm leaves out what it names.
    WriteFile(dir / "tree/web/.helmignore", "templates/deployment.yaml\n");
    const RunResult changed = Reports(dir / "tree", dir / "cache", helm);
    CHECK_FALSE(ReadWhole(changed));
    CHECK(Exact(changed) != Exact(cold));
  }
  SECTION("a corrupt entry is a miss with the same result") {
    int damaged = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir / "cache/results")) {
      if (entry.path().extension() != ".run") continue;
      std::ofstream(entry.path(), std::ios::binary | std::ios::app) << "x";
      ++damaged;
    }
    CHECK(damaged == 1);
    const RunResult again = Reports(dir / "tree", dir / "cache", helm);
    CHECK_FALSE(ReadWhole(again));
    CHECK(Exact(again) == Exact(cold));
  }
}

TEST_CASE("whole-run cache: a run that read outside its paths is never kept whole", "[cache]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  WriteChart(dir / "tree");
  // A file:// dependency outside the checked folder: it may change without the key changing.
  WriteFile(dir / "outside/lib/Chart.yaml", "apiVersion: v2\nname: lib\nversion: 0.1.0\n");
  WriteFile(dir / "outside/lib/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lib\n");
  WriteFile(dir / "tree/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: lib\n"
            "    version: 0.1.0\n    repository: file://../../outside/lib\n");
  const RunResult cold = Reports(dir / "tree", dir / "cache", helm);
  REQUIRE(cold.summary.rendered ==
          2);  // the chart with its values.yaml, and as the Application renders it
  const RunResult warm = Reports(dir / "tree", dir / "cache", helm);
  CHECK_FALSE(ReadWhole(warm));
  CHECK(Exact(warm) == Exact(cold));
}

TEST_CASE("whole-run cache: the check command reports byte for byte what the cold run did",
          "[cache]") {
  TempDir dir;
  const std::string helm = testing::TestHelm();
  const std::string command = fmt::format(
      "check --offline --fail-on never --helm '{}' --cache-dir '{}' --format json='{}/{{}}.json' "
      "--format sarif='{}/{{}}.sarif' --format junit='{}/{{}}.xml' '{}'",
      helm.empty() ? "/nonexistent/helm" : helm, (dir / "cache").string(), dir.path().string(),
      dir.path().string(), dir.path().string(), (testing::SourceDir() / "examples").string());
  auto run = [&](const std::string& name) {
    return testing::RunSyncgate(fmt::format(fmt::runtime(command), name, name, name));
  };
  const testing::CommandOutput cold = run("cold");
  const testing::CommandOutput warm = run("warm");
  CHECK(cold.exit_code == warm.exit_code);
  CHECK(cold.out == warm.out);
  CHECK(cold.err == warm.err);
  auto read = [&](const std::string& name) {
    std::ifstream in(dir / name, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (const char* ext : {".json", ".sarif", ".xml"}) {
    INFO(ext);
    CHECK_FALSE(read(std::string("cold") + ext).empty());
    CHECK(read(std::string("cold") + ext) == read(std::string("warm") + ext));
  }
  int whole = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "cache/results")) {
    whole += entry.path().extension() == ".run";
  }
  CHECK(whole == 1);
}

TEST_CASE(
    "whole-run cache: offline, a dependency only the network has is kept until the "
    "dependency cache gets it",
    "[cache]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  WriteChart(dir / "tree");
  const std::string repository = "https://charts.example.invalid/stable";
  WriteFile(dir / "tree/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: lib\n"
            "    version: 0.1.0\n    repository: " +
                repository + "\n");
  const RunResult cold = Reports(dir / "tree", dir / "cache", helm);
  CHECK(cold.summary.rendered == 0);  // offline, and lib is nowhere but on the network
  REQUIRE(cold.summary.skipped > 0);
  const RunResult warm = Reports(dir / "tree", dir / "cache", helm);
  CHECK(ReadWhole(warm));
  CHECK(Exact(warm) == Exact(cold));

  // An online run (or `helm pull`) puts the chart into the dependency cache: the next offline
  // run renders with it instead of reading the stored skip.
  WriteFile(dir / "lib/Chart.yaml", "apiVersion: v2\nname: lib\nversion: 0.1.0\n");
  WriteFile(dir / "lib/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lib\n");
  const testing::CommandOutput packaged = testing::RunShell(fmt::format(
      "'{}' package '{}' -d '{}'", helm, (dir / "lib").string(), (dir / "packed").string()));
  REQUIRE(packaged.exit_code == 0);
  const fs::path cached =
      model::ChartCachePath((dir / "cache/charts").string(), repository, "lib", "0.1.0");
  fs::create_directories(cached.parent_path());
  fs::copy_file(dir / "packed/lib-0.1.0.tgz", cached);
  const RunResult fetched = Reports(dir / "tree", dir / "cache", helm);
  CHECK_FALSE(ReadWhole(fetched));
  CHECK(fetched.summary.rendered == 2);
  // Offline, a dependency from the cache is keyed by the cache's listing: kept whole too.
  const RunResult again = Reports(dir / "tree", dir / "cache", helm);
  CHECK(ReadWhole(again));
  CHECK(Exact(again) == Exact(fetched));
}

}  // namespace
}  // namespace syncgate
