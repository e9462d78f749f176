#include "rules/workload/label_selector.h"

#include <fmt/format.h>

#include <algorithm>

namespace syncgate::rules {
namespace {

const Node* Label(const Node* labels, std::string_view key) {
  return labels && labels->IsMap() ? labels->Get(key) : nullptr;
}

}  // namespace

bool SelectorMatches(const Node& selector, const Node* labels, std::string* why) {
  auto fail = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  if (const Node* match = selector.Get("matchLabels"); match && match->IsMap()) {
    for (const MapEntry& entry : match->Resolved().entries) {
      const Node* value = Label(labels, entry.key->value);
      if (!value) return fail(fmt::format("the template has no label '{}'", entry.key->value));
      if (value->Text() != entry.value->Text()) {
        return fail(fmt::format("label '{}' is '{}' in the template, '{}' in the selector",
                                entry.key->value, value->Text(), entry.value->Text()));
      }
    }
  }
  const Node* expressions = selector.Get("matchExpressions");
  if (!expressions || !expressions->IsSeq()) return true;
  for (const Node* item : expressions->Resolved().items) {
    const Node* key = item->Get("key");
    const Node* op = item->Get("operator");
    if (!key || !op) continue;
    const Node* value = Label(labels, key->Text());
    std::vector<std::string_view> values;
    if (const Node* list = item->Get("values"); list && list->IsSeq()) {
      for (const Node* v : list->Resolved().items) values.push_back(v->Text());
    }
    const bool in = value && std::find(values.begin(), values.end(), value->Text()) != values.end();
    const std::string_view o = op->Text();
    if ((o == "In" && !in) || (o == "NotIn" && in) || (o == "Exists" && !value) ||
        (o == "DoesNotExist" && value)) {
      return fail(fmt::format("the template's labels fail '{} {}'", key->Text(), o));
    }
  }
  return true;
}

}  // namespace syncgate::rules
