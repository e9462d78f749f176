#pragma once
// How a plain YAML scalar is typed: the YAML 1.2 core schema (what the spec and yaml-cpp say) and
// YAML 1.1 (what go-yaml v2, and so Kubernetes and Helm, read). Where they disagree a value like
// `on` or `0777` silently changes meaning between tools.

#include <string_view>

#include "checker/document.h"

namespace syncgate {

/// The YAML 1.2 core schema type of an untagged plain scalar.
ScalarType ResolveYaml12(std::string_view text);
/// The YAML 1.1 type of an untagged plain scalar.
ScalarType ResolveYaml11(std::string_view text);
/// True when YAML 1.1 reads `text` as another type, or as another number (octal `0777`).
bool Yaml11Differs(std::string_view text, ScalarType yaml12_type);
/// True for the YAML 1.1 booleans that are plain strings in YAML 1.2 (`yes`, `on`, `N`...).
bool IsYaml11OnlyBoolean(std::string_view text);
/// The type an explicit tag forces (`!!str`, `tag:yaml.org,2002:int`); kString for others.
ScalarType TypeFromTag(std::string_view tag);

}  // namespace syncgate
