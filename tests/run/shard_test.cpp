// Sharding a check (run/shard.h) and merging the shards' reports (reporters/merge_reports.h):
// the shards of a tree, merged, are exactly the unsharded run.
#include "run/shard.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "checker/shard_scope.h"
#include "reporters/merge_reports.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::RunSyncgate;
using testing::TempDir;
using testing::WriteFile;

/// An environment of exactly `vars`.
EnvironmentLookup Env(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

/// The Kubernetes schemas of ../shared/data, or empty. Without them schema-missing reports one
/// finding for the whole run that counts the objects its run saw: a shard sees its own renders
/// only, so that count (and only it) differs between a shard and the full run.
fs::path KubernetesSchemas() {
  const fs::path schemas = testing::SharedData() / "k8s-schemas";
  return fs::exists(schemas) ? schemas : fs::path();
}

/// `SYNCGATE_SCHEMA_DIR=...` for the binary, as KubernetesSchemas.
std::string SchemaEnv() {
  const fs::path schemas = KubernetesSchemas();
  return schemas.empty() ? "" : "SYNCGATE_SCHEMA_DIR='" + schemas.string() + "' ";
}

/// A run of `paths` as `syncgate check` makes it (rendering with the test's helm, when there is
/// one), as shard `index` of `count`.
RunResult CheckShard(const std::vector<std::string>& paths, int index, int count) {
  RunRequest request;
  request.jobs = 2;
  request.settings.helm_binary = testing::TestHelm();
  request.settings.kustomize_binary = testing::TestKustomize();
  request.settings.render_cache = false;
  request.settings.offline = true;
  if (const fs::path schemas = KubernetesSchemas(); !schemas.empty())
    request.settings.schema_folders = std::vector<std::string>{schemas.string()};
  if (count > 1) request.settings.shard = fmt::format("{}/{}", index + 1, count);
  return testing::CheckWith(std::move(request), paths);
}

using FindingKey = std::tuple<std::string, std::string, int, int, std::string, std::string, int>;

FindingKey KeyOf(const Finding& f) {
  std::string message = f.message;
  if (f.rule == "schema-missing" && message.rfind("no Kubernetes", 0) == 0 &&
      KubernetesSchemas().empty()) {
    message = "no Kubernetes schemas (the count of objects is the shard's)";
  }
  return {f.rule, f.file, f.line, f.column, message, f.fingerprint, static_cast<int>(f.severity)};
}

/// The summary counts that must add up, by name.
std::map<std::string, int> Counts(const RunSummary& s) {
  std::map<std::string, int> counts{
      {"files", s.files},         {"documents", s.documents},    {"rendered", s.rendered},
      {"skipped", s.skipped},     {"suppressed", s.suppressed},  {"findings", s.findings},
      {"info", s.by_severity[0]}, {"warning", s.by_severity[1]}, {"error", s.by_severity[2]}};
  for (const auto& [reason, n] : s.skipped_by_reason) counts["skipped: " + reason] += n;
  return counts;
}

/// Checks that `count` shards of `paths`, merged, are the full run: the same findings (rule,
/// file, position, message, fingerprint, severity) and the same summary counts.
void RequireShardsEqualFullRun(const std::vector<std::string>& paths, int count) {
  const RunResult full = CheckShard(paths, 0, 1);
  REQUIRE(!full.findings.empty());
  std::vector<FindingKey> expected;
  for (const Finding& f : full.findings) expected.push_back(KeyOf(f));
  std::vector<FindingKey> merged;
  std::map<std::string, int> counts;
  int non_empty_shards = 0;
  for (int index = 0; index < count; ++index) {
    const RunResult shard = CheckShard(paths, index, count);
    for (const Finding& f : shard.findings) merged.push_back(KeyOf(f));
    for (const auto& [name, n] : Counts(shard.summary)) counts[name] += n;
    non_empty_shards += shard.summary.files > 0;
  }
  std::sort(merged.begin(), merged.end());
  std::sort(expected.begin(), expected.end());
  CHECK(non_empty_shards > 1);  // the work was really split
  CHECK(merged.size() == expected.size());
  CHECK(merged == expected);
  CHECK(counts == Counts(full.summary));
}

}  // namespace

