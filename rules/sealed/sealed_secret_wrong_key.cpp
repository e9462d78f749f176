// sealed-secret-wrong-key: a value sealed with a key none of the given certificates holds.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/sealed_secret.h"
#include "rules/sealed/sealed_value_rule.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "sealed-secret-wrong-key",
    "A sealed value that does not fit any of the controller's certificates",
    "Each value carries its RSA block: its size is the size of the key it was sealed with, and "
    "it is smaller than that key's modulus. A value sealed for another cluster's controller, or "
    "with a certificate of another size, will not unseal here. Runs only when certificates or "
    "keys are given (--sealed-cert, --sealed-key or sealed_secrets: in .syncgate.yaml).",
    "Re-seal the value with this cluster's certificate (`kubeseal --fetch-cert`, then "
    "`syncgate seal --cert`), or add the right certificate to the check.",
    Severity::kError,
    DocKind::kSealedSecret,
    RuleScope::kDocument};

class SealedSecretWrongKey final : public SealingRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (setup().keyring().BlockSizes().empty()) return;  // nothing to compare with
    for (const model::SealedItem& item : model::ReadSealedSecret(doc).items) {
      const auto result = sealing::CheckStructure(item.value->Text(), setup().keyring());
      if (result.status == sealing::StructureStatus::kWrongKey) {
        ctx.Report(item.pointer, fmt::format("encryptedData '{}': {}", item.key, result.reason));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSealedSecretWrongKey() {
  return std::make_unique<SealedSecretWrongKey>();
}

}  // namespace syncgate::rules
