#pragma once
// The APIs a Kubernetes API server serves by itself, as ArgoCD passes them to `helm template`
// (`--api-versions`, from the cluster's discovery). helm alone knows only the group/versions of
// its client library and no kinds at all, so a chart that asks
// `.Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget"` or
// `"apiregistration.k8s.io/v1"` renders its fallback (a removed v1beta1 API) offline, and never
// in ArgoCD.
//
//   std::vector<std::string> apis = BuiltinApiVersions("1.31");
//   // "v1", "v1/Pod", ..., "apiregistration.k8s.io/v1", "apiregistration.k8s.io/v1/APIService"

#include <string>
#include <string_view>
#include <vector>

namespace syncgate::render {

/// The group/versions and group/version/kinds a cluster of `kube_version` ("1.31") serves by
/// itself, sorted. An empty or unreadable version counts as the newest the table knows.
std::vector<std::string> BuiltinApiVersions(std::string_view kube_version);

}  // namespace syncgate::render
