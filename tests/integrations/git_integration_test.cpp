// Where users run syncgate: `check --staged`, `check --diff --new-only` and the installed
// pre-commit hook, on real repositories made with the git CLI in temporary folders.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "checker/finding.h"
#include "tests/test_util.h"

namespace syncgate::testing {
namespace {
namespace fs = std::filesystem;

// A real-length Vault root token, assembled so that this source file holds no scannable secret.
const std::string kToken = std::string("hvs.") + "ol0olzdzVKQGNErGD8XS" + "8764";

std::string AppWithToken(const std::string& token) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vault-init\n  namespace: q-kms\n"
         "data:\n  rootToken: \"" +
         token + "\"\n";
}

/// A fresh repository with a committer identity and no global hooks.
class Repo {
 public:
  Repo() {
    Git("init -q -b main");
    Git("config user.email test@example.com");
    Git("config user.name Test");
    Git("config core.hooksPath .git/hooks");
  }
  CommandOutput Git(const std::string& args) const {
    return RunShell("git " + args, "", dir_.path().string());
  }
  void Write(const std::string& rel, const std::string& text) const { WriteFile(dir_ / rel, text); }
  std::string Commit(const std::string& message) const {
    REQUIRE(Git("add -A").exit_code == 0);
    REQUIRE(Git("commit -q --no-verify -m '" + message + "'").exit_code == 0);
    std::string sha = Git("rev-parse HEAD").out;
    while (!sha.empty() && sha.back() == '\n') sha.pop_back();
    return sha;
  }
  CommandOutput Syncgate(const std::string& args) const {
    return RunSyncgate(args, "", dir_.path().string());
  }
  const fs::path& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

/// (rule, file) of every finding above info (info notes such as schema-missing depend on the
/// schemas at hand, not on git).
std::vector<std::pair<std::string, std::string>> Findings(const std::string& json_text) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto json = nlohmann::json::parse(json_text);
  for (const auto& f : json.at("findings")) {
    if (f.at("severity") != "info") out.emplace_back(f.at("rule"), f.at("file"));
  }
  return out;
}

using Found = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("check --staged checks the index, not the work tree", "[integrations]") {
  Repo repo;
  repo.Write("README.md", "# platform\n");
  repo.Commit("init");
  // Staged with the secret, then edited clean in the work tree without `git add`.
  repo.Write("q-kms/vault.yaml", AppWithToken(kToken));
  REQUIRE(repo.Git("add q-kms/vault.yaml").exit_code == 0);
  repo.Write("q-kms/vault.yaml", AppWithToken("from-a-sealed-secret"));

  const CommandOutput staged = repo.Syncgate("check --staged --format json");
  CHECK(staged.exit_code == 1);
  CHECK(Findings(staged.out) == Found{{"secret-vault-token", "q-kms/vault.yaml"}});
  CHECK(staged.err.find("# syncgate:ignore <rule-id> -- ") != std::string::npos);
  CHECK(staged.err.find("git commit --no-verify") != std::string::npos);
  CHECK(staged.out.find(kToken) == std::string::npos);
  CHECK(staged.err.find(kToken) == std::string::npos);

  const CommandOutput work_tree = repo.Syncgate("check q-kms --format json");
  CHECK(work_tree.exit_code == 0);
  CHECK(Findings(work_tree.out).empty());
}

TEST_CASE("check --staged with nothing YAML-related staged passes at once", "[integrations]") {
  Repo repo;
  repo.Write("app.yaml", "a: 1\na: 2\n");  // a committed problem the fast path must not look at
  repo.Commit("init");
  repo.Write("README.md", "# notes\n");
  REQUIRE(repo.Git("add README.md").exit_code == 0);
  const CommandOutput out = repo.Syncgate("check --staged");
  CHECK(out.exit_code == 0);
  CHECK(out.err.find("nothing YAML-related staged") != std::string::npos);
  CHECK(out.out.empty());
}

TEST_CASE("check --staged re-checks the whole chart of a staged values change", "[integrations]") {
  Repo repo;
  // Chart.yaml has a duplicate key; only values.yaml changes in the commit.
  repo.Write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\nname: web2\n");
  repo.Write("charts/web/values.yaml", "replicas: 1\n");
  repo.Write("charts/web/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\n");
  repo.Write("other/app.yaml", "b: 1\nb: 2\n");  // not part of the chart: not selected
  repo.Commit("init");
  repo.Write("charts/web/values.yaml", "replicas: 2\n");
  REQUIRE(repo.Git("add charts/web/values.yaml").exit_code == 0);

  // Without helm (the chart is not rendered): the files the selection took are the point here.
  const CommandOutput out =
      repo.Syncgate("check --staged --format json --no-require-render --helm /nonexistent/helm");
  CHECK(out.exit_code == 1);
  CHECK(Findings(out.out) == Found{{"yaml-duplicate-key", "charts/web/Chart.yaml"}});
  const auto json = nlohmann::json::parse(out.out);
  CHECK(json["summary"]["files"] == 3);  // Chart.yaml, values.yaml, templates/cm.yaml
}

TEST_CASE("check --diff --new-only reports only what the newer revision added", "[integrations]") {
  Repo repo;
  repo.Write("apps/a.yaml", "name: a\nname: a2\n");   // an old problem, changed again later
  repo.Write("apps/untouched.yaml", "x: 1\nx: 2\n");  // an old problem in an unchanged file
  const std::string base = repo.Commit("base");
  repo.Write("apps/a.yaml",
             "# comment moves the old problem down a line\nname: a\nname: a2\n"
             "port: 1\nport: 2\n");
  repo.Write("apps/vault.yaml", AppWithToken(kToken));
  const std::string head = repo.Commit("head");

  const CommandOutput all = repo.Syncgate("check --diff " + base + ".." + head + " --format json");
  CHECK(all.exit_code == 1);
  CHECK(Findings(all.out) == Found{{"yaml-duplicate-key", "apps/a.yaml"},
                                   {"yaml-duplicate-key", "apps/a.yaml"},
                                   {"secret-vault-token", "apps/vault.yaml"}});

  const CommandOutput added = repo.Syncgate("check --diff " + base + " --new-only --format json");
  CHECK(added.exit_code == 1);
  CHECK(Findings(added.out) ==
        Found{{"yaml-duplicate-key", "apps/a.yaml"}, {"secret-vault-token", "apps/vault.yaml"}});
  const auto json = nlohmann::json::parse(added.out);
  REQUIRE(json["findings"].size() >= 1);
  CHECK(json["findings"][0]["line"] == 5);  // `port`, not the old `name` now on line 3
  CHECK(added.err.find("1 finding that the base revision already had") != std::string::npos);
  CHECK(added.out.find(kToken) == std::string::npos);

  const CommandOutput unknown = repo.Syncgate("check --diff no-such-branch");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown revision 'no-such-branch'") != std::string::npos);
}

TEST_CASE("the installed hook blocks a commit with a secret and passes after the fix",
          "[integrations]") {
  Repo repo;
  repo.Write("README.md", "# platform\n");
  repo.Commit("init");
  const CommandOutput installed = repo.Syncgate("hook install");
  REQUIRE(installed.exit_code == 0);
  REQUIRE(fs::exists(repo.path() / ".git/hooks/pre-commit"));

  repo.Write("q-kms/vault.yaml", AppWithToken(kToken));
  REQUIRE(repo.Git("add q-kms/vault.yaml").exit_code == 0);
  const CommandOutput blocked = repo.Git("commit -m 'add vault init'");
  CHECK(blocked.exit_code != 0);
  // git hands a hook's stdout to stderr.
  CHECK(blocked.err.find("secret-vault-token") != std::string::npos);
  CHECK(blocked.err.find("commit blocked") != std::string::npos);
  CHECK(blocked.err.find("# syncgate:ignore <rule-id> -- ") != std::string::npos);
  CHECK(blocked.out.find(kToken) == std::string::npos);
  CHECK(blocked.err.find(kToken) == std::string::npos);
  CHECK(repo.Git("rev-list --count HEAD").out == "1\n");

  repo.Write("q-kms/vault.yaml", AppWithToken("from-a-sealed-secret"));
  REQUIRE(repo.Git("add q-kms/vault.yaml").exit_code == 0);
  const CommandOutput fixed = repo.Git("commit -q -m 'add vault init'");
  CHECK(fixed.exit_code == 0);
  CHECK(repo.Git("rev-list --count HEAD").out == "2\n");
}

TEST_CASE("hook install chains an existing hook; --force replaces it", "[integrations]") {
  Repo repo;
  repo.Write("README.md", "# platform\n");
  repo.Commit("init");
  repo.Write(".git/hooks/pre-commit", "#!/bin/sh\ntouch \"$(git rev-parse --git-dir)/ran-old\"\n");
  fs::permissions(repo.path() / ".git/hooks/pre-commit", fs::perms::owner_all);

  const CommandOutput chained = repo.Syncgate("hook install");
  REQUIRE(chained.exit_code == 0);
  CHECK(chained.out.find("pre-commit.syncgate-chained") != std::string::npos);
  CHECK(fs::exists(repo.path() / ".git/hooks/pre-commit.syncgate-chained"));
  repo.Write("docs.md", "x\n");
  REQUIRE(repo.Git("add docs.md").exit_code == 0);
  CHECK(repo.Git("commit -q -m docs").exit_code == 0);
  CHECK(fs::exists(repo.path() / ".git/ran-old"));  // the old hook still runs, first

  // Installing again updates syncgate's hook and keeps the chain.
  const CommandOutput again = repo.Syncgate("hook install");
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("updated") != std::string::npos);
  CHECK(fs::exists(repo.path() / ".git/hooks/pre-commit.syncgate-chained"));

  Repo other;
  other.Write(".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
  const CommandOutput forced = other.Syncgate("hook install --force");
  CHECK(forced.exit_code == 0);
  CHECK_FALSE(fs::exists(other.path() / ".git/hooks/pre-commit.syncgate-chained"));
  std::ifstream hook(other.path() / ".git/hooks/pre-commit");
  std::stringstream text;
  text << hook.rdbuf();
  CHECK(text.str().find("check --staged") != std::string::npos);
}

TEST_CASE("hook install outside a repository is an error", "[integrations]") {
  TempDir dir;
  const CommandOutput out = RunSyncgate("hook install", "", dir.path().string());
  CHECK(out.exit_code == 2);
  CHECK(out.err.find("not inside a git repository") != std::string::npos);
}

}  // namespace syncgate::testing
