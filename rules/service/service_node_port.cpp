// service-node-port: a Service exposed on every node's address.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/embedded_yaml.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "service-node-port",
    "A Service of type NodePort (also as service.type in Helm values)",
    "A NodePort opens the port on every node of the cluster, on every node address, outside any "
    "Ingress, TLS termination or NetworkPolicy at the edge; fixed nodePorts (30181) also collide "
    "between teams. Helm values and an Application's inline values that set service.type: "
    "NodePort are reported too.",
    "Use a ClusterIP Service behind an Ingress (or a LoadBalancer where the platform provides "
    "one); keep NodePort for bootstrap infrastructure and suppress the rule there with a reason.",
    Severity::kWarning,
    kAnyObject | DocKind::kValues,
    RuleScope::kDocument};

class ServiceNodePort final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (doc.object().kind == "Service") {
      const Node* type = doc.root().Path({"spec", "type"});
      if (type && type->Text() == "NodePort") {
        ctx.Report("/spec/type", "Service type NodePort opens the port on every node");
      }
    }
    if (doc.kind() == DocKind::kValues) CheckValues(doc, ctx);
    if (doc.kind() == DocKind::kApplication || doc.kind() == DocKind::kApplicationSet) {
      model::ForEachEmbeddedYaml(
          doc, [&](const Document& values, std::string_view) { CheckValues(values, ctx); });
    }
  }

 private:
  /// The Helm convention: `service: {type: NodePort}` at any depth (subcharts).
  static void CheckValues(const Document& values, RuleContext& ctx) {
    std::string pointer;
    WalkTree(values.root(), pointer, [&](const Node& node, const std::string& at) {
      if (node.kind != NodeKind::kMapping) return true;
      const Node* service = node.Get("service");
      const Node* type = service && service->IsMap() ? service->Get("type") : nullptr;
      if (type && type->Text() == "NodePort") {
        ctx.ReportIn(values, at + "/service/type",
                     "values set service.type NodePort: the chart's Service opens the port on "
                     "every node",
                     {.at = type->pos});
      }
      return true;
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeServiceNodePort() { return std::make_unique<ServiceNodePort>(); }

}  // namespace syncgate::rules
