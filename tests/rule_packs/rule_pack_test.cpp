// Declarative rule packs: the shipped governance pack and a custom pack produce exactly the
// findings their fixtures declare; bad packs are configuration errors with file:line:col.
#include "rule_packs/rule_pack.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <tuple>

#include "checker/text_util.h"
#include "rules/registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

using Expect = std::tuple<std::string, int, std::string>;  // file, line, rule

/// `# expect: id, id` and `# expect+N: id` comments of every file under `dir`.
std::multiset<Expect> Expectations(const fs::path& dir) {
  std::multiset<Expect> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const size_t at = line.find("# expect");
      if (at == std::string::npos) continue;
      std::string_view rest = std::string_view(line).substr(at + 8);
      int offset = 0;
      if (!rest.empty() && rest[0] == '+') {
        offset = rest[1] - '0';
        rest.remove_prefix(2);
      }
      if (rest.empty() || rest[0] != ':') continue;
      for (std::string_view id : Split(rest.substr(1), ',')) {
        out.insert({entry.path().generic_string(), number + offset, std::string(Trim(id))});
      }
    }
  }
  return out;
}

/// Runs the built-in rules plus the packs of the folder's .syncgate.yaml, like `syncgate check`.
RunResult CheckWithPacks(const fs::path& dir) {
  RunRequest request;
  request.config_path = (dir / ".syncgate.yaml").generic_string();
  request.jobs = 1;
  request.render = false;
  Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
  INFO((run ? std::string() : run.error().message));
  REQUIRE(run);
  return (*run)->Run((*run)->Discover({dir.generic_string()}));
}

void RequireExactly(const fs::path& dir, const std::string& prefix) {
  const std::multiset<Expect> expected = Expectations(dir);
  const RunResult result = CheckWithPacks(dir);
  std::multiset<Expect> actual;
  std::string listing;
  for (const Finding& f : result.findings) {
    if (!StartsWith(f.rule, prefix)) continue;
    actual.insert({f.file, f.line, f.rule});
    listing += fmt::format("  {}:{}:{}: {} [{}]\n", f.file, f.line, f.column, f.message, f.rule);
  }
  INFO("findings:\n" << listing);
  CHECK(actual == expected);
  CHECK(result.errors.empty());
}

/// The error of loading `text` as a pack named "pack.yaml".
std::string PackError(const std::string& text) {
  auto loaded = LoadRulePack(SourceFile::FromText("pack.yaml", text));
  return loaded ? "" : loaded.error().message;
}

constexpr const char* kGoodRule = R"(pack: t
rules:
  - id: team-x
    severity: warning
    summary: s
    rationale: r
    remediation: m
    assert:
)";

}  // namespace

TEST_CASE("governance pack fixtures", "[catalogue][packs]") {
  const fs::path root = fs::path("tests") / "rule_packs" / "governance";
  SECTION("fires") {
    REQUIRE_FALSE(Expectations(root / "fires").empty());
    RequireExactly(root / "fires", "governance-");
  }
  SECTION("passes") {
    REQUIRE(Expectations(root / "passes").empty());
    RequireExactly(root / "passes", "governance-");
  }
}

TEST_CASE("custom pack fixtures exercise every test", "[catalogue][packs]") {
  const fs::path root = fs::path("tests") / "rule_packs" / "custom";
  SECTION("fires") {
    REQUIRE(Expectations(root / "fires").size() == 13);
    RequireExactly(root / "fires", "team-");
  }
  SECTION("passes") { RequireExactly(root / "passes", "team-"); }
}

TEST_CASE("pack rules carry their metadata and every built-in pack loads", "[catalogue][packs]") {
  REQUIRE_FALSE(BuiltinRulePacks().empty());
  for (const auto& [name, text] : BuiltinRulePacks()) {
    INFO("builtin:" << name);
    auto pack =
        LoadRulePack(SourceFile::FromText("builtin:" + std::string(name), std::string(text)));
    INFO((pack ? "" : pack.error().message));
    REQUIRE(pack);
    REQUIRE_FALSE(pack->empty());
  }
  RuleList rules = BuiltinPackRules();
  std::set<std::string> ids;
  for (const auto& rule : rules) ids.insert(std::string(rule->meta().id));
  CHECK(ids == std::set<std::string>{"governance-allowed-namespaces",
                                     "governance-allowed-registries",
                                     "governance-required-labels"});
  for (const auto& rule : rules) {
    CHECK_FALSE(rule->meta().summary.empty());
    CHECK(rule->meta().rationale.find("rule pack 'governance'") != std::string_view::npos);
  }
}

