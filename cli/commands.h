#pragma once
// The subcommands. Each file in cli/ registers one with CLI11 and returns the exit code through
// the callback it sets: 0 pass, 1 findings at or above --fail-on, 2 the tool could not do its job.

#include <CLI/CLI.hpp>

namespace syncgate::cli {

enum ExitCode : int { kExitPass = 0, kExitFindings = 1, kExitError = 2 };

/// Where a subcommand stores its exit code once it has run.
struct CommandResult {
  int exit_code = kExitPass;
};

void AddCheckCommand(CLI::App& app, CommandResult& result);
void AddChecklistCommand(CLI::App& app, CommandResult& result);
void AddHookCommand(CLI::App& app, CommandResult& result);
void AddRulesCommand(CLI::App& app, CommandResult& result);
void AddSchemasCommand(CLI::App& app, CommandResult& result);
void AddSealCommand(CLI::App& app, CommandResult& result);
void AddVersionCommand(CLI::App& app, CommandResult& result);
/// sync, history, rollback, cmp generate (cli/sync_command.cpp).
void AddSyncCommands(CLI::App& app, CommandResult& result);

}  // namespace syncgate::cli
