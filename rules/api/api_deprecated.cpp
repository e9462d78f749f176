// api-deprecated: an apiVersion the target Kubernetes version still serves but will remove.
#include <fmt/format.h>

#include "rules/api/api_versions.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "api-deprecated",
    "A deprecated apiVersion that a later Kubernetes version removes",
    "It works today and breaks the sync after the cluster upgrade that removes it, usually "
    "when nobody is looking at this manifest. Migrating ahead of time is a small diff; migrating "
    "during an outage is not.",
    "Move the object to the replacement apiVersion named in the message.",
    Severity::kWarning,
    kAnyObject,
    RuleScope::kDocument};

class ApiDeprecated final : public ApiChangeRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

 protected:
  void CheckChange(const ApiChange& change, RuleContext& ctx) const override {
    if (!KubeVersionAtLeast(kube_version(), change.deprecated_in) ||
        KubeVersionAtLeast(kube_version(), change.removed_in)) {
      return;  // not yet deprecated, or already removed (api-removed says so)
    }
    ctx.Report("/apiVersion",
               fmt::format("{} {} is deprecated since Kubernetes {} and removed in {} (target "
                           "{}); {}",
                           change.api_version, change.kind, change.deprecated_in, change.removed_in,
                           kube_version(), Instead(change)));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeApiDeprecated() { return std::make_unique<ApiDeprecated>(); }

}  // namespace syncgate::rules
