// secret-vault-unseal-key: a HashiCorp Vault unseal or recovery key share in plain text.
#include "rules/secret/secret_sources.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "secret-vault-unseal-key",
    "A HashiCorp Vault unseal or recovery key share in plain text",
    "Unseal key shares (the output of `vault operator init`) are the root of Vault's "
    "security: a quorum of them decrypts the whole storage, every secret Vault holds. "
    "Committed to Git, they are readable by everyone with the repository and stay in its "
    "history forever; in an ArgoCD Application they are also readable through the ArgoCD API "
    "and UI.",
    "Remove the shares from the repository and rekey Vault (`vault operator rekey`), since "
    "the old shares stay in Git history. Keep shares offline with their holders, or use auto-"
    "unseal (an HSM or cloud KMS seal); for automation, deliver them as a SealedSecret.",
    Severity::kError,
    DocKind::kAny,
    RuleScope::kFile};

class SecretVaultUnsealKey final : public secrets::ScannerRule {
 public:
  SecretVaultUnsealKey() : ScannerRule(secrets::SecretKind::kVaultUnsealKey) {}
  const RuleMeta& meta() const override { return kMeta; }
};

}  // namespace

std::unique_ptr<Rule> MakeSecretVaultUnsealKey() {
  return std::make_unique<SecretVaultUnsealKey>();
}

}  // namespace syncgate::rules
