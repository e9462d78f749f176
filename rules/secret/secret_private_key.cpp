// secret-private-key: a PEM private key (RSA, EC, OpenSSH, PKCS#8, PGP), also base64-wrapped or as
// client-key-data.
#include "rules/secret/secret_sources.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "secret-private-key",
    "A PEM private key (RSA, EC, OpenSSH, PKCS#8, PGP), also base64-wrapped or as client-key-"
    "data",
    "A private key in Git lets anyone with the repository impersonate the service, decrypt "
    "its traffic or log in as its user; kubeconfig `client-key-data` is a cluster credential. "
    "A block elided with `...` is documentation and not reported; a full block whose body does "
    "not decode as a key of its type is reported as info (an example?); a real key is an "
    "error anywhere.",
    "Replace the key pair (the old one is in Git history), and deliver the new key as a "
    "SealedSecret or through cert-manager or an external secret store.",
    Severity::kError,
    DocKind::kAny,
    RuleScope::kFile};

class SecretPrivateKey final : public secrets::ScannerRule {
 public:
  SecretPrivateKey() : ScannerRule(secrets::SecretKind::kPrivateKey) {}
  const RuleMeta& meta() const override { return kMeta; }
};

}  // namespace

std::unique_ptr<Rule> MakeSecretPrivateKey() { return std::make_unique<SecretPrivateKey>(); }

}  // namespace syncgate::rules
