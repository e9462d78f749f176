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
  kPemBody,      // a PEM block whose body decodes as a key (documentation shows `...` instead)
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
  bool hash = false;  // a password hash: reported with its own message
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
    // Password hashes (htpasswd, argocd-secret's admin.password, Dex static users, /etc/shadow,
    // Django, Werkzeug): not the password, but a committed hash of a real one can be cracked
    // offline, and a weak one quickly.
    {SecretKind::kPasswordValue, "bcrypt password hash", R"((\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}))",
     "$2", Verify::kNone, false, true},
    {SecretKind::kPasswordValue, "argon2 password hash",
     R"((\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}))",
     "$a", Verify::kNone, false, true},
    {SecretKind::kPasswordValue, "PBKDF2 password hash",
     R"(\b(pbkdf2:sha(?:1|256|512):\d+\$[A-Za-z0-9./+]{4,}\$[0-9a-f]{32,}|pbkdf2_sha(?:1|256|512)\$\d+\$[A-Za-z0-9./+]{4,}\$[A-Za-z0-9+/]{20,}={0,2}|\$pbkdf2(?:-sha(?:1|256|512))?\$\d+\$[A-Za-z0-9./+]{4,}\$[A-Za-z0-9./+]{20,}))",
     "f2", Verify::kNone, false, true},
    {SecretKind::kPasswordValue, "SHA-crypt password hash",
     R"((\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}))", "$5 $6",
     Verify::kNone, false, true},
    {SecretKind::kPasswordValue, "MD5-crypt password hash",
     R"((\$(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}))", "$1 r1", Verify::kNone, false,
     true},
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

bool Contains(std::string_view text, std::string_view word) {
  return text.find(word) != std::string_view::npos;
}

bool ContainsAny(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (Contains(text, w)) return true;
  }
  return false;
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

/// What a pattern match holds after verification.
enum class Verdict : uint8_t {
  kReject,   // not a secret (a stub, an elided example, a placeholder)
  kExample,  // shaped like one but unusable (a key body that does not decode): info
  kAccept,
};

/// Whether `der` is one complete DER SEQUENCE (PKCS#1, PKCS#8, SEC1 and DSA keys all are).
bool IsDerSequence(std::string_view der) {
  if (der.size() < 2 || static_cast<unsigned char>(der[0]) != 0x30) return false;
  const unsigned char first = static_cast<unsigned char>(der[1]);
  size_t length = first;
  size_t header = 2;
  if (first >= 0x80) {
    const size_t bytes = first & 0x7F;
    if (bytes == 0 || bytes > 4 || der.size() < 2 + bytes) return false;
    length = 0;
    for (size_t i = 0; i < bytes; ++i) {
      length = (length << 8) | static_cast<unsigned char>(der[2 + i]);
    }
    header = 2 + bytes;
  }
  return header + length == der.size();
}

