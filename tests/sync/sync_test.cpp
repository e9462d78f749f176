// The gated sync against real git repositories in temporary folders (the git CLI sets them up).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "checker/text_util.h"
#include "rules/registry.h"
#include "sync/plan.h"
#include "sync/retry.h"
#include "sync/sync_engine.h"
#include "tests/support/git_repo.h"
#include "tests/test_util.h"

namespace syncgate::sync {
namespace {
namespace fs = std::filesystem;
using testing::Git;
using testing::ReadText;
using testing::RunShell;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kRepoUrl = "https://git.example.com/platform/demo.git";

std::string Application(const std::string& name, const std::string& repo_url = kRepoUrl) {
  return fmt::format(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {}
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: platform
  source:
    repoURL: {}
    targetRevision: main
    path: manifests
  destination:
    server: https://kubernetes.default.svc
    namespace: demo
  syncPolicy:
    automated:
      prune: true
    retry:
      limit: 2
      backoff: {{duration: 1s, factor: 2, maxDuration: 4s}}
)",
                     name, repo_url);
}

std::string ConfigMap(const std::string& name, const std::string& extra = "", int wave = 0) {
  return fmt::format(
      R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {}
  namespace: demo{}
data:
  greeting: hello{}
)",
      name,
      wave ? fmt::format("\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{}\"", wave) : "",
      extra);
}

constexpr const char* kNamespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n";

/// A source repository (work tree, branch main), an Application pointing at it, a bare target.
struct Fixture {
  TempDir dir;
  fs::path source = dir / "source";
  fs::path apps = dir / "apps";
  fs::path target = dir / "target.git";
  SyncOptions options;

  Fixture() {
    fs::create_directories(source);
    Git(source, "init -q");
    WriteFile(source / "manifests/namespace.yaml", kNamespace);
    WriteFile(source / "manifests/b-config.yaml", ConfigMap("b-config"));
    WriteFile(source / "manifests/a-config.yaml", ConfigMap("a-config", "", 1));
    Commit("first");
    WriteFile(apps / "demo.yaml", Application("demo"));
    testing::InitBare(target);
    options.target = target.string();
    options.repo_map[kRepoUrl] = source.string();
    options.cache_dir = (dir / "cache").string();
    options.state_dir = (dir / "state").string();
    options.jobs = 1;
    options.sleep = [](std::chrono::milliseconds) {};
  }
  std::string Commit(const std::string& message) {
    Git(source, "add -A");
    Git(source, fmt::format("commit -q -m '{}'", message));
    return Git(source, "rev-parse HEAD");
  }
  std::vector<SyncOutcome> Sync() { return SyncApplications({apps.string()}, options); }
  std::string Branch() const { return "env/default/demo"; }
  int BranchCommits() {
    auto out = RunShell(fmt::format("git -C '{}' rev-list --count {}", target.string(), Branch()));
    return out.exit_code == 0 ? std::stoi(out.out) : 0;
  }
  std::string Published() {
    return RunShell(fmt::format("git -C '{}' show {}:manifest.yaml", target.string(), Branch()))
        .out;
  }
  std::string HeadMessage() {
    return RunShell(fmt::format("git -C '{}' log -1 --format=%B {}", target.string(), Branch()))
        .out;
  }
};

std::string Describe(const std::vector<SyncOutcome>& outcomes) {
  std::string out;
  for (const auto& o : outcomes) out += FormatOutcome(o, true);
  return out;
}

/// A rule that fails on any ConfigMap named "forbidden", and one that throws.
class ForbiddenNameRule : public Rule {
 public:
  const RuleMeta& meta() const override {
    static constexpr RuleMeta kMeta{"test-forbidden-name", "test", "test", "test", Severity::kError,
                                    DocKind::kManifest};
    return kMeta;
  }
  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (doc.object().name == "forbidden") ctx.Report("/metadata/name", "forbidden name");
  }
};
class ThrowingRule : public Rule {
 public:
  const RuleMeta& meta() const override {
    static constexpr RuleMeta kMeta{"test-throws", "test",           "test",
                                    "test",        Severity::kError, DocKind::kManifest};
    return kMeta;
  }
  void CheckDocument(const Document&, RuleContext&) const override {
    throw std::runtime_error("boom");
  }
};

}  // namespace

