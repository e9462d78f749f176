// Very large inputs, CI-sized: a values file of 100,000 keys and a folder of 5,000 files are
// checked without error. No time is asserted: bench/scale_bench.sh measures time and memory up to
// a million keys, 100,000 files and 10,000 charts.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/test_util.h"

namespace syncgate {
namespace {

std::string Listing(const RunResult& result) {
  std::string out;
  for (const std::string& e : result.errors) out += "error: " + e + "\n";
  for (const SkippedFile& s : result.skipped) out += "skipped " + s.display_path + "\n";
  return out;
}

RunResult CheckStatic(const testing::TempDir& dir) {
  RunRequest request;
  request.jobs = 2;
  request.render = false;  // syncgate's own work; helm's is bench/helm_bench.sh's subject
  request.settings.result_cache = false;
  request.settings.render_cache = false;
  request.settings.require_render = false;
  request.config_search_start = dir.path().string();
  return testing::CheckWith(std::move(request), {dir.path().string()});
}

}  // namespace

TEST_CASE("a values file of 100,000 keys is checked", "[scale]") {
  testing::TempDir dir;
  testing::WriteFile(dir / "chart/Chart.yaml", "apiVersion: v2\nname: big\nversion: 0.1.0\n");
  // One flat map: merging the chart's values once scanned it per key (quadratic, minutes here).
  std::string values;
  for (int i = 0; i < 100000; ++i) values += fmt::format("key{}: value-{}\n", i, i);
  testing::WriteFile(dir / "chart/values.yaml", values);
  const RunResult result = CheckStatic(dir);
  INFO(Listing(result));
  CHECK(result.errors.empty());
  CHECK(result.skipped.empty());
  CHECK(result.summary.files == 2);
}

TEST_CASE("a folder of 5,000 files is checked", "[scale]") {
  testing::TempDir dir;
  for (int i = 0; i < 5000; ++i) {
    testing::WriteFile(dir / fmt::format("manifests/d{}/cm-{}.yaml", i / 500, i),
                       fmt::format("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{}\n"
                                   "  namespace: apps\ndata:\n  index: \"{}\"\n",
                                   i, i));
  }
  const RunResult result = CheckStatic(dir);
  INFO(Listing(result));
  CHECK(result.errors.empty());
  CHECK(result.summary.files == 5000);
  CHECK(result.summary.documents == 5000);
}

}  // namespace syncgate
