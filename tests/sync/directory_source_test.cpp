// The gated sync and `cmp generate` publish exactly the files ArgoCD reads for a directory
// source (recurse, include, exclude, the skip-rendering marker), and nothing at all for a
// source whose manifests syncgate does not make (jsonnet, a Config Management Plugin). Real git
// repositories in temporary folders, set up with the git CLI.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "sync/sync_engine.h"
#include "tests/support/git_repo.h"
#include "tests/test_util.h"

namespace syncgate::sync {
namespace {
namespace fs = std::filesystem;
using testing::Git;
using testing::RunShell;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kRepoUrl = "https://git.example.com/platform/dirs.git";

std::string ConfigMap(const std::string& name, const std::string& extra = "") {
  return fmt::format(
      "{}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n  namespace: demo\ndata:\n"
      "  greeting: hello\n",
      extra, name);
}

/// An Application of the folder `manifests` with `source_extra` under its source.
std::string Application(const std::string& source_extra) {
  return fmt::format(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: dirs
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: platform
  source:
    repoURL: {}
    targetRevision: main
    path: manifests
{}  destination:
    server: https://kubernetes.default.svc
    namespace: demo
  syncPolicy:
    automated:
      prune: true
)",
                     kRepoUrl, source_extra);
}

/// A source repository whose `manifests` folder has a file of each kind ArgoCD's directory
/// reading treats differently, and a bare target repository.
struct Fixture {
  TempDir dir;
  fs::path source = dir / "source";
  fs::path apps = dir / "apps";
  fs::path target = dir / "target.git";
  SyncOptions options;

  Fixture() {
    fs::create_directories(source);
    Git(source, "init -q");
    WriteFile(source / "manifests/top.yaml", ConfigMap("top"));
    WriteFile(source / "manifests/config.json",
              R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "from-json", )"
              R"("namespace": "demo"}, "data": {"a": "b"}})"
              "\n");
    WriteFile(source / "manifests/sub/nested.yml", ConfigMap("nested"));
    WriteFile(source / "manifests/marked.yaml",
              ConfigMap("marked", "# +argocd:skip-file-rendering\n"));
    WriteFile(source / "manifests/README.md", "not a manifest\n");
    Git(source, "add -A");
    Git(source, "commit -q -m first");
    testing::InitBare(target);
    options.target = target.string();
    options.repo_map[kRepoUrl] = source.string();
    options.cache_dir = (dir / "cache").string();
    options.state_dir = (dir / "state").string();
    options.jobs = 1;
    options.sleep = [](std::chrono::milliseconds) {};
  }
  void Commit(const std::string& message) {
    Git(source, "add -A");
    Git(source, fmt::format("commit -q -m '{}'", message));
  }
  std::vector<SyncOutcome> Sync(const std::string& source_extra) {
    WriteFile(apps / "dirs.yaml", Application(source_extra));
    return SyncApplications({apps.string()}, options);
  }
  std::string Published() const {
    return RunShell(fmt::format("git -C '{}' show env/default/dirs:manifest.yaml", target.string()))
        .out;
  }
  int BranchCommits() const {
    const auto out =
        RunShell(fmt::format("git -C '{}' rev-list --count env/default/dirs", target.string()));
    return out.exit_code == 0 ? std::stoi(out.out) : 0;
  }
};

std::string Describe(const std::vector<SyncOutcome>& outcomes) {
  std::string out;
  for (const auto& o : outcomes) out += FormatOutcome(o, true);
  return out;
}

/// Which of the fixture's ConfigMaps the published manifest holds.
std::vector<std::string> PublishedNames(const std::string& manifest) {
  std::vector<std::string> names;
  for (const char* name : {"top", "from-json", "nested", "marked"}) {
    if (manifest.find(fmt::format("name: {}\n", name)) != std::string::npos ||
        manifest.find(fmt::format("\"name\": \"{}\"", name)) != std::string::npos) {
      names.emplace_back(name);
    }
  }
  return names;
}

}  // namespace

TEST_CASE("sync directory: the published manifest is ArgoCD's file set", "[sync][directory]") {
  Fixture f;
  std::string directory;
  std::vector<std::string> expected;
  SECTION("no directory block: the folder's own YAML and JSON, never a marked file") {
    expected = {"top", "from-json"};
  }
  SECTION("exclude keeps a file out") {
    directory = "    directory:\n      exclude: config.json\n";
    expected = {"top"};
  }
  SECTION("recurse: true takes subfolders; recurse: false (the default) keeps them out") {
    directory = "    directory:\n      recurse: true\n";
    expected = {"top", "from-json", "nested"};
  }
  SECTION("include '{*.yml,*.yaml}' with recurse: YAML at any depth, no JSON") {
    directory = "    directory:\n      recurse: true\n      include: '{*.yml,*.yaml}'\n";
    expected = {"top", "nested"};
  }
  SECTION("exclude '{sub/**,config.json}' with recurse: a whole subfolder out") {
    directory = "    directory:\n      recurse: true\n      exclude: '{sub/**,config.json}'\n";
    expected = {"top"};
  }
  const std::vector<SyncOutcome> outcomes = f.Sync(directory);
  INFO(Describe(outcomes));
  REQUIRE(outcomes.size() == 1);
  REQUIRE(outcomes[0].verdict == Verdict::kPublished);
  const std::string manifest = f.Published();
  INFO(manifest);
  CHECK(PublishedNames(manifest) == expected);
  CHECK(manifest.find("not a manifest") == std::string::npos);
}

