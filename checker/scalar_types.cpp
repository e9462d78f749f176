#include "checker/scalar_types.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "checker/text_util.h"

namespace syncgate {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

template <typename Pred>
bool AllOf(std::string_view s, Pred pred) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}

std::string_view StripSign(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s;
}

bool IsNullWord(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool IsInfOrNan(std::string_view s) {
  std::string_view u = StripSign(s);
  if (u == ".inf" || u == ".Inf" || u == ".INF") return true;
  return s == ".nan" || s == ".NaN" || s == ".NAN";
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool IsYaml12Float(std::string_view s) {
  s = StripSign(s);
  size_t i = 0;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++frac_digits;
    if (int_digits == 0 && frac_digits == 0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// YAML 1.1: [-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?  (a dot is required, exponent signed)
bool IsYaml11Float(std::string_view s) {
  s = StripSign(s);
  size_t i = 0;
  if (i < s.size() && IsDigit(s[i])) {
    while (i < s.size() && (IsDigit(s[i]) || s[i] == '_')) ++i;
  }
  if (i >= s.size() || s[i] != '.') return false;
  ++i;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == '.')) ++i;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i >= s.size() || (s[i] != '-' && s[i] != '+')) return false;
    ++i;
    if (!AllOf(s.substr(i), IsDigit)) return false;
    return true;
  }
  return i == s.size() && s != ".";
}

// YAML 1.1 ints: binary, octal (leading 0), decimal, hex, all with '_', and base 60.
bool IsYaml11Int(std::string_view s) {
  s = StripSign(s);
  if (s.empty()) return false;
  auto digits_or_underscore = [](std::string_view d, auto pred) {
    return !d.empty() &&
           std::all_of(d.begin(), d.end(), [&](char c) { return pred(c) || c == '_'; });
  };
  if (s.size() > 2 && s[0] == '0' && s[1] == 'b') {
    return digits_or_underscore(s.substr(2), [](char c) { return c == '0' || c == '1'; });
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x') return digits_or_underscore(s.substr(2), IsHex);
  if (s[0] == '0') return digits_or_underscore(s, IsOctal);
  if (!IsDigit(s[0])) return false;
  if (s.find(':') != std::string_view::npos) {
    // Sexagesimal: [1-9][0-9_]*(:[0-5]?[0-9])+
    size_t colon = s.find(':');
    if (!digits_or_underscore(s.substr(0, colon), IsDigit)) return false;
    std::string_view rest = s.substr(colon);
    while (!rest.empty()) {
      if (rest[0] != ':') return false;
      rest.remove_prefix(1);
      size_t n = 0;
      while (n < rest.size() && IsDigit(rest[n])) ++n;
      if (n == 0 || n > 2 || (n == 2 && rest[0] > '5')) return false;
      rest.remove_prefix(n);
    }
    return true;
  }
  return digits_or_underscore(s, IsDigit);
}

std::string StripUnderscores(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '_') out += c;
  }
  return out;
}

/// YAML 1.1 integer text to a value: binary, octal (leading 0), hex, decimal, base 60.
std::optional<int64_t> ParseYaml11Int(std::string_view text) {
  std::string s = StripUnderscores(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t value = 0;  // magnitude; at most 2^63
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  auto accumulate = [&](std::string_view digits, uint64_t base) -> bool {
    if (digits.empty()) return false;
    for (char c : digits) {
      const uint64_t d = c >= '0' && c <= '9'   ? c - '0'
                         : c >= 'a' && c <= 'f' ? c - 'a' + 10
                         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                : 99;
      if (d >= base) return false;
      if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, d, &value) ||
          value > kLimit) {
        return false;
      }
    }
    return true;
  };
  bool ok = false;
  if (s.find(':') != std::string::npos) {
    for (std::string_view part : Split(s, ':')) {
      uint64_t before = value;
      value = 0;
      if (!accumulate(part, 10)) return std::nullopt;
      if (__builtin_mul_overflow(before, uint64_t{60}, &before) ||
          __builtin_add_overflow(value, before, &value) || value > kLimit) {
        return std::nullopt;
      }
    }
    ok = true;
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    ok = accumulate(std::string_view(s).substr(2), 16);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    ok = accumulate(std::string_view(s).substr(2), 2);
  } else if (s.size() > 1 && s[0] == '0') {
    ok = accumulate(std::string_view(s).substr(1), 8);
  } else {
    ok = accumulate(s, 10);
  }
  if (!ok || (!negative && value == kLimit)) return std::nullopt;
  if (negative)
    return value == kLimit ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(value);
  return static_cast<int64_t>(value);
}

double ParseYaml11Float(std::string_view text) {
  std::string s = StripUnderscores(text);
  std::string_view u = s;
  const bool negative = !u.empty() && u[0] == '-';
  if (!u.empty() && (u[0] == '-' || u[0] == '+')) u.remove_prefix(1);
  const std::string lower = ToLower(u);
  if (lower == ".inf") return negative ? -HUGE_VAL : HUGE_VAL;
  if (lower == ".nan") return std::nan("");
  return std::strtod(s.c_str(), nullptr);
}

