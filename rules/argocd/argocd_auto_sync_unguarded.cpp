// argocd-auto-sync-unguarded: automated prune/selfHeal on a production Application.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/scalar_types.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-auto-sync-unguarded",
    "Automated sync with prune or selfHeal on an Application marked as production",
    "With automated sync every push to the tracked revision reaches production at once; prune "
    "deletes whatever disappeared from the render (a template typo can delete a StatefulSet) and "
    "selfHeal reverts emergency fixes made in the cluster. The QSIGN guide itself says auto-sync "
    "must be used carefully in production and important changes should get manual approval. "
    "Applies only where .syncgate.yaml (environments:) or --env marks the Application as "
    "production.",
    "Sync production manually (remove syncPolicy.automated), or gate the revision it tracks: pin "
    "targetRevision and let only gated commits move it, and add a deny sync window in the "
    "AppProject for unattended hours.",
    Severity::kError,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

class ArgocdAutoSyncUnguarded final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (!ctx.production()) return;
    auto app = model::ReadApplication(doc);
    if (!app) return;
    const model::SyncPolicy& policy = app->sync_policy;
    if (!policy.automated) return;  // absent or null: manual sync
    const Node* enabled = policy.automated_enabled;
    if (enabled && enabled->IsScalar() && enabled->Text() == "false") return;
    const bool prune = IsYaml11True(policy.prune);
    const bool self_heal = IsYaml11True(policy.self_heal);
    if (!prune && !self_heal) return;
    const char* what = prune && self_heal ? "prune and selfHeal" : prune ? "prune" : "selfHeal";
    ctx.Report(app->pointer + "/syncPolicy/automated",
               fmt::format("automated sync with {} on a production Application (environment {}): "
                           "every push reaches production without approval",
                           what, ctx.environment()),
               {.anchor = Anchor::kKey});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdAutoSyncUnguarded() {
  return std::make_unique<ArgocdAutoSyncUnguarded>();
}

}  // namespace syncgate::rules
