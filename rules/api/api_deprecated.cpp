// api-deprecated: an apiVersion the target Kubernetes version still serves but will remove.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/run_settings.h"
#include "checker/schema_store.h"
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
    kAnyObject};

class ApiDeprecated final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  Status Setup(const Config& config, const RunSettings& settings) override {
    kube_version_ = EffectiveKubeVersion(config, settings);
    if (!ParseKubeVersion(kube_version_)) {
      return Unexpected(fmt::format("--kube-version '{}' is not a version X.Y", kube_version_));
    }
    return Ok{};
  }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const ApiChange* change = FindApiChange(doc.object().api_version, doc.object().kind);
    if (!change || !KubeVersionAtLeast(kube_version_, change->deprecated_in) ||
        KubeVersionAtLeast(kube_version_, change->removed_in)) {
      return;  // current, not yet deprecated, or already removed (api-removed says so)
    }
    const std::string instead =
        change->replacement.empty() ? std::string(change->note)
                                    : fmt::format("use apiVersion: {}", change->replacement);
    ctx.Report("/apiVersion",
               fmt::format("{} {} is deprecated since Kubernetes {} and removed in {} (target "
                           "{}); {}",
                           change->api_version, change->kind, change->deprecated_in,
                           change->removed_in, kube_version_, instead));
  }

 private:
  std::string kube_version_;
};

}  // namespace

std::unique_ptr<Rule> MakeApiDeprecated() { return std::make_unique<ApiDeprecated>(); }

}  // namespace syncgate::rules
