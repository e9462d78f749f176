// sealed-secret-undecryptable: no private key opens a sealed value.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "sealing/sealed_object.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "sealed-secret-undecryptable",
    "A sealed value that none of the controller's private keys opens",
    "With the controller's keys (a CI stage that holds them), each value is decrypted in memory: "
    "one that no key opens was sealed for another controller or altered after sealing (a bad "
    "merge, a hand edit). The controller will report it as unsealable and keep the old Secret, "
    "or create none. Needs the controller's private key (--sealed-key).",
    "Re-seal the value with this controller's current certificate (`syncgate seal`), or add the "
    "controller's older keys to the check if it was sealed before a key renewal.",
    Severity::kError,
    DocKind::kSealedSecret};

class SealedSecretUndecryptable final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  Status Setup(const Config& config, const RunSettings& settings) override {
    auto setup = sealing::SealingSetup::Get(config, settings);
    if (!setup) return Unexpected(setup.error());
    setup_ = *setup;
    default_ns_ = settings.default_namespace;
    return Ok{};
  }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    if (!setup_->has_keys()) return;
    workspace.ForEachDocument(DocKind::kSealedSecret, [&](const Document& doc) {
      const sealing::SealedObject sealed = sealing::ReadSealedSecret(doc);
      const std::string ns = sealing::ResolveNamespace(doc, sealed, workspace, default_ns_);
      if (ns.empty() && sealed.scope != sealing::Scope::kClusterWide) return;  // malformed says so
      const std::string label = sealing::LabelFor(sealed.scope, ns, sealed.name);
      const auto candidates = sealing::CandidateLabels(sealed, workspace, default_ns_);
      for (const sealing::SealedItem& item : sealed.items) {
        const auto verdict = setup_->Verify(item.value->Text(), label, candidates);
        if (verdict.status != sealing::UnsealStatus::kUndecryptable) continue;
        ctx.ReportIn(doc, item.pointer,
                     fmt::format("encryptedData '{}' does not decrypt: {}", item.key, verdict.reason));
      }
    });
  }

 private:
  std::shared_ptr<sealing::SealingSetup> setup_;
  std::string default_ns_;
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretUndecryptable() {
  return std::make_unique<SealedSecretUndecryptable>();
}

}  // namespace syncgate::rules
