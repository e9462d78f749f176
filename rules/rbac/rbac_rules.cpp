#include "rules/rbac/rbac_rules.h"

namespace syncgate::rules {

void ForEachPolicyRule(const Document& doc,
                       const std::function<void(const Node&, const std::string&)>& visit) {
  const std::string& kind = doc.object().kind;
  if (kind != "Role" && kind != "ClusterRole") return;
  const Node* rules = doc.root().Get("rules");
  if (!rules || !rules->IsSeq()) return;
  const auto& items = rules->Resolved().items;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i]->IsMap()) visit(items[i]->Resolved(), "/rules/" + std::to_string(i));
  }
}

bool ListHas(const Node& rule, std::string_view key, std::string_view value) {
  const Node* list = rule.Get(key);
  if (!list || !list->IsSeq()) return false;
  for (const Node* item : list->Resolved().items) {
    if (item->Text() == value) return true;
  }
  return false;
}

}  // namespace syncgate::rules
