// Building Kustomize sources with the real kubectl (tools/install-helm.sh installs v1.32.3 with
// Kustomize v5.5.0 into .tools/bin): overlays and their patches, an Application's kustomize:
// options as ArgoCD applies them, helmCharts from a local chart home, findings traced back to
// the patch, base or option that wrote the value, build failures at the entry kustomize names,
// the render cache, and what happens without kubectl. Tests that need kubectl skip without it.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/text_util.h"
#include "render/kustomize_renderer.h"
#include "render/render_stage.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

const std::string kData = "tests/render/data";

/// Declares `kubectl` as the real kubectl (or kustomize), or warns and leaves the test.
#define REQUIRE_KUSTOMIZE(kubectl)                                                           \
  const std::string kubectl = ::syncgate::testing::TestKustomize();                          \
  if (kubectl.empty()) {                                                                     \
    WARN("kubectl not found: run tools/install-helm.sh (installs v1.32.3 into .tools/bin)"); \
    return;                                                                                  \
  }

RunSettings WithKustomize(const std::string& kubectl) {
  RunSettings settings;
  settings.kustomize_binary = kubectl;
  settings.helm_binary = testing::TestHelm();
  settings.render_cache = false;  // each test builds for itself
  return settings;
}

RunResult CheckBuilt(const std::vector<std::string>& paths, RunSettings settings) {
  RunRequest request;
  request.jobs = 2;
  request.settings = std::move(settings);
  return testing::CheckWith(std::move(request), paths);
}

std::string Listing(const RunResult& result) {
  std::string out;
  for (const Finding& f : result.findings)
    out += fmt::format("{}:{}:{} {} {}\n", f.file, f.line, f.column, f.rule, f.message);
  for (const SkippedFile& s : result.skipped)
    out += fmt::format("skipped {}: {}\n", s.display_path, s.reason);
  for (const std::string& e : result.errors) out += "error: " + e + "\n";
  return out;
}

