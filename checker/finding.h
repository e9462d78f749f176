#pragma once
// What a check found, positioned in the user's files.
//
//   Finding f;  // filled by the Engine from a rule's Report(pointer, message)
//   fmt::print("{}:{}:{}: {}: {} [{}]\n", f.file, f.line, f.column,
//              SeverityName(f.severity), f.message, f.rule);

#include <optional>
#include <string>
#include <string_view>

#include "checker/document.h"
#include "checker/expected.h"

namespace syncgate {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

std::string_view SeverityName(Severity severity);
/// Parses "error" / "warning" / "info" (case-insensitive).
std::optional<Severity> ParseSeverity(std::string_view text);
/// Parses a `--fail-on` value, the same for every command: error, warning, info, or never
/// (nullopt: nothing fails the run). The error is the message to print.
Expected<std::optional<Severity>> ParseFailOn(std::string_view text);
/// Whether `severity` is at or above the `--fail-on` threshold ("never" passes everything).
bool MeetsThreshold(Severity severity, std::optional<Severity> fail_on);

/// Where a finding in rendered output came from (filled by the Helm renderer).
struct RenderedOrigin {
  std::string render;         // which render: chart and values set, e.g. "q-sign/values-prod.yaml"
  std::string template_path;  // the `# Source:` template
  int line = 0;               // line in the rendered stream
};

struct Finding {
  std::string rule;
  Severity severity = Severity::kError;
  std::string message;
  std::string file;     // display path, relative to the working directory
  int line = 0;         // 1-based
  int column = 0;       // 1-based
  std::string pointer;  // RFC 6901 pointer inside the document
  int document = 0;     // index of the document in its file
  ObjectRef object;     // the Kubernetes object, when the document is one
  /// Stable identity across edits elsewhere in the file: rule, file, object and pointer, plus a
  /// hash of the offending value for secrets. Never contains a secret.
  std::string fingerprint;
  /// When > 0, the text excerpt must hide this many characters starting at `column` (secrets).
  int redact_length = 0;
  std::optional<RenderedOrigin> rendered;
};

/// Deterministic report order: file, line, column, rule, message.
bool FindingLess(const Finding& a, const Finding& b);

/// The redacted form of a secret: its first 4 characters, then "…[redacted]".
std::string Redact(std::string_view secret);

/// 64-bit FNV-1a, hex encoded: for fingerprints (not for secrets: see SecretDigest).
std::string Fnv1aHex(std::string_view data);
/// SHA-256 of `data`, hex encoded.
std::string Sha256Hex(std::string_view data);
/// SHA-256 of `data`: the 32 bytes.
std::string Sha256Raw(std::string_view data);
/// A one-way digest of a secret for fingerprints and baselines (SHA-256, first 16 hex chars).
std::string SecretDigest(std::string_view secret);

}  // namespace syncgate