TEST_CASE("sync: a passing Application is published once, in plan order, with trailers", "[sync]") {
  Fixture f;
  const std::string pinned = Git(f.source, "rev-parse HEAD");
  auto outcomes = f.Sync();
  INFO(Describe(outcomes));
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].verdict == Verdict::kPublished);
  CHECK(ExitCodeOf(outcomes) == 0);
  CHECK(f.BranchCommits() == 1);
  const std::string manifest = f.Published();
  // Namespace first (kind order), then wave 0 (b-config), then wave 1 (a-config).
  const size_t ns = manifest.find("kind: Namespace"), b = manifest.find("name: b-config"),
               a = manifest.find("name: a-config");
  REQUIRE(ns != std::string::npos);
  REQUIRE(b != std::string::npos);
  REQUIRE(a != std::string::npos);
  CHECK(ns < b);
  CHECK(b < a);
  const std::string message = f.HeadMessage();
  CHECK(Trailer(message, "Syncgate-Source-Commit") == pinned);
  CHECK(Trailer(message, "Syncgate-Source-Repo") == kRepoUrl);
  CHECK(Trailer(message, "Syncgate-Report-Digest").rfind("sha256:", 0) == 0);
  CHECK(fs::exists(fs::path(f.options.state_dir) / "demo" / "last-pass.json"));

  SECTION("a re-run with no change makes no new commit") {
    auto again = f.Sync();
    INFO(Describe(again));
    CHECK(again[0].verdict == Verdict::kUnchanged);
    CHECK(f.BranchCommits() == 1);
  }
  SECTION("an object deleted from the source is pruned: absent from the branch, in the plan") {
    fs::remove(f.source / "manifests/a-config.yaml");
    f.Commit("drop a-config");
    f.options.plan_only = true;
    auto planned = f.Sync();
    REQUIRE(planned[0].plan);
    REQUIRE(planned[0].plan->prune.size() == 1);
    CHECK(planned[0].plan->prune[0].object.Key() == "ConfigMap demo/a-config");
    CHECK(f.BranchCommits() == 1);  // --plan publishes nothing
    f.options.plan_only = false;
    auto published = f.Sync();
    INFO(Describe(published));
    CHECK(published[0].verdict == Verdict::kPublished);
    CHECK(f.BranchCommits() == 2);
    CHECK(f.Published().find("a-config") == std::string::npos);
  }
  SECTION("a rewritten source history (force push) is refused unless --allow-rewrite") {
    Git(f.source, "checkout -q --orphan rewritten");
    WriteFile(f.source / "manifests/c-config.yaml", ConfigMap("c-config"));
    f.Commit("rewritten");
    Git(f.source, "branch -f main rewritten");
    auto refused = f.Sync();
    INFO(Describe(refused));
    CHECK(refused[0].verdict == Verdict::kRefused);
    CHECK(refused[0].reason.find("force push") != std::string::npos);
    CHECK(ExitCodeOf(refused) == 1);
    CHECK(f.BranchCommits() == 1);
    f.options.allow_rewrite = true;
    auto allowed = f.Sync();
    CHECK(allowed[0].verdict == Verdict::kPublished);
    CHECK(f.BranchCommits() == 2);
  }
}

TEST_CASE("sync: what is published is the pinned commit even when the branch moves", "[sync]") {
  Fixture f;
  const std::string pinned = Git(f.source, "rev-parse HEAD");
  f.options.after_pin = [&](const std::string&, const std::string& commit) {
    CHECK(commit == pinned);
    WriteFile(f.source / "manifests/late.yaml", ConfigMap("late"));
    f.Commit("pushed during the sync");
  };
  auto outcomes = f.Sync();
  INFO(Describe(outcomes));
  REQUIRE(outcomes[0].verdict == Verdict::kPublished);
  CHECK(outcomes[0].commit == pinned);
  CHECK(Trailer(f.HeadMessage(), "Syncgate-Source-Commit") == pinned);
  CHECK(f.Published().find("late") == std::string::npos);
}

