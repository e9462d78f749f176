// The shell completions and the man page (`syncgate completion bash|zsh|fish`, `syncgate man`):
// generated from the CLI11 tree, so they must name every subcommand `--help` lists, parse in
// their shell, complete what a user types, and render with groff.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace syncgate {
namespace {
using testing::CommandOutput;
using testing::RunShell;
using testing::RunSyncgate;
using testing::TempDir;
using testing::WriteFile;

/// The subcommands `syncgate <path> --help` lists under "Subcommands:" (CLI11's help format).
std::vector<std::string> HelpSubcommands(const std::string& path) {
  const CommandOutput help = RunSyncgate(path + " --help");
  REQUIRE(help.exit_code == 0);
  std::vector<std::string> names;
  std::istringstream lines(help.out);
  std::string line;
  bool in_section = false;
  while (std::getline(lines, line)) {
    if (line == "Subcommands:") {
      in_section = true;
    } else if (in_section && line.empty()) {
      break;
    } else if (in_section) {
      std::istringstream words(line);
      std::string name;
      words >> name;
      names.push_back(name);
    }
  }
  return names;
}

/// Every command path below the root, from the help of each level: "check", "rules list", ...
std::vector<std::string> AllCommandPaths(const std::string& path = "") {
  std::vector<std::string> out;
  for (const std::string& name : HelpSubcommands(path)) {
    const std::string sub = path.empty() ? name : path + " " + name;
    out.push_back(sub);
    for (const std::string& deeper : AllCommandPaths(sub)) out.push_back(deeper);
  }
  return out;
}

/// What the bash completion offers for the words typed so far (the last one being completed).
std::vector<std::string> BashComplete(const TempDir& dir, const std::string& words) {
  WriteFile(dir / "complete.sh", "source '" + (dir / "syncgate.bash").string() + "'\nCOMP_WORDS=(" +
                                     words +
                                     ")\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n_syncgate\n"
                                     "printf '%s\\n' \"${COMPREPLY[@]}\"\n");
  const CommandOutput out = RunShell("bash '" + (dir / "complete.sh").string() + "'");
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  std::vector<std::string> items;
  std::istringstream lines(out.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) items.push_back(line);
  }
  std::sort(items.begin(), items.end());
  return items;
}

bool HasTool(const std::string& name) { return RunShell("command -v " + name).exit_code == 0; }

}  // namespace

TEST_CASE("the bash completion names every subcommand and completes what is typed",
          "[cli][completion]") {
  const std::vector<std::string> paths = AllCommandPaths();
  // The tree as --help shows it; a change in CLI11's help format would leave this empty.
  REQUIRE(paths.size() >= 10);
  TempDir dir;
  const CommandOutput script = RunSyncgate("completion bash");
  REQUIRE(script.exit_code == 0);
  WriteFile(dir / "syncgate.bash", script.out);
  const CommandOutput syntax = RunShell("bash -n '" + (dir / "syncgate.bash").string() + "'");
  INFO(syntax.err);
  CHECK(syntax.exit_code == 0);

  // Each level offers exactly the subcommands its --help lists (the hidden ones stay out).
  for (const std::string& path : std::vector<std::string>{"", "rules", "schemas", "hook", "cmp"}) {
    std::vector<std::string> expected = HelpSubcommands(path);
    std::sort(expected.begin(), expected.end());
    INFO("syncgate " << path);
    CHECK(BashComplete(dir, "syncgate " + path + " ''") == expected);
  }
  const auto top = BashComplete(dir, "syncgate ''");
  CHECK(std::find(top.begin(), top.end(), "completion") == top.end());

  // Options of the command typed, values of a CLI::IsMember option, and a skipped option value.
  const auto check_opts = BashComplete(dir, "syncgate check --fail");
  CHECK(check_opts == std::vector<std::string>{"--fail-on"});
  CHECK(BashComplete(dir, "syncgate rules list --format ''") ==
        std::vector<std::string>{"json", "markdown", "text"});
  CHECK(BashComplete(dir, "syncgate --help rules ''") == BashComplete(dir, "syncgate rules ''"));
  CHECK(BashComplete(dir, "syncgate check --config rules --new") ==
        std::vector<std::string>{"--new-only"});
}

