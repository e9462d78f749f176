#pragma once
// Where the secret rules look: every scalar of every YAML document (with the key that holds it
// as context), the YAML embedded in Applications and ConfigMaps, the base64-decoded `data` of a
// Kubernetes Secret, and text files (Helm templates, .env, NOTES.txt) line by line.
//
//   for (const SecretHit& hit : SecretsInDocument(doc)) {
//     if (hit.kind != SecretKind::kVaultToken) continue;
//     ctx.ReportIn(*hit.doc, hit.pointer, Message(hit), {.secret = hit.secret, .at = hit.at});
//   }
//
// Each document and file is scanned once per run, whichever rule asks first: the rules share the
// run's SecretScans.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checker/config.h"
#include "checker/document.h"
#include "checker/expected.h"
#include "checker/rule.h"
#include "checker/workspace.h"
#include "rules/secret/secret_scanner.h"

namespace re2 {
class RE2;
}

namespace syncgate::secrets {

/// A secret found in a document or a text file.
struct SecretHit {
  SecretKind kind;
  std::string what;               // "Vault unseal key", "GitHub token", "literal value"
  std::string secret;             // the secret itself: for ReportExtra::secret only
  const Document* doc = nullptr;  // the (possibly embedded) document; null in text files
  std::string pointer;            // in `doc`; for a text file, empty
  std::string key;                // the key that holds it ("rootToken", "DB_PASSWORD"), if any
  Position at;                    // where it starts in the file
  bool weak = false;              // little evidence: a warning, not an error
  bool info = false;              // an example, or a credential in a test fixture: info
  bool hash = false;              // a password hash: its own message
  bool decoded = false;           // found in the base64-decoded `data` of a Secret
};

/// Every secret in `doc`, its embedded YAML and (for a Secret) its decoded data.
std::vector<SecretHit> SecretsInDocument(const Document& doc);
/// Every secret in a template or text file, line by line; a `.json` file is read as a
/// document (the `vault operator init -format=json` output keeps its keys in arrays).
std::vector<SecretHit> SecretsInTextFile(const FileUnit& file);

/// The scans of one run, shared by the six secret rules (a run service): each document and
/// file is scanned once, whichever rule asks first. Thread-safe.
class SecretScans {
 public:
  const std::vector<SecretHit>& InDocument(const Document& doc);
  const std::vector<SecretHit>& InTextFile(const FileUnit& file);

 private:
  struct Slot {
    std::once_flag once;
    std::vector<SecretHit> hits;
    // Kept alive so that its address, part of the key, is never reused by a later run's file.
    std::shared_ptr<const SourceFile> source;
  };
  using Key = std::pair<const void*, const SourceFile*>;  // (document or file, its source)
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<const void*>()(k.first) ^ (std::hash<const void*>()(k.second) << 1);
    }
  };
  Slot& SlotFor(const void* subject, const std::shared_ptr<const SourceFile>& source);
  std::mutex mutex_;
  std::unordered_map<Key, std::unique_ptr<Slot>, KeyHash> slots_;
};

/// A `kind: Secret` with literal credentials in `data`/`stringData`: entries that are not
/// placeholders, templates or fields that are not secret (url, type, username, ca.crt), and
/// configuration files only when they hold a secret (IsSensitiveSecretEntry). Secrets in
/// documentation and test fixtures are examples and inputs, not committed Secrets.
struct PlaintextSecret {
  std::string name;
  std::vector<std::string> keys;  // the keys with literal credentials (names, not values)
  Position at;                    // the `kind: Secret` value
};
/// For a YAML document: the Secret, or nothing.
std::vector<PlaintextSecret> PlaintextSecretsIn(const Document& doc);
/// For a template, text or JSON file: each Secret manifest written in it.
std::vector<PlaintextSecret> PlaintextSecretsIn(const FileUnit& file);

/// Where the secret ends up, for messages: "stored in the Application object, readable by ...".
std::string WhereItEndsUp(const Document* doc, const FileUnit* file);
/// The finding message of a hit: what, redacted value, where it ends up.
std::string HitMessage(const SecretHit& hit, const FileUnit* file);
/// The ReportExtra of a hit (secret for fingerprint and excerpt, position, severity).
ReportExtra HitExtra(const SecretHit& hit);

/// `.syncgate.yaml`:
///   secrets:
///     allowlist:
///       paths: ["tests/fixtures/**"]     # globs, relative to the config's folder
///       values: ["^dev-only-"]          # RE2 regexes, searched in the secret
///       fingerprints: ["3f2a…"]         # finding fingerprints (baseline file, SARIF, GitLab)
class Allowlist {
 public:
  /// Reads and validates the `secrets:` section; errors name the config file, line and column.
  static Expected<Allowlist> FromConfig(const Config& config);
  /// Whether a secret at `display_path` is allowed by a path glob or a value regex.
  bool Allows(std::string_view display_path, std::string_view secret) const;
  const std::vector<std::string>& fingerprints() const { return fingerprints_; }

 private:
  std::string root_;
  std::vector<std::string> paths_;
  std::vector<std::shared_ptr<const re2::RE2>> values_;
  std::vector<std::string> fingerprints_;
};

/// The body every secret rule shares: reports the hits of `kind` in `doc` / `file`.
void ReportHits(SecretKind kind, const Document& doc, const Allowlist& allowlist,
                SecretScans& scans, RuleContext& ctx);
void ReportHits(SecretKind kind, const FileUnit& file, const Allowlist& allowlist,
                SecretScans& scans, RuleContext& ctx);

/// A secret rule that reports the scanner's hits of one kind: it reads the allowlist in Setup
/// and checks every document and text file. Each rule file only adds its metadata.
class ScannerRule : public Rule {
 public:
  explicit ScannerRule(SecretKind kind) : kind_(kind) {}
  Status Setup(const RunScope& run) override {
    Expected<Allowlist> allowlist = Allowlist::FromConfig(run.config);
    if (!allowlist) return Unexpected(allowlist.error());
    allowlist_ = std::move(*allowlist);
    scans_ = run.services.Get<SecretScans>("secret-scans",
                                           [] { return std::make_shared<SecretScans>(); });
    return Ok{};
  }
  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    ReportHits(kind_, doc, allowlist_, *scans_, ctx);
  }
  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    ReportHits(kind_, file, allowlist_, *scans_, ctx);
  }

 private:
  SecretKind kind_;
  Allowlist allowlist_;
  std::shared_ptr<SecretScans> scans_;
};

}  // namespace syncgate::secrets
