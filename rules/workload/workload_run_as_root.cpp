// workload-run-as-root: a container that runs, or may run, as UID 0.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-run-as-root",
    "A container that runs as root: runAsUser 0, or neither runAsNonRoot nor a non-zero runAsUser",
    "A process running as UID 0 is root on the node's kernel too: one container escape, or one "
    "writable host mount, and it owns the node. Without runAsNonRoot the image decides, and most "
    "images default to root.",
    "Set securityContext.runAsNonRoot: true and a runAsUser above 0 (pod or container level), and "
    "build images with a USER.",
    Severity::kWarning,
    kAnyObject,
    RuleScope::kDocument};

const Node* Setting(const Node* sc, const char* key) {
  return sc && sc->IsMap() ? sc->Get(key) : nullptr;
}

class WorkloadRunAsRoot final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachPodSpec(doc, [&](const Node& spec, const std::string& pod_pointer) {
      const Node* pod_sc = spec.Get("securityContext");
      for (const char* list : {"initContainers", "containers"}) {
        const Node* containers = spec.Get(list);
        if (!containers || !containers->IsSeq()) continue;
        const auto& items = containers->Resolved().items;
        for (size_t i = 0; i < items.size(); ++i) {
          const Node& container = items[i]->Resolved();
          const std::string pointer = fmt::format("{}/{}/{}", pod_pointer, list, i);
          Check(container, pod_sc, pointer, ctx);
        }
      }
    });
  }

 private:
  static void Check(const Node& container, const Node* pod_sc, const std::string& pointer,
                    RuleContext& ctx) {
    const Node* sc = container.Get("securityContext");
    // The container's setting wins over the pod's.
    const Node* user =
        Setting(sc, "runAsUser") ? Setting(sc, "runAsUser") : Setting(pod_sc, "runAsUser");
    const Node* non_root =
        Setting(sc, "runAsNonRoot") ? Setting(sc, "runAsNonRoot") : Setting(pod_sc, "runAsNonRoot");
    const Node* name = container.Get("name");
    const std::string_view who = name ? name->Text() : "?";
    if (user && user->Text() == "0") {
      ctx.Report(
          Setting(sc, "runAsUser") ? pointer + "/securityContext/runAsUser" : pointer,
          fmt::format("container '{}' runs as root (runAsUser: 0)", who),
          {.severity = Severity::kError, .at = Setting(sc, "runAsUser") ? Position{} : user->pos});
      return;
    }
    if ((non_root && non_root->Text() == "true") ||
        (user && user->IsScalar() && !user->Text().empty())) {
      return;
    }
    ctx.Report(pointer,
               fmt::format("container '{}' sets neither runAsNonRoot: true nor a runAsUser: the "
                           "image decides, and most run as root",
                           who),
               {.at = name ? name->pos : Position{}});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadRunAsRoot() { return std::make_unique<WorkloadRunAsRoot>(); }

}  // namespace syncgate::rules
