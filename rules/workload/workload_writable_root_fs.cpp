// workload-writable-root-fs: a container whose root filesystem is writable.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-writable-root-fs",
    "A container without readOnlyRootFilesystem: true",
    "A writable root filesystem lets an attacker (or a bug) change the binaries and configuration "
    "the container runs, persist tools across restarts of the process, and fill the node's disk; "
    "the image stops being the whole truth about what runs.",
    "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the "
    "application writes (/tmp, caches).",
    Severity::kWarning,
    kAnyObject,
    RuleScope::kDocument};

class WorkloadWritableRootFs final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachContainer(doc, [&](const Node& container, const std::string& pointer) {
      if (pointer.find("/ephemeralContainers/") != std::string::npos) return;
      const Node* sc = container.Get("securityContext");
      const Node* read_only = sc && sc->IsMap() ? sc->Get("readOnlyRootFilesystem") : nullptr;
      if (read_only && read_only->Text() == "true") return;
      const Node* name = container.Get("name");
      ctx.Report(
          read_only ? pointer + "/securityContext/readOnlyRootFilesystem" : pointer,
          fmt::format("container '{}' has a writable root filesystem", name ? name->Text() : "?"),
          {.at = !read_only && name ? name->pos : Position{}});
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadWritableRootFs() {
  return std::make_unique<WorkloadWritableRootFs>();
}

}  // namespace syncgate::rules
