// ingress-backend-missing: an Ingress backend naming a Service or port not in the checked set.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "ingress-backend-missing",
    "An Ingress backend whose Service, or the Service's port, is not among the checked objects",
    "An Ingress that routes to a Service that does not exist, or to a port the Service does not "
    "expose, answers 503 for that host and path; the controller accepts it silently. The check "
    "runs across the checked files (and rendered charts) and only when they contain Services.",
    "Point backend.service.name and backend.service.port (number or name) at a Service and port "
    "defined in the same namespace.",
    Severity::kError,
    DocKind::kNone,
    RuleScope::kWorkspace};

bool SameNamespace(const Document& a, const Document& b) {
  return a.object().ns.empty() || b.object().ns.empty() || a.object().ns == b.object().ns;
}

class IngressBackendMissing final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    std::vector<const Document*> services;
    workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
      if (doc.object().kind == "Service") services.push_back(&doc);
    });
    if (services.empty()) return;
    workspace.ForEachDocument(DocKind::kManifest, [&](const Document& doc) {
      if (doc.object().kind != "Ingress") return;
      std::string pointer;
      WalkTree(doc.root(), pointer, [&](const Node& node, const std::string& at) {
        if (node.kind != NodeKind::kMapping) return true;
        const Node* backend = node.Get("backend");
        const Node* fallback = node.Get("defaultBackend");
        for (const auto& [b, key] :
             {std::pair{backend, "backend"}, std::pair{fallback, "defaultBackend"}}) {
          if (b && b->IsMap()) Check(doc, *b, at + "/" + key, services, ctx);
        }
        return true;
      });
    });
  }

 private:
  static void Check(const Document& ingress, const Node& backend, const std::string& at,
                    const std::vector<const Document*>& services, RuleContext& ctx) {
    // networking.k8s.io/v1: service.{name, port.{number|name}}; v1beta1: serviceName, servicePort.
    const Node* name = backend.Path({"service", "name"});
    const Node* port = backend.Path({"service", "port", "number"});
    if (!port) port = backend.Path({"service", "port", "name"});
    std::string name_at = at + "/service/name";
    std::string port_at = at + "/service/port";
    if (!name) {
      name = backend.Get("serviceName");
      port = backend.Get("servicePort");
      name_at = at + "/serviceName";
      port_at = at + "/servicePort";
    }
    if (!name || !name->IsScalar()) return;
    const Document* service = nullptr;
    for (const Document* s : services) {
      if (s->object().name == name->Text() && SameNamespace(ingress, *s)) service = s;
    }
    if (!service) {
      ctx.ReportIn(
          ingress, name_at,
          fmt::format("backend Service '{}' is not among the checked objects", name->Text()));
      return;
    }
    if (!port || !port->IsScalar()) return;
    const Node* ports = service->root().Path({"spec", "ports"});
    if (ports && ports->IsSeq()) {
      for (const Node* p : ports->Resolved().items) {
        const Node* number = p->Get("port");
        const Node* port_name = p->Get("name");
        if ((number && number->Text() == port->Text()) ||
            (port_name && port_name->Text() == port->Text())) {
          return;
        }
      }
    }
    ctx.ReportIn(ingress, port_at,
                 fmt::format("Service '{}' has no port '{}'", name->Text(), port->Text()),
                 {.at = port->pos});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeIngressBackendMissing() {
  return std::make_unique<IngressBackendMissing>();
}

}  // namespace syncgate::rules
