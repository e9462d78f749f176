#pragma once
// Kubernetes API versions that are deprecated or removed, for api-deprecated and api-removed.
//
//   if (const ApiChange* change = FindApiChange("extensions/v1beta1", "Ingress")) {
//     if (KubeVersionAtLeast(target, change->removed_in)) Report(change->replacement);
//   }

#include <optional>
#include <string>
#include <string_view>

#include "checker/rule.h"

namespace syncgate::rules {

struct ApiChange {
  std::string_view api_version;
  std::string_view kind;
  std::string_view deprecated_in;  // "1.16"
  std::string_view removed_in;     // "1.22"
  std::string_view replacement;    // "networking.k8s.io/v1", or empty when there is none
  std::string_view note;           // what to do when there is no drop-in replacement
};

/// The change for an apiVersion and kind, or null when the API is current.
const ApiChange* FindApiChange(std::string_view api_version, std::string_view kind);

/// "1.21", "v1.21.3" → {1, 21}; nullopt when not a version.
std::optional<std::pair<int, int>> ParseKubeVersion(std::string_view text);
/// Whether `version` >= `threshold` (both "X.Y"); false when either does not parse.
bool KubeVersionAtLeast(std::string_view version, std::string_view threshold);

/// What api-deprecated and api-removed share: the target Kubernetes version (--kube-version or
/// `kube_version:`), validated once, and the lookup of each object's apiVersion.
class ApiChangeRule : public Rule {
 public:
  Status Setup(const RunScope& run) override;
  void CheckDocument(const Document& doc, RuleContext& ctx) const final;

 protected:
  /// Called for objects whose apiVersion has a deprecation or removal on record.
  virtual void CheckChange(const ApiChange& change, RuleContext& ctx) const = 0;
  /// "use apiVersion: X", or the note when there is no drop-in replacement.
  static std::string Instead(const ApiChange& change);
  const std::string& kube_version() const { return kube_version_; }

 private:
  std::string kube_version_;
};

}  // namespace syncgate::rules
