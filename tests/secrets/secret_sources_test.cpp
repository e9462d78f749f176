// Where the scanner looks: documents with their keys, embedded YAML, Secret data, template text.
#include "rules/secret/secret_sources.h"

#include <catch2/catch.hpp>

#include "checker/finding.h"

namespace syncgate::secrets {
namespace {

std::unique_ptr<FileUnit> Load(const std::string& path, const std::string& text, FileKind kind) {
  auto unit = std::make_unique<FileUnit>();
  unit->input.display_path = path;
  unit->input.kind = kind;
  unit->source = SourceFile::FromText(path, text);
  if (kind != FileKind::kTemplate && kind != FileKind::kText) {
    LoadResult loaded = LoadYaml(unit->source);
    REQUIRE_FALSE(loaded.error);
    unit->documents = std::move(loaded.documents);
  }
  return unit;
}

}  // namespace

TEST_CASE("env name/value pairs take the name as the key, at the value's position", "[secrets]") {
  const auto unit = Load("deploy.yaml",
                         "env:\n"
                         "  - name: DB_PASSWORD\n"
                         "    value: \"Zq4Lm8Tx2Rv7Kp9Wc3Bn\"\n",
                         FileKind::kYaml);
  const auto& hits = SecretsInDocument(*unit->documents[0]);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kPasswordValue);
  CHECK(hits[0].key == "DB_PASSWORD");
  CHECK(hits[0].pointer == "/env/0/value");
  CHECK(hits[0].at == Position{3, 12});
  CHECK(hits[0].secret.size() == 20);
}

TEST_CASE("documents rendered from charts are not scanned again", "[secrets]") {
  const std::string text =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
      "WnE0TG04VHgyUnY3S3A5V2MzQm4=\n";
  const auto committed = Load("db-secret.yaml", text, FileKind::kYaml);
  CHECK(SecretsInDocument(*committed->documents[0]).size() == 1);
  CHECK(PlaintextSecretsIn(*committed->documents[0]).size() == 1);
  const auto rendered = Load("charts/db@rendered/values.yaml", text, FileKind::kYaml);
  CHECK(SecretsInDocument(*rendered->documents[0]).empty());
  CHECK(PlaintextSecretsIn(*rendered->documents[0]).empty());
}

TEST_CASE("a Secret written in a Helm template is found in its text", "[secrets]") {
  const auto unit = Load("chart/templates/secret.yaml",
                         "{{- if .Values.create }}\n"
                         "apiVersion: v1\n"
                         "kind: Secret\n"
                         "metadata:\n"
                         "  name: {{ .Release.Name }}\n"
                         "data:\n"
                         "  password: WnE0TG04VHgyUnY3S3A5V2MzQm4=\n"
                         "  user: {{ .Values.user | b64enc }}\n"
                         "stringData:\n"
                         "  config.yaml: |\n"
                         "    {{- toYaml .Values.config | nindent 4 }}\n"
                         "{{- end }}\n",
                         FileKind::kTemplate);
  const auto secrets = PlaintextSecretsIn(*unit);
  REQUIRE(secrets.size() == 1);
  CHECK(secrets[0].keys == std::vector<std::string>{"password"});
  CHECK(secrets[0].at == Position{3, 7});
  const auto& hits = SecretsInTextFile(*unit);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].decoded);
  CHECK(hits[0].at == Position{7, 13});
  CHECK(HitMessage(hits[0], unit.get()).find("written in a Helm template") != std::string::npos);
}

}  // namespace syncgate::secrets
