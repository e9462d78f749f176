#pragma once
// Helm values as text for helm and for schema validation, keeping what each scalar means.
//
//   std::string text = ValuesToYaml(*app.Find("/spec/source/helm/valuesObject"));  // for `-f -`
//   std::string merged = MergeValuesToYaml({&defaults.root(), &prod.root()});    // later wins
//
// The output is YAML flow style: keys and strings JSON-quoted, other plain scalars (`80`,
// `true`, `yes`, `~`) written as they were, so a YAML 1.1 reader types them as Helm would.

#include <string>
#include <vector>

#include "checker/document.h"

namespace syncgate::render {

std::string ValuesToYaml(const Node& node);

/// Helm's coalescing of values layers (lowest precedence first): maps merge key by key, any other
/// value replaces, and null deletes the key.
std::string MergeValuesToYaml(const std::vector<const Node*>& layers);

}  // namespace syncgate::render
