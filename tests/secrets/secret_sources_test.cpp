// Where the scanner looks: documents with their keys, embedded YAML, Secret data, template text.
#include "rules/secret/secret_sources.h"

#include <algorithm>
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

namespace syncgate::secrets {

TEST_CASE("a JSON file is read as a document: keys reach the values in arrays", "[secrets]") {
  // `vault operator init -format=json`, committed as a file.
  const auto unit = Load("vault/init.json",
                         "{\n"
                         "  \"unseal_keys_b64\": [\n"
                         "    \"MgqFHrEvPeilRaQSWsajCUyZM/5uQpyLdoTzBqi+AFXY\"\n"
                         "  ],\n"
                         "  \"unseal_shares\": 1,\n"
                         "  \"root_token\": \"hvs.nOCi0pgYrF8GmNDHK8FhlzBd\"\n"
                         "}\n",
                         FileKind::kText);
  auto hits = SecretsInTextFile(*unit);
  REQUIRE(hits.size() == 2);
  std::sort(hits.begin(), hits.end(),
            [](const SecretHit& a, const SecretHit& b) { return a.at.line < b.at.line; });
  CHECK(hits[0].kind == SecretKind::kVaultUnsealKey);
  CHECK(hits[0].at == Position{3, 5});
  CHECK(hits[0].doc == nullptr);  // the document ends with the scan; its positions stay
  CHECK(hits[1].kind == SecretKind::kVaultToken);
  CHECK(hits[1].at == Position{6, 17});
  // JSON that does not parse is read as text.
  const auto broken =
      Load("broken.json", "{\"password\": \"Wq7vLm2pRt9sKw4z\",\n", FileKind::kText);
  CHECK(SecretsInTextFile(*broken).size() == 1);
}

TEST_CASE("test fixtures: weak values are nothing, real-shaped ones are info", "[secrets]") {
  const std::string text =
      "set:\n"
      "  auth.password: hunter2x\n"
      "  auth.token: ghp_Xb7mPq2Lz9Rt4Kw8Nc3Vd6Fh1Jg5Sy0AeU2o\n";
  const auto fixture = Load("chart/tests/secret_test.yaml", text, FileKind::kYaml);
  const auto& hits = SecretsInDocument(*fixture->documents[0]);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kToken);
  CHECK(hits[0].info);
  CHECK(HitExtra(hits[0]).severity == Severity::kInfo);
  CHECK(HitMessage(hits[0], nullptr).find("in a test fixture") != std::string::npos);
  // The same text elsewhere is a committed secret.
  const auto values = Load("chart/values.yaml", text, FileKind::kYaml);
  CHECK(SecretsInDocument(*values->documents[0]).size() == 2);
}

TEST_CASE("a template's multi-line actions and comments are not YAML", "[secrets]") {
  const auto unit = Load("chart/templates/_helpers.tpl",
                         "{{/*\n"
                         "Usage: {{ include \"x.password\" . }}\n"
                         "  e.g. adminPassword: Qx7vLm2pRt9sKw4z\n"
                         "*/}}\n"
                         "{{- printf `host=%s\n"
                         "password=%[3]s\n"
                         "` .Values.host -}}\n"
                         "token: Wq7vLm2pRt9sKw4zB8\n",
                         FileKind::kTemplate);
  const auto hits = SecretsInTextFile(*unit);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].at.line == 8);
}

TEST_CASE("binary Secret data under a credential's key is the credential", "[secrets]") {
  const auto unit = Load("aws.yaml",
                         "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws\ndata:\n"
                         "  AWS_SECRET_ACCESS_KEY: LGVqD4gpxgm3wdfIgMDDn13QBI2divSv0XzSDF2U\n"
                         "  keystore.jks: jTKY0h4LpRvKgGtN50qre/5h6hzoCyjLXFNl1V6/nIs=\n",
                         FileKind::kYaml);
  const auto& hits = SecretsInDocument(*unit->documents[0]);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kToken);
  CHECK_FALSE(hits[0].decoded);
  CHECK(hits[0].at == Position{6, 26});
  const auto secrets = PlaintextSecretsIn(*unit->documents[0]);
  REQUIRE(secrets.size() == 1);
  CHECK(secrets[0].keys == std::vector<std::string>{"AWS_SECRET_ACCESS_KEY", "keystore.jks"});
}

TEST_CASE("Secrets without a credential, in documentation or in test data", "[secrets]") {
  const std::string repo =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: repo\nstringData:\n"
      "  url: https://github.com/example/repo\n  type: git\n  password: my-password\n";
  CHECK(PlaintextSecretsIn(*Load("repo.yaml", repo, FileKind::kYaml)->documents[0]).empty());
  const std::string db =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n"
      "  password: Wq7vLm2pRt9sKw4z\n";
  CHECK(PlaintextSecretsIn(*Load("db.yaml", db, FileKind::kYaml)->documents[0]).size() == 1);
  CHECK(
      PlaintextSecretsIn(*Load("pkg/testdata/db.yaml", db, FileKind::kYaml)->documents[0]).empty());
  CHECK(PlaintextSecretsIn(*Load("docs/README.md", db, FileKind::kText)).empty());
}

}  // namespace syncgate::secrets
