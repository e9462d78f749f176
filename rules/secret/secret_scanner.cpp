#include "rules/secret/secret_scanner.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <bitset>
#include <cmath>
#include <memory>

#include "checker/text_util.h"

namespace syncgate::secrets {
namespace {

/// What to verify after a pattern matched, before it counts.
enum class Verify : uint8_t {
  kNone,
  kPemBody,      // a PEM block with a real body (documentation shows `...` instead)
  kBase64Pem,    // base64 that decodes to a PEM private key
  kNotExample,   // vendor documentation keys end in EXAMPLE
  kUrlPassword,  // the password part of a URL is not a placeholder
  kDockerAuth,   // base64 of user:password
  kUnsealShape,  // a Vault key share: 33 (or 32) random bytes
};

struct Pattern {
  SecretKind kind;
  std::string_view what;
  std::string_view regex;  // group 1 is the secret
  /// Bigrams of literals every match contains: the pre-filter runs the set only when the text
  /// has one of them.
  std::string_view bigrams;
  Verify verify = Verify::kNone;
  bool weak = false;
};

// Lengths follow the issuers' documented formats; where peers require more (gitleaks, secretlint
// and TruffleHog want 90+ characters after `hvs.`), the real `vault operator init` output (24)
// wins.
constexpr Pattern kPatterns[] = {
    {SecretKind::kVaultToken, "Vault token", R"(\b(hv[sbr]\.[A-Za-z0-9_-]{24,}))", "hv"},
    {SecretKind::kPrivateKey, "private key",
     R"((-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----))",
     "Y-", Verify::kPemBody},
    {SecretKind::kPrivateKey, "base64-encoded private key",
     R"((LS0tLS1CRUdJTi[A-Za-z0-9+/=]{40,}))", "0t", Verify::kBase64Pem},
    {SecretKind::kToken, "AWS access key id",
     R"(\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b)", "3T KI SI BI CC",
     Verify::kNotExample},
    {SecretKind::kToken, "GitHub token",
     R"(\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b)", "gh"},
    {SecretKind::kToken, "GitLab token",
     R"(\b((?:glpat|gldt|glft|glsoat|glrt|glcbt|glimt|glptt|glagent|gloas)-[A-Za-z0-9_-]{20,}))",
     "gl"},
    {SecretKind::kToken, "Slack token", R"(\b(xox[abposr]-[0-9A-Za-z-]{10,}))", "xo"},
    {SecretKind::kToken, "Slack webhook URL",
     R"((https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]{20,}))", "k."},
    {SecretKind::kToken, "Google API key", R"(\b(AIza[0-9A-Za-z_-]{35}))", "Iz"},
    {SecretKind::kToken, "Stripe live key", R"(\b((?:sk|rk)_live_[0-9a-zA-Z]{20,}))", "_l"},
    {SecretKind::kToken, "Stripe test key", R"(\b((?:sk|rk)_test_[0-9a-zA-Z]{20,}))", "_t",
     Verify::kNone, true},
    {SecretKind::kToken, "npm token", R"(\b(npm_[A-Za-z0-9]{36})\b)", "m_"},
    {SecretKind::kToken, "JSON Web Token",
     R"(\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}))", "yJ"},
    {SecretKind::kToken, "password in a URL",
     R"(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:@/'"]*:([^\s@/'"]+)@[A-Za-z0-9\[])", "//",
     Verify::kUrlPassword},
    {SecretKind::kToken, "Docker registry credentials",
     R"re("auth"\s*:\s*"([A-Za-z0-9+/]{12,}={0,2})")re", "h\"", Verify::kDockerAuth},
    {SecretKind::kVaultUnsealKey, "Vault unseal key",
     R"((?i)(?:unseal|recovery) key \d+:\s*([A-Za-z0-9+/]{43}[A-Za-z0-9+/=]|[0-9a-f]{66}|[0-9a-f]{64})(?:[^A-Za-z0-9+/=]|$))",
     "ns NS ov OV", Verify::kUnsealShape},
};
/// No pattern matches fewer characters than this (`x://:ab@h` is the shortest).
constexpr size_t kMinPatternText = 9;

/// The compiled patterns; built once per process, thread-safe (function-local static).
struct Compiled {
  std::unique_ptr<RE2::Set> set;
  std::vector<std::unique_ptr<RE2>> each;
  std::bitset<65536> bigrams;
};

const Compiled& Patterns() {
  static const Compiled compiled = [] {
    Compiled c;
    RE2::Options options;
    options.set_log_errors(false);
    c.set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    for (const Pattern& p : kPatterns) {
      std::string error;
      if (c.set->Add(p.regex, &error) < 0) std::abort();  // our own patterns: a bug, not input
      c.each.push_back(std::make_unique<RE2>(p.regex, options));
      for (std::string_view gram : Split(p.bigrams, ' ')) {
        c.bigrams.set(static_cast<unsigned char>(gram[0]) << 8 |
                      static_cast<unsigned char>(gram[1]));
      }
    }
    if (!c.set->Compile()) std::abort();
    return c;
  }();
  return compiled;
}

bool MayMatch(const Compiled& c, std::string_view text) {
  for (size_t i = 1; i < text.size(); ++i) {
    if (c.bigrams[static_cast<unsigned char>(text[i - 1]) << 8 |
                  static_cast<unsigned char>(text[i])]) {
      return true;
    }
  }
  return false;
}

bool IsBase64Char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
}
bool IsHex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

/// A Vault key share or key: 44 base64 characters of 33 bytes (32 with one '='), or 66/64 hex.
bool HasUnsealShape(std::string_view v) {
  if (v.size() == 44) {
    for (size_t i = 0; i < 43; ++i) {
      if (!IsBase64Char(v[i])) return false;
    }
    if (v[43] != '=' && !IsBase64Char(v[43])) return false;
    return ShannonEntropy(v) >= 4.0;
  }
  if ((v.size() == 66 || v.size() == 64) && IsHex(v)) return ShannonEntropy(v) >= 3.0;
  return false;
}

/// A PEM private key block whose body is real key material, not `...` or "<your key>".
bool HasPemBody(std::string_view text, size_t begin) {
  const size_t header_end = text.find("-----", begin + 11);
  if (header_end == std::string_view::npos) return false;
  size_t body = 0;
  for (size_t i = header_end + 5; i < text.size() && text.compare(i, 5, "-----") != 0; ++i) {
    if (IsBase64Char(text[i])) ++body;
  }
  return body >= 64;
}

bool Verified(const Pattern& p, std::string_view text, size_t begin, std::string_view secret,
              std::string& decoded) {
  switch (p.verify) {
    case Verify::kNone:
      return true;
    case Verify::kPemBody:
      return HasPemBody(text, begin);
    case Verify::kBase64Pem: {
      std::optional<std::string> pem = DecodeBase64(secret);
      return pem && pem->find("PRIVATE KEY-----") != std::string::npos && HasPemBody(*pem, 0);
    }
    case Verify::kNotExample:
      return !EndsWith(secret, "EXAMPLE");
    case Verify::kUrlPassword:
      return !IsPlaceholder(secret) && secret.find('$') == std::string_view::npos &&
             secret.find('{') == std::string_view::npos && secret.size() >= 3;
    case Verify::kDockerAuth: {
      std::optional<std::string> auth = DecodeBase64(secret);
      if (!auth || auth->find(':') == std::string::npos || !IsPrintableText(*auth)) return false;
      decoded = auth->substr(auth->find(':') + 1);
      return !decoded.empty() && !IsPlaceholder(decoded);
    }
    case Verify::kUnsealShape:
      return HasUnsealShape(secret);
  }
  return false;
}

/// Every pattern match in `text`, in text order per pattern.
void MatchPatterns(std::string_view text, std::vector<ValueHit>& out) {
  if (text.size() < kMinPatternText) return;
  const Compiled& c = Patterns();
  if (!MayMatch(c, text)) return;
  std::vector<int> ids;
  if (!c.set->Match(text, &ids)) return;
  for (int id : ids) {
    const Pattern& p = kPatterns[id];
    const RE2& re = *c.each[id];
    size_t start = 0;
    std::array<re2::StringPiece, 2> groups;
    while (start < text.size() &&
           re.Match(text, start, text.size(), RE2::UNANCHORED, groups.data(), 2)) {
      const size_t whole_end =
          static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
      start = std::max(whole_end, start + 1);
      if (groups[1].data() == nullptr) continue;
      const size_t offset = static_cast<size_t>(groups[1].data() - text.data());
      std::string_view secret(groups[1].data(), groups[1].size());
      std::string decoded;
      if (!Verified(p, text, offset, secret, decoded)) continue;
      ValueHit hit{p.kind, std::string(p.what), offset, secret.size(), std::move(decoded), p.weak};
      if (p.verify == Verify::kPemBody) {
        // The secret is the whole block, up to and including its END line.
        const size_t end = text.find("-----END", offset);
        const size_t close = end == std::string_view::npos ? end : text.find("-----", end + 8);
        hit.length = (close == std::string_view::npos ? text.size() : close + 5) - offset;
      }
      out.push_back(std::move(hit));
    }
  }
}

bool Contains(std::string_view text, std::string_view word) {
  return text.find(word) != std::string_view::npos;
}

bool ContainsAny(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (Contains(text, w)) return true;
  }
  return false;
}

/// Lower case letters and digits only: `DB_PASSWORD`, `db-password` and `dbPassword` agree.
std::string NormalizeKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool Overlaps(const std::vector<ValueHit>& hits, size_t offset, size_t length) {
  for (const ValueHit& h : hits) {
    if (offset < h.offset + h.length && h.offset < offset + length) return true;
  }
  return false;
}

/// Judges a single-line value from the key and path that hold it.
void CheckKeyContext(std::string_view context, std::string_view key, std::string_view value,
                     size_t offset, const ScanOptions& options, std::vector<ValueHit>& out) {
  if (value.empty() || Overlaps(out, offset, value.size())) return;
  // Shapes first (cheap), context only for values of the right shape.
  if (HasUnsealShape(value) &&
      ContainsAny(NormalizeKey(context),
                  {"unseal", "recovery", "shamir", "keyshare", "keysb64", "keyshex"})) {
    out.push_back({SecretKind::kVaultUnsealKey, "Vault unseal key", offset, value.size()});
    return;
  }
  if (value.size() == 26 && StartsWith(value, "s.") &&
      ContainsAny(NormalizeKey(context), {"vault", "token"})) {
    bool alnum = true;
    for (char c : value.substr(2)) alnum &= std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (alnum && ShannonEntropy(value.substr(2)) >= 3.5) {
      out.push_back(
          {SecretKind::kVaultToken, "Vault token (legacy s. form)", offset, value.size()});
      return;
    }
  }
  if (value.size() == 40) {
    const std::string norm_key = NormalizeKey(key);
    bool b64 = true;
    for (char c : value) b64 &= IsBase64Char(c);
    if (b64 && ContainsAny(NormalizeKey(context) + norm_key, {"aws", "secretaccesskey"}) &&
        ContainsAny(norm_key, {"secret", "key"}) && ShannonEntropy(value) >= 4.0) {
      out.push_back({SecretKind::kToken, "AWS secret access key", offset, value.size()});
      return;
    }
  }
  if (options.no_password_heuristic || value.size() < 4 || !IsSecretKey(key) ||
      IsPlaceholder(value)) {
    return;
  }
  // A reference by name ("db-password", "admin.token") says where a secret is, not what it is.
  if (ContainsAny(value,
                  {"password", "secret", "token", "passwd", "credential", "key", "auth", "pass"}) &&
      value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_.") ==
          std::string_view::npos) {
    return;
  }
  // `envFromSecret: grafana-env`, `tlsSecret: web-tls`: a key ending in "secret" holding a
  // Kubernetes object name names the Secret; generated secrets are not lower-case-dash words.
  if (EndsWith(NormalizeKey(key), "secret") &&
      value.find_first_of("-.") != std::string_view::npos &&
      value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string_view::npos) {
    return;
  }
  const bool weak = value.size() < 10 || ShannonEntropy(value) < 3.0;
  out.push_back({SecretKind::kPasswordValue,
                 "literal value",
                 offset,
                 value.size(),
                 {},
                 weak,
                 std::string(key)});
}

std::string_view StripQuotes(std::string_view v, size_t& offset) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    ++offset;
    return v.substr(1, v.size() - 2);
  }
  return v;
}

}  // namespace

double ShannonEntropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<int, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  double entropy = 0;
  const double n = static_cast<double>(text.size());
  for (int count : counts) {
    if (count == 0) continue;
    const double p = count / n;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

bool IsSecretKey(std::string_view key) {
  const std::string k = NormalizeKey(key);
  if (k.empty()) return false;
  const bool secretish =
      ContainsAny(
          k, {"password", "passwd", "passwort", "pwd", "secret", "token", "apikey", "accesskey",
              "privatekey", "credential", "passphrase", "authkey", "connectionstring",
              "encryptionkey", "signingkey", "masterkey", "erlangcookie"}) ||
      EndsWith(k, "pass");
  if (!secretish) return false;
  // References to a secret, and settings about secrets, are not secrets.
  if (ContainsAny(k, {"existing", "secretname", "secretref", "keyref", "secretstore", "checksum",
                      "annotation", "policy", "generat", "rotation", "secretsmanager",
                      "secretprovider", "tokenreview", "passwordkey", "tokenkey", "userkey",
                      "fromsecret", "secretkeyname"})) {
    return false;
  }
  for (std::string_view suffix : {"name",      "names",
                                  "ref",       "refs",
                                  "file",      "files",
                                  "path",      "dir",
                                  "enabled",   "enable",
                                  "length",    "ttl",
                                  "period",    "type",
                                  "mode",      "template",
                                  "url",       "uri",
                                  "endpoint",  "audience",
                                  "audiences", "issuer",
                                  "expiry",    "expiration",
                                  "lifetime",  "format",
                                  "header",    "prefix",
                                  "suffix",    "version",
                                  "provider",  "location",
                                  "source",    "secrets",
                                  "tokens",    "count",
                                  "size",      "regex",
                                  "pattern",   "field",
                                  "property",  "mount",
                                  "volume",    "env",
                                  "envvar",    "selector",
                                  "labels",    "required",
                                  "store",     "manager",
                                  "backend",   "class",
                                  "kind",      "description",
                                  "help",      "hint",
                                  "message",   "id" /* passwordId, tokenId */,
                                  "hash",      "seconds",
                                  "minutes",   "hours",
                                  "days",      "duration",
                                  "timeout",   "interval",
                                  "ms",        "validity",
                                  "cache",     "limit"}) {
    if (EndsWith(k, suffix) && k != "secretid") return false;
  }
  // The first word of the key: `useExistingSecret`, `create_token`, `enablePassword`.
  std::string first;
  for (size_t i = 0; i < key.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(key[i]);
    if (!std::isalnum(c) ||
        (i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(key[i - 1])))) {
      if (!first.empty()) break;
      continue;
    }
    first += static_cast<char>(std::tolower(c));
  }
  for (std::string_view word :
       {"existing", "use",   "create",   "auto",  "generate", "generated", "require",
        "required", "allow", "show",     "skip",  "enable",   "enabled",   "disable",
        "rotate",   "mount", "min",      "max",   "num",      "is",        "has",
        "no",       "check", "validate", "verify"}) {
    if (first == word && k.size() > first.size()) return false;
  }
  return true;
}

