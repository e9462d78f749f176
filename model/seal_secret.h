#pragma once
// Turning plain Secrets into SealedSecrets the controller accepts (the fix for a committed Secret).
//
//   LoadResult loaded = LoadYaml(SourceFile::FromText("secret.yaml", text));
//   Expected<std::string> yaml =
//       model::SealSecret(*loaded.documents[0], {.scope = sealing::Scope::kStrict}, ring);
//   // apiVersion: bitnami.com/v1alpha1 / kind: SealedSecret / metadata / spec.encryptedData /
//   // spec.template{metadata, type, immutable}, keys in a stable order.
//
// As kubeseal does: `data` values are base64-decoded first and `stringData` wins over `data`;
// name, namespace, labels, annotations (minus kubectl's last-applied-configuration) and `type`
// are carried into spec.template; the scope annotation goes on both metadata.

#include <string>
#include <string_view>

#include "checker/document.h"
#include "checker/expected.h"
#include "sealing/sealed_secrets.h"

namespace syncgate::model {

struct SealRequest {
  sealing::Scope scope = sealing::Scope::kStrict;
  /// --namespace: used when the Secret names none; a different one is an error (as kubeseal).
  std::string ns;
  /// Tests only: see Seal().
  std::string_view fixed_random;
};

/// Seals every value of the plain Secret `secret` with the keyring's first certificate.
/// Errors (not a Secret, no name, bad base64 in data) carry file:line:column.
Expected<std::string> SealSecret(const Document& secret, const SealRequest& request,
                                 const sealing::Keyring& keyring);

/// Seals the values of `secret` for the existing SealedSecret `sealed` (its name, namespace and
/// scope) and returns `sealed` with those keys added or replaced, and the Secret's labels and
/// annotations merged into its template. Comments of `sealed` are not kept.
Expected<std::string> MergeIntoSealedSecret(const Document& sealed, const Document& secret,
                                            const SealRequest& request,
                                            const sealing::Keyring& keyring);

/// A YAML scalar as written in our output: plain when safe, double-quoted otherwise.
std::string YamlQuote(std::string_view text);

}  // namespace syncgate::model
