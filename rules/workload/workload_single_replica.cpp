// workload-single-replica: a production workload with one replica.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/embedded_yaml.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-single-replica",
    "A production Deployment, StatefulSet or Rollout (or its Helm replicaCount) with one replica",
    "One replica is one point of failure: a node drain, an eviction or a crash takes the service "
    "down until the pod is rescheduled, and a rollout cannot keep it serving. Applies only where "
    ".syncgate.yaml (environments:) or --env marks the object, values file or Application as "
    "production; an omitted replicas field is left alone because an autoscaler usually owns it.",
    "Run at least 2 replicas in production (values-prod.yaml: replicaCount: 3 in the QSIGN "
    "guide), with a PodDisruptionBudget and pod anti-affinity.",
    Severity::kWarning,
    kAnyObject | DocKind::kValues,
    RuleScope::kDocument};

bool AtMostOne(const Node* node) {
  return node && node->IsScalar() && (node->Text() == "0" || node->Text() == "1");
}

class WorkloadSingleReplica final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (!ctx.production()) return;
    const std::string& kind = doc.object().kind;
    if (kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" ||
        kind == "Rollout") {
      if (const Node* replicas = doc.root().Path({"spec", "replicas"}); AtMostOne(replicas)) {
        ctx.Report("/spec/replicas",
                   fmt::format("{} runs {} replica in production (environment {})", kind,
                               replicas->Text(), ctx.environment()));
      }
    }
    if (doc.kind() == DocKind::kValues) CheckValues(doc, ctx);
    if (doc.kind() == DocKind::kApplication) {
      model::ForEachEmbeddedYaml(
          doc, [&](const Document& values, std::string_view) { CheckValues(values, ctx); });
    }
  }

 private:
  /// The Helm convention: a top-level replicaCount.
  static void CheckValues(const Document& values, RuleContext& ctx) {
    if (const Node* count = values.root().Get("replicaCount"); AtMostOne(count)) {
      ctx.ReportIn(values, "/replicaCount",
                   fmt::format("replicaCount {} in production (environment {})", count->Text(),
                               ctx.environment()));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadSingleReplica() {
  return std::make_unique<WorkloadSingleReplica>();
}

}  // namespace syncgate::rules