bool IsPlaceholder(std::string_view raw) {
  const std::string_view v = Trim(raw);
  if (v.empty()) return true;
  if (ContainsAny(v, {"{{", "${", "$(", "#{", "%{", "[[", "((", "}}"})) return true;  // templates
  if (v.front() == '$') return true;  // $VAR, and bcrypt/crypt hashes ($2a$...)
  if ((v.front() == '<' && v.back() == '>') || (v.front() == '[' && v.back() == ']')) return true;
  if (v.size() > 2 &&
      ((v.front() == '%' && v.back() == '%') || (v.front() == '@' && v.back() == '@'))) {
    return true;
  }
  if (v.front() == '/' || StartsWith(v, "./") || StartsWith(v, "~/")) return true;  // a file
  const std::string lower = ToLower(v);
  for (std::string_view prefix :
       {"enc[",      "vault:", "ref+",      "arn:",       "sm://", "gcpsm://", "awssm:", "azkv:",
        "secret://", "file:",  "env:",      "sha256:",    "sha1:", "sha512:",  "md5:",   "op://",
        "bw://",     "akv:",   "projects/", "secretref:", "k8s:",  "kms:"}) {
    if (StartsWith(lower, prefix)) return true;
  }
  for (std::string_view word :
       {"true",      "false",    "null",     "none",   "nil",    "~",     "yes",  "no",
        "on",        "off",      "password", "passwd", "secret", "token", "test", "testing",
        "default",   "empty",    "pass",     "string", "value",  "tbd",   "todo", "unset",
        "undefined", "required", "optional", "n/a",    "na",     "-",     "..."}) {
    if (lower == word) return true;
  }
  if (StartsWith(lower, "your")) return true;  // YourApiToken, your-password
  // Short numbers are ports, timeouts and counts.
  if (v.size() < 6 && v.find_first_not_of("0123456789") == std::string_view::npos) return true;
  if (ContainsAny(lower, {"changeme",      "change-me",    "change_me",   "changeit",
                          "change-it",     "replaceme",    "replace-me",  "replace_me",
                          "replace_with",  "replace-with", "placeholder", "example",
                          "dummy",         "redacted",     "your-",       "your_",
                          "yourpassword",  "yoursecret",   "yourtoken",   "notasecret",
                          "not-a-secret",  "fake",         "sample",      "insert",
                          "fixme",         "to-be-",       "set-me",      "setme",
                          "xxxx",          "****",         "...",         "secret-here",
                          "password-here", "token-here",   "supersecret" /* tutorial value */})) {
    return true;
  }
  // A single repeated character, or only masking characters.
  if (v.find_first_not_of(v.front()) == std::string_view::npos) return true;
  if (lower.find_first_not_of("x*#.-_ ") == std::string::npos) return true;
  // UUIDs identify, they do not authenticate (by themselves).
  static const RE2 kUuid(
      R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
  if (RE2::FullMatch(re2::StringPiece(v.data(), v.size()), kUuid)) return true;
  // ENV_VAR_NAMES name a variable; they are not its value.
  static const RE2 kEnvName(R"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)");
  if (RE2::FullMatch(re2::StringPiece(v.data(), v.size()), kEnvName)) return true;
  // Sealed Secrets ciphertext (RSA-OAEP + AES-GCM, base64; starts with the 2-byte RSA length).
  if (v.size() > 300 && (StartsWith(v, "Ag") || StartsWith(v, "AQ") || StartsWith(v, "AY"))) {
    return true;
  }
  // Prose, not a credential.
  if (std::count(v.begin(), v.end(), ' ') >= 3) return true;
  return false;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  size_t symbols = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = value_of(c);
    if (v < 0 || padding) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (symbols == 0 || symbols % 4 == 1) return std::nullopt;
  return out;
}

bool IsPrintableText(std::string_view bytes) {
  for (unsigned char c : bytes) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
    if (c == 0x7F) return false;
  }
  return !bytes.empty();
}

