#pragma once
// Kubernetes label selectors, for rules that relate objects by labels.
//
//   std::string why;
//   if (!SelectorMatches(*selector, template_labels, &why)) Report(why);

#include <string>

#include "checker/document.h"

namespace syncgate::rules {

/// Whether a LabelSelector (`matchLabels` and `matchExpressions`) selects `labels` (a map, may
/// be null). `why` receives the first failing term.
bool SelectorMatches(const Node& selector, const Node* labels, std::string* why = nullptr);

}  // namespace syncgate::rules
