// The command line contract: exit codes, formats, flags, stdin.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace syncgate {
using testing::RunSyncgate;
using testing::TempDir;
using testing::WriteFile;

TEST_CASE("exit codes follow --fail-on", "[cli]") {
  TempDir dir;
  WriteFile(dir / "a.yaml", "b: on\n");  // one warning
  CHECK(RunSyncgate("check " + (dir / "a.yaml").string()).exit_code == 0);
  CHECK(RunSyncgate("check --fail-on warning " + (dir / "a.yaml").string()).exit_code == 1);
  CHECK(RunSyncgate("check --fail-on never " + (dir / "a.yaml").string()).exit_code == 0);
  WriteFile(dir / "a.yaml", "b: 1\nb: 2\n");  // one error
  CHECK(RunSyncgate("check " + (dir / "a.yaml").string()).exit_code == 1);
  auto bad = RunSyncgate("check --fail-on fatal " + (dir / "a.yaml").string());
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--fail-on must be error, warning, info or never"));
}

TEST_CASE("unknown flags, subcommands and formats are exit 2 with a message", "[cli]") {
  auto flag = RunSyncgate("check --frobnicate .");
  CHECK(flag.exit_code == 2);
  CHECK_THAT(flag.err, Catch::Contains("--frobnicate"));
  auto sub = RunSyncgate("frobnicate");
  CHECK(sub.exit_code == 2);
  auto format = RunSyncgate("check --format yaml examples");
  CHECK(format.exit_code == 2);
  CHECK_THAT(format.err, Catch::Contains("unknown --format 'yaml'"));
  CHECK(RunSyncgate("check --help").exit_code == 0);
  CHECK(RunSyncgate("--help").exit_code == 0);
}

TEST_CASE("the JSON report follows the contract", "[cli][json]") {
  TempDir dir;
  WriteFile(dir / "app.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n"
            "  namespace: argocd\nspec:\n  source:\n    helm:\n      values: |\n"
            "        image:\n          tag: latest\n");
  auto out = RunSyncgate("check --format json app.yaml", "", dir.path().string());
  CHECK(out.exit_code == 1);
  auto report = nlohmann::json::parse(out.out);
  CHECK(report["tool"]["name"] == "syncgate");
  CHECK(report["summary"]["files"] == 1);
  CHECK(report["summary"]["documents"] == 1);
  CHECK(report["summary"]["rendered"].is_number());
  CHECK(report["summary"]["skipped"] == 0);
  CHECK(report["summary"]["by_severity"]["error"] >= 1);
  nlohmann::json f;
  for (auto& item : report["findings"]) {
    if (item["rule"] == "workload-image-mutable-tag") f = item;
  }
  REQUIRE(f.is_object());
  CHECK(f["rule"] == "workload-image-mutable-tag");
  CHECK(f["severity"] == "error");
  CHECK(f["file"] == "app.yaml");
  CHECK(f["line"] == 11);
  CHECK(f["column"] == 16);
  CHECK(f["pointer"] == "/spec/source/helm/values/image/tag");
  CHECK(f["object"]["kind"] == "Application");
  CHECK(f["object"]["apiVersion"] == "argoproj.io/v1alpha1");
  CHECK(f["object"]["name"] == "a");
  CHECK(f["object"]["namespace"] == "argocd");
  // Keys in contract order.
  std::vector<std::string> keys;
  for (auto it = f.begin(); it != f.end(); ++it) keys.push_back(it.key());
  (void)keys;
  CHECK(out.out.find("\"rule\"") < out.out.find("\"severity\""));
  CHECK(out.out.find("\"severity\"") < out.out.find("\"message\""));
}

TEST_CASE("stdin is checked with '-'", "[cli]") {
  auto out = RunSyncgate("check --no-color -", "a: 1\na: 2\n");
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out, Catch::Contains("<stdin>:2:1: error: key 'a' is already set on line 1"));
}

TEST_CASE("several formats in one run", "[cli]") {
  TempDir dir;
  WriteFile(dir / "a.yaml", "a: 1\na: 2\n");
  auto out = RunSyncgate("check --no-color --format json=" + (dir / "r.json").string() +
                         " --format text " + (dir / "a.yaml").string());
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out, Catch::Contains("[yaml-duplicate-key]"));
  std::ifstream in(dir / "r.json");
  auto report = nlohmann::json::parse(in);
  CHECK(report["findings"].size() == 1);
}

TEST_CASE("rules list and explain come from rule metadata", "[cli][docs]") {
  auto list = RunSyncgate("rules list --format json");
  REQUIRE(list.exit_code == 0);
  auto rules = nlohmann::json::parse(list.out);
  bool found = false;
  for (auto& r : rules) found |= r["id"] == "yaml-duplicate-key";
  CHECK(found);
  auto explain = RunSyncgate("rules explain yaml-duplicate-key");
  CHECK(explain.exit_code == 0);
  CHECK_THAT(explain.out,
             Catch::Contains("# yaml-duplicate-key") && Catch::Contains("## How to fix"));
  CHECK(RunSyncgate("rules explain nope").exit_code == 2);
  CHECK_THAT(RunSyncgate("version").out, Catch::Contains("syncgate 0.1.0"));
}

TEST_CASE("the examples: positioned findings and exit 1", "[cli][examples]") {
  auto out = RunSyncgate("check --no-color examples/", "", testing::SourceDir().string());
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out, Catch::Contains("examples/q-sign/helm/keycloak-pqc/values.yaml:4:8: error: "
                                      "image tag 'latest' is mutable"));
}

}  // namespace syncgate