TEST_CASE("sync: findings refuse the publish and leave a gate record without the secret",
          "[sync]") {
  Fixture f;
  // A Vault token in a ConfigMap: the built-in secret rules refuse it.
  const std::string token = "hvs.CAESIJx9vQ1mZr7Tk2p8WnLd4F5G";
  WriteFile(f.source / "manifests/b-config.yaml",
            ConfigMap("b-config", "\n  vault-token: " + token));
  const std::string bad = f.Commit("leak");
  auto outcomes = f.Sync();
  INFO(Describe(outcomes));
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].verdict == Verdict::kRefused);
  CHECK(ExitCodeOf(outcomes) == 1);
  CHECK_FALSE(outcomes[0].blocking.empty());
  CHECK(f.BranchCommits() == 0);
  const std::string record = ReadText(fs::path(f.options.state_dir) / "demo" / "last.json");
  CHECK(record.find("\"verdict\": \"refused\"") != std::string::npos);
  CHECK(record.find(bad) != std::string::npos);
  CHECK(record.find(token) == std::string::npos);
  CHECK(Describe(outcomes).find(token) == std::string::npos);
}

TEST_CASE("sync: a rule of the test set fails the gate, a throwing rule publishes nothing",
          "[sync]") {
  Fixture f;
  SECTION("findings") {
    WriteFile(f.source / "manifests/forbidden.yaml", ConfigMap("forbidden"));
    f.Commit("forbidden");
    f.options.make_rules = [] {
      RuleList rules;
      rules.push_back(std::make_unique<ForbiddenNameRule>());
      return rules;
    };
    auto outcomes = f.Sync();
    INFO(Describe(outcomes));
    CHECK(outcomes[0].verdict == Verdict::kRefused);
    REQUIRE(outcomes[0].blocking.size() == 1);
    CHECK(outcomes[0].blocking[0].rule == "test-forbidden-name");
    CHECK(f.BranchCommits() == 0);
  }
  SECTION("a rule that throws") {
    f.options.make_rules = [] {
      RuleList rules;
      rules.push_back(std::make_unique<ThrowingRule>());
      return rules;
    };
    auto outcomes = f.Sync();
    INFO(Describe(outcomes));
    CHECK(outcomes[0].verdict != Verdict::kPublished);
    CHECK(ExitCodeOf(outcomes) != 0);
    CHECK(f.BranchCommits() == 0);
    CHECK(fs::exists(fs::path(f.options.state_dir) / "demo" / "last.json"));
  }
}

TEST_CASE("sync: a source that cannot be rendered or renders nothing publishes nothing", "[sync]") {
  Fixture f;
  SECTION("empty output: ArgoCD would prune everything") {
    fs::remove_all(f.source / "manifests");
    WriteFile(f.source / "manifests/README.md", "nothing here\n");
    f.Commit("empty");
  }
  SECTION("a Kustomize source that does not build (or no kubectl to build it)") {
    f.options.settings.kustomize_binary = testing::TestKustomize();
    WriteFile(f.source / "manifests/kustomization.yaml",
              "resources: [b-config.yaml, ../base-that-moved]\n");
    f.Commit("kustomize");
  }
  auto outcomes = f.Sync();
  INFO(Describe(outcomes));
  CHECK(outcomes[0].verdict == Verdict::kError);
  CHECK(ExitCodeOf(outcomes) == 2);
  CHECK(f.BranchCommits() == 0);
  CHECK(ReadText(fs::path(f.options.state_dir) / "demo" / "last.json")
            .find("\"verdict\": \"error\"") != std::string::npos);
}

