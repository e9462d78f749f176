#pragma once
// Sealed Secrets (bitnami-labs/sealed-secrets) crypto, compatible with kubeseal and its controller.
//
//   Keyring ring;
//   if (Status ok = ring.LoadCertificateFile("controller.crt"); !ok) Fail(ok.error().message);
//   Expected<std::string> sealed = Seal("s3cr3t", LabelFor(Scope::kStrict, "team-a", "db"), ring);
//   ring.LoadKeyFile("controller.key");  // PEM PKCS#1/PKCS#8, or kubernetes.io/tls Secrets (YAML)
//   UnsealResult opened = Unseal(*sealed, "team-a/db", ring);
//   if (opened.status == UnsealStatus::kOk) Use(opened.plaintext.view());  // never print it
//
// One value of `spec.encryptedData` = standard base64 (with padding) of
//   uint16_be(len(rsa)) || RSA-OAEP(SHA-256, MGF1-SHA-256, label)(session key, 32 bytes)
//                       || AES-256-GCM(session key, nonce = 12 zero bytes, no AAD)(plaintext) ||
//                       tag
// label = "<namespace>/<name>" (strict), "<namespace>" (namespace-wide) or "" (cluster-wide).
// Only sealing/*.cpp include Botan; this header exposes the project's own types.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/expected.h"

namespace syncgate::sealing {

enum class Scope { kStrict, kNamespaceWide, kClusterWide };
std::string_view ScopeName(Scope scope);  // "strict", "namespace-wide", "cluster-wide"
std::optional<Scope> ParseScope(std::string_view name);
/// The RSA-OAEP label the controller uses for an object of that scope.
std::string LabelFor(Scope scope, std::string_view ns, std::string_view name);

/// Decrypted bytes: wiped when destroyed, never copied implicitly.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.Wipe(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes() { Wipe(); }
  std::string_view view() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  void Wipe();
  std::string bytes_;
};

/// What the checks need to know about one controller certificate.
struct CertificateInfo {
  std::string source;  // the file (or Secret) it came from
  bool is_rsa = false;
  size_t modulus_bits = 0;  // 0 when not RSA
  int64_t not_before = 0;   // seconds since the epoch
  int64_t not_after = 0;
  std::string fingerprint;  // SHA-256 of the DER, first 16 hex characters
};

/// Controller certificates and private keys. Several of each: the controller renews its key every
/// 30 days and keeps the old ones for decryption.
class Keyring {
 public:
  Keyring();
  ~Keyring();
  Keyring(Keyring&&) noexcept;
  Keyring& operator=(Keyring&&) noexcept;

  /// One or several PEM certificates. `source` names them in messages.
  Status AddCertificates(std::string_view pem, std::string_view source);
  /// PEM private keys (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"), or YAML: the
  /// controller's kubernetes.io/tls Secrets, alone or in a List (`kubectl get secret -o yaml`).
  /// Certificates found beside the keys (tls.crt) are added too.
  Status AddPrivateKeys(std::string_view text, std::string_view source);
  Status LoadCertificateFile(const std::string& path);
  Status LoadKeyFile(const std::string& path);

  const std::vector<CertificateInfo>& certificates() const;
  size_t key_count() const;
  /// RSA block sizes (bytes) of every certificate and key: what a sealed value's prefix must be.
  std::vector<size_t> BlockSizes() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

/// Seals `plaintext` for `label` with the keyring's certificate `cert_index` (kubeseal uses the
/// first certificate of its file). `fixed_random`, when not empty, replaces the system RNG (tests:
/// session key then OAEP seed, 64 bytes, reproduce a known vector byte for byte).
Expected<std::string> Seal(std::string_view plaintext, std::string_view label,
                           const Keyring& keyring, size_t cert_index = 0,
                           std::string_view fixed_random = {});

enum class StructureStatus {
  kOk,         // well formed, and (when certificates are known) fits one of them
  kMalformed,  // not what kubeseal writes: no key can ever open it
  kWrongKey,   // well formed, but sealed with a key none of the given certificates holds
};
struct StructureResult {
  StructureStatus status = StructureStatus::kOk;
  std::string reason;
};
/// What can be proven without a private key: strict base64, a length prefix that is a valid RSA
/// size, a GCM part at least a tag long; with certificates or keys, a block size and an RSA value
/// that fit one of them.
StructureResult CheckStructure(std::string_view sealed_b64, const Keyring& keyring);

enum class UnsealStatus {
  kOk,             // opens under the expected label
  kWrongLabel,     // a key opens it, but it was sealed for another label (scope, namespace, name)
  kUndecryptable,  // no key opens it (another controller's key, or the value was altered)
  kMalformed,      // see CheckStructure
};
struct UnsealResult {
  UnsealStatus status = UnsealStatus::kUndecryptable;
  std::string reason;  // never contains plaintext
  /// For kWrongLabel: the label it was sealed for, when it is one of the candidates.
  std::optional<std::string> sealed_label;
  /// The plaintext for kOk and kWrongLabel (the session key was recovered and the tag verified).
  SecretBytes plaintext;
};
/// Opens a value with every private key of the keyring. The OAEP padding is checked by hand after
/// the raw RSA operation so that a wrong label is told apart from a wrong key; the label it was
/// sealed for is found among `candidate_labels` by its hash.
UnsealResult Unseal(std::string_view sealed_b64, std::string_view label, const Keyring& keyring,
                    const std::vector<std::string>& candidate_labels = {});

/// Problems of a certificate for sealing: not RSA, under 2048 bits, expired, expiring within
/// `warn_days`. Empty when fine. `now` in seconds since the epoch.
std::vector<std::string> CertificateProblems(const CertificateInfo& cert, int64_t now,
                                             int warn_days = 30);
/// Whether the certificate is unusable for sealing (kubeseal refuses expired certificates).
bool CertificateUnusable(const CertificateInfo& cert, int64_t now);

/// Strict standard base64 (RFC 4648 alphabet, padding, no whitespace); nullopt when invalid.
std::optional<std::string> DecodeBase64Strict(std::string_view text);
std::string EncodeBase64(std::string_view bytes);

/// The version of the Botan syncgate runs with ("2.19.3"), for `syncgate version --verbose`.
std::string BotanVersion();

}  // namespace syncgate::sealing