TEST_CASE("sync directory: an excluded file is not published but still checked",
          "[sync][directory]") {
  // It is in the repository: a Vault token there refuses the sync all the same.
  Fixture f;
  const std::string token = "hvs.CAESIJx9vQ1mZr7Tk2p8WnLd4F5G";
  WriteFile(f.source / "manifests/leak.yaml", ConfigMap("leak") + "  vault-token: " + token + "\n");
  f.Commit("leak in an excluded file");
  const std::vector<SyncOutcome> outcomes = f.Sync("    directory:\n      exclude: leak.yaml\n");
  INFO(Describe(outcomes));
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].verdict == Verdict::kRefused);
  REQUIRE_FALSE(outcomes[0].blocking.empty());
  CHECK(fs::path(outcomes[0].blocking[0].file).filename() == "leak.yaml");
  CHECK(outcomes[0].reason.find(token) == std::string::npos);
  CHECK(f.BranchCommits() == 0);
}

TEST_CASE("sync directory: jsonnet and plugin sources publish nothing, and say why",
          "[sync][directory]") {
  Fixture f;
  SECTION("a jsonnet file ArgoCD would evaluate") {
    WriteFile(f.source / "manifests/generated.jsonnet",
              "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gen' } }\n");
    f.Commit("jsonnet");
    const std::vector<SyncOutcome> outcomes = f.Sync("");
    INFO(Describe(outcomes));
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].verdict == Verdict::kError);
    CHECK(ExitCodeOf(outcomes) == 2);
    CHECK(outcomes[0].reason.find("app:dirs not rendered and --require-render is set: ArgoCD "
                                  "evaluates dirs@") != std::string::npos);
    CHECK(outcomes[0].reason.find("/manifests/generated.jsonnet with jsonnet") !=
          std::string::npos);
    CHECK(f.BranchCommits() == 0);

    SECTION("unless the source's own exclude leaves it out, as ArgoCD then does") {
      const std::vector<SyncOutcome> excluded =
          f.Sync("    directory:\n      exclude: '*.jsonnet'\n");
      INFO(Describe(excluded));
      REQUIRE(excluded[0].verdict == Verdict::kPublished);
      CHECK(PublishedNames(f.Published()) == std::vector<std::string>{"top", "from-json"});
    }
  }
  SECTION("a Config Management Plugin") {
    const std::vector<SyncOutcome> outcomes = f.Sync("    plugin:\n      name: cdk8s\n");
    INFO(Describe(outcomes));
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].verdict == Verdict::kError);
    CHECK(outcomes[0].reason.find("app:dirs not rendered and --require-render is set: the "
                                  "Config Management Plugin 'cdk8s' generates") !=
          std::string::npos);
    CHECK(f.BranchCommits() == 0);
  }
}

TEST_CASE("sync directory: cmp generate reads the directory options from the plugin's env",
          "[sync][directory]") {
  TempDir dir;
  const fs::path src = dir / "manifests";
  WriteFile(src / "top.yaml", ConfigMap("top"));
  WriteFile(src / "sub/nested.yml", ConfigMap("nested"));
  WriteFile(src / "config.json",
            R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "from-json", )"
            R"("namespace": "demo"}})"
            "\n");
  const std::string env = fmt::format(
      "SYNCGATE_CACHE_DIR='{}' ARGOCD_APP_NAME=dirs ARGOCD_APP_NAMESPACE=demo "
      "ARGOCD_APP_PROJECT_NAME=platform "
      "ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567 "
      "ARGOCD_APP_SOURCE_PATH=manifests ARGOCD_APP_SOURCE_REPO_URL={} "
      "ARGOCD_APP_SOURCE_TARGET_REVISION=main ",
      (dir / "cache").string(), kRepoUrl);
  auto generate = [&](const std::string& plugin_env) {
    return RunShell(env + plugin_env + " '" SYNCGATE_BINARY "' cmp generate", "", src.string());
  };
  const auto plain = generate("");
  INFO(plain.err);
  REQUIRE(plain.exit_code == 0);
  CHECK(PublishedNames(plain.out) == std::vector<std::string>{"top", "from-json"});

  const auto filtered =
      generate("ARGOCD_ENV_DIRECTORY_RECURSE=true ARGOCD_ENV_DIRECTORY_EXCLUDE=config.json");
  INFO(filtered.err);
  REQUIRE(filtered.exit_code == 0);
  CHECK(PublishedNames(filtered.out) == std::vector<std::string>{"top", "nested"});

  const auto included = generate("ARGOCD_ENV_DIRECTORY_INCLUDE='*.json'");
  INFO(included.err);
  REQUIRE(included.exit_code == 0);
  CHECK(PublishedNames(included.out) == std::vector<std::string>{"from-json"});

  WriteFile(src / "sub/gen.jsonnet", "{}\n");
  const auto top_only = generate("");
  CHECK(top_only.exit_code == 0);  // without recurse ArgoCD does not read sub/
  const auto jsonnet = generate("ARGOCD_ENV_DIRECTORY_RECURSE=true");
  CHECK(jsonnet.exit_code == 2);
  CHECK(jsonnet.out.empty());
  CHECK(jsonnet.err.find("jsonnet") != std::string::npos);
}

}  // namespace syncgate::sync
