// rbac-wildcard: a Role or ClusterRole rule granting '*' verbs or resources.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "rules/rbac/rbac_rules.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "rbac-wildcard",
    "A Role or ClusterRole rule with '*' in verbs or resources",
    "A wildcard grants every verb or resource that exists now and every one added later (new "
    "CRDs, subresources such as pods/exec), including escalate, bind and impersonate. Nobody "
    "reviewing the role can tell what it allows (CIS Kubernetes Benchmark 5.1.3). Two cases are "
    "only info: '*' verbs on resources named one by one in named groups, none with verbs beyond "
    "the standard ones (roles: escalate, bind; identities: impersonate), which is every standard "
    "verb and nothing more; and the read-only metrics APIs, whose resources are metric names.",
    "List the verbs and resources the subject needs; use the built-in view/edit/admin "
    "ClusterRoles where they fit.",
    Severity::kWarning,
    DocKind::kManifest,
    RuleScope::kDocument};

/// Resources with verbs beyond the standard ones (escalate and bind on roles, impersonate on
/// identities, approve and sign on signers, use on policies): '*' on them grants those too.
bool HasSpecialVerbs(std::string_view resource) {
  for (std::string_view r :
       {"roles", "clusterroles", "serviceaccounts", "users", "groups", "uids", "signers",
        "certificatesigningrequests/approval", "podsecuritypolicies"}) {
    if (resource == r) return true;
  }
  return StartsWith(resource, "userextras") || resource.find('*') != std::string_view::npos;
}

/// The resource metrics APIs: read-only (get, list, watch), and their resources are metric
/// names that nobody can list in advance.
bool IsMetricsGroup(std::string_view group) {
  return group == "metrics.k8s.io" || group == "custom.metrics.k8s.io" ||
         group == "external.metrics.k8s.io";
}

/// The entries of the list `key` of `rule` (empty when absent).
std::vector<std::string_view> Entries(const Node& rule, std::string_view key) {
  std::vector<std::string_view> out;
  if (const Node* list = rule.Get(key); list && list->IsSeq()) {
    for (const Node* item : list->Resolved().items) out.push_back(item->Text());
  }
  return out;
}

class RbacWildcard final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    ForEachPolicyRule(doc, [&](const Node& rule, const std::string& pointer) {
      const std::vector<std::string_view> groups = Entries(rule, "apiGroups");
      const std::vector<std::string_view> resources = Entries(rule, "resources");
      const bool metrics_only =
          !groups.empty() && std::all_of(groups.begin(), groups.end(), IsMetricsGroup);
      // '*' verbs on resources named one by one, in named groups, none with special verbs:
      // exactly the standard verbs, nothing added later can widen it.
      const bool named_resources =
          !resources.empty() && !ListHas(rule, "apiGroups", "*") &&
          std::none_of(resources.begin(), resources.end(), HasSpecialVerbs);
      const bool both = ListHas(rule, "verbs", "*") && ListHas(rule, "resources", "*");
      for (const char* key : {"verbs", "resources"}) {
        if (!ListHas(rule, key, "*")) continue;
        const bool verbs = std::string_view(key) == "verbs";
        if (metrics_only) {
          ctx.Report(pointer + "/" + key,
                     fmt::format("{} '*' on the metrics APIs ({}): they are read-only and their "
                                 "resources are metric names",
                                 key, fmt::join(groups, ", ")),
                     {.severity = Severity::kInfo});
        } else if (verbs && named_resources) {
          ctx.Report(pointer + "/" + key,
                     fmt::format("verbs '*' on {}: every standard verb; listing them shows what "
                                 "is granted",
                                 fmt::join(resources, ", ")),
                     {.severity = Severity::kInfo});
        } else {
          ctx.Report(pointer + "/" + key,
                     fmt::format("{} '*' grants every {} of the matched API groups, present and "
                                 "future",
                                 key, verbs ? "verb" : "resource"),
                     {.severity = both ? Severity::kError : Severity::kWarning});
        }
      }
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacWildcard() { return std::make_unique<RbacWildcard>(); }

}  // namespace syncgate::rules
