// workload-missing-resources: a container without CPU/memory requests or a memory limit.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "checker/rule.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-missing-resources",
    "A container without CPU and memory requests or without a memory limit",
    "Requests are what the scheduler places pods by: without them a pod lands on a full node and "
    "is the first evicted under pressure. Without a memory limit one leaking container can take "
    "the node's memory from everything else. The QSIGN guide's pre-deployment checklist asks to "
    "confirm resource requirements before every sync.",
    "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every "
    "container (in a chart: a `resources:` block in values.yaml fed into the template).",
    Severity::kWarning,
    kAnyObject,
    RuleScope::kDocument};

class WorkloadMissingResources final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachContainer(doc, [&](const Node& container, const std::string& pointer) {
      if (pointer.find("/ephemeralContainers/") != std::string::npos) return;  // may not set any
      const Node* resources = container.Get("resources");
      std::vector<std::string> missing;
      for (const auto& [group, key] :
           {std::pair{"requests", "cpu"}, std::pair{"requests", "memory"},
            std::pair{"limits", "memory"}}) {
        const Node* value = resources ? resources->Path({group, key}) : nullptr;
        if (!value || value->IsNull() || value->Text().empty()) {
          missing.push_back(fmt::format("{}.{}", group, key));
        }
      }
      if (missing.empty()) return;
      const Node* name = container.Get("name");
      ctx.Report(resources ? pointer + "/resources" : pointer,
                 fmt::format("container '{}' has no {}", name ? name->Text() : "?",
                             fmt::join(missing, ", ")),
                 {.at = resources ? container.KeyNode("resources")->pos
                        : name    ? name->pos
                                  : Position{}});
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadMissingResources() {
  return std::make_unique<WorkloadMissingResources>();
}

}  // namespace syncgate::rules
