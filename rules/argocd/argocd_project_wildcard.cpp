// argocd-project-wildcard: an AppProject that allows any repository, destination or cluster kind.
#include <fmt/format.h>

#include "checker/rule.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-project-wildcard",
    "An AppProject with '*' source repositories, destinations or cluster resources",
    "An AppProject is the RBAC boundary of its Applications. A '*' in sourceRepos lets them "
    "deploy from any repository (a fork, a personal repo), in destinations lets them deploy to "
    "any cluster or namespace (kube-system included), and in clusterResourceWhitelist lets them "
    "create any cluster-scoped object (ClusterRoleBindings, webhooks, CRDs).",
    "List the repositories, cluster/namespace pairs and cluster-scoped kinds the project needs.",
    Severity::kWarning,
    DocKind::kAppProject,
    RuleScope::kDocument};

bool IsWildcard(const Node* node) { return node && node->IsScalar() && node->Text() == "*"; }

class ArgocdProjectWildcard final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const Node* spec = doc.root().Get("spec");
    if (!spec || !spec->IsMap()) return;
    ForEach(spec->Get("sourceRepos"), "/spec/sourceRepos",
            [&](const Node& item, const std::string& at) {
              if (IsWildcard(&item))
                ctx.Report(at, "sourceRepos '*' allows deploying from any repository");
            });
    ForEach(spec->Get("destinations"), "/spec/destinations",
            [&](const Node& item, const std::string& at) {
              for (const char* key : {"server", "name", "namespace"}) {
                if (IsWildcard(item.Get(key))) {
                  ctx.Report(
                      at + "/" + key,
                      fmt::format("destination {} '*' allows deploying to any {}", key,
                                  std::string_view(key) == "namespace" ? "namespace" : "cluster"));
                }
              }
            });
    ForEach(spec->Get("clusterResourceWhitelist"), "/spec/clusterResourceWhitelist",
            [&](const Node& item, const std::string& at) {
              if (IsWildcard(item.Get("kind"))) {
                ctx.Report(at + "/kind",
                           "clusterResourceWhitelist kind '*' allows creating any "
                           "cluster-scoped object");
              }
            });
  }

 private:
  template <typename Visit>
  static void ForEach(const Node* list, const std::string& pointer, Visit&& visit) {
    if (!list || !list->IsSeq()) return;
    const auto& items = list->Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      visit(items[i]->Resolved(), pointer + "/" + std::to_string(i));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdProjectWildcard() {
  return std::make_unique<ArgocdProjectWildcard>();
}

}  // namespace syncgate::rules
