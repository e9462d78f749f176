// integrations/github/action.sh: which syncgate the GitHub Action runs (the `syncgate` input,
// syncgate on PATH, else the image through docker), each ending in run.sh's check and SARIF.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::CommandOutput;
using testing::ReadText;
using testing::RunShell;
using testing::SourceDir;
using testing::TempDir;
using testing::WriteFile;

/// A work tree with one error (a duplicate key), a folder for PATH and the script's command
/// line; PATH holds only what the scripts use, so neither syncgate nor docker is on it unless a
/// test puts it there.
struct ActionRun {
  TempDir work, bin;
  ActionRun() {
    WriteFile(work / "a.yaml", "b: 1\nb: 2\n");
    for (const char* tool : {"sh", "rm", "dirname", "id", "cat", "printf"}) {
      const CommandOutput where = RunShell(std::string("command -v ") + tool);
      REQUIRE(where.exit_code == 0);
      fs::create_symlink(where.out.substr(0, where.out.find('\n')), bin / tool);
    }
  }
  CommandOutput Run(const std::string& env) const {
    return RunShell("env -i PATH='" + bin.path().string() + "' SYNCGATE_PATHS=a.yaml " +
                        "SYNCGATE_SARIF=out.sarif GITHUB_WORKSPACE='" + work.path().string() +
                        "' " + env + " sh '" +
                        (SourceDir() / "integrations/github/action.sh").string() + "'",
                    "", work.path().string());
  }
};

}  // namespace

TEST_CASE("the GitHub Action runs the syncgate input, else syncgate on PATH", "[integrations]") {
  ActionRun action;
  SECTION("the syncgate input") {
    const CommandOutput out = action.Run(std::string("SYNCGATE_INPUT='") + SYNCGATE_BINARY + "'");
    INFO(out.out << out.err);
    CHECK(out.exit_code == 1);
  }
  SECTION("syncgate on PATH") {
    fs::create_symlink(SYNCGATE_BINARY, action.bin / "syncgate");
    const CommandOutput out = action.Run("SYNCGATE_IMAGE=unused");
    INFO(out.out << out.err);
    CHECK(out.exit_code == 1);
  }
  const std::string sarif = ReadText(action.work / "out.sarif");
  CHECK_THAT(sarif, Catch::Contains("yaml-duplicate-key"));
}

TEST_CASE("the GitHub Action runs the image's run.sh through docker as the runner's user",
          "[integrations]") {
  ActionRun action;
  // A docker that records its arguments, one per line.
  WriteFile(action.bin / "docker",
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" +
                (action.work / "docker-args").string() + "'\n");
  fs::permissions(action.bin / "docker", fs::perms::owner_all);
  const CommandOutput out = action.Run("SYNCGATE_IMAGE=ghcr.io/syncgate/syncgate:0.1.0 CI=true");
  INFO(out.out << out.err);
  CHECK(out.exit_code == 0);
  const std::string args = ReadText(action.work / "docker-args");
  const std::string uid = RunShell("id -u").out.substr(0, RunShell("id -u").out.find('\n'));
  const std::string workspace = action.work.path().string();
  CHECK_THAT(args, Catch::StartsWith("run\n--rm\n--user\n" + uid + ":"));
  CHECK_THAT(args, Catch::Contains("--volume\n" + workspace + ":" + workspace + "\n"));
  CHECK_THAT(args, Catch::Contains("--workdir\n" + workspace + "\n"));
  CHECK_THAT(args, Catch::Contains("--env\nSYNCGATE_SARIF\n"));
  CHECK_THAT(args, Catch::EndsWith("--entrypoint\nsh\nghcr.io/syncgate/syncgate:0.1.0\n"
                                   "/usr/share/syncgate/integrations/github/run.sh\n"));
}

TEST_CASE("the GitHub Action without syncgate, deb or docker says what to set", "[integrations]") {
  ActionRun action;
  const CommandOutput out = action.Run("SYNCGATE_IMAGE=ghcr.io/syncgate/syncgate:0.1.0");
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("set the action's syncgate, deb or image input"));
}

}  // namespace syncgate
