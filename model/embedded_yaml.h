#pragma once
// Where YAML hides inside YAML strings in a GitOps repository, and how to open it.
//
//   model::ForEachEmbeddedYaml(app, [&](const Document& values, std::string_view pointer) {
//     // values is the Application's `helm.values: |` block as a document; positions are lines
//     // and columns of the Application file; `pointer` is where the string sits.
//   });

#include <functional>
#include <string_view>

#include "checker/document.h"

namespace syncgate::model {

/// Calls `visit(child, pointer)` for each string of `doc` that holds YAML in a place where
/// GitOps tools read it as YAML: an ArgoCD Application's (or ApplicationSet template's)
/// `helm.values` for `source` and every `sources[]` entry, and ConfigMap `data` entries whose
/// key ends in .yaml/.yml.
void ForEachEmbeddedYaml(const Document& doc,
                         const std::function<void(const Document&, std::string_view)>& visit);

/// Like ForEachEmbeddedYaml, but for the strings in those places that fail to parse:
/// `visit(error, pointer)` with the error positioned in the outer file.
void ForEachBrokenEmbeddedYaml(
    const Document& doc, const std::function<void(const ParseError&, std::string_view)>& visit);

}  // namespace syncgate::model
