// secret-vault-token: a HashiCorp Vault token (hvs., hvb., hvr., legacy s.) in plain text.
#include "rules/secrets/secret_sources.h"

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
    DocKind::kAny};

class SecretVaultToken final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  Status Setup(const Config& config, const RunSettings&) override {
    Expected<secrets::Allowlist> allowlist = secrets::Allowlist::FromConfig(config);
    if (!allowlist) return Unexpected(allowlist.error());
    allowlist_ = std::move(*allowlist);
    return Ok{};
  }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    secrets::ReportHits(secrets::SecretKind::kVaultToken, doc, allowlist_, ctx);
  }

  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    secrets::ReportHits(secrets::SecretKind::kVaultToken, file, allowlist_, ctx);
  }

 private:
  secrets::Allowlist allowlist_;
};

}  // namespace

std::unique_ptr<Rule> MakeSecretVaultToken() { return std::make_unique<SecretVaultToken>(); }

}  // namespace syncgate::rules
