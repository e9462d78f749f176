// Charts and dependencies that live outside the checked tree, against real servers the tests
// start on 127.0.0.1: a Helm repository (helm package + helm repo index, served by the loopback
// HTTP server) and an OCI registry (Debian's docker-registry, filled with `helm push`). Fetched
// once with helm itself into the dependency cache, reused from it, verified against Chart.lock,
// refused under --offline, and mapped to a local mirror without the network.
#include <fmt/format.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/render_model.h"
#include "tests/support/helm_repo.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/oci_registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

/// helm's own folders under `home` for this process (the fetcher runs helm with the run's
/// environment), restored afterwards: tests never touch the user's helm configuration.
class HelmHome {
 public:
  explicit HelmHome(const fs::path& home) {
    for (const auto& [name, sub] : {std::pair{"HELM_CACHE_HOME", "cache"},
                                    {"HELM_CONFIG_HOME", "config"},
                                    {"HELM_DATA_HOME", "data"}}) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      fs::create_directories(home / sub);
      setenv(name, (home / sub).c_str(), 1);
    }
  }
  ~HelmHome() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

/// An application chart `shop` that depends on `redis-lite` from `repository`.
void WriteShop(const fs::path& dir, const std::string& repository) {
  WriteFile(dir / "Chart.yaml", fmt::format(R"(apiVersion: v2
name: shop
version: 1.0.0
dependencies:
  - name: redis-lite
    version: 1.2.x
    repository: {}
)",
                                            repository));
  WriteFile(dir / "values.yaml", "replicas: 1\n");
  WriteFile(dir / "templates/configmap.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: shop
  namespace: shop
data:
  replicas: {{ .Values.replicas | quote }}
)");
}

RunResult Check(const fs::path& tree, const std::string& helm, const fs::path& cache, bool offline,
                std::vector<std::pair<std::string, std::string>> repo_map = {}) {
  RunRequest request;
  request.jobs = 2;
  request.settings.helm_binary = helm;
  request.settings.render_cache = false;
  request.settings.cache_dir = cache.string();
  request.settings.offline = offline;
  request.settings.repo_map = std::move(repo_map);
  request.settings.require_render = false;
  return testing::CheckWith(std::move(request), {tree.string()});
}

bool Rendered(const RunResult& result, const std::string& label) {
  const auto* state = result.workspace->FindExtension<model::RenderState>();
  if (!state) return false;
  for (const model::RenderOutcome& o : state->outcomes) {
    if (state->model.plans[o.plan].label == label) return !o.rendered_path.empty();
  }
  return false;
}

std::string Listing(const RunResult& result) {
  std::string out;
  for (const Finding& f : result.findings)
    out += fmt::format("{}:{}:{} {} {}\n", f.file, f.line, f.column, f.rule, f.message);
  for (const SkippedFile& s : result.skipped)
    out += "skipped " + s.display_path + ": " + s.reason + "\n";
  for (const std::string& e : result.errors) out += "error " + e + "\n";
  return out;
}

int Count(const RunResult& result, std::string_view rule) {
  int n = 0;
  for (const Finding& f : result.findings) n += f.rule == rule;
  return n;
}

}  // namespace

TEST_CASE("dependencies from a Helm repository are fetched once, cached, locked, refused offline",
          "[helm][servers]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  HelmHome home(dir / "helm-home");
  testing::WriteTestChart(dir / "src/redis-lite", "redis-lite", "1.2.3");
  REQUIRE(testing::BuildHelmRepository(helm, {dir / "src/redis-lite"}, dir / "repo",
                                       dir / "helm-home-build"));
  testing::LoopbackHttpServer server({.root = dir / "repo"});
  SKIP_UNLESS_STARTED(server.Start());
  const fs::path tree = dir / "tree";
  WriteShop(tree / "shop", server.url());
  // Chart.lock as helm writes it; charts/ is not committed, as in most real repositories.
  const testing::CommandOutput locked =
      testing::RunShell(testing::HelmEnv(dir / "helm-home-lock") + testing::ShellQuote(helm) +
                        " dependency update " + testing::ShellQuote((tree / "shop").string()));
  INFO(locked.out << locked.err);
  REQUIRE(locked.exit_code == 0);
  fs::remove_all(tree / "shop" / "charts");
  const int pulls_before = server.RequestCount("/redis-lite-1.2.3.tgz");

  const fs::path cache = dir / "cache";
  const RunResult first = Check(tree, helm, cache, /*offline=*/false);
  INFO(Listing(first));
  CHECK(Rendered(first, "shop/values.yaml"));
  CHECK(server.RequestCount("/redis-lite-1.2.3.tgz") == pulls_before + 1);
  CHECK(Count(first, "helm-dependency-missing") == 0);
  CHECK(Count(first, "helm-dependency-lock") == 0);

  // The next run takes it from the cache: no request reaches the repository.
  const RunResult second = Check(tree, helm, cache, /*offline=*/true);
  INFO(Listing(second));
  CHECK(Rendered(second, "shop/values.yaml"));
  CHECK(server.RequestCount("/redis-lite-1.2.3.tgz") == pulls_before + 1);

  // Offline with an empty cache: refused, naming the dependency, counted as network forbidden.
  const RunResult offline = Check(tree, helm, dir / "empty-cache", /*offline=*/true);
  CHECK_FALSE(Rendered(offline, "shop/values.yaml"));
  REQUIRE(Count(offline, "helm-dependency-missing") == 1);
  for (const Finding& f : offline.findings) {
    if (f.rule != "helm-dependency-missing") continue;
    CHECK(f.line == 5);
    CHECK_THAT(f.message, Catch::Contains("dependency 'redis-lite' 1.2.3 is not available") &&
                              Catch::Contains("is not fetched: --offline"));
  }
  bool forbidden = false;
  for (const SkippedFile& s : offline.skipped) forbidden |= s.kind == SkipKind::kNetworkForbidden;
  CHECK(forbidden);

  // A local mirror of the repository (its folder, index.yaml and archives) needs no network.
  const int requests = static_cast<int>(server.Requests().size());
  const RunResult mirrored = Check(tree, helm, dir / "cache-3", /*offline=*/true,
                                   {{server.url(), (dir / "repo").string()}});
  INFO(Listing(mirrored));
  CHECK(Rendered(mirrored, "shop/values.yaml"));
  CHECK(static_cast<int>(server.Requests().size()) == requests);

  // Chart.yaml changed after the lock was written: the digest no longer matches.
  WriteShop(tree / "shop", server.url() + "/");
  const RunResult stale = Check(tree, helm, cache, /*offline=*/true);
  REQUIRE(Count(stale, "helm-dependency-lock") == 1);
  for (const Finding& f : stale.findings) {
    if (f.rule == "helm-dependency-lock") {
      CHECK(f.severity == Severity::kError);
      CHECK(f.file == (tree / "shop" / "Chart.yaml").string());
      CHECK(f.line == 4);
    }
  }
}