std::optional<LineKeyValue> SplitKeyValue(std::string_view line) {
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  skip_spaces();
  // Comment markers and list items: a commented-out secret is still in the repository.
  while (i < line.size() &&
         (line[i] == '#' || line[i] == '-' || line[i] == '/' || line[i] == '{' || line[i] == ',')) {
    if (line[i] == '-' && i + 1 < line.size() && line[i + 1] == '-') break;  // --flag=value
    ++i;
    skip_spaces();
  }
  if (line.compare(i, 7, "export ") == 0) i += 7;
  if (i >= line.size()) return std::nullopt;
  size_t key_begin = i;
  size_t key_end;
  size_t sep;
  if (line[i] == '"' || line[i] == '\'') {
    const size_t close = line.find(line[i], i + 1);
    if (close == std::string_view::npos) return std::nullopt;
    key_begin = i + 1;
    key_end = close;
    sep = close + 1;
    while (sep < line.size() && line[sep] == ' ') ++sep;
    if (sep >= line.size() || (line[sep] != ':' && line[sep] != '=')) return std::nullopt;
  } else {
    const size_t colon = line.find(": ", i);
    const size_t colon_end =
        (!line.empty() && line.back() == ':') ? line.size() - 1 : std::string_view::npos;
    const size_t equals = line.find('=', i);
    sep = std::min({colon, colon_end, equals});
    if (sep == std::string_view::npos) return std::nullopt;
    key_end = sep;
    while (key_end > key_begin && line[key_end - 1] == ' ') --key_end;
  }
  std::string_view key = line.substr(key_begin, key_end - key_begin);
  while (!key.empty() && key.front() == '-') key.remove_prefix(1);
  if (key.empty() || key.size() > 80 || std::count(key.begin(), key.end(), ' ') > 3) {
    return std::nullopt;
  }
  for (char c : key) {
    if (c == '{' || c == '(' || c == '<' || c == '"') return std::nullopt;  // code, not a key
  }
  i = sep + 1;
  if (i < line.size() && line[i] == '=') ++i;  // `==`
  skip_spaces();
  size_t value_offset = i;
  std::string_view value = line.substr(i);
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
    const size_t close = value.find(value.front(), 1);
    if (close != std::string_view::npos) {
      value = value.substr(1, close - 1);
      ++value_offset;
    }
  } else {
    if (size_t hash = value.find(" #"); hash != std::string_view::npos)
      value = value.substr(0, hash);
    value = Trim(value);
    while (!value.empty() && (value.back() == ',' || value.back() == ';')) value.remove_suffix(1);
  }
  return LineKeyValue{key, value, value_offset};
}

