#pragma once
// The catalogue of built-in rules.
//
//   RuleList rules = MakeBuiltinRules();   // fresh instances, in id order
//
// Adding a rule: write rules/<category>/<rule_name>.cpp defining
// `std::unique_ptr<Rule> Make<RuleName>()` in namespace syncgate::rules, and add one sorted
// line to rules/rule_list.inc.

#include "checker/rule.h"

namespace syncgate {

/// One instance of every built-in rule, sorted by id.
RuleList MakeBuiltinRules();

}  // namespace syncgate