const FileUnit* Rendered(const RunResult& result, const std::string& display) {
  for (const auto& unit : result.workspace->files()) {
    if (unit->input.display_path == display) return unit.get();
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

std::string Labels(const RunResult& result) {
  const auto* state = result.workspace->FindExtension<render::RenderState>();
  std::vector<std::string> labels;
  for (const auto& plan : state->model.plans) {
    if (plan.chart->kind == model::SourceKind::kKustomize) labels.push_back(plan.label);
  }
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (const std::string& l : labels) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("an overlay builds with its patches, and findings land where the value is written",
          "[kustomize]") {
  REQUIRE_KUSTOMIZE(kubectl);
  const std::string root = kData + "/kustomize-overlay";
  const RunResult result = CheckBuilt({root}, WithKustomize(kubectl));
  INFO(Listing(result));
  REQUIRE(result.errors.empty());
  // The base is built through its overlay, not on its own.
  CHECK(Labels(result) == "prod/kustomize\n");
  CHECK(result.summary.rendered == 1);

  const FileUnit* built = Rendered(result, root + "/overlays/prod@rendered/kustomize");
  REQUIRE(built != nullptr);
  REQUIRE(built->documents.size() == 1);
  const Node& deployment = built->documents[0]->root();
  CHECK(deployment.Path({"metadata", "name"})->Text() == "prod-web");
  CHECK(deployment.Path({"spec", "replicas"})->Text() == "3");  // replicas: in the overlay
  CHECK(built->documents[0]->Find("/spec/template/spec/containers/0/image")->Text() ==
        "registry.example/web:latest");  // image.yaml
  CHECK(built->documents[0]->Find("/spec/template/spec/hostNetwork")->Text() == "true");
  // The origin annotations the build asked for are not in what ArgoCD would apply: the build
  // is exactly what kustomize gives for the user's own tree.
  CHECK(built->source->text().find("config.kubernetes.io/origin") == std::string::npos);
  const testing::CommandOutput plain =
      testing::RunShell(fmt::format("'{}' kustomize '{}/overlays/prod'", kubectl, root));
  REQUIRE(plain.exit_code == 0);
  CHECK(built->source->text() == plain.out);
  const auto* state = result.workspace->FindExtension<render::RenderState>();
  REQUIRE(state != nullptr);
  for (const auto& outcome : state->outcomes) {
    if (outcome.rendered_path != built->input.display_path) continue;
    REQUIRE(outcome.origins.size() == 1);
    CHECK(outcome.origins[0].file == root + "/base/deployment.yaml");
    CHECK(outcome.origins[0].generator.empty());
  }

  // A value a patch file sets: at the patch line.
  const std::vector<Finding> tag = FindingsOf(result, "workload-image-mutable-tag");
  REQUIRE(tag.size() == 1);
  CHECK(tag[0].file == root + "/overlays/prod/image.yaml");
  CHECK(tag[0].line == 10);
  CHECK(tag[0].column == 18);
  REQUIRE(tag[0].rendered);
  CHECK(tag[0].rendered->render == "prod/kustomize");
  CHECK(tag[0].rendered->template_path == root + "/base/deployment.yaml");
  // A value an inline JSON 6902 patch adds: at its `value:` in the kustomization.
  const std::vector<Finding> host = FindingsOf(result, "workload-host-access");
  REQUIRE(host.size() == 1);
  CHECK(host[0].file == root + "/overlays/prod/kustomization.yaml");
  CHECK(host[0].line == 12);
  CHECK(host[0].column == 16);
  // A value of the base nothing overrides: in the base, once (the base file is checked too).
  const std::vector<Finding> privileged = FindingsOf(result, "workload-privileged");
  REQUIRE(privileged.size() == 1);
  CHECK(privileged[0].file == root + "/base/deployment.yaml");
  CHECK(privileged[0].line == 21);
  CHECK(privileged[0].column == 25);
  CHECK(privileged[0].rendered);
  // The patch file is part of an object, not one: no whole-object rule reads it on its own.
  for (const Finding& f : result.findings) {
    INFO(f.file << ":" << f.line << " " << f.rule);
    CHECK(f.file.find("@rendered/") == std::string::npos);
    if (f.file == root + "/overlays/prod/image.yaml") CHECK(f.rule == "workload-image-mutable-tag");
  }
}

TEST_CASE("an Application's kustomize: options are applied as ArgoCD applies them", "[kustomize]") {
  REQUIRE_KUSTOMIZE(kubectl);
  const std::string root = kData + "/kustomize-app";
  const std::string kustomization = testing::ReadText(root + "/shop/kustomization.yaml");
  const RunResult result = CheckBuilt({root}, WithKustomize(kubectl));
  INFO(Listing(result));
  REQUIRE(result.errors.empty());
  CHECK(Labels(result) == "shop/app:shop\nshop/app:shop-canary\nshop/kustomize\n");
  CHECK(result.summary.rendered == 3);

  const FileUnit* shop = Rendered(result, root + "/shop@rendered/app:shop");
  REQUIRE(shop != nullptr);
  REQUIRE(shop->documents.size() == 1);
  const Document& d = *shop->documents[0];
  CHECK(d.Find("/metadata/name")->Text() == "shop-web");             // namePrefix
  CHECK(d.Find("/metadata/namespace")->Text() == "shop-prod");       // namespace
  CHECK(d.Find("/spec/replicas")->Text() == "4");                    // replicas
  CHECK(d.Find("/spec/template/spec/containers/0/image")->Text() ==  // images, envsubst-ed
        "registry.example/web:v2.0.1");
  // commonLabels: added to the kustomization's own (selectors too), commonAnnotations as well.
  CHECK(d.Find("/metadata/labels/team")->Text() == "checkout");
  CHECK(d.Find("/metadata/labels/app.kubernetes.io~1part-of")->Text() == "shop");
  CHECK(d.Find("/spec/selector/matchLabels/team")->Text() == "checkout");
  CHECK(d.Find("/metadata/annotations/owner")->Text() == "checkout-team");
  CHECK(shop->source->text().find("config.kubernetes.io/origin") == std::string::npos);

  const FileUnit* canary = Rendered(result, root + "/shop@rendered/app:shop-canary");
  REQUIRE(canary != nullptr);
  CHECK(canary->documents[0]->Find("/metadata/name")->Text() == "web-canary");
  // The `latest` the canary's images option sets: at that option in the Application.
  const std::vector<Finding> tag = FindingsOf(result, "workload-image-mutable-tag");
  REQUIRE(tag.size() == 1);
  CHECK(tag[0].file == root + "/argocd/shop.yaml");
  CHECK(tag[0].line == 46);
  CHECK(tag[0].column == 11);
  REQUIRE(tag[0].rendered);
  CHECK(tag[0].rendered->render == "shop/app:shop-canary");
  // The user's tree is never written: the options were applied to a private copy.
  CHECK(testing::ReadText(root + "/shop/kustomization.yaml") == kustomization);
}

TEST_CASE("kustomize edit as ArgoCD runs it, on the kustomization text", "[kustomize]") {
  model::RenderRequest::Kustomize options;
  bool user_origins = true;
  SECTION("images merge by name, sorted, and origin annotations are asked for") {
    options.images = {"web=registry.example/web:2.0", "db:15.4", "cache@sha256:abc"};
    auto text = render::EditKustomization(
        "# comment\nresources:\n- a.yaml\nimages:\n- name: web\n  newTag: '1.0'\n- name: zz\n"
        "  newTag: x\n",
        options, ".", user_origins);
    REQUIRE(text);
    CHECK_FALSE(user_origins);
    CHECK(*text ==
          "# comment\nresources:\n- a.yaml\n\"images\": [{\"name\": \"cache\", \"digest\": "
          "\"sha256:abc\"}, {\"name\": \"db\", \"newTag\": \"15.4\"}, {\"name\": \"web\", "
          "\"newName\": \"registry.example/web\", \"newTag\": \"2.0\"}, {\"name\": \"zz\", "
          "\"newTag\": \"x\"}]\n\"buildMetadata\": [\"originAnnotations\"]\n");
  }
  SECTION("a label already set is refused unless forced, as kustomize edit add label does") {
    options.labels = {{"team", "b"}};
    const std::string kustomization = "commonLabels:\n  team: a\n";
    auto refused = render::EditKustomization(kustomization, options, ".", user_origins);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "kustomize edit add label team: label team already in kustomization file");
    options.force_labels = true;
    auto forced = render::EditKustomization(kustomization, options, ".", user_origins);
    REQUIRE(forced);
    CHECK(forced->find("\"commonLabels\": {\"team\": \"b\"}") != std::string::npos);
  }
  SECTION("an image argument without a tag, digest or new name is refused") {
    options.images = {"web"};
    auto refused = render::EditKustomization("resources: [a.yaml]\n", options, ".", user_origins);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("kustomize edit set image web: invalid format") == 0);
  }
  SECTION("a flow mapping is written again whole; a user's originAnnotations is kept") {
    options.name_prefix = "p-";
    auto text = render::EditKustomization(
        "{resources: [a.yaml], buildMetadata: [originAnnotations]}\n", options, ".", user_origins);
    REQUIRE(text);
    CHECK(user_origins);
    CHECK(*text ==
          "{\"resources\": [\"a.yaml\"], \"buildMetadata\": [\"originAnnotations\"], "
          "\"namePrefix\": \"p-\"}\n");
  }
}

TEST_CASE("origin annotations come out of the build, and say where each object came from",
          "[kustomize]") {
  const std::string build =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n"
      "    config.kubernetes.io/origin: |\n      path: ../base/cm.yaml\n  name: a\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n"
      "    config.kubernetes.io/origin: |\n      configuredIn: kustomization.yaml\n"
      "      configuredBy:\n        apiVersion: builtin\n        kind: ConfigMapGenerator\n"
      "    team: x\n  name: b\n";
  std::vector<model::RenderOutcome::Origin> origins;
  const std::string stripped = render::StripOrigins(build, false, origins);
  CHECK(stripped ==
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    team: x\n  name: b\n");
  REQUIRE(origins.size() == 2);
  CHECK(origins[0].file == "../base/cm.yaml");
  CHECK(origins[0].generator.empty());
  CHECK(origins[1].file == "kustomization.yaml");
  CHECK(origins[1].generator == "ConfigMapGenerator");
  // Asked for by the user: kept.
  CHECK(render::StripOrigins(build, true, origins) == build);
}

TEST_CASE("helmCharts inflate a chart of the tree from helmGlobals.chartHome", "[kustomize]") {
  REQUIRE_KUSTOMIZE(kubectl);
  REQUIRE_HELM(helm);
  const std::string root = kData + "/kustomize-helm";
  // A ConfigMap schema that takes only the chart's default greeting, so that the inflated object
  // (valuesInline: bonjour) has a finding of its own to trace.
  testing::TempDir schemas;
  testing::WriteFile(
      schemas / "configmap-v1.json",
      R"({"properties": {"data": {"properties": {"greeting": {"enum": ["hello"]}}}}})");
  RunSettings settings = WithKustomize(kubectl);
  settings.schema_locations = {(schemas.path() / "{{.ResourceKind}}{{.KindSuffix}}.json").string()};
  const RunResult result = CheckBuilt({root}, settings);
  INFO(Listing(result));
  REQUIRE(result.errors.empty());
  const FileUnit* built = Rendered(result, root + "/app@rendered/kustomize");
  REQUIRE(built != nullptr);
  REQUIRE(built->documents.size() == 1);
  const Document& cm = *built->documents[0];
  CHECK(cm.Find("/metadata/name")->Text() == "hello-greeting");
  CHECK(cm.Find("/data/greeting")->Text() == "bonjour");  // valuesInline over values.yaml
  const auto* state = result.workspace->FindExtension<render::RenderState>();
  for (const auto& outcome : state->outcomes) {
    if (outcome.rendered_path != built->input.display_path) continue;
    REQUIRE(outcome.origins.size() == 1);
    CHECK(outcome.origins[0].file == root + "/app/kustomization.yaml");
    CHECK(outcome.origins[0].generator == "HelmChartInflationGenerator");
  }
  // A finding on the inflated object lands on its helmCharts entry.
  bool found = false;
  for (const Finding& f : result.findings) {
    if (f.rendered && f.rendered->render == "app/kustomize") {
      found = true;
      CHECK(f.file == root + "/app/kustomization.yaml");
      CHECK(f.line == 5);
    }
  }
  CHECK(found);
}

TEST_CASE("a kustomization that does not build is reported at the entry kustomize names",
          "[kustomize]") {
  REQUIRE_KUSTOMIZE(kubectl);
  const std::string root = kData + "/kustomize-broken";
  const RunResult result = CheckBuilt({root}, WithKustomize(kubectl));
  INFO(Listing(result));
  CHECK(result.errors.empty());
  CHECK(result.summary.rendered == 0);
  const std::vector<Finding> failed = FindingsOf(result, "kustomize-build-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].file == root + "/overlay/kustomization.yaml");
  CHECK(failed[0].line == 3);
  CHECK(failed[0].column == 5);
  CHECK(failed[0].message.find("kustomize build fails for overlay/kustomize: accumulating "
                               "resources") == 0);
  // The message names the user's paths, not the private copy's.
  CHECK(failed[0].message.find(root + "/base-renamed") != std::string::npos);
  CHECK(failed[0].message.find("syncgate-kustomize-") == std::string::npos);
  CHECK(FindingsOf(result, "helm-render-failed").empty());
}

TEST_CASE("without kubectl Kustomize folders are skipped, and --require-render fails",
          "[kustomize]") {
  const std::string root = kData + "/kustomize-overlay";
  RunSettings settings = WithKustomize("/nonexistent/kubectl");
  SECTION("skipped and counted") {
    const RunResult result = CheckBuilt({root}, settings);
    INFO(Listing(result));
    CHECK(result.errors.empty());
    CHECK(result.summary.rendered == 0);
    bool skipped = false;
    for (const SkippedFile& s : result.skipped) {
      if (s.display_path != root + "/overlays/prod/") continue;
      skipped = true;
      CHECK(s.kind == SkipKind::kRendererUnavailable);
      CHECK_FALSE(s.is_error);
      CHECK(s.reason.find("Kustomize folder not rendered: /nonexistent/kubectl does not run") == 0);
    }
    CHECK(skipped);
  }
  SECTION("an error under --require-render") {
    settings.require_render = true;
    const RunResult result = CheckBuilt({root}, settings);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].find("Kustomize folder not rendered and --require-render is set") !=
          std::string::npos);
  }
  SECTION("exit 2 from the command line") {
    const testing::CommandOutput out =
        testing::RunSyncgate("check --kustomize /nonexistent/kubectl --require-render " + root, "",
                             testing::SourceDir().string());
    CHECK(out.exit_code == 2);
    CHECK(out.err.find("Kustomize folder not rendered") != std::string::npos);
  }
}

TEST_CASE("a build that needs the network is skipped when the run is --offline", "[kustomize]") {
  testing::TempDir dir;
  testing::WriteFile(dir / "app/kustomization.yaml",
                     "resources:\n  - https://github.com/example/manifests//web?ref=v1.0.0\n");
  RunSettings settings = WithKustomize("/nonexistent/kubectl");  // never run
  settings.offline = true;
  const RunResult result = CheckBuilt({(dir / "app").string()}, settings);
  INFO(Listing(result));
  bool skipped = false;
  for (const SkippedFile& s : result.skipped) {
    if (s.reason.find("Kustomize folder not rendered") != 0) continue;
    skipped = true;
    CHECK(s.kind == SkipKind::kNetworkForbidden);
    CHECK(s.reason.find("https://github.com/example/manifests//web?ref=v1.0.0") !=
          std::string::npos);
  }
  CHECK(skipped);
}

TEST_CASE("builds are cached by every file they read, a base outside the folder included",
          "[kustomize]") {
  REQUIRE_KUSTOMIZE(kubectl);
  testing::TempDir dir;
  testing::TempDir cache;
  testing::WriteFile(dir / "base/kustomization.yaml", "resources: [cm.yaml]\n");
  testing::WriteFile(dir / "base/cm.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: one\n");
  testing::WriteFile(dir / "overlay/kustomization.yaml", "resources: [../base]\n");
  model::RenderRequest req;
  req.chart_dir = (dir / "overlay").string();
  // What the model hands the renderer: every input below the copy root.
  req.kustomize.copy_root = dir.path().string();
  req.kustomize.inputs = {(dir / "base").string(), (dir / "overlay").string()};
  auto renderer = render::MakeKustomizeRenderer({kubectl, cache.path().string()});
  REQUIRE(static_cast<bool>(renderer->Available()));
  const auto first = renderer->RenderAll({req}, 1);
  REQUIRE(first[0].status == model::RenderStatus::kOk);
  CHECK_FALSE(first[0].cached);
  const auto second = renderer->RenderAll({req}, 1);
  CHECK(second[0].cached);
  CHECK(second[0].manifest == first[0].manifest);
  testing::WriteFile(dir / "base/cm.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: two\n");
  // The next run (a renderer lives for one run: it hashes each input once).
  const auto third =
      render::MakeKustomizeRenderer({kubectl, cache.path().string()})->RenderAll({req}, 1);
  CHECK_FALSE(third[0].cached);
  CHECK(third[0].manifest.find("x: two") != std::string::npos);
}

}  // namespace syncgate

