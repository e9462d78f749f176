#pragma once
// The subcommands. Each file in cli/ registers one with CLI11 and returns the exit code through
// the callback it sets: 0 pass, 1 findings at or above --fail-on, 2 the tool could not do its job.

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "checker/config.h"
#include "checker/engine.h"
#include "checker/run_settings.h"
#include "run/check_run.h"

namespace syncgate::cli {

enum ExitCode : int { kExitPass = 0, kExitFindings = 1, kExitError = 2 };

/// Where a subcommand stores its exit code once it has run.
struct CommandResult {
  int exit_code = kExitPass;
};

/// What every command that runs the checks shares (check, checklist): the configuration, the
/// environment, parallelism, and what the run needs to know about the cluster and its tools.
struct RunOptions {
  std::string config_path;  // --config
  std::string environment;  // --env
  int jobs = 0;             // -j: all cores
  RunSettings settings;     // --kube-version, --schema-location, --sealed-*, --namespace, --helm
};
/// Adds the RunOptions flags to `cmd`, with the same names and help everywhere.
void AddRunOptions(CLI::App& cmd, RunOptions& opts);
/// --render-timeout and --render-max-output (in AddRunOptions; `sync` adds them too).
void AddRenderLimitOptions(CLI::App& cmd, RenderLimits& limits);

/// The run every checking command makes from its flags (run/check_run.h), with the
/// configuration found upward from `config_search_start` unless --config names one. Null after
/// printing the configuration error.
std::unique_ptr<CheckRun> MakeCheckRun(const RunOptions& opts,
                                       const std::string& config_search_start,
                                       const RunSettings& settings);

void AddCheckCommand(CLI::App& app, CommandResult& result);
void AddChecklistCommand(CLI::App& app, CommandResult& result);
void AddHookCommand(CLI::App& app, CommandResult& result);
/// merge-reports: the shards' reports of `check --shard` as one (cli/merge_reports_command.cpp).
void AddMergeReportsCommand(CLI::App& app, CommandResult& result);
void AddRulesCommand(CLI::App& app, CommandResult& result);
void AddSchemasCommand(CLI::App& app, CommandResult& result);
void AddSealCommand(CLI::App& app, CommandResult& result);
void AddVersionCommand(CLI::App& app, CommandResult& result);
/// completion bash|zsh|fish and man (hidden): the shell completions and the man page, written
/// from the whole tree of `app` when they run (cli/completion_command.cpp).
void AddCompletionCommand(CLI::App& app, CommandResult& result);
/// sync, history, rollback, cmp generate (cli/sync_command.cpp).
void AddSyncCommands(CLI::App& app, CommandResult& result);

}  // namespace syncgate::cli
