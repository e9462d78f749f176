// A repository's own git configuration never runs anything: hooks, filter drivers, fsmonitor,
// submodule URLs, ssh and pager commands set in the repository are all commands an attacker who
// can push a branch (or hand over a repository) chooses. syncgate reads repositories through
// libgit2 (sources/git_source.cpp), never the git CLI: it runs no hook, knows no external filter
// driver or fsmonitor, and fetches no submodule. This test sets every one of them to a command
// that writes a marker file, runs check, check --staged, the sync and cmp generate on the
// repository, and asserts that each did its job and that no marker appeared.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "rules/registry.h"
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

constexpr const char* kRepoUrl = "https://git.example.com/platform/hostile.git";

const char* kConfigMap =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\n"
    "data:\n  mode: fast\n";

/// Every marker file the hostile configuration would write, if anything ran it.
std::vector<std::string> Markers(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path().filename());
  return out;
}

/// Syncs an Application of `repo`'s manifests/ folder (pinned at main) into a bare target
/// under `dir`; returns what was published.
std::string SyncAndPublish(const fs::path& dir, const fs::path& repo) {
  const fs::path target = dir / "target.git";
  testing::InitBare(target);
  WriteFile(dir / "apps/hostile.yaml",
            fmt::format("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
                        "  name: hostile\n  namespace: argocd\n  finalizers:\n"
                        "    - resources-finalizer.argocd.argoproj.io\nspec:\n"
                        "  project: platform\n  source:\n    repoURL: {}\n"
                        "    targetRevision: main\n    path: manifests\n  destination:\n"
                        "    server: https://kubernetes.default.svc\n    namespace: demo\n",
                        kRepoUrl));
  SyncOptions options;
  options.target = target.string();
  options.repo_map[kRepoUrl] = repo.string();
  options.cache_dir = (dir / "cache").string();
  options.state_dir = (dir / "state").string();
  options.jobs = 1;
  options.sleep = [](std::chrono::milliseconds) {};
  const std::vector<SyncOutcome> outcomes = SyncApplications({(dir / "apps").string()}, options);
  std::string described;
  for (const auto& o : outcomes) described += FormatOutcome(o, true);
  INFO(described);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].verdict == Verdict::kPublished);
  return RunShell(
             fmt::format("git -C '{}' show env/default/hostile:manifest.yaml", target.string()))
      .out;
}

}  // namespace