namespace syncgate {

TEST_CASE("the Kustomize trees of the gitops-repos set build offline, or say why not",
          "[kustomize][corpus]") {
  REQUIRE_KUSTOMIZE(kubectl);
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data is absent: gitops-repos test skipped");
    return;
  }
  const std::string set = (data / "gitops-repos").string();
  RunSettings settings = WithKustomize(kubectl);
  settings.render_cache = true;  // the set builds once per machine, then from the cache
  const RunResult result = CheckBuilt({set}, settings);
  const auto* state = result.workspace->FindExtension<render::RenderState>();
  REQUIRE(state != nullptr);
  size_t builds = 0, rendered = 0, failed = 0, skipped = 0, empty = 0, apps = 0;
  std::map<std::string, const model::RenderOutcome*> by_plan;  // "<folder> <label>"
  std::map<std::string, int> why_skipped;
  for (const model::RenderOutcome& o : state->outcomes) {
    const model::RenderPlan& plan = state->model.plans[o.plan];
    if (plan.chart->kind != model::SourceKind::kKustomize) continue;
    const std::string folder = plan.chart->root.substr(set.size() + 1);
    by_plan[folder + " " + plan.label.substr(plan.chart->name.size() + 1)] = &o;
    ++builds;
    apps += plan.label.find("/app:") != std::string::npos;
    INFO(folder << " " << plan.label << ": " << o.reason);
    if (!o.rendered_path.empty()) {
      ++rendered;
    } else if (o.empty) {
      ++empty;
    } else if (o.attempted) {
      ++failed;
    } else {
      ++skipped;
      CHECK_FALSE(o.reason.empty());  // every skip says why
      why_skipped[o.reason.substr(0, o.reason.find(" and "))]++;
    }
  }
  WARN(
      fmt::format("gitops-repos: {} Kustomize builds ({} for Applications): {} built, {} failed, "
                  "{} skipped, {} empty",
                  builds, apps, rendered, failed, skipped, empty));
  CHECK(rendered + failed + skipped + empty == builds);
  for (const auto& [reason, n] : why_skipped) WARN(fmt::format("  skipped {}x: {}", n, reason));
  CHECK(result.errors.empty());
  auto status = [&](const std::string& key) -> std::string {
    auto it = by_plan.find(key);
    if (it == by_plan.end()) return "no such build";
    const model::RenderOutcome& o = *it->second;
    if (!o.rendered_path.empty()) return "built";
    if (o.empty) return "empty";
    return (o.attempted ? "failed: " : "skipped: ") + o.reason;
  };
  // What the set's README says builds offline does.
  int checked = 0;
  for (const auto& [key, o] : by_plan) {
    const bool offline =
        StartsWith(key, "vehagn+homelab/k8s/apps") ||
        (StartsWith(key, "jamesdkelly88+kubernetes-lab/apps/") ||
         (StartsWith(key, "jamesdkelly88+kubernetes-lab/infrastructure/") &&
          key.find("kyverno-yaml") == std::string::npos)) ||
        StartsWith(key, "christianh814+gitops-examples/bgdk/") ||
        StartsWith(key, "christianh814+gitops-examples/welcome-k8s/") ||
        StartsWith(key, "christianh814+gitops-examples/argo-rollouts/") ||
        StartsWith(key, "christianh814+gitops-examples/machinesets/") ||
        StartsWith(key, "codefresh-contrib+gitops-certification-examples/kustomize-apps/") ||
        StartsWith(key, "codefresh-contrib+gitops-cert-level-3-examples/argocd-apps-structure/");
    if (!offline) continue;
    ++checked;
    CHECK(status(key) == "built");
  }
  CHECK(checked >= 60);
  // redhat-cop: the clusters inflate the app-of-apps chart from a local chart home.
  for (const std::string cluster :
       {"hub", "prod-east", "prod-west", "non-prod-east", "non-prod-west"})
    CHECK(status("redhat-cop+gitops-standards-repo-template/clusters/" + cluster + " kustomize") ==
          "built");
  // The known upstream defects fail, each at the entry that names the missing folder.
  int defects = 0;
  for (const Finding& f : FindingsOf(result, "kustomize-build-failed")) {
    INFO(f.file << ":" << f.line << ": " << f.message);
    ++defects;
    CHECK(f.file.find("redhat-cop+gitops-standards-repo-template/") != std::string::npos);
    const bool short_path =
        f.message.find("from '../../components/vault-config-operator/'") != std::string::npos;
    const bool misspelt = f.message.find("aes-efs-csi-driver-operator") != std::string::npos;
    const bool above_root = f.message.find("from '../../../../components/") != std::string::npos;
    CHECK((short_path || misspelt || above_root));
    CHECK(f.column == 5);  // the `- ` list entry
  }
  CHECK(defects == 6);
  // Remote bases and charts from Helm repositories: skipped for the network, never a finding.
  for (const std::string key :
       {"christianh814+gitops-examples/weave-socks/overlays/default kustomize",
        "christianh814+gitops-examples/kustomize-and-helm/app/overlays/default kustomize",
        "jamesdkelly88+kubernetes-lab/infrastructure/base/kyverno-yaml app:kyverno-yaml",
        "vehagn+homelab/k8s/infra/network/cilium kustomize"}) {
    CHECK(StartsWith(status(key), "skipped: it fetches "));
  }
}

}  // namespace syncgate
