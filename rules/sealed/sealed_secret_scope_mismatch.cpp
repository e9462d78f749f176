// sealed-secret-scope-mismatch: a value that unseals only under another namespace, name or scope.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "rules/sealed/sealed_value_rule.h"

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
    DocKind::kSealedSecret,
    RuleScope::kWorkspace};

class SealedSecretScopeMismatch final : public SealedValueRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    ForEachVerdict(workspace, [&](const Document& doc, const SealedValueContext& v) {
      if (v.verdict.status != sealing::UnsealStatus::kWrongLabel) return;
      const std::string sealed_for = !v.verdict.sealed_label ? "another namespace, name or scope"
                                     : v.verdict.sealed_label->empty()
                                         ? "cluster-wide scope"
                                         : fmt::format("'{}'", *v.verdict.sealed_label);
      ctx.ReportIn(
          doc, v.item.pointer,
          fmt::format("encryptedData '{}' was sealed for {}, but this {} SealedSecret "
                      "unseals it as '{}': the controller will not decrypt it",
                      v.item.key, sealed_for, sealing::ScopeName(v.sealed.scope), v.label));
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretScopeMismatch() {
  return std::make_unique<SealedSecretScopeMismatch>();
}

}  // namespace syncgate::rules
