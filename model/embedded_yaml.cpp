#include "model/embedded_yaml.h"

#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate::model {
namespace {

/// Calls `visit(node, pointer)` for each string in `doc` that GitOps tools parse as YAML.
void ForEachYamlString(const Document& doc,
                       const std::function<void(const Node&, const std::string&)>& visit) {
  const Node& root = doc.root();
  switch (doc.kind()) {
    case DocKind::kApplication:
    case DocKind::kApplicationSet:
      if (auto app = ReadApplication(doc)) {
        for (const AppSource& source : app->sources) {
          if (const Node* values = source.helm.values; values && values->IsScalar()) {
            visit(*values, source.pointer + "/helm/values");
          }
        }
      }
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

void ForEachBrokenEmbeddedYaml(
    const Document& doc, const std::function<void(const ParseError&, std::string_view)>& visit) {
  ForEachYamlString(doc, [&](const Node& node, const std::string& pointer) {
    if (const ParseError* error = doc.EmbeddedError(node, pointer)) visit(*error, pointer);
  });
}

}  // namespace syncgate::model
