// Schema validation: the valijson adapter over Document, error pointers and positions, RE2
// patterns on huge strings, the CRD dialect, schema locations, and the shared data corpus.
#include "validation/json_schema.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "checker/workspace.h"
#include "tests/test_util.h"
#include "validation/embedded_schemas.h"
#include "validation/schema_store.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

struct Loaded {
  std::shared_ptr<const SourceFile> source;
  LoadResult result;
  const Document& doc(size_t i = 0) const { return *result.documents.at(i); }
};

Loaded Load(const std::string& text, const std::string& path = "test.yaml") {
  Loaded loaded;
  loaded.source = SourceFile::FromText(path, text);
  loaded.result = LoadYaml(loaded.source);
  REQUIRE_FALSE(loaded.result.error);
  return loaded;
}

std::shared_ptr<const CompiledSchema> Schema(const std::string& json, SchemaDialect dialect = {}) {
  auto compiled = CompiledSchema::FromJson(json, "test-schema", dialect);
  INFO((compiled ? "" : compiled.error().message));
  REQUIRE(compiled);
  return *compiled;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

TEST_CASE("scalars are typed as Kubernetes reads YAML (YAML 1.1)", "[schema]") {
  Loaded y = Load(
      "a: yes\nb: 0777\nc: '12'\nd: !!str 12\ne: ~\nf: 1.5\ng: 1.0.0\nh: on\ni: 0x1F\nj: text\n");
  const Node& root = y.doc().root();
  CHECK(KubernetesJsonType(*root.Get("a")) == "boolean");
  CHECK(KubernetesJsonType(*root.Get("b")) == "integer");
  CHECK(KubernetesJsonType(*root.Get("c")) == "string");
  CHECK(KubernetesJsonType(*root.Get("d")) == "string");
  CHECK(KubernetesJsonType(*root.Get("e")) == "null");
  CHECK(KubernetesJsonType(*root.Get("f")) == "number");
  CHECK(KubernetesJsonType(*root.Get("g")) == "string");  // not a float to go-yaml v2
  CHECK(KubernetesJsonType(*root.Get("h")) == "boolean");
  CHECK(KubernetesJsonType(*root.Get("i")) == "integer");
  CHECK(KubernetesJsonType(root) == "object");

  auto schema = Schema(R"({"properties": {"b": {"maximum": 511, "minimum": 511},
                                          "i": {"const": 31}, "a": {"const": true}}})");
  CHECK(schema->Validate(y.doc()).empty());
}

TEST_CASE("uniqueItems and enum work over Document nodes", "[schema]") {
  auto schema =
      Schema(R"({"type": "array", "uniqueItems": true, "items": {"enum": ["a", "b", 1]}})");
  CHECK(schema->Validate(Load("[a, b, 1]\n").doc()).empty());
  const auto errors = schema->Validate(Load("[a, b, a]\n").doc());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "");
  const auto bad = schema->Validate(Load("[a, c]\n").doc());
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].pointer == "/1");
  CHECK(bad[0].message == "value is not one of: a, b, 1");
}

TEST_CASE("errors carry pointers that map to exact positions", "[schema]") {
  auto schema = Schema(R"({
    "type": "object", "required": ["spec"], "additionalProperties": false,
    "properties": {"kind": {"type": "string"}, "spec": {
      "type": "object", "required": ["selector"], "additionalProperties": false,
      "properties": {"replicas": {"type": "integer"}, "selector": {"type": "object"},
                     "template": {"type": "object"}}}}})");
  Loaded y = Load("kind: Deployment\nspec:\n  replicas: three\n  templat: {}\n");
  const auto errors = schema->Validate(y.doc());
  std::map<std::string, SchemaError> by_pointer;
  for (const SchemaError& e : errors) by_pointer[e.pointer] = e;
  REQUIRE(by_pointer.count("/spec/replicas"));
  CHECK(by_pointer["/spec/replicas"].message == "expected integer, got string");
  CHECK(y.doc().PositionOf("/spec/replicas") == Position{3, 13});
  REQUIRE(by_pointer.count("/spec"));
  CHECK(by_pointer["/spec"].message == "missing required field 'selector'");
  REQUIRE(by_pointer.count("/spec/templat"));
  CHECK(by_pointer["/spec/templat"].kind == SchemaErrorKind::kUnknownField);
  CHECK(by_pointer["/spec/templat"].field == "templat");
  CHECK(by_pointer["/spec/templat"].message ==
        "unknown field 'templat' (did you mean 'template'?)");
  CHECK(errors.size() == 3);
}