/// Judges a PEM private key block starting at `begin` (its `-----BEGIN`): a body elided with
/// `...` or too short to be a key is documentation; a body whose base64 decodes to something
/// that is not a key of the block's type is an example; anything else (a real key, or a body this
/// cannot read cleanly) counts, so that a real key anywhere stays an error.
Verdict PemKeyVerdict(std::string_view text, size_t begin) {
  const size_t label_begin = begin + 11;  // after "-----BEGIN "
  const size_t header_end = text.find("-----", label_begin);
  if (header_end == std::string_view::npos) return Verdict::kReject;
  const std::string_view label = text.substr(label_begin, header_end - label_begin);
  const size_t body_begin = header_end + 5;
  const size_t end = text.find("-----", body_begin);
  const std::string_view body =
      text.substr(body_begin, (end == std::string_view::npos ? text.size() : end) - body_begin);
  if (body.find("...") != std::string_view::npos ||
      body.find("\xE2\x80\xA6") != std::string_view::npos) {  // "…"
    return Verdict::kReject;
  }
  std::string base64;
  bool headers = false;  // RFC 1421 headers (legacy encrypted PEM) or PGP armor headers
  bool unclear = false;  // characters this does not understand: assume a real key
  size_t start = 0;
  while (start <= body.size()) {
    // Lines end at newlines, and at `\n` escapes (a key inside a JSON or quoted string).
    size_t stop = start;
    while (stop < body.size() && body[stop] != '\n' &&
           !(body[stop] == '\\' && stop + 1 < body.size() &&
             (body[stop + 1] == 'n' || body[stop + 1] == 'r'))) {
      ++stop;
    }
    std::string_view line = Trim(body.substr(start, stop - start));
    start = stop + (stop < body.size() && body[stop] == '\\' ? 2 : 1);
    // Quoting and concatenation around each line: `"MIIE...\n" +`, `# MIIE...`, `'MIIE...',`.
    while (!line.empty() && (line.front() == '#' || line.front() == '"' || line.front() == '\'' ||
                             line.front() == '|')) {
      line = Trim(line.substr(1));
    }
    if (EndsWith(line, "\" +") || EndsWith(line, "' +")) line.remove_suffix(2);
    while (!line.empty() && (line.back() == '"' || line.back() == '\'' || line.back() == ',' ||
                             line.back() == '\\' || line.back() == ' ')) {
      line.remove_suffix(1);
    }
    if (line.empty()) continue;
    if (line.find(": ") != std::string_view::npos) {
      headers = true;
      continue;
    }
    if (line.front() == '=' && line.size() == 5) continue;  // a PGP armor checksum
    for (char c : line) {
      if (IsBase64Char(c) || c == '=') {
        base64 += c;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        unclear = true;
      }
    }
  }
  if (base64.size() < 64) return Verdict::kReject;  // `<your key here>`, a stub
  if (unclear) return Verdict::kAccept;
  const std::optional<std::string> bytes = DecodeBase64(base64);
  if (!bytes || bytes->empty()) return Verdict::kExample;
  const auto first = static_cast<unsigned char>((*bytes)[0]);
  bool key = false;
  if (label.find("PGP") != std::string_view::npos) {
    key = (first & 0x80) != 0;  // an OpenPGP packet tag
  } else if (label.find("OPENSSH") != std::string_view::npos) {
    key = StartsWith(*bytes, std::string_view("openssh-key-v1\0", 15));
  } else if (label.find("SSH2") != std::string_view::npos) {
    key = StartsWith(*bytes, "\x3f\x6f\xf9\xeb");
  } else if (headers) {
    key = bytes->size() % 8 == 0;  // legacy encrypted PEM: CBC ciphertext, whole blocks
  } else {
    key = IsDerSequence(*bytes);
  }
  return key ? Verdict::kAccept : Verdict::kExample;
}

/// `ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`, `AKIA0000000000000000`: a token's shape with
/// its random part masked or repeated, as documentation shows it.
bool IsMaskedToken(std::string_view secret) {
  const std::string lower = ToLower(secret);
  if (ContainsAny(lower, {"xxxxxx", "******", "000000", "......"})) return true;
  return secret.size() >= 16 && ShannonEntropy(secret) < 2.5;
}

Verdict Verified(const Pattern& p, std::string_view text, size_t begin, std::string_view secret,
                 std::string& decoded) {
  auto accept_if = [](bool ok) { return ok ? Verdict::kAccept : Verdict::kReject; };
  if ((p.kind == SecretKind::kToken || p.kind == SecretKind::kVaultToken) &&
      IsMaskedToken(secret)) {
    return Verdict::kReject;
  }
  switch (p.verify) {
    case Verify::kNone:
      return Verdict::kAccept;
    case Verify::kPemBody:
      return PemKeyVerdict(text, begin);
    case Verify::kBase64Pem: {
      std::optional<std::string> pem = DecodeBase64(secret);
      if (!pem) return Verdict::kReject;
      const size_t at = pem->find("-----BEGIN");
      if (at == std::string::npos || pem->find("PRIVATE KEY-----") == std::string::npos) {
        return Verdict::kReject;
      }
      return PemKeyVerdict(*pem, at);
    }
    case Verify::kNotExample:
      return accept_if(!EndsWith(secret, "EXAMPLE"));
    case Verify::kUrlPassword:
      return accept_if(!IsPlaceholder(secret) && secret.find('$') == std::string_view::npos &&
                       secret.find('{') == std::string_view::npos && secret.size() >= 3);
    case Verify::kDockerAuth: {
      std::optional<std::string> auth = DecodeBase64(secret);
      if (!auth || auth->find(':') == std::string::npos || !IsPrintableText(*auth)) {
        return Verdict::kReject;
      }
      decoded = auth->substr(auth->find(':') + 1);
      return accept_if(!decoded.empty() && !IsPlaceholder(decoded));
    }
    case Verify::kUnsealShape:
      return accept_if(HasUnsealShape(secret));
  }
  return Verdict::kReject;
}

