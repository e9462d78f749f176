#pragma once
// Rule documentation generated from rule metadata: `rules explain`, `rules list --format
// markdown|json` and docs/rules/*.md all come from here, so docs cannot drift from the code.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checker/rule.h"

namespace syncgate::reporters {

/// docs/rules/<id>.md
std::string RuleMarkdown(const RuleMeta& meta);
/// docs/rules/README.md: a table of every rule.
std::string RuleIndexMarkdown(const std::vector<RuleMeta>& metas);
nlohmann::ordered_json RuleMetaJson(const RuleMeta& meta);
/// Names of the document kinds in `kinds` ("application, manifest").
std::string DocKindList(DocKind kinds);

}  // namespace syncgate::reporters
