#include "model/application.h"

#include "checker/text_util.h"

namespace syncgate::rules {

std::optional<AppSpec> FindAppSpec(const Document& doc) {
  const Node* spec = nullptr;
  std::string pointer;
  if (doc.kind() == DocKind::kApplication) {
    spec = doc.root().Get("spec");
    pointer = "/spec";
  } else if (doc.kind() == DocKind::kApplicationSet) {
    spec = doc.root().Path({"spec", "template", "spec"});
    pointer = "/spec/template/spec";
  }
  if (!spec || !spec->IsMap()) return std::nullopt;
  return AppSpec{&spec->Resolved(), pointer};
}

void ForEachAppSource(const AppSpec& app,
                      const std::function<void(const Node&, const std::string&)>& visit) {
  if (const Node* source = app.spec->Get("source"); source && source->IsMap()) {
    visit(source->Resolved(), app.pointer + "/source");
  }
  if (const Node* sources = app.spec->Get("sources"); sources && sources->IsSeq()) {
    const auto& items = sources->Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i]->IsMap()) {
        visit(items[i]->Resolved(), app.pointer + "/sources/" + std::to_string(i));
      }
    }
  }
}

bool IsTrue(const Node* node) {
  if (!node || !node->IsScalar()) return false;
  const std::string lower = ToLower(node->Text());
  return lower == "true" || lower == "yes" || lower == "on";
}

}  // namespace syncgate::rules
