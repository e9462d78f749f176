// rbac-cluster-admin-binding: a binding that grants the cluster-admin ClusterRole.
#include <fmt/format.h>

#include "checker/rule.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "rbac-cluster-admin-binding",
    "A ClusterRoleBinding or RoleBinding to the cluster-admin ClusterRole",
    "cluster-admin can do anything to any object: a ClusterRoleBinding makes its subjects owners "
    "of the cluster, a RoleBinding owners of the namespace including its Secrets and RBAC. An "
    "application's service account with it turns any compromise of the application into a "
    "compromise of the cluster (CIS Kubernetes Benchmark 5.1.1).",
    "Bind a role with only the verbs and resources the subject needs (admin or edit for people, a "
    "dedicated Role for service accounts).",
    Severity::kError,
    DocKind::kManifest,
    RuleScope::kDocument};

class RbacClusterAdminBinding final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const std::string& kind = doc.object().kind;
    if (kind != "ClusterRoleBinding" && kind != "RoleBinding") return;
    const Node* role = doc.root().Get("roleRef");
    if (!role || !role->IsMap()) return;
    const Node* role_kind = role->Get("kind");
    const Node* name = role->Get("name");
    if (!name || name->Text() != "cluster-admin" || !role_kind ||
        role_kind->Text() != "ClusterRole") {
      return;
    }
    ctx.Report("/roleRef/name", fmt::format("{} grants cluster-admin to its subjects", kind));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacClusterAdminBinding() {
  return std::make_unique<RbacClusterAdminBinding>();
}

}  // namespace syncgate::rules
