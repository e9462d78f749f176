// workload-missing-probes: a long-running container without readiness or liveness probe.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "checker/rule.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-missing-probes",
    "A long-running container without a readiness or a liveness probe",
    "Without a readiness probe a pod receives traffic as soon as its process starts, and a "
    "rolling update (and ArgoCD's health check) counts a pod that cannot serve as ready. Without "
    "a liveness probe a hung process is never restarted. Jobs and CronJobs run to completion and "
    "are not checked.",
    "Add readinessProbe and livenessProbe (httpGet, tcpSocket, grpc or exec) to every container "
    "of Deployments, StatefulSets, DaemonSets and Rollouts; use a startupProbe for slow starts.",
    Severity::kWarning,
    DocKind::kManifest,
    RuleScope::kDocument};

class WorkloadMissingProbes final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const std::string& kind = doc.object().kind;
    if (kind == "Job" || kind == "CronJob" || kind == "Pod") return;
    model::ForEachContainer(doc, [&](const Node& container, const std::string& pointer) {
      if (pointer.find("/containers/") == std::string::npos) return;  // init, ephemeral
      std::vector<std::string_view> missing;
      for (const char* probe : {"readinessProbe", "livenessProbe"}) {
        if (!container.Get(probe)) missing.push_back(probe);
      }
      if (missing.empty()) return;
      const Node* name = container.Get("name");
      ctx.Report(pointer,
                 fmt::format("container '{}' has no {}", name ? name->Text() : "?",
                             fmt::join(missing, " or ")),
                 {.at = name ? name->pos : Position{}});
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadMissingProbes() {
  return std::make_unique<WorkloadMissingProbes>();
}

}  // namespace syncgate::rules
