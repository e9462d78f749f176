// sealed-secret-malformed: a SealedSecret the controller cannot unseal, provable without a key.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/sealed_secret.h"
#include "rules/sealed/sealed_value_rule.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "sealed-secret-malformed",
    "A SealedSecret whose values or metadata cannot unseal in the cluster",
    "The controller unseals each encryptedData value with the label of the object's own metadata "
    "(namespace/name, namespace, or nothing, by scope). A value that is not kubeseal's base64 "
    "layout, is truncated, or an object whose template, scope annotations or namespace contradict "
    "each other never becomes a Secret: the application starts without it, after the merge.",
    "Re-seal the value with `syncgate seal` or kubeseal against the controller's certificate, "
    "keep spec.template.metadata equal to metadata, use one scope annotation, and give strict "
    "SealedSecrets a namespace (metadata, the Application destination or --namespace).",
    Severity::kError,
    DocKind::kSealedSecret,
    RuleScope::kWorkspace};

class SealedSecretMalformed final : public SealingRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    workspace.ForEachDocument(DocKind::kSealedSecret, [&](const Document& doc) {
      const model::SealedObject sealed = model::ReadSealedSecret(doc);
      for (const model::ObjectProblem& p : sealed.problems) ctx.ReportIn(doc, p.pointer, p.message);
      if (sealed.scope != sealing::Scope::kClusterWide &&
          model::ResolveNamespace(doc, sealed, workspace, default_namespace()).empty()) {
        ctx.ReportIn(doc, doc.Find("/metadata/name") ? "/metadata/name" : "/metadata",
                     fmt::format("a {} SealedSecret needs a namespace: none in its metadata, no "
                                 "Application in the checked set deploys this file, and no "
                                 "--namespace was given",
                                 sealing::ScopeName(sealed.scope)));
      }
      for (const model::SealedItem& item : sealed.items) {
        const auto result = sealing::CheckStructure(item.value->Text(), setup().keyring());
        if (result.status == sealing::StructureStatus::kMalformed) {
          ctx.ReportIn(doc, item.pointer,
                       fmt::format("encryptedData '{}': {}", item.key, result.reason));
        }
      }
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretMalformed() {
  return std::make_unique<SealedSecretMalformed>();
}

}  // namespace syncgate::rules