/// Every pattern match in `text`, in text order per pattern.
/// Whether the line holding `offset` is commented out (`#`, `//`, `;`).
bool InCommentedLine(std::string_view text, size_t offset) {
  const size_t newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  const size_t line = newline == std::string_view::npos ? 0 : newline + 1;
  const std::string_view start = Trim(text.substr(line, offset - line));
  return !start.empty() &&
         (start.front() == '#' || start.front() == ';' || StartsWith(start, "//"));
}

void MatchPatterns(std::string_view text, const ScanOptions& options, std::vector<ValueHit>& out) {
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
      const Verdict verdict = Verified(p, text, offset, secret, decoded);
      if (verdict == Verdict::kReject) continue;
      // Password hashes belong with the password heuristic: examples in documentation, and in
      // the commented-out lines of stock configuration files (`#cli-password=$5$...`).
      if (p.hash && (options.no_password_heuristic || InCommentedLine(text, offset))) continue;
      ValueHit hit{p.kind, std::string(p.what), offset, secret.size(), std::move(decoded), p.weak};
      hit.hash = p.hash;
      if (verdict == Verdict::kExample) {
        hit.example = true;
        hit.what = "PEM private key block that does not decode as a key (an example?)";
      }
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

/// The name part of a qualified key: `external-secrets.io/component` is a label named
/// `component`.
std::string_view KeyName(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

/// Lower-case words joined by dashes, no digits: a user name (`minio`) or an object name.
bool IsPlainName(std::string_view v) {
  return !v.empty() && v.front() != '-' && v.back() != '-' &&
         v.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string_view::npos;
}

/// `1234567890`: a run of ascending digits, what documentation puts where an issued token goes.
bool IsDigitRun(std::string_view v) {
  if (v.size() < 6) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
    if (i > 0 && v[i] != static_cast<char>('0' + ((v[i - 1] - '0' + 1) % 10))) return false;
  }
  return true;
}

/// Whether a connection string carries a credential (`Password=`, `AccountKey=`, `user:pass@`);
/// `zk-0.zk:2181` or `mongodb://mongo:27017` only say where to connect.
bool HasCredentialPart(std::string_view value) {
  const std::string lower = ToLower(value);
  if (ContainsAny(lower, {"password=", "pwd=", "accountkey=", "sharedaccesskey=", "secret=",
                          "token=", "apikey=", "api_key="})) {
    return true;
  }
  const size_t scheme = lower.find("://");
  const size_t at = lower.find('@');
  return scheme != std::string::npos && at != std::string::npos && at > scheme &&
         lower.find(':', scheme + 3) < at;
}

/// Judges a single-line value from the key and path that hold it. `commented`: the value sits
/// behind a comment marker in a text file.
void CheckKeyContext(std::string_view context, std::string_view key, std::string_view value,
                     size_t offset, const ScanOptions& options, std::vector<ValueHit>& out,
                     bool commented = false) {
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
  // `envFromSecret: {TOKEN: secret-name/KEY}`: where the secret is, not what it is.
  if (Contains(NormalizeKey(context), "fromsecret")) return;
  const std::string norm_key = NormalizeKey(KeyName(key));
  if (!options.secret_data) {
    // A reference by name ("db-password", "admin.token") says where a secret is, not what it
    // is. (In a Secret's own data the value is the secret: there it counts.)
    if (ContainsAny(value, {"password", "secret", "token", "passwd", "credential", "key", "auth",
                            "pass"}) &&
        value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_.") ==
            std::string_view::npos) {
      return;
    }
    // `envFromSecret: grafana-env`, `tlsSecret: web-tls`: a key ending in "secret" holding a
    // Kubernetes object name names the Secret; generated secrets are not lower-case-dash words.
    if (EndsWith(norm_key, "secret") && value.find_first_of("-.") != std::string_view::npos &&
        value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") ==
            std::string_view::npos) {
      return;
    }
    // `TOKEN: coturn-credentials/TOKEN`: a Secret's name and one of its keys.
    static const RE2 kSecretKeyRef(R"([a-z0-9]+(?:-[a-z0-9]+)+/[A-Za-z0-9_.-]+)");
    if (RE2::FullMatch(re2::StringPiece(value.data(), value.size()), kSecretKeyRef)) return;
  }
  // A connection string without user information only says where to connect.
  if (ContainsAny(norm_key, {"connectionstring", "connstring", "connstr", "dsn"}) &&
      !HasCredentialPart(value)) {
    return;
  }
  // An access key id is the user name half of a key pair (MinIO's root user, `minio`).
  if ((EndsWith(norm_key, "accesskey") || EndsWith(norm_key, "accesskeyid")) &&
      !Contains(norm_key, "secret") && IsPlainName(value)) {
    return;
  }
  // Tokens and API keys are issued, so `1234567890` cannot be one; a password is chosen, and a
  // weak one still deploys.
  if (!ContainsAny(norm_key, {"pass", "pwd"}) && IsDigitRun(value)) return;
  // Short, low in entropy, or a fill-in marker made to pass a policy (`ChangeMe123`): a weak
  // password, and weak evidence.
  const bool weak = value.size() < 10 || ShannonEntropy(value) < 3.0 ||
                    ContainsAny(ToLower(value), {"changeme", "change-me", "change_me", "changeit",
                                                 "replaceme", "password", "passw0rd", "secret"});
  // Commented-out weak values are the examples of stock configuration files
  // (`#cli-password=qwerty` in turnserver.conf); a commented-out strong one is still a leak.
  if (commented && weak) return;
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

bool IsSecretKey(std::string_view qualified_key) {
  // `external-secrets.io/component`, `checksum/secret`: the name after the prefix decides.
  const std::string_view key = KeyName(qualified_key);
  const std::string k = NormalizeKey(key);
  if (k.empty()) return false;
  const std::string qualified = NormalizeKey(qualified_key);
  const bool secretish =
      ContainsAny(
          k, {"password", "passwd", "passwort", "pwd", "secret", "token", "apikey", "accesskey",
              "privatekey", "credential", "passphrase", "authkey", "connectionstring",
              "encryptionkey", "signingkey", "masterkey", "erlangcookie"}) ||
      EndsWith(k, "pass");
  if (!secretish) return false;
  // References to a secret, and settings about secrets, are not secrets.
  if (ContainsAny(
          qualified,
          {"existing", "secretname", "secretref", "keyref", "secretstore", "checksum", "annotation",
           "policy", "generat", "rotation", "secretsmanager", "secretprovider", "tokenreview",
           "passwordkey", "tokenkey", "userkey", "fromsecret", "secretkeyname",
           // the name of a Kubernetes Secret object (`TS_KUBE_SECRET: tailscale`)
           "kubesecret", "k8ssecret",
           // etcd's initial cluster token only tells clusters apart
           "initialclustertoken",
           // OIDC: `id_token: [claims]`, `id-token: write` (a CI permission); a real
           // ID token is a JWT, which the token patterns find under any key
           "idtoken"})) {
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
                                  "cache",     "limit",
                                  "mtime",     "cmd" /* AIRFLOW__..._SECRET_KEY_CMD */,
                                  "command",   "method" /* PASSWORD_HASH_METHOD */,
                                  "alg",       "algorithm",
                                  "algo",      "cipher",
                                  "digest",    "encryption" /* password_encryption */,
                                  "namespace", "ip",
                                  "ips",       "cidr",
                                  "cidrs",     "claim",
                                  "claims",    "scope",
                                  "scopes"}) {
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
       {"existing", "use",   "create",   "auto",   "generate", "generated", "require",
        "required", "allow", "show",     "skip",   "enable",   "enabled",   "disable",
        "rotate",   "mount", "min",      "max",    "num",      "is",        "has",
        "no",       "check", "validate", "verify", "from" /* fromConnectionSecretKey */}) {
    if (first == word && k.size() > first.size()) return false;
  }
  return true;
}

namespace {

/// `changeme` alone (or with words: `please-change-me`) marks a value to fill in; with digits or
/// symbols (`ChangeMe123`) it is a password someone made to pass a policy, and it deploys.
bool IsFillInMarker(const std::string& lower) {
  for (std::string_view marker : {"changeme", "change-me", "change_me", "changeit", "change-it",
                                  "replaceme", "replace-me", "replace_me"}) {
    const size_t at = lower.find(marker);
    if (at == std::string::npos) continue;
    const std::string rest = lower.substr(0, at) + lower.substr(at + marker.size());
    return rest.find_first_not_of("abcdefghijklmnopqrstuvwxyz-_. ") == std::string::npos;
  }
  return false;
}

/// `my-hub-license`, `another_pw`, `somepassword`, `jiraToken`: words that name what belongs
/// there. Letters and separators only: `myS3cret!` is a password.
bool NamesWhatBelongsThere(std::string_view v, const std::string& lower) {
  if (lower.find_first_not_of("abcdefghijklmnopqrstuvwxyz-_") != std::string::npos) return false;
  for (std::string_view prefix : {"my-", "my_", "some", "another", "test-", "test_"}) {
    if (StartsWith(lower, prefix) && lower.size() > prefix.size()) return true;
  }
  // camelCase ending in what it names: `jiraToken`, `adminPassword`, `myApiKey`.
  for (std::string_view word : {"Token", "Password", "Passwd", "Secret", "Key", "Pass"}) {
    const size_t at = v.find(word);
    if (at != std::string_view::npos && at > 0 &&
        std::islower(static_cast<unsigned char>(v[at - 1])) && at + word.size() == v.size()) {
      return true;
    }
  }
  return false;
}

/// `pbkdf2:sha256`, `hmac-sha256`, `scram-sha-256`, `ES256`, `aes-256-gcm`: an algorithm or a
/// hash method, which secret-like keys (`PASSWORD_HASH_METHOD`, `tsigSecretAlg`) hold.
bool IsAlgorithmName(const std::string& lower) {
  static const RE2 kAlgorithm(
      R"((?:(?:hmac|pbkdf2|scram|bcrypt|scrypt|argon2(?:id|i|d)?|aes|gcm|cbc|ctr|rsa|ecdsa|eddsa|)"
      R"(ed25519|ed448|[hrep]s(?:256|384|512)|chacha20|poly1305|blake2[bs]|crc32|ntlm|ssha|)"
      R"(crypt|3?des|oaep|pkcs[18]|x25519|sha(?:1|2|3|224|256|384|512)?|md[45]|\d+)[-_:/ ]?)+)");
  return lower.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos &&
         RE2::FullMatch(lower, kAlgorithm);
}

/// `cat /opt/app/secret-key`, `$(...)`, `env("API_KEY")`, `get_secret_value("x")`,
/// `User.find_by_username('root')`: code that produces a secret at run time.
bool IsCode(std::string_view v) {
  // A callee (`env`, `os.environ.get`, `User.find_by_username`) and an argument that starts
  // like code: a quote, a variable, a name, or nothing. `Tr0ub(4)dor` is not a call.
  static const RE2 kCall(
      R"([A-Za-z_][A-Za-z0-9_]*(?:[.:][A-Za-z_][A-Za-z0-9_]*)*\s*\(\s*(?:["'$.\[)]|[A-Za-z_]).*\).*)");
  if (RE2::FullMatch(re2::StringPiece(v.data(), v.size()), kCall)) return true;
  if (v.size() > 2 && v.front() == '`' && v.back() == '`') return true;
  const std::string_view command = v.substr(0, v.find(' '));
  if (command.size() == v.size()) return false;
  for (std::string_view shell :
       {"cat",  "echo", "printf",  "head",  "tail",     "openssl", "base64",  "curl",     "wget",
        "sh",   "bash", "kubectl", "vault", "aws",      "gcloud",  "az",      "jq",       "yq",
        "sed",  "awk",  "grep",    "tr",    "cut",      "xargs",   "python",  "python3",  "node",
        "exec", "eval", "source",  "sudo",  "htpasswd", "pwgen",   "/bin/sh", "/bin/bash"}) {
    if (command == shell) return true;
  }
  return false;
}

/// `thanos.yaml`, `tls.key`, `config.json`: a file, or a Secret's key named like one.
bool IsFileName(std::string_view v) {
  static const RE2 kFile(
      R"((?i)[A-Za-z0-9_.-]+\.(?:ya?ml|json|conf|cfg|ini|properties|xml|txt|toml|env|pem|crt|cert|)"
      R"(key|p12|pfx|jks|keystore|truststore|der|csr|pub|sh|py|js|tmpl|tpl|lua|cnf|alloy|hcl))");
  return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), kFile);
}

/// `jwt,priv-key=/certs/jwt.pem,sign-method=RS256,ttl=10m` (etcd's --auth-token): options
/// that configure a secret, without one in them.
bool IsOptionList(const std::string& lower) {
  if (std::count(lower.begin(), lower.end(), ',') < 1 ||
      std::count(lower.begin(), lower.end(), '=') < 2 || HasCredentialPart(lower)) {
    return false;
  }
  static const RE2 kOptions(
      R"([a-z][a-z0-9_.-]*(?:=[^,=\s]*)?(?:,[a-z][a-z0-9_.-]*(?:=[^,=\s]*)?)+)");
  return RE2::FullMatch(lower, kOptions);
}

/// `0.0.0.0/0`, `10.0.0.1,10.0.0.2`: addresses.
bool IsAddressList(std::string_view v) {
  static const RE2 kAddresses(
      R"(\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?:\s*,\s*\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?)*)");
  return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), kAddresses);
}

}  // namespace

