#pragma once
// The policy rules of Roles and ClusterRoles, for the rbac-* rules.
//
//   ForEachPolicyRule(doc, [&](const Node& rule, const std::string& pointer) { ... });

#include <functional>
#include <string>
#include <string_view>

#include "checker/document.h"

namespace syncgate::rules {

/// Calls `visit(rule, pointer)` for each entry of `rules:` of a Role or ClusterRole.
void ForEachPolicyRule(const Document& doc,
                       const std::function<void(const Node&, const std::string&)>& visit);

/// Whether the list `key` of `rule` contains `value` (exactly).
bool ListHas(const Node& rule, std::string_view key, std::string_view value);

}  // namespace syncgate::rules
