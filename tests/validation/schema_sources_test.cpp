// Where the Kubernetes schemas come from without per-run flags: `syncgate schemas fetch` from a
// real HTTP server on 127.0.0.1 (serving ../shared/data/k8s-schemas as the upstream location)
// into a versioned cache, then `check` offline with no schema flag; the same results from the
// cache and from --schema-location; kinds built from `_definitions.json`; the download of a
// missing kind once into the cache; "no schemas" said once; a chart's own CRDs. Tests that need
// ../shared skip when it is absent.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support/helm_repo.h"
#include "tests/support/loopback_http_server.h"
#include "tests/test_util.h"
#include "validation/schema_fetch.h"
#include "validation/schema_store.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::ShellQuote;

#define REQUIRE_SHARED_DATA(data)                                               \
  const fs::path data = testing::SharedData();                                  \
  if (data.empty()) {                                                           \
    WARN("../shared/data absent: skipping (the Kubernetes schemas are there)"); \
    return;                                                                     \
  }

/// The binary with the schema folders of a user whose cache is `cache`: no installed folder.
testing::CommandOutput Syncgate(const fs::path& cache, const std::string& args) {
  return testing::RunShell(
      fmt::format("SYNCGATE_CACHE_DIR={} SYNCGATE_SCHEMA_DIR={} '{}' {}",
                  ShellQuote(cache.string()), ShellQuote((cache / "not-installed").string()),
                  SYNCGATE_BINARY, args),
      "", testing::SourceDir().string());
}

