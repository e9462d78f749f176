#include "rules/api/api_versions.h"

#include <fmt/format.h>

#include <charconv>
#include <iterator>

#include "checker/run_settings.h"
#include "validation/schema_store.h"

namespace syncgate::rules {
namespace {

// From the Kubernetes deprecated API migration guide (kubernetes.io/docs/reference/using-api/
// deprecation-guide/), v1.16 to v1.32.
constexpr ApiChange kChanges[] = {
    // 1.16
    {"extensions/v1beta1", "Deployment", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta1", "Deployment", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta2", "Deployment", "1.9", "1.16", "apps/v1", ""},
    {"extensions/v1beta1", "DaemonSet", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta2", "DaemonSet", "1.9", "1.16", "apps/v1", ""},
    {"extensions/v1beta1", "ReplicaSet", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta2", "ReplicaSet", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta1", "StatefulSet", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta2", "StatefulSet", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta1", "ControllerRevision", "1.9", "1.16", "apps/v1", ""},
    {"apps/v1beta2", "ControllerRevision", "1.9", "1.16", "apps/v1", ""},
    {"extensions/v1beta1", "NetworkPolicy", "1.9", "1.16", "networking.k8s.io/v1", ""},
    {"extensions/v1beta1", "PodSecurityPolicy", "1.10", "1.16", "policy/v1beta1", ""},
    // 1.22
    {"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", "1.16", "1.22",
     "admissionregistration.k8s.io/v1", ""},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", "1.16", "1.22",
     "admissionregistration.k8s.io/v1", ""},
    {"apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.16", "1.22",
     "apiextensions.k8s.io/v1", ""},
    {"apiregistration.k8s.io/v1beta1", "APIService", "1.19", "1.22", "apiregistration.k8s.io/v1",
     ""},
    {"authentication.k8s.io/v1beta1", "TokenReview", "1.19", "1.22", "authentication.k8s.io/v1",
     ""},
    {"authorization.k8s.io/v1beta1", "SubjectAccessReview", "1.19", "1.22",
     "authorization.k8s.io/v1", ""},
    {"authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", "1.19", "1.22",
     "authorization.k8s.io/v1", ""},
    {"authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", "1.19", "1.22",
     "authorization.k8s.io/v1", ""},
    {"certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.19", "1.22",
     "certificates.k8s.io/v1", ""},
    {"coordination.k8s.io/v1beta1", "Lease", "1.19", "1.22", "coordination.k8s.io/v1", ""},
    {"extensions/v1beta1", "Ingress", "1.14", "1.22", "networking.k8s.io/v1", ""},
    {"networking.k8s.io/v1beta1", "Ingress", "1.19", "1.22", "networking.k8s.io/v1", ""},
    {"networking.k8s.io/v1beta1", "IngressClass", "1.19", "1.22", "networking.k8s.io/v1", ""},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.17", "1.22",
     "rbac.authorization.k8s.io/v1", ""},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", "1.17", "1.22",
     "rbac.authorization.k8s.io/v1", ""},
    {"rbac.authorization.k8s.io/v1beta1", "Role", "1.17", "1.22", "rbac.authorization.k8s.io/v1",
     ""},
    {"rbac.authorization.k8s.io/v1beta1", "RoleBinding", "1.17", "1.22",
     "rbac.authorization.k8s.io/v1", ""},
    {"scheduling.k8s.io/v1beta1", "PriorityClass", "1.14", "1.22", "scheduling.k8s.io/v1", ""},
    {"storage.k8s.io/v1beta1", "CSIDriver", "1.19", "1.22", "storage.k8s.io/v1", ""},
    {"storage.k8s.io/v1beta1", "CSINode", "1.17", "1.22", "storage.k8s.io/v1", ""},
    {"storage.k8s.io/v1beta1", "StorageClass", "1.19", "1.22", "storage.k8s.io/v1", ""},
    {"storage.k8s.io/v1beta1", "VolumeAttachment", "1.19", "1.22", "storage.k8s.io/v1", ""},
    // 1.25
    {"batch/v1beta1", "CronJob", "1.21", "1.25", "batch/v1", ""},
    {"discovery.k8s.io/v1beta1", "EndpointSlice", "1.21", "1.25", "discovery.k8s.io/v1", ""},
    {"events.k8s.io/v1beta1", "Event", "1.19", "1.25", "events.k8s.io/v1", ""},
    {"autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.22", "1.25", "autoscaling/v2", ""},
    {"policy/v1beta1", "PodDisruptionBudget", "1.21", "1.25", "policy/v1", ""},
    {"policy/v1beta1", "PodSecurityPolicy", "1.21", "1.25", "",
     "PodSecurityPolicy has no replacement API: use Pod Security Admission (namespace labels "
     "pod-security.kubernetes.io/*) or a policy engine"},
    {"node.k8s.io/v1beta1", "RuntimeClass", "1.20", "1.25", "node.k8s.io/v1", ""},
    // 1.26
    {"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.23", "1.26",
     "flowcontrol.apiserver.k8s.io/v1", ""},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", "1.23", "1.26",
     "flowcontrol.apiserver.k8s.io/v1", ""},
    {"autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.23", "1.26", "autoscaling/v2", ""},
    // 1.27
    {"storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.24", "1.27", "storage.k8s.io/v1", ""},
    // 1.29
    {"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "1.26", "1.29",
     "flowcontrol.apiserver.k8s.io/v1", ""},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "1.26", "1.29",
     "flowcontrol.apiserver.k8s.io/v1", ""},
    // 1.32
    {"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.29", "1.32",
     "flowcontrol.apiserver.k8s.io/v1", ""},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "1.29", "1.32",
     "flowcontrol.apiserver.k8s.io/v1", ""},
};

}  // namespace

const ApiChange* FindApiChange(std::string_view api_version, std::string_view kind) {
  for (const ApiChange& change : kChanges) {
    if (change.api_version == api_version && change.kind == kind) return &change;
  }
  return nullptr;
}

std::optional<std::pair<int, int>> ParseKubeVersion(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  int major = 0;
  int minor = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, major);
  if (ec != std::errc() || p == end || *p != '.') return std::nullopt;
  auto [q, ec2] = std::from_chars(p + 1, end, minor);
  if (ec2 != std::errc() || (q != end && *q != '.')) return std::nullopt;
  return std::make_pair(major, minor);
}

bool KubeVersionAtLeast(std::string_view version, std::string_view threshold) {
  const auto v = ParseKubeVersion(version);
  const auto t = ParseKubeVersion(threshold);
  return v && t && *v >= *t;
}

Status ApiChangeRule::Setup(const RunScope& run) {
  kube_version_ = run.settings.kube_version;
  if (!ParseKubeVersion(kube_version_)) {
    return Unexpected(fmt::format("--kube-version '{}' is not a version X.Y", kube_version_));
  }
  return Ok{};
}

void ApiChangeRule::CheckDocument(const Document& doc, RuleContext& ctx) const {
  if (const ApiChange* change = FindApiChange(doc.object().api_version, doc.object().kind)) {
    CheckChange(*change, ctx);
  }
}

std::string ApiChangeRule::Instead(const ApiChange& change) {
  return change.replacement.empty() ? std::string(change.note)
                                    : fmt::format("use apiVersion: {}", change.replacement);
}

}  // namespace syncgate::rules
