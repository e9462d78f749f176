// The engine: configuration, suppressions, crash containment, determinism.
#include "checker/engine.h"

#include <catch2/catch.hpp>

#include "checker/config.h"
#include "rules/registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
using testing::TempDir;
using testing::WriteFile;

std::vector<std::string> Rules(const RunResult& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.push_back(f.rule + "@" + std::to_string(f.line));
  return out;
}

class ThrowingRule final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }
  void CheckDocument(const Document&, RuleContext&) const override {
    throw std::runtime_error("boom");
  }
  static constexpr RuleMeta kMeta{"test-throws", "throws", "", "", Severity::kError, DocKind::kAny};
};

}  // namespace

TEST_CASE("comment suppressions need a reason and must match", "[engine]") {
  TempDir dir;
  WriteFile(dir / "a.yaml",
            "a: 1\n"
            "a: 2 # syncgate:ignore yaml-duplicate-key -- generated file, last value is intended\n"
            "# syncgate:ignore yaml-ambiguous-boolean -- a country code, see ticket 12\n"
            "b: NO\n"
            "c: yes # syncgate:ignore yaml-ambiguous-boolean\n"
            "d: 1 # syncgate:ignore yaml-duplicate-key -- nothing here\n"
            "e: 1 # syncgate:ignore no-such-rule -- typo\n");
  RunResult r = testing::Check({(dir / "a.yaml").string()});
  CHECK(Rules(r) == std::vector<std::string>{"yaml-ambiguous-boolean@5", "suppression-invalid@5",
                                             "suppression-unused@6", "suppression-invalid@7"});
  CHECK(r.summary.suppressed == 2);
  CHECK_THAT(r.findings[1].message, Catch::Contains("without a reason"));
  CHECK_THAT(r.findings[3].message, Catch::Contains("unknown rule 'no-such-rule'"));
}

TEST_CASE("the ignore annotation suppresses findings of its object only", "[engine]") {
  TempDir dir;
  WriteFile(
      dir / "d.yaml",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  annotations:\n"
      "    syncgate.io/ignore: \"workload-image-mutable-tag -- dev sandbox, rebuilt hourly\"\n"
      "spec:\n  template:\n    spec:\n      containers:\n        - {name: a, image: nginx}\n"
      "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n"
      "spec:\n  template:\n    spec:\n      containers:\n        - {name: b, image: nginx}\n");
  RunResult r = testing::Check({(dir / "d.yaml").string()});
  std::vector<std::string> mutable_tag;
  for (const std::string& f : Rules(r)) {
    if (f.rfind("workload-image-mutable-tag@", 0) == 0) mutable_tag.push_back(f);
  }
  CHECK(mutable_tag == std::vector<std::string>{"workload-image-mutable-tag@21"});
  CHECK(r.summary.suppressed == 1);
}

TEST_CASE("config disables rules, overrides severity and excludes paths", "[engine][config]") {
  TempDir dir;
  WriteFile(dir / ".syncgate.yaml",
            "exclude: [\"vendor/**\", \"*.generated.yaml\"]\n"
            "rules:\n  yaml-duplicate-key: off\n  yaml-ambiguous-boolean: {severity: error}\n");
  WriteFile(dir / "a.yaml", "a: 1\na: 2\nb: on\n");
  WriteFile(dir / "vendor/x.yaml", "a: 1\na: 2\n");
  WriteFile(dir / "c.generated.yaml", "a: 1\na: 2\n");
  RunResult r = testing::Check({dir.path().string()});
  REQUIRE(Rules(r) == std::vector<std::string>{"yaml-ambiguous-boolean@3"});
  CHECK(r.findings[0].severity == Severity::kError);
  CHECK(r.summary.skipped == 2);
}

TEST_CASE("config errors name the file, line and column", "[engine][config]") {
  TempDir dir;
  WriteFile(dir / ".syncgate.yaml", "rules:\n  yaml-duplicat-key: off\n");
  WriteFile(dir / "a.yaml", "a: 1\n");
  auto out = testing::RunSyncgate("check " + dir.path().string());
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains(".syncgate.yaml:2:3: unknown rule 'yaml-duplicat-key' "
                                      "(did you mean 'yaml-duplicate-key'?)"));
  WriteFile(dir / ".syncgate.yaml", "rule:\n  x: off\n");
  out = testing::RunSyncgate("check " + dir.path().string());
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains(".syncgate.yaml:1:1: unknown configuration section 'rule' "
                                      "(did you mean 'rules'?)"));
  WriteFile(dir / ".syncgate.yaml", "rules:\n  yaml-syntax: {severity: fatal}\n");
  out = testing::RunSyncgate("check " + dir.path().string());
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err,
             Catch::Contains(".syncgate.yaml:2:27: severity must be error, warning or info"));
}

TEST_CASE("a rule that throws becomes an internal-error finding and exit 2", "[engine]") {
  TempDir dir;
  WriteFile(dir / "a.yaml", "a: 1\n");
  RunRequest request;
  request.jobs = 1;
  request.render = false;
  request.rules = [] {
    RuleList rules;
    rules.push_back(std::make_unique<ThrowingRule>());
    return rules;
  };
  RunResult r = testing::CheckWith(std::move(request), {(dir / "a.yaml").string()});
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].rule == "internal-error");
  CHECK_THAT(r.findings[0].message,
             Catch::Contains("rule test-throws failed") && Catch::Contains("boom"));
  CHECK_FALSE(r.errors.empty());
}

TEST_CASE("results are identical whatever the number of threads", "[engine]") {
  const auto examples = (testing::SourceDir() / "examples").string();
  RunResult one = testing::Check({examples}, "", 1);
  RunResult four = testing::Check({examples}, "", 4);
  REQUIRE(one.findings.size() == four.findings.size());
  for (size_t i = 0; i < one.findings.size(); ++i) {
    CHECK(one.findings[i].file == four.findings[i].file);
    CHECK(one.findings[i].line == four.findings[i].line);
    CHECK(one.findings[i].rule == four.findings[i].rule);
    CHECK(one.findings[i].fingerprint == four.findings[i].fingerprint);
  }
}

TEST_CASE("fingerprints survive edits elsewhere in the file", "[engine]") {
  TempDir dir;
  WriteFile(dir / "a.yaml", "x: 1\nx: 2\n");
  RunResult before = testing::Check({(dir / "a.yaml").string()});
  WriteFile(dir / "a.yaml", "# a new comment\nother: value\nx: 1\nx: 2\n");
  RunResult after = testing::Check({(dir / "a.yaml").string()});
  REQUIRE(before.findings.size() == 1);
  REQUIRE(after.findings.size() == 1);
  CHECK(before.findings[0].line != after.findings[0].line);
  CHECK(before.findings[0].fingerprint == after.findings[0].fingerprint);
}

TEST_CASE("glob patterns", "[config]") {
  CHECK(GlobMatch("vendor/**", "vendor/a/b.yaml"));
  CHECK(GlobMatch("**/testdata/**", "a/testdata/x.yaml"));
  CHECK(GlobMatch("*.yaml", "a.yaml"));
  CHECK_FALSE(GlobMatch("*.yaml", "dir/a.yaml"));
  CHECK(GlobMatch("**/values-prod.yaml", "q/helm/values-prod.yaml"));
  CHECK(GlobMatch("**/values-prod.yaml", "values-prod.yaml"));
  CHECK_FALSE(GlobMatch("q-?", "q-ab"));
}

}  // namespace syncgate