/// Every finding of the JSON report as "rule file:line".
std::multiset<std::string> Findings(const std::string& json_text, const std::string& rule = "") {
  std::multiset<std::string> out;
  const auto report = nlohmann::json::parse(json_text);
  for (const auto& f : report["findings"]) {
    if (!rule.empty() && f["rule"] != rule) continue;
    out.insert(fmt::format("{} {}:{}", f["rule"].get<std::string>(), f["file"].get<std::string>(),
                           f["line"].get<int>()));
  }
  return out;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// A run over `paths` with exactly these Kubernetes schema sources.
RunResult CheckWithSchemas(const std::vector<std::string>& paths,
                           std::vector<std::string> locations, std::vector<std::string> folders,
                           std::string download = "", bool offline = false,
                           std::string kube_version = "1.31", std::string cache = "") {
  RunRequest request;
  request.render = false;
  request.jobs = 2;
  request.settings.kube_version = std::move(kube_version);
  request.settings.schema_locations = std::move(locations);
  request.settings.schema_folders = std::move(folders);
  request.settings.schema_download = std::move(download);
  request.settings.schema_cache_dir = std::move(cache);
  request.settings.offline = offline;
  return testing::CheckWith(std::move(request), paths);
}

int Counter(const RunResult& result, const std::string& name) {
  auto it = result.summary.counters.find(name);
  return it == result.summary.counters.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("the schema folders are resolved once: installed, then the cache; no download offline",
          "[schemas]") {
  testing::TempDir dir;
  const char* before = std::getenv("SYNCGATE_SCHEMA_DIR");
  const std::string saved = before ? before : "";
  setenv("SYNCGATE_SCHEMA_DIR", (dir / "installed").c_str(), 1);
  RunSettings settings;
  settings.cache_dir = (dir / "cache").string();
  Expected<RunSettings> resolved = ResolveRunSettings(Config{}, settings);
  REQUIRE(resolved);
  CHECK(resolved->schema_cache_dir == (dir / "cache" / "schemas").string());
  CHECK(resolved->schema_folders ==
        std::vector<std::string>{(dir / "installed").string(), resolved->schema_cache_dir});
  CHECK(resolved->schema_download == std::string(kKubeconformLocation));
  settings.offline = true;
  CHECK(ResolveRunSettings(Config{}, settings)->schema_download == "");
  // Without the variable: <prefix>/share/syncgate/schemas of the running binary.
  unsetenv("SYNCGATE_SCHEMA_DIR");
  resolved = ResolveRunSettings(Config{}, settings);
  REQUIRE(resolved);
  const fs::path prefix = fs::read_symlink("/proc/self/exe").parent_path().parent_path();
  CHECK(resolved->schema_folders->front() == (prefix / "share/syncgate/schemas").string());
  // What a caller decided is kept.
  settings.schema_folders = std::vector<std::string>{"mine"};
  CHECK(ResolveRunSettings(Config{}, settings)->schema_folders == std::vector<std::string>{"mine"});
  if (before) setenv("SYNCGATE_SCHEMA_DIR", saved.c_str(), 1);
}

TEST_CASE("schemas fetch from a loopback server, then check examples/ offline with no flag",
          "[schemas]") {
  REQUIRE_SHARED_DATA(data);
  testing::LoopbackHttpServer server({.root = data / "k8s-schemas"});
  SKIP_UNLESS_STARTED(server.Start());
  testing::TempDir cache;
  const std::string location =
      server.url() + "/v1.31.6-standalone-strict/{{.ResourceKind}}{{.KindSuffix}}.json";

  // Before: no schemas anywhere. Said once (one stderr line, one info finding), not per object.
  const std::string check = "check examples/ --offline --no-color --fail-on never --format json";
  testing::CommandOutput before = Syncgate(cache.path(), check);
  INFO(before.err);
  REQUIRE(before.exit_code == 0);
  CHECK(Findings(before.out, "schema-missing") ==
        std::multiset<std::string>{
            "schema-missing examples/charts/q-dashboards/templates/dashboards.yaml:4"});
  CHECK_THAT(before.out, Catch::Contains("no Kubernetes 1.31 schemas: 87 objects of built-in "
                                         "kinds (this one first) not validated"));
  size_t lines = 0;
  for (size_t at = before.err.find("syncgate: no Kubernetes 1.31 schemas here: 87 objects");
       at != std::string::npos; at = before.err.find("syncgate: no Kubernetes", at + 1)) {
    ++lines;
  }
  CHECK(lines == 1);

  // The fetch: _definitions.json and every kind's own file, into <cache>/schemas/v1.31.6-...
  const testing::CommandOutput fetched = Syncgate(
      cache.path(), "schemas fetch --kube-version 1.31 --schema-location " + ShellQuote(location));
  INFO(fetched.out << fetched.err);
  REQUIRE(fetched.exit_code == 0);
  CHECK_THAT(fetched.out, Catch::Contains("Kubernetes 1.31 schemas (v1.31.6) in") &&
                              Catch::Contains("_definitions.json and 152 of 279 kinds"));
  const fs::path folder = cache / "schemas/v1.31.6-standalone-strict";
  CHECK(fs::is_regular_file(folder / "_definitions.json"));
  CHECK(fs::is_regular_file(folder / "deployment-apps-v1.json"));
  CHECK(fs::is_regular_file(folder / "service-v1.json"));
  CHECK(server.RequestCount("/v1.31.6-standalone-strict/_definitions.json") == 1);
  CHECK(server.RequestCount("/v1.31.6-standalone-strict/deployment-apps-v1.json") == 1);
  const size_t requests = server.Requests().size();
  CHECK(requests == 1 + 279);

  // After: no schema flag, no network: the core kinds are validated, none is schema-missing but
  // the Deployment of an API Kubernetes 1.31 no longer serves (api-removed names it too).
  const testing::CommandOutput after =
      Syncgate(cache.path(), check + " --format text=" + ShellQuote((cache / "out.txt").string()));
  INFO(after.err);
  REQUIRE(after.exit_code == 0);
  CHECK(Findings(after.out, "schema-missing") ==
        std::multiset<std::string>{"schema-missing examples/legacy/q-legacy-deployment.yaml:6"});
  CHECK(Findings(after.out, "schema-violation").empty());
  CHECK(Findings(after.out, "schema-unknown-field").empty());
  CHECK_THAT(ReadText(cache / "out.txt"),
             Catch::Contains("schemas: 112 validated, 1 without a schema"));
  CHECK(after.err.find("no Kubernetes") == std::string::npos);
  CHECK(server.Requests().size() == requests);  // offline: the server saw nothing more

  // The same folder as the installed one (what a package ships), with an empty cache.
  testing::TempDir empty;
  const testing::CommandOutput installed = testing::RunShell(
      fmt::format("SYNCGATE_CACHE_DIR={} SYNCGATE_SCHEMA_DIR={} '{}' {}",
                  ShellQuote(empty.path().string()), ShellQuote((cache / "schemas").string()),
                  SYNCGATE_BINARY, check),
      "", testing::SourceDir().string());
  CHECK(Findings(installed.out) == Findings(after.out));
}

TEST_CASE("schemas fetch: clear errors for a location without _definitions.json", "[schemas]") {
  REQUIRE_SHARED_DATA(data);
  testing::LoopbackHttpServer server({.root = data / "k8s-schemas"});
  SKIP_UNLESS_STARTED(server.Start());
  testing::TempDir cache;
  // kubeconform's layout with the version variable: 1.31 is v1.31.0 there, which this mirror
  // does not have.
  const std::string versioned = server.url() +
                                "/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/"
                                "{{.ResourceKind}}{{.KindSuffix}}.json";
  testing::CommandOutput out = Syncgate(
      cache.path(), "schemas fetch --kube-version 1.31 --schema-location " + ShellQuote(versioned));
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("no _definitions.json for Kubernetes 1.31 at the location") &&
                          Catch::Contains("/v1.31.0-standalone-strict/_definitions.json"));
  // With X.Y.Z it is there.
  // The PATH form: only the kinds some files use (a Kustomization is no Kubernetes object).
  out = Syncgate(cache.path(), "schemas fetch --kube-version 1.31.6 --schema-location " +
                                   ShellQuote(versioned) + " examples/q-app/kustomize/base");
  INFO(out.err);
  CHECK(out.exit_code == 0);
  CHECK_THAT(out.out, Catch::Contains("_definitions.json and 3 of 4 kinds") &&
                          Catch::Contains("\n    kustomize.config.k8s.io/v1beta1 Kustomization\n"));
  // A template with the kind in a folder name has no one folder for _definitions.json.
  out = Syncgate(cache.path(), "schemas fetch --kube-version 1.31 --schema-location " +
                                   ShellQuote(server.url() + "/{{.ResourceKind}}/schema.json"));
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("the kind is part of a folder name"));
  // Nothing listening: a bounded, clear failure.
  out = Syncgate(cache.path(),
                 "schemas fetch --timeout 5 --kube-version 1.31 --schema-location "
                 "'http://127.0.0.1:9/{{.ResourceKind}}{{.KindSuffix}}.json'");
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("cannot fetch http://127.0.0.1:9/_definitions.json"));
}

