#pragma once
// Where a pod spec sits in each workload kind, and its containers: the one table the workload
// rules, the Service selector check and the rule packs' `pod:` paths read.
//
//   model::ForEachContainer(doc, [&](const Node& container, const std::string& pointer) { ... });
//   model::PodSpecPointer("CronJob");     // "/spec/jobTemplate/spec/template/spec"
//   model::PodLabelsPointer("Deployment");  // "/spec/template/metadata/labels"

#include <functional>
#include <string>
#include <string_view>

#include "checker/document.h"

namespace syncgate::model {

/// Where the pod spec of `kind` sits: `/spec` of a Pod; `/spec/template/spec` of a Deployment,
/// StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or Argo Rollout;
/// `/spec/jobTemplate/spec/template/spec` of a CronJob. Empty for other kinds.
std::string_view PodSpecPointer(std::string_view kind);

/// Where the pod's labels sit (beside its spec, in the pod template's metadata); for a Pod its
/// own `/metadata/labels`. Empty for kinds without a pod spec.
std::string PodLabelsPointer(std::string_view kind);

/// The pod's labels map of `doc` (at PodLabelsPointer), or null when absent or not a workload.
const Node* PodLabels(const Document& doc);

/// Whether `doc` is a Helm test hook (`helm.sh/hook: test`, `test-success`, `test-failure`):
/// a pod `helm test` starts on demand. ArgoCD never creates these (it maps only the install and
/// upgrade hooks to sync phases and ignores the rest), so nothing of them is deployed.
bool IsHelmTestHook(const Document& doc);

/// Calls `visit(pod_spec, pointer)` for the pod spec of `doc` when its kind has one and it is a
/// map. Nothing for other kinds, and nothing for Helm test hooks (never deployed by ArgoCD).
void ForEachPodSpec(const Document& doc,
                    const std::function<void(const Node&, const std::string&)>& visit);

/// Calls `visit(container, pointer)` for every container, init container and ephemeral container
/// of every pod spec of `doc`.
void ForEachContainer(const Document& doc,
                      const std::function<void(const Node&, const std::string&)>& visit);

}  // namespace syncgate::model