/// go-yaml v2's float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? after dropping
/// '_', or .inf/.nan.
bool IsGoYamlFloat(std::string_view text) {
  const std::string s = StripUnderscores(text);
  std::string_view u = s;
  if (!u.empty() && (u[0] == '-' || u[0] == '+')) u.remove_prefix(1);
  const std::string lower = ToLower(u);
  if (lower == ".inf" || lower == ".nan") return true;
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < u.size() && u[i] >= '0' && u[i] <= '9') ++i;
    return i - start;
  };
  if (i < u.size() && u[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < u.size() && u[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < u.size() && (u[i] == 'e' || u[i] == 'E')) {
    ++i;
    if (i < u.size() && (u[i] == '-' || u[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == u.size();
}

}  // namespace

bool IsYaml11OnlyBoolean(std::string_view s) {
  static constexpr std::array<std::string_view, 16> kWords = {
      "y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
      "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
  return std::find(kWords.begin(), kWords.end(), s) != kWords.end();
}

std::optional<bool> Yaml11Bool(std::string_view s) {
  if (ResolveYaml11(s) != ScalarType::kBool) return std::nullopt;
  return s[0] == 't' || s[0] == 'T' || s[0] == 'y' || s[0] == 'Y' || s == "on" || s == "On" ||
         s == "ON";
}

bool IsYaml11True(const Node* node) {
  return node && node->IsScalar() && Yaml11Bool(node->Text()) == true;
}

Yaml11Scalar ReadYaml11(const Node& node) {
  Yaml11Scalar t;
  ScalarType type = ScalarType::kString;
  if (!node.tag.empty()) {
    type = TypeFromTag(node.tag);
  } else if (node.style == ScalarStyle::kPlain) {
    type = ResolveYaml11(node.value);
  }
  switch (type) {
    case ScalarType::kString:
      break;
    case ScalarType::kNull:
      t.type = ScalarType::kNull;
      break;
    case ScalarType::kBool: {
      // A `!!bool` tag forces the type whatever the text: only the true words are true.
      t.type = ScalarType::kBool;
      const std::string lower = ToLower(node.value);
      t.boolean = lower == "true" || lower == "yes" || lower == "y" || lower == "on";
      break;
    }
    case ScalarType::kInt:
      if (auto value = ParseYaml11Int(node.value)) {
        t.type = ScalarType::kInt;
        t.integer = *value;
        t.number = static_cast<double>(*value);
      } else if (IsGoYamlFloat(node.value)) {
        t.type = ScalarType::kFloat;  // too large for int64: still a number to Kubernetes
        t.number = ParseYaml11Float(node.value);
      }  // else: go-yaml v2 reads it as a string (base 60 "1:20")
      break;
    case ScalarType::kFloat:
      // go-yaml v2 only takes what strconv.ParseFloat takes: "1.0.0" stays a string.
      if (IsGoYamlFloat(node.value)) {
        t.type = ScalarType::kFloat;
        t.number = ParseYaml11Float(node.value);
      }
      break;
  }
  return t;
}

ScalarType ResolveYaml12(std::string_view s) {
  if (IsNullWord(s)) return ScalarType::kNull;
  const char c = s[0];
  // Only a few first characters can start a non-string; most values exit here.
  if (!(IsDigit(c) || c == '-' || c == '+' || c == '.' || c == 't' || c == 'T' || c == 'f' ||
        c == 'F')) {
    return ScalarType::kString;
  }
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
    return ScalarType::kBool;
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && AllOf(s.substr(2), IsOctal)) {
    return ScalarType::kInt;
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && AllOf(s.substr(2), IsHex)) {
    return ScalarType::kInt;
  }
  if (AllOf(StripSign(s), IsDigit)) return ScalarType::kInt;
  if (IsInfOrNan(s) || IsYaml12Float(s)) return ScalarType::kFloat;
  return ScalarType::kString;
}

ScalarType ResolveYaml11(std::string_view s) {
  if (IsNullWord(s)) return ScalarType::kNull;
  if (IsYaml11OnlyBoolean(s) || s == "true" || s == "True" || s == "TRUE" || s == "false" ||
      s == "False" || s == "FALSE") {
    return ScalarType::kBool;
  }
  if (IsYaml11Int(s)) return ScalarType::kInt;
  if (IsInfOrNan(s) || IsYaml11Float(s)) return ScalarType::kFloat;
  return ScalarType::kString;
}

bool Yaml11Differs(std::string_view s, ScalarType yaml12_type) {
  if (yaml12_type == ScalarType::kString) {
    const char c = s.empty() ? ' ' : s[0];
    if (!(IsDigit(c) || c == '-' || c == '+' || c == '.' || c == 'y' || c == 'Y' || c == 'n' ||
          c == 'N' || c == 'o' || c == 'O')) {
      return false;
    }
  }
  const ScalarType yaml11 = ResolveYaml11(s);
  if (yaml11 != yaml12_type) return true;
  if (yaml12_type == ScalarType::kInt) {
    // Same type, other value: 0777 is 777 in YAML 1.2 but 511 in YAML 1.1.
    std::string_view u = StripSign(s);
    return u.size() > 1 && u[0] == '0' && IsDigit(u[1]);
  }
  return false;
}

ScalarType TypeFromTag(std::string_view tag) {
  auto ends_with = [&](std::string_view suffix) {
    return tag.size() >= suffix.size() && tag.substr(tag.size() - suffix.size()) == suffix;
  };
  if (ends_with(":int") || tag == "!!int") return ScalarType::kInt;
  if (ends_with(":float") || tag == "!!float") return ScalarType::kFloat;
  if (ends_with(":bool") || tag == "!!bool") return ScalarType::kBool;
  if (ends_with(":null") || tag == "!!null") return ScalarType::kNull;
  return ScalarType::kString;
}

}  // namespace syncgate