TEST_CASE("the cache and --schema-location give the same results on the rendered corpus",
          "[schemas]") {
  REQUIRE_SHARED_DATA(data);
  testing::TempDir cache;
  // Filled from the folder form of the location this time.
  Expected<SchemaFetchResult> fetched =
      FetchKubernetesSchemas({.kube_version = "1.31",
                              .locations = {(data / "k8s-schemas").string()},
                              .into = cache.path().string()});
  REQUIRE(fetched);
  CHECK(fetched->errors.empty());
  CHECK(fetched->written == 152);

  using Clock = std::chrono::steady_clock;
  const std::vector<std::string> corpus = {(data / "rendered").string()};
  auto start = Clock::now();
  const RunResult from_cache = CheckWithSchemas(corpus, {}, {cache.path().string()});
  const double cache_s = std::chrono::duration<double>(Clock::now() - start).count();
  start = Clock::now();
  const RunResult from_location = CheckWithSchemas(corpus, {(data / "k8s-schemas").string()}, {});
  const double location_s = std::chrono::duration<double>(Clock::now() - start).count();

  auto schema_findings = [](const RunResult& result) {
    std::vector<std::string> out;
    for (const Finding& f : result.findings) {
      if (f.rule.rfind("schema-", 0) == 0) {
        out.push_back(fmt::format("{}:{}:{}: {}: {}", f.file, f.line, f.column, f.rule, f.message));
      }
    }
    return out;
  };
  const std::vector<std::string> a = schema_findings(from_cache);
  const std::vector<std::string> b = schema_findings(from_location);
  std::string listing;
  for (const std::string& line : a) listing += line + "\n";
  INFO(listing);
  CHECK(a == b);
  CHECK(Counter(from_cache, "schema-validated") == Counter(from_location, "schema-validated"));
  CHECK(Counter(from_cache, "schema-missing") == Counter(from_location, "schema-missing"));
  CHECK(Counter(from_cache, "schema-validated") == 443);
  CHECK(Counter(from_cache, "schema-kubernetes-unavailable") == 0);
  // The one object left without a schema is of an API Kubernetes 1.31 no longer serves.
  std::vector<std::string> missing;
  for (const Finding& f : from_cache.findings) {
    if (f.rule == "schema-missing") missing.push_back(f.object.api_version + " " + f.object.kind);
  }
  CHECK(missing == std::vector<std::string>{"apiregistration.k8s.io/v1beta1 APIService"});
  WARN(
      fmt::format("rendered corpus: {} validated, {} without a schema; from the cache {:.2f} s, "
                  "from --schema-location {:.2f} s (whole check, 2 threads)",
                  Counter(from_cache, "schema-validated"), Counter(from_cache, "schema-missing"),
                  cache_s, location_s));
}

