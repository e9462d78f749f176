// metadata-default-namespace: an object or Application destination in the `default` namespace.
#include "checker/rule.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "metadata-default-namespace",
    "An object, or an Application's destination, in the default namespace",
    "The default namespace is where everything lands that names no namespace: objects there "
    "share one set of quotas, NetworkPolicies and RoleBindings with every stray manifest, and "
    "nothing marks who owns them (CIS Kubernetes Benchmark 5.7.4).",
    "Give the application its own namespace (metadata.namespace, or the Application's "
    "destination.namespace with CreateNamespace=true).",
    Severity::kWarning,
    kAnyObject,
    RuleScope::kDocument};

class MetadataDefaultNamespace final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (doc.object().ns == "default") {
      ctx.Report("/metadata/namespace", "the object is placed in the default namespace");
    }
    if (auto app = model::ReadApplication(doc)) {
      if (model::Text(app->destination_namespace) == "default") {
        ctx.Report(app->pointer + "/destination/namespace",
                   "the Application deploys into the default namespace");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeMetadataDefaultNamespace() {
  return std::make_unique<MetadataDefaultNamespace>();
}

}  // namespace syncgate::rules
