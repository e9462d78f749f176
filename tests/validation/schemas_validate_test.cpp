// `syncgate schemas validate -j N`: the same errors, in the same order, on 1 thread and on many;
// on generated ConfigMaps with a schema folder of our own, and on the rendered corpus of
// ../shared/data (skipped when it is absent).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/helm_repo.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::ShellQuote;

testing::CommandOutput Validate(const std::string& args) {
  return testing::RunShell(fmt::format("'{}' schemas validate {}", SYNCGATE_BINARY, args), "",
                           testing::SourceDir().string());
}

/// The output without the timing line (which differs from run to run).
std::string WithoutTimings(const std::string& out) {
  std::istringstream lines(out);
  std::string kept;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("parse: ", 0) != 0) kept += line + "\n";
  }
  return kept;
}

/// The object names of the error lines ("path:line:col: Kind name: ..."), in output order.
std::vector<std::string> NamesInErrors(const std::string& out) {
  std::vector<std::string> names;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const size_t kind = line.find(": ConfigMap ");
    if (kind == std::string::npos) continue;
    const size_t start = kind + std::string(": ConfigMap ").size();
    names.push_back(line.substr(start, line.find(':', start) - start));
  }
  return names;
}

TEST_CASE("schemas validate -j N: the same errors in the same order as -j1", "[schemas]") {
  testing::TempDir dir;
  // A schema folder in kubeconform's layout with one kind: data values must be strings.
  fs::create_directories(dir / "schemas/v1.31.0-standalone-strict");
  std::ofstream(dir / "schemas/v1.31.0-standalone-strict/configmap-v1.json")
      << R"({"type": "object", "properties": {"apiVersion": {"type": "string"},
            "kind": {"type": "string"}, "metadata": {"type": "object"},
            "data": {"type": "object", "additionalProperties": {"type": "string"}}}})";
  // 40 files of 3 ConfigMaps; some with a number as a data value, some with an unknown field.
  std::vector<std::string> expected_invalid;
  fs::create_directories(dir / "objects");
  for (int file = 0; file < 40; ++file) {
    std::ofstream out(dir / fmt::format("objects/file-{:02}.yaml", file));
    for (int doc = 0; doc < 3; ++doc) {
      const int n = file * 3 + doc;
      const std::string name = fmt::format("cm-{}", n);
      const bool wrong_type = n % 7 == 0;
      const bool unknown_field = n % 11 == 0;
      out << fmt::format("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n", name)
          << "data:\n  key: " << (wrong_type ? "5" : "\"five\"") << "\n"
          << (unknown_field ? "extra: true\n" : "");
      if (wrong_type) expected_invalid.push_back(name);
      if (unknown_field) expected_invalid.push_back(name);
    }
  }
  const std::string args =
      fmt::format("--kube-version 1.31.0 --schema-location {} {}",
                  ShellQuote((dir / "schemas").string()), ShellQuote((dir / "objects").string()));
  const testing::CommandOutput one = Validate("-j 1 " + args);
  REQUIRE(one.exit_code == 1);  // invalid objects
  CHECK(NamesInErrors(one.out) == expected_invalid);
  CHECK_THAT(one.out,
             Catch::Contains("resources: 120, validated: 120") && Catch::Contains("(1 thread)"));
  for (const int jobs : {2, 4, 7}) {
    const testing::CommandOutput many = Validate(fmt::format("-j {} {}", jobs, args));
    CHECK(many.exit_code == 1);
    CHECK(WithoutTimings(many.out) == WithoutTimings(one.out));
    CHECK_THAT(many.out, Catch::Contains(fmt::format("({} threads)", jobs)));
  }
  // --summary: the counts only.
  const testing::CommandOutput summary = Validate("--summary -j 2 " + args);
  CHECK(NamesInErrors(summary.out).empty());
  CHECK_THAT(summary.out, Catch::Contains("resources: 120, validated: 120"));
}

TEST_CASE("schemas validate -j 2 on the rendered corpus: identical to -j 1", "[schemas]") {
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data absent: skipping (the rendered corpus and schemas are there)");
    return;
  }
  const std::string args = fmt::format("--kube-version 1.31 --schema-location {} {} {}",
                                       ShellQuote((data / "k8s-schemas").string()),
                                       ShellQuote((data / "rendered").string()),
                                       ShellQuote((data / "corpus/kubernetes+examples").string()));
  const testing::CommandOutput one = Validate("-j 1 " + args);
  const testing::CommandOutput two = Validate("-j 2 " + args);
  REQUIRE(one.exit_code == two.exit_code);
  CHECK(one.err == two.err);
  CHECK_THAT(one.out, Catch::Contains("resources: "));
  CHECK(WithoutTimings(two.out) == WithoutTimings(one.out));
}

}  // namespace
}  // namespace syncgate
