// Workspace classification beyond syntax: what a file is for, and chart files that are
// templates.
#include "checker/workspace.h"

#include <catch2/catch.hpp>

namespace syncgate {

TEST_CASE("a file's purpose comes from its path", "[workspace]") {
  CHECK(PurposeOf("charts/app/templates/secret.yaml") == FilePurpose::kSource);
  CHECK(PurposeOf("charts/app/values.yaml") == FilePurpose::kSource);
  CHECK(PurposeOf("charts/app/README.md") == FilePurpose::kDocumentation);
  CHECK(PurposeOf("charts/app/README.md.gotmpl") == FilePurpose::kDocumentation);
  CHECK(PurposeOf("docs/guide.rst") == FilePurpose::kDocumentation);
  CHECK(PurposeOf("pkg/diff/testdata/secret.json") == FilePurpose::kTestFixture);
  CHECK(PurposeOf("charts/app/tests/deployment_test.yaml") == FilePurpose::kTestFixture);
  CHECK(PurposeOf("charts/app/tests/__snapshot__/deployment_test.yaml.snap") ==
        FilePurpose::kTestFixture);
  // A tests/ folder alone is not enough: helm-unittest suites end in _test.yaml.
  CHECK(PurposeOf("tests/manifests/deployment.yaml") == FilePurpose::kSource);
  CHECK(PurposeOf("contest/deployment_test.yaml") == FilePurpose::kSource);
  CHECK(PurposeOf(".github/workflows/release.yml") == FilePurpose::kCiWorkflow);
  CHECK(PurposeOf("repo/.gitlab-ci.yml") == FilePurpose::kCiWorkflow);
}

TEST_CASE("a chart's .Files text with template syntax is a template, not broken YAML",
          "[workspace]") {
  InputFile file;
  file.display_path = "charts/app/files/app.yaml";
  file.chart_root = "charts/app";
  file.kind = FileKind::kYaml;
  CHECK(IsChartFileTemplate(file, "name: {{ .Release.Name }}\n"));
  CHECK_FALSE(IsChartFileTemplate(file, "name: app\n"));
  file.display_path = "charts/app/crds/crd.yaml";  // helm reads crds/ as YAML
  CHECK_FALSE(IsChartFileTemplate(file, "name: {{ .Release.Name }}\n"));
  file.display_path = "manifests/app.yaml";  // not in a chart
  file.chart_root.clear();
  CHECK_FALSE(IsChartFileTemplate(file, "name: {{ .Release.Name }}\n"));
}

}  // namespace syncgate
