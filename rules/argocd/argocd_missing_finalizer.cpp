// argocd-missing-finalizer: an Application whose deletion orphans its resources.
#include "checker/rule.h"
#include "checker/text_util.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-missing-finalizer",
    "An Application without the resources-finalizer.argocd.argoproj.io finalizer",
    "Without the resources finalizer, deleting the Application deletes only the Application: its "
    "Deployments, Services, Secrets and volumes stay in the cluster, unmanaged and drifting, and "
    "a later Application for the same objects collides with them.",
    "Add `metadata.finalizers: [resources-finalizer.argocd.argoproj.io]` (or its /background "
    "form). If orphaning is intended, suppress this rule on the Application with the reason.",
    Severity::kWarning,
    DocKind::kApplication,
    RuleScope::kDocument};

class ArgocdMissingFinalizer final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const Node* finalizers = doc.root().Path({"metadata", "finalizers"});
    if (finalizers && finalizers->IsSeq()) {
      for (const Node* item : finalizers->Resolved().items) {
        if (StartsWith(item->Text(), "resources-finalizer.argocd.argoproj.io")) return;
      }
    }
    const Node* metadata = doc.root().Get("metadata");
    const Node* key = !metadata    ? nullptr
                      : finalizers ? metadata->KeyNode("finalizers")
                                   : metadata->KeyNode("name");
    ctx.Report(finalizers ? "/metadata/finalizers" : "/metadata",
               "no resources-finalizer.argocd.argoproj.io: deleting this Application leaves all "
               "its resources running in the cluster",
               {.at = key ? key->pos : Position{}});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdMissingFinalizer() {
  return std::make_unique<ArgocdMissingFinalizer>();
}

}  // namespace syncgate::rules
