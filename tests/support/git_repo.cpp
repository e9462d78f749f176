#include "tests/support/git_repo.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "tests/test_util.h"

namespace syncgate::testing {

const char* const kTestGit =
    "git -c user.name=test -c user.email=test@example.com -c init.defaultBranch=main "
    "-c commit.gpgsign=false";

std::string Git(const std::filesystem::path& repo, const std::string& args) {
  const CommandOutput out = RunShell(fmt::format("{} -C '{}' {}", kTestGit, repo.string(), args));
  INFO("git " << args << ": " << out.err);
  REQUIRE(out.exit_code == 0);
  return out.out.substr(0, out.out.find_last_not_of('\n') + 1);
}

void InitAndCommitAll(const std::filesystem::path& repo, const std::string& message) {
  std::filesystem::create_directories(repo);
  Git(repo, "init -q");
  Git(repo, "add -A");
  Git(repo, fmt::format("commit -q -m '{}'", message));
}

void InitBare(const std::filesystem::path& path) {
  const CommandOutput out =
      RunShell(fmt::format("{} init -q --bare '{}'", kTestGit, path.string()));
  INFO("git init --bare " << path << ": " << out.err);
  REQUIRE(out.exit_code == 0);
}

}  // namespace syncgate::testing
