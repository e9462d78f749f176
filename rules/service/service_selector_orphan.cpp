// service-selector-orphan: a Service whose selector matches no pod template in the checked set.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "service-selector-orphan",
    "A Service whose selector matches no pod template among the checked objects",
    "A Service that selects no pods has no endpoints: clients get connection refused, and "
    "ArgoCD still reports the Service healthy. It usually means a label was renamed on one side "
    "only. The check runs across the checked files (and rendered charts), for the namespaces "
    "where they contain workloads. Pods made elsewhere are not judged: those of a namespace "
    "with no checked workload (the control plane in kube-system), those an operator makes for a "
    "custom resource named in the selector, and labels that controllers add at runtime "
    "(statefulset.kubernetes.io/pod-name; a label no template sets is reported as info).",
    "Make the Service's spec.selector match the labels of the pod template it fronts, in the same "
    "namespace.",
    Severity::kWarning,
    DocKind::kNone,
    RuleScope::kWorkspace};

/// Objects without a namespace are deployed wherever the Application points: match them all.
bool SameNamespace(const Document& a, const Document& b) {
  return a.object().ns.empty() || b.object().ns.empty() || a.object().ns == b.object().ns;
}

/// Labels Kubernetes controllers put on the pods they create, never in a pod template: a
/// Service selecting one pod of a StatefulSet, one revision, one Job.
bool IsControllerLabel(std::string_view key) {
  for (std::string_view k :
       {"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
        "controller-revision-hash", "pod-template-hash", "batch.kubernetes.io/job-name", "job-name",
        "batch.kubernetes.io/controller-uid", "controller-uid",
        "batch.kubernetes.io/job-completion-index"}) {
    if (key == k) return true;
  }
  return false;
}

/// An object of a CustomResourceDefinition's API (not a built-in group): its operator may create
/// pods for it (a Prometheus, an Alertmanager), labelled with its name.
bool IsCustomResource(const Document& doc) {
  const std::string& api = doc.object().api_version;
  const size_t slash = api.find('/');
  if (slash == std::string::npos) return false;  // the core group
  const std::string_view group = std::string_view(api).substr(0, slash);
  return group.find('.') != std::string_view::npos && !EndsWith(group, ".k8s.io") &&
         !EndsWith(group, ".kubernetes.io");
}

using Selector = std::vector<std::pair<std::string_view, std::string_view>>;

struct PodTemplate {
  const Document* doc;
  const Node* labels;
};

bool Matches(const Selector& selector, const Node* labels) {
  for (const auto& [key, value] : selector) {
    const Node* label = labels && labels->IsMap() ? labels->Get(key) : nullptr;
    if (!label || label->Text() != value) return false;
  }
  return true;
}

bool HasLabel(const Node* labels, std::string_view key) {
  return labels && labels->IsMap() && labels->Get(key) != nullptr;
}

class ServiceSelectorOrphan final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    std::vector<PodTemplate> templates;
    std::vector<const Document*> custom_resources;
    workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
      model::ForEachPodSpec(doc, [&](const Node&, const std::string&) {
        templates.push_back({&doc, model::PodLabels(doc)});
      });
      if (IsCustomResource(doc)) custom_resources.push_back(&doc);
    });
    if (templates.empty()) return;
    workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
      if (doc.object().kind != "Service" || doc.object().api_version != "v1") return;
      const Node* node = doc.root().Path({"spec", "selector"});
      if (!node || !node->IsMap() || node->Resolved().entries.empty()) return;
      Selector selector;
      for (const MapEntry& entry : node->Resolved().entries) {
        if (!IsControllerLabel(entry.key->value))
          selector.emplace_back(entry.key->value, entry.value->Text());
      }
      if (selector.empty()) return;  // one pod of a StatefulSet, one Job: made by a controller
      for (const PodTemplate& t : templates) {
        if (SameNamespace(doc, *t.doc) && Matches(selector, t.labels)) return;
      }
      // Pods the operator of a custom resource of the checked set makes, labelled with its name
      // (`alertmanager: main` for the Alertmanager `main`).
      for (const Document* cr : custom_resources) {
        if (!SameNamespace(doc, *cr)) continue;
        for (const auto& [key, value] : selector) {
          if (value == cr->object().name) return;
        }
      }
      Judge(doc, selector, templates, ctx);
    });
  }

 private:
  static void Judge(const Document& service, const Selector& selector,
                    const std::vector<PodTemplate>& templates, RuleContext& ctx) {
    const std::string& ns = service.object().ns;
    // The pod templates known to run in the Service's namespace: those that name it, and those
    // without a namespace deployed together with the Service (the same file or render).
    std::vector<const Node*> in_namespace;
    for (const PodTemplate& t : templates) {
      const std::string& t_ns = t.doc->object().ns;
      if (ns.empty() || t_ns == ns || (t_ns.empty() && &t.doc->source() == &service.source())) {
        in_namespace.push_back(t.labels);
      }
    }
    const std::string name = service.object().name;
    if (in_namespace.empty()) {
      // No workload of that namespace is checked: its pods are made elsewhere (kube-system's
      // control plane), unless the selector matches pods of another namespace (a wrong one;
      // templates without a namespace matched above already).
      for (const PodTemplate& t : templates) {
        if (Matches(selector, t.labels)) {
          Report(service,
                 fmt::format("Service '{}' selects no pod template among the checked objects of "
                             "namespace {} (it matches pods of namespace {}): it has no endpoints",
                             name, ns, t.doc->object().ns),
                 Severity::kWarning, ctx);
          return;
        }
      }
      return;
    }
    // Selector keys that no pod template of the namespace sets come from somewhere the checked
    // objects do not show: a controller that labels its pods at runtime (Vault's vault-active,
    // an operator's leader label) or a deployment of another repository.
    Selector known;
    std::vector<std::string_view> foreign;
    for (const auto& entry : selector) {
      const bool set =
          std::any_of(in_namespace.begin(), in_namespace.end(),
                      [&](const Node* labels) { return HasLabel(labels, entry.first); });
      if (set) {
        known.push_back(entry);
      } else {
        foreign.push_back(entry.first);
      }
    }
    if (!foreign.empty()) {
      bool rest_matches = known.empty();
      for (const PodTemplate& t : templates) {
        if (SameNamespace(service, *t.doc) && Matches(known, t.labels)) rest_matches = true;
      }
      if (rest_matches) {
        Report(
            service,
            fmt::format("Service '{}' selects pods by {} '{}', which no pod template of the "
                        "checked objects sets: a label its controller adds at runtime, or pods "
                        "deployed elsewhere",
                        name, foreign.size() == 1 ? "label" : "labels", fmt::join(foreign, "', '")),
            Severity::kInfo, ctx);
        return;
      }
    }
    Report(service,
           fmt::format("Service '{}' selects no pod template among the checked objects: it has "
                       "no endpoints",
                       name),
           Severity::kWarning, ctx);
  }

  static void Report(const Document& service, std::string message, Severity severity,
                     RuleContext& ctx) {
    ctx.ReportIn(service, "/spec/selector", std::move(message),
                 {.severity = severity, .anchor = Anchor::kKey});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeServiceSelectorOrphan() {
  return std::make_unique<ServiceSelectorOrphan>();
}

}  // namespace syncgate::rules
