// secret-k8s-plaintext: a Kubernetes Secret with literal data committed to Git.
#include <fmt/format.h>

#include "rules/secret/secret_sources.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "secret-k8s-plaintext",
    "A Kubernetes Secret with literal data or stringData committed to Git",
    "Secret `data` is base64, an encoding anyone can reverse; `stringData` is plain text. "
    "Committed to Git, every value is readable by everyone with the repository and stays in "
    "its history. The guide's rule: secrets reach the cluster as Sealed Secrets only. Reported "
    "when an entry holds a credential (also as JSON, or written in a Helm template): not for "
    "placeholders, templated values, fields that are not secret (url, type, username, ca.crt), "
    "configuration files without a secret in them, or Helm's release records; not in "
    "documentation or test data. Its decoded values are also checked by the other secret-* "
    "rules.",
    "Seal the Secret (`kubeseal` or `syncgate seal`) and commit the SealedSecret instead, or "
    "template the values from an external secret store; rotate what was committed.",
    Severity::kError,
    kAnyObject,
    RuleScope::kFile};

std::string Message(const secrets::PlaintextSecret& secret) {
  std::string keys;
  for (const std::string& key : secret.keys) keys += (keys.empty() ? "" : ", ") + key;
  return fmt::format(
      "Secret{} has {} plaintext value{} ({}) committed to the repository; "
      "base64 is not encryption: commit a SealedSecret instead",
      secret.name.empty() ? "" : " '" + secret.name + "'", secret.keys.size(),
      secret.keys.size() == 1 ? "" : "s", keys);
}

class SecretK8sPlaintext final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    for (const secrets::PlaintextSecret& secret : secrets::PlaintextSecretsIn(doc)) {
      ctx.Report("/kind", Message(secret));
    }
  }

  /// Helm templates are not YAML until rendered: their Secrets are found in the text.
  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    if (file.input.kind != FileKind::kTemplate && file.input.kind != FileKind::kText) return;
    for (const secrets::PlaintextSecret& secret : secrets::PlaintextSecretsIn(file)) {
      ctx.Report("", Message(secret), {.at = secret.at});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSecretK8sPlaintext() { return std::make_unique<SecretK8sPlaintext>(); }

}  // namespace syncgate::rules
