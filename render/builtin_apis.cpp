#include "render/builtin_apis.h"

#include <charconv>
#include <set>

namespace syncgate::render {
namespace {

struct BuiltinApi {
  std::string_view group_version;
  std::string_view kind;
  int since = 0;    // first minor version that serves it (1.x)
  int removed = 0;  // first minor version that no longer does; 0: still served
};

// The kinds that charts ask about, from the Kubernetes API reference and its deprecation guide.
constexpr BuiltinApi kApis[] = {
    {"v1", "Binding"},
    {"v1", "ComponentStatus"},
    {"v1", "ConfigMap"},
    {"v1", "Endpoints"},
    {"v1", "Event"},
    {"v1", "LimitRange"},
    {"v1", "Namespace"},
    {"v1", "Node"},
    {"v1", "PersistentVolume"},
    {"v1", "PersistentVolumeClaim"},
    {"v1", "Pod"},
    {"v1", "PodTemplate"},
    {"v1", "ReplicationController"},
    {"v1", "ResourceQuota"},
    {"v1", "Secret"},
    {"v1", "Service"},
    {"v1", "ServiceAccount"},
    {"admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", 16},
    {"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", 16},
    {"admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", 30},
    {"admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", 30},
    {"apiextensions.k8s.io/v1", "CustomResourceDefinition", 16},
    {"apiregistration.k8s.io/v1", "APIService", 10},
    {"apps/v1", "ControllerRevision", 9},
    {"apps/v1", "DaemonSet", 9},
    {"apps/v1", "Deployment", 9},
    {"apps/v1", "ReplicaSet", 9},
    {"apps/v1", "StatefulSet", 9},
    {"authentication.k8s.io/v1", "SelfSubjectReview", 28},
    {"authentication.k8s.io/v1", "TokenReview", 6},
    {"authorization.k8s.io/v1", "LocalSubjectAccessReview", 6},
    {"authorization.k8s.io/v1", "SelfSubjectAccessReview", 6},
    {"authorization.k8s.io/v1", "SelfSubjectRulesReview", 6},
    {"authorization.k8s.io/v1", "SubjectAccessReview", 6},
    {"autoscaling/v1", "HorizontalPodAutoscaler"},
    {"autoscaling/v2", "HorizontalPodAutoscaler", 23},
    {"autoscaling/v2beta1", "HorizontalPodAutoscaler", 8, 25},
    {"autoscaling/v2beta2", "HorizontalPodAutoscaler", 12, 26},
    {"batch/v1", "CronJob", 21},
    {"batch/v1", "Job"},
    {"batch/v1beta1", "CronJob", 8, 25},
    {"certificates.k8s.io/v1", "CertificateSigningRequest", 19},
    {"coordination.k8s.io/v1", "Lease", 14},
    {"discovery.k8s.io/v1", "EndpointSlice", 21},
    {"discovery.k8s.io/v1beta1", "EndpointSlice", 17, 25},
    {"events.k8s.io/v1", "Event", 19},
    {"extensions/v1beta1", "Ingress", 0, 22},
    {"flowcontrol.apiserver.k8s.io/v1", "FlowSchema", 29},
    {"flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", 29},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 26, 32},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 26, 32},
    {"networking.k8s.io/v1", "Ingress", 19},
    {"networking.k8s.io/v1", "IngressClass", 19},
    {"networking.k8s.io/v1", "NetworkPolicy", 7},
    {"networking.k8s.io/v1beta1", "Ingress", 14, 22},
    {"networking.k8s.io/v1beta1", "IngressClass", 18, 22},
    {"node.k8s.io/v1", "RuntimeClass", 20},
    {"policy/v1", "PodDisruptionBudget", 21},
    {"policy/v1beta1", "PodDisruptionBudget", 5, 25},
    {"policy/v1beta1", "PodSecurityPolicy", 10, 25},
    {"rbac.authorization.k8s.io/v1", "ClusterRole", 8},
    {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", 8},
    {"rbac.authorization.k8s.io/v1", "Role", 8},
    {"rbac.authorization.k8s.io/v1", "RoleBinding", 8},
    {"scheduling.k8s.io/v1", "PriorityClass", 14},
    {"storage.k8s.io/v1", "CSIDriver", 18},
    {"storage.k8s.io/v1", "CSINode", 17},
    {"storage.k8s.io/v1", "CSIStorageCapacity", 24},
    {"storage.k8s.io/v1", "StorageClass", 6},
    {"storage.k8s.io/v1", "VolumeAttachment", 13},
};

/// The minor version of "1.31" (or "v1.31.2"); -1 when it is not one.
int Minor(std::string_view version) {
  if (!version.empty() && version.front() == 'v') version.remove_prefix(1);
  if (version.substr(0, 2) != "1.") return -1;
  version.remove_prefix(2);
  int minor = -1;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), minor);
  if (ec != std::errc{} || (end != version.data() + version.size() && *end != '.')) return -1;
  return minor;
}

}  // namespace

std::vector<std::string> BuiltinApiVersions(std::string_view kube_version) {
  int minor = Minor(kube_version);
  if (minor < 0) minor = 1000;  // the newest: nothing removed is served
  std::set<std::string> apis;
  for (const BuiltinApi& api : kApis) {
    if (minor < api.since || (api.removed != 0 && minor >= api.removed)) continue;
    apis.emplace(api.group_version);
    apis.emplace(std::string(api.group_version) + "/" + std::string(api.kind));
  }
  return {apis.begin(), apis.end()};
}

}  // namespace syncgate::render
