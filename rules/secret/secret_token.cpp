// secret-token: a known credential format: AWS, GitHub, GitLab, Slack, Google, Stripe, npm, JWT,
// Docker auths, URL passwords.
#include "rules/secret/secret_sources.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "secret-token",
    "A known credential format: AWS, GitHub, GitLab, Slack, Google, Stripe, npm, JWT, Docker "
    "auths, URL passwords",
    "These formats are issued by a provider and grant API access as their owner; attackers "
    "scan public and leaked repositories for exactly these prefixes within minutes. A masked "
    "body (`ghp_XXXX...`, `AKIA0000...`) is a placeholder; in a test fixture (helm-unittest "
    "suites, `testdata/`) a real-shaped token is reported as info.",
    "Revoke the credential at its provider, remove it from the repository, and deliver it as "
    "a SealedSecret or through an external secret store.",
    Severity::kError,
    DocKind::kAny,
    RuleScope::kFile};

class SecretToken final : public secrets::ScannerRule {
 public:
  SecretToken() : ScannerRule(secrets::SecretKind::kToken) {}
  const RuleMeta& meta() const override { return kMeta; }
};

}  // namespace

std::unique_ptr<Rule> MakeSecretToken() { return std::make_unique<SecretToken>(); }

}  // namespace syncgate::rules
