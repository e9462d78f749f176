// The rule catalogue beyond single fixtures: per-environment severity from profiles (including
// label profiles and --env), and what `syncgate check examples/` reports on the guide's repo.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/environment.h"
#include "rules/registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {

constexpr const char* kApp = R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
  labels: {{env: {label}}}
spec:
  project: q-platform
  source:
    repoURL: https://gitlab.example/{name}.git
    targetRevision: main
  destination:
    server: https://kubernetes.default.svc
    namespace: {name}
)";

std::string App(const std::string& name, const std::string& label) {
  return fmt::format(fmt::runtime(kApp), fmt::arg("name", name), fmt::arg("label", label));
}

/// Severity of the first finding of `rule` in `file` of a run over `dir` with `env`.
std::optional<Severity> SeverityOf(const RunResult& result, const std::string& rule,
                                   const std::string& file_suffix) {
  for (const Finding& f : result.findings) {
    if (f.rule == rule && f.file.size() >= file_suffix.size() &&
        f.file.compare(f.file.size() - file_suffix.size(), file_suffix.size(), file_suffix) == 0) {
      return f.severity;
    }
  }
  return std::nullopt;
}

RunResult Run(const testing::TempDir& dir, const std::string& env) {
  RunRequest request;
  request.config_path = (dir / ".syncgate.yaml").string();
  request.environment = env;
  request.jobs = 1;
  request.render = false;
  return testing::CheckWith(std::move(request), {dir.path().string()});
}

}  // namespace

TEST_CASE("floating revision severity follows the environment profile", "[catalogue][profiles]") {
  testing::TempDir dir;
  testing::WriteFile(dir / ".syncgate.yaml", R"(environments:
  production:
    production: true
    applications: [q-kms]
    labels: {env: "prod*"}
  development:
    namespaces: [sandbox-*]
)");
  testing::WriteFile(dir / "q-kms.yaml", App("q-kms", "none"));            // by name
  testing::WriteFile(dir / "billing.yaml", App("billing", "production"));  // by label
  testing::WriteFile(dir / "sandbox.yaml", App("sandbox-1", "none"));      // by namespace
  testing::WriteFile(dir / "other.yaml", App("other", "none"));            // unclaimed

  const RunResult plain = Run(dir, "");
  CHECK(SeverityOf(plain, "argocd-floating-revision", "q-kms.yaml") == Severity::kError);
  CHECK(SeverityOf(plain, "argocd-floating-revision", "billing.yaml") == Severity::kError);
  CHECK(SeverityOf(plain, "argocd-floating-revision", "sandbox.yaml") == Severity::kInfo);
  CHECK(SeverityOf(plain, "argocd-floating-revision", "other.yaml") == Severity::kWarning);

  // --env decides for what no profile claims, and only for that.
  const RunResult dev = Run(dir, "development");
  CHECK(SeverityOf(dev, "argocd-floating-revision", "other.yaml") == Severity::kInfo);
  CHECK(SeverityOf(dev, "argocd-floating-revision", "q-kms.yaml") == Severity::kError);
  const RunResult prod = Run(dir, "production");
  CHECK(SeverityOf(prod, "argocd-floating-revision", "other.yaml") == Severity::kError);
  CHECK(SeverityOf(prod, "argocd-floating-revision", "sandbox.yaml") == Severity::kInfo);
}

TEST_CASE("a label profile marks manifests as production", "[catalogue][profiles]") {
  testing::TempDir dir;
  testing::WriteFile(
      dir / ".syncgate.yaml",
      "environments:\n  production:\n    production: true\n    labels: {tier: critical}\n");
  const std::string deployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{tier: {tier}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: a}}}}
  template:
    metadata: {{labels: {{app: a}}}}
    spec: {{containers: [{{name: a, image: registry.example/a:1.0}}]}}
)";
  testing::WriteFile(
      dir / "critical.yaml",
      fmt::format(fmt::runtime(deployment), fmt::arg("name", "a"), fmt::arg("tier", "critical")));
  testing::WriteFile(
      dir / "batch.yaml",
      fmt::format(fmt::runtime(deployment), fmt::arg("name", "b"), fmt::arg("tier", "batch")));
  const RunResult result = Run(dir, "");
  CHECK(SeverityOf(result, "workload-single-replica", "critical.yaml").has_value());
  CHECK_FALSE(SeverityOf(result, "workload-single-replica", "batch.yaml").has_value());
}

