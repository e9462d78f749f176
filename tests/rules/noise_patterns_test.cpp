// The noise patterns found on real renders (tests/rules/real/labels.tsv) are reported as info, not
// as warnings: their fixtures (tests/rules/<rule>/fires*) state the findings and their messages;
// the fixture syntax has no severity, so this test holds the severities of those messages.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

struct Expected {
  const char* rule;
  const char* text;  // a part of the message
  Severity severity;
};

/// Requires exactly one finding of `e.rule` whose message holds `e.text`, at `e.severity`.
void RequireSeverity(const RunResult& result, const Expected& e) {
  int matches = 0;
  for (const Finding& f : result.findings) {
    if (f.rule != e.rule || f.message.find(e.text) == std::string::npos) continue;
    ++matches;
    INFO(f.file << ":" << f.line << ": " << f.message);
    CHECK(f.severity == e.severity);
  }
  INFO(e.rule << " \"" << e.text << "\"");
  CHECK(matches == 1);
}

}  // namespace

TEST_CASE("noise patterns of real renders are info, real problems keep their severity",
          "[rules][fixtures]") {
  const fs::path root = fs::path("tests") / "rules";
  SECTION("workload-privileged") {
    const RunResult r = testing::Check({(root / "workload-privileged" / "fires.yaml").string()});
    RequireSeverity(r, {"workload-privileged", "adds back capability CHOWN", Severity::kInfo});
    RequireSeverity(r, {"workload-privileged", "adds back capability SETUID", Severity::kInfo});
    RequireSeverity(r, {"workload-privileged", "adds capability NET_RAW", Severity::kWarning});
    RequireSeverity(r, {"workload-privileged", "adds capability IPC_LOCK", Severity::kWarning});
  }
  SECTION("workload-missing-probes") {
    const RunResult r =
        testing::Check({(root / "workload-missing-probes" / "fires.yaml").string()});
    RequireSeverity(r,
                    {"workload-missing-probes", "'vault' has no livenessProbe", Severity::kInfo});
    RequireSeverity(r, {"workload-missing-probes", "'agent' has no probes", Severity::kInfo});
    RequireSeverity(r, {"workload-missing-probes", "'ui' has no readinessProbe or livenessProbe",
                        Severity::kWarning});
    RequireSeverity(r, {"workload-missing-probes", "'web' has no readinessProbe or livenessProbe",
                        Severity::kWarning});
    RequireSeverity(
        r, {"workload-missing-probes", "'logs' has no readinessProbe", Severity::kWarning});
  }
  SECTION("rbac-wildcard") {
    const RunResult r = testing::Check({(root / "rbac-wildcard" / "fires.yaml").string()});
    RequireSeverity(r, {"rbac-wildcard", "on deployments: every standard verb", Severity::kInfo});
    RequireSeverity(r, {"rbac-wildcard", "resources '*' on the metrics APIs", Severity::kInfo});
    RequireSeverity(r, {"rbac-wildcard", "verbs '*' on the metrics APIs", Severity::kInfo});
    RequireSeverity(r, {"rbac-wildcard", "resources '*' grants every resource", Severity::kError});
  }
  SECTION("service-selector-orphan") {
    const RunResult r =
        testing::Check({(root / "service-selector-orphan" / "fires.yaml").string()});
    RequireSeverity(r, {"service-selector-orphan", "by label 'vault-active'", Severity::kInfo});
    RequireSeverity(
        r, {"service-selector-orphan", "by label 'app.kubernetes.io/instance'", Severity::kInfo});
    RequireSeverity(
        r, {"service-selector-orphan", "matches pods of namespace q-sign", Severity::kWarning});
  }
  SECTION("metadata-default-namespace") {
    const RunResult r =
        testing::Check({(root / "metadata-default-namespace" / "fires.yaml").string()});
    RequireSeverity(r, {"metadata-default-namespace", "which helm writes", Severity::kInfo});
    RequireSeverity(r, {"metadata-default-namespace", "the Application deploys into the default",
                        Severity::kWarning});
  }
  SECTION("helm-render-empty and helm-render-failed") {
    REQUIRE_HELM(helm);
    const RunResult empty =
        testing::CheckRendered({(root / "helm-render-empty" / "fires").string()}, helm);
    RequireSeverity(empty,
                    {"helm-render-empty", "default values alone deploy nothing", Severity::kInfo});
    RequireSeverity(empty,
                    {"helm-render-empty", "values-prod.yaml renders no objects", Severity::kError});
    const RunResult failed =
        testing::CheckRendered({(root / "helm-render-failed" / "fires").string()}, helm);
    RequireSeverity(failed,
                    {"helm-render-failed", "the chart's default values alone", Severity::kInfo});
    RequireSeverity(failed,
                    {"helm-render-failed", "values-prod.yaml: execution error", Severity::kError});
  }
}

TEST_CASE("a chart rendered by syncgate is not placed in default by its release namespace",
          "[rules][helm]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  testing::WriteFile(dir / "web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  testing::WriteFile(dir / "web/values.yaml", "port: 80\n");
  testing::WriteFile(dir / "web/templates/service.yaml",
                     "apiVersion: v1\n"
                     "kind: Service\n"
                     "metadata:\n"
                     "  name: web\n"
                     "  namespace: {{ .Release.Namespace }}\n"
                     "spec:\n"
                     "  ports: [{port: {{ .Values.port }}}]\n");
  // An Application that deploys it into default: reported once, on the Application.
  testing::WriteFile(dir / "apps/web.yaml",
                     "apiVersion: argoproj.io/v1alpha1\n"
                     "kind: Application\n"
                     "metadata:\n"
                     "  name: web\n"
                     "  namespace: argocd\n"
                     "spec:\n"
                     "  project: web\n"
                     "  source:\n"
                     "    repoURL: https://git.example/web.git\n"
                     "    targetRevision: v1.0.0\n"
                     "    path: web\n"
                     "  destination:\n"
                     "    server: https://kubernetes.default.svc\n"
                     "    namespace: default\n");
  const RunResult result = testing::CheckRendered({dir.path().string()}, helm);
  REQUIRE(result.summary.rendered == 2);  // the chart's values, and the Application
  std::vector<std::string> where;
  for (const Finding& f : result.findings) {
    if (f.rule == "metadata-default-namespace")
      where.push_back(
          fmt::format("{}:{} {}", fs::path(f.file).filename().string(), f.line, f.message));
  }
  INFO(fmt::format("{}", fmt::join(where, "\n")));
  REQUIRE(where.size() == 1);
  CHECK(where[0] == "web.yaml:14 the Application deploys into the default namespace");
}

}  // namespace syncgate
