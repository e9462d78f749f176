// secret-vault-token: a HashiCorp Vault token (hvs., hvb., hvr., legacy s.) in plain text.
#include "rules/secret/secret_sources.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "secret-vault-token",
    "A HashiCorp Vault token (hvs., hvb., hvr., legacy s.) in plain text",
    "A Vault token authenticates as its policies for its whole TTL; a root token (as printed "
    "by `vault operator init`) can read and change everything. Other scanners require 90+ "
    "characters after `hvs.` and miss the real 28-character root token.",
    "Revoke the token (`vault token revoke`), take it out of the repository, and let "
    "workloads authenticate with the Kubernetes auth method or a SealedSecret instead of a "
    "static token.",
    Severity::kError,
    DocKind::kAny,
    RuleScope::kFile};

class SecretVaultToken final : public secrets::ScannerRule {
 public:
  SecretVaultToken() : ScannerRule(secrets::SecretKind::kVaultToken) {}
  const RuleMeta& meta() const override { return kMeta; }
};

}  // namespace

std::unique_ptr<Rule> MakeSecretVaultToken() { return std::make_unique<SecretVaultToken>(); }

}  // namespace syncgate::rules
