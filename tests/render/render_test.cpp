// Rendering charts with the real helm (tools/install-helm.sh installs it into .tools/bin):
// ArgoCD's value precedence, findings traced back to values and templates, render failures and
// empty renders, and what happens without helm. Tests that need helm skip when it is absent.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "render/helm_renderer.h"
#include "render/render_stage.h"
#include "rules/registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

const std::string kData = "tests/render/data";

/// Runs every rule over `paths` with rendering, like `syncgate check`.
RunResult CheckRendered(const std::vector<std::string>& paths, RunSettings settings, int jobs = 2) {
  RunRequest request;
  request.jobs = jobs;
  request.settings = std::move(settings);
  return testing::CheckWith(std::move(request), paths);
}

RunSettings WithHelm(const std::string& helm) {
  RunSettings settings;
  settings.helm_binary = helm;
  settings.render_cache = false;  // each test renders for itself
  return settings;
}

const FileUnit* RenderedFile(const RunResult& result, const std::string& suffix) {
  for (const auto& unit : result.workspace->files()) {
    if (unit->input.fs_path.empty() && unit->input.display_path.size() >= suffix.size() &&
        unit->input.display_path.compare(unit->input.display_path.size() - suffix.size(),
                                         suffix.size(), suffix) == 0) {
      return unit.get();
    }
  }
  return nullptr;
}

std::vector<Finding> FindingsOf(const RunResult& result, std::string_view rule) {
  std::vector<Finding> out;
  for (const Finding& f : result.findings) {
    if (f.rule == rule) out.push_back(f);
  }
  return out;
}

std::string Listing(const RunResult& result) {
  std::string out;
  for (const Finding& f : result.findings) {
    out += fmt::format("{}:{}:{} {} {}\n", f.file, f.line, f.column, f.rule, f.message);
  }
  for (const SkippedFile& s : result.skipped)
    out += fmt::format("skipped {}: {}\n", s.display_path, s.reason);
  for (const std::string& e : result.errors) out += "error: " + e + "\n";
  return out;
}

}  // namespace

TEST_CASE("an Application renders with ArgoCD's value precedence", "[helm]") {
  REQUIRE_HELM(helm);
  const RunResult result = CheckRendered({kData + "/precedence"}, WithHelm(helm));
  INFO(Listing(result));
  REQUIRE(result.errors.empty());
  // values.yaml alone, values-prod.yaml on top, and the two Applications.
  CHECK(result.summary.rendered == 4);

  const FileUnit* prod = RenderedFile(result, "@rendered/app:web-prod");
  REQUIRE(prod != nullptr);
  REQUIRE(prod->documents.size() == 1);
  const Document& cm = *prod->documents[0];
  // parameters > values > valueFiles > values.yaml
  CHECK(cm.Find("/data/a")->Text() == "chart");
  CHECK(cm.Find("/data/b")->Text() == "file");
  CHECK(cm.Find("/data/c")->Text() == "inline");
  CHECK(cm.Find("/data/d")->Text() == "inline");
  CHECK(cm.Find("/data/e")->Text() == "param");
  // releaseName and the destination namespace.
  CHECK(cm.Find("/metadata/name")->Text() == "shop-settings");
  CHECK(cm.Find("/metadata/namespace")->Text() == "shop-prod");

  const FileUnit* object = RenderedFile(result, "@rendered/app:web-object");
  REQUIRE(object != nullptr);
  const Document& cm2 = *object->documents[0];
  // valuesObject replaces values entirely: d falls back to the value file.
  CHECK(cm2.Find("/data/c")->Text() == "object");
  CHECK(cm2.Find("/data/d")->Text() == "file");
  CHECK(cm2.Find("/metadata/name")->Text() == "web-object-settings");

  const FileUnit* alone = RenderedFile(result, "@rendered/values.yaml");
  REQUIRE(alone != nullptr);
  CHECK(alone->documents[0]->Find("/data/b")->Text() == "chart");
}

