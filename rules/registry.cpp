#include "rules/registry.h"

#include <algorithm>

namespace syncgate::rules {
#define SYNCGATE_RULE(Name) std::unique_ptr<Rule> Make##Name();
#include "rules/rule_list.inc"
#undef SYNCGATE_RULE
}  // namespace syncgate::rules

namespace syncgate {

RuleList MakeBuiltinRules() {
  RuleList rules;
#define SYNCGATE_RULE(Name) rules.push_back(rules::Make##Name());
#include "rules/rule_list.inc"
#undef SYNCGATE_RULE
  std::sort(rules.begin(), rules.end(),
            [](const auto& a, const auto& b) { return a->meta().id < b->meta().id; });
  return rules;
}

}  // namespace syncgate
