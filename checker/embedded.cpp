#include "checker/embedded.h"

#include "checker/text_util.h"

namespace syncgate {
namespace {

/// Calls `visit(node, pointer)` for each string in `doc` that GitOps tools parse as YAML.
void ForEachYamlString(const Document& doc,
                       const std::function<void(const Node&, const std::string&)>& visit) {
  const Node& root = doc.root();
  auto helm_values_of = [&](const Node* spec, const std::string& base) {
    if (!spec) return;
    if (const Node* values = spec->Path({"source", "helm", "values"}); values && values->IsScalar()) {
      visit(*values, base + "/source/helm/values");
    }
    if (const Node* sources = spec->Get("sources"); sources && sources->IsSeq()) {
      const auto& items = sources->Resolved().items;
      for (size_t i = 0; i < items.size(); ++i) {
        if (const Node* values = items[i]->Path({"helm", "values"}); values && values->IsScalar()) {
          visit(*values, base + "/sources/" + std::to_string(i) + "/helm/values");
        }
      }
    }
  };
  switch (doc.kind()) {
    case DocKind::kApplication:
      helm_values_of(root.Get("spec"), "/spec");
      break;
    case DocKind::kApplicationSet:
      helm_values_of(root.Path({"spec", "template", "spec"}), "/spec/template/spec");
      break;
    case DocKind::kManifest:
      if (doc.object().kind == "ConfigMap") {
        if (const Node* data = root.Get("data"); data && data->IsMap()) {
          for (const MapEntry& entry : data->Resolved().entries) {
            const std::string& key = entry.key->value;
            if ((EndsWith(key, ".yaml") || EndsWith(key, ".yml")) && entry.value->IsScalar()) {
              visit(*entry.value, JoinPointer("/data", key));
            }
          }
        }
      }
      break;
    default:
      break;
  }
}

}  // namespace

void ForEachEmbeddedYaml(const Document& doc,
                         const std::function<void(const Document&, std::string_view)>& visit) {
  ForEachYamlString(doc, [&](const Node& node, const std::string& pointer) {
    if (const Document* child = doc.Embedded(node, pointer)) visit(*child, pointer);
  });
}

void ForEachBrokenEmbeddedYaml(const Document& doc,
                               const std::function<void(const ParseError&, std::string_view)>& visit) {
  ForEachYamlString(doc, [&](const Node& node, const std::string& pointer) {
    if (const ParseError* error = doc.EmbeddedError(node, pointer)) visit(*error, pointer);
  });
}

}  // namespace syncgate