TEST_CASE("sync: a Kustomize overlay is published as it builds from the pinned tree",
          "[sync][kustomize]") {
  const std::string kubectl = testing::TestKustomize();
  if (kubectl.empty()) {
    WARN("kubectl not found: run tools/install-helm.sh (installs v1.32.3 into .tools/bin)");
    return;
  }
  Fixture f;
  f.options.settings.kustomize_binary = kubectl;
  // The overlay is the Application's path; its base is elsewhere in the repository.
  fs::remove(f.source / "manifests/a-config.yaml");
  fs::remove(f.source / "manifests/b-config.yaml");
  WriteFile(f.source / "base/kustomization.yaml", "resources: [config.yaml]\n");
  WriteFile(f.source / "base/config.yaml", ConfigMap("b-config"));
  WriteFile(f.source / "manifests/kustomization.yaml",
            "resources: [namespace.yaml, ../base]\nnamePrefix: prod-\npatches:\n"
            "  - target: {kind: ConfigMap, name: b-config}\n"
            "    patch: |-\n      - op: replace\n        path: /data/greeting\n"
            "        value: bonjour\n");
  const std::string first = f.Commit("kustomize overlay");
  SECTION("the build is what is published") {
    auto outcomes = f.Sync();
    INFO(Describe(outcomes));
    REQUIRE(outcomes[0].verdict == Verdict::kPublished);
    CHECK(outcomes[0].commit == first);
    const std::string published = f.Published();
    CHECK(published.find("name: prod-b-config") != std::string::npos);
    CHECK(published.find("greeting: bonjour") != std::string::npos);
    CHECK(published.find("kind: Namespace") < published.find("name: prod-b-config"));
    CHECK(published.find("config.kubernetes.io/origin") == std::string::npos);
  }
  SECTION("a secret in the base refuses the publish, found at its line in the base") {
    WriteFile(f.source / "base/config.yaml",
              ConfigMap("b-config", "\n  vault-token: hvs.CAESIJx9vQ1mZr7Tk2p8WnLd4F5G"));
    f.Commit("a token in the base");
    auto outcomes = f.Sync();
    INFO(Describe(outcomes));
    REQUIRE(outcomes[0].verdict == Verdict::kRefused);
    CHECK(f.BranchCommits() == 0);
    bool in_base = false;
    for (const Finding& b : outcomes[0].blocking) {
      in_base |=
          b.rule == "secret-vault-token" && EndsWith(b.file, "/base/config.yaml") && b.line == 8;
    }
    CHECK(in_base);
  }
}

TEST_CASE("sync: a chart is judged as its Application renders it", "[sync][helm]") {
  REQUIRE_HELM(helm);
  Fixture f;
  f.options.settings.helm_binary = helm;
  WriteFile(f.source / "chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  WriteFile(f.source / "chart/values.yaml", "image:\n  repository: nginx\n  tag: latest\n");
  WriteFile(f.source / "chart/values-dev.yaml", "image:\n  tag: develop\n");
  WriteFile(f.source / "chart/templates/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n"
            "  image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n");
  f.Commit("chart");
  std::string app = Application("demo");
  app.replace(app.find("path: manifests"), 15,
              "path: chart\n    helm:\n      valueFiles: [values.yaml]\n      values: |\n"
              "        image:\n          tag: \"1.27.1\"");
  WriteFile(f.apps / "demo.yaml", app);
  SECTION(
      "values.yaml's `latest` (overridden) and values-dev.yaml's `develop` (not used) do not "
      "block") {
    auto outcomes = f.Sync();
    INFO(Describe(outcomes));
    REQUIRE(outcomes[0].verdict == Verdict::kPublished);
    CHECK(outcomes[0].blocking.empty());
    CHECK(outcomes[0].findings > 0);  // they are still reported
    CHECK(f.Published().find("nginx:1.27.1") != std::string::npos);
  }
  SECTION("a secret committed in another environment's values still blocks") {
    WriteFile(f.source / "chart/values-dev.yaml",
              "image:\n  tag: develop\ndb:\n  password: Xq7-corr3ct-h0rse-b4ttery\n");
    f.Commit("dev password");
    auto outcomes = f.Sync();
    INFO(Describe(outcomes));
    CHECK(outcomes[0].verdict == Verdict::kRefused);
    CHECK(outcomes[0].reason.find("1 committed secret (secret-password-value)") !=
          std::string::npos);
    CHECK(f.BranchCommits() == 0);
  }
}

TEST_CASE("sync: the examples publish the gated q-sign and refuse q-kms for its Vault keys",
          "[sync][helm]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  const fs::path root = testing::SourceDir();
  auto repos =
      RunShell(fmt::format("'{}/tools/example-repos.sh' '{}'", root.string(), dir.path().string()));
  INFO(repos.err);
  REQUIRE(repos.exit_code == 0);
  SyncOptions options;
  std::vector<std::string> lines;
  for (std::string_view line : Split(repos.out, '\n')) lines.emplace_back(Trim(line));
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] != "--repo-map") continue;
    const size_t eq = lines[i + 1].find('=');
    options.repo_map[lines[i + 1].substr(0, eq)] = lines[i + 1].substr(eq + 1);
  }
  REQUIRE(options.repo_map.size() == 3);
  const fs::path target = dir / "gitops-env.git";
  options.target = target.string();
  options.cache_dir = (dir / "cache").string();
  options.state_dir = (dir / "state").string();
  options.settings.helm_binary = helm;
  options.sleep = [](std::chrono::milliseconds) {};
  const std::vector<SyncOutcome> outcomes = SyncApplications(
      {(root / "examples/gated/q-sign/argocd").string(), (root / "examples/q-kms/argocd").string()},
      options);
  INFO(Describe(outcomes));
  REQUIRE(outcomes.size() == 2);
  const SyncOutcome& sign = outcomes[0].application == "q-sign" ? outcomes[0] : outcomes[1];
  const SyncOutcome& kms = outcomes[0].application == "q-sign" ? outcomes[1] : outcomes[0];
  REQUIRE(sign.application == "q-sign");
  REQUIRE(kms.application == "q-kms");

  CHECK(sign.verdict == Verdict::kPublished);
  CHECK(sign.branch == "env/production/q-sign");
  CHECK(sign.revision == "v1.0.2");
  const std::string manifest =
      RunShell(fmt::format("git -C '{}' show env/production/q-sign:manifest.yaml", target.string()))
          .out;
  CHECK(manifest.find("kind: SealedSecret") != std::string::npos);
  CHECK(manifest.find("kind: Deployment") != std::string::npos);
  CHECK(manifest.find("\nkind: Secret\n") == std::string::npos);

  CHECK(kms.verdict == Verdict::kRefused);
  CHECK(kms.reason.find("4 committed secrets (secret-vault-unseal-key x3, secret-vault-token)") !=
        std::string::npos);
  std::vector<std::string> secrets;
  for (const Finding& b : kms.blocking) {
    if (StartsWith(b.rule, "secret-vault"))
      secrets.push_back(fmt::format("{}:{}", b.line, b.column));
  }
  CHECK(secrets == std::vector<std::string>{"26:19", "27:19", "28:19", "29:22"});
  CHECK(RunShell(
            fmt::format("git -C '{}' rev-parse --verify -q env/production/q-kms", target.string()))
            .exit_code != 0);
  CHECK(ExitCodeOf(outcomes) == 1);
  // The record says why, without the keys.
  const std::string record = ReadText(dir / "state" / "q-kms" / "last.json");
  CHECK(record.find("secret-vault-unseal-key") != std::string::npos);
  const std::string app = ReadText(root / "examples/q-kms/argocd/q-kms-application.yaml");
  for (const char* key : {"key1: ", "rootToken: "}) {
    const size_t at = app.find(key) + std::string_view(key).size();
    std::string secret = app.substr(at, app.find('\n', at) - at);
    std::erase(secret, '"');
    REQUIRE(secret.size() > 20);
    CHECK(record.find(secret.substr(0, 12)) == std::string::npos);
  }
}