bool IsPlaceholder(std::string_view raw) {
  std::string_view v = Trim(raw);
  // `\"$REDMINE_PASSWORD\"` in a shell line of a template: the quotes are escaped.
  while (v.size() >= 2 && v.front() == '\\' && (v[1] == '"' || v[1] == '\'')) {
    v = Trim(v.substr(2));
  }
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
       {"true", "false", "null", "none", "nil", "~", "yes", "no", "on", "off", "password", "passwd",
        "secret", "token", "test", "testing", "default", "empty", "pass", "string", "value", "tbd",
        "todo", "unset", "undefined", "required", "optional", "n/a", "na", "-", "...",
        // field names, where a key names the Secret key to read (`secretKey: username`)
        "username", "user", "host", "hostname", "port", "endpoint", "url", "uri", "database", "db",
        "key", "name", "id", "email", "namespace",
        // CI permissions (`id-token: write`)
        "read", "write", "read-all", "write-all"}) {
    if (lower == word) return true;
  }
  if (StartsWith(lower, "your")) return true;  // YourApiToken, your-password
  // Short numbers are ports, timeouts and counts.
  if (v.size() < 6 && v.find_first_not_of("0123456789") == std::string_view::npos) return true;
  if (IsFillInMarker(lower)) return true;
  if (ContainsAny(lower,
                  {"replace_with", "replace-with", "placeholder",  "example",      "dummy",
                   "redacted",     "your-",        "your_",        "yourpassword", "yoursecret",
                   "yourtoken",    "notasecret",   "not-a-secret", "fake",         "sample",
                   "insert",       "fixme",        "to-be-",       "set-me",       "setme",
                   "xxxx",         "****",         "...",          "secret-here",  "password-here",
                   "token-here"})) {
    return true;
  }
  // A single repeated character, or only masking characters.
  if (v.find_first_not_of(v.front()) == std::string_view::npos) return true;
  if (lower.find_first_not_of("x*#.-_ ") == std::string::npos) return true;
  // `ghp_XXXXXXXXXXXX`, `xxx-my-license`: a prefix or words around a run of masking x's.
  if (lower.find("xxx") != std::string::npos &&
      lower.find_first_not_of("abcdefghijklmnopqrstuvwxyz-_") == std::string::npos) {
    return true;
  }
  if (NamesWhatBelongsThere(v, lower)) return true;
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
  // Prose, not a credential; a pipeline or a schema (`string | default=""`).
  if (std::count(v.begin(), v.end(), ' ') >= 3 || Contains(v, " | ")) return true;
  return IsCode(v) || IsFileName(v) || IsAlgorithmName(lower) || IsAddressList(v) ||
         IsOptionList(lower);
}

