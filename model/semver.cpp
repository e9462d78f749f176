#include "model/semver.h"

#include <algorithm>
#include <cctype>

#include "checker/text_util.h"

namespace syncgate::model {
namespace {

/// Compares dot-separated prerelease identifiers: numeric ones numerically and below
/// alphanumeric ones; a release (empty) is above any prerelease.
int ComparePrerelease(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  if (a.empty()) return 1;
  if (b.empty()) return -1;
  const std::vector<std::string_view> x = Split(a, '.'), y = Split(b, '.');
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    const bool xn = !x[i].empty() && std::all_of(x[i].begin(), x[i].end(), ::isdigit);
    const bool yn = !y[i].empty() && std::all_of(y[i].begin(), y[i].end(), ::isdigit);
    if (xn && yn) {
      if (x[i].size() != y[i].size()) return x[i].size() < y[i].size() ? -1 : 1;
      if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    } else if (xn != yn) {
      return xn ? -1 : 1;
    } else if (x[i] != y[i]) {
      return x[i] < y[i] ? -1 : 1;
    }
  }
  return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
}

/// One side of a comparison: a version whose missing or wildcard parts are unset.
struct Bound {
  SemVer version;
  int parts = 0;  // how many of major/minor/patch were given as numbers (0..3)
};

std::optional<Bound> ParseBound(std::string_view text) {
  text = Trim(text);
  if (StartsWith(text, "v") || StartsWith(text, "V")) text.remove_prefix(1);
  Bound b;
  b.version.text = std::string(text);
  std::string_view core = text;
  if (size_t plus = core.find('+'); plus != std::string_view::npos) core = core.substr(0, plus);
  if (size_t dash = core.find('-'); dash != std::string_view::npos) {
    b.version.prerelease = std::string(core.substr(dash + 1));
    core = core.substr(0, dash);
  }
  if (core.empty()) return std::nullopt;
  const std::vector<std::string_view> parts = Split(core, '.');
  if (parts.size() > 3) return std::nullopt;
  long* slots[] = {&b.version.major, &b.version.minor, &b.version.patch};
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view p = parts[i];
    if (p == "*" || p == "x" || p == "X") break;
    if (p.empty() || !std::all_of(p.begin(), p.end(), ::isdigit) || p.size() > 9) {
      return std::nullopt;
    }
    *slots[i] = std::stol(std::string(p));
    b.parts = static_cast<int>(i) + 1;
  }
  return b;
}

/// The version just above every version a partial bound covers ("1.2" → "1.3.0").
SemVer NextAfter(const Bound& b) {
  SemVer v = b.version;
  v.prerelease.clear();
  if (b.parts <= 1) {
    v = {v.major + 1, 0, 0, "", ""};
  } else if (b.parts == 2) {
    v = {v.major, v.minor + 1, 0, "", ""};
  } else {
    v.patch += 1;
  }
  return v;
}

SemVer Floor(const Bound& b) {
  SemVer v = b.version;
  if (b.parts < 3) v.patch = 0;
  if (b.parts < 2) v.minor = 0;
  if (b.parts < 1) v.major = 0;
  return v;
}

bool InRange(const SemVer& v, const SemVer& low, bool low_inclusive, const SemVer* high,
             bool high_inclusive) {
  const int l = CompareSemVer(v, low);
  if (l < 0 || (l == 0 && !low_inclusive)) return false;
  if (!high) return true;
  const int h = CompareSemVer(v, *high);
  return h < 0 || (h == 0 && high_inclusive);
}