TEST_CASE("vendored subcharts are known by their Chart.yaml name; one folder can serve twice",
          "[helm]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  // charts/libA holds the chart named "lib" (helm's own testdata has charts/subchartA named
  // subcharta): vendored, so nothing is staged. The second chart takes "tool" twice from one
  // folder, once under an alias: both copies are staged side by side.
  testing::WriteFile(dir / "app/Chart.yaml",
                     "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n"
                     "  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n");
  testing::WriteFile(dir / "app/charts/libA/Chart.yaml",
                     "apiVersion: v2\nname: lib\nversion: 0.1.0\n");
  testing::WriteFile(dir / "app/charts/libA/templates/cm.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-vendored\n");
  testing::WriteFile(dir / "twice/Chart.yaml",
                     "apiVersion: v2\nname: twice\nversion: 1.0.0\ndependencies:\n"
                     "  - name: tool\n    version: 0.1.0\n    repository: file://../tool\n"
                     "  - name: tool\n    version: 0.1.0\n    repository: file://../tool\n"
                     "    alias: tool2\n");
  testing::WriteFile(dir / "tool/Chart.yaml", "apiVersion: v2\nname: tool\nversion: 0.1.0\n");
  testing::WriteFile(dir / "tool/templates/cm.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-cm\n");
  const RunResult result =
      CheckRendered({(dir / "app").string(), (dir / "twice").string()}, WithHelm(helm));
  INFO(Listing(result));
  CHECK(result.errors.empty());
  CHECK(result.skipped.empty());
  std::string rendered;
  for (const auto& unit : result.workspace->files()) {
    if (unit->input.fs_path.empty()) rendered += unit->source->text();
  }
  CHECK(rendered.find("name: from-vendored") != std::string::npos);
  CHECK(rendered.find("name: tool-cm") != std::string::npos);
  CHECK(rendered.find("name: tool2-cm") != std::string::npos);
}

TEST_CASE("a finding in rendered output points at the values line and names the template",
          "[helm]") {
  REQUIRE_HELM(helm);
  const RunResult result = CheckRendered({kData + "/trace"}, WithHelm(helm));
  INFO(Listing(result));
  const std::vector<Finding> tags = FindingsOf(result, "workload-image-mutable-tag");
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].file == kData + "/trace/app/values.yaml");
  CHECK(tags[0].line == 2);  // release: latest
  CHECK(tags[0].column == 10);
  REQUIRE(tags[0].rendered);
  CHECK(tags[0].rendered->template_path == kData + "/trace/app/templates/deployment.yaml");
  CHECK(tags[0].rendered->render == "app/values.yaml");
  CHECK(tags[0].rendered->line > 0);
}

