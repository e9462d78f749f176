#include "checker/finding.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <tuple>

namespace syncgate {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "error";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "error") return Severity::kError;
  if (lower == "warning" || lower == "warn") return Severity::kWarning;
  if (lower == "info") return Severity::kInfo;
  return std::nullopt;
}

Expected<std::optional<Severity>> ParseFailOn(std::string_view text) {
  if (text == "never") return std::optional<Severity>();
  if (std::optional<Severity> severity = ParseSeverity(text)) return severity;
  return Unexpected("--fail-on must be error, warning, info or never, not '" + std::string(text) +
                    "'");
}

bool MeetsThreshold(Severity severity, std::optional<Severity> fail_on) {
  return fail_on && static_cast<int>(severity) >= static_cast<int>(*fail_on);
}

bool FindingLess(const Finding& a, const Finding& b) {
  return std::tie(a.file, a.line, a.column, a.rule, a.message, a.pointer) <
         std::tie(b.file, b.line, b.column, b.rule, b.message, b.pointer);
}

std::string Redact(std::string_view secret) {
  // Never cut a UTF-8 sequence: take 4 code points, not 4 bytes.
  size_t end = 0;
  for (int chars = 0; end < secret.size() && chars < 4; ++chars) {
    ++end;
    while (end < secret.size() && (static_cast<unsigned char>(secret[end]) & 0xC0) == 0x80) ++end;
  }
  // Short secrets show less, so the redacted form never reveals most of the value.
  if (secret.size() <= 8) end = std::min<size_t>(end, secret.size() / 3);
  return std::string(secret.substr(0, end)) + "…[redacted]";
}

std::string Fnv1aHex(std::string_view data) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash);
}

namespace {
// A compact SHA-256 (FIPS 180-4) so that checker/ needs no crypto library.
class Sha256 {
 public:
  Sha256() {
    state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  }
  void Update(std::string_view data) {
    for (unsigned char c : data) {
      block_[block_len_++] = c;
      if (block_len_ == 64) {
        Compress();
        block_len_ = 0;
      }
      total_bits_ += 8;
    }
  }
  std::array<uint8_t, 32> Final() {
    const uint64_t bits = total_bits_;
    block_[block_len_++] = 0x80;
    if (block_len_ > 56) {
      while (block_len_ < 64) block_[block_len_++] = 0;
      Compress();
      block_len_ = 0;
    }
    while (block_len_ < 56) block_[block_len_++] = 0;
    for (int i = 7; i >= 0; --i) block_[block_len_++] = static_cast<uint8_t>(bits >> (i * 8));
    Compress();
    std::array<uint8_t, 32> out{};
    for (int i = 0; i < 8; ++i) {
      for (int j = 0; j < 4; ++j) out[i * 4 + j] = static_cast<uint8_t>(state_[i] >> (24 - j * 8));
    }
    return out;
  }

 private:
  static uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
  void Compress() {
    static constexpr uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = (uint32_t(block_[i * 4]) << 24) | (uint32_t(block_[i * 4 + 1]) << 16) |
             (uint32_t(block_[i * 4 + 2]) << 8) | uint32_t(block_[i * 4 + 3]);
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t s1 = Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25);
      const uint32_t ch = (e & f) ^ (~e & g);
      const uint32_t t1 = h + s1 + ch + k[i] + w[i];
      const uint32_t s0 = Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22);
      const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const uint32_t t2 = s0 + maj;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }
  std::array<uint32_t, 8> state_{};
  std::array<uint8_t, 64> block_{};
  size_t block_len_ = 0;
  uint64_t total_bits_ = 0;
};
}  // namespace

std::string Sha256Hex(std::string_view data) {
  Sha256 sha;
  sha.Update(data);
  std::string out;
  for (uint8_t b : sha.Final()) out += fmt::format("{:02x}", b);
  return out;
}

std::string Sha256Raw(std::string_view data) {
  Sha256 sha;
  sha.Update(data);
  std::string out;
  for (uint8_t b : sha.Final()) out += static_cast<char>(b);
  return out;
}

std::string SecretDigest(std::string_view secret) {
  // Domain-separated so the digest cannot be compared with plain SHA-256 lists of leaked values.
  return Sha256Hex(std::string("syncgate-secret-v1\n") + std::string(secret)).substr(0, 16);
}

}  // namespace syncgate
