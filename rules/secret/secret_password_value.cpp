// secret-password-value: a literal value under a secret-like key (password, secret, token, apiKey,
// credentials).
#include "rules/secret/secret_sources.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "secret-password-value",
    "A literal value under a secret-like key (password, secret, token, apiKey, credentials)",
    "A value under such a key is read as a credential by the software that consumes it; "
    "committed in plain text it is readable by everyone with the repository. References "
    "(existingSecret, secretName, secretKeyRef), placeholders (changeme, <password>, ${VAR}) "
    "and Helm expressions are not reported; short or low-entropy values are warnings.",
    "Move the value into a SealedSecret (or an external secret store) and reference it with "
    "`existingSecret`/`secretKeyRef`; rotate it, since Git keeps the old value in its "
    "history.",
    Severity::kError,
    DocKind::kAny,
    RuleScope::kFile};

class SecretPasswordValue final : public secrets::ScannerRule {
 public:
  SecretPasswordValue() : ScannerRule(secrets::SecretKind::kPasswordValue) {}
  const RuleMeta& meta() const override { return kMeta; }
};

}  // namespace

std::unique_ptr<Rule> MakeSecretPasswordValue() { return std::make_unique<SecretPasswordValue>(); }

}  // namespace syncgate::rules
