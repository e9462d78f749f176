#pragma once
// JSON Schema validation of our own YAML trees (valijson underneath; only json_schema.cpp sees it).
//
//   Expected<std::shared_ptr<const CompiledSchema>> schema =
//       CompiledSchema::FromJson(text, "values.schema.json");
//   if (!schema) Fail(schema.error().message);
//   for (const SchemaError& e : (*schema)->Validate(doc)) {
//     Position at = doc.PositionOf(e.pointer);   // e.pointer: RFC 6901, relative to the node
//     Report(at, e.message);                     // "expected integer, got string"
//   }
//
// A schema is compiled once and is then immutable: Validate may run on many threads at once.
// Documents are validated in place (no copy into another JSON tree). Scalars are typed as
// Kubernetes reads YAML (YAML 1.1, go-yaml v2): `yes` is a boolean, `0777` an integer, quoted
// text a string, `!!str 1` a string.
//
// `pattern` and `format: date-time` run on RE2 (linear time, no recursion), never std::regex, so
// a 1 MB string cannot exhaust the stack. Known limit: `patternProperties` still uses valijson's
// std::regex on property names (YAML keys are short; implicit keys are at most 1024 characters).

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/document.h"
#include "checker/expected.h"

namespace syncgate {

enum class SchemaErrorKind {
  kViolation,     // wrong type, missing required, enum, pattern, bounds...
  kUnknownField,  // a property the schema does not allow (additionalProperties: false)
};

struct SchemaError {
  std::string pointer;  // where, relative to the validated node; for kUnknownField the key itself
  std::string message;  // what, without the value (values can be secrets)
  SchemaErrorKind kind = SchemaErrorKind::kViolation;
  /// For kUnknownField: the unknown key and the closest allowed one (empty when none is close).
  std::string field;
  std::string suggestion;
};

/// How to read a schema.
struct SchemaDialect {
  /// Kubernetes structural schema (a CRD's openAPIV3Schema): honours `nullable`,
  /// `x-kubernetes-int-or-string`, `x-kubernetes-preserve-unknown-fields`, and adds
  /// apiVersion/kind/metadata at the root.
  bool kubernetes_openapi = false;
  /// Objects that list `properties` and say nothing about `additionalProperties` reject
  /// other properties (what Kubernetes' field validation does with unknown fields).
  bool strict = false;
  /// A member of an object whose value is null is read as absent, as the API server decodes
  /// it (`resources: null`, which `toYaml` of an unset value renders, is no `resources:`; a
  /// required field that is null is missing). For the Kubernetes OpenAPI definitions, whose
  /// optional fields do not list "null" among their types.
  bool null_is_unset = false;
};

class CompiledSchema {
 public:
  ~CompiledSchema();
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;

  /// Compiles a JSON Schema (draft 4 to 7) from JSON text. `name` is used in error messages.
  static Expected<std::shared_ptr<const CompiledSchema>> FromJson(std::string_view text,
                                                                  std::string_view name,
                                                                  SchemaDialect dialect = {});
  /// Compiles a schema written as YAML (a CRD's `openAPIV3Schema` node, or a schema file).
  static Expected<std::shared_ptr<const CompiledSchema>> FromNode(const Node& schema,
                                                                  std::string_view name,
                                                                  SchemaDialect dialect = {});

  /// Every problem of `node` against the schema, in document order; empty when valid.
  std::vector<SchemaError> Validate(const Node& node) const;
  std::vector<SchemaError> Validate(const Document& doc) const { return Validate(doc.root()); }
  /// Whether `node` is valid (faster than Validate: stops at the first problem).
  bool IsValid(const Node& node) const;

  const std::string& name() const { return name_; }

  struct Impl;  // opaque: the valijson schema and its normalised JSON

 private:
  friend class SchemaDefinitions;
  CompiledSchema(std::string name, std::unique_ptr<Impl> impl);
  std::string name_;
  std::unique_ptr<Impl> impl_;
};

/// The definitions of an API (the Kubernetes OpenAPI `_definitions.json`: `{"definitions":
/// {"io.k8s.api.apps.v1.Deployment": {..., "x-kubernetes-group-version-kind": [...]}}}`), from
/// which the schema of each kind is compiled on its own: the kind's definition with the
/// definitions it reaches through `$ref`. Parsed once; immutable, shared by threads.
///
///   auto defs = SchemaDefinitions::FromJson(text, "v1.31.6/_definitions.json");
///   std::string name = (*defs)->FindKind("apps", "v1", "Deployment");
///   auto schema = (*defs)->Compile(name, "Deployment", {.strict = true, .null_is_unset = true});
class SchemaDefinitions {
 public:
  ~SchemaDefinitions();
  SchemaDefinitions(const SchemaDefinitions&) = delete;
  SchemaDefinitions& operator=(const SchemaDefinitions&) = delete;

  static Expected<std::shared_ptr<const SchemaDefinitions>> FromJson(std::string_view text,
                                                                     std::string_view name);
  /// The definition whose `x-kubernetes-group-version-kind` lists (group, version, kind); group
  /// "" is the core group. Empty when none does.
  std::string FindKind(std::string_view group, std::string_view version,
                       std::string_view kind) const;
  /// Every (group, version, kind) some definition lists, sorted.
  std::vector<std::array<std::string, 3>> Kinds() const;
  /// The schema of definition `definition`: it, with every definition it references (`$ref`
  /// "#/definitions/..."), compiled in `dialect`.
  Expected<std::shared_ptr<const CompiledSchema>> Compile(std::string_view definition,
                                                          std::string_view name,
                                                          SchemaDialect dialect) const;

  struct Impl;

 private:
  explicit SchemaDefinitions(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The JSON type Kubernetes would give a YAML node: "object", "array", "string", "integer",
/// "number", "boolean" or "null".
std::string_view KubernetesJsonType(const Node& node);

}  // namespace syncgate