TEST_CASE("kinds are built from _definitions.json: Kubernetes' limits, null is unset",
          "[schemas]") {
  REQUIRE_SHARED_DATA(data);
  const fs::path upstream = data / "k8s-schemas" / "v1.31.6-standalone-strict";
  testing::TempDir dir;
  // The same version without _definitions.json: only the per-kind file (maxLength: 63 on
  // metadata.name, which Kubernetes does not have).
  fs::create_directories(dir / "per-kind/v1.31.6-standalone-strict");
  fs::copy_file(upstream / "deployment-apps-v1.json",
                dir / "per-kind/v1.31.6-standalone-strict/deployment-apps-v1.json");
  const std::string name(100, 'a');
  const std::string deployment = fmt::format(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {}
  labels: null
spec:
  replicas: 1
  selector:
    matchLabels: {{app: a}}
  template:
    metadata:
      labels: {{app: a}}
    spec:
      nodeSelector: null
      containers:
        - name: a
          image: nginx:1.27
          resources: null
)",
                                             name);
  testing::WriteFile(dir / "in/deployment.yaml", deployment);
  auto problems = [&](const RunResult& result) {
    std::vector<std::string> out;
    for (const Finding& f : result.findings) {
      if (f.rule == "schema-violation" || f.rule == "schema-unknown-field")
        out.push_back(fmt::format("{}:{}: {}", f.line, f.rule, f.message));
    }
    return out;
  };
  const RunResult definitions =
      CheckWithSchemas({(dir / "in").string()}, {(data / "k8s-schemas").string()}, {});
  CHECK(problems(definitions).empty());
  CHECK(Counter(definitions, "schema-validated") == 1);
  const RunResult per_kind =
      CheckWithSchemas({(dir / "in").string()}, {(dir / "per-kind").string()}, {});
  CHECK(problems(per_kind) ==
        std::vector<std::string>{"4:schema-violation: metadata.name: string should be no more "
                                 "than 63 characters in length"});

  // Strict: an unknown field is an error; a required field that is null is missing.
  testing::WriteFile(dir / "in/deployment.yaml",
                     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
                     "  replicas: 1\n  selector: null\n  tempalte: {}\n");
  const RunResult strict =
      CheckWithSchemas({(dir / "in").string()}, {(data / "k8s-schemas").string()}, {});
  CHECK(problems(strict) ==
        std::vector<std::string>{"4:schema-violation: spec: missing required field 'selector'",
                                 "4:schema-violation: spec: missing required field 'template'",
                                 "7:schema-unknown-field: unknown field 'tempalte' (did you "
                                 "mean 'template'?) in spec"});
}

