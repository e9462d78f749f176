#pragma once
// What the sealed rules share. SealingRule: the run's certificates and keys (--sealed-cert,
// --sealed-key, `sealed_secrets:`), loaded once. SealedValueRule, for the rules that need the
// controller's private key: each encryptedData value is decrypted in memory once per rule and
// judged by the rule.
//
//   class MyRule final : public SealedValueRule {
//     void CheckWorkspace(const Workspace& ws, RuleContext& ctx) const override {
//       ForEachVerdict(ws, [&](const Document& doc, const SealedValueContext& value) { ... });
//     }
//   };

#include <functional>
#include <memory>
#include <string>

#include "checker/rule.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"
#include "model/sealed_secret.h"

namespace syncgate::rules {

/// One sealed value with what decrypting it showed.
struct SealedValueContext {
  const model::SealedObject& sealed;
  const model::SealedItem& item;
  const std::string& label;  // the label the controller will unseal it with
  const model::ValueVerdict& verdict;
};

class SealingRule : public Rule {
 public:
  Status Setup(const RunScope& run) override {
    auto setup = model::SealingSetup::Get(run);
    if (!setup) return Unexpected(setup.error());
    setup_ = *setup;
    default_ns_ = run.settings.default_namespace;
    return Ok{};
  }

 protected:
  const model::SealingSetup& setup() const { return *setup_; }
  /// --namespace: for SealedSecrets that name none.
  const std::string& default_namespace() const { return default_ns_; }

 private:
  std::shared_ptr<model::SealingSetup> setup_;
  std::string default_ns_;
};

class SealedValueRule : public SealingRule {
 protected:
  /// Calls `visit` for every value of every SealedSecret when private keys were given. Values of
  /// a SealedSecret whose namespace cannot be resolved are left to sealed-secret-malformed.
  void ForEachVerdict(
      const Workspace& workspace,
      const std::function<void(const Document&, const SealedValueContext&)>& visit) const {
    if (!setup().has_keys()) return;
    workspace.ForEachDocument(DocKind::kSealedSecret, [&](const Document& doc) {
      const model::SealedObject sealed = model::ReadSealedSecret(doc);
      const std::string ns = model::ResolveNamespace(doc, sealed, workspace, default_namespace());
      if (ns.empty() && sealed.scope != sealing::Scope::kClusterWide) return;
      const std::string label = sealing::LabelFor(sealed.scope, ns, sealed.name);
      const auto candidates = model::CandidateLabels(sealed, workspace, default_namespace());
      for (const model::SealedItem& item : sealed.items) {
        const model::ValueVerdict verdict = setup().Verify(item.value->Text(), label, candidates);
        visit(doc, SealedValueContext{sealed, item, label, verdict});
      }
    });
  }
};

}  // namespace syncgate::rules
