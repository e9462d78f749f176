// sealed-secret-undecryptable: no private key opens a sealed value.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "rules/sealed/sealed_value_rule.h"

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
    DocKind::kSealedSecret,
    RuleScope::kWorkspace};

class SealedSecretUndecryptable final : public SealedValueRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    ForEachVerdict(workspace, [&](const Document& doc, const SealedValueContext& v) {
      if (v.verdict.status != sealing::UnsealStatus::kUndecryptable) return;
      ctx.ReportIn(
          doc, v.item.pointer,
          fmt::format("encryptedData '{}' does not decrypt: {}", v.item.key, v.verdict.reason));
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretUndecryptable() {
  return std::make_unique<SealedSecretUndecryptable>();
}

}  // namespace syncgate::rules