TEST_CASE("the zsh and fish completions name every subcommand and parse", "[cli][completion]") {
  const std::vector<std::string> paths = AllCommandPaths();
  REQUIRE(paths.size() >= 10);
  TempDir dir;
  const CommandOutput zsh = RunSyncgate("completion zsh");
  const CommandOutput fish = RunSyncgate("completion fish");
  REQUIRE(zsh.exit_code == 0);
  REQUIRE(fish.exit_code == 0);
  CHECK(zsh.out.rfind("#compdef syncgate\n", 0) == 0);
  for (const std::string& path : paths) {
    INFO(path);
    const size_t space = path.rfind(' ');
    const std::string name = space == std::string::npos ? path : path.substr(space + 1);
    // zsh: one function per command; its parent describes it as 'name:description'.
    std::string fn = "_syncgate_" + path;
    std::replace(fn.begin(), fn.end(), ' ', '_');
    std::replace(fn.begin(), fn.end(), '-', '_');
    CHECK_THAT(zsh.out, Catch::Contains("\n" + fn + "() {"));
    CHECK_THAT(zsh.out, Catch::Contains("'" + name + ":"));
    // fish: an entry offering the name under its parent's path.
    const std::string parent = space == std::string::npos ? "" : path.substr(0, space);
    CHECK_THAT(fish.out,
               Catch::Contains("'__syncgate_at \\'" + parent + "\\'' -f -a " + name + " ") ||
                   Catch::Contains("'__syncgate_at \\'" + parent + "\\'' -a " + name + " "));
  }
  CHECK_THAT(fish.out, Catch::Contains("-l fail-on -r"));

  WriteFile(dir / "_syncgate", zsh.out);
  WriteFile(dir / "syncgate.fish", fish.out);
  if (HasTool("zsh")) {
    const CommandOutput parsed = RunShell("zsh -n '" + (dir / "_syncgate").string() + "'");
    INFO(parsed.err);
    CHECK(parsed.exit_code == 0);
  } else {
    WARN("zsh not installed: the zsh completion's syntax is not checked");
  }
  if (HasTool("fish")) {
    const CommandOutput parsed = RunShell("fish -n '" + (dir / "syncgate.fish").string() + "'");
    INFO(parsed.err);
    CHECK(parsed.exit_code == 0);
  } else {
    WARN("fish not installed: the fish completion's syntax is not checked");
  }
}

TEST_CASE("the man page names every subcommand and renders", "[cli][completion]") {
  const std::vector<std::string> paths = AllCommandPaths();
  REQUIRE(paths.size() >= 10);
  const CommandOutput man = RunSyncgate("man");
  REQUIRE(man.exit_code == 0);
  CHECK(man.out.rfind(".\\\" Generated by `syncgate man`", 0) == 0);
  CHECK_THAT(man.out, Catch::Contains(".TH SYNCGATE 1 \"\" \"syncgate " SYNCGATE_VERSION "\""));
  for (const std::string& path : paths) {
    std::string roff;  // '-' is written \- in the page
    for (char c : path) roff += c == '-' ? std::string("\\-") : std::string(1, c);
    CHECK_THAT(man.out, Catch::Contains(".SS \"syncgate " + roff));
  }
  CHECK_THAT(man.out, Catch::Contains("\\fB\\-\\-fail\\-on\\fR \\fITEXT\\fR"));

  if (!HasTool("groff")) {
    WARN("groff not installed: the man page is not rendered");
    return;
  }
  TempDir dir;
  WriteFile(dir / "syncgate.1", man.out);
  // -ww: every groff warning (a clean page has none); -P-cbou: plain text, no overstriking.
  const CommandOutput rendered =
      RunShell("groff -man -Tutf8 -P-cbou -ww '" + (dir / "syncgate.1").string() + "'");
  INFO(rendered.err);
  CHECK(rendered.exit_code == 0);
  CHECK(rendered.err.empty());
  CHECK_THAT(rendered.out, Catch::Contains("EXIT STATUS"));
  CHECK_THAT(rendered.out, Catch::Contains("syncgate rules list"));
}

}  // namespace syncgate
