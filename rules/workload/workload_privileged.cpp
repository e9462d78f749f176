// workload-privileged: privileged containers, privilege escalation, added capabilities.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-privileged",
    "A privileged container, allowPrivilegeEscalation: true, or added Linux capabilities",
    "A privileged container has every capability and all host devices: a compromise of the "
    "process is a compromise of the node. allowPrivilegeEscalation lets setuid binaries gain "
    "more rights than the process started with, and added capabilities (SYS_ADMIN, NET_ADMIN, "
    "NET_RAW...) each reopen part of what the container boundary closes. Adding back one of the "
    "container runtime's defaults that Pod Security baseline allows (CHOWN, SETUID, SETGID, "
    "FOWNER...) after dropping ALL gives no more than the default, and is reported as info.",
    "Remove privileged, set allowPrivilegeEscalation: false, drop ALL capabilities and add back "
    "only NET_BIND_SERVICE if needed. For a hardware device (an HSM), mount only that device and "
    "suppress this rule with the reason.",
    Severity::kError,
    kAnyObject,
    RuleScope::kDocument};

/// The capabilities a container runtime grants by default, which Pod Security's baseline
/// profile lets a pod add: adding one never gives more than a container that drops nothing.
/// NET_RAW is a runtime default too, but baseline forbids it (ARP and ICMP spoofing).
bool InRuntimeDefaults(std::string_view cap) {
  for (std::string_view c : {"audit_write", "chown", "dac_override", "fowner", "fsetid", "kill",
                             "mknod", "setfcap", "setgid", "setpcap", "setuid", "sys_chroot"}) {
    if (cap == c) return true;
  }
  return false;
}

class WorkloadPrivileged final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachContainer(doc, [&](const Node& container, const std::string& pointer) {
      const Node* sc = container.Get("securityContext");
      if (!sc || !sc->IsMap()) return;
      const std::string at = pointer + "/securityContext";
      const Node* name = container.Get("name");
      const std::string_view who = name ? name->Text() : "?";
      if (IsYaml11True(sc->Get("privileged"))) {
        ctx.Report(at + "/privileged",
                   fmt::format("container '{}' is privileged: full access to the node", who));
      }
      if (IsYaml11True(sc->Get("allowPrivilegeEscalation"))) {
        ctx.Report(at + "/allowPrivilegeEscalation",
                   fmt::format("container '{}' allows privilege escalation", who),
                   {.severity = Severity::kWarning});
      }
      const Node* add = sc->Path({"capabilities", "add"});
      if (!add || !add->IsSeq()) return;
      const auto& items = add->Resolved().items;
      for (size_t i = 0; i < items.size(); ++i) {
        std::string cap = ToLower(items[i]->Text());
        if (StartsWith(cap, "cap_")) cap = cap.substr(4);
        if (cap == "net_bind_service") continue;
        const std::string pointer = fmt::format("{}/capabilities/add/{}", at, i);
        if (InRuntimeDefaults(cap)) {
          // Charts drop ALL and add back what the image needs (CHOWN, SETUID for an entrypoint
          // that switches user): that is fewer rights than a container that drops nothing.
          ctx.Report(pointer,
                     fmt::format("container '{}' adds back capability {}, one of the container "
                                 "runtime's defaults (Pod Security baseline allows it, restricted "
                                 "does not)",
                                 who, items[i]->Text()),
                     {.severity = Severity::kInfo});
          continue;
        }
        ctx.Report(pointer, fmt::format("container '{}' adds capability {}", who, items[i]->Text()),
                   {.severity = cap == "sys_admin" || cap == "all" ? Severity::kError
                                                                   : Severity::kWarning});
      }
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadPrivileged() { return std::make_unique<WorkloadPrivileged>(); }

}  // namespace syncgate::rules
