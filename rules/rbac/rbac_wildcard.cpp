// rbac-wildcard: a Role or ClusterRole rule granting '*' verbs or resources.
#include <fmt/format.h>

#include "checker/rule.h"
#include "rules/rbac/rbac_rules.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "rbac-wildcard",
    "A Role or ClusterRole rule with '*' in verbs or resources",
    "A wildcard grants every verb or resource that exists now and every one added later (new "
    "CRDs, subresources such as pods/exec), including escalate, bind and impersonate. Nobody "
    "reviewing the role can tell what it allows (CIS Kubernetes Benchmark 5.1.3).",
    "List the verbs and resources the subject needs; use the built-in view/edit/admin "
    "ClusterRoles where they fit.",
    Severity::kWarning,
    DocKind::kManifest,
    RuleScope::kDocument};

class RbacWildcard final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    ForEachPolicyRule(doc, [&](const Node& rule, const std::string& pointer) {
      for (const char* key : {"verbs", "resources"}) {
        if (ListHas(rule, key, "*")) {
          ctx.Report(pointer + "/" + key,
                     fmt::format("{} '*' grants every {} of the matched API groups, present and "
                                 "future",
                                 key, std::string_view(key) == "verbs" ? "verb" : "resource"),
                     {.severity = ListHas(rule, "verbs", "*") && ListHas(rule, "resources", "*")
                                      ? Severity::kError
                                      : Severity::kWarning});
        }
      }
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacWildcard() { return std::make_unique<RbacWildcard>(); }

}  // namespace syncgate::rules
