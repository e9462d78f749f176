// Fuzz target for the JSON-schema adapter (validation/) on hostile schemas: a CRD's
// openAPIV3Schema or a values.schema.json is user input (deep nesting, $ref loops, huge enums,
// bad patterns). The input's first part is the schema (YAML or JSON), the second (after a line
// "%%", else the same text) the instance. Invariants: a schema compiles or fails with a message
// naming it; IsValid agrees with Validate; Validate gives the same errors twice, each with a
// message, and an unknown field's pointer ends in its name.
#include <string>

#include "checker/document.h"
#include "tests/fuzz/fuzz_target.h"
#include "validation/json_schema.h"

namespace {

using namespace syncgate;

void CheckAgainst(const CompiledSchema& schema, const Node& instance) {
  const std::vector<SchemaError> errors = schema.Validate(instance);
  FUZZ_CHECK(schema.IsValid(instance) == errors.empty(), "IsValid disagrees with Validate");
  FUZZ_CHECK(schema.Validate(instance).size() == errors.size(), "Validate is not deterministic");
  for (const SchemaError& e : errors) {
    FUZZ_CHECK(!e.message.empty(), "schema error without a message");
    // An unknown field's pointer ends in its name (which may be "": a key `"": 1`).
    if (e.kind == SchemaErrorKind::kUnknownField)
      FUZZ_CHECK(e.pointer.size() > e.field.size() &&
                     e.pointer.ends_with("/" + EscapePointerToken(e.field)),
                 "unknown field whose pointer does not end in its name");
  }
}

void CheckCompiled(const Expected<std::shared_ptr<const CompiledSchema>>& schema,
                   const std::vector<const Node*>& instances) {
  if (!schema) {
    FUZZ_CHECK(schema.error().message.find("fuzz.schema") != std::string::npos,
               "schema error does not name the schema");
    return;
  }
  for (const Node* instance : instances) CheckAgainst(**schema, *instance);
}

}  // namespace

SYNCGATE_FUZZ_TARGET(schema) {
  const std::vector<std::string> parts = fuzz::SplitParts(fuzz::AsText(data, size), 2);
  LoadResult schema_yaml = LoadYaml(SourceFile::FromText("fuzz.schema.yaml", parts[0]));
  LoadResult instance_yaml = LoadYaml(SourceFile::FromText("instance.yaml", parts[1]));
  std::vector<const Node*> instances;
  for (const auto& doc : instance_yaml.documents) instances.push_back(&doc->root());
  if (!schema_yaml.documents.empty()) instances.push_back(&schema_yaml.documents.front()->root());

  const SchemaDialect kubernetes{.kubernetes_openapi = true, .strict = true, .null_is_unset = true};
  if (!schema_yaml.documents.empty()) {
    const Node& root = schema_yaml.documents.front()->root();
    CheckCompiled(CompiledSchema::FromNode(root, "fuzz.schema"), instances);
    CheckCompiled(CompiledSchema::FromNode(root, "fuzz.schema", kubernetes), instances);
  }
  CheckCompiled(CompiledSchema::FromJson(parts[0], "fuzz.schema"), instances);

  // The input as an API's definitions: compile the first few kinds it declares.
  auto defs = SchemaDefinitions::FromJson(parts[0], "fuzz.schema/_definitions.json");
  if (defs) {
    size_t compiled = 0;
    for (const auto& [group, version, kind] : (*defs)->Kinds()) {
      if (++compiled > 3) break;
      // Not checked to be found again: a group or version holding '/' (no real API has one)
      // splits differently in Kinds(); Compile("") then fails, which CheckCompiled accepts.
      const std::string name = (*defs)->FindKind(group, version, kind);
      CheckCompiled((*defs)->Compile(name, "fuzz.schema", kubernetes), instances);
    }
  }
  return 0;
}