TEST_CASE("a bad label profile is a configuration error", "[catalogue][profiles]") {
  auto config = Config::Parse(
      SourceFile::FromText(".syncgate.yaml", "environments:\n  production:\n    labels: [tier]\n"));
  REQUIRE_FALSE(config);
  CHECK(config.error().message == ".syncgate.yaml:3:13: labels must map label keys to value globs");
}

TEST_CASE("an environment without a name is a configuration error", "[catalogue][profiles]") {
  for (const char* text : {"environments:\n  \"\": {production: true}\n",
                           "environments:\n  [a, b]: {production: true}\n"}) {
    auto config = Config::Parse(SourceFile::FromText(".syncgate.yaml", text));
    REQUIRE_FALSE(config);
    CHECK(config.error().message == ".syncgate.yaml:2:3: an environment needs a name");
  }
}

TEST_CASE("syncgate check examples/ flags the guide's Applications and charts",
          "[catalogue][examples]") {
  if (!std::filesystem::exists(testing::SourceDir() / "examples" / ".syncgate.yaml")) {
    WARN("examples/ is absent; skipped");
    return;
  }
  const auto run = testing::RunSyncgate("check examples --format json --fail-on never", "",
                                        testing::SourceDir().string());
  REQUIRE(run.exit_code == 0);
  const auto report = nlohmann::json::parse(run.out);
  auto has = [&](const std::string& rule, const std::string& file,
                 const std::string& severity = "") {
    for (const auto& f : report["findings"]) {
      if (f["rule"] == rule && f["file"].get<std::string>().find(file) != std::string::npos &&
          (severity.empty() || f["severity"] == severity)) {
        return true;
      }
    }
    return false;
  };
  for (const std::string app :
       {"q-sign/argocd/application.yaml", "q-kms/argocd/q-kms-application.yaml"}) {
    INFO(app);
    CHECK(has("argocd-insecure-repo-url", app));
    CHECK(has("argocd-floating-revision", app, "error"));  // `main`, in production
    CHECK(has("argocd-auto-sync-unguarded", app));
  }
  CHECK(has("argocd-missing-finalizer", "q-kms/argocd/q-kms-application.yaml"));
  CHECK_FALSE(has("argocd-missing-finalizer", "q-sign/argocd/application.yaml"));
  CHECK(
      has("workload-host-access", "q-kms/argocd/q-kms-application.yaml"));  // /dev/k7pf0 in values
  // q-app is the well-behaved one: pinned, https, manual sync, not production.
  for (const std::string rule :
       {"argocd-insecure-repo-url", "argocd-floating-revision", "argocd-auto-sync-unguarded",
        "argocd-missing-finalizer", "argocd-missing-source-path"}) {
    INFO(rule);
    CHECK_FALSE(has(rule, "q-app/argocd/q-app-application.yaml"));
  }

  // The charts' templates are Go templates: their findings need the rendered output.
  if (testing::TestHelm().empty()) {
    WARN("helm is not installed: rendered chart findings not checked");
    return;
  }
  bool device = false;
  bool resources = false;
  for (const auto& f : report["findings"]) {
    const std::string file = f["file"];
    if (f["rule"] == "workload-host-access" && file.find("q-kms/helm") != std::string::npos &&
        f["message"].get<std::string>().find("/dev/k7pf0") != std::string::npos) {
      device = true;
    }
    if (f["rule"] == "workload-missing-resources" && file.find("/helm/") != std::string::npos) {
      resources = true;
    }
  }
  CHECK(device);
  CHECK(resources);
}

}  // namespace syncgate