TEST_CASE("check downloads a missing kind once into the cache, never when offline", "[schemas]") {
  REQUIRE_SHARED_DATA(data);
  testing::LoopbackHttpServer server({.root = data / "k8s-schemas"});
  SKIP_UNLESS_STARTED(server.Start());
  testing::TempDir dir;
  const std::string cache = (dir / "cache").string();
  const std::string download = server.url() +
                               "/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/"
                               "{{.ResourceKind}}{{.KindSuffix}}.json";
  testing::WriteFile(dir / "in/app.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n---\n"
                     "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
  const std::vector<std::string> in = {(dir / "in").string()};
  const std::string configmap = "/v1.31.6-standalone-strict/configmap-v1.json";
  for (int round = 0; round < 2; ++round) {
    const RunResult result = CheckWithSchemas(in, {}, {cache}, download, false, "1.31.6", cache);
    CHECK(Counter(result, "schema-validated") == 1);
    CHECK(server.RequestCount(configmap) == 1);  // the second run reads the cache
  }
  CHECK(fs::is_regular_file(dir / "cache/v1.31.6-standalone-strict/configmap-v1.json"));
  // A custom resource's kind is never asked of the Kubernetes mirror.
  CHECK(server.RequestCount("/v1.31.6-standalone-strict/widget-example-v1.json") == 0);

  // Offline: a kind not in the cache is not downloaded; said once, with why.
  testing::WriteFile(dir / "in/service.yaml",
                     "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n");
  const RunResult offline = CheckWithSchemas(in, {}, {cache}, download, true, "1.31.6", cache);
  CHECK(server.RequestCount("/v1.31.6-standalone-strict/service-v1.json") == 0);
  CHECK(Counter(offline, "schema-validated") == 1);
  // The ConfigMap came from the cache: the schemas are there, the Service's is not (named).
  std::set<std::string> missing;
  for (const Finding& f : offline.findings) {
    if (f.rule == "schema-missing") missing.insert(fs::path(f.file).filename().string());
  }
  CHECK(missing == std::set<std::string>{"app.yaml", "service.yaml"});
  CHECK(Counter(offline, "schema-kubernetes-unavailable") == 0);

  // Nothing listening: one failure stops the downloads, and the finding says why.
  fs::remove(dir / "in/app.yaml");
  const RunResult dead = CheckWithSchemas(in, {}, {(dir / "empty").string()},
                                          "http://127.0.0.1:9/{{.ResourceKind}}.json", false,
                                          "1.31", (dir / "empty").string());
  REQUIRE(Counter(dead, "schema-kubernetes-unavailable") == 1);
  bool said = false;
  for (const Finding& f : dead.findings) {
    said |=
        f.rule == "schema-missing" &&
        f.message.find("the download failed: http://127.0.0.1:9/service.json") != std::string::npos;
  }
  CHECK(said);
}

TEST_CASE("a chart's CRD in crds/ validates the custom resources of its templates", "[schemas]") {
  REQUIRE_HELM(helm);
  const RunResult result = testing::CheckRendered(
      {(testing::SourceDir() / "tests/validation/data/crd-chart").string()}, helm);
  std::multiset<std::string> found;
  for (const Finding& f : result.findings) {
    if (f.rule.rfind("schema-", 0) != 0 || f.rule == "schema-missing") continue;
    found.insert(fmt::format("{} {}:{} {}", f.rule, fs::path(f.file).filename().string(), f.line,
                             f.message));
  }
  CHECK(found == std::multiset<std::string>{"schema-violation widget-invalid.yaml:8 spec.colour: "
                                            "value is not one of: red, green"});
  CHECK(Counter(result, "schema-validated") >= 3);  // Chart.yaml and both widgets

  // A render that leaves the CRDs out (the Application's skipCrds) of a chart whose crds/ is not
  // among the checked files: the CRD still comes from the chart's folder, as helm reads it.
  testing::TempDir dir;
  fs::copy(testing::SourceDir() / "tests/validation/data/crd-chart", dir / "chart",
           fs::copy_options::recursive);
  testing::WriteFile(dir / ".syncgate.yaml",
                     "exclude: [\"chart/crds/**\"]\n"
                     "repositories: {\"https://example.com/widgets.git\": .}\n");
  testing::WriteFile(dir / "app.yaml", R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: widgets, namespace: argocd}
spec:
  project: widgets
  destination: {server: https://kubernetes.default.svc, namespace: widgets}
  source:
    repoURL: https://example.com/widgets.git
    targetRevision: v1.0.0
    path: chart
    helm: {skipCrds: true}
)");
  RunRequest request;
  request.jobs = 1;
  request.settings.helm_binary = helm;
  request.settings.render_cache = false;
  request.settings.render_applications_only = true;
  const RunResult skipped = testing::CheckWith(std::move(request), {dir.path().string()});
  std::multiset<std::string> schema;
  for (const Finding& f : skipped.findings) {
    if (f.rule.rfind("schema-", 0) == 0) {
      schema.insert(fmt::format("{} {}:{}", f.rule, fs::path(f.file).filename().string(), f.line));
    }
  }
  CHECK(skipped.summary.rendered == 1);
  CHECK(schema == std::multiset<std::string>{"schema-violation widget-invalid.yaml:8"});

  // The store reads a chart's crds/ file the workspace does not hold.
  SchemaStore store({});
  CHECK(store.AddCrdFile("widgets/crds/widget-crd.yaml",
                         ReadText(testing::SourceDir() /
                                  "tests/validation/data/crd-chart/crds/widget-crd.yaml")) == 1);
  const SchemaLookup widget = store.ForObject("example.com/v1", "Widget");
  REQUIRE(widget.schema);
  CHECK(widget.source == "CRD widgets/crds/widget-crd.yaml:15");
}

}  // namespace syncgate
