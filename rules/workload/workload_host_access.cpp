// workload-host-access: host namespaces, host ports, hostPath volumes and device paths.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "model/embedded_yaml.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-host-access",
    "A pod that reaches into its node: hostNetwork/PID/IPC, hostPort, hostPath or a device path",
    "Host namespaces let a pod see and talk to every process and socket of the node; a hostPath "
    "volume gives it the node's files (docker.sock or /etc is root on the node); a device path "
    "such as the QSIGN guide's HSM `/dev/k7pf0` ties the pod to one node and gives it raw "
    "hardware. Such access must be deliberate and reviewed. Besides manifests, Helm values and "
    "an Application's inline values that pass a /dev/ path to a chart are reported.",
    "Use volumes that are not the node's (PVC, configMap, emptyDir) and Services instead of host "
    "ports. Where hardware access is required (an HSM), keep it to the one device, pin the pod "
    "with a nodeSelector, and suppress this rule on the object with the reason.",
    Severity::kError,
    kAnyObject | DocKind::kValues,
    RuleScope::kDocument};

bool IsDevicePath(std::string_view path) {
  return StartsWith(path, "/dev/") && path != "/dev/null" && path != "/dev/shm" &&
         path != "/dev/termination-log" && !StartsWith(path, "/dev/std");
}

class WorkloadHostAccess final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachPodSpec(doc, [&](const Node& spec, const std::string& pointer) {
      for (const char* key : {"hostNetwork", "hostPID", "hostIPC"}) {
        if (IsYaml11True(spec.Get(key))) {
          ctx.Report(pointer + "/" + key,
                     fmt::format("{}: the pod shares the node's {} namespace", key,
                                 ToLower(std::string_view(key).substr(4))));
        }
      }
      CheckVolumes(spec, pointer, ctx);
    });
    model::ForEachContainer(doc, [&](const Node& container, const std::string& pointer) {
      const Node* ports = container.Get("ports");
      if (!ports || !ports->IsSeq()) return;
      const auto& items = ports->Resolved().items;
      for (size_t i = 0; i < items.size(); ++i) {
        if (const Node* host_port = items[i]->Get("hostPort")) {
          ctx.Report(
              fmt::format("{}/ports/{}/hostPort", pointer, i),
              fmt::format("hostPort {} binds the port on the node itself", host_port->Text()),
              {.severity = Severity::kWarning});
        }
      }
    });
    if (doc.kind() == DocKind::kValues) CheckValues(doc, ctx);
    if (doc.kind() == DocKind::kApplication || doc.kind() == DocKind::kApplicationSet) {
      model::ForEachEmbeddedYaml(
          doc, [&](const Document& values, std::string_view) { CheckValues(values, ctx); });
    }
  }

 private:
  static void CheckVolumes(const Node& spec, const std::string& pointer, RuleContext& ctx) {
    const Node* volumes = spec.Get("volumes");
    if (!volumes || !volumes->IsSeq()) return;
    const auto& items = volumes->Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      const Node* host_path = items[i]->Get("hostPath");
      if (!host_path || !host_path->IsMap()) continue;
      const Node* path = host_path->Get("path");
      const Node* type = host_path->Get("type");
      const std::string_view p = path ? path->Text() : "";
      const std::string_view t = type ? type->Text() : "";
      std::string what = "hostPath volume";
      if (IsDevicePath(p) || t == "CharDevice" || t == "BlockDevice") what = "host device";
      if (EndsWith(p, "docker.sock") || EndsWith(p, "containerd.sock"))
        what = "container runtime socket";
      ctx.Report(fmt::format("{}/volumes/{}/hostPath{}", pointer, i, path ? "/path" : ""),
                 fmt::format("{} '{}' mounts the node's {} into the pod", what, p,
                             what == "host device" ? "hardware" : "files"));
    }
  }

  /// Helm values that hand a device path to a chart (`devicePath: /dev/k7pf0`).
  static void CheckValues(const Document& values, RuleContext& ctx) {
    std::string pointer;
    WalkTree(values.root(), pointer, [&](const Node& node, const std::string& at) {
      if (node.kind == NodeKind::kScalar && IsDevicePath(node.value)) {
        ctx.ReportIn(values, at,
                     fmt::format("values pass the host device '{}' to the chart: its pods get raw "
                                 "access to the node's hardware",
                                 node.value),
                     {.at = node.pos});
      }
      return true;
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadHostAccess() { return std::make_unique<WorkloadHostAccess>(); }

}  // namespace syncgate::rules
