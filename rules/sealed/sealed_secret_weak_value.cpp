// sealed-secret-weak-value: a sealed value that decrypts to nothing or to a placeholder.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "rules/sealed/sealed_value_rule.h"

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
    DocKind::kSealedSecret,
    RuleScope::kWorkspace};

class SealedSecretWeakValue final : public SealedValueRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    ForEachVerdict(workspace, [&](const Document& doc, const SealedValueContext& v) {
      if (!v.verdict.weak) return;
      ctx.ReportIn(
          doc, v.item.pointer,
          fmt::format("encryptedData '{}' decrypts to {}", v.item.key, v.verdict.weak_reason));
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretWeakValue() {
  return std::make_unique<SealedSecretWeakValue>();
}

}  // namespace syncgate::rules