TEST_CASE("sync: two syncs racing on one branch both land, neither lost", "[sync]") {
  Fixture f;
  // A second source repository and Application writing to the same branch.
  const fs::path other = f.dir / "other";
  fs::create_directories(other);
  Git(other, "init -q");
  WriteFile(other / "manifests/namespace.yaml", kNamespace);
  WriteFile(other / "manifests/x.yaml", ConfigMap("x-config"));
  Git(other, "add -A");
  Git(other, "commit -q -m other");
  const std::string other_url = "https://git.example.com/platform/other.git";
  WriteFile(f.dir / "apps2/other.yaml", Application("other", other_url));
  f.options.repo_map[other_url] = other.string();
  f.options.branch_template = "env/shared";
  std::vector<SyncOutcome> first, second;
  std::thread a([&] { first = SyncApplications({f.apps.string()}, f.options); });
  std::thread b([&] { second = SyncApplications({(f.dir / "apps2").string()}, f.options); });
  a.join();
  b.join();
  INFO(Describe(first) << Describe(second));
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(first[0].verdict == Verdict::kPublished);
  CHECK(second[0].verdict == Verdict::kPublished);
  const std::string log =
      RunShell(fmt::format("git -C '{}' rev-list env/shared", f.target.string())).out;
  CHECK(log.find(first[0].published) != std::string::npos);
  CHECK(log.find(second[0].published) != std::string::npos);
  CHECK(RunShell(fmt::format("git -C '{}' rev-list --count env/shared", f.target.string())).out ==
        "2\n");
}