TEST_CASE("a 1 MB string against a pattern neither crashes nor hangs", "[schema]") {
  const std::string big(1 << 20, 'a');
  Loaded y = Load("value: " + big + "b\n");
  // Backtracking-prone for std::regex: (a|a)* recurses per character.
  auto re2 = Schema(R"({"properties": {"value": {"type": "string", "pattern": "^(a|aa)*$"}}})");
  const auto errors = re2->Validate(y.doc());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer == "/value");
  CHECK_THAT(errors[0].message, Catch::Contains("does not match the pattern"));
  CHECK(re2->Validate(Load("value: " + big + "\n").doc()).empty());
  // A lookahead is not RE2: short values still use std::regex, long ones are reported unchecked.
  auto ecma = Schema(R"({"properties": {"value": {"type": "string", "pattern": "^(?!x)a+$"}}})");
  CHECK(ecma->Validate(Load("value: aaa\n").doc()).empty());
  CHECK(ecma->Validate(Load("value: xaa\n").doc()).size() == 1);
  const auto unchecked = ecma->Validate(y.doc());
  REQUIRE(unchecked.size() == 1);
  CHECK_THAT(unchecked[0].message, Catch::Contains("too long to check"));
  // format: date-time runs on RE2 too.
  auto time = Schema(R"({"properties": {"t": {"type": "string", "format": "date-time"}}})");
  CHECK(time->Validate(Load("t: '2024-01-02T03:04:05Z'\n").doc()).empty());
  CHECK(time->Validate(Load("t: " + big + "\n").doc()).size() == 1);
}

TEST_CASE("a $ref loop or a dangling $ref is refused with a message, a recursive type is not",
          "[schema][fuzz]") {
  // Found by fuzzing: valijson followed a -> b -> a until the stack overflowed.
  auto loop = CompiledSchema::FromJson(
      R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
          "properties": {"x": {"$ref": "#/definitions/a"}}})",
      "values.schema.json");
  REQUIRE_FALSE(loop);
  CHECK(loop.error().message ==
        "values.schema.json: not a usable JSON schema: its $ref loops (#/definitions/a -> "
        "#/definitions/b -> #/definitions/a) without reaching a schema");
  auto self = CompiledSchema::FromJson(R"({"$ref": "#"})", "values.schema.json");
  REQUIRE_FALSE(self);
  CHECK_THAT(self.error().message, Catch::Contains("its $ref loops (# -> #)"));

  // A dangling $ref is an error, not an abort (valijson aborted unless told to throw).
  auto dangling = CompiledSchema::FromJson(
      R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/defInitions/a"}},
          "properties": {"x": {"$ref": "#/definitions/a"}}})",
      "values.schema.json");
  REQUIRE_FALSE(dangling);
  CHECK_THAT(dangling.error().message,
             Catch::StartsWith("values.schema.json: not a usable JSON schema: ") &&
                 Catch::Contains("defInitions"));

  auto tree = Schema(R"({"definitions": {"node": {"type": "object", "additionalProperties": false,
      "properties": {"child": {"$ref": "#/definitions/node"}}}},
      "properties": {"tree": {"$ref": "#/definitions/node"}}})");
  CHECK(tree->Validate(Load("tree: {child: {child: {}}}\n").doc()).empty());
  CHECK(tree->Validate(Load("tree: {child: {other: 1}}\n").doc()).size() == 1);
}

