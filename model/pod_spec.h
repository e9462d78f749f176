#pragma once
// Pod templates and containers of every workload kind, for the workload rules.
//
//   ForEachContainer(doc, [&](const Node& container, const std::string& pointer) { ... });

#include <functional>
#include <string>

#include "checker/document.h"

namespace syncgate::rules {

/// Calls `visit(pod_spec, pointer)` for the pod spec of a Pod, Deployment, StatefulSet,
/// DaemonSet, ReplicaSet, ReplicationController, Job, CronJob (its nested job template) or Argo
/// Rollout. Nothing for other kinds.
void ForEachPodSpec(const Document& doc,
                    const std::function<void(const Node&, const std::string&)>& visit);

/// Calls `visit(container, pointer)` for every container, init container and ephemeral container
/// of every pod spec of `doc`.
void ForEachContainer(const Document& doc,
                      const std::function<void(const Node&, const std::string&)>& visit);

}  // namespace syncgate::rules
