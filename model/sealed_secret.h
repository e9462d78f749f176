#pragma once
// A SealedSecret document as the controller reads it: name, namespace, scope, sealed items, and
// where its fields contradict each other. Plus the shared setup of the `sealed-*` rules: the
// keyring from `--sealed-cert/--sealed-key` or `.syncgate.yaml`, loaded once per run.
//
//   # .syncgate.yaml (paths relative to the file)
//   sealed_secrets:
//     certificates: [sealed-secrets/controller.crt]
//     keys: [sealed-secrets/controller.key]   # CI stages that hold the key only
//
//   model::SealedObject sealed = model::ReadSealedSecret(doc);
//   std::string ns = ResolveNamespace(doc, sealed, workspace, settings.default_namespace);
//   std::string label = sealing::LabelFor(sealed.scope, ns, sealed.name);

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "checker/config.h"
#include "checker/document.h"
#include "checker/run_services.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"
#include "sealing/sealed_secrets.h"

namespace syncgate::model {

inline constexpr std::string_view kClusterWideAnnotation = "sealedsecrets.bitnami.com/cluster-wide";
inline constexpr std::string_view kNamespaceWideAnnotation =
    "sealedsecrets.bitnami.com/namespace-wide";

struct SealedItem {
  std::string key;      // the Secret key
  std::string pointer;  // /spec/encryptedData/<key>
  const Node* value = nullptr;
};

/// A contradiction in the object itself (sealed-secret-malformed).
struct ObjectProblem {
  std::string pointer;
  std::string message;
};

struct SealedObject {
  std::string name;
  std::string ns;  // metadata.namespace, empty when absent
  sealing::Scope scope = sealing::Scope::kStrict;
  std::vector<SealedItem> items;
  std::vector<ObjectProblem> problems;
};

SealedObject ReadSealedSecret(const Document& doc);

/// The namespace the object will live in: its metadata, else the destination of an Application in
/// the checked set whose source path holds the file, else `default_namespace`; empty when unknown.
std::string ResolveNamespace(const Document& doc, const SealedObject& sealed,
                             const Workspace& workspace, std::string_view default_ns);

/// Labels a value may have been sealed for: every scope of the object's name with every namespace
/// seen in the checked set. Used to say which label a misplaced value carries.
std::vector<std::string> CandidateLabels(const SealedObject& sealed, const Workspace& workspace,
                                         std::string_view default_ns);

/// What one sealed value turned out to be with the private keys (cached: several rules ask).
struct ValueVerdict {
  sealing::UnsealStatus status = sealing::UnsealStatus::kUndecryptable;
  std::string reason;
  std::optional<std::string> sealed_label;
  bool weak = false;        // opened to an empty or placeholder value
  std::string weak_reason;  // never contains the value
};

/// The keyring of a run, shared by the sealed-* rules.
class SealingSetup {
 public:
  /// Loads (once per distinct set of paths) the certificates and keys named by `settings` and the
  /// config's `sealed_secrets:` section. An unreadable file is an error (exit 2).
  static Expected<std::shared_ptr<SealingSetup>> Get(const RunScope& run);

  const sealing::Keyring& keyring() const { return keyring_; }
  bool has_certificates() const { return !keyring_.certificates().empty(); }
  bool has_keys() const { return keyring_.key_count() > 0; }
  /// Where each certificate was named: the config entry's position when it came from there.
  struct CertSource {
    std::string path;            // as given
    std::string resolved;        // the file opened
    std::string config_pointer;  // "/sealed_secrets/certificates/0", empty for the command line
  };
  const std::vector<CertSource>& cert_sources() const { return cert_sources_; }

  ValueVerdict Verify(std::string_view sealed_b64, const std::string& label,
                      const std::vector<std::string>& candidates) const;

 private:
  sealing::Keyring keyring_;
  std::vector<CertSource> cert_sources_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, ValueVerdict> verdicts_;  // by digest of value and label
};

/// Whether a decrypted value is a placeholder rather than a secret ("changeme", "TODO", "<...>").
bool IsPlaceholder(std::string_view value);

}  // namespace syncgate::model