TEST_CASE("sync: history lists published revisions and rollback republishes one", "[sync]") {
  Fixture f;
  REQUIRE(f.Sync()[0].verdict == Verdict::kPublished);
  const std::string first = Git(f.target, "rev-parse env/default/demo");
  WriteFile(f.source / "manifests/d-config.yaml", ConfigMap("d-config"));
  f.Commit("add d");
  REQUIRE(f.Sync()[0].verdict == Verdict::kPublished);
  auto history = History(f.target.string(), f.Branch(), 10);
  REQUIRE(history);
  REQUIRE(history->size() == 2);
  CHECK((*history)[1].commit == first);
  CHECK((*history)[0].verdict == "pass");
  auto rolled = Rollback(f.target.string(), f.Branch(), first.substr(0, 10));
  REQUIRE(rolled);
  CHECK(f.BranchCommits() == 3);
  CHECK(f.Published().find("d-config") == std::string::npos);
  CHECK_FALSE(Rollback(f.target.string(), f.Branch(), "0123456789abcdef"));
}

TEST_CASE("sync plan: gitops-engine order, dependencies and prune order", "[sync]") {
  const std::string stream = R"(apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  annotations:
    argocd.argoproj.io/sync-wave: "-5"
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
---
apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: skipped
  annotations:
    argocd.argoproj.io/hook: Skip
)";
  SplitResult split = SplitManifests(stream, "app");
  REQUIRE(split.error.empty());
  REQUIRE(split.objects.size() == 6);
  SplitResult old = SplitManifests(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n---\napiVersion: v1\nkind: "
      "Secret\n"
      "metadata:\n  name: kept\n  annotations:\n    argocd.argoproj.io/sync-options: Prune=false\n",
      "app");
  SyncPlan plan = MakePlan(split.objects, old.objects, {.prune_last = true});
  std::vector<std::string> order;
  for (const auto& p : plan.objects) order.push_back(p.object.kind + "/" + p.object.name);
  // PreSync hook first; the CRD moves before its first resource (wave -5); Skip hooks stay
  // listed but are not published.
  CHECK(order ==
        std::vector<std::string>{"Job/migrate", "CustomResourceDefinition/widgets.example.com",
                                 "Widget/w", "ConfigMap/skipped", "Service/web", "Deployment/web"});
  CHECK(PlanManifest(plan).find("skipped") == std::string::npos);
  REQUIRE(plan.prune.size() == 2);
  CHECK(plan.prune[0].last);
  const bool kept_skipped =
      plan.prune[0].object.name == "kept" ? plan.prune[0].skipped : plan.prune[1].skipped;
  CHECK(kept_skipped);
  CHECK(plan.added == 6);
}

TEST_CASE("sync retry: ArgoCD's backoff and defaults", "[sync]") {
  LoadResult none = LoadYaml(SourceFile::FromText("a.yaml", "spec: {}\n"));
  auto defaults = RetryPolicy::FromApplication(none.documents[0]->root());
  REQUIRE(defaults);
  CHECK(defaults->limit == 5);
  std::vector<long long> waits;
  for (int n = 0; n < 7; ++n) waits.push_back(defaults->Delay(n).count() / 1000);
  CHECK(waits == std::vector<long long>{5, 10, 20, 40, 80, 160, 180});
  LoadResult bad = LoadYaml(SourceFile::FromText(
      "b.yaml", "spec:\n  syncPolicy:\n    retry:\n      backoff:\n        duration: fivesec\n"));
  CHECK_FALSE(RetryPolicy::FromApplication(bad.documents[0]->root()));
  int calls = 0;
  RetryPolicy two;
  two.limit = 2;
  Status failed = WithRetry(
      two,
      [&]() -> Status {
        ++calls;
        return Unexpected("transient");
      },
      [](std::chrono::milliseconds) {});
  CHECK_FALSE(failed);
  CHECK(calls == 3);
  // The sync reads durations as ArgoCD does (model/duration.h), `us` and `ns` included.
  LoadResult micro = LoadYaml(SourceFile::FromText(
      "c.yaml", "spec:\n  syncPolicy:\n    retry:\n      backoff:\n        duration: 1500000us\n"));
  auto micro_policy = RetryPolicy::FromApplication(micro.documents[0]->root());
  REQUIRE(micro_policy);
  CHECK(micro_policy->duration.count() == 1500);
}

