// sealed-secret-scope-mismatch: a value that unseals only under another namespace, name or scope.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "sealing/sealed_object.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "sealed-secret-scope-mismatch",
    "A sealed value that opens only for another namespace, name or scope",
    "The label a value is sealed with binds it to a namespace and name (strict), a namespace "
    "(namespace-wide) or nothing (cluster-wide). A SealedSecret copied between environments, "
    "renamed, or moved by an Application into another namespace keeps its old label: the "
    "controller's key opens it, but not for this object, and the Secret is never created. Needs "
    "the controller's private key (--sealed-key).",
    "Re-seal the value for the namespace and name the object deploys to (`syncgate seal`), or "
    "set the scope annotation the value was sealed with.",
    Severity::kError,
    DocKind::kSealedSecret};

class SealedSecretScopeMismatch final : public Rule {
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
        if (verdict.status != sealing::UnsealStatus::kWrongLabel) continue;
        const std::string sealed_for =
            !verdict.sealed_label ? "another namespace, name or scope"
            : verdict.sealed_label->empty() ? "cluster-wide scope"
                                            : fmt::format("'{}'", *verdict.sealed_label);
        ctx.ReportIn(doc, item.pointer,
                     fmt::format("encryptedData '{}' was sealed for {}, but this {} SealedSecret "
                                 "unseals it as '{}': the controller will not decrypt it",
                                 item.key, sealed_for, sealing::ScopeName(sealed.scope), label));
      }
    });
  }

 private:
  std::shared_ptr<sealing::SealingSetup> setup_;
  std::string default_ns_;
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretScopeMismatch() {
  return std::make_unique<SealedSecretScopeMismatch>();
}

}  // namespace syncgate::rules
