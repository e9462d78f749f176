// argocd-prune-allow-empty: automated prune that may delete everything.
#include "checker/rule.h"
#include "checker/scalar_types.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-prune-allow-empty",
    "Automated sync with prune: true and allowEmpty: true",
    "With prune on and allowEmpty off, ArgoCD refuses an automated sync that would delete every "
    "resource (\"auto-sync will wipe out all resources\"). allowEmpty: true removes that safety "
    "net: a render that comes out empty (a broken plugin, a wrong path, a values typo) deletes the "
    "whole application.",
    "Remove allowEmpty (it defaults to false); empty an application deliberately with a manual "
    "sync.",
    Severity::kWarning,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

class ArgocdPruneAllowEmpty final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    const model::SyncPolicy& policy = app->sync_policy;
    if (IsYaml11True(policy.prune) && IsYaml11True(policy.allow_empty)) {
      ctx.Report(app->pointer + "/syncPolicy/automated/allowEmpty",
                 "prune with allowEmpty: an empty render deletes every resource of the "
                 "application");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdPruneAllowEmpty() {
  return std::make_unique<ArgocdPruneAllowEmpty>();
}

}  // namespace syncgate::rules
