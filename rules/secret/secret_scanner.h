#pragma once
// The shared secret scanner behind every secret-* rule: one pass over a string answers all of
// them.
//
//   std::vector<ValueHit> hits = ScanString("/vaultInit/rootToken", "rootToken", value);
//   for (const ValueHit& hit : hits) {
//     // hit.kind says which rule owns it, value.substr(hit.offset, hit.length) is the secret
//   }
//
// Patterns with a fixed shape (Vault tokens, PEM keys, cloud tokens) are compiled once into an
// RE2::Set behind a cheap bigram pre-filter; shapes that need context (unseal keys, passwords)
// are judged from the key and the path that hold the value. See secret_sources.h for where the
// strings come from (YAML trees, embedded YAML, Secret data, text files).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncgate::secrets {

/// Which rule owns a hit.
enum class SecretKind : uint8_t {
  kVaultUnsealKey,
  kVaultToken,
  kPrivateKey,
  kToken,
  kPasswordValue,
};

/// A secret inside one string.
struct ValueHit {
  SecretKind kind;
  std::string what;   // "Vault unseal key", "GitHub token", "password": for messages
  size_t offset = 0;  // where the secret starts in the scanned string
  size_t length = 0;  // its length there
  /// The secret when it is not a plain substring (a base64-decoded Docker auth); else empty.
  std::string decoded;
  /// Little evidence (short, low entropy, weak key): reported as a warning, not an error.
  bool weak = false;
  /// For a value judged by its key: that key (a text line's own key, `--api-key`).
  std::string key;
  /// An example rather than a usable secret (a PEM block whose body does not decode as a key):
  /// reported as info, so documentation keeps working.
  bool example = false;
  /// A password hash (bcrypt, argon2, PBKDF2, crypt): not the password, but crackable offline.
  bool hash = false;
};

/// Scans one string. `context` is the lower-case path of keys leading to it ("/vaultinit/
/// unsealkeys/key1", or a text line's key) and `key` the key that holds it (may be empty).
/// Multi-line strings are also scanned line by line as `key: value` / `KEY=value` text.
std::vector<ValueHit> ScanString(std::string_view context, std::string_view key,
                                 std::string_view value);

/// Options for ScanString that depend on where the string is.
struct ScanOptions {
  /// Skip the key-context password heuristic (documentation files: examples, not secrets).
  bool no_password_heuristic = false;
  /// For multi-line text: 0-based lines whose `key: value` is not judged by its key (the base64
  /// `data` of a Secret, judged after decoding instead; lines inside a template action). Patterns
  /// still apply.
  const std::vector<bool>* skip_key_lines = nullptr;
  /// The string is the value of a Secret's data: it is the secret itself, never the name of one
  /// (`db-password` there is a password, not a reference).
  bool secret_data = false;
};
std::vector<ValueHit> ScanString(std::string_view context, std::string_view key,
                                 std::string_view value, const ScanOptions& options);

/// Shannon entropy in bits per character.
double ShannonEntropy(std::string_view text);
/// Whether `value` is a placeholder, a template expression, a reference or ciphertext rather
/// than a literal secret (changeme, <password>, ${VAR}, {{ .Values.x }}, ENC[...], vault:...),
/// or something else a secret-like key holds that is not a secret: code (a function call, a
/// shell command), a file name, an algorithm or hash method name, an address.
bool IsPlaceholder(std::string_view raw);
/// Whether a Kubernetes Secret entry holds a credential worth sealing: not a placeholder, not a
/// field that is not secret (url, type, username, ca.crt), and for a configuration file (key
/// `app.yaml`, `my.cnf`) only when the scanner finds a secret in it. `value` is decoded.
bool IsSensitiveSecretEntry(std::string_view key, std::string_view value);
/// Whether a key names a secret value (password, apiKey, clientSecret...) rather than a
/// reference to one (existingSecret, secretName, secretKeyRef, passwordFile...).
bool IsSecretKey(std::string_view key);
/// Standard or URL-safe base64, padding optional, whitespace ignored; nullopt when not base64.
std::optional<std::string> DecodeBase64(std::string_view text);
/// Whether `bytes` is text worth scanning (printable UTF-8/ASCII, tabs and newlines).
bool IsPrintableText(std::string_view bytes);

/// Splits one text line into `key` and `value` (`key: value`, `KEY=value`, `"key": "value",`,
/// `--flag=value`); offsets are into `line`. Nullopt when the line has no such shape.
struct LineKeyValue {
  std::string_view key;
  std::string_view value;
  size_t value_offset = 0;
  bool commented = false;  // behind a comment marker (`# password: x`, `// token = y`)
};
std::optional<LineKeyValue> SplitKeyValue(std::string_view line);

}  // namespace syncgate::secrets
