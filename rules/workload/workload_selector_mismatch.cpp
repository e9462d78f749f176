// workload-selector-mismatch: a workload selector that does not select its own pod template.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/pod_spec.h"
#include "rules/workload/label_selector.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-selector-mismatch",
    "A workload whose spec.selector does not match its pod template's labels",
    "The controller owns the pods its selector matches. When the template's labels do not match "
    "the API server rejects the object (apps/v1), so the sync fails; for kinds it does not "
    "validate (Argo Rollouts, older APIs) the controller keeps creating pods it never counts.",
    "Make spec.selector.matchLabels a subset of spec.template.metadata.labels (selectors are "
    "immutable: changing one on a live Deployment needs a delete and recreate).",
    Severity::kError,
    DocKind::kManifest,
    RuleScope::kDocument};

class WorkloadSelectorMismatch final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const std::string& kind = doc.object().kind;
    if (kind != "Deployment" && kind != "StatefulSet" && kind != "DaemonSet" &&
        kind != "ReplicaSet" && kind != "Rollout") {
      return;
    }
    const Node* selector = doc.root().Path({"spec", "selector"});
    if (!selector || !selector->IsMap()) return;  // a missing selector is the schema's to report
    const Node* labels = model::PodLabels(doc);
    std::string why;
    if (!SelectorMatches(*selector, labels, &why)) {
      ctx.Report("/spec/selector",
                 fmt::format("the selector does not match the pod template: {}", why),
                 {.anchor = Anchor::kKey});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadSelectorMismatch() {
  return std::make_unique<WorkloadSelectorMismatch>();
}

}  // namespace syncgate::rules