TEST_CASE("a duplicate key counts once against additionalProperties and maxProperties",
          "[schema][fuzz]") {
  // Found by fuzzing: valijson compared the names `properties` matched with a member count
  // that held both duplicates, so IsValid failed while Validate had no error to show.
  auto closed = Schema(R"({"type": "object", "additionalProperties": false, "maxProperties": 2,
      "properties": {"kind": {"type": "string"}, "name": {"type": "string"}}})");
  Loaded twice = Load("kind: A\nname: x\nkind: B\n");
  CHECK(closed->IsValid(twice.doc().root()));
  CHECK(closed->Validate(twice.doc()).empty());
  const auto unknown = closed->Validate(Load("kind: A\nkind: B\nother: 1\n").doc());
  REQUIRE(unknown.size() == 1);
  CHECK_THAT(unknown[0].message, Catch::StartsWith("unknown field 'other'"));
  CHECK_FALSE(closed->IsValid(Load("kind: A\nname: x\nname: y\nother: 1\n").doc().root()));
}

TEST_CASE("a schema that is false refuses every value with a message", "[schema][fuzz]") {
  auto nothing = Schema("false");
  Loaded any = Load("a: 1\n");
  CHECK_FALSE(nothing->IsValid(any.doc().root()));
  const auto errors = nothing->Validate(any.doc());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pointer.empty());
  CHECK(errors[0].message == "the schema allows no value here");
}

TEST_CASE("CRD openAPIV3Schema dialect: int-or-string, nullable, preserve-unknown-fields",
          "[schema]") {
  Loaded crd = Load(R"(type: object
properties:
  spec:
    type: object
    properties:
      port: {x-kubernetes-int-or-string: true}
      note: {type: string, nullable: true}
      free: {type: object, x-kubernetes-preserve-unknown-fields: true}
      min: {type: integer, minimum: 0, exclusiveMinimum: true}
)");
  auto compiled = CompiledSchema::FromNode(crd.doc().root(), "crd",
                                           {.kubernetes_openapi = true, .strict = true});
  REQUIRE(compiled);
  auto schema = *compiled;
  CHECK(schema
            ->Validate(Load("apiVersion: x/v1\nkind: X\nmetadata: {name: a}\nspec: {port: 80, "
                            "note: null, free: {a: {b: 1}}, min: 1}\n")
                           .doc())
            .empty());
  CHECK(schema->Validate(Load("spec: {port: http}\n").doc()).empty());
  const auto errors = schema->Validate(Load("spec: {port: true, min: 0, extra: 1}\n").doc());
  std::set<std::string> pointers;
  for (const SchemaError& e : errors) pointers.insert(e.pointer + " " + e.message);
  CHECK(pointers == std::set<std::string>{"/spec/port expected integer or string, got boolean",
                                          "/spec/min expected number greater than 0",
                                          "/spec/extra unknown field 'extra'"});
}

TEST_CASE("kubeconform location templates", "[schema]") {
  const std::string tpl =
      "{{ .NormalizedKubernetesVersion "
      "}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json";
  CHECK(SchemaStore::ExpandLocation("s/" + tpl, "apps/v1", "Deployment", "v1.31.6") ==
        "s/v1.31.6-standalone-strict/deployment-apps-v1.json");
  CHECK(SchemaStore::ExpandLocation(tpl, "v1", "Service", "v1.31.0") ==
        "v1.31.0-standalone-strict/service-v1.json");
  CHECK(SchemaStore::ExpandLocation(tpl, "rbac.authorization.k8s.io/v1", "Role", "v1.30.0") ==
        "v1.30.0-standalone-strict/role-rbac-v1.json");
  CHECK(SchemaStore::ExpandLocation(
            "https://x/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json",
            "argoproj.io/v1alpha1", "Application",
            "v1.31.0") == "https://x/argoproj.io/application_v1alpha1.json");
  CHECK(SchemaStore::ExpandLocation("folder", "apps/v1", "Deployment", "v1.29.1") ==
        "folder/v1.29.1-standalone-strict/deployment-apps-v1.json");
  CHECK(SchemaStore::EmbeddedName("argoproj.io/v1alpha1", "Application") ==
        "application-argoproj.io-v1alpha1.json");
}

