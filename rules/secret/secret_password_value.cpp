// secret-password-value: a literal value under a secret-like key (password, secret, token, apiKey,
// credentials).
#include "rules/secret/secret_sources.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "secret-password-value",
    "A literal value under a secret-like key (password, secret, token, apiKey, credentials)",
    "A value under such a key is read as a credential by the software that consumes it; "
    "committed in plain text it is readable by everyone with the repository. A weak or "
    "dictionary default (a changeme with digits added) deploys too: a warning. A password "
    "hash (bcrypt, argon2, PBKDF2, crypt) is reported with its own message: not the password, "
    "but crackable offline. References (existingSecret, secretName, secretKeyRef, "
    "`secret-name/KEY`, an ExternalSecret's secretKey), placeholders (changeme, <password>, "
    "${VAR}, my-...), Helm expressions, code (shell commands, function calls), file names, "
    "algorithm names and prose are not reported; nor is anything in documentation, and in test "
    "fixtures only values of a real shape, as info.",
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
