// The cluster's own APIs given to helm as ArgoCD gives them (render/builtin_apis.h): a chart that
// picks its apiVersion with `.Capabilities.APIVersions.Has` renders what ArgoCD would.
#include "render/builtin_apis.h"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/test_util.h"

namespace syncgate::render {
namespace {

bool Has(const std::vector<std::string>& apis, const std::string& api) {
  return std::find(apis.begin(), apis.end(), api) != apis.end();
}

}  // namespace

TEST_CASE("the built-in APIs follow the Kubernetes version", "[render]") {
  const std::vector<std::string> v131 = BuiltinApiVersions("1.31");
  CHECK(std::is_sorted(v131.begin(), v131.end()));
  CHECK(Has(v131, "v1"));
  CHECK(Has(v131, "v1/Pod"));
  CHECK(Has(v131, "apiregistration.k8s.io/v1"));
  CHECK(Has(v131, "apiregistration.k8s.io/v1/APIService"));
  CHECK(Has(v131, "policy/v1/PodDisruptionBudget"));
  CHECK(Has(v131, "flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema"));  // removed in 1.32
  CHECK_FALSE(Has(v131, "policy/v1beta1/PodSecurityPolicy"));           // removed in 1.25
  CHECK_FALSE(Has(v131, "extensions/v1beta1"));

  const std::vector<std::string> v120 = BuiltinApiVersions("v1.20.4");
  CHECK(Has(v120, "policy/v1beta1/PodSecurityPolicy"));
  CHECK(Has(v120, "extensions/v1beta1/Ingress"));
  CHECK_FALSE(Has(v120, "policy/v1/PodDisruptionBudget"));  // GA in 1.21
  CHECK_FALSE(Has(v120, "batch/v1/CronJob"));

  // No version (or an unreadable one): the newest, nothing removed.
  const std::vector<std::string> newest = BuiltinApiVersions("");
  CHECK(newest == BuiltinApiVersions("latest"));
  CHECK(Has(newest, "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy"));
  CHECK_FALSE(Has(newest, "flowcontrol.apiserver.k8s.io/v1beta3"));
}

TEST_CASE("a chart that asks the cluster's APIs renders what ArgoCD renders", "[helm][render]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  testing::WriteFile(dir / "adapter/Chart.yaml", "apiVersion: v2\nname: adapter\nversion: 0.1.0\n");
  // helm alone has neither apiregistration.k8s.io/v1 nor any group/version/kind: offline, both
  // objects would take their removed fallback.
  testing::WriteFile(dir / "adapter/templates/apiservice.yaml",
                     "{{- if .Capabilities.APIVersions.Has \"apiregistration.k8s.io/v1\" }}\n"
                     "apiVersion: apiregistration.k8s.io/v1\n"
                     "{{- else }}\n"
                     "apiVersion: apiregistration.k8s.io/v1beta1\n"
                     "{{- end }}\n"
                     "kind: APIService\n"
                     "metadata:\n"
                     "  name: v1beta1.custom.metrics.k8s.io\n"
                     "spec:\n"
                     "  group: custom.metrics.k8s.io\n"
                     "  version: v1beta1\n"
                     "  groupPriorityMinimum: 100\n"
                     "  versionPriority: 100\n");
  testing::WriteFile(dir / "adapter/templates/pdb.yaml",
                     "{{- if .Capabilities.APIVersions.Has \"policy/v1/PodDisruptionBudget\" }}\n"
                     "apiVersion: policy/v1\n"
                     "{{- else }}\n"
                     "apiVersion: policy/v1beta1\n"
                     "{{- end }}\n"
                     "kind: PodDisruptionBudget\n"
                     "metadata:\n"
                     "  name: adapter\n"
                     "spec:\n"
                     "  maxUnavailable: 1\n"
                     "  selector: {matchLabels: {app: adapter}}\n");
  const RunResult result = testing::CheckRendered({dir.path().string()}, helm);
  REQUIRE(result.summary.rendered == 1);
  std::vector<std::string> versions;
  for (const auto& unit : result.workspace->files()) {
    if (unit->input.display_path.find("@rendered/") == std::string::npos) continue;
    for (const auto& doc : unit->documents) versions.push_back(doc->object().api_version);
  }
  std::sort(versions.begin(), versions.end());
  CHECK(versions == std::vector<std::string>{"apiregistration.k8s.io/v1", "policy/v1"});
  for (const Finding& f : result.findings) {
    INFO(f.file << ":" << f.line << ": " << f.message);
    CHECK(f.rule != "api-removed");
  }
}

}  // namespace syncgate::render