TEST_CASE("a repository's git configuration runs nothing", "[sync][git][hostile]") {
  TempDir dir;
  const fs::path markers = dir / "markers";
  const fs::path repo = dir / "source";
  fs::create_directories(markers);
  fs::create_directories(repo);
  Git(repo, "init -q");
  WriteFile(repo / "manifests/config.yaml", kConfigMap);
  WriteFile(repo / ".gitattributes", "*.yaml filter=evil\n");
  WriteFile(repo / ".gitmodules",
            fmt::format("[submodule \"sub\"]\n\tpath = sub\n\turl = ext::sh -c touch% {}\n",
                        (markers / "submodule").string()));
  Git(repo, "add -A");
  // A gitlink: the submodule's commit, never fetched.
  Git(repo, "update-index --add --cacheinfo 160000,0123456789abcdef0123456789abcdef01234567,sub");
  Git(repo, "commit -q -m first");
  // A change staged for `check --staged`, before the filter exists (git add would run it).
  WriteFile(repo / "manifests/config.yaml", std::string(kConfigMap) + "  extra: staged\n");
  Git(repo, "add manifests/config.yaml");

  // Now the hostile configuration: each command writes its own marker.
  auto marker_command = [&](const std::string& name) {
    return fmt::format("touch '{}'", (markers / name).string());
  };
  for (const char* hook : {"post-checkout", "pre-commit", "post-merge", "post-index-change",
                           "reference-transaction", "fsmonitor-watchman", "pre-auto-gc"}) {
    WriteFile(repo / ".git/hooks" / hook, "#!/bin/sh\n" + marker_command(hook) + "\n");
    fs::permissions(repo / ".git/hooks" / hook, fs::perms::owner_all);
  }
  {
    // Appended to .git/config as written (values in double quotes: `;` would start a comment).
    std::ofstream config(repo / ".git/config", std::ios::app);
    config << fmt::format(
        "[filter \"evil\"]\n\tsmudge = \"{}; cat\"\n\tclean = \"{}; cat\"\n\tprocess = \"{}\"\n"
        "\trequired = true\n[core]\n\tfsmonitor = \"{}\"\n\tsshCommand = \"{}\"\n"
        "\tpager = \"{}\"\n[protocol \"ext\"]\n\tallow = always\n[submodule]\n\trecurse = true\n",
        marker_command("smudge"), marker_command("clean"), marker_command("process"),
        marker_command("fsmonitor"), marker_command("ssh"), marker_command("pager"));
  }
  // The configuration is live: the git CLI itself would run it (proof that the markers work).
  {
    RunShell(fmt::format("git -C '{}' status --porcelain >/dev/null 2>&1", repo.string()));
    const std::vector<std::string> by_git = Markers(markers);
    CHECK_FALSE(by_git.empty());  // fsmonitor (git ≥ 2.36) or a hook
    for (const std::string& name : by_git) fs::remove(markers / name);
  }
  REQUIRE(Markers(markers).empty());

  SECTION("check and check --staged") {
    const testing::CommandOutput tree = RunShell(
        "'" SYNCGATE_BINARY "' check --no-require-render --format json .", "", repo.string());
    INFO(tree.out << tree.err);
    CHECK(tree.exit_code != 2);
    CHECK(tree.out.find("\"files\"") != std::string::npos);
    const testing::CommandOutput staged =
        RunShell("'" SYNCGATE_BINARY "' check --staged --no-require-render --format json", "",
                 repo.string());
    INFO(staged.out << staged.err);
    CHECK(staged.exit_code != 2);
    CHECK(staged.out.find("\"files\"") != std::string::npos);
  }
  SECTION("the sync fetches and publishes the pinned tree") {
    const std::string published = SyncAndPublish(dir.path(), repo);
    CHECK(published.find("name: settings") != std::string::npos);
  }
  SECTION("cmp generate in the checkout") {
    const std::string env =
        "ARGOCD_APP_NAME=hostile ARGOCD_APP_NAMESPACE=demo ARGOCD_APP_PROJECT_NAME=platform "
        "ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567 "
        "ARGOCD_APP_SOURCE_PATH=manifests "
        "ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/platform/hostile.git "
        "ARGOCD_APP_SOURCE_TARGET_REVISION=main ";
    const testing::CommandOutput out =
        RunShell(env + "'" SYNCGATE_BINARY "' cmp generate", "", (repo / "manifests").string());
    INFO(out.err);
    CHECK(out.exit_code == 0);
    CHECK(out.out.find("name: settings") != std::string::npos);
  }
  CHECK(Markers(markers) == std::vector<std::string>{});
}

TEST_CASE("a symlink committed to git is left out of the pinned tree", "[sync][git][hostile]") {
  TempDir dir;
  const fs::path repo = dir / "source";
  WriteFile(dir / "outside/leak.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\n  namespace: demo\n");
  fs::create_directories(repo);
  Git(repo, "init -q");
  WriteFile(repo / "manifests/config.yaml", kConfigMap);
  fs::create_symlink(dir / "outside/leak.yaml", repo / "manifests/leak.yaml");
  Git(repo, "add -A");
  Git(repo, "commit -q -m first");
  REQUIRE(Git(repo, "ls-files -s manifests/leak.yaml").rfind("120000 ", 0) == 0);
  // The pinned tree holds regular files only (sources/git_source.cpp): the link's blob is its
  // target's name, never written as a link, and nothing reads through it.
  const std::string published = SyncAndPublish(dir.path(), repo);
  CHECK(published.find("name: settings") != std::string::npos);
  CHECK(published.find("leaked") == std::string::npos);
  // The work tree of the same repository: the link is reported, not followed.
  const testing::CommandOutput tree =
      RunShell("'" SYNCGATE_BINARY "' check --no-require-render .", "", repo.string());
  CHECK(tree.exit_code == 1);
  CHECK(tree.out.find("leak.yaml is a symlink to") != std::string::npos);
  CHECK(tree.out.find("input-symlink-outside") != std::string::npos);
}

}  // namespace syncgate::sync
