#pragma once
// How a plain YAML scalar is typed: the YAML 1.2 core schema (what the spec and yaml-cpp say) and
// YAML 1.1 (what go-yaml v2, and so Kubernetes and Helm, read). Where they disagree a value like
// `on` or `0777` silently changes meaning between tools. The one place that knows both: the
// loader, the schema validation, the rules and the model all ask here.
//
//   ResolveYaml11("on");                       // kBool: Kubernetes reads `on` as true
//   Yaml11Differs("0777", ScalarType::kInt);   // true: 777 in YAML 1.2, 511 in YAML 1.1
//   Yaml11Scalar v = ReadYaml11(node);         // v.type, v.integer / v.number / v.boolean

#include <cstdint>
#include <optional>
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
/// The YAML 1.1 boolean a scalar spells (`true`, `yes`, `On`, `n`...), or nullopt for any
/// other text.
std::optional<bool> Yaml11Bool(std::string_view text);

/// Whether a field is the boolean true as Kubernetes, Helm and ArgoCD (YAML 1.1) read it:
/// `true`, `yes`, `on`, `y` in their spellings. Quoted text counts too, as it did for the rules
/// (a quoted "true" is the schema's to report). False for null, absent or collections.
bool IsYaml11True(const Node* node);

/// A scalar as a YAML 1.1 reader (go-yaml v2: Kubernetes, Helm, ArgoCD) types it, with its
/// value: an explicit tag decides, then a plain scalar's text; quoted scalars are strings.
struct Yaml11Scalar {
  ScalarType type = ScalarType::kString;
  int64_t integer = 0;   // kInt
  double number = 0;     // kInt and kFloat
  bool boolean = false;  // kBool
};
/// An integer beyond int64 is a kFloat when go-yaml's float syntax takes it, else a kString;
/// a float strconv.ParseFloat would refuse ("1.0.0", base 60 "1:20.5") is a kString.
Yaml11Scalar ReadYaml11(const Node& node);

/// The type an explicit tag forces (`!!str`, `tag:yaml.org,2002:int`); kString for others.
ScalarType TypeFromTag(std::string_view tag);

}  // namespace syncgate
