// api-removed: an apiVersion the target Kubernetes version no longer serves.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/run_settings.h"
#include "checker/schema_store.h"
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
    kAnyObject};

class ApiRemoved final : public Rule {
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
    if (!change || !KubeVersionAtLeast(kube_version_, change->removed_in)) return;
    const std::string instead =
        change->replacement.empty() ? std::string(change->note)
                                    : fmt::format("use apiVersion: {}", change->replacement);
    ctx.Report("/apiVersion", fmt::format("{} {} was removed in Kubernetes {} (target {}); {}",
                                          change->api_version, change->kind, change->removed_in,
                                          kube_version_, instead));
  }

 private:
  std::string kube_version_;
};

}  // namespace

std::unique_ptr<Rule> MakeApiRemoved() { return std::make_unique<ApiRemoved>(); }

}  // namespace syncgate::rules
