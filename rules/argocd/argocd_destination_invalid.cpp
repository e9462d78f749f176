// argocd-destination-invalid: a destination with both or neither of server and name.
#include "checker/rule.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-destination-invalid",
    "An Application destination with both server and name, or neither",
    "ArgoCD requires exactly one of destination.server and destination.name: with both it refuses "
    "the Application (\"application destination can't have both name and server defined\"), with "
    "neither it cannot tell which cluster to deploy to. Either way nothing syncs.",
    "Set only `server: https://kubernetes.default.svc` (or the cluster's API URL), or only the "
    "cluster's registered `name`.",
    Severity::kError,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

bool Set(const Node* node) { return node && node->IsScalar() && !node->Text().empty(); }

class ArgocdDestinationInvalid final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    const Node* destination = app->destination;
    const std::string at = app->pointer + "/destination";
    if (!destination || !destination->IsMap()) {
      ctx.Report(at, "the Application has no destination (server or name, and a namespace)");
      return;
    }
    const bool server = Set(app->destination_server);
    const bool name = Set(app->destination_name);
    if (server && name) {
      ctx.Report(at + "/name", "destination sets both server and name; ArgoCD accepts only one");
    } else if (!server && !name) {
      ctx.Report(at, "destination sets neither server nor name; ArgoCD cannot pick a cluster",
                 {.anchor = Anchor::kKey});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdDestinationInvalid() {
  return std::make_unique<ArgocdDestinationInvalid>();
}

}  // namespace syncgate::rules
