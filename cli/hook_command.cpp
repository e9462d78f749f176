// `syncgate hook install [--force]`: the git pre-commit hook that runs `check --staged`.
//
// An existing hook that syncgate did not write is kept and chained: it is renamed to
// `pre-commit.syncgate-chained` and runs first; `--force` replaces it instead. Reinstalling
// updates syncgate's own hook in place. `git commit --no-verify` skips every hook.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "sources/git_source.h"

namespace syncgate::cli {
namespace {
namespace fs = std::filesystem;

constexpr std::string_view kMarker = "# syncgate pre-commit hook";
constexpr std::string_view kChainedName = "pre-commit.syncgate-chained";

/// The running binary, so the hook works without syncgate on PATH (GUI git clients).
std::string SelfPath() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("syncgate") : self.string();
}

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string HookScript(const std::string& binary) {
  return fmt::format(R"sh(#!/bin/sh
{} (written by `syncgate hook install`; run it again to update).
# Checks what is about to be committed: the git index, not the work tree.
# Skip once with: git commit --no-verify
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/{}" ]; then
  "$hook_dir/{}" "$@" || exit $?
fi
syncgate=${{SYNCGATE:-{}}}
if ! command -v "$syncgate" >/dev/null 2>&1; then
  syncgate=syncgate
  if ! command -v syncgate >/dev/null 2>&1; then
    echo "syncgate: the pre-commit hook cannot find the syncgate binary; install it, set SYNCGATE," >&2
    echo "  or run 'syncgate hook install' again (git commit --no-verify skips the check)" >&2
    exit 1
  fi
fi
exec "$syncgate" check --staged
)sh",
                     kMarker, kChainedName, kChainedName, ShellQuote(binary));
}

int Install(bool force) {
  Expected<GitRepository> repo = GitRepository::Open(".");
  if (!repo) {
    std::cerr << "syncgate: " << repo.error().message << "\n";
    return kExitError;
  }
  Expected<std::string> dir = repo->HooksDir();
  if (!dir) {
    std::cerr << "syncgate: " << dir.error().message << "\n";
    return kExitError;
  }
  std::error_code ec;
  fs::create_directories(*dir, ec);
  const fs::path hook = fs::path(*dir) / "pre-commit";
  const fs::path chained = fs::path(*dir) / kChainedName;
  std::string action = "installed";
  if (fs::exists(hook, ec)) {
    std::ifstream in(hook, std::ios::binary);
    std::stringstream existing;
    existing << in.rdbuf();
    if (existing.str().find(kMarker) != std::string::npos) {
      action = "updated";
    } else if (force) {
      action = "installed (the previous hook was replaced: --force)";
    } else if (fs::exists(chained, ec)) {
      std::cerr << fmt::format(
          "syncgate: {} exists and is not syncgate's, and {} is taken; "
          "merge them by hand or use --force to replace the hook\n",
          hook.string(), chained.string());
      return kExitError;
    } else {
      fs::rename(hook, chained, ec);
      if (ec) {
        std::cerr << fmt::format("syncgate: cannot move the existing hook aside: {}\n",
                                 ec.message());
        return kExitError;
      }
      action = fmt::format("installed; the existing hook was kept as {} and runs first",
                           chained.filename().string());
    }
  }
  {
    std::ofstream out(hook, std::ios::binary | std::ios::trunc);
    out << HookScript(SelfPath());
    if (!out.flush()) {
      std::cerr << fmt::format("syncgate: cannot write {}\n", hook.string());
      return kExitError;
    }
  }
  fs::permissions(hook,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  if (ec) {
    std::cerr << fmt::format("syncgate: cannot make {} executable: {}\n", hook.string(),
                             ec.message());
    return kExitError;
  }
  std::cout << fmt::format("syncgate: pre-commit hook {}: {}\n", action, hook.string());
  return kExitPass;
}

}  // namespace

void AddHookCommand(CLI::App& app, CommandResult& result) {
  CLI::App* hook = app.add_subcommand("hook", "The git pre-commit hook");
  hook->require_subcommand(1);
  auto force = std::make_shared<bool>(false);
  CLI::App* install = hook->add_subcommand(
      "install", "Install the pre-commit hook (check --staged) in the current repository");
  install->add_flag("--force", *force,
                    "Replace an existing pre-commit hook instead of chaining it");
  install->callback([force, &result] { result.exit_code = Install(*force); });
}

}  // namespace syncgate::cli
