// rbac-secrets-access: a role that can read Secrets.
#include <fmt/format.h>

#include "checker/rule.h"
#include "rules/rbac/rbac_rules.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "rbac-secrets-access",
    "A Role or ClusterRole that can get, list or watch Secrets",
    "Reading Secrets reads every credential of the namespace (or, for a ClusterRole bound "
    "cluster-wide, of the cluster): service account tokens, TLS keys, database passwords. list "
    "and watch return the values too, not just the names (CIS Kubernetes Benchmark 5.1.2).",
    "Mount the one Secret the workload needs as a volume instead of reading it through the API; "
    "where API access is required, restrict the rule with resourceNames.",
    Severity::kWarning,
    DocKind::kManifest,
    RuleScope::kDocument};

class RbacSecretsAccess final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    ForEachPolicyRule(doc, [&](const Node& rule, const std::string& pointer) {
      if (!ListHas(rule, "resources", "secrets")) return;
      if (!ListHas(rule, "apiGroups", "") && !ListHas(rule, "apiGroups", "*")) return;
      if (const Node* names = rule.Get("resourceNames");
          names && names->IsSeq() && !names->Resolved().items.empty()) {
        return;  // limited to named Secrets
      }
      for (const char* verb : {"get", "list", "watch", "*"}) {
        if (ListHas(rule, "verbs", verb)) {
          ctx.Report(pointer + "/resources",
                     fmt::format("{} can read every Secret{} ('{}' on secrets)", doc.object().kind,
                                 doc.object().kind == "ClusterRole" ? " of the cluster when bound "
                                                                      "cluster-wide"
                                                                    : " of its namespace",
                                 verb));
          return;
        }
      }
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacSecretsAccess() { return std::make_unique<RbacSecretsAccess>(); }

}  // namespace syncgate::rules
