#include "render/render_cache.h"

#include "checker/finding.h"

namespace syncgate::render {

namespace {
// The payload: a status line ("ok" or "failed"), then the manifest or the error.
constexpr std::string_view kOk = "ok\n";
constexpr std::string_view kFailed = "failed\n";
constexpr size_t kDigestSize = 32;

/// The entry's name: a digest of the inputs. Its key is another one, which the name does not
/// give away.
std::string EntryName(std::string_view inputs) {
  return Sha256Hex(std::string("syncgate-render-name-1\n") + std::string(inputs));
}
std::string EntryKey(std::string_view inputs) {
  return Sha256Raw(std::string("syncgate-render-key-1\n") + std::string(inputs));
}

/// `text` XOR the keystream SHA-256(key || block counter): a stream cipher from the hash we
/// have (the layering keeps Botan in sealing/). Both ways: applying it twice gives `text` back.
std::string Xor(const std::string& key, std::string_view text) {
  std::string out(text);
  std::string block_input = key + std::string(8, '\0');
  for (size_t at = 0, block = 0; at < out.size(); ++block) {
    for (size_t b = 0; b < 8; ++b) {
      block_input[key.size() + b] = static_cast<char>((block >> (8 * b)) & 0xFF);
    }
    const std::string pad = Sha256Raw(block_input);
    for (size_t i = 0; i < pad.size() && at < out.size(); ++i, ++at) out[at] ^= pad[i];
  }
  return out;
}

/// The digest of key and plaintext, then the ciphertext: a wrong key or a changed byte reads as
/// a miss, never as a different render.
std::string Encrypt(const std::string& key, std::string_view plaintext) {
  return Sha256Raw(key + std::string(plaintext)) + Xor(key, plaintext);
}
std::optional<std::string> Decrypt(const std::string& key, std::string_view sealed) {
  if (sealed.size() < kDigestSize) return std::nullopt;
  std::string plaintext = Xor(key, sealed.substr(kDigestSize));
  if (Sha256Raw(key + plaintext) != sealed.substr(0, kDigestSize)) return std::nullopt;
  return plaintext;
}

}  // namespace

std::optional<RenderResult> RenderCache::Get(std::string_view key) const {
  std::optional<std::string> sealed = store_.Get(EntryName(key));
  if (!sealed) return std::nullopt;
  std::optional<std::string> payload = Decrypt(EntryKey(key), *sealed);
  if (!payload) return std::nullopt;
  RenderResult r;
  r.cached = true;
  if (payload->starts_with(kOk)) {
    r.status = RenderStatus::kOk;
    r.manifest = payload->substr(kOk.size());
  } else if (payload->starts_with(kFailed)) {
    r.status = RenderStatus::kFailed;
    r.error = payload->substr(kFailed.size());
  } else {
    return std::nullopt;
  }
  return r;
}

void RenderCache::Put(std::string_view key, const RenderResult& result) const {
  if (result.status == RenderStatus::kUnavailable || result.stopped) return;
  const bool ok = result.status == RenderStatus::kOk;
  std::string payload(ok ? kOk : kFailed);
  payload += ok ? result.manifest : result.error;
  store_.Put(EntryName(key), Encrypt(EntryKey(key), payload));
  stored_ = true;
}

RenderCache::~RenderCache() {
  if (stored_) store_.Prune();
}

}  // namespace syncgate::render
