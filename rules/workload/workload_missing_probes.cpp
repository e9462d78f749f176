// workload-missing-probes: a long-running container without readiness or liveness probe.
#include <fmt/format.h>

#include <string>

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
    "are not checked. Two cases are only info: a container with a readiness probe and no "
    "liveness probe (deliberate where a restart harms, a sealed Vault), and a container that "
    "exposes no port beside one whose readiness probe gates the pod (a config reloader).",
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
    model::ForEachPodSpec(doc, [&](const Node& spec, const std::string& pod_pointer) {
      const Node* containers = spec.Get("containers");
      if (!containers || !containers->IsSeq()) return;
      const auto& items = containers->Resolved().items;
      // The container that gates the pod's readiness, when one does.
      const Node* gate = nullptr;
      for (const Node* item : items) {
        if (item->IsMap() && item->Get("readinessProbe")) gate = &item->Resolved();
      }
      for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i]->IsMap()) continue;
        Check(items[i]->Resolved(), gate, fmt::format("{}/containers/{}", pod_pointer, i), ctx);
      }
    });
  }

 private:
  static void Check(const Node& container, const Node* gate, const std::string& pointer,
                    RuleContext& ctx) {
    const bool readiness = container.Get("readinessProbe") != nullptr;
    const bool liveness = container.Get("livenessProbe") != nullptr;
    if (readiness && liveness) return;
    const Node* name = container.Get("name");
    const std::string_view who = name ? name->Text() : "?";
    const ReportExtra at{.at = name ? name->pos : Position{}};
    if (readiness) {
      // Ready-gated but never restarted: deliberate for services a restart would harm (a sealed
      // Vault, a database in recovery), so worth a look, not a warning.
      ReportExtra info = at;
      info.severity = Severity::kInfo;
      ctx.Report(pointer,
                 fmt::format("container '{}' has no livenessProbe (its readinessProbe keeps "
                             "traffic away, but a hung process is never restarted)",
                             who),
                 info);
      return;
    }
    const Node* ports = container.Get("ports");
    const bool serves = ports && ports->IsSeq() && !ports->Resolved().items.empty();
    if (!serves && gate && gate != &container) {
      // A helper beside the container that serves (a config reloader, a log shipper): it takes
      // no traffic, and the pod is ready only when that container is.
      const Node* gate_name = gate->Get("name");
      ReportExtra info = at;
      info.severity = Severity::kInfo;
      ctx.Report(pointer,
                 fmt::format("container '{}' has no probes; it exposes no port and container "
                             "'{}' gates the pod's readiness",
                             who, gate_name ? gate_name->Text() : "?"),
                 info);
      return;
    }
    ctx.Report(pointer,
               fmt::format("container '{}' has no {}", who,
                           liveness ? "readinessProbe" : "readinessProbe or livenessProbe"),
               at);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadMissingProbes() {
  return std::make_unique<WorkloadMissingProbes>();
}

}  // namespace syncgate::rules