TEST_CASE("sync cmp generate: manifests on stdout only on pass", "[sync]") {
  TempDir dir;
  const fs::path src = dir / "manifests";
  WriteFile(src / "namespace.yaml", kNamespace);
  WriteFile(src / "config.yaml", ConfigMap("b-config"));
  const std::string env =
      "ARGOCD_APP_NAME=demo ARGOCD_APP_NAMESPACE=demo ARGOCD_APP_PROJECT_NAME=platform "
      "ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567 "
      "ARGOCD_APP_SOURCE_PATH=manifests "
      "ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/platform/demo.git "
      "ARGOCD_APP_SOURCE_TARGET_REVISION=main ";
  auto pass = RunShell(env + "'" SYNCGATE_BINARY "' cmp generate", "", src.string());
  INFO(pass.err);
  CHECK(pass.exit_code == 0);
  CHECK(pass.out.find("kind: Namespace") < pass.out.find("name: b-config"));

  const std::string token = "hvs.CAESIJx9vQ1mZr7Tk2p8WnLd4F5G";
  WriteFile(src / "config.yaml", ConfigMap("b-config", "\n  vault-token: " + token));
  auto fail = RunShell(env + "'" SYNCGATE_BINARY "' cmp generate", "", src.string());
  CHECK(fail.exit_code == 1);
  CHECK(fail.out.empty());
  CHECK(fail.err.find("refused") != std::string::npos);
  CHECK(fail.err.find(token) == std::string::npos);

  auto outside =
      RunShell("env -u ARGOCD_APP_NAME '" SYNCGATE_BINARY "' cmp generate", "", src.string());
  CHECK(outside.exit_code == 2);
  CHECK(outside.out.empty());
}

namespace {

/// `syncgate cmp generate` run as ArgoCD runs it: in the source folder of a checkout, with the
/// environment ArgoCD sets for the Application and the plugin's env as ARGOCD_ENV_*.
testing::CommandOutput CmpGenerate(const std::string& checkout, const std::string& source_path,
                                   const std::string& plugin_env, const std::string& helm,
                                   const TempDir& cache) {
  const std::string env = fmt::format(
      "PATH='{}':\"$PATH\" SYNCGATE_CACHE_DIR='{}' ARGOCD_APP_NAME=q-sign "
      "ARGOCD_APP_NAMESPACE=q-sign ARGOCD_APP_PROJECT_NAME=q-platform "
      "ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567 "
      "ARGOCD_APP_SOURCE_PATH={} "
      "ARGOCD_APP_SOURCE_REPO_URL=https://gitlab.qsign.example/root/q-sign.git "
      "ARGOCD_APP_SOURCE_TARGET_REVISION=v1.0.2 "
      "KUBE_VERSION=v1.30.4 {} ",
      fs::path(helm).parent_path().string(), cache.path().string(), source_path, plugin_env);
  return RunShell(env + "'" SYNCGATE_BINARY "' cmp generate", "",
                  (testing::SourceDir() / checkout / source_path).string());
}

}  // namespace

TEST_CASE("sync cmp generate renders a Helm chart with the plugin's values", "[sync][helm]") {
  REQUIRE_HELM(helm);
  TempDir cache;
  // The gated q-sign chart, with the value files of its Application (examples/gated/q-sign/argocd).
  auto files = CmpGenerate("examples/gated/q-sign", "helm/keycloak-pqc",
                           "ARGOCD_ENV_VALUE_FILES=values.yaml,values-prod.yaml", helm, cache);
  INFO(files.err);
  CHECK(files.exit_code == 0);
  CHECK(files.err.empty());
  CHECK(files.out.find("kind: Deployment") != std::string::npos);
  CHECK(files.out.find("\n  name: q-sign\n") != std::string::npos);
  CHECK(files.out.find("replicas: 3\n") != std::string::npos);  // values-prod.yaml's
  CHECK(files.out.find("namespace: q-sign") != std::string::npos);
  CHECK(files.out.find("image: \"192.168.0.11:30800/qsign/keycloak-pqc:v1.0.1-qkms\"") !=
        std::string::npos);

  // Inline values above the value files, and the release name.
  auto inline_values = CmpGenerate(
      "examples/gated/q-sign", "helm/keycloak-pqc",
      "ARGOCD_ENV_VALUE_FILES=values.yaml,values-prod.yaml ARGOCD_ENV_RELEASE_NAME=keycloak "
      "ARGOCD_ENV_HELM_VALUES='replicaCount: 4\nservice:\n  port: 8443\n'",
      helm, cache);
  INFO(inline_values.err);
  CHECK(inline_values.exit_code == 0);
  CHECK(inline_values.out.find("kind: Deployment") != std::string::npos);
  CHECK(inline_values.out.find("\n  name: keycloak\n") != std::string::npos);
  CHECK(inline_values.out.find("\n  name: q-sign\n") == std::string::npos);
  CHECK(inline_values.out.find("replicas: 4\n") != std::string::npos);
  CHECK(inline_values.out.find("8443") != std::string::npos);
}