TEST_CASE("--shard values: I/N, auto from GitLab's or our variables, errors", "[shard]") {
  const EnvironmentLookup none = Env({});
  CHECK(ParseShardSpec("", none)->count == 1);
  const Expected<ShardSpec> two_of_four = ParseShardSpec("2/4", none);
  REQUIRE(two_of_four);
  CHECK(two_of_four->index == 1);
  CHECK(two_of_four->count == 4);
  for (const char* bad : {"3/2", "0/2", "x/y", "2", "1/0", "-1/2", "1/2/3", "1.0/2"}) {
    INFO(bad);
    const Expected<ShardSpec> spec = ParseShardSpec(bad, none);
    REQUIRE(!spec);
    CHECK_THAT(spec.error().message, Catch::Contains("--shard"));
  }
  // GitLab's parallel: CI_NODE_INDEX is 1-based.
  const Expected<ShardSpec> gitlab =
      ParseShardSpec("auto", Env({{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}}));
  REQUIRE(gitlab);
  CHECK(gitlab->index == 2);
  CHECK(gitlab->count == 3);
  const Expected<ShardSpec> github =
      ParseShardSpec("auto", Env({{"SYNCGATE_SHARD_INDEX", "1"}, {"SYNCGATE_SHARD_TOTAL", "2"}}));
  REQUIRE(github);
  CHECK(github->index == 0);
  CHECK(github->count == 2);
  const Expected<ShardSpec> missing = ParseShardSpec("auto", none);
  REQUIRE(!missing);
  CHECK_THAT(missing.error().message, Catch::Contains("CI_NODE_INDEX"));
  const Expected<ShardSpec> half = ParseShardSpec("auto", Env({{"CI_NODE_TOTAL", "2"}}));
  REQUIRE(!half);
  CHECK_THAT(half.error().message, Catch::Contains("CI_NODE_TOTAL is set but CI_NODE_INDEX"));
  const Expected<ShardSpec> beyond =
      ParseShardSpec("auto", Env({{"CI_NODE_INDEX", "4"}, {"CI_NODE_TOTAL", "3"}}));
  CHECK(!beyond);
}

TEST_CASE("a unit's shard is FNV-1a of its key, the same everywhere", "[shard]") {
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c: not std::hash, which differs between libraries.
  for (int count : {2, 3, 4, 7}) {
    CHECK(ShardOfUnit("a", count) ==
          static_cast<int>(0xaf63dc4c8601ec8cULL % static_cast<unsigned long long>(count)));
  }
  CHECK(ShardOfUnit("charts/web", 1) == 0);
}

