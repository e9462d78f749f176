// workload-default-service-account: pods that run with the namespace's default service account.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-default-service-account",
    "A pod that runs as the default service account with its token mounted",
    "Every pod of the namespace that names no service account shares `default`: a permission "
    "granted to one of them (a RoleBinding to default) is granted to all, and each gets an API "
    "token mounted whether it needs one or not.",
    "Create a ServiceAccount per workload and set serviceAccountName, or set "
    "automountServiceAccountToken: false when the pod does not talk to the API server.",
    Severity::kWarning,
    kAnyObject,
    RuleScope::kDocument};

class WorkloadDefaultServiceAccount final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachPodSpec(doc, [&](const Node& spec, const std::string& pointer) {
      const Node* automount = spec.Get("automountServiceAccountToken");
      if (automount && automount->Text() == "false") return;  // no token, no identity
      const char* key = spec.Get("serviceAccountName") ? "serviceAccountName" : "serviceAccount";
      const Node* account = spec.Get(key);  // serviceAccount: the deprecated alias
      if (account && !account->Text().empty() && account->Text() != "default") return;
      ctx.Report(account ? pointer + "/" + key : pointer,
                 account ? "the pod runs as the default service account with its token mounted"
                         : "no serviceAccountName: the pod runs as the default service account "
                           "with its token mounted");
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadDefaultServiceAccount() {
  return std::make_unique<WorkloadDefaultServiceAccount>();
}

}  // namespace syncgate::rules
