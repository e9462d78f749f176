#include "model/duration.h"

#include <cstdint>

namespace syncgate::model {
namespace {

constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // |int64 min|: Go's bound before the sign

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Nanoseconds per unit; 0 for a unit Go does not know.
uint64_t UnitNanoseconds(std::string_view unit) {
  if (unit == "ns") return 1;
  // "µs" is U+00B5 (micro sign), "μs" U+03BC (Greek mu): Go accepts both.
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;
  if (unit == "ms") return 1000 * 1000;
  if (unit == "s") return 1000 * 1000 * 1000;
  if (unit == "m") return uint64_t{60} * 1000 * 1000 * 1000;
  if (unit == "h") return uint64_t{3600} * 1000 * 1000 * 1000;
  return 0;
}

/// `magnitude` with the sign applied, when it fits int64.
std::optional<std::chrono::nanoseconds> Signed(uint64_t magnitude, bool negative) {
  if (negative) {
    if (magnitude > kMaxMagnitude) return std::nullopt;
    return std::chrono::nanoseconds(magnitude == kMaxMagnitude ? INT64_MIN
                                                               : -static_cast<int64_t>(magnitude));
  }
  if (magnitude >= kMaxMagnitude) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<int64_t>(magnitude));
}

}  // namespace

std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return std::nullopt;
    // The whole part: overflow is an error, as in Go's leadingInt.
    uint64_t whole = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (__builtin_mul_overflow(whole, 10, &whole) ||
          __builtin_add_overflow(whole, static_cast<uint64_t>(s[i] - '0'), &whole) ||
          whole > kMaxMagnitude) {
        return std::nullopt;
      }
    }
    bool digits = i > 0;
    // The fraction: digits past what a uint64 holds are dropped, as in Go's leadingFraction.
    uint64_t fraction = 0;
    double scale = 1;
    if (i < s.size() && s[i] == '.') {
      bool overflow = false;
      for (++i; i < s.size() && IsDigit(s[i]); ++i) {
        digits = true;
        uint64_t next = 0;
        if (overflow || __builtin_mul_overflow(fraction, 10, &next) ||
            __builtin_add_overflow(next, static_cast<uint64_t>(s[i] - '0'), &next) ||
            next > kMaxMagnitude) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
    }
    if (!digits) return std::nullopt;  // "." or ".s"
    // The unit runs up to the next number.
    size_t end = i;
    while (end < s.size() && !(s[end] == '.' || IsDigit(s[end]))) ++end;
    const uint64_t unit = UnitNanoseconds(s.substr(i, end - i));
    if (unit == 0) return std::nullopt;  // missing or unknown unit
    uint64_t value = 0;
    if (__builtin_mul_overflow(whole, unit, &value) || value > kMaxMagnitude) return std::nullopt;
    if (fraction > 0) {
      value += static_cast<uint64_t>(static_cast<double>(fraction) *
                                     (static_cast<double>(unit) / scale));
      if (value > kMaxMagnitude) return std::nullopt;
    }
    if (__builtin_add_overflow(total, value, &total) || total > kMaxMagnitude) return std::nullopt;
    s.remove_prefix(end);
  }
  return Signed(total, negative);
}

std::optional<std::chrono::nanoseconds> ParseArgoDuration(std::string_view text) {
  std::string_view digits = text;
  const bool negative = !digits.empty() && digits[0] == '-';
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return ParseGoDuration(text);
  }
  constexpr uint64_t kSecond = 1000 * 1000 * 1000;
  uint64_t seconds = 0;
  for (const char c : digits) {
    if (__builtin_mul_overflow(seconds, 10, &seconds) ||
        __builtin_add_overflow(seconds, static_cast<uint64_t>(c - '0'), &seconds) ||
        seconds > kMaxMagnitude / kSecond) {
      return std::nullopt;
    }
  }
  return Signed(seconds * kSecond, negative);
}

}  // namespace syncgate::model