std::vector<ValueHit> ScanString(std::string_view context, std::string_view key,
                                 std::string_view value) {
  return ScanString(context, key, value, ScanOptions{});
}

std::vector<ValueHit> ScanString(std::string_view context, std::string_view key,
                                 std::string_view value, const ScanOptions& options) {
  std::vector<ValueHit> hits;
  MatchPatterns(value, hits);
  if (value.find('\n') == std::string_view::npos) {
    size_t offset = 0;
    const std::string_view trimmed = Trim(value);
    offset = trimmed.empty() ? 0 : static_cast<size_t>(trimmed.data() - value.data());
    const std::string_view inner = StripQuotes(trimmed, offset);
    CheckKeyContext(context, key, inner, offset, options, hits);
    // `--api-key=...` and `DB_PASSWORD=...` as one string (container args, command lines).
    if (!IsSecretKey(key) && inner.find('=') != std::string_view::npos) {
      if (std::optional<LineKeyValue> kv = SplitKeyValue(inner)) {
        const size_t at = offset + kv->value_offset;
        CheckKeyContext(std::string(context) + "/" + ToLower(kv->key), kv->key, kv->value, at,
                        options, hits);
      }
    }
    return hits;
  }
  // Text: `key: value` and `KEY=value` lines, each judged by its own key. A `value:` line right
  // after a `name:` line (env lists, Helm parameters) takes the name as its key.
  std::string name_key;
  int name_age = 99;
  size_t line_start = 0;
  size_t line_index = 0;
  for (; line_start < value.size(); ++line_index) {
    size_t line_end = value.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = value.size();
    const std::string_view line = value.substr(line_start, line_end - line_start);
    const bool skip = options.skip_key_lines && line_index < options.skip_key_lines->size() &&
                      (*options.skip_key_lines)[line_index];
    std::optional<LineKeyValue> kv;
    if (!skip) kv = SplitKeyValue(line);
    if (kv) {
      std::string_view line_key = kv->key;
      if (EqualsIgnoreCase(line_key, "name")) {
        name_key = std::string(kv->value);
        name_age = 0;
      } else if (EqualsIgnoreCase(line_key, "value") && name_age <= 2) {
        line_key = name_key;
      }
      const std::string line_context = std::string(context) + "/" + ToLower(line_key);
      CheckKeyContext(line_context, line_key, kv->value, line_start + kv->value_offset, options,
                      hits);
    }
    // JSON objects on one line: every `"key": "value"` pair, not only the first.
    if (!skip && line.find("\":") != std::string_view::npos) {
      static const RE2 kPair(R"re("([^"]{1,80})"\s*:\s*"([^"]*)")re");
      re2::StringPiece rest(line.data(), line.size());
      re2::StringPiece pair_key;
      re2::StringPiece pair_value;
      while (RE2::FindAndConsume(&rest, kPair, &pair_key, &pair_value)) {
        const std::string_view k(pair_key.data(), pair_key.size());
        const std::string_view v(pair_value.data(), pair_value.size());
        const size_t at = line_start + static_cast<size_t>(v.data() - line.data());
        CheckKeyContext(std::string(context) + "/" + ToLower(k), k, v, at, options, hits);
      }
    }
    ++name_age;
    line_start = line_end + 1;
  }
  return hits;
}

}  // namespace syncgate::secrets
