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
#include "model/render_model.h"

namespace syncgate::model {

std::string ValuesToYaml(const Node& node);

/// Helm's coalescing of values layers (lowest precedence first): maps merge key by key, any other
/// value replaces, and null deletes the key.
std::string MergeValuesToYaml(const std::vector<const Node*>& layers);

/// The JSON pointer ArgoCD's `parameters` name sets ("/image/tag" for "image.tag"); empty for
/// names with list indexes or escaped dots (`a[0]`, `a\\.b`), which only helm itself interprets.
std::string ParameterPointer(std::string_view name);

/// ArgoCD `parameters` (helm `--set`) as values text: true/false/null and integers typed as
/// strvals types them, everything else (and forceString) a string; later parameters win.
std::string ParametersToYaml(const std::vector<SetParameter>& parameters);

/// `s` as a YAML double-quoted scalar (escapes for quotes, backslashes and control
/// characters): it reads back as the same string whatever it holds.
std::string YamlDoubleQuoted(std::string_view s);

}  // namespace syncgate::model