bool IsSensitiveSecretEntry(std::string_view key, std::string_view value) {
  const std::string_view v = Trim(value);
  if (v.empty()) return false;
  // What the scanner finds: a token, a key, a password hash, a password under its key. A
  // one-line value is the secret itself (`db-password` there is a password, not a name); a
  // configuration file's lines are judged by their own keys.
  const bool text = v.find('\n') != std::string_view::npos;
  ScanOptions options;
  options.secret_data = !text;
  for (const ValueHit& hit : ScanString("/" + ToLower(key), key, v, options)) {
    if (!hit.example) return true;
  }
  // Nothing found in a file, or under a key that names a secret: the scanner judged it a
  // placeholder, a reference or code.
  if (text || IsFileName(key) || IsSecretKey(key) || IsPlaceholder(v)) return false;
  // What ArgoCD repository Secrets, database Secrets and TLS Secrets hold besides the
  // credential: where to connect, as whom, and public certificates.
  const std::string k = NormalizeKey(KeyName(key));
  for (std::string_view suffix : {"url",         "uri",       "type",
                                  "name",        "project",   "insecure",
                                  "enablelfs",   "enableoci", "workloadidentity",
                                  "id",          "user",      "username",
                                  "namespace",   "crt",       "cert",
                                  "certificate", "region",    "host",
                                  "hostname",    "port",      "database",
                                  "db",          "address",   "server",
                                  "proxy",       "noproxy",   "forcehttpbasicauth",
                                  "email",       "mtime",     "enabled",
                                  "path",        "mode"}) {
    if (EndsWith(k, suffix)) return false;
  }
  // A URL without user information only says where to connect.
  if (v.find("://") != std::string_view::npos && v.find(' ') == std::string_view::npos &&
      !HasCredentialPart(v)) {
    return false;
  }
  return true;
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
  bool commented = false;
  while (i < line.size() &&
         (line[i] == '#' || line[i] == '-' || line[i] == '/' || line[i] == '{' || line[i] == ',')) {
    if (line[i] == '-' && i + 1 < line.size() && line[i + 1] == '-') break;  // --flag=value
    commented |= line[i] == '#' || line[i] == '/';
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
  // `and broker.token=true.`, `htpasswd format, for example: "..."`: prose, not a key. (A
  // `Unseal Key 1: ...` line keeps its spaces; `KEY = value` has none in the key.)
  const bool equals_sep = line[sep] == '=';
  if (key.find(',') != std::string_view::npos ||
      (equals_sep && key.find(' ') != std::string_view::npos)) {
    return std::nullopt;
  }
  for (char c : key) {
    if (c == '{' || c == '(' || c == '<' || c == '"') return std::nullopt;  // code, not a key
  }
  i = sep + 1;
  if (i < line.size() && (line[i] == '=' || (equals_sep && line[i] == '>'))) ++i;  // `==`, `=>`
  skip_spaces();
  size_t value_offset = i;
  std::string_view value = line.substr(i);
  // `client_secret: # filled in by ...`: a YAML comment, no value.
  if (!equals_sep && !value.empty() && value.front() == '#') value = {};
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
  return LineKeyValue{key, value, value_offset, commented};
}

std::vector<ValueHit> ScanString(std::string_view context, std::string_view key,
                                 std::string_view value) {
  return ScanString(context, key, value, ScanOptions{});
}

std::vector<ValueHit> ScanString(std::string_view context, std::string_view key,
                                 std::string_view value, const ScanOptions& options) {
  std::vector<ValueHit> hits;
  MatchPatterns(value, options, hits);
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
      // An ExternalSecret's `secretKey` (YAML or CUE) names the key it fills, next to the
      // `remoteRef` that says where the value comes from.
      if (EqualsIgnoreCase(KeyName(line_key), "secretKey") &&
          value.substr(line_end, 200).find("remoteRef") != std::string_view::npos) {
        line_key = {};
      }
      const std::string line_context = std::string(context) + "/" + ToLower(line_key);
      CheckKeyContext(line_context, line_key, kv->value, line_start + kv->value_offset, options,
                      hits, kv->commented);
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