TEST_CASE("every embedded schema compiles", "[schema]") {
  REQUIRE(EmbeddedSchemas().size() >= 8);
  SchemaStore store({});
  for (const auto& [name, text] : EmbeddedSchemas()) {
    INFO(name);
    SchemaLookup found = store.Embedded(name);
    CHECK(found.error.empty());
    CHECK(found.schema);
  }
}

TEST_CASE("schema-location folder form finds the newest patch of --kube-version", "[schema]") {
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data absent: skipping");
    return;
  }
  SchemaStore store({.kube_version = "1.31",
                     .locations = {(data / "k8s-schemas").string()},
                     .allow_network = false});
  SchemaLookup found = store.ForObject("apps/v1", "Deployment");
  CHECK(found.error.empty());
  REQUIRE(found.schema);
  // Built from the definitions next to the per-kind files.
  CHECK_THAT(found.source, Catch::EndsWith("v1.31.6-standalone-strict/_definitions.json#/"
                                           "definitions/io.k8s.api.apps.v1.Deployment"));
  CHECK_FALSE(store.ForObject("example.com/v1", "Nothing").schema);
}

TEST_CASE("the plain-manifest corpus validates against the 1.31 schemas", "[schema]") {
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data absent: skipping");
    return;
  }
  testing::TempDir dir;
  testing::WriteFile(
      dir / ".syncgate.yaml",
      fmt::format("schemas:\n  locations:\n    - \"{}/k8s-schemas/"
                  "{{{{.NormalizedKubernetesVersion}}}}-standalone{{{{.StrictSuffix}}}}/"
                  "{{{{.ResourceKind}}}}{{{{.KindSuffix}}}}.json\"\n",
                  fs::absolute(data).string()));
  const RunResult result = testing::Check({(data / "corpus" / "kubernetes+examples").string()},
                                          (dir / ".syncgate.yaml").string(), 2);
  std::string listing;
  int problems = 0;
  std::multiset<std::string> archived;
  for (const Finding& f : result.findings) {
    if (f.rule != "schema-violation" && f.rule != "schema-unknown-field") continue;
    const size_t at = f.file.find("/_archived/");
    if (at != std::string::npos) {
      archived.insert(fmt::format("{}:{} {}", f.file.substr(at + 11), f.line, f.rule));
      continue;
    }
    ++problems;
    listing += fmt::format("{}:{}: {} [{}]\n", f.file, f.line, f.message, f.rule);
  }
  INFO(listing);
  const auto& counters = result.summary.counters;
  REQUIRE(counters.count("schema-validated"));
  CHECK(counters.at("schema-validated") > 200);
  CHECK(problems == 0);
  // The archived examples have real mistakes (Go-template placeholders in manifests, a typo,
  // volume fields Kubernetes 1.31 no longer has): each found at its line.
  CHECK(archived == std::multiset<std::string>{
                        "newrelic-infrastructure/newrelic-config-template.yaml:7 schema-violation",
                        "newrelic/newrelic-config-template.yaml:7 schema-violation",
                        "storage/vitess/etcd-controller-template.yaml:6 schema-violation",
                        "storage/vitess/etcd-controller-template.yaml:11 schema-violation",
                        "storage/vitess/etcd-service-template.yaml:7 schema-violation",
                        "storage/vitess/etcd-service-template.yaml:14 schema-violation",
                        "storage/vitess/vtgate-controller-template.yaml:6 schema-violation",
                        "volumes/fibre_channel/fc.yaml:17 schema-violation",
                        "volumes/rbd/rbd.yaml:25 schema-unknown-field",
                        "volumes/rbd/rbd.yaml:26 schema-unknown-field",
                        "volumes/scaleio/pod.yaml:17 schema-unknown-field",
                        "volumes/storageos/storageos-pod.yaml:35 schema-unknown-field",
                        "volumes/storageos/storageos-pv.yaml:22 schema-unknown-field"});
}

TEST_CASE("a CR is validated against the CRD of the same checked folder", "[schema]") {
  testing::TempDir dir;
  testing::WriteFile(dir / "crd.yaml", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
)");
  testing::WriteFile(dir / "widget.yaml",
                     "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  "
                     "size: big\n  colour: red\n");
  const RunResult result = testing::Check({dir.path().string()}, "", 2);
  std::set<std::string> found;
  for (const Finding& f : result.findings) {
    if (f.file.find("widget.yaml") != std::string::npos) {
      found.insert(fmt::format("{}:{}:{}", f.rule, f.line, f.column));
    }
  }
  CHECK(found == std::set<std::string>{"schema-violation:5:9", "schema-unknown-field:6:3"});
}

