#pragma once
// Semantic versions and Helm's version constraints (Masterminds/semver, as `helm dependency`
// reads `version:` in Chart.yaml): "1.42.*", "^1.2.0", "~3.8", ">=1.0.0 <2.0.0", "1.2 - 1.4",
// ">= 1.2, < 2", "^1 || ^2". A prerelease version satisfies only a constraint that names a
// prerelease on the same major.minor.patch, as in Masterminds.
//
//   std::optional<model::SemVer> v = model::ParseSemVer("v4.56.1");
//   if (model::SatisfiesConstraint(*v, "4.56.*")) Use(*v);

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncgate::model {

struct SemVer {
  long major = 0, minor = 0, patch = 0;
  std::string prerelease;  // "rc.1"; empty for a release
  std::string text;        // as written
};

/// A version ("1.2.3", "v1.2", "1.2.3-rc.1+build"); missing minor/patch count as 0.
std::optional<SemVer> ParseSemVer(std::string_view text);

/// -1, 0, 1 by semver precedence (build metadata ignored).
int CompareSemVer(const SemVer& a, const SemVer& b);

/// Whether `version` satisfies `constraint`; an empty constraint or "*" accepts any release.
/// A constraint that does not parse accepts nothing.
bool SatisfiesConstraint(const SemVer& version, std::string_view constraint);

/// The highest of `versions` that satisfies `constraint`, or nothing.
std::optional<SemVer> BestMatch(const std::vector<SemVer>& versions, std::string_view constraint);

}  // namespace syncgate::model
