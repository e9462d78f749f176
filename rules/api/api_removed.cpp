// api-removed: an apiVersion the target Kubernetes version no longer serves.
#include <fmt/format.h>

#include "rules/api/api_versions.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "api-removed",
    "An apiVersion that the target Kubernetes version (--kube-version) no longer serves",
    "The API server answers `no matches for kind` and the sync fails: the object is never "
    "created or updated. Charts written for older clusters break on upgrade exactly here.",
    "Move the object to the replacement apiVersion named in the message (check the changed "
    "fields in the Kubernetes deprecation guide), or set --kube-version / `kube_version:` in "
    ".syncgate.yaml to the cluster you deploy to.",
    Severity::kError,
    kAnyObject,
    RuleScope::kDocument};

class ApiRemoved final : public ApiChangeRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

 protected:
  void CheckChange(const ApiChange& change, RuleContext& ctx) const override {
    if (!KubeVersionAtLeast(kube_version(), change.removed_in)) return;
    ctx.Report("/apiVersion",
               fmt::format("{} {} was removed in Kubernetes {} (target {}); {}", change.api_version,
                           change.kind, change.removed_in, kube_version(), Instead(change)));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeApiRemoved() { return std::make_unique<ApiRemoved>(); }

}  // namespace syncgate::rules