namespace {

const render::RenderOutcome* OutcomeOf(const RunResult& result, const std::string& label) {
  const auto* state = result.workspace->FindExtension<render::RenderState>();
  if (!state) return nullptr;
  for (const render::RenderOutcome& o : state->outcomes) {
    if (state->model.plans[o.plan].label == label) return &o;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a multi-source Application renders its chart with $ref value files", "[helm]") {
  REQUIRE_HELM(helm);
  RunSettings settings = WithHelm(helm);
  settings.require_render = false;
  settings.offline = true;  // the Helm repository chart comes from nowhere
  testing::TempDir cache;
  settings.cache_dir = cache.path().string();
  const std::string dir = kData + "/multi";
  const RunResult result = CheckRendered({dir}, settings);
  INFO(Listing(result));
  const auto* state = result.workspace->FindExtension<render::RenderState>();
  REQUIRE(state != nullptr);
  std::vector<std::string> labels;
  for (const auto& plan : state->model.plans) labels.push_back(plan.label);
  std::sort(labels.begin(), labels.end());
  // One plan per chart source, labelled by its index in sources[].
  CHECK(labels == std::vector<std::string>{"redis/app:shop#2", "web/app:shop#0",
                                           "web/app:shop-missing#1", "web/app:shop-optional#0",
                                           "web/values.yaml"});
  CHECK(result.summary.rendered == 3);

  const FileUnit* shop = RenderedFile(result, "@rendered/app:shop#0");
  REQUIRE(shop != nullptr);
  REQUIRE(shop->documents.size() == 1);
  CHECK(shop->documents[0]->Find("/spec/replicas")->Text() == "3");  // from $values/envs/prod
  const auto* shop_plan = &state->model.plans[OutcomeOf(result, "web/app:shop#0")->plan];
  REQUIRE(shop_plan->layers.size() == 2);
  CHECK(shop_plan->layers[1].file == dir + "/envs/prod/values.yaml");

  SECTION("a finding is positioned in the referenced values file") {
    const std::vector<Finding> tags = FindingsOf(result, "workload-image-mutable-tag");
    REQUIRE(tags.size() == 1);  // shop and shop-optional: one place, reported once
    CHECK(tags[0].file == dir + "/envs/prod/values.yaml");
    CHECK(tags[0].line == 2);  // release: latest
    CHECK(tags[0].column == 10);
    REQUIRE(tags[0].rendered);
    CHECK(tags[0].rendered->template_path == dir + "/web/templates/deployment.yaml");
  }
  SECTION("a missing value file skips the render, unless ignoreMissingValueFiles") {
    const render::RenderOutcome* missing = OutcomeOf(result, "web/app:shop-missing#1");
    REQUIRE(missing != nullptr);
    CHECK_FALSE(missing->attempted);
    CHECK(missing->reason ==
          "valueFiles entry '$values/envs/staging/values.yaml' does not exist (" + dir +
              "/envs/staging/values.yaml); ArgoCD refuses to render it unless "
              "ignoreMissingValueFiles is true");
    const FileUnit* optional = RenderedFile(result, "@rendered/app:shop-optional#0");
    REQUIRE(optional != nullptr);
    CHECK(optional->documents[0]->Find("/spec/replicas")->Text() == "3");
    CHECK(state->model.plans[OutcomeOf(result, "web/app:shop-optional#0")->plan].layers.size() ==
          2);  // values.yaml and envs/prod: the missing file is no layer
  }
  SECTION("a Helm repository chart is counted as skipped, with its reason") {
    REQUIRE(result.skipped.size() == 2);
    const auto skip = std::find_if(
        result.skipped.begin(), result.skipped.end(),
        [&](const SkippedFile& s) { return s.display_path == dir + "/argocd/apps.yaml"; });
    REQUIRE(skip != result.skipped.end());
    CHECK(skip->reason.find("chart not rendered: chart redis 18.1.0 from "
                            "https://charts.example/stable is not available (tried: the "
                            "dependency cache") == 0);
    CHECK_THAT(skip->reason, Catch::Contains("is not fetched: --offline"));
    CHECK(skip->kind == SkipKind::kNetworkForbidden);
    CHECK_FALSE(skip->is_error);
    CHECK(result.summary.skipped == 2);  // and the chart whose staging render was refused
    CHECK(result.errors.empty());
  }
  SECTION("--require-render fails on both") {
    settings.require_render = true;
    const RunResult strict = CheckRendered({dir}, settings);
    INFO(Listing(strict));
    CHECK(strict.errors.size() == 2);
  }
}

TEST_CASE("a $ref source from another repository is found through repositories:", "[helm]") {
  REQUIRE_HELM(helm);
  RunSettings settings = WithHelm(helm);
  settings.require_render = false;
  const std::string dir = kData + "/multi-mapped";
  const RunResult result = CheckRendered({dir}, settings);
  INFO(Listing(result));
  CHECK(result.skipped.empty());
  const FileUnit* shop = RenderedFile(result, "@rendered/app:shop#0");
  REQUIRE(shop != nullptr);
  CHECK(shop->documents[0]->Find("/spec/replicas")->Text() == "5");
  const std::vector<Finding> tags = FindingsOf(result, "workload-image-mutable-tag");
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].file == dir + "/values-repo/prod/values.yaml");
  CHECK(tags[0].line == 2);
}

