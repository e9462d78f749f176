#pragma once
// The run's known secrets, so that no channel prints one in full: not the reports, not a log
// line, an error message, a gate record, a commit message or the result cache. The secret
// scans remember what they find; everything that leaves the process passes through
// ScrubSecrets, which replaces each occurrence with its redacted form (Redact()).
//
//   RememberSecret(hit.secret);                      // by the scans, as they find them
//   out << ScrubSecrets(message);                    // by every writer, before it writes
//
// This is the second line of defence: messages carry only Redact(secret) by construction
// (rule.h), but an excerpt of another rule's finding on the same line, a renderer's stderr
// quoting a values line or an exception's message do not know what is secret.

#include <string>
#include <string_view>
#include <vector>

namespace syncgate {

/// The shortest secret remembered: shorter values ("admin") are ordinary words too, and
/// replacing every occurrence of them would garble the output without protecting anything.
inline constexpr size_t kMinScrubbedSecret = 8;

/// Remembers `secret` for the rest of the process (each of its lines too, for a private key
/// or a certificate whose lines may be quoted one by one). Thread-safe.
void RememberSecret(std::string_view secret);

/// Declares `text` public: it is printed in every report anyway (the path of a checked file), so
/// a secret that occurs inside it is not scrubbed, and one already remembered is forgotten. A
/// password `storageos` beside a folder `storageos/` would otherwise garble that folder's name
/// in every finding's path (and only in the shard that found the password). Thread-safe.
void DeclarePublicText(std::string_view text);

/// `text` with every remembered secret replaced by Redact(secret), the longest match first.
/// Cheap when nothing is remembered. Thread-safe.
std::string ScrubSecrets(std::string_view text);

/// Where a remembered secret occurs in a text, as byte offset and length: what a stored result
/// keeps of a file's secrets so that a later run reading it back can remember them again
/// without the secrets ever being written anywhere.
struct SecretSpan {
  size_t offset = 0;
  size_t length = 0;
};
std::vector<SecretSpan> SecretSpans(std::string_view text);

/// An HTTP(S) `url` without the user name and password of its authority
/// (`https://oauth2:glpat-…@gitlab.example/x.git` → `https://gitlab.example/x.git`); anything
/// else comes back unchanged (the `git@` of an ssh URL is an account, not a credential). For
/// what is shown or recorded, never for what is fetched.
std::string UrlWithoutCredentials(std::string_view url);

/// Whether any secret is remembered.
bool AnySecretRemembered();

/// Forgets every remembered secret (for tests that need a clean slate).
void ForgetSecretsForTesting();

}  // namespace syncgate