TEST_CASE("bad packs are errors with file:line:col", "[catalogue][packs]") {
  CHECK(PackError(std::string(kGoodRule) +
                  "      - {path: /metadata/name, matches: '(unclosed'}\n") ==
        "pack.yaml:9:41: invalid regular expression '(unclosed': missing ): (unclosed");
  CHECK(
      PackError(std::string(kGoodRule) + "      - {path: metadata/name, exists: true}\n") ==
      "pack.yaml:9:16: path 'metadata/name' must be a JSON pointer starting with '/' (or '$pod/')");
  CHECK(PackError(std::string(kGoodRule) + "      - {path: /a/~2b, exists: true}\n") ==
        "pack.yaml:9:16: path '/a/~2b': '~' must be followed by 0 or 1 (~0 is '~', ~1 is '/')");
  CHECK(PackError(std::string(kGoodRule) + "      - {path: /a, exits: true}\n") ==
        "pack.yaml:9:20: unknown assert field 'exits' (did you mean 'exists'?)");
  CHECK(PackError(std::string(kGoodRule) + "      - {path: /a, exists: true, equals: x}\n") ==
        "pack.yaml:9:34: an assert entry takes exactly one test");
  CHECK(PackError(std::string(kGoodRule) + "      - {path: /a, gte: many}\n") ==
        "pack.yaml:9:25: expected a number, not 'many'");
  CHECK(PackError(std::string(kGoodRule) + "      - {path: /a}\n") ==
        "pack.yaml:9:9: an assert entry needs a test: exists, absent, equals, one-of, not-one-of, "
        "matches, not-matches, gt, gte, lt or lte");
  CHECK(PackError("pack: t\nrules:\n  - id: Team_X\n    severity: warning\n") ==
        "pack.yaml:3:9: rule id 'Team_X' must be kebab-case with a category prefix, e.g. "
        "team-owner-label");
  CHECK(PackError("pack: t\nrules:\n  - id: team-x\n    severity: fatal\n") ==
        "pack.yaml:4:15: severity must be error, warning or info, not 'fatal'");
  CHECK(PackError("pack: t\nrules:\n  - id: team-x\n    severity: info\n    summary: s\n") ==
        "pack.yaml:3:5: the rule has no 'rationale'");
  CHECK(PackError("pack: t\nrulez: []\n") ==
        "pack.yaml:2:1: unknown pack field 'rulez' (did you mean 'rules'?)");
  CHECK(PackError(std::string(kGoodRule) + "      - {path: /a, exists: true}\n" +
                  "  - id: team-x\n    severity: info\n    summary: s\n    rationale: r\n"
                  "    remediation: m\n    assert: [{path: /a, exists: true}]\n") ==
        "pack.yaml:10:9: duplicate rule id 'team-x'");
}

TEST_CASE("rule packs in the CLI: listed, documented, and bad ones exit 2", "[catalogue][packs]") {
  testing::TempDir dir;
  testing::WriteFile(
      dir / "pack.yaml",
      std::string(kGoodRule) + "      - {path: /metadata/labels/owner, exists: true}\n");
  testing::WriteFile(dir / ".syncgate.yaml", "rule_packs: [pack.yaml, builtin:governance]\n");
  testing::WriteFile(dir / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
  auto run = testing::RunSyncgate("check " + (dir / "cm.yaml").string() + " --format json");
  CHECK(run.exit_code == 0);  // team-x is a warning
  CHECK(run.out.find("\"rule\": \"team-x\"") != std::string::npos);

  auto list = testing::RunSyncgate("rules list", "", dir.path().string());
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("team-x") != std::string::npos);
  CHECK(list.out.find("governance-allowed-registries") != std::string::npos);

  testing::WriteFile(dir / "pack.yaml",
                     std::string(kGoodRule) + "      - {path: /a, matches: '[z-a]'}\n");
  auto bad = testing::RunSyncgate("check " + (dir / "cm.yaml").string());
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("pack.yaml:9:29: invalid regular expression '[z-a]'") != std::string::npos);

  testing::WriteFile(dir / ".syncgate.yaml", "rule_packs: [builtin:nope]\n");
  auto unknown = testing::RunSyncgate("check " + (dir / "cm.yaml").string());
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find(
            ".syncgate.yaml:1:14: no built-in rule pack 'nope' (built-in: governance)") !=
        std::string::npos);
}

}  // namespace syncgate
