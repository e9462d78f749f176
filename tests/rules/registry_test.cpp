// The rule catalogue's conventions, for every built-in rule (rules/registry.h): the id is
// kebab-case `<category>-<what>`, the category is the folder its source lives in
// (rules/<category>/<id with - as _>.cpp), the metadata that docs are generated from is filled
// in, docs/rules/<id>.md exists, and the rule declares its scope (what its findings depend on,
// which a result cache relies on). The built-in rule packs declare their scope too.
#include "rules/registry.h"

#include <re2/re2.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "rule_packs/rule_pack.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

std::string Underscored(std::string_view id) {
  std::string out(id);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

}  // namespace

TEST_CASE("every built-in rule follows the catalogue's conventions", "[rules][registry]") {
  const fs::path root = testing::SourceDir();
  const RE2 kebab("[a-z][a-z0-9]*(-[a-z0-9]+)+");
  std::set<std::string> seen;
  const RuleList rules = MakeBuiltinRules();
  REQUIRE_FALSE(rules.empty());
  for (const auto& rule : rules) {
    const RuleMeta& m = rule->meta();
    const std::string id(m.id);
    INFO("rule " << id);
    CHECK(seen.insert(id).second);  // ids are unique
    CHECK(RE2::FullMatch(id, kebab));
    const std::string category = id.substr(0, id.find('-'));
    const fs::path source = fs::path("rules") / category / (Underscored(id) + ".cpp");
    INFO("its source must be " << source.generic_string() << " (the prefix is the category)");
    CHECK(fs::is_regular_file(root / source));
    CHECK_FALSE(m.summary.empty());
    CHECK_FALSE(m.rationale.empty());
    CHECK_FALSE(m.remediation.empty());
    INFO("run `syncgate rules docs docs/rules` to write its page");
    CHECK(fs::is_regular_file(root / "docs" / "rules" / (id + ".md")));
    INFO("declare RuleScope::kDocument, kFile or kWorkspace in its kMeta (checker/rule.h)");
    CHECK(m.scope != RuleScope::kUndeclared);
  }
}

TEST_CASE("built-in rule packs declare their scope and their docs", "[rules][registry]") {
  const fs::path root = testing::SourceDir();
  for (const auto& rule : BuiltinPackRules()) {
    const RuleMeta& m = rule->meta();
    INFO("pack rule " << m.id);
    CHECK(m.scope == RuleScope::kDocument);  // a pack rule matches one document at a time
    CHECK_FALSE(m.summary.empty());
    CHECK(fs::is_regular_file(root / "docs" / "rules" / (std::string(m.id) + ".md")));
  }
}

}  // namespace syncgate
