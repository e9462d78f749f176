// sealed-secret-weak-value: a sealed value that decrypts to nothing or to a placeholder.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "sealing/sealed_object.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "sealed-secret-weak-value",
    "A sealed value that decrypts to an empty value or a placeholder",
    "Sealing hides the value from review: a password sealed as 'changeme', 'TODO' or an empty "
    "string deploys as that, and nobody sees it in the diff. The value is decrypted in memory "
    "and never printed. Needs the controller's private key (--sealed-key).",
    "Seal the real value (`syncgate seal`), generated for this environment.",
    Severity::kError,
    DocKind::kSealedSecret};

class SealedSecretWeakValue final : public Rule {
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
        if (!verdict.weak) continue;
        ctx.ReportIn(doc, item.pointer, fmt::format("encryptedData '{}' decrypts to {}", item.key,
                                                    verdict.weak_reason));
      }
    });
  }

 private:
  std::shared_ptr<sealing::SealingSetup> setup_;
  std::string default_ns_;
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretWeakValue() { return std::make_unique<SealedSecretWeakValue>(); }

}  // namespace syncgate::rules
