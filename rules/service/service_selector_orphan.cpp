// service-selector-orphan: a Service whose selector matches no pod template in the checked set.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/pod_spec.h"
#include "rules/workload/label_selector.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "service-selector-orphan",
    "A Service whose selector matches no pod template among the checked objects",
    "A Service that selects no pods has no endpoints: clients get connection refused, and "
    "ArgoCD still reports the Service healthy. It usually means a label was renamed on one side "
    "only. The check runs across the checked files (and rendered charts) and only when they "
    "contain workloads; pods created elsewhere are not seen.",
    "Make the Service's spec.selector match the labels of the pod template it fronts, in the same "
    "namespace.",
    Severity::kWarning,
    DocKind::kNone,
    RuleScope::kWorkspace};

/// Objects without a namespace are deployed wherever the Application points: match them all.
bool SameNamespace(const Document& a, const Document& b) {
  return a.object().ns.empty() || b.object().ns.empty() || a.object().ns == b.object().ns;
}

class ServiceSelectorOrphan final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    struct Template {
      const Document* doc;
      const Node* labels;
    };
    std::vector<Template> templates;
    workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
      model::ForEachPodSpec(doc, [&](const Node&, const std::string&) {
        templates.push_back({&doc, model::PodLabels(doc)});
      });
    });
    if (templates.empty()) return;
    workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
      if (doc.object().kind != "Service" || doc.object().api_version != "v1") return;
      const Node* selector = doc.root().Path({"spec", "selector"});
      if (!selector || !selector->IsMap() || selector->Resolved().entries.empty()) return;
      for (const Template& t : templates) {
        if (SameNamespace(doc, *t.doc) && MapSelectorMatches(*selector, t.labels)) return;
      }
      ctx.ReportIn(doc, "/spec/selector",
                   fmt::format("Service '{}' selects no pod template among the checked objects: "
                               "it has no endpoints",
                               doc.object().name),
                   {.anchor = Anchor::kKey});
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeServiceSelectorOrphan() {
  return std::make_unique<ServiceSelectorOrphan>();
}

}  // namespace syncgate::rules