TEST_CASE("sync cmp generate refuses the guide's q-sign chart", "[sync][helm]") {
  REQUIRE_HELM(helm);
  TempDir cache;
  // examples/q-sign/argocd/application.yaml's inline values, as the plugin would pass them.
  auto refused =
      CmpGenerate("examples/q-sign", "helm/keycloak-pqc",
                  "ARGOCD_ENV_HELM_VALUES='image:\n  repository: "
                  "192.168.0.11:30800/qsign/keycloak-pqc\n  tag: \"v1.0.1-qkms\"\n"
                  "replicaCount: 1\nservice:\n  type: NodePort\n  port: 8080\n  nodePort: 30181\n'",
                  helm, cache);
  INFO(refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.empty());
  CHECK(refused.err.find("q-sign at 0123456 refused") != std::string::npos);
}

TEST_CASE("sync cmp generate builds a Kustomize overlay, and refuses what its patch sets",
          "[sync][kustomize]") {
  REQUIRE_HELM(helm);  // .tools/bin, which holds kubectl too, goes first on PATH
  if (testing::TestKustomize().empty()) {
    WARN("kubectl not found: run tools/install-helm.sh (installs v1.32.3 into .tools/bin)");
    return;
  }
  TempDir checkout;
  TempDir cache;
  WriteFile(checkout / "base/kustomization.yaml", "resources: [deployment.yaml]\n");
  WriteFile(checkout / "base/deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example/web:1.4.2
          securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: true}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
)");
  WriteFile(checkout / "overlays/prod/kustomization.yaml",
            "resources: [../../base]\nnamePrefix: prod-\nreplicas: [{name: web, count: 3}]\n");
  auto pass = CmpGenerate(checkout.path().string(), "overlays/prod", "", helm, cache);
  INFO(pass.err);
  CHECK(pass.exit_code == 0);
  CHECK(pass.err.empty());
  CHECK(pass.out.find("name: prod-web") != std::string::npos);
  CHECK(pass.out.find("replicas: 3") != std::string::npos);
  CHECK(pass.out.find("config.kubernetes.io/origin") == std::string::npos);

  // A patch that moves the image to `latest`: refused, at the patch line.
  WriteFile(checkout / "overlays/prod/kustomization.yaml",
            "resources: [../../base]\nnamePrefix: prod-\npatches:\n  - path: latest.yaml\n");
  WriteFile(checkout / "overlays/prod/latest.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
            "    spec:\n      containers:\n        - name: web\n"
            "          image: registry.example/web:latest\n");
  auto refused = CmpGenerate(checkout.path().string(), "overlays/prod", "", helm, cache);
  INFO(refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.empty());
  CHECK(refused.err.find("overlays/prod/latest.yaml:10: [workload-image-mutable-tag]") !=
        std::string::npos);
}

TEST_CASE("sync cmp generate renders for KUBE_VERSION and the CRDs of the source", "[sync][helm]") {
  REQUIRE_HELM(helm);
  TempDir checkout;
  TempDir cache;
  WriteFile(checkout / "widgets/Chart.yaml", "apiVersion: v2\nname: widgets\nversion: 0.1.0\n");
  WriteFile(checkout / "widgets/crds/widget.yaml", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
)");
  WriteFile(checkout / "widgets/templates/configmap.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-capabilities
data:
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  widget: {{ .Capabilities.APIVersions.Has "example.com/v1/Widget" | quote }}
)");
  auto out = CmpGenerate(checkout.path().string(), "widgets", "", helm, cache);
  INFO(out.err);
  CHECK(out.exit_code == 0);
  // KUBE_VERSION=v1.30.4 is the run's version: helm renders with --kube-version 1.30.
  CHECK(out.out.find("kube: \"v1.30.0\"") != std::string::npos);
  CHECK(out.out.find("widget: \"true\"") != std::string::npos);
}

}  // namespace syncgate::sync