/// One comparison ("^1.2", ">=1.0", "1.42.*", "~3.8", "=1.0.0", "1.0.0").
bool SatisfiesOne(const SemVer& v, std::string_view term) {
  term = Trim(term);
  std::string op;
  while (!term.empty() && std::string_view("<>=!~^").find(term.front()) != std::string_view::npos) {
    op += term.front();
    term.remove_prefix(1);
  }
  term = Trim(term);
  if (term.empty() || term == "*" || term == "x" || term == "X") return v.prerelease.empty();
  const std::optional<Bound> b = ParseBound(term);
  if (!b) return false;
  const SemVer low = Floor(*b);
  const SemVer next = NextAfter(*b);
  if (op.empty() || op == "=") {
    if (b->parts == 3) return CompareSemVer(v, b->version) == 0;
    return InRange(v, low, true, &next, false);
  }
  if (op == "!=") return !SatisfiesOne(v, term);
  if (op == ">")
    return b->parts == 3 ? CompareSemVer(v, b->version) > 0 : !InRange(v, {}, true, &next, false);
  if (op == ">=" || op == "=>") return CompareSemVer(v, b->parts == 3 ? b->version : low) >= 0;
  if (op == "<") return CompareSemVer(v, b->parts == 3 ? b->version : low) < 0;
  if (op == "<=" || op == "=<") {
    return b->parts == 3 ? CompareSemVer(v, b->version) <= 0 : CompareSemVer(v, next) < 0;
  }
  if (op == "~" || op == "~>") {
    // ~1.2.3: >=1.2.3 <1.3.0; ~1: >=1.0.0 <2.0.0
    Bound minor = *b;
    minor.parts = std::min(b->parts, 2);
    if (minor.parts == 0) minor.parts = 1;
    const SemVer high = NextAfter(minor);
    return InRange(v, b->parts == 3 ? b->version : low, true, &high, false);
  }
  if (op == "^") {
    // ^1.2.3: >=1.2.3 <2.0.0; ^0.2.3: >=0.2.3 <0.3.0; ^0.0.3: >=0.0.3 <0.0.4
    SemVer high;
    if (b->version.major > 0 || b->parts == 1) {
      high = {b->version.major + 1, 0, 0, "", ""};
    } else if (b->version.minor > 0 || b->parts == 2) {
      high = {0, b->version.minor + 1, 0, "", ""};
    } else {
      high = {0, 0, b->version.patch + 1, "", ""};
    }
    return InRange(v, b->parts == 3 ? b->version : low, true, &high, false);
  }
  return false;
}

/// The terms a prerelease may be matched by: only a term naming a prerelease of the same
/// major.minor.patch lets a prerelease through (Masterminds semver v3).
bool PrereleaseAllowed(const SemVer& v, const std::vector<std::string_view>& terms) {
  for (std::string_view term : terms) {
    std::string_view t = Trim(term);
    while (!t.empty() && std::string_view("<>=!~^").find(t.front()) != std::string_view::npos)
      t.remove_prefix(1);
    const std::optional<Bound> b = ParseBound(t);
    if (b && !b->version.prerelease.empty() && b->version.major == v.major &&
        b->version.minor == v.minor && b->version.patch == v.patch) {
      return true;
    }
  }
  return false;
}

/// "a, b c" → terms "a", "b", "c" (comma or space separated, operators glued to their version).
std::vector<std::string_view> Terms(std::string_view all) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < all.size()) {
    while (i < all.size() && (all[i] == ' ' || all[i] == ',')) ++i;
    if (i >= all.size()) break;
    size_t start = i;
    // An operator may be followed by spaces before its version (">= 1.2").
    while (i < all.size() && std::string_view("<>=!~^").find(all[i]) != std::string_view::npos) ++i;
    while (i < all.size() && all[i] == ' ') ++i;
    while (i < all.size() && all[i] != ' ' && all[i] != ',') ++i;
    out.push_back(all.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::optional<SemVer> ParseSemVer(std::string_view text) {
  std::optional<Bound> b = ParseBound(text);
  if (!b || b->parts == 0) return std::nullopt;
  b->version.text = std::string(Trim(text));
  return b->version;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return ComparePrerelease(a.prerelease, b.prerelease);
}

bool SatisfiesConstraint(const SemVer& version, std::string_view constraint) {
  constraint = Trim(constraint);
  size_t start = 0;
  while (start <= constraint.size()) {
    size_t bar = constraint.find("||", start);
    const std::string_view alternative =
        Trim(constraint.substr(start, bar == std::string_view::npos ? bar : bar - start));
    std::vector<std::string_view> terms;
    // "1.2 - 1.4": an inclusive range.
    if (size_t dash = alternative.find(" - "); dash != std::string_view::npos) {
      const std::optional<Bound> low = ParseBound(alternative.substr(0, dash));
      const std::optional<Bound> high = ParseBound(alternative.substr(dash + 3));
      if (low && high) {
        const SemVer next = NextAfter(*high);
        const bool ok = high->parts == 3 ? InRange(version, Floor(*low), true, &high->version, true)
                                         : InRange(version, Floor(*low), true, &next, false);
        if (ok && version.prerelease.empty()) return true;
      }
    } else {
      terms = Terms(alternative);
      bool all = true;
      for (std::string_view term : terms) all = all && SatisfiesOne(version, term);
      if (terms.empty()) all = version.prerelease.empty();
      if (all && (version.prerelease.empty() || PrereleaseAllowed(version, terms))) return true;
    }
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return false;
}

std::optional<SemVer> BestMatch(const std::vector<SemVer>& versions, std::string_view constraint) {
  std::optional<SemVer> best;
  for (const SemVer& v : versions) {
    if (!SatisfiesConstraint(v, constraint)) continue;
    if (!best || CompareSemVer(v, *best) > 0) best = v;
  }
  return best;
}

}  // namespace syncgate::model
