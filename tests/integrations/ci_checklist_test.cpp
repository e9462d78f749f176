// The CI templates' scripts, run as GitLab and GitHub run them, and the pre-deployment
// checklist, down to its HTML page opened in headless Chromium.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reporters/reporter.h"
#include "tests/test_util.h"

namespace syncgate::testing {
namespace {
namespace fs = std::filesystem;

bool HasFormat(std::string_view name) {
  for (const auto& format : reporters::ReportFormats()) {
    if (format.name == name) return true;
  }
  return false;
}

std::string Git(const fs::path& dir, const std::string& args) {
  CommandOutput out = RunShell("git " + args, "", dir.string());
  REQUIRE(out.exit_code == 0);
  while (!out.out.empty() && out.out.back() == '\n') out.out.pop_back();
  return out.out;
}

/// A repository with a committed problem (BASE) and a commit adding another (HEAD).
struct CiRepo {
  TempDir dir;
  std::string base;
  CiRepo() {
    Git(dir.path(), "init -q -b main");
    Git(dir.path(), "config user.email ci@example.com");
    Git(dir.path(), "config user.name CI");
    WriteFile(dir / "apps/old.yaml", "name: a\nname: b\n");
    Git(dir.path(), "add -A");
    Git(dir.path(), "commit -q -m base");
    base = Git(dir.path(), "rev-parse HEAD");
    WriteFile(dir / "apps/new.yaml", "port: 1\nport: 2\n");
    Git(dir.path(), "add -A");
    Git(dir.path(), "commit -q -m head");
  }
};

std::string Script(const std::string& rel) { return (SourceDir() / rel).string(); }

}  // namespace

TEST_CASE("the GitLab job script writes Code Quality, JUnit and SARIF from one run",
          "[integrations]") {
  for (std::string_view format : {"gitlab", "junit", "sarif"}) {
    if (!HasFormat(format)) {
      WARN("format " << format << " is not built in yet: GitLab script test skipped");
      return;
    }
  }
  // The template runs exactly this script.
  const std::string tmpl =
      testing::ReadText(SourceDir() / "integrations/gitlab/syncgate.gitlab-ci.yml");
  CHECK(tmpl.find("syncgate-ci.sh") != std::string::npos);
  CHECK(tmpl.find("codequality: ${SYNCGATE_REPORT_DIR}/gl-code-quality.json") != std::string::npos);
  CHECK(tmpl.find("junit: ${SYNCGATE_REPORT_DIR}/syncgate-junit.xml") != std::string::npos);

  CiRepo repo;
  TempDir reports;
  const std::string env = "SYNCGATE='" + std::string(SYNCGATE_BINARY) + "' SYNCGATE_REPORT_DIR='" +
                          reports.path().string() + "' ";

  SECTION("default branch: a full check") {
    const CommandOutput out =
        RunShell(env + "sh '" + Script("integrations/gitlab/syncgate-ci.sh") + "'", "",
                 repo.dir.path().string());
    CHECK(out.exit_code == 1);
    const auto quality = nlohmann::json::parse(testing::ReadText(reports / "gl-code-quality.json"));
    REQUIRE(quality.is_array());
    REQUIRE(quality.size() == 2);
    for (const auto& issue : quality) {
      CHECK(issue["check_name"] == "yaml-duplicate-key");
      CHECK(issue["description"].is_string());
      CHECK(issue["fingerprint"].is_string());
      CHECK(issue["severity"].is_string());
      CHECK(issue["location"]["path"].is_string());
      CHECK(issue["location"]["lines"]["begin"].is_number_integer());
    }
    const auto sarif = nlohmann::json::parse(testing::ReadText(reports / "syncgate.sarif"));
    CHECK(sarif["version"] == "2.1.0");
    REQUIRE(sarif["runs"].size() == 1);
    CHECK(sarif["runs"][0]["results"].size() == 2);
    CHECK(sarif["runs"][0]["results"][0]["ruleId"] == "yaml-duplicate-key");
    const std::string junit = testing::ReadText(reports / "syncgate-junit.xml");
    CHECK(junit.rfind("<?xml", 0) == 0);
    CHECK(junit.find("<testsuite") != std::string::npos);
    CHECK(junit.find("<failure") != std::string::npos);
    CHECK(junit.find("yaml-duplicate-key") != std::string::npos);
  }
  SECTION("merge request: only what the merge request adds") {
    const CommandOutput out =
        RunShell(env + "CI_MERGE_REQUEST_DIFF_BASE_SHA=" + repo.base + " sh '" +
                     Script("integrations/gitlab/syncgate-ci.sh") + "'",
                 "", repo.dir.path().string());
    CHECK(out.exit_code == 1);
    CHECK(out.out.find("merge request") != std::string::npos);
    const auto quality = nlohmann::json::parse(testing::ReadText(reports / "gl-code-quality.json"));
    REQUIRE(quality.size() == 1);
    CHECK(quality[0]["location"]["path"] == "apps/new.yaml");
    const auto sarif = nlohmann::json::parse(testing::ReadText(reports / "syncgate.sarif"));
    CHECK(sarif["runs"][0]["results"].size() == 1);
  }
  SECTION("merge request that changes nothing syncgate reads: empty, valid reports") {
    WriteFile(repo.dir / "README.md", "docs\n");
    Git(repo.dir.path(), "add README.md");
    Git(repo.dir.path(), "commit -q -m docs");
    const std::string docs_base = Git(repo.dir.path(), "rev-parse HEAD~1");
    const CommandOutput out =
        RunShell(env + "CI_MERGE_REQUEST_DIFF_BASE_SHA=" + docs_base + " sh '" +
                     Script("integrations/gitlab/syncgate-ci.sh") + "'",
                 "", repo.dir.path().string());
    CHECK(out.exit_code == 0);
    CHECK(nlohmann::json::parse(testing::ReadText(reports / "gl-code-quality.json")).empty());
    CHECK(nlohmann::json::parse(testing::ReadText(reports / "syncgate.sarif"))["version"] ==
          "2.1.0");
    CHECK(testing::ReadText(reports / "syncgate-junit.xml").find("<testsuites") !=
          std::string::npos);
  }
}

TEST_CASE("the GitHub Action script writes SARIF for the pull request's changes",
          "[integrations]") {
  if (!HasFormat("sarif")) {
    WARN("format sarif is not built in yet: GitHub script test skipped");
    return;
  }
  const std::string action = testing::ReadText(SourceDir() / "action.yml");
  CHECK(action.find("integrations/github/run.sh") != std::string::npos);
  CHECK(action.find("github/codeql-action/upload-sarif") != std::string::npos);
  CiRepo repo;
  TempDir out_dir;
  const std::string sarif_path = (out_dir / "out.sarif").string();
  const CommandOutput out =
      RunShell("SYNCGATE='" + std::string(SYNCGATE_BINARY) + "' SYNCGATE_SARIF='" + sarif_path +
                   "' SYNCGATE_BASE=" + repo.base + " GITHUB_STEP_SUMMARY= sh '" +
                   Script("integrations/github/run.sh") + "'",
               "", repo.dir.path().string());
  CHECK(out.exit_code == 1);
  const auto sarif = nlohmann::json::parse(testing::ReadText(sarif_path));
  REQUIRE(sarif["runs"][0]["results"].size() == 1);
  CHECK(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
             ["uri"] == "apps/new.yaml");
}

TEST_CASE("checklist: a rule that did not run leaves its item not checked, never pass",
          "[integrations]") {
  TempDir dir;
  WriteFile(dir / ".syncgate.yaml",
            "rules:\n  workload-missing-resources: off\n"
            "checklist:\n  - id: custom-yaml\n    title: YAML is clean\n    rules: [yaml-]\n"
            "  - id: post-only\n    rules: [no-such-rule]\n"
            "  - id: update-documentation\n    enabled: false\n");
  WriteFile(dir / "app.yaml", "a: 1\na: 2\n");
  const CommandOutput out = RunSyncgate("checklist . --format json", "", dir.path().string());
  CHECK(out.exit_code == 1);
  const auto json = nlohmann::json::parse(out.out);
  std::map<std::string, nlohmann::json> items;
  for (const auto& item : json["items"]) items[item["id"]] = item;
  CHECK(items["resource-requirements"]["status"] == "not checked");
  CHECK(items["resource-requirements"]["note"] ==
        "workload-missing-resources did not run (disabled in .syncgate.yaml)");
  CHECK(items["custom-yaml"]["status"] == "fail");
  CHECK(items["custom-yaml"]["findings"].size() == 1);
  CHECK(items["post-only"]["status"] == "not checked");
  CHECK(items["post-only"]["note"] == "no-such-rule is not a rule of this syncgate");
  CHECK(items["secrets-encrypted"]["status"] == "pass");
  CHECK(items["pod-status"]["status"] == "manual");
  CHECK(items.count("update-documentation") == 0);
  CHECK(json["summary"]["ready"] == false);

  WriteFile(dir / ".syncgate.yaml", "checklist:\n  - title: no id\n");
  const CommandOutput bad = RunSyncgate("checklist .", "", dir.path().string());
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find(".syncgate.yaml:2:5: checklist: every item needs an id") != std::string::npos);
}

