#include "checker/redaction.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "checker/finding.h"

namespace syncgate {
namespace {

/// Secrets indexed by their first kMinScrubbedSecret bytes: a scan looks up each position of
/// the text once, so scrubbing a report is linear in its size whatever the number of secrets.
struct Registry {
  std::shared_mutex mutex;
  std::unordered_set<std::string> secrets;
  std::unordered_map<std::string, std::vector<std::string>> by_prefix;  // longest first
  std::atomic<bool> any{false};
  std::unordered_set<std::string> public_texts;  // DeclarePublicText's, each once
  std::string public_joined;                     // the same, '\n'-separated, to search in
};

Registry& TheRegistry() {
  static Registry* registry = new Registry();  // never destroyed: used until the process ends
  return *registry;
}

void RememberOne(Registry& r, std::string_view secret) {
  if (secret.size() < kMinScrubbedSecret) return;
  if (std::string_view(r.public_joined).find(secret) != std::string_view::npos) return;
  std::string owned(secret);
  if (!r.secrets.insert(owned).second) return;
  std::vector<std::string>& bucket = r.by_prefix[owned.substr(0, kMinScrubbedSecret)];
  bucket.push_back(std::move(owned));
  std::sort(bucket.begin(), bucket.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  r.any.store(true, std::memory_order_release);
}

}  // namespace

void RememberSecret(std::string_view secret) {
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
    secret.remove_suffix(1);
  }
  if (secret.size() < kMinScrubbedSecret) return;
  Registry& r = TheRegistry();
  std::unique_lock lock(r.mutex);
  RememberOne(r, secret);
  if (secret.find('\n') == std::string_view::npos) return;
  size_t start = 0;
  while (start < secret.size()) {
    size_t end = secret.find('\n', start);
    if (end == std::string_view::npos) end = secret.size();
    std::string_view line = secret.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    // The armour lines of a PEM block are not secret; its base64 lines are.
    if (line.rfind("-----", 0) != 0) RememberOne(r, line);
    start = end + 1;
  }
}

void DeclarePublicText(std::string_view text) {
  if (text.size() < kMinScrubbedSecret) return;
  Registry& r = TheRegistry();
  std::unique_lock lock(r.mutex);
  if (!r.public_texts.emplace(text).second) return;
  r.public_joined.append(text).push_back('\n');
  for (auto bucket = r.by_prefix.begin(); bucket != r.by_prefix.end();) {
    std::vector<std::string>& secrets = bucket->second;
    std::erase_if(secrets, [&](const std::string& secret) {
      if (text.find(secret) == std::string_view::npos) return false;
      r.secrets.erase(secret);
      return true;
    });
    bucket = secrets.empty() ? r.by_prefix.erase(bucket) : std::next(bucket);
  }
  r.any.store(!r.secrets.empty(), std::memory_order_release);
}

namespace {

/// Calls `found(offset, secret)` for each remembered secret in `text`, left to right, the
/// longest at each position, and returns false when nothing is remembered.
template <typename Found>
bool ForEachSecret(std::string_view text, Found found) {
  Registry& r = TheRegistry();
  if (!r.any.load(std::memory_order_acquire)) return false;
  std::shared_lock lock(r.mutex);
  size_t i = 0;
  while (i + kMinScrubbedSecret <= text.size()) {
    auto bucket = r.by_prefix.find(std::string(text.substr(i, kMinScrubbedSecret)));
    const std::string* match = nullptr;
    if (bucket != r.by_prefix.end()) {
      for (const std::string& secret : bucket->second) {
        if (text.compare(i, secret.size(), secret) == 0) {
          match = &secret;
          break;
        }
      }
    }
    if (!match) {
      ++i;
      continue;
    }
    found(i, *match);
    i += match->size();
  }
  return true;
}

}  // namespace

std::string ScrubSecrets(std::string_view text) {
  std::string out;
  size_t copied = 0;
  const bool any = ForEachSecret(text, [&](size_t at, const std::string& secret) {
    out.append(text.substr(copied, at - copied));
    out += Redact(secret);
    copied = at + secret.size();
  });
  if (!any || copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

std::vector<SecretSpan> SecretSpans(std::string_view text) {
  std::vector<SecretSpan> spans;
  ForEachSecret(text, [&](size_t at, const std::string& secret) {
    spans.push_back({at, secret.size()});
  });
  return spans;
}

std::string UrlWithoutCredentials(std::string_view url) {
  // HTTP(S) only: the user of an ssh:// URL (git@) names an account, it is not a credential.
  const size_t scheme = url.find("://");
  const std::string_view name = url.substr(0, scheme == std::string_view::npos ? 0 : scheme);
  if (name != "http" && name != "https") return std::string(url);
  const size_t authority = scheme + 3;
  const size_t end = url.find_first_of("/?#", authority);
  const std::string_view host_part = url.substr(
      authority, end == std::string_view::npos ? std::string_view::npos : end - authority);
  const size_t at = host_part.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, authority)) + std::string(url.substr(authority + at + 1));
}

bool AnySecretRemembered() { return TheRegistry().any.load(std::memory_order_acquire); }

void ForgetSecretsForTesting() {
  Registry& r = TheRegistry();
  std::unique_lock lock(r.mutex);
  r.secrets.clear();
  r.by_prefix.clear();
  r.public_texts.clear();
  r.public_joined.clear();
  r.any.store(false, std::memory_order_release);
}

}  // namespace syncgate
