// workload-rollout-unavailable: a RollingUpdate that can take every pod down at once.
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "checker/rule.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-rollout-unavailable",
    "A Deployment rolling update that may stop every pod at once, or cannot progress",
    "Kubernetes rounds maxUnavailable down and maxSurge up against spec.replicas. When "
    "maxUnavailable reaches the replica count (maxUnavailable: 1 with one replica, or 100%) the "
    "rollout stops all old pods before a new one is ready: the service is down for the whole "
    "update, and stays down if the new version never becomes ready. maxSurge 0 with "
    "maxUnavailable 0 is rejected by the API server.",
    "Use maxSurge: 1 and maxUnavailable: 0 (the QSIGN guide's setting): one extra pod starts and "
    "becomes ready before an old one stops, so at least one pod always serves.",
    Severity::kError,
    DocKind::kManifest,
    RuleScope::kDocument};

/// An IntOrString against `replicas`: "25%" rounds down (maxUnavailable) or up (maxSurge).
std::optional<long> Resolve(const Node* value, long replicas, bool round_up, long fallback) {
  if (!value) return fallback;
  std::string text(value->Text());
  try {
    if (!text.empty() && text.back() == '%') {
      const double scaled = std::stod(text.substr(0, text.size() - 1)) * replicas / 100.0;
      return static_cast<long>(round_up ? std::ceil(scaled) : std::floor(scaled));
    }
    return std::stol(text);
  } catch (...) {
    return std::nullopt;  // a template or a typo: the schema rules report it
  }
}

class WorkloadRolloutUnavailable final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (doc.object().kind != "Deployment") return;
    const Node& root = doc.root();
    const Node* strategy = root.Path({"spec", "strategy"});
    const Node* type = strategy ? strategy->Get("type") : nullptr;
    if (type && type->Text() != "RollingUpdate") return;  // Recreate is a deliberate choice
    const Node* replicas_node = root.Path({"spec", "replicas"});
    long replicas = 1;
    if (replicas_node) {
      try {
        replicas = std::stol(std::string(replicas_node->Text()));
      } catch (...) {
        return;
      }
    }
    if (replicas < 1) return;
    const Node* rolling = strategy ? strategy->Get("rollingUpdate") : nullptr;
    const Node* unavailable_node = rolling ? rolling->Get("maxUnavailable") : nullptr;
    const Node* surge_node = rolling ? rolling->Get("maxSurge") : nullptr;
    const auto unavailable = Resolve(unavailable_node, replicas, false, replicas / 4);
    const auto surge = Resolve(surge_node, replicas, true, (replicas + 3) / 4);
    if (!unavailable || !surge) return;
    const std::string at =
        unavailable_node ? "/spec/strategy/rollingUpdate/maxUnavailable" : "/spec/strategy";
    if (*unavailable >= replicas) {
      ctx.Report(at, fmt::format("maxUnavailable {} with {} replica(s): the rollout may stop every "
                                 "pod before a new one is ready; use maxSurge: 1, "
                                 "maxUnavailable: 0",
                                 unavailable_node->Text(), replicas));
    } else if (*unavailable == 0 && *surge == 0) {
      ctx.Report(at, "maxUnavailable and maxSurge are both 0: the rollout cannot make progress");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadRolloutUnavailable() {
  return std::make_unique<WorkloadRolloutUnavailable>();
}

}  // namespace syncgate::rules