TEST_CASE("a chart, its values files and its Applications are one unit, wherever the tree is",
          "[shard]") {
  auto write_tree = [](const fs::path& root) {
    WriteFile(root / "charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
    WriteFile(root / "charts/web/values.yaml", "replicas: 1\n");
    WriteFile(root / "charts/web/values-prod.yaml", "replicas: 3\n");
    WriteFile(root / "charts/web/templates/cm.yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
    WriteFile(root / "values/web-shared.yaml", "replicas: 2\n");
    WriteFile(root / "apps/web.yaml",
              "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n"
              "  namespace: argocd\nspec:\n  project: default\n  source:\n"
              "    repoURL: https://example.com/repo.git\n    path: charts/web\n"
              "    targetRevision: main\n    helm:\n      valueFiles:\n"
              "        - ../../values/web-shared.yaml\n  destination:\n"
              "    server: https://kubernetes.default.svc\n    namespace: web\n");
    for (int i = 0; i < 12; ++i) {
      WriteFile(root / fmt::format("plain/cm-{}.yaml", i),
                fmt::format("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{}\n", i));
    }
  };
  TempDir first, second;
  write_tree(first.path());
  write_tree(second.path() / "elsewhere" / "checkout");
  const std::vector<std::string> unit = {
      "charts/web/Chart.yaml",        "charts/web/values.yaml", "charts/web/values-prod.yaml",
      "charts/web/templates/cm.yaml", "apps/web.yaml",          "values/web-shared.yaml"};
  for (int count : {2, 3, 4}) {
    std::map<std::string, int> owner_first;
    for (const auto& [root, owner] : {std::pair{first.path(), &owner_first},
                                      {second.path() / "elsewhere" / "checkout", nullptr}}) {
      std::map<std::string, int> owners;
      for (int index = 0; index < count; ++index) {
        RunRequest request;
        request.render = false;
        request.settings.shard = fmt::format("{}/{}", index + 1, count);
        const RunResult result = testing::CheckWith(std::move(request), {root.string()});
        const ShardScope* scope = result.workspace->FindExtension<ShardScope>();
        REQUIRE(scope);
        REQUIRE(scope->owns);
        for (const auto& file : result.workspace->files()) {
          const std::string rel =
              fs::path(file->input.fs_path).lexically_relative(root).generic_string();
          if (scope->owns(file->input.display_path)) {
            CHECK(owners.count(rel) == 0);  // one shard each
            owners[rel] = index;
          }
        }
      }
      CHECK(owners.size() == 6 + 12);  // every file in some shard
      for (const std::string& path : unit) {
        INFO(path);
        CHECK(owners.at(path) == owners.at(unit.front()));
      }
      if (owner) {
        *owner = owners;
      } else {
        CHECK(owners == owner_first);  // the absolute place of the checkout changes nothing
      }
    }
  }
}

TEST_CASE("the shards of examples/, merged, are the full run exactly", "[shard]") {
  for (int count : {2, 4}) {
    INFO(count << " shards");
    RequireShardsEqualFullRun({"examples"}, count);
  }
}

TEST_CASE("the shards of a real GitOps repository, merged, are the full run exactly",
          "[shard][shared]") {
  const fs::path repo = testing::SharedData() / "gitops-repos" / "vehagn+homelab";
  if (!fs::exists(repo)) {
    WARN("skipped: " << repo << " not found (../shared/data is not in a user's clone)");
    return;
  }
  RequireShardsEqualFullRun({repo.string()}, 3);
}

TEST_CASE("merge-reports merges the shards' json, sarif, junit and gitlab reports", "[shard]") {
  TempDir dir;
  if (KubernetesSchemas().empty()) {
    WARN(
        "skipped: ../shared/data/k8s-schemas not found (without schemas one run-wide finding "
        "counts each shard's objects)");
    return;
  }
  // The binary with the test's Kubernetes schemas.
  auto syncgate = [](const std::string& args) {
    return testing::RunShell(SchemaEnv() + "'" + SYNCGATE_BINARY + "' " + args);
  };
  const std::string common =
      fmt::format("check examples --offline --no-require-render --fail-on never --cache-dir '{}' ",
                  (dir / "cache").string());
  auto formats = [&](const std::string& name) {
    std::string spec;
    for (const char* kind : {"json", "sarif", "junit", "gitlab"}) {
      spec += fmt::format(" --format {}='{}'", kind, (dir / (name + "." + kind)).string());
    }
    return spec;
  };
  REQUIRE(syncgate(common + formats("full")).exit_code == 0);
  std::string inputs;
  for (int i = 1; i <= 3; ++i) {
    const std::string name = fmt::format("shard-{}", i);
    const testing::CommandOutput out =
        syncgate(common + fmt::format("--shard {}/3", i) + formats(name));
    INFO(out.err);
    REQUIRE(out.exit_code == 0);
    for (const char* kind : {"json", "sarif", "junit", "gitlab"})
      inputs += fmt::format(" '{}'", (dir / (name + "." + kind)).string());
  }
  const testing::CommandOutput merged = RunSyncgate(
      fmt::format("merge-reports --fail-on never --format json='{}' --format sarif='{}' "
                  "--format junit='{}' --format gitlab='{}'",
                  (dir / "merged.json").string(), (dir / "merged.sarif").string(),
                  (dir / "merged.junit").string(), (dir / "merged.gitlab").string()) +
      inputs);
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  auto read = [&](const std::string& name) {
    std::ifstream in(dir / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  // JSON and Code Quality: the very text of the full run.
  CHECK(read("merged.json") == read("full.json"));
  CHECK(read("merged.gitlab") == read("full.gitlab"));
  // SARIF: the same results, rules and artifacts; the coverage added up.
  const auto full_sarif = nlohmann::json::parse(read("full.sarif"));
  const auto merged_sarif = nlohmann::json::parse(read("merged.sarif"));
  CHECK(merged_sarif["runs"].size() == 1);
  CHECK(merged_sarif["runs"][0]["results"] == full_sarif["runs"][0]["results"]);
  CHECK(merged_sarif["runs"][0]["tool"]["driver"]["rules"] ==
        full_sarif["runs"][0]["tool"]["driver"]["rules"]);
  CHECK(merged_sarif["runs"][0]["artifacts"] == full_sarif["runs"][0]["artifacts"]);
  CHECK(merged_sarif["runs"][0]["invocations"][0]["properties"] ==
        full_sarif["runs"][0]["invocations"][0]["properties"]);
  // JUnit: the same counts and test cases.
  const std::string full_junit = read("full.junit");
  const std::string merged_junit = read("merged.junit");
  CHECK(merged_junit.substr(0, merged_junit.find('\n', 60)) ==
        full_junit.substr(0, full_junit.find('\n', 60)));
  CHECK(merged_junit.size() == full_junit.size());
  // --fail-on of the merge: the merged findings decide.
  CHECK(RunSyncgate("merge-reports --format json --fail-on info" + inputs).exit_code == 1);
}

TEST_CASE("merge-reports refuses malformed reports naming the file", "[shard]") {
  TempDir dir;
  WriteFile(dir / "broken.json", "{\"summary\": {\"files\": 1}, \"findings\": [");
  const testing::CommandOutput broken =
      RunSyncgate(fmt::format("merge-reports --format json '{}'", (dir / "broken.json").string()));
  CHECK(broken.exit_code == 2);
  CHECK_THAT(broken.err, Catch::Contains("broken.json"));
  WriteFile(dir / "other.json", "{\"name\": \"not a report\"}\n");
  const testing::CommandOutput other =
      RunSyncgate(fmt::format("merge-reports --format json '{}'", (dir / "other.json").string()));
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::Contains("other.json"));
  // No report of the kind asked for.
  WriteFile(dir / "issues.json", "[]\n");
  const testing::CommandOutput kind =
      RunSyncgate(fmt::format("merge-reports --format sarif '{}'", (dir / "issues.json").string()));
  CHECK(kind.exit_code == 2);
  CHECK_THAT(kind.err, Catch::Contains("no sarif report"));
  // In-process: a report of the right kind with a field of the wrong type.
  const Expected<std::string> wrong = reporters::MergeReports(
      reporters::ReportKind::kJson,
      {{"a.json", reporters::ReportKind::kJson, R"({"summary": {}, "findings": [1]})"}});
  REQUIRE(!wrong);
  CHECK_THAT(wrong.error().message, Catch::Contains("a.json"));
}

TEST_CASE("the GitLab parallel variant: shard jobs, then the merge job, report the full run",
          "[shard][integrations]") {
  const std::string tmpl = [] {
    std::ifstream in(testing::SourceDir() / "integrations/gitlab/syncgate.gitlab-ci.yml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }();
  CHECK(tmpl.find(".syncgate-shards:") != std::string::npos);
  CHECK(tmpl.find("SYNCGATE_SHARD: \"auto\"") != std::string::npos);
  CHECK(tmpl.find("SYNCGATE_MERGE: \"1\"") != std::string::npos);
  CHECK(tmpl.find("- .syncgate-cache") != std::string::npos);
  if (KubernetesSchemas().empty()) {
    WARN("skipped: ../shared/data/k8s-schemas not found");
    return;
  }
  TempDir full, sharded, cache;
  const std::string script =
      "sh '" + (testing::SourceDir() / "integrations/gitlab/syncgate-ci.sh").string() + "'";
  const std::string env = fmt::format(
      "env -u CI_MERGE_REQUEST_DIFF_BASE_SHA {}SYNCGATE='{}' SYNCGATE_PATHS=examples "
      "SYNCGATE_ARGS='--offline --no-require-render' ",
      SchemaEnv(), SYNCGATE_BINARY);
  const testing::CommandOutput whole = testing::RunShell(
      env + fmt::format("SYNCGATE_REPORT_DIR='{}' ", full.path().string()) + script);
  for (int i = 1; i <= 2; ++i) {
    const testing::CommandOutput shard = testing::RunShell(
        env +
        fmt::format("SYNCGATE_REPORT_DIR='{}' SYNCGATE_CACHE_DIR='{}' SYNCGATE_SHARD=auto "
                    "CI_NODE_INDEX={} CI_NODE_TOTAL=2 ",
                    sharded.path().string(), cache.path().string(), i) +
        script);
    INFO(shard.err);
    CHECK(shard.exit_code == 0);  // findings fail the merge job, not the shards
  }
  CHECK(fs::exists(sharded / "syncgate-shards/shard-2.sarif"));
  const testing::CommandOutput merge = testing::RunShell(
      env + fmt::format("SYNCGATE_REPORT_DIR='{}' SYNCGATE_MERGE=1 ", sharded.path().string()) +
      script);
  INFO(merge.err);
  CHECK(merge.exit_code == whole.exit_code);
  auto read = [](const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  CHECK(read(sharded / "gl-code-quality.json") == read(full / "gl-code-quality.json"));
  CHECK(!nlohmann::json::parse(read(sharded / "gl-code-quality.json")).empty());
  CHECK(nlohmann::json::parse(read(sharded / "syncgate.sarif"))["runs"][0]["results"] ==
        nlohmann::json::parse(read(full / "syncgate.sarif"))["runs"][0]["results"]);
}

TEST_CASE("check --shard: bad values exit 2, auto reads the CI's variables", "[shard]") {
  for (const char* bad : {"3/2", "x/y", "0/1"}) {
    const testing::CommandOutput out =
        RunSyncgate(fmt::format("check examples --offline --shard {}", bad));
    INFO(bad);
    CHECK(out.exit_code == 2);
    CHECK_THAT(out.err, Catch::Contains("--shard"));
  }
  // auto without the variables (removed from the test's environment).
  const testing::CommandOutput unset = testing::RunShell(
      std::string("env -u CI_NODE_INDEX -u CI_NODE_TOTAL -u SYNCGATE_SHARD_INDEX -u "
                  "SYNCGATE_SHARD_TOTAL '") +
      SYNCGATE_BINARY + "' check examples --offline --shard auto");
  CHECK(unset.exit_code == 2);
  CHECK_THAT(unset.err, Catch::Contains("CI_NODE_INDEX"));
  const std::string run = std::string("'") + SYNCGATE_BINARY +
                          "' check examples --offline --no-require-render --fail-on never "
                          "--format json ";
  const testing::CommandOutput from_env =
      testing::RunShell("env CI_NODE_INDEX=2 CI_NODE_TOTAL=3 " + run + "--shard auto");
  const testing::CommandOutput explicit_shard = testing::RunShell(run + "--shard 2/3");
  REQUIRE(from_env.exit_code == 0);
  CHECK(from_env.out == explicit_shard.out);
  CHECK(from_env.out != testing::RunShell(run + "--shard 1/3").out);
}

}  // namespace syncgate