TEST_CASE("a template error is reported at the template line helm names", "[helm]") {
  REQUIRE_HELM(helm);
  const RunResult result = CheckRendered({kData + "/broken"}, WithHelm(helm));
  INFO(Listing(result));
  const std::vector<Finding> failed = FindingsOf(result, "helm-render-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].file == kData + "/broken/templates/configmap.yaml");
  CHECK(failed[0].line == 6);
  CHECK(failed[0].message.find("broken/values.yaml") != std::string::npos);
  CHECK(failed[0].message.find("nil pointer") != std::string::npos);
  CHECK(result.summary.rendered == 0);
  CHECK(result.errors.empty());  // a broken chart is a finding, not a failure of the tool
}

TEST_CASE("helm renders for the run's Kubernetes version and the CRDs of the checked tree",
          "[helm]") {
  REQUIRE_HELM(helm);
  RunSettings settings = WithHelm(helm);
  settings.kube_version = "1.29";
  const RunResult result = CheckRendered({kData + "/capabilities"}, settings);
  INFO(Listing(result));
  REQUIRE(result.errors.empty());
  const FileUnit* rendered = RenderedFile(result, "@rendered/values.yaml");
  REQUIRE(rendered != nullptr);
  const Document* widget = nullptr;
  const Document* capabilities = nullptr;
  for (const auto& doc : rendered->documents) {
    const Node* kind = doc->Find("/kind");
    if (kind && kind->Text() == "Widget") widget = doc.get();
    if (kind && kind->Text() == "ConfigMap") capabilities = doc.get();
  }
  // crds/widget.yaml serves example.com/v1/Widget: the chart's Widget is rendered.
  REQUIRE(widget != nullptr);
  CHECK(widget->Find("/spec/size")->Text() == "3");
  REQUIRE(capabilities != nullptr);
  CHECK(capabilities->Find("/data/group")->Text() == "true");
  CHECK(capabilities->Find("/data/kube")->Text() == "v1.29.0");
}

TEST_CASE("a render that produces nothing is reported", "[helm]") {
  REQUIRE_HELM(helm);
  const RunResult result = CheckRendered({kData + "/empty"}, WithHelm(helm));
  INFO(Listing(result));
  const std::vector<Finding> empty = FindingsOf(result, "helm-render-empty");
  REQUIRE(empty.size() == 1);
  CHECK(empty[0].file == kData + "/empty/Chart.yaml");
  CHECK(empty[0].message.find("empty/values.yaml renders no objects") != std::string::npos);
}

TEST_CASE("the stub renderer: empty output and a crash", "[helm]") {
  const std::string stub = (testing::SourceDir() / "tests/render/stub-helm.sh").string();
  SECTION("exit 0 with no output is an empty render") {
    setenv("STUB_HELM_MODE", "empty", 1);
    const RunResult result = CheckRendered({kData + "/trace"}, WithHelm(stub));
    INFO(Listing(result));
    CHECK(FindingsOf(result, "helm-render-empty").size() == 1);
    CHECK(result.summary.rendered == 0);
  }
  SECTION("a crash fails the render (helm-render-failed), with or without require_render") {
    setenv("STUB_HELM_MODE", "crash", 1);
    RunSettings settings = WithHelm(stub);
    for (bool require : {false, true}) {
      settings.require_render = require;
      const RunResult result = CheckRendered({kData + "/trace"}, settings);
      INFO(Listing(result));
      CHECK(result.skipped.empty());
      CHECK(result.errors.empty());
      const std::vector<Finding> failed = FindingsOf(result, "helm-render-failed");
      REQUIRE(failed.size() == 1);
      CHECK(failed[0].file == kData + "/trace/app/Chart.yaml");
      CHECK(failed[0].message.find("v0.0.0-stub crashed with signal 11 (SIGSEGV, ") !=
            std::string::npos);
    }
  }
  unsetenv("STUB_HELM_MODE");
}

TEST_CASE("a values schema violation is positioned in the values file", "[helm]") {
  const std::string fixture = "tests/rules/helm-values-schema/fires";
  auto at = [](const std::vector<Finding>& findings, const std::string& file, int line) {
    return std::find_if(findings.begin(), findings.end(),
                        [&](const Finding& f) { return f.file == file && f.line == line; });
  };
  // Static: the model of charts and values sets needs no helm.
  const RunResult result = CheckRendered({fixture}, WithHelm("/nonexistent/helm"));
  INFO(Listing(result));
  const std::vector<Finding> schema = FindingsOf(result, "helm-values-schema");
  CHECK(schema.size() == 6);
  auto replicas = at(schema, fixture + "/webshop/values-prod.yaml", 2);
  REQUIRE(replicas != schema.end());
  CHECK(replicas->column == 15);
  CHECK(replicas->message ==
        "replicaCount: expected integer, got string, per " + fixture +
            "/webshop/values.schema.json (values set webshop/values-prod.yaml)");
  // The subchart's schema, on what the parent passes under its name.
  auto cache = at(schema, fixture + "/webshop/values-dev.yaml", 3);
  REQUIRE(cache != schema.end());
  CHECK(cache->message.find("subchart cache: maxMemoryMb: expected integer") == 0);
  // ArgoCD's precedence: the parameter wins over inline values and values files.
  auto parameter = at(schema, fixture + "/application.yaml", 19);
  REQUIRE(parameter != schema.end());
  CHECK(parameter->message.find("(values set webshop/app:webshop)") != std::string::npos);

  SECTION("with helm, the refused renders are not reported twice") {
    REQUIRE_HELM(helm);
    const RunResult rendered = CheckRendered({fixture}, WithHelm(helm));
    INFO(Listing(rendered));
    CHECK(FindingsOf(rendered, "helm-values-schema").size() == 6);
    CHECK(FindingsOf(rendered, "helm-render-failed").empty());
    CHECK(rendered.summary.rendered == 1);  // values.yaml alone is valid
  }
  SECTION("when helm refuses values this validation accepts, helm's words are reported") {
    const std::string stub = (testing::SourceDir() / "tests/render/stub-helm.sh").string();
    setenv("STUB_HELM_MODE", "schema", 1);
    const RunResult refused =
        CheckRendered({"tests/rules/helm-values-schema/passes"}, WithHelm(stub));
    unsetenv("STUB_HELM_MODE");
    INFO(Listing(refused));
    const std::vector<Finding> findings = FindingsOf(refused, "helm-values-schema");
    CHECK(findings.size() == 4);  // values.yaml, values-dev.yaml, values-prod.yaml, the Application
    for (const Finding& f : findings) {
      CHECK(f.message.find("helm refuses the values of webshop/") == 0);
      CHECK(f.message.find("replicaCount: Must be less than or equal to 9") != std::string::npos);
    }
  }
}

TEST_CASE("without helm charts are checked statically, skipped, and --require-render fails",
          "[helm]") {
  const std::string target = (testing::SourceDir() / kData / "trace").string();
  const std::string cache = "SYNCGATE_CACHE_DIR=/nonexistent-syncgate-cache ";
  SECTION("without --require-render: skipped and named on stderr, exit by findings") {
    testing::CommandOutput out =
        testing::RunShell(cache + "env -u CI '" + SYNCGATE_BINARY + "' check '" + target +
                          "' --helm /nonexistent/helm --format json");
    INFO(out.out << out.err);
    CHECK(out.exit_code == 0);
    CHECK(out.err.find("skipped") != std::string::npos);
    CHECK(
        out.err.find("trace/app/: chart not rendered: helm at '/nonexistent/helm' does not run") !=
        std::string::npos);
    const nlohmann::json report = nlohmann::json::parse(out.out);
    CHECK(report["summary"]["rendered"] == 0);
    CHECK(report["summary"]["skipped"] == 1);
  }
  SECTION("with --require-render: exit 2") {
    testing::CommandOutput out =
        testing::RunShell(cache + "env -u CI '" + SYNCGATE_BINARY +
                          "' check --helm /nonexistent/helm --require-render '" + target + "'");
    INFO(out.out << out.err);
    CHECK(out.exit_code == 2);
    CHECK(out.err.find("--require-render") != std::string::npos);
  }
  SECTION("CI turns --require-render on") {
    testing::CommandOutput out =
        testing::RunShell(cache + "CI=true '" + SYNCGATE_BINARY +
                          "' check --helm /nonexistent/helm '" + target + "'");
    CHECK(out.exit_code == 2);
  }
}

// The Applications of examples/applicationsets/q-apps.yaml (q-* × development, production) too.
TEST_CASE("syncgate check examples/ renders every chart per values set and Application",
          "[helm][examples]") {
  REQUIRE_HELM(helm);
  const RunResult result = CheckRendered({"examples"}, WithHelm(helm));
  INFO(Listing(result));
  const auto* state = result.workspace->FindExtension<render::RenderState>();
  REQUIRE(state != nullptr);
  std::vector<std::string> labels;
  for (const auto& plan : state->model.plans) labels.push_back(plan.chart->root + " " + plan.label);
  std::sort(labels.begin(), labels.end());
  CHECK(labels == std::vector<std::string>{
                      // The platform's chart as a chart of the tree; its Application renders
                      // it from the Helm repository's mirror (examples/charts) below.
                      "examples/charts/q-dashboards q-dashboards/values.yaml",
                      "examples/gated/q-sign/helm/keycloak-pqc keycloak-pqc/app:q-sign",
                      "examples/gated/q-sign/helm/keycloak-pqc keycloak-pqc/values-prod.yaml",
                      "examples/gated/q-sign/helm/keycloak-pqc keycloak-pqc/values.yaml",
                      // One label, split for the line length.
                      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
                      "examples/q-app/argocd/q-dashboards-application.yaml@chart/q-dashboards "
                      "q-dashboards/app:q-dashboards#0",
                      "examples/q-app/k8s/helm/q-app q-app/app:q-app",
                      "examples/q-app/k8s/helm/q-app q-app/app:q-app-development",
                      "examples/q-app/k8s/helm/q-app q-app/app:q-app-production",
                      "examples/q-app/k8s/helm/q-app q-app/values-staging.yaml",
                      "examples/q-app/k8s/helm/q-app q-app/values.yaml",
                      // Kustomize overlays: each on its own and as its Application builds it.
                      "examples/q-app/kustomize/overlays/development "
                      "development/app:q-app-api-development",
                      "examples/q-app/kustomize/overlays/development development/kustomize",
                      "examples/q-app/kustomize/overlays/production "
                      "production/app:q-app-api-production",
                      "examples/q-app/kustomize/overlays/production production/kustomize",
                      "examples/q-kms/helm/q-kms q-kms/app:q-kms",
                      "examples/q-kms/helm/q-kms q-kms/app:q-kms-development",
                      "examples/q-kms/helm/q-kms q-kms/app:q-kms-production",
                      "examples/q-kms/helm/q-kms q-kms/values.yaml",
                      "examples/q-sign/helm/keycloak-pqc keycloak-pqc/app:q-sign",
                      "examples/q-sign/helm/keycloak-pqc keycloak-pqc/app:q-sign-development",
                      "examples/q-sign/helm/keycloak-pqc keycloak-pqc/app:q-sign-production",
                      "examples/q-sign/helm/keycloak-pqc keycloak-pqc/values-dev.yaml",
                      "examples/q-sign/helm/keycloak-pqc keycloak-pqc/values-prod.yaml",
                      "examples/q-sign/helm/keycloak-pqc keycloak-pqc/values.yaml"});
  CHECK(result.summary.rendered == static_cast<int>(labels.size()));
  // The default `latest` tag: at its values line, rendered from the Deployment template.
  bool found = false;
  for (const Finding& f : FindingsOf(result, "workload-image-mutable-tag")) {
    if (f.file != "examples/q-sign/helm/keycloak-pqc/values.yaml") continue;
    found = true;
    CHECK(f.line == 4);
    REQUIRE(f.rendered);
    CHECK(f.rendered->template_path ==
          "examples/q-sign/helm/keycloak-pqc/templates/deployment.yaml");
  }
  CHECK(found);
  // Nothing stays in the rendered stream: every finding points at a file the user edits.
  for (const Finding& f : result.findings) {
    INFO(f.file << ": " << f.rule);
    CHECK(f.file.find("@rendered/") == std::string::npos);
  }
}

TEST_CASE("every chart of the corpus renders or says why not", "[helm][corpus]") {
  REQUIRE_HELM(helm);
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data is absent: corpus test skipped");
    return;
  }
  for (const std::string repo : {"prometheus-community+helm-charts", "argoproj+argo-helm"}) {
    const std::string path = (data / "corpus" / repo / "charts").string();
    RunSettings settings = WithHelm(helm);
    settings.render_cache = true;  // the corpus renders once per machine, then from the cache
    // Dependencies come from charts/ or the tree only: the same on every machine.
    settings.offline = true;
    testing::TempDir empty_cache;
    settings.cache_dir = empty_cache.path().string();
    const RunResult result = CheckRendered({path}, settings);
    const auto* state = result.workspace->FindExtension<render::RenderState>();
    REQUIRE(state != nullptr);
    int rendered = 0, failed = 0, skipped = 0;
    std::map<std::string, const render::RenderOutcome*> by_label;
    for (const render::RenderOutcome& o : state->outcomes) {
      const std::string& label = state->model.plans[o.plan].label;
      by_label[label] = &o;
      INFO(repo << " " << label << ": " << o.reason);
      if (!o.rendered_path.empty()) {
        ++rendered;
      } else {
        CHECK_FALSE((o.reason.empty() && !o.empty));  // every failure has its reason
        (o.attempted ? failed : skipped)++;
      }
    }
    WARN(fmt::format("{}: {} charts, {} rendered, {} failed, {} skipped", repo,
                     state->model.plans.size(), rendered, failed, skipped));
    CHECK(rendered + failed + skipped == static_cast<int>(state->model.plans.size()));
    // Charts whose dependencies are not vendored cannot render; everything else must.
    CHECK(rendered * 10 >= static_cast<int>(state->model.plans.size()) * 6);
    CHECK(result.summary.rendered == rendered);
    CHECK(result.errors.empty());
    // Dependencies found in the tree (prometheus: alertmanager, kube-state-metrics, ...) or
    // unavailable but disabled by default (argo-cd: redis-ha, prometheus-kafka-exporter: kafka)
    // no longer keep a chart from rendering; kube-prometheus-stack needs grafana 12.11.1, which
    // is in no place offline.
    auto rendered_label = [&](const std::string& label) {
      auto it = by_label.find(label);
      return it != by_label.end() && !it->second->rendered_path.empty();
    };
    if (repo == "argoproj+argo-helm") {
      CHECK(rendered_label("argo-cd/values.yaml"));
    } else {
      CHECK(rendered_label("prometheus/values.yaml"));
      CHECK(rendered_label("prometheus-kafka-exporter/values.yaml"));
      REQUIRE(by_label.count("kube-prometheus-stack/values.yaml"));
      const render::RenderOutcome& stack = *by_label.at("kube-prometheus-stack/values.yaml");
      CHECK_FALSE(stack.attempted);
      CHECK_THAT(stack.reason, Catch::Contains("dependency grafana 12.11.1 is not available") &&
                                   Catch::Contains("--offline"));
      bool counted = false;
      for (const SkippedFile& skip : result.skipped) {
        counted |= skip.kind == SkipKind::kNetworkForbidden &&
                   skip.display_path.find("kube-prometheus-stack") != std::string::npos;
      }
      CHECK(counted);
    }
  }
}

}  // namespace syncgate