TEST_CASE("Applications validate against our schema and agree with the real CRD", "[schema]") {
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data absent: skipping");
    return;
  }
  Loaded crd = Load(ReadText(data / "crds" / "argocd" / "application-crd.yaml"));
  SchemaStore real({});
  real.AddCrd(crd.doc());
  SchemaLookup theirs = real.ForObject("argoproj.io/v1alpha1", "Application");
  SchemaStore embedded_store({});
  SchemaLookup ours = embedded_store.Embedded("application-argoproj.io-v1alpha1.json");
  REQUIRE(theirs.schema);
  REQUIRE(ours.schema);

  // The Applications of examples/ and the YAML blocks of the shared corpus's READMEs.
  std::vector<std::pair<std::string, std::string>> apps;
  for (const auto& entry : fs::recursive_directory_iterator(testing::SourceDir() / "examples")) {
    if (entry.path().extension() == ".yaml") {
      apps.emplace_back(entry.path().string(), ReadText(entry.path()));
    }
  }
  for (const auto& entry :
       fs::recursive_directory_iterator(data / "corpus" / "argoproj+argo-helm")) {
    if (entry.path().filename() != "README.md") continue;
    const std::string text = ReadText(entry.path());
    for (size_t at = text.find("```yaml"); at != std::string::npos;
         at = text.find("```yaml", at + 1)) {
      const size_t end = text.find("```", at + 7);
      if (end == std::string::npos) break;
      apps.emplace_back(entry.path().string(), text.substr(at + 7, end - at - 7));
    }
  }
  int checked = 0;
  for (const auto& [path, text] : apps) {
    auto source = SourceFile::FromText(path, text);
    LoadResult loaded = LoadYaml(source);
    for (const auto& doc : loaded.documents) {
      if (doc->object().kind != "Application" ||
          doc->object().api_version != "argoproj.io/v1alpha1") {
        continue;
      }
      ++checked;
      INFO(path << " document " << doc->index());
      const auto our_errors = ours.schema->Validate(*doc);
      std::string listing;
      for (const SchemaError& e : our_errors) listing += e.pointer + ": " + e.message + "\n";
      INFO(listing);
      CHECK(our_errors.empty());
      CHECK(theirs.schema->IsValid(doc->root()) == ours.schema->IsValid(doc->root()));
    }
  }
  CHECK(checked >= 4);

  // Both reject the same mistakes.
  for (const char* bad :
       {"spec: {project: p, destination: {}, source: {repoURL: 5}}",
        "spec: {project: p, destination: {}, syncPolicy: {automated: {prune: maybe}}}",
        "spec: {project: p, destination: {}, sourc: {repoURL: r}}", "spec: {destination: {}}"}) {
    INFO(bad);
    Loaded y = Load(std::string("apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
                                "metadata: {name: a}\n") +
                    bad + "\n");
    CHECK_FALSE(ours.schema->IsValid(y.doc().root()));
    CHECK_FALSE(theirs.schema->IsValid(y.doc().root()));
  }
}

TEST_CASE("check examples/ --kube-version 1.21 reports the removed APIs of examples/legacy",
          "[schema]") {
  const testing::CommandOutput out =
      testing::RunSyncgate("check examples/ --kube-version 1.21 --format json --fail-on never", "",
                           testing::SourceDir().string());
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const auto report = nlohmann::json::parse(out.out);
  std::set<std::string> removed;
  for (const auto& f : report["findings"]) {
    if (f["rule"] == "api-removed") {
      removed.insert(fmt::format("{}:{}", f["file"].get<std::string>(), f["line"].get<int>()));
    }
  }
  CHECK(removed == std::set<std::string>{"examples/legacy/q-legacy-deployment.yaml:5"});
}

}  // namespace syncgate