TEST_CASE("an Application's chart from a Helm repository or OCI registry renders",
          "[helm][servers]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  HelmHome home(dir / "helm-home");
  testing::WriteTestChart(dir / "src/web", "web", "0.1.0");
  Expected<std::vector<fs::path>> packages =
      testing::BuildHelmRepository(helm, {dir / "src/web"}, dir / "repo", dir / "helm-home-build");
  REQUIRE(packages);
  testing::LoopbackHttpServer server({.root = dir / "repo"});
  SKIP_UNLESS_STARTED(server.Start());
  testing::OciRegistry registry;
  SKIP_UNLESS_STARTED(registry.Start());
  const testing::CommandOutput pushed =
      testing::RunShell(testing::HelmEnv(dir / "helm-home-push") + testing::ShellQuote(helm) +
                        " push " + testing::ShellQuote(packages->front().string()) + " " +
                        registry.OciUrl("charts") + " --plain-http");
  INFO(pushed.out << pushed.err << registry.Log());
  REQUIRE(pushed.exit_code == 0);

  const fs::path tree = dir / "tree";
  WriteFile(tree / "values/web-prod.yaml", "greeting: hello from prod\n");
  const std::string app = R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: shop
  sources:
    - repoURL: {repo}
      chart: web
      targetRevision: 0.1.0
      helm:
        valueFiles: [$values/values/web-prod.yaml]
    - repoURL: https://git.example.invalid/shop/config.git
      targetRevision: v1.0.0
      ref: values
  destination:
    server: https://kubernetes.default.svc
    namespace: web
)";
  WriteFile(
      tree / "apps/web-http.yaml",
      fmt::format(fmt::runtime(app), fmt::arg("name", "web-http"), fmt::arg("repo", server.url())));
  // ArgoCD reads a repoURL without scheme as an OCI registry.
  WriteFile(tree / "apps/web-oci.yaml", fmt::format(fmt::runtime(app), fmt::arg("name", "web-oci"),
                                                    fmt::arg("repo", registry.host() + "/charts")));
  WriteFile(tree / ".syncgate.yaml",
            "repositories:\n  https://git.example.invalid/shop/config.git: .\n");

  const RunResult result = Check(tree, helm, dir / "cache", /*offline=*/false);
  INFO(Listing(result) << registry.Log());
  CHECK(Rendered(result, "web/app:web-http#0"));
  CHECK(Rendered(result, "web/app:web-oci#0"));
  CHECK(server.RequestCount("/web-0.1.0.tgz") == 1);
  // The value from $values/... is in the render and traced to its file.
  bool traced = false;
  for (const auto& unit : result.workspace->files()) {
    if (unit->source &&
        unit->input.display_path.find("@rendered/app:web-http") != std::string::npos)
      traced |= unit->source->text().find("hello from prod") != std::string::npos;
  }
  CHECK(traced);

  // Offline with nothing cached: each is skipped with its reason, never silently.
  const RunResult offline = Check(tree, helm, dir / "empty", /*offline=*/true);
  CHECK_FALSE(Rendered(offline, "web/app:web-http#0"));
  int forbidden = 0;
  for (const SkippedFile& s : offline.skipped) {
    if (s.kind != SkipKind::kNetworkForbidden) continue;
    ++forbidden;
    CHECK_THAT(s.reason, Catch::Contains("chart web 0.1.0 from"));
  }
  CHECK(forbidden == 2);
}

}  // namespace syncgate