TEST_CASE("checklist examples/ as HTML: Chromium shows the failed items on the board",
          "[integrations]") {
  if (!fs::exists(SourceDir() / "examples")) {
    WARN("examples/ is absent: skipped");
    return;
  }
  TempDir dir;
  const std::string html = (dir / "checklist.html").string();
  const std::string json_path = (dir / "checklist.json").string();
  const CommandOutput out = RunSyncgate("checklist examples/ --format html=" + html +
                                            " --format json=" + json_path + " --format markdown",
                                        "", SourceDir().string());
  CHECK(out.exit_code == 1);
  CHECK(out.out.find("| Confirm secrets are encrypted | ❌ fail |") != std::string::npos);
  const auto json = nlohmann::json::parse(testing::ReadText(json_path));
  std::vector<std::string> failed;
  for (const auto& item : json["items"]) {
    if (item["status"] == "fail") failed.push_back(item["id"]);
  }
  REQUIRE(std::find(failed.begin(), failed.end(), "secrets-encrypted") != failed.end());
  const std::string page = testing::ReadText(html);
  CHECK(page.find("<link") == std::string::npos);  // self-contained: no external assets
  CHECK(page.find("<script src") == std::string::npos);
  CHECK(page.find("hvs.nQKD") == std::string::npos);  // the example's root token stays hidden

  // Open it in a real browser; install Debian's chromium when missing (as tools/test.sh does).
  if (RunShell("command -v chromium").exit_code != 0 && getuid() == 0) {
    RunShell("apt-get install -y --no-install-recommends chromium");
  }
  if (RunShell("command -v chromium").exit_code != 0) {
    WARN("chromium is not installed and cannot be: browser check skipped");
    return;
  }
  const CommandOutput dom = RunShell(
      "timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir='" +
      (dir / "profile").string() + "' --dump-dom 'file://" + html + "'");
  REQUIRE(dom.exit_code == 0);
  CHECK(dom.out.find("Pre-deployment checklist: not ready") != std::string::npos);
  for (const std::string& id : failed) {
    CAPTURE(id);
    CHECK(dom.out.find("data-item=\"" + id + "\" data-status=\"fail\"") != std::string::npos);
  }
  CHECK(dom.out.find("id=\"findings-secrets-encrypted\"") != std::string::npos);
  CHECK(dom.out.find("data-item=\"pod-status\" data-status=\"manual\"") != std::string::npos);
}

}  // namespace syncgate::testing
